// The Business Hub API as the simulator answers it (connectors/kbh/README.md §3): sign-in and
// renewal, the account, and the record lists, each paged, scoped to the companies the signed-in
// account may see. Errors are {"error": {"code", "message"}} (errors.ts).
import type { SimHandler, SimRequest, SimResponse } from '../server.js';
import type { KbhAuth } from './auth.js';
import { twoStepOf } from './auth.js';
import { badRequest, errorAnswer, HubError, notFound } from './errors.js';
import type { KbhUser } from './fixture.js';
import { defaultCode, type KbhInjection, type KbhInjections } from './injections.js';
import type { Pager } from './paging.js';
import type { KbhState } from './state.js';

export interface RouterDeps {
  state: () => KbhState;
  auth: () => KbhAuth;
  pager: Pager;
  injections: KbhInjections;
  sleep: (ms: number) => Promise<void>;
}

export const API_ROOT = '/api/v1/';

const ok = (body: unknown): SimResponse => ({ status: 200, body });

type Route = {
  method: 'GET' | 'POST';
  /** Segments below /api/v1/; ":id" is any one segment. */
  pattern: string;
} & (
  | { open?: false; run: (params: string[], req: SimRequest, user: KbhUser) => SimResponse }
  /** Sign-in itself needs no bearer token. */
  | { open: true; run: (params: string[], req: SimRequest) => SimResponse }
);

function match(pattern: string, seg: string[]): string[] | null {
  const parts = pattern.split('/');
  if (parts.length !== seg.length) return null;
  const params: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] === ':id') params.push(seg[i]!);
    else if (parts[i] !== seg[i]) return null;
  }
  return params;
}

function injected(i: KbhInjection): SimResponse {
  if (i.kind === '429') {
    const after = i.retryAfter ?? 1;
    return errorAnswer(429, 'rate_limited', i.message ?? `Too many requests: retry after ${after} seconds.`, { 'Retry-After': String(after) });
  }
  if (i.kind === '503') return errorAnswer(503, 'unavailable', i.message ?? 'The service is temporarily unavailable.', i.retryAfter !== undefined ? { 'Retry-After': String(i.retryAfter) } : {});
  const status = i.status ?? 500;
  if (i.rawBody !== undefined) return { status, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: i.rawBody };
  return errorAnswer(status, i.code ?? defaultCode(status), i.message ?? 'Injected failure.', i.retryAfter !== undefined ? { 'Retry-After': String(i.retryAfter) } : {});
}

export function createKbhHandler(deps: RouterDeps): SimHandler {
  const st = () => deps.state();

  /** The filters that make a list (paging tokens are bound to them). */
  const listKey = (req: SimRequest, ...filters: string[]) => [req.path, ...filters.map((f) => `${f}=${req.query.get(f) ?? ''}`)].join('|');

  const ROUTES: Route[] = [
    { method: 'POST', pattern: 'auth/token', open: true, run: (_p, req) => ok(deps.auth().token(req.body)) },
    {
      method: 'GET',
      pattern: 'account',
      run: (_p, _req, user) => ok({ email: user.email, displayName: user.displayName ?? user.email, mspName: st().fixture.msp.name, twoStepVerification: twoStepOf(user) }),
    },
    { method: 'GET', pattern: 'companies', run: (_p, req, user) => ok(page(req, st().visibleCompanies(user).map((c) => st().wireCompany(c)))) },
    {
      method: 'GET',
      pattern: 'companies/:id/workspaces',
      run: ([id], req, user) => {
        const c = st().visibleCompany(user, id!);
        return ok(page(req, st().workspacesOf(c.id).map((w) => st().wireWorkspace(w))));
      },
    },
    { method: 'GET', pattern: 'licensing/products', run: (_p, req) => ok(page(req, st().products.map((p) => st().wireProduct(p)))) },
    {
      method: 'GET',
      pattern: 'workspaces/:id/licenses',
      run: ([id], req, user) => {
        const w = st().visibleWorkspace(user, id!);
        return ok(page(req, st().licensesOf(w.id).map((l) => st().wireLicense(l))));
      },
    },
    {
      method: 'GET',
      pattern: 'workspaces/:id/devices',
      run: ([id], req, user) => {
        const w = st().visibleWorkspace(user, id!);
        if (w.product !== 'KESCloud') throw notFound(`Workspace ${w.id} is a ${w.product} workspace: only KES Cloud workspaces have devices.`);
        return ok(page(req, st().devicesOf(w.id).map((d) => st().wireDevice(d))));
      },
    },
    {
      method: 'GET',
      pattern: 'workspaces/:id/events',
      run: ([id], req, user) => {
        const w = st().visibleWorkspace(user, id!);
        const after = req.query.get('afterSequence');
        const since = req.query.get('raisedSince');
        if (after !== null && since !== null) throw badRequest('Give afterSequence or raisedSince, not both.');
        let events = st().eventsOf(w.id);
        if (after !== null) {
          if (!/^\d+$/.test(after)) throw badRequest(`afterSequence must be a whole number ≥ 0, not "${after}".`);
          events = events.filter((e) => e.sequence > Number(after));
        } else if (since !== null) {
          const at = /^\d{4}-\d{2}-\d{2}T/.test(since) ? Date.parse(since) : NaN;
          if (Number.isNaN(at)) throw badRequest(`raisedSince must be an ISO 8601 date and time, not "${since}".`);
          events = events.filter((e) => e.raisedAt >= at);
        }
        // Oldest first: in the order the hub registered them, which `sequence` counts.
        events.sort((a, b) => a.sequence - b.sequence);
        return ok(page(req, events.map((e) => st().wireEvent(e)), 'afterSequence', 'raisedSince'));
      },
    },
    {
      method: 'GET',
      pattern: 'workspaces/:id/office365/protection',
      run: ([id], _req, user) => {
        const w = st().visibleWorkspace(user, id!);
        if (w.product !== 'KSMO365') throw notFound(`Workspace ${w.id} is a ${w.product} workspace: only Office 365 workspaces have Office 365 protection.`);
        return ok(st().wireProtection(w));
      },
    },
  ];

  function page<T>(req: SimRequest, items: T[], ...filters: string[]) {
    return deps.pager.page(req, listKey(req, ...filters), items);
  }

  return async (req: SimRequest): Promise<SimResponse> => {
    const method = req.method.toUpperCase();
    if (!req.path.startsWith(API_ROOT)) return errorAnswer(404, 'not_found', `No endpoint ${req.path}: the API is under ${API_ROOT}.`);
    let seg: string[];
    try {
      seg = req.path.slice(API_ROOT.length).split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      return errorAnswer(400, 'invalid_request', 'The path is not valid percent-encoding.');
    }

    const endpoint = seg.join('/');
    const failure = deps.injections.take(endpoint, method, ['error', '429', '503']);
    if (failure) return injected(failure);
    const delay = deps.injections.take(endpoint, method, ['delay'])?.delayMs ?? 0;
    if (delay > 0) await deps.sleep(delay);

    try {
      const known = ROUTES.filter((r) => match(r.pattern, seg) !== null);
      if (known.length === 0) throw notFound(`No endpoint ${req.path}.`);
      const route = known.find((r) => r.method === method);
      if (!route) return errorAnswer(405, 'invalid_request', `${req.path} answers ${known.map((r) => r.method).join(', ')}, not ${method}.`, { Allow: known.map((r) => r.method).join(', ') });
      const params = match(route.pattern, seg)!;
      return route.open ? route.run(params, req) : route.run(params, req, deps.auth().authenticate(req.headers.authorization));
    } catch (error) {
      if (error instanceof HubError) return errorAnswer(error.status, error.code, error.message, error.headers);
      throw error;
    }
  };
}
