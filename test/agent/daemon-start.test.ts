// How the agent starts (README › The agent): without a config it waits for one and picks it up when the
// console saves it; with a corrupt one it refuses with exit 78 (EX_CONFIG, which the unit does
// not restart on), says why, and leaves the file as it was.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { agentLockFile } from '../../source/store/agentLock.js';
import { openLedger } from '../../source/store/ledger.js';
import { startBillingEnv, type BillingEnv } from '../billing/helpers.js';
import { exitWithin, spawnAgent, statusOf, until, type AgentProcess } from './helpers.js';

let env: BillingEnv | null = null;
let agent: AgentProcess | null = null;
afterEach(async () => {
  if (agent && agent.child.exitCode === null) agent.child.kill('SIGKILL');
  agent = null;
  await env?.close();
  env = null;
});

describe('kmsp agent start', () => {
  it('waits when there is no config yet, and runs the integrations of the config once it appears', async () => {
    env = await startBillingEnv('demo', { tenants: [], billing: { byCategory: false, applications: [] } });
    const file = env.paths.configFile;
    renameSync(file, `${file}.later`);
    agent = spawnAgent(env.demo.configDir, ['--job', 'tickets', '--ticket-interval', '1']);
    await agent.waitForLine(/no configuration at .* yet; waiting for one/);
    await until(() => statusOf(env!.paths)?.state === 'running', 'the status file');
    expect(statusOf(env.paths)!.integrations).toEqual([]);
    renameSync(`${file}.later`, file);
    await agent.waitForLine(/configuration reloaded: .*integrations: demo/);
    await until(() => (statusOf(env!.paths)?.jobs.tickets.passes ?? 0) >= 1, 'a ticket pass of the new integration');
    expect(statusOf(env.paths)!.jobs.tickets.lastSummary).toMatch(/^tickets demo/);
    agent.child.kill('SIGTERM');
    expect(await exitWithin(agent, 10_000)).toBe(0);
  });

  it('refuses a corrupt config with exit 78, the reason, a failed status, and the file untouched', async () => {
    env = await startBillingEnv('demo', { tenants: [], billing: { byCategory: false, applications: [] } });
    const broken = '{ "schemaVersion": 1, "integrations": [';
    writeFileSync(env.paths.configFile, broken);
    agent = spawnAgent(env.demo.configDir, []);
    expect(await exitWithin(agent, 10_000)).toBe(78);
    expect(agent.output().stderr).toMatch(/not started: .*config/i);
    expect(statusOf(env.paths)).toMatchObject({ state: 'failed' });
    expect(readFileSync(env.paths.configFile, 'utf8')).toBe(broken);
  });

  it('when its log output is closed (EPIPE) it stops at a safe point and exits 1, so a supervisor restarts it', async () => {
    env = await startBillingEnv('demo', { tenants: [], billing: { byCategory: false, applications: [] } });
    agent = spawnAgent(env.demo.configDir, ['--job', 'tickets', '--ticket-interval', '1']);
    await agent.waitForLine(/started \(pid/);
    agent.child.stdout!.destroy(); // the reader is gone
    agent.child.stderr!.destroy();
    expect(await exitWithin(agent, 10_000)).toBe(1);
    expect(statusOf(env.paths)).toMatchObject({ state: 'stopped', stopReason: 'its log output was closed (EPIPE)' });
  });

  it('one agent per state directory: a second refuses with 75 and leaves the status of the first; a lock left by a killed agent is taken over', async () => {
    env = await startBillingEnv('demo', { tenants: [], billing: { byCategory: false, applications: [] } });
    agent = spawnAgent(env.demo.configDir, ['--job', 'tickets', '--ticket-interval', '1']);
    await agent.waitForLine(/started \(pid/);
    const second = spawnAgent(env.demo.configDir, ['--job', 'tickets']);
    expect(await exitWithin(second, 20_000)).toBe(75);
    expect(second.output().stderr).toMatch(new RegExp(`not started: Another kmsp agent is running with this state directory \\(process ${agent.child.pid} `));
    expect(statusOf(env.paths)!.pid).toBe(agent.child.pid);

    agent.child.kill('SIGKILL'); // no cleanup: agent.lock stays behind
    await exitWithin(agent, 5_000);
    agent = spawnAgent(env.demo.configDir, ['--job', 'tickets', '--ticket-interval', '1']);
    await agent.waitForLine(/started \(pid/);
    await until(() => statusOf(env!.paths)?.pid === agent!.child.pid, 'the status of the new agent');
    agent.child.kill('SIGTERM');
    expect(await exitWithin(agent, 10_000)).toBe(0);
    expect(existsSync(agentLockFile(env.paths))).toBe(false); // released on the way out
  });

  it('refuses a reload with agent settings it cannot run with, and keeps the schedules it has', async () => {
    env = await startBillingEnv('demo', { tenants: [], billing: { byCategory: false, applications: [] } });
    agent = spawnAgent(env.demo.configDir, ['--job', 'tickets']);
    await agent.waitForLine(/started \(pid/);
    const good = JSON.parse(readFileSync(env.paths.configFile, 'utf8')) as { agent: Record<string, unknown> };
    writeFileSync(env.paths.configFile, JSON.stringify({ ...good, agent: { ...good.agent, billingSchedule: '61 99 * * *', ticketPollSeconds: -5 } }, null, 2));
    const line = await agent.waitForLine(/configuration change refused/);
    expect(line).toContain('agent.billingSchedule');
    expect(line).toContain('agent.ticketPollSeconds');
    await until(() => (statusOf(env!.paths)?.configError ?? '').includes('agent.ticketPollSeconds'), 'the refusal in the status');
    expect(statusOf(env.paths)!.jobs.tickets.schedule).toBe('every 1 min');
    // The pause switch still reaches the agent in a file it refuses for other reasons.
    writeFileSync(env.paths.configFile, JSON.stringify({ ...good, agent: { ...good.agent, ticketPollSeconds: -5, paused: true } }, null, 2));
    await agent.waitForLine(/writes paused \(agent\.paused\), taken from the refused file/);
    await until(() => statusOf(env!.paths)?.paused === true, 'the pause in the status');
    agent.child.kill('SIGTERM');
    expect(await exitWithin(agent, 10_000)).toBe(0);
  });

  it('reports the last run from the ledger after a restart (and runs of other processes), not "no run yet"', async () => {
    env = await startBillingEnv('demo', { tenants: [], billing: { byCategory: false, applications: [] } });
    const ledger = openLedger({ paths: env.paths });
    const id = ledger.startRun({ job: 'billing', startedAt: new Date(Date.now() - 60_000) });
    ledger.finishRun(id, { status: 'partial', summary: { integration: 'demo', posted: 3, errors: 1 }, error: 'Acme / KES Advanced: refused' });
    ledger.close();
    // A yearly schedule: the run above is after its last due time, so nothing is owed and no pass starts.
    agent = spawnAgent(env.demo.configDir, ['--job', 'billing', '--billing-schedule', '0 0 1 1 *']);
    await agent.waitForLine(/started \(pid/);
    await until(() => statusOf(env!.paths)?.jobs.billing.lastOutcome === 'partial', 'the earlier run in the status');
    const b = statusOf(env.paths)!.jobs.billing;
    expect(b.lastSummary).toBe(`billing demo: 3 postings, 1 error (ledger run ${id}, not by this agent process)`);
    expect(b.lastError).toBe('Acme / KES Advanced: refused');
    expect(b.passes).toBe(0);
    agent.child.kill('SIGTERM');
    expect(await exitWithin(agent, 10_000)).toBe(0);
  });

  it('a SIGTERM that arrives while the agent starts is handled, never lost (six starts in a row)', async () => {
    env = await startBillingEnv('demo', { tenants: [], billing: { byCategory: false, applications: [] } });
    for (let i = 0; i < 6; i++) {
      agent = spawnAgent(env.demo.configDir, ['--job', 'tickets', '--ticket-interval', '1']);
      await agent.waitForLine(/started \(pid/);
      agent.child.kill('SIGTERM'); // at once: the agent may still be finishing its start
      expect(await exitWithin(agent, 10_000), agent.lines().join('\n')).toBe(0);
    }
  });
});
