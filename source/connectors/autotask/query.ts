// Autotask query bodies (README §2.2) and paging (README §2.3).
//
// A filter is a list of conditions {op, field, value, udf?} and groups
// {op:"and"|"or", items:[…]}; top-level entries are ANDed. The builder only
// produces the 13 documented operators: Autotask silently ignores unknown ones
// (README §5.1), which would turn a narrow query into "everything".
import { KmspError } from '../../domain/errors.js';
import { MAX_PAGES, MAX_RECORDS, RESEND_BODY_ON_NEXT_PAGE } from './assumptions.js';
import { items as decodeItems, type WireRecord } from './wire.js';

export type Scalar = string | number | boolean;
export type ValueOp = 'eq' | 'noteq' | 'gt' | 'gte' | 'lt' | 'lte' | 'beginsWith' | 'endsWith' | 'contains';
export type ListOp = 'in' | 'notIn';
export type ExistOp = 'exist' | 'notExist';

export interface Condition {
  op: ValueOp | ListOp | ExistOp;
  field: string;
  value?: Scalar | Array<string | number>;
  udf?: true;
}

export interface Group {
  op: 'and' | 'or';
  items: FilterItem[];
}

export type FilterItem = Condition | Group;

export interface QueryBody {
  MaxRecords: number;
  IncludeFields?: string[];
  filter: FilterItem[];
}

const cond = (op: ValueOp, field: string, value: Scalar): Condition => ({ op, field, value });

/** Builders for the documented operators; values are checked where Autotask is strict (booleans, lists). */
export const q = {
  eq: (field: string, value: Scalar) => cond('eq', field, value),
  noteq: (field: string, value: Scalar) => cond('noteq', field, value),
  gt: (field: string, value: Scalar) => cond('gt', field, value),
  gte: (field: string, value: Scalar) => cond('gte', field, value),
  lt: (field: string, value: Scalar) => cond('lt', field, value),
  lte: (field: string, value: Scalar) => cond('lte', field, value),
  beginsWith: (field: string, value: string) => cond('beginsWith', field, value),
  endsWith: (field: string, value: string) => cond('endsWith', field, value),
  contains: (field: string, value: string) => cond('contains', field, value),
  in: (field: string, values: Array<string | number>): Condition => ({ op: 'in', field, value: values }),
  notIn: (field: string, values: Array<string | number>): Condition => ({ op: 'notIn', field, value: values }),
  exist: (field: string): Condition => ({ op: 'exist', field }),
  notExist: (field: string): Condition => ({ op: 'notExist', field }),
  /** A condition on a user-defined field (at most one per query, README §2.5). */
  udf: (op: ValueOp, name: string, value: Scalar): Condition => ({ op, field: name, value, udf: true }),
  and: (...items: FilterItem[]): Group => ({ op: 'and', items }),
  or: (...items: FilterItem[]): Group => ({ op: 'or', items }),
  /** "filter is mandatory": this is the documented match-everything filter (README §2.2). */
  all: (): Condition => ({ op: 'gte', field: 'id', value: 0 }),
};

function internal(message: string): KmspError {
  return new KmspError(`kmsp built an invalid Autotask query: ${message}`, {
    kind: 'internal',
    remedy: 'Report this to the kmsp maintainers.',
  });
}

function isGroup(item: FilterItem): item is Group {
  return item.op === 'and' || item.op === 'or';
}

function validate(items: FilterItem[], counts: { udf: number; or: number }): void {
  for (const item of items) {
    if (isGroup(item)) {
      if (item.items.length === 0) throw internal(`an empty "${item.op}" group`);
      if (item.op === 'or') counts.or += item.items.length;
      validate(item.items, counts);
      continue;
    }
    if (item.udf) counts.udf++;
    if (item.op === 'exist' || item.op === 'notExist') {
      if (item.value !== undefined) throw internal(`${item.op} takes no value (${item.field})`);
    } else if (item.op === 'in' || item.op === 'notIn') {
      if (!Array.isArray(item.value) || item.value.length === 0) throw internal(`${item.op} needs a non-empty list (${item.field})`);
    } else if (item.value === undefined || item.value === null || Array.isArray(item.value)) {
      // README §2.2: anything but a value (null included) is an error.
      throw internal(`${item.op} needs a single value (${item.field})`);
    }
  }
}

/** A query body: always a filter (match-all when none), MaxRecords 1–500, optional IncludeFields. */
export function buildQuery(filter: FilterItem[], includeFields?: readonly string[], maxRecords = MAX_RECORDS): QueryBody {
  const effective = filter.length ? filter : [q.all()];
  const counts = { udf: 0, or: 0 };
  validate(effective, counts);
  if (counts.udf > 1) throw internal('more than one UDF condition (Autotask allows one per query)');
  if (counts.or > 500) throw internal('more than 500 OR conditions');
  if (!Number.isInteger(maxRecords) || maxRecords < 1 || maxRecords > MAX_RECORDS) throw internal(`MaxRecords ${maxRecords} is outside 1–500`);
  const body: QueryBody = { MaxRecords: maxRecords, filter: effective };
  if (includeFields?.length) {
    // README §2.2 ([OFF] AT-ADV): with more than 500 results, id must be among IncludeFields.
    body.IncludeFields = includeFields.includes('id') ? [...includeFields] : ['id', ...includeFields];
  }
  return body;
}

/** Sends one page request; the client supplies auth, limits and error mapping. */
export type PagePoster = (url: string, body: QueryBody | Record<string, never>) => Promise<unknown>;

/**
 * Runs a query and follows `pageDetails.nextPageUrl` until it is null (README §2.3).
 * Next pages are POSTed (a GET answers 405 and silently truncates at 500, README §5.3),
 * re-sending the original body. Every next page must stay on the zone's origin: the
 * credentials travel with it. A record that comes back on a later page again (offset
 * paging while records are added, README §2.3 leaves paging details UNCONFIRMED) is kept
 * once, by id: a repeated row must never be counted twice.
 */
export async function queryAll(post: PagePoster, firstUrl: string, body: QueryBody, what: string): Promise<WireRecord[]> {
  const origin = new URL(firstUrl).origin;
  const out: WireRecord[] = [];
  const seen = new Set<string>();
  const ids = new Set<unknown>();
  let url: string | null = firstUrl;
  for (let page = 0; url; page++) {
    if (page >= MAX_PAGES) {
      throw new KmspError(`Autotask kept paging while reading ${what}`, {
        kind: 'protocol',
        cause: `more than ${MAX_PAGES} pages of ${MAX_RECORDS} records`,
        remedy: 'Report this to the kmsp maintainers; the query needs a narrower filter.',
      });
    }
    const answer = decodeItems(await post(url, page === 0 || RESEND_BODY_ON_NEXT_PAGE ? body : {}), what);
    for (const record of answer.items) {
      const id = record.id;
      if (id !== undefined && id !== null) {
        if (ids.has(id)) continue;
        ids.add(id);
      }
      out.push(record);
    }
    const next: string | null = answer.pageDetails?.nextPageUrl || null;
    if (next) {
      const resolved: URL = new URL(next, url);
      if (resolved.origin !== origin) {
        throw new KmspError(`Autotask sent a next-page link to another host while reading ${what}`, {
          kind: 'protocol',
          cause: `next page on ${resolved.origin}, zone is ${origin}`,
          remedy: 'kmsp does not send credentials to another host. Check the zone URL; report this if it persists.',
        });
      }
      if (seen.has(resolved.href)) {
        throw new KmspError(`Autotask repeated a next-page link while reading ${what}`, {
          kind: 'protocol',
          cause: 'the same nextPageUrl came back twice',
          remedy: 'Retry later; report this to the kmsp maintainers if it persists.',
        });
      }
      seen.add(resolved.href);
      url = resolved.href;
    } else {
      url = null;
    }
  }
  return out;
}
