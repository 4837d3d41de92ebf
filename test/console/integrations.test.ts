// Renaming and deleting an integration without the console's screens (console/integrations.ts):
// secrets move in every backend that holds them, the ledger's rows follow in one transaction with
// the config save, the agent's status names the new name; refusals and a failure half-way change
// nothing; a delete keeps the ledger's rows. Real stores on temporary directories: the config
// file, the 0600 secrets file, environment variables, a keyring (keytar's API over a map: there
// is no Secret Service here), the SQLite ledger.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleSession } from '../../source/console/session.js';
import { pairFields } from '../../source/ui/screens/connections/create.js';
import { headlessStores, integrationNameProblem, integrationSummaries, renameIntegration, deleteIntegration } from '../../source/console/integrations.js';
import type { KmspConfig, TenantMapping } from '../../source/domain/config.js';
import { AUTOTASK_DEFAULTS, KSC_DEFAULTS, defaultConfig, newIntegration } from '../../source/domain/defaults.js';
import { KmspError } from '../../source/domain/errors.js';
import { secretEnvVar } from '../../source/domain/secretNames.js';
import { statusTicketKey } from '../../source/domain/ticketKeys.js';
import { eventRepeatKey } from '../../source/tickets/run.js';
import { readAgentStatus, writeAgentStatus, emptyJobStatus, AGENT_STATUS_VERSION, type AgentStatus } from '../../source/store/agentStatus.js';
import { openConfig } from '../../source/store/config.js';
import type { KeytarLike } from '../../source/store/keyring.js';
import { openLedger, type Ledger } from '../../source/store/ledger.js';
import { resolvePaths, type KmspPaths } from '../../source/store/paths.js';
import { openSecretStore, type SecretStore } from '../../source/store/secrets.js';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const mapped = (tenantId: string, accountId: string): TenantMapping => ({ tenantId, tenantName: `Tenant ${tenantId}`, accountId, accountName: `Account ${accountId}`, billing: false, contractId: null, contractName: null });

function keyring(): KeytarLike & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    getPassword: async (service, account) => entries.get(`${service}/${account}`) ?? null,
    setPassword: async (service, account, password) => void entries.set(`${service}/${account}`, password),
    deletePassword: async (service, account) => entries.delete(`${service}/${account}`),
  };
}

interface Setup {
  paths: KmspPaths;
  env: NodeJS.ProcessEnv;
  keys: ReturnType<typeof keyring>;
  secrets: SecretStore;
  ledger: Ledger;
  config: () => KmspConfig;
}

/**
 * alpha (tenants a1, a2) and beta (b1) on one KSC and Autotask. alpha's KSC password is in the
 * keyring, its Autotask secret in the file, its integration code in the environment; beta's are
 * all in the file. The ledger holds alpha's postings, tickets (an event and a status ticket),
 * cursors and runs.
 */
async function setup(options: { fileLock?: { timeoutMs: number } } = {}): Promise<Setup> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmsp-integrations-'));
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const paths = resolvePaths({ configDir: dir });
  const ksc = { ...KSC_DEFAULTS, url: 'https://ksc.example:13299', username: 'u' };
  const psa = { ...AUTOTASK_DEFAULTS, username: 'api@example' };
  const alpha = { ...newIntegration('alpha', ksc, psa), tenants: [mapped('a1', '101'), mapped('a2', '102'), { ...mapped('a3', '0'), accountId: null }] };
  const beta = { ...newIntegration('beta', ksc, psa), tenants: [mapped('b1', '201')] };
  const config: KmspConfig = { ...defaultConfig(), integrations: [alpha, beta] };
  const configStore = openConfig({ paths, onNotice: () => {} });
  configStore.save(config, { actor: 'test' });
  const env: NodeJS.ProcessEnv = { [secretEnvVar('alpha.autotask.integration-code')]: 'code-from-env' };
  const keys = keyring();
  const secrets = openSecretStore({ paths, env, loadKeytar: async () => keys, onWarning: () => {}, ...(options.fileLock ? { fileLock: options.fileLock } : {}) });
  keys.entries.set('kmsp/alpha.ksc.password', 'ksc-pass-alpha');
  const file = openSecretStore({ paths, backends: ['file'], onWarning: () => {} });
  await file.set('alpha.autotask.secret', 'at-secret-alpha');
  for (const part of ['ksc.password', 'autotask.secret', 'autotask.integration-code']) await file.set(`beta.${part}`, `beta-${part}`);

  const ledger = openLedger({ paths, now: () => new Date('2025-06-01T04:00:00Z') });
  cleanup.push(() => ledger.close());
  const run = ledger.startRun({ job: 'billing' });
  ledger.recordPosting({ runId: run, integration: 'alpha', tenantId: 'a1', tenantName: 'Tenant a1', accountId: '101', contractId: '7', billingItemId: '12', billingItemName: 'KES', applicationId: null, category: null, beforeUnits: 1, afterUnits: 2, effectiveDate: '2025-06-01', psaPostingId: 'p1' });
  ledger.finishRun(run, { status: 'ok', summary: { integration: 'alpha', posted: 1 } });
  const other = ledger.startRun({ job: 'billing' });
  ledger.finishRun(other, { status: 'ok', summary: { integration: 'beta', posted: 0 } });
  const tickets = ledger.startRun({ job: 'tickets' });
  ledger.finishRun(tickets, { status: 'partial', summary: { integration: 'alpha' } });
  const statusKey = statusTicketKey('alpha', 'a1', 'dev-1', 'desc-9', 'critical');
  ledger.upsertTicket({ key: statusKey, integration: 'alpha', tenantId: 'a1', kind: 'status', psaTicketId: '501', deviceId: 'dev-1', descriptionId: 'desc-9', severity: 'critical', repeatKey: statusKey });
  const eventRepeat = eventRepeatKey('alpha', { tenantId: 'a1', deviceId: 'dev-2', type: 'virus-found' } as Parameters<typeof eventRepeatKey>[1])!;
  ledger.upsertTicket({ key: 'kmsp:alpha:a1:ev:e1', integration: 'alpha', tenantId: 'a1', kind: 'event', psaTicketId: '502', eventId: 'e1', deviceId: 'dev-2', repeatKey: eventRepeat });
  ledger.addTicketNote(statusKey, { text: 'Still active.' });
  ledger.setCursor('alpha', 'a1', 'events', 'cursor-1');
  ledger.recordTicketEvents([{ integration: 'alpha', tenantId: 'a1', eventId: 'e1', outcome: 'created', ticketKey: 'kmsp:alpha:a1:ev:e1' }]);
  return { paths, env, keys, secrets, ledger, config: () => configStore.load() };
}

function stores(s: Setup) {
  return headlessStores({ configStore: openConfig({ paths: s.paths, onNotice: () => {}, audit: s.ledger }), secrets: s.secrets, ledger: s.ledger, statusFile: s.paths.statusFile, actor: 'test' });
}

function agentStatus(integrations: string[]): AgentStatus {
  const now = '2025-06-01T04:00:00.000Z';
  return {
    version: AGENT_STATUS_VERSION, pid: 999999, host: os.hostname(), kmspVersion: 'test', startedAt: now, updatedAt: now, state: 'stopped', stoppedAt: now, stopReason: 'SIGTERM',
    paused: false, configFile: 'config.json', configLoadedAt: now, configError: null, timeZone: 'UTC', integrations,
    jobs: { billing: emptyJobStatus('cron'), tickets: emptyJobStatus('every 60 s') },
    api: { lastHour: { alpha: { platform: 3, psa: 4 }, beta: { platform: 1, psa: 1 } }, psaBudget: { alpha: null } },
  };
}

/** What the stores hold of an integration's name, to compare before and after a refusal. */
function snapshotOf(s: Setup) {
  const count = (sql: string) => (s.ledger.db.prepare(sql).get() as { c: number }).c;
  return {
    config: s.config().integrations.map((i) => i.name),
    keyring: [...s.keys.entries.keys()].sort(),
    file: Object.keys((JSON.parse(fs.readFileSync(s.paths.secretsFile, 'utf8')) as { secrets: Record<string, string> }).secrets).sort(),
    ledger: {
      postings: count("SELECT COUNT(*) AS c FROM postings WHERE integration = 'alpha'"),
      tickets: count("SELECT COUNT(*) AS c FROM tickets WHERE integration = 'alpha'"),
      cursors: count("SELECT COUNT(*) AS c FROM cursors WHERE integration = 'alpha'"),
      runs: s.ledger.recordsOf('alpha').runs,
    },
  };
}

describe('rename', () => {
  it('moves each secret within the backend that holds it, renames the ledger rows and runs, saves the config and the agent status', async () => {
    const s = await setup();
    const before = agentStatus(['alpha', 'beta']);
    // Not healthy under the old name: said under the new one after the rename.
    writeAgentStatus(s.paths.statusFile, { ...before, health: { alpha: { since: '2026-12-07T04:00:00.000Z', checks: ['billing'], ticket: null } } });
    const outcome = await renameIntegration(stores(s), 'alpha', 'gamma');

    expect(s.config().integrations.map((i) => i.name)).toEqual(['gamma', 'beta']);
    // Keyring: moved there; file: moved there; the environment cannot be written: said how.
    expect([...s.keys.entries.keys()]).toEqual(['kmsp/gamma.ksc.password']);
    expect(s.keys.entries.get('kmsp/gamma.ksc.password')).toBe('ksc-pass-alpha');
    const file = openSecretStore({ paths: s.paths, backends: ['file'], onWarning: () => {} });
    expect(await file.get('gamma.autotask.secret')).toBe('at-secret-alpha');
    expect(await file.get('alpha.autotask.secret')).toBeNull();
    expect(outcome.secrets).toEqual([
      { from: 'alpha.ksc.password', to: 'gamma.ksc.password', copiedIn: ['keyring'] },
      { from: 'alpha.autotask.secret', to: 'gamma.autotask.secret', copiedIn: ['file'] },
      { from: 'alpha.autotask.integration-code', to: 'gamma.autotask.integration-code', copiedIn: [] },
    ]);
    expect(outcome.warnings).toEqual([
      `alpha.autotask.integration-code comes from the environment variable ${secretEnvVar('alpha.autotask.integration-code')}, which kmsp cannot rename: set ${secretEnvVar('gamma.autotask.integration-code')} instead (in the agent's unit or your shell) and remove the old one.`,
    ]);

    // Ledger: every row under the new name; the repeat keys the ticket job computes under the new name find them.
    expect(outcome.ledger).toEqual({ postings: 1, tickets: 2, cursors: 2, runs: 2 });
    expect(s.ledger.recordsOf('alpha')).toEqual({ postings: 0, tickets: 0, cursors: 0, runs: 0 });
    expect(s.ledger.listPostings({ integration: 'gamma' })).toHaveLength(1);
    expect(s.ledger.getCursor('gamma', 'a1', 'events')).toBe('cursor-1');
    expect(s.ledger.handledEvent('gamma', 'a1', 'e1')?.outcome).toBe('created');
    const newStatusKey = statusTicketKey('gamma', 'a1', 'dev-1', 'desc-9', 'critical');
    const [statusTicket] = s.ledger.ticketsByRepeatKey('gamma', newStatusKey);
    expect(statusTicket).toMatchObject({ key: statusTicketKey('alpha', 'a1', 'dev-1', 'desc-9', 'critical'), psaTicketId: '501' }); // its key, the PSA tag, stays
    expect(s.ledger.listTicketNotes(statusTicket!.key)).toHaveLength(1); // notes follow the key
    const eventKey = eventRepeatKey('gamma', { tenantId: 'a1', deviceId: 'dev-2', type: 'virus-found' } as Parameters<typeof eventRepeatKey>[1])!;
    expect(s.ledger.ticketsByRepeatKey('gamma', eventKey)).toMatchObject([{ psaTicketId: '502' }]);
    expect(s.ledger.lastRunOf('gamma', 'billing')?.summary).toEqual({ integration: 'gamma', posted: 1 });
    expect(s.ledger.lastRunOf('gamma', 'tickets')?.status).toBe('partial');
    expect(s.ledger.lastRunOf('beta', 'billing')?.summary).toEqual({ integration: 'beta', posted: 0 });
    // The audit names the change.
    expect(s.ledger.listConfigAudit({ limit: 1 })[0]).toMatchObject({ actor: 'test', summary: expect.stringContaining('renamed integration “alpha” to “gamma”') });

    // The agent's status file names the new name.
    const status = readAgentStatus(s.paths.statusFile);
    expect(status.state === 'ok' && status.status.integrations).toEqual(['gamma', 'beta']);
    expect(status.state === 'ok' && Object.keys(status.status.api.lastHour)).toEqual(['gamma', 'beta']);
    expect(status.state === 'ok' && Object.keys(status.status.health ?? {})).toEqual(['gamma']);
    expect(outcome.statusRenamed).toBe(true);
  });

  it('refuses, changing nothing, while a run holds its lock, when the ledger has records under the new name, or an event ticket create is unsettled', async () => {
    const s = await setup();
    const before = snapshotOf(s);

    const lock = s.ledger.acquireRun({ job: 'tickets' }); // this process, alive: a run in progress
    await expect(renameIntegration(stores(s), 'alpha', 'gamma')).rejects.toThrow(/Not renamed: a tickets run is in progress/);
    s.ledger.finishRun(lock.runId, { status: 'ok', summary: { integration: 'beta' } });
    expect(snapshotOf(s)).toEqual(before);

    // "old" was deleted once; the ledger keeps its history under that name.
    s.ledger.setCursor('old', 'x1', 'events', 'c');
    await expect(renameIntegration(stores(s), 'alpha', 'old')).rejects.toThrow(/Not renamed: the ledger already holds records of an integration named “old”/);
    expect(integrationNameProblem('old', s.config(), { renaming: 'alpha', ledger: s.ledger })).toMatch(/The ledger keeps the records of a former “old” \(1 event record\)/);
    expect(snapshotOf(s)).toEqual(before);

    s.ledger.upsertTicket({ key: 'kmsp:alpha:a2:ev:e9', integration: 'alpha', tenantId: 'a2', kind: 'event', eventId: 'e9' });
    const error = await renameIntegration(stores(s), 'alpha', 'gamma').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KmspError);
    expect((error as KmspError).message).toBe('Not renamed: 1 ticket create of “alpha” is not settled yet.');
    expect((error as KmspError).remedy).toContain('kmsp agent --once --job tickets');
    expect(snapshotOf(s)).toEqual({ ...before, ledger: { ...before.ledger, tickets: before.ledger.tickets + 1 } });

    // Names: a bad one, a taken one, its own.
    await expect(renameIntegration(stores(s), 'alpha', 'Gamma')).rejects.toThrow(/cannot be the name/);
    await expect(renameIntegration(stores(s), 'alpha', 'beta')).rejects.toMatchObject({ why: '“beta” exists already.' });
    await expect(renameIntegration(stores(s), 'nope', 'gamma')).rejects.toThrow('No integration named “nope”');
  });

  it('a secret that cannot be copied half-way undoes the copies already made; config, ledger and secrets stay as they were', async () => {
    const s = await setup({ fileLock: { timeoutMs: 100 } });
    const before = snapshotOf(s);
    // Another live process holds the secrets file's lock: the keyring copy succeeds, the file's cannot be made.
    fs.writeFileSync(`${s.paths.secretsFile}.lock`, JSON.stringify({ pid: process.ppid, host: os.hostname(), at: new Date().toISOString(), token: 'other' }));
    const error = (await renameIntegration(stores(s), 'alpha', 'gamma').catch((e: unknown) => e)) as KmspError;
    expect(error.message).toBe('Not renamed: the secrets of “alpha” could not be copied to their new names.');
    expect(error.why).toContain('locked by another kmsp');
    expect(error.remedy).toContain('The config, the ledger and the secrets under “alpha” were not changed.');
    fs.rmSync(`${s.paths.secretsFile}.lock`);
    expect(snapshotOf(s)).toEqual(before);
    expect(s.keys.entries.has('kmsp/gamma.ksc.password')).toBe(false);
  });

  it('a save refused half-way (another console changed that integration) rolls the ledger back and takes the secret copies back', async () => {
    const s = await setup();
    const session = new ConsoleSession({ paths: s.paths, secretBackends: ['file'], actor: 'console' });
    cleanup.push(() => session.close());
    const before = snapshotOf(s);
    // Another admin changes alpha's mappings meanwhile.
    const other = openConfig({ paths: s.paths, onNotice: () => {} });
    const theirs = other.load();
    other.save({ ...theirs, integrations: theirs.integrations.map((i) => (i.name === 'alpha' ? { ...i, tenants: i.tenants.slice(0, 1) } : i)) });
    const error = (await session.renameIntegration('alpha', 'gamma').catch((e: unknown) => e)) as KmspError;
    expect(error.message).toBe('Not renamed: someone else changed the same settings since this console loaded them');
    expect(error.remedy).toContain('The config, the ledger and the secrets were not changed.');
    expect(snapshotOf(s)).toEqual(before);
    const file = openSecretStore({ paths: s.paths, backends: ['file'], onWarning: () => {} });
    expect(await file.get('gamma.autotask.secret')).toBeNull();
    expect(session.integration('alpha')).toBeDefined();
  });
});

describe('the one-integration rule (README › Words: a tenant, an account or a contract belongs to one integration)', () => {
  it('a rename is refused while two integrations claim one tenant (the agent would keep running the old name); deleting one of them resolves it', async () => {
    const s = await setup();
    // A hand edit: beta claims alpha's tenant a1 as well.
    const claimed = s.config();
    fs.writeFileSync(s.paths.configFile, JSON.stringify({ ...claimed, integrations: claimed.integrations.map((i) => (i.name === 'beta' ? { ...i, tenants: [...i.tenants, mapped('a1', '301')] } : i)) }, null, 2));
    const before = snapshotOf(s);
    const headless = (await renameIntegration(stores(s), 'alpha', 'gamma').catch((e: unknown) => e)) as KmspError;
    expect(headless.message).toBe('Not renamed: the agent would refuse this configuration');
    expect(headless.why).toBe('Tenant "Tenant a1" belongs to integration "gamma" already; a tenant belongs to one integration.');
    const session = new ConsoleSession({ paths: s.paths, secretBackends: ['file'], actor: 'console' });
    cleanup.push(() => session.close());
    await expect(session.renameIntegration('alpha', 'gamma')).rejects.toThrow('Not renamed: the agent would refuse this configuration');
    expect(snapshotOf(s)).toEqual(before);
    await deleteIntegration(stores(s), 'beta');
    await expect(renameIntegration(stores(s), 'alpha', 'gamma')).resolves.toMatchObject({ to: 'gamma' });
  });
});

describe('delete', () => {
  it('removes the integration and its writable secrets, says which stay elsewhere, and keeps its ledger rows', async () => {
    const s = await setup();
    const outcome = await deleteIntegration(stores(s), 'alpha');
    expect(s.config().integrations.map((i) => i.name)).toEqual(['beta']);
    expect(outcome.secretsDeleted).toEqual([
      { name: 'alpha.ksc.password', from: ['keyring'] },
      { name: 'alpha.autotask.secret', from: ['file'] },
    ]);
    expect(outcome.warnings).toEqual([`alpha.autotask.integration-code is still set in the environment (${secretEnvVar('alpha.autotask.integration-code')}); remove it from the agent's unit or your shell.`]);
    expect(outcome.ledgerKept).toEqual({ postings: 1, tickets: 2, cursors: 2, runs: 2 });
    expect(s.ledger.recordsOf('alpha')).toEqual(outcome.ledgerKept);
    expect([...s.keys.entries.keys()]).toEqual([]);
  });

  it('a new integration may not take the name of a deleted one whose records the ledger keeps (it would inherit its cursors, tickets and postings)', async () => {
    const s = await setup();
    await deleteIntegration(stores(s), 'alpha');
    const name = pairFields({ suggestedName: '', taken: s.config().integrations.map((i) => i.name), ledger: s.ledger }).find((f) => f.id === 'name')!;
    const validate = (name as { validate: (v: string) => string | undefined }).validate;
    expect(validate('alpha')).toBe('The ledger keeps the records of a former “alpha” (1 posting, 2 tickets, 2 event records and 2 runs); choose another name.');
    expect(validate('beta')).toBe('“beta” exists already.');
    expect(validate('gamma')).toBeUndefined();
  });
});

describe('the list', () => {
  it('one row per integration: platform and PSA words, tenants mapped, last runs', async () => {
    const s = await setup();
    expect(integrationSummaries(s.config(), s.ledger).map((r) => ({ ...r, lastBilling: r.lastBilling?.summary ?? null, lastTickets: r.lastTickets?.status ?? null }))).toEqual([
      { name: 'alpha', platform: 'KSC', psa: 'Autotask', tenantsMapped: 2, tenants: 3, lastBilling: { integration: 'alpha', posted: 1 }, lastTickets: 'partial' },
      { name: 'beta', platform: 'KSC', psa: 'Autotask', tenantsMapped: 1, tenants: 1, lastBilling: { integration: 'beta', posted: 0 }, lastTickets: null },
    ]);
  });
});

describe('ledger v5: runs by integration', () => {
  it('indexes a v4 ledger whose runs have summaries of every kind (none, not JSON, without an integration) and finds the last run per integration', async () => {
    const { LEDGER_MIGRATIONS } = await import('../../source/store/ledgerSchema.js');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmsp-ledger-v5-'));
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'ledger.sqlite');
    const v4 = openLedger({ file, migrations: LEDGER_MIGRATIONS.filter((m) => m.version <= 4) });
    const insert = v4.db.prepare("INSERT INTO runs (job, started_at, finished_at, status, summary) VALUES ('billing', '2025-01-01T00:00:00Z', '2025-01-01T00:01:00Z', 'ok', ?)");
    for (const summary of [null, 'not json', '{"date":"2025-01-01"}', '{"integration":"alpha","posted":3}', '["alpha"]']) insert.run(summary);
    v4.close();
    const l = openLedger({ file });
    cleanup.push(() => l.close());
    expect(l.schemaVersion).toBe(LEDGER_MIGRATIONS.at(-1)!.version);
    expect(l.lastRunOf('alpha', 'billing')?.summary).toEqual({ integration: 'alpha', posted: 3 });
    expect(l.lastRunOf('alpha', 'tickets')).toBeNull();
    const plan = l.db.prepare("EXPLAIN QUERY PLAN SELECT * FROM runs WHERE job = 'billing' AND (CASE WHEN json_valid(summary) THEN json_extract(summary, '$.integration') END) = 'alpha'").all() as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join(' ')).toContain('runs_by_integration');
  });
});
