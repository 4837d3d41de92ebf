// A PSA that sets quantities is read again right before the postings: a charge a person added
// between the plan and the posting is seen, and the posting refuses two charges of one item
// rather than setting the first and billing the customer twice.
import { expect, it } from 'vitest';
import { executeBillingPlan } from '../../source/billing/executor.js';
import { buildBillingPlan } from '../../source/billing/planner.js';
import { newIntegration } from '../../source/domain/defaults.js';
import { useTigerpawEnv } from '../helpers/tigerpaw-env.js';
import { basicTenants, KESB } from '../billing/basicFixture.js';

const NORTH = 29690101;
const WS = 'KESB-SEL-WS';
const env = useTigerpawEnv('billing-basic');

it('a second charge of an item added after the plan is not overwritten blindly (the posting refuses two charges)', async () => {
  const { tp, ledger, platform, psa } = env.current;
  const tenants = basicTenants.map((t) => ({ ...t, priceLevelId: '1', priceLevelName: 'Standard' }));
  const billing = {
    byCategory: true,
    applications: [{ applicationId: KESB, applicationName: KESB, single: null, workstation: { value: WS, label: WS }, server: { value: 'KESB-SEL-SRV', label: 'KESB-SEL-SRV' }, nonWindows: { value: 'KESB-SEL-NW', label: 'KESB-SEL-NW' } }],
  };
  const integration = { ...newIntegration('demo', env.current.kscConnection, env.current.tpConnection), tenants, billing };
  const runId = ledger.acquireRun({ job: 'billing' }).runId;
  const plan = await buildBillingPlan({ integration, platform, psa, now: new Date(), timeZone: 'Europe/Berlin' });
  // Meanwhile a person adds a second workstation charge of 4 to the agreement.
  (tp.state.additionalCharges as unknown as Array<Record<string, unknown>>).push({ DetailId: 29697999, AgreementNumber: NORTH, SpecialItemId: WS, Quantity: 4, PriceLevel: 1, Price: 3.2, DateAdded: new Date().toISOString(), PrintWhenQuantityZero: true });
  const result = await executeBillingPlan(plan, { psa, mode: 'set', ledger, runId, dryRun: false });
  // The contract is refused with its cause, for a person to look at.
  expect(result.contracts.find((c) => c.plan.contractId === String(NORTH))?.error ?? result.contracts.flatMap((c) => c.postings).find((p) => p.error)).toBeTruthy();
  const ws = tp.state.additionalCharges.filter((c) => Number(c.AgreementNumber) === NORTH && c.SpecialItemId === WS).reduce((n, c) => n + Number(c.Quantity), 0);
  // 90 workstations: either the posting refused (85 + 4 stay) or it accounted for both; never 94.
  expect(ws).not.toBe(94);
});
