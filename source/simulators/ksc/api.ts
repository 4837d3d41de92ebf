// The KSC Open API as the simulator speaks it (connectors/ksc/README.md §1–§4, cited as §n below):
// sign-in (/login and Session.StartSession with KSCBasic), sessions bound to one
// (virtual) server, the methods kmsp reads through, server-side result sets with a
// lifetime, PxgError replies and injected failures.
import { randomBytes } from 'node:crypto';
import type { SimRequest, SimResponse } from '../server.js';
import { attributesOf, evaluate, parseFilter } from './filter.js';
import type { FixtureUser } from './fixture.js';
import type { KscSimModel, SimDevice, SimServer } from './model.js';
import { compareAttrs, eventAttributes, hostAttributes, hostSearchAttribute, keyAttributes, keyHostAttributes, vserverAttributes } from './records.js';
import { arg, badArgument, member, paramsBody, PXG, SimPxgError, typedMember, wrappedRecord } from './wire.js';

const API_PREFIX = '/api/v1.0/';
/** FindHosts' lMaxLifeTime ceiling (§3.2). */
const MAX_LIFETIME_SEC = 7200;
/** SrvView's GetRecordRange ceiling (§3.5). */
const MAX_RANGE_ROWS = 65_536;

/**
 * pxg: PxgError (HTTP 200 or the configured status); pxg-500: PxgError with HTTP 500;
 * http-500 / http-503: a bare HTTP error; delay: answer late (then normally);
 * expire-session: the caller's session ends just before the call, which gets 403;
 * empty-page: ChunkAccessor.GetItemsChunk / EventProcessing.GetRecordRange answer with
 * no rows although the result set has them (a truncated answer).
 */
export type FailureMode = 'pxg' | 'pxg-500' | 'http-500' | 'http-503' | 'delay' | 'expire-session' | 'empty-page';

/** The methods that read a result set, with the parameter naming it. */
const ITERATOR_READS: Readonly<Record<string, string>> = {
  'ChunkAccessor.GetItemsCount': 'strAccessor',
  'ChunkAccessor.GetItemsChunk': 'strAccessor',
  'GroupSyncIterator.GetNextItems': 'szwIterator',
  'EventProcessing.GetRecordCount': 'strIteratorId',
  'EventProcessing.GetRecordRange': 'strIteratorId',
};

/** Methods an `empty-page` failure applies to (stateless page reads). */
export const EMPTY_PAGE_METHODS = ['ChunkAccessor.GetItemsChunk', 'EventProcessing.GetRecordRange'];

export interface FailureSpec {
  /** Class.Method (e.g. "HostGroup.FindHosts"), or "*" for any call. */
  method: string;
  /**
   * Only calls made for this server (uid or display name; "" or "main" = the main
   * server): the session's server, or for StartSession the one X-KSC-VServer names.
   */
  vserver?: string;
  /** How many of the next matching calls fail (default 1). */
  count?: number;
  /** Let this many matching calls through first (default 0). */
  skip?: number;
  mode: FailureMode;
  /** PxgError code and message (modes pxg, pxg-500). */
  code?: number;
  message?: string;
  /** Delay before answering (mode delay; the call then succeeds). */
  delayMs?: number;
  /** Retry-After header value (modes http-503, http-500). */
  retryAfter?: string;
}

interface SimSession {
  id: string;
  serverKey: string;
  user: FixtureUser;
  createdAt: number;
  lastUsedAt: number;
  ended: boolean;
}

interface SimIterator {
  id: string;
  kind: 'accessor' | 'sync' | 'events';
  /** Session id, or "conn:<n>" for connection-bound logins. */
  owner: string;
  serverKey: string;
  /** Snapshot, already typed-params encoded. */
  rows: unknown[];
  /** GroupSyncIterator read position. */
  position: number;
  expiresAt: number;
}

interface Ctx {
  model: KscSimModel;
  server: SimServer;
  owner: string;
  args: Record<string, unknown>;
}

type Handler = (ctx: Ctx) => Record<string, unknown>;

function randomId(bytes = 18): string {
  return randomBytes(bytes).toString('base64');
}

function text(status: number, body: string): SimResponse {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body };
}

/** Parses `KSCBasic user="…", pass="…", domain="…", internal="…"` (§1.2). */
function parseKscBasic(header: string | undefined): { username: string; password: string; domain: string; internal: boolean | null } | null {
  if (!header) return null;
  const m = /^KSCBasic\s+(.*)$/i.exec(header.trim());
  if (!m) return null;
  const fields: Record<string, string> = {};
  for (const part of m[1]!.matchAll(/(\w+)\s*=\s*"([^"]*)"/g)) fields[part[1]!.toLowerCase()] = part[2]!;
  if (fields.user === undefined || fields.pass === undefined) return null;
  const decode = (v: string) => Buffer.from(v, 'base64').toString('utf8');
  return {
    username: decode(fields.user),
    password: decode(fields.pass),
    // The domain travels as is (§1.2 [K]).
    domain: fields.domain ?? '',
    internal: fields.internal === undefined ? null : fields.internal === '1',
  };
}

export class KscSimRuntime {
  readonly sessions = new Map<string, SimSession>();
  /** Connection-bound logins (§1.3 model 1). */
  readonly connections = new Map<number, { serverKey: string; user: FixtureUser }>();
  readonly iterators = new Map<string, SimIterator>();
  readonly failures: Array<FailureSpec & { remaining: number; toSkip: number }> = [];
  private readonly handlers: Record<string, Handler>;

  constructor(private readonly model: () => KscSimModel) {
    this.handlers = this.buildHandlers();
  }

  /** Forgets every session, login and result set (control reset). */
  clear(): void {
    this.sessions.clear();
    this.connections.clear();
    this.iterators.clear();
    this.failures.length = 0;
  }

  injectFailure(spec: FailureSpec): void {
    this.failures.push({ ...spec, remaining: spec.count ?? 1, toSkip: spec.skip ?? 0 });
  }

  /** Ends every session (as an idle timeout or a server restart would): later calls get 403. */
  expireSessions(): number {
    let n = 0;
    for (const s of this.sessions.values()) {
      if (!s.ended) n++;
      s.ended = true;
    }
    this.connections.clear();
    this.iterators.clear();
    return n;
  }

  /** Expires every accessor and iterator: later reads get PxgError 1169 [U]. */
  expireIterators(): number {
    const n = this.iterators.size;
    this.iterators.clear();
    return n;
  }

  /**
   * Ends the session (or the connection's login) a request is made in, as an idle timeout or a
   * server restart would just before it arrived; false when the request has none to end.
   */
  expireSessionOf(req: SimRequest): boolean {
    const name = req.path.startsWith(API_PREFIX) ? req.path.slice(API_PREFIX.length) : '';
    if (name === 'login' || name.endsWith('Session.StartSession')) return false;
    const sessionId = req.headers['x-ksc-session'];
    if (sessionId !== undefined) {
      const session = this.sessions.get(sessionId);
      if (!session || session.ended) return false;
      this.endSession(session);
      return true;
    }
    const login = this.connections.get(req.connectionId);
    if (!login) return false;
    this.connections.delete(req.connectionId);
    for (const [id, it] of this.iterators) if (it.owner === `conn:${req.connectionId}`) this.iterators.delete(id);
    return true;
  }

  /**
   * Drops the result set a read names (an accessor's chunk or count, a sync iterator's next
   * items, an event range or count), as its lifetime running out would; false when the request
   * reads none that exists.
   */
  expireIteratorOf(req: SimRequest): boolean {
    const method = req.path.startsWith(API_PREFIX) ? req.path.slice(API_PREFIX.length).split('.').slice(-2).join('.') : '';
    const param = ITERATOR_READS[method];
    const body = req.body as Record<string, unknown> | undefined;
    const id = param && body && typeof body === 'object' ? body[param] : undefined;
    return typeof id === 'string' && this.iterators.delete(id);
  }

  /** Ends a session; its result sets die with it. */
  private endSession(session: SimSession): void {
    session.ended = true;
    for (const [id, it] of this.iterators) if (it.owner === session.id) this.iterators.delete(id);
  }

  private pxg(error: SimPxgError, status?: number): SimResponse {
    return { status: status ?? this.model().pxgErrorStatus, body: error.body() };
  }

  /** The key of the server a request is for, when it can be told. */
  private serverKeyOf(req: SimRequest, method: string): string | undefined {
    if (method === 'Session.StartSession' || method === 'login') {
      const header = req.headers['x-ksc-vserver'];
      return this.model().serverByDn(header === undefined ? '' : Buffer.from(header, 'base64').toString('utf8'))?.key;
    }
    const sessionId = req.headers['x-ksc-session'];
    if (sessionId !== undefined) return this.sessions.get(sessionId)?.serverKey;
    return this.connections.get(req.connectionId)?.serverKey;
  }

  private failureTargets(f: FailureSpec, req: SimRequest, method: string): boolean {
    if (f.vserver === undefined) return true;
    let key: string;
    try {
      key = this.model().server(f.vserver).key;
    } catch {
      return false;
    }
    return this.serverKeyOf(req, method) === key;
  }

  private takeFailure(method: string, req: SimRequest): (FailureSpec & { remaining: number }) | undefined {
    const i = this.failures.findIndex((f) => {
      if (f.remaining <= 0 || (f.method !== '*' && f.method !== method) || !this.failureTargets(f, req, method)) return false;
      if (f.toSkip > 0) {
        f.toSkip--;
        return false;
      }
      return true;
    });
    if (i === -1) return undefined;
    const failure = this.failures[i]!;
    failure.remaining--;
    if (failure.remaining <= 0) this.failures.splice(i, 1);
    return failure;
  }

  handle(req: SimRequest): SimResponse {
    if (!req.path.startsWith(API_PREFIX)) return text(404, 'Not found');
    if (req.method !== 'POST') return text(405, 'KSC Open API methods are called with POST');
    const name = req.path.slice(API_PREFIX.length);
    if (name === 'login') return this.login(req);
    // Class.Method or Instance.Class.Method (§1.1): the instance is ignored here.
    const parts = name.split('.');
    if (parts.length < 2 || parts.some((p) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p))) return text(404, 'Not found');
    const method = parts.slice(-2).join('.');
    const failure = this.takeFailure(method, req);
    if (failure?.mode === 'expire-session') {
      const session = req.headers['x-ksc-session'] !== undefined ? this.sessions.get(req.headers['x-ksc-session']) : undefined;
      if (session) this.endSession(session);
      this.connections.delete(req.connectionId);
      if (method !== 'Session.StartSession') return text(403, 'Session expired');
    } else if (failure?.mode === 'empty-page') {
      const response = this.dispatch(req, method);
      const body = response.body as Record<string, unknown> | undefined;
      if (response.status === 200 && body && typeof body === 'object') {
        if ('pChunk' in body) response.body = { pChunk: { KLCSP_ITERATOR_ARRAY: [] }, PxgRetVal: 0 };
        if ('pParamsEvents' in body) response.body = { pParamsEvents: { KLEVP_EVENT_RANGE_ARRAY: [] } };
      }
      return response;
    } else if (failure && failure.mode !== 'delay') {
      const headers: Record<string, string> = failure.retryAfter ? { 'Retry-After': failure.retryAfter } : {};
      if (failure.mode === 'http-500') return { status: 500, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers }, body: 'Internal Server Error' };
      if (failure.mode === 'http-503') return { status: 503, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers }, body: 'Service Unavailable' };
      const error = new SimPxgError(failure.code ?? PXG.INJECTED, failure.message ?? `Injected failure of ${method}`);
      return this.pxg(error, failure.mode === 'pxg-500' ? 500 : undefined);
    }
    const response = this.dispatch(req, method);
    if (failure?.mode === 'delay') response.delayMs = failure.delayMs ?? 1000;
    return response;
  }

  private authenticate(req: SimRequest): { user: FixtureUser; server: SimServer } | SimResponse {
    const credentials = parseKscBasic(req.headers.authorization);
    if (!credentials) return text(401, 'Authentication required: KSCBasic user="<b64>", pass="<b64>"');
    const model = this.model();
    const user = model.findUser(credentials.username, credentials.password, credentials.internal, credentials.domain);
    if (!user) return text(401, 'Authentication failed');
    const header = req.headers['x-ksc-vserver'];
    const dn = header === undefined ? '' : Buffer.from(header, 'base64').toString('utf8');
    const server = model.serverByDn(dn);
    // [U] how a real server answers an unknown virtual server; connectors/ksc/README.md §4 answers a PxgError.
    if (!server) return this.pxg(new SimPxgError(PXG.NOT_FOUND, `Virtual server '${dn}' not found`, 'KLSRV'));
    return { user, server };
  }

  private login(req: SimRequest): SimResponse {
    const auth = this.authenticate(req);
    if ('status' in auth) return auth;
    this.connections.set(req.connectionId, { serverKey: auth.server.key, user: auth.user });
    return { status: 200, body: {} };
  }

  private startSession(req: SimRequest): SimResponse {
    const auth = this.authenticate(req);
    if ('status' in auth) return auth;
    const now = this.model().clock();
    const id = `nst${randomId()}`;
    this.sessions.set(id, { id, serverKey: auth.server.key, user: auth.user, createdAt: now, lastUsedAt: now, ended: false });
    return { status: 200, body: { PxgRetVal: id } };
  }

  private dispatch(req: SimRequest, method: string): SimResponse {
    if (method === 'Session.StartSession') return this.startSession(req);
    const model = this.model();
    const now = model.clock();
    let owner: string;
    let serverKey: string;
    const sessionId = req.headers['x-ksc-session'];
    if (sessionId !== undefined) {
      const session = this.sessions.get(sessionId);
      // An ended, expired or unknown session: 403 ([D] §1.3 for EndSession).
      if (!session || session.ended) return text(403, 'Session is not valid');
      if (now - session.lastUsedAt > model.sessionIdleSeconds * 1000) {
        this.endSession(session);
        return text(403, 'Session expired');
      }
      session.lastUsedAt = now;
      owner = session.id;
      serverKey = session.serverKey;
      if (method === 'Session.EndSession') {
        this.endSession(session);
        return { status: 200, body: {} };
      }
    } else {
      const login = this.connections.get(req.connectionId);
      if (!login) return text(401, 'Authentication required: X-KSC-Session, or /api/v1.0/login on this connection');
      owner = `conn:${req.connectionId}`;
      serverKey = login.serverKey;
    }
    const server = model.servers.get(serverKey);
    if (!server) return this.pxg(new SimPxgError(PXG.NOT_FOUND, 'The virtual server of this session was removed', 'KLSRV'));
    const handler = this.handlers[method];
    if (!handler) return this.pxg(new SimPxgError(PXG.NO_METHOD, `Method '${method}' is not implemented`, 'KLOAPI'));
    const args = req.body === undefined ? {} : req.body;
    if (args === null || typeof args !== 'object' || Array.isArray(args)) return this.pxg(badArgument('the body must be a JSON object of parameters'));
    try {
      return { status: 200, body: handler({ model, server, owner, args: args as Record<string, unknown> }) };
    } catch (error) {
      if (error instanceof SimPxgError) return this.pxg(error);
      throw error;
    }
  }

  // ---------------------------------------------------------------- result sets

  private createIterator(ctx: Ctx, kind: SimIterator['kind'], rows: unknown[], lifetimeSec: number): string {
    const id = randomId(16);
    this.iterators.set(id, { id, kind, owner: ctx.owner, serverKey: ctx.server.key, rows, position: 0, expiresAt: ctx.model.clock() + lifetimeSec * 1000 });
    return id;
  }

  private iterator(ctx: Ctx, id: string, kind: SimIterator['kind']): SimIterator {
    const it = this.iterators.get(id);
    if (it && it.expiresAt <= ctx.model.clock()) this.iterators.delete(id);
    if (!it || it.expiresAt <= ctx.model.clock() || it.owner !== ctx.owner || it.kind !== kind) {
      throw new SimPxgError(PXG.NOT_FOUND_ITERATOR, `Object '${id}' not found (unknown or expired)`);
    }
    return it;
  }

  private release(ctx: Ctx, id: string, kind: SimIterator['kind']): Record<string, unknown> {
    this.iterator(ctx, id, kind);
    this.iterators.delete(id);
    return {};
  }

  // ---------------------------------------------------------------- methods

  private buildHandlers(): Record<string, Handler> {
    return {
      'Session.Ping': () => ({}),

      'HostGroup.GetStaticInfo': (ctx) => {
        const { model, server } = ctx;
        const values: Record<string, { type: 'str' | 'int' | 'long' | 'bool'; value: unknown }> = {
          KLADMSRV_PRODUCT_NAME: { type: 'str', value: model.info.productName },
          KLADMSRV_PRODUCT_FULL_VERSION: { type: 'str', value: model.info.version },
          KLADMSRV_PRODUCT_VERSION: { type: 'str', value: model.info.version.split('.').slice(0, 3).join('.') },
          KLADMSRV_SERVER_HOSTNAME: { type: 'str', value: model.info.hostname },
          KLADMSRV_IS_VIRTUAL: { type: 'bool', value: server.key !== '' },
          KLADMSRV_VSID: { type: 'long', value: server.id },
          KLADMSRV_VSUID: { type: 'str', value: server.key === '' ? null : server.uid },
          KLADMSRV_GRP_ROOT: { type: 'long', value: server.rootGroupId },
          KLADMSRV_GRP_UNASSIGNED: { type: 'long', value: server.unassignedGroupId },
          KLADMSRV_GRP_SUPER: { type: 'long', value: server.superGroupId },
        };
        const wanted = arg.strings(ctx.args, 'pValues');
        return { PxgRetVal: paramsBody(values, wanted) };
      },

      'HostGroup.GroupIdGroups': (ctx) => ({ PxgRetVal: ctx.server.rootGroupId }),
      'HostGroup.GroupIdUnassigned': (ctx) => ({ PxgRetVal: ctx.server.unassignedGroupId }),
      'HostGroup.GroupIdSuper': (ctx) => ({ PxgRetVal: ctx.server.superGroupId }),

      'HostGroup.GetGroupInfoEx': (ctx) => ({ PxgRetVal: this.groupInfo(ctx, arg.integer(ctx.args, 'nGroupId'), arg.strings(ctx.args, 'pArrAttributes', true)) }),
      'HostGroup.GetGroupInfo': (ctx) => ({ PxgRetVal: this.groupInfo(ctx, arg.integer(ctx.args, 'nGroupId'), []) }),

      'HostGroup.FindHosts': (ctx) => {
        const { model, server, args } = ctx;
        const filterText = arg.string(args, 'wstrFilter', '');
        const fields = arg.strings(args, 'vecFieldsToReturn');
        const order = arg.order(args, 'vecFieldsToOrder');
        const params = arg.params(args, 'pParams', true);
        const lifetime = arg.integer(args, 'lMaxLifeTime', 600);
        if (lifetime <= 0 || lifetime > MAX_LIFETIME_SEC) throw badArgument(`lMaxLifeTime must be 1–${MAX_LIFETIME_SEC} seconds, not ${lifetime}`);
        const currentOnly = member.bool(params, 'KLGRP_FIND_FROM_CUR_VS_ONLY') ?? false;
        const filter = parseFilter(filterText, model.clock());
        // The main server searches its virtual servers too unless told otherwise (§3.2 option B).
        const scope = server.key === '' && !currentOnly ? [...model.servers.values()] : [server];
        const hosts = scope.flatMap((s) => [...s.devices.values()].map((d) => ({ s, d, attrs: hostAttributes(model, s, d) })));
        // A filter naming an attribute that does not exist is refused, hosts or not.
        const known = new Set(Object.keys(hostAttributes(model, server, EMPTY_DEVICE)));
        for (const name of attributesOf(filter)) if (!known.has(name) && !SEARCH_ONLY.test(name)) throw badArgument(`wstrFilter: unknown attribute ${name}`);
        const matching = hosts.filter(({ s, d, attrs }) => evaluate(filter, (name) => (name in attrs ? attrs[name] : hostSearchAttribute(model, s, d, name))));
        matching.sort((a, b) => compareAttrs(a.attrs, b.attrs, order));
        const rows = matching.map(({ attrs }) => wrappedRecord(attrs, fields));
        return { strAccessor: this.createIterator(ctx, 'accessor', rows, lifetime), PxgRetVal: rows.length };
      },

      'ChunkAccessor.GetItemsCount': (ctx) => ({ PxgRetVal: this.iterator(ctx, arg.string(ctx.args, 'strAccessor'), 'accessor').rows.length }),
      'ChunkAccessor.GetItemsChunk': (ctx) => {
        const it = this.iterator(ctx, arg.string(ctx.args, 'strAccessor'), 'accessor');
        const start = arg.integer(ctx.args, 'nStart');
        const count = arg.integer(ctx.args, 'nCount');
        if (start < 0 || count <= 0) throw badArgument(`nStart must be ≥ 0 and nCount > 0 (got ${start}, ${count})`);
        const items = it.rows.slice(start, start + count);
        return { pChunk: { KLCSP_ITERATOR_ARRAY: items }, PxgRetVal: items.length };
      },
      'ChunkAccessor.Release': (ctx) => this.release(ctx, arg.string(ctx.args, 'strAccessor'), 'accessor'),

      'VServers.GetVServers': (ctx) => {
        const { model, server, args } = ctx;
        if (server.key !== '') throw new SimPxgError(PXG.ACCESS_DENIED, 'Virtual servers can only be listed on the main server', 'KLSRV');
        const parent = arg.integer(args, 'lParentGroup');
        const list = model.vservers().filter(() => parent === -1 || parent === 0);
        return { PxgRetVal: list.map((v) => wrappedRecord(vserverAttributes(v, v.devices.size))) };
      },
      'VServers.GetVServerInfo': (ctx) => {
        const { model, server, args } = ctx;
        if (server.key !== '') throw new SimPxgError(PXG.ACCESS_DENIED, 'Virtual servers can only be read on the main server', 'KLSRV');
        const id = arg.integer(args, 'lVServer');
        const v = model.vservers().find((s) => s.id === id);
        if (!v) throw new SimPxgError(PXG.NOT_FOUND, `Virtual server ${id} not found`, 'KLSRV');
        return { PxgRetVal: paramsBody(vserverAttributes(v, v.devices.size), arg.strings(args, 'pFields2Return', true)) };
      },

      'LicenseKeys.EnumKeys': (ctx) => {
        const { server, args } = ctx;
        const fields = arg.strings(args, 'pFields', true);
        const order = arg.order(args, 'pFieldsToOrder');
        const options = arg.params(args, 'pOptions', true);
        const timeout = arg.integer(args, 'lTimeoutSec', 0);
        const installedOnly = member.bool(options, 'KLLICSRV_ENOPT_INSTALLED_ONLY') ?? false;
        const keys = [...server.keys.values()].filter((k) => !installedOnly || k.installed).map(keyAttributes);
        keys.sort((a, b) => compareAttrs(a, b, order));
        const rows = keys.map((k) => wrappedRecord(k, fields));
        // lTimeoutSec 0 means 15 minutes (§3.4).
        return { lKeyCount: rows.length, wstrIterator: this.createIterator(ctx, 'sync', rows, timeout > 0 ? timeout : 900) };
      },
      'LicenseKeys.AcquireKeyHosts': (ctx) => {
        const { server, args } = ctx;
        const inData = arg.params(args, 'pInData');
        const serial = member.string(inData, 'KLLIC_SERIAL');
        if (!serial) throw badArgument('pInData.KLLIC_SERIAL: string expected');
        const key = server.keys.get(serial);
        if (!key) throw new SimPxgError(PXG.NOT_FOUND, `License key '${serial}' not found`, 'KLLIC');
        const fields = arg.strings(args, 'pFields', true);
        const order = arg.order(args, 'pFieldsToOrder');
        arg.params(args, 'pOptions', true);
        const timeout = arg.integer(args, 'lTimeoutSec', 0);
        // [U] options.keyHostsAcrossVServers: a key held by several virtual servers lists
        // the hosts of all of them, not only the session's own.
        const holders = ctx.model.keyHostsAcrossVServers ? [...ctx.model.servers.values()].filter((s) => s.keys.has(serial)) : [server];
        const records = holders.flatMap((holder) => {
          const k = holder.keys.get(serial)!;
          return [...k.current.map((h) => ({ h, current: true })), ...k.reserve.filter((h) => !k.current.includes(h)).map((h) => ({ h, current: false }))]
            .map(({ h, current }) => {
              const device = holder.devices.get(h);
              return device ? keyHostAttributes(holder, device, k, current) : null;
            })
            .filter((r) => r !== null);
        });
        records.sort((a, b) => compareAttrs(a, b, order));
        const rows = records.map((r) => wrappedRecord(r, fields));
        return { lKeyCount: rows.length, wstrIterator: this.createIterator(ctx, 'sync', rows, timeout > 0 ? timeout : 900) };
      },

      'GroupSyncIterator.GetNextItems': (ctx) => {
        const it = this.iterator(ctx, arg.string(ctx.args, 'szwIterator'), 'sync');
        const count = arg.integer(ctx.args, 'nCount');
        if (count <= 0) throw badArgument(`nCount must be > 0, not ${count}`);
        const items = it.rows.slice(it.position, it.position + count);
        it.position += items.length;
        // bEOF comes with the last items (the official sample reads the page, then stops).
        return { bEOF: it.position >= it.rows.length, pData: { KLCSP_ITERATOR_ARRAY: items }, PxgRetVal: items.length };
      },
      'GroupSyncIterator.ReleaseIterator': (ctx) => this.release(ctx, arg.string(ctx.args, 'szwIterator'), 'sync'),

      'EventProcessingFactory.CreateEventProcessing': (ctx) => this.createEvents(ctx, {}),
      'EventProcessingFactory.CreateEventProcessing2': (ctx) => this.createEvents(ctx, arg.params(ctx.args, 'pFilter')),

      'EventProcessing.GetRecordCount': (ctx) => ({ PxgRetVal: this.iterator(ctx, arg.string(ctx.args, 'strIteratorId'), 'events').rows.length }),
      'EventProcessing.GetRecordRange': (ctx) => {
        const it = this.iterator(ctx, arg.string(ctx.args, 'strIteratorId'), 'events');
        const start = arg.integer(ctx.args, 'nStart');
        const end = arg.integer(ctx.args, 'nEnd');
        if (start < 0 || end < start) throw badArgument(`need 0 ≤ nStart ≤ nEnd (got ${start}, ${end})`);
        if (end - start + 1 > MAX_RANGE_ROWS) throw badArgument(`at most ${MAX_RANGE_ROWS} rows per call`);
        // nEnd is inclusive (§3.5).
        return { pParamsEvents: { KLEVP_EVENT_RANGE_ARRAY: it.rows.slice(start, end + 1) } };
      },
      'EventProcessing.ReleaseIterator': (ctx) => this.release(ctx, arg.string(ctx.args, 'strIteratorId'), 'events'),
    };
  }

  private groupInfo(ctx: Ctx, groupId: number, wanted: string[]): Record<string, unknown> {
    const { model, server } = ctx;
    const group = server.groups.get(groupId);
    if (!group) throw new SimPxgError(PXG.NOT_FOUND, `Group ${groupId} not found`, 'KLGRP');
    const masks = model.effectiveMasks(server, groupId);
    const devices = [...server.devices.values()].filter((d) => model.inGroup(server, d.groupId, groupId));
    const statuses = devices.map((d) => model.statusOf(server, d).id);
    const all: Record<string, unknown> = {
      id: group.id,
      name: group.name,
      parentId: group.parentId ?? undefined,
      grp_full_name: group.name,
      hostsNum: [...server.devices.values()].filter((d) => d.groupId === groupId).length,
      KLGRP_CHLDHST_CNT: devices.length,
      KLGRP_CHLDHST_CNT_OK: statuses.filter((s) => s === 0).length,
      KLGRP_CHLDHST_CNT_CRT: statuses.filter((s) => s === 1).length,
      KLGRP_CHLDHST_CNT_WRN: statuses.filter((s) => s === 2).length,
      grp_from_unassigned: group.unassigned,
      // Unassigned devices have no status settings: the attributes are absent (NULL).
      KLSRV_HSTSTAT_CRITICAL: masks
        ? typedMember('params', { KLSRV_HSTSTAT_MASK: masks.critical | 0, KLSRV_HSTSTAT_INHERITED: group.critical === null, KLSRV_HSTSTAT_INHERITABLE: true })
        : undefined,
      KLSRV_HSTSTAT_WARNING: masks
        ? typedMember('params', { KLSRV_HSTSTAT_MASK: masks.warning | 0, KLSRV_HSTSTAT_INHERITED: group.warning === null, KLSRV_HSTSTAT_INHERITABLE: true })
        : undefined,
    };
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(all)) if (v !== undefined && (wanted.length === 0 || wanted.includes(k))) out[k] = v;
    return out;
  }

  private createEvents(ctx: Ctx, filter: Record<string, unknown>): Record<string, unknown> {
    const { model, server, args } = ctx;
    const fields = arg.strings(args, 'vecFieldsToReturn', true);
    const order = arg.order(args, 'vecFieldsToOrder');
    const lifetime = arg.integer(args, 'lifetimeSec', 600);
    if (lifetime <= 0) throw badArgument(`lifetimeSec must be > 0, not ${lifetime}`);
    const severity = member.int(filter, 'GNRL_EA_SEVERITY');
    const least = member.datetime(filter, 'KLEVP_EVENT_RISE_TIME_LEAST');
    const greatest = member.datetime(filter, 'KLEVP_EVENT_RISE_TIME_GREATEST');
    const lastDays = member.int(filter, 'KLEVP_EVENT_RISE_TIME_LAST_DAYS');
    const product = member.string(filter, 'KLEVP_EVENT_PRODUCT');
    const host = member.string(filter, 'KLEVP_EVENT_HOST');
    const type = member.string(filter, 'KLEVP_EVENT_TYPE');
    const rawTypes = filter.KLEVP_EVENT_GNRL_TYPES_ARRAY;
    if (rawTypes !== undefined && (!Array.isArray(rawTypes) || !rawTypes.every((t) => typeof t === 'string'))) throw badArgument('KLEVP_EVENT_GNRL_TYPES_ARRAY: array of strings expected');
    const types = rawTypes as string[] | undefined;
    const since = lastDays !== undefined ? model.clock() - lastDays * 86_400_000 : undefined;
    // [U] LEAST is ≥ (or > with options.riseTimeLeastExclusive) and GREATEST is ≤, at whole seconds.
    const afterLeast = (t: number) => (least === undefined ? true : model.riseTimeLeastExclusive ? t > least.getTime() : t >= least.getTime());
    const events = server.events.filter(
      (e) =>
        (severity === undefined || e.severity === severity) &&
        afterLeast(e.raisedAt.getTime()) &&
        (greatest === undefined || e.raisedAt.getTime() <= greatest.getTime()) &&
        (since === undefined || e.raisedAt.getTime() >= since) &&
        (product === undefined || e.product === product) &&
        (host === undefined || e.host === host) &&
        (type === undefined || e.type === type) &&
        (types === undefined || types.includes(e.type)),
    );
    const records = events.map((e) => eventAttributes(server, e));
    records.sort((a, b) => compareAttrs(a, b, order.length > 0 ? order : [{ name: 'event_db_id', asc: true }]));
    const rows = records.map((r) => wrappedRecord(r, fields));
    return { strIteratorId: this.createIterator(ctx, 'events', rows, lifetime) };
  }
}

/** Search-only host attributes (hostSearchAttribute), for filter validation when a server has no hosts. */
const SEARCH_ONLY = /^(KLHST_WKS_GROUPID_GP|KLHST_WKS_STATUS_MASK_\d+|KLHST_WKS_PRODUCT_NAME|KLHST_WKS_PRODUCT_VERSION|KLHST_WKS_AV_BASES_DATE)$/;

/** A placeholder host, only to learn which attribute names exist. */
const EMPTY_DEVICE: SimDevice = {
  hostname: '',
  dn: '',
  osName: '',
  ctype: 0,
  groupId: -1,
  conditions: 0,
  belowCritical: 0,
  lastVisible: null,
  online: null,
  dnsName: null,
  dnsDomain: null,
  ptype: null,
  rtpState: null,
  virusCount: null,
  uncuredCount: null,
  agentVersion: null,
  avBasesTime: null,
  lastUpdate: null,
  lastFullScan: null,
  created: new Date(0),
  product: null,
};
