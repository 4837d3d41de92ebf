// Safe by construction (README › Billing rules, "Safety rules"): crash after Autotask accepted a posting, unknown outcomes,
// one contract's error does not stop the others, and two runs never overlap.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBilling } from '../../source/billing/run.js';
import { calendarDate } from '../../source/domain/dates.js';
import { KmspError } from '../../source/domain/errors.js';
import { basicBilling, basicTenants } from './basicFixture.js';
import { adjustments, startBillingEnv, unitsOn, type BillingEnv } from './helpers.js';

const TZ = 'UTC';
const NORTH = 29690101;
const SOUTH = 29690102;
// Both tenants billed: Northwind 85/–/3 → 90/10/0, Southside (5 workstations) holds 2 → 5.
const tenants = basicTenants.map((t) => ({ ...t, billing: true }));

let env: BillingEnv;
beforeEach(async () => {
  env = await startBillingEnv('billing-basic', { tenants, billing: basicBilling });
});
afterEach(async () => env.close());

const finalUnits = (date: string) => {
  const u = unitsOn(env, date);
  return [`${NORTH}/29690601`, `${NORTH}/29690602`, `${NORTH}/29690603`, `${SOUTH}/29690601`].map((k) => u.get(k) ?? 0);
};
const EXPECTED_UNITS = [90, 10, 0, 5];

async function run(options: { afterPost?: Parameters<typeof runBilling>[0]['afterPost'] } = {}) {
  const c = await env.connect();
  try {
    return await runBilling({ integration: env.integration, platform: c.platform, psa: c.psa, ledger: env.ledger(), now: new Date(), timeZone: TZ, dryRun: false, ...options });
  } finally {
    await c.close();
  }
}

describe('billing safety', () => {
  it('a run that dies after Autotask accepted a posting, before the ledger settled it: the rerun posts nothing twice', async () => {
    const date = calendarDate(new Date(), TZ);
    let calls = 0;
    await expect(
      run({
        afterPost: () => {
          if (++calls === 1) throw new Error('simulated crash');
        },
      }),
    ).rejects.toThrow('simulated crash');
    // The crashed posting reached Autotask; the other contract may have had one in flight too.
    const afterCrash = adjustments(env).length;
    expect(afterCrash).toBeGreaterThanOrEqual(1);
    expect(afterCrash).toBeLessThan(4);
    const ledger = env.ledger();
    const pending = ledger.unsettledPostings({ integration: env.integration.name });
    expect(pending).toHaveLength(1);
    expect(pending[0]!.status).toBe('pending');

    const rerun = await run();
    expect(rerun.status).toBe('ok');
    expect(ledger.getPosting(pending[0]!.id)?.status).toBe('posted'); // settled from Autotask's units
    expect(ledger.unsettledPostings({ integration: env.integration.name })).toEqual([]);
    expect(finalUnits(date)).toEqual(EXPECTED_UNITS);
    // Four adjustments in all, one per contract item: none repeated.
    const keys = adjustments(env).map(([c, s]) => `${c}/${s}`);
    expect(keys).toHaveLength(4);
    expect(new Set(keys).size).toBe(4);
    const third = await run();
    expect(third.execution.totals.posted).toBe(0);
    expect(adjustments(env)).toHaveLength(4);
  });

  it('an outcome-unknown answer (applied, then a 500) marks the posting unknown; the next run settles it from the units and does not repeat it', async () => {
    const date = calendarDate(new Date(), TZ);
    env.demo.autotask.inject({ endpoint: 'ContractServiceAdjustments', kind: 'error-after', count: 1 });
    const first = await run();
    expect(first.status).toBe('partial');
    const unknown = first.execution.contracts.flatMap((c) => c.postings).filter((p) => p.status === 'unknown');
    expect(unknown).toHaveLength(1);
    expect(unknown[0]!.error?.message).toMatch(/post/i);
    expect(adjustments(env)).toHaveLength(4); // the "failed" one was in fact applied
    const ledger = env.ledger();
    expect(ledger.getPosting(unknown[0]!.ledgerId!)?.status).toBe('unknown');

    const second = await run();
    expect(second.status).toBe('ok');
    expect(second.execution.contracts.flatMap((c) => c.settled)).toMatchObject([{ ledgerId: unknown[0]!.ledgerId, status: 'posted' }]);
    expect(second.execution.totals.posted).toBe(0);
    expect(adjustments(env)).toHaveLength(4);
    expect(finalUnits(date)).toEqual(EXPECTED_UNITS);
  });

  it('an unknown posting whose units match neither side blocks that item until settled by hand', async () => {
    const date = calendarDate(new Date(), TZ);
    env.demo.autotask.inject({ endpoint: 'ContractServiceAdjustments', kind: 'error-after', count: 1 });
    const first = await run();
    const unknown = first.execution.contracts.flatMap((c) => c.plan.contractId === String(SOUTH) ? [] : c.postings.map((p) => ({ ...p, contract: c.plan.contractId }))).find((p) => p.status === 'unknown')
      ?? first.execution.contracts.flatMap((c) => c.postings.map((p) => ({ ...p, contract: c.plan.contractId }))).find((p) => p.status === 'unknown')!;
    // Someone edits the units in Autotask meanwhile (neither before nor after).
    const contractId = Number(unknown.contract);
    env.demo.autotask.state.units.filter((u) => Number(u.contractID) === contractId && String(u.serviceID) === unknown.billingItemId)
      .forEach((u) => (u.units = Number(u.units) + 7));
    const second = await run();
    const blocked = second.execution.contracts.flatMap((c) => c.postings).filter((p) => p.status === 'blocked');
    expect(blocked).toHaveLength(1);
    expect(blocked[0]!.error?.remedy).toContain(`kmsp ledger settle ${unknown.ledgerId}`);
    expect(second.status).toBe('partial');
    const count = adjustments(env).length;
    env.ledger().settlePosting(unknown.ledgerId!, { status: 'posted' });
    const third = await run();
    expect(third.execution.totals).toMatchObject({ posted: 1, errors: 0 });
    expect(adjustments(env)).toHaveLength(count + 1);
    expect(finalUnits(date)).toEqual(EXPECTED_UNITS);
  });

  it('an Autotask error on one contract does not stop the others and is reported with its cause', async () => {
    // Northwind's periods are approved and posted: Autotask refuses adjustments to them.
    env.demo.autotask.postPeriods(NORTH, '2999-12-31');
    const result = await run();
    expect(result.status).toBe('partial');
    const north = result.execution.contracts.find((c) => c.plan.contractId === String(NORTH))!;
    const south = result.execution.contracts.find((c) => c.plan.contractId === String(SOUTH))!;
    expect(north.postings.map((p) => p.status)).toEqual(['failed', 'failed', 'failed']);
    expect(north.postings[0]!.error?.cause ?? north.postings[0]!.error?.message).toMatch(/approved and posted/);
    expect(south.postings).toMatchObject([{ billingItemId: '29690601', before: 2, after: 5, delta: 3, status: 'posted' }]);
    expect(adjustments(env)).toEqual([[SOUTH, 29690601, 3]]);
    const ledger = env.ledger();
    expect(ledger.listPostings({ status: 'failed' })).toHaveLength(3);
    expect(ledger.getRun(result.runId!)?.error).toMatch(/approved and posted/);
  });

  it('a contract with no service period today is reported, not billed in full, and the others go on', async () => {
    env.demo.autotask.addContract({ id: 29690199, companyID: 29690002, contractName: 'Southside – next year', contractType: 7, status: 1, startDate: 'startOfYear+1y', endDate: 'startOfYear+2y-1d' });
    const moved = tenants.map((t) => (t.tenantId === 'vs-southside-0002' ? { ...t, contractId: '29690199', contractName: 'Southside – next year' } : t));
    env.integration.tenants = moved;
    const result = await run();
    const south = result.execution.contracts.find((c) => c.plan.contractId === '29690199')!;
    expect(south.error?.message).toBeTruthy();
    expect(result.execution.contracts.find((c) => c.plan.contractId === String(NORTH))!.postings.every((p) => p.status === 'posted')).toBe(true);
    expect(adjustments(env).every(([c]) => c === NORTH)).toBe(true);
  });

  it('two runs at once: the second refuses and names the holder', async () => {
    const c1 = await env.connect();
    const c2 = await env.connect();
    try {
      const common = { integration: env.integration, now: new Date(), timeZone: TZ, dryRun: false };
      const [a, b] = await Promise.allSettled([
        runBilling({ ...common, platform: c1.platform, psa: c1.psa, ledger: env.ledger() }),
        runBilling({ ...common, platform: c2.platform, psa: c2.psa, ledger: env.ledger() }),
      ]);
      expect(a.status).toBe('fulfilled');
      expect(b.status).toBe('rejected');
      const error = (b as PromiseRejectedResult).reason as KmspError;
      expect(error).toBeInstanceOf(KmspError);
      expect(error.code).toBe('run-locked');
      expect(error.message).toContain(`process ${process.pid}`);
      expect(adjustments(env)).toHaveLength(4);
    } finally {
      await c1.close();
      await c2.close();
    }
  });
});
