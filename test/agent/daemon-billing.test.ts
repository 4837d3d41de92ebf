// The long-running agent's billing job, run as a child process against the simulators (README ›
// The agent): scheduled passes (a per-second schedule injected with --billing-schedule), never
// two at once, a clean stop on SIGTERM in the middle of a pass, and afterwards neither a
// duplicate nor a lost posting. The expected postings come from the fixture files themselves.
import { afterEach, describe, expect, it } from 'vitest';
import { openLedger } from '../../source/store/ledger.js';
import { runCli } from '../helpers/cli.js';
import { billing, expectedPostings, MAPPED } from '../billing/demoMapping.js';
import { adjustments, startBillingEnv, type BillingEnv } from '../billing/helpers.js';
import { dailyScheduleAwayFromNow, exitWithin, spawnAgent, statusOf, until, type AgentProcess } from './helpers.js';

let env: BillingEnv | null = null;
let agent: AgentProcess | null = null;
afterEach(async () => {
  if (agent && agent.child.exitCode === null) agent.child.kill('SIGKILL');
  agent = null;
  await env?.close();
  env = null;
});

const start = () => startBillingEnv('demo', { tenants: MAPPED, billing, timeZone: 'UTC' });

/** The ledger of an agent that billed "demo" two days ago (so the last scheduled run is owed). */
function billedBefore(e: BillingEnv): void {
  const ledger = openLedger({ paths: e.paths });
  try {
    const id = ledger.startRun({ job: 'billing', startedAt: new Date(Date.now() - 2 * 86_400_000) });
    ledger.finishRun(id, { status: 'ok', summary: { integration: 'demo' }, finishedAt: new Date(Date.now() - 2 * 86_400_000 + 60_000) });
  } finally {
    ledger.close();
  }
}

/** Every (contract, service) posted at most once: a duplicate would show as a second adjustment. */
function perItem(list: Array<[number, number, number]>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [c, s] of list) out.set(`${c}/${s}`, (out.get(`${c}/${s}`) ?? 0) + 1);
  return out;
}

describe('kmsp agent (billing)', () => {
  it('runs scheduled passes, posts each difference once, writes its status, and stops cleanly on SIGTERM', async () => {
    env = await start();
    const expected = expectedPostings(Date.now());
    agent = spawnAgent(env.demo.configDir, ['--job', 'billing', '--billing-schedule', '*/2 * * * * *']);
    await agent.waitForLine(/started \(pid \d+\)/);
    const paths = env.paths;
    await until(() => (statusOf(paths)?.jobs.billing.passes ?? 0) >= 3, 'three billing passes', 30_000, () => agent!.output().stdout);
    const live = statusOf(paths)!;
    expect(live.state).toBe('running');
    expect(live.pid).toBe(agent.child.pid);
    expect(live.jobs.billing.schedule).toBe('cron “*/2 * * * * *” (UTC)');
    expect(Date.parse(live.jobs.billing.nextRunAt!)).toBeGreaterThan(Date.now() - 2000);
    expect(live.jobs.billing.lastOutcome).toBe('ok');
    expect(live.jobs.billing.lastSummary).toMatch(/^billing demo \d{4}-\d\d-\d\d: 11 contracts, 0 postings, 0 errors, 1 tenant skipped/);
    expect(live.api.lastHour.demo!.psa).toBeGreaterThan(0);
    expect(live.api.psaBudget.demo).toMatchObject({ limit: expect.any(Number), used: expect.any(Number) });

    const status = await runCli(['--config', env.demo.configDir, 'status']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(String(agent.child.pid));

    agent.child.kill('SIGTERM');
    expect(await exitWithin(agent, 15_000)).toBe(0);
    const stopped = statusOf(paths)!;
    expect(stopped.state).toBe('stopped');
    expect(stopped.stopReason).toBe('SIGTERM');
    expect(agent.lines().some((l) => /stopped \(SIGTERM\)/.test(l))).toBe(true);

    // The first pass posted the expected list; every later pass found nothing to change.
    expect(adjustments(env).sort()).toEqual(expected);
    expect([...perItem(adjustments(env)).values()].every((n) => n === 1)).toBe(true);
    const ledger = openLedger({ paths });
    try {
      const runs = ledger.listRuns({ job: 'billing' }).reverse();
      expect(runs.length).toBeGreaterThanOrEqual(3);
      // Never two at once: each run began after the previous one finished.
      for (let i = 1; i < runs.length; i++) expect(Date.parse(runs[i]!.startedAt)).toBeGreaterThanOrEqual(Date.parse(runs[i - 1]!.finishedAt!));
      expect(ledger.listPostings({ status: 'pending' })).toEqual([]);
    } finally {
      ledger.close();
    }
    const after = await runCli(['--config', env.demo.configDir, 'status']);
    expect(after.code).toBe(3);
  });

  it('SIGTERM in the middle of a slow pass stops at a safe point; the next run posts the rest, none twice', async () => {
    env = await start();
    const expected = expectedPostings(Date.now());
    // Each adjustment takes 600 ms: the pass lasts several seconds, and the per-second schedule ticks during it.
    env.demo.autotask.inject({ endpoint: 'ContractServiceAdjustments', method: 'POST', kind: 'delay', delayMs: 600, count: 1000 });
    agent = spawnAgent(env.demo.configDir, ['--job', 'billing', '--billing-schedule', '* * * * * *']);
    await until(() => adjustments(env!).length >= 2, 'two postings', 30_000, () => agent!.output().stdout);
    await until(() => (statusOf(env!.paths)?.jobs.billing.overlapsSkipped ?? 0) >= 1, 'a skipped overlapping tick', 10_000);
    agent.child.kill('SIGTERM');
    expect(await exitWithin(agent, 15_000), agent.lines().join('\n')).toBe(0);
    expect(agent.lines().some((l) => /SIGTERM: stopping; waiting for the billing pass to reach a safe point/.test(l))).toBe(true);
    expect(agent.lines().some((l) => /skipped \(never two at once\)/.test(l))).toBe(true);

    const partial = adjustments(env);
    expect(partial.length).toBeLessThan(expected.length);
    const ledger = openLedger({ paths: env.paths });
    try {
      // Everything the PSA accepted is recorded as posted; nothing is left pending.
      expect(ledger.listPostings({ status: 'pending' })).toEqual([]);
      expect(ledger.listPostings({ status: 'posted' })).toHaveLength(partial.length);
      expect(ledger.listRuns({ job: 'billing' })[0]!.status).toBe('abandoned');
    } finally {
      ledger.close();
    }

    // Restarted (as systemd would), the agent owes the rest of the day's billing and runs it at once.
    env.demo.autotask.clearInjections();
    agent = spawnAgent(env.demo.configDir, ['--job', 'billing', '--billing-schedule', dailyScheduleAwayFromNow()]);
    await agent.waitForLine(/catching up: the billing run due at .* has not completed for demo/);
    // The status file still holds the first agent's final status (1 pass) until this one writes its own.
    await until(() => statusOf(env!.paths)?.pid === agent!.child.pid && statusOf(env!.paths)?.jobs.billing.passes === 1, 'the catch-up pass', 30_000, () => agent!.output().stdout);
    expect(adjustments(env).sort(), agent.lines().join('\n')).toEqual(expected);
    expect([...perItem(adjustments(env)).values()].every((n) => n === 1)).toBe(true);
    agent.child.kill('SIGTERM');
    expect(await exitWithin(agent, 15_000)).toBe(0);
  });

  it('a second SIGTERM exits at once with 1; the run after it reconciles, nothing posted twice', async () => {
    env = await start();
    const expected = expectedPostings(Date.now());
    billedBefore(env);
    env.demo.autotask.inject({ endpoint: 'ContractServiceAdjustments', method: 'POST', kind: 'delay', delayMs: 1500, count: 1000 });
    agent = spawnAgent(env.demo.configDir, ['--job', 'billing', '--billing-schedule', dailyScheduleAwayFromNow()]);
    // The catch-up pass (no billing run since the last 04:00) starts at once.
    await agent.waitForLine(/catching up: the billing run due at/);
    await until(() => env!.demo.autotask.requests.some((r) => r.method === 'POST' && /ContractServiceAdjustments/i.test(r.path)), 'a posting in flight', 30_000);
    agent.child.kill('SIGTERM');
    await agent.waitForLine(/SIGTERM: stopping/);
    agent.child.kill('SIGTERM');
    expect(await exitWithin(agent, 5_000)).toBe(1);
    expect(agent.lines().some((l) => /second SIGTERM: exiting at once/.test(l))).toBe(true);

    env.demo.autotask.clearInjections();
    // The held POSTs complete in the simulator after the agent is gone; the next run settles them from the units.
    await new Promise((r) => setTimeout(r, 1700));
    const rest = await runCli(['--config', env.demo.configDir, 'agent', '--once', '--job', 'billing']);
    expect(rest.code, rest.stdout + rest.stderr).toBe(0);
    expect(adjustments(env).sort()).toEqual(expected);
    const ledger = openLedger({ paths: env.paths });
    try {
      expect(ledger.listPostings({ status: 'pending' })).toEqual([]);
      expect(ledger.listPostings({ status: 'unknown' })).toEqual([]);
    } finally {
      ledger.close();
    }
  });

  it('paused at start it owes the billing, and runs it when writes are resumed; a failed posting is retried later', async () => {
    env = await start();
    const expected = expectedPostings(Date.now());
    billedBefore(env);
    expect((await runCli(['--config', env.demo.configDir, 'pause'])).code).toBe(0);
    agent = spawnAgent(env.demo.configDir, ['--job', 'billing', '--billing-schedule', dailyScheduleAwayFromNow()]);
    await agent.waitForLine(/writes are paused/);
    await new Promise((r) => setTimeout(r, 1000));
    expect(adjustments(env)).toEqual([]);
    // One posting refused by Autotask: the pass is partial and its integration is tried again later.
    env.demo.autotask.inject({ endpoint: 'ContractServiceAdjustments', method: 'POST', kind: 'error', status: 400, message: 'service is locked for this period', count: 1 });
    expect((await runCli(['--config', env.demo.configDir, 'resume'])).code).toBe(0);
    await agent.waitForLine(/catching up: .* \(writes were paused\); running it now/);
    await agent.waitForLine(/billing of demo did not complete; trying again at .* \(retry 1 of 3\)/, 30_000);
    expect(adjustments(env)).toHaveLength(expected.length - 1);
    await until(() => statusOf(env!.paths)?.jobs.billing.lastOutcome === 'partial', 'the partial outcome in the status');
    agent.child.kill('SIGTERM');
    expect(await exitWithin(agent, 15_000)).toBe(0);
  });

  it('when a pass does not reach a safe point within --stop-timeout, the agent exits 1 at once and says so', async () => {
    env = await start();
    billedBefore(env);
    env.demo.autotask.inject({ endpoint: 'ContractServiceAdjustments', method: 'POST', kind: 'delay', delayMs: 4000, count: 1000 });
    agent = spawnAgent(env.demo.configDir, ['--job', 'billing', '--billing-schedule', dailyScheduleAwayFromNow(), '--stop-timeout', '1']);
    await until(() => env!.demo.autotask.requests.some((r) => r.method === 'POST' && /ContractServiceAdjustments/i.test(r.path)), 'a posting in flight', 30_000);
    const sent = Date.now();
    agent.child.kill('SIGTERM');
    expect(await exitWithin(agent, 3_500)).toBe(1);
    expect(Date.now() - sent).toBeLessThan(3_500);
    expect(statusOf(env.paths)).toMatchObject({ state: 'stopped', stopReason: expect.stringContaining('did not reach a safe point within 1 s') });
  });

  it('a new installation does not bill the moment it starts: it says when billing begins and how to bill now', async () => {
    env = await start();
    agent = spawnAgent(env.demo.configDir, ['--job', 'billing', '--billing-schedule', dailyScheduleAwayFromNow()]);
    const line = await agent.waitForLine(/billing of demo has never run; it begins at the next scheduled time/);
    expect(line).toContain('kmsp agent --once --job billing');
    await new Promise((r) => setTimeout(r, 1500));
    expect(adjustments(env)).toEqual([]);
    expect(statusOf(env.paths)!.jobs.billing.passes).toBe(0);
    agent.child.kill('SIGTERM');
    expect(await exitWithin(agent, 10_000)).toBe(0);
  });

  it('a scheduled time that finds a catch-up still running is not lost: it runs when the catch-up ends', async () => {
    env = await start();
    const expected = expectedPostings(Date.now());
    billedBefore(env);
    // The catch-up's first posting is held by the PSA until a scheduled time has come and been
    // skipped: the pass is still running then, whatever the machine's speed (a pass shorter than
    // the schedule's interval would let the scheduled time find nothing running).
    env.demo.autotask.inject({ endpoint: 'ContractServiceAdjustments', method: 'POST', kind: 'hold', count: 1 });
    agent = spawnAgent(env.demo.configDir, ['--job', 'billing', '--billing-schedule', '*/3 * * * * *']);
    await agent.waitForLine(/catching up: /);
    // Once the posting is held, the next scheduled time must find the pass running.
    const skipped = () => agent!.lines().filter((l) => /this scheduled pass is skipped \(never two at once\); what it owes runs when that pass ends/.test(l)).length;
    await until(() => env!.demo.autotask.heldRequests() > 0, 'the held posting', 30_000);
    const before = skipped();
    await until(() => skipped() > before, 'a scheduled time skipped while the catch-up runs', 30_000);
    env.demo.autotask.releaseHeld();
    await agent.waitForLine(/catching up: the billing run due at .* has not completed for demo \(a scheduled run came while the previous pass was running\); running it now/, 30_000);
    await until(() => statusOf(env!.paths)?.pid === agent!.child.pid && (statusOf(env!.paths)?.jobs.billing.passes ?? 0) >= 2, 'the owed pass', 30_000);
    agent.child.kill('SIGTERM');
    expect(await exitWithin(agent, 15_000)).toBe(0);
    expect(adjustments(env).sort()).toEqual(expected);
  }, 60_000);

  it('resumed while a paused (read-only) billing pass still runs: the owed billing runs when that pass ends', async () => {
    env = await start();
    const expected = expectedPostings(Date.now());
    expect((await runCli(['--config', env.demo.configDir, 'pause'])).code).toBe(0);
    // Each read of contract units takes 300 ms: the paused pass (it reads and reports) lasts a few seconds.
    env.demo.autotask.inject({ endpoint: 'ContractServiceUnits', kind: 'delay', delayMs: 300, count: 1000 });
    agent = spawnAgent(env.demo.configDir, ['--job', 'billing', '--billing-schedule', '*/5 * * * * *']);
    await until(() => statusOf(env!.paths)?.jobs.billing.running === true, 'a paused billing pass', 40_000);
    expect((await runCli(['--config', env.demo.configDir, 'resume'])).code).toBe(0);
    await agent.waitForLine(/has not completed for demo \(writes were paused\); running it now/, 40_000);
    await until(() => adjustments(env!).length === expected.length, 'the postings after resume', 40_000);
    agent.child.kill('SIGTERM');
    expect(await exitWithin(agent, 15_000)).toBe(0);
    expect(adjustments(env).sort()).toEqual(expected);
  });
});
