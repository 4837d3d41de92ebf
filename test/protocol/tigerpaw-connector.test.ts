// The Tigerpaw connector against the Tigerpaw simulator over loopback HTTP: every method of the
// Psa port, what it sends and what it makes of the answers — paging, Success:false refusals,
// 401 (keys and clock), 403, 429 with a re-signed retry, unknown outcomes and a locked order.
// Both clocks are fixed: the simulator checks each signature's date against its own.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTigerpawPsa, type TigerpawPsa } from '../../source/connectors/tigerpaw/index.js';
import type { TigerpawConnection } from '../../source/domain/config.js';
import { isKmspError, type KmspError } from '../../source/domain/errors.js';
import type { NewTicket, UsagePosting } from '../../source/domain/types.js';
import { startSimServer } from '../../source/simulators/server.js';
import { startTigerpawSimulator, type TigerpawFixture, type TigerpawSimulator } from '../../source/simulators/tigerpaw/index.js';
import { readAuthorization, tsiSignature } from '../../source/connectors/tigerpaw/signature.js';

const NOW = new Date('2026-06-15T10:00:00Z');
const TODAY = '2026-06-15';
const KEYS = { publicKey: 'pub-0f3c-kmsp-test', privateKey: 'priv-7a21-kmsp-test' };

const FIXTURE: TigerpawFixture = {
  apiRep: { repNumber: 9, ...KEYS, externalProduct: 'Kaspersky Security' },
  reps: [
    { RepNumber: 9, FirstName: 'Api', LastName: 'User', DisplayName: 'kmsp API' },
    { RepNumber: 12, FirstName: 'Jane', LastName: 'Smith', DisplayName: 'Jane Smith' },
    { RepNumber: 13, FirstName: 'Old', LastName: 'Rep', Inactive: true },
  ],
  accountTypes: ['Customer', 'Prospect'],
  customFields: [{ Label: 'Kaspersky Tenant' }, { Label: 'Notes' }],
  accounts: [
    { AccountNumber: 1001, Account: { Name: 'Acme Ltd', AccountId: 'ACME', AccountType: 'Customer', Status: 'Active' }, CustomFields: { 'Kaspersky Tenant': 'Acme VS' } },
    { AccountNumber: 1002, Account: { Name: 'Globex', AccountId: 'GLOBEX', AccountType: 'Customer', Status: 'Active' } },
    { AccountNumber: 1003, Account: { Name: 'Initech', AccountId: 'INITECH', AccountType: 'Prospect', Status: 'Inactive' } },
  ],
  externalProducts: [{ Product: 'Kaspersky Security' }, { Product: 'Other RMM' }, { Product: 'Retired RMM', Active: false }],
  accountExternalProducts: [
    { AccountNumber: 1001, ExternalProduct: 'Kaspersky Security', ExternalId: 'vs-acme' },
    { AccountNumber: 1002, ExternalProduct: 'Other RMM', ExternalId: 'globex-1' },
  ],
  priceLevels: [
    { PriceLevelId: 1, Description: 'Retail' },
    { PriceLevelId: 2, Description: 'Preferred' },
  ],
  priceBookItems: [
    { PriceBookItemNumber: 1, ItemId: 'KES-WS', Item: { ItemDescription: 'Endpoint Security, workstation' }, Pricing: [{ PriceLevel: 1, SellingPrice: 3 }, { PriceLevel: 2, SellingPrice: 2.5 }] },
    { PriceBookItemNumber: 2, ItemId: 'KES-SRV', Item: { ItemDescription: 'Endpoint Security, server' }, Pricing: [{ PriceLevel: 1, SellingPrice: 9 }, { PriceLevel: 2, SellingPrice: 8 }] },
    { PriceBookItemNumber: 3, ItemId: 'OLD', Item: { ItemDescription: 'Retired item', Inactive: true }, Pricing: [{ PriceLevel: 1, SellingPrice: 1 }] },
  ],
  agreements: [
    { AgreementNumber: 501, Agreement: { AccountNumber: 1001, ExternalProduct: 'Kaspersky Security', Type: 'MSP', StartDate: '2026-01-01T00:00:00Z', EndDate: null } },
    { AgreementNumber: 502, Agreement: { AccountNumber: 1002, ExternalProduct: 'Other RMM', Type: 'MSP', StartDate: '2025-01-01T00:00:00Z', EndDate: '2025-12-31T00:00:00Z' } },
    { AgreementNumber: 503, Agreement: { AccountNumber: 1002, ExternalProduct: 'Other RMM', Type: 'Support', StartDate: '2026-02-01T00:00:00Z', EndDate: null } },
  ],
  additionalCharges: [{ AgreementNumber: 501, DetailId: 1, SpecialItemId: 'KES-WS', Quantity: 10, PriceLevel: 1 }],
  statuses: [
    { Status: 'New', TicketChange: 'Open', SystemDefault: true, Rank: 1 },
    { Status: 'In Progress', TicketChange: 'None', Rank: 2 },
    { Status: 'Closed', TicketChange: 'Close', Rank: 9 },
  ],
  priorities: [
    { Priority: 'Medium', Rank: 3, SystemDefault: true },
    { Priority: 'Critical', Rank: 1 },
  ],
  types: [{ Type: 'Monitoring' }, { Type: 'Request', SystemDefault: true }],
  dispatchBoards: [
    { DispatchBoardId: 1, Description: 'Monitoring Alert' },
    { DispatchBoardId: 2, Description: 'Service' },
  ],
};

let sim: TigerpawSimulator;
let psa: TigerpawPsa;

function connection(extra: Partial<TigerpawConnection> = {}): TigerpawConnection {
  return { kind: 'tigerpaw', apiUrl: sim.apiUrl, publicKey: sim.publicKey, externalProduct: 'Kaspersky Security', tenantNameField: 'Kaspersky Tenant', caFile: null, ...extra };
}

function connect(options: { connection?: Partial<TigerpawConnection>; privateKey?: string; now?: () => Date } = {}): TigerpawPsa {
  return createTigerpawPsa({
    connection: connection(options.connection),
    privateKey: options.privateKey ?? sim.privateKey,
    now: options.now ?? (() => NOW),
    httpOptions: { sleep: async () => {}, random: () => 0, retries: 2 },
  });
}

async function startSim(fixture: TigerpawFixture = FIXTURE): Promise<TigerpawSimulator> {
  return startTigerpawSimulator({ fixture, now: () => NOW, sleep: async () => {} });
}

async function failure(promise: Promise<unknown>): Promise<KmspError> {
  try {
    await promise;
  } catch (error) {
    if (isKmspError(error)) return error;
    throw error;
  }
  throw new Error('expected a KmspError');
}

const calls = () => sim.requests.map((r) => `${r.method} ${r.path}`);
const writes = () => sim.requests.filter((r) => r.method !== 'GET' && !r.path.toLowerCase().includes('/search'));
const charge = (detailId: number) => sim.state.additionalCharges.find((c) => Number(c.DetailId) === detailId);

beforeAll(async () => {
  sim = await startSim();
  psa = connect();
});

beforeEach(() => {
  sim.reset();
  sim.clearRequests();
});

afterAll(async () => {
  await psa.close();
  await sim.close();
});

describe('verify and authentication', () => {
  it('validates the API rep and reads the product information', async () => {
    const identity = await psa.verify();
    expect(identity).toEqual({ kind: 'tigerpaw', description: `Tigerpaw (database 18.2.1) at ${sim.apiUrl}, External Product "Kaspersky Security"` });
    expect(calls()).toEqual(['GET /api/diagnostics/validate/user', 'GET /api/diagnostics/productInformation']);
  });

  it('a wrong private key is a 401 whose remedy names the keys and the clock, without the key', async () => {
    const wrong = connect({ privateKey: 'not-the-private-key' });
    const error = await failure(wrong.verify());
    expect(error).toMatchObject({ kind: 'auth', code: 401 });
    expect(error.remedy).toContain('REST API Security');
    expect(error.remedy).toContain('clock');
    expect(error.oneLine()).not.toContain('not-the-private-key');
    await wrong.close();
  });

  it('a clock ten minutes off is refused like a wrong key', async () => {
    const late = connect({ now: () => new Date(NOW.getTime() + 10 * 60_000) });
    expect(await failure(late.listAccountTypes())).toMatchObject({ kind: 'auth', code: 401 });
    await late.close();
  });

  it('a wrong API URL path reads as a configuration problem, not a missing record', async () => {
    const elsewhere = connect({ connection: { apiUrl: `${sim.apiUrl}/tigerpaw` } });
    expect(await failure(elsewhere.getTicket('1'))).toMatchObject({ kind: 'config', code: 404 });
    await elsewhere.close();
  });
});

describe('accounts', () => {
  it('lists every account with its custom fields, activity and type', async () => {
    const accounts = await psa.listAccounts();
    expect(accounts).toEqual([
      { id: '1001', name: 'Acme Ltd', active: true, type: 'Customer', customFields: { 'Kaspersky Tenant': 'Acme VS', Notes: null } },
      { id: '1002', name: 'Globex', active: true, type: 'Customer', customFields: { 'Kaspersky Tenant': null, Notes: null } },
      { id: '1003', name: 'Initech', active: false, type: 'Prospect', customFields: { 'Kaspersky Tenant': null, Notes: null } },
    ]);
    expect(calls()[0]).toBe('POST /api/accounts/search');
    expect(calls().filter((c) => c.endsWith('/customfields'))).toHaveLength(3);
  });

  it('reads custom fields only of the accounts asked for: a request each, so a ticket pass asks for none', async () => {
    const some = await psa.listAccounts({ customFieldsOf: ['1001'] });
    expect(some.map((a) => [a.id, a.customFields])).toEqual([
      ['1001', { 'Kaspersky Tenant': 'Acme VS', Notes: null }],
      ['1002', {}],
      ['1003', {}],
    ]);
    expect(calls().filter((c) => c.endsWith('/customfields'))).toEqual(['GET /api/accounts/1001/customfields']);
    sim.clearRequests();
    const none = await psa.listAccounts({ customFieldsOf: [] });
    expect(none.map((a) => a.active)).toEqual([true, true, false]);
    expect(calls()).toEqual(['POST /api/accounts/search']);
  });

  it('account types', async () => {
    expect(await psa.listAccountTypes()).toEqual(['Customer', 'Prospect']);
  });

  it('writes the tenant-name field, clears it, leaves an unchanged one alone and reports a missing one', async () => {
    expect(await psa.setAccountField('1002', 'kaspersky tenant', 'Globex VS')).toBe('written');
    expect((await psa.listAccounts()).find((a) => a.id === '1002')!.customFields['Kaspersky Tenant']).toBe('Globex VS');
    sim.clearRequests();
    expect(await psa.setAccountField('1002', 'Kaspersky Tenant', 'Globex VS')).toBe('written');
    expect(writes()).toHaveLength(0);
    expect(await psa.setAccountField('1002', 'Kaspersky Tenant', null)).toBe('written');
    expect((await psa.listAccounts()).find((a) => a.id === '1002')!.customFields['Kaspersky Tenant']).toBeNull();
    expect(await psa.setAccountField('1002', 'No Such Field', 'x')).toBe('field-missing');
  });

  it('billing readiness: cross-referenced, not cross-referenced, unknown account', async () => {
    const readiness = await psa.billingReadiness!(['1001', '1002', '4242']);
    expect(readiness[0]).toEqual({ accountId: '1001', ready: true, problem: null, remedy: null });
    expect(readiness[1]).toMatchObject({ accountId: '1002', ready: false });
    expect(readiness[1]!.problem).toContain('not cross-referenced to the External Product "Kaspersky Security"');
    expect(readiness[1]!.remedy).toContain('External Products');
    expect(readiness[2]).toMatchObject({ accountId: '4242', ready: false, problem: 'Account 4242 does not exist in Tigerpaw' });
  });

  it('billing readiness when the External Product is missing or inactive: every account, with where to create it', async () => {
    const other = connect({ connection: { externalProduct: 'No Such Product' } });
    const missing = await other.billingReadiness!(['1001']);
    expect(missing[0]).toMatchObject({ ready: false, problem: 'Tigerpaw has no External Product named "No Such Product"' });
    expect(missing[0]!.remedy).toContain('Edit › Master Tables › Account › External Products');
    await other.close();
    const retired = connect({ connection: { externalProduct: 'retired rmm' } });
    expect((await retired.billingReadiness!(['1001']))[0]!.problem).toContain('inactive');
    await retired.close();
  });
});

describe('agreements, price book and price levels', () => {
  it('lists an account\'s agreements as number and start date; all active (no status: billing judges their dates)', async () => {
    expect(await psa.listContracts('1002')).toEqual([
      { id: '502', accountId: '1002', name: '502 · 2025-01-01', recurring: true, typeLabel: 'MSP', active: true, startDate: '2025-01-01', endDate: '2025-12-31' },
      { id: '503', accountId: '1002', name: '503 · 2026-02-01', recurring: true, typeLabel: 'Support', active: true, startDate: '2026-02-01', endDate: null },
    ]);
    expect(sim.requests[0]).toMatchObject({ method: 'GET', path: '/api/agreements/account/1002' });
    expect(sim.requests[0]!.query).toContain('activeOnly=false');
  });

  it('lists every agreement', async () => {
    expect((await psa.listContracts()).map((c) => c.id)).toEqual(['501', '502', '503']);
  });

  it('lists the active price book items by ItemId, and the price levels', async () => {
    expect(await psa.listBillingItems()).toEqual([
      { id: 'KES-WS', name: 'KES-WS — Endpoint Security, workstation', active: true },
      { id: 'KES-SRV', name: 'KES-SRV — Endpoint Security, server', active: true },
    ]);
    expect(await psa.listPriceLevels!()).toEqual([
      { id: '1', name: 'Retail' },
      { id: '2', name: 'Preferred' },
    ]);
  });

  it('pages through a long list by StartRow/NextRow', async () => {
    const many: TigerpawFixture = {
      ...FIXTURE,
      priceBookItems: Array.from({ length: 1203 }, (_, i) => ({ PriceBookItemNumber: i + 1, ItemId: `ITEM-${i + 1}`, Item: { ItemDescription: `Item ${i + 1}` }, Pricing: [{ PriceLevel: 1, SellingPrice: 1 }] })),
    };
    const big = await startSim(many);
    const client = createTigerpawPsa({ connection: { ...connection(), apiUrl: big.apiUrl }, privateKey: big.privateKey, now: () => NOW });
    try {
      const items = await client.listBillingItems();
      expect(items).toHaveLength(1203);
      expect(new Set(items.map((i) => i.id)).size).toBe(1203);
      const searches = big.requests.filter((r) => r.path === '/api/pricebook/items/search');
      expect(searches).toHaveLength(3);
      expect(searches.map((r) => (r.body as { StartRow: number }).StartRow)).toEqual([0, 501, 1001]);
    } finally {
      await client.close();
      await big.close();
    }
  });

  it('a 403 names the right the API rep lacks', async () => {
    const limited = await startSim({ ...FIXTURE, apiRep: { ...FIXTURE.apiRep, rights: { accounts: 'read', customFields: 'read', agreements: 'read', masterTables: 'read', serviceOrders: 'write', priceBook: 'none' } } });
    const client = createTigerpawPsa({ connection: { ...connection(), apiUrl: limited.apiUrl }, privateKey: limited.privateKey, now: () => NOW });
    try {
      const error = await failure(client.listBillingItems());
      expect(error).toMatchObject({ kind: 'permission', code: 403 });
      expect(error.remedy).toContain('Price book items (get)');
      const access = await client.checkAccess!();
      expect(access.find((a) => a.what === 'price book items')).toMatchObject({ allowed: false, detail: 'Authorization has been denied for this request.' });
      expect(access.filter((a) => !a.allowed).map((a) => a.what)).toEqual(['price book items']);
    } finally {
      await client.close();
      await limited.close();
    }
  });
});

describe('additional charges', () => {
  const posting = (extra: Partial<UsagePosting>): UsagePosting => ({ contractId: '501', billingItemId: 'KES-WS', before: 10, after: 12, mode: 'set', effectiveDate: TODAY, priceLevel: '1', ...extra });

  it('reads the units per item with their price level', async () => {
    expect(await psa.currentQuantities('501', TODAY)).toEqual([{ billingItemId: 'KES-WS', units: 10, periodStart: null, periodEnd: null, priceLevel: '1', writeRef: expect.any(String) }]);
    expect(await failure(psa.currentQuantities('999', TODAY))).toMatchObject({ kind: 'not-found' });
  });

  it('sets an existing charge in place, at the posting\'s price level', async () => {
    expect(await psa.postUsage(posting({ after: 12, priceLevel: '2' }))).toEqual({ id: '1' });
    expect(charge(1)).toMatchObject({ Quantity: 12, PriceLevel: 2, Price: 2.5 });
    expect(writes().map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /api/agreements/501/additionalcharges/1']);
    expect(writes()[0]!.body).toEqual({ Quantity: 12, PriceLevel: 2 });
  });

  it('a posting handed the reference of the units read (writeRef) sets that charge without reading the charges again', async () => {
    const [held] = await psa.currentQuantities('501', TODAY);
    expect(JSON.parse(held!.writeRef!)).toEqual({ detailId: 1, quantity: 10, priceLevel: 1 });
    sim.clearRequests();
    expect(await psa.postUsage(posting({ after: 13, writeRef: held!.writeRef! }))).toEqual({ id: '1' });
    expect(sim.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /api/agreements/501/additionalcharges/1']);
    expect(charge(1)).toMatchObject({ Quantity: 13, PriceLevel: 1 });
  });

  it('writes nothing when the charge already holds the quantity at the level', async () => {
    expect(await psa.postUsage(posting({ before: 9, after: 10 }))).toEqual({ id: '1' });
    expect(writes()).toHaveLength(0);
  });

  it('adds a charge for an item the agreement does not carry yet; none for 0 units', async () => {
    const { id } = await psa.postUsage(posting({ billingItemId: 'KES-SRV', before: 0, after: 3, priceLevel: '2' }));
    expect(charge(Number(id))).toMatchObject({ SpecialItemId: 'KES-SRV', Quantity: 3, PriceLevel: 2, Price: 8, PrintWhenQuantityZero: true });
    expect(writes()[0]!.body).toEqual({ SpecialItemId: 'KES-SRV', Quantity: 3, PriceLevel: 2, PrintWhenQuantityZero: true });
    sim.clearRequests();
    expect(await psa.postUsage(posting({ billingItemId: 'KES-SRV', contractId: '503', before: 1, after: 0 }))).toEqual({ id: null });
    expect(writes()).toHaveLength(0);
  });

  it('Success:false is a refusal carrying Tigerpaw\'s message, outcome known', async () => {
    const error = await failure(psa.postUsage(posting({ contractId: '503', before: 0, after: 5 })));
    expect(error).toMatchObject({ kind: 'vendor', outcomeUnknown: false });
    expect(error.message).toContain('Account 1002 is not cross-referenced to the External Product "Kaspersky Security"');
  });

  it('refuses without a price level, a fractional quantity or a delta posting, before sending anything', async () => {
    expect(await failure(psa.postUsage(posting({ priceLevel: null })))).toMatchObject({ kind: 'config' });
    expect(await failure(psa.postUsage(posting({ after: 2.5 })))).toMatchObject({ kind: 'internal' });
    expect(await failure(psa.postUsage(posting({ mode: 'delta' })))).toMatchObject({ kind: 'internal' });
    expect(writes()).toHaveLength(0);
  });

  it('two charges of one item: a config error naming both, nothing written', async () => {
    sim.insertRecord('additionalCharges', { AgreementNumber: 501, DetailId: 7, SpecialItemId: 'KES-WS', Quantity: 2, PriceLevel: 1 });
    expect(await psa.currentQuantities('501', TODAY)).toEqual([{ billingItemId: 'KES-WS', units: 12, periodStart: null, periodEnd: null, priceLevel: '1' }]);
    const error = await failure(psa.postUsage(posting({})));
    expect(error).toMatchObject({ kind: 'config' });
    expect(error.why).toContain('charges 1 (quantity 10) and 7 (quantity 2)');
    expect(writes()).toHaveLength(0);
  });

  it('a 429 to the write is retried, signed again with a valid signature', async () => {
    sim.inject({ endpoint: 'agreements/*/additionalcharges/*', method: 'PUT', kind: '429', retryAfter: 1 });
    expect(await psa.postUsage(posting({ after: 15 }))).toEqual({ id: '1' });
    expect(charge(1)).toMatchObject({ Quantity: 15 });
    expect(writes().map((r) => r.status)).toEqual([429, 200]);
  });

  it('a retry after a long Retry-After carries a fresh date: one reusing the first attempt\'s signature would be refused as stale', async () => {
    // One clock for both sides; waiting out the Retry-After moves it on 10 minutes (beyond the
    // simulator's 5-minute skew), so only a retry signed anew is accepted.
    let t = NOW.getTime();
    const clock = () => new Date(t);
    const moving = await startTigerpawSimulator({ fixture: FIXTURE, now: clock, sleep: async () => {} });
    const client = createTigerpawPsa({
      connection: { kind: 'tigerpaw', apiUrl: moving.apiUrl, publicKey: moving.publicKey, externalProduct: 'Kaspersky Security', tenantNameField: 'Kaspersky Tenant', caFile: null },
      privateKey: moving.privateKey,
      now: clock,
      httpOptions: { sleep: async () => void (t += 10 * 60_000), random: () => 0, retries: 2 },
    });
    try {
      moving.inject({ endpoint: 'agreements/*/additionalcharges/*', method: 'PUT', kind: '429', retryAfter: 1 });
      expect(await client.postUsage(posting({ after: 15 }))).toEqual({ id: '1' });
      const puts = moving.requests.filter((r) => r.method === 'PUT');
      expect(puts.map((r) => r.status)).toEqual([429, 200]);
    } finally {
      await client.close();
      await moving.close();
    }
  });

  it('an error after the write was applied is outcomeUnknown, not repeated', async () => {
    sim.inject({ endpoint: 'agreements/*/additionalcharges/*', method: 'PUT', kind: 'error-after', status: 500 });
    const error = await failure(psa.postUsage(posting({ after: 20 })));
    expect(error.outcomeUnknown).toBe(true);
    expect(error.remedy).toContain('additional charge 1 of agreement 501');
    expect(writes()).toHaveLength(1);
    expect(charge(1)).toMatchObject({ Quantity: 20 });
  });
});

describe('service orders', () => {
  const ticket = (extra: Partial<NewTicket> = {}): NewTicket => ({
    accountId: '1001',
    title: 'Virus found on ACME-PC-01',
    description: 'Kaspersky found a threat.',
    status: 'New',
    dueAt: null,
    fields: { rep: '12', board: '1', priority: 'Critical', type: 'Monitoring', newStatus: 'New', closedStatus: 'Closed' },
    tag: 'kmsp:ev:1',
    ...extra,
  });

  it('picklists: reps, boards, priorities, types and statuses, closed ones flagged', async () => {
    const lists = await psa.ticketPicklists();
    expect(lists.reps!.map((r) => [r.value, r.label, r.active])).toEqual([
      ['9', 'kmsp API', true],
      ['12', 'Jane Smith', true],
      ['13', 'Old Rep', false],
    ]);
    expect(lists.boards!.map((b) => [b.value, b.label])).toEqual([
      ['1', 'Monitoring Alert'],
      ['2', 'Service'],
    ]);
    expect(lists.priorities!.map((p) => [p.value, p.isDefault])).toEqual([
      ['Critical', false],
      ['Medium', true],
    ]);
    expect(lists.types!.map((t) => t.value)).toEqual(['Monitoring', 'Request']);
    expect(lists.statuses!.map((s) => [s.value, s.closed, s.isDefault])).toEqual([
      ['New', false, true],
      ['In Progress', false, false],
      ['Closed', true, false],
    ]);
  });

  it('creates an order with its fields by number and by name, reads it and finds it by its reference exactly', async () => {
    const created = await psa.createTicket(ticket());
    expect(created).toMatchObject({ accountId: '1001', title: 'Virus found on ACME-PC-01', status: 'New', tag: 'kmsp:ev:1', completedAt: null, scope: null });
    expect(writes()[0]!.body).toMatchObject({
      AccountNumber: 1001,
      TechnicianAssigned: 12,
      DispatchBoardNumber: 1,
      Priority: 'Critical',
      ServiceOrderType: 'Monitoring',
      Status: 'New',
      BriefDescription: 'Virus found on ACME-PC-01',
      WorkRequested: 'Kaspersky found a threat.',
      Reference: 'kmsp:ev:1',
      DateTimeOpened: { DateTime: '2026-06-15T10:00:00Z' },
    });
    await psa.createTicket(ticket({ tag: 'kmsp:ev:10' }));
    expect(await psa.getTicket(created.id)).toEqual(created);
    expect((await psa.findTicketsByTag('kmsp:ev:1')).map((t) => t.id)).toEqual([created.id]);
    expect(await psa.getTicket('99999')).toBeNull();
  });

  it('an unknown master-table name is refused with Tigerpaw\'s message', async () => {
    const error = await failure(psa.createTicket(ticket({ fields: { ...ticket().fields, priority: 'Whenever' } })));
    expect(error).toMatchObject({ kind: 'vendor', outcomeUnknown: false });
    expect(error.message).toContain('Whenever');
  });

  it('closes an order; a locked one is deferred, naming the rep, and closes once unlocked', async () => {
    const created = await psa.createTicket(ticket());
    sim.lock(Number(created.id), 12);
    sim.clearRequests();
    expect(await psa.closeTicket(created.id, 'Closed')).toEqual({ closed: false, deferred: 'locked by Jane Smith' });
    expect((await psa.getTicket(created.id))!.status).toBe('New');
    // The lock guards the order's fields, not its notes.
    await psa.addTicketNote(created.id, { title: 'Still infected', description: 'The threat came back.' });
    expect(sim.state.notes.some((n) => String(n.Note).startsWith('Still infected\n\nThe threat came back.'))).toBe(true);
    // Read back as written: the one text split at its blank line.
    expect(await psa.ticketNotes(created.id)).toContainEqual({ title: 'Still infected', description: 'The threat came back.' });
    sim.unlock(Number(created.id));
    expect(await psa.closeTicket(created.id, 'Closed')).toEqual({ closed: true });
    const closed = await psa.getTicket(created.id);
    expect(closed).toMatchObject({ status: 'Closed' });
    expect(closed!.completedAt).toEqual(NOW);
    const put = sim.requests.find((r) => r.method === 'PUT')!;
    expect(put.body).toEqual({ Status: 'Closed', DateTimeClosed: { DateTime: '2026-06-15T10:00:00Z' }, CompleteOpenTasks: true });
  });
});

describe('checkAccess', () => {
  it('reads one record of each area and checks the External Product', async () => {
    const access = await psa.checkAccess!();
    expect(access.map((a) => [a.what, a.allowed])).toEqual([
      ['accounts', true],
      ['account custom fields', true],
      ['agreements', true],
      ['agreement additional charges', true],
      ['price book items', true],
      ['price levels', true],
      ['master tables (service order statuses)', true],
      ['service orders', true],
      ['the External Product "Kaspersky Security"', true],
    ]);
    const other = connect({ connection: { externalProduct: 'Nope' } });
    const last = (await other.checkAccess!()).at(-1)!;
    expect(last).toMatchObject({ allowed: false, detail: 'Tigerpaw has no External Product named "Nope"' });
    expect(last.statement?.fail).toContain('missing or inactive');
    await other.close();
  });
});

describe('paging guard', () => {
  it('stops with a protocol error on a server whose NextRow never moves forward', async () => {
    let pages = 0;
    const stuck = await startSimServer({
      name: 'stuck',
      handle: (req) => {
        const auth = readAuthorization(req.headers.authorization);
        const date = req.headers['x-tsi-date'] ?? '';
        if (!auth || auth.signature !== tsiSignature(KEYS.privateKey, req.method, req.path, date)) return { status: 401 };
        pages++;
        return { status: 200, body: { PriceBookItems: [{ ItemId: `X${pages}`, Item: { ItemDescription: 'x' } }], PageSize: 1, NextRow: 1, TotalCount: 999, Success: true, Message: '' } };
      },
    });
    const client = createTigerpawPsa({ connection: { ...connection(), apiUrl: stuck.url }, privateKey: KEYS.privateKey, now: () => NOW });
    try {
      expect(await failure(client.listBillingItems())).toMatchObject({ kind: 'protocol' });
      expect(pages).toBe(2);
    } finally {
      await client.close();
      await stuck.close();
    }
  });
});
