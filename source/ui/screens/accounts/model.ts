// What the Accounts tab shows, derived from the draft and the live lists: the
// table rows with their markers, the detail lines of the cursor row and the
// line saying what was loaded. Pure functions, so the screen can memoise them on
// their inputs and tests can call them without Ink. Nothing here is per-row
// O(n): every lookup a row needs is a Map built once per input change.
import { changedTenants, type AccountsState, type RowChange, type SaveBlocker } from '../../../domain/accountsDraft.js';
import { CONFIDENCE_LABELS, detectDrift, type Drift, type DriftOptions, type MappingSuggestion, type NoSuggestion } from '../../../domain/mapping.js';
import type { TenantMapping } from '../../../domain/config.js';
import type { PsaAccount, PsaContract, Tenant } from '../../../domain/types.js';
import type { Tone } from '../../theme.js';
import { displayWidth, toSingleLine, truncate } from '../../text.js';

/** One line of the table. Only what the cells, the marker and the detail lines read. */
export interface AccountRow {
  readonly tenantId: string;
  readonly tenantName: string;
  readonly accountId: string | null;
  readonly accountName: string | null;
  readonly billing: boolean;
  readonly contractId: string | null;
  readonly contractName: string | null;
  /** Differs from the last save (added or changed). */
  readonly change: RowChange | undefined;
  readonly drift: readonly Drift[];
  readonly blockers: readonly SaveBlocker[];
  readonly suggestion: MappingSuggestion | undefined;
  /** '!' needs attention (drift, Save blocked), '?' a suggestion waits, '' nothing. */
  readonly flag: '!' | '?' | '';
}

const NONE: readonly never[] = [];

const collator = new Intl.Collator(undefined, { sensitivity: 'accent', numeric: true });

/**
 * Row order: by tenant name (locale-aware, numbers numerically), then id. The
 * order is reused while the roster (ids and names, in draft order) is the same,
 * so mapping, billing and contract edits on 10,000 rows do not sort again.
 */
export class RowOrder {
  private ids: string[] = [];
  private names: string[] = [];
  private order: number[] = [];

  indexes(draft: readonly TenantMapping[]): readonly number[] {
    let same = draft.length === this.ids.length;
    for (let i = 0; same && i < draft.length; i++) same = draft[i]!.tenantId === this.ids[i] && draft[i]!.tenantName === this.names[i];
    if (same) return this.order;
    this.ids = draft.map((r) => r.tenantId);
    this.names = draft.map((r) => r.tenantName);
    this.order = draft.map((_, i) => i).sort((a, b) => collator.compare(this.names[a]!, this.names[b]!) || (this.ids[a]! < this.ids[b]! ? -1 : this.ids[a]! > this.ids[b]! ? 1 : 0));
    return this.order;
  }
}

export interface RowInputs {
  readonly draft: readonly TenantMapping[];
  readonly order: readonly number[];
  readonly changes: ReadonlyMap<string, RowChange>;
  readonly drift: ReadonlyMap<string, readonly Drift[]>;
  readonly blockers: ReadonlyMap<string, readonly SaveBlocker[]>;
  readonly suggestions: ReadonlyMap<string, MappingSuggestion>;
}

export function buildRows({ draft, order, changes, drift, blockers, suggestions }: RowInputs): AccountRow[] {
  // Suggestions may lag one edit behind (they are computed after the frame): never
  // show one for an account the draft has given to a tenant meanwhile.
  const held = new Set<string>();
  for (const m of draft) if (m.accountId !== null) held.add(m.accountId);
  const rows: AccountRow[] = new Array(order.length);
  for (let i = 0; i < order.length; i++) {
    const m = draft[order[i]!]!;
    const rowDrift = drift.get(m.tenantId) ?? NONE;
    const rowBlockers = blockers.get(m.tenantId) ?? NONE;
    const candidate = m.accountId === null ? suggestions.get(m.tenantId) : undefined;
    const suggestion = candidate && !held.has(candidate.accountId) ? candidate : undefined;
    rows[i] = {
      tenantId: m.tenantId,
      tenantName: m.tenantName,
      accountId: m.accountId,
      accountName: m.accountName,
      billing: m.billing,
      contractId: m.contractId,
      contractName: m.contractName,
      change: changes.get(m.tenantId),
      drift: rowDrift,
      blockers: rowBlockers,
      suggestion,
      flag: rowDrift.length > 0 || rowBlockers.length > 0 ? '!' : suggestion ? '?' : '',
    };
  }
  return rows;
}

export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/**
 * A per-row result cached on the row object. The reducer returns untouched rows
 * as the same objects, so after an edit only the edited rows are computed again;
 * everything starts over when one of `deps` changes (new live lists, a save).
 */
export class PerRow<T> {
  private cache = new WeakMap<TenantMapping, T>();
  private deps: readonly unknown[] = [];

  get(row: TenantMapping, deps: readonly unknown[], compute: () => T): T {
    if (deps.length !== this.deps.length || deps.some((d, i) => d !== this.deps[i])) {
      this.cache = new WeakMap();
      this.deps = deps;
    }
    const hit = this.cache.get(row);
    if (hit !== undefined) return hit;
    const value = compute();
    this.cache.set(row, value);
    return value;
  }
}

export interface Changes {
  readonly count: number;
  readonly byId: ReadonlyMap<string, RowChange>;
}

/** changedTenants, row by row with a per-row cache: an edit on 10,000 rows compares one row again. */
export class ChangeTracker {
  private readonly perRow = new PerRow<RowChange | null>();
  private savedFor: readonly TenantMapping[] | null = null;
  private savedById = new Map<string, TenantMapping>();

  compute(state: AccountsState): Changes {
    if (this.savedFor !== state.saved) {
      this.savedFor = state.saved;
      this.savedById = new Map(state.saved.map((m) => [m.tenantId, m]));
    }
    const byId = new Map<string, RowChange>();
    const draftIds = new Set<string>();
    for (const row of state.draft) {
      draftIds.add(row.tenantId);
      const change = this.perRow.get(row, [state.saved], () => {
        const before = this.savedById.get(row.tenantId);
        return changedTenants({ saved: before ? [before] : [], draft: [row] })[0] ?? null;
      });
      if (change) byId.set(row.tenantId, change);
    }
    let count = byId.size;
    for (const m of state.saved) if (!draftIds.has(m.tenantId)) count++;
    return { count, byId };
  }
}

/**
 * detectDrift, row by row with a per-row cache. Each row is compared with its own
 * tenant, account and contract (an empty list where the live list has none, which is
 * what "no longer exists" means; null where the list is not loaded, which claims nothing).
 */
export class DriftTracker {
  private readonly perRow = new PerRow<readonly Drift[]>();

  compute(
    draft: readonly TenantMapping[],
    tenants: ReadonlyMap<string, Tenant> | null,
    accounts: ReadonlyMap<string, PsaAccount> | null,
    contracts: ReadonlyMap<string, PsaContract> | null,
    options: Pick<DriftOptions, 'platform' | 'psa'>,
  ): Map<string, readonly Drift[]> {
    const out = new Map<string, readonly Drift[]>();
    const one = <T>(map: ReadonlyMap<string, T> | null, id: string | null): T[] | null => {
      if (!map) return null;
      const hit = id === null ? undefined : map.get(id);
      return hit ? [hit] : [];
    };
    for (const row of draft) {
      const drift = this.perRow.get(row, [tenants, accounts, contracts, options.platform, options.psa], () =>
        detectDrift([row], one(tenants, row.tenantId), one(accounts, row.accountId), { ...options, contracts: accounts ? one(contracts, row.contractId) : null }),
      );
      if (drift.length > 0) out.set(row.tenantId, drift);
    }
    return out;
  }
}

/** A string that changes exactly when suggestions could: tenants, their names, and which account each holds. */
export function mappingKey(draft: readonly TenantMapping[]): string {
  let key = '';
  for (const r of draft) key += `${r.tenantId}\u0001${r.tenantName}\u0001${r.accountId ?? ''}\u0002`;
  return key;
}

// ------------------------------------------------------------------ the cursor row's detail lines

export interface DetailLine {
  readonly text: string;
  readonly tone: Tone;
}

export interface DetailContext {
  readonly refusal: string | undefined;
  readonly unmatched: NoSuggestion | undefined;
  /** The tenant as the platform lists it now (undefined: not listed or not loaded). */
  readonly tenant: Tenant | undefined;
  /** The mapped account as the PSA lists it now. */
  readonly account: PsaAccount | undefined;
  readonly tenantWord: string;
  readonly platformShort: string;
  readonly psaAccountWord: string;
}

/** What changed, in the admin's words: an account change is one change, not "account, account name". */
const FIELD_WORDS: Record<string, string> = {
  tenantName: 'name',
  accountId: 'account',
  accountName: 'account',
  billing: 'billing',
  contractId: 'contract',
  contractName: 'contract',
};

/** Paragraphs about one row, most urgent first. */
export function detailParagraphs(row: AccountRow, ctx: DetailContext): DetailLine[] {
  const out: DetailLine[] = [];
  if (ctx.refusal) out.push({ text: `Refused: ${ctx.refusal}`, tone: 'danger' });
  for (const b of row.blockers) {
    const fix = b.field === 'contractId' ? ' Press c to choose a contract, or b to turn billing off.' : '';
    out.push({ text: `Blocks Save: ${b.message}${fix}`, tone: 'danger' });
  }
  for (const d of row.drift) {
    const fix = d.kind.endsWith('-renamed') ? ' Press n to take the new names.' : '';
    out.push({ text: `${d.severity === 'error' ? 'Drift' : 'Changed'}: ${d.message}${fix}`, tone: d.severity === 'error' ? 'danger' : d.severity === 'warning' ? 'warning' : 'accent' });
  }
  if (row.suggestion) {
    const s = row.suggestion;
    out.push({ text: `Suggestion (${CONFIDENCE_LABELS[s.confidence]}): ${s.accountName} — ${s.reason} Press s to accept.`, tone: 'accent' });
  } else if (row.accountId === null && ctx.unmatched) {
    out.push({ text: `No suggestion: ${ctx.unmatched.message}`, tone: 'muted' });
  }
  if (ctx.tenant && !ctx.tenant.enabled) out.push({ text: `This ${ctx.tenantWord} is disabled in ${ctx.platformShort}.`, tone: 'muted' });
  if (row.change) {
    const what = row.change.kind === 'added' ? 'added to this integration' : `${[...new Set(row.change.fields.map((f) => FIELD_WORDS[f] ?? f))].join(', ')} changed`;
    out.push({ text: `Not saved yet: ${what}.`, tone: 'muted' });
  }
  if (out.length === 0 && row.accountId !== null && ctx.account) {
    const a = ctx.account;
    out.push({ text: `${ctx.psaAccountWord} ${a.name}${a.type ? ` · ${a.type}` : ''} · ${a.active ? 'active' : 'inactive'} · billing ${row.billing ? 'on' : 'off'}`, tone: 'muted' });
  }
  return out;
}

/** Word-wraps one paragraph into lines of `width` cells. */
function wrapParagraph(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of toSingleLine(text).split(' ')) {
    if (word === '') continue;
    const next = line ? `${line} ${word}` : word;
    if (displayWidth(next) <= width) {
      line = next;
      continue;
    }
    if (line) out.push(line);
    line = displayWidth(word) > width ? truncate(word, width) : word;
  }
  if (line) out.push(line);
  return out;
}

/**
 * Fits paragraphs (most urgent first) into `lines` lines of `width` cells. The
 * first paragraph always shows, cut with "…" if it is too long; a later one
 * shows only when it fits whole, so no line ends in the middle of a thought.
 */
export function wrapDetail(paragraphs: readonly DetailLine[], width: number, lines: number): DetailLine[] {
  const out: DetailLine[] = [];
  if (lines <= 0 || width <= 0) return out;
  for (const p of paragraphs) {
    const wrapped = wrapParagraph(p.text, width);
    const room = lines - out.length;
    if (room <= 0) break;
    if (wrapped.length <= room) {
      for (const text of wrapped) out.push({ text, tone: p.tone });
    } else if (out.length === 0) {
      const kept = wrapped.slice(0, room);
      kept[room - 1] = truncate(`${kept[room - 1]!}…`, width);
      for (const text of kept) out.push({ text, tone: p.tone });
    }
  }
  return out;
}
