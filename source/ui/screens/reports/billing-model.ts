// Reports › Billing preview and Reports › Reconciliation, as plain rows (no Ink): built
// from the billing plan (source/billing, read only) and the ledger's posted rows.
import type { BillingError, BillingPlan } from '../../../billing/types.js';
import { repricedAt } from '../../../billing/format.js';
import { postingsOf, unbilledLine } from '../../../domain/billingPlan.js';
import type { Integration } from '../../../domain/config.js';
import { platformProfile, psaProfile } from '../../../domain/profiles/index.js';
import type { PostingRecord } from '../../../store/ledger.js';
import { formatCount, toSingleLine } from '../../text.js';

/** Signed change as the preview shows it: "+5", "−3" (a real minus sign), "no change". */
export function deltaText(delta: number | null): string {
  if (delta === null) return '';
  if (delta === 0) return 'no change';
  return delta > 0 ? `+${formatCount(delta)}` : `\u2212${formatCount(-delta)}`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

const byAccount = <T extends { accountName: string; contractName: string }>(a: T, b: T) => a.accountName.localeCompare(b.accountName) || a.contractName.localeCompare(b.contractName);

/** unbilled: usage no billing item is chosen for (shown, never posted). */
export type PreviewKind = 'change' | 'same' | 'error' | 'skipped' | 'unbilled';

export interface PreviewRow {
  id: string;
  kind: PreviewKind;
  account: string;
  contract: string;
  tenant: string;
  item: string;
  current: number | null;
  next: number | null;
  delta: number | null;
  /** What the row says besides the numbers: "Error: …", "skipped: billing is off". */
  note: string;
  error?: BillingError;
}

export function errorText(e: BillingError): string {
  return `Error: ${toSingleLine(e.message)}${e.outcomeUnknown ? ' (outcome unknown)' : ''}`;
}

/** One row per contract and billing item (then its usage no item is chosen for), then one per contract in error, then the skipped tenants. */
export function previewRows(plan: BillingPlan): PreviewRow[] {
  const rows: PreviewRow[] = [];
  const contracts = [...plan.contracts].sort(byAccount);
  for (const c of contracts) {
    const base = { account: c.accountName, contract: c.contractName, tenant: c.tenantName };
    if (c.error) continue;
    for (const l of [...c.lines].sort((a, b) => a.billingItemName.localeCompare(b.billingItemName))) {
      const level = repricedAt(c, l);
      rows.push({ ...base, id: `${c.contractId}/${l.billingItemId}`, kind: l.delta === 0 && !level ? 'same' : 'change', item: l.billingItemName, current: l.before, next: l.after, delta: l.delta, note: level ? `re-priced at ${level}` : '' });
    }
    if (c.lines.length === 0) rows.push({ ...base, id: `${c.contractId}/none`, kind: 'same', item: '(no mapped billing item)', current: null, next: null, delta: null, note: 'nothing to post' });
    for (const u of c.unbilled ?? []) {
      rows.push({ ...base, id: `${c.contractId}/unbilled/${u.applicationId}/${u.bucket}`, kind: 'unbilled', item: '—', current: null, next: null, delta: null, note: unbilledLine(u) });
    }
  }
  for (const c of contracts) {
    if (!c.error) continue;
    rows.push({ id: `error/${c.contractId}`, kind: 'error', account: c.accountName, contract: c.contractName, tenant: c.tenantName, item: '—', current: null, next: null, delta: null, note: errorText(c.error), error: c.error });
  }
  for (const s of [...plan.skipped].sort((a, b) => a.tenantName.localeCompare(b.tenantName))) {
    rows.push({ id: `skipped/${s.tenantId}`, kind: 'skipped', account: s.tenantName, contract: '', tenant: s.tenantName, item: '—', current: null, next: null, delta: null, note: `skipped: ${s.reason}` });
  }
  return rows;
}

/** The vendor words report lines use: the integration's profiles (README › Words). */
export interface ReportWords {
  tenant: string;
  tenants: string;
  /** The platform's short name ("KSC", "Business Hub"). */
  platform: string;
  contract: string;
  contracts: string;
  accountsTab: string;
  /** The tab where billing items are chosen ("Services", "Products"). */
  billingItemsTab: string;
}

export const NEUTRAL_REPORT_WORDS: ReportWords = { tenant: 'tenant', tenants: 'tenants', platform: 'the platform', contract: 'contract', contracts: 'contracts', accountsTab: 'Accounts', billingItemsTab: 'Services' };

export function reportWords(integration: Pick<Integration, 'platform' | 'psa'> | undefined): ReportWords {
  if (!integration) return NEUTRAL_REPORT_WORDS;
  const psa = psaProfile(integration.psa.kind).words;
  const platform = platformProfile(integration.platform.kind).words;
  return { tenant: platform.tenant, tenants: platform.tenants, platform: platform.short, contract: psa.contract, contracts: psa.contracts, accountsTab: psa.tabs.accounts, billingItemsTab: psa.tabs.billingItems };
}

export interface PreviewTotals {
  postings: number;
  contracts: number;
  unchanged: number;
  errors: number;
  skipped: number;
  /** Usage rows no billing item is chosen for. */
  unbilled: number;
}

export function previewTotals(plan: BillingPlan): PreviewTotals {
  const ok = plan.contracts.filter((c) => !c.error);
  return {
    postings: ok.reduce((n, c) => n + postingsOf(c.lines).length, 0),
    contracts: ok.filter((c) => postingsOf(c.lines).length > 0).length,
    unchanged: ok.reduce((n, c) => n + c.lines.length - postingsOf(c.lines).length, 0),
    errors: plan.contracts.length - ok.length,
    skipped: plan.skipped.length,
    unbilled: ok.reduce((n, c) => n + (c.unbilled?.length ?? 0), 0),
  };
}

/** "3 postings on 1 contract · 0 unchanged · 1 error · 1 skipped · date 2026-11-22 (Europe/London)". */
export function previewSummary(plan: BillingPlan, timeZone: string, words: ReportWords = NEUTRAL_REPORT_WORDS): string {
  const t = previewTotals(plan);
  const parts = [`${plural(t.postings, 'posting')} on ${plural(t.contracts, words.contract, words.contracts)}`, `${formatCount(t.unchanged)} unchanged`, plural(t.errors, 'error')];
  // "skipped" alone: the rows below name each skipped tenant in the platform's word, and "1 virtual
  // server skipped" would push the date off a 120-column line.
  if (t.skipped > 0) parts.push(`${formatCount(t.skipped)} skipped`);
  if (t.unbilled > 0) parts.push(`${formatCount(t.unbilled)} usage not billed`);
  parts.push(`date ${plan.date} (${timeZone})`);
  return parts.join(' · ');
}

export interface PlanProgressState {
  phase: 'start' | 'tenants' | 'contracts';
  done: number;
  total: number;
}

/** "Reading usage: 12/25 virtual servers…" while the plan is built. */
export function progressText(p: PlanProgressState | undefined, psa: string, words: ReportWords = NEUTRAL_REPORT_WORDS): string {
  if (!p || p.phase === 'start') return `Reading the mapped ${words.tenants} and ${words.platform}’s applications…`;
  if (p.phase === 'tenants') return `Reading usage: ${formatCount(p.done)}/${formatCount(p.total)} ${words.tenants}…`;
  return `Reading ${psa} units: ${formatCount(p.done)}/${formatCount(p.total)} ${words.contracts}…`;
}

// --- Reconciliation -----------------------------------------------------------

export interface LastPosting {
  units: number;
  /** Effective date of the posting (YYYY-MM-DD). */
  date: string;
  createdAt: string;
}

export interface ReconciliationRow {
  id: string;
  account: string;
  contract: string;
  item: string;
  /** Platform usage: the quantity the next run would set (null for a contract in error). */
  usage: number | null;
  /** Units Autotask holds for today's period. */
  psa: number | null;
  last: LastPosting | null;
  /** Usage ≠ PSA quantity: the next run posts the difference. */
  differs: boolean;
  /** PSA quantity ≠ the quantity kmsp last posted: changed by hand since. */
  edited: boolean;
  error?: BillingError;
  /** Usage no billing item is chosen for, in words (usage set, no PSA side). */
  unbilled?: string;
}

/** The latest posted ledger row per contract and billing item (listPostings is most recent first). */
export function lastPosted(postings: readonly PostingRecord[]): Map<string, LastPosting> {
  const out = new Map<string, LastPosting>();
  const sorted = [...postings].filter((p) => p.status === 'posted').sort((a, b) => b.id - a.id);
  for (const p of sorted) {
    const key = `${p.contractId}/${p.billingItemId}`;
    if (!out.has(key)) out.set(key, { units: p.afterUnits, date: p.effectiveDate, createdAt: p.createdAt });
  }
  return out;
}

export function reconciliationRows(plan: BillingPlan, postings: readonly PostingRecord[]): ReconciliationRow[] {
  const last = lastPosted(postings);
  const rows: ReconciliationRow[] = [];
  for (const c of [...plan.contracts].sort(byAccount)) {
    const base = { account: c.accountName, contract: c.contractName };
    if (c.error) {
      rows.push({ ...base, id: `error/${c.contractId}`, item: '—', usage: null, psa: null, last: null, differs: false, edited: false, error: c.error });
      continue;
    }
    for (const l of [...c.lines].sort((a, b) => a.billingItemName.localeCompare(b.billingItemName))) {
      const posted = last.get(`${c.contractId}/${l.billingItemId}`) ?? null;
      rows.push({
        ...base,
        id: `${c.contractId}/${l.billingItemId}`,
        item: l.billingItemName,
        usage: l.after,
        psa: l.before,
        last: posted,
        differs: l.after !== l.before,
        // Only a posting of the period Autotask holds now can have been edited: on the first day of
        // a new period Autotask starts from the contract's base units, and kmsp's last posting
        // (made in the previous period) says nothing about them.
        edited: posted !== null && samePeriod(posted.date, l.period) && posted.units !== l.before,
      });
    }
    for (const u of c.unbilled ?? []) {
      rows.push({ ...base, id: `${c.contractId}/unbilled/${u.applicationId}/${u.bucket}`, item: `(none) ${u.applicationName}`, usage: u.quantity, psa: null, last: null, differs: false, edited: false, unbilled: unbilledLine(u) });
    }
  }
  return rows;
}

function samePeriod(date: string, period: { start: string; end: string } | undefined): boolean {
  return period !== undefined && period.start.slice(0, 10) <= date && date <= period.end.slice(0, 10);
}

export const isMismatch = (r: ReconciliationRow) => r.differs || r.edited || r.error !== undefined || r.unbilled !== undefined;

/** The flags in words (never colour alone): "! differs · ! edited in Autotask", "ok". */
export function flagText(r: ReconciliationRow, psa: string): string {
  if (r.error) return errorText(r.error);
  if (r.unbilled) return '! no billing item';
  const flags = [r.differs ? '! differs' : '', r.edited ? `! edited in ${psa}` : ''].filter(Boolean);
  return flags.length > 0 ? flags.join(' · ') : 'ok';
}

export function reconciliationSummary(rows: readonly ReconciliationRow[], psa: string, plan: BillingPlan, timeZone: string, words: ReportWords = NEUTRAL_REPORT_WORDS): string {
  const unbilled = rows.filter((r) => r.unbilled).length;
  const items = rows.filter((r) => !r.error && !r.unbilled);
  const contracts = new Set(items.map((r) => r.id.split('/')[0]));
  const differs = items.filter((r) => r.differs).length;
  const edited = items.filter((r) => r.edited).length;
  const errors = rows.length - items.length - unbilled;
  return [
    `${plural(items.length, 'item')} on ${plural(contracts.size, words.contract, words.contracts)}`,
    `${formatCount(differs)} differ${differs === 1 ? 's' : ''}`,
    `${formatCount(edited)} edited in ${psa}`,
    plural(errors, 'error'),
    ...(unbilled > 0 ? [`${formatCount(unbilled)} usage not billed`] : []),
    `date ${plan.date} (${timeZone})`,
  ].join(' · ');
}

/**
 * What the cursor row means, a sentence per flag, and always its last posting: with the columns
 * scrolled (or a narrow terminal) the Flags and Last posted columns may be out of view.
 */
export function reconciliationDetail(r: ReconciliationRow | undefined, psa: string, words: ReportWords = NEUTRAL_REPORT_WORDS): string[] {
  if (!r || r.error) return [];
  if (r.unbilled) return [`${r.unbilled} (${words.billingItemsTab} tab)`];
  const parts: string[] = [];
  if (r.differs) parts.push(`usage ${formatCount(r.usage ?? 0)} ≠ ${psa} ${formatCount(r.psa ?? 0)}: the next run posts ${deltaText((r.usage ?? 0) - (r.psa ?? 0))}`);
  if (r.edited && r.last) parts.push(`kmsp last posted ${formatCount(r.last.units)} on ${r.last.date}; ${psa} now holds ${formatCount(r.psa ?? 0)}: changed by hand since`);
  else if (r.differs) parts.push(r.last ? `kmsp last posted ${formatCount(r.last.units)} on ${r.last.date}` : 'kmsp has not posted to this item');
  if (parts.length === 0) parts.push(r.last ? `matches; kmsp last posted ${formatCount(r.last.units)} on ${r.last.date}` : 'matches; kmsp has not posted to this item');
  return parts;
}
