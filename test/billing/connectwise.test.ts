// Billing into ConnectWise Manage agreements over the KSC and ConnectWise simulators: the
// scenarios of basic.test.ts and safety.test.ts on the PSA whose posting policy sets a
// quantity (README › Billing rules). The crafted fixture (fixtures/billing-basic) has 100
// devices = 90 Windows workstations + 10 Windows servers on KESB Select, billed by category to
// an agreement whose additions hold 85 workstations and 3 non-Windows, and 40 of a backup
// product kmsp does not bill. The first run sets 85 → 90, adds the server product with 10, sets
// 3 → 0 (kept, never deleted) and leaves the backup addition alone.
import { beforeEach, describe, expect, it } from 'vitest';
import { useConnectWiseEnv } from '../helpers/connectwise-env.js';
import type { ConnectWiseSimulator } from '../../source/simulators/connectwise/index.js';
import type { KscSimulator } from '../../source/simulators/ksc/index.js';
import type { Ledger } from '../../source/store/ledger.js';
import { buildBillingPlan } from '../../source/billing/planner.js';
import { runBilling, type BillingRunOptions } from '../../source/billing/run.js';
import type { Integration } from '../../source/domain/config.js';
import { newIntegration } from '../../source/domain/defaults.js';
import type { Psa, SecurityPlatform } from '../../source/domain/ports.js';
import { basicBilling, basicTenants, CONTRACT, NW, SRV, WS } from './basicFixture.js';

const TZ = 'Europe/Berlin';
const BACKUP = 29690604;

const env = useConnectWiseEnv('billing-basic');
let ksc: KscSimulator;
let cw: ConnectWiseSimulator;
let ledger: Ledger;
let platform: SecurityPlatform;
let psa: Psa;
let integration: Integration;

beforeEach(() => {
  ({ ksc, cw, ledger, platform, psa } = env.current);
  integration = { ...newIntegration('demo', env.current.kscConnection, env.current.cwConnection), tenants: basicTenants, billing: basicBilling };
});

const run = (extra: Partial<BillingRunOptions> = {}) => runBilling({ integration, platform, psa, ledger, now: new Date(), timeZone: TZ, dryRun: false, ...extra });

/** Quantity per product of the additions of one agreement (cancelled ones left out), and how many additions each product has. */
function additions(agreement = CONTRACT): Map<number, { quantity: number; count: number }> {
  const out = new Map<number, { quantity: number; count: number }>();
  for (const a of cw.state.additions) {
    if (Number(a.agreementId) !== agreement || a.cancelledDate) continue;
    const product = Number((a.product as { id: number }).id);
    const seen = out.get(product) ?? { quantity: 0, count: 0 };
    out.set(product, { quantity: seen.quantity + Number(a.quantity), count: seen.count + 1 });
  }
  return out;
}

const writes = () => cw.requests.filter((r) => r.method !== 'GET' && !r.path.startsWith('/_sim/'));

describe('billing into ConnectWise agreements (90 workstations + 10 servers)', () => {
  it('the plan shows current → new per product, and the same skipped tenant as on Autotask', async () => {
    const plan = await buildBillingPlan({ integration, platform, psa, now: new Date(), timeZone: TZ });
    expect(plan.skipped).toEqual([{ tenantId: 'vs-southside-0002', tenantName: 'Southside Bakery', reason: 'billing is off' }]);
    expect(plan.contracts).toHaveLength(1);
    expect(plan.contracts[0]!.error).toBeUndefined();
    const lines = Object.fromEntries(plan.contracts[0]!.lines.map((l) => [l.billingItemId, [l.before, l.after, l.delta]]));
    expect(lines).toEqual({ [WS]: [85, 90, 5], [SRV]: [0, 10, 10], [NW]: [3, 0, -3] });
    // No service periods on ConnectWise: the lines carry none.
    expect(plan.contracts[0]!.lines.every((l) => l.period === undefined)).toBe(true);
  });

  it('sets the quantities in place, adds the missing product, keeps a drop to 0, never touches the backup; a rerun writes nothing', async () => {
    const first = await run();
    expect(first.status).toBe('ok');
    const after = additions();
    expect([after.get(Number(WS)), after.get(Number(SRV)), after.get(Number(NW)), after.get(BACKUP)]).toEqual([
      { quantity: 90, count: 1 },
      { quantity: 10, count: 1 },
      { quantity: 0, count: 1 },
      { quantity: 40, count: 1 },
    ]);
    // One PATCH of a quantity per changed addition, one POST for the new one; nothing else written.
    const w = writes();
    expect(w.map((r) => r.method).sort()).toEqual(['PATCH', 'PATCH', 'POST']);
    expect(w.filter((r) => r.method === 'PATCH').every((r) => JSON.stringify(r.body) === JSON.stringify([{ op: 'replace', path: 'quantity', value: (r.body as Array<{ value: number }>)[0]!.value }]))).toBe(true);
    const rows = ledger.listPostings({ runId: first.runId! });
    expect(rows.map((r) => [r.billingItemId, r.beforeUnits, r.afterUnits, r.status]).sort()).toEqual([[WS, 85, 90, 'posted'], [SRV, 0, 10, 'posted'], [NW, 3, 0, 'posted']].sort());
    expect(rows.every((r) => r.psaPostingId && r.contractId === String(CONTRACT))).toBe(true);
    // The additions are read for the plan and again right before the postings; the postings to
    // additions that read found write without reading them once more; only the new product's
    // posting reads them (to know there is none).
    expect(cw.requests.filter((r) => r.method === 'GET' && new RegExp(`/finance/agreements/${CONTRACT}/additions$`).test(r.path))).toHaveLength(3);

    const count = writes().length;
    const second = await run();
    expect(second.execution.totals).toMatchObject({ posted: 0, errors: 0 });
    expect(writes()).toHaveLength(count);
    expect(ledger.listPostings({ runId: second.runId! })).toEqual([]);
  });

  it('dry run writes nothing', async () => {
    const result = await run({ dryRun: true });
    expect(result.execution.totals.wouldPost).toBe(3);
    expect(writes()).toEqual([]);
    expect(ledger.listPostings()).toEqual([]);
  });

  it('a run that dies after ConnectWise took a quantity, before the ledger settled it: the rerun settles it and writes nothing twice', async () => {
    let calls = 0;
    await expect(run({ afterPost: () => { if (++calls === 1) throw new Error('simulated crash'); } })).rejects.toThrow('simulated crash');
    const pending = ledger.unsettledPostings({ integration: 'demo' });
    expect(pending).toHaveLength(1);
    const rerun = await run();
    expect(rerun.status).toBe('ok');
    expect(ledger.getPosting(pending[0]!.id)?.status).toBe('posted');
    const after = additions();
    expect([after.get(Number(WS))?.quantity, after.get(Number(SRV))?.quantity, after.get(Number(NW))?.quantity]).toEqual([90, 10, 0]);
    expect([...after.values()].every((a) => a.count === 1)).toBe(true);
    const count = writes().length;
    expect((await run()).execution.totals.posted).toBe(0);
    expect(writes()).toHaveLength(count);
  });

  it('an answer lost after ConnectWise applied the write (error-after) is unknown; the next run settles it from the quantity and repeats nothing', async () => {
    cw.inject({ endpoint: 'finance/agreements/*/additions', kind: 'error-after', method: 'POST' });
    const first = await run();
    expect(first.status).toBe('partial');
    const unknown = first.execution.contracts.flatMap((c) => c.postings).filter((p) => p.status === 'unknown');
    expect(unknown.map((p) => p.billingItemId)).toEqual([SRV]);
    expect(additions().get(Number(SRV))).toEqual({ quantity: 10, count: 1 }); // the "failed" one was in fact applied
    const second = await run();
    expect(second.status).toBe('ok');
    expect(second.execution.contracts.flatMap((c) => c.settled)).toMatchObject([{ ledgerId: unknown[0]!.ledgerId, status: 'posted' }]);
    expect(second.execution.totals.posted).toBe(0);
    expect(additions().get(Number(SRV))).toEqual({ quantity: 10, count: 1 });
  });

  it('a product kmsp does not bill, added twice by a person, neither blocks the agreement nor is touched', async () => {
    cw.insertRecord('additions', { agreementId: CONTRACT, product: { id: BACKUP }, quantity: 5, effectiveDate: '2020-01-01T00:00:00Z', billCustomer: 'Billable' });
    const result = await run();
    expect(result.status).toBe('ok');
    expect(result.execution.contracts[0]!.error).toBeUndefined();
    const after = additions();
    expect([after.get(Number(WS)), after.get(Number(SRV)), after.get(Number(NW)), after.get(BACKUP)]).toEqual([
      { quantity: 90, count: 1 },
      { quantity: 10, count: 1 },
      { quantity: 0, count: 1 },
      { quantity: 45, count: 2 },
    ]);
    expect(writes().every((r) => !JSON.stringify(r.body).includes(String(BACKUP)))).toBe(true);
  });

  it('a cancelled agreement is refused with cause and remedy in ConnectWise words, and nothing is written', async () => {
    cw.updateRecord('agreements', CONTRACT, { cancelledFlag: true });
    const result = await run();
    expect(result.status).toBe('partial');
    const error = result.execution.contracts[0]!.error!;
    expect(error.message).toMatch(/^Agreement “Northwind – Managed Security” \(29690101\) of .* is not active; billing skips “Northwind Traders”/);
    expect(error.remedy).toContain('on the Companies tab');
    expect(writes()).toEqual([]);
  });
});
