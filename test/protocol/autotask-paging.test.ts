// Paging past one page (connectors/autotask/README.md §2.3): 1,234 companies generated here, read by the
// connector through pageDetails.nextPageUrl, POSTed with the original body.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTOTASK_DEFAULTS } from '../../source/domain/defaults.js';
import { createAutotaskPsa, type AutotaskPsa } from '../../source/connectors/autotask/index.js';
import { startAutotaskSimulator, type AutotaskFixture, type AutotaskSimulator } from '../../source/simulators/autotask/index.js';
import { assertAutotaskConformance } from '../helpers/swagger.js';

const COMPANIES = 1234;
const apiUser = { username: 'paging@sim.example', secret: 'paging-secret-1234', integrationCode: 'PAGINGCODE00000001', resourceId: 1 };

function bigFixture(): AutotaskFixture {
  return {
    apiUser,
    zone: { zoneName: 'Paging zone', ci: 7 },
    picklists: { Companies: { companyType: [{ value: 1, label: 'Customer' }, { value: 3, label: 'Prospect' }] } },
    userDefinedFields: { Companies: [{ name: 'Kaspersky Tenant' }] },
    resources: [{ id: 1, firstName: 'API', lastName: 'User', isActive: true }],
    companies: Array.from({ length: COMPANIES }, (_, i) => ({
      id: 1000 + i,
      companyName: `Company ${String(i).padStart(4, '0')}`,
      companyType: i % 10 === 0 ? 3 : 1,
      isActive: i % 7 !== 0,
      phone: '555',
      ownerResourceID: 1,
      userDefinedFields: { 'Kaspersky Tenant': i % 3 === 0 ? `Tenant ${i}` : null },
    })),
  };
}

let sim: AutotaskSimulator;
let psa: AutotaskPsa;

beforeAll(async () => {
  sim = await startAutotaskSimulator({ fixture: bigFixture() });
  psa = createAutotaskPsa({
    connection: { ...AUTOTASK_DEFAULTS, zoneDiscoveryUrl: sim.zoneDiscoveryUrl, username: apiUser.username },
    secret: apiUser.secret,
    integrationCode: apiUser.integrationCode,
  });
});

afterAll(async () => {
  await psa.close();
  await sim.close();
  // The raw GET below is deliberately wrong (405): exempt, and required to fail the check.
  assertAutotaskConformance(sim.requests, { exempt: (r) => r.method === 'GET' && /\/query\/next$/i.test(r.path) });
});

describe('paging', () => {
  it('reads all 1,234 companies across three pages, POSTing each next page with the original body', async () => {
    sim.clearRequests();
    const accounts = await psa.listAccounts();
    expect(accounts).toHaveLength(COMPANIES);
    expect(new Set(accounts.map((a) => a.id)).size).toBe(COMPANIES);
    expect(accounts.filter((a) => a.type === 'Prospect')).toHaveLength(Math.ceil(COMPANIES / 10));
    expect(accounts.filter((a) => !a.active)).toHaveLength(Math.ceil(COMPANIES / 7));
    expect(accounts.find((a) => a.id === '1003')!.customFields['Kaspersky Tenant']).toBe('Tenant 3');

    const queries = sim.requests.filter((r) => /\/Companies\/query/i.test(r.path));
    expect(queries.map((r) => [r.method, r.path.replace(/^.*\/V1\.0\//i, '')])).toEqual([
      ['POST', 'Companies/query'],
      ['POST', 'Companies/query/next'],
      ['POST', 'Companies/query/next'],
    ]);
    expect(queries[1]!.body).toEqual(queries[0]!.body);
    expect(queries[2]!.body).toEqual(queries[0]!.body);
    expect(queries[0]!.body).toMatchObject({ MaxRecords: 500, filter: [{ op: 'gte', field: 'id', value: 0 }] });
  });

  it('a GET on a next-page link answers 405 (why the connector POSTs)', async () => {
    const first = await fetch(`${sim.apiUrl}V1.0/Companies/query`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ApiIntegrationCode: apiUser.integrationCode, UserName: apiUser.username, Secret: apiUser.secret },
      body: JSON.stringify({ MaxRecords: 500, filter: [{ op: 'gte', field: 'id', value: 0 }] }),
    });
    const page = (await first.json()) as { items: unknown[]; pageDetails: { nextPageUrl: string; count: number; requestCount: number } };
    expect(page.items).toHaveLength(500);
    expect(page.pageDetails).toMatchObject({ count: 500, requestCount: 500 });
    const next = await fetch(page.pageDetails.nextPageUrl, { headers: { ApiIntegrationCode: apiUser.integrationCode, UserName: apiUser.username, Secret: apiUser.secret } });
    expect(next.status).toBe(405);
    expect(await next.json()).toEqual({ Message: "The requested resource does not support http method 'GET'." });
  });
});
