// The Accounts tab against the real demo simulators (KSC + Autotask on
// loopback): every flow goes from keys to the screen, through the domain
// reducer and the console session, to the config file on disk and the
// Autotask simulator's companies. Each test has its own demo environment.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDemo, type DemoEnvironment } from '../../source/demo/environment.js';
import { startAutotaskSimulator, type AutotaskSimulator } from '../../source/simulators/autotask/index.js';
import { ConsoleSession } from '../../source/console/session.js';
import { resolvePaths } from '../../source/store/paths.js';
import type { Integration, KmspConfig, TenantMapping } from '../../source/domain/config.js';
import type { Tenant } from '../../source/domain/types.js';
import { ConsoleApp } from '../../source/ui/app.js';
import { createAccountsScreen } from '../../source/ui/screens/accounts/index.js';
import { cleanupUi, frameLines, keys, press, renderUi, type, waitForFrame, type RenderedUi } from '../helpers/ink.js';

const LOADED = /\d+ Autotask accounts/;
const UDF = 'Kaspersky Tenant';

interface Env {
  demo: DemoEnvironment;
  session: ConsoleSession;
  dir: string;
  tenants: Tenant[];
}

let env: Env;
/** Simulators a test started again itself (the demo closes only its own). */
const restarted: AutotaskSimulator[] = [];

/** Autotask back on the same port, from the demo's fixture: a PSA that was unreachable for a while. */
async function restartAutotask(port: number): Promise<AutotaskSimulator> {
  const autotask = await startAutotaskSimulator({ fixture: path.join(path.dirname(new URL(import.meta.url).pathname), '../../fixtures/demo/autotask.json'), port });
  restarted.push(autotask);
  return autotask;
}

beforeEach(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kmsp-accounts-'));
  const demo = await startDemo({ configDir: dir });
  const session = new ConsoleSession({ paths: resolvePaths({ configDir: dir }), secretBackends: ['file'] });
  env = { demo, session, dir, tenants: await session.tenants('demo') };
});

afterEach(async () => {
  cleanupUi();
  await Promise.all(restarted.splice(0).map((s) => s.close()));
  await env.session.close();
  await env.demo.close();
  rmSync(env.dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------- helpers

function tenantId(name: string): string {
  const t = env.tenants.find((x) => x.name === name);
  if (!t) throw new Error(`no tenant ${name}`);
  return t.id;
}

function company(name: string): Record<string, unknown> {
  const c = env.demo.autotask.state.companies.find((x) => x.companyName === name);
  if (!c) throw new Error(`no company ${name}`);
  return c;
}

function udfOf(companyName: string): unknown {
  const list = (company(companyName).userDefinedFields as Array<{ name: string; value: unknown }>) ?? [];
  return list.find((u) => u.name === UDF)?.value ?? null;
}

function mapping(name: string, over: Partial<TenantMapping> = {}): TenantMapping {
  return { tenantId: tenantId(name), tenantName: name, accountId: null, accountName: null, billing: false, contractId: null, contractName: null, ...over };
}

/** The demo's Recurring Service contract of an Autotask account. */
function demoContractOf(accountId: number): string {
  return String(env.demo.autotask.state.contracts.find((c) => Number(c.companyID) === accountId && c.contractType === 7)!.id);
}

/** Saved state before the screen opens (as if saved earlier). */
function seed(tenants: TenantMapping[]): void {
  env.session.updateIntegration('demo', (i) => ({ ...i, tenants }), 'test seed');
}

function configOnDisk(): KmspConfig {
  return JSON.parse(readFileSync(path.join(env.dir, 'config.json'), 'utf8')) as KmspConfig;
}

function demoOnDisk(): Integration {
  return configOnDisk().integrations.find((i) => i.name === 'demo')!;
}

async function open(size: { columns: number; rows: number } = { columns: 100, rows: 24 }): Promise<{ ui: RenderedUi; onExit: ReturnType<typeof vi.fn> }> {
  const onExit = vi.fn();
  const screen = createAccountsScreen({ session: env.session, integrationName: 'demo' });
  const ui = renderUi(<ConsoleApp integrationName="demo" screens={[screen]} initialTab="accounts" onExit={onExit} noticeTimeoutMs={0} />, size);
  await waitForFrame(ui, (f) => LOADED.test(f) && !f.includes('finding suggestions…'), 10_000);
  await press(ui.stdin);
  return { ui, onExit };
}

/** The table line of a tenant (cursor and markers included). */
function rowOf(frame: string, name: string): string {
  const line = frameLines(frame).find((l) => /^[› ] [* ] [!? ]  /.test(l) && l.slice(7).startsWith(name));
  if (line === undefined) throw new Error(`no row ${name} in\n${frame}`);
  return line;
}

/** The frame's text with line breaks and runs of spaces as one space: for detail lines that wrap. */
function flat(frame: string): string {
  return frame.replace(/\s+/g, ' ');
}

/** Dates come from the simulator's relative fixture times: stable snapshots need them masked. */
function stable(frame: string): string {
  return frame.replace(/\d{4}-\d{2}-\d{2}/g, 'YYYY-MM-DD');
}

/** Put the cursor on a tenant with the table filter, then clear the filter (the cursor stays on the row). */
async function goTo(ui: RenderedUi, name: string): Promise<void> {
  await press(ui.stdin, '/');
  await type(ui.stdin, name);
  await press(ui.stdin, keys.enter);
  expect(frameLines(ui.lastFrame()).find((l) => l.startsWith('›'))).toContain(name);
}

/** Suggestions are computed after the frame that shows an edit: wait for them. */
async function settled(ui: RenderedUi): Promise<string> {
  return waitForFrame(ui, (f) => !f.includes('finding suggestions…'));
}

async function chooseAccount(ui: RenderedUi, search: string): Promise<void> {
  await press(ui.stdin, keys.enter);
  await waitForFrame(ui, (f) => f.includes('Search:'));
  await type(ui.stdin, search);
  await press(ui.stdin, keys.enter);
}

// ---------------------------------------------------------------- tests

describe('loading', () => {
  it('shows what it is loading, keeps keys working, then the data', async () => {
    seed([mapping('Acme & Sons')]);
    const screen = createAccountsScreen({ session: env.session, integrationName: 'demo' });
    const ui = renderUi(<ConsoleApp integrationName="demo" screens={[screen]} initialTab="accounts" onExit={vi.fn()} noticeTimeoutMs={0} />, { columns: 100, rows: 16 });
    const first = ui.lastFrame();
    expect(first).toContain('Loading virtual servers from Kaspersky Security Center…');
    expect(first).toContain('Loading accounts from Autotask…');
    // The saved rows are there at once (they come from the config, not the network).
    expect(rowOf(first, 'Acme & Sons')).toContain('—');
    expect(first).toMatchSnapshot();
    await waitForFrame(ui, (f) => LOADED.test(f), 10_000);
    expect(ui.lastFrame()).toContain('25 virtual servers in KSC · 40 Autotask accounts');
  });

  it('shows a platform that cannot be reached inline and as an error, and retries with r', async () => {
    await env.demo.ksc.close();
    env.session.invalidate('demo'); // forget what beforeEach read
    const screen = createAccountsScreen({ session: env.session, integrationName: 'demo' });
    const ui = renderUi(<ConsoleApp integrationName="demo" screens={[screen]} initialTab="accounts" onExit={vi.fn()} noticeTimeoutMs={0} />, { columns: 140, rows: 16 });
    // Inline in the data line, and in the status line with cause and remedy (a KmspError).
    const frame = await waitForFrame(ui, (f) => f.includes('(r retry)') && f.includes('Remedy:'), 15_000);
    expect(frame).toMatch(/ Error: Kaspersky Security Center: connection refused by https:\/\/localhost:\d+ \(r retry\) · 40 Autotask accounts/);
    expect(frame).toContain('Cause: nothing is listening on that address and port');
    expect(frame).toContain('Remedy: Check the URL and port');
    // a needs the platform's list: it says so instead of opening an empty checklist.
    await press(ui.stdin, 'a');
    expect(ui.lastFrame()).toContain('Virtual servers could not be loaded from Kaspersky Security Center');
    await press(ui.stdin, 'r');
    expect(ui.lastFrame()).toContain('Loading virtual servers from Kaspersky Security Center…');
    await waitForFrame(ui, (f) => f.includes('(r retry)'), 15_000);
  });
});

describe('add / remove virtual servers', () => {
  it('adds the checked virtual servers and removes unchecked ones, confirming for mapped ones', async () => {
    const { ui } = await open();
    expect(ui.lastFrame()).toContain('No virtual servers in this integration yet. Press a to add them from KSC.');
    await press(ui.stdin, 'a');
    expect(ui.lastFrame()).toContain('Add / remove virtual servers');
    expect(ui.lastFrame()).toContain('0 checked · 25');
    await press(ui.stdin, keys.space, keys.down, keys.space, keys.down, keys.down, keys.space);
    expect(ui.lastFrame()).toContain('3 checked, 3 changed · 25');
    expect(ui.lastFrame()).toMatchSnapshot('checklist');
    await press(ui.stdin, keys.enter);
    // Suggestions are found in the background ("finding suggestions…" while they are): the list and the message come first or both at once.
    expect(ui.stdout.frames.some((f) => f.includes('finding suggestions…')) || ui.lastFrame().includes('3 virtual servers added')).toBe(true);
    let frame = await settled(ui);
    expect(frame).toContain('3 virtual servers added; press Ctrl-S to save.');
    expect(rowOf(frame, 'Acme & Sons')).toMatch(/^› \* \?  Acme & Sons/);
    expect(rowOf(frame, 'Bluebird Dental')).toMatch(/^  \* \?/);
    expect(rowOf(frame, 'Delta Legal LLP')).toMatch(/^  \* \?/);
    expect(frame).toContain('[2 Accounts*]');
    expect(frame).toMatchSnapshot('three added');

    // Save, map one of them, save again: now removing it asks first.
    await press(ui.stdin, '\u0013');
    await waitForFrame(ui, (f) => f.includes('Saved 3 mappings'));
    expect(demoOnDisk().tenants.map((t) => t.tenantName).sort()).toEqual(['Acme & Sons', 'Bluebird Dental', 'Delta Legal LLP']);
    await press(ui.stdin, 's', '\u0013');
    await waitForFrame(ui, (f) => f.includes('Saved 1 mapping;'));
    expect(udfOf('Acme and Sons Ltd')).toBe('Acme & Sons');

    await press(ui.stdin, 'a', keys.space, keys.down, keys.down, keys.down, keys.space); // uncheck Acme (mapped) and Delta (not mapped)
    await press(ui.stdin, keys.enter);
    frame = ui.lastFrame();
    expect(frame).toContain('Remove 1 mapped virtual server and its mapping? (y/N)');
    expect(frame).toContain('Acme & Sons → Acme and Sons Ltd');
    expect(frame).toMatchSnapshot('confirm removal of a mapped server');
    await press(ui.stdin, 'n');
    expect(rowOf(ui.lastFrame(), 'Acme & Sons')).toContain('Acme and Sons Ltd'); // nothing changed

    await press(ui.stdin, 'a', keys.space, keys.down, keys.down, keys.down, keys.space, keys.enter, 'y');
    frame = ui.lastFrame();
    expect(frame).toContain('2 virtual servers removed; press Ctrl-S to save.');
    expect(frame).not.toContain('Acme & Sons');
    expect(frame).not.toContain('Delta Legal LLP');
    expect(udfOf('Acme and Sons Ltd')).toBe('Acme & Sons'); // nothing written before Save
    await press(ui.stdin, '\u0013');
    await waitForFrame(ui, (f) => f.includes('Saved 2 mappings; wrote or cleared'));
    expect(demoOnDisk().tenants.map((t) => t.tenantName)).toEqual(['Bluebird Dental']);
    expect(udfOf('Acme and Sons Ltd')).toBeNull(); // the link is broken in Autotask too
    expect(env.demo.ksc.summary().vservers).toHaveLength(25); // nothing deleted in KSC
  });

  it('does not offer virtual servers of other integrations, nor their accounts', async () => {
    const demo = env.session.integration('demo')!;
    const other: Integration = { ...demo, name: 'north', tenants: [mapping('Bluebird Dental', { accountId: String(company('Bluebird Dental Group').id), accountName: 'Bluebird Dental Group' })] };
    env.session.saveConfig({ ...env.session.config, integrations: [demo, other] });
    seed([mapping('Carter Logistics')]);
    const { ui } = await open();
    await press(ui.stdin, 'a');
    const frame = ui.lastFrame();
    expect(frame).not.toContain('Bluebird Dental');
    expect(frame).toContain('Checked = in “demo”; 1 virtual server in other integrations not listed.');
    expect(frame).toContain('1 checked · 24');
    await press(ui.stdin, keys.escape);
    await chooseAccount(ui, 'bluebird');
    expect(ui.lastFrame()).toContain('unavailable: mapped to “Bluebird Dental” in in…');
    await press(ui.stdin, keys.enter);
    expect(ui.lastFrame()).toContain('Cannot choose Bluebird Dental Group: mapped to “Bluebird Dental” in int…');
  });
});

describe('search', () => {
  it('filters the table by part of the tenant name, case-insensitively', async () => {
    seed(['Acme & Sons', 'Bluebird Dental', 'Carter Logistics', 'Maple & Oak Design', 'Harbor Marine'].map((n) => mapping(n)));
    const { ui } = await open();
    await press(ui.stdin, '/');
    await type(ui.stdin, 'AR');
    const frame = ui.lastFrame();
    expect(frame).toContain('/AR');
    expect(frame).toContain('1–2 of 2 (filtered from 5)');
    expect(rowOf(frame, 'Carter Logistics')).toBeTruthy();
    expect(rowOf(frame, 'Harbor Marine')).toBeTruthy();
    expect(frame).not.toContain('Acme & Sons');
    expect(frame).toMatchSnapshot();
    // Letters go to the filter, not to commands (b would toggle billing, a would open the checklist).
    await type(ui.stdin, 'ba');
    expect(ui.lastFrame()).toContain('No rows match "ARba".');
    await press(ui.stdin, keys.escape);
    expect(ui.lastFrame()).toContain('1–5 of 5');
  });
});

describe('PSA account', () => {
  it('maps a tenant to an account chosen in the searchable list', async () => {
    seed([mapping('Acme & Sons'), mapping('Juniper Hotels')]);
    const { ui } = await open();
    await goTo(ui, 'Juniper');
    await press(ui.stdin, keys.escape, keys.enter);
    let frame = ui.lastFrame();
    expect(frame).toContain('Autotask account for Juniper Hotels');
    expect(frame).toContain('40 Autotask accounts');
    // Its only close account is inactive: not suggested, but listed and labelled.
    expect(frame).not.toContain('suggested');
    await type(ui.stdin, 'juniper');
    expect(ui.lastFrame()).toMatch(/› Juniper Hotels +Customer · inactive/);
    await press(ui.stdin, keys.ctrlU);
    await type(ui.stdin, 'north');
    frame = ui.lastFrame();
    expect(frame).toContain('1 of 40');
    expect(frame).toMatchSnapshot('account search');
    await press(ui.stdin, keys.enter);
    frame = await settled(ui);
    expect(rowOf(frame, 'Juniper Hotels')).toMatch(/^› \*    Juniper Hotels +Northwind Traders GmbH +off +—/);
    expect(frame).toContain('Not saved yet: account changed.');
    expect(frame).toMatchSnapshot('mapped');
    expect(demoOnDisk().tenants.find((t) => t.tenantName === 'Juniper Hotels')!.accountId).toBeNull(); // not saved yet
  });

  it('refuses an account already mapped to another tenant, naming that tenant', async () => {
    seed([mapping('Acme & Sons'), mapping('Bluebird Dental')]);
    const { ui } = await open();
    await goTo(ui, 'Acme');
    await press(ui.stdin, keys.escape);
    await chooseAccount(ui, 'acme and');
    expect(rowOf(ui.lastFrame(), 'Acme & Sons')).toContain('Acme and Sons Ltd');
    await press(ui.stdin, 'j');
    await chooseAccount(ui, 'acme and');
    const frame = ui.lastFrame();
    expect(frame).toContain('unavailable: mapped to “Acme & Sons”');
    expect(frame).toContain('Cannot choose Acme and Sons Ltd: mapped to “Acme & Sons”');
    expect(frame).toMatchSnapshot();
    await press(ui.stdin, keys.escape);
    expect(rowOf(ui.lastFrame(), 'Bluebird Dental')).toMatch(/Bluebird Dental +— /);
  });

  it('unmaps with u; Save clears the tenant name in Autotask', async () => {
    seed([mapping('Acme & Sons', { accountId: String(company('Acme and Sons Ltd').id), accountName: 'Acme and Sons Ltd', billing: true, contractId: '29684101', contractName: 'Acme and Sons Ltd – Managed Security' })]);
    // The saved mapping's field was written by an earlier save.
    const psa = await env.session.psa('demo');
    await psa.setAccountField(String(company('Acme and Sons Ltd').id), UDF, 'Acme & Sons');
    const { ui } = await open();
    await press(ui.stdin, 'u');
    expect(rowOf(ui.lastFrame(), 'Acme & Sons')).toMatch(/Acme & Sons +— +off +—/);
    await press(ui.stdin, '\u0013');
    await waitForFrame(ui, (f) => f.includes('Saved 1 mapping; wrote or cleared the virtual server name on 1 Autotask account.'));
    expect(udfOf('Acme and Sons Ltd')).toBeNull();
    expect(demoOnDisk().tenants).toEqual([mapping('Acme & Sons')]);
  });
});

describe('billing and contract', () => {
  it('refuses billing without an account, with the reason', async () => {
    seed([mapping('Acme & Sons')]);
    const { ui } = await open();
    await press(ui.stdin, 'b');
    const frame = ui.lastFrame();
    expect(frame).toContain('Refused: “Acme & Sons”: map an Autotask account before turning billing on.');
    expect(rowOf(frame, 'Acme & Sons')).toContain(' off ');
  });

  it('blocks Save of billing on without a contract, naming the problem, and writes nothing', async () => {
    seed([mapping('Acme & Sons'), mapping('Bluebird Dental')]);
    const before = readFileSync(path.join(env.dir, 'config.json'), 'utf8');
    const { ui } = await open();
    await press(ui.stdin, 's', 'b', 'j');
    let frame = ui.lastFrame();
    expect(rowOf(frame, 'Acme & Sons')).toMatch(/^  \* !  Acme & Sons +Acme and Sons Ltd +on +— required/);
    expect(frame).toContain('1 problem');
    await press(ui.stdin, '\u0013');
    frame = await waitForFrame(ui, (f) => f.includes('Error: Cannot save'));
    expect(frame).toContain('Error: Cannot save: one problem to fix first');
    expect(frame).toContain('Cause: “Acme & Sons”: billing is on but no contract is chosen.');
    // The cursor went to the row with the problem, whose detail line says it too.
    expect(frame).toContain('› * !  Acme & Sons');
    expect(frame).toContain('Blocks Save: “Acme & Sons”: billing is on but no contract is chosen.');
    expect(flat(frame)).toContain('Press c to choose a contract, or b to turn billing off.');
    expect(frame).toMatchSnapshot();
    expect(readFileSync(path.join(env.dir, 'config.json'), 'utf8')).toBe(before);
    expect(udfOf('Acme and Sons Ltd')).toBeNull();
  });

  it('a Save refused for problems follows them: fixing one row updates the error, fixing the last clears it', async () => {
    seed([mapping('Acme & Sons'), mapping('Granite Builders')]);
    const { ui } = await open();
    await press(ui.stdin, 's', 'b', 'j', 's', 'b'); // both mapped, billing on, no contract
    await press(ui.stdin, '\u0013');
    let frame = await waitForFrame(ui, (f) => f.includes('Error: Cannot save'));
    expect(frame).toContain('Error: Cannot save: 2 problems to fix first');
    // The cursor went to the first problem (Acme & Sons): choose its contract.
    await press(ui.stdin, 'c', keys.enter);
    frame = await settled(ui);
    expect(rowOf(frame, 'Acme & Sons')).toContain('Acme and Sons Ltd – Man');
    expect(frame).toContain('Error: Cannot save: one problem to fix first');
    expect(frame).toContain('Cause: “Granite Builders”: billing is on but no contract is chosen.');
    expect(frame).not.toContain('Cause: “Acme & Sons”');
    // Billing off on the other row: nothing blocks Save any more, and the error goes.
    await goTo(ui, 'Granite');
    await press(ui.stdin, keys.escape, 'b');
    frame = await settled(ui);
    expect(frame).not.toContain('Cannot save');
    expect(frame).not.toContain('Error:');
    await press(ui.stdin, '\u0013');
    await waitForFrame(ui, (f) => f.includes('Saved 2 mappings'));
  });

  it('lists only the Recurring Service contracts of the mapped account', async () => {
    seed([mapping('Acme & Sons'), mapping('Granite Builders')]);
    const { ui } = await open();
    await press(ui.stdin, 'c');
    expect(ui.lastFrame()).toContain('Refused: “Acme & Sons”: map an Autotask account before choosing a contract.');
    for (const [tenant, account] of [
      ['Acme & Sons', 'Acme and Sons Ltd'],
      ['Granite Builders', 'Granite Builders Ltd'],
    ] as const) {
      await goTo(ui, tenant);
      await press(ui.stdin, keys.escape, 's', 'c');
      const frame = ui.lastFrame();
      const id = company(account).id;
      const all = env.demo.autotask.state.contracts.filter((c) => c.companyID === id);
      const recurring = all.filter((c) => c.contractType === 7).map((c) => String(c.contractName));
      const others = env.demo.autotask.state.contracts.filter((c) => !recurring.includes(String(c.contractName))).map((c) => String(c.contractName));
      expect(recurring.length).toBeGreaterThan(0);
      expect(all.length).toBeGreaterThan(recurring.length); // the account has other contract types too
      for (const name of recurring) expect(frame).toContain(name);
      for (const name of others) expect(frame).not.toContain(name);
      expect(frame).toContain(recurring.length === 1 ? '1 Recurring Service contract ' : `${recurring.length} Recurring Service contracts`);
      if (tenant === 'Acme & Sons') expect(stable(frame)).toMatchSnapshot('contract list');
      await press(ui.stdin, keys.escape);
    }
  });

  it('saves the config and writes the tenant name into the Autotask company field', async () => {
    seed([mapping('Acme & Sons'), mapping('Carter Logistics')]);
    const { ui } = await open();
    await press(ui.stdin, 's', 'b', 'c', keys.enter); // accept the suggestion, billing on, the contract
    let frame = ui.lastFrame();
    expect(rowOf(frame, 'Acme & Sons')).toMatch(/^› \*    Acme & Sons +Acme and Sons Ltd +on +Acme and Sons Ltd – Man…$/);
    await press(ui.stdin, '\u0013');
    frame = await waitForFrame(ui, (f) => f.includes('Saved'));
    expect(frame).toContain('Saved 1 mapping; wrote the virtual server name on 1 Autotask account.');
    expect(frame).not.toContain('unsaved');
    expect(rowOf(frame, 'Acme & Sons')).toMatch(/^›      Acme & Sons/);
    expect(frame).toMatchSnapshot();
    const saved = demoOnDisk().tenants.find((t) => t.tenantName === 'Acme & Sons');
    expect(saved).toEqual(mapping('Acme & Sons', { accountId: '29683501', accountName: 'Acme and Sons Ltd', billing: true, contractId: '29684101', contractName: 'Acme and Sons Ltd – Managed Security' }));
    expect(udfOf('Acme and Sons Ltd')).toBe('Acme & Sons');
    expect(udfOf('Carter Logistics Inc.')).toBeNull();
    // Saved means clean: leaving does not ask.
    await press(ui.stdin, 'q');
    expect(ui.lastFrame()).not.toContain('Discard');
  });

  it('reports a missing company field as a warning; the mapping is saved', async () => {
    env.demo.autotask.removeUdfDefinition('Companies', UDF);
    seed([mapping('Acme & Sons')]);
    const { ui } = await open();
    await press(ui.stdin, 's', '\u0013');
    const frame = await waitForFrame(ui, (f) => f.includes('saved'));
    expect(frame).toContain('Warning: 1 mapping saved; virtual server name written on 0 of 1 Autotask account.');
    expect(frame).toContain('Cause: The account field “Kaspersky Tenant” does not exist in Autotask');
    expect(demoOnDisk().tenants[0]!.accountId).toBe('29683501');
  });

  it('with Autotask unreachable, says the mappings are saved but the name is written on 0 of N accounts, why, and Ctrl-S writes them later', async () => {
    seed([mapping('Acme & Sons'), mapping('Carter Logistics')]);
    const { ui } = await open({ columns: 120, rows: 35 });
    await press(ui.stdin, 's', 'j', 's');
    const port = env.demo.autotask.port;
    const masked = (f: string) => f.replaceAll(`:${port}`, ':<port>');
    await env.demo.autotask.close(); // the PSA stops answering after the lists were loaded
    await press(ui.stdin, '\u0013');
    let frame = await waitForFrame(ui, (f) => f.includes('2 mappings saved'), 20_000);
    expect(frame).toContain('Warning: 2 mappings saved; virtual server name written on 0 of 2 Autotask accounts.');
    expect(frame).not.toMatch(/Saved 2 mappings; wrote/);
    await press(ui.stdin, 'M');
    const whole = ui.lastFrame().replace(/[│\s]+/g, ' ');
    expect(whole).toMatch(/Cause: Autotask: connection refused by http:\/\/[^ ]+:\d+/);
    expect(whole).toContain('(“Acme and Sons Ltd”, “Carter Logistics Inc.”).');
    expect(whole).toContain('Remedy: The mappings are saved. Press Ctrl-S again once Autotask can be reached: it writes the names still missing, and only those.');
    await press(ui.stdin, keys.escape);
    // The config holds both mappings; nothing is unsaved, yet Ctrl-S is offered to write the names.
    expect(demoOnDisk().tenants.map((t) => t.accountName)).toEqual(['Acme and Sons Ltd', 'Carter Logistics Inc.']);
    frame = ui.lastFrame();
    expect(frame).not.toContain('unsaved');
    expect(frame).toContain('2 names not written to Autotask (Ctrl-S)');
    expect(frameLines(frame).at(-1)).toContain('Ctrl-S write names');
    expect(masked(frame)).toMatchSnapshot('120×35');
    ui.stdout.resize(80, 24);
    frame = await waitForFrame(ui, (f) => frameLines(f).length < 24 && f.includes('Warning: 2 mappings saved'));
    expect(masked(frame)).toMatchSnapshot('80×24');
    ui.stdout.resize(120, 35);

    // Autotask is back (same port): Ctrl-S writes the names it could not write before.
    env.demo = { ...env.demo, autotask: await restartAutotask(port) };
    await press(ui.stdin, '\u0013');
    frame = await waitForFrame(ui, (f) => f.includes('Wrote the virtual server name'), 20_000);
    expect(frame).toContain('Wrote the virtual server name on 2 Autotask accounts.');
    expect(frame).not.toContain('not written');
    expect(udfOf('Acme and Sons Ltd')).toBe('Acme & Sons');
    expect(udfOf('Carter Logistics Inc.')).toBe('Carter Logistics');
  });
});

describe('suggestions', () => {
  it('are shown, never applied until accepted: s accepts the cursor row', async () => {
    seed([mapping('Acme & Sons'), mapping('Lakeside Vets')]);
    const { ui } = await open();
    let frame = ui.lastFrame();
    expect(rowOf(frame, 'Acme & Sons')).toMatch(/^›   \?  Acme & Sons +— /);
    expect(frame).toContain('Suggestion (Normalised): Acme and Sons Ltd — Same name once case');
    expect(frame).toContain('1 suggestion (S reviews all)');
    expect(frame).not.toContain('unsaved');
    expect(frame).toMatchSnapshot('suggested');
    await press(ui.stdin, 'j');
    expect(ui.lastFrame()).toContain('No suggestion: No Autotask account has a name close to “Lakeside Vets”.');
    await press(ui.stdin, 's');
    expect(ui.lastFrame()).toContain('Refused: No Autotask account has a name close to “Lakeside Vets”.');
    await press(ui.stdin, 'k', 's');
    frame = ui.lastFrame();
    expect(rowOf(frame, 'Acme & Sons')).toMatch(/^› \*    Acme & Sons +Acme and Sons Ltd +off/);
    expect(frame).toContain('Mapped Acme & Sons to Acme and Sons Ltd; press Ctrl-S to save.');
    expect(frame).toMatchSnapshot('accepted');
    expect(udfOf('Acme and Sons Ltd')).toBeNull();
  });

  /** The suggestions a frame of the Accept suggestions dialog lists. */
  const listedSuggestions = (frame: string) => frameLines(frame).flatMap((l) => /│ (.+ → .+ \((?:Exact|Normalised|Partial)\))/.exec(l)?.[1] ?? []).map((t) => t.trim());

  it.each([
    [80, 24],
    [120, 35],
  ])('S lists every suggestion in a dialog that scrolls (%i×%i), never an inactive account', async (columns, rows) => {
    seed(env.tenants.map((t) => mapping(t.name)));
    const { ui } = await open({ columns, rows });
    const count = Number(/(\d+) suggestions/.exec(ui.lastFrame())![1]);
    expect(count).toBeGreaterThan(10);
    await press(ui.stdin, 'S');
    let frame = ui.lastFrame();
    expect(frame).toContain(`Map ${count} virtual servers as suggested? (y/N)`);
    expect(frame).not.toMatch(/…and \d+ more/);
    // 80×24 has room for part of the list: it scrolls, and says where it is; 120×35 shows all of it.
    if (rows === 24) expect(frame).toMatch(new RegExp(`lines 1–\\d+ of ${count} · ↑↓ PgUp/PgDn scroll`));
    else expect(listedSuggestions(frame)).toHaveLength(count);
    expect(frameLines(frame).length).toBeLessThan(rows);
    expect(frame).toMatchSnapshot();
    // Paging down shows every suggestion, each once; none is of an inactive account (Juniper Hotels is).
    const seen = new Set(listedSuggestions(frame));
    for (let i = 0; i < count && !ui.lastFrame().includes(`–${count} of ${count}`); i++) {
      await press(ui.stdin, keys.pageDown);
      for (const line of listedSuggestions(ui.lastFrame())) seen.add(line);
    }
    expect(seen.size).toBe(count);
    expect(seen).toContain('Acme & Sons → Acme and Sons Ltd (Normalised)');
    expect([...seen].join('\n')).not.toContain('Juniper Hotels');
    if (rows === 24) {
      expect(ui.lastFrame()).toContain(`–${count} of ${count}`);
      await press(ui.stdin, 'g');
      expect(ui.lastFrame()).toMatch(new RegExp(`lines 1–\\d+ of ${count}`));
      await press(ui.stdin, 'G', keys.up, keys.pageUp);
    }
    expect(ui.lastFrame()).toContain('Map '); // still the same dialog: scrolling never answers
    await press(ui.stdin, 'y');
    frame = ui.lastFrame();
    expect(frame).toContain(`Mapped ${count} virtual servers as suggested; press Ctrl-S to save.`);
    // The tenant whose only match is inactive stays unmapped, and its detail line says why.
    await goTo(ui, 'Juniper');
    expect(rowOf(ui.lastFrame(), 'Juniper Hotels')).toMatch(/Juniper Hotels +— /);
    expect(flat(ui.lastFrame())).toContain('The only close Autotask account, “Juniper Hotels”, is inactive');
  });

  it('S accepts every suggestion after a yes, nothing after a no', async () => {
    seed(env.tenants.map((t) => mapping(t.name)));
    const { ui } = await open({ columns: 100, rows: 30 });
    const count = Number(/(\d+) suggestions/.exec(ui.lastFrame())![1]);
    await press(ui.stdin, 'S');
    expect(ui.lastFrame()).toContain(`Map ${count} virtual servers as suggested? (y/N)`);
    await press(ui.stdin, 'n');
    expect(ui.lastFrame()).not.toContain('unsaved');
    await press(ui.stdin, 'S', 'y');
    const frame = ui.lastFrame();
    expect(frame).toContain(`Mapped ${count} virtual servers as suggested; press Ctrl-S to save.`);
    expect(frame).toContain(`${count} unsaved`);
    expect(frame).not.toContain('(S reviews all)');
  });
});

describe('cancel, quit and help', () => {
  it('Cancel changes restores the last save after a confirmation', async () => {
    seed([mapping('Acme & Sons', { accountId: '29683501', accountName: 'Acme and Sons Ltd' }), mapping('Bluebird Dental')]);
    const { ui } = await open();
    await press(ui.stdin, 'u', 'j', 's');
    expect(ui.lastFrame()).toContain('2 unsaved');
    await press(ui.stdin, 'x');
    expect(ui.lastFrame()).toContain('Discard 2 unsaved changes on Accounts and restore the last save? (y/N)');
    expect(ui.lastFrame()).toMatchSnapshot('confirm');
    await press(ui.stdin, 'y');
    const frame = await settled(ui);
    expect(frame).toContain('Restored the last saved mappings.');
    expect(rowOf(frame, 'Acme & Sons')).toMatch(/^  [ ] [ ]  Acme & Sons +Acme and Sons Ltd/);
    expect(rowOf(frame, 'Bluebird Dental')).toMatch(/Bluebird Dental +— /);
    expect(frame).not.toContain('unsaved');
    expect(frame).toMatchSnapshot('restored');
  });

  it('quitting with unsaved changes asks first', async () => {
    seed([mapping('Acme & Sons')]);
    const { ui, onExit } = await open();
    await press(ui.stdin, 's', 'q');
    expect(ui.lastFrame()).toContain('Discard unsaved changes on Accounts? (y/N)');
    expect(ui.lastFrame()).toMatchSnapshot();
    await press(ui.stdin, 'n');
    expect(onExit).not.toHaveBeenCalled();
    expect(rowOf(ui.lastFrame(), 'Acme & Sons')).toContain('Acme and Sons Ltd');
    await press(ui.stdin, 'q', 'y');
    expect(onExit).toHaveBeenCalledTimes(1);
  });

  it('? lists the Accounts keys', async () => {
    seed([mapping('Acme & Sons')]);
    const { ui } = await open({ columns: 100, rows: 30 });
    await press(ui.stdin, '?');
    const frame = ui.lastFrame();
    for (const text of ['Accounts', 'Enter', 'Ctrl-S', 'Save changes', 'Billing on/off', 'Recurring Service contract', 'Add / remove virtual servers', "Accept this row's suggestion", 'Review and accept all suggestions', 'Unmap', 'Cancel changes', 'Reload from KSC and Autotask']) {
      expect(frame).toContain(text);
    }
    expect(frame).toMatchSnapshot();
  });

  it('the footer shows the main keys of the row under the cursor', async () => {
    seed([mapping('Acme & Sons')]);
    const { ui } = await open({ columns: 160, rows: 20 });
    expect(frameLines(ui.lastFrame()).at(-1)).toMatch(/^Enter account  b billing  c contract  a add\/remove  s accept  S accept all  r reload  ↑↓ move  \/ filter +Tab tabs  \? help  q quit$/);
    await press(ui.stdin, 's');
    expect(frameLines(ui.lastFrame()).at(-1)).toMatch(/^Enter account  Ctrl-S save  b billing  c contract  a add\/remove  u unmap  x cancel changes  r reload  ↑↓ move/);
  });
});

describe('drift', () => {
  it('marks a mapped tenant renamed in KSC, and n takes the new name (written to Autotask on Save)', async () => {
    seed([mapping('Acme & Sons', { accountId: '29683501', accountName: 'Acme and Sons Ltd' }), mapping('Bluebird Dental')]);
    const { ui } = await open();
    expect(rowOf(ui.lastFrame(), 'Acme & Sons')).toMatch(/^›      Acme & Sons/);
    env.demo.ksc.renameVServer(tenantId('Acme & Sons'), 'Acme & Sons Holdings');
    env.demo.autotask.setAccountActive(29683501, false);
    await press(ui.stdin, 'r');
    let frame = await waitForFrame(ui, (f) => f.includes('is now called'));
    expect(frame).toContain('1 rename');
    expect(rowOf(frame, 'Acme & Sons')).toMatch(/^›   !  Acme & Sons +Acme and Sons Ltd/);
    expect(flat(frame)).toContain('Changed: Virtual server “Acme & Sons” is now called “Acme & Sons Holdings”. Press n to take the new names.');
    expect(frame).toContain('Changed: Autotask account “Acme and Sons Ltd” is inactive');
    expect(frame).toMatchSnapshot();
    await press(ui.stdin, 'n');
    frame = ui.lastFrame();
    expect(rowOf(frame, 'Acme & Sons Holdings')).toMatch(/^› \* !  Acme & Sons Holdings/); // still inactive: still flagged
    await press(ui.stdin, '\u0013');
    await waitForFrame(ui, (f) => f.includes('Saved 1 mapping'));
    expect(udfOf('Acme and Sons Ltd')).toBe('Acme & Sons Holdings');
    expect(demoOnDisk().tenants[0]!.tenantName).toBe('Acme & Sons Holdings');
  });

  it("marks a billed tenant whose contract has ended: billing would skip it", async () => {
    const acme = demoContractOf(29683501);
    seed([mapping('Acme & Sons', { accountId: '29683501', accountName: 'Acme and Sons Ltd', billing: true, contractId: acme, contractName: 'Managed Security' })]);
    env.demo.autotask.updateRecord('Contracts', Number(acme), { endDate: '2020-12-31T00:00:00' });
    env.session.invalidate('demo');
    const { ui } = await open();
    const frame = ui.lastFrame();
    expect(rowOf(frame, 'Acme & Sons')).toMatch(/^›   !  /);
    expect(flat(frame)).toMatch(/runs \d{4}-\d\d-\d\d to 2020-12-31, which does not include \d{4}-\d\d-\d\d; billing skips “Acme & Sons”/);
  });

  it('marks a mapped tenant that no longer exists in KSC', async () => {
    seed([mapping('Acme & Sons', { accountId: '29683501', accountName: 'Acme and Sons Ltd' })]);
    env.demo.ksc.removeVServer(tenantId('Acme & Sons'));
    env.session.invalidate('demo'); // forget what beforeEach read
    const { ui } = await open();
    const frame = ui.lastFrame();
    expect(rowOf(frame, 'Acme & Sons')).toMatch(/^›   !  /);
    expect(frame).toContain('Drift: Virtual server “Acme & Sons” no longer exists in Kaspersky Security Center.');
  });
});
