// README › Billing approvals on the PSA that sets the quantity (ConnectWise agreement additions):
// the first posting on a new agreement and a 50% drop wait for a person, and an approved change is
// set on the record the fresh read before posting found, once.
import { beforeEach, describe, expect, it } from 'vitest';
import { runBilling } from '../../source/billing/run.js';
import { DEFAULT_APPROVALS } from '../../source/domain/billingGuards.js';
import type { Integration } from '../../source/domain/config.js';
import { newIntegration } from '../../source/domain/defaults.js';
import type { ConnectWiseSimulator } from '../../source/simulators/connectwise/index.js';
import type { Ledger } from '../../source/store/ledger.js';
import { useConnectWiseEnv } from '../helpers/connectwise-env.js';
import { basicBilling, basicTenants, CONTRACT, NW, SRV, WS } from './basicFixture.js';

const TZ = 'Europe/Berlin';
const env = useConnectWiseEnv('billing-basic');
let cw: ConnectWiseSimulator;
let ledger: Ledger;
let integration: Integration;

beforeEach(() => {
  ({ cw, ledger } = env.current);
  integration = { ...newIntegration('demo', env.current.kscConnection, env.current.cwConnection), tenants: basicTenants, billing: basicBilling, approvals: DEFAULT_APPROVALS };
});

const run = () => runBilling({ integration, platform: env.current.platform, psa: env.current.psa, ledger, now: new Date(), timeZone: TZ, dryRun: false });

/** Quantity of each product's live addition on the agreement. */
const quantities = () => {
  const out = new Map<string, number>();
  for (const a of cw.state.additions) {
    if (Number(a.agreementId) !== CONTRACT || a.cancelledDate) continue;
    out.set(String((a.product as { id: number }).id), Number(a.quantity));
  }
  return [out.get(WS), out.get(SRV), out.get(NW)];
};
const writes = () => cw.requests.filter((r) => r.method !== 'GET' && !r.path.startsWith('/_sim/')).length;
const approveAll = () => {
  for (const h of ledger.listHeldChanges({ states: ['held'] })) ledger.decideHeldChange(h.id, { approve: true, actor: 'tester (test)' });
};

describe('billing approvals, set-the-quantity PSA', () => {
  it('the first posting waits; approved, each quantity is set once', async () => {
    const first = await run();
    expect(first.execution.totals).toMatchObject({ posted: 0, held: 3, errors: 0 });
    expect(writes()).toBe(0);
    expect(quantities()).toEqual([85, undefined, 3]);
    approveAll();
    const second = await run();
    expect(second.execution.totals).toMatchObject({ posted: 3, held: 0, errors: 0 });
    expect(quantities()).toEqual([90, 10, 0]);
    const count = writes();
    const third = await run();
    expect(third.execution.totals).toMatchObject({ posted: 0, held: 0 });
    expect(writes()).toBe(count);
  });

  it('a 50% drop is held and set only after approval; a changed quantity replaces the approval', async () => {
    await run();
    approveAll();
    await run();
    const ws = cw.state.additions.find((a) => Number(a.agreementId) === CONTRACT && String((a.product as { id: number }).id) === WS && !a.cancelledDate)!;
    // Someone set 180 by hand: usage says 90.
    ws.quantity = 180;
    const drop = await run();
    expect(drop.execution.totals).toMatchObject({ posted: 0, held: 1 });
    const [h] = ledger.listHeldChanges();
    expect(h).toMatchObject({ billingItemId: WS, beforeUnits: 180, afterUnits: 90, state: 'held' });
    expect(quantities()[0]).toBe(180);

    ledger.decideHeldChange(h!.id, { approve: true, actor: 'tester (test)' });
    ws.quantity = 170; // changed again after the approval: the approval does not cover 170 → 90
    const stale = await run();
    expect(stale.execution.totals).toMatchObject({ posted: 0, held: 1 });
    expect(ledger.getHeldChange(h!.id)!.state).toBe('replaced');
    expect(quantities()[0]).toBe(170);

    const [again] = ledger.listHeldChanges();
    expect(again).toMatchObject({ beforeUnits: 170, afterUnits: 90 });
    ledger.decideHeldChange(again!.id, { approve: true, actor: 'tester (test)' });
    const posted = await run();
    expect(posted.execution.totals).toMatchObject({ posted: 1, held: 0, errors: 0 });
    expect(quantities()[0]).toBe(90);
    expect(ledger.getHeldChange(again!.id)).toMatchObject({ state: 'posted' });
    expect(ledger.getPosting(ledger.getHeldChange(again!.id)!.postingId!)).toMatchObject({ status: 'posted', beforeUnits: 170, afterUnits: 90 });
  });

  it('an approved change whose posting the PSA refused is approved again, not held again', async () => {
    await run();
    approveAll();
    cw.inject({ endpoint: 'finance/agreements/*/additions', kind: 'error', method: 'POST', status: 400, message: 'refused', count: 1 });
    const refused = await run();
    expect(refused.execution.totals.failed).toBe(1);
    expect(ledger.listHeldChanges({ states: ['approved'] })).toHaveLength(1);
    const next = await run();
    expect(next.execution.totals).toMatchObject({ posted: 1, held: 0, failed: 0 });
    expect(quantities()).toEqual([90, 10, 0]);
    expect(ledger.listHeldChanges()).toEqual([]);
  });
});
