// The ConnectWise Manage REST client: codebase discovery, Basic auth with the API member's
// keys, the clientId and version headers, forward-only paging and error mapping on top of the
// shared HttpClient (which does timeouts, retries, Retry-After, concurrency and redaction).
import type { ConnectWiseConnection } from '../../domain/config.js';
import { KmspError, isKmspError } from '../../domain/errors.js';
import { inTermsOfAction, isLoopbackHost, parseJson, type HttpClient, type HttpMethod, type HttpResponse } from '../http.js';
import { ACCEPT_HEADER, CLOUD_HOST_WITHOUT_API_PREFIX, MAX_PAGES, PAGE_SIZE, PLAIN_HTTP_ONLY_ON_LOOPBACK, type PermissionArea } from './assumptions.js';
import { queryString, type ListQuery } from './conditions.js';
import { isRecordNotFound, outcomeUnknownError, responseError } from './errors.js';
import { asArray, asRecord, num, optStr, type WireRecord } from './wire.js';

/** Where the API of this company lives (README §1.1–§1.2). */
export interface ApiRoot {
  /** e.g. https://api-na.myconnectwise.net/v2025_1/apis/3.0/ (always ends with "/"). */
  url: string;
  /** e.g. "v2025_1/". */
  codebase: string;
  /** True when the codebase came from the configuration rather than discovery. */
  configured: boolean;
  companyName: string | null;
  versionCode: string | null;
}

const SITE_REMEDY = 'Set the site URL to your ConnectWise API host, e.g. https://api-na.myconnectwise.net (cloud: api-na, api-eu or api-au) or your on-premise server\'s https address.';

/** The configured site as an origin (plus any path), without a trailing "/". */
export function checkSiteUrl(siteUrl: string): string {
  let parsed: URL;
  try {
    parsed = new URL(siteUrl.trim());
  } catch {
    throw new KmspError(`The ConnectWise site URL is not a URL: ${siteUrl}`, { kind: 'config', remedy: SITE_REMEDY });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new KmspError(`The ConnectWise site URL must be https: ${siteUrl}`, { kind: 'config', remedy: SITE_REMEDY });
  }
  if (parsed.protocol === 'http:' && PLAIN_HTTP_ONLY_ON_LOOPBACK && !isLoopbackHost(parsed.hostname)) {
    throw new KmspError(`The ConnectWise site URL uses plain http: ${parsed.origin}`, {
      kind: 'config',
      cause: 'kmsp sends the API member\'s private key with every request; over http it would travel in clear text (and ConnectWise refuses plain http)',
      remedy: SITE_REMEDY,
    });
  }
  parsed.search = '';
  parsed.hash = '';
  return parsed.toString().replace(/\/+$/, '');
}

const CODEBASE = /^[A-Za-z0-9_.-]+$/;

/** "v2025_1", "/v2025_1/" → "v2025_1/"; null when it is not a codebase. */
export function normaliseCodebase(codebase: string): string | null {
  const trimmed = codebase.trim().replace(/^\/+|\/+$/g, '');
  return CODEBASE.test(trimmed) ? `${trimmed}/` : null;
}

function unknownCompany(site: string, companyId: string, cause: string): KmspError {
  const host = new URL(site).hostname;
  const prefix = CLOUD_HOST_WITHOUT_API_PREFIX.test(host) ? ` The site ${host} is a sign-in host: the API host is api-${host}.` : '';
  return new KmspError(`ConnectWise at ${site} does not know the company "${companyId}"`, {
    kind: 'config',
    cause,
    remedy: `Enter the company id exactly as on the ConnectWise sign-in screen (Company field), and check that the site URL is your ConnectWise host.${prefix}`,
  });
}

export interface ConnectWiseClientOptions {
  connection: ConnectWiseConnection;
  privateKey: string;
  http: HttpClient;
}

export interface SendOptions {
  method: HttpMethod;
  /** Path below the API root ("company/companies?…"), or an absolute URL. */
  path: string;
  body?: unknown;
  /** What kmsp is doing, for messages ("list companies"). */
  action: string;
  /** The permission the request needs (403 remedies). */
  area: PermissionArea;
  write?: boolean;
  /** Statuses the caller handles itself. */
  accept?: number[];
  /** Writes: what to check in ConnectWise when the outcome is unknown. */
  check?: string;
  /** The path names one record (a 404 may mean "no such record"). */
  item?: boolean;
  headers?: Record<string, string>;
}

const OK = new Set([200, 201, 204]);

export class ConnectWiseClient {
  private pending: Promise<ApiRoot> | null = null;
  private readonly connection: ConnectWiseConnection;
  private readonly authorization: string;

  constructor(private readonly options: ConnectWiseClientOptions) {
    this.connection = options.connection;
    const credentials = `${this.connection.companyId}+${this.connection.publicKey}:${options.privateKey}`;
    // The whole credential (its base64 is the header token) is a secret as well as the key.
    options.http.addSecret(credentials);
    this.authorization = `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
  }

  get http(): HttpClient {
    return this.options.http;
  }

  get site(): string {
    return checkSiteUrl(this.connection.siteUrl);
  }

  /** The API root, discovered once per connector (a failed discovery is asked again next time). */
  apiRoot(): Promise<ApiRoot> {
    if (!this.pending) {
      this.pending = this.discover();
      this.pending.catch(() => {
        this.pending = null;
      });
    }
    return this.pending;
  }

  /** README §1.2: GET {site}/login/companyinfo/{companyId}, without credentials, unless the codebase is configured. */
  private async discover(): Promise<ApiRoot> {
    const site = this.site;
    const companyId = this.connection.companyId.trim();
    if (!companyId) throw new KmspError('The ConnectWise company id is empty', { kind: 'config', remedy: 'Enter the company id you sign in to ConnectWise Manage with.' });
    if (this.connection.codebase) {
      const codebase = normaliseCodebase(this.connection.codebase);
      if (!codebase) {
        throw new KmspError(`The ConnectWise codebase override "${this.connection.codebase}" is not a codebase`, {
          kind: 'config',
          remedy: 'Enter it as ConnectWise names it, e.g. v4_6_release/ or v2025_1/, or clear it so kmsp discovers it.',
        });
      }
      return { url: `${site}/${codebase}apis/3.0/`, codebase, configured: true, companyName: null, versionCode: null };
    }
    const url = `${site}/login/companyinfo/${encodeURIComponent(companyId)}`;
    const response = await this.http.request({ method: 'GET', url, safeToRetry: true, endpoint: 'companyinfo' });
    const action = 'look up the company\'s codebase';
    if (response.status === 404) throw unknownCompany(site, companyId, `${site}/login/companyinfo answered 404 for it`);
    if (response.status !== 200) throw responseError(response, { action, redactor: this.http.redactor, companyId, area: 'system' });
    const body = parseJson(response, 'ConnectWise codebase discovery', this.http.redactor);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw unknownCompany(site, companyId, `the company lookup answered ${JSON.stringify(body)?.slice(0, 60)}`);
    const info = body as WireRecord;
    const raw = optStr(info, 'Codebase', 'the company lookup');
    if (!raw) throw unknownCompany(site, companyId, 'the company lookup answered without a codebase (ConnectWise answers so for a company id it does not have)');
    const codebase = normaliseCodebase(raw);
    if (!codebase) throw unknownCompany(site, companyId, `the company lookup answered the codebase "${raw.slice(0, 40)}", which is not one`);
    return {
      url: `${site}/${codebase}apis/3.0/`,
      codebase,
      configured: false,
      companyName: optStr(info, 'CompanyName', 'the company lookup'),
      versionCode: optStr(info, 'VersionCode', 'the company lookup'),
    };
  }

  private async url(path: string): Promise<string> {
    if (/^https?:\/\//i.test(path)) return path;
    return `${(await this.apiRoot()).url}${path.replace(/^\/+/, '')}`;
  }

  /** README §1.3–§1.4: Basic auth, clientId and the pinned model version on every API call. */
  private headers(extra?: Record<string, string>): Record<string, string> {
    return { Authorization: this.authorization, clientId: this.connection.clientId, Accept: ACCEPT_HEADER, ...extra };
  }

  async send(opts: SendOptions): Promise<HttpResponse> {
    const url = await this.url(opts.path);
    let response: HttpResponse;
    try {
      response = await this.http.request({
        method: opts.method,
        url,
        headers: this.headers(opts.headers),
        ...(opts.body === undefined ? {} : { body: opts.body }),
        // Reads may be repeated; a create or update may not (a repeat could apply it twice).
        safeToRetry: !opts.write,
      });
    } catch (error) {
      // A write that timed out or lost its connection may have been carried out: say which one.
      throw inTermsOfAction(error, 'ConnectWise', opts.action, opts.check);
    }
    if (OK.has(response.status) || opts.accept?.includes(response.status)) return response;
    throw this.failure(response, opts);
  }

  failure(response: HttpResponse, opts: Pick<SendOptions, 'action' | 'area' | 'check' | 'item'>): KmspError {
    return responseError(response, {
      action: opts.action,
      redactor: this.http.redactor,
      companyId: this.connection.companyId,
      area: opts.area,
      ...(opts.check ? { check: opts.check } : {}),
      ...(opts.item ? { item: true } : {}),
    });
  }

  json(response: HttpResponse): unknown {
    return parseJson(response, 'ConnectWise', this.http.redactor);
  }

  /** GET one record; null when ConnectWise says it does not exist (README §3.2). */
  async getItem(path: string, action: string, area: PermissionArea, fields?: readonly string[]): Promise<WireRecord | null> {
    const qs = fields ? queryString({ fields: fields.join(',') }) : '';
    const response = await this.send({ method: 'GET', path: `${path}${qs}`, action, area, item: true, accept: [404] });
    if (response.status === 404) {
      if (isRecordNotFound(response)) return null;
      throw this.failure(response, { action, area, item: true });
    }
    return asRecord(this.json(response), action);
  }

  /**
   * Every record of a list (README §2.3): forward-only paging, pageSize 1000, each next page
   * asked with pageId = the last id seen. The answer must come in ascending id order above
   * pageId (what forward-only promises); anything else is a protocol error rather than a list
   * with silent holes. Records are kept once by id.
   */
  async list(path: string, query: ListQuery, action: string, area: PermissionArea): Promise<WireRecord[]> {
    const seen = new Map<number, WireRecord>();
    const fields = query.fields ? [...new Set(['id', ...query.fields])].join(',') : undefined;
    let pageId: number | undefined;
    for (let page = 0; ; page++) {
      if (page >= MAX_PAGES) throw pagingError(action, `more than ${MAX_PAGES} pages of ${PAGE_SIZE} records`);
      const qs = queryString({
        conditions: query.conditions,
        childConditions: query.childConditions,
        customFieldConditions: query.customFieldConditions,
        fields,
        pageSize: PAGE_SIZE,
        pageId,
      });
      const response = await this.send({ method: 'GET', path: `${path}${qs}`, action, area, headers: { 'pagination-type': 'forward-only' } });
      const rows = asArray(this.json(response), action);
      let last = pageId ?? Number.NEGATIVE_INFINITY;
      for (const row of rows) {
        const id = num(row, 'id', action);
        if (id <= last) throw pagingError(action, `record ${id} came after ${Number.isFinite(last) ? last : 'the start'}: the answer is not in ascending id order above pageId`);
        last = id;
        seen.set(id, row);
      }
      if (rows.length < PAGE_SIZE) break;
      pageId = last;
    }
    return [...seen.values()];
  }

  /** GET {path}/count (README §2.4). */
  async count(path: string, conditions: string | undefined, action: string, area: PermissionArea): Promise<number> {
    const response = await this.send({ method: 'GET', path: `${path}/count${queryString({ conditions })}`, action, area });
    return num(asRecord(this.json(response), action), 'count', action);
  }

  /** POST a new record (README §2.1: 201 with the record). Never repeated. */
  async create(path: string, body: Record<string, unknown>, opts: { action: string; area: PermissionArea; check?: string }): Promise<WireRecord> {
    const send: SendOptions = { method: 'POST', path, body, write: true, ...opts };
    return this.writeAnswer(await this.send(send), send);
  }

  /** PATCH with a JSON Patch array (README §2.1, §2.6). Never repeated. */
  async patch(path: string, operations: PatchOperation[], opts: { action: string; area: PermissionArea; check?: string; accept?: number[] }): Promise<HttpResponse> {
    return this.send({ method: 'PATCH', path, body: operations, write: true, item: true, ...opts });
  }

  /**
   * The record a write answered with. ConnectWise said 2xx, so the write most likely happened:
   * an answer kmsp cannot read must not look like a failure that changed nothing.
   */
  writeAnswer(response: HttpResponse, opts: Pick<SendOptions, 'action' | 'check' | 'area'>): WireRecord {
    try {
      const record = asRecord(this.json(response), opts.action);
      num(record, 'id', opts.action);
      return record;
    } catch (error) {
      if (!isKmspError(error)) throw error;
      throw outcomeUnknownError(opts.action, `ConnectWise answered HTTP ${response.status} but not with the record: ${error.why ?? error.message}`, {
        kind: 'protocol',
        ...(opts.check ? { check: opts.check } : {}),
        code: response.status,
      });
    }
  }
}

/** One JSON Patch operation (README §2.6): a reference is replaced whole, never via "ref/id". */
export interface PatchOperation {
  op: 'replace' | 'add' | 'remove';
  path: string;
  value?: unknown;
}

export function replace(path: string, value: unknown): PatchOperation {
  if (path.includes('/')) {
    throw new KmspError(`kmsp built a ConnectWise patch of "${path}"`, {
      kind: 'internal',
      cause: 'a reference must be replaced whole ({op:"replace", path:"status", value:{id}}); a path into it may answer 200 and change nothing',
      remedy: 'Report this to the kmsp maintainers.',
    });
  }
  return { op: 'replace', path, value };
}

function pagingError(action: string, detail: string): KmspError {
  return new KmspError(`ConnectWise did not page through the list as expected (${action})`, {
    kind: 'protocol',
    cause: detail,
    remedy: 'kmsp stopped rather than work with a partial list. Report this to the kmsp maintainers with the detail; retrying may help if records were being changed meanwhile.',
  });
}
