// The `conditions` (and `childConditions`, `customFieldConditions`) query language of
// ConnectWise lists (README §2.2): `field op value`, joined with and/or. Values are written
// only through this builder, so a string is always quoted and escaped, a number is always a
// plain integer and nothing a user typed can change the condition's structure.
import { KmspError } from '../../domain/errors.js';
import { CONDITION_STRING_ESCAPE } from './assumptions.js';

export type ConditionValue = string | number | boolean | null;

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*$/;
const OPERATORS = new Set(['=', '!=', '<', '<=', '>', '>=', 'contains', 'like']);

/** A value in condition syntax: "quoted" text, a bare number, true/false, null, [datetime]. */
export function literal(value: ConditionValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw badCondition(`${value} is not a number ConnectWise can compare`);
    return String(value);
  }
  return `"${value.replace(CONDITION_STRING_ESCAPE, (c) => `\\${c}`)}"`;
}

/** A datetime literal: [2025-01-01T00:00:00Z]. */
export function datetime(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value)) throw badCondition(`"${value}" is not a UTC datetime`);
  return `[${value}]`;
}

function badCondition(detail: string): KmspError {
  return new KmspError('kmsp built a ConnectWise condition it cannot send', { kind: 'internal', cause: detail, remedy: 'Report this to the kmsp maintainers.' });
}

function field(name: string): string {
  if (!FIELD.test(name)) throw badCondition(`"${name}" is not a field path`);
  return name;
}

export const c = {
  cmp(name: string, op: string, value: ConditionValue): string {
    if (!OPERATORS.has(op)) throw badCondition(`"${op}" is not an operator kmsp uses`);
    return `${field(name)}${/^[a-z]/.test(op) ? ` ${op} ` : op}${literal(value)}`;
  },
  eq(name: string, value: ConditionValue): string {
    return c.cmp(name, '=', value);
  },
  ne(name: string, value: ConditionValue): string {
    return c.cmp(name, '!=', value);
  },
  in(name: string, values: readonly (number | string)[]): string {
    if (values.length === 0) throw badCondition(`an empty "in" list for ${name}`);
    return `${field(name)} in (${values.map((v) => literal(v)).join(',')})`;
  },
  and(...parts: Array<string | null | undefined>): string {
    const kept = parts.filter((p): p is string => Boolean(p));
    return kept.length === 1 ? kept[0]! : kept.map((p) => `(${p})`).join(' and ');
  },
  or(...parts: Array<string | null | undefined>): string {
    const kept = parts.filter((p): p is string => Boolean(p));
    return kept.length === 1 ? kept[0]! : kept.map((p) => `(${p})`).join(' or ');
  },
  /** customFieldConditions: the field by its caption, and its value. */
  customField(caption: string, value: ConditionValue): string {
    return `caption=${literal(caption)} and value=${literal(value)}`;
  },
};

/** The query parameters of one list request (README §2.2). */
export interface ListQuery {
  conditions?: string;
  childConditions?: string;
  customFieldConditions?: string;
  /** Top-level fields to answer with (README §2.2 `fields`); absent: whole records. */
  fields?: readonly string[];
}

/**
 * The query string for `params`, each value percent-encoded with encodeURIComponent (a space
 * as %20, never "+": in a query string "+" may be read as a space, and ConnectWise's own
 * guide asks for %2B where a plus is meant).
 */
export function queryString(params: Record<string, string | number | undefined>): string {
  const parts = Object.entries(params)
    .filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}
