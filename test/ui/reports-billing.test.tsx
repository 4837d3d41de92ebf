// Reports › Billing preview and Reports › Reconciliation over the real simulators, on the
// crafted billing-basic fixture (README › Billing rules: 90 workstations + 10 servers; Autotask holds
// 85 / – / 3 for Northwind, 2 for Southside's 5 workstations). Both reports only read.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runBilling } from '../../source/billing/run.js';
import { ConsoleSession } from '../../source/console/session.js';
import { calendarDate } from '../../source/domain/dates.js';
import { ConsoleApp } from '../../source/ui/app.js';
import { createReportsScreen } from '../../source/ui/screens/reports/index.js';
import { deltaText, flagText, isMismatch, previewRows, previewSummary, reconciliationDetail, reconciliationRows, reconciliationSummary, reportWords } from '../../source/ui/screens/reports/billing-model.js';
import type { PostingRecord } from '../../source/store/ledger.js';
import { basicBilling, basicTenants, CONTRACT, NW, SRV, WS } from '../billing/basicFixture.js';
import { posts, startBillingEnv, unitsOn, type BillingEnv } from '../billing/helpers.js';
import { cleanupUi, frameLines, press, renderUi, type, keys, waitForFrame, type RenderedUi } from '../helpers/ink.js';

const SOUTH = '29690102';
let env: BillingEnv;
let session: ConsoleSession | undefined;

async function start(tenants = basicTenants) {
  env = await startBillingEnv('billing-basic', { tenants, billing: basicBilling });
}
afterEach(async () => {
  cleanupUi();
  await session?.close();
  session = undefined;
  await env.close();
});

function open(size: { columns?: number; rows?: number } = {}) {
  session = new ConsoleSession({ paths: env.paths, secretBackends: ['file'] });
  const ui = renderUi(<ConsoleApp integrationName="demo" screens={[createReportsScreen({ session, integrationName: 'demo' })]} initialTab="reports" noticeTimeoutMs={0} onExit={vi.fn()} />, {
    columns: size.columns ?? 120,
    rows: size.rows ?? 24,
  });
  return ui;
}

const today = () => calendarDate(new Date(), 'UTC'); // the demo config's agent.timeZone
const rowsOf = (frame: string) => frameLines(frame).map((l) => (l.includes('│ ') ? l.slice(l.indexOf('│ ') + 2) : l));
const rowOf = (frame: string, ...parts: string[]) => rowsOf(frame).find((l) => parts.every((p) => l.includes(p))) ?? '';
/** Dates move with the calendar: snapshots show them as YYYY-MM-DD (or YYYY… where cut). */
const stable = (frame: string) => frame.replace(/\d{4}-\d{2}-\d{2}/gu, 'YYYY-MM-DD').replace(/\d{4}(-\d{0,2}){0,2}…/gu, 'YYYY…');
/** Writes the Autotask simulator saw (anything but GETs and /query reads). */
const writes = () => env.demo.autotask.requests.filter((r) => r.method !== 'GET' && !/\/query/iu.test(r.path));

async function preview(ui: RenderedUi) {
  await press(ui.stdin, ']');
  return waitForFrame(ui, (f) => f.includes('postings on'), 10_000);
}

describe('Reports › Billing preview', () => {
  beforeEach(() => start());

  it('lists what the next run would post, per account and item, and writes nothing', async () => {
    env.demo.autotask.clearRequests();
    const ui = open();
    const first = await waitForFrame(ui, (f) => f.includes('› Unmapped accounts'), 5000);
    expect(first).toContain('  Billing preview');
    expect(first).toContain('  Reconciliation');
    const frame = await preview(ui);
    expect(frame).toContain('› Billing preview');

    // The expectation from the simulator's own state: the units Autotask holds today, and
    // the usage of the crafted fixture (90 Windows workstations, 10 servers, no others).
    const units = unitsOn(env, today());
    const held = (item: string) => units.get(`${CONTRACT}/${item}`) ?? 0;
    const expected: Array<[string, string, number, number]> = [
      ['KESB Select – Non-Windows', NW, held(NW), 0],
      ['KESB Select – Server', SRV, held(SRV), 10],
      ['KESB Select – Workstation', WS, held(WS), 90],
    ];
    for (const [name, , before, after] of expected) {
      const row = rowOf(frame, 'Northwind Traders GmbH', name);
      expect(row, name).toMatch(new RegExp(`${name}\\s+${before}\\s+${after}\\s+${deltaText(after - before).replace('+', '\\+')}`, 'u'));
    }
    expect(expected.map(([, , b, a]) => deltaText(a - b))).toEqual(['\u22123', '+10', '+5']);
    expect(rowOf(frame, 'Southside Bakery')).toMatch(/Southside Bakery\s+skipped: billing is off/u);
    expect(frame).toContain(`3 postings on 1 contract · 0 unchanged · 0 errors · 1 skipped · date ${today()} (UTC)`);
    expect(frame).toContain('CLI: kmsp billing preview --format csv · kmsp agent --once --job billing --dry-run');

    // r recomputes; / filters.
    await press(ui.stdin, 'r');
    await waitForFrame(ui, (f) => f.includes('3 postings on 1 contract') && !f.includes('recomputing'), 10_000);
    await press(ui.stdin, '/');
    await type(ui.stdin, 'server');
    await press(ui.stdin, keys.enter);
    const filtered = ui.lastFrame();
    expect(rowOf(filtered, 'KESB Select – Server')).toContain('+10');
    expect(filtered).not.toContain('KESB Select – Workstation');

    // Read only: no POST/PATCH to Autotask, no ledger row.
    expect(writes()).toEqual([]);
    expect(posts(env)).toBe(0);
    expect(env.demo.autotask.state.adjustments).toEqual([]);
    expect(session!.ledger.listPostings()).toEqual([]);
  });

  it('shows a contract in error with its cause and remedy, and the others go on', async () => {
    // Southside billed to a contract with no service period today.
    env.demo.autotask.addContract({ id: 29690199, companyID: 29690002, contractName: 'Southside – next year', contractType: 7, status: 1, startDate: 'startOfYear+1y', endDate: 'startOfYear+2y-1d' });
    session = new ConsoleSession({ paths: env.paths, secretBackends: ['file'] });
    session.updateIntegration('demo', (i) => ({
      ...i,
      tenants: i.tenants.map((t) => (t.tenantId === 'vs-southside-0002' ? { ...t, billing: true, contractId: '29690199', contractName: 'Southside – next year' } : t)),
    }));
    await session.close();
    env.demo.autotask.clearRequests();
    const ui = open();
    await waitForFrame(ui, (f) => f.includes('› Unmapped accounts'), 5000);
    let frame = await preview(ui);
    expect(frame).toContain('3 postings on 1 contract · 0 unchanged · 1 error · date');
    const error = rowOf(frame, 'Southside Bakery', 'Error:');
    // The contract check refuses it before its units are read: it does not run today.
    expect(error).toMatch(/Southside Bakery\s+Error: Contract “Southside – next yea/u);
    await press(ui.stdin, 'G');
    frame = ui.lastFrame();
    expect(frame).toMatch(/ {2}Cause: \S/u);
    expect(frame).toMatch(/ {2}Remedy: \S/u);
    expect(writes()).toEqual([]);
    expect(stable(frame)).toMatchSnapshot();
  });

  it('at 80×24 every column of the preview shows, the change too', async () => {
    const ui = open({ columns: 80, rows: 24 });
    await waitForFrame(ui, (f) => f.includes('Unmapped accounts'), 5000);
    const frame = await preview(ui);
    expect(rowOf(frame, 'Account', 'Billing item')).toMatch(/Account +Billing item +Current +New +Change$/u);
    expect(frame).not.toMatch(/[«»]/u);
    expect(rowOf(frame, 'KESB Select – Server')).toMatch(/\+10$/u);
  });

  it('keys stay responsive while the plan is built, with progress', async () => {
    const ui = open();
    await waitForFrame(ui, (f) => f.includes('› Unmapped accounts'), 5000);
    await press(ui.stdin, ']');
    // The first frames after the switch: progress, not a blocked console.
    expect(ui.lastFrame()).toMatch(/Reading (the mapped virtual servers and KSC’s applications|usage: \d+\/1 virtual servers|Autotask units: \d+\/1 contracts)…|postings on/u);
    await press(ui.stdin, '?');
    expect(ui.lastFrame()).toContain('Recompute the preview (reads only)');
    await press(ui.stdin, keys.escape);
    await waitForFrame(ui, (f) => f.includes('postings on'), 10_000);
  });
});

describe('Reports › Reconciliation', () => {
  beforeEach(() => start(basicTenants.map((t) => ({ ...t, billing: true }))));

  /** A real billing run (Northwind 90/10/0, Southside 5), then 7 workstation units added by hand in Autotask and Southside down to 3 devices. */
  async function postedThenChanged() {
    const c = await env.connect();
    const ledger = env.ledger();
    try {
      const result = await runBilling({ integration: env.integration, platform: c.platform, psa: c.psa, ledger, now: new Date(), timeZone: 'UTC', dryRun: false });
      expect(result.status).toBe('ok');
    } finally {
      await c.close();
    }
    env.demo.autotask.state.units
      .filter((u) => Number(u.contractID) === CONTRACT && String(u.serviceID) === WS)
      .forEach((u) => (u.units = Number(u.units) + 7));
    env.demo.ksc.changeKey('vs-southside-0002', '1111-000003-SB000003', {
      current: ['b1110000-0000-4000-8000-00000000012d', 'b1110000-0000-4000-8000-00000000012e', 'b1110000-0000-4000-8000-00000000012f'],
    });
    env.demo.autotask.clearRequests();
    return ledger;
  }

  it('flags “edited in Autotask” after a manual change behind kmsp’s back, and “differs” when usage changed', async () => {
    const ledger = await postedThenChanged();
    const postingsBefore = ledger.listPostings().length;

    const ui = open({ columns: 150 });
    await waitForFrame(ui, (f) => f.includes('› Unmapped accounts'), 5000);
    await press(ui.stdin, ']', ']');
    let frame = await waitForFrame(ui, (f) => f.includes('items on'), 10_000);
    expect(frame).toContain('› Reconciliation');
    const d = today();
    expect(rowOf(frame, 'Northwind Traders GmbH', 'Workstation')).toMatch(new RegExp(`Workstation\\s+90\\s+97\\s+! differs · ! edited in Autotask\\s+90 on ${d}`, 'u'));
    expect(rowOf(frame, 'Northwind Traders GmbH', 'Server')).toMatch(new RegExp(`Server\\s+10\\s+10\\s+ok\\s+10 on ${d}`, 'u'));
    expect(rowOf(frame, 'Northwind Traders GmbH', 'Non-Windows')).toMatch(new RegExp(`Non-Windows\\s+0\\s+0\\s+ok\\s+0 on ${d}`, 'u'));
    const south = rowOf(frame, 'Southside Bakery', 'Workstation');
    expect(south).toMatch(new RegExp(`Workstation\\s+3\\s+5\\s+! differs\\s+5 on ${d}`, 'u'));
    expect(south).not.toContain('edited');
    expect(frame).toContain(`6 items on 2 contracts · 2 differ · 1 edited in Autotask · 0 errors · date ${d} (UTC)`);
    // The cursor row explained in words.
    await press(ui.stdin, 'j', 'j');
    frame = ui.lastFrame();
    expect(frame).toMatch(/kmsp last posted 90 on \d{4}-\d{2}-\d{2}; Autotask now holds 97: changed by hand since/u);
    expect(stable(frame)).toMatchSnapshot();

    // m: only the mismatches.
    await press(ui.stdin, 'm');
    frame = ui.lastFrame();
    expect(frame).toContain('Billing items: mismatches only (m shows all)');
    expect(frame).toMatch(/1–2 of 2/u);
    expect(frame).not.toContain('KESB Select – Server');
    expect(rowOf(frame, 'Southside Bakery', 'Workstation')).toContain('! differs');
    await press(ui.stdin, 'm');
    expect(ui.lastFrame()).toContain('KESB Select – Server');

    // Read only.
    expect(writes()).toEqual([]);
    expect(ledger.listPostings()).toHaveLength(postingsBefore);
  });
  it('at 120×35 and 80×24 no column is dropped: ←/→ bring Flags and Last posted into view (« »), account and item stay, and the cursor row says its flags and last posting', async () => {
    await postedThenChanged();
    const d = today();
    const header = (frame: string) => rowOf(frame, 'Account', 'Billing item');
    for (const [columns, rows] of [
      [120, 35],
      [80, 24],
    ] as const) {
      const ui = open({ columns, rows });
      await waitForFrame(ui, (f) => f.includes('Unmapped accounts'), 5000);
      await press(ui.stdin, ']', ']');
      let frame = await waitForFrame(ui, (f) => f.includes('items on'), 10_000);
      const size = `${columns}×${rows}`;
      expect(header(frame), size).toMatch(/Account +Billing item +Usage +Autotask +»$/u);
      // Mismatched rows are marked "!" whatever columns are in view.
      expect(rowOf(frame, 'Northwind Traders GmbH', 'Workstation'), size).toMatch(/^[› ] ! Northwind Traders GmbH +KESB Select – Workstation +90 +97$/u);
      expect(rowOf(frame, 'Northwind Traders GmbH', 'Server'), size).toMatch(/^ {4}Northwind Traders GmbH +KESB Select – Server +10 +10$/u);
      await press(ui.stdin, 'j', 'j');
      frame = ui.lastFrame();
      expect(frame, size).toMatch(/kmsp last posted 90 on \d{4}-\d{2}-\d{2}; Autotask now holds 97/u);
      expect(stable(frame)).toMatchSnapshot(`${size}, first columns`);
      await press(ui.stdin, keys.right);
      frame = ui.lastFrame();
      expect(header(frame), size).toMatch(/Account +Billing item +« Flags +»$/u);
      // At 80 columns the account and item are cut to make room, never dropped.
      expect(rowOf(frame, 'Northwind Trader', 'Work'), size).toMatch(/^› ! Northwind Trader.* +KESB Select – Work.* +! differs · ! edited in Autotask *$/u);
      expect(rowOf(frame, 'Southside Bakery', 'Work'), size).toMatch(/^ {2}! Southside Bakery +KESB Select – Work.* +! differs *$/u);
      expect(stable(frame)).toMatchSnapshot(`${size}, Flags`);
      await press(ui.stdin, 'l');
      frame = ui.lastFrame();
      expect(header(frame), size).toMatch(/Account +Billing item +« Last posted$/u);
      expect(rowOf(frame, 'Northwind Traders GmbH', 'Server'), size).toMatch(new RegExp(`Server +10 on ${d}$`, 'u'));
      expect(stable(frame)).toMatchSnapshot(`${size}, Last posted`);
      await press(ui.stdin, keys.left, keys.left);
      expect(header(ui.lastFrame()), size).toMatch(/Account +Billing item +Usage +Autotask +»$/u);
      cleanupUi();
      await session?.close();
      session = undefined;
    }
  });
});


describe('NO_COLOR', () => {
  beforeEach(() => start());
  it('the preview frame says everything in text', async () => {
    const ui = open();
    await waitForFrame(ui, (f) => f.includes('› Unmapped accounts'), 5000);
    const frame = await preview(ui);
    expect(frame).not.toMatch(/\u001b\[/u);
    expect(stable(frame)).toMatchSnapshot();
  });
});

describe('summary line', () => {
  it('counts postings, contracts, unchanged lines, errors and skipped tenants', () => {
    const line = (before: number, after: number) => ({ billingItemId: `${before}-${after}`, billingItemName: 'x', before, after, delta: after - before });
    const contract = (id: string, lines: ReturnType<typeof line>[], error?: boolean) => ({
      tenantId: id, tenantName: id, tenantIds: [id], accountId: id, accountName: id, contractId: id, contractName: id, lines,
      ...(error ? { error: { message: 'no', cause: null, remedy: null } } : {}),
    });
    const plan = {
      integration: 'demo', date: '2026-11-22',
      contracts: [contract('a', [line(1, 3), line(2, 2)]), contract('b', [line(4, 1)]), contract('c', [line(0, 0)]), contract('d', [], true)],
      skipped: [],
    };
    expect(previewSummary(plan, 'Europe/London')).toBe('2 postings on 2 contracts · 2 unchanged · 1 error · date 2026-11-22 (Europe/London)');
    expect([deltaText(5), deltaText(-3), deltaText(0)]).toEqual(['+5', '\u22123', 'no change']);
  });
});

describe('usage with no billing item is shown, never dropped', () => {
  const plan = {
    integration: 'demo', date: '2026-12-07', skipped: [],
    contracts: [{
      tenantId: 't', tenantName: 'Acme', tenantIds: ['t'], accountId: 'a', accountName: 'Acme Ltd', contractId: 'c', contractName: 'Managed Security',
      lines: [{ billingItemId: 'i', billingItemName: 'KES – Workstation', before: 4, after: 5, delta: 1 }],
      unbilled: [{ applicationId: 'KSWS', applicationName: 'Kaspersky Security for Windows Server', bucket: 'windows-server' as const, quantity: 5 }],
    }],
  };

  it('in the preview: a row under its contract, counted in the summary', () => {
    const rows = previewRows(plan);
    expect(rows.map((r) => [r.kind, r.note])).toEqual([
      ['change', ''],
      ['unbilled', '5 Windows servers on Kaspersky Security for Windows Server: no billing item chosen'],
    ]);
    expect(previewSummary(plan, 'UTC')).toBe('1 posting on 1 contract · 0 unchanged · 0 errors · 1 usage not billed · date 2026-12-07 (UTC)');
  });

  it('in the reconciliation: flagged, with the usage and no PSA side', () => {
    const rows = reconciliationRows(plan, []);
    const row = rows.find((r) => r.unbilled)!;
    expect(row).toMatchObject({ item: '(none) Kaspersky Security for Windows Server', usage: 5, psa: null });
    expect(isMismatch(row)).toBe(true);
    expect(flagText(row, 'Autotask')).toBe('! no billing item');
    expect(reconciliationDetail(row, 'Autotask')).toEqual(['5 Windows servers on Kaspersky Security for Windows Server: no billing item chosen (Services tab)']);
    // The tab is named in the PSA's words: ConnectWise chooses products on its Products tab.
    const cw = reportWords({ platform: { kind: 'ksc' }, psa: { kind: 'connectwise' } } as Parameters<typeof reportWords>[0]);
    expect(reconciliationDetail(row, 'ConnectWise', cw)).toEqual(['5 Windows servers on Kaspersky Security for Windows Server: no billing item chosen (Products tab)']);
    expect(reconciliationSummary(rows, 'Autotask', plan, 'UTC')).toBe('1 item on 1 contract · 1 differs · 0 edited in Autotask · 0 errors · 1 usage not billed · date 2026-12-07 (UTC)');
  });
});

describe('reconciliation: “edited in Autotask” compares within the period Autotask holds now', () => {
  const posting = (afterUnits: number, effectiveDate: string): PostingRecord => ({
    id: 1, runId: 1, integration: 'demo', tenantId: 't', tenantName: 't', accountId: 'a', contractId: 'c', billingItemId: 'i', billingItemName: 'Item',
    applicationId: null, category: null, beforeUnits: 0, afterUnits, delta: afterUnits, effectiveDate, psaPostingId: '1', status: 'posted', error: null, settledAt: null, createdAt: `${effectiveDate}T04:00:00.000Z`, landsBy: null, priceLevel: null,
  });
  const plan = (before: number, period?: { start: string; end: string }) => ({
    integration: 'demo', date: '2026-12-01', skipped: [],
    contracts: [{ tenantId: 't', tenantName: 't', tenantIds: ['t'], accountId: 'a', accountName: 'A', contractId: 'c', contractName: 'C', lines: [{ billingItemId: 'i', billingItemName: 'Item', before, after: 12, delta: 12 - before, ...(period ? { period } : {}) }] }],
  });
  const december = { start: '2026-12-01', end: '2026-12-31' };
  it('a posting of the previous period says nothing about a new period’s base units', () => {
    expect(reconciliationRows(plan(5, december), [posting(12, '2026-11-30')])[0]).toMatchObject({ edited: false, differs: true });
  });
  it('a posting of this period that Autotask no longer shows was edited by hand', () => {
    expect(reconciliationRows(plan(9, december), [posting(12, '2026-12-01')])[0]).toMatchObject({ edited: true });
    expect(reconciliationRows(plan(12, december), [posting(12, '2026-12-01')])[0]).toMatchObject({ edited: false, differs: false });
  });
  it('an item Autotask holds nothing for is not “edited”', () => {
    expect(reconciliationRows(plan(0), [posting(12, '2026-12-01')])[0]).toMatchObject({ edited: false });
  });
});
