// The PSA requests of a billing run, counted (deterministic, so asserted): where the PSA reads
// the units of many contracts in one request (Autotask: ContractServiceUnits with contractID in
// […]), the plan reads them all with one query per UNITS_QUERY_CONTRACTS contracts, and the
// re-read before posting is one query per group of REREAD_GROUP contracts posted together — the
// run stays well under the minimum of one read per contract plus one write per posting.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REREAD_GROUP } from '../../source/billing/executor.js';
import { runBilling } from '../../source/billing/run.js';
import { countBilling, writeCountDataset } from '../helpers/count-dataset.js';
import { startBillingEnv, type BillingEnv } from './helpers.js';

const TENANTS = REREAD_GROUP + 10; // two re-read groups when every contract changes
const DEVICES = 6;
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
  const tenants = writeCountDataset(dir, { tenants: TENANTS, devices: DEVICES, servers: 1, keyCapacity: 50, units: (t) => ({ workstations: DEVICES - 1 - (t % 3 === 0 ? 0 : 1), servers: 1 }) });
  env = await startBillingEnv(dir, { tenants, billing: countBilling, timeZone: 'UTC' });
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
