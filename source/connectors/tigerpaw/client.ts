// The Tigerpaw REST client: the API URL, one request through the shared HttpClient (which signs
// every attempt, README §1.2), the Success/Message envelope, StartRow/NextRow paging and error
// mapping. The HttpClient does timeouts, retries, Retry-After, concurrency and redaction.
import type { TigerpawConnection } from '../../domain/config.js';
import { KmspError, isKmspError } from '../../domain/errors.js';
import { inTermsOfAction, isLoopbackHost, parseJson, type HttpClient, type HttpMethod, type HttpResponse } from '../http.js';
import type { Redactor } from '../redact.js';
import { MAX_PAGES, PAGE_SIZE, PLAIN_HTTP_ONLY_ON_LOOPBACK, isLastPage, type RightsArea } from './assumptions.js';
import { isRecordNotFound, outcomeUnknownError, refusalError, responseError } from './errors.js';
import { asArray, asRecord, optNum, protocolError, type WireRecord } from './wire.js';

const URL_REMEDY = 'Set the REST API URL to your Tigerpaw REST host, e.g. https://api.yourmsp.com (the site that serves /api/… and /docs/index).';

/** The configured API URL as an origin plus any path prefix, without a trailing "/" or "/api". */
export function checkApiUrl(apiUrl: string): string {
  let parsed: URL;
  try {
    parsed = new URL(apiUrl.trim());
  } catch {
    throw new KmspError(`The Tigerpaw REST API URL is not a URL: ${apiUrl}`, { kind: 'config', remedy: URL_REMEDY });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new KmspError(`The Tigerpaw REST API URL must be an https address: ${apiUrl}`, { kind: 'config', remedy: URL_REMEDY });
  }
  if (parsed.protocol === 'http:' && PLAIN_HTTP_ONLY_ON_LOOPBACK && !isLoopbackHost(parsed.hostname)) {
    throw new KmspError(`The Tigerpaw REST API URL uses plain http: ${apiUrl}`, {
      kind: 'config',
      cause: 'requests and answers (customers, agreements, prices) would cross the network unencrypted, and a signed request could be replayed with another body',
      remedy: 'Serve the Tigerpaw REST API over https (an https binding in IIS) and use its https:// address; if its certificate is from your own CA, set the CA/certificate file.',
    });
  }
  parsed.search = '';
  parsed.hash = '';
  // "https://host/api" is a common way to write it; the paths kmsp appends start with /api.
  return parsed.toString().replace(/\/+$/, '').replace(/\/api$/i, '');
}

/** The concurrency bucket of a URL: its path with record numbers as "{n}" (one bucket per kind of request). */
export function endpointOf(url: URL): string {
  return url.pathname.toLowerCase().replace(/\/\d+(?=\/|$)/g, '/{n}');
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface SendOptions {
  method: HttpMethod;
  /** Path below the API URL, starting with /api/. */
  path: string;
  query?: Query;
  body?: unknown;
  /** What kmsp is doing, for messages ("list accounts"). */
  action: string;
  /** The security right the request needs (403 remedies). */
  area: RightsArea;
  /** A create or update: never repeated by the HTTP layer (reads and searches are). */
  write?: boolean;
  /** Statuses the caller handles itself. */
  accept?: number[];
  /** Writes: what to check in Tigerpaw when the outcome is unknown. */
  check?: string;
  /** The path names one record (a 404 is "no such record"). */
  item?: boolean;
}

/** One criterion of an advanced search (README §2.3). */
export interface SearchCriterion {
  SearchType: string;
  MatchType: string;
  Criteria: string;
}

export interface TigerpawClientOptions {
  connection: TigerpawConnection;
  http: HttpClient;
}

export class TigerpawClient {
  readonly base: string;

  constructor(private readonly options: TigerpawClientOptions) {
    this.base = checkApiUrl(options.connection.apiUrl);
  }

  get http(): HttpClient {
    return this.options.http;
  }

  get connection(): TigerpawConnection {
    return this.options.connection;
  }

  url(path: string, query?: Query): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return `${this.base}${path}${qs ? `?${qs}` : ''}`;
  }

  async send(opts: SendOptions): Promise<HttpResponse> {
    let response: HttpResponse;
    try {
      response = await this.http.request({
        method: opts.method,
        url: this.url(opts.path, opts.query),
        ...(opts.body === undefined ? {} : { body: opts.body }),
        // Reads and searches (POST) may be repeated; a create or update may not.
        safeToRetry: !opts.write,
      });
    } catch (error) {
      // A write that timed out or lost its connection may have been carried out: say which one.
      throw inTermsOfAction(error, 'Tigerpaw', opts.action, opts.check);
    }
    if ((response.status >= 200 && response.status < 300) || opts.accept?.includes(response.status)) return response;
    throw this.failure(response, opts);
  }

  failure(response: HttpResponse, opts: Pick<SendOptions, 'action' | 'area' | 'check' | 'item'>): KmspError {
    return responseError(response, {
      action: opts.action,
      redactor: this.http.redactor,
      area: opts.area,
      ...(opts.check ? { check: opts.check } : {}),
      ...(opts.item ? { item: true } : {}),
    });
  }

  json(response: HttpResponse): unknown {
    return parseJson(response, 'Tigerpaw', this.http.redactor);
  }

  /** A bare GET (README §2.2: the object or list itself, no envelope). */
  async get(path: string, action: string, area: RightsArea, query?: Query): Promise<unknown> {
    return this.json(await this.send({ method: 'GET', path, action, area, ...(query ? { query } : {}) }));
  }

  /** A bare GET of a list. */
  async getList(path: string, action: string, area: RightsArea, query?: Query): Promise<WireRecord[]> {
    return asArray(await this.get(path, action, area, query), action);
  }

  /** A bare GET of one record; null when Tigerpaw answers 404 (README §2.2). */
  async getItem(path: string, action: string, area: RightsArea): Promise<WireRecord | null> {
    const response = await this.send({ method: 'GET', path, action, area, item: true, accept: [404] });
    if (response.status === 404) {
      if (isRecordNotFound(response, this.http.redactor)) return null;
      throw this.failure(response, { action, area, item: true });
    }
    return asRecord(this.json(response), action);
  }

  /** An envelope {…, Success, Message}: Success:false is a refusal carrying Message (README §2.2). */
  envelope(response: HttpResponse, action: string): WireRecord {
    const body = asRecord(this.json(response), action);
    if (body.Success === false) throw refusalError(action, messageOf(body, this.http.redactor));
    return body;
  }

  /** A search or another read that answers an envelope (POST, repeatable). */
  async query(opts: Omit<SendOptions, 'write'>): Promise<WireRecord> {
    return this.envelope(await this.send(opts), opts.action);
  }

  /**
   * A create or update (README §2.2), never repeated: the envelope on success; Success:false is a
   * refusal (nothing changed). Tigerpaw said 2xx, so an answer kmsp cannot read means the write
   * most likely happened: it is reported as of unknown outcome, not as a failure that changed nothing.
   */
  async write(opts: Omit<SendOptions, 'write'> & { acceptRefusal?: boolean }): Promise<WireRecord> {
    const { acceptRefusal, ...send } = opts;
    const response = await this.send({ ...send, write: true });
    let body: WireRecord;
    try {
      body = asRecord(this.json(response), opts.action);
    } catch (error) {
      if (!isKmspError(error)) throw error;
      throw outcomeUnknownError(opts.action, `Tigerpaw answered HTTP ${response.status} but not with its answer: ${error.why ?? error.message}`, {
        kind: 'protocol',
        ...(opts.check ? { check: opts.check } : {}),
        code: response.status,
      });
    }
    if (body.Success === false && !acceptRefusal) throw refusalError(opts.action, messageOf(body, this.http.redactor));
    return body;
  }

  /**
   * Every record of an advanced search (README §2.3): {Criteria, PageSize, StartRow}, continued
   * at NextRow until it is 0. A NextRow that does not move forward, or more than MAX_PAGES pages,
   * stop with a protocol error rather than loop or hand back a partial list.
   */
  async advancedSearch(path: string, list: string, criteria: readonly SearchCriterion[], action: string, area: RightsArea): Promise<WireRecord[]> {
    return this.pages(action, (startRow) => this.query({ method: 'POST', path, body: { Criteria: criteria, PageSize: PAGE_SIZE, StartRow: startRow }, action, area }), list);
  }

  /** Every record of a simple search (README §2.3): the criteria as a JSON string body, paging in the query. */
  async simpleSearch(path: string, list: string, criteria: string, action: string, area: RightsArea): Promise<WireRecord[]> {
    return this.pages(
      action,
      (startRow) => this.query({ method: 'POST', path, query: { 'pageRequest.pageSize': PAGE_SIZE, 'pageRequest.startRow': startRow }, body: JSON.stringify(criteria), action, area }),
      list,
    );
  }

  /**
   * Every record of a GET that answers a search envelope (an account's agreements): the paging
   * query is sent and NextRow followed when the answer gives one (assumptions.ts).
   */
  async pagedGet(path: string, list: string, query: Query, action: string, area: RightsArea): Promise<WireRecord[]> {
    return this.pages(
      action,
      (startRow) => this.query({ method: 'GET', path, query: { ...query, 'pageRequest.pageSize': PAGE_SIZE, 'pageRequest.startRow': startRow }, action, area, item: true }),
      list,
    );
  }

  /** One page of a search, for reads that need a single record (checkAccess). */
  async firstPage(path: string, list: string, action: string, area: RightsArea): Promise<WireRecord[]> {
    const page = await this.query({ method: 'POST', path, body: { Criteria: [], PageSize: 1, StartRow: 0 }, action, area });
    return optList(page, list, action);
  }

  private async pages(action: string, fetchPage: (startRow: number) => Promise<WireRecord>, list: string): Promise<WireRecord[]> {
    const rows: WireRecord[] = [];
    let startRow = 0;
    for (let page = 0; ; page++) {
      if (page >= MAX_PAGES) throw pagingError(action, `more than ${MAX_PAGES} pages`);
      const answer = await fetchPage(startRow);
      const items = optList(answer, list, action);
      rows.push(...items);
      const nextRow = optNum(answer, 'NextRow', action);
      if (isLastPage(nextRow, items.length)) break;
      if (nextRow! <= startRow) throw pagingError(action, `NextRow ${nextRow} after StartRow ${startRow}: the list does not move forward`);
      startRow = nextRow!;
    }
    return rows;
  }
}

/** An envelope's Message, secrets removed; null when empty. */
export function messageOf(body: WireRecord, redactor: Redactor): string | null {
  return typeof body.Message === 'string' && body.Message.trim() !== '' ? redactor.text(body.Message.trim()) : null;
}

/** The list of a search answer by its name (Accounts, Agreements, …); absent: empty. */
export function optList(answer: WireRecord, list: string, action: string): WireRecord[] {
  const v = answer[list];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw protocolError(action, `field ${list} should be a list`);
  return asArray(v, `${action} (${list})`);
}

function pagingError(action: string, detail: string): KmspError {
  return new KmspError(`Tigerpaw did not page through the list as expected (${action})`, {
    kind: 'protocol',
    cause: detail,
    remedy: 'kmsp stopped rather than work with a partial list. Report this to the kmsp maintainers with the detail; retrying may help if records were being changed meanwhile.',
  });
}
