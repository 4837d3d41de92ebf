// README › Billing approvals on the PSA that takes the signed difference (Autotask adjustments):
// risky changes are held in the ledger and posted only after a person approves them, re-checked
// against the PSA's units; a held change that usage overtook is replaced, never posted stale; a
// tenant whose platform data could not be read completely is held, never billed as zero.
// Crafted fixture (fixtures/billing-basic): 90 workstations + 10 servers by category, the
// contract holding 85 / (none) / 3.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBilling } from '../../source/billing/run.js';
import { DEFAULT_APPROVALS } from '../../source/domain/billingGuards.js';
import type { ApprovalSettings, Integration } from '../../source/domain/config.js';
import { calendarDate } from '../../source/domain/dates.js';
import type { Ledger } from '../../source/store/ledger.js';
import { adjustments, posts, startBillingEnv, unitsOn, type BillingEnv } from './helpers.js';
import { basicBilling, basicTenants, CONTRACT, NW, SRV, WS } from './basicFixture.js';

const TZ = 'Europe/Berlin';
let env: BillingEnv;
let ledger: Ledger;
beforeEach(async () => {
  env = await startBillingEnv('billing-basic', { tenants: basicTenants, billing: basicBilling });
  ledger = env.ledger();
});
afterEach(async () => env.close());

const withApprovals = (approvals: ApprovalSettings | undefined): Integration => {
  const { approvals: _, ...rest } = env.integration;
  return approvals ? { ...rest, approvals } : rest;
};

async function run(integration: Integration) {
  const c = await env.connect();
  try {
    return await runBilling({ integration, platform: c.platform, psa: c.psa, ledger, now: new Date(), timeZone: TZ, dryRun: false });
  } finally {
    await c.close();
  }
}

const held = () => ledger.listHeldChanges().map((h) => [h.billingItemId, h.beforeUnits, h.afterUnits, h.state, h.reasons.map((r) => r.code)]);
const units = () => {
  const u = unitsOn(env, calendarDate(new Date(), TZ));
  return [u.get(`${CONTRACT}/${WS}`), u.get(`${CONTRACT}/${SRV}`), u.get(`${CONTRACT}/${NW}`)];
};
/** Someone sets the units of an item by hand in the PSA. */
const setUnits = (item: string, value: number) => {
  const date = calendarDate(new Date(), TZ);
  for (const u of env.demo.autotask.state.units) {
    if (Number(u.contractID) === CONTRACT && String(u.serviceID) === item && String(u.startDate).slice(0, 10) <= date && date <= String(u.endDate).slice(0, 10)) u.units = value;
  }
};
const approveAll = () => {
  for (const h of ledger.listHeldChanges({ states: ['held'] })) ledger.decideHeldChange(h.id, { approve: true, actor: 'tester (test)' });
};

/**
 * The contract's first postings approved and posted, then someone bills 180 workstations by hand:
 * usage says 90, the 50% drop is held and a person approves it. Returns that approved change.
 */
async function approvedDrop(integration: Integration) {
  await run(integration);
  approveAll();
  await run(integration);
  setUnits(WS, 180);
  await run(integration);
  const [h] = ledger.listHeldChanges();
  return ledger.decideHeldChange(h!.id, { approve: true, actor: 'tester (test)' });
}

describe('billing approvals, signed-difference PSA', () => {
  it('a configuration without approvals posts every change, as before', async () => {
    const r = await run(withApprovals(undefined));
    expect(r.execution.totals).toMatchObject({ posted: 3, held: 0, errors: 0 });
    expect(ledger.listHeldChanges({ states: ['held', 'approved', 'rejected', 'replaced', 'posted'] })).toEqual([]);
  });

  it('hold risky changes: the first posting on a new contract waits; approved, it is posted once', async () => {
    const integration = withApprovals(DEFAULT_APPROVALS);
    const first = await run(integration);
    expect(first.status).toBe('ok');
    expect(first.execution.totals).toMatchObject({ posted: 0, held: 3, errors: 0 });
    expect(posts(env)).toBe(0);
    expect(held().sort()).toEqual(
      [
        [WS, 85, 90, 'held', ['first-posting']],
        [SRV, 0, 10, 'held', ['first-posting']],
        [NW, 3, 0, 'held', ['first-posting', 'to-zero']],
      ].sort(),
    );
    // Held again by a rerun: the same rows, no duplicates, nothing posted.
    const again = await run(integration);
    expect(again.execution.totals).toMatchObject({ posted: 0, held: 3 });
    expect(ledger.listHeldChanges()).toHaveLength(3);

    approveAll();
    const audit = ledger.listConfigAudit();
    expect(audit[0]).toMatchObject({ actor: 'tester (test)' });
    expect(audit.map((a) => a.summary).filter((s) => s.startsWith('billing: approved held change'))).toHaveLength(3);
    const third = await run(integration);
    expect(third.execution.totals).toMatchObject({ posted: 3, held: 0, errors: 0 });
    expect(units()).toEqual([90, 10, 0]);
    const done = ledger.listHeldChanges({ states: ['posted'] });
    expect(done).toHaveLength(3);
    for (const h of done) expect(ledger.getPosting(h.postingId!)).toMatchObject({ status: 'posted', beforeUnits: h.beforeUnits, afterUnits: h.afterUnits });
    // Nothing left to post, nothing posted twice.
    const fourth = await run(integration);
    expect(fourth.execution.totals).toMatchObject({ posted: 0, held: 0 });
    expect(adjustments(env)).toHaveLength(3);
  });

  it('a 50% drop is held, and posted only after approval, against the units the PSA holds then', async () => {
    const integration = withApprovals(DEFAULT_APPROVALS);
    await run(integration);
    approveAll();
    await run(integration);
    expect(units()).toEqual([90, 10, 0]);
    // Someone billed 180 workstations by hand: usage says 90, a drop of 50%.
    setUnits(WS, 180);
    const drop = await run(integration);
    expect(drop.execution.totals).toMatchObject({ posted: 0, held: 1 });
    const [h] = ledger.listHeldChanges();
    expect(h).toMatchObject({ billingItemId: WS, beforeUnits: 180, afterUnits: 90, state: 'held', tenantName: 'Northwind Traders' });
    expect(h!.reasons).toEqual([{ code: 'decrease', text: 'decrease of 90 of 180 units, 50% (more than 20%)' }]);
    expect(units()[0]).toBe(180);
    expect(adjustments(env)).toHaveLength(3);

    ledger.decideHeldChange(h!.id, { approve: true, actor: 'tester (test)' });
    const posted = await run(integration);
    expect(posted.execution.totals).toMatchObject({ posted: 1, held: 0, errors: 0 });
    expect(posted.execution.contracts[0]!.postings.find((p) => p.status === 'posted')).toMatchObject({ billingItemId: WS, before: 180, after: 90, delta: -90, heldId: h!.id });
    expect(units()[0]).toBe(90);
    expect(ledger.getHeldChange(h!.id)).toMatchObject({ state: 'posted' });
    expect(adjustments(env).at(-1)).toEqual([CONTRACT, Number(WS), -90]);
  });

  it('an approved change whose posting never reached the PSA is approved again and posted by the next pass, not held anew', async () => {
    const integration = withApprovals(DEFAULT_APPROVALS);
    const h = await approvedDrop(integration);
    // A pass took the approved change to its posting and died before the PSA write: the pending
    // row can no longer land (its deadline passed) and the PSA still holds 180.
    const sent = ledger.postHeldChange(h!.id, {
      runId: null, integration: integration.name, tenantId: h!.tenantId, tenantName: h!.tenantName, accountId: h!.accountId, contractId: h!.contractId,
      billingItemId: WS, billingItemName: h!.billingItemName, applicationId: null, category: null, beforeUnits: 180, afterUnits: 90,
      effectiveDate: h!.effectiveDate, psaPostingId: null, status: 'pending', landsBy: new Date(Date.now() - 60_000),
    });
    expect(sent).not.toBeNull();
    const next = await run(integration);
    // Settled as failed, the change is approved again and this very pass posts it (re-judged on the units read now).
    expect(ledger.getPosting(sent!.id)).toMatchObject({ status: 'failed' });
    expect(next.execution.totals).toMatchObject({ posted: 1, held: 0, errors: 0 });
    expect(ledger.getHeldChange(h!.id)).toMatchObject({ state: 'posted', decidedBy: 'tester (test)' });
    expect(units()[0]).toBe(90);
  });

  it('an approved change the PSA moved away from is not posted stale: it is replaced and judged again', async () => {
    const integration = withApprovals(DEFAULT_APPROVALS);
    const first = await approvedDrop(integration);
    // Before the next pass, the PSA's units change again: the approval was for 180 → 90.
    setUnits(WS, 200);
    const next = await run(integration);
    expect(next.execution.totals).toMatchObject({ posted: 0, held: 1 });
    expect(ledger.getHeldChange(first!.id)).toMatchObject({ state: 'replaced' });
    expect(ledger.getHeldChange(first!.id)!.note).toMatch(/planned 200 → 90/);
    expect(ledger.listHeldChanges().map((c) => [c.beforeUnits, c.afterUnits, c.state])).toEqual([[200, 90, 'held']]);
    expect(units()[0]).toBe(200);
    // The PSA put right by hand: nothing to post, the held change is overtaken.
    setUnits(WS, 90);
    const righted = await run(integration);
    expect(righted.execution.totals).toMatchObject({ posted: 0, held: 0 });
    expect(ledger.listHeldChanges()).toEqual([]);
    expect(ledger.listHeldChanges({ states: ['replaced'] })).toHaveLength(2);
  });

  it('a rejected change is not posted and not held again while the numbers stay the same', async () => {
    const integration = withApprovals({ mode: 'hold-all', maxDecreasePercent: 20, maxDecreaseUnits: null });
    const first = await run(integration);
    expect(first.execution.totals).toMatchObject({ posted: 0, held: 3 });
    expect(held().every((h) => (h[4] as string[]).includes('hold-all'))).toBe(true);
    const nw = ledger.listHeldChanges().find((h) => h.billingItemId === NW)!;
    ledger.decideHeldChange(nw.id, { approve: false, actor: 'tester (test)', note: 'keep the Linux licences' });
    for (const h of ledger.listHeldChanges({ states: ['held'] })) ledger.decideHeldChange(h.id, { approve: true, actor: 'tester (test)' });
    const second = await run(integration);
    expect(second.execution.totals).toMatchObject({ posted: 2, held: 0 });
    expect(second.execution.contracts[0]!.postings.find((p) => p.billingItemId === NW)).toMatchObject({ status: 'rejected', heldId: nw.id });
    expect(units()).toEqual([90, 10, 3]);
    expect(() => ledger.decideHeldChange(nw.id, { approve: true, actor: 'tester (test)' })).toThrow(/is rejected/);
  });

  it('a held change of a contract no longer billed is replaced, not left waiting', async () => {
    const integration = withApprovals(DEFAULT_APPROVALS);
    await run(integration);
    expect(ledger.listHeldChanges()).toHaveLength(3);
    const off = { ...integration, tenants: integration.tenants.map((t) => ({ ...t, billing: false })) };
    const r = await run(off);
    expect(r.execution.totals).toMatchObject({ posted: 0, held: 0 });
    expect(ledger.listHeldChanges()).toEqual([]);
    expect(ledger.listHeldChanges({ states: ['replaced'] }).every((h) => /no longer bills this contract/.test(h.note ?? ''))).toBe(true);
  });

  it('a decrease under the share but over the unit limit is held', async () => {
    const integration = withApprovals({ mode: 'hold-risky', maxDecreasePercent: 20, maxDecreaseUnits: 5 });
    await run(integration);
    approveAll();
    await run(integration);
    setUnits(WS, 100); // 100 → 90: 10%, but 10 units
    const r = await run(integration);
    expect(r.execution.totals).toMatchObject({ posted: 0, held: 1 });
    expect(ledger.listHeldChanges()[0]!.reasons).toEqual([{ code: 'decrease', text: 'decrease of 10 units (more than 5)' }]);
    // An increase is routine.
    setUnits(WS, 80);
    const up = await run(integration);
    expect(up.execution.totals).toMatchObject({ posted: 1, held: 0 });
    expect(units()[0]).toBe(90);
    expect(ledger.listHeldChanges({ states: ['replaced'] })).toHaveLength(1);
  });

  it('platform data read incompletely is held, never billed as zero, whatever the mode', async () => {
    // The tenant's license keys cannot be read while the product list is made: its products are
    // missing from it, and counted without them its items would drop to 0.
    env.demo.ksc.injectFailure({ method: 'LicenseKeys.EnumKeys', mode: 'pxg', count: 1, vserver: 'vs-northwind-0001' });
    const r = await run(withApprovals(undefined));
    expect(r.plan.contracts[0]!.incomplete).toMatch(/Northwind Traders: the license keys of virtual server "Northwind Traders" could not be read/);
    expect(posts(env)).toBe(0);
    expect(r.execution.totals.posted).toBe(0);
    expect(r.execution.totals.held).toBeGreaterThan(0);
    expect(ledger.listHeldChanges().every((h) => h.reasons.some((x) => x.code === 'incomplete'))).toBe(true);
    expect(units()).toEqual([85, undefined, 3]);
    // Read whole again: the changes are planned anew; the held ones are replaced by the postings.
    const next = await run(withApprovals(undefined));
    expect(next.execution.totals).toMatchObject({ posted: 3, held: 0, errors: 0 });
    expect(units()).toEqual([90, 10, 0]);
    expect(ledger.listHeldChanges()).toEqual([]);
  });
});
