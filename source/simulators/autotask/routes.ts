// The Autotask REST protocol as the simulator speaks it (connectors/autotask/README.md §1–§3 and §7; "README §n" below).
//
// URL layout on the loopback server:
//   {sim}/atservicesrest/v1.0/zoneInformation?user=…       zone discovery (also under any zone)
//   {sim}/zone{ci}/ATServicesRest/V1.0/{Entity}/…          the user's zone: the REST API
// Calls to the API outside the user's zone answer 401 (UNCONFIRMED; DJ re-runs zone
// discovery after a 401, which suggests that is what a wrong zone gives).
//
// Status choices (README §3): hourly threshold exceeded → 429 with Retry-After (seconds
// until the oldest counted request leaves the window) and {"errors":[…]}; thread limit →
// 500 {"errors":["Itgenatr005 …"]} by default (README §3.3: it may arrive with another status than
// 429; a 500 proves the client recognises the text, not just the status), or the
// status chosen with the `threadLimitStatus` option.
import type { SimHandler, SimRequest, SimResponse } from '../server.js';
import type { AutotaskFixture } from './fixture.js';
import type { Injection, Injections, RequestMeter, ThreadGate } from './limits.js';
import { AutotaskFault, parseQuery, project, type Rec } from './queryEngine.js';
import { dataTypeName, entitySpec, type EntitySpec } from './schema.js';
import type { AutotaskState } from './state.js';

export const THREAD_LIMIT_MESSAGE = 'Itgenatr005 - The Autotask API thread threshold of 3 threads has been exceeded for this endpoint. Please retry your request later.';

export interface RouterDeps {
  state: () => AutotaskState;
  fixture: () => AutotaskFixture;
  meter: RequestMeter;
  gate: ThreadGate;
  injections: Injections;
  /** Origin of the loopback server, e.g. http://127.0.0.1:4321 */
  origin: () => string;
  latency: boolean;
  threadLimitStatus: number;
  /**
   * Re-serve the last N records of each page at the start of the next one, as offset paging
   * does when records are added between page requests (UNCONFIRMED for Autotask; default 0).
   */
  pageOverlap: number;
  stats: { thresholdRejections: number; injected: number };
  /** How delays (latency, injected delays) are waited, inside the thread slot. */
  sleep: (ms: number) => Promise<void>;
}

interface PagingSession {
  entity: string;
  ids: number[];
  maxRecords: number;
  includeFields: string[] | null;
}

const errors = (status: number, ...messages: string[]): SimResponse => ({ status, body: { errors: messages } });
const ok = (body: unknown): SimResponse => ({ status: 200, body });
const notAllowed = (method: string): SimResponse => ({ status: 405, body: { Message: `The requested resource does not support http method '${method}'.` } });
const noRoute = (path: string): SimResponse => ({ status: 404, body: { Message: `No HTTP resource was found that matches the request URI '${path}'.` } });

function injectedError(injection: Injection): SimResponse {
  const status = injection.status ?? 500;
  if (injection.rawBody !== undefined) return { status, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: injection.rawBody };
  return errors(status, injection.message ?? 'An unexpected error occurred on the server.');
}

export function zoneBase(fixture: AutotaskFixture): string {
  return `/zone${fixture.zone?.ci ?? 1}/ATServicesRest/`;
}

export function createAutotaskHandler(deps: RouterDeps): SimHandler {
  const sessions = new Map<string, PagingSession>();
  let sessionCounter = 0;

  const apiRoot = () => `${deps.origin()}${zoneBase(deps.fixture())}`;

  function page(token: string, session: PagingSession, offset: number): SimResponse {
    const state = deps.state();
    const from = offset > 0 ? Math.max(0, offset - deps.pageOverlap) : 0;
    const slice = session.ids.slice(from, offset + session.maxRecords);
    // One pass over the table per page, not one per record: a 100,000-record answer stays linear per page.
    const wanted = new Set(slice);
    const byId = new Map<unknown, Rec>();
    for (const r of state.table(session.entity)) if (wanted.has(r.id as number)) byId.set(r.id, r);
    const items = slice.map((id) => byId.get(id)).filter((r): r is Rec => Boolean(r)).map((r) => project(r, session.includeFields));
    const link = (at: number) => `${apiRoot()}V1.0/${session.entity}/query/next?paging=${encodeURIComponent(`${token}.${at}`)}`;
    return ok({
      items,
      pageDetails: {
        count: items.length,
        requestCount: session.maxRecords,
        prevPageUrl: offset > 0 ? link(Math.max(0, offset - session.maxRecords)) : null,
        nextPageUrl: offset + session.maxRecords < session.ids.length ? link(offset + session.maxRecords) : null,
      },
    });
  }

  function query(entity: EntitySpec, body: unknown): SimResponse {
    const state = deps.state();
    const parsed = parseQuery(body, entity, state.udfs(entity.name).map((d) => d.name));
    const matches = state
      .table(entity.name)
      .filter(parsed.predicate)
      .map((r) => r.id as number)
      .sort((a, b) => a - b);
    // README §2.2 ([OFF] AT-ADV): with more results than one page, IncludeFields must contain id.
    if (parsed.includeFields && !parsed.includeFields.includes('id') && matches.length > parsed.maxRecords) {
      throw new AutotaskFault('IncludeFields must contain id when a query returns more than MaxRecords results');
    }
    const token = `q${++sessionCounter}`;
    sessions.set(token, { entity: entity.name, ids: matches, maxRecords: parsed.maxRecords, includeFields: parsed.includeFields });
    // Keep a bounded number of paging sessions (the real retention is UNCONFIRMED, README §2.3).
    if (sessions.size > 500) sessions.delete(sessions.keys().next().value!);
    return page(token, sessions.get(token)!, 0);
  }

  function next(entity: EntitySpec, req: SimRequest): SimResponse {
    const paging = req.query.get('paging') ?? '';
    const m = /^(q\d+)\.(\d+)$/.exec(paging);
    const session = m ? sessions.get(m[1]!) : undefined;
    if (!m || !session || session.entity !== entity.name) throw new AutotaskFault('The paging token is invalid or has expired.');
    return page(m[1]!, session, Number(m[2]));
  }

  function searchBody(req: SimRequest): unknown {
    const search = req.query.get('search');
    if (search === null) return undefined;
    try {
      return JSON.parse(search);
    } catch {
      throw new AutotaskFault('The search parameter is not valid JSON');
    }
  }

  function fieldsInfo(entity: EntitySpec): SimResponse {
    const state = deps.state();
    return ok({
      fields: entity.fields.map((f) => ({
        name: f.name,
        dataType: dataTypeName(f.type),
        length: state.lengthOf(entity, f) ?? 0,
        isRequired: f.required,
        isReadOnly: f.readOnly,
        isQueryable: f.queryable,
        isReference: f.reference !== null,
        referenceEntityType: f.reference ?? '',
        isPickList: f.picklist,
        picklistValues: f.picklist ? (state.picklist(entity.name, f.name) ?? []) : null,
        picklistParentValueField: f.parentField ?? '',
        isSupportedWebhookField: false,
      })),
    });
  }

  function udfInfo(entity: EntitySpec): SimResponse {
    return ok({
      fields: deps
        .state()
        .udfs(entity.name)
        .map((d) => ({
          name: d.name,
          label: d.label,
          type: d.type,
          length: d.length,
          description: '',
          isRequired: d.isRequired,
          isReadOnly: false,
          isQueryable: true,
          isReference: false,
          referenceEntityType: '',
          isPickList: false,
          picklistValues: null,
          picklistParentValueField: '',
          defaultValue: null,
          isSupportedWebhookField: false,
        })),
    });
  }

  function entityInfo(entity: EntitySpec): SimResponse {
    return ok({
      info: {
        name: entity.label,
        canCreate: entity.canCreate,
        canDelete: false,
        canQuery: entity.canQuery,
        canUpdate: entity.canUpdate,
        hasUserDefinedFields: entity.hasUdfs,
        supportsWebhookCallouts: false,
        userAccessForCreate: entity.canCreate ? 'All' : 'None',
        userAccessForDelete: 'None',
        userAccessForQuery: entity.canQuery ? 'All' : 'None',
        userAccessForUpdate: entity.canUpdate ? 'All' : 'None',
      },
    });
  }

  function childList(entity: string, filter: (r: Rec) => boolean): SimResponse {
    const items = deps.state().table(entity).filter(filter).sort((a, b) => Number(a.id) - Number(b.id)).map((r) => project(r, null));
    return ok({ items, pageDetails: { count: items.length, requestCount: 500, prevPageUrl: null, nextPageUrl: null } });
  }

  function route(req: SimRequest, segments: string[], resourceId: number | null): SimResponse {
    const state = deps.state();
    const method = req.method.toUpperCase();
    const lc = segments.map((s) => s.toLowerCase());
    const ctx = { resourceId };

    if (lc[0] === 'thresholdinformation' && lc.length === 1) {
      if (method !== 'GET') return notAllowed(method);
      return ok({ externalRequestThreshold: deps.meter.limit, requestThresholdTimeframe: deps.meter.timeframeMinutes, currentTimeframeRequestCount: deps.meter.used() });
    }
    const entity = entitySpec(segments[0] ?? '');
    if (!entity) return noRoute(req.path);
    const rest = lc.slice(1);
    const isId = (s: string | undefined) => s !== undefined && /^\d+$/.test(s);

    if (rest.length === 0) {
      if (method === 'POST') {
        if (entity.name === 'ContractServiceAdjustments') return ok({ itemId: state.adjust(req.body, null).id });
        if (!entity.canCreate) return notAllowed(method);
        return ok({ itemId: state.write(entity.name, req.body, 'create', ctx).id });
      }
      if (method === 'PATCH' || method === 'PUT') {
        if (!entity.canUpdate) return notAllowed(method);
        return ok({ itemId: state.write(entity.name, req.body, method === 'PATCH' ? 'patch' : 'put', ctx).id });
      }
      return notAllowed(method);
    }
    if (rest[0] === 'query') {
      if (!entity.canQuery) return noRoute(req.path);
      if (rest.length === 1) {
        if (method === 'POST') return query(entity, req.body);
        if (method === 'GET') return query(entity, searchBody(req));
        return notAllowed(method);
      }
      if (rest.length === 2 && rest[1] === 'count') {
        if (method !== 'POST' && method !== 'GET') return notAllowed(method);
        const parsed = parseQuery(method === 'POST' ? req.body : searchBody(req), entity, state.udfs(entity.name).map((d) => d.name));
        return ok({ queryCount: state.table(entity.name).filter(parsed.predicate).length });
      }
      if (rest.length === 2 && rest[1] === 'next') {
        // README §2.3 (WYRE PR #170): POST only; GET answers 405.
        if (method !== 'POST') return notAllowed(method);
        return next(entity, req);
      }
      return noRoute(req.path);
    }
    if (rest[0] === 'entityinformation') {
      if (method !== 'GET') return notAllowed(method);
      if (rest.length === 1) return entityInfo(entity);
      if (rest.length === 2 && rest[1] === 'fields') return fieldsInfo(entity);
      if (rest.length === 2 && rest[1] === 'userdefinedfields') return udfInfo(entity);
      return noRoute(req.path);
    }
    if (isId(rest[0])) {
      const id = Number(rest[0]);
      if (rest.length === 1) {
        if (method !== 'GET' || !entity.canQuery) return notAllowed(method);
        const record = state.find(entity.name, id);
        // README §3.1: an unknown id answers 200 {"item":null} (DJ, autotask-node).
        return ok({ item: record ? project(record, null) : null });
      }
      const child = rest[1];
      if (entity.name === 'Contracts' && child === 'services' && rest.length === 2) {
        if (method === 'GET') return childList('ContractServices', (r) => r.contractID === id);
        if (method === 'POST') return ok({ itemId: state.addContractService(id, req.body).id });
        if (method === 'PATCH') return ok({ itemId: state.updateContractService(id, req.body).id });
        return notAllowed(method);
      }
      if (entity.name === 'Contracts' && child === 'serviceadjustments' && rest.length === 2) {
        if (method !== 'POST') return notAllowed(method);
        return ok({ itemId: state.adjust(req.body, id).id });
      }
      if (entity.name === 'Contracts' && child === 'serviceunits' && rest.length === 2) {
        if (method !== 'GET') return notAllowed(method);
        return childList('ContractServiceUnits', (r) => r.contractID === id);
      }
      if (entity.name === 'Tickets' && child === 'notes') {
        if (rest.length === 2) {
          if (method === 'GET') return childList('TicketNotes', (r) => r.ticketID === id);
          if (method === 'POST') return ok({ itemId: state.addTicketNote(id, req.body, ctx).id });
          return notAllowed(method);
        }
        if (rest.length === 3 && isId(rest[2])) {
          if (method !== 'GET') return notAllowed(method);
          const note = state.find('TicketNotes', Number(rest[2]));
          return ok({ item: note && note.ticketID === id ? project(note, null) : null });
        }
      }
    }
    return noRoute(req.path);
  }

  /** Header auth (README §1). Null when the caller may proceed, with the resource it acts as. */
  function authenticate(req: SimRequest): { failure: SimResponse } | { resourceId: number | null } {
    const user = deps.fixture().apiUser;
    const h = req.headers;
    // UNCONFIRMED (README §7): a bad username or secret most likely answers 401.
    if ((h.username ?? '').toLowerCase() !== user.username.toLowerCase() || h.secret !== user.secret) {
      return { failure: { status: 401, body: { Message: 'Authorization has been denied for this request.' } } };
    }
    // README §1, §3.1 (APG): a wrong tracking identifier answers 500 "IntegrationCode is invalid.".
    if (h.apiintegrationcode !== user.integrationCode) return { failure: errors(500, 'IntegrationCode is invalid.') };
    const impersonate = h.impersonationresourceid;
    if (impersonate !== undefined && impersonate !== '') {
      const id = Number(impersonate);
      const resource = deps.state().find('Resources', id);
      if (!/^\d+$/.test(impersonate) || !(user.canImpersonate ?? []).includes(id) || !resource || resource.isActive === false) {
        return { failure: errors(500, 'The logged in Resource does not have the adequate permissions to impersonate this resource.') };
      }
      return { resourceId: id };
    }
    return { resourceId: user.resourceId ?? null };
  }

  return async (req: SimRequest): Promise<SimResponse> => {
    const fixture = deps.fixture();
    const method = req.method.toUpperCase();

    // Zone discovery: no auth, any zone host, exempt from limits (README §1, §3.3).
    if (/(^|\/)atservicesrest\/v1\.0\/zoneinformation\/?$/i.test(req.path)) {
      if (method !== 'GET') return notAllowed(method);
      const user = req.query.get('user') ?? '';
      if (user.toLowerCase() !== fixture.apiUser.username.toLowerCase()) return errors(500, 'Zone information could not be determined');
      const ci = fixture.zone?.ci ?? 1;
      return ok({ zoneName: fixture.zone?.zoneName ?? `Simulated Zone ${ci}`, url: apiRoot(), webUrl: `${deps.origin()}/zone${ci}/`, ci });
    }

    const base = zoneBase(fixture).toLowerCase();
    const lower = req.path.toLowerCase();
    const api = lower.startsWith(`${base}v1.0/`);
    if (!api) {
      if (/\/atservicesrest\/v1\.0\//i.test(req.path)) {
        return { status: 401, body: { errors: [`The user ${fixture.apiUser.username} does not belong to this zone; use ${apiRoot()}`] } };
      }
      return noRoute(req.path);
    }
    const segments = req.path.slice(`${base}v1.0/`.length).split('/').filter(Boolean);
    if (segments.length === 0) return noRoute(req.path);

    const auth = authenticate(req);
    if ('failure' in auth) return auth.failure;

    const endpoint = segments[0]!.toLowerCase();
    const isQuery = segments[1]?.toLowerCase() === 'query';
    // Hourly threshold. ThresholdInformation is counted but never refused (UNCONFIRMED):
    // a client must be able to learn when to come back.
    if (endpoint !== 'thresholdinformation' && deps.meter.used() >= deps.meter.limit) {
      deps.stats.thresholdRejections++;
      return {
        status: 429,
        headers: { 'Retry-After': String(deps.meter.retryAfterSeconds()) },
        body: { errors: [`The request threshold of ${deps.meter.limit} requests per ${deps.meter.timeframeMinutes} minutes has been exceeded for this database.`] },
      };
    }

    const injection = deps.injections.take(endpoint, method, ['429', 'error', 'thread-limit'], isQuery);
    if (injection) {
      deps.stats.injected++;
      if (injection.kind === '429') {
        return { status: 429, headers: { 'Retry-After': String(injection.retryAfter ?? 1) }, body: { errors: ['Too many requests. Please retry later.'] } };
      }
      if (injection.kind === 'thread-limit') return errors(injection.status ?? deps.threadLimitStatus, THREAD_LIMIT_MESSAGE);
      return injectedError(injection);
    }

    // Thread limit: the 4th concurrent request to an endpoint is refused, not queued (README §3.3).
    if (!deps.gate.tryEnter(endpoint)) return errors(deps.threadLimitStatus, THREAD_LIMIT_MESSAGE);
    try {
      // Counted: every authenticated request that got a thread slot (ThresholdInformation
      // too, README §3.2). Not counted: zone lookups, auth failures, refused and injected answers.
      deps.meter.add();
      // A delay holds the thread slot, like a slow call does on the real service.
      let delay = deps.injections.take(endpoint, method, ['delay'], isQuery)?.delayMs ?? 0;
      if (deps.latency) {
        // README §3.2: ~0.5 s per call at 50–74.99% of the threshold, ~1 s at ≥75%.
        const ratio = deps.meter.used() / Math.max(1, deps.meter.limit);
        delay += ratio >= 0.75 ? 1000 : ratio >= 0.5 ? 500 : 0;
      }
      if (delay > 0) await deps.sleep(delay);
      if (deps.injections.take(endpoint, method, ['hold'], isQuery)) await deps.injections.holdUntilReleased();
      let answer: SimResponse;
      try {
        answer = route(req, segments, auth.resourceId);
      } catch (error) {
        if (error instanceof AutotaskFault) return errors(error.status, error.message);
        throw error;
      }
      // Processed (a write applied), then answered with an error: the client cannot tell.
      const after = deps.injections.take(endpoint, method, ['error-after'], isQuery);
      if (after) {
        deps.stats.injected++;
        return injectedError(after);
      }
      return answer;
    } finally {
      deps.gate.leave(endpoint);
    }
  };
}
