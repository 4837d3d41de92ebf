// The Autotask simulator itself, spoken to over raw HTTP: connectors/autotask/README.md §7
// (zone lookup, header auth, query engine, paging, envelopes, entity rules, limits,
// control API, recording). Requests sent wrong on purpose carry `deliberate=1` in
// the query string; the swagger check in afterAll requires them to fail it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAutotaskSimulator, THREAD_LIMIT_MESSAGE, type AutotaskFixture, type AutotaskSimulator } from '../../source/simulators/autotask/index.js';
import { assertAutotaskConformance } from '../helpers/swagger.js';

const user = { username: 'sim-test@msp.example', secret: 'sim-test-secret-42', integrationCode: 'SIMTESTCODE0000042', resourceId: 10 };
const year = new Date().getUTCFullYear();

const fixture: AutotaskFixture = {
  apiUser: { ...user, canImpersonate: [11] },
  zone: { zoneName: 'Test Zone 5', ci: 5 },
  threshold: { limit: 10_000, used: 0 },
  picklists: {
    Companies: { companyType: [{ value: 1, label: 'Customer' }, { value: 7, label: 'Vendor' }, { value: 9, label: 'Old type', isActive: false }] },
    Contracts: { contractType: [{ value: 4, label: 'Block Hours' }, { value: 7, label: 'Recurring Service' }], status: [{ value: 0, label: 'Inactive' }, { value: 1, label: 'Active' }] },
    Tickets: {
      status: [{ value: 1, label: 'New' }, { value: 5, label: 'Complete' }, { value: 8, label: 'In Progress' }],
      priority: [{ value: 1, label: 'High' }, { value: 2, label: 'Medium' }],
      queueID: [{ value: 100, label: 'Monitoring Alert' }, { value: 101, label: 'Old queue', isActive: false }],
      issueType: [{ value: 10, label: 'Security' }, { value: 11, label: 'Hardware' }],
      subIssueType: [{ value: 136, label: 'Firewall', parentValue: 10 }, { value: 140, label: 'Workstation', parentValue: 11 }],
    },
    TicketNotes: { noteType: [{ value: 1, label: 'Task Detail' }], publish: [{ value: 1, label: 'All Autotask Users' }] },
  },
  userDefinedFields: { Companies: [{ name: 'Kaspersky Tenant', length: 20 }, { name: 'Region' }] },
  resources: [
    { id: 10, firstName: 'API', lastName: 'User', isActive: true },
    { id: 11, firstName: 'Tech', lastName: 'One', isActive: true },
  ],
  companies: [
    { id: 1, companyName: 'Alpha Corp', companyType: 1, isActive: true, phone: '1', ownerResourceID: 11, createDate: '2020-01-15T10:00:00Z', userDefinedFields: { 'Kaspersky Tenant': 'alpha', Region: 'North' } },
    { id: 2, companyName: 'Beta Ltd', companyType: 1, isActive: false, phone: '2', ownerResourceID: 11, createDate: '2021-06-01T00:00:00Z', webAddress: 'https://beta.example' },
    { id: 3, companyName: 'Gamma Alpha', companyType: 7, isActive: true, phone: '3', ownerResourceID: 11, createDate: '2022-03-10T00:00:00Z', userDefinedFields: { Region: 'South' } },
    { id: 4, companyName: 'delta corp', companyType: 1, isActive: true, phone: '4', ownerResourceID: 11, createDate: 'now-2d' },
  ],
  contracts: [
    { id: 50, companyID: 1, contractName: 'Alpha Recurring', contractType: 7, status: 1, startDate: 'startOfYear', endDate: 'startOfYear+1y-1d', postedThrough: 'startOfYear+1mo-1d' },
    { id: 51, companyID: 1, contractName: 'Alpha Block', contractType: 4, status: 1, startDate: 'startOfYear', endDate: 'startOfYear+1y-1d' },
  ],
  services: [
    { id: 60, name: 'KES Advanced – Workstation', unitPrice: 4, unitCost: 2, periodType: 1, billingCodeID: 70, isActive: true },
    { id: 61, name: 'KES Advanced – Server', unitPrice: 9, periodType: 1, billingCodeID: 70, isActive: true },
    { id: 62, name: 'Retired', unitPrice: 1, periodType: 1, billingCodeID: 70, isActive: false },
  ],
  contractServices: [{ contractID: 50, serviceID: 60, units: 10 }],
  billingCodes: [
    { id: 70, name: 'Recurring', useType: 4, isActive: true },
    { id: 71, name: 'Remote Support', useType: 1, isActive: true },
  ],
  tickets: [{ id: 80, companyID: 1, title: 'Existing', status: 1, priority: 2, externalID: 'tag-80', createDate: 'now-1h' }],
};

let sim: AutotaskSimulator;
let recordDir: string;

const auth = { ApiIntegrationCode: user.integrationCode, UserName: user.username, Secret: user.secret };

async function api(method: string, route: string, body?: unknown, headers: Record<string, string> = auth): Promise<{ status: number; body: any; headers: Headers }> {
  const url = /^https?:/.test(route) ? route : `${sim.apiUrl}V1.0/${route}`;
  const res = await fetch(url, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const query = (entity: string, body: unknown, deliberate = false) => api('POST', `${entity}/query${deliberate ? '?deliberate=1' : ''}`, body);
const names = async (filter: unknown[]) => ((await query('Companies', { filter })).body.items as Array<{ companyName: string }>).map((c) => c.companyName);

beforeAll(async () => {
  recordDir = mkdtempSync(path.join(tmpdir(), 'kmsp-at-sim-'));
  sim = await startAutotaskSimulator({ fixture, recordFile: path.join(recordDir, 'requests.jsonl') });
});

beforeEach(() => sim.reset());

afterAll(async () => {
  await sim.close();
  rmSync(recordDir, { recursive: true, force: true });
  assertAutotaskConformance(sim.requests, { exempt: (r) => (r.query ?? '').includes('deliberate=1') });
});

describe('zone discovery and auth', () => {
  it('answers zone lookups without auth and refuses unknown users', async () => {
    const found = await api('GET', `${sim.zoneDiscoveryUrl}v1.0/zoneInformation?user=${encodeURIComponent(user.username)}`, undefined, {});
    expect(found.status).toBe(200);
    expect(found.body).toEqual({ zoneName: 'Test Zone 5', url: sim.apiUrl, webUrl: `${sim.url}/zone5/`, ci: 5 });
    const unknown = await api('GET', `${sim.zoneDiscoveryUrl}v1.0/zoneInformation?user=nobody`, undefined, {});
    expect(unknown).toMatchObject({ status: 500, body: { errors: ['Zone information could not be determined'] } });
  });

  it('checks the headers: 401 for a bad secret, 500 for a bad integration code, 401 outside the zone', async () => {
    expect((await api('GET', 'Companies/1', undefined, { ...auth, Secret: 'nope' })).status).toBe(401);
    expect((await api('GET', 'Companies/1', undefined, { UserName: user.username, Secret: user.secret })).body).toEqual({ errors: ['IntegrationCode is invalid.'] });
    const wrongZone = await api('GET', `${sim.zoneDiscoveryUrl}V1.0/Companies/1`);
    expect(wrongZone.status).toBe(401);
    expect((await api('GET', 'Companies/1')).status).toBe(200);
  });

  it('refuses impersonation of a resource the API user may not act as', async () => {
    const refused = await api('PATCH', 'Companies', { id: 1, phone: '9' }, { ...auth, ImpersonationResourceId: '10' });
    expect(refused.body.errors[0]).toMatch(/adequate permissions/);
    expect((await api('PATCH', 'Companies', { id: 1, phone: '9' }, { ...auth, ImpersonationResourceId: '11' })).body).toEqual({ itemId: 1 });
  });
});

describe('query engine', () => {
  it('supports all 13 operators', async () => {
    expect(await names([{ op: 'eq', field: 'companyName', value: 'alpha corp' }])).toEqual(['Alpha Corp']);
    expect(await names([{ op: 'noteq', field: 'companyType', value: 1 }])).toEqual(['Gamma Alpha']);
    expect(await names([{ op: 'gt', field: 'id', value: 2 }])).toEqual(['Gamma Alpha', 'delta corp']);
    expect(await names([{ op: 'gte', field: 'id', value: 2 }])).toHaveLength(3);
    expect(await names([{ op: 'lt', field: 'createDate', value: '2021-06-01T00:00:00' }])).toEqual(['Alpha Corp']);
    expect(await names([{ op: 'lte', field: 'createDate', value: '2021-06-01T00:00:00' }])).toEqual(['Alpha Corp', 'Beta Ltd']);
    expect(await names([{ op: 'beginsWith', field: 'companyName', value: 'ALPHA' }])).toEqual(['Alpha Corp']);
    expect(await names([{ op: 'endsWith', field: 'companyName', value: 'corp' }])).toEqual(['Alpha Corp', 'delta corp']);
    expect(await names([{ op: 'contains', field: 'companyName', value: 'alpha' }])).toEqual(['Alpha Corp', 'Gamma Alpha']);
    expect(await names([{ op: 'exist', field: 'webAddress' }])).toEqual(['Beta Ltd']);
    expect(await names([{ op: 'notExist', field: 'webAddress' }])).toHaveLength(3);
    expect(await names([{ op: 'in', field: 'id', value: [1, 3] }])).toEqual(['Alpha Corp', 'Gamma Alpha']);
    expect(await names([{ op: 'notIn', field: 'id', value: [1, 3] }])).toEqual(['Beta Ltd', 'delta corp']);
  });

  it('nests and/or groups and ANDs the top level', async () => {
    const filter = [
      { op: 'eq', field: 'isActive', value: true },
      { op: 'or', items: [{ op: 'eq', field: 'companyType', value: 7 }, { op: 'and', items: [{ op: 'contains', field: 'companyName', value: 'corp' }, { op: 'gt', field: 'id', value: 1 }] }] },
    ];
    expect(await names(filter)).toEqual(['Gamma Alpha', 'delta corp']);
  });

  it('ignores an unknown operator, as Autotask does', async () => {
    expect(await names([{ op: 'ne', field: 'companyType', value: 1 }])).toHaveLength(4);
  });

  it('refuses a missing filter, unknown fields, non-boolean booleans and a second UDF condition', async () => {
    expect((await query('Companies', { MaxRecords: 10 })).body).toEqual({ errors: ['Value cannot be null.\r\nParameter name: filters'] });
    expect((await query('Companies', { filter: [{ op: 'eq', field: 'projectID', value: 1 }] }, true)).body).toEqual({ errors: ['Unable to find projectID in the Account Entity'] });
    expect((await query('Companies', { filter: [{ op: 'eq', field: 'isActive', value: 'true' }] })).status).toBe(500);
    const twoUdfs = await query('Companies', {
      filter: [
        { op: 'eq', field: 'Region', udf: true, value: 'North' },
        { op: 'eq', field: 'Kaspersky Tenant', udf: true, value: 'alpha' },
      ],
    });
    expect(twoUdfs.status).toBe(500);
    expect(await names([{ op: 'eq', field: 'Region', udf: true, value: 'south' }])).toEqual(['Gamma Alpha']);
    const notQueryable = await query('Tickets', { filter: [{ op: 'eq', field: 'creatorType', value: 1 }] });
    expect(notQueryable.status).toBe(500);
  });

  it('honours MaxRecords (1–500), IncludeFields and count', async () => {
    const page = await query('Companies', { MaxRecords: 2, IncludeFields: ['id', 'companyName'], filter: [{ op: 'gte', field: 'id', value: 0 }] });
    expect(page.body.items).toEqual([
      { id: 1, companyName: 'Alpha Corp' },
      { id: 2, companyName: 'Beta Ltd' },
    ]);
    expect(page.body.pageDetails).toMatchObject({ count: 2, requestCount: 2, prevPageUrl: null });
    const second = await api('POST', page.body.pageDetails.nextPageUrl, { MaxRecords: 2, filter: [{ op: 'gte', field: 'id', value: 0 }] });
    expect(second.body.items.map((c: { id: number }) => c.id)).toEqual([3, 4]);
    expect(second.body.pageDetails.nextPageUrl).toBeNull();
    expect(second.body.pageDetails.prevPageUrl).toMatch(/\/query\/next\?paging=/);
    expect((await query('Companies', { MaxRecords: 0, filter: [{ op: 'gte', field: 'id', value: 0 }] })).status).toBe(500);
    expect((await query('Companies', { MaxRecords: 501, filter: [{ op: 'gte', field: 'id', value: 0 }] })).status).toBe(500);
    // More results than one page without id among IncludeFields is refused.
    expect((await query('Companies', { MaxRecords: 2, IncludeFields: ['companyName'], filter: [{ op: 'gte', field: 'id', value: 0 }] })).status).toBe(500);
    expect((await api('POST', 'Companies/query/count', { filter: [{ op: 'eq', field: 'isActive', value: true }] })).body).toEqual({ queryCount: 3 });
    const search = encodeURIComponent(JSON.stringify({ filter: [{ op: 'eq', field: 'id', value: 3 }] }));
    expect((await api('GET', `Companies/query?search=${search}`)).body.items[0].companyName).toBe('Gamma Alpha');
  });
});

describe('envelopes and metadata', () => {
  it('wraps single items and answers {"item":null} for unknown ids', async () => {
    expect((await api('GET', 'Companies/3')).body.item).toMatchObject({ id: 3, companyName: 'Gamma Alpha', userDefinedFields: [{ name: 'Kaspersky Tenant', value: null }, { name: 'Region', value: 'South' }] });
    expect((await api('GET', 'Companies/999')).body).toEqual({ item: null });
  });

  it('describes fields with string picklist values, inactive values and parents, and the UDFs', async () => {
    const fields = (await api('GET', 'Tickets/entityInformation/fields')).body.fields as Array<{ name: string; isPickList: boolean; picklistValues: any[] | null; picklistParentValueField: string }>;
    const sub = fields.find((f) => f.name === 'subIssueType')!;
    expect(sub.picklistParentValueField).toBe('issueType');
    expect(sub.picklistValues![0]).toMatchObject({ value: '136', label: 'Firewall', parentValue: '10', isActive: true });
    expect(fields.find((f) => f.name === 'queueID')!.picklistValues!.find((v) => v.label === 'Old queue').isActive).toBe(false);
    expect(fields.find((f) => f.name === 'title')).toMatchObject({ isPickList: false, picklistValues: null });
    const udfs = (await api('GET', 'Companies/entityInformation/userDefinedFields')).body.fields;
    expect(udfs.map((u: { name: string }) => u.name)).toEqual(['Kaspersky Tenant', 'Region']);
    expect((await api('GET', 'Contracts/entityInformation')).body.info).toMatchObject({ canCreate: true, canQuery: true, canUpdate: true });
  });
});

describe('writes', () => {
  it('PATCH takes the id in the body and changes only what is sent; PUT nulls what is left out', async () => {
    expect((await api('PATCH', 'Companies', { phone: '5' })).status).toBe(500);
    expect((await api('PATCH', 'Companies', { id: 2, userDefinedFields: [{ name: 'Region', value: 'East' }] })).body).toEqual({ itemId: 2 });
    const beta = (await api('GET', 'Companies/2')).body.item;
    expect(beta).toMatchObject({ webAddress: 'https://beta.example', companyName: 'Beta Ltd' });
    expect(beta.userDefinedFields).toEqual([{ name: 'Kaspersky Tenant', value: null }, { name: 'Region', value: 'East' }]);
    expect((await api('PUT', 'Companies', { id: 2, companyName: 'Beta Ltd', companyType: 1, phone: '2', ownerResourceID: 11 })).status).toBe(200);
    expect((await api('GET', 'Companies/2')).body.item.webAddress).toBeNull();
    expect((await api('PUT', 'Companies', { id: 2, companyName: 'Beta Ltd' })).body.errors[0]).toMatch(/required/);
    expect((await api('PATCH', 'Companies', { id: 2, userDefinedFields: [{ name: 'Kaspersky Tenant', value: 'x'.repeat(21) }] })).status).toBe(500);
  });

  it('validates picklists (active values, parents) and references on tickets', async () => {
    const base = { companyID: 1, title: 'T', status: 1, priority: 2 };
    expect((await api('POST', 'Tickets', { ...base, queueID: 101 })).body.errors[0]).toMatch(/inactive/);
    expect((await api('POST', 'Tickets', { ...base, issueType: 10, subIssueType: 140 })).body.errors[0]).toMatch(/does not belong/);
    expect((await api('POST', 'Tickets', { ...base, billingCodeID: 70 })).body.errors[0]).toMatch(/work type/);
    expect((await api('POST', 'Tickets', { ...base, companyID: 2 })).body.errors[0]).toMatch(/inactive Account/);
    expect((await api('POST', 'Tickets', { ...base, companyID: 999 })).status).toBe(500);
    expect((await api('POST', 'Tickets?deliberate=1', { ...base, nonsense: 1 })).body.errors[0]).toBe('Unable to find nonsense in the Ticket Entity');
  });

  it('numbers tickets, completes and reopens them, and takes notes through the child URL', async () => {
    const created = await api('POST', 'Tickets', { companyID: 1, title: 'New one', status: 1, priority: 1, queueID: 100, externalID: 'kmsp:x', billingCodeID: 71, issueType: 10, subIssueType: 136 });
    const id = created.body.itemId as number;
    const ticket = (await api('GET', `Tickets/${id}`)).body.item;
    expect(ticket.ticketNumber).toMatch(/^T\d{8}\.\d{4}$/);
    expect(ticket).toMatchObject({ creatorResourceID: 10, completedDate: null });
    await api('PATCH', 'Tickets', { id, status: 5 });
    expect((await api('GET', `Tickets/${id}`)).body.item.completedDate).not.toBeNull();
    await api('PATCH', 'Tickets', { id, status: 8 });
    expect((await api('GET', `Tickets/${id}`)).body.item.completedDate).toBeNull();
    expect((await query('Tickets', { filter: [{ op: 'eq', field: 'externalID', value: 'kmsp:x' }] })).body.items.map((t: { id: number }) => t.id)).toEqual([id]);

    const note = await api('POST', `Tickets/${id}/Notes`, { ticketID: id, title: 'n', description: 'note text', noteType: 1, publish: 1 });
    expect(note.status).toBe(200);
    expect((await api('POST', `Tickets/${id}/Notes`, { ticketID: id, title: 'n' })).status).toBe(500);
    expect((await api('GET', `Tickets/${id}/Notes`)).body.items).toHaveLength(1);
    expect((await query('TicketNotes', { filter: [{ op: 'eq', field: 'ticketID', value: id }] })).body.items[0]).toMatchObject({ description: 'note text' });
  });
});

describe('contracts, services and adjustments', () => {
  const units = (contractID: number, serviceID: number) => sim.state.units.filter((u) => u.contractID === contractID && u.serviceID === serviceID).map((u) => u.units);

  it('adds contract services only to Recurring Service contracts, and lets only price and description change', async () => {
    expect((await api('POST', 'Contracts/51/Services', { serviceID: 61 })).body.errors[0]).toMatch(/Recurring Service/);
    const added = await api('POST', 'Contracts/50/Services', { contractID: 50, serviceID: 61, unitPrice: 8.5 });
    expect(added.status).toBe(200);
    expect(units(50, 61)).toEqual(Array(12).fill(0));
    expect((await api('PATCH', 'Contracts/50/Services', { id: added.body.itemId, unitPrice: 1 })).status).toBe(500);
    // adjustedPrice is on the official page but not in the 2020 swagger (connectors/autotask/README.md §4.4), hence "deliberate".
    expect((await api('PATCH', 'Contracts/50/Services?deliberate=1', { id: added.body.itemId, adjustedPrice: 7 })).status).toBe(200);
    expect((await api('POST', 'ContractServices?deliberate=1', { contractID: 50, serviceID: 62 })).status).toBe(405);
    expect((await api('GET', 'Contracts/50/Services')).body.items).toHaveLength(2);
  });

  it('applies an adjustment to its period and every later one, auto-creating the contract service', async () => {
    const june = `${year}-06-15T00:00:00`;
    expect((await api('POST', 'Contracts/50/ServiceAdjustments', { serviceID: 60, unitChange: 3, effectiveDate: june })).status).toBe(200);
    expect(units(50, 60)).toEqual([10, 10, 10, 10, 10, 13, 13, 13, 13, 13, 13, 13]);
    expect((await api('POST', 'ContractServiceAdjustments', { contractID: 50, serviceID: 61, unitChange: 2, effectiveDate: `${year}-12-01T00:00:00` })).status).toBe(200);
    expect(units(50, 61)).toEqual([...Array(11).fill(0), 2]);
    const unitRows = await query('ContractServiceUnits', {
      filter: [
        { op: 'eq', field: 'contractID', value: 50 },
        { op: 'lte', field: 'startDate', value: june },
        { op: 'gte', field: 'endDate', value: june },
      ],
    });
    expect(unitRows.body.items.map((u: { serviceID: number; units: number }) => [u.serviceID, u.units])).toEqual([
      [60, 13],
      [61, 0],
    ]);
    expect((await query('ContractServiceAdjustments', { filter: [{ op: 'gte', field: 'id', value: 0 }] }, true)).status).toBe(404);
    expect(sim.state.adjustments).toHaveLength(2);
  });

  it('refuses adjustments on other contract types, outside the contract, in posted periods and below zero', async () => {
    const post = (body: Record<string, unknown>) => api('POST', 'ContractServiceAdjustments', { contractID: 50, serviceID: 60, unitChange: 1, effectiveDate: `${year}-06-01T00:00:00`, ...body });
    expect((await post({ contractID: 51 })).body.errors[0]).toMatch(/Recurring Service/);
    expect((await post({ effectiveDate: `${year + 1}-01-01T00:00:00` })).body.errors[0]).toMatch(/outside the contract/);
    expect((await post({ effectiveDate: `${year}-01-10T00:00:00` })).body.errors[0]).toMatch(/approved and posted/);
    expect((await post({ unitChange: -11 })).status).toBe(500);
    expect((await post({ serviceID: 62 })).body.errors[0]).toMatch(/inactive/);
    expect((await post({ effectiveDate: undefined })).status).toBe(500);
    expect(sim.state.adjustments).toHaveLength(0);
    expect(units(50, 60)).toEqual(Array(12).fill(10));
  });
});

describe('limits', () => {
  it('answers 429 with Retry-After once the hourly threshold is reached, but still reports usage', async () => {
    sim.setThreshold({ limit: 3, used: 0 });
    for (let i = 0; i < 3; i++) expect((await api('GET', 'Companies/1')).status).toBe(200);
    const refused = await api('GET', 'Companies/1');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3000);
    expect(refused.body.errors[0]).toMatch(/threshold/);
    expect((await api('GET', 'ThresholdInformation')).body).toEqual({ externalRequestThreshold: 3, requestThresholdTimeframe: 60, currentTimeframeRequestCount: 4 });
  });

  it('rejects the 4th concurrent request to one endpoint with Itgenatr005', async () => {
    sim.inject({ endpoint: 'Companies', kind: 'delay', delayMs: 150, count: 4 });
    sim.inject({ endpoint: 'Contracts', kind: 'delay', delayMs: 150, count: 1 });
    const [contract, ...answers] = await Promise.all([api('GET', 'Contracts/50'), ...Array.from({ length: 4 }, () => api('GET', 'Companies/1'))]);
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ status: 500, body: { errors: [THREAD_LIMIT_MESSAGE] } });
    // The limit is per endpoint: a concurrent Contracts call is not affected.
    expect(contract!.status).toBe(200);
    expect(sim.stats().threadRejections).toBe(1);
  });

  it('injects 429s, errors and thread-limit answers for the next N requests of an endpoint', async () => {
    sim.inject({ endpoint: 'Contracts', kind: '429', retryAfter: 7, count: 1 });
    sim.inject({ endpoint: 'Contracts', kind: 'error', message: 'Boom', count: 1 });
    sim.inject({ endpoint: 'Contracts', kind: 'thread-limit', status: 429, count: 1 });
    const a = await api('GET', 'Contracts/50');
    expect(a.status).toBe(429);
    expect(a.headers.get('retry-after')).toBe('7');
    expect((await api('GET', 'Contracts/50')).body).toEqual({ errors: ['Boom'] });
    expect((await api('GET', 'Contracts/50')).body.errors[0]).toMatch(/Itgenatr005/);
    expect((await api('GET', 'Contracts/50')).status).toBe(200);
  });

  it('adds latency from 50%/75% of the threshold when asked to', async () => {
    const delays: number[] = [];
    const slow = await startAutotaskSimulator({
      fixture: { ...fixture, threshold: { limit: 100, used: 48 } },
      latency: true,
      sleep: async (ms) => {
        delays.push(ms);
      },
    });
    try {
      const read = async () => (await fetch(`${slow.apiUrl}V1.0/ThresholdInformation`, { headers: auth })).status;
      expect(await read()).toBe(200); // 49%: none
      expect(await read()).toBe(200); // 50%: +0.5 s
      slow.setThreshold({ used: 74 });
      expect(await read()).toBe(200); // 75%: +1 s
      expect(delays).toEqual([500, 1000]);
      assertAutotaskConformance(slow.requests);
    } finally {
      await slow.close();
    }
    // Off by default.
    const quiet: number[] = [];
    const fast = await startAutotaskSimulator({ fixture: { ...fixture, threshold: { limit: 100, used: 90 } }, sleep: async (ms) => void quiet.push(ms) });
    try {
      expect((await fetch(`${fast.apiUrl}V1.0/ThresholdInformation`, { headers: auth })).status).toBe(200);
      expect(quiet).toEqual([]);
      assertAutotaskConformance(fast.requests);
    } finally {
      await fast.close();
    }
  });
});

describe('control API and recording', () => {
  it('changes state through POST /_sim/<command>', async () => {
    const control = async (command: string, body: unknown = {}) => {
      const res = await fetch(`${sim.url}/_sim/${command}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as any };
    };
    await control('set-account-active', { id: 1, active: false });
    await control('rename-account', { id: 3, name: 'Gamma Renamed' });
    const added = await control('add-company', { companyName: 'Added Co', companyType: 1, phone: '0', ownerResourceID: 11 });
    expect(added.body.id).toBeGreaterThan(4);
    await control('close-ticket', { id: 80 });
    await control('set-threshold', { limit: 500, used: 12 });
    expect((await api('GET', 'Companies/1')).body.item.isActive).toBe(false);
    expect((await api('GET', 'Companies/3')).body.item.companyName).toBe('Gamma Renamed');
    expect((await api('GET', `Companies/${added.body.id}`)).body.item.companyName).toBe('Added Co');
    expect((await api('GET', 'Tickets/80')).body.item).toMatchObject({ status: 5, lastActivityPersonType: 1 });
    expect((await api('GET', 'ThresholdInformation')).body).toMatchObject({ externalRequestThreshold: 500, currentTimeframeRequestCount: 17 });
    expect((await control('inject', { endpoint: 'Services', kind: 'error', count: 2 })).body).toEqual({ pending: 2 });
    expect((await control('nonsense')).status).toBe(404);
    const state = (await (await fetch(`${sim.url}/_sim/state`)).json()) as { companies: unknown[] };
    expect(state.companies).toHaveLength(5);
    await control('reset');
    expect((await api('GET', 'Companies/1')).body.item.isActive).toBe(true);
  });

  it('records requests to JSONL without the secret or the integration code', async () => {
    await api('GET', 'Companies/1');
    await api('PATCH', 'Companies', { id: 1, userDefinedFields: [{ name: 'Region', value: user.secret }] });
    const text = readFileSync(path.join(recordDir, 'requests.jsonl'), 'utf8');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as { method: string; path: string });
    expect(lines.some((l) => l.method === 'PATCH' && /\/Companies$/.test(l.path))).toBe(true);
    expect(text).not.toContain(user.secret);
    expect(text).not.toContain(user.integrationCode);
  });
});
