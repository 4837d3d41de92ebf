// Tigerpaw's searches as the simulator runs them (FIXTURE.md › Searches and paging): advanced
// searches (POST …/search with {Criteria[], PageSize, StartRow}) and simple ones (POST …/search/<field>
// with a JSON string body, paging in the query), answered as {<Items>[], PageSize, NextRow,
// TotalCount, Success, Message}.
import type { SimRequest } from '../server.js';

export type Rec = Record<string, unknown>;

/** A search refused as a business answer (200, Success:false). */
export class SearchRefusal extends Error {}

export const MATCH_TYPES = ['StartsWith', 'EndsWith', 'Contains', 'GreaterThan', 'GreaterThanEqual', 'Equal', 'LessThan', 'LessThanEqual'] as const;

/** Page size when none is asked for, and the most one page holds (UNCONFIRMED; a larger one is cut). */
export const PAGE_SIZE_DEFAULT = 50;
export const PAGE_SIZE_MAX = 500;

export interface Criterion {
  SearchType: string;
  MatchType: string;
  Criteria: string;
  CustomFieldName?: string;
  CategoryName?: string;
}

/**
 * How one SearchType reads a record: the values it offers (a record may offer several, e.g. an
 * account's External IDs), and whether they compare as numbers or dates.
 */
export interface SearchField<T> {
  values: (record: T, c: Criterion) => Array<string | number | null | undefined>;
  kind?: 'text' | 'number' | 'date';
}

function compare(have: string | number, want: string, match: string, kind: 'text' | 'number' | 'date'): boolean {
  if (kind === 'number' || kind === 'date') {
    const a = kind === 'number' ? Number(have) : Date.parse(String(have));
    const b = kind === 'number' ? Number(want) : Date.parse(want);
    if (match === 'StartsWith' || match === 'EndsWith' || match === 'Contains') {
      if (want.trim() === '') return true;
      const text = kind === 'date' ? String(have).slice(0, 10) : String(have);
      return match === 'StartsWith' ? text.startsWith(want.trim()) : match === 'EndsWith' ? text.endsWith(want.trim()) : text.includes(want.trim());
    }
    if (Number.isNaN(a) || Number.isNaN(b)) return false;
    // Dates compare by day: a criterion "2026-01-01" equals any time that day.
    const x = kind === 'date' ? Math.floor(a / 86_400_000) : a;
    const y = kind === 'date' ? Math.floor(b / 86_400_000) : b;
    return match === 'Equal' ? x === y : match === 'GreaterThan' ? x > y : match === 'GreaterThanEqual' ? x >= y : match === 'LessThan' ? x < y : x <= y;
  }
  const a = String(have).toLowerCase();
  const b = want.toLowerCase();
  switch (match) {
    case 'StartsWith':
      return a.startsWith(b);
    case 'EndsWith':
      return a.endsWith(b);
    case 'Contains':
      return a.includes(b);
    case 'Equal':
      return a === b;
    case 'GreaterThan':
      return a > b;
    case 'GreaterThanEqual':
      return a >= b;
    case 'LessThan':
      return a < b;
    default:
      return a <= b;
  }
}

/** The criteria of an advanced search body, checked: unknown search or match types are refused. */
export function readCriteria(body: unknown, fields: Record<string, SearchField<never>>): Criterion[] {
  if (body === undefined || body === null) return [];
  if (typeof body !== 'object' || Array.isArray(body)) throw new SearchRefusal('The search request must be an object with Criteria, PageSize and StartRow.');
  const list = (body as Rec).Criteria ?? [];
  if (!Array.isArray(list)) throw new SearchRefusal('Criteria must be a list.');
  const names = Object.keys(fields);
  return list.map((raw) => {
    const c = (raw ?? {}) as Rec;
    const type = names.find((n) => n.toLowerCase() === String(c.SearchType ?? '').toLowerCase());
    if (!type) throw new SearchRefusal(`Invalid SearchType "${String(c.SearchType ?? '')}". Valid: ${names.join(', ')}.`);
    const match = MATCH_TYPES.find((m) => m.toLowerCase() === String(c.MatchType ?? 'StartsWith').toLowerCase());
    if (!match) throw new SearchRefusal(`Invalid MatchType "${String(c.MatchType)}". Valid: ${MATCH_TYPES.join(', ')}.`);
    const out: Criterion = { SearchType: type, MatchType: match, Criteria: c.Criteria === null || c.Criteria === undefined ? '' : String(c.Criteria) };
    if (typeof c.CustomFieldName === 'string') out.CustomFieldName = c.CustomFieldName;
    if (typeof c.CategoryName === 'string') out.CategoryName = c.CategoryName;
    return out;
  });
}

/** Criteria of one SearchType are OR'ed, different SearchTypes AND'ed; no criteria match everything. */
export function matchesAll<T>(record: T, criteria: Criterion[], fields: Record<string, SearchField<T>>): boolean {
  const byType = new Map<string, Criterion[]>();
  for (const c of criteria) byType.set(c.SearchType, [...(byType.get(c.SearchType) ?? []), c]);
  for (const [type, group] of byType) {
    const field = fields[type]!;
    const ok = group.some((c) =>
      field
        .values(record, c)
        .some((v) => (v === null || v === undefined ? c.Criteria === '' && c.MatchType === 'StartsWith' : compare(v, c.Criteria, c.MatchType, field.kind ?? 'text'))),
    );
    if (!ok) return false;
  }
  return true;
}

export interface PageRequest {
  pageSize: number;
  /** 1-based. */
  startRow: number;
}

function whole(value: unknown, name: string): number | null {
  if (value === undefined || value === null || value === '') return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new SearchRefusal(`${name} must be a whole number (got "${String(value)}").`);
  return n;
}

/**
 * Rows are numbered from 1; StartRow 0 or none is the first row (UNCONFIRMED). PageSize 0 or none
 * is the default; above the maximum it is cut.
 */
export function pageRequest(pageSize: unknown, startRow: unknown): PageRequest {
  const size = whole(pageSize, 'PageSize');
  const start = whole(startRow, 'StartRow');
  return { pageSize: Math.min(size || PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX), startRow: Math.max(1, start ?? 1) };
}

/** Paging of a simple search or a paged GET: `pageRequest.pageSize`/`pageRequest.startRow`, or `pageSize`/`startRow`, any case. */
export function queryPageRequest(req: SimRequest): PageRequest {
  const get = (name: string) => {
    for (const [k, v] of req.query) if (k.toLowerCase() === `pagerequest.${name}` || k.toLowerCase() === name) return v;
    return undefined;
  };
  return pageRequest(get('pagesize'), get('startrow'));
}

/** One page of the answer, in Tigerpaw's search envelope: NextRow is StartRow + count while more remain, else 0 (UNCONFIRMED). */
export function pageOf<T>(listName: string, rows: T[], page: PageRequest): Rec {
  const slice = rows.slice(page.startRow - 1, page.startRow - 1 + page.pageSize);
  const next = page.startRow - 1 + slice.length < rows.length ? page.startRow + slice.length : 0;
  return { [listName]: slice, PageSize: page.pageSize, NextRow: next, TotalCount: rows.length, Success: true, Message: '' };
}

/** The body of a simple search: a JSON string (or a bare number); anything else is refused. */
export function simpleCriteria(body: unknown): string {
  if (typeof body === 'string') return body;
  if (typeof body === 'number') return String(body);
  if (body === undefined || body === null) return '';
  throw new SearchRefusal('The search criteria must be a JSON string.');
}
