// The ConnectWise Manage simulator itself, spoken to over raw HTTP (source/simulators/connectwise/FIXTURE.md):
// site discovery, Basic auth with clientId, the security role, list filters and paging,
// PATCH, the write rules of additions, tickets and notes, errors, 429 and the control API.
// The answers' field names and enum values are checked against the vendor's OpenAPI models
// (fixtures/specs/connectwise-manage-get-subset.extract.json).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startConnectWiseSimulator, type ConnectWiseFixture, type ConnectWiseSimulator } from '../../source/simulators/connectwise/index.js';
import { fixturesPath } from '../../source/simulators/server.js';
import { loadSpecExtract } from '../helpers/swagger.js';

const now = new Date('2026-03-15T10:30:00Z');
const member = { companyId: 'TestMSP', publicKey: 'PubKeyTest42', privateKey: 'priv-secret-key-42', clientId: '11111111-2222-4333-8444-555555555555' };

const fixture: ConnectWiseFixture = {
  apiMember: { ...member, memberId: 7, memberIdentifier: 'api-user', memberName: 'API User' },
  site: { companyName: 'Test MSP', codebase: 'v2025_1/', isCloud: false },
  members: [{ id: 7, identifier: 'api-user', name: 'API User' }, { id: 8, identifier: 'tech1', name: 'Tech One' }],
  companyStatuses: [
    { id: 1, name: 'Active', defaultFlag: true },
    { id: 2, name: 'Inactive', inactiveFlag: true, disallowSavingFlag: true, notificationMessage: 'Company is inactive.' },
  ],
  companyTypes: [{ id: 1, name: 'Customer' }, { id: 2, name: 'Vendor', vendorFlag: true }],
  customFieldDefinitions: [{ id: 5, caption: 'Kaspersky Tenant', type: 'Text' }, { id: 6, caption: 'Region', type: 'Text' }, { id: 9, caption: 'Seats', type: 'Number' }],
  companies: [
    { id: 10, identifier: 'Alpha', name: 'Alpha Corp', types: [{ id: 1 }], customFields: { 'Kaspersky Tenant': 'alpha', Region: 'North' }, _info: { dateEntered: '2020-01-15T10:00:00Z' } },
    { id: 11, identifier: 'Beta', name: 'Beta Ltd', status: { id: 2 }, types: [{ id: 1 }] },
    { id: 12, identifier: 'Gamma', name: "Gamma O'Alpha", types: [{ id: 2 }], customFields: { Region: 'South' } },
    { id: 13, identifier: 'Delta', name: 'delta corp', types: [{ id: 1 }, { id: 2 }], deletedFlag: true, dateDeleted: 'now-2d' },
  ],
  agreementTypes: [{ id: 1, name: 'Managed Services' }, { id: 2, name: 'Block Hours' }],
  agreements: [
    { id: 100, name: 'Alpha Managed', type: { id: 1 }, company: { id: 10 }, startDate: 'startOfYear', endDate: 'startOfYear+1y-1d' },
    { id: 101, name: 'Alpha Old', type: { id: 1 }, company: { id: 10 }, startDate: 'startOfYear-1y', endDate: 'startOfYear-1d' },
    { id: 102, name: 'Alpha Cancelled', type: { id: 1 }, company: { id: 10 }, startDate: 'startOfYear', endDate: 'startOfYear+1y-1d', cancelledFlag: true, dateCancelled: 'now-10d' },
    { id: 103, name: 'Gamma Hours', type: { id: 2 }, company: { id: 12 }, startDate: 'startOfYear', noEndingDateFlag: true },
  ],
  catalog: [
    { id: 600, identifier: 'KES-ADV-WS', description: 'KES Advanced – Workstation', price: 4.5, cost: 2.1, recurringFlag: true },
    { id: 601, identifier: 'KES-ADV-SRV', description: 'KES Advanced – Server', price: 9, cost: 4.3, recurringFlag: true },
    { id: 602, identifier: 'KAV-OLD', description: 'Legacy', price: 2, cost: 1, inactiveFlag: true },
    { id: 603, identifier: 'BUNDLE', description: 'Bundle', price: 10, cost: 5, productClass: 'Bundle' },
    { id: 604, identifier: 'BACKUP-DEV', description: 'Backup per device', price: 6, cost: 2.5 },
  ],
  additions: [
    { id: 700, agreementId: 100, product: { id: 600 }, quantity: 10, billCustomer: 'Billable', effectiveDate: 'startOfYear' },
    { id: 701, agreementId: 100, product: { id: 604 }, quantity: 12, billCustomer: 'Billable', effectiveDate: 'startOfYear' },
    { id: 702, agreementId: 100, product: { id: 601 }, quantity: 2, billCustomer: 'Billable', effectiveDate: 'startOfYear', cancelledDate: 'now-1d' },
  ],
  boards: [
    { id: 1, name: 'Service Desk' },
    { id: 2, name: 'Monitoring Alert' },
    { id: 3, name: 'Projects Intake' },
    { id: 4, name: 'Old Board', inactiveFlag: true },
  ],
  statuses: [
    { id: 11, name: 'New', board: { id: 1 }, sortOrder: 0, defaultFlag: true },
    { id: 12, name: 'Completed', board: { id: 1 }, sortOrder: 1, closedStatus: true },
    { id: 21, name: 'New', board: { id: 2 }, sortOrder: 0, defaultFlag: true },
    { id: 22, name: 'In Progress', board: { id: 2 }, sortOrder: 1 },
    { id: 23, name: 'Completed', board: { id: 2 }, sortOrder: 2, closedStatus: true },
    { id: 24, name: 'Closed', board: { id: 2 }, sortOrder: 3, closedStatus: true },
    { id: 31, name: 'New', board: { id: 3 }, sortOrder: 0, defaultFlag: true },
  ],
  types: [
    { id: 201, name: 'Security Incident', board: { id: 2 } },
    { id: 202, name: 'Maintenance', board: { id: 2 } },
    { id: 101, name: 'Security Incident', board: { id: 1 } },
  ],
  subtypes: [
    { id: 301, name: 'Malware', board: { id: 2 }, typeAssociationIds: [201] },
    { id: 302, name: 'Licensing', board: { id: 2 }, typeAssociationIds: [202] },
  ],
  items: [{ id: 401, name: 'Workstation', board: { id: 2 } }, { id: 402, name: 'Printer', board: { id: 1 } }],
  priorities: [
    { id: 1, name: 'Priority 1 - Critical', level: 'Critical', sortOrder: 1 },
    { id: 3, name: 'Priority 3 - Medium', level: 'Medium', sortOrder: 3, defaultFlag: true },
  ],
  sources: [{ id: 1, name: 'Email', defaultFlag: true }, { id: 4, name: 'Monitoring' }],
  tickets: [{ id: 5000, summary: 'Existing', company: { id: 10 }, board: { id: 2 }, status: { id: 21 }, externalXRef: 'kmsp:existing', _info: { dateEntered: 'now-1h' } }],
  notes: [{ ticketId: 5000, text: 'First words', detailDescriptionFlag: true, _info: { enteredBy: 'tech1' } }],
};

let sim: ConnectWiseSimulator;
let recordDir: string;
const slept: number[] = [];

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const auth = { Authorization: basic(`${member.companyId}+${member.publicKey}`, member.privateKey), clientId: member.clientId, Accept: 'application/vnd.connectwise.com+json; version=2025.1' };

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

async function api(method: string, route: string, body?: unknown, headers: Record<string, string> = auth): Promise<Answer> {
  const url = /^https?:/.test(route) ? route : `${sim.apiUrl}/${route.replace(/^\//, '')}`;
  const res = await fetch(url, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const get = (route: string, headers?: Record<string, string>) => api('GET', route, undefined, headers);
const q = (params: Record<string, string | number>) => new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
const names = async (conditions: string, extra: Record<string, string> = {}) => {
  const res = await get(`company/companies?${q({ conditions, ...extra })}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body as Array<{ name: string }>).map((c) => c.name);
};

function links(res: Answer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (res.headers.get('link') ?? '').split(/,\s*(?=<)/)) {
    const m = /^<([^>]+)>;\s*rel="(\w+)"$/.exec(part.trim());
    if (m) out[m[2]!] = m[1]!;
  }
  return out;
}

beforeAll(async () => {
  recordDir = mkdtempSync(path.join(tmpdir(), 'kmsp-cw-sim-'));
  sim = await startConnectWiseSimulator({
    fixture,
    now: () => now,
    recordFile: path.join(recordDir, 'requests.jsonl'),
    sleep: async (ms) => {
      slept.push(ms);
    },
  });
});

afterAll(async () => {
  await sim.close();
  rmSync(recordDir, { recursive: true, force: true });
});

beforeEach(() => {
  sim.reset();
  slept.length = 0;
});

describe('site discovery and URLs', () => {
  it('answers companyinfo without auth, with the codebase ending in "/"', async () => {
    const res = await fetch(`${sim.siteUrl}/login/companyinfo/testmsp`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ CompanyName: 'Test MSP', Codebase: 'v2025_1/', CompanyID: 'TestMSP', IsCloud: 'False' });
    expect(Object.keys(body)).toEqual(['CompanyName', 'Codebase', 'VersionCode', 'VersionNumber', 'CompanyID', 'IsCloud']);
    expect(sim.apiUrl).toBe(`${sim.siteUrl}/v2025_1/apis/3.0`);
  });

  it('answers an unknown company id with nulls (the documented assumption)', async () => {
    const body = await (await fetch(`${sim.siteUrl}/login/companyinfo/nobody`)).json();
    expect(body).toEqual({ CompanyName: null, Codebase: null, VersionCode: null, VersionNumber: null, CompanyID: null, IsCloud: null });
  });

  it('serves the API under the site codebase and under v4_6_release/, and nothing else', async () => {
    expect((await get('system/info')).body).toMatchObject({ isCloud: false, serverTimeZone: expect.any(String), licenseBits: expect.any(Array) });
    expect((await get(`${sim.siteUrl}/v4_6_release/apis/3.0/system/info`)).status).toBe(200);
    expect((await get(`${sim.siteUrl}/v2019_1/apis/3.0/system/info`)).status).toBe(404);
    const unknown = await get('company/nothing');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'NotFound' });
  });
});

describe('authentication', () => {
  it('needs the clientId header (400 naming it), a registered clientId, and Basic companyId+publicKey:privateKey', async () => {
    const { clientId: _omit, ...noClient } = auth;
    const missing = await get('system/info', noClient);
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ code: 'BadRequest', message: expect.stringContaining('clientId'), errors: null });
    expect((await get('system/info', { ...auth, clientId: '99999999-2222-4333-8444-555555555555' })).status).toBe(400);

    for (const wrong of [
      basic(`${member.companyId}+${member.publicKey}`, 'not-the-key'),
      basic(`OtherCo+${member.publicKey}`, member.privateKey),
      basic(`${member.companyId}+pubkeytest42`, member.privateKey),
      basic(member.publicKey, member.privateKey),
      'Bearer abc',
    ]) {
      const res = await get('company/companies', { ...auth, Authorization: wrong });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ code: 'Unauthorized', message: expect.any(String), errors: null });
    }
    // The company id is not case-sensitive; keys are.
    expect((await get('company/companies', { ...auth, Authorization: basic(`testmsp+${member.publicKey}`, member.privateKey) })).status).toBe(200);
    // Any Accept version is served.
    expect((await get('company/companies', { ...auth, Accept: 'application/json' })).status).toBe(200);
  });

  it('refuses what the API member\'s security role does not allow with 403 Forbidden', async () => {
    const limited = await startConnectWiseSimulator({
      fixture: { ...fixture, apiMember: { ...fixture.apiMember, permissions: { companies: 'read', tickets: 'read', agreements: 'read', additions: 'none' } } },
      now: () => now,
    });
    try {
      const call = (method: string, route: string, body?: unknown) =>
        fetch(`${limited.apiUrl}/${route}`, { method, headers: { ...auth, 'Content-Type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
      expect((await call('GET', 'company/companies')).status).toBe(200);
      expect((await call('GET', 'service/tickets')).status).toBe(200);
      const post = await call('POST', 'service/tickets', { summary: 'x', company: { id: 10 } });
      expect(post.status).toBe(403);
      expect(await post.json()).toEqual({ code: 'Forbidden', message: expect.stringContaining('tickets'), errors: null });
      expect((await call('GET', 'finance/agreements')).status).toBe(200);
      expect((await call('GET', 'finance/agreements/100/additions')).status).toBe(403);
      // Not granted at all: boards.
      expect((await call('GET', 'service/boards')).status).toBe(403);
      expect((await call('PATCH', 'company/companies/10', [{ op: 'replace', path: 'name', value: 'x' }])).status).toBe(403);
      expect(limited.state.tickets).toHaveLength(1);
    } finally {
      await limited.close();
    }
  });
});

describe('conditions', () => {
  it('compares strings (either quotes, any case), numbers, booleans and null', async () => {
    expect(await names('name = "alpha corp"')).toEqual(['Alpha Corp']);
    expect(await names("name = 'Beta Ltd'")).toEqual(['Beta Ltd']);
    expect(await names('name = "Gamma O\'Alpha"')).toEqual(["Gamma O'Alpha"]);
    expect(await names('id = 11')).toEqual(['Beta Ltd']);
    expect(await names('id != 11 and deletedFlag = false')).toEqual(['Alpha Corp', "Gamma O'Alpha"]);
    expect(await names('id >= 12')).toEqual(["Gamma O'Alpha", 'delta corp']);
    expect(await names('id < 11 OR id > 12')).toEqual(['Alpha Corp', 'delta corp']);
    expect(await names('id <= 10')).toEqual(['Alpha Corp']);
    expect(await names('deletedFlag = true')).toEqual(['delta corp']);
    expect(await names('dateDeleted = null')).toEqual(['Alpha Corp', 'Beta Ltd', "Gamma O'Alpha"]);
    expect(await names('dateDeleted != null')).toEqual(['delta corp']);
  });

  it('has contains, like with * or %, in, not, and/or with parentheses', async () => {
    expect(await names('name contains "ALPHA"')).toEqual(['Alpha Corp', "Gamma O'Alpha"]);
    expect(await names('name not contains "alpha"')).toEqual(['Beta Ltd', 'delta corp']);
    expect(await names('name like "alpha*"')).toEqual(['Alpha Corp']);
    expect(await names('name like "%corp"')).toEqual(['Alpha Corp', 'delta corp']);
    expect(await names('name not like "%corp"')).toEqual(['Beta Ltd', "Gamma O'Alpha"]);
    expect(await names('id in (10, 12)')).toEqual(['Alpha Corp', "Gamma O'Alpha"]);
    expect(await names('id not in (10,12)')).toEqual(['Beta Ltd', 'delta corp']);
    // AND binds tighter than OR.
    expect(await names('name contains "corp" and deletedFlag = false or id = 11')).toEqual(['Alpha Corp', 'Beta Ltd']);
    expect(await names('name contains "corp" and (deletedFlag = false or id = 13)')).toEqual(['Alpha Corp', 'delta corp']);
    expect(await names('NOT (id = 10) AnD deletedFlag = false')).toEqual(['Beta Ltd', "Gamma O'Alpha"]);
  });

  it('follows references (status/name, company/id) and compares [datetimes]', async () => {
    expect(await names('status/name = "Inactive"')).toEqual(['Beta Ltd']);
    expect(await names('status/id = 1 and deletedFlag = false')).toEqual(['Alpha Corp', "Gamma O'Alpha"]);
    expect(await names('_info/dateEntered < [2021-01-01T00:00:00Z]')).toEqual(['Alpha Corp']);
    expect(await names('lastUpdated > [2026-03-01T00:00:00Z] and id = 12')).toEqual(["Gamma O'Alpha"]);
    const agreements = await get(`finance/agreements?${q({ conditions: 'company/id = 10 and endDate >= [2026-03-15T00:00:00Z] and cancelledFlag = false' })}`);
    expect(agreements.body.map((a: { id: number }) => a.id)).toEqual([100]);
    const tickets = await get(`service/tickets?${q({ conditions: 'externalXRef = "kmsp:existing" and board/name = "Monitoring Alert"', pageSize: 2 })}`);
    expect(tickets.body.map((t: { id: number }) => t.id)).toEqual([5000]);
  });

  it('filters list children with childConditions and custom fields with customFieldConditions', async () => {
    const byType = async (child: string) => ((await get(`company/companies?${q({ childConditions: child })}`)).body as Array<{ id: number }>).map((c) => c.id);
    expect(await byType('types/name = "Vendor"')).toEqual([12, 13]);
    expect(await byType('types/id = 1')).toEqual([10, 11, 13]);
    const custom = async (text: string) => ((await get(`company/companies?${q({ customFieldConditions: text })}`)).body as Array<{ id: number }>).map((c) => c.id);
    expect(await custom('caption = "Kaspersky Tenant" AND value = "alpha"')).toEqual([10]);
    expect(await custom('caption = "Region" and value != null')).toEqual([10, 12]);
    expect(await custom('caption = "Kaspersky Tenant" and value = null')).toEqual([11, 12, 13]);
  });

  it('refuses bad syntax, unknown fields and lists in conditions with 400 {code, message, errors}', async () => {
    for (const bad of ['name = ', 'name === "x"', '(id = 1', 'name = "open', 'nosuchfield = 1', 'id = 1 and', 'name = alpha', 'types/id = 1', 'id in 1,2', 'status/name > [not a date]']) {
      const res = await get(`company/companies?${q({ conditions: bad })}`);
      expect(res.status, bad).toBe(400);
      expect(res.body, bad).toEqual({ code: 'BadRequest', message: expect.any(String), errors: null });
    }
    expect((await get(`company/companies?${q({ childConditions: 'name = "x"' })}`)).status).toBe(400);
    expect((await get(`company/companies?${q({ customFieldConditions: 'colour = "x"' })}`)).status).toBe(400);
    expect((await get(`company/companies?${q({ orderBy: 'shoeSize asc' })}`)).status).toBe(400);
  });
});

describe('lists, paging and counts', () => {
  it('orders, projects fields (nested paths too) and counts with the same filters', async () => {
    const res = await get(`company/companies?${q({ orderBy: 'name desc', fields: 'id,name,status/name,_info/lastUpdated' })}`);
    // Case-insensitive, as SQL Server sorts.
    expect(res.body.map((c: { name: string }) => c.name)).toEqual(["Gamma O'Alpha", 'delta corp', 'Beta Ltd', 'Alpha Corp']);
    expect(res.body[2]).toEqual({ id: 11, name: 'Beta Ltd', status: { name: 'Inactive' }, _info: { lastUpdated: '2026-03-15T10:30:00Z' } });
    expect((await get(`company/companies?${q({ orderBy: 'status/name asc, id desc', fields: 'id' })}`)).body).toEqual([{ id: 13 }, { id: 12 }, { id: 10 }, { id: 11 }]);
    expect((await get(`company/companies/count?${q({ conditions: 'deletedFlag = false' })}`)).body).toEqual({ count: 3 });
    expect((await get('finance/agreements/100/additions/count')).body).toEqual({ count: 3 });
    expect((await get('service/boards/2/statuses/count?conditions=closedStatus%3Dtrue')).body).toEqual({ count: 2 });
  });

  it('pages from 1 with 25 by default, a Link header (first/prev/next/last), and pageSize capped at 1000', async () => {
    for (let i = 0; i < 1030; i++) sim.insertRecord('sources', { name: `Source ${String(i).padStart(4, '0')}` });
    const first = await get('service/sources');
    expect(first.body).toHaveLength(25);
    expect(first.body[0].id).toBe(1);
    const l1 = links(first);
    expect(Object.keys(l1).sort()).toEqual(['last', 'next']);
    expect(new URL(l1.next!).searchParams.get('page')).toBe('2');
    expect(new URL(l1.last!).searchParams.get('page')).toBe('42');
    const second = await get(l1.next!);
    expect(second.body[0].id).toBe(first.body[24].id + 1);
    expect(Object.keys(links(second)).sort()).toEqual(['first', 'last', 'next', 'prev']);
    const last = await get(l1.last!);
    expect(last.body).toHaveLength(1032 - 41 * 25);
    expect(Object.keys(links(last)).sort()).toEqual(['first', 'prev']);
    const capped = await get('service/sources?pageSize=5000');
    expect(capped.body).toHaveLength(1000);
    expect(new URL(links(capped).next!).searchParams.get('pageSize')).toBe('1000');
    expect((await get('service/sources?page=99')).body).toEqual([]);
    expect((await get('service/sources?pageSize=0')).status).toBe(400);
    expect((await get('service/sources?page=abc')).status).toBe(400);
  });

  it('pages forward-only by pageId (id > pageId, id order), follows its Link and refuses orderBy', async () => {
    for (let i = 0; i < 7; i++) sim.insertRecord('sources', { name: `Extra ${i}` });
    const fo = { ...auth, 'pagination-type': 'forward-only' };
    const seen: number[] = [];
    let url: string | undefined = `${sim.apiUrl}/service/sources?pageSize=4&page=3`;
    for (let guard = 0; url && guard < 10; guard++) {
      const res = await get(url, fo);
      expect(res.status).toBe(200);
      seen.push(...res.body.map((r: { id: number }) => r.id));
      url = links(res).next;
      if (res.body.length === 0) expect(url).toBeUndefined();
    }
    expect(seen).toEqual(sim.state.sources.map((s) => s.id).sort((a, b) => Number(a) - Number(b)));
    expect((await get('service/sources?pageSize=2&pageId=4', fo)).body.map((r: { id: number }) => r.id)).toEqual([5, 6]);
    const refused = await get('service/sources?orderBy=name%20desc', fo);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/orderBy/);
  });

  it('answers one record, 404 NotFound for an unknown id or a record of another parent', async () => {
    expect((await get('company/companies/10?fields=id,name')).body).toEqual({ id: 10, name: 'Alpha Corp' });
    const missing = await get('company/companies/999');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ code: 'NotFound', message: expect.stringContaining('999'), errors: null });
    expect((await get('finance/agreements/101/additions/700')).status).toBe(404);
    expect((await get('finance/agreements/999/additions')).status).toBe(404);
    expect((await get('service/boards/1/statuses/21')).status).toBe(404);
    expect((await get('service/boards/2/statuses/21')).body).toMatchObject({ id: 21, board: { id: 2, name: 'Monitoring Alert' } });
  });

  it('renders references with current names and derived agreement statuses', async () => {
    const agreements = (await get('finance/agreements?fields=id,agreementStatus')).body;
    expect(agreements).toEqual([
      { id: 100, agreementStatus: 'Active' },
      { id: 101, agreementStatus: 'Expired' },
      { id: 102, agreementStatus: 'Cancelled' },
      { id: 103, agreementStatus: 'Active' },
    ]);
    const additions = (await get('finance/agreements/100/additions?fields=id,product,agreementStatus,extPrice')).body;
    expect(additions).toEqual([
      { id: 700, product: { id: 600, identifier: 'KES-ADV-WS' }, agreementStatus: 'Active', extPrice: 45 },
      { id: 701, product: { id: 604, identifier: 'BACKUP-DEV' }, agreementStatus: 'Active', extPrice: 72 },
      { id: 702, product: { id: 601, identifier: 'KES-ADV-SRV' }, agreementStatus: 'Cancelled', extPrice: 18 },
    ]);
    sim.renameCompany(10, 'Alpha Corporation');
    expect((await get('service/tickets/5000')).body.company).toEqual({ id: 10, identifier: 'Alpha', name: 'Alpha Corporation' });
  });
});

describe('companies: PATCH', () => {
  it('replaces the whole customFields array (a field left out is cleared) and refuses unknown ones', async () => {
    const company = (await get('company/companies/10')).body;
    expect(company.customFields.map((f: { caption: string }) => f.caption)).toEqual(['Kaspersky Tenant', 'Region', 'Seats']);
    const fields = company.customFields.map((f: { id: number; value: unknown }) => (f.id === 5 ? { ...f, value: 'alpha-2' } : f));
    const res = await api('PATCH', 'company/companies/10', [{ op: 'replace', path: 'customFields', value: fields }]);
    expect(res.status).toBe(200);
    expect(res.body.customFields.find((f: { id: number }) => f.id === 5).value).toBe('alpha-2');
    expect(res.body.customFields.find((f: { id: number }) => f.id === 6).value).toBe('North');
    expect(res.body._info).toMatchObject({ lastUpdated: '2026-03-15T10:30:00Z', updatedBy: 'api-user' });

    const partial = await api('PATCH', 'company/companies/10', [{ op: 'replace', path: 'customFields', value: [{ id: 5, value: 'alpha-3' }] }]);
    expect(partial.body.customFields.map((f: { value: unknown }) => f.value)).toEqual(['alpha-3', null, null]);

    const unknown = await api('PATCH', 'company/companies/10', [{ op: 'replace', path: 'customFields', value: [{ id: 77, value: 'x' }] }]);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'InvalidObject', errors: [{ field: 'customFields', resource: 'company' }] });
    const wrongType = await api('PATCH', 'company/companies/10', [{ op: 'replace', path: 'customFields', value: [{ id: 9, value: 'many' }] }]);
    expect(wrongType.status).toBe(400);
    expect(sim.state.companies.find((c) => c.id === 10)!.customFields).toEqual([{ id: 5, value: 'alpha-3' }]);
  });

  it('answers the documented false 200 to a reference patched by its id path, and changes nothing', async () => {
    const res = await api('PATCH', 'company/companies/10', [{ op: 'replace', path: 'status/id', value: 2 }]);
    expect(res.status).toBe(200);
    expect(res.body.status).toEqual({ id: 1, name: 'Active' });
    const whole = await api('PATCH', 'company/companies/10', [{ op: 'replace', path: '/status', value: { id: 2 } }]);
    expect(whole.body.status).toEqual({ id: 2, name: 'Inactive' });
  });

  it('refuses a duplicate identifier (ObjectExists), a too-long name, unknown paths and a non-array body', async () => {
    const dup = await api('PATCH', 'company/companies/10', [{ op: 'replace', path: 'identifier', value: 'beta' }]);
    expect(dup.status).toBe(400);
    expect(dup.body.errors).toEqual([{ code: 'ObjectExists', message: expect.any(String), resource: 'company', field: 'identifier' }]);
    expect((await api('PATCH', 'company/companies/10', [{ op: 'replace', path: 'name', value: 'x'.repeat(51) }])).status).toBe(400);
    expect((await api('PATCH', 'company/companies/10', [{ op: 'replace', path: 'Name', value: 'Case' }])).status).toBe(400);
    expect((await api('PATCH', 'company/companies/10', { name: 'not a patch' })).status).toBe(400);
    expect((await api('PATCH', 'company/companies/10', [{ op: 'move', path: 'name', value: 'x' }])).status).toBe(400);
    expect((await api('PUT', 'company/companies/10', { name: 'x' })).status).toBe(405);
    expect(sim.state.companies.find((c) => c.id === 10)!.name).toBe('Alpha Corp');
  });
});

describe('agreement additions', () => {
  it('POST needs product and billCustomer: 400 InvalidObject with MissingRequiredField errors', async () => {
    const res = await api('POST', 'finance/agreements/100/additions', { quantity: 3 });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('InvalidObject');
    expect(res.body.message).toMatch(/object is invalid/);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { code: 'MissingRequiredField', message: expect.any(String), resource: 'agreementAddition', field: 'product' },
        { code: 'MissingRequiredField', message: expect.any(String), resource: 'agreementAddition', field: 'billCustomer' },
      ]),
    );
    expect(sim.state.additions).toHaveLength(3);
  });

  it('POST creates an addition (201) with catalog prices, product by id or identifier', async () => {
    const res = await api('POST', 'finance/agreements/100/additions', { product: { id: 601 }, quantity: 3, billCustomer: 'Billable', effectiveDate: '2026-03-15T00:00:00Z' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      product: { id: 601, identifier: 'KES-ADV-SRV' },
      agreementId: 100,
      quantity: 3,
      unitPrice: 9,
      unitCost: 4.3,
      extPrice: 27,
      billCustomer: 'Billable',
      effectiveDate: '2026-03-15T00:00:00Z',
      cancelledDate: null,
      agreementStatus: 'Active',
      _info: { dateEntered: '2026-03-15T10:30:00Z', enteredBy: 'api-user' },
    });
    const byIdentifier = await api('POST', 'finance/agreements/100/additions', { product: { identifier: 'kes-adv-ws' }, quantity: 1, billCustomer: 'DoNotBill', effectiveDate: '2026-04-01' });
    expect(byIdentifier.status).toBe(201);
    expect(byIdentifier.body).toMatchObject({ product: { id: 600 }, effectiveDate: '2026-04-01T00:00:00Z', billCustomer: 'DoNotBill' });
    expect((await get('finance/agreements/100/additions/count')).body).toEqual({ count: 5 });
  });

  it('refuses cancelled and expired agreements, inactive and bundle products, bad values', async () => {
    const body = { product: { id: 600 }, quantity: 1, billCustomer: 'Billable' };
    for (const agreement of [101, 102]) {
      const res = await api('POST', `finance/agreements/${agreement}/additions`, body);
      expect(res.status, String(agreement)).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ field: 'agreementId' });
    }
    for (const bad of [
      { ...body, product: { id: 602 } },
      { ...body, product: { id: 603 } },
      { ...body, product: { id: 9999 } },
      { ...body, billCustomer: 'Sometimes' },
      { ...body, quantity: -1 },
      { ...body, quantity: '3' },
      { ...body, effectiveDate: 'next tuesday' },
      { ...body, effectiveDate: '2026-05-01', cancelledDate: '2026-04-01' },
    ]) {
      const res = await api('POST', 'finance/agreements/100/additions', bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.code).toBe('InvalidObject');
    }
    expect((await api('POST', 'finance/agreements/100/additions', [body])).status).toBe(400);
    expect(sim.state.additions).toHaveLength(3);
  });

  it('PATCH changes quantity in place; a product/id path is a false 200; PUT replaces; DELETE removes', async () => {
    const patched = await api('PATCH', 'finance/agreements/100/additions/700', [{ op: 'replace', path: 'quantity', value: 14 }]);
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ quantity: 14, extPrice: 63, product: { id: 600 } });
    const falseOk = await api('PATCH', 'finance/agreements/100/additions/700', [{ op: 'replace', path: 'product/id', value: 601 }]);
    expect(falseOk.status).toBe(200);
    expect(falseOk.body.product.id).toBe(600);
    const put = await api('PUT', 'finance/agreements/100/additions/700', { product: { id: 600 }, billCustomer: 'Billable', quantity: 20 });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ quantity: 20, unitPrice: 4.5, effectiveDate: '2026-03-15T00:00:00Z' });
    expect((await api('PUT', 'finance/agreements/100/additions/700', { quantity: 20 })).status).toBe(400);
    const del = await api('DELETE', 'finance/agreements/100/additions/701');
    expect(del.status).toBe(204);
    expect((await get('finance/agreements/100/additions/701')).status).toBe(404);
    expect((await api('PATCH', 'finance/agreements/101/additions/700', [{ op: 'replace', path: 'quantity', value: 1 }])).status).toBe(404);
  });

  it('supports cancel-and-re-add: the old addition reads Cancelled once its cancelledDate has come', async () => {
    await api('PATCH', 'finance/agreements/100/additions/700', [{ op: 'replace', path: 'cancelledDate', value: '2026-03-15T00:00:00Z' }]);
    await api('POST', 'finance/agreements/100/additions', { product: { id: 600 }, quantity: 11, billCustomer: 'Billable', effectiveDate: '2026-03-15T00:00:00Z' });
    const open = await get(`finance/agreements/100/additions?${q({ conditions: 'product/identifier = "KES-ADV-WS" and cancelledDate = null', fields: 'id,quantity' })}`);
    expect(open.body).toEqual([{ id: expect.any(Number), quantity: 11 }]);
    expect((await get('finance/agreements/100/additions/700')).body.agreementStatus).toBe('Cancelled');
  });
});

describe('service tickets and notes', () => {
  const ticket = { summary: 'Malware found on PC-7', company: { id: 10 }, board: { id: 2 }, priority: { id: 1 }, source: { id: 4 }, externalXRef: 'kmsp:t1' };

  it('POST needs summary (≤100) and company; it defaults status, priority and source and keeps initialDescription as the first note', async () => {
    const missing = await api('POST', 'service/tickets', { board: { id: 2 } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { field: string; code: string }) => `${e.code}:${e.field}`).sort()).toEqual(['MissingRequiredField:company', 'MissingRequiredField:summary']);
    expect((await api('POST', 'service/tickets', { ...ticket, summary: 'x'.repeat(101) })).status).toBe(400);
    expect((await api('POST', 'service/tickets', { ...ticket, externalXRef: 'x'.repeat(101) })).status).toBe(400);

    const res = await api('POST', 'service/tickets', { ...ticket, initialDescription: 'Detected by KSC on PC-7', type: { id: 201 }, subType: { id: 301 }, item: { id: 401 }, requiredDate: '2026-03-16T10:30:00Z' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      summary: 'Malware found on PC-7',
      board: { id: 2, name: 'Monitoring Alert' },
      status: { id: 21, name: 'New' },
      priority: { id: 1, name: 'Priority 1 - Critical', level: 'Critical' },
      source: { id: 4, name: 'Monitoring' },
      type: { id: 201 },
      subType: { id: 301 },
      item: { id: 401 },
      externalXRef: 'kmsp:t1',
      closedFlag: false,
      recordType: 'ServiceTicket',
      requiredDate: '2026-03-16T10:30:00Z',
    });
    expect(res.body).not.toHaveProperty('initialDescription');
    const notes = (await get(`service/tickets/${res.body.id}/notes`)).body;
    expect(notes).toEqual([expect.objectContaining({ text: 'Detected by KSC on PC-7', detailDescriptionFlag: true, internalAnalysisFlag: false, ticketId: res.body.id, createdBy: 'api-user' })]);

    const defaults = await api('POST', 'service/tickets', { summary: 'No board', company: { identifier: 'gamma' } });
    expect(defaults.status).toBe(201);
    expect(defaults.body).toMatchObject({ board: { id: 1 }, status: { id: 11 }, priority: { id: 3 }, source: { id: 1 }, company: { id: 12 } });
  });

  it('refuses statuses, types, subtypes and items of another board, unassociated subtypes, inactive boards and inactive companies', async () => {
    for (const bad of [
      { ...ticket, status: { id: 11 } },
      { ...ticket, type: { id: 101 } },
      { ...ticket, item: { id: 402 } },
      { ...ticket, type: { id: 201 }, subType: { id: 302 } },
      { ...ticket, board: { id: 4 } },
      { ...ticket, board: { name: 'Monitoring Alert' } },
      { ...ticket, priority: { id: 99 } },
      { ...ticket, company: { id: 11 } },
      { ...ticket, company: { id: 13 } },
    ]) {
      const res = await api('POST', 'service/tickets', bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body).toMatchObject({ code: 'InvalidObject', message: 'ticket object is invalid' });
    }
    expect(sim.state.tickets).toHaveLength(1);
  });

  it('closes on a PATCH to a closed status of its board; status/id is the false 200; closedFlag itself is read-only', async () => {
    const id = (await api('POST', 'service/tickets', ticket)).body.id;
    const falseOk = await api('PATCH', `service/tickets/${id}`, [{ op: 'replace', path: 'status/id', value: 23 }]);
    expect(falseOk.status).toBe(200);
    expect(falseOk.body).toMatchObject({ status: { id: 21 }, closedFlag: false });
    const readOnly = await api('PATCH', `service/tickets/${id}`, [{ op: 'replace', path: 'closedFlag', value: true }]);
    expect(readOnly.body.closedFlag).toBe(false);
    expect((await api('PATCH', `service/tickets/${id}`, [{ op: 'replace', path: 'status', value: { id: 12 } }])).status).toBe(400);

    const closed = await api('PATCH', `service/tickets/${id}`, [
      { op: 'replace', path: 'status', value: { id: 23 } },
      { op: 'replace', path: '/summary', value: 'Malware removed' },
    ]);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: { id: 23, name: 'Completed' }, closedFlag: true, closedDate: '2026-03-15T10:30:00Z', closedBy: 'api-user', summary: 'Malware removed' });
    const reopened = await api('PATCH', `service/tickets/${id}`, [{ op: 'replace', path: 'status', value: { id: 22 } }]);
    expect(reopened.body).toMatchObject({ closedFlag: false, closedDate: null });
    expect((await get(`service/tickets?${q({ conditions: 'closedFlag = false and externalXRef = "kmsp:t1"', fields: 'id' })}`)).body).toEqual([{ id }]);
  });

  it('notes need text and one of the detail / internal / resolution flags', async () => {
    expect((await api('POST', 'service/tickets/5000/notes', { detailDescriptionFlag: true })).status).toBe(400);
    const noFlag = await api('POST', 'service/tickets/5000/notes', { text: 'hello' });
    expect(noFlag.status).toBe(400);
    expect(noFlag.body.code).toBe('InvalidObject');
    const ok = await api('POST', 'service/tickets/5000/notes', { text: 'Still infected', internalAnalysisFlag: true });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ ticketId: 5000, text: 'Still infected', internalAnalysisFlag: true, internalFlag: true, member: { identifier: 'api-user' }, dateCreated: '2026-03-15T10:30:00Z' });
    expect((await get('service/tickets/5000/notes?orderBy=id%20desc&fields=text,member/identifier')).body).toEqual([
      { text: 'Still infected', member: { identifier: 'api-user' } },
      { text: 'First words', member: { identifier: 'tech1' } },
    ]);
    expect((await api('POST', 'service/tickets/4242/notes', { text: 'x', detailDescriptionFlag: true })).status).toBe(404);
  });

  it('searches tickets by POST …/search with the conditions in the body', async () => {
    const res = await api('POST', 'service/tickets/search', { conditions: 'externalXRef = "kmsp:existing"' });
    expect(res.status).toBe(200);
    expect(res.body.map((t: { id: number }) => t.id)).toEqual([5000]);
  });
});

describe('injected failures', () => {
  it('429 carries Retry-After and the odd {error, message} body; counts and method narrow it', async () => {
    sim.inject({ endpoint: 'service/tickets', kind: '429', retryAfter: 30, method: 'POST' });
    expect((await get('service/tickets')).status).toBe(200);
    const res = await api('POST', 'service/tickets', { summary: 'x', company: { id: 10 } });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(res.body).toEqual({ error: 'ConnectWiseAPI', message: 'Too many requests. Please try again in 30 seconds.' });
    expect(sim.state.tickets).toHaveLength(1);
    expect((await api('POST', 'service/tickets', { summary: 'x', company: { id: 10 } })).status).toBe(201);
  });

  it('matches path fragments: finance/agreements covers additions, notes only notes', async () => {
    sim.inject({ endpoint: 'finance/agreements', kind: 'error', status: 503, message: 'Down for maintenance', count: 2 });
    const a = await get('finance/agreements/100/additions');
    expect(a.status).toBe(503);
    expect(a.body).toEqual({ code: 'ConnectWiseApi', message: 'Down for maintenance', errors: null });
    expect((await get('finance/agreements')).status).toBe(503);
    expect((await get('finance/agreements')).status).toBe(200);
    sim.inject({ endpoint: 'notes', kind: 'error' });
    expect((await get('service/tickets/5000')).status).toBe(200);
    expect((await get('service/tickets/5000/notes')).status).toBe(500);
    sim.inject({ endpoint: 'finance/agreements/*/additions', kind: 'error', rawBody: '<html>Gateway</html>', status: 502 });
    const raw = await fetch(`${sim.apiUrl}/finance/agreements/100/additions`, { headers: auth });
    expect(raw.status).toBe(502);
    expect(await raw.text()).toBe('<html>Gateway</html>');
  });

  it('error-after applies the write and then fails; delay waits through the sleep hook', async () => {
    sim.inject({ endpoint: 'additions', kind: 'error-after', method: 'POST' });
    const res = await api('POST', 'finance/agreements/100/additions', { product: { id: 601 }, quantity: 1, billCustomer: 'Billable' });
    expect(res.status).toBe(500);
    expect(sim.state.additions).toHaveLength(4);
    sim.inject({ endpoint: '*', kind: 'delay', delayMs: 2500 });
    expect((await get('system/info')).status).toBe(200);
    expect(slept).toEqual([2500]);
  });

  it('hold keeps a write unprocessed until released; clearInjections drops the pending ones', async () => {
    sim.inject({ endpoint: 'service/tickets', kind: 'hold', method: 'POST' });
    const pending = api('POST', 'service/tickets', { summary: 'held', company: { id: 10 } });
    for (let i = 0; i < 200 && sim.heldRequests() === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(sim.heldRequests()).toBe(1);
    expect(sim.state.tickets).toHaveLength(1);
    sim.releaseHeld();
    expect((await pending).status).toBe(201);
    expect(sim.state.tickets).toHaveLength(2);
    sim.inject({ endpoint: '*', kind: 'error', count: 5 });
    sim.clearInjections();
    expect((await get('system/info')).status).toBe(200);
  });
});

describe('control API and people in the UI', () => {
  const control = async (command: string, body: unknown = {}) => {
    const res = await fetch(`${sim.url}/_sim/${command}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };

  it('sets a company inactive, renames it, edits and inserts records, closes tickets, resets', async () => {
    expect((await control('set-company-active', { id: 10, active: false })).status).toBe(200);
    expect((await get('company/companies/10')).body.status).toEqual({ id: 2, name: 'Inactive' });
    expect((await control('rename-company', { id: 10, name: 'Alpha Holdings' })).status).toBe(200);
    expect((await get('company/companies/10')).body).toMatchObject({ name: 'Alpha Holdings', _info: { updatedBy: 'tech1' } });
    await control('update-record', { entity: 'Companies', id: 10, fields: { customFields: { Region: 'East' } } });
    expect((await get('company/companies/10')).body.customFields.map((f: { value: unknown }) => f.value)).toEqual(['alpha', 'East', null]);
    expect((await control('update-record', { entity: 'companies', id: 10, fields: { shoeSize: 9 } })).status).toBe(400);
    expect((await control('update-record', { entity: 'widgets', id: 1, fields: {} })).status).toBe(400);
    await control('update-record', { entity: 'agreements', id: 100, fields: { endDate: 'now-1d' } });
    expect((await get('finance/agreements/100')).body.agreementStatus).toBe('Expired');
    const inserted = await control('insert-record', { entity: 'statuses', record: { name: 'Resolved', board: { id: 3 }, closedStatus: true } });
    expect((await get(`service/boards/3/statuses/${inserted.body.id}`)).body).toMatchObject({ name: 'Resolved', closedStatus: true });
    await control('close-ticket', { id: 5000 });
    expect((await get('service/tickets/5000')).body).toMatchObject({ status: { id: 23, name: 'Completed' }, closedFlag: true, closedBy: 'tech1' });
    await control('close-ticket', { id: 5000, status: 'Closed' });
    expect((await get('service/tickets/5000')).body.status.name).toBe('Closed');
    expect((await control('close-ticket', { id: 4242 })).status).toBe(400);
    expect((await control('inject', { endpoint: '*', kind: 'error' })).body).toEqual({ pending: 1 });
    expect((await control('clear-injections')).status).toBe(200);
    expect((await control('release-held')).status).toBe(200);
    const state = await (await fetch(`${sim.url}/_sim/state`)).json();
    expect(state.tickets[0].status.id).toBe(24);
    expect(Object.keys(state)).toEqual(expect.arrayContaining(['companies', 'agreements', 'additions', 'catalog', 'boards', 'statuses', 'types', 'subtypes', 'items', 'priorities', 'sources', 'tickets', 'notes', 'customFieldDefinitions']));
    expect((await control('reset')).status).toBe(200);
    expect((await get('company/companies/10')).body).toMatchObject({ name: 'Alpha Corp', status: { id: 1 } });
    expect(sim.state.statuses.some((s) => s.name === 'Resolved')).toBe(false);
  });

  it('a board without a closed status cannot be closed; a removed custom field leaves every company', async () => {
    const id = (await api('POST', 'service/tickets', { summary: 'Intake', company: { id: 10 }, board: { id: 3 } })).body.id;
    expect(() => sim.closeTicket(id)).toThrow(/no closed status/);
    sim.removeCustomFieldDefinition('Kaspersky Tenant');
    expect((await get('company/companies/10')).body.customFields.map((f: { caption: string }) => f.caption)).toEqual(['Region', 'Seats']);
    expect((await get(`company/companies?${q({ customFieldConditions: 'caption = "Kaspersky Tenant" and value = "alpha"' })}`)).body).toEqual([]);
  });

  it('records requests without the keys', async () => {
    sim.clearRequests();
    await get(`company/companies?${q({ conditions: `name = "${member.privateKey}"` })}`);
    expect(sim.requests).toHaveLength(1);
    expect(sim.requests[0]).toMatchObject({ method: 'GET', path: '/v2025_1/apis/3.0/company/companies', status: 200 });
    const recorded = readFileSync(path.join(recordDir, 'requests.jsonl'), 'utf8');
    expect(recorded).toContain('/company/companies');
    for (const secret of [member.privateKey, member.publicKey, Buffer.from(`${member.companyId}+${member.publicKey}:${member.privateKey}`).toString('base64')]) {
      expect(recorded).not.toContain(secret);
      expect(JSON.stringify(sim.requests)).not.toContain(secret);
    }
  });
});

describe('answers match the vendor models', () => {
  const spec = loadSpecExtract('connectwise-manage-get-subset');

  function check(model: string, value: unknown, where: string, problems: string[]): void {
    const m = spec.models[model];
    if (!m) {
      problems.push(`${where}: no model ${model}`);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, v] of Object.entries(value)) {
      const p = m.properties[key];
      if (!p) {
        problems.push(`${where}.${key} is not a property of ${model}`);
        continue;
      }
      if (p.enum && v !== null && !p.enum.includes(v)) problems.push(`${where}.${key} = ${JSON.stringify(v)} is not in ${model}.${key}'s enum`);
      if (p.ref && v !== null) check(p.ref, v, `${where}.${key}`, problems);
      if (p.items && Array.isArray(v)) v.forEach((item, i) => check(p.items!, item, `${where}.${key}[${i}]`, problems));
    }
  }

  it('every list of the demo fixture answers only fields of its model, with enum values from the model', async () => {
    const demo = await startConnectWiseSimulator({ fixture: fixturesPath('demo', 'connectwise.json'), now: () => now });
    try {
      const headers = { Authorization: basic(`${demo.companyId}+${demo.publicKey}`, demo.privateKey), clientId: demo.clientId };
      const problems: string[] = [];
      const routes = [
        '/company/companies', '/company/companies/statuses', '/company/companies/types', '/finance/agreements', '/finance/agreements/types',
        '/procurement/catalog', '/service/boards', '/service/priorities', '/service/sources', '/service/tickets',
        '/finance/agreements/{parentId}/additions', '/service/boards/{parentId}/statuses', '/service/boards/{parentId}/types',
        '/service/boards/{parentId}/subtypes', '/service/boards/{parentId}/items', '/service/tickets/{parentId}/notes',
      ];
      const parents: Record<string, number[]> = {
        finance: demo.state.agreements.map((a) => a.id as number),
        boards: demo.state.boards.map((b) => b.id as number),
        tickets: demo.state.tickets.map((t) => t.id as number),
      };
      let records = 0;
      for (const route of routes) {
        const op = spec.paths[route]?.get;
        expect(op?.response, route).toBeTruthy();
        const ids = route.includes('{parentId}') ? parents[route.startsWith('/finance') ? 'finance' : route.includes('boards') ? 'boards' : 'tickets']! : [0];
        for (const id of ids) {
          const res = await fetch(`${demo.apiUrl}${route.replace('{parentId}', String(id))}?pageSize=1000`, { headers });
          expect(res.status, route).toBe(200);
          const list = (await res.json()) as unknown[];
          records += list.length;
          list.forEach((r, i) => check(op!.response!, r, `${route}[${i}]`, problems));
        }
      }
      expect(problems).toEqual([]);
      expect(records).toBeGreaterThan(200);
    } finally {
      await demo.close();
    }
  });
});
