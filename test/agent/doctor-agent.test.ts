// kmsp doctor's agent checks (doctor/agentChecks.ts): state directory, schedule and zone, poll
// interval, pause, liveness from the status file, and secrets a systemd service can read.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatInZone, runAgentChecks } from '../../source/doctor/agentChecks.js';
import { formatDoctorReport } from '../../source/doctor/checks.js';
import type { KmspConfig, AutotaskConnection } from '../../source/domain/config.js';
import { AUTOTASK_DEFAULTS, KSC_DEFAULTS, defaultConfig, newIntegration } from '../../source/domain/defaults.js';
import { emptyJobStatus, writeAgentStatus, type AgentStatus, type Liveness } from '../../source/store/agentStatus.js';
import { openConfig } from '../../source/store/config.js';
import { openLedger } from '../../source/store/ledger.js';
import { resolvePaths } from '../../source/store/paths.js';
import type { SecretBackendId, SecretStatusReport } from '../../source/store/secrets.js';
import { runCli } from '../helpers/cli.js';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

function paths() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmsp-doctor-agent-'));
  made.push(dir);
  return resolvePaths({ configDir: dir });
}

function config(agent: Partial<KmspConfig['agent']> = {}): KmspConfig {
  const c = defaultConfig();
  c.integrations.push(newIntegration('main', { ...KSC_DEFAULTS, url: 'https://ksc.example:13299', username: 'kmsp' }, { ...AUTOTASK_DEFAULTS, username: 'api@msp.example' }));
  c.agent = { ...c.agent, ...agent };
  return c;
}

/** A secret store's status report: each name held by the given backend (null: missing). */
function secretsHeldBy(held: Record<string, SecretBackendId | null>, shadowed: Record<string, SecretBackendId[]> = {}) {
  return {
    async status(names: readonly string[] = []): Promise<SecretStatusReport> {
      return { backends: [], secrets: names.map((name) => ({ name, heldBy: held[name] ?? null, shadowed: shadowed[name] ?? [] })) };
    },
  };
}

const allInFile = secretsHeldBy({ 'main.ksc.password': 'file', 'main.autotask.secret': 'file', 'main.autotask.integration-code': 'file' });
// A Monday in January (no DST in effect anywhere north).
const now = new Date('2025-01-06T10:00:00Z');

function status(overrides: Partial<AgentStatus> = {}): AgentStatus {
  return {
    version: 1,
    pid: 4242,
    host: 'kmsp-host',
    kmspVersion: '0.1.0',
    startedAt: '2025-01-06T08:00:00.000Z',
    updatedAt: '2025-01-06T09:59:50.000Z',
    state: 'running',
    stoppedAt: null,
    stopReason: null,
    paused: false,
    configFile: '/etc/kmsp/config.json',
    configLoadedAt: '2025-01-06T08:00:00.000Z',
    configError: null,
    timeZone: 'UTC',
    integrations: ['main'],
    jobs: { billing: emptyJobStatus('cron “0 4 * * *” (UTC)'), tickets: emptyJobStatus('every 60 s') },
    api: { lastHour: {}, psaBudget: {} },
    ...overrides,
  };
}

const find = (results: Awaited<ReturnType<typeof runAgentChecks>>, re: RegExp) => results.find((r) => re.test(r.summary));

describe('runAgentChecks', () => {
  it('all well: writable state dir, schedule with its next run, poll, not paused, running, secrets visible', async () => {
    const p = paths();
    writeAgentStatus(p.statusFile, status());
    const results = await runAgentChecks(config({ timeZone: 'Europe/London' }), { paths: p, secrets: allInFile, now, liveness: () => 'running' });
    expect(results.every((r) => r.area === 'agent' && r.integration === '-')).toBe(true);
    expect(results.filter((r) => r.status !== 'ok')).toEqual([]);
    expect(find(results, /^State directory .* is writable$/)).toBeDefined();
    expect(find(results, /^Time zone Europe\/London is known$/)).toBeDefined();
    expect(find(results, /^Billing schedule/)!.summary).toBe('Billing schedule cron “0 4 * * *” (Europe/London): next run Tue 2025-01-07 04:00 Europe/London');
    expect(find(results, /^Tickets polled every 1 min$/)).toBeDefined();
    expect(find(results, /^Writes are not paused$/)).toBeDefined();
    expect(find(results, /^Agent is running \(pid 4242 on kmsp-host, since 2025-01-06T08:00:00Z\)$/)).toBeDefined();
    expect(find(results, /^Secrets: 3 of 3 readable by the agent as a service/)).toBeDefined();
    // The write test leaves nothing behind.
    expect(fs.readdirSync(p.stateDir).filter((f) => f.startsWith('.kmsp-doctor'))).toEqual([]);
  });

  it('fails an unwritable state directory', async () => {
    const p = paths();
    // root ignores directory modes, so as root the check meets /proc (where no file can be created).
    const asRoot = process.getuid?.() === 0;
    const stateDir = asRoot ? '/proc' : p.stateDir;
    if (!asRoot) fs.chmodSync(stateDir, 0o500);
    try {
      const results = await runAgentChecks(config(), { paths: { stateDir, statusFile: p.statusFile }, secrets: allInFile, now });
      const r = find(results, /^State directory/)!;
      expect(r.status).toBe('fail');
      expect(r.summary).toBe(`State directory ${stateDir} is not writable`);
      expect(r.detail).toMatch(/Cause: .*\n.*Remedy: run kmsp as the user the agent runs as/);
    } finally {
      if (!asRoot) fs.chmodSync(stateDir, 0o700);
    }
  });

  it('warns about a state directory that does not exist yet', async () => {
    const p = paths();
    const results = await runAgentChecks(config(), { paths: { stateDir: path.join(p.stateDir, 'not-yet'), statusFile: p.statusFile }, secrets: allInFile, now });
    expect(find(results, /^State directory/)!.status).toBe('warn');
  });

  it('fails an unknown time zone, an invalid schedule and an out-of-range poll interval', async () => {
    const p = paths();
    const zone = await runAgentChecks(config({ timeZone: 'Mars/Olympus' }), { paths: p, secrets: allInFile, now });
    expect(find(zone, /Time zone/)!.status).toBe('fail');
    expect(find(zone, /^Billing schedule/)!.status).toBe('fail');
    const bad = await runAgentChecks(config({ billingSchedule: '0 4 * *', ticketPollSeconds: 5 }), { paths: p, secrets: allInFile, now });
    expect(find(bad, /^Billing schedule is not valid: .*has 4 fields/)!.status).toBe('fail');
    const poll = find(bad, /^Ticket poll interval 5 s is out of range$/)!;
    expect(poll.status).toBe('fail');
    expect(poll.detail).toMatch(/10–3600 seconds/);
  });

  it('warns about a schedule in the DST hours of a zone that has DST, not of one that has none', async () => {
    const p = paths();
    const london = await runAgentChecks(config({ timeZone: 'Europe/London', billingSchedule: '30 1 * * *' }), { paths: p, secrets: allInFile, now });
    const r = find(london, /^Billing schedule/)!;
    expect(r.status).toBe('warn');
    expect(r.detail).toMatch(/daylight-saving.*\n.*0 4 \* \* \*/);
    const utc = await runAgentChecks(config({ timeZone: 'UTC', billingSchedule: '30 1 * * *' }), { paths: p, secrets: allInFile, now });
    expect(find(utc, /^Billing schedule/)!.status).toBe('ok');
  });

  it('warns when paused, naming kmsp resume', async () => {
    const results = await runAgentChecks(config({ paused: true }), { paths: paths(), secrets: allInFile, now });
    const r = find(results, /paused/)!;
    expect(r.status).toBe('warn');
    expect(r.summary).toBe('Writes are paused; kmsp resume');
  });

  it('reports an agent that is not running as a warning, never a failure', async () => {
    const p = paths();
    const missing = await runAgentChecks(config(), { paths: p, secrets: allInFile, now });
    const m = find(missing, /^Agent is not running here/)!;
    expect(m.status).toBe('warn');
    expect(m.detail).toMatch(/systemctl enable --now kmsp/);
    expect(m.detail).toContain('Cause: no kmsp agent has run with this state directory.');

    // After `kmsp agent --once` (runs in the ledger, no status file) the cause names those runs.
    const ledger = openLedger({ paths: p });
    try {
      const run = ledger.acquireRun({ job: 'billing' }).runId;
      ledger.finishRun(run, { status: 'ok', summary: { integration: 'main', posted: 3, errors: 0 }, finishedAt: new Date('2025-01-06T09:30:00Z') });
    } finally {
      ledger.close();
    }
    const once = find(await runAgentChecks(config(), { paths: p, secrets: allInFile, now }), /^Agent is not running here/)!;
    expect(once.status).toBe('warn');
    expect(once.detail).toContain('Cause: only kmsp agent --once has run with this state directory (last runs: billing ok at 2025-01-06T09:30:00Z); no agent runs the jobs on their schedules.');
    expect(once.detail).not.toContain('no kmsp agent has run');

    writeAgentStatus(p.statusFile, status({ configError: 'agent.timeZone: Time zone "X" is not a known IANA time zone' }));
    const cases: Array<[Liveness, RegExp]> = [
      ['gone', /^Agent is not running: pid 4242 is gone/],
      ['stale', /^Agent status is stale: no update since 2025-01-06T09:59:50Z/],
      ['stopping', /^Agent is stopping/],
    ];
    for (const [liveness, re] of cases) {
      const results = await runAgentChecks(config(), { paths: p, secrets: allInFile, now, liveness: () => liveness });
      expect(find(results, re)?.status, liveness).toBe('warn');
      expect(find(results, /refused the last configuration change/)?.status).toBe('warn');
    }
    writeAgentStatus(p.statusFile, status({ state: 'stopped', stoppedAt: '2025-01-06T09:00:00.000Z', stopReason: 'SIGTERM' }));
    const stopped = await runAgentChecks(config(), { paths: p, secrets: allInFile, now });
    expect(find(stopped, /^Agent is not running: it stopped 2025-01-06T09:00:00Z \(SIGTERM\)$/)?.status).toBe('warn');

    fs.writeFileSync(p.statusFile, '{ not json');
    const unreadable = await runAgentChecks(config(), { paths: p, secrets: allInFile, now });
    expect(find(unreadable, /^Agent status cannot be read$/)?.status).toBe('warn');
    expect(unreadable.some((r) => r.status === 'fail')).toBe(false);
  });

  it('warns about secrets only in the OS keyring (or only in the shell environment), with the remedy', async () => {
    const secrets = secretsHeldBy(
      { 'main.ksc.password': 'keyring', 'main.autotask.secret': 'keyring', 'main.autotask.integration-code': 'environment' },
      // Also in the state directory's file: the service reads that one.
      { 'main.autotask.secret': ['file'] },
    );
    const results = await runAgentChecks(config(), { paths: paths(), secrets, now });
    const r = find(results, /^Secrets:/)!;
    expect(r.status).toBe('warn');
    expect(r.summary).toBe('Secrets: 2 of 3 not readable by the agent as a service');
    expect(r.detail).toMatch(/main\.ksc\.password is only in the OS keyring.*cannot reach it/);
    expect(r.detail).not.toMatch(/main\.autotask\.secret/);
    expect(r.detail).toMatch(/main\.autotask\.integration-code is only in this shell's environment/);
    expect(r.detail).toMatch(/Remedy: .*LoadCredential=.*kmsp systemd-unit.*README "Run as a service"/);
  });

  it('leaves missing secrets to the secrets checks, and honours --integration', async () => {
    const none = await runAgentChecks(config(), { paths: paths(), secrets: secretsHeldBy({}), now });
    expect(find(none, /^Secrets:/)).toBeUndefined();
    const other = await runAgentChecks(config(), { paths: paths(), secrets: secretsHeldBy({ 'main.ksc.password': 'keyring' }), now, only: { integration: 'elsewhere' } });
    expect(find(other, /^Secrets:/)).toBeUndefined();
  });

  it('prints under an "Agent" heading in the text report', async () => {
    const results = await runAgentChecks(config({ paused: true }), { paths: paths(), secrets: allInFile, now });
    const text = formatDoctorReport([{ integration: 'main', area: 'config', status: 'ok', summary: 'Configuration is valid' }, ...results]);
    expect(text).toMatch(/^Integration main\n {2}✓ Configuration is valid\nAgent\n {2}✓ State directory/m);
    expect(text).toMatch(/^ {2}! Writes are paused; kmsp resume$/m);
  });

  it('formats a run time in its own zone', () => {
    expect(formatInZone(new Date('2025-07-01T03:00:00Z'), 'Europe/London')).toBe('Tue 2025-07-01 04:00 Europe/London');
  });
});

describe('kmsp doctor (CLI) with the agent checks', () => {
  it('adds the agent checks after the integration checks, in text and --json', async () => {
    const p = paths();
    const c = config({ paused: true });
    // Nothing listens on the discard port of loopback: the connection checks fail at once, offline too.
    c.integrations[0]!.platform = { ...c.integrations[0]!.platform, url: 'https://127.0.0.1:9' };
    c.integrations[0]!.psa = { ...(c.integrations[0]!.psa as AutotaskConnection), zoneDiscoveryUrl: 'http://127.0.0.1:9' };
    openConfig({ paths: p }).save(c);
    // No secrets and nothing reachable: the integration checks fail; the agent's still run.
    const text = await runCli(['doctor', '--config', p.configDir], { env: { KMSP_SECRET_MAIN_KSC_PASSWORD: 'a-test-value' } });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/\nAgent\n {2}✓ State directory .* is writable\n/);
    expect(text.stdout).toMatch(/^ {2}! Writes are paused; kmsp resume$/m);
    expect(text.stdout).toMatch(/^ {2}! Agent is not running here/m);
    expect(text.stdout).toMatch(/^ {2}! Secrets: 1 of 3 not readable by the agent as a service$/m);
    expect(text.stdout).not.toContain('a-test-value');
    const json = await runCli(['doctor', '--json', '--config', p.configDir]);
    const checks = JSON.parse(json.stdout) as Array<{ area: string; status: string; summary: string }>;
    const agent = checks.filter((c) => c.area === 'agent');
    expect(agent.length).toBeGreaterThanOrEqual(6);
    expect(checks.indexOf(agent[0]!)).toBeGreaterThan(checks.findIndex((c) => c.area === 'psa'));
    expect(agent.find((c) => /^Billing schedule/.test(c.summary))?.status).toBe('ok');
  });
});
