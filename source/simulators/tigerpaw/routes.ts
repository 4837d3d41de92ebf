// The Tigerpaw REST API (18.2.1) as the simulator speaks it (FIXTURE.md).
//
// Every call below /api/ is signed on its own (signature.ts); the API rep's rights per area
// decide what it may read and write. Paths are case-insensitive. Answers: bare objects and lists
// for GETs; {…payload…, Success, Message} for writes and searches, where Success:false with a
// Message is a business refusal (HTTP 200); 404 {"Message"} for an unknown record or route.
import type { SimHandler, SimRequest, SimResponse } from '../server.js';
import type { TigerpawFixture, TpAccess, TpArea } from './fixture.js';
import type { TpInjection, TpInjections } from './injections.js';
import { matchesAll, pageOf, pageRequest, queryPageRequest, readCriteria, SearchRefusal, simpleCriteria, type Criterion, type SearchField } from './search.js';
import { verifyTsi } from './signature.js';
import { TpNotFound, TpRefusal, type Rec, type TigerpawState } from './state.js';

export interface RouterDeps {
  state: () => TigerpawState;
  fixture: () => TigerpawFixture;
  injections: TpInjections;
  /** Origin of the loopback server, for ASP.NET's "no resource" message. */
  origin: () => string;
  sleep: (ms: number) => Promise<void>;
}

/** What the simulator reports as Tigerpaw's version. */
export const PRODUCT_VERSION = '18.2.1';

const message = (status: number, text: string): SimResponse => ({ status, body: { Message: text } });

/**
 * Answers whose exact shape Tigerpaw does not publish, chosen once here (UNCONFIRMED; FIXTURE.md ›
 * Assumptions): a bad or missing signature, an unknown key or a stale date is 401 with no body; a
 * call outside the rep's rights is 403 with ASP.NET's authorization message; an unknown record 404
 * {"Message"}; an unknown route ASP.NET's 404, a method the route lacks its 405.
 */
export const REFUSALS = {
  unauthorized: (): SimResponse => ({ status: 401 }),
  forbidden: (): SimResponse => message(403, 'Authorization has been denied for this request.'),
  notFound: (text: string): SimResponse => message(404, text),
  noRoute: (uri: string): SimResponse => message(404, `No HTTP resource was found that matches the request URI '${uri}'.`),
  notAllowed: (method: string): SimResponse => message(405, `The requested resource does not support http method '${method}'.`),
};

/** Tigerpaw publishes no rate limit; an injected 429 carries Retry-After and an ASP.NET-style message. */
export function tooManyRequests(retryAfter: number): SimResponse {
  return { status: 429, headers: { 'Retry-After': String(retryAfter) }, body: { Message: `Too many requests. Retry after ${retryAfter} seconds.` } };
}

function injectedError(injection: TpInjection): SimResponse {
  const status = injection.status ?? 500;
  if (injection.rawBody !== undefined) return { status, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: injection.rawBody };
  return message(status, injection.message ?? 'An error has occurred.');
}

/** The area of the rep's rights a path belongs to (segments lower-case, after /api/); null: any signed caller. */
export function areaOf(seg: string[]): TpArea | null {
  switch (seg[0]) {
    case 'accounts':
      return seg[2] === 'customfields' ? 'customFields' : 'accounts';
    case 'agreements':
      return 'agreements';
    case 'pricebook':
      return 'priceBook';
    case 'mastertables':
      return 'masterTables';
    case 'serviceorders':
      return 'serviceOrders';
    default:
      return null;
  }
}

const ok = (body: unknown): SimResponse => ({ status: 200, body });

/** A business refusal: HTTP 200, the route's envelope empty, Success false and the reason. */
export function businessRefusal(envelope: string | undefined, text: string): SimResponse {
  return ok({ ...(envelope ? { [envelope]: null } : {}), Success: false, Message: text });
}
const envelope = (payload: Rec): SimResponse => ok({ ...payload, Success: true, Message: '' });
const isNo = (s: string | undefined) => s !== undefined && /^\d+$/.test(s);
const flag = (v: string | null | undefined) => v !== null && v !== undefined && v.toLowerCase() === 'true';
const num = (v: unknown) => (v === null || v === undefined || v === '' ? null : Number(v));

interface Route {
  method: string;
  /** Segments; ":n" a number, "*" any one segment, a trailing "?" on the last makes it optional. */
  pattern: string;
  /** The payload key a Success:false refusal carries as null (the envelope's own). */
  envelope?: string;
  run: (p: string[], req: SimRequest) => SimResponse;
}

function compile(pattern: string): (seg: string[]) => string[] | null {
  const parts = pattern.split('/').filter(Boolean);
  const optional = parts.length > 0 && parts[parts.length - 1]!.endsWith('?');
  if (optional) parts[parts.length - 1] = parts[parts.length - 1]!.slice(0, -1);
  return (seg) => {
    if (seg.length !== parts.length && !(optional && seg.length === parts.length - 1)) return null;
    const params: string[] = [];
    for (let i = 0; i < seg.length; i++) {
      const p = parts[i]!;
      if (p === ':n') {
        if (!isNo(seg[i])) return null;
        params.push(seg[i]!);
      } else if (p === '*') params.push(seg[i]!);
      else if (p !== seg[i]) return null;
    }
    return params;
  };
}

export function createTigerpawHandler(deps: RouterDeps): SimHandler {
  const st = () => deps.state();

  // ------------------------------------------------------------ search fields per entity

  const account = (a: Rec) => a.Account as Rec;
  const ACCOUNT_FIELDS: Record<string, SearchField<Rec>> = {
    AccountName: { values: (a) => [account(a).Name as string] },
    AccountNameSoundsLike: { values: (a) => [account(a).Name as string] },
    AccountNumber: { values: (a) => [a.AccountNumber as number], kind: 'number' },
    AccountId: { values: (a) => [account(a).AccountId as string] },
    ExternalId: { values: (a) => st().crossRefs(Number(a.AccountNumber)).map((x) => x.ExternalId as string) },
    ExternalProduct: { values: (a) => st().crossRefs(Number(a.AccountNumber)).map((x) => st().renderCrossRef(x).ExternalProduct as string) },
    AccountType: { values: (a) => [account(a).AccountType as string] },
    AccountStatus: { values: (a) => [account(a).Status as string] },
    Address: { values: (a) => [account(a).Address1 as string, account(a).Address2 as string] },
    PostalCode: { values: (a) => [account(a).PostalCode as string] },
    PhoneNumber: { values: (a) => [a.PhoneNumber as string] },
    Email: { values: (a) => [a.PrimaryContactEmailAddress as string] },
    ContactName: { values: (a) => [a.PrimaryContactName as string] },
    Agreement: {
      values: (a) => st().table('agreements').filter((g) => Number((g.Agreement as Rec).AccountNumber) === Number(a.AccountNumber)).map((g) => g.AgreementNumber as number),
      kind: 'number',
    },
    CustomField: {
      values: (a, c: Criterion) => {
        const field = st().accountCustomFields(Number(a.AccountNumber)).find((f) => String(f.Label).toLowerCase() === String(c.CustomFieldName ?? '').toLowerCase());
        return [field?.Value as string | null | undefined];
      },
    },
  };
  const agreement = (g: Rec) => g.Agreement as Rec;
  const AGREEMENT_FIELDS: Record<string, SearchField<Rec>> = {
    AgreementNumber: { values: (g) => [g.AgreementNumber as number], kind: 'number' },
    AgreementType: { values: (g) => [agreement(g).Type as string] },
    ContractNumber: { values: (g) => [agreement(g).ContractNumber as number], kind: 'number' },
    StartDate: { values: (g) => [agreement(g).StartDate as string], kind: 'date' },
    EndDate: { values: (g) => [agreement(g).EndDate as string], kind: 'date' },
    ExternalProduct: { values: (g) => [agreement(g).ExternalProduct as string] },
    // Not in Tigerpaw's list: the simulator's own, so a client can narrow to one account (UNCONFIRMED).
    AccountNumber: { values: (g) => [agreement(g).AccountNumber as number], kind: 'number' },
  };
  const item = (i: Rec) => (i.Item as Rec | undefined) ?? {};
  const PRICEBOOK_FIELDS: Record<string, SearchField<Rec>> = {
    ItemId: { values: (i) => [i.ItemId as string] },
    ItemDescription: { values: (i) => [item(i).ItemDescription as string] },
    Category: { values: (i) => [item(i).ItemCategory as string] },
    Type: { values: (i) => [item(i).Type as string] },
    MfgPartNumber: { values: (i) => [item(i).ManufacturerPartNumber as string] },
    OurPartNumber: { values: (i) => [item(i).PartNumber as string] },
    UPC: { values: (i) => [item(i).UPC as string] },
  };
  const order = (o: Rec) => o.ServiceOrder as Rec;
  const ORDER_FIELDS: Record<string, SearchField<Rec>> = {
    ServiceOrderNumber: { values: (o) => [o.ServiceOrderNumber as number], kind: 'number' },
    Reference: { values: (o) => [order(o).Reference as string] },
    AccountNumber: { values: (o) => [order(o).AccountNumber as number], kind: 'number' },
    Status: { values: (o) => [order(o).Status as string] },
    Type: { values: (o) => [order(o).ServiceOrderType as string] },
    CustomerPurchaseOrder: { values: (o) => [order(o).CustomerPurchaseOrder as string] },
  };

  /** The simple searches: path segment(s) after …/search/ → the advanced SearchType they stand for. */
  const SIMPLE: Record<string, Record<string, string>> = {
    accounts: {
      name: 'AccountName',
      'name/soundslike': 'AccountNameSoundsLike',
      accountnumber: 'AccountNumber',
      accountid: 'AccountId',
      externalid: 'ExternalId',
      agreement: 'Agreement',
      accountstatus: 'AccountStatus',
      accounttype: 'AccountType',
      email: 'Email',
      phone: 'PhoneNumber',
      postalcode: 'PostalCode',
      address: 'Address',
      'contact/name': 'ContactName',
    },
    agreements: {
      agreementnumber: 'AgreementNumber',
      agreementtype: 'AgreementType',
      contractnumber: 'ContractNumber',
      externalproduct: 'ExternalProduct',
      startdate: 'StartDate',
      enddate: 'EndDate',
    },
    pricebook: {
      itemid: 'ItemId',
      itemdescription: 'ItemDescription',
      category: 'Category',
      type: 'Type',
      mfgpartnumber: 'MfgPartNumber',
      ourpartnumber: 'OurPartNumber',
      upc: 'UPC',
    },
    serviceorders: {
      reference: 'Reference',
      serviceordernumber: 'ServiceOrderNumber',
      customerpurchaseorder: 'CustomerPurchaseOrder',
    },
  };

  interface Searchable {
    list: string;
    rows: () => Rec[];
    fields: Record<string, SearchField<Rec>>;
    render: (r: Rec) => Rec;
  }
  const SEARCHABLE: Record<string, Searchable> = {
    accounts: { list: 'Accounts', rows: () => st().table('accounts'), fields: ACCOUNT_FIELDS, render: (a) => st().renderAccount(a) },
    agreements: { list: 'Agreements', rows: () => st().table('agreements'), fields: AGREEMENT_FIELDS, render: (g) => st().renderAgreement(g) },
    pricebook: { list: 'PriceBookItems', rows: () => st().table('priceBookItems'), fields: PRICEBOOK_FIELDS, render: (i) => st().renderItemSummary(i) },
    serviceorders: { list: 'ServiceOrders', rows: () => st().table('serviceOrders'), fields: ORDER_FIELDS, render: (o) => st().renderOrderSummary(o) },
  };

  function byKey(rows: Rec[], key: string): Rec[] {
    return [...rows].sort((a, b) => Number(a[key]) - Number(b[key]));
  }
  const SORT_KEY: Record<string, string> = { accounts: 'AccountNumber', agreements: 'AgreementNumber', pricebook: 'PriceBookItemNumber', serviceorders: 'ServiceOrderNumber' };

  function advanced(entity: string, req: SimRequest): SimResponse {
    const s = SEARCHABLE[entity]!;
    const criteria = readCriteria(req.body, s.fields as Record<string, SearchField<never>>);
    const b = (req.body ?? {}) as Rec;
    const page = pageRequest(b.PageSize, b.StartRow);
    const rows = byKey(s.rows(), SORT_KEY[entity]!).filter((r) => matchesAll(r, criteria, s.fields));
    return ok(pageOf(s.list, rows.map(s.render), page));
  }

  function simple(entity: string, field: string, req: SimRequest, extra: (r: Rec) => boolean = () => true): SimResponse {
    const s = SEARCHABLE[entity]!;
    const searchType = SIMPLE[entity]![field];
    if (!searchType) return REFUSALS.noRoute(`${deps.origin()}${req.path}`);
    const criteria: Criterion[] = [{ SearchType: searchType, MatchType: 'StartsWith', Criteria: simpleCriteria(req.body) }];
    const rows = byKey(s.rows(), SORT_KEY[entity]!).filter((r) => extra(r) && matchesAll(r, criteria, s.fields));
    return ok(pageOf(s.list, rows.map(s.render), queryPageRequest(req)));
  }

  // ------------------------------------------------------------ the routes

  const masterList = (rows: () => Rec[]) => (p: string[]) => {
    const excludeSystem = p[0] !== undefined && flag(p[0]);
    return ok(rows().filter((r) => !(excludeSystem && (r.SystemEntry === true || r.IsSystemEntry === true))));
  };

  const ROUTES = ([
    // diagnostics
    { method: 'GET', pattern: 'diagnostics/validate/user', run: () => ok({ Success: true, Message: `Rep ${st().repName(st().apiRep())} is a valid API user.` }) },
    {
      method: 'GET',
      pattern: 'diagnostics/productinformation',
      run: () => ok({ HasValidLicense: true, IsUsingNamedUserLicense: false, IsTigerpawOne: false, IsArchivedDatabase: false, DatabaseVersion: PRODUCT_VERSION, ...(deps.fixture().product ?? {}) }),
    },
    { method: 'GET', pattern: 'diagnostics/database/version', run: () => ok(String(deps.fixture().product?.DatabaseVersion ?? PRODUCT_VERSION)) },

    // accounts
    { method: 'POST', pattern: 'accounts/search', envelope: 'Accounts', run: (_p, req) => advanced('accounts', req) },
    { method: 'POST', pattern: 'accounts/search/*', envelope: 'Accounts', run: (p, req) => simple('accounts', p[0]!, req) },
    { method: 'POST', pattern: 'accounts/search/*/*', envelope: 'Accounts', run: (p, req) => simple('accounts', `${p[0]}/${p[1]}`, req) },
    { method: 'GET', pattern: 'accounts/:n', run: (p) => ok(st().renderAccount(st().needAccount(Number(p[0])))) },
    { method: 'GET', pattern: 'accounts/:n/customfields', run: (p) => ok(st().accountCustomFields(Number(p[0]))) },
    { method: 'PUT', pattern: 'accounts/:n/customfields', envelope: 'Fields', run: (p, req) => envelope({ Fields: st().putAccountCustomFields(Number(p[0]), req.body) }) },
    { method: 'GET', pattern: 'accounts/:n/service/externalproducts', run: (p) => ok(st().crossRefs(Number(p[0])).map((x) => st().renderCrossRef(x))) },
    {
      method: 'GET',
      pattern: 'accounts/:n/service/externalproducts/:n',
      run: (p) => {
        const hit = st().crossRefs(Number(p[0])).find((x) => Number(x.AccountExternalProductId) === Number(p[1]));
        if (!hit) throw new TpNotFound(`Account external product ${p[1]} was not found on account ${p[0]}.`);
        return ok(st().renderCrossRef(hit));
      },
    },
    {
      method: 'POST',
      pattern: 'accounts/:n/service/externalproducts',
      envelope: 'ExternalProduct',
      run: (p, req) => envelope({ ExternalProduct: st().renderCrossRef(st().addCrossRef(Number(p[0]), req.body)) }),
    },
    {
      method: 'DELETE',
      pattern: 'accounts/:n/service/externalproducts',
      run: (p, req) => {
        const id = num(req.query.get('id') ?? req.query.get('Id'));
        if (id === null || !Number.isInteger(id)) throw new TpRefusal('The account external product id is required (?id=).');
        st().removeCrossRef(Number(p[0]), id);
        return envelope({});
      },
    },

    // agreements
    { method: 'POST', pattern: 'agreements/search', envelope: 'Agreements', run: (_p, req) => advanced('agreements', req) },
    { method: 'POST', pattern: 'agreements/search/*', envelope: 'Agreements', run: (p, req) => simple('agreements', p[0]!, req) },
    {
      method: 'GET',
      pattern: 'agreements/account/:n/*?',
      envelope: 'Agreements',
      run: (p, req) => {
        st().needAccount(Number(p[0]));
        // activeOnly from the path or the query; left out: every agreement (UNCONFIRMED default).
        const activeOnly = flag(p[1] ?? req.query.get('activeOnly') ?? req.query.get('activeonly'));
        const rows = byKey(st().table('agreements'), 'AgreementNumber').filter(
          (g) => Number((g.Agreement as Rec).AccountNumber) === Number(p[0]) && (!activeOnly || st().agreementActive(g)),
        );
        return ok(pageOf('Agreements', rows.map((g) => st().renderAgreement(g)), queryPageRequest(req)));
      },
    },
    { method: 'GET', pattern: 'agreements/:n', run: (p) => ok(st().renderAgreement(st().needAgreement(Number(p[0])))) },
    { method: 'GET', pattern: 'agreements/:n/details', run: (p) => ok(st().renderAgreementDetail(st().needAgreement(Number(p[0])))) },
    { method: 'GET', pattern: 'agreements/:n/additionalcharges', run: (p) => ok(st().charges(Number(p[0])).map((c) => st().renderCharge(c))) },
    { method: 'GET', pattern: 'agreements/:n/additionalcharges/:n', run: (p) => ok(st().renderCharge(st().needCharge(Number(p[0]), Number(p[1])))) },
    {
      method: 'POST',
      pattern: 'agreements/:n/additionalcharges',
      envelope: 'AdditionalCharge',
      run: (p, req) => envelope({ AdditionalCharge: st().renderCharge(st().createCharge(Number(p[0]), req.body)) }),
    },
    {
      method: 'PUT',
      pattern: 'agreements/:n/additionalcharges/:n',
      envelope: 'AdditionalCharge',
      run: (p, req) => envelope({ AdditionalCharge: st().renderCharge(st().updateCharge(Number(p[0]), Number(p[1]), req.body)) }),
    },
    {
      method: 'DELETE',
      pattern: 'agreements/:n/additionalcharges/:n',
      run: (p) => {
        st().deleteCharge(Number(p[0]), Number(p[1]));
        return envelope({});
      },
    },

    // price book
    { method: 'POST', pattern: 'pricebook/items/search', envelope: 'PriceBookItems', run: (_p, req) => advanced('pricebook', req) },
    {
      method: 'POST',
      pattern: 'pricebook/items/search/*/*?',
      envelope: 'PriceBookItems',
      run: (p, req) => simple('pricebook', p[0]!, req, (i) => !(p[0] === 'itemid' && flag(p[1]) && (i.Item as Rec | undefined)?.Inactive === true)),
    },
    { method: 'GET', pattern: 'pricebook/items/:n', run: (p) => ok(st().renderItemSummary(st().needPriceBookItem(Number(p[0])))) },
    { method: 'GET', pattern: 'pricebook/items/:n/details', run: (p) => ok(st().renderItemDetail(st().needPriceBookItem(Number(p[0])))) },

    // master tables
    { method: 'GET', pattern: 'mastertables/pricelevels', run: () => ok(st().table('priceLevels')) },
    { method: 'GET', pattern: 'mastertables/externalproducts/*?', run: masterList(() => st().table('externalProducts')) },
    { method: 'GET', pattern: 'mastertables/serviceorders/statuses/*?', run: masterList(() => st().table('statuses')) },
    { method: 'GET', pattern: 'mastertables/priorities', run: () => ok(st().table('priorities')) },
    { method: 'GET', pattern: 'mastertables/serviceorders/types/*?', run: masterList(() => st().table('types')) },
    { method: 'GET', pattern: 'mastertables/dispatchboards', run: () => ok(st().table('dispatchBoards')) },
    {
      method: 'GET',
      pattern: 'mastertables/reps/*?',
      run: (p) => ok(st().table('reps').map((r) => st().renderRep(r)).filter((r) => !(p[0] !== undefined && flag(p[0]) && r.Inactive === true))),
    },
    { method: 'GET', pattern: 'mastertables/accounts/types/*?', run: masterList(() => st().table('accountTypes')) },
    { method: 'GET', pattern: 'mastertables/accounts/statuses', run: masterList(() => st().table('accountStatuses')) },
    { method: 'GET', pattern: 'mastertables/account/statuses/*', run: masterList(() => st().table('accountStatuses')) },

    // service orders
    { method: 'POST', pattern: 'serviceorders', envelope: 'ServiceOrderSummary', run: (_p, req) => envelope({ ServiceOrderSummary: st().renderOrderSummary(st().createOrder(req.body)) }) },
    { method: 'POST', pattern: 'serviceorders/search', envelope: 'ServiceOrders', run: (_p, req) => advanced('serviceorders', req) },
    { method: 'POST', pattern: 'serviceorders/search/*', envelope: 'ServiceOrders', run: (p, req) => simple('serviceorders', p[0]!, req) },
    {
      method: 'GET',
      pattern: 'serviceorders/account/:n/*?',
      envelope: 'ServiceOrders',
      run: (p, req) => {
        st().needAccount(Number(p[0]));
        const rows = byKey(st().table('serviceOrders'), 'ServiceOrderNumber').filter((o) => Number((o.ServiceOrder as Rec).AccountNumber) === Number(p[0]));
        return ok(pageOf('ServiceOrders', rows.map((o) => st().renderOrderSummary(o)), queryPageRequest(req)));
      },
    },
    { method: 'GET', pattern: 'serviceorders/:n', run: (p) => ok(st().renderOrderSummary(st().needOrder(Number(p[0])))) },
    {
      method: 'PUT',
      pattern: 'serviceorders/:n',
      envelope: 'ServiceOrderSummary',
      run: (p, req) => envelope({ ServiceOrderSummary: st().renderOrderSummary(st().updateOrder(Number(p[0]), req.body)) }),
    },
    { method: 'GET', pattern: 'serviceorders/:n/details', run: (p) => ok(st().renderOrderDetail(st().needOrder(Number(p[0])))) },
    {
      method: 'GET',
      pattern: 'serviceorders/:n/notes',
      envelope: 'Notes',
      run: (p, req) => ok(pageOf('Notes', st().notesOf(Number(p[0])).map((n) => st().renderNote(n)), queryPageRequest(req))),
    },
    { method: 'POST', pattern: 'serviceorders/:n/notes', envelope: 'Note', run: (p, req) => envelope({ Note: st().renderNote(st().addNote(Number(p[0]), req.body)) }) },
  ] as Route[]).map((r) => ({ ...r, match: compile(r.pattern) }));

  function find(seg: string[], method: string): { route: Route; params: string[] } | 'method' | null {
    let pathKnown = false;
    for (const r of ROUTES) {
      const params = r.match(seg);
      if (!params) continue;
      pathKnown = true;
      if (r.method === method) return { route: r, params };
    }
    return pathKnown ? 'method' : null;
  }

  function authenticate(req: SimRequest): SimResponse | null {
    const rep = deps.fixture().apiRep;
    return verifyTsi(req, rep, deps.state().now()) === 'ok' ? null : REFUSALS.unauthorized();
  }

  function permitted(seg: string[], method: string): SimResponse | null {
    const rights = deps.fixture().apiRep.rights;
    if (!rights) return null;
    const area = areaOf(seg);
    if (!area) return null;
    const need: TpAccess = method === 'GET' || (method === 'POST' && seg.includes('search')) ? 'read' : 'write';
    const has = rights[area] ?? 'none';
    return has === 'write' || (has === 'read' && need === 'read') ? null : REFUSALS.forbidden();
  }

  return async (req: SimRequest): Promise<SimResponse> => {
    const method = req.method.toUpperCase();
    const lower = req.path.toLowerCase();
    if (!lower.startsWith('/api/')) return REFUSALS.noRoute(`${deps.origin()}${req.path}`);
    const seg = lower.slice('/api/'.length).split('/').filter(Boolean);

    const refused = authenticate(req);
    if (refused) return refused;
    const target = find(seg, method);
    if (target === null) return REFUSALS.noRoute(`${deps.origin()}${req.path}`);
    if (target === 'method') return REFUSALS.notAllowed(method);
    const forbidden = permitted(seg, method);
    if (forbidden) return forbidden;

    const endpoint = seg.join('/');
    const injection = deps.injections.take(endpoint, method, ['429', 'error']);
    if (injection) return injection.kind === '429' ? tooManyRequests(injection.retryAfter ?? 1) : injectedError(injection);
    const delay = deps.injections.take(endpoint, method, ['delay'])?.delayMs ?? 0;
    if (delay > 0) await deps.sleep(delay);
    if (deps.injections.take(endpoint, method, ['hold'])) await deps.injections.holdUntilReleased();

    let answer: SimResponse;
    try {
      answer = target.route.run(target.params, req);
    } catch (error) {
      if (error instanceof TpNotFound) return REFUSALS.notFound(error.message);
      if (error instanceof TpRefusal || error instanceof SearchRefusal) {
        return businessRefusal(target.route.envelope, error.message);
      }
      throw error;
    }
    // Processed (a write applied), then answered with an error: the client cannot tell.
    const after = deps.injections.take(endpoint, method, ['error-after']);
    if (after) return injectedError(after);
    return answer;
  };
}
