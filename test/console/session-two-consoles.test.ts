// Two consoles open on one config directory (two admins over SSH): a save from one must not
// undo what the other saved meanwhile (README › When something fails: nothing is lost). ConsoleSession.saveConfig
// merges this console's change into the file's config; a clash is refused and named.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { saveAccounts } from '../../source/console/accountsSave.js';
import { ConsoleSession } from '../../source/console/session.js';
import type { KmspConfig, TenantMapping } from '../../source/domain/config.js';
import { rebaseOnTheirs } from '../../source/domain/configMerge.js';
import { AUTOTASK_DEFAULTS, KSC_DEFAULTS, defaultConfig, newIntegration } from '../../source/domain/defaults.js';
import { KmspError } from '../../source/domain/errors.js';
import { openConfig } from '../../source/store/config.js';
import { resolvePaths, type KmspPaths } from '../../source/store/paths.js';

const sessions: ConsoleSession[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tenant(tenantId: string, tenantName: string): TenantMapping {
  return { tenantId, tenantName, accountId: null, accountName: null, billing: false, contractId: null, contractName: null };
}

const DELTA = 'vs-delta';
const EVERGREEN = 'vs-evergreen';

/** A config dir holding integration "demo" with two unmapped tenants. */
function configDir(): KmspPaths {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmsp-two-consoles-'));
  dirs.push(dir);
  const paths = resolvePaths({ configDir: dir });
  const integration = {
    ...newIntegration('demo', { ...KSC_DEFAULTS, url: 'https://ksc.example:13299', username: 'u' }, { ...AUTOTASK_DEFAULTS, username: 'api@example' }),
    tenants: [tenant(DELTA, 'Delta Legal LLP'), tenant(EVERGREEN, 'Evergreen')],
  };
  const config: KmspConfig = { ...defaultConfig(), integrations: [integration] };
  openConfig({ paths, onNotice: () => undefined }).save(config, { actor: 'test (setup)' });
  return paths;
}

function open(paths: KmspPaths, actor: string): ConsoleSession {
  const session = new ConsoleSession({ paths, secretBackends: ['file'], actor });
  sessions.push(session);
  return session;
}

/** What the Accounts tab saves: the integration's whole tenant list with one row mapped. */
function mapOnAccountsTab(session: ConsoleSession, tenantId: string, accountId: string, accountName: string) {
  return session.updateIntegration(
    'demo',
    (i) => ({ ...i, tenants: i.tenants.map((t) => (t.tenantId === tenantId ? { ...t, accountId, accountName } : t)) }),
    'Accounts tab',
  );
}

function onDisk(paths: KmspPaths): KmspConfig {
  return JSON.parse(fs.readFileSync(paths.configFile, 'utf8')) as KmspConfig;
}

function accountOf(config: KmspConfig, tenantId: string): string | null | undefined {
  return config.integrations.find((i) => i.name === 'demo')?.tenants.find((t) => t.tenantId === tenantId)?.accountId;
}

function caught(run: () => unknown): KmspError {
  try {
    run();
  } catch (error) {
    if (error instanceof KmspError) return error;
    throw error;
  }
  throw new Error('expected a KmspError');
}

describe('two consoles on one config directory', () => {
  it('keeps both admins’ mappings of two tenants (Delta by A, Evergreen by B)', () => {
    const paths = configDir();
    const a = open(paths, 'alice (console)');
    const b = open(paths, 'bob (console)');
    mapOnAccountsTab(a, DELTA, '29683504', 'Delta Legal');
    let changed = 0;
    b.subscribeConfig(() => changed++);
    const result = mapOnAccountsTab(b, EVERGREEN, '29683999', 'Evergreen Inc');

    const file = onDisk(paths);
    expect(accountOf(file, DELTA)).toBe('29683504');
    expect(accountOf(file, EVERGREEN)).toBe('29683999');
    // The audit of B's save names only B's change, not A's mapping going back to null.
    expect(result.changes.map((c) => c.path)).toEqual([`integrations[name=demo].tenants[tenantId=${EVERGREEN}].accountId`, `integrations[name=demo].tenants[tenantId=${EVERGREEN}].accountName`]);
    // B's console now shows A's mapping too.
    expect(accountOf(b.config, DELTA)).toBe('29683504');
    expect(changed).toBe(1);
    // And a later save from A keeps B's mapping (A's base is behind the file now).
    a.updateIntegration('demo', (i) => ({ ...i, excludedAccounts: ['42'] }), 'Reports');
    expect(accountOf(onDisk(paths), EVERGREEN)).toBe('29683999');
    expect(onDisk(paths).integrations[0]!.excludedAccounts).toEqual(['42']);
  });

  it('a tab’s draft opened before a merged save still keeps the other admin’s change to that section', () => {
    const paths = configDir();
    const a = open(paths, 'alice (console)');
    const b = open(paths, 'bob (console)');
    // B's Ticketing tab reads its section when opened.
    const bTicketingDraft = structuredClone(b.integration('demo')!.ticketing);
    a.updateIntegration('demo', (i) => ({ ...i, ticketing: { ...i.ticketing, general: { ...i.ticketing.general, source: { value: '4', label: 'Monitoring Alert' } } } }), 'Ticketing');
    // B saves Accounts (merged with A's file), then the Ticketing draft with one rule changed.
    mapOnAccountsTab(b, EVERGREEN, '1', 'E');
    const events = bTicketingDraft.sections.events!.map((r) => (r.key === 'critical' ? { ...r, dueHours: 2 } : r));
    b.updateIntegration('demo', (i) => ({ ...i, ticketing: { ...bTicketingDraft, sections: { ...bTicketingDraft.sections, events } } }), 'Ticketing');
    const ticketing = onDisk(paths).integrations[0]!.ticketing;
    expect(ticketing.general.source).toEqual({ value: '4', label: 'Monitoring Alert' });
    expect(ticketing.sections.events!.find((r) => r.key === 'critical')!.dueHours).toBe(2);
    expect(accountOf(onDisk(paths), EVERGREEN)).toBe('1');
  });

  it('refuses a save that changes what the other admin changed, and loses neither change', () => {
    const paths = configDir();
    const a = open(paths, 'alice (console)');
    const b = open(paths, 'bob (console)');
    mapOnAccountsTab(a, DELTA, '29683504', 'Delta Legal');
    const before = fs.readFileSync(paths.configFile, 'utf8');
    const error = caught(() => mapOnAccountsTab(b, DELTA, '11111111', 'Other Co'));

    expect(error.kind).toBe('config');
    expect(error.message).toBe('Not saved: someone else changed the same settings since this console loaded them');
    expect(error.why).toContain('integration “demo”, tenant “Delta Legal LLP”, accountId (this console: "11111111"; the file: "29683504")');
    expect(error.remedy).toMatch(/Press r on this tab to load theirs.*their change is kept in the file.*still on screen/s);
    // The file holds A's change; B's session still holds what it loaded (its draft is the screen's).
    expect(fs.readFileSync(paths.configFile, 'utf8')).toBe(before);
    expect(accountOf(b.config, DELTA)).toBeNull();

    // Reload (Accounts r): B's saved mappings become the file's; B's clashing edit gives way and is named.
    const saved = b.integration('demo')!.tenants;
    const draft = saved.map((t) => (t.tenantId === DELTA ? { ...t, accountId: '11111111', accountName: 'Other Co' } : t.tenantId === EVERGREEN ? { ...t, accountId: '7', accountName: 'E' } : t));
    const reloaded = b.reloadTenants('demo');
    expect(reloaded && accountOf({ ...b.config }, DELTA)).toBe('29683504');
    const { value, replaced } = rebaseOnTheirs(saved, draft, reloaded!, ['tenants']);
    expect(replaced.map((c) => c.path)).toEqual(['tenant “Delta Legal LLP”, accountId', 'tenant “Delta Legal LLP”, accountName']);
    expect(value.map((t) => t.accountId)).toEqual(['29683504', '7']);
    expect(b.reloadTenants('demo')).toBeNull();
    // Making the change again now saves.
    b.updateIntegration('demo', (i) => ({ ...i, tenants: value }), 'Accounts tab');
    expect(accountOf(onDisk(paths), EVERGREEN)).toBe('7');
  });

  it('refuses two admins mapping two tenants to one account, by the domain rule', () => {
    const paths = configDir();
    const a = open(paths, 'alice (console)');
    const b = open(paths, 'bob (console)');
    mapOnAccountsTab(a, DELTA, '29683504', 'Delta Legal');
    const before = fs.readFileSync(paths.configFile, 'utf8');
    const error = caught(() => mapOnAccountsTab(b, EVERGREEN, '29683504', 'Delta Legal'));

    expect(error.message).toBe('Not saved: the change would make the configuration invalid');
    expect(error.why).toContain('"Evergreen": PSA account "Delta Legal" is also mapped to "Delta Legal LLP"');
    expect(error.remedy).toMatch(/Someone else saved changes.*kept in the file/s);
    expect(fs.readFileSync(paths.configFile, 'utf8')).toBe(before);
  });

  it('keeps agent settings handled as before: a value the file holds is kept, an invalid hand edit is not carried', () => {
    const paths = configDir();
    const a = open(paths, 'alice (console)');
    const b = open(paths, 'bob (console)');
    a.setPaused(true, 'test');
    mapOnAccountsTab(b, EVERGREEN, '1', 'E');
    expect(onDisk(paths).agent.paused).toBe(true);
    // A hand edit the rules refuse (poll every second) is not carried into B's next save.
    const file = onDisk(paths);
    fs.writeFileSync(paths.configFile, JSON.stringify({ ...file, agent: { ...file.agent, ticketPollSeconds: 1 } }));
    mapOnAccountsTab(b, DELTA, '2', 'D');
    expect(onDisk(paths).agent.ticketPollSeconds).toBe(b.config.agent.ticketPollSeconds);
    expect(onDisk(paths).agent.ticketPollSeconds).not.toBe(1);
    expect(accountOf(onDisk(paths), EVERGREEN)).toBe('1');
  });

  it('the Accounts save hands the screen the merged mappings (other admin’s rows included)', async () => {
    const paths = configDir();
    const a = open(paths, 'alice (console)');
    const b = open(paths, 'bob (console)');
    mapOnAccountsTab(a, DELTA, '29683504', 'Delta Legal');
    const saved = b.integration('demo')!.tenants;
    const draft = saved.map((t) => (t.tenantId === EVERGREEN ? { ...t, accountId: '29683999', accountName: 'Evergreen Inc' } : t));
    const result = await saveAccounts(b, 'demo', { saved, draft });
    expect(result.saved.map((t) => [t.tenantId, t.accountId])).toEqual([
      [DELTA, '29683504'],
      [EVERGREEN, '29683999'],
    ]);
  });
});
