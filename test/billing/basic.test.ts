// The example of README › Billing rules on a crafted fixture: 100 devices = 90 Windows workstations + 10 Windows
// servers on a commercial KESB Select key (3 lab machines on a trial key do not count), billed
// by category to a Recurring Service contract holding 85 / (none) / 3 units.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBilling } from '../../source/billing/run.js';
import { buildBillingPlan } from '../../source/billing/planner.js';
import { calendarDate } from '../../source/domain/dates.js';
import { adjustments, posts, startBillingEnv, unitsOn, type BillingEnv } from './helpers.js';

import { basicBilling, basicTenants, CONTRACT, NW, SRV, WS } from './basicFixture.js';

let env: BillingEnv;
beforeEach(async () => {
  env = await startBillingEnv('billing-basic', { tenants: basicTenants, billing: basicBilling });
});
afterEach(async () => env.close());

const TZ = 'Europe/Berlin';

describe('billing on the crafted fixture (90 workstations + 10 servers)', () => {
  it('the plan shows current → new per item and skips the tenant with billing off', async () => {
    const c = await env.connect();
    try {
      const plan = await buildBillingPlan({ integration: env.integration, platform: c.platform, psa: c.psa, now: new Date(), timeZone: TZ });
      expect(plan.skipped).toEqual([{ tenantId: 'vs-southside-0002', tenantName: 'Southside Bakery', reason: 'billing is off' }]);
      expect(plan.contracts).toHaveLength(1);
      expect(plan.contracts[0]!.error).toBeUndefined();
      const lines = Object.fromEntries(plan.contracts[0]!.lines.map((l) => [l.billingItemId, [l.before, l.after, l.delta]]));
      expect(lines).toEqual({ [WS]: [85, 90, 5], [SRV]: [0, 10, 10], [NW]: [3, 0, -3] });
    } finally {
      await c.close();
    }
  });

  it('posts exactly the differences; a rerun posts nothing; the ledger holds every posting', async () => {
    const c = await env.connect();
    const ledger = env.ledger();
    const date = calendarDate(new Date(), TZ);
    try {
      const first = await runBilling({ integration: env.integration, platform: c.platform, psa: c.psa, ledger, now: new Date(), timeZone: TZ, dryRun: false });
      expect(first.status).toBe('ok');
      expect(adjustments(env).sort()).toEqual([
        [CONTRACT, Number(WS), 5],
        [CONTRACT, Number(SRV), 10],
        [CONTRACT, Number(NW), -3],
      ].sort());
      const units = unitsOn(env, date);
      expect([units.get(`${CONTRACT}/${WS}`), units.get(`${CONTRACT}/${SRV}`), units.get(`${CONTRACT}/${NW}`)]).toEqual([90, 10, 0]);
      expect(units.get(`${CONTRACT}/29690604`)).toBe(40); // not mapped: never touched
      const rows = ledger.listPostings({ runId: first.runId! });
      expect(rows.map((r) => [r.billingItemId, r.beforeUnits, r.afterUnits, r.delta, r.status, r.effectiveDate]).sort()).toEqual(
        [[WS, 85, 90, 5, 'posted', date], [SRV, 0, 10, 10, 'posted', date], [NW, 3, 0, -3, 'posted', date]].sort(),
      );
      expect(rows.every((r) => r.psaPostingId && r.tenantId === 'vs-northwind-0001' && r.contractId === String(CONTRACT))).toBe(true);
      expect(ledger.getRun(first.runId!)).toMatchObject({ status: 'ok', dryRun: false });

      const writes = posts(env);
      const second = await runBilling({ integration: env.integration, platform: c.platform, psa: c.psa, ledger, now: new Date(), timeZone: TZ, dryRun: false });
      expect(second.execution.totals).toMatchObject({ posted: 0, errors: 0 });
      expect(posts(env)).toBe(writes);
      expect(adjustments(env)).toHaveLength(3);
      expect(ledger.listPostings({ runId: second.runId! })).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it('dry run writes nothing: no POST in the request log, no ledger row', async () => {
    const c = await env.connect();
    const ledger = env.ledger();
    try {
      env.demo.autotask.clearRequests();
      const result = await runBilling({ integration: env.integration, platform: c.platform, psa: c.psa, ledger, now: new Date(), timeZone: TZ, dryRun: true });
      expect(result.runId).toBeNull();
      expect(result.execution.totals.wouldPost).toBe(3);
      expect(result.execution.contracts[0]!.postings.map((p) => p.status)).toEqual(['dry-run', 'dry-run', 'dry-run']);
      expect(env.demo.autotask.requests.filter((r) => /ServiceAdjustments/i.test(r.path))).toEqual([]);
      expect(posts(env)).toBe(0);
      expect(ledger.listRuns()).toEqual([]);
      expect(ledger.listPostings()).toEqual([]);
    } finally {
      await c.close();
    }
  });
});
