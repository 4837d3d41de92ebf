// The only module that knows Business Hub's wire (README §2, §3): the API URL, sign-in through
// session.ts, bearer tokens with one renewal and one repeat, paging, the endpoints, and the
// records validated by wire.ts. It implements HubBackend (platform.ts) and nothing else.
import { KmspError } from '../../domain/errors.js';
import { isLoopbackHost, parseJson, type HttpClient } from '../http.js';
import { API_ROOT, EVENT_QUERY, MAX_PAGES, MAX_PAGE_SIZE, PAGE_SIZE, PAGING, PATHS, PLAIN_HTTP_ONLY_ON_LOOPBACK, RENEW_AND_REPEAT_CODES, type RightsArea } from './assumptions.js';
import { KBH_SERVICE, errorBodyOf, responseError } from './errors.js';
import type { EventsFrom, HubBackend, ReadOptions } from './platform.js';
import { HubSession, type HubCredentials, type TwoStepState } from './session.js';
import {
  decodeAccount,
  decodeCompany,
  decodeDevice,
  decodeEvent,
  decodeLicense,
  decodePage,
  decodeProduct,
  decodeProtection,
  decodeWorkspace,
  protocolError,
  type HubAccount,
  type HubCompany,
  type HubDevice,
  type HubEvent,
  type HubLicense,
  type HubProduct,
  type HubProtection,
  type HubWorkspace,
} from './wire.js';

const URL_REMEDY = 'Set the URL to the address of Business Hub, e.g. https://hub.kaspersky.com.';

/**
 * The connection's URL as kmsp uses it: an https origin plus any path prefix, without a trailing
 * "/" or the API root (README §3). Plain http only on a loopback host (assumptions.ts).
 */
export function checkHubUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new KmspError(`The ${KBH_SERVICE} URL is not a URL: ${url}`, { kind: 'config', remedy: URL_REMEDY });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new KmspError(`The ${KBH_SERVICE} URL must be an https address: ${url}`, { kind: 'config', remedy: URL_REMEDY });
  }
  if (parsed.protocol === 'http:' && PLAIN_HTTP_ONLY_ON_LOOPBACK && !isLoopbackHost(parsed.hostname)) {
    throw new KmspError(`The ${KBH_SERVICE} URL uses plain http: ${url}`, {
      kind: 'config',
      cause: 'the password, the one-time codes and the access tokens would cross the network unencrypted (plain http is accepted on this machine’s own loopback address only)',
      remedy: 'Use the https:// address of Business Hub (https://hub.kaspersky.com). If a proxy of your own serves it with a certificate from your CA, set the CA/certificate file.',
    });
  }
  if (parsed.username || parsed.password) {
    throw new KmspError(`The ${KBH_SERVICE} URL holds a user name or password`, {
      kind: 'config',
      cause: 'kmsp signs in with the e-mail and the stored password, never with credentials in the address',
      remedy: 'Remove the "user:password@" part from the URL; the password belongs in kmsp secrets.',
    });
  }
  parsed.search = '';
  parsed.hash = '';
  const root = API_ROOT.replace(/\//g, '\\/');
  return parsed.toString().replace(/\/+$/, '').replace(new RegExp(`${root}$`, 'i'), '');
}

/** The concurrency bucket of a URL: its path with company and workspace ids as "{id}". */
export function endpointOf(url: URL): string {
  return url.pathname.replace(/\/(companies|workspaces)\/[^/]+/g, '/$1/{id}');
}

type Query = Record<string, string | number>;

interface ReadContext {
  action: string;
  area: RightsArea;
  /** The path names one record ("company X"): a 404 there means it is gone. */
  item?: string;
}

export interface HubApiOptions {
  http: HttpClient;
  url: string;
  credentials: HubCredentials;
  integration: string | null;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** Items per page (1–500; default PAGE_SIZE). */
  pageSize?: number;
}

export class HubApi implements HubBackend {
  readonly url: string;
  private readonly base: string;
  private readonly http: HttpClient;
  private readonly session: HubSession;
  private readonly integration: string | null;
  private readonly pageSize: number;

  constructor(options: HubApiOptions) {
    this.base = checkHubUrl(options.url);
    this.url = this.base;
    this.http = options.http;
    this.integration = options.integration;
    const size = options.pageSize;
    this.pageSize = size !== undefined && Number.isInteger(size) && size >= 1 ? Math.min(size, MAX_PAGE_SIZE) : PAGE_SIZE;
    this.session = new HubSession({
      http: options.http,
      tokenUrl: this.href(PATHS.token),
      url: this.base,
      credentials: options.credentials,
      integration: options.integration,
      now: options.now,
      sleep: options.sleep,
    });
  }

  get twoStep(): TwoStepState {
    return this.session.twoStep;
  }

  account(): Promise<HubAccount> {
    return this.one(PATHS.account, { action: 'read the account', area: 'account' }, decodeAccount);
  }

  companies(options: ReadOptions = {}): Promise<HubCompany[]> {
    return this.list(PATHS.companies, {}, { action: 'list the companies', area: 'companies' }, decodeCompany, options);
  }

  async workspaces(companyId: string, options: ReadOptions = {}): Promise<HubWorkspace[]> {
    const ctx = { action: `list the workspaces of company ${companyId}`, area: 'workspaces' as const, item: `company ${companyId}` };
    const rows = await this.list(PATHS.workspaces(companyId), {}, ctx, decodeWorkspace, options);
    // Another company's workspace here would put its devices and licenses on this customer's bill.
    const stray = rows.find((w) => w.companyId !== companyId);
    if (stray) throw protocolError(`the workspaces of company ${companyId}`, `workspace ${stray.id} belongs to company ${stray.companyId}`);
    return rows;
  }

  products(): Promise<HubProduct[]> {
    return this.list(PATHS.products, {}, { action: 'list the licensed products', area: 'products' }, decodeProduct, {});
  }

  licenses(workspaceId: string, options: ReadOptions = {}): Promise<HubLicense[]> {
    const ctx = { action: `list the licenses of workspace ${workspaceId}`, area: 'licenses' as const, item: `workspace ${workspaceId}` };
    return this.inWorkspace(workspaceId, 'licenses', this.list(PATHS.licenses(workspaceId), {}, ctx, decodeLicense, options));
  }

  devices(workspaceId: string, options: ReadOptions = {}): Promise<HubDevice[]> {
    const ctx = { action: `list the devices of workspace ${workspaceId}`, area: 'devices' as const, item: `workspace ${workspaceId}` };
    return this.inWorkspace(workspaceId, 'devices', this.list(PATHS.devices(workspaceId), {}, ctx, decodeDevice, options));
  }

  events(workspaceId: string, from: EventsFrom): Promise<HubEvent[]> {
    const ctx = { action: `read the events of workspace ${workspaceId}`, area: 'events' as const, item: `workspace ${workspaceId}` };
    const query: Query = 'afterSequence' in from ? { [EVENT_QUERY.afterSequence]: from.afterSequence } : { [EVENT_QUERY.raisedSince]: from.raisedSince.toISOString() };
    return this.inWorkspace(workspaceId, 'events', this.list(PATHS.events(workspaceId), query, ctx, decodeEvent, {}));
  }

  protection(workspaceId: string): Promise<HubProtection> {
    const ctx = { action: `read the Office 365 protection of workspace ${workspaceId}`, area: 'protection' as const, item: `workspace ${workspaceId}` };
    return this.one(PATHS.protection(workspaceId), ctx, (body) => decodeProtection(body, workspaceId));
  }

  async close(): Promise<void> {
    this.session.close();
    this.http.close();
  }

  // ---------------------------------------------------------------- requests

  private href(path: string, query: Query = {}): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) params.set(k, String(v));
    const qs = params.toString();
    return `${this.base}${API_ROOT}${path}${qs ? `?${qs}` : ''}`;
  }

  /** Records of one workspace only: another's would be counted for the wrong customer. */
  private async inWorkspace<T extends { workspaceId: string; id: string }>(workspaceId: string, what: string, rows: Promise<T[]>): Promise<T[]> {
    const all = await rows;
    const stray = all.find((r) => r.workspaceId !== workspaceId);
    if (stray) throw protocolError(`the ${what} of workspace ${workspaceId}`, `record ${stray.id} belongs to workspace ${stray.workspaceId}`);
    return all;
  }

  /**
   * One authenticated GET. A 401 token_expired or invalid_token renews the token (once for all
   * concurrent requests) and repeats the request once (every request kmsp makes is a read).
   */
  private async get(path: string, query: Query, ctx: ReadContext): Promise<unknown> {
    const url = this.href(path, query);
    let token = await this.session.accessToken();
    for (let attempt = 0; ; attempt++) {
      const response = await this.http.request({ method: 'GET', url, headers: { Authorization: `Bearer ${token}` } });
      if (response.status >= 200 && response.status < 300) return parseJson(response, KBH_SERVICE, this.http.redactor);
      const code = response.status === 401 ? errorBodyOf(response.text)?.code : undefined;
      if (attempt === 0 && code !== undefined && RENEW_AND_REPEAT_CODES.includes(code)) {
        token = await this.session.afterRefusal(token);
        continue;
      }
      throw responseError(response, { ...ctx, redactor: this.http.redactor, url: this.base, integration: this.integration });
    }
  }

  private async one<T>(path: string, ctx: ReadContext, decode: (body: unknown) => T): Promise<T> {
    return decode(await this.get(path, {}, ctx));
  }

  /** Every item of a list, page after page (README §3 › Paging); one item when `onePage`. */
  private async list<T>(path: string, query: Query, ctx: ReadContext, decode: (item: unknown) => T, options: ReadOptions): Promise<T[]> {
    const out: T[] = [];
    const seen = new Set<string>();
    let pageToken: string | null = null;
    for (let page = 0; ; page++) {
      if (page >= MAX_PAGES) throw pagingError(ctx.action, `more than ${MAX_PAGES} pages`);
      const q: Query = { ...query, [PAGING.pageSize]: options.onePage ? 1 : this.pageSize, ...(pageToken ? { [PAGING.pageToken]: pageToken } : {}) };
      const answer = decodePage(await this.get(path, q, ctx), `the answer to "${ctx.action}"`);
      for (const item of answer.items) out.push(decode(item));
      if (options.onePage || answer.nextPageToken === null) return out;
      if (seen.has(answer.nextPageToken)) throw pagingError(ctx.action, 'a page token came back a second time: the list does not move forward');
      seen.add(answer.nextPageToken);
      pageToken = answer.nextPageToken;
    }
  }
}

function pagingError(action: string, detail: string): KmspError {
  return new KmspError(`${KBH_SERVICE} did not page through a list as expected (${action})`, {
    kind: 'protocol',
    cause: detail,
    remedy: 'kmsp stopped rather than work with a partial list. Retrying may help if records were being changed meanwhile; if it keeps happening, report it to the kmsp maintainers.',
  });
}
