// What the Accounts tab shows, derived from the draft and the live lists: the
// table rows with their markers, the detail lines of the cursor row and the
// line saying what was loaded. Pure functions, so the screen can memoise them on
// their inputs and tests can call them without Ink. Nothing here is per-row
// O(n): every lookup a row needs is a Map built once per input change.
import { changedTenants, type AccountsState, type RowChange, type SaveBlocker } from '../../../domain/accountsDraft.js';
import { CONFIDENCE_LABELS, detectDrift, type Drift, type DriftOptions, type MappingSuggestion, type NoSuggestion } from '../../../domain/mapping.js';
import type { TenantMapping } from '../../../domain/config.js';
import type { AccountBillingReadiness, PriceLevel, PsaAccount, PsaContract, Tenant } from '../../../domain/types.js';
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
  /** The price level, where the PSA prices usage by one per account; null: none chosen (or no such PSA). */
  readonly priceLevelId: string | null;
  readonly priceLevelName: string | null;
  /** Differs from the last save (added or changed). */
  readonly change: RowChange | undefined;
  readonly drift: readonly Drift[];
  readonly blockers: readonly SaveBlocker[];
  readonly suggestion: MappingSuggestion | undefined;
  /** A billed row whose account the PSA will not take usage for yet (its readiness check); undefined: ready or not known. */
  readonly notReady: AccountBillingReadiness | undefined;
  /** '!' needs attention (drift, Save blocked, not ready for billing), '?' a suggestion waits, '' nothing. */
  readonly flag: '!' | '?' | '';
}

/** The flag's tone: danger for drift and Save blockers; a warning when only the PSA's readiness asks for something. */
export function flagTone(row: AccountRow): 'danger' | 'warning' | 'accent' | undefined {
  if (row.flag === '?') return 'accent';
  if (row.flag !== '!') return undefined;
  return row.drift.length > 0 || row.blockers.length > 0 ? 'danger' : 'warning';
}

const NONE: readonly never[] = [];
const EMPTY_MAP: ReadonlyMap<string, AccountBillingReadiness> = new Map<string, AccountBillingReadiness>();

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
  /** Billed rows not ready for billing in the PSA, by tenant id (absent: none, or the PSA sets no conditions). */
  readonly notReady?: ReadonlyMap<string, AccountBillingReadiness>;
}

export function buildRows(inputs: RowInputs): AccountRow[] {
  return new RowBuilder().build(inputs);
}

/**
 * buildRows for a screen: a row whose inputs did not change (same draft row object,
 * change, drift, blockers and suggestion) is the same AccountRow object as last time,
 * and the same array comes back when no row changed. An edit on 10,000 rows then makes
 * one new row, and the table redraws only that line.
 *
 * After an edit (same roster and order, same suggestions) only the rows that can differ
 * are looked at: draft rows that are new objects, and the tenants whose change, drift or
 * blockers entry differs (those maps are small) or whose suggestion an edit may have
 * hidden or shown again (its account taken or freed).
 */
export class RowBuilder {
  private cache = new WeakMap<TenantMapping, AccountRow>();
  private last: {
    inputs: RowInputs;
    rows: AccountRow[];
    /** Row position by tenant id; null when a tenant is listed twice (then every build is full). */
    position: Map<string, number> | null;
    /** Draft rows holding each account. */
    held: Map<string, number>;
    /** Tenants with a suggestion, by the suggested account. */
    suggestedFor: Map<string, string[]>;
  } | null = null;

  build(inputs: RowInputs): AccountRow[] {
    const last = this.last;
    if (last && last.position && last.inputs.order === inputs.order && last.inputs.suggestions === inputs.suggestions && last.inputs.draft.length === inputs.draft.length) {
      const rows = this.update(last, inputs);
      if (rows) return rows;
    }
    return this.full(inputs);
  }

  private row(m: TenantMapping, inputs: RowInputs, held: ReadonlyMap<string, number>): AccountRow {
    const change = inputs.changes.get(m.tenantId);
    const rowDrift = inputs.drift.get(m.tenantId) ?? NONE;
    const rowBlockers = inputs.blockers.get(m.tenantId) ?? NONE;
    // Suggestions may lag one edit behind (they are computed after the frame): never
    // show one for an account the draft has given to a tenant meanwhile.
    const candidate = m.accountId === null ? inputs.suggestions.get(m.tenantId) : undefined;
    const suggestion = candidate && !held.get(candidate.accountId) ? candidate : undefined;
    const notReady = inputs.notReady?.get(m.tenantId);
    const cached = this.cache.get(m);
    if (cached && cached.change === change && cached.drift === rowDrift && cached.blockers === rowBlockers && cached.suggestion === suggestion && cached.notReady === notReady) return cached;
    const row: AccountRow = {
      tenantId: m.tenantId,
      tenantName: m.tenantName,
      accountId: m.accountId,
      accountName: m.accountName,
      billing: m.billing,
      contractId: m.contractId,
      contractName: m.contractName,
      priceLevelId: m.priceLevelId ?? null,
      priceLevelName: m.priceLevelName ?? null,
      change,
      drift: rowDrift,
      blockers: rowBlockers,
      suggestion,
      notReady,
      flag: rowDrift.length > 0 || rowBlockers.length > 0 || notReady ? '!' : suggestion ? '?' : '',
    };
    this.cache.set(m, row);
    return row;
  }

  private full(inputs: RowInputs): AccountRow[] {
    const { draft, order, suggestions } = inputs;
    const held = new Map<string, number>();
    for (const m of draft) if (m.accountId !== null) held.set(m.accountId, (held.get(m.accountId) ?? 0) + 1);
    const suggestedFor = new Map<string, string[]>();
    for (const s of suggestions.values()) {
      const list = suggestedFor.get(s.accountId);
      if (list) list.push(s.tenantId);
      else suggestedFor.set(s.accountId, [s.tenantId]);
    }
    let position: Map<string, number> | null = new Map();
    const previous = this.last?.rows;
    let same = previous !== undefined && previous.length === order.length;
    const rows: AccountRow[] = new Array(order.length);
    for (let i = 0; i < order.length; i++) {
      const m = draft[order[i]!]!;
      if (position) {
        if (position.has(m.tenantId)) position = null;
        else position.set(m.tenantId, i);
      }
      const row = this.row(m, inputs, held);
      rows[i] = row;
      if (same && previous![i] !== row) same = false;
    }
    const out = same ? previous! : rows;
    this.last = { inputs, rows: out, position, held, suggestedFor };
    return out;
  }

  /** The rows after an edit, or null when a full build is needed. */
  private update(last: NonNullable<RowBuilder['last']>, inputs: RowInputs): AccountRow[] | null {
    const position = last.position!;
    const before = last.inputs;
    const touched = new Set<string>();
    const held = new Map(last.held);
    const hold = (accountId: string | null, delta: number) => {
      if (accountId === null) return;
      const n = (held.get(accountId) ?? 0) + delta;
      if (n > 0) held.set(accountId, n);
      else held.delete(accountId);
      // Taken or freed: suggestions for it are hidden or shown again.
      if ((n > 0) !== (n - delta > 0)) for (const tenantId of last.suggestedFor.get(accountId) ?? []) touched.add(tenantId);
    };
    for (let i = 0; i < inputs.draft.length; i++) {
      const a = before.draft[i]!;
      const b = inputs.draft[i]!;
      if (a === b) continue;
      if (a.tenantId !== b.tenantId) return null;
      touched.add(b.tenantId);
      if (a.accountId !== b.accountId) {
        hold(a.accountId, -1);
        hold(b.accountId, 1);
      }
    }
    const differing = <T>(x: ReadonlyMap<string, T>, y: ReadonlyMap<string, T>) => {
      if (x === y) return;
      for (const [k, v] of x) if (y.get(k) !== v) touched.add(k);
      for (const [k, v] of y) if (x.get(k) !== v) touched.add(k);
    };
    differing(before.changes, inputs.changes);
    differing(before.drift, inputs.drift);
    differing(before.blockers, inputs.blockers);
    differing(before.notReady ?? EMPTY_MAP, inputs.notReady ?? EMPTY_MAP);

    let rows: AccountRow[] | null = null;
    for (const tenantId of touched) {
      const i = position.get(tenantId);
      if (i === undefined) continue; // a saved row no longer in the draft, or a stale suggestion
      const row = this.row(inputs.draft[inputs.order[i]!]!, inputs, held);
      if (row === last.rows[i]) continue;
      rows ??= last.rows.slice();
      rows[i] = row;
    }
    const out = rows ?? last.rows;
    this.last = { ...last, inputs, rows: out, held };
    return out;
  }
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

  /** Call before a pass: drops everything cached when one of `deps` differs from the last pass's. True when it did. */
  use(deps: readonly unknown[]): boolean {
    if (deps.length === this.deps.length && deps.every((d, i) => d === this.deps[i])) return false;
    this.cache = new WeakMap();
    this.deps = deps;
    return true;
  }

  get(row: TenantMapping, compute: () => T): T {
    const hit = this.cache.get(row);
    if (hit !== undefined) return hit;
    const value = compute();
    this.cache.set(row, value);
    return value;
  }
}

/**
 * Indexes of the draft rows that are new objects since `prev` (the reducer keeps the
 * rows it did not touch), or null when the roster is not the same (rows added, removed
 * or reordered) or a tenant is listed twice: the caller then goes over every row.
 */
function editedRows(prev: readonly TenantMapping[], next: readonly TenantMapping[], unique: boolean): number[] | null {
  if (!unique || prev.length !== next.length) return null;
  const out: number[] = [];
  for (let i = 0; i < next.length; i++) {
    const before = prev[i]!;
    const after = next[i]!;
    if (before === after) continue;
    if (before.tenantId !== after.tenantId) return null;
    out.push(i);
  }
  return out;
}

function allDistinct(draft: readonly TenantMapping[], ids: ReadonlySet<string>): boolean {
  return ids.size === draft.length;
}

export interface Changes {
  readonly count: number;
  readonly byId: ReadonlyMap<string, RowChange>;
}

/**
 * changedTenants, row by row with a per-row cache: an edit on 10,000 rows compares one
 * row again, and only the rows that are new objects are looked at (the same result
 * object comes back when no row changed).
 */
export class ChangeTracker {
  private readonly perRow = new PerRow<RowChange | null>();
  private savedFor: readonly TenantMapping[] | null = null;
  private savedById = new Map<string, TenantMapping>();
  private last: { draft: readonly TenantMapping[]; unique: boolean; removed: number; result: Changes } | null = null;

  compute(state: AccountsState): Changes {
    if (this.savedFor !== state.saved) {
      this.savedFor = state.saved;
      this.savedById = new Map(state.saved.map((m) => [m.tenantId, m]));
      this.last = null;
    }
    this.perRow.use([state.saved]);
    const changeOf = (row: TenantMapping) =>
      this.perRow.get(row, () => {
        const before = this.savedById.get(row.tenantId);
        return changedTenants({ saved: before ? [before] : [], draft: [row] })[0] ?? null;
      });

    const last = this.last;
    const edited = last ? editedRows(last.draft, state.draft, last.unique) : null;
    if (last && edited) {
      // Same rows in the same order: the saved rows missing from the draft are the same too.
      if (edited.length === 0) {
        this.last = { ...last, draft: state.draft };
        return last.result;
      }
      const byId = new Map(last.result.byId);
      for (const i of edited) {
        const row = state.draft[i]!;
        const change = changeOf(row);
        if (change) byId.set(row.tenantId, change);
        else byId.delete(row.tenantId);
      }
      const result = { count: byId.size + last.removed, byId };
      this.last = { ...last, draft: state.draft, result };
      return result;
    }

    const byId = new Map<string, RowChange>();
    const draftIds = new Set<string>();
    for (const row of state.draft) {
      draftIds.add(row.tenantId);
      const change = changeOf(row);
      if (change) byId.set(row.tenantId, change);
    }
    let removed = 0;
    for (const m of state.saved) if (!draftIds.has(m.tenantId)) removed++;
    const result = { count: byId.size + removed, byId };
    this.last = { draft: state.draft, unique: allDistinct(state.draft, draftIds), removed, result };
    return result;
  }
}

/**
 * detectDrift, row by row with a per-row cache. Each row is compared with its own
 * tenant, account, contract and price level (an empty list where the live list has none, which is
 * what "no longer exists" means; null where the list is not loaded, which claims nothing).
 * Like ChangeTracker, only rows that are new objects are looked at after an edit.
 */
export class DriftTracker {
  private readonly perRow = new PerRow<readonly Drift[]>();
  private last: { draft: readonly TenantMapping[]; unique: boolean; result: Map<string, readonly Drift[]> } | null = null;

  compute(
    draft: readonly TenantMapping[],
    tenants: ReadonlyMap<string, Tenant> | null,
    accounts: ReadonlyMap<string, PsaAccount> | null,
    contracts: ReadonlyMap<string, PsaContract> | null,
    options: Pick<DriftOptions, 'platform' | 'psa' | 'today'>,
    priceLevels: ReadonlyMap<string, PriceLevel> | null = null,
  ): Map<string, readonly Drift[]> {
    if (this.perRow.use([tenants, accounts, contracts, options.platform, options.psa, options.today, priceLevels])) this.last = null;
    const one = <T>(map: ReadonlyMap<string, T> | null, id: string | null): T[] | null => {
      if (!map) return null;
      const hit = id === null ? undefined : map.get(id);
      return hit ? [hit] : [];
    };
    const driftOf = (row: TenantMapping) =>
      this.perRow.get(row, () =>
        detectDrift([row], one(tenants, row.tenantId), one(accounts, row.accountId), {
          ...options,
          contracts: accounts ? one(contracts, row.contractId) : null,
          priceLevels: one(priceLevels, row.priceLevelId ?? null),
        }),
      );

    const last = this.last;
    const edited = last ? editedRows(last.draft, draft, last.unique) : null;
    if (last && edited) {
      if (edited.length === 0) {
        this.last = { ...last, draft };
        return last.result;
      }
      const out = new Map(last.result);
      for (const i of edited) {
        const row = draft[i]!;
        const drift = driftOf(row);
        if (drift.length > 0) out.set(row.tenantId, drift);
        else out.delete(row.tenantId);
      }
      this.last = { ...last, draft, result: out };
      return out;
    }

    const out = new Map<string, readonly Drift[]>();
    const ids = new Set<string>();
    for (const row of draft) {
      ids.add(row.tenantId);
      const drift = driftOf(row);
      if (drift.length > 0) out.set(row.tenantId, drift);
    }
    this.last = { draft, unique: allDistinct(draft, ids), result: out };
    return out;
  }
}

/** A string that changes exactly when suggestions could: tenants, their names, and which account each holds. */
export function mappingKey(draft: readonly TenantMapping[]): string {
  let key = '';
  for (const r of draft) key += `${r.tenantId}\u0001${r.tenantName}\u0001${r.accountId ?? ''}\u0002`;
  return key;
}

/**
 * mappingKey without building a 10,000-row string per edit: a number that changes
 * whenever mappingKey would (rows added, removed or reordered; a tenant's name or
 * account changed). Edits of billing and contracts keep it.
 */
export class LinksTracker {
  private draft: readonly TenantMapping[] | null = null;
  private version = 0;

  key(draft: readonly TenantMapping[]): number {
    const prev = this.draft;
    this.draft = draft;
    if (prev === draft) return this.version;
    if (!prev || prev.length !== draft.length) return ++this.version;
    for (let i = 0; i < draft.length; i++) {
      const a = prev[i]!;
      const b = draft[i]!;
      if (a !== b && (a.tenantId !== b.tenantId || a.tenantName !== b.tenantName || a.accountId !== b.accountId)) return ++this.version;
    }
    return this.version;
  }
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
  /** What the platform calls a tenant it lists but no longer serves ("disabled", "marked for deletion"). */
  readonly disabledWord?: string;
  readonly platformShort: string;
  readonly psaAccountWord: string;
  /** The PSA's word for a contract ("agreement"); default "contract". */
  readonly contractWord?: string;
  /** The PSA's word for an account ("company"); default "account". */
  readonly accountWord?: string;
  /** The PSA's word for a price level, where it prices usage by one per account. */
  readonly priceLevelWord?: string;
}

/** What changed, in the admin's words: an account change is one change, not "account, account name". */
const FIELD_WORDS: Record<string, string> = {
  tenantName: 'name',
  accountId: 'account',
  accountName: 'account',
  billing: 'billing',
  contractId: 'contract',
  contractName: 'contract',
  priceLevelId: 'price level',
  priceLevelName: 'price level',
};

/** The key that opens the price level chooser (`l` scrolls the table's columns). */
export const PRICE_LEVEL_KEY = 'p';

/** The PSA's text as a sentence: trimmed, ending in a full stop. */
function sentence(text: string | null): string {
  const t = text?.trim() ?? '';
  return t === '' || /[.!?]$/u.test(t) ? t : `${t}.`;
}

/** Paragraphs about one row, most urgent first. */
export function detailParagraphs(row: AccountRow, ctx: DetailContext): DetailLine[] {
  const out: DetailLine[] = [];
  if (ctx.refusal) out.push({ text: `Refused: ${ctx.refusal}`, tone: 'danger' });
  for (const b of row.blockers) {
    const word = b.field === 'priceLevelId' ? (ctx.priceLevelWord ?? 'price level') : (ctx.contractWord ?? 'contract');
    const key = b.field === 'priceLevelId' ? PRICE_LEVEL_KEY : 'c';
    const fix = b.field === 'contractId' || b.field === 'priceLevelId' ? ` Press ${key} to choose ${/^[aeiou]/iu.test(word) ? 'an' : 'a'} ${word}, or b to turn billing off.` : '';
    out.push({ text: `Blocks Save: ${b.message}${fix}`, tone: 'danger' });
  }
  for (const d of row.drift) {
    const fix = d.kind.endsWith('-renamed') ? ' Press n to take the new names.' : '';
    out.push({ text: `${d.severity === 'error' ? 'Drift' : 'Changed'}: ${d.message}${fix}`, tone: d.severity === 'error' ? 'danger' : d.severity === 'warning' ? 'warning' : 'accent' });
  }
  if (row.notReady) {
    const { problem, remedy } = row.notReady;
    out.push({ text: `Not ready for billing: ${[sentence(problem), sentence(remedy)].filter(Boolean).join(' ')}`, tone: 'warning' });
  }
  if (row.suggestion) {
    const s = row.suggestion;
    out.push({ text: `Suggestion (${CONFIDENCE_LABELS[s.confidence]}): ${s.accountName} — ${s.reason} Press s to accept.`, tone: 'accent' });
  } else if (row.accountId === null && ctx.unmatched) {
    out.push({ text: `No suggestion: ${ctx.unmatched.message}`, tone: 'muted' });
  }
  if (ctx.tenant && !ctx.tenant.enabled) out.push({ text: `This ${ctx.tenantWord} is ${ctx.disabledWord ?? 'disabled'} in ${ctx.platformShort}.`, tone: 'muted' });
  if (row.change) {
    const wordOf = (f: string) =>
      (f.startsWith('contract') ? (ctx.contractWord ?? FIELD_WORDS[f]) : f.startsWith('account') ? (ctx.accountWord ?? FIELD_WORDS[f]) : f.startsWith('priceLevel') ? (ctx.priceLevelWord ?? FIELD_WORDS[f]) : FIELD_WORDS[f]) ?? f;
    const what = row.change.kind === 'added' ? 'added to this integration' : `${[...new Set(row.change.fields.map(wordOf))].join(', ')} changed`;
    out.push({ text: `Not saved yet: ${what}.`, tone: 'muted' });
  }
  if (out.length === 0 && row.accountId !== null && ctx.account) {
    const a = ctx.account;
    const level = row.priceLevelId !== null ? ` · ${ctx.priceLevelWord ?? 'price level'} ${row.priceLevelName || `(id ${row.priceLevelId})`}` : '';
    out.push({ text: `${ctx.psaAccountWord} ${a.name}${a.type ? ` · ${a.type}` : ''} · ${a.active ? 'active' : 'inactive'} · billing ${row.billing ? 'on' : 'off'}${level}`, tone: 'muted' });
  }
  return out;
}

const PRINTABLE_ASCII = /^[\u0020-\u007E]*$/;

const wordWidths = new Map<string, number>();

/** displayWidth, by length for plain ASCII and kept for other words (the detail lines are wrapped on every cursor move). */
function cells(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  let width = wordWidths.get(text);
  if (width === undefined) {
    width = displayWidth(text);
    if (wordWidths.size >= 4096) wordWidths.clear();
    wordWidths.set(text, width);
  }
  return width;
}

/** Word-wraps one paragraph into lines of `width` cells. */
function wrapParagraph(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  let used = 0; // cells of `line`: words are measured once, a space is one cell
  for (const word of toSingleLine(text).split(' ')) {
    if (word === '') continue;
    const w = cells(word);
    const next = line ? used + 1 + w : w;
    if (next <= width) {
      line = line ? `${line} ${word}` : word;
      used = next;
      continue;
    }
    if (line) out.push(line);
    line = w > width ? truncate(word, width) : word;
    used = w > width ? displayWidth(line) : w;
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
