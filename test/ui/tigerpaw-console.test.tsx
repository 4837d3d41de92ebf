// The console on a Tigerpaw integration speaks Tigerpaw (README › Words): the Service orders tab
// (General with the service order rep, required once a row is on, and the New and Closed service
// order status; Events with Board, Priority and Type and no Due), the Price book items tab, an
// agreement's number and start date in the Accounts agreement column, and a close Tigerpaw
// deferred (a service order locked in its GUI) in Reports › Agent. Over the demo simulators.
import fs from 'node:fs';
import path from 'node:path';
import { createElement } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ConsoleSession } from '../../source/console/session.js';
import type { TenantMapping } from '../../source/domain/config.js';
import { openConfig } from '../../source/store/config.js';
import { resolvePaths } from '../../source/store/paths.js';
import { ConsoleRoot } from '../../source/ui/console-root.js';
import { useDemoConsole } from '../helpers/demo-ui.js';
import { frameLines, press, renderUi, waitForFrame, type RenderedUi } from '../helpers/ink.js';

const env = useDemoConsole('kmsp-tp-ui-', { psa: 'tigerpaw' });

const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../fixtures/demo', name), 'utf8')) as unknown;
const vservers = () => (fixture('ksc.json') as { vservers: Array<{ uid: string; dn: string }> }).vservers;

type Wire = Record<string, unknown>;
const wire = (record: unknown, key: string) => (record as Wire)[key] as Wire;

/** Three customers of the demo story mapped as an admin would: tenant → Tigerpaw account → its agreement billed under the External Product. */
function tpMappings(): TenantMapping[] {
  const story = (fixture('customers.json') as { customers: Array<{ tenant: string; account: string }> }).customers;
  const state = env.demo.psa.state as unknown as { accounts: Wire[]; agreements: Wire[] };
  return ['Acme & Sons', 'Bluebird Dental', 'Carter Logistics'].map((name) => {
    const accountName = story.find((c) => c.tenant === name)!.account;
    const account = state.accounts.find((a) => wire(a, 'Account').Name === accountName)!;
    const agreement = state.agreements.find((a) => wire(a, 'Agreement').AccountNumber === account.AccountNumber && wire(a, 'Agreement').ExternalProduct === env.demo.psa.externalProduct)!;
    const vs = vservers().find((v) => v.dn === name)!;
    const start = String(wire(agreement, 'Agreement').StartDate).slice(0, 10);
    return { tenantId: vs.uid, tenantName: vs.dn, accountId: String(account.AccountNumber), accountName, billing: true, contractId: String(agreement.AgreementNumber), contractName: `${String(agreement.AgreementNumber)} · ${start}` };
  });
}

/** A folder with the Tigerpaw demo's config and secrets; the tenants mapped (tpMappings) unless told. */
function folder(options: { mapped?: boolean } = {}): string {
  const dir = env.freshDir();
  if (options.mapped !== false) {
    const store = openConfig({ paths: resolvePaths({ configDir: dir }), onNotice: () => {} });
    const config = store.load();
    config.integrations[0]!.tenants = tpMappings();
    store.save(config, { actor: 'test' });
  }
  return dir;
}

function open(dir: string, initialTab: string, size: { columns: number; rows: number }): { ui: RenderedUi; session: ConsoleSession } {
  const session = env.openSession(dir);
  const ui = renderUi(createElement(ConsoleRoot, { session, initialIntegration: 'demo', initialTab, noticeTimeoutMs: 0, onExit: vi.fn(), now: () => new Date('2026-06-02T08:00:00Z') }), size);
  return { ui, session };
}

// The demo's dates are relative to the day it starts (agreements from the start of the year).
const stable = (frame: string, dir?: string) => {
  let out = frame.replace(/(localhost|127\.0\.0\.1):\d+/g, '$1:PORT').replace(/\b20\d\d-(?=\d\d-\d\d|\d\d-…|\d\d…|…)/g, 'YYYY-');
  if (dir) out = out.split(dir).join('<dir>');
  return out;
};
const sizes = [
  [80, 24],
  [120, 35],
] as const;

describe('the console in Tigerpaw words', () => {
  it.each(sizes)('Service orders › General: the service order rep (required once a row is on) and the New and Closed service order status, at %i×%i', async (columns, rows) => {
    const { ui } = open(folder(), 'ticketing', { columns, rows });
    const frame = await waitForFrame(ui, (f) => f.includes('Active in Tigerpaw'), 15_000);
    const text = frameLines(frame).join('\n');
    expect(text).toContain('Service orders of “demo” → Tigerpaw');
    expect(text).toContain('Service order rep');
    expect(text).toMatch(columns >= 120 ? /New service order status/ : /New status/);
    expect(text).toMatch(columns >= 120 ? /required once a row is on/ : /required when on/);
    expect(text).toContain('Service order rep is required once a row is on');
    expect(text).not.toMatch(/Autotask|ConnectWise|Ticketing|\bticket\b|…/);
    expect(stable(frame)).toMatchSnapshot();
  });

  it.each(sizes)('Service orders › Events: Create service order, Lifetime, Board, Priority and Type; no Due, at %i×%i', async (columns, rows) => {
    const { ui } = open(folder(), 'ticketing', { columns, rows });
    await waitForFrame(ui, (f) => f.includes('Active in Tigerpaw'), 15_000);
    await press(ui.stdin, 'j', 'l');
    let frame = await waitForFrame(ui, (f) => f.includes('Functional failure'), 5000);
    expect(frame).not.toMatch(/Due|Queue|\bTicket\b/);
    expect(stable(frame)).toMatchSnapshot();
    // Narrow: the columns scroll sideways to Type with the column cursor.
    await press(ui.stdin, 'l', 'l', 'l', 'l');
    frame = await waitForFrame(ui, (f) => f.includes('›Type'), 5000);
    expect(frame).toMatch(/Board|Priority/);
    expect(frame).toContain('[(none)]');
    expect(frame).not.toMatch(/Due/);
    if (columns < 120) expect(stable(frame)).toMatchSnapshot();
  });

  it('Service orders: a row turned on without a rep is refused at Save, naming the service order rep; with one it saves', async () => {
    const dir = folder();
    const { ui } = open(dir, 'ticketing', { columns: 120, rows: 35 });
    await waitForFrame(ui, (f) => f.includes('Active in Tigerpaw'), 15_000);
    // Bulk edit (Space marks, e edits) two Critical status rows: on, Type "Malware".
    await press(ui.stdin, ']', ']', ']', ' ', 'j', ' ', 'e');
    await waitForFrame(ui, (f) => f.includes('Edit 2 rows') && f.includes('Create service order'), 5000);
    await press(ui.stdin, '\r', '\t', '\t', '\t', '\r');
    await waitForFrame(ui, (f) => f.includes('Maintenance'), 5000);
    await press(ui.stdin, 'M', 'a', 'l', '\r');
    await waitForFrame(ui, (f) => f.includes('Malware ▾'), 5000);
    await press(ui.stdin, '\u0013');
    await waitForFrame(ui, (f) => f.includes('Changed 2 rows'), 5000);
    await press(ui.stdin, '\u0013');
    const refused = await waitForFrame(ui, (f) => f.includes('Not saved: 1 problem'), 5000);
    expect(refused).toContain('Service order rep is required once a row creates service orders');
    expect(refused).toContain('Not saved: General (Service order rep required)');
    const before = fs.readFileSync(path.join(dir, 'config.json'), 'utf8');
    // Save took the admin to General; Enter on the rep chooses one of the active reps.
    await press(ui.stdin, 'l', '\r');
    const reps = await waitForFrame(ui, (f) => f.includes('active Tigerpaw reps'), 5000);
    expect(reps).not.toContain('Lee Carter');
    await press(ui.stdin, '\r');
    await waitForFrame(ui, (f) => f.includes('Dana Whitfield') && !f.includes('active Tigerpaw reps'), 5000);
    await press(ui.stdin, '\u0013');
    await waitForFrame(ui, (f) => f.includes('Saved the service order settings'), 5000);
    expect(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).not.toBe(before);
    const saved = openConfig({ paths: resolvePaths({ configDir: dir }), onNotice: () => {} }).load().integrations[0]!.ticketing;
    expect(saved.general.rep).toMatchObject({ label: 'Dana Whitfield' });
    const on = saved.sections.criticalStatus!.filter((r) => r.enabled);
    expect(on).toHaveLength(2);
    for (const r of on) expect(r.fields.type).toMatchObject({ label: 'Malware' });
  });

  it.each(sizes)('Price book items: the tab and the active price book items of Tigerpaw, at %i×%i', async (columns, rows) => {
    const { ui } = open(folder(), 'services', { columns, rows });
    const frame = await waitForFrame(ui, (f) => /Bill devices by category/.test(f) && /\d+ active Tigerpaw price book items/.test(f), 15_000);
    expect(frame).toContain('Price book items');
    expect(frame).not.toMatch(/Autotask|ConnectWise|Services\b|Products\b/);
    expect(stable(frame)).toMatchSnapshot();
    await press(ui.stdin, '\r');
    const chooser = await waitForFrame(ui, (f) => f.includes('active Tigerpaw price book items') && f.includes('(none)'), 5000);
    expect(chooser).toMatch(/KES-ADV-WS — KES Advanced – Workstation/);
  });

  it.each(sizes)('Accounts: each mapped tenant’s agreement by its number and start date, at %i×%i', async (columns, rows) => {
    const { ui } = open(folder(), 'accounts', { columns, rows });
    const frame = await waitForFrame(ui, (f) => /\d+ virtual servers in KSC · \d+ Tigerpaw accounts/.test(f) && !f.includes('finding suggestions…'), 15_000);
    const lines = frameLines(frame);
    const header = lines.find((l) => l.includes('Virtual server') && l.includes('Agreement'));
    expect(header).toBeDefined();
    // Just the Agreement column (the frame's other columns are another test's): the cells under its title.
    const at = header!.indexOf('Agreement');
    const tenantAt = header!.indexOf('Virtual server');
    const cells = lines
      // Table rows only: the tenant's name under its column title (not a message naming it).
      .filter((l) => /Acme & Sons|Bluebird Dental|Carter Logistics/.exec(l)?.index === tenantAt)
      .map((l) => `${/Acme & Sons|Bluebird Dental|Carter Logistics/.exec(l)![0]}: ${l.slice(at).split(/ {2,}/)[0]!.trim()}`);
    expect(cells).toHaveLength(3);
    // At 80 columns, beside the price level, the column keeps the number and cuts the date (the chooser and the row's detail show it whole).
    for (const cell of cells) expect(cell).toMatch(columns >= 120 ? /: \d{4} · 20\d\d-\d\d-\d\d$/ : /: \d{4} · 20/);
    expect(stable(cells.join('\n'))).toMatchSnapshot();
  });
});

describe('Reports › Agent with a Tigerpaw close pending', () => {
  it.each(sizes)('the pending close comes first, its reason readable, at %i×%i', async (columns, rows) => {
    const dir = folder();
    const { ui, session } = open(dir, 'reports', { columns, rows });
    const acme = tpMappings()[0]!;
    const title = (host: string) => `Kaspersky Critical status: Databases are out of date on ${host} (Acme & Sons)`;
    // A year long past: the When column shows the date, whatever today is.
    const created = new Date('2020-03-01T10:00:00Z');
    session.ledger.upsertTicket({ key: `demo|${acme.tenantId}|dev-8|databases-outdated`, integration: 'demo', tenantId: acme.tenantId, accountId: acme.accountId, kind: 'status', psaTicketId: '25105', psaTicketNumber: '25105', title: title('ACME-WS-008'), createdAt: created });
    session.ledger.upsertTicket({ key: `demo|${acme.tenantId}|dev-22|databases-outdated`, integration: 'demo', tenantId: acme.tenantId, accountId: acme.accountId, kind: 'status', psaTicketId: '25106', psaTicketNumber: '25106', title: title('ACME-WS-022'), state: 'closed', createdAt: created, closedAt: new Date('2020-03-01T11:00:00Z') });
    // What the ticket job records when Tigerpaw refuses the close of a locked order.
    expect(session.ledger.markClosePending(`demo|${acme.tenantId}|dev-8|databases-outdated`, 'locked by Sam Ortega', new Date('2020-03-01T11:00:00Z'))).toBe(true);
    await waitForFrame(ui, (f) => f.includes('Unmapped accounts:'), 15_000);
    await press(ui.stdin, ']', ']', ']');
    const frame = await waitForFrame(ui, (f) => f.includes('The agent (kmsp agent)') && f.includes('25105'), 5000);
    const lines = frameLines(frame);
    // Pending closes first, whatever their age.
    expect(lines.findIndex((l) => l.includes('25105'))).toBeLessThan(lines.findIndex((l) => l.includes('25106')));
    expect(frame).toContain('Close pending: service order 25105, locked by Sam Ortega since 2020-03-01');
    if (columns >= 120) expect(frame).toContain('close pending (lo');
    expect(stable(frame, dir)).toMatchSnapshot();
  });
});
