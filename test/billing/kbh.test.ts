// Billing Kaspersky Business Hub usage into Autotask contracts and ConnectWise agreements, over
// the simulators (README › Billing rules). fixtures/billing-basic/kbh.json (counts in
// simulators/kbh/FIXTURE.md): Northwind bills KES Cloud Plus for 4 users (3 workstations + 1
// server, and 5 mobiles = ⌈5/2⌉ = 3 users), KES Cloud per device for 5 workstations, 2 servers
// and 1 Mac, 37 Office 365 mailboxes; its trial, paused and expired licenses count nothing.
// Southside bills KES Cloud Pro for 4 users (1 workstation, 7 mobiles = ⌈7/2⌉ = 4) and no
// mailboxes (its Office 365 subscription is paused). The PSA fixtures of that folder hold, before
// the first run: Northwind Plus 3, KES Cloud workstations 5, mailboxes 40; Southside Pro 2,
// mailboxes 12 — and the KESB items the KSC tests bill (85 / – / 3), which no Business Hub
// application may touch.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildBillingPlan } from '../../source/billing/planner.js';
import { runBilling, type BillingRunOptions } from '../../source/billing/run.js';
import type { ApplicationItems, BillingSettings, TenantMapping } from '../../source/domain/config.js';
import { KBH_PSAS, startKbhEnv, type KbhEnv } from '../helpers/kbh-env.js';

const TZ = 'UTC';
const NORTH = '29690101';
const SOUTH = '29690102';
// The Business Hub items of the PSA fixtures (the same ids on both PSAs).
const PLUS = '29690605';
const PRO = '29690606';
const WS = '29690607';
const SRV = '29690608';
const NW = '29690609';
const MBX = '29690610';
// Items of the KSC scenarios on the same contracts.
const KESB_WS = '29690601';
const KESB_SRV = '29690602';
const KESB_NW = '29690603';
const BACKUP = '29690604';

const tenants: TenantMapping[] = [
  { tenantId: 'co-northwind-0001', tenantName: 'Northwind Traders', accountId: '29690001', accountName: 'Northwind Traders GmbH', billing: true, contractId: NORTH, contractName: 'Northwind – Managed Security' },
  { tenantId: 'co-southside-0002', tenantName: 'Southside Bakery', accountId: '29690002', accountName: 'Southside Bakery', billing: true, contractId: SOUTH, contractName: 'Southside – Managed Security' },
];

const choice = (value: string, label: string) => ({ value, label });
const app = (applicationId: string, applicationName: string, items: Partial<Pick<ApplicationItems, 'single' | 'workstation' | 'server' | 'nonWindows'>>): ApplicationItems => ({
  applicationId, applicationName, single: null, workstation: null, server: null, nonWindows: null, ...items,
});
const PLUS_ROW = app('kes-cloud-plus', 'Kaspersky Endpoint Security Cloud Plus', { single: choice(PLUS, 'KES Cloud Plus – User') });
const billing: BillingSettings = {
  byCategory: true,
  applications: [
    PLUS_ROW,
    app('kes-cloud-pro', 'Kaspersky Endpoint Security Cloud Pro', { single: choice(PRO, 'KES Cloud Pro – User') }),
    app('kes-cloud', 'Kaspersky Endpoint Security Cloud', { workstation: choice(WS, 'KES Cloud – Workstation'), server: choice(SRV, 'KES Cloud – Server'), nonWindows: choice(NW, 'KES Cloud – Non-Windows') }),
    app('ksmo365', 'Kaspersky Security for Microsoft Office 365', { single: choice(MBX, 'Office 365 protection – Mailbox') }),
  ],
};

/** What each contract holds after a correct run of the fixture. */
const EXPECTED: Record<string, Record<string, number | null>> = {
  [NORTH]: { [PLUS]: 4, [PRO]: null, [WS]: 5, [SRV]: 2, [NW]: 1, [MBX]: 37, [KESB_WS]: 85, [KESB_SRV]: null, [KESB_NW]: 3, [BACKUP]: 40 },
  [SOUTH]: { [PLUS]: null, [PRO]: 4, [WS]: null, [SRV]: null, [NW]: null, [MBX]: 0, [KESB_WS]: 2 },
};
/** The changes of the first run: [contract, item, delta]. */
const CHANGES: Array<[string, string, number]> = [
  [NORTH, PLUS, 1], [NORTH, SRV, 2], [NORTH, NW, 1], [NORTH, MBX, -3],
  [SOUTH, PRO, 2], [SOUTH, MBX, -12],
];

describe.each(KBH_PSAS)('Business Hub billing into %s', (psaKind) => {
  let env: KbhEnv;
  beforeEach(async () => {
    env = await startKbhEnv(psaKind, 'billing-basic', { tenants, billing, timeZone: TZ });
  });
  afterEach(async () => env.close());

  async function run(extra: Partial<BillingRunOptions> = {}) {
    const c = await env.connect();
    try {
      return await runBilling({ integration: env.integration, platform: c.platform, psa: c.psa, ledger: env.ledger(), now: new Date(), timeZone: TZ, dryRun: false, ...extra });
    } finally {
      await c.close();
    }
  }
  async function plan() {
    const c = await env.connect();
    try {
      return await buildBillingPlan({ integration: env.integration, platform: c.platform, psa: c.psa, now: new Date(), timeZone: TZ });
    } finally {
      await c.close();
    }
  }
  const held = (contract: string) => Object.fromEntries(Object.keys(EXPECTED[contract]!).map((item) => [item, env.psa.quantity(contract, item)]));
  const linesOf = async (contract: string) => {
    const c = (await plan()).contracts.find((x) => x.contractId === contract)!;
    expect(c.error).toBeUndefined();
    return Object.fromEntries(c.lines.map((l) => [l.billingItemId, [l.before, l.after, l.delta]]));
  };

  it('the plan: users = max(computers, ⌈mobiles/2⌉), devices by category, mailboxes; trial, paused and expired licenses count nothing', async () => {
    expect(await linesOf(NORTH)).toEqual({
      [PLUS]: [3, 4, 1], [PRO]: [0, 0, 0], [WS]: [5, 5, 0], [SRV]: [0, 2, 2], [NW]: [0, 1, 1], [MBX]: [40, 37, -3],
    });
    expect(await linesOf(SOUTH)).toEqual({
      [PLUS]: [0, 0, 0], [PRO]: [2, 4, 2], [WS]: [0, 0, 0], [SRV]: [0, 0, 0], [NW]: [0, 0, 0], [MBX]: [12, 0, -12],
    });
  });

  it('the first run posts exactly the changes and the PSA holds the counts; the KSC items are untouched; a second run posts nothing', async () => {
    const first = await run();
    expect(first.status).toBe('ok');
    expect(first.execution.totals).toMatchObject({ posted: CHANGES.length, errors: 0 });
    expect(held(NORTH)).toEqual(EXPECTED[NORTH]);
    expect(held(SOUTH)).toEqual(EXPECTED[SOUTH]);
    const ledger = env.ledger();
    const rows = ledger.listPostings({ runId: first.runId! });
    expect(rows.map((r) => [r.contractId, r.billingItemId, r.afterUnits - r.beforeUnits, r.status]).sort()).toEqual(CHANGES.map(([c, i, d]) => [c, i, d, 'posted']).sort());
    for (const [contract, item] of CHANGES) expect(env.psa.records(contract, item), `${contract}/${item}`).toBe(1);
    const count = env.psa.writes().length;
    expect(count).toBe(CHANGES.length); // one write per change, nothing else

    const second = await run();
    expect(second.status).toBe('ok');
    expect(second.execution.totals).toMatchObject({ posted: 0, errors: 0 });
    expect(env.psa.writes()).toHaveLength(count);
    expect(ledger.listPostings({ runId: second.runId! })).toEqual([]);
  });

  it('a per-user application posts ONE item with categories on, even with category items left in its row', async () => {
    // Its category slots point at the KSC items of the same contracts: were they used, 85 / – / 3 would change.
    const stray = { ...PLUS_ROW, workstation: choice(KESB_WS, 'KESB Select – Workstation'), server: choice(KESB_SRV, 'KESB Select – Server'), nonWindows: choice(KESB_NW, 'KESB Select – Non-Windows') };
    env.integration.billing = { byCategory: true, applications: [stray] };
    expect(await linesOf(NORTH)).toEqual({ [PLUS]: [3, 4, 1] });
    const result = await run();
    expect(result.status).toBe('ok');
    expect(result.execution.contracts.flatMap((c) => c.postings.map((p) => [c.plan.contractId, p.billingItemId, p.status]))).toEqual([[NORTH, PLUS, 'posted']]);
    expect([env.psa.quantity(NORTH, PLUS), env.psa.quantity(NORTH, KESB_WS), env.psa.quantity(NORTH, KESB_SRV), env.psa.quantity(NORTH, KESB_NW)]).toEqual([4, 85, null, 3]);
  });

  it('mobiles count two to a user: an 8th phone changes nothing, a 9th makes 5 users', async () => {
    await run();
    const phone = (n: number) => ({ id: `b3220000-0000-4000-8000-0000000001${n}`, name: `SOUTH-PHONE-${n}`, kind: 'mobile' as const, os: 'android' as const, osName: 'Android 14', licenseId: 'lic-southside-pro' });
    env.hub.addDevice('ws-southside-kes', phone(1));
    const eighth = await run();
    expect(eighth.execution.totals.posted).toBe(0);
    expect(env.psa.quantity(SOUTH, PRO)).toBe(4);
    env.hub.addDevice('ws-southside-kes', phone(2));
    const ninth = await run();
    expect(ninth.execution.contracts.flatMap((c) => c.postings.map((p) => [p.billingItemId, p.before, p.after]))).toEqual([[PRO, 4, 5]]);
    expect(env.psa.quantity(SOUTH, PRO)).toBe(5);
  });

  it('a license paused, cancelled or expired in the hub is billed at 0 on the next run; resumed, it is billed again', async () => {
    await run();
    env.hub.pauseLicense('lic-southside-pro');
    env.hub.cancelLicense('lic-northwind-kesc', 'hard');
    env.hub.setLicenseExpiry('lic-northwind-plus', 'now-1m');
    env.hub.setLicenseExpiry('lic-northwind-m365', 'now-1m');
    const lapsed = await run();
    expect(lapsed.status).toBe('ok');
    expect([PLUS, WS, SRV, NW, MBX].map((i) => env.psa.quantity(NORTH, i))).toEqual([0, 0, 0, 0, 0]);
    expect([PRO, MBX].map((i) => env.psa.quantity(SOUTH, i))).toEqual([0, 0]);
    env.hub.resumeLicense('lic-southside-pro');
    env.hub.setLicenseExpiry('lic-northwind-plus', 'now+30d');
    await run();
    expect([env.psa.quantity(NORTH, PLUS), env.psa.quantity(SOUTH, PRO)]).toEqual([4, 4]);
  });

  it('a run that dies after the PSA took a write, before the ledger settled it: the rerun leaves the right quantities with no duplicate', async () => {
    let calls = 0;
    await expect(run({ afterPost: () => { if (++calls === 1) throw new Error('simulated crash'); } })).rejects.toThrow('simulated crash');
    const ledger = env.ledger();
    const pending = ledger.unsettledPostings({ integration: env.integration.name });
    expect(pending).toHaveLength(1);
    expect(env.psa.writes().length).toBeGreaterThanOrEqual(1);
    expect(env.psa.writes().length).toBeLessThan(CHANGES.length);

    const rerun = await run();
    expect(rerun.status).toBe('ok');
    expect(ledger.getPosting(pending[0]!.id)?.status).toBe('posted'); // settled from what the PSA holds
    expect(ledger.unsettledPostings({ integration: env.integration.name })).toEqual([]);
    expect(held(NORTH)).toEqual(EXPECTED[NORTH]);
    expect(held(SOUTH)).toEqual(EXPECTED[SOUTH]);
    for (const [contract, item] of CHANGES) expect(env.psa.records(contract, item), `${contract}/${item}`).toBe(1);
    expect(env.psa.writes()).toHaveLength(CHANGES.length);

    const third = await run();
    expect(third.execution.totals.posted).toBe(0);
    expect(env.psa.writes()).toHaveLength(CHANGES.length);
  });

  it('dry run writes nothing', async () => {
    const result = await run({ dryRun: true });
    expect(result.execution.totals.wouldPost).toBe(CHANGES.length);
    expect(env.psa.writes()).toEqual([]);
    expect(env.ledger().listPostings()).toEqual([]);
  });
});
