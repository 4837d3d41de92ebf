// Saving the Accounts tab: validate the draft, write the configuration, then
// write the mapped tenant's name into each affected PSA account's custom field
// (README › The console, Accounts). The configuration is the source of truth and is saved first;
// a custom field that cannot be written is a warning naming the account, never a
// lost mapping — the next save repairs it (udfWrites compares with live values).
import { priceLevelWords, saveBlockers, udfWrites, type AccountsContext, type AccountsState, type SaveBlocker } from '../domain/accountsDraft.js';
import { psaContractWord, withArticle } from '../domain/mapping.js';
import { isKnownPsaKind } from '../domain/profiles/index.js';
import type { TenantMapping } from '../domain/config.js';
import { describeErrorLine, isKmspError, KmspError } from '../domain/errors.js';
import type { ConsoleSession } from './session.js';

/** What became of the custom-field writes of one save. */
export interface FieldWriteReport {
  /** The account field written (the tenant name goes there). */
  field: string;
  /** Accounts whose field had to be written or cleared. */
  needed: number;
  written: number;
  /** Any of them a clear (an unmapped account). */
  clears: boolean;
  /** The field does not exist in the PSA: nothing could be written. */
  fieldMissing: boolean;
  /** Writes that failed (or were never tried: the PSA could not be reached), with why, by account; `network`: the PSA did not answer. */
  failures: Array<{ accountName: string; reason: string; network: boolean }>;
}

export interface AccountsSaveResult {
  saved: TenantMapping[];
  fields: FieldWriteReport;
  summary: string;
}

/** A notice as the console shows it (text, then cause and remedy). */
export interface SaveNotice {
  kind: 'success' | 'warning';
  text: string;
  cause?: string;
  remedy?: string;
}

function failure(accountName: string, error: unknown): FieldWriteReport['failures'][number] {
  return { accountName, reason: reasonOf(error), network: isKmspError(error) && error.kind === 'network' };
}

function reasonOf(error: unknown): string {
  if (isKmspError(error)) return [error.message, error.why].filter(Boolean).join(': ').replace(/\.$/u, '');
  return describeErrorLine(error).replace(/\.$/u, '');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * What a save says: success only when every tenant name that had to be written was. Otherwise a
 * warning that the mappings are saved, on how many accounts the name was written (k of N), why
 * not on the others, and how to write them (Ctrl-S again: the next save compares with what the
 * PSA holds and writes only what is missing).
 */
export function saveNotice(
  changed: number,
  fields: FieldWriteReport,
  words: { tenantWord: string; psaName: string; account?: string; accounts?: string; accountFieldFix?: (field: string) => string; retry?: string },
): SaveNotice {
  // How to save again where the notice is read: the console's key, or a command to run again.
  const retry = words.retry ?? 'press Ctrl-S';
  const again = words.retry ? `${retry.charAt(0).toUpperCase()}${retry.slice(1)}` : 'Press Ctrl-S again';
  const one = words.account ?? 'account';
  const many = words.accounts ?? `${one}s`;
  const accountWord = `${words.psaName} ${one}`;
  const accountWords = `${words.psaName} ${many}`;
  const written = fields.clears ? 'wrote or cleared' : 'wrote';
  // A save with no mapping changed only writes names still owed from an earlier save.
  const saved = changed > 0 ? `Saved ${plural(changed, 'mapping')}` : '';
  if (fields.written === fields.needed && !fields.fieldMissing) {
    const what = `${written} the ${words.tenantWord} name on ${plural(fields.written, accountWord, accountWords)}.`;
    return { kind: 'success', text: saved ? `${saved}; ${what}` : `${what.charAt(0).toUpperCase()}${what.slice(1)}` };
  }
  // "k of N" early: a status line cuts what does not fit.
  const short = `${words.tenantWord} name written on ${fields.written} of ${plural(fields.needed, accountWord, accountWords)}.`;
  const text = changed > 0 ? `${plural(changed, 'mapping')} saved; ${short}` : `${short.charAt(0).toUpperCase()}${short.slice(1)}`;
  if (fields.fieldMissing) {
    return {
      kind: 'warning',
      text,
      cause: `The ${one} field “${fields.field}” does not exist in ${words.psaName}, so tenant names were not written to ${many}.`,
      remedy: `${words.accountFieldFix ? words.accountFieldFix(fields.field) : `Create it as a Company user-defined field in ${words.psaName}, or change its name in Connections.`} Then ${retry} to write the names.`,
    };
  }
  const reasons = [...new Set(fields.failures.map((f) => f.reason))];
  const names = fields.failures.map((f) => `“${f.accountName}”`).join(', ');
  return {
    kind: 'warning',
    text,
    cause: reasons.length === 1 ? `${reasons[0]} (${names}).` : fields.failures.map((f) => `“${f.accountName}”: ${f.reason}.`).join(' '),
    remedy: fields.failures.every((f) => f.network)
      ? `The mappings are saved. ${again} once ${words.psaName} can be reached: it writes the names still missing, and only those.`
      : `The mappings are saved. Put right what the cause says, then ${retry}: it writes the names still missing, and only those.`,
  };
}

/**
 * Why Save refused the draft: every blocker, each naming its row, the remedy in the PSA's words
 * (the context's). The screen shows it again as the blockers change.
 */
export function saveBlockedError(blockers: readonly SaveBlocker[], ctx: AccountsContext = {}): KmspError {
  const kind = isKnownPsaKind(ctx.psa) ? ctx.psa : undefined;
  const level = priceLevelWords(kind);
  const choose = [withArticle(psaContractWord(kind)), ...(level && blockers.some((b) => b.field === 'priceLevelId') ? [withArticle(level.word)] : [])].join(' and ');
  return new KmspError(`Cannot save: ${blockers.length === 1 ? 'one problem' : `${blockers.length} problems`} to fix first`, {
    kind: 'config',
    cause: blockers.map((b) => b.message).join(' '),
    remedy: `Fix each row named above (choose ${choose}, or turn billing off), then save again.`,
  });
}

/**
 * `reason` goes into the config audit after the summary: the console's tab by default; a command
 * passes the admin's --reason, or null for none (its actor already names it).
 */
export async function saveAccounts(
  session: ConsoleSession,
  integrationName: string,
  state: AccountsState,
  ctx: AccountsContext = {},
  options: { reason?: string | null } = {},
): Promise<AccountsSaveResult> {
  const blockers = saveBlockers(state, ctx);
  if (blockers.length > 0) throw saveBlockedError(blockers, ctx);
  const integration = session.integration(integrationName);
  if (!integration) throw new KmspError(`No integration named “${integrationName}”`, { kind: 'config' });
  const field = integration.psa.tenantNameField;

  // Live field values let the save skip writes that are already right and repair ones that drifted.
  let live: { accounts: Awaited<ReturnType<ConsoleSession['accounts']>>; fieldName: string } | undefined;
  try {
    live = { accounts: await session.accounts(integrationName), fieldName: field };
  } catch {
    live = undefined;
  }
  const writes = udfWrites(state.saved, state.draft, live);

  const reason = options.reason === undefined ? 'Accounts tab' : (options.reason ?? undefined);
  const result = session.updateIntegration(integrationName, (i) => ({ ...i, tenants: state.draft.map((m) => ({ ...m })) }), reason);
  const fields: FieldWriteReport = { field, needed: writes.length, written: 0, clears: writes.some((w) => w.value === null), fieldMissing: false, failures: [] };
  if (writes.length > 0) {
    let psa: Awaited<ReturnType<ConsoleSession['psa']>> | undefined;
    try {
      psa = await session.psa(integrationName);
    } catch (error) {
      // No connection at all: every write is still owed, for the same reason.
      for (const write of writes) fields.failures.push(failure(write.accountName ?? write.accountId, error));
    }
    if (psa) {
      for (const write of writes) {
        if (fields.fieldMissing) break;
        try {
          const outcome = await psa.setAccountField(write.accountId, field, write.value);
          if (outcome === 'field-missing') fields.fieldMissing = true;
          else fields.written++;
        } catch (error) {
          const failed = failure(write.accountName ?? write.accountId, error);
          fields.failures.push(failed);
          // Unreachable: the others would wait out the same timeouts to fail the same way.
          if (failed.network) {
            for (const rest of writes.slice(writes.indexOf(write) + 1)) fields.failures.push(failure(rest.accountName ?? rest.accountId, error));
            break;
          }
        }
      }
    }
    session.invalidate(integrationName, ['accounts']);
  }
  // What the file now holds: another console's mappings saved meanwhile were merged in (session.saveConfig).
  const saved = session.integration(integrationName)?.tenants.map((m) => ({ ...m })) ?? state.draft;
  return { saved, fields, summary: result.summary };
}
