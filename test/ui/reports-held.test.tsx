// Reports › Billing: Held over the real simulators (README › Billing approvals): the changes the
// first billing run held on the crafted billing-basic fixture (a first posting on the contract:
// 85 → 90 workstations, 0 → 10 servers, 3 → 0 non-Windows), approved and rejected from the
// console; a decrease asks for the tenant's name to be typed.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runBilling } from '../../source/billing/run.js';
import { ConsoleSession } from '../../source/console/session.js';
import { DEFAULT_APPROVALS } from '../../source/domain/billingGuards.js';
import { ConsoleApp } from '../../source/ui/app.js';
import { createReportsScreen } from '../../source/ui/screens/reports/index.js';
import { basicBilling, basicTenants, NW, SRV, WS } from '../billing/basicFixture.js';
import { startBillingEnv, type BillingEnv } from '../billing/helpers.js';
import { cleanupUi, keys, press, renderUi, type, waitForFrame, type RenderedUi } from '../helpers/ink.js';

let env: BillingEnv;
let session: ConsoleSession | undefined;

beforeEach(async () => {
  env = await startBillingEnv('billing-basic', { tenants: basicTenants, billing: basicBilling });
  const c = await env.connect();
  const ledger = env.ledger();
  try {
    const r = await runBilling({ integration: { ...env.integration, approvals: DEFAULT_APPROVALS }, platform: c.platform, psa: c.psa, ledger, now: new Date(), timeZone: 'UTC', dryRun: false });
    expect(r.execution.totals).toMatchObject({ held: 3, posted: 0 });
  } finally {
    await c.close();
  }
});
afterEach(async () => {
  cleanupUi();
  await session?.close();
  session = undefined;
  await env.close();
});

function open(size: { columns: number; rows: number }): RenderedUi {
  session = new ConsoleSession({ paths: env.paths, secretBackends: ['file'], actor: 'tester (console)' });
  return renderUi(<ConsoleApp integrationName="demo" screens={[createReportsScreen({ session, integrationName: 'demo' })]} initialTab="reports" noticeTimeoutMs={0} onExit={vi.fn()} />, size);
}

async function held(ui: RenderedUi): Promise<string> {
  await waitForFrame(ui, (f) => f.includes('Unmapped accounts'), 5000);
  // The last report: [ from the first one.
  await press(ui.stdin, '[');
  return waitForFrame(ui, (f) => f.includes('held for a decision'), 5000);
}

/** Times move with the clock: snapshots show them as placeholders. */
const stable = (frame: string) => frame.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/gu, 'YYYY-MM-DDThh:mm:ssZ').replace(/\d{4}-\d{2}-\d{2}/gu, 'YYYY-MM-DD');

describe('Reports › Billing: Held', () => {
  it('lists the held changes with why, at 120×35 and 80×24', async () => {
    const wide = open({ columns: 120, rows: 35 });
    const frame = await held(wide);
    expect(frame).toContain('3 held for a decision · 0 approved');
    expect(frame).toMatch(/Northwind Traders\s+KESB Select – Non-Windows\s+3\s+0\s+\u22123\s+held/u);
    expect(frame).toContain('Held: first posting by kmsp on this contract');
    expect(stable(frame)).toMatchSnapshot();
    cleanupUi();
    await session!.close();
    const narrow = open({ columns: 80, rows: 24 });
    const small = await held(narrow);
    expect(small).toMatch(/KESB Select – Non-W…\s+3\s+0\s+\u22123\s+held/u);
    expect(stable(small)).toMatchSnapshot();
  });

  it('the Billing preview says which changes the run would hold', async () => {
    const s = new ConsoleSession({ paths: env.paths, secretBackends: ['file'] });
    s.updateIntegration('demo', (i) => ({ ...i, approvals: { mode: 'hold-risky', maxDecreasePercent: 20, maxDecreaseUnits: null } }));
    await s.close();
    // Someone set 180 workstations by hand: usage says 90, the run would hold the drop.
    const date = new Date().toISOString().slice(0, 10);
    for (const u of env.demo.autotask.state.units) if (String(u.serviceID) === WS && String(u.startDate).slice(0, 10) <= date && date <= String(u.endDate).slice(0, 10)) u.units = 180;
    const ui = open({ columns: 120, rows: 35 });
    await waitForFrame(ui, (f) => f.includes('Unmapped accounts'), 5000);
    await press(ui.stdin, ']');
    const frame = await waitForFrame(ui, (f) => f.includes('held for approval'), 10_000);
    expect(frame).toContain('3 postings on 1 contract (3 held for approval) · 0 unchanged');
    expect(frame).toContain('Held for approval by the run: first posting by kmsp on this contract');
  });

  it('m changes the approval setting: checked as typed, saved and audited', async () => {
    const ui = open({ columns: 120, rows: 35 });
    let frame = await held(ui);
    expect(frame).toContain('Setting: post everything (no setting saved: as before approvals existed) · m changes it');
    await press(ui.stdin, 'm');
    frame = await waitForFrame(ui, (f) => f.includes('Billing approvals of demo'));
    await press(ui.stdin, keys.down);
    await press(ui.stdin, keys.backspace, keys.backspace);
    await type(ui.stdin, '150');
    frame = await waitForFrame(ui, (f) => f.includes('must be 0–100%'));
    await press(ui.stdin, keys.backspace, keys.backspace, keys.backspace);
    await type(ui.stdin, '30');
    await press(ui.stdin, keys.down);
    await type(ui.stdin, '5');
    await press(ui.stdin, keys.up, keys.up);
    await press(ui.stdin, keys.enter);
    frame = await waitForFrame(ui, (f) => f.includes('hold risky changes') && f.includes('hold everything'));
    // The choice list: hold risky changes is the second.
    await type(ui.stdin, 'risky');
    await press(ui.stdin, keys.enter);
    await press(ui.stdin, '\u0013'); // ctrl+s
    frame = await waitForFrame(ui, (f) => f.includes('Setting: hold risky changes: decreases over 30% or 5 units'));
    expect(session!.config.integrations[0]!.approvals).toEqual({ mode: 'hold-risky', maxDecreasePercent: 30, maxDecreaseUnits: 5 });
    expect(session!.ledger.listConfigAudit()[0]!.summary).toContain('approvals');
  });

  it('approving a decrease asks for the tenant name; a wrong one approves nothing', async () => {
    const ui = open({ columns: 120, rows: 35 });
    let frame = await held(ui);
    const nw = session!.ledger.listHeldChanges().find((h) => h.billingItemId === NW)!;
    // The rows are in id order; the cursor goes to the non-Windows one.
    const order = session!.ledger.listHeldChanges().sort((a, b) => a.id - b.id).map((h) => h.id);
    for (let i = 0; i < order.indexOf(nw.id); i++) await press(ui.stdin, keys.down);
    await press(ui.stdin, 'a');
    frame = await waitForFrame(ui, (f) => f.includes('Approve a decrease of 3 units'));
    expect(frame).toContain('Type the virtual server');
    await type(ui.stdin, 'Southside');
    await press(ui.stdin, keys.enter);
    frame = await waitForFrame(ui, (f) => f.includes('does not match'));
    expect(session!.ledger.getHeldChange(nw.id)!.state).toBe('held');
    for (let i = 0; i < 'Southside'.length; i++) await press(ui.stdin, keys.backspace);
    await type(ui.stdin, 'northwind traders');
    await press(ui.stdin, keys.enter);
    frame = await waitForFrame(ui, (f) => f.includes('2 held for a decision · 1 approved'));
    expect(session!.ledger.getHeldChange(nw.id)).toMatchObject({ state: 'approved', decidedBy: 'tester (console)' });
    expect(session!.ledger.listConfigAudit()[0]!.summary).toContain(`approved held change ${nw.id}`);

    // An increase asks a plain yes/no; x rejects.
    const srv = session!.ledger.listHeldChanges().find((h) => h.billingItemId === SRV)!;
    await press(ui.stdin, 'g');
    for (let i = 0; i < order.indexOf(srv.id); i++) await press(ui.stdin, keys.down);
    await press(ui.stdin, 'x');
    frame = await waitForFrame(ui, (f) => f.includes('Reject Northwind Traders'));
    await press(ui.stdin, 'y');
    frame = await waitForFrame(ui, (f) => f.includes('1 held for a decision · 1 approved'));
    expect(session!.ledger.getHeldChange(srv.id)!.state).toBe('rejected');
    expect(frame).not.toMatch(/KESB Select – Server\s+0\s+10/u);

    // i approves every held increase (the workstations here) after a confirm.
    await press(ui.stdin, 'i');
    frame = await waitForFrame(ui, (f) => f.includes('Approve 1 held increase?'));
    await press(ui.stdin, 'y');
    frame = await waitForFrame(ui, (f) => f.includes('0 held for a decision · 2 approved'));
    expect(session!.ledger.listHeldChanges({ states: ['approved'] })).toHaveLength(2);
  });
});
