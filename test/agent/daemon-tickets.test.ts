// The long-running agent's ticket job as a child process against the simulators (README ›
// The agent): config changes picked up while running (pause and resume through the real
// commands, a broken file refused while the last good config keeps running), SIGTERM in the
// middle of a pass without a lost or duplicate ticket, and journald-ready log lines that carry
// no secret.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventTicketKey } from '../../source/domain/ticketEngine.js';
import { openConfig } from '../../source/store/config.js';
import { openLedger } from '../../source/store/ledger.js';
import { runCli } from '../helpers/cli.js';
import { fixtureDir } from '../billing/helpers.js';
import { ALPHA, startTicketEnv, WS1, WS2, type TicketEnv } from '../tickets/helpers.js';
import { exitWithin, spawnAgent, statusOf, until, type AgentProcess } from './helpers.js';

let env: TicketEnv;
let agent: AgentProcess | null = null;
beforeEach(async () => {
  env = await startTicketEnv();
  // The ticketing rules the Ticketing tab would save (startTicketEnv keeps them in memory only).
  openConfig({ paths: env.paths }).save({ ...env.config, integrations: [env.integration] }, { actor: 'agent test' });
});
afterEach(async () => {
  if (agent && agent.child.exitCode === null) agent.child.kill('SIGKILL');
  agent = null;
  await env.close();
});

function critical(host: string, id: number, type = 'GNRL_EV_VIRUS_FOUND') {
  return env.demo.ksc.addEvent(ALPHA, { id, severity: 'critical', type, typeName: `Malicious object detected (${type})`, description: `Trojan ${id}`, host } as never);
}
const passes = () => statusOf(env.paths)?.jobs.tickets.passes ?? 0;
const eventTickets = () => env.tickets().filter((t) => String(t.externalID ?? '').includes(':ev:'));

async function morePasses(n: number): Promise<void> {
  const target = passes() + n;
  await until(() => passes() >= target, `${n} more ticket passes`, 20_000, () => agent!.output().stdout + agent!.output().stderr);
}

describe('kmsp agent (tickets)', () => {
  it('picks up pause and resume while running, refuses a broken config and keeps the last good one', async () => {
    const cli = (...args: string[]) => runCli(['--config', env.demo.configDir, ...args]);
    agent = spawnAgent(env.demo.configDir, ['--job', 'tickets', '--ticket-interval', '1']);
    await morePasses(1);
    const base = env.tickets().length;
    critical(WS1, 7001);
    await until(() => env.tickets().length === base + 1, 'the event ticket', 20_000);

    const paused = await cli('pause');
    expect(paused.code, paused.stderr).toBe(0);
    await agent.waitForLine(/writes paused \(agent\.paused\)/);
    await until(() => statusOf(env.paths)?.paused === true, 'the status to say paused');
    critical(WS2, 7002);
    await morePasses(2);
    expect(env.tickets()).toHaveLength(base + 1);
    expect(statusOf(env.paths)!.jobs.tickets.lastSummary).toMatch(/\(paused: nothing written\): 1 to create/);

    // A broken file (a bad hand edit): refused, logged, shown; the paused config keeps running.
    const good = readFileSync(env.paths.configFile, 'utf8');
    writeFileSync(env.paths.configFile, '{ "schemaVersion": 1, "integrations": [ ');
    await agent.waitForLine(/configuration change refused, still running the configuration loaded at/);
    await until(() => /not valid JSON|corrupt|parse/i.test(statusOf(env.paths)?.configError ?? ''), 'the refusal in the status', 5_000, () => JSON.stringify(statusOf(env.paths)));
    await morePasses(2);
    expect(statusOf(env.paths)!.paused).toBe(true);
    expect(env.tickets()).toHaveLength(base + 1);
    expect(agent.child.exitCode).toBeNull();

    writeFileSync(env.paths.configFile, good);
    const resumed = await cli('resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    await agent.waitForLine(/writes resumed/);
    await until(() => env.tickets().length === base + 2, 'the held ticket after resume', 20_000, () => agent!.output().stdout);
    expect(statusOf(env.paths)!.configError).toBeNull();

    agent.child.kill('SIGTERM');
    expect(await exitWithin(agent, 15_000)).toBe(0);
    expect(eventTickets().map((t) => t.externalID).sort()).toEqual([eventTicketKey('demo', ALPHA, '7001'), eventTicketKey('demo', ALPHA, '7002')].sort());
  });

  it('SIGTERM in the middle of a ticket pass stops at a safe point; the next pass creates the rest, none twice', async () => {
    const ids = [7101, 7102, 7103, 7104, 7105, 7106];
    ids.forEach((id, i) => critical(i % 2 ? WS1 : WS2, id, `TYPE_${i}`));
    env.demo.autotask.inject({ endpoint: 'Tickets', method: 'POST', query: false, kind: 'delay', delayMs: 500, count: 1000 });
    agent = spawnAgent(env.demo.configDir, ['--job', 'tickets', '--ticket-interval', '60']);
    await until(() => eventTickets().length >= 1, 'a first ticket', 20_000, () => agent!.output().stdout);
    agent.child.kill('SIGTERM');
    expect(await exitWithin(agent, 15_000), agent.lines().join('\n')).toBe(0);
    const partial = eventTickets().length;
    expect(partial).toBeLessThan(ids.length);
    const ledger = openLedger({ paths: env.paths });
    try {
      // No ticket half-recorded: every ledger row has its PSA ticket, and the PSA has no ticket the ledger lacks.
      const rows = ledger.listTickets({ limit: 1000 }).filter((t) => t.kind === 'event');
      expect(rows.filter((t) => !t.psaTicketId)).toEqual([]);
      expect(rows).toHaveLength(partial);
      expect(ledger.listRuns({ job: 'tickets' })[0]!.status).toBe('abandoned');
    } finally {
      ledger.close();
    }
    env.demo.autotask.clearInjections();
    const rest = await runCli(['--config', env.demo.configDir, 'agent', '--once', '--job', 'tickets']);
    expect(rest.code, rest.stdout + rest.stderr).toBe(0);
    const keys = eventTickets().map((t) => String(t.externalID)).sort();
    expect(keys).toEqual(ids.map((id) => eventTicketKey('demo', ALPHA, String(id))).sort());
  });

  it('under journald every line carries a priority prefix and no timestamp; no line carries a secret, even one a vendor echoes', async () => {
    const at = JSON.parse(readFileSync(`${fixtureDir('tickets-basic')}/autotask.json`, 'utf8')) as { apiUser: { secret: string; integrationCode: string } };
    const ksc = JSON.parse(readFileSync(`${fixtureDir('tickets-basic')}/ksc.json`, 'utf8')) as { users: Array<{ password: string }> };
    const secrets = [at.apiUser.secret, at.apiUser.integrationCode, ksc.users[0]!.password];
    critical(WS1, 7201);
    // A PSA error that quotes the secret back (a badly behaved gateway): it must still not reach the log.
    env.demo.autotask.inject({ endpoint: 'Tickets', method: 'POST', query: false, kind: 'error', status: 400, message: `rejected for user secret ${at.apiUser.secret}`, count: 1 });
    agent = spawnAgent(env.demo.configDir, ['--job', 'tickets', '--ticket-interval', '1', '--log-level', 'debug'], { JOURNAL_STREAM: '8:123456' });
    await agent.waitForLine(/^<3>.*rejected for user secret/);
    await morePasses(1);
    agent.child.kill('SIGTERM');
    expect(await exitWithin(agent, 15_000)).toBe(0);
    const lines = agent.lines();
    expect(lines.length).toBeGreaterThan(4);
    for (const line of lines) {
      expect(line).toMatch(/^<[2-7]>\S/);
      expect(line).not.toMatch(/^<\d>\d{4}-\d\d-\d\dT/);
      for (const s of secrets) expect(line).not.toContain(s);
    }
    expect(lines.find((l) => l.includes('started (pid'))).toMatch(/^<6>/);
    expect(lines.find((l) => l.includes('pass begins'))).toMatch(/^<7>/);
    expect(lines.find((l) => l.includes('rejected for user secret'))).toMatch(/^<3>.*\*\*\*/);
  });

  it('--log-format json writes one JSON object per line with time, level and message', async () => {
    agent = spawnAgent(env.demo.configDir, ['--job', 'tickets', '--ticket-interval', '1', '--log-format', 'json']);
    await morePasses(1);
    agent.child.kill('SIGTERM');
    expect(await exitWithin(agent, 15_000)).toBe(0);
    const records = agent.lines().map((l) => JSON.parse(l) as { time: string; level: string; msg: string });
    expect(records.length).toBeGreaterThan(2);
    for (const r of records) {
      expect(Number.isNaN(Date.parse(r.time))).toBe(false);
      expect(['crit', 'error', 'warn', 'info', 'debug']).toContain(r.level);
    }
    const summary = records.find((r) => r.level === 'info' && r.msg.startsWith('tickets demo: ')) as Record<string, unknown> | undefined;
    expect(summary).toMatchObject({ job: 'tickets', integration: 'demo', outcome: 'ok', requests: expect.any(Number) });
    // --once writes the same JSON lines when asked (a timer or collector runs it), plain lines otherwise.
    const once = await runCli(['--config', env.demo.configDir, 'agent', '--once', '--job', 'tickets', '--log-format', 'json']);
    expect(once.code, once.stderr).toBe(0);
    expect(JSON.parse(once.stdout.trim())).toMatchObject({ level: 'info', job: 'tickets', integration: 'demo', outcome: 'ok' });
    const plain = await runCli(['--config', env.demo.configDir, 'agent', '--once', '--job', 'tickets']);
    expect(plain.stdout).toMatch(/^tickets demo: /);
    // A failed pass still exits 1 when the lines are JSON (a timer's wrapper reads the code).
    env.demo.autotask.inject({ endpoint: 'Companies', kind: 'error', status: 500, message: 'backend down', count: 50 });
    const failed = await runCli(['--config', env.demo.configDir, 'agent', '--once', '--job', 'tickets', '--log-format', 'json']);
    expect(failed.code, failed.stdout + failed.stderr).toBe(1);
    env.demo.autotask.clearInjections();
  });
});
