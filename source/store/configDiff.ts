// What changed between two configs, for the config audit trail (ledger
// config_audit) and for "saved: …" messages. Arrays of keyed records (integrations
// by name, tenants by tenantId, rule rows by key, per-board General fields by scope…) are matched by
// key, so removing one tenant reads as one removal rather than every later row
// "changing".
import { RECORD_KEYS, recordKeyValue } from '../domain/configMerge.js';
import { redactSecrets } from './redact.js';

export interface ConfigChange {
  /** e.g. "agent.paused", "integrations[name=main].tenants[tenantId=42]" */
  path: string;
  op: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

/** Past this many changes the diff says "…and N more" instead of growing the audit row. */
export const MAX_CHANGES = 200;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The key that identifies every item of both arrays uniquely, if there is one. */
function recordKey(a: unknown[], b: unknown[]): string | null {
  const all = [...a, ...b];
  if (all.length === 0 || !all.every(isObj)) return null;
  for (const key of RECORD_KEYS) {
    const unique = (list: unknown[]) => {
      const values = list.map((x) => recordKeyValue(x, key));
      return values.every((v) => typeof v === 'string') && new Set(values).size === values.length;
    };
    if (unique(a) && unique(b)) return key;
  }
  return null;
}

function walk(before: unknown, after: unknown, at: string, out: ConfigChange[]): void {
  if (Object.is(before, after)) return;
  if (Array.isArray(before) && Array.isArray(after)) {
    const key = recordKey(before, after);
    if (key) {
      const index = (list: unknown[]) => new Map(list.map((x) => [String(recordKeyValue(x, key)), x]));
      const a = index(before);
      const b = index(after);
      for (const [id, item] of a) {
        const p = `${at}[${key}=${id}]`;
        if (b.has(id)) walk(item, b.get(id), p, out);
        else out.push({ path: p, op: 'removed', before: item });
      }
      for (const [id, item] of b) if (!a.has(id)) out.push({ path: `${at}[${key}=${id}]`, op: 'added', after: item });
      return;
    }
    const n = Math.max(before.length, after.length);
    for (let i = 0; i < n; i++) {
      const p = `${at}[${i}]`;
      if (i >= before.length) out.push({ path: p, op: 'added', after: after[i] });
      else if (i >= after.length) out.push({ path: p, op: 'removed', before: before[i] });
      else walk(before[i], after[i], p, out);
    }
    return;
  }
  if (isObj(before) && isObj(after)) {
    for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const p = at ? `${at}.${k}` : k;
      if (!(k in after)) out.push({ path: p, op: 'removed', before: before[k] });
      else if (!(k in before)) out.push({ path: p, op: 'added', after: after[k] });
      else walk(before[k], after[k], p, out);
    }
    return;
  }
  out.push({ path: at || '(root)', op: 'changed', before, after });
}

/** Changes from `before` (null: no config yet) to `after`; values are redacted of secret-looking keys. */
export function diffConfig(before: unknown, after: unknown): ConfigChange[] {
  const out: ConfigChange[] = [];
  if (before === null || before === undefined) out.push({ path: '(root)', op: 'added', after });
  else walk(before, after, '', out);
  return out.slice(0, MAX_CHANGES).map((c) => redactSecrets(c));
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/** One line: "agent.paused: false → true; integrations[name=x] added; …and 3 more". */
export function summarizeChanges(changes: readonly ConfigChange[], max = 3): string {
  if (changes.length === 0) return 'no changes';
  if (changes.length === 1 && changes[0]?.path === '(root)' && changes[0].op === 'added') return 'config created';
  const parts = changes.slice(0, max).map((c) => {
    if (c.op === 'added') return `${c.path} added`;
    if (c.op === 'removed') return `${c.path} removed`;
    return `${c.path}: ${short(c.before)} → ${short(c.after)}`;
  });
  if (changes.length > max) parts.push(`…and ${changes.length - max} more`);
  return parts.join('; ');
}
