// A three-way merge of configurations, for two consoles saving the same config file (README › When something fails:
// nothing is lost). `base` is what this console last loaded or saved, `mine` what it wants to save,
// `theirs` what the file holds now. A part changed on one side only is taken from that side; a
// part both sides changed to different values is a conflict, named in an admin's words
// (integration “demo”, tenant “Delta Legal LLP”, accountId). Arrays of keyed records
// (integrations by name, tenants by tenantId, …) are merged item by item, so two admins mapping
// two different tenants both keep their mapping. Pure: no I/O.
import { PLATFORM_PROFILES } from './profiles/index.js';
import { ruleWhat } from './ticketSchema.js';

/**
 * Keys that identify the items of a config array (integrations: name, tenants: tenantId, rule
 * rows: key, per-board General fields: scope.value, …). A dotted key names a nested value.
 */
export const RECORD_KEYS = ['name', 'tenantId', 'applicationId', 'key', 'scope.value'] as const;

/** The value of a (possibly dotted) record key on an item; undefined where it has none. */
export function recordKeyValue(item: unknown, key: string): unknown {
  let at: unknown = item;
  for (const part of key.split('.')) {
    if (!isObj(at)) return undefined;
    at = at[part];
  }
  return at;
}

export interface Conflict {
  /** Where, in words: `integration “demo”, tenant “Delta Legal LLP”, accountId`. */
  path: string;
  base: unknown;
  mine: unknown;
  theirs: unknown;
}

export type MergeResult<T> = { merged: T } | { conflicts: Conflict[] };

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Structural equality of JSON values (key order does not matter; an absent key equals undefined). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!jsonEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

/** The key that identifies every item of each list uniquely (as in store/configDiff.ts), if there is one. */
export function recordKey(lists: readonly unknown[][]): string | null {
  const all = lists.flat();
  if (all.length === 0 || !all.every(isObj)) return null;
  for (const key of RECORD_KEYS) {
    const unique = (list: unknown[]) => {
      const values = list.map((x) => recordKeyValue(x, key));
      return values.every((v) => typeof v === 'string') && new Set(values).size === values.length;
    };
    if (lists.every(unique)) return key;
  }
  return null;
}

/** One step of a conflict's path: "integration “demo”", "tenant “Delta Legal LLP”", or a key. */
type Step = { kind: 'key'; key: string } | { kind: 'item'; label: string };

function itemLabel(arrayKey: string | undefined, item: Obj, key: string): string {
  const id = String(recordKeyValue(item, key));
  switch (arrayKey) {
    case 'integrations':
      return `integration “${id}”`;
    case 'tenants':
      return `tenant “${typeof item.tenantName === 'string' && item.tenantName ? item.tenantName : id}”`;
    case 'applications':
      return `application “${typeof item.applicationName === 'string' && item.applicationName ? item.applicationName : id}”`;
    case 'perScope': {
      const scope = item.scope as { label?: unknown } | undefined;
      return `General fields of “${typeof scope?.label === 'string' && scope.label ? scope.label : id}”`;
    }
    default: {
      // A rule row: its section is named by the platform profiles (the same id means the same section in each).
      const section = key === 'key' && arrayKey ? Object.values(PLATFORM_PROFILES).flatMap((p) => p.sections).find((s) => s.id === arrayKey) : undefined;
      if (section) return `rule “${ruleWhat(section, id)}”`;
      return `${arrayKey ?? 'item'} “${id}”`;
    }
  }
}

/** Steps in words: items start a new part, keys within a part are joined with dots. */
export function describePath(steps: readonly Step[]): string {
  const parts: string[] = [];
  let keys: string[] = [];
  const flush = () => {
    if (keys.length > 0) parts.push(keys.join('.'));
    keys = [];
  };
  for (const step of steps) {
    if (step.kind === 'item') {
      // The array's own key is said by the label ("tenant …"), not repeated ("tenants, tenant …").
      keys.pop();
      flush();
      parts.push(step.label);
    } else keys.push(step.key);
  }
  flush();
  return parts.length > 0 ? parts.join(', ') : 'the whole configuration';
}

/** 'list': a conflict keeps mine and is listed; 'theirs': it is listed and theirs is taken. */
type OnConflict = 'list' | 'theirs';

function mergeValue(base: unknown, mine: unknown, theirs: unknown, at: Step[], conflicts: Conflict[], on: OnConflict): unknown {
  if (jsonEqual(mine, base)) return theirs;
  if (jsonEqual(theirs, base)) return mine;
  if (jsonEqual(mine, theirs)) return mine;
  if (isObj(base) && isObj(mine) && isObj(theirs)) {
    const out: Obj = {};
    // theirs' key order, then keys only mine has.
    for (const k of new Set([...Object.keys(theirs), ...Object.keys(mine), ...Object.keys(base)])) {
      const value = mergeValue(base[k], mine[k], theirs[k], [...at, { kind: 'key', key: k }], conflicts, on);
      if (value !== undefined) out[k] = value;
    }
    return out;
  }
  if (Array.isArray(base) && Array.isArray(mine) && Array.isArray(theirs)) {
    const key = recordKey([base, mine, theirs]);
    if (key) return mergeRecords(base as Obj[], mine as Obj[], theirs as Obj[], key, at, conflicts, on);
  }
  conflicts.push({ path: describePath(at), base, mine, theirs });
  return on === 'theirs' ? theirs : mine;
}

function mergeRecords(base: Obj[], mine: Obj[], theirs: Obj[], key: string, at: Step[], conflicts: Conflict[], on: OnConflict): Obj[] {
  const index = (list: Obj[]) => new Map(list.map((x) => [recordKeyValue(x, key) as string, x]));
  const b = index(base);
  const m = index(mine);
  const t = index(theirs);
  const last = at[at.length - 1];
  const arrayKey = last?.kind === 'key' ? last.key : undefined;
  const ids = [...t.keys(), ...[...m.keys()].filter((id) => !t.has(id)), ...[...b.keys()].filter((id) => !t.has(id) && !m.has(id))];
  const out: Obj[] = [];
  for (const id of ids) {
    const named = (t.get(id) ?? m.get(id) ?? b.get(id))!;
    const value = mergeValue(b.get(id), m.get(id), t.get(id), [...at, { kind: 'item', label: itemLabel(arrayKey, named, key) }], conflicts, on);
    if (value !== undefined) out.push(value as Obj);
  }
  return out;
}

/**
 * Merge `mine` (what this console saves) and `theirs` (what the file holds now) over `base` (what
 * this console last loaded or saved). Every conflict is listed; none is resolved silently.
 */
export function mergeConfig<T>(base: T, mine: T, theirs: T): MergeResult<T> {
  const conflicts: Conflict[] = [];
  const merged = mergeValue(base, mine, theirs, [], conflicts, 'list');
  return conflicts.length > 0 ? { conflicts } : { merged: merged as T };
}

/**
 * Unsaved edits (`mine`, made over `base`) carried onto what was saved meanwhile (`theirs`):
 * like mergeConfig, but where both changed a part differently theirs is taken, and the parts
 * replaced are listed so the admin is told which of their edits to make again.
 */
export function rebaseOnTheirs<T>(base: T, mine: T, theirs: T, at: readonly string[] = []): { value: T; replaced: Conflict[] } {
  const replaced: Conflict[] = [];
  const value = mergeValue(base, mine, theirs, at.map((key) => ({ kind: 'key', key })), replaced, 'theirs');
  return { value: value as T, replaced };
}

function short(value: unknown): string {
  if (value === undefined) return 'removed';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/** One line per conflict: `integration “demo”, tenant “X”, accountId (here "1", in the file "2")`. */
export function describeConflict(conflict: Conflict): string {
  return `${conflict.path} (this console: ${short(conflict.mine)}; the file: ${short(conflict.theirs)})`;
}
