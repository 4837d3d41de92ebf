// Pure helpers of Reports › Unmapped accounts: the count line and the CLI
// command that exports what the screen shows.
import type { UnmappedRow } from '../../../domain/unmapped.js';
import { formatCount } from '../../text.js';
import { matchesQuery } from '../../../domain/search.js';

export interface UnmappedViewState {
  /** Account type chosen in the type filter; null = all types. */
  readonly type: string | null;
  /** The `/` name filter ('' = none). */
  readonly nameFilter: string;
  readonly showExcluded: boolean;
}

/** The table's `/` filter on a name: kmsp's one search rule (domain/search.ts). */
export function nameMatches(name: string, filter: string): boolean {
  return matchesQuery(name, filter);
}

/**
 * "12 unmapped of 40 Autotask accounts · type Customer · 3 excluded hidden".
 * `shown` are the rows on screen; `candidates` are the unmapped rows of the
 * chosen type *with* the excluded ones, so the excluded count follows the filters.
 */
export function countLine(shown: number, totalAccounts: number, psa: string, candidates: readonly UnmappedRow[], view: UnmappedViewState): string {
  const excluded = candidates.filter((r) => r.excluded && nameMatches(r.name, view.nameFilter)).length;
  const parts = [`${formatCount(shown)} unmapped of ${formatCount(totalAccounts)} ${psa} account${totalAccounts === 1 ? '' : 's'}`];
  if (view.type) parts.push(`type ${view.type}`);
  if (view.nameFilter.trim()) parts.push(`name “${view.nameFilter.trim()}”`);
  if (excluded > 0) parts.push(`${formatCount(excluded)} excluded ${view.showExcluded ? 'shown' : 'hidden'}`);
  else if (view.showExcluded) parts.push('none excluded');
  return parts.join(' · ');
}

/** Quotes a shell word only when it needs it (POSIX single quotes). */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/u.test(word) ? word : `'${word.replace(/'/gu, `'\\''`)}'`;
}

/** The `kmsp report unmapped` command that exports the rows the screen shows. */
export function exportCommand(integrationName: string, view: UnmappedViewState, isFirstIntegration: boolean, format: 'csv' | 'json' = 'csv'): string {
  const args = ['kmsp', 'report', 'unmapped', '--format', format];
  if (!isFirstIntegration) args.push('--integration', integrationName);
  if (view.type) args.push('--type', view.type);
  if (view.nameFilter.trim()) args.push('--name', view.nameFilter.trim());
  if (view.showExcluded) args.push('--include-excluded');
  return args.map((a, i) => (i < 3 ? a : shellWord(a))).join(' ');
}
