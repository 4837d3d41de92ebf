// The Tigerpaw simulator over loopback HTTP, spoken to raw (the connector is its own module): the
// TSI signature (with the protocol brief's worked example), searches and paging, the GUI lock,
// Success:false refusals, rights per area, additional charges priced at a price level, injections.
import { createHmac } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { fixturesPath } from '../../source/simulators/server.js';
import { startTigerpawSimulator, tsiAuthorization, type TigerpawFixture, type TigerpawSimulator } from '../../source/simulators/tigerpaw/index.js';

/** The test's own signer: TSI base64(publicKey:base64(HMAC-SHA256(privateKey, lower(METHOD|path|date)))). */
function authorization(publicKey: string, privateKey: string, method: string, path: string, date: string): string {
  const sig = createHmac('sha256', privateKey).update(`${method}|${path}|${date}`.toLowerCase(), 'utf8').digest('base64');
  return `TSI ${Buffer.from(`${publicKey}:${sig}`, 'utf8').toString('base64')}`;
}

interface CallOptions {
  body?: unknown;
  query?: string;
  /** The signed date (default: now). */
  date?: Date;
  keys?: { publicKey: string; privateKey: string };
  /** Send the date as Date instead of X-TSI-Date. */
  plainDate?: boolean;
  /** Replace the Authorization header. */
  auth?: string;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

let sims: TigerpawSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

const load = (folder: string): TigerpawFixture => JSON.parse(readFileSync(fixturesPath(folder, 'tigerpaw.json'), 'utf8')) as TigerpawFixture;

async function start(fixture: string | TigerpawFixture = 'demo', extra: Partial<Parameters<typeof startTigerpawSimulator>[0]> = {}): Promise<TigerpawSimulator> {
  const sim = await startTigerpawSimulator({ fixture: typeof fixture === 'string' ? load(fixture) : fixture, ...extra });
  sims.push(sim);
  return sim;
}

async function call(sim: TigerpawSimulator, method: string, path: string, o: CallOptions = {}): Promise<Answer> {
  const date = (o.date ?? new Date()).toUTCString();
  const keys = o.keys ?? { publicKey: sim.publicKey, privateKey: sim.privateKey };
  const headers: Record<string, string> = {
    Authorization: o.auth ?? authorization(keys.publicKey, keys.privateKey, method, path, date),
    [o.plainDate ? 'Date' : 'X-TSI-Date']: date,
    Accept: 'application/json',
  };
  if (o.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${sim.apiUrl}${path}${o.query ? `?${o.query}` : ''}`, { method, headers, ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}) });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const control = async (sim: TigerpawSimulator, command: string, body: unknown = {}) =>
  (await fetch(`${sim.url}/_sim/${command}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<any>;

describe('TSI signature', () => {
  const VECTOR = {
    publicKey: '11111111-2222-3333-4444-555555555555',
    privateKey: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    date: 'Thu, 18 Jun 2015 08:33:51 GMT',
    sig: '08RBrGbRI+SjVmxM9sbYMD5nH4P8TPI5poeq5UaUhIQ=',
    token: 'MTExMTExMTEtMjIyMi0zMzMzLTQ0NDQtNTU1NTU1NTU1NTU1OjA4UkJyR2JSSStTalZteE05c2JZTUQ1bkg0UDhUUEk1cG9lcTVVYVVoSVE9',
  };

  it('the worked example signs to the published token, by the test\'s signer and the simulator\'s', () => {
    const expected = `TSI ${VECTOR.token}`;
    expect(authorization(VECTOR.publicKey, VECTOR.privateKey, 'GET', '/api/accounts/407555', VECTOR.date)).toBe(expected);
    expect(tsiAuthorization(VECTOR.publicKey, VECTOR.privateKey, 'GET', '/api/accounts/407555', VECTOR.date)).toBe(expected);
    expect(Buffer.from(VECTOR.token, 'base64').toString('utf8')).toBe(`${VECTOR.publicKey}:${VECTOR.sig}`);
  });

  it('a simulator with the example\'s keys and clock accepts the example request as sent', async () => {
    const fixture = load('demo');
    fixture.apiRep = { ...fixture.apiRep, publicKey: VECTOR.publicKey, privateKey: VECTOR.privateKey };
    const sim = await start(fixture, { now: () => new Date(Date.parse(VECTOR.date)) });
    const res = await fetch(`${sim.apiUrl}/api/accounts/407555`, { headers: { Authorization: `TSI ${VECTOR.token}`, 'X-TSI-Date': VECTOR.date } });
    // Past the signature: the account is unknown.
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ Message: 'Account 407555 was not found.' });
  });

  it('a wrong signature, an unknown public key, a missing header or a stale date: 401 with an empty body', async () => {
    const sim = await start();
    const bad = [
      await call(sim, 'GET', '/api/diagnostics/validate/user', { keys: { publicKey: sim.publicKey, privateKey: 'not-the-key' } }),
      await call(sim, 'GET', '/api/diagnostics/validate/user', { keys: { publicKey: '00000000-0000-0000-0000-000000000000', privateKey: sim.privateKey } }),
      await call(sim, 'GET', '/api/diagnostics/validate/user', { auth: '' }),
      await call(sim, 'GET', '/api/diagnostics/validate/user', { auth: 'Basic Zm9vOmJhcg==' }),
      await call(sim, 'GET', '/api/diagnostics/validate/user', { date: new Date(Date.now() - 6 * 60_000) }),
      await call(sim, 'GET', '/api/diagnostics/validate/user', { date: new Date(Date.now() + 6 * 60_000) }),
    ];
    for (const r of bad) expect([r.status, r.text]).toEqual([401, '']);
  });

  it('accepts a date within 5 minutes, the Date header instead of X-TSI-Date, any path case, and an unsigned query', async () => {
    const sim = await start();
    const okSkew = await call(sim, 'GET', '/api/diagnostics/validate/user', { date: new Date(Date.now() - 4 * 60_000) });
    expect(okSkew.status).toBe(200);
    expect(okSkew.json).toMatchObject({ Success: true });
    expect((await call(sim, 'GET', '/api/diagnostics/validate/user', { plainDate: true })).status).toBe(200);
    expect((await call(sim, 'GET', '/API/Diagnostics/ProductInformation')).json).toMatchObject({ DatabaseVersion: '18.2.1' });
    expect((await call(sim, 'GET', '/api/agreements/account/10001', { query: 'activeOnly=false' })).status).toBe(200);
  });

  it('uses the injected clock: a date that is current for the real clock is stale for the simulator\'s', async () => {
    const sim = await start('demo', { now: () => new Date(Date.now() + 3600_000) });
    expect((await call(sim, 'GET', '/api/diagnostics/validate/user')).status).toBe(401);
    expect((await call(sim, 'GET', '/api/diagnostics/validate/user', { date: new Date(Date.now() + 3600_000) })).status).toBe(200);
  });

  it('never records the private key or the Authorization header', async () => {
    const file = `${process.env.TMPDIR ?? '/tmp'}/kmsp-tp-record-${process.pid}.jsonl`;
    const sim = await start('demo', { recordFile: file });
    await call(sim, 'POST', '/api/accounts/search', { body: { Criteria: [{ SearchType: 'AccountName', Criteria: sim.privateKey }] } });
    const log = readFileSync(file, 'utf8');
    expect(log).not.toContain(sim.privateKey);
    expect(log).not.toContain('TSI ');
    expect(JSON.stringify(sim.requests)).not.toContain(sim.privateKey);
    rmSync(file, { force: true });
  });
});

describe('searches and paging', () => {
  it('pages the accounts by StartRow/NextRow: 50, then the rest, NextRow 0 at the end', async () => {
    const sim = await start();
    const total = sim.state.accounts.length;
    expect(total).toBeGreaterThan(50);
    const first = await call(sim, 'POST', '/api/accounts/search', { body: { Criteria: [], PageSize: 50, StartRow: 0 } });
    expect(first.json).toMatchObject({ PageSize: 50, NextRow: 51, TotalCount: total, Success: true });
    expect(first.json.Accounts).toHaveLength(50);
    const second = await call(sim, 'POST', '/api/accounts/search', { body: { Criteria: [], PageSize: 50, StartRow: first.json.NextRow } });
    expect(second.json).toMatchObject({ NextRow: 0, TotalCount: total });
    const numbers = [...first.json.Accounts, ...second.json.Accounts].map((a: any) => a.AccountNumber);
    expect(new Set(numbers).size).toBe(total);
    expect(first.json.Accounts[0]).toMatchObject({ AccountNumber: 10001, Account: { Name: 'Acme and Sons Ltd', Status: 'Active', AccountType: 'Customer' } });
    // No page size: 50; too large: cut to 500.
    expect((await call(sim, 'POST', '/api/accounts/search', { body: {} })).json.PageSize).toBe(50);
    expect((await call(sim, 'POST', '/api/accounts/search', { body: { PageSize: 5000 } })).json).toMatchObject({ PageSize: 500, NextRow: 0 });
  });

  it('ORs criteria of one SearchType and ANDs different ones; refuses an unknown SearchType with Success:false', async () => {
    const sim = await start();
    const r = await call(sim, 'POST', '/api/accounts/search', {
      body: {
        Criteria: [
          { SearchType: 'AccountType', MatchType: 'Equal', Criteria: 'Vendor' },
          { SearchType: 'AccountType', MatchType: 'Equal', Criteria: 'Partner' },
          { SearchType: 'AccountName', MatchType: 'Contains', Criteria: 'o' },
        ],
        PageSize: 100,
      },
    });
    const rows = r.json.Accounts as any[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((a) => ['Vendor', 'Partner'].includes(a.Account.AccountType) && /o/i.test(a.Account.Name))).toBe(true);
    const bad = await call(sim, 'POST', '/api/accounts/search', { body: { Criteria: [{ SearchType: 'Colour', Criteria: 'x' }] } });
    expect(bad.status).toBe(200);
    expect(bad.json).toMatchObject({ Accounts: null, Success: false, Message: expect.stringContaining('Invalid SearchType') });
  });

  it('simple searches take a JSON string and page in the query (both spellings); StartsWith', async () => {
    const sim = await start();
    const r = await call(sim, 'POST', '/api/accounts/search/name', { body: 'A', query: 'pageRequest.pageSize=2&pageRequest.startRow=1' });
    expect(r.json).toMatchObject({ PageSize: 2, NextRow: 3 });
    expect(r.json.Accounts.map((a: any) => a.Account.Name)).toEqual(['Acme and Sons Ltd', 'Alpine Ski Club']);
    const next = await call(sim, 'POST', '/api/accounts/search/name', { body: 'A', query: 'pageSize=2&startRow=3' });
    expect(next.json.Accounts[0].Account.Name).not.toBe('Acme and Sons Ltd');
    const byExternal = await call(sim, 'POST', '/api/accounts/search/externalid', { body: 'Acme & Sons' });
    expect(byExternal.json.Accounts.map((a: any) => a.AccountNumber)).toEqual([10001]);
  });

  it('agreements by account (activeOnly), advanced search of agreements and price book items', async () => {
    const sim = await start();
    const juniper = sim.state.accounts.find((a) => (a.Account as any).Name === 'Juniper Hotels')!.AccountNumber;
    const all = await call(sim, 'GET', `/api/agreements/account/${juniper}`, { query: 'activeOnly=false' });
    expect(all.json.Agreements).toHaveLength(1);
    expect((await call(sim, 'GET', `/api/agreements/account/${juniper}/true`)).json.Agreements).toHaveLength(0);
    const acme = await call(sim, 'GET', '/api/agreements/account/10001');
    expect(acme.json.Agreements[0]).toMatchObject({ AgreementNumber: 2001, AccountName: 'Acme and Sons Ltd', Agreement: { AccountNumber: 10001, Type: 'Managed Services', ExternalProduct: 'Kaspersky Security' } });
    expect(acme.json.Agreements[0].AdditionalCharges).toBeGreaterThan(0);
    const security = await call(sim, 'POST', '/api/agreements/search', { body: { Criteria: [{ SearchType: 'ExternalProduct', MatchType: 'Equal', Criteria: 'kaspersky security' }], PageSize: 500 } });
    expect(security.json.Agreements.every((g: any) => g.Agreement.ExternalProduct === 'Kaspersky Security')).toBe(true);
    const items = await call(sim, 'POST', '/api/pricebook/items/search', { body: { Criteria: [{ SearchType: 'ItemId', Criteria: 'KES' }] } });
    expect(items.json.PriceBookItems.map((i: any) => i.ItemId)).toContain('KES-ADV-WS');
    const detail = await call(sim, 'GET', `/api/pricebook/items/${items.json.PriceBookItems[0].PriceBookItemNumber}/details`);
    expect(detail.json.Pricing.map((p: any) => p.Description)).toEqual(['Standard', 'Preferred', 'Partner']);
  });

  it('answers the master tables kmsp reads', async () => {
    const sim = await start();
    const statuses = (await call(sim, 'GET', '/api/mastertables/serviceorders/statuses')).json;
    expect(statuses.filter((s: any) => s.TicketChange === 'Close').map((s: any) => s.Status)).toEqual(['Completed', 'Closed']);
    expect((await call(sim, 'GET', '/api/mastertables/priorities')).json.map((p: any) => p.Priority)).toEqual(['Critical', 'High', 'Medium', 'Low']);
    expect((await call(sim, 'GET', '/api/mastertables/dispatchboards')).json).toContainEqual({ DispatchBoardId: 2, Description: 'Monitoring Alert' });
    expect((await call(sim, 'GET', '/api/mastertables/serviceOrders/types')).json.map((t: any) => t.Type)).toContain('Security Incident');
    const reps = (await call(sim, 'GET', '/api/mastertables/reps')).json;
    expect(reps.find((r: any) => r.RepNumber === 15)).toMatchObject({ DisplayName: 'kmsp API', Inactive: false });
    expect((await call(sim, 'GET', '/api/mastertables/reps/true')).json.some((r: any) => r.Inactive)).toBe(false);
    expect((await call(sim, 'GET', '/api/mastertables/pricelevels')).json.map((l: any) => l.Description)).toEqual(['Standard', 'Preferred', 'Partner', 'Repair']);
    expect((await call(sim, 'GET', '/api/mastertables/externalproducts')).json[0]).toMatchObject({ ExternalProductId: 1, Product: 'Kaspersky Security', Active: true });
  });

  it('custom fields by Label, External Product cross-references added and removed', async () => {
    const sim = await start();
    const fields = (await call(sim, 'GET', '/api/accounts/10001/customfields')).json;
    expect(fields.find((f: any) => f.Label === 'Kaspersky Tenant')).toMatchObject({ CustomFieldId: 1, Value: null });
    const put = await call(sim, 'PUT', '/api/accounts/10001/customfields', { body: [{ Label: 'kaspersky tenant', Value: 'Acme & Sons' }] });
    expect(put.json).toMatchObject({ Success: true });
    expect(put.json.Fields.find((f: any) => f.CustomFieldId === 1).Value).toBe('Acme & Sons');
    const missing = await call(sim, 'PUT', '/api/accounts/10001/customfields', { body: [{ Label: 'No Such Field', Value: 'x' }] });
    expect(missing.json).toMatchObject({ Fields: null, Success: false });

    const tidewater = sim.state.accounts.find((a) => (a.Account as any).Name === 'Tidewater Freight Ltd.')!.AccountNumber as number;
    const before = (await call(sim, 'GET', `/api/accounts/${tidewater}/service/externalproducts`)).json;
    expect(before.some((x: any) => x.ExternalProduct === 'Kaspersky Security')).toBe(false);
    const added = await call(sim, 'POST', `/api/accounts/${tidewater}/service/externalproducts`, { body: { ExternalProductId: 1, ExternalId: 'Tidewater Freight' } });
    expect(added.json).toMatchObject({ Success: true, ExternalProduct: { ExternalProduct: 'Kaspersky Security', ExternalId: 'Tidewater Freight' } });
    const twice = await call(sim, 'POST', `/api/accounts/${tidewater}/service/externalproducts`, { body: { ExternalProduct: 'Kaspersky Security', ExternalId: 'again' } });
    expect(twice.json).toMatchObject({ ExternalProduct: null, Success: false });
    const id = added.json.ExternalProduct.AccountExternalProductId;
    expect((await call(sim, 'DELETE', `/api/accounts/${tidewater}/service/externalproducts`, { query: `id=${id}` })).json).toEqual({ Success: true, Message: '' });
    expect((await call(sim, 'GET', `/api/accounts/${tidewater}/service/externalproducts/${id}`)).status).toBe(404);
  });
});

describe('service orders and the GUI lock', () => {
  const newOrder = { AccountNumber: 10001, TechnicianAssigned: 15, DispatchBoardNumber: 2, Priority: 'critical', Status: 'New', ServiceOrderType: 'Malware', BriefDescription: 'Malware found on WS-01', WorkRequested: 'Trojan.Win32 detected', Reference: 'kmsp:demo:abc', DateTimeOpened: { DateTime: '2026-03-01T10:00:00Z' } };

  it('creates, finds by reference, reads details, adds notes, and closes with a status whose TicketChange is Close', async () => {
    const sim = await start();
    const created = await call(sim, 'POST', '/api/ServiceOrders', { body: newOrder });
    expect(created.json).toMatchObject({ Success: true, ServiceOrderSummary: { ServiceOrder: { AccountNumber: 10001, Priority: 'Critical', Status: 'New', DispatchBoardNumber: 2, Reference: 'kmsp:demo:abc', DateTimeOpened: '2026-03-01T10:00:00Z', DateTimeClosed: null }, ServiceOrderLock: null } });
    const n = created.json.ServiceOrderSummary.ServiceOrderNumber as number;
    const found = await call(sim, 'POST', '/api/serviceorders/search/reference', { body: 'kmsp:demo' });
    expect(found.json.ServiceOrders.map((o: any) => o.ServiceOrderNumber)).toEqual([n]);
    const note = await call(sim, 'POST', `/api/serviceorders/${n}/notes`, { body: { Note: 'Seen again' } });
    expect(note.json).toMatchObject({ Success: true, Note: { Note: 'Seen again', RepNumber: 15, RepName: 'kmsp API' } });
    expect((await call(sim, 'GET', `/api/serviceorders/${n}/notes`)).json).toMatchObject({ Notes: [{ Note: 'Seen again' }], TotalCount: 1 });
    const closed = await call(sim, 'PUT', `/api/serviceorders/${n}`, { body: { Status: 'Closed', DateTimeClosed: { DateTime: '2026-03-02T08:00:00Z' }, CompleteOpenTasks: true } });
    expect(closed.json).toMatchObject({ Success: true, ServiceOrderSummary: { ServiceOrder: { Status: 'Closed', DateTimeClosed: '2026-03-02T08:00:00Z', Priority: 'Critical', BriefDescription: 'Malware found on WS-01' } } });
    expect((await call(sim, 'GET', `/api/serviceorders/${n}/details`)).json).toMatchObject({ StatusInfo: { Status: 'Closed', TicketChange: 'Close' }, ServiceOrderLock: null });
  });

  it('a locked order refuses the update (200 Success:false, the rep named) and changes nothing until unlocked; notes still go in', async () => {
    const sim = await start();
    const n = (await call(sim, 'POST', '/api/ServiceOrders', { body: newOrder })).json.ServiceOrderSummary.ServiceOrderNumber as number;
    expect(await control(sim, 'lock', { serviceOrderNumber: n, repNumber: 11 })).toEqual({ ok: true });
    expect((await call(sim, 'GET', `/api/serviceorders/${n}/details`)).json.ServiceOrderLock).toEqual({ LockingRepNumber: 11, LockingRepName: 'Dana Whitfield' });
    const refused = await call(sim, 'PUT', `/api/serviceorders/${n}`, { body: { Status: 'Closed' } });
    expect([refused.status, refused.json]).toEqual([200, { ServiceOrderSummary: null, Success: false, Message: `Service order ${n} is locked by Dana Whitfield` }]);
    expect((sim.state.serviceOrders.find((o) => o.ServiceOrderNumber === n)!.ServiceOrder as any).Status).toBe('New');
    expect((await call(sim, 'POST', `/api/serviceorders/${n}/notes`, { body: { Note: 'while locked' } })).json.Success).toBe(true);
    expect(sim.summary().locked).toEqual([{ serviceOrderNumber: 25101, repNumber: 11, repName: 'Dana Whitfield' }, { serviceOrderNumber: n, repNumber: 11, repName: 'Dana Whitfield' }]);
    sim.unlock(n);
    expect((await call(sim, 'PUT', `/api/serviceorders/${n}`, { body: { Status: 'Closed' } })).json.ServiceOrderSummary.ServiceOrder.Status).toBe('Closed');
    // The demo's printer order starts open in Dana's GUI.
    expect((await call(sim, 'PUT', '/api/serviceorders/25101', { body: { Status: 'Completed' } })).json.Message).toBe('Service order 25101 is locked by Dana Whitfield');
    await control(sim, 'unlock', { serviceOrderNumber: 25101 });
    expect((await call(sim, 'PUT', '/api/serviceorders/25101', { body: { Status: 'Completed' } })).json.Success).toBe(true);
  });

  it('refuses unknown master-table names and numbers with Success:false; unknown orders are 404', async () => {
    const sim = await start();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ Status: 'Nope' }, 'Service order status "Nope" was not found.'],
      [{ Priority: 'Urgent!' }, 'Priority "Urgent!" was not found.'],
      [{ ServiceOrderType: 'Plumbing' }, 'Service order type "Plumbing" was not found.'],
      [{ DispatchBoardNumber: 99 }, 'Dispatch board 99 was not found.'],
      [{ TechnicianAssigned: 999 }, 'Rep 999 (TechnicianAssigned) was not found.'],
      [{ TechnicianAssigned: 14 }, 'Rep 14 (TechnicianAssigned) is inactive.'],
      [{ AccountNumber: 424242 }, 'Account 424242 was not found.'],
      [{ Reference: 'x'.repeat(51) }, 'Reference is longer than 50 characters.'],
    ];
    for (const [change, message] of cases) {
      const r = await call(sim, 'POST', '/api/ServiceOrders', { body: { ...newOrder, ...change } });
      expect([r.status, r.json]).toEqual([200, { ServiceOrderSummary: null, Success: false, Message: message }]);
    }
    expect(sim.state.serviceOrders).toHaveLength(4);
    const missing = await call(sim, 'PUT', '/api/serviceorders/999999', { body: { Status: 'Closed' } });
    expect([missing.status, missing.json]).toEqual([404, { Message: 'Service order 999999 was not found.' }]);
    expect((await call(sim, 'GET', '/api/nothing/here')).status).toBe(404);
    expect((await call(sim, 'PATCH', '/api/serviceorders/25102', { body: {} })).status).toBe(405);
  });

  it('control API: a person closes an order (status and DateTimeClosed) and adds a note', async () => {
    const sim = await start();
    await control(sim, 'close-order', { serviceOrderNumber: 25102 });
    const so = (await call(sim, 'GET', '/api/serviceorders/25102')).json.ServiceOrder;
    expect(so.Status).toBe('Completed');
    expect(typeof so.DateTimeClosed).toBe('string');
    const { noteNumber } = await control(sim, 'add-order-note', { serviceOrderNumber: 25102, note: 'Customer called back' });
    expect((await call(sim, 'GET', '/api/serviceorders/25102/notes')).json.Notes.find((x: any) => x.ServiceOrderNoteNumber === noteNumber)).toMatchObject({ RepName: 'Dana Whitfield' });
    await control(sim, 'set-account-status', { accountNumber: 10001, status: 'Inactive' });
    expect((await call(sim, 'GET', '/api/accounts/10001')).json.Account.Status).toBe('Inactive');
    await control(sim, 'reset');
    expect((await call(sim, 'GET', '/api/accounts/10001')).json.Account.Status).toBe('Active');
  });
});

describe('additional charges', () => {
  const NORTHWIND = 29690101;

  it('prices a new line from the item at the price level, and re-prices when the level changes', async () => {
    const sim = await start('billing-basic');
    const added = await call(sim, 'POST', `/api/agreements/${NORTHWIND}/additionalcharges`, { body: { SpecialItemId: 'KESB-SEL-SRV', Quantity: 10, PriceLevel: 2, PrintWhenQuantityZero: true } });
    expect(added.json).toMatchObject({ Success: true, AdditionalCharge: { SpecialItemId: 'KESB-SEL-SRV', ItemDescription: 'KESB Select – Server', Quantity: 10, Price: 6.3, PriceLevel: 2, PriceLevelDescription: 'Preferred', PrintWhenQuantityZero: true } });
    const id = added.json.AdditionalCharge.DetailId as number;
    const partner = await call(sim, 'PUT', `/api/agreements/${NORTHWIND}/additionalcharges/${id}`, { body: { PriceLevel: 3 } });
    expect(partner.json.AdditionalCharge).toMatchObject({ Quantity: 10, Price: 5.6, PriceLevelDescription: 'Partner' });
    const qty = await call(sim, 'PUT', `/api/agreements/${NORTHWIND}/additionalcharges/${id}`, { body: { Quantity: 0 } });
    expect(qty.json.AdditionalCharge).toMatchObject({ Quantity: 0, Price: 5.6, PriceLevel: 3 });
    const read = (await call(sim, 'GET', `/api/agreements/${NORTHWIND}/additionalcharges`)).json;
    expect(read.map((c: any) => [c.SpecialItemId, c.Quantity, c.Price])).toEqual([
      ['KESB-SEL-WS', 85, 3.2],
      ['KESB-SEL-NW', 3, 3.2],
      ['BACKUP-DEV', 40, 2],
      ['KESB-SEL-SRV', 0, 5.6],
    ]);
    expect((await call(sim, 'GET', `/api/agreements/${NORTHWIND}/details`)).json.AdditionalCharges).toHaveLength(4);
  });

  it('refuses, with Success:false and nothing written: unknown or inactive item, unknown level, bad quantity, ended agreement, no cross-reference', async () => {
    const sim = await start();
    const acme = 2001;
    const cases: Array<[number, Record<string, unknown>, RegExp]> = [
      [acme, { SpecialItemId: 'NOPE', Quantity: 1, PriceLevel: 1 }, /Price book item "NOPE" was not found/],
      [acme, { SpecialItemId: 'KAV-WS-LEGACY', Quantity: 1, PriceLevel: 1 }, /is inactive/],
      [acme, { SpecialItemId: 'KES-ADV-WS', Quantity: 1, PriceLevel: 9 }, /Price level "9" was not found/],
      [acme, { SpecialItemId: 'KES-ADV-WS', Quantity: 1, PriceLevel: 4 }, /has no price at price level "Repair"/],
      [acme, { SpecialItemId: 'KES-ADV-WS', Quantity: 1.5, PriceLevel: 1 }, /whole number/],
      [acme, { SpecialItemId: 'KES-ADV-WS', Quantity: -1, PriceLevel: 1 }, /whole number/],
    ];
    const keystoneLastYear = sim.state.agreements.find((g) => g.InternalComments === 'Managed Security (last year)')!.AgreementNumber as number;
    cases.push([keystoneLastYear, { SpecialItemId: 'KES-ADV-WS', Quantity: 1, PriceLevel: 1 }, /ended on/]);
    const tidewater = sim.state.accounts.find((a) => (a.Account as any).Name === 'Tidewater Freight Ltd.')!.AccountNumber;
    const tidewaterAgreement = sim.state.agreements.find((g) => (g.Agreement as any).AccountNumber === tidewater)!.AgreementNumber as number;
    cases.push([tidewaterAgreement, { SpecialItemId: 'KES-ADV-WS', Quantity: 1, PriceLevel: 1 }, /not cross-referenced to the External Product "Kaspersky Security"/]);
    const before = sim.state.additionalCharges.length;
    for (const [agreement, body, message] of cases) {
      const r = await call(sim, 'POST', `/api/agreements/${agreement}/additionalcharges`, { body });
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ AdditionalCharge: null, Success: false });
      expect(r.json.Message).toMatch(message);
    }
    expect(sim.state.additionalCharges).toHaveLength(before);
    expect((await call(sim, 'POST', '/api/agreements/999/additionalcharges', { body: { SpecialItemId: 'KES-ADV-WS', Quantity: 1, PriceLevel: 1 } })).status).toBe(404);
  });
});

describe('rights per area', () => {
  it('403 with ASP.NET\'s message where the API rep lacks the right; reading where it may read', async () => {
    const fixture = load('demo');
    fixture.apiRep.rights = { accounts: 'read', customFields: 'none', agreements: 'read', priceBook: 'read', masterTables: 'none', serviceOrders: 'read' };
    const sim = await start(fixture);
    expect((await call(sim, 'POST', '/api/accounts/search', { body: {} })).status).toBe(200);
    expect((await call(sim, 'GET', '/api/accounts/10001')).status).toBe(200);
    const denied = [
      await call(sim, 'GET', '/api/accounts/10001/customfields'),
      await call(sim, 'GET', '/api/mastertables/priorities'),
      await call(sim, 'POST', '/api/ServiceOrders', { body: {} }),
      await call(sim, 'POST', '/api/agreements/2001/additionalcharges', { body: {} }),
      await call(sim, 'POST', '/api/accounts/10001/service/externalproducts', { body: {} }),
    ];
    for (const r of denied) expect([r.status, r.json]).toEqual([403, { Message: 'Authorization has been denied for this request.' }]);
    expect((await call(sim, 'POST', '/api/serviceorders/search/reference', { body: 'x' })).status).toBe(200);
    expect((await call(sim, 'GET', '/api/diagnostics/validate/user')).status).toBe(200);
  });
});

describe('injections', () => {
  it('429 with Retry-After and 503, on the matching method and path only, then normal again', async () => {
    const sim = await start();
    sim.inject({ endpoint: 'serviceorders', kind: '429', method: 'POST', retryAfter: 7 });
    sim.inject({ endpoint: 'mastertables/priorities', kind: 'error', status: 503, message: 'Service Unavailable' });
    expect((await call(sim, 'GET', '/api/mastertables/dispatchboards')).status).toBe(200);
    const limited = await call(sim, 'POST', '/api/serviceorders/search/reference', { body: 'x' });
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);
    const down = await call(sim, 'GET', '/api/mastertables/priorities');
    expect([down.status, down.json]).toEqual([503, { Message: 'Service Unavailable' }]);
    expect((await call(sim, 'GET', '/api/mastertables/priorities')).status).toBe(200);
  });

  it('error-after applies the write, then fails; hold keeps a request until released; delay goes through sleep', async () => {
    const slept: number[] = [];
    const sim = await start('billing-basic', { sleep: async (ms) => void slept.push(ms) });
    sim.inject({ endpoint: 'agreements/*/additionalcharges', kind: 'error-after', method: 'PUT' });
    const after = await call(sim, 'PUT', '/api/agreements/29690101/additionalcharges/29697001', { body: { Quantity: 90 } });
    expect(after.status).toBe(500);
    expect(sim.state.additionalCharges.find((c) => c.DetailId === 29697001)!.Quantity).toBe(90);

    sim.inject({ endpoint: 'additionalcharges', kind: 'hold', method: 'PUT' });
    const pending = call(sim, 'PUT', '/api/agreements/29690101/additionalcharges/29697002', { body: { Quantity: 0 } });
    await expect.poll(() => sim.heldRequests()).toBe(1);
    expect(sim.state.additionalCharges.find((c) => c.DetailId === 29697002)!.Quantity).toBe(3);
    await control(sim, 'release-held');
    expect((await pending).json.Success).toBe(true);
    expect(sim.state.additionalCharges.find((c) => c.DetailId === 29697002)!.Quantity).toBe(0);

    await control(sim, 'inject', { endpoint: '*', kind: 'delay', delayMs: 1234 });
    expect((await call(sim, 'GET', '/api/mastertables/pricelevels')).status).toBe(200);
    expect(slept).toEqual([1234]);
  });
});
