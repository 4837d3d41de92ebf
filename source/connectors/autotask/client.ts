// The Autotask REST client: zone-relative URLs, header auth, the request budget
// and error mapping on top of the shared HttpClient (which does timeouts,
// retries, Retry-After, the per-endpoint thread limit and redaction).
//
// Auth (README §1): ApiIntegrationCode, UserName, Secret on every call except zone
// discovery; ImpersonationResourceId only on writes (as DJ does), so reads keep
// working even when the impersonated resource lacks rights to a list.
import type { AutotaskConnection } from '../../domain/config.js';
import { KmspError, isKmspError } from '../../domain/errors.js';
import { inTermsOfAction, parseJson, parseRetryAfter, type HttpClient, type HttpMethod, type HttpResponse } from '../http.js';
import { BudgetGuard, type BudgetPolicy, type Threshold } from './budget.js';
import { errorMessages, isRouteNotFound, isThreadLimit, outcomeUnknownError, responseError } from './errors.js';
import { buildQuery, queryAll, type FilterItem } from './query.js';
import { asRecord, item, itemId, num, type WireRecord } from './wire.js';
import { ZoneResolver, type Zone } from './zone.js';
import { THREADS_PER_ENDPOINT } from './assumptions.js';

/**
 * The bucket Autotask's thread limit applies to: the entity after /V1.0/ (README §3.3:
 * 3 concurrent requests per tracking identifier and endpoint). Child paths such as
 * Tickets/{id}/Notes count towards their parent entity: when unsure, share a bucket
 * (fewer parallel calls) rather than risk a rejection.
 */
export function endpointOf(url: URL): string {
  const m = /\/v1\.0\/([^/?#]+)/i.exec(url.pathname);
  return m ? m[1]!.toLowerCase() : url.pathname.toLowerCase();
}

export interface AutotaskClientOptions {
  connection: AutotaskConnection;
  secret: string;
  integrationCode: string;
  http: HttpClient;
  sleep: (ms: number) => Promise<void>;
  budget?: Partial<BudgetPolicy>;
  now?: () => number;
}

interface SendOptions {
  method: HttpMethod;
  /** Path below {zone}V1.0/, or an absolute URL (next pages). */
  path: string;
  body?: unknown;
  action: string;
  write?: boolean;
  /** False only for the threshold read itself (it must not wait on the guard it feeds). */
  guarded?: boolean;
  /** Statuses the caller handles itself (e.g. 404 → null). */
  accept?: number[];
  /** Writes: what to check in Autotask when the outcome is unknown (which contract and service, which ticket). */
  check?: string;
}

export class AutotaskClient {
  readonly zone: ZoneResolver;
  readonly guard: BudgetGuard;
  private readonly connection: AutotaskConnection;

  constructor(
    private readonly options: AutotaskClientOptions,
  ) {
    this.connection = options.connection;
    this.zone = new ZoneResolver(options.http, options.connection);
    this.guard = new BudgetGuard({
      read: () => this.readThreshold(false),
      requestsMade: () => options.http.stats.requests,
      sleep: options.sleep,
      ...(options.now ? { now: options.now } : {}),
      ...(options.budget ? { policy: options.budget } : {}),
    });
  }

  get http(): HttpClient {
    return this.options.http;
  }

  private headers(write: boolean): Record<string, string> {
    const headers: Record<string, string> = {
      ApiIntegrationCode: this.options.integrationCode,
      UserName: this.connection.username,
      Secret: this.options.secret,
    };
    if (write && this.connection.impersonationResourceId) headers.ImpersonationResourceId = this.connection.impersonationResourceId;
    return headers;
  }

  async resolveZone(): Promise<Zone> {
    return this.zone.resolve();
  }

  private async url(path: string): Promise<string> {
    if (/^https?:\/\//i.test(path)) return path;
    const zone = await this.zone.resolve();
    return new URL(`V1.0/${path}`, zone.url).toString();
  }

  async send(opts: SendOptions): Promise<HttpResponse> {
    const url = await this.url(opts.path);
    if (opts.guarded !== false) await this.guard.beforeRequest();
    let response: HttpResponse;
    try {
      response = await this.http.request({
        method: opts.method,
        url,
        headers: this.headers(opts.write ?? false),
        ...(opts.body === undefined ? {} : { body: opts.body }),
        // Reads and queries may be repeated; creates/updates/adjustments may not (a repeat
        // could double-bill). Thread-limit and 429 answers are retried anyway: isRetryable.
        safeToRetry: !opts.write,
      });
    } catch (error) {
      // A write that timed out or lost its connection may have been carried out: say which one.
      throw inTermsOfAction(error, 'Autotask', opts.action, opts.check);
    }
    if (response.status === 200 || opts.accept?.includes(response.status)) return response;
    throw await this.failure(response, opts);
  }

  /**
   * The JSON of a write's 200 answer. Autotask said 200, so the write most likely happened:
   * an answer we cannot read must not look like a failure that changed nothing.
   */
  private writeAnswer<T>(response: HttpResponse, opts: SendOptions, read: (body: unknown) => T): T {
    try {
      return read(this.json(response));
    } catch (error) {
      if (!isKmspError(error)) throw error;
      throw outcomeUnknownError(opts.action, `Autotask answered HTTP 200 but not with the expected {"itemId":N}: ${error.why ?? error.message}`, {
        kind: 'protocol',
        ...(opts.check ? { check: opts.check } : {}),
        code: response.status,
      });
    }
  }

  private async failure(response: HttpResponse, opts: SendOptions): Promise<KmspError> {
    if (isThreadLimit(response)) {
      return new KmspError(`Autotask's thread limit kept refusing to ${opts.action}`, {
        kind: 'rate-limit',
        cause: `Autotask allows ${THREADS_PER_ENDPOINT} concurrent requests per endpoint and API tracking identifier, and kept answering Itgenatr005 after kmsp's retries`,
        remedy: 'Another tool may be using the same API tracking identifier at the same time. Retry later, or give kmsp its own API user and tracking identifier.',
        detail: errorMessages(response.text).map((m) => this.http.redactor.text(m)).join('; ') || undefined,
        code: response.status,
      });
    }
    if (response.status === 429) {
      const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
      // Learn the real usage for the message, unless this was the usage check itself.
      if (opts.guarded !== false) await this.guard.refresh().catch(() => undefined);
      const estimate = this.guard.estimate();
      if (!estimate || estimate.used >= estimate.limit) return this.guard.exhausted(retryAfterMs);
      return new KmspError(`Autotask kept answering "429 Too Many Requests" to ${opts.action}`, {
        kind: 'rate-limit',
        cause: `Autotask rate-limited the request although usage is ${estimate.used} of ${estimate.limit} requests per ${estimate.timeframeMinutes} minutes`,
        remedy: retryAfterMs !== null ? `Retry after ${new Date(Date.now() + retryAfterMs).toISOString()}.` : 'Retry in a few minutes.',
        code: 429,
      });
    }
    return responseError(response, {
      action: opts.action,
      redactor: this.http.redactor,
      username: this.connection.username,
      impersonating: Boolean(opts.write && this.connection.impersonationResourceId),
      ...(opts.check ? { check: opts.check } : {}),
      urlSetting: this.connection.apiUrl ? 'zone URL' : 'zone discovery URL (or set the zone URL directly)',
    });
  }

  json(response: HttpResponse): unknown {
    return parseJson(response, 'Autotask', this.http.redactor);
  }

  /**
   * GET {entity}/{id}: the item, or null for 404 and for 200 {"item":null} (README §3.1: sources
   * disagree; handle both). A route-level 404 (wrong zone/API URL) is an error, not "no such record".
   */
  async getItem(entity: string, id: number, action: string): Promise<WireRecord | null> {
    const response = await this.send({ method: 'GET', path: `${entity}/${id}`, action, accept: [404] });
    if (response.status === 404) {
      if (isRouteNotFound(response)) throw await this.failure(response, { method: 'GET', path: `${entity}/${id}`, action });
      return null;
    }
    return item(this.json(response), action);
  }

  async getJson(path: string, action: string): Promise<unknown> {
    return this.json(await this.send({ method: 'GET', path, action }));
  }

  /** POST {entity}/query, following nextPageUrl by POST until it is null. */
  async query(entity: string, filter: FilterItem[], action: string, includeFields?: readonly string[]): Promise<WireRecord[]> {
    const body = buildQuery(filter, includeFields);
    const first = await this.url(`${entity}/query`);
    return queryAll(async (url, pageBody) => this.json(await this.send({ method: 'POST', path: url, body: pageBody, action })), first, body, action);
  }

  async count(entity: string, filter: FilterItem[], action: string): Promise<number> {
    const body = buildQuery(filter);
    const answer = asRecord(this.json(await this.send({ method: 'POST', path: `${entity}/query/count`, body, action })), action);
    return num(answer, 'queryCount', action);
  }

  /**
   * POST {path}: a create; answers {"itemId":N} (README §2.1). Never repeated after it may
   * have reached Autotask; `check` says what to look for in Autotask if the outcome is unknown.
   */
  async create(path: string, body: Record<string, unknown>, action: string, check?: string): Promise<number> {
    const opts: SendOptions = { method: 'POST', path, body, action, write: true, ...(check ? { check } : {}) };
    return this.writeAnswer(await this.send(opts), opts, (answer) => itemId(answer, action));
  }

  /** PATCH {entity} with the id in the body (README §2.1). */
  async update(entity: string, body: Record<string, unknown> & { id: number }, action: string, check?: string): Promise<number> {
    const opts: SendOptions = { method: 'PATCH', path: entity, body, action, write: true, ...(check ? { check } : {}) };
    return this.writeAnswer(await this.send(opts), opts, (answer) => itemId(answer, action));
  }

  /**
   * GET ThresholdInformation (README §3.2). Never waits on the guard (the guard asks through
   * this); `noteReading` is false when the guard is the caller and records it itself.
   */
  async readThreshold(noteReading = true): Promise<Threshold> {
    const what = 'read the API usage threshold';
    const r = asRecord(this.json(await this.send({ method: 'GET', path: 'ThresholdInformation', action: what, guarded: false })), what);
    const reading: Threshold = {
      limit: num(r, 'externalRequestThreshold', what),
      used: num(r, 'currentTimeframeRequestCount', what),
      timeframeMinutes: num(r, 'requestThresholdTimeframe', what),
    };
    if (noteReading) this.guard.note(reading);
    return reading;
  }
}
