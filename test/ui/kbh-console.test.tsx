// The console on a Kaspersky Business Hub integration speaks Business Hub (README › Words):
// companies on Accounts and in the add / remove checklist, the Ticketing sections of KES Cloud
// and Office 365 (one row per Office 365 event type, no Lifetime, priority Critical, the line that
// says who closes a row's tickets), the four Business Hub applications on Services (per user and
// per mailbox keep one item by category), the optional authenticator key on Connections, the
// one-time code Test connection asks for when the hub demands one, and the Billing preview with
// users and mailboxes. Over the demo simulators (Business Hub + Autotask).
import { createElement } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Secret, TOTP } from 'otpauth';
import type { ConsoleSession } from '../../source/console/session.js';
import type { ApplicationItems, PsaChoice, TenantMapping } from '../../source/domain/config.js';
import { openConfig } from '../../source/store/config.js';
import { resolvePaths } from '../../source/store/paths.js';
import { startDemo } from '../../source/demo/environment.js';
import { ConsoleRoot } from '../../source/ui/console-root.js';
import { useDemoConsole } from '../helpers/demo-ui.js';
import { cleanupUi, frameLines, keys, press, renderUi, type, waitForFrame, type RenderedUi } from '../helpers/ink.js';

const env = useDemoConsole('kmsp-kbh-', { platform: 'kbh' });

const sizes = [
  [80, 24],
  [120, 35],
] as const;

/** What a Business Hub console must never say: another platform's words. */
const OTHER_PLATFORM = /virtual server|\bKSC\b|Security Center|license key/i;

function open(dir: string, initialTab: string, size: { columns: number; rows: number }): { ui: RenderedUi; session: ConsoleSession } {
  const session = env.openSession(dir);
  const ui = renderUi(createElement(ConsoleRoot, { session, initialIntegration: 'demo', initialTab, noticeTimeoutMs: 0, onExit: vi.fn(), now: () => new Date('2026-06-02T08:00:00Z') }), size);
  return { ui, session };
}

/** Ports, this checkout's folder and the demo's dates (relative to the day it starts) do not belong in a snapshot. */
const stable = (frame: string) =>
  frame
    .replace(/(localhost|127\.0\.0\.1):\d+/g, '$1:PORT')
    .replace(new RegExp(process.cwd().replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g'), '<repo>')
    .replace(/\b20\d\d-\d\d-\d\d\b/g, 'YYYY-MM-DD')
    .replace(/\d\d:\d\d:\d\d, \d+\.\d s\)/g, 'HH:MM:SS, N s)');

/**
 * Companies of the demo story mapped as an admin would: each to its Autotask account and running
 * Recurring Service contract; billing on unless told. The four applications billed to Autotask
 * services (the Office 365 one to its per-mailbox service).
 */
async function mapAndBill(dir: string, companies: ReadonlyArray<[company: string, account: string, billing: boolean]>): Promise<void> {
  const session = env.openSession(dir);
  try {
    const [tenants, accounts, contracts, items, apps] = await Promise.all([
      session.tenants('demo'),
      session.accounts('demo'),
      session.contracts('demo'),
      session.billingItems('demo'),
      session.platform('demo').then((p) => p.listApplications()),
    ]);
    const tenantMappings = companies.map(([company, account, billing]): TenantMapping => {
      const t = tenants.find((x) => x.name === company)!;
      const a = accounts.find((x) => x.name === account)!;
      const c = contracts.find((x) => x.accountId === a.id && x.recurring && x.active)!;
      return { tenantId: t.id, tenantName: t.name, accountId: a.id, accountName: a.name, billing, contractId: c.id, contractName: c.name };
    });
    const item = (name: string): PsaChoice => {
      const i = items.find((x) => x.name === name)!;
      return { value: i.id, label: i.name };
    };
    const itemFor: Record<string, string> = {
      'Kaspersky Endpoint Security Cloud': 'KES Advanced – Workstation',
      'Kaspersky Endpoint Security Cloud Plus': 'KES Cloud Plus per user',
      'Kaspersky Endpoint Security Cloud Pro': 'KES Cloud Pro per user',
      'Kaspersky Security for Microsoft Office 365': 'Kaspersky Security for Microsoft Office 365 per mailbox',
    };
    const applications = apps.map((app): ApplicationItems => ({ applicationId: app.id, applicationName: app.name, single: item(itemFor[app.name]!), workstation: null, server: null, nonWindows: null }));
    expect(applications).toHaveLength(4);
    const store = openConfig({ paths: resolvePaths({ configDir: dir }), onNotice: () => {} });
    const config = store.load();
    config.integrations[0]!.tenants = tenantMappings;
    config.integrations[0]!.billing = { ...config.integrations[0]!.billing, applications };
    store.save(config, { actor: 'test' });
  } finally {
    await env.closeSession(session);
  }
}

describe('Accounts in Business Hub words', () => {
  it.each(sizes)('the Add / remove companies checklist, then the Company column with its suggestions, at %i×%i', async (columns, rows) => {
    const { ui } = open(env.freshDir(), 'accounts', { columns, rows });
    await waitForFrame(ui, (f) => /\d+ companies in Business Hub · \d+ Autotask accounts/.test(f), 15_000);
    await press(ui.stdin, 'a');
    const checklist = await waitForFrame(ui, (f) => f.includes('Add / remove companies') && f.includes('Copperfield Books'), 5000);
    // The company the hub lists while it is marked for deletion, in the hub's words.
    expect(frameLines(checklist).find((l) => l.includes('Copperfield Books'))).toContain('marked for deletion in Business Hub');
    expect(checklist).not.toMatch(OTHER_PLATFORM);
    expect(stable(checklist)).toMatchSnapshot();

    // Every active company into the integration (a checks all, Space leaves out Copperfield).
    await press(ui.stdin, 'a', 'j', 'j', 'j', ' ', '\r');
    const table = await waitForFrame(ui, (f) => f.includes('25 companies added') && /\d+ suggestions/.test(f) && !f.includes('finding suggestions…'), 15_000);
    const header = frameLines(table).find((l) => l.includes('Company') && l.includes('Autotask account'));
    expect(header).toBeDefined();
    expect(table).toContain('Suggestion (Normalised): Acme and Sons Ltd');
    expect(table).not.toMatch(OTHER_PLATFORM);
    expect(stable(table)).toMatchSnapshot();
  });
});

describe('The integrations list', () => {
  it.each(sizes)('names the platform whole, at %i×%i', async (columns, rows) => {
    const { ui } = open(env.freshDir(), 'connections', { columns, rows });
    await waitForFrame(ui, (f) => f.includes('present in'), 15_000);
    await press(ui.stdin, 'I');
    const list = await waitForFrame(ui, (f) => f.includes('│ Integrations'), 5000);
    expect(frameLines(list).find((l) => l.includes('› • demo'))).toMatch(/› • demo +Business Hub +Autotask +0 +never +never/);
    expect(stable(list)).toMatchSnapshot();
  });
});

describe('Business Hub with ConnectWise, where both keep companies', () => {
  it.each(sizes)('the titles say whose: Business Hub companies beside ConnectWise companies, at %i×%i', async (columns, rows) => {
    const cw = await startDemo({ platform: 'kbh', psa: 'connectwise', withTenants: true });
    try {
      const { ui } = open(cw.configDir, 'accounts', { columns, rows });
      const frame = await waitForFrame(ui, (f) => /\d+ companies in Business Hub · \d+ ConnectWise Manage companies/.test(f) && !f.includes('finding suggestions…'), 15_000);
      const lines = frameLines(frame);
      expect(lines[1]).toContain('[2 Companies]');
      expect(lines[2]).toMatch(/^Business Hub companies of “demo”/);
      expect(lines[3]).toMatch(/Business Hub company +ConnectWise company/);
      await press(ui.stdin, 'a');
      expect(await waitForFrame(ui, (f) => f.includes('Copperfield Books'), 5000)).toContain('Add / remove Business Hub companies');
      await press(ui.stdin, keys.escape);
      expect(stable(frame)).toMatchSnapshot();
    } finally {
      cleanupUi();
      await cw.close();
    }
  });
});

describe('Ticketing in Business Hub words', () => {
  const openTicketing = async (size: { columns: number; rows: number }) => {
    const { ui } = open(env.freshDir(), 'ticketing', size);
    const frame = await waitForFrame(ui, (f) => f.includes('Active in Autotask'), 15_000);
    return { ui, frame };
  };

  it.each(sizes)('the section list groups KES Cloud and Office 365, at %i×%i', async (columns, rows) => {
    const { frame } = await openTicketing({ columns, rows });
    const sections = frameLines(frame).map((l) => l.split('│')[0]!.trimEnd());
    const at = (title: string, from = 0) => sections.findIndex((l, i) => i >= from && l.trim() === title);
    const kes = at('KES Cloud');
    const o365 = at('Office 365');
    expect(at('› General')).toBeGreaterThan(0);
    expect(kes).toBeGreaterThan(at('› General'));
    expect(sections.slice(kes + 1, kes + 4).map((l) => l.trim())).toEqual(['Events', 'Warning status', 'Critical status']);
    expect(o365).toBe(kes + 4);
    expect(sections[o365 + 1]!.trim()).toBe('Events');
    // The rows under a group are indented below its heading.
    expect(sections[kes + 1]).toMatch(/^ {4}Events/);
    expect(frame).not.toMatch(OTHER_PLATFORM);
    expect(stable(frame)).toMatchSnapshot();
  });

  it.each(sizes)('Office 365 › Events: one row per event type, priority Critical, no Lifetime, who closes the tickets, at %i×%i', async (columns, rows) => {
    const { ui } = await openTicketing({ columns, rows });
    await press(ui.stdin, 'j', 'j', 'j', 'j');
    let frame = await waitForFrame(ui, (f) => f.includes('Office 365 › Events') && f.includes('Attachment filtered'), 5000);
    const labels = ['Mailboxes protection is not provided', 'License-related issue occurred', 'Malware detected', 'Phishing detected', 'Attachment filtered'];
    const tableLines = frameLines(frame).map((l) => l.split('│')[1] ?? '');
    for (const label of labels) expect(tableLines.some((l) => l.includes(label)), label).toBe(true);
    expect(frame).toContain('Event type');
    expect(frame).not.toMatch(/Lifetime|\bDays\b/);
    // The condition rows: kmsp closes their tickets.
    expect(frame).toContain('One ticket while the condition lasts; kmsp closes it when the condition clears.');
    if (columns >= 120) {
      for (const label of labels) expect(tableLines.find((l) => l.includes(label))).toMatch(/Critical/);
    }
    expect(stable(frame)).toMatchSnapshot();

    // Into the rows, down to a detection: people close those.
    await press(ui.stdin, 'l', 'j', 'j');
    frame = await waitForFrame(ui, (f) => f.includes('One ticket per occurrence; people close it.'), 5000);
    // Every column, scrolled to the last one at 80 columns: Priority Critical and Due, never Lifetime.
    await press(ui.stdin, 'l', 'l', 'l', 'l', 'l', 'l', 'l');
    frame = await waitForFrame(ui, (f) => f.includes('›Due'), 5000);
    expect(frame).not.toMatch(/Lifetime|\bDays\b/);
    for (const label of ['Malware detected', 'Phishing detected']) expect(frameLines(frame).find((l) => l.includes(label))).toMatch(/Critical/);
    if (columns < 120) expect(stable(frame)).toMatchSnapshot();

    // The bulk edit's key, in ? help, offers what this section has: no lifetime.
    await press(ui.stdin, '?');
    await waitForFrame(ui, (f) => f.includes('Keys: Ticketing'), 5000);
    for (let i = 0; i < 20 && !ui.lastFrame().includes('Bulk edit the marked rows'); i++) await press(ui.stdin, 'j');
    const help = ui.lastFrame();
    expect(frameLines(help).find((l) => l.includes('Bulk edit the marked rows'))).toMatch(/\(or this row\): on\/off, queue, prio/);
    await press(ui.stdin, keys.escape);
  });

  it.each(sizes)('KES Cloud › Critical status: the eight KES Cloud conditions, at %i×%i', async (columns, rows) => {
    const { ui } = await openTicketing({ columns, rows });
    await press(ui.stdin, 'j', 'j', 'j');
    const frame = await waitForFrame(ui, (f) => f.includes('KES Cloud › Critical status') && f.includes('Device status defined by application'), 5000);
    const conditions = [
      'is not installed',
      'Security application is not running',
      'Real-time protection is not running',
      'Databases are out of date',
      'Not connected in a long time',
      'Invalid encryption status',
      'License expired',
      'Device status defined by application',
    ];
    for (const c of conditions) expect(frame, c).toContain(c);
    expect(frame).toContain('1–8 of 8');
    // The KSC-only descriptions are not offered.
    expect(frame).not.toMatch(/Device is unmanaged|Many viruses detected|Restart is required/);
    expect(stable(frame)).toMatchSnapshot();
  });
});

describe('Services: the Business Hub applications', () => {
  it.each(sizes)('the four applications and their units; by category, per user and per mailbox keep one item, at %i×%i', async (columns, rows) => {
    const { ui } = open(env.freshDir(), 'services', { columns, rows });
    let frame = await waitForFrame(ui, (f) => f.includes('4 applications in Business Hub') && /\d+ active Autotask services/.test(f), 15_000);
    /** The application's row: its name followed by two spaces (not "… Cloud Plus" for "… Cloud"). */
    const rowOf = (f: string, app: string) => frameLines(f).find((l) => l.includes(`${app}  `)) ?? '';
    expect(frame).toMatch(/Endpoint Security Cloud +per device/);
    expect(frame).toMatch(/Endpoint Security Cloud Plus +per user/);
    expect(frame).toMatch(/Endpoint Security Cloud Pro +per user/);
    expect(frame).toMatch(/Office 365 +per mailbox/);
    expect(frame).not.toMatch(OTHER_PLATFORM);
    expect(stable(frame)).toMatchSnapshot();

    await press(ui.stdin, 't');
    frame = await waitForFrame(ui, (f) => f.includes('Bill devices by category: on'), 5000);
    // Per device: an item per category; per user and per mailbox: the one item, said in every other category's cell.
    expect(rowOf(frame, 'Endpoint Security Cloud Plus')).toMatch(/per user.*per user/);
    expect(rowOf(frame, 'Endpoint Security Cloud Pro')).toMatch(/per user.*per user/);
    expect(rowOf(frame, 'Office 365')).toMatch(/per mailbox.*per mailbox/);
    expect(rowOf(frame, 'Endpoint Security Cloud')).not.toMatch(/per (user|mailbox)/);
    // Cut cells would hide what the cell says.
    for (const app of ['Endpoint Security Cloud Plus', 'Endpoint Security Cloud Pro', 'Office 365']) expect(rowOf(frame, app)).not.toMatch(/per (user|mailbox)[^ ]*…/);
    expect(stable(frame)).toMatchSnapshot();

    // Enter on the per-user application chooses its single item, not a category's.
    await press(ui.stdin, 'j');
    // The line under the table says it whole, on two rows where one is too short.
    const help = await waitForFrame(ui, (f) => f.replace(/\n /g, ' ').includes('Kaspersky Endpoint Security Cloud Plus is licensed per user: one service whatever the category setting.'), 5000);
    expect(help).not.toContain('…\n');
    await press(ui.stdin, 'l', '\r');
    const chooser = await waitForFrame(ui, (f) => f.includes('Autotask service for Kaspersky Endpoint Security Cloud Plus') && f.includes('active Autotask services'), 5000);
    expect(chooser).not.toMatch(/Cloud Plus — (Windows|Non-Windows)/);
  });
});

describe('Connections: the Business Hub side', () => {
  it.each(sizes)('URL, E-mail, CA file, Password and the optional authenticator key, shown with its empty text, at %i×%i', async (columns, rows) => {
    const { ui } = open(env.freshDir(), 'connections', { columns, rows });
    const frame = await waitForFrame(ui, (f) => f.includes('Authenticator key') && f.includes('present in'), 15_000);
    const row = (label: string) => frameLines(frame).find((l) => l.slice(4).startsWith(label)) ?? '';
    expect(row('URL')).toContain('https://localhost:');
    expect(row('E-mail')).toContain('kmsp-demo@demo-msp.example');
    expect(row('CA/certificate file')).toContain('test-ca.pem');
    expect(row('Password')).toContain('present in plaintext file');
    expect(row('Authenticator key')).toContain('(none: for 2-step verification only)');
    expect(row('Authenticator key')).not.toMatch(/missing|not set/i);
    expect(frame).not.toMatch(OTHER_PLATFORM);
    expect(stable(frame)).toMatchSnapshot();

    // On the key: its help says what it is for, whole, on the rows the results leave free.
    await press(ui.stdin, 'j', 'j', 'j', 'j');
    const help = await waitForFrame(ui, (f) => f.includes('›   Authenticator key'), 5000);
    const helpLines = frameLines(help);
    const from = helpLines.findIndex((l) => l.startsWith('Only with 2-step'));
    expect(from).toBeGreaterThan(0);
    expect(helpLines.slice(from, from + 3).join(' ')).toContain(
      'Only with 2-step verification by an authenticator app: its setup key (base32). kmsp then makes the one-time codes, so the agent signs in alone.',
    );
    expect(stable(help)).toMatchSnapshot();
  });
});

describe('Test connection when the hub asks for a one-time code', () => {
  const email = 'kmsp-demo@demo-msp.example';
  let key = '';
  const totp = () => new TOTP({ secret: Secret.fromBase32(key), digits: 6, period: 30, algorithm: 'SHA1' });
  /** Not the code of this 30 s step, nor of the one before or after (the hub takes those). */
  const wrongCode = () => {
    const t = totp();
    const now = Date.now();
    const taken = new Set([-30_000, 0, 30_000].map((d) => t.generate({ timestamp: now + d })));
    let n = 123456;
    while (taken.has(String(n))) n++;
    return String(n);
  };

  beforeEach(() => {
    // The demo user now has 2-step verification by app; the demo's secrets hold no authenticator key.
    key = env.demo.kbh.requireTwoStep(email);
  });
  afterEach(() => env.demo.kbh.reset());

  /** The test's summary line once both sides answered. */
  const finished = (f: string) => /Test connection \(saved settings, [^)]*\): \d+ failed, \d+ passed/.test(f);

  async function asked(size: { columns: number; rows: number } = { columns: 80, rows: 24 }) {
    const { ui } = open(env.freshDir(), 'connections', size);
    await waitForFrame(ui, (f) => f.includes('present in'), 15_000);
    await press(ui.stdin, 't');
    const form = await waitForFrame(ui, (f) => f.includes('Business Hub asks for a one-time code'), 15_000);
    return { ui, form };
  }

  it('t opens the one-time-code form (fits 80×24); the right code tests again: signed in, and the agent needs the authenticator key', async () => {
    const { ui, form } = await asked();
    const lines = frameLines(form);
    expect(lines.length).toBeLessThanOrEqual(23);
    expect(form).toContain('The account signs in with 2-step verification.');
    expect(form).toMatch(/Type the 6-digit code your authenticator app shows/);
    expect(form).toContain('› One-time code');
    expect(lines.at(-1)).toMatch(/^Enter\/Ctrl-S test +Esc cancel$/);
    // Every line of the dialog inside the frame's width, its border closed.
    expect(lines.filter((l) => l.includes('┌') || l.includes('└'))).toHaveLength(2);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    expect(stable(form)).toMatchSnapshot();

    // Six digits or nothing.
    await type(ui.stdin, '12ab');
    await press(ui.stdin, '\r');
    await waitForFrame(ui, (f) => f.includes('Type the 6 digits the app shows.'), 5000);
    await press(ui.stdin, keys.backspace, keys.backspace, keys.backspace, keys.backspace);

    const code = totp().generate();
    await type(ui.stdin, code);
    // Masked as typed: the code is never on screen.
    expect(frameLines(ui.lastFrame()).find((l) => l.includes('One-time code'))).toContain('••••••');
    await press(ui.stdin, '\r');
    const result = await waitForFrame(ui, finished, 15_000);
    const text = result.replace(/\n +/g, ' ');
    // Signed in this time: only the agent's sign-in without a person fails (at 80×24 the passed checks fold into the count).
    expect(text).toMatch(/Test connection \(saved settings, [^)]*\): 1 failed, \d+ passed/);
    expect(text).toContain(`✗ Kaspersky Business Hub: ${email} asks for a one-time code at sign-in and kmsp has no authenticator key: the agent cannot sign in unattended`);
    expect(text).toContain("Remedy: Store the account's authenticator key");
    // Masked in every frame the form was in.
    for (const frame of ui.stdout.frames) for (const line of frameLines(frame).filter((l) => l.includes('One-time code'))) expect(line).not.toContain(code);
    expect(stable(result)).toMatchSnapshot();
    // Every result: signed in, then the hub's reads, then the statement about the agent.
    await press(ui.stdin, 'v');
    const dialog = await waitForFrame(ui, (f) => f.includes('Test connection: all results'), 5000);
    // The dialog's text, its borders and wrapping undone.
    const all = frameLines(dialog).map((l) => l.replace(/^.*?│ ?| *│.*$/g, '').trim()).join(' ');
    expect(all).toContain(`✓ Kaspersky Business Hub: signed in — Kaspersky Business Hub at https://localhost:`);
    expect(all).toContain(`as ${email}`);
    expect(all).toContain('✓ Kaspersky Business Hub: 26 companies visible');
    expect(all).toContain(`✗ Kaspersky Business Hub: ${email} asks for a one-time code at sign-in`);
  });

  it('Esc leaves the first answer, with its remedy', async () => {
    const { ui } = await asked();
    await press(ui.stdin, keys.escape);
    const result = await waitForFrame(ui, (f) => finished(f) && !f.includes('asks for a one-time code │'), 15_000);
    const text = result.replace(/\n +/g, ' ');
    expect(text).toContain(`✗ Kaspersky Business Hub asks for a one-time code to sign in ${email}`);
    expect(text).toContain("Remedy: So that kmsp (and the agent, with no one at the keyboard) can sign in, store the account's authenticator key");
    expect(text).not.toContain('signed in —');
    expect(stable(result)).toMatchSnapshot();
  });

  it('a wrong code shows the hub’s refusal', async () => {
    const { ui } = await asked();
    await type(ui.stdin, wrongCode());
    await press(ui.stdin, '\r');
    const result = await waitForFrame(ui, finished, 15_000);
    const text = result.replace(/\n +/g, ' ');
    expect(text).toContain(`✗ Kaspersky Business Hub refused the one-time code for ${email}`);
    expect(text).toContain('"The one-time code is wrong or no longer valid."');
    expect(text).toContain('Remedy: Type the code your authenticator app shows now');
  });
});

describe('Reports in Business Hub words', () => {
  it('Billing preview: users and mailboxes per company, the skipped companies; Agent: the Company column', async () => {
    const dir = env.freshDir();
    await mapAndBill(dir, [
      ['Acme & Sons', 'Acme and Sons Ltd', true],
      ['Bluebird Dental', 'Bluebird Dental Group', true],
      ['Carter Logistics', 'Carter Logistics Inc.', true],
      ['Delta Legal LLP', 'Delta Legal LLP', false],
    ]);
    const { ui } = open(dir, 'reports', { columns: 120, rows: 35 });
    await waitForFrame(ui, (f) => f.includes('Unmapped accounts:'), 15_000);
    await press(ui.stdin, ']');
    const frame = await waitForFrame(ui, (f) => f.includes('postings on'), 15_000);
    expect(frame).toMatch(/postings? on 3 contracts · \d+ unchanged · 0 errors · 1 skipped · date/);
    // What the hub says each company uses: its protected mailboxes, and the users of its per-user license.
    const state = env.demo.kbh.state;
    const mailboxes = (company: string) => state.workspaces.find((w) => w.companyId === state.companies.find((c) => c.name === company)!.id && w.product === 'KSMO365')!.protectedMailboxes;
    const users = (company: string, productId: string) => {
      const ws = state.workspaces.filter((w) => w.companyId === state.companies.find((c) => c.name === company)!.id).map((w) => w.id);
      return state.licenses.filter((l) => ws.includes(l.workspaceId) && l.productId === productId).reduce((n, l) => n + state.usedOf(l), 0);
    };
    const row = (account: string, item: string) => frameLines(frame).find((l) => l.includes(account) && l.includes(item)) ?? '';
    const newUnits = (line: string) => Number(/ (\d+) +(?:[+\u2212]\d+|no change)$/.exec(line.trimEnd())?.[1]);
    expect(newUnits(row('Acme and Sons Ltd', 'Kaspersky Security for Microsoft Offi'))).toBe(mailboxes('Acme & Sons'));
    expect(newUnits(row('Bluebird Dental Group', 'Kaspersky Security for Microsoft Offi'))).toBe(mailboxes('Bluebird Dental'));
    expect(newUnits(row('Acme and Sons Ltd', 'KES Cloud Plus per user'))).toBe(users('Acme & Sons', 'kes-cloud-plus'));
    expect(newUnits(row('Carter Logistics Inc.', 'KES Cloud Pro per user'))).toBe(users('Carter Logistics', 'kes-cloud-pro'));
    expect(users('Acme & Sons', 'kes-cloud-plus')).toBeGreaterThan(0);
    expect(row('Delta Legal LLP', 'skipped')).toContain('skipped: billing is off');
    expect(frame).not.toMatch(OTHER_PLATFORM);
    expect(stable(frame)).toMatchSnapshot();

    await press(ui.stdin, ']', ']');
    const agent = await waitForFrame(ui, (f) => f.includes('The agent (kmsp agent)'), 5000);
    expect(frameLines(agent).find((l) => l.includes('When') && l.includes('Billing item'))).toMatch(/When +Company +Billing item/);
  });
});
