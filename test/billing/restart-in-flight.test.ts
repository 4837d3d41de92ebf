// A restart must not settle a write that is still in flight. The agent is killed (-9) while a
// slow Autotask still holds its POST; the rerun reads the units before that write lands and
// must neither call it "not applied" nor post the change again. Once the write can no longer
// land (the row's landsBy), "units at the before value" does mean "not applied".
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBilling } from '../../source/billing/run.js';
import { calendarDate } from '../../source/domain/dates.js';
import { exitWithin, spawnAgent, until } from '../agent/helpers.js';
import { runCli } from '../helpers/cli.js';
import { basicBilling, basicTenants, CONTRACT, WS } from './basicFixture.js';
import { adjustments, startBillingEnv, unitsOn, type BillingEnv } from './helpers.js';

const TZ = 'UTC';
// Both tenants billed: four postings in all (Northwind 85/–/3 → 90/10/0, Southside 2 → 5).
const tenants = basicTenants.map((t) => ({ ...t, billing: true }));
const EXPECTED = [
  [29690101, 29690601, 5],
  [29690101, 29690602, 10],
  [29690101, 29690603, -3],
  [29690102, 29690601, 3],
];

let env: BillingEnv;
beforeEach(async () => {
  env = await startBillingEnv('billing-basic', { tenants, billing: basicBilling, timeZone: TZ });
});
afterEach(async () => {
  env.demo.autotask.releaseHeld();
  await env.close();
});

const once = () => runCli(['--config', env.demo.configDir, 'agent', '--once', '--job', 'billing'], { env: { NO_COLOR: '1' } });

describe('a restart while the previous POST is still held by a slow Autotask', () => {
  it('the rerun leaves that item blocked ("may still be applied"); the held write lands once; the next run settles it posted', async () => {
    env.demo.autotask.inject({ endpoint: 'ContractServiceAdjustments', method: 'POST', kind: 'hold', count: 1 });
    const first = spawnAgent(env.demo.configDir, ['--once', '--job', 'billing']);
    await until(() => env.demo.autotask.heldRequests() === 1, 'a posting held by Autotask', 30_000, () => first.output().stdout + first.output().stderr);
    first.child.kill('SIGKILL');
    await exitWithin(first, 10_000);

    const ledger = env.ledger();
    const [inFlight] = ledger.unsettledPostings({ integration: env.integration.name });
    expect(inFlight, 'the killed run left its pending row').toBeDefined();
    expect(Date.parse(inFlight!.landsBy!)).toBeGreaterThan(Date.now());

    // Restarted while the POST is still held: the units show the before value.
    const rerun = await once();
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(1);
    expect(rerun.stdout + rerun.stderr).toMatch(/Not posted yet: an earlier posting to “[^”]+” of contract “[^”]+” may still be applied by the PSA \(ledger posting \d+/);
    expect(ledger.getPosting(inFlight!.id)!.status).toBe('unknown');
    const key = `${inFlight!.contractId}/${inFlight!.billingItemId}`;
    expect(adjustments(env).filter(([c, s]) => `${c}/${s}` === key)).toEqual([]);
    expect(adjustments(env)).toHaveLength(3);

    // The slow Autotask finishes the write of the process that is gone.
    env.demo.autotask.releaseHeld();
    await until(() => adjustments(env).length === 4, 'the held posting to land');

    const last = await once();
    expect(last.code, last.stdout + last.stderr).toBe(0);
    expect(ledger.getPosting(inFlight!.id)!.status).toBe('posted');
    expect(ledger.unsettledPostings({ integration: env.integration.name })).toEqual([]);
    // Exactly one adjustment per item: the held one was not posted a second time.
    expect(adjustments(env).sort()).toEqual(EXPECTED);
  });
});

describe('a pending posting that left no trace', () => {
  async function bill() {
    const c = await env.connect();
    try {
      return await runBilling({ integration: env.integration, platform: c.platform, psa: c.psa, ledger: env.ledger(), now: new Date(), timeZone: TZ, dryRun: false });
    } finally {
      await c.close();
    }
  }

  /** A pending row as a killed run leaves it: Northwind's workstations 85 → 90, not in Autotask. */
  function pendingRow(landsBy: Date) {
    const date = calendarDate(new Date(), TZ);
    return env.ledger().recordPosting({
      runId: null,
      integration: env.integration.name,
      tenantId: tenants[0]!.tenantId,
      tenantName: tenants[0]!.tenantName,
      accountId: tenants[0]!.accountId!,
      contractId: String(CONTRACT),
      billingItemId: WS,
      billingItemName: 'KESB Select – Workstation',
      applicationId: null,
      category: null,
      beforeUnits: unitsOn(env, date).get(`${CONTRACT}/${WS}`) ?? 0,
      afterUnits: 90,
      effectiveDate: date,
      psaPostingId: null,
      status: 'pending',
      landsBy,
    });
  }

  it('while its write may still land, its item is blocked and nothing is posted to it', async () => {
    const row = pendingRow(new Date(Date.now() + 60_000));
    const result = await bill();
    expect(result.status).toBe('partial');
    const blocked = result.execution.contracts.flatMap((c) => c.postings).filter((p) => p.status === 'blocked');
    expect(blocked.map((p) => p.billingItemId)).toEqual([WS]);
    expect(blocked[0]!.error!.remedy).toMatch(/Nothing to do: a run after .* settles it/);
    expect(env.ledger().getPosting(row.id)!.status).toBe('unknown');
    expect(adjustments(env).filter(([c, s]) => c === CONTRACT && String(s) === WS)).toEqual([]);
  });

  it('an in-flight posting on an item this run wants no change to is reported too (the pass is partial, so the agent retries)', async () => {
    const date = calendarDate(new Date(), TZ);
    // A posting to an item the settings no longer bill: no plan line will ever touch it.
    const row = env.ledger().recordPosting({
      runId: null, integration: env.integration.name, tenantId: tenants[0]!.tenantId, tenantName: tenants[0]!.tenantName, accountId: tenants[0]!.accountId!,
      contractId: String(CONTRACT), billingItemId: '29690699', billingItemName: 'Old item', applicationId: null, category: null,
      beforeUnits: 0, afterUnits: 4, effectiveDate: date, psaPostingId: null, status: 'pending', landsBy: new Date(Date.now() + 60_000),
    });
    const result = await bill();
    expect(result.status).toBe('partial');
    const blocked = result.execution.contracts.flatMap((c) => c.postings).filter((p) => p.status === 'blocked');
    expect(blocked.map((p) => [p.billingItemId, p.delta])).toEqual([['29690699', 0]]);
    expect(blocked[0]!.error!.message).toMatch(/Not posted yet: an earlier posting to “Old item” .* may still be applied by the PSA/);
    expect(env.ledger().getPosting(row.id)!.status).toBe('unknown');
    // The items the run does bill are posted as usual.
    expect(adjustments(env).sort()).toEqual(EXPECTED);
  });

  it('once it can no longer land, it is settled as not applied and the change is posted once', async () => {
    const row = pendingRow(new Date(Date.now() - 1000));
    const result = await bill();
    expect(result.status).toBe('ok');
    expect(env.ledger().getPosting(row.id)!.status).toBe('failed');
    expect(adjustments(env).sort()).toEqual(EXPECTED);
  });
});
