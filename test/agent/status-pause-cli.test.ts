// kmsp status and kmsp pause / resume, run as a user runs them (bin/kmsp.js → dist/).
// The agent is simulated by its status file: a live one carries this test's pid and host,
// a dead one a pid that does not exist.
// A time shows its date when it is not today's: these tests run at any hour, and an hour ago may
// be yesterday, so the patterns take either form.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KmspConfig } from '../../source/domain/config.js';
import { AUTOTASK_DEFAULTS, KSC_DEFAULTS, defaultConfig, newIntegration } from '../../source/domain/defaults.js';
import { writeAgentStatus, type AgentStatus } from '../../source/store/agentStatus.js';
import { openConfig } from '../../source/store/config.js';
import { openLedger } from '../../source/store/ledger.js';
import { resolvePaths } from '../../source/store/paths.js';
import { DEAD_PID, liveAgentStatus } from '../helpers/agent-status.js';
import { runCli } from '../helpers/cli.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmsp-status-'));
  dirs.push(dir);
  return dir;
}

/** The live agent of these tests: integration "main", and one ticket pass skipped as overlapping. */
function agentStatus(over: Partial<AgentStatus> = {}): AgentStatus {
  const live = liveAgentStatus('main');
  return { ...live, jobs: { ...live.jobs, tickets: { ...live.jobs.tickets, overlapsSkipped: 1 } }, ...over };
}

function goodConfig(): KmspConfig {
  const config = defaultConfig();
  const integration = newIntegration('main', { ...KSC_DEFAULTS, url: 'https://ksc.example:13299', username: 'kmsp' }, { ...AUTOTASK_DEFAULTS, username: 'api@x' });
  integration.ticketing.general.newStatus = { value: '1', label: 'New' };
  integration.ticketing.general.closedStatus = { value: '5', label: 'Complete' };
  config.integrations.push(integration);
  return config;
}

describe('kmsp status', () => {
  it('without a status file: says the agent has not run here, how to start it, exit 3', async () => {
    const dir = tempDir();
    const r = await runCli(['--config', dir, 'status']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('Agent: has not run with this state directory');
    expect(r.stdout).toContain(`No status file at ${path.join(dir, 'status.json')}`);
    expect(r.stdout).toContain(`Start it with: kmsp --config ${dir} agent`);
    expect(r.stdout).toContain('“Run as a service”');
    const json = await runCli(['--config', dir, 'status', '--json']);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toEqual({ statusFile: path.join(dir, 'status.json'), liveness: null, status: null, ledgerRuns: {} });
  });

  it('after kmsp agent --once runs only (no status file): names them from the ledger, still exit 3', async () => {
    const dir = tempDir();
    const ledger = openLedger({ paths: resolvePaths({ configDir: dir }) });
    try {
      // What `kmsp agent --once` leaves: locked runs in the ledger, no status file.
      const billing = ledger.acquireRun({ job: 'billing' }).runId;
      ledger.finishRun(billing, { status: 'ok', summary: { integration: 'demo', posted: 14, errors: 0, skipped: 0 } });
      const tickets = ledger.acquireRun({ job: 'tickets' }).runId;
      ledger.finishRun(tickets, { status: 'ok', summary: { integration: 'demo', created: 65, closed: 0, errors: 0 } });
    } finally {
      ledger.close();
    }
    const r = await runCli(['--config', dir, 'status']);
    expect(r.code).toBe(3);
    expect(r.stdout).not.toContain('has not run');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('Agent: not running; last runs by kmsp agent --once:');
    expect(lines[1]).toMatch(/^Billing: last --once ok (?:\d{4}-\d\d-\d\d )?\d\d:\d\d \((now|\d+ s ago)\) · no next run \(the agent is not running\)$/u);
    expect(lines[3]).toMatch(/^Tickets: last --once ok (?:\d{4}-\d\d-\d\d )?\d\d:\d\d \((now|\d+ s ago)\) · no next run \(the agent is not running\)$/u);
    expect(r.stdout).toContain('  billing demo: 14 postings, 0 errors (ledger run 1)');
    expect(r.stdout).toContain('  tickets demo: 65 created, 0 closed, 0 errors (ledger run 2)');
    expect(r.stdout).toContain(`No status file at ${path.join(dir, 'status.json')}: only a running agent writes one (kmsp agent --once does not)`);
    expect(r.stdout).toContain(`Start it with: kmsp --config ${dir} agent`);
    const json = await runCli(['--config', dir, 'status', '--json']);
    expect(json.code).toBe(3);
    const parsed = JSON.parse(json.stdout) as { status: null; ledgerRuns: Record<string, { id: number; outcome: string }> };
    expect(parsed.status).toBeNull();
    expect(parsed.ledgerRuns.billing).toMatchObject({ id: 1, outcome: 'ok' });
    expect(parsed.ledgerRuns.tickets).toMatchObject({ id: 2, outcome: 'ok' });
  });

  it('with a live agent: state, pause, jobs, errors, API usage; exit 0; --json adds the liveness', async () => {
    const dir = tempDir();
    writeAgentStatus(path.join(dir, 'status.json'), agentStatus());
    const r = await runCli(['--config', dir, 'status']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^Agent: running \\(pid ${process.pid} on .+\\), started (?:\\d{4}-\\d\\d-\\d\\d )?\\d\\d:\\d\\d \\(1 h ago\\), kmsp 0\\.1\\.0$`, 'u'));
    expect(r.stdout).toContain('Paused: no');
    expect(r.stdout).toContain('Config in force: /etc/kmsp/config.json');
    expect(r.stdout).toMatch(/Billing: cron “0 4 \* \* \*” \(UTC\) · last ok .+ \(2 h ago\) · next .+ \(in (59 min|1 h)\)/u);
    expect(r.stdout).toContain('  billing main: 4 postings');
    expect(r.stdout).toMatch(/Tickets: every 60 s · last failed .+ · next .+\(in \d+ s\)/u);
    expect(r.stdout).toMatch(/ {2}Last error \((?:\d{4}-\d\d-\d\d )?\d\d:\d\d\): Autotask refused the credentials/u);
    expect(r.stdout).toContain('9 passes, 1 overlap skipped');
    expect(r.stdout).toMatch(/API requests, last hour, main: platform 120, PSA 45 requests · Autotask budget 45 of 10,000 per 60 min \(0%/u);
    const json = await runCli(['--config', dir, 'status', '--json']);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { liveness: string; status: AgentStatus };
    expect(parsed.liveness).toBe('running');
    expect(parsed.status.pid).toBe(process.pid);
  });

  it('with a dead pid: not running — gone, exit 3; a stopped agent says when and why', async () => {
    const dir = tempDir();
    writeAgentStatus(path.join(dir, 'status.json'), agentStatus({ pid: DEAD_PID }));
    const r = await runCli(['--config', dir, 'status']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(new RegExp(`^Agent: not running — process ${DEAD_PID} is gone \\(last status (?:\\d{4}-\\d\\d-\\d\\d )?\\d\\d:\\d\\d\\)`, 'u'));
    expect(r.stdout).toContain('no next run (the agent is not running)');
    expect(JSON.parse((await runCli(['--config', dir, 'status', '--json'])).stdout).liveness).toBe('gone');

    writeAgentStatus(path.join(dir, 'status.json'), agentStatus({ pid: DEAD_PID, state: 'stopped', stoppedAt: new Date().toISOString(), stopReason: 'SIGTERM' }));
    const stopped = await runCli(['--config', dir, 'status']);
    expect(stopped.code).toBe(3);
    expect(stopped.stdout).toMatch(/^Agent: stopped at (?:\d{4}-\d\d-\d\d )?\d\d:\d\d \(SIGTERM\)/u);
  });

  it('with a stale status (no refresh for minutes): exit 3', async () => {
    const dir = tempDir();
    writeAgentStatus(path.join(dir, 'status.json'), agentStatus({ updatedAt: new Date(Date.now() - 10 * 60_000).toISOString() }));
    const r = await runCli(['--config', dir, 'status']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^Agent: stale — no status update since (?:\d{4}-\d\d-\d\d )?\d\d:\d\d \(10 min ago\)/u);
  });

  it('with an unreadable status file: exit 1 and the reason', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'status.json'), '{"version": 1, "pid": ');
    const r = await runCli(['--config', dir, 'status']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Cannot read the agent's status: ${path.join(dir, 'status.json')} is not valid JSON`);
    expect(r.stdout).toBe('');
  });

  it('with a status file of another kmsp (a job missing): exit 1 and the reason, never a stack trace, on either path', async () => {
    const dir = tempDir();
    const status = agentStatus() as unknown as { jobs: Record<string, unknown> };
    delete status.jobs.tickets;
    fs.writeFileSync(path.join(dir, 'status.json'), JSON.stringify(status));
    for (const args of [['--config', dir, 'status'], ['status', '--config', dir]]) {
      const r = await runCli(args);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('holds no tickets job: it was written by another version of kmsp');
      expect(r.stderr).not.toMatch(/\n\s+at /u);
    }
  });
});

describe('kmsp pause / resume', () => {
  it('round trip: sets and clears agent.paused, audited with actor and reason, idempotent, says what the running agent does', async () => {
    const dir = tempDir();
    const paths = resolvePaths({ configDir: dir });
    openConfig({ paths, onNotice: () => undefined }).save(goodConfig(), { actor: 'test' });
    writeAgentStatus(paths.statusFile, agentStatus());
    const readPaused = () => (JSON.parse(fs.readFileSync(paths.configFile, 'utf8')) as KmspConfig).agent.paused;

    const paused = await runCli(['--config', dir, 'pause', '--reason', 'PSA maintenance tonight'], { env: { USER: 'alice', SUDO_USER: '' } });
    expect(paused.code).toBe(0);
    expect(paused.stdout).toContain(`Paused: agent.paused is now true in ${paths.configFile}`);
    expect(paused.stdout).toContain("Recorded in the ledger's config audit as alice (kmsp pause) (PSA maintenance tonight).");
    expect(paused.stdout).toContain(`The running agent (pid ${process.pid} on ${os.hostname()}) reloads its config within seconds`);
    expect(readPaused()).toBe(true);
    expect(fs.statSync(paths.configFile).mode & 0o777).toBe(0o600);

    // kmsp status says who paused, when and why (from the config audit), once the agent reports paused.
    writeAgentStatus(paths.statusFile, agentStatus({ paused: true }));
    const status = await runCli(['--config', dir, 'status']);
    expect(status.stdout).toMatch(/Paused by alice \(kmsp pause\) at \d{4}-\d\d-\d\dT[\d:.]+Z: PSA maintenance tonight/);

    const again = await runCli(['--config', dir, 'pause']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Already paused: agent.paused is true');

    const resumed = await runCli(['--config', dir, 'resume'], { env: { USER: 'bob', SUDO_USER: '' } });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('Resumed: agent.paused is now false');
    expect(readPaused()).toBe(false);
    expect((await runCli(['--config', dir, 'resume'])).stdout).toContain('Already running (not paused)');

    const ledger = openLedger({ paths });
    try {
      const audit = ledger.listConfigAudit({ limit: 10 }).filter((a) => a.summary.includes('agent.paused'));
      expect(audit.map((a) => [a.actor, a.summary])).toEqual([
        ['bob (kmsp resume)', 'agent.paused: true → false'],
        ['alice (kmsp pause)', 'agent.paused: false → true (PSA maintenance tonight)'],
      ]);
    } finally {
      ledger.close();
    }
  });

  it('with no agent running: says it starts paused', async () => {
    const dir = tempDir();
    const paths = resolvePaths({ configDir: dir });
    openConfig({ paths, onNotice: () => undefined }).save(goodConfig(), { actor: 'test' });
    const r = await runCli(['--config', dir, 'pause']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`No agent has run with this state directory yet; when one starts (kmsp --config ${dir} agent), it starts paused.`);
    writeAgentStatus(paths.statusFile, agentStatus({ pid: DEAD_PID }));
    const resumed = await runCli(['--config', dir, 'resume']);
    expect(resumed.stdout).toMatch(/No agent is running \(the last one, pid \d+ on .+, is gone\); when it starts .+, it writes to the PSA again\./u);
  });

  it('refuses a corrupt config and leaves it byte for byte; refuses when there is no config', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'config.json');
    const corrupt = '{ "schemaVersion": 1, "agent": { "paused": fal';
    fs.writeFileSync(file, corrupt, { mode: 0o600 });
    const before = fs.statSync(file);
    const r = await runCli(['--config', dir, 'pause']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Not paused: the config file ${file} cannot be used; it was left unchanged.`);
    expect(r.stderr).toContain('Cause: it is not valid JSON');
    expect(r.stderr).toContain('kmsp config validate');
    expect(fs.readFileSync(file, 'utf8')).toBe(corrupt);
    expect(fs.statSync(file).mtimeMs).toBe(before.mtimeMs);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('config.json'))).toEqual(['config.json']);

    const empty = tempDir();
    const missing = await runCli(['--config', empty, 'resume']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`Not resumed: the configuration directory ${empty} (given with --config) holds no config.json.`);
    expect(fs.existsSync(path.join(empty, 'config.json'))).toBe(false);
  });
});
