// Connections tab against the real demo simulators (KSC over TLS with the test
// CA, Autotask over HTTP): what an admin sees, edits, saves and tests.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ConsoleApp } from '../../source/ui/app.js';
import { createConnectionsScreen } from '../../source/ui/screens/connections/index.js';
import { frameLines, keys, press, renderUi, stripAnsi, type, waitForFrame, type RenderedUi } from '../helpers/ink.js';
import { useDemoConsole } from '../helpers/demo-ui.js';
import { psaSimulator } from '../../source/simulators/registry.js';

const CTRL_S = '\u0013';

const demoConsole = useDemoConsole('kmsp-connections-');
/** The demo's secret values: none may ever appear in a frame. */
let demoSecrets: string[];

beforeAll(async () => {
  const file = JSON.parse(fs.readFileSync(path.join(demoConsole.demo.configDir, 'secrets.json'), 'utf8')) as { secrets: Record<string, string> };
  demoSecrets = Object.values(file.secrets);
  expect(demoSecrets).toHaveLength(3);
});

/** A copy of the demo's config and secrets, so each test edits its own (or an empty folder). */
const freshDir = (withDemo = true) => demoConsole.freshDir({ withDemo });
const openSession = (dir: string) => demoConsole.openSession(dir, { actor: 'alice (console)' });

function open(options: { dir?: string; integrationName?: string | null; columns?: number; rows?: number } = {}) {
  const dir = options.dir ?? freshDir();
  const session = openSession(dir);
  const integrationName = options.integrationName === undefined ? 'demo' : options.integrationName;
  const onExit = vi.fn();
  const ui = renderUi(
    <ConsoleApp
      {...(integrationName ? { integrationName } : {})}
      screens={[createConnectionsScreen({ session, integrationName, cwd: process.cwd() })]}
      noticeTimeoutMs={0}
      onExit={onExit}
    />,
    { columns: options.columns ?? 100, rows: options.rows ?? 40 },
  );
  return { ui, session, dir, onExit };
}

const ready = (ui: RenderedUi) => waitForFrame(ui, (f) => !f.includes('checking…') && f.includes('present in'), 5000);
/** Wrapped lines joined back, to read a sentence that wrapped. */
const oneLine = (frame: string) => frame.replace(/\n +/g, ' ');
const cursorLine = (frame: string) => frameLines(frame).find((l) => l.startsWith('›')) ?? '';
const rowOf = (frame: string, label: string) => frameLines(frame).find((l) => l.slice(4).startsWith(label)) ?? '';
const readConfig = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as { integrations: Array<{ name: string; platform: Record<string, unknown>; psa: Record<string, unknown>; ticketing: { general: { newStatus: { label: string } } } }> };
const readSecrets = (dir: string) => (JSON.parse(fs.readFileSync(path.join(dir, 'secrets.json'), 'utf8')) as { secrets: Record<string, string> }).secrets;
/** Ports and temporary folders differ per run. */
const stable = (frame: string) =>
  frame
    .replace(/(localhost|127\.0\.0\.1):\d+/g, '$1:PORT')
    .replace(new RegExp(process.cwd().replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g'), '<repo>');

/** Moves the cursor to the row whose label starts with `label`. */
async function goTo(ui: RenderedUi, label: string) {
  await press(ui.stdin, 'g');
  for (let i = 0; i < 20 && !cursorLine(ui.lastFrame()).slice(4).startsWith(label); i++) await press(ui.stdin, 'j');
  expect(cursorLine(ui.lastFrame()).slice(4)).toMatch(new RegExp(`^${label}`));
}

function expectNoSecretIn(ui: RenderedUi, extra: string[] = []) {
  const everything = ui.stdout.frames.map(stripAnsi).join('\n');
  for (const secret of [...demoSecrets, ...extra]) expect(everything).not.toContain(secret);
}

describe('Connections: what is shown', () => {
  it('shows both sides’ settings and where each secret is held, never a value', async () => {
    const { ui } = open();
    const frame = await ready(ui);
    expect(rowOf(frame, 'URL')).toContain(demoConsole.demo.ksc.url);
    expect(rowOf(frame, 'User name')).toContain('kmsp-demo');
    expect(rowOf(frame, 'User type')).toContain('KSC internal user');
    expect(rowOf(frame, 'Zone discovery URL')).toContain(demoConsole.demo.autotask.zoneDiscoveryUrl);
    expect(rowOf(frame, 'API URL override')).toContain('(none: found by zone discovery)');
    expect(rowOf(frame, 'API user name')).toContain('kmsp-demo@demo-msp.example');
    expect(rowOf(frame, 'Tenant-name field')).toContain('Kaspersky Tenant');
    expect(rowOf(frame, 'Password')).toContain('present in plaintext file');
    expect(rowOf(frame, 'API secret')).toContain('present in plaintext file');
    expect(rowOf(frame, 'Tracking identifier')).toContain('present in plaintext file');
    expect(stable(frame)).toMatchSnapshot();
    expectNoSecretIn(ui);
  });

  it('says which secret is missing', async () => {
    const dir = freshDir();
    const secrets = readSecrets(dir);
    delete secrets['demo.autotask.integration-code'];
    fs.writeFileSync(path.join(dir, 'secrets.json'), JSON.stringify({ version: 1, secrets }), { mode: 0o600 });
    const { ui } = open({ dir });
    const frame = await ready(ui);
    expect(rowOf(frame, 'Tracking identifier')).toContain('missing (Enter sets it)');
    expect(rowOf(frame, 'API secret')).toContain('present in plaintext file');
  });

  it('shows the domain only for Windows accounts, and says what each field is for', async () => {
    const { ui } = open();
    await ready(ui);
    expect(ui.lastFrame()).toContain('Address of the KSC Open API');
    expect(ui.lastFrame()).not.toContain('Domain');
    await goTo(ui, 'User type');
    await press(ui.stdin, keys.space);
    expect(rowOf(ui.lastFrame(), 'User type')).toContain('Windows/Active Directory account');
    expect(rowOf(ui.lastFrame(), 'Domain')).toContain('(none)');
    await press(ui.stdin, keys.enter);
    expect(rowOf(ui.lastFrame(), 'User type')).toContain('KSC internal user');
    expect(ui.lastFrame()).not.toContain('Domain');
  });

  it('lists its keys in the ? help', async () => {
    const { ui } = open();
    await ready(ui);
    await press(ui.stdin, '?');
    const frame = ui.lastFrame();
    for (const text of ['Save changes', 'Cancel changes', 'Test connection', 'Edit the setting']) expect(frame).toContain(text);
  });
});

describe('Connections: editing and saving', () => {
  it('refuses bad values with a precise message, then saves a good one to config.json with an audit row', async () => {
    const { ui, dir, session } = open();
    await ready(ui);
    await press(ui.stdin, keys.enter, keys.ctrlU);
    await type(ui.stdin, 'ksc.example.local');
    await press(ui.stdin, keys.enter);
    expect(ui.lastFrame()).toContain('! The KSC URL must start with https:// or http://');
    await press(ui.stdin, keys.ctrlU);
    await type(ui.stdin, 'https://ksc.example.local:99999');
    expect(ui.lastFrame()).toContain('! Port 99999 is out of range: ports go from 1 to 65535.');
    await press(ui.stdin, keys.enter);
    expect(readConfig(dir).integrations[0]!.platform.url).toBe(demoConsole.demo.ksc.url); // nothing written while editing
    await press(ui.stdin, keys.ctrlU);
    await type(ui.stdin, 'https://ksc.example.local:13299');
    expect(ui.lastFrame()).not.toContain('! ');
    await press(ui.stdin, keys.enter);
    let frame = ui.lastFrame();
    expect(cursorLine(frame)).toMatch(/^› \* URL\s+https:\/\/ksc\.example\.local:13299/);
    expect(frame).toContain('* 1 unsaved change');
    expect(frame).toContain('[1 Connections*]');
    expect(readConfig(dir).integrations[0]!.platform.url).toBe(demoConsole.demo.ksc.url);

    await press(ui.stdin, CTRL_S);
    frame = ui.lastFrame();
    expect(frame).toContain(`Saved 1 change to ${path.join(dir, 'config.json')}`);
    expect(frame).not.toContain('unsaved');
    expect(cursorLine(frame)).toMatch(/^› {3}URL/);
    expect(readConfig(dir).integrations[0]!.platform.url).toBe('https://ksc.example.local:13299');
    const [audit] = session.ledger.listConfigAudit({ limit: 1 });
    expect(audit?.actor).toBe('alice (console)');
    expect(audit?.summary).toContain('ksc.example.local:13299');
    expect(audit?.summary).toContain('(Connections tab)');
  });

  it('after a save clash with another console, r loads their settings (the clashing edit gives way, named) and the message names r', async () => {
    const { ui, dir } = open();
    await ready(ui);
    await press(ui.stdin, keys.enter, keys.ctrlU);
    await type(ui.stdin, 'https://ksc-a.example.local:13299');
    await press(ui.stdin, keys.enter);
    expect(ui.lastFrame()).toContain('* 1 unsaved change');
    const other = openSession(dir);
    other.updateIntegration('demo', (i) => ({ ...i, platform: { ...i.platform, url: 'https://ksc-b.example.local:13299' } }));
    await press(ui.stdin, CTRL_S);
    let frame = await waitForFrame(ui, (f) => f.includes('someone else changed the same settings'));
    expect(frame).toContain('Remedy: Press r on this tab to load theirs');
    await press(ui.stdin, 'r');
    frame = await waitForFrame(ui, (f) => f.includes('Loaded connection settings saved by another console'));
    expect(frame).toContain('1 unsaved setting now shows theirs');
    expect(frame).toContain('Cause: Make these again if still needed: Kaspersky Security Center › URL.');
    expect(cursorLine(frame)).toMatch(/^› {3}URL\s+https:\/\/ksc-b\.example\.local:13299/);
    expect(frame).toMatch(/Kaspersky Security Center ⇄ Autotask +saved$/m);
    await press(ui.stdin, 'r');
    expect(ui.lastFrame()).toContain('nothing to load');
  });

  it('checks the CA file: says which problem, stores an absolute path', async () => {
    const { ui, dir } = open();
    await ready(ui);
    await goTo(ui, 'CA/certificate file');
    await press(ui.stdin, keys.enter, keys.ctrlU);
    await type(ui.stdin, '/nonexistent/klserver.cer');
    await press(ui.stdin, keys.enter);
    expect(ui.lastFrame()).toContain('! No file at /nonexistent/klserver.cer');
    await press(ui.stdin, keys.ctrlU);
    await type(ui.stdin, 'fixtures');
    expect(ui.lastFrame()).toContain('is a folder');
    await press(ui.stdin, keys.ctrlU);
    await type(ui.stdin, 'package.json');
    expect(ui.lastFrame()).toContain('holds no PEM certificate');
    await press(ui.stdin, keys.ctrlU);
    await type(ui.stdin, 'fixtures/tls/test-ca.pem');
    await press(ui.stdin, CTRL_S); // keeps the field and saves in one go
    expect(readConfig(dir).integrations[0]!.platform.caFile).toBe(path.resolve('fixtures/tls/test-ca.pem'));
  });

  it('Esc while editing keeps the previous value; letters typed into a field never run commands', async () => {
    const { ui } = open();
    await ready(ui);
    await goTo(ui, 'User name');
    await press(ui.stdin, keys.enter);
    await type(ui.stdin, 'tq?');
    expect(rowOf(ui.lastFrame(), 'User name')).toContain('kmsp-demotq?');
    expect(ui.lastFrame()).not.toContain('Test connection (');
    await press(ui.stdin, keys.escape);
    await waitForFrame(ui, (f) => /kmsp-demo\s*$/.test(rowOf(f, 'User name')));
    expect(ui.lastFrame()).not.toContain('unsaved');
  });

  it('asks before leaving with unsaved changes; x (as on every tab) offers to cancel them and restores the saved value', async () => {
    const { ui, dir, onExit } = open();
    await ready(ui);
    await goTo(ui, 'API user name');
    await press(ui.stdin, keys.enter, keys.ctrlU);
    await type(ui.stdin, 'someone@else.example');
    await press(ui.stdin, keys.enter);
    expect(ui.lastFrame()).toContain('[1 Connections*]');

    await press(ui.stdin, keys.tab);
    expect(ui.lastFrame()).toContain('Discard unsaved changes on Connections? (y/N)');
    await press(ui.stdin, 'n');
    expect(rowOf(ui.lastFrame(), 'API user name')).toContain('someone@else.example');

    await press(ui.stdin, 'q');
    expect(ui.lastFrame()).toContain('Discard unsaved changes on Connections? (y/N)');
    await press(ui.stdin, keys.escape);
    await waitForFrame(ui, (f) => !f.includes('Discard unsaved changes'));
    expect(onExit).not.toHaveBeenCalled();

    // Esc only leaves a field: with none being edited it discards nothing.
    await press(ui.stdin, keys.escape);
    expect(ui.lastFrame()).not.toContain('Discard the unsaved connection settings?');
    expect(ui.lastFrame()).toContain('[1 Connections*]');
    expect(frameLines(ui.lastFrame()).at(-1)).toContain('x cancel changes');
    await press(ui.stdin, 'x');
    await waitForFrame(ui, (f) => f.includes('Discard the unsaved connection settings? (y/N)'));
    expect(ui.lastFrame()).toContain('API user name: kmsp-demo@demo-msp.example → someone@else.example');
    await press(ui.stdin, 'y');
    expect(rowOf(ui.lastFrame(), 'API user name')).toContain('kmsp-demo@demo-msp.example');
    expect(ui.lastFrame()).not.toContain('Connections*');
    expect(readConfig(dir).integrations[0]!.psa.username).toBe('kmsp-demo@demo-msp.example');
    await press(ui.stdin, keys.tab);
    expect(ui.lastFrame()).not.toContain('Discard');
  });
});

describe('Connections: secrets', () => {
  it('takes a secret masked and stores it in the secret store, saying it is the plaintext file', async () => {
    const { ui, dir } = open();
    await ready(ui);
    await goTo(ui, 'API secret');
    await press(ui.stdin, keys.enter);
    const typed = 'N3w-Autotask-Secret';
    await type(ui.stdin, typed);
    expect(rowOf(ui.lastFrame(), 'API secret')).toContain('•'.repeat(typed.length));
    await press(ui.stdin, keys.enter);
    const frame = await waitForFrame(ui, (f) => f.includes('stored in the plaintext file'));
    expect(frame).toContain(`Warning: Autotask API user secret (password) stored in the plaintext file`);
    expect(rowOf(await ready(ui), 'API secret')).toContain('present in plaintext file');
    expect(readSecrets(dir)['demo.autotask.secret']).toBe(typed);
    expect(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).not.toContain(typed);
    expectNoSecretIn(ui, [typed]);
  });

  it('refuses an empty or too short secret and keeps the stored one', async () => {
    const { ui, dir } = open();
    await ready(ui);
    await goTo(ui, 'Password');
    await press(ui.stdin, keys.enter, keys.enter);
    expect(ui.lastFrame()).toContain('! Type the new value, or press Esc to keep the stored one.');
    await type(ui.stdin, 'abc');
    expect(ui.lastFrame()).toContain('! At least 4 characters.');
    await press(ui.stdin, keys.enter);
    expect(rowOf(ui.lastFrame(), 'Password')).toContain('•••');
    await press(ui.stdin, keys.escape);
    expect(readSecrets(dir)['demo.ksc.password']).toBe(readSecrets(demoConsole.demo.configDir)['demo.ksc.password']);
  });
});

describe('Connections: Test connection', () => {
  it('runs the doctor’s checks on both sides and shows each ✓ line; keys keep working meanwhile', async () => {
    const { ui } = open({ rows: 44 });
    await ready(ui);
    demoConsole.demo.ksc.injectFailure({ method: 'Session.StartSession', mode: 'delay', delayMs: 800 });
    await press(ui.stdin, 't');
    expect(ui.lastFrame()).toContain('Test connection: testing the saved settings…');
    expect(ui.lastFrame()).toContain('… Kaspersky Security Center: testing…');
    await press(ui.stdin, 'j');
    expect(cursorLine(ui.lastFrame())).toMatch(/User name/);
    expect(ui.lastFrame()).toContain('… Kaspersky Security Center: testing…');
    const frame = await waitForFrame(ui, (f) => /all \d+ checks passed/.test(f), 10_000);
    expect(frame).toMatch(/Test connection \(saved settings, \d\d:\d\d:\d\d, \d+\.\d s\): all \d+ checks passed/);
    expect(frame).toContain('✓ Kaspersky Security Center: signed in — Kaspersky Security Center');
    expect(frame).toContain('✓ Kaspersky Security Center: 25 virtual servers visible');
    expect(frame).toContain('✓ Kaspersky Security Center: can read devices and licenses (“Acme & Sons”: 48 devices, 4 license');
    expect(frame).toContain('✓ Autotask: 40 accounts (37 active)');
    expect(frame).toContain('✓ Autotask: 31 contracts (23 Recurring Service)');
    expect(frame).toContain('✓ Autotask: account field “Kaspersky Tenant” exists');
    expect(frame).not.toContain('✗');
    expectNoSecretIn(ui);
  });

  it('fails with the precise cause when the password is wrong', async () => {
    const { ui } = open({ rows: 44 });
    await ready(ui);
    await goTo(ui, 'Password');
    await press(ui.stdin, keys.enter);
    await type(ui.stdin, 'not-the-password');
    await press(ui.stdin, keys.enter);
    await waitForFrame(ui, (f) => f.includes('stored in the plaintext file'));
    await press(ui.stdin, 't');
    const frame = await waitForFrame(ui, (f) => f.includes('1 failed'), 10_000);
    expect(frame).toContain('Test connection (saved settings,'); // a secret is not a draft: the saved settings were tested
    expect(frame).toContain('✗ Kaspersky Security Center rejected the user name or password');
    expect(frame).toContain('Cause: KSC answered HTTP 401 to the sign-in of the internal KSC user "kmsp-demo"');
    expect(oneLine(frame)).toContain('Remedy: Check the user name and password. The account is set as a KSC internal user');
    expect(frame).toContain('✓ Autotask: 40 accounts (37 active)');
    expectNoSecretIn(ui, ['not-the-password']);
  });

  it('tests unsaved edits as shown: without the CA file, TLS is refused and the remedy names the CA file', async () => {
    const { ui, dir } = open({ rows: 44 });
    await ready(ui);
    await goTo(ui, 'CA/certificate file');
    await press(ui.stdin, keys.enter, keys.ctrlU, keys.enter);
    expect(cursorLine(ui.lastFrame())).toMatch(/\* CA\/certificate file\s+\(none: system CAs\)/);
    await press(ui.stdin, 't');
    const frame = await waitForFrame(ui, (f) => f.includes('1 failed'), 10_000);
    expect(frame).toContain('Test connection (unsaved settings,');
    expect(frame).toContain(`✗ Kaspersky Security Center: the TLS certificate of ${demoConsole.demo.ksc.url} is not trusted`);
    expect(oneLine(frame)).toContain('Remedy: Set the CA/certificate file (caFile) to the server certificate or the CA that signed it');
    expect(oneLine(frame)).toContain('kmsp never disables certificate checks.');
    expect(readConfig(dir).integrations[0]!.platform.caFile).toBe(path.resolve('fixtures/tls/test-ca.pem'));

    // Changing the settings after a test says the results are stale.
    await press(ui.stdin, 'x');
    await waitForFrame(ui, (f) => f.includes('Discard the unsaved connection settings?'));
    await press(ui.stdin, 'y');
    await waitForFrame(ui, (f) => f.includes('! The settings changed since this test: t tests them again.'));
  });

  it('folds passed checks on a small terminal and lists every line with v', async () => {
    const { ui } = open({ columns: 80, rows: 24 });
    await ready(ui);
    await press(ui.stdin, 't');
    let frame = await waitForFrame(ui, (f) => /all \d+ checks passed/.test(f), 10_000);
    // Every setting stays visible: the passed checks fold into the header, the field help gives way.
    expect(frame).not.toContain('✓');
    expect(frame).toContain('Tracking identifier');
    expect(frameLines(frame)).toHaveLength(23);
    await press(ui.stdin, 'v');
    frame = ui.lastFrame();
    expect(frame).toContain('Test connection: all results');
    expect(frame).toContain('✓ Kaspersky Security Center: 25 virtual servers visible');
    await press(ui.stdin, 'G');
    expect(ui.lastFrame()).toContain('API budget');
    await press(ui.stdin, keys.escape);
    await waitForFrame(ui, (f) => !f.includes('Test connection: all results'));
  });
});

describe('Connections: a fresh configuration', () => {
  it('offers to create an integration, stores it with its secrets, and the test passes', async () => {
    const dir = freshDir(false);
    const { ui, session } = open({ dir, integrationName: null, rows: 44 });
    await press(ui.stdin);
    expect(ui.lastFrame()).toContain('No integration is set up yet.');
    expect(ui.lastFrame()).toContain('n new integration');
    await press(ui.stdin, 'n');
    let frame = ui.lastFrame();
    expect(frame).toContain('New integration (1 of 2): its name and the two systems');
    // Name prefilled "main"; the first platform and PSA this build speaks chosen.
    expect(frame).toMatch(/Integration name\s+main/);
    expect(frame).toMatch(/Security platform\s+Kaspersky Security Center ▾/);
    expect(frame).toMatch(/PSA\s+Autotask ▾/);
    await press(ui.stdin, CTRL_S);
    frame = ui.lastFrame();
    expect(frame).toContain('New integration “main” (2 of 2): KSC and Autotask');
    // What the two profiles ask on creation: fields without a default (or asked anyway), then each side's secrets.
    const labels = ['KSC URL', 'KSC user name', 'KSC CA/certificate file', 'KSC password', 'Zone discovery URL', 'Autotask API user name', 'Autotask API secret', 'Tracking identifier'];
    const at = labels.map((label) => frame.indexOf(label));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    const values = readSecrets(demoConsole.demo.configDir);
    await type(ui.stdin, demoConsole.demo.ksc.url);
    await press(ui.stdin, keys.tab);
    await type(ui.stdin, 'kmsp-demo');
    await press(ui.stdin, keys.tab);
    await type(ui.stdin, 'fixtures/tls/test-ca.pem');
    await press(ui.stdin, keys.tab);
    await type(ui.stdin, values['demo.ksc.password']!);
    await press(ui.stdin, keys.tab, keys.ctrlU);
    await type(ui.stdin, demoConsole.demo.autotask.zoneDiscoveryUrl);
    await press(ui.stdin, keys.tab);
    await type(ui.stdin, 'kmsp-demo@demo-msp.example');
    await press(ui.stdin, keys.tab);
    await type(ui.stdin, values['demo.autotask.secret']!);
    await press(ui.stdin, keys.tab);
    await type(ui.stdin, values['demo.autotask.integration-code']!);
    await press(ui.stdin, CTRL_S);
    frame = await waitForFrame(ui, (f) => f.includes('Created integration “main”'), 5000);
    expect(frame).toContain('Integration main: Kaspersky Security Center ⇄ Autotask');
    expect(frame).toContain('Cause: 3 secrets went to the plaintext file');

    const config = readConfig(dir);
    expect(config.integrations.map((i) => i.name)).toEqual(['main']);
    expect(config.integrations[0]!.platform).toMatchObject({ url: demoConsole.demo.ksc.url, username: 'kmsp-demo', internalUser: true, caFile: path.resolve('fixtures/tls/test-ca.pem') });
    expect(config.integrations[0]!.psa).toMatchObject({ zoneDiscoveryUrl: demoConsole.demo.autotask.zoneDiscoveryUrl, username: 'kmsp-demo@demo-msp.example', tenantNameField: 'Kaspersky Tenant' });
    expect(config.integrations[0]!.ticketing.general.newStatus.label).toBe('New');
    // A new integration holds risky billing changes for a person (README › Billing approvals).
    expect((config.integrations[0] as { approvals?: unknown }).approvals).toEqual({ mode: 'hold-risky', maxDecreasePercent: 20, maxDecreaseUnits: null });
    expect(Object.keys(readSecrets(dir)).sort()).toEqual(['main.autotask.integration-code', 'main.autotask.secret', 'main.ksc.password']);
    expect(session.ledger.listConfigAudit({ limit: 1 })[0]?.summary).toContain('created on the Connections tab');

    await ready(ui);
    await press(ui.stdin, 't');
    await waitForFrame(ui, (f) => /all \d+ checks passed/.test(f), 10_000);
    expectNoSecretIn(ui);
  });

  it('does not create an integration whose ticket statuses Autotask could not give, and says why', async () => {
    const dir = freshDir(false);
    const { ui } = open({ dir, integrationName: null, rows: 30 });
    await press(ui.stdin, 'n', CTRL_S);
    await type(ui.stdin, demoConsole.demo.ksc.url);
    await press(ui.stdin, keys.tab);
    await type(ui.stdin, 'kmsp-demo');
    await press(ui.stdin, keys.tab, keys.tab, keys.tab, keys.ctrlU);
    await type(ui.stdin, 'http://127.0.0.1:9/');
    await press(ui.stdin, keys.tab);
    await type(ui.stdin, 'api@example.com');
    await press(ui.stdin, keys.tab);
    await type(ui.stdin, 'abc');
    await press(ui.stdin, keys.tab);
    expect(ui.lastFrame()).toContain('! At least 4 characters.');
    await press(ui.stdin, keys.shiftTab);
    await type(ui.stdin, 'd');
    await press(ui.stdin, keys.tab);
    await type(ui.stdin, 'wxyz');
    await press(ui.stdin, CTRL_S);
    const frame = await waitForFrame(ui, (f) => f.includes('not created'), 10_000);
    expect(frame).toContain('Error: Integration “main” not created: its ticket values come from Autotask, which did not answer');
    expect(frame).toContain('Cause: Autotask: connection refused by http://127.0.0.1:9');
    expect(oneLine(frame)).toContain('Remedy: Check the Autotask zone discovery URL, API user name and secrets, then press n again');
    expect(frame).toContain('No integration is set up yet.');
    expect(fs.existsSync(path.join(dir, 'config.json'))).toBe(false);
  });

  it('offers every platform × PSA of the profiles, and each can be chosen', async () => {
    const { ui } = open({ dir: freshDir(false), integrationName: null, rows: 30 });
    await press(ui.stdin, 'n', keys.tab, keys.enter);
    let frame = ui.lastFrame();
    expect(frame).toContain('Kaspersky Business Hub');
    expect(frame).not.toContain('not supported yet');
    await type(ui.stdin, 'business');
    await press(ui.stdin, keys.enter);
    await waitForFrame(ui, (f) => /Security platform\*?\s+Kaspersky Business Hub ▾/.test(f));
    await press(ui.stdin, keys.enter);
    await type(ui.stdin, 'security center');
    await press(ui.stdin, keys.enter);
    await waitForFrame(ui, (f) => /Security platform\*?\s+Kaspersky Security Center ▾/.test(f));
    await press(ui.stdin, keys.tab, keys.enter);
    frame = ui.lastFrame();
    expect(frame).toContain('Autotask');
    expect(frame).toContain('ConnectWise Manage');
    await press(ui.stdin, keys.escape, keys.escape);
    await waitForFrame(ui, (f) => !f.includes('New integration'));
  });

  /** Step 1 with ConnectWise chosen, then the KSC fields of the demo; the cursor ends on the ConnectWise site. */
  async function startConnectWise(ui: RenderedUi) {
    await press(ui.stdin, 'n', keys.tab, keys.tab, keys.enter);
    await type(ui.stdin, 'connectwise');
    await press(ui.stdin, keys.enter);
    await waitForFrame(ui, (f) => /PSA\s+\*? ?ConnectWise Manage ▾/.test(f));
    await press(ui.stdin, CTRL_S);
    const frame = ui.lastFrame();
    expect(frame).toContain('New integration “main” (2 of 2): KSC and ConnectWise');
    await type(ui.stdin, demoConsole.demo.ksc.url);
    await press(ui.stdin, keys.tab);
    await type(ui.stdin, 'kmsp-demo');
    await press(ui.stdin, keys.tab);
    await type(ui.stdin, 'fixtures/tls/test-ca.pem');
    await press(ui.stdin, keys.tab);
    await type(ui.stdin, readSecrets(demoConsole.demo.configDir)['demo.ksc.password']!);
    await press(ui.stdin, keys.tab, keys.ctrlU);
    return frame;
  }

  it('KSC + ConnectWise: asks ConnectWise’s own fields, writes its connection and its private key, and the test passes', async () => {
    const cw = psaSimulator('connectwise');
    const sim = await cw.start();
    try {
      const dir = freshDir(false);
      const { ui, session } = open({ dir, integrationName: null, rows: 44 });
      let frame = await startConnectWise(ui);
      const labels = ['KSC URL', 'KSC user name', 'KSC CA/certificate file', 'KSC password', 'ConnectWise site', 'ConnectWise company ID', 'ConnectWise public key', 'ConnectWise client ID', 'ConnectWise private key'];
      const at = labels.map((label) => frame.indexOf(label));
      expect(at.every((i) => i >= 0)).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
      expect(frame).toMatch(/ConnectWise site\s+https:\/\/api-na\.myconnectwise\.net/);
      // A codebase or tenant-name field has a default: not asked.
      expect(frame).not.toContain('Codebase');
      expect(frame).not.toContain('Tenant-name');
      await type(ui.stdin, sim.siteUrl.replace(/^http:\/\//, ''));
      await press(ui.stdin, keys.tab);
      expect(ui.lastFrame()).toContain('! The ConnectWise site must start with https:// or http://');
      await press(ui.stdin, keys.shiftTab, keys.ctrlU);
      await type(ui.stdin, sim.siteUrl);
      await press(ui.stdin, keys.tab);
      await type(ui.stdin, sim.companyId);
      await press(ui.stdin, keys.tab);
      await type(ui.stdin, sim.publicKey);
      await press(ui.stdin, keys.tab);
      await type(ui.stdin, sim.clientId);
      await press(ui.stdin, keys.tab);
      await type(ui.stdin, sim.privateKey);
      await press(ui.stdin, CTRL_S);
      frame = await waitForFrame(ui, (f) => f.includes('Created integration “main”') || f.includes('not created'), 10_000);
      expect(frame).toContain('Created integration “main”. Press t to test the connection.');
      expect(frame).toContain('Integration main: Kaspersky Security Center ⇄ ConnectWise Manage');

      const config = readConfig(dir);
      expect(config.integrations.map((i) => i.name)).toEqual(['main']);
      expect(config.integrations[0]!.psa).toEqual({
        kind: 'connectwise',
        siteUrl: sim.siteUrl,
        companyId: sim.companyId,
        publicKey: sim.publicKey,
        clientId: sim.clientId,
        codebase: null,
        tenantNameField: 'Kaspersky Tenant',
        caFile: null,
      });
      expect(config.integrations[0]!.platform).toMatchObject({ kind: 'ksc', url: demoConsole.demo.ksc.url, username: 'kmsp-demo' });
      // The ticket defaults were matched against ConnectWise's own lists: the default board has its id.
      const board = (config.integrations[0]!.ticketing.general as unknown as Record<string, { value: string; label: string } | null>).board;
      expect(board?.label).toBe('Monitoring Alert');
      expect(board?.value).toBe(String(sim.state.boards.find((b) => b.name === 'Monitoring Alert')?.id));
      expect(readSecrets(dir)['main.connectwise.private-key']).toBe(sim.privateKey);
      expect(Object.keys(readSecrets(dir)).sort()).toEqual(['main.connectwise.private-key', 'main.ksc.password']);
      expect(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).not.toContain(sim.privateKey);
      // The file is one the store takes back (schema and rules): a second console opens it.
      expect(openSession(dir).integration('main')?.psa.kind).toBe('connectwise');
      expect(session.ledger.listConfigAudit({ limit: 1 })[0]?.summary).toContain('created on the Connections tab');

      // The Connections tab shows ConnectWise's rows, and Test connection reaches both simulators.
      frame = await ready(ui);
      for (const label of ['Site', 'Company ID', 'Public key', 'Client ID', 'Codebase override', 'Tenant-name field', 'Private key']) expect(rowOf(frame, label)).not.toBe('');
      expect(rowOf(frame, 'Codebase override')).toContain('(none: discovered)');
      expect(rowOf(frame, 'Private key')).toContain('present in plaintext file');
      await press(ui.stdin, 't');
      frame = await waitForFrame(ui, (f) => /all \d+ checks passed/.test(f), 10_000);
      expect(frame).toContain('✓ ConnectWise Manage: 40 companies');
      expectNoSecretIn(ui, [sim.privateKey]);
    } finally {
      await sim.close();
    }
  });

  it('KSC + ConnectWise: saved while ConnectWise does not answer (nothing of it is required to save), and says so', async () => {
    const dir = freshDir(false);
    // Wide enough for the whole notice on its lines.
    const { ui } = open({ dir, integrationName: null, rows: 44, columns: 240 });
    await startConnectWise(ui);
    await type(ui.stdin, 'http://127.0.0.1:9');
    for (const value of ['demomsp', 'Pub1icKey', '3fa85f64-5717-4562-b3fc-2c963f66afa6', 'Pr1vate-Key-Never-Shown']) {
      await press(ui.stdin, keys.tab);
      await type(ui.stdin, value);
    }
    await press(ui.stdin, CTRL_S);
    const frame = await waitForFrame(ui, (f) => f.includes('Created integration “main”') || f.includes('not created'), 10_000);
    expect(oneLine(frame)).toContain('Warning: Created integration “main”. ConnectWise Manage did not answer: its ticket values are matched once it does.');
    expect(frame).toContain('connection refused by http://127.0.0.1:9');
    expect(oneLine(frame)).toContain('Remedy: Check the ConnectWise Manage site, company ID, public key, client ID and secrets on this tab');
    const config = readConfig(dir);
    expect(config.integrations[0]!.psa).toMatchObject({ kind: 'connectwise', siteUrl: 'http://127.0.0.1:9', companyId: 'demomsp' });
    // Labels kept, to be matched when ConnectWise answers.
    expect((config.integrations[0]!.ticketing.general as unknown as Record<string, { value: string; label: string } | null>).board).toEqual({ value: '', label: 'Monitoring Alert' });
    expectNoSecretIn(ui, ['Pr1vate-Key-Never-Shown']);
  });

  it('refuses a bad name and a name in use', async () => {
    const { ui } = open({ integrationName: 'other', rows: 30 });
    await press(ui.stdin);
    expect(ui.lastFrame()).toContain('No integration named “other”. Configured: demo.');
    await press(ui.stdin, 'n');
    await press(ui.stdin, keys.ctrlU);
    await type(ui.stdin, 'Demo!');
    await press(ui.stdin, keys.tab);
    expect(ui.lastFrame()).toContain('! Only a–z, 0–9 and dashes, e.g. main.');
    await press(ui.stdin, keys.shiftTab, keys.ctrlU);
    await type(ui.stdin, 'demo');
    expect(ui.lastFrame()).toContain('! “demo” exists already.');
    await press(ui.stdin, keys.escape);
    expect(ui.lastFrame()).not.toContain('New integration');
  });
});
