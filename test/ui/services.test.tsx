// Services tab (README › The console, Services) against the demo's KSC and Autotask simulators.
// The demo KSC licenses device applications only (its connector reports every
// KSC product per device), so the tests that need a per-user and a per-mailbox
// application add two to what the live platform lists (withExtraApps).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ConsoleSession } from '../../source/console/session.js';
import type { Application } from '../../source/domain/types.js';
import type { BillingSettings } from '../../source/domain/config.js';
import { ConsoleApp } from '../../source/ui/app.js';
import { createServicesScreen } from '../../source/ui/screens/services/index.js';
import { createAccountsScreen } from '../../source/ui/screens/accounts/index.js';
import { cleanupUi, frameLines, keys, press, renderUi, type, waitForFrame, type RenderedUi } from '../helpers/ink.js';
import { useDemoConsole } from '../helpers/demo-ui.js';

const demoConsole = useDemoConsole('kmsp-services-');
const { freshDir } = demoConsole;

const EXTRA_APPS: Application[] = [
  { id: 'Kaspersky Endpoint Security Cloud Plus', name: 'Kaspersky Endpoint Security Cloud Plus', unit: 'user' },
  { id: 'Kaspersky Security for Microsoft Office 365', name: 'Kaspersky Security for Microsoft Office 365', unit: 'mailbox' },
];

function openSession(dir: string, extraApps = false): ConsoleSession {
  const session = demoConsole.openSession(dir);
  if (extraApps) {
    const platform = session.platform.bind(session);
    vi.spyOn(session, 'platform').mockImplementation(async (name) => {
      const live = await platform(name);
      return Object.assign(Object.create(live) as typeof live, { listApplications: async () => [...(await live.listApplications()), ...EXTRA_APPS] });
    });
  }
  return session;
}

function readBilling(dir: string): BillingSettings {
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as { integrations: Array<{ name: string; billing: BillingSettings }> };
  return config.integrations.find((i) => i.name === 'demo')!.billing;
}

function writeBilling(dir: string, billing: BillingSettings): void {
  const file = path.join(dir, 'config.json');
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as { integrations: Array<{ name: string; billing: BillingSettings }> };
  config.integrations.find((i) => i.name === 'demo')!.billing = billing;
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
}

interface OpenOptions {
  dir?: string;
  extraApps?: boolean;
  columns?: number;
  rows?: number;
  withAccounts?: boolean;
}

function open(options: OpenOptions = {}) {
  const dir = options.dir ?? freshDir();
  const session = openSession(dir, options.extraApps);
  const screens = [
    ...(options.withAccounts ? [createAccountsScreen({ session, integrationName: 'demo' })] : []),
    createServicesScreen({ session, integrationName: 'demo' }),
  ];
  const ui = renderUi(<ConsoleApp integrationName="demo" screens={screens} initialTab="services" noticeTimeoutMs={0} onExit={vi.fn()} />, {
    columns: options.columns ?? 180,
    rows: options.rows ?? 30,
  });
  return { ui, session, dir };
}

const loaded = (ui: RenderedUi) => waitForFrame(ui, (f) => f.includes('active Autotask services') && f.includes('applications in KSC'), 8000);
const line = (frame: string, text: string) => frameLines(frame).find((l) => l.includes(text)) ?? '';

const CTRL_S = '\u0013';
const ADVANCED = 'Kaspersky Endpoint Security for Business Advanced';
const SELECT = 'Kaspersky Endpoint Security for Business Select';
/** The row of an application in the table (its first line). */
const rowOf = (frame: string, app: string) => line(frame, app);
/** Move the cursor to the row of `app` (rows are sorted by name; the cursor starts on the first). */
async function goTo(ui: RenderedUi, app: string) {
  for (let i = 0; i < 12 && !/^›/.test(rowOf(ui.lastFrame(), app)); i++) await press(ui.stdin, keys.down);
  expect(rowOf(ui.lastFrame(), app)).toMatch(/^›/);
}
/** Enter on the chosen cell, search, Enter picks the first match. */
async function choose(ui: RenderedUi, search: string) {
  await press(ui.stdin, keys.enter);
  await waitForFrame(ui, (f) => f.includes('Autotask service for'));
  await type(ui.stdin, search);
  await press(ui.stdin, keys.enter);
  await waitForFrame(ui, (f) => !f.includes('Autotask service for'));
}

describe('Services tab', () => {
  it('draws one billing item column per application with category off, three with it on; t switches', async () => {
    const { ui } = open({ extraApps: true });
    let frame = await loaded(ui);
    expect(frame).toContain('Bill devices by category: off (t)');
    // No row has a status: the empty Status column is left out (its room goes to the names).
    expect(frame).toMatch(/Application +Unit +Billing item *$/m);
    expect(frame).not.toContain('Status');
    expect(frame).not.toContain('Windows workstations');
    expect(frame).toMatchSnapshot('category off');

    await press(ui.stdin, 't');
    frame = ui.lastFrame();
    expect(frame).toContain('Bill devices by category: on * (t)');
    // By category the item cells say the unit ("per user — one item"): no Unit column.
    expect(frame).toMatch(/Application +›Windows workstations +Windows servers +Non-Windows devices *$/m);
    expect(frame).not.toMatch(/ Billing item /);
    // Per-user and mailbox applications keep one item.
    expect(rowOf(frame, 'Cloud Plus')).toMatch(/Cloud Plus +— +per user — one item +per user — one item/);
    expect(rowOf(frame, 'Office 365')).toMatch(/Office 365 +— +per mailbox — one item +per mailbox — one item/);
    expect(rowOf(frame, ADVANCED)).toMatch(/Advanced +— +— +—$/);
    expect(frame).toMatchSnapshot('category on');

    await press(ui.stdin, 't');
    frame = ui.lastFrame();
    expect(frame).toContain('Bill devices by category: off (t)');
    expect(frame).toMatch(/Application +Unit +Billing item *$/m);
  });

  it('at 80×24 and 120×35 every application row is told apart, by category off and on', async () => {
    // Rows as drawn: the text after the cursor and marker, up to the next column.
    const names = (frame: string) =>
      frameLines(frame)
        .filter((l) => /^(›| ) [ *] \S/.test(l) && !l.includes('Application'))
        .map((l) => l.slice(4).split(/ {2,}/)[0]!);
    for (const [columns, rows] of [
      [80, 24],
      [120, 35],
    ] as const) {
      const { ui } = open({ extraApps: true, columns, rows });
      let frame = await loaded(ui);
      for (const byCategory of [false, true]) {
        const shown = names(frame);
        expect(shown, `${columns}×${rows}, by category ${byCategory}`).toHaveLength(10);
        expect(new Set(shown).size, `${columns}×${rows}, by category ${byCategory}: ${shown.join(' | ')}`).toBe(10);
        // Not cut at the end ("Kaspersky Endpoint Secur…"): whole, or cut in the middle.
        for (const name of shown) expect(name).not.toMatch(/…$/);
        expect(frame).not.toContain('Status');
        if (!byCategory) expect(frame).toMatch(/Unit +Billing item/);
        else expect(frame).toMatch(/Workstations|Windows workstations/);
        await press(ui.stdin, 't');
        frame = ui.lastFrame();
      }
      cleanupUi();
    }
  });

  it('shows full names when the terminal is wide enough, and the filter still finds the shared prefix', async () => {
    const { ui } = open({ columns: 80, rows: 24 });
    let frame = await loaded(ui);
    expect(rowOf(frame, 'Business Advanced')).toMatch(/^ {4}Endpoint Security for Business Advanced +per device/);
    await press(ui.stdin, '/');
    await type(ui.stdin, 'kaspersky endpoint security for bus');
    frame = ui.lastFrame();
    expect(frame).toContain('1–2 of 2');
    cleanupUi();
    const wide = open({ columns: 180, rows: 30 });
    frame = await loaded(wide.ui);
    expect(frame).toMatch(/^ {4}Application +Unit/m);
    expect(rowOf(frame, ADVANCED)).toMatch(/^ {4}Kaspersky Endpoint Security for Business Advanced +per device/);
  });

  it('the billing item search matches every word in any order: "Adv work" finds "KES Advanced – Workstation"', async () => {
    const { ui } = open();
    await loaded(ui);
    await goTo(ui, ADVANCED);
    await press(ui.stdin, keys.enter);
    await waitForFrame(ui, (f) => f.includes('Autotask service for'));
    await type(ui.stdin, 'work');
    expect(ui.lastFrame()).toContain('KES Advanced – Workstation');
    await press(ui.stdin, keys.ctrlU);
    await type(ui.stdin, 'Adv work');
    let frame = ui.lastFrame();
    expect(frame).toMatch(/› KES Advanced – Workstation/);
    expect(frame).not.toContain('KES Advanced – Server');
    await press(ui.stdin, keys.ctrlU);
    await type(ui.stdin, 'WORK adv'); // any order, any case
    frame = ui.lastFrame();
    expect(frame).toMatch(/› KES Advanced – Workstation/);
    await press(ui.stdin, keys.enter);
    frame = await waitForFrame(ui, (f) => !f.includes('Autotask service for'));
    expect(rowOf(frame, ADVANCED)).toContain('KES Advanced – Workstation');
  });

  it('after a save clash with another console, r loads their billing items, keeps the other unsaved edit, and the message names r', async () => {
    const { ui, dir } = open();
    await loaded(ui);
    await goTo(ui, ADVANCED);
    await choose(ui, 'advanced – work');
    await goTo(ui, SELECT);
    await choose(ui, 'select – work');
    // Another console saves another item for Select meanwhile.
    const other = openSession(dir);
    const server = (await other.billingItems('demo')).find((i) => i.name === 'KESB Select – Server')!;
    other.updateIntegration('demo', (i) => ({
      ...i,
      billing: { byCategory: false, applications: [{ applicationId: SELECT, applicationName: SELECT, single: { value: server.id, label: server.name }, workstation: null, server: null, nonWindows: null }] },
    }));
    await press(ui.stdin, CTRL_S);
    let frame = await waitForFrame(ui, (f) => f.includes('someone else changed the same settings'));
    expect(frame).toContain('Remedy: Press r on this tab to load theirs');
    await press(ui.stdin, 'r');
    frame = await waitForFrame(ui, (f) => f.includes('Loaded billing items saved by another console'));
    expect(frame).toContain('1 unsaved setting now shows theirs');
    expect(rowOf(frame, SELECT)).toMatch(/^› {3}.*KESB Select – Server/);
    expect(rowOf(frame, ADVANCED)).toMatch(/^ {2}\* .*KES Advanced – Workstation/);
    await press(ui.stdin, CTRL_S);
    await waitForFrame(ui, (f) => f.includes('Saved the services'));
    expect(readBilling(dir).applications.map((a) => [a.applicationId, a.single?.label])).toEqual(
      expect.arrayContaining([
        [SELECT, 'KESB Select – Server'],
        [ADVANCED, 'KES Advanced – Workstation'],
      ]),
    );
  });

  it('a per-user application stores its single item with category on, and nothing in the categories', async () => {
    const { ui, dir } = open({ extraApps: true });
    await loaded(ui);
    await press(ui.stdin, 't');
    await goTo(ui, 'Cloud Plus');
    await press(ui.stdin, keys.right, keys.right); // the column does not matter for a one-item row
    expect(line(ui.lastFrame(), 'licensed per user')).toContain('one service whatever the category setting');
    await choose(ui, 'cloud plus');
    expect(rowOf(ui.lastFrame(), 'Cloud Plus')).toMatch(/^› \* Kaspersky Endpoint Security Cloud Plus +\[KES Cloud Plus per user\] +per user — one item/);
    await press(ui.stdin, CTRL_S);
    await waitForFrame(ui, (f) => f.includes('Saved the services'));
    const billing = readBilling(dir);
    expect(billing.byCategory).toBe(true);
    expect(billing.applications).toEqual([
      { applicationId: EXTRA_APPS[0]!.id, applicationName: EXTRA_APPS[0]!.name, single: { value: '29684608', label: 'KES Cloud Plus per user' }, workstation: null, server: null, nonWindows: null },
    ]);
  });

  it('the dropdown lists only the active Autotask services, searchable, with (none)', async () => {
    const { ui } = open({ rows: 40 });
    await loaded(ui);
    await press(ui.stdin, keys.enter);
    let frame = await waitForFrame(ui, (f) => f.includes('Autotask service for'));
    expect(frame).toContain('(none)');
    for (const name of ['KES Advanced – Workstation', 'KES Advanced – Server', 'KES Advanced – Non-Windows', 'KESB Select – Workstation', 'Kaspersky Security for Microsoft Office 365 per mailbox', 'KES Cloud Pro per user']) {
      expect(frame).toContain(name);
    }
    expect(frame).not.toContain('legacy');
    await type(ui.stdin, 'legacy');
    frame = ui.lastFrame();
    expect(frame).not.toContain('Kaspersky Anti-Virus for Workstations');
    await press(ui.stdin, keys.ctrlU ?? '', ...Array.from({ length: 6 }, () => keys.backspace));
    await type(ui.stdin, 'select – serv');
    frame = ui.lastFrame();
    expect(frame).toContain('KESB Select – Server');
    expect(frame).not.toContain('KES Advanced – Server');
    await press(ui.stdin, keys.escape);
  });

  it('a partly mapped three-item row is incomplete and blocks Save with the reason; nothing is written', async () => {
    const { ui, dir } = open();
    const before = fs.readFileSync(path.join(dir, 'config.json'), 'utf8');
    await loaded(ui);
    await press(ui.stdin, 't');
    await goTo(ui, ADVANCED);
    await choose(ui, 'advanced – work');
    let frame = ui.lastFrame();
    expect(rowOf(frame, ADVANCED)).toMatch(/^› \* Kaspersky Endpoint Security for Business Advanced +\[KES Advanced – Workstatio.* +— +— +incomplete \(1 of 3\)$/);
    expect(frame).toContain('1 problem');
    await press(ui.stdin, CTRL_S);
    frame = await waitForFrame(ui, (f) => f.includes('Not saved'));
    expect(frame).toContain(`“${ADVANCED}” is incomplete: 1 of 3 billing items chosen; choose Windows servers and Non-Windows devices, or clear all three.`);
    expect(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).toBe(before);
  });

  it('a complete mapping saves: config.json holds it, and the row is no longer changed', async () => {
    const { ui, dir } = open();
    await loaded(ui);
    await press(ui.stdin, 't');
    await goTo(ui, ADVANCED);
    await choose(ui, 'advanced – work');
    await press(ui.stdin, keys.right);
    await choose(ui, 'advanced – serv');
    await press(ui.stdin, keys.right);
    await choose(ui, 'advanced – non');
    await goTo(ui, SELECT);
    await press(ui.stdin, keys.left, keys.left);
    await choose(ui, 'select – work');
    await press(ui.stdin, keys.right);
    await choose(ui, 'select – serv');
    await press(ui.stdin, keys.right);
    await choose(ui, 'select – non');
    expect(ui.lastFrame()).toContain('3 unsaved changes'); // the toggle and two applications
    await press(ui.stdin, CTRL_S);
    const frame = await waitForFrame(ui, (f) => f.includes('Saved the services'));
    expect(frame).not.toMatch(/^ +\* /m);
    expect(frame).toContain('Bill devices by category: on (t)');
    const billing = readBilling(dir);
    expect(billing.byCategory).toBe(true);
    const advanced = billing.applications.find((a) => a.applicationId === ADVANCED)!;
    expect(advanced).toEqual({
      applicationId: ADVANCED,
      applicationName: ADVANCED,
      single: null,
      workstation: { value: '29684601', label: 'KES Advanced – Workstation' },
      server: { value: '29684602', label: 'KES Advanced – Server' },
      nonWindows: { value: '29684603', label: 'KES Advanced – Non-Windows' },
    });
    expect(billing.applications.find((a) => a.applicationId === SELECT)!.nonWindows).toEqual({ value: '29684606', label: 'KESB Select – Non-Windows' });
  });

  it('the same billing item for two applications is refused at Save with both names', async () => {
    const { ui, dir } = open();
    const before = fs.readFileSync(path.join(dir, 'config.json'), 'utf8');
    await loaded(ui);
    await goTo(ui, ADVANCED);
    await choose(ui, 'advanced – work');
    await goTo(ui, SELECT);
    await press(ui.stdin, keys.enter);
    let frame = await waitForFrame(ui, (f) => f.includes('Autotask service for'));
    expect(line(frame, '│   KES Advanced – Workstation')).toContain('also chosen for Kaspersky Endpoint Secu');
    await type(ui.stdin, 'advanced – work');
    await press(ui.stdin, keys.enter);
    await press(ui.stdin, CTRL_S);
    frame = await waitForFrame(ui, (f) => f.includes('Not saved'));
    const text = frame.replace(/\s+/g, ' ');
    // The row to fix first (a status line cuts long messages), then the other application.
    expect(text).toContain(`Cause: "${SELECT}": billing item "KES Advanced – Workstation" is also chosen for "${ADVANCED}"`);
    expect(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).toBe(before);
    expect(ui.lastFrame()).toContain('2 unsaved changes');
  });

  it('by category, an application needs items only for the categories it installs on, and one item may serve several of its categories', async () => {
    const KSWS = 'Kaspersky Security for Windows Server';
    const BETA = 'Kaspersky Endpoint Security for Windows 12.7 (beta)';
    const { ui, dir } = open();
    await loaded(ui);
    await press(ui.stdin, 't');
    let frame = ui.lastFrame();
    expect(rowOf(frame, KSWS)).toMatch(/Windows Server +n\/a +— +n\/a$/);
    expect(rowOf(frame, 'Exchange Servers')).toMatch(/Exchange Servers +n\/a +— +n\/a$/);
    expect(rowOf(frame, 'Security for Linux')).toMatch(/for Linux +n\/a +n\/a +—$/);
    expect(rowOf(frame, BETA)).toMatch(/\(beta\) +— +— +n\/a$/);
    expect(rowOf(frame, ADVANCED)).toMatch(/Advanced +— +— +—$/);
    // Windows Server: Enter in any column chooses its servers' item, and that alone is complete.
    await goTo(ui, KSWS);
    expect(ui.lastFrame()).toContain('Installed on Windows servers only · column: Windows servers · Enter chooses its service.');
    await choose(ui, 'security for windows server');
    frame = ui.lastFrame();
    expect(rowOf(frame, KSWS)).toMatch(/^› \* Kaspersky Security for Windows Server +n\/a +\[Kaspersky Security for Windows Server\] +n\/a$/);
    expect(frame).not.toContain('incomplete');
    // Endpoint Security for Windows: one item for its workstations and its servers.
    await press(ui.stdin, keys.home);
    await goTo(ui, BETA);
    await press(ui.stdin, keys.right, keys.right); // Non-Windows: not installed there
    expect(line(ui.lastFrame(), 'installed on')).toContain(`${BETA} is installed on Windows workstations and Windows servers only: no service for Non-Windows devices.`);
    await press(ui.stdin, keys.enter);
    expect(ui.lastFrame()).toContain('it needs no service for Non-Windows devices');
    expect(ui.lastFrame()).not.toContain('Autotask service for Kaspersky');
    await press(ui.stdin, keys.left, keys.left);
    await choose(ui, 'advanced – work');
    await press(ui.stdin, keys.right, keys.enter);
    frame = await waitForFrame(ui, (f) => f.includes('Autotask service for'));
    expect(line(frame, '│   KES Advanced – Workstation')).toContain('also chosen for Kaspersky Endpoint Secu'); // this application's workstations
    await type(ui.stdin, 'advanced – work');
    await press(ui.stdin, keys.enter);
    frame = await waitForFrame(ui, (f) => !f.includes('Autotask service for'));
    expect(rowOf(frame, BETA)).toMatch(/\(beta\) +KES Advanced – Workstation +\[KES Advanced – Workstation\] +n\/a$/);
    await press(ui.stdin, CTRL_S);
    await waitForFrame(ui, (f) => f.includes('Saved the services'));
    const billing = readBilling(dir);
    const workstation = { value: '29684601', label: 'KES Advanced – Workstation' };
    expect(billing.applications.find((a) => a.applicationId === KSWS)).toEqual({ applicationId: KSWS, applicationName: KSWS, single: null, workstation: null, server: { value: '29684607', label: KSWS }, nonWindows: null });
    expect(billing.applications.find((a) => a.applicationId === BETA)).toEqual({ applicationId: BETA, applicationName: BETA, single: null, workstation, server: workstation, nonWindows: null });
  });

  it('an item stored for a category the application does not install on is shown and must be cleared', async () => {
    const KSWS = 'Kaspersky Security for Windows Server';
    const dir = freshDir();
    const item = (value: string, label: string) => ({ value, label });
    writeBilling(dir, {
      byCategory: true,
      applications: [{ applicationId: KSWS, applicationName: KSWS, single: null, workstation: item('29684604', 'KESB Select – Workstation'), server: item('29684607', KSWS), nonWindows: null }],
    });
    const { ui } = open({ dir });
    let frame = await loaded(ui);
    expect(rowOf(frame, KSWS)).toMatch(/Windows Server +! n\/a: KESB Select – Work.* +Kaspersky Security for Win.* +n\/a +! n\/a item$/);
    expect(frame).toContain('1 problem');
    await goTo(ui, KSWS);
    expect(ui.lastFrame()).toContain(`“${KSWS}” is installed on Windows servers only, yet has a billing item for Windows workstations: clear it with (none) (Enter on that cell).`);
    await press(ui.stdin, keys.enter);
    frame = await waitForFrame(ui, (f) => f.includes(`Autotask service for ${KSWS}`));
    expect(frame).toContain('› KESB Select – Workstation (current)');
    await press(ui.stdin, keys.pageUp, keys.enter); // (none), at the top
    frame = await waitForFrame(ui, (f) => !f.includes('Search:'));
    expect(rowOf(frame, KSWS)).toMatch(/Windows Server +n\/a +\[Kaspersky Security for Windows Server\] +n\/a$/);
    await press(ui.stdin, CTRL_S);
    await waitForFrame(ui, (f) => f.includes('Saved the services'));
    expect(readBilling(dir).applications).toEqual([{ applicationId: KSWS, applicationName: KSWS, single: null, workstation: null, server: item('29684607', KSWS), nonWindows: null }]);
  });

  it('by category at 80×24 and 120×35: "n/a" where an application is not installed', async () => {
    for (const [columns, rows] of [
      [80, 24],
      [120, 35],
    ] as const) {
      const { ui } = open({ columns, rows });
      await loaded(ui);
      await press(ui.stdin, 't', keys.end);
      const frame = ui.lastFrame();
      expect(frame).not.toMatch(/[«»]/);
      expect(rowOf(frame, 'Security for Windows Server')).toMatch(/Windows Server +n\/a +\[—\] +n\/a$/);
      expect(frame).toMatchSnapshot(`${columns}×${rows}`);
      cleanupUi();
    }
  });

  it('Cancel changes asks, then restores the last save', async () => {
    const dir = freshDir();
    writeBilling(dir, { byCategory: false, applications: [{ applicationId: SELECT, applicationName: SELECT, single: { value: '29684604', label: 'KESB Select – Workstation' }, workstation: null, server: null, nonWindows: null }] });
    const { ui } = open({ dir });
    await loaded(ui);
    await goTo(ui, SELECT);
    await press(ui.stdin, keys.enter);
    await waitForFrame(ui, (f) => f.includes('Autotask service for'));
    await press(ui.stdin, keys.up, keys.up, keys.enter); // (none)
    await press(ui.stdin, 't');
    let frame = ui.lastFrame();
    expect(rowOf(frame, SELECT)).toMatch(/^› \* Kaspersky/);
    await press(ui.stdin, 'x');
    frame = await waitForFrame(ui, (f) => f.includes('Discard the unsaved changes on Services'));
    await press(ui.stdin, 'y');
    frame = await waitForFrame(ui, (f) => f.includes('Restored the last saved services'));
    expect(rowOf(frame, SELECT)).toMatch(/^› +Kaspersky Endpoint Security for Business Select +per device +\[KESB Select – Workstation\]/);
    expect(frame).toContain('Bill devices by category: off (t)');
    expect(frame).not.toContain('unsaved');
  });

  it('leaving the tab with unsaved changes asks first; discarding reloads the saved settings', async () => {
    const { ui } = open({ withAccounts: true });
    await loaded(ui);
    await press(ui.stdin, 't');
    await press(ui.stdin, '2');
    let frame = await waitForFrame(ui, (f) => f.includes('Discard unsaved changes on Services?'));
    await press(ui.stdin, 'n');
    frame = ui.lastFrame();
    expect(frame).toContain('[4 Services*]');
    expect(frame).toContain('Bill devices by category: on * (t)');
    await press(ui.stdin, '2');
    await waitForFrame(ui, (f) => f.includes('Discard unsaved changes on Services?'));
    await press(ui.stdin, 'y');
    await waitForFrame(ui, (f) => f.includes('[2 Accounts]'));
    await press(ui.stdin, '4');
    frame = await loaded(ui);
    expect(frame).toContain('Bill devices by category: off (t)');
  });

  it('marks stored items no longer active in Autotask and applications no longer licensed; Save is blocked until changed', async () => {
    const dir = freshDir();
    const before = JSON.stringify({
      byCategory: false,
      applications: [
        { applicationId: ADVANCED, applicationName: ADVANCED, single: { value: '29684611', label: 'Kaspersky Anti-Virus for Workstations (legacy)' }, workstation: null, server: null, nonWindows: null },
        { applicationId: SELECT, applicationName: SELECT, single: { value: '1234', label: 'Old service' }, workstation: null, server: null, nonWindows: null },
        { applicationId: 'Kaspersky Anti-Virus 6.0', applicationName: 'Kaspersky Anti-Virus 6.0', single: { value: '29684607', label: 'Kaspersky Security for Windows Server' }, workstation: null, server: null, nonWindows: null },
      ],
    });
    writeBilling(dir, JSON.parse(before) as BillingSettings);
    const { ui } = open({ dir });
    let frame = await loaded(ui);
    expect(rowOf(frame, ADVANCED)).toMatch(/! inactive: Kaspersky Anti-Virus for Work.* +! change item$/);
    expect(rowOf(frame, SELECT)).toMatch(/! deleted: Old service +! change item/);
    expect(rowOf(frame, 'Anti-Virus 6.0')).toMatch(/Kaspersky Anti-Virus 6\.0 +— +Kaspersky Security for Windows Server +not licensed now/);
    expect(frame).toContain('2 problems');
    // Change the inactive one, clear the deleted one: then it saves.
    await goTo(ui, ADVANCED);
    await choose(ui, 'advanced – work');
    await press(ui.stdin, CTRL_S);
    frame = await waitForFrame(ui, (f) => f.includes('Not saved'));
    expect(frame.replace(/\s+/g, ' ')).toContain(`“${SELECT}”: billing item “Old service” is deleted in the PSA`);
    await goTo(ui, SELECT);
    await press(ui.stdin, keys.enter);
    await waitForFrame(ui, (f) => f.includes('Autotask service for'));
    await press(ui.stdin, keys.home, keys.enter);
    await waitForFrame(ui, (f) => !f.includes('Autotask service for'));
    expect(rowOf(ui.lastFrame(), SELECT)).toMatch(/Business Select +per device +\[—\]/);
    await press(ui.stdin, CTRL_S);
    await waitForFrame(ui, (f) => f.includes('Saved the services'));
    expect(readBilling(dir).applications.map((a) => [a.applicationId, a.single?.value])).toEqual([
      [ADVANCED, '29684601'],
      ['Kaspersky Anti-Virus 6.0', '29684607'],
    ]);
  });

  it('shows a load error with cause and remedy while keys work, and r tries again', async () => {
    const dir = freshDir();
    const session = openSession(dir);
    const { KmspError } = await import('../../source/domain/errors.js');
    const real = session.platform.bind(session);
    let fail = true;
    vi.spyOn(session, 'platform').mockImplementation(async (name) => {
      if (fail) throw new KmspError('Could not reach Kaspersky Security Center', { kind: 'network', cause: 'connection refused', remedy: 'Check that the server is running.' });
      return real(name);
    });
    const ui = renderUi(<ConsoleApp integrationName="demo" screens={[createServicesScreen({ session, integrationName: 'demo' })]} initialTab="services" noticeTimeoutMs={0} onExit={vi.fn()} />, { columns: 120, rows: 24 });
    let frame = await waitForFrame(ui, (f) => f.includes('Could not load the applications'), 5000);
    expect(frame).toContain('Could not load the applications from KSC: Could not reach Kaspersky Security Center');
    expect(frame).toContain('Cause: connection refused');
    expect(frame).toContain('Remedy: Check that the server is running.');
    expect(frame).toContain('r tries again');
    await press(ui.stdin, 't');
    expect(ui.lastFrame()).toContain('Bill devices by category: on * (t)');
    fail = false;
    await press(ui.stdin, 'r');
    frame = await loaded(ui);
    expect(frame).toContain('Endpoint Detection and Response Optimum');
    expect(frame).not.toContain('Could not load');
  });

  it('? lists the Services keys', async () => {
    const { ui } = open({ rows: 40 });
    await loaded(ui);
    await press(ui.stdin, '?');
    const frame = await waitForFrame(ui, (f) => f.includes('Bill devices by category on/off'));
    for (const text of ['Choose the service of this cell', 'Previous category column', 'Next category column', 'Save changes', 'Cancel changes (restore the last save)', 'Reload the applications from KSC']) {
      expect(frame).toContain(text);
    }
    expect(frameLines(frame).at(-1)).toBeDefined();
  });
});
