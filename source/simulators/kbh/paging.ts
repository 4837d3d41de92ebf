// Paging of every list (connectors/kbh/README.md §3 › Paging): ?pageSize=N (1–500, default 100)
// and an opaque pageToken from the previous answer's nextPageToken. A token belongs to the list
// (path and filters) it was given for; the list is read again for each page, so records added
// while a client pages (new events) appear on later pages.
import { randomBytes } from 'node:crypto';
import type { SimRequest } from '../server.js';
import { badRequest } from './errors.js';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;

export interface Page<T> {
  items: T[];
  nextPageToken: string | null;
}

export class Pager {
  private tokens = new Map<string, { list: string; offset: number }>();

  /** The page of `items` the request asks for; `list` names the list and its filters. */
  page<T>(req: SimRequest, list: string, items: readonly T[]): Page<T> {
    const size = pageSize(req.query.get('pageSize'));
    let offset = 0;
    const token = req.query.get('pageToken');
    if (token !== null && token !== '') {
      const at = this.tokens.get(token);
      if (!at) throw badRequest('pageToken is not one this hub gave out (or the list was reset): read the list from its first page.');
      if (at.list !== list) throw badRequest('pageToken belongs to another list or other filters: send the same path and filters as for the first page.');
      offset = at.offset;
    }
    const slice = items.slice(offset, offset + size);
    let next: string | null = null;
    if (offset + size < items.length) {
      next = randomBytes(12).toString('base64url');
      this.tokens.set(next, { list, offset: offset + size });
    }
    return { items: [...slice], nextPageToken: next };
  }

  clear(): void {
    this.tokens.clear();
  }
}

export function pageSize(value: string | null): number {
  if (value === null || value === '') return DEFAULT_PAGE_SIZE;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= MAX_PAGE_SIZE)) throw badRequest(`pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}, not "${value}".`);
  return n;
}
