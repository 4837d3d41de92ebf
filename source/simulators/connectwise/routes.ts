// The ConnectWise Manage REST 3.0 protocol as the simulator speaks it (FIXTURE.md).
//
// URL layout on the loopback server:
//   {sim}/login/companyinfo/{companyId}            site discovery, no auth
//   {sim}/{codebase}apis/3.0/{module}/{resource}…  the API (codebase "v4_6_release/" by default)
//
// Every API call: Basic auth "companyId+publicKey:privateKey" and a clientId header; the API
// member's security role (fixture apiMember.permissions) decides what it may read and write.
// Answers: lists as JSON arrays with a Link header, one record as an object, counts as
// {count}, errors as {code, message, errors}.
import type { SimHandler, SimRequest, SimResponse } from '../server.js';
import { ConditionError, compileConditions, parseOrderBy, projectFields, sortRecords, type Predicate } from './conditions.js';
import type { ConnectWiseFixture, CwAccess, CwArea } from './fixture.js';
import type { CwInjection, CwInjections } from './injections.js';
import { CwFault, type ConnectWiseState, type CwEntity, type Rec } from './state.js';

export const DEFAULT_CODEBASE = 'v4_6_release/';
export const PAGE_SIZE_DEFAULT = 25;
export const PAGE_SIZE_MAX = 1000;

/** What the simulator reports as its version (api-current-version, companyinfo, system/info). */
const VERSION = { code: 'v2025.1', number: 'v4.6.2025.1', api: '2025.1' };

export interface RouterDeps {
  state: () => ConnectWiseState;
  fixture: () => ConnectWiseFixture;
  injections: CwInjections;
  /** Origin of the loopback server, e.g. http://127.0.0.1:4321 */
  origin: () => string;
  sleep: (ms: number) => Promise<void>;
}

const fault = (status: number, code: string, message: string, errors: unknown = null): SimResponse => ({ status, body: { code, message, errors } });

/**
 * Refusals whose exact shape ConnectWise does not document, chosen once here (UNCONFIRMED;
 * FIXTURE.md › Assumptions): a missing or unregistered clientId is a 400 "BadRequest"; a call
 * outside the member's security role a 403 "Forbidden"; a bad filter or paging parameter a
 * 400 "BadRequest"; an unknown route a 404 "NotFound"; a method the route lacks a 405.
 * Wrong keys are the documented 401 "Unauthorized".
 */
export const REFUSALS = {
  clientId: (missing: boolean): SimResponse =>
    fault(400, 'BadRequest', missing ? 'The clientId header is required. Register an integration to get a clientId.' : 'The clientId is not registered for this integration.'),
  unauthorized: (): SimResponse => fault(401, 'Unauthorized', 'The API member could not be authenticated: check the company id, public key and private key.'),
  forbidden: (area: CwArea, need: CwAccess): SimResponse =>
    fault(403, 'Forbidden', `The API member's security role does not allow ${need === 'write' ? 'changing' : 'reading'} ${area}.`),
  badQuery: (message: string): SimResponse => fault(400, 'BadRequest', message),
  noRoute: (path: string): SimResponse => fault(404, 'NotFound', `No resource matches ${path}.`),
  notAllowed: (method: string, path: string): SimResponse => fault(405, 'MethodNotAllowed', `${method} is not supported on ${path}.`),
  /** A record a member has open or changed meanwhile (connectors/connectwise/README.md §3.2: 409, assumed; its code and wording too). */
  inUse: (): SimResponse => fault(409, 'Conflict', 'The record is in use by another member or was changed meanwhile. Try again later.'),
};

/** The odd body of ConnectWise's 429 (not the usual {code, message, errors}). */
export function tooManyRequests(retryAfter: number): SimResponse {
  return {
    status: 429,
    headers: { 'Retry-After': String(retryAfter) },
    body: { error: 'ConnectWiseAPI', message: `Too many requests. Please try again in ${retryAfter} seconds.` },
  };
}

function injectedError(injection: CwInjection): SimResponse {
  const status = injection.status ?? 500;
  if (injection.rawBody !== undefined) return { status, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: injection.rawBody };
  return fault(status, 'ConnectWiseApi', injection.message ?? 'An unexpected error occurred on the server.');
}

/** The area of the security role a path belongs to (segments lower-case, after apis/3.0/). */
export function areaOf(segments: string[]): CwArea | null {
  const [module, resource, , child] = segments;
  if (module === 'company' && resource === 'companies') return 'companies';
  if (module === 'finance' && resource === 'agreements') return child === 'additions' ? 'additions' : 'agreements';
  if (module === 'procurement' && resource === 'catalog') return 'catalog';
  if (module === 'service' && (resource === 'boards' || resource === 'priorities' || resource === 'sources')) return 'boards';
  if (module === 'service' && resource === 'tickets') return 'tickets';
  return null;
}

/** A list endpoint: which records, and what a POST to it does. */
interface Collection {
  entity: CwEntity;
  filter: (r: Rec) => boolean;
  create?: (body: unknown) => Rec;
}

interface Item {
  entity: CwEntity;
  record: () => Rec;
  patch?: (body: unknown) => Rec;
  put?: (body: unknown) => Rec;
  del?: () => void;
}

const isId = (s: string | undefined): boolean => s !== undefined && /^\d+$/.test(s);
const all = () => true;

export function createConnectWiseHandler(deps: RouterDeps): SimHandler {
  let requestNo = 0;
  const codebases = () => {
    const own = (deps.fixture().site?.codebase ?? DEFAULT_CODEBASE).replace(/^\/*/, '').replace(/\/*$/, '/');
    return [...new Set([own.toLowerCase(), DEFAULT_CODEBASE])];
  };

  /** The collection or item a path names; null when there is none. */
  function resolveRoute(seg: string[]): { kind: 'collection'; c: Collection; count: boolean; search: boolean } | { kind: 'item'; i: Item } | null {
    const state = deps.state();
    const collection = (c: Collection, rest: string[]) => {
      if (rest.length === 0) return { kind: 'collection' as const, c, count: false, search: false };
      if (rest.length === 1 && rest[0] === 'count') return { kind: 'collection' as const, c, count: true, search: false };
      if (rest.length === 1 && rest[0] === 'search' && c.entity === 'tickets') return { kind: 'collection' as const, c, count: false, search: true };
      if (rest.length === 1 && isId(rest[0])) {
        const id = Number(rest[0]);
        return { kind: 'item' as const, i: { entity: c.entity, record: () => state.childOf(c.entity, id, c.filter) } };
      }
      return null;
    };
    const [module, resource, a, b, c2] = seg;
    if (module === 'company' && resource === 'companies') {
      if (a === 'statuses') return collection({ entity: 'companyStatuses', filter: all }, seg.slice(3));
      if (a === 'types') return collection({ entity: 'companyTypes', filter: all }, seg.slice(3));
      if (isId(a) && seg.length === 3) {
        const id = Number(a);
        return { kind: 'item', i: { entity: 'companies', record: () => state.need('companies', id), patch: (body) => state.patchCompany(id, body) } };
      }
      return collection({ entity: 'companies', filter: all }, seg.slice(2));
    }
    if (module === 'finance' && resource === 'agreements') {
      if (a === 'types') return collection({ entity: 'agreementTypes', filter: all }, seg.slice(3));
      if (isId(a) && b === 'additions') {
        const agreementId = Number(a);
        const inAgreement = (r: Rec) => r.agreementId === agreementId;
        if (seg.length === 4 || (seg.length === 5 && c2 === 'count')) {
          state.need('agreements', agreementId);
          return collection({ entity: 'additions', filter: inAgreement, create: (body) => state.createAddition(agreementId, body) }, seg.slice(4));
        }
        if (seg.length === 5 && isId(c2)) {
          const id = Number(c2);
          return {
            kind: 'item',
            i: {
              entity: 'additions',
              record: () => {
                state.need('agreements', agreementId);
                return state.childOf('additions', id, inAgreement);
              },
              patch: (body) => state.patchAddition(agreementId, id, body),
              put: (body) => state.replaceAddition(agreementId, id, body),
              del: () => state.deleteAddition(agreementId, id),
            },
          };
        }
        return null;
      }
      return collection({ entity: 'agreements', filter: all }, seg.slice(2));
    }
    if (module === 'procurement' && resource === 'catalog') return collection({ entity: 'catalog', filter: all }, seg.slice(2));
    if (module === 'service' && resource === 'priorities') return collection({ entity: 'priorities', filter: all }, seg.slice(2));
    if (module === 'service' && resource === 'sources') return collection({ entity: 'sources', filter: all }, seg.slice(2));
    if (module === 'service' && resource === 'boards') {
      const children: Record<string, CwEntity> = { statuses: 'statuses', types: 'types', subtypes: 'subtypes', items: 'items' };
      if (isId(a) && b !== undefined && children[b]) {
        const boardId = Number(a);
        state.need('boards', boardId);
        return collection({ entity: children[b]!, filter: (r) => (r.board as Rec | null)?.id === boardId }, seg.slice(4));
      }
      return collection({ entity: 'boards', filter: all }, seg.slice(2));
    }
    if (module === 'service' && resource === 'tickets') {
      if (isId(a) && b === 'notes') {
        const ticketId = Number(a);
        state.need('tickets', ticketId);
        return collection({ entity: 'notes', filter: (r) => r.ticketId === ticketId, create: (body) => state.createNote(ticketId, body) }, seg.slice(4));
      }
      if (isId(a) && seg.length === 3) {
        const id = Number(a);
        return { kind: 'item', i: { entity: 'tickets', record: () => state.need('tickets', id), patch: (body) => state.patchTicket(id, body) } };
      }
      return collection({ entity: 'tickets', filter: all, create: (body) => state.createTicket(body) }, seg.slice(2));
    }
    return null;
  }

  /** The list parameters: from the query string, or from a POST …/search body. */
  function listParams(req: SimRequest, search: boolean): Map<string, string> {
    const params = new Map<string, string>();
    for (const [k, v] of req.query) params.set(k.toLowerCase(), v);
    if (search && typeof req.body === 'object' && req.body !== null) {
      for (const [k, v] of Object.entries(req.body as Rec)) if (v !== null && v !== undefined) params.set(k.toLowerCase(), String(v));
    }
    return params;
  }

  function filters(entity: CwEntity, params: Map<string, string>): Predicate[] {
    const state = deps.state();
    const sample = state.sample(entity);
    const out: Predicate[] = [];
    const conditions = params.get('conditions');
    if (conditions?.trim()) out.push(compileConditions(conditions, 'conditions', sample));
    const child = params.get('childconditions');
    if (child?.trim()) out.push(compileConditions(child, 'childConditions', sample));
    const custom = params.get('customfieldconditions');
    if (custom?.trim()) {
      if (!('customFields' in sample)) throw new ConditionError(`${entity} have no custom fields`);
      out.push(compileConditions(custom, 'customFieldConditions', sample));
    }
    return out;
  }

  function positiveInt(params: Map<string, string>, name: string): number | null {
    const raw = params.get(name);
    if (raw === undefined || raw === '') return null;
    if (!/^\d+$/.test(raw.trim())) throw new ConditionError(`${name} must be a whole number (got "${raw}")`);
    return Number(raw.trim());
  }

  function list(req: SimRequest, route: { c: Collection; count: boolean; search: boolean }): SimResponse {
    const state = deps.state();
    const params = listParams(req, route.search);
    const predicates = filters(route.c.entity, params);
    let records = state
      .table(route.c.entity)
      .filter(route.c.filter)
      .map((r) => state.render(route.c.entity, r))
      .filter((r) => predicates.every((p) => p(r)));
    if (route.count) return { status: 200, body: { count: records.length } };

    // pageSize: 25 by default, at most 1000; a larger one is cut to 1000 (UNCONFIRMED: cut rather than refused).
    const requested = positiveInt(params, 'pagesize');
    if (requested === 0) throw new ConditionError('pageSize must be at least 1');
    const pageSize = Math.min(requested ?? PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX);
    const fields = params.get('fields')?.split(',').map((f) => f.trim()).filter(Boolean) ?? null;
    const forwardOnly = (req.headers['pagination-type'] ?? '').toLowerCase() === 'forward-only';
    const self = new URL(`${deps.origin()}${req.path}`);
    for (const [k, v] of req.query) self.searchParams.append(k, v);
    const linkTo = (set: Record<string, string>) => {
      const u = new URL(self);
      for (const [k, v] of Object.entries(set)) {
        for (const key of [...u.searchParams.keys()]) if (key.toLowerCase() === k.toLowerCase()) u.searchParams.delete(key);
        u.searchParams.set(k, v);
      }
      return u.toString();
    };
    let page: Rec[];
    const links: string[] = [];
    if (forwardOnly) {
      // Forward-only: pageId is a condition id > pageId, results in id order, orderBy refused, page ignored.
      if (params.get('orderby')?.trim()) throw new ConditionError('orderBy cannot be used with forward-only pagination');
      const after = positiveInt(params, 'pageid') ?? 0;
      records = records.filter((r) => Number(r.id) > after).sort((x, y) => Number(x.id) - Number(y.id));
      page = records.slice(0, pageSize);
      // A next link whenever the page holds records, so the last one leads to an empty page (UNCONFIRMED when it is left out).
      if (page.length > 0) links.push(`<${linkTo({ pageId: String(page[page.length - 1]!.id), pageSize: String(pageSize) })}>; rel="next"`);
    } else {
      const orderBy = params.get('orderby');
      records = sortRecords(records, orderBy?.trim() ? parseOrderBy(orderBy, state.sample(route.c.entity)) : []);
      const pageNo = positiveInt(params, 'page') ?? 1;
      if (pageNo < 1) throw new ConditionError('page starts at 1');
      const last = Math.max(1, Math.ceil(records.length / pageSize));
      page = records.slice((pageNo - 1) * pageSize, pageNo * pageSize);
      const at = (n: number) => linkTo({ page: String(n), pageSize: String(pageSize) });
      if (pageNo > 1) {
        links.push(`<${at(1)}>; rel="first"`);
        links.push(`<${at(Math.min(pageNo - 1, last))}>; rel="prev"`);
      }
      if (pageNo < last) {
        links.push(`<${at(pageNo + 1)}>; rel="next"`);
        links.push(`<${at(last)}>; rel="last"`);
      }
    }
    const headers: Record<string, string> = {};
    if (links.length) headers.Link = links.join(', ');
    return { status: 200, headers, body: page.map((r) => projectFields(r, fields)) };
  }

  function route(req: SimRequest, seg: string[]): SimResponse {
    const method = req.method.toUpperCase();
    const state = deps.state();
    if (seg[0] === 'system' && seg[1] === 'info' && seg.length === 2) {
      if (method !== 'GET') return REFUSALS.notAllowed(method, req.path);
      const site = deps.fixture().site ?? {};
      return {
        status: 200,
        body: {
          version: site.versionNumber ?? VERSION.number,
          isCloud: site.isCloud ?? true,
          serverTimeZone: site.serverTimeZone ?? 'Eastern Standard Time',
          licenseBits: [{ name: 'Service', activeFlag: true }, { name: 'Finance', activeFlag: true }],
          cloudRegion: (site.isCloud ?? true) ? 'NA' : null,
        },
      };
    }
    const target = resolveRoute(seg);
    if (!target) return REFUSALS.noRoute(req.path);
    const fields = req.query.get('fields')?.split(',').map((f) => f.trim()).filter(Boolean) ?? null;
    if (target.kind === 'collection') {
      if (target.search) {
        if (method !== 'POST') return REFUSALS.notAllowed(method, req.path);
        return list(req, target);
      }
      if (method === 'GET') return list(req, target);
      if (method === 'POST' && !target.count && target.c.create) {
        const created = target.c.create(req.body);
        return { status: 201, body: state.render(target.c.entity, created) };
      }
      return REFUSALS.notAllowed(method, req.path);
    }
    const item = target.i;
    switch (method) {
      case 'GET':
        return { status: 200, body: projectFields(state.render(item.entity, item.record()), fields) };
      case 'PATCH':
        if (!item.patch) return REFUSALS.notAllowed(method, req.path);
        return { status: 200, body: state.render(item.entity, item.patch(req.body)) };
      case 'PUT':
        if (!item.put) return REFUSALS.notAllowed(method, req.path);
        return { status: 200, body: state.render(item.entity, item.put(req.body)) };
      case 'DELETE':
        if (!item.del) return REFUSALS.notAllowed(method, req.path);
        item.del();
        return { status: 204 };
      default:
        return REFUSALS.notAllowed(method, req.path);
    }
  }

  /** Basic "companyId+publicKey:privateKey" and the clientId header. Null when the caller may go on. */
  function authenticate(req: SimRequest): SimResponse | null {
    const member = deps.fixture().apiMember;
    const clientId = req.headers.clientid;
    if (clientId === undefined || clientId.trim() === '') return REFUSALS.clientId(true);
    if (clientId.trim().toLowerCase() !== member.clientId.toLowerCase()) return REFUSALS.clientId(false);
    const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return REFUSALS.unauthorized();
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    const password = colon < 0 ? '' : decoded.slice(colon + 1);
    const plus = user.indexOf('+');
    const company = plus < 0 ? '' : user.slice(0, plus);
    const publicKey = plus < 0 ? user : user.slice(plus + 1);
    // The company id is case-insensitive; the keys are not.
    if (company.toLowerCase() !== member.companyId.toLowerCase() || publicKey !== member.publicKey || password !== member.privateKey) return REFUSALS.unauthorized();
    return null;
  }

  function permitted(seg: string[], method: string): SimResponse | null {
    const role = deps.fixture().apiMember.permissions;
    if (!role) return null;
    const area = areaOf(seg);
    if (!area) return null;
    const need: CwAccess = method === 'GET' || (method === 'POST' && seg[seg.length - 1] === 'search') ? 'read' : 'write';
    const has = role[area] ?? 'none';
    if (has === 'write' || (has === 'read' && need === 'read')) return null;
    return REFUSALS.forbidden(area, need);
  }

  const common = (res: SimResponse): SimResponse => ({
    ...res,
    headers: { 'api-current-version': VERSION.api, 'x-server-name': 'kmsp-simulator', ...(res.headers ?? {}) },
  });

  return async (req: SimRequest): Promise<SimResponse> => {
    const method = req.method.toUpperCase();
    const fixture = deps.fixture();

    // Site discovery: no auth. An unknown company id answers 200 with nulls (UNCONFIRMED).
    const info = /^\/login\/companyinfo\/([^/]+)\/?$/i.exec(req.path);
    if (info) {
      if (method !== 'GET') return REFUSALS.notAllowed(method, req.path);
      const known = decodeURIComponent(info[1]!).toLowerCase() === fixture.apiMember.companyId.toLowerCase();
      const site = fixture.site ?? {};
      const codebase = (site.codebase ?? DEFAULT_CODEBASE).replace(/^\/*/, '').replace(/\/*$/, '/');
      return {
        status: 200,
        body: known
          ? {
              CompanyName: site.companyName ?? fixture.apiMember.companyId,
              Codebase: codebase,
              VersionCode: site.versionCode ?? VERSION.code,
              VersionNumber: site.versionNumber ?? VERSION.number,
              CompanyID: fixture.apiMember.companyId,
              // A string, as the vendor's example shows it.
              IsCloud: (site.isCloud ?? true) ? 'True' : 'False',
            }
          : { CompanyName: null, Codebase: null, VersionCode: null, VersionNumber: null, CompanyID: null, IsCloud: null },
      };
    }

    const lower = req.path.toLowerCase().replace(/^\/+/, '');
    const base = codebases().map((c) => `${c}apis/3.0/`).find((b) => lower.startsWith(b));
    if (!base) return REFUSALS.noRoute(req.path);
    const seg = lower.slice(base.length).split('/').filter(Boolean);
    if (seg.length === 0) return REFUSALS.noRoute(req.path);

    const refused = authenticate(req);
    if (refused) return common(refused);
    const forbidden = permitted(seg, method);
    if (forbidden) return common(forbidden);

    const endpoint = seg.join('/');
    const injection = deps.injections.take(endpoint, method, ['429', 'error']);
    if (injection) return common(injection.kind === '429' ? tooManyRequests(injection.retryAfter ?? 1) : injectedError(injection));
    const delay = deps.injections.take(endpoint, method, ['delay'])?.delayMs ?? 0;
    if (delay > 0) await deps.sleep(delay);
    if (deps.injections.take(endpoint, method, ['hold'])) await deps.injections.holdUntilReleased();

    let answer: SimResponse;
    try {
      answer = route(req, seg);
    } catch (error) {
      if (error instanceof CwFault) return common(fault(error.status, error.code, error.message, error.errors));
      if (error instanceof ConditionError) return common(REFUSALS.badQuery(error.message));
      throw error;
    }
    // Processed (a write applied), then answered with an error: the client cannot tell.
    const after = deps.injections.take(endpoint, method, ['error-after']);
    if (after) return common(injectedError(after));
    return common({ ...answer, headers: { ...(answer.headers ?? {}), 'x-cw-request-id': `sim-${++requestNo}` } });
  };
}
