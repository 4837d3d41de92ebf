// The integrations list (I) over two integrations of one config, both KSC + Autotask on the demo
// simulators: the list, switching and coming back with an unsaved edit, rename (secrets and ledger
// rows follow, checked in the stores) and delete (the name typed; the ledger keeps its rows).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createElement } from 'react';
import type { KmspConfig } from '../../source/domain/config.js';
import { integrationSecrets } from '../../source/domain/secretNames.js';
import type { ConsoleSession } from '../../source/console/session.js';
import { openConfig } from '../../source/store/config.js';
import { openLedger } from '../../source/store/ledger.js';
import { resolvePaths } from '../../source/store/paths.js';
import { openSecretStore } from '../../source/store/secrets.js';
import { ConsoleRoot } from '../../source/ui/console-root.js';
import { useDemoConsole } from '../helpers/demo-ui.js';
import { frameLines, keys, press, renderUi, type, waitForFrame, type RenderedUi } from '../helpers/ink.js';
import { billing, MAPPED } from '../billing/demoMapping.js';

const demoUi = useDemoConsole('kmsp-switch-');
/** The list's clock: the runs below are "yesterday" and "a minute ago". */
const NOW = new Date('2025-06-02T08:00:00Z');

/**
 * The demo's config with a second integration on the same simulators (demo maps eight tenants,
 * second the other four: a tenant, account or contract belongs to one integration), the second's
 * secrets in the same file, and ledger rows of both: a billing run and a posting of demo's, a
 * ticket run of demo's, a posting and a ticket of second's.
 */
async function twoIntegrations(dir: string): Promise<void> {
  const paths = resolvePaths({ configDir: dir });
  const store = openConfig({ paths, onNotice: () => {} });
  const config = store.load();
  const demo = { ...config.integrations[0]!, tenants: MAPPED.slice(0, 8), billing };
  const second = { ...structuredClone(demo), name: 'second', tenants: MAPPED.slice(8) };
  const next: KmspConfig = { ...config, agent: { ...config.agent, timeZone: 'UTC' }, integrations: [demo, second] };
  store.save(next, { actor: 'test' });
  const secrets = openSecretStore({ paths, backends: ['file'], onWarning: () => {} });
  for (const spec of integrationSecrets(demo)) await secrets.set(spec.name.replace(/^demo\./, 'second.'), (await secrets.get(spec.name))!);
  const ledger = openLedger({ paths, now: () => new Date('2025-06-01T04:00:00Z') });
  try {
    const posting = (integration: string, m: (typeof MAPPED)[number], runId: number | null) =>
      ledger.recordPosting({
        runId, integration, tenantId: m.tenantId, tenantName: m.tenantName, accountId: m.accountId!, contractId: m.contractId!, billingItemId: '29684601',
        billingItemName: 'KES Advanced – Workstation', applicationId: null, category: null, beforeUnits: 10, afterUnits: 12, effectiveDate: '2025-06-01', psaPostingId: '1',
      });
    const run = ledger.startRun({ job: 'billing', startedAt: new Date('2025-06-01T04:00:00Z') });
    posting('demo', MAPPED[0]!, run);
    ledger.finishRun(run, { status: 'ok', summary: { integration: 'demo', posted: 1 }, finishedAt: new Date('2025-06-01T04:02:00Z') });
    const tickets = ledger.startRun({ job: 'tickets', startedAt: new Date('2025-06-02T07:59:00Z') });
    ledger.finishRun(tickets, { status: 'partial', summary: { integration: 'demo' }, finishedAt: new Date('2025-06-02T07:59:30Z') });
    posting('second', MAPPED[9]!, null);
    ledger.upsertTicket({ key: 'kmsp:second:vs:ev:1', integration: 'second', tenantId: MAPPED[9]!.tenantId, kind: 'event', psaTicketId: '7', eventId: '1' });
  } finally {
    ledger.close();
  }
}

function open(session: ConsoleSession, size = { columns: 80, rows: 24 }, initialTab = 'connections'): RenderedUi {
  return renderUi(createElement(ConsoleRoot, { session, initialIntegration: 'demo', initialTab, noticeTimeoutMs: 0, onExit: vi.fn(), now: () => NOW }), size);
}

async function ready(dir?: string, size?: { columns: number; rows: number }) {
  const where = dir ?? demoUi.freshDir();
  await twoIntegrations(where);
  const session = demoUi.openSession(where);
  const ui = open(session, size);
  await waitForFrame(ui, (f) => f.includes('Zone discovery') && f.includes('present in plaintext file'), 5000);
  return { dir: where, session, ui, paths: resolvePaths({ configDir: where }) };
}

/** Ports and the checkout's path vary from run to run; snapshots hold placeholders. */
const stable = (frame: string) =>
  frame.replace(/(localhost|127\.0\.0\.1):\d+/g, '$1:PORT').replace(new RegExp(process.cwd().replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g'), '<repo>');

const header = (ui: RenderedUi) => frameLines(ui.lastFrame())[0]!;
const statusLine = (ui: RenderedUi) => frameLines(ui.lastFrame()).at(-2)!;
const listOpen = (f: string) => f.includes('│ Integrations') && f.includes('Last billing');

/** The status line's whole message (M), as one line; the dialog is closed again. */
async function wholeMessage(ui: RenderedUi): Promise<string> {
  await press(ui.stdin, 'M');
  const frame = await waitForFrame(ui, (f) => f.includes('Message (whole)'));
  await press(ui.stdin, keys.escape);
  const inside = frameLines(frame)
    .filter((l) => l.includes('│'))
    .map((l) => l.slice(l.indexOf('│') + 1, l.lastIndexOf('│')).trim());
  return inside.slice(1).join(' ').replace(/\s+/g, ' ').trim();
}

/** The secret names the file backend holds (never their values). */
function secretNames(dir: string): string[] {
  const file = JSON.parse(fs.readFileSync(path.join(dir, 'secrets.json'), 'utf8')) as { secrets: Record<string, string> };
  return Object.keys(file.secrets).sort();
}

describe('integrations list', () => {
  it('lists every integration (platform, PSA, tenants mapped, last runs), the current one marked; I is in the footer and the help', async () => {
    const { ui, session } = await ready();
    expect(header(ui)).toBe('kmsp · demo · KSC × Autotask');
    expect(frameLines(ui.lastFrame()).at(-1)).toContain('I integrations');
    await press(ui.stdin, '?', 'G');
    expect(ui.lastFrame()).toMatch(/I\s+Integrations: show another one, new, rename, delete/);
    await press(ui.stdin, keys.escape, 'I');
    const list = await waitForFrame(ui, listOpen);
    expect(list).toMatch(/› • demo\s+KSC\s+Autotask\s+8\s+06-01 04:02 ok\s+07:59 partial/);
    expect(list).toMatch(/│ {5}second\s+KSC\s+Autotask\s+4\s+never\s+never/);
    expect(stable(list)).toMatchSnapshot('80x24');

    const big = open(session, { columns: 120, rows: 35 });
    await waitForFrame(big, (f) => f.includes('present in plaintext file'), 5000);
    await press(big.stdin, 'I');
    expect(stable(await waitForFrame(big, listOpen))).toMatchSnapshot('120x35');
  });

  it('switches to another integration and back: each keeps its unsaved edit, the header names the one shown', async () => {
    const { ui } = await ready();
    // An unsaved edit on demo's Connections: the user name.
    await press(ui.stdin, 'j', keys.enter, keys.ctrlU);
    await type(ui.stdin, 'edited-user');
    await press(ui.stdin, keys.enter);
    await waitForFrame(ui, (f) => f.includes('unsaved changes: Connections'));

    await press(ui.stdin, 'I', 'j', keys.enter);
    await waitForFrame(ui, (f) => f.startsWith('kmsp · second · KSC × Autotask'), 5000);
    const second = await waitForFrame(ui, (f) => f.includes('present in plaintext file'), 5000);
    expect(second).toContain('Integration second:');
    expect(second).toMatch(/User name\s+kmsp-demo\n/); // second's own, saved user name
    expect(header(ui)).toMatch(/unsaved changes: demo \(Connections\)$/);
    expect(stable(second)).toMatchSnapshot('second shown, demo keeps its edit');
    expect(await wholeMessage(ui)).toBe('Showing “second” (KSC × Autotask). “demo” keeps its unsaved changes on Connections.');

    // The list marks demo as holding unsaved changes.
    await press(ui.stdin, 'I');
    const list = await waitForFrame(ui, listOpen);
    expect(list).toMatch(/ {2}demo\*\s+KSC/);
    expect(list).toMatch(/• second\s+KSC/);
    expect(list).toContain('Current: second');
    expect(list).toContain('• current  * unsaved, kept while another is shown: demo on Connections');

    // Back to demo: the edit is there, still unsaved.
    await press(ui.stdin, 'k', keys.enter);
    const back = await waitForFrame(ui, (f) => f.startsWith('kmsp · demo · KSC × Autotask'));
    expect(back).toContain('edited-user');
    expect(header(ui)).toMatch(/unsaved changes: Connections$/);
    expect(frameLines(back)[1]).toContain('[1 Connections*]');

    // Quitting from second names demo's tab with its integration.
    await press(ui.stdin, 'I', 'j', keys.enter);
    await waitForFrame(ui, (f) => f.startsWith('kmsp · second'));
    await press(ui.stdin, 'q');
    expect(await waitForFrame(ui, (f) => f.includes('Discard unsaved changes'))).toContain('Discard unsaved changes on Connections of demo? (y/N)');
  });

  it('renames an integration: the header, the list, the config, its secrets and its ledger rows follow', async () => {
    const { ui, dir, session, paths } = await ready(undefined, { columns: 200, rows: 50 });
    await press(ui.stdin, 'I');
    await waitForFrame(ui, listOpen);
    await press(ui.stdin, 'r');
    await waitForFrame(ui, (f) => f.includes('Rename “demo”'));
    // A bad name and a taken one are refused as typed.
    await press(ui.stdin, keys.ctrlU);
    await type(ui.stdin, 'Main');
    expect(await waitForFrame(ui, (f) => f.includes('Only a–z, 0–9 and dashes'))).toBeDefined();
    await press(ui.stdin, keys.ctrlU);
    await type(ui.stdin, 'second');
    expect(await waitForFrame(ui, (f) => f.includes('“second” exists already.'))).toBeDefined();
    await press(ui.stdin, keys.ctrlU);
    await type(ui.stdin, 'main');
    await press(ui.stdin, keys.enter);
    await waitForFrame(ui, (f) => f.includes('Renamed “demo” to “main”'), 5000);
    const list = await waitForFrame(ui, (f) => f.includes('Current: main'));
    expect(list).toMatch(/• main\s+KSC\s+Autotask\s+8\s+06-01 04:02 ok\s+07:59 partial/);
    // Under the list, the message says what moved (a success notice goes with the next key).
    expect(statusLine(ui).trim()).toBe('Renamed “demo” to “main”: 3 secrets moved to the new names; the ledger\'s records are now under “main” (1 posting and 2 runs).');
    await press(ui.stdin, keys.escape);
    expect(header(ui)).toBe('kmsp · main · KSC × Autotask');
    await waitForFrame(ui, (f) => f.includes('Integration main:') && f.includes('present in plaintext file'), 5000);

    // The stores.
    const config = openConfig({ paths, onNotice: () => {} }).load();
    expect(config.integrations.map((i) => i.name)).toEqual(['main', 'second']);
    expect(secretNames(dir)).toEqual(['main.autotask.integration-code', 'main.autotask.secret', 'main.ksc.password', 'second.autotask.integration-code', 'second.autotask.secret', 'second.ksc.password']);
    expect(session.ledger.listPostings({ integration: 'main' })).toHaveLength(1);
    expect(session.ledger.listPostings({ integration: 'demo' })).toHaveLength(0);
    expect(session.ledger.lastRunOf('main', 'billing')?.summary).toEqual({ integration: 'main', posted: 1 });
    expect(session.ledger.lastRunOf('demo', 'billing')).toBeNull();
    expect(session.ledger.listConfigAudit({ limit: 1 })[0]!.summary).toContain('renamed integration “demo” to “main”');
    // The renamed integration's connectors work with the moved secrets.
    await expect(session.tenants('main')).resolves.not.toHaveLength(0);
  });

  it('deletes an integration once its name is typed; its secrets go, the ledger keeps its rows and says so', async () => {
    const { ui, dir, session, paths } = await ready(undefined, { columns: 200, rows: 50 });
    await press(ui.stdin, 'I');
    await waitForFrame(ui, listOpen);
    await press(ui.stdin, 'j', 'd');
    const form = await waitForFrame(ui, (f) => f.includes('Delete “second”'));
    expect(form).toContain('The ledger keeps its records (1 posting and 1 ticket) under');
    expect(form).toContain('Its secrets are deleted from the secret store:');
    for (const name of ['second.ksc.password', 'second.autotask.secret', 'second.autotask.integration-code']) expect(form).toContain(name);
    await type(ui.stdin, 'secon');
    await press(ui.stdin, keys.enter);
    expect(await waitForFrame(ui, (f) => f.includes('Type “second” exactly'))).toBeDefined();
    expect(session.integration('second')).toBeDefined();
    await type(ui.stdin, 'd');
    await press(ui.stdin, keys.enter);
    await waitForFrame(ui, (f) => f.includes('Deleted “second”'), 5000);
    const list = await waitForFrame(ui, (f) => listOpen(f) && f.includes('1–1 of 1'));
    expect(list).not.toMatch(/second\s+KSC/);
    expect(statusLine(ui).trim()).toBe('Deleted “second”: 3 secrets removed from the secret store; the ledger keeps its 1 posting and 1 ticket under “second”.');
    await press(ui.stdin, keys.escape);

    expect(openConfig({ paths, onNotice: () => {} }).load().integrations.map((i) => i.name)).toEqual(['demo']);
    expect(secretNames(dir)).toEqual(['demo.autotask.integration-code', 'demo.autotask.secret', 'demo.ksc.password']);
    expect(session.ledger.listPostings({ integration: 'second' })).toHaveLength(1);
    expect(session.ledger.listTickets({ integration: 'second' })).toHaveLength(1);
  });

  it('renaming an integration with unsaved changes asks first (no keeps them); deleting the one shown shows the next', async () => {
    const { ui, session } = await ready(undefined, { columns: 120, rows: 35 });
    await press(ui.stdin, 'j', keys.enter, keys.ctrlU);
    await type(ui.stdin, 'edited-user');
    await press(ui.stdin, keys.enter, 'I', 'r', keys.ctrlU);
    await type(ui.stdin, 'main');
    await press(ui.stdin, keys.enter);
    expect(await waitForFrame(ui, (f) => f.includes('Discard unsaved changes on Connections of demo? (y/N)'))).toContain('Renaming closes the tabs of “demo”');
    await press(ui.stdin, 'n');
    expect(session.integration('demo')).toBeDefined();
    await press(ui.stdin, keys.escape);
    expect(await waitForFrame(ui, (f) => !listOpen(f))).toContain('edited-user');

    await press(ui.stdin, 'I', 'd');
    expect(await waitForFrame(ui, (f) => f.includes('Delete “demo”'))).toContain('Its unsaved changes on Connections are discarded.');
    await type(ui.stdin, 'demo');
    await press(ui.stdin, keys.enter);
    await waitForFrame(ui, (f) => f.includes('Deleted “demo”'), 5000);
    await press(ui.stdin, keys.escape);
    expect(header(ui)).toBe('kmsp · second · KSC × Autotask');
    expect(await waitForFrame(ui, (f) => f.includes('Integration second:'))).not.toContain('edited-user');
    expect(session.config.integrations.map((i) => i.name)).toEqual(['second']);
  });
});
