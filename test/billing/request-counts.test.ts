// The PSA requests of a billing run, counted (deterministic, so asserted): where the PSA reads
// the units of many contracts in one request (Autotask: ContractServiceUnits with contractID in
// […]), the plan reads them all with one query per UNITS_QUERY_CONTRACTS contracts, and the
// re-read before posting is one query per group of REREAD_GROUP contracts posted together — the
// run stays well under the minimum of one read per contract plus one write per posting.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REREAD_GROUP } from '../../source/billing/executor.js';
import { runBilling } from '../../source/billing/run.js';
import type { BillingSettings, TenantMapping } from '../../source/domain/config.js';
import { fixturesPath } from '../../source/simulators/server.js';
import { startBillingEnv, type BillingEnv } from './helpers.js';

const TENANTS = REREAD_GROUP + 10; // two re-read groups when every contract changes
const DEVICES = 6;
const APP = 'Kaspersky Endpoint Security for Business Select';
const WS = 29690601;
const SRV = 29690602;

function generate(dir: string, offBy: (t: number) => number): TenantMapping[] {
  const demoAt = JSON.parse(readFileSync(path.join(fixturesPath('demo'), 'autotask.json'), 'utf8')) as Record<string, unknown>;
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
  const vservers = [];
  const companies = [];
  const contracts = [];
  const contractServices = [];
  const tenants: TenantMapping[] = [];
  for (let t = 0; t < TENANTS; t++) {
    const devices = Array.from({ length: DEVICES }, (_, d) => ({
      hostname: `${hex(t, 8)}-0000-4000-8000-${hex(d, 12)}`,
      dn: `T${t}-D${d}`,
      osName: d === 0 ? 'Microsoft Windows Server 2022' : 'Microsoft Windows 11 Pro',
      ctype: d === 0 ? 36871 : 4097,
    }));
    vservers.push({
      uid: `vs-count-${t}`,
      dn: `Count Tenant ${t}`,
      enabled: true,
      devices,
      keys: [{ serial: `COUNT-${t}`, productName: APP, type: 'commercial', capacity: 50, expiry: 'now+200d', current: devices.map((d) => d.hostname) }],
    });
    const companyId = 40_000_000 + t;
    const contractId = 41_000_000 + t;
    companies.push({ id: companyId, companyName: `Count Account ${t}`, companyType: 1, isActive: true });
    contracts.push({ id: contractId, companyID: companyId, contractName: `Count ${t}`, contractType: 7, status: 1, startDate: 'startOfYear', endDate: 'startOfYear+1y-1d' });
    contractServices.push({ contractID: contractId, serviceID: WS, units: DEVICES - 1 - offBy(t) }, { contractID: contractId, serviceID: SRV, units: 1 });
    tenants.push({ tenantId: `vs-count-${t}`, tenantName: `Count Tenant ${t}`, accountId: String(companyId), accountName: `Count Account ${t}`, billing: true, contractId: String(contractId), contractName: `Count ${t}` });
  }
  writeFileSync(path.join(dir, 'ksc.json'), JSON.stringify({ users: [{ username: 'kmsp-demo', password: 'demo-ksc-password', internal: true }], vservers }));
  writeFileSync(
    path.join(dir, 'autotask.json'),
    JSON.stringify({
      ...demoAt,
      companies,
      contracts,
      services: [
        { id: WS, name: 'KESB Select – Workstation', unitPrice: 3, unitCost: 1, periodType: 1, billingCodeID: 29682810, isActive: true },
        { id: SRV, name: 'KESB Select – Server', unitPrice: 7, unitCost: 3, periodType: 1, billingCodeID: 29682810, isActive: true },
      ],
      contractServices,
      tickets: [],
      ticketNotes: [],
    }),
  );
  return tenants;
}

const billing: BillingSettings = {
  byCategory: true,
  applications: [{ applicationId: APP, applicationName: APP, single: null, workstation: { value: String(WS), label: 'WS' }, server: { value: String(SRV), label: 'SRV' }, nonWindows: null }],
};

let dir: string;
let env: BillingEnv;
const unitQueries = () => env.demo.autotask.requests.filter((r) => /\/ContractServiceUnits\/query$/i.test(r.path));
const postings = () => env.demo.autotask.requests.filter((r) => r.method === 'POST' && /\/ContractServiceAdjustments$/i.test(r.path));

async function bill() {
  const c = await env.connect();
  try {
    env.demo.autotask.clearRequests();
    return await runBilling({ integration: env.integration, platform: c.platform, psa: c.psa, ledger: env.ledger(), now: new Date(), timeZone: 'UTC', dryRun: false });
  } finally {
    await c.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'kmsp-billing-counts-'));
  // Every contract is off by one workstation, but every third one, which holds the right units.
  const tenants = generate(dir, (t) => (t % 3 === 0 ? 0 : 1));
  env = await startBillingEnv(dir, { tenants, billing, timeZone: 'UTC' });
});
afterAll(async () => {
  await env.close();
  rmSync(dir, { recursive: true, force: true });
});

describe(`billing requests (Autotask, ${TENANTS} contracts)`, () => {
  it('the units of every contract in one query; one re-read per group of contracts posted together; one write per posting', async () => {
    const result = await bill();
    const changed = Array.from({ length: TENANTS }, (_, t) => t).filter((t) => t % 3 !== 0).length;
    expect(result.status).toBe('ok');
    expect(result.execution.totals.posted).toBe(changed);
    expect(postings()).toHaveLength(changed);
    expect(unitQueries()).toHaveLength(1 + Math.ceil(changed / REREAD_GROUP));
    for (const q of unitQueries()) expect((q.body as { filter: Array<{ op: string; field: string }> }).filter[0]).toMatchObject({ op: 'in', field: 'contractID' });
    // The whole run against the minimum of one units read per contract and one write per posting.
    const psaRequests = env.demo.autotask.requests.length;
    expect(psaRequests).toBeLessThanOrEqual(1.1 * (TENANTS + changed));
  });

  it('a rerun with nothing to change reads the units once and posts nothing', async () => {
    const result = await bill();
    expect(result.execution.totals.posted).toBe(0);
    expect(postings()).toHaveLength(0);
    expect(unitQueries()).toHaveLength(1);
  });
});
