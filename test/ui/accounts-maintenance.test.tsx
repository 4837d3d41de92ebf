// Maintenance windows on the Accounts tab against the demo simulators (KSC + Autotask): a tenant
// in maintenance says so in its row and detail lines (80×24 and 120×35 snapshots); w adds a window
// through a dialog that validates the duration and the reason; W ends it. Both are recorded in the
// ledger with the console's person (README › Maintenance windows).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDemo, type DemoEnvironment } from '../../source/demo/environment.js';
import { ConsoleSession } from '../../source/console/session.js';
import { resolvePaths } from '../../source/store/paths.js';
import type { TenantMapping } from '../../source/domain/config.js';
import { ConsoleApp } from '../../source/ui/app.js';
import { createAccountsScreen } from '../../source/ui/screens/accounts/index.js';
import { cleanupUi, keys, press, renderUi, type, waitForFrame, type RenderedUi } from '../helpers/ink.js';

const LOADED = /\d+ Autotask accounts/;

let demo: DemoEnvironment;
let session: ConsoleSession;
let dir: string;
const zone = process.env.TZ;

// Times are shown in the user's zone: fixed for stable frames.
beforeAll(() => {
  process.env.TZ = 'UTC';
});
afterAll(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'kmsp-accounts-maint-'));
  demo = await startDemo({ configDir: dir });
  session = new ConsoleSession({ paths: resolvePaths({ configDir: dir }), secretBackends: ['file'], actor: 'alice (console)' });
  const tenants = await session.tenants('demo');
  const mapping = (name: string): TenantMapping => ({ tenantId: tenants.find((t) => t.name === name)!.id, tenantName: name, accountId: null, accountName: null, billing: false, contractId: null, contractName: null });
  session.updateIntegration('demo', (i) => ({ ...i, tenants: [mapping('Acme & Sons'), mapping('Carter Logistics')] }), 'test seed');
});

afterEach(async () => {
  cleanupUi();
  await session.close();
  await demo.close();
  rmSync(dir, { recursive: true, force: true });
});

function tenant(name: string): TenantMapping {
  return session.integration('demo')!.tenants.find((t) => t.tenantName === name)!;
}

async function open(size: { columns: number; rows: number }): Promise<RenderedUi> {
  const screen = createAccountsScreen({ session, integrationName: 'demo' });
  const ui = renderUi(<ConsoleApp integrationName="demo" screens={[screen]} initialTab="accounts" onExit={vi.fn()} noticeTimeoutMs={0} />, size);
  // Suggestions settled: their flag is on the rows (the data line is cut at 80 columns).
  await waitForFrame(ui, (f) => LOADED.test(f) && !/finding/.test(f) && /^› {3}\? {2}Acme/m.test(f), 10_000);
  await press(ui.stdin);
  return ui;
}

/** A window set earlier (fixed times: stable frames), active now. */
function seedWindow(name: string) {
  const t = tenant(name);
  return session.ledger.addMaintenanceWindow({
    integration: 'demo', tenantId: t.tenantId, tenantName: name, deviceId: null, deviceName: null,
    startsAt: '2026-01-05T06:00:00.000Z', endsAt: '2099-01-05T18:00:00.000Z', reason: 'firewall replacement', createdBy: 'bob (kmsp maintenance)',
  });
}

describe('a tenant in maintenance on Accounts', () => {
  for (const size of [{ columns: 80, rows: 24 }, { columns: 120, rows: 35 }]) {
    it(`says so in its row, the detail lines and the data line (${size.columns}×${size.rows})`, async () => {
      seedWindow('Acme & Sons');
      const ui = await open(size);
      const frame = ui.lastFrame();
      // The cell is cut at 80 columns; the detail and data lines say it in full.
      expect(frame).toContain(size.columns === 80 ? 'Acme & Sons (maint' : 'Acme & Sons (maintenance)');
      expect(frame.replace(/\s+/g, ' ')).toContain('Maintenance until Mon 2099-01-05 18:00 UTC: firewall replacement (set by bob (kmsp maintenance)). W ends it.');
      expect(frame).toContain('1 in maintenance');
      expect(frame).toMatchSnapshot();
    });
  }
});

describe('adding and ending a window from Accounts', () => {
  it('w: the dialog refuses a duration over 30 days and an empty reason; a valid one is recorded with the console\'s person', async () => {
    const ui = await open({ columns: 100, rows: 30 });
    await press(ui.stdin, 'w');
    await waitForFrame(ui, (f) => f.includes('Maintenance window: Acme & Sons'));
    await press(ui.stdin, keys.backspace, keys.backspace);
    await type(ui.stdin, '31d');
    await press(ui.stdin, keys.tab);
    expect(await waitForFrame(ui, (f) => f.includes('At most 30 days.'))).toContain('At most 30 days.');
    await press(ui.stdin, keys.shiftTab, keys.backspace, keys.backspace, keys.backspace);
    await type(ui.stdin, '2h');
    await press(ui.stdin, keys.tab, keys.enter);
    expect(await waitForFrame(ui, (f) => f.includes('Reason is required.'))).toMatch(/Until \w{3} \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(session.ledger.maintenanceWindows({ integration: 'demo' })).toEqual([]);
    await type(ui.stdin, 'patch night');
    await press(ui.stdin, keys.enter);
    const frame = await waitForFrame(ui, (f) => f.includes('Acme & Sons (maintenance)'));
    expect(frame).toMatch(/Maintenance window \d+: no tickets for Acme & Sons until/);
    const [w] = session.ledger.maintenanceWindows({ integration: 'demo' });
    expect(w).toMatchObject({ tenantId: tenant('Acme & Sons').tenantId, deviceId: null, reason: 'patch night', createdBy: 'alice (console)' });
    expect(Date.parse(w!.endsAt) - Date.parse(w!.startsAt)).toBe(2 * 3_600_000);
    expect(session.ledger.listConfigAudit({ limit: 1 })[0]).toMatchObject({ actor: 'alice (console)', summary: expect.stringContaining('(patch night)') });
  });

  it('W ends the row\'s window after a confirmation, audited; the row no longer says maintenance', async () => {
    const w = seedWindow('Acme & Sons');
    const ui = await open({ columns: 100, rows: 30 });
    await press(ui.stdin, 'W');
    await waitForFrame(ui, (f) => f.includes('End the maintenance window of Acme & Sons now?'));
    await press(ui.stdin, 'y');
    const frame = await waitForFrame(ui, (f) => f.includes('Ended the maintenance of Acme & Sons.'));
    expect(frame).not.toContain('(maintenance)');
    expect(session.ledger.getMaintenanceWindow(w.id)).toMatchObject({ endedBy: 'alice (console)' });
    expect(session.ledger.listConfigAudit({ limit: 1 })[0]!.summary).toMatch(/ended early/);
  });
});
