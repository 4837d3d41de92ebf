// The agent's status in words (domain/agentStatusText.ts): what `kmsp status` prints and
// Reports › Agent shows, from a status, its liveness and a fixed "now".
import { describe, expect, it } from 'vitest';
import { AGENT_STATUS_VERSION, agentLiveness, emptyJobStatus, type AgentStatus } from '../../source/domain/agentStatus.js';
import {
  configLines,
  agentStartCommand,
  agentStatusLines,
  apiLines,
  formatDuration,
  formatTime,
  formatTimeShort,
  formatWhen,
  isAgentRunning,
  jobLines,
  livenessLine,
  missingStatusLines,
  shellWord,
} from '../../source/domain/agentStatusText.js';

const NOW = new Date('2025-01-30T10:05:00Z');
const at = (s: number) => new Date(NOW.getTime() + s * 1000).toISOString();
const UTC = { now: NOW, timeZone: 'UTC' };

function status(over: Partial<AgentStatus> = {}): AgentStatus {
  return {
    version: AGENT_STATUS_VERSION,
    pid: 1234,
    host: 'host-a',
    kmspVersion: '0.1.0',
    startedAt: at(-3 * 3600),
    updatedAt: at(-10),
    state: 'running',
    stoppedAt: null,
    stopReason: null,
    paused: false,
    configFile: '/etc/kmsp/config.json',
    configLoadedAt: at(-3600),
    configError: null,
    timeZone: 'UTC',
    integrations: ['demo'],
    jobs: {
      billing: { ...emptyJobStatus('cron “0 4 * * *” (UTC)'), lastStartedAt: at(-6 * 3600 - 60), lastFinishedAt: at(-6 * 3600), lastOutcome: 'ok', lastSummary: 'billing demo: 3 postings', nextRunAt: at(18 * 3600 - 300), passes: 1 },
      tickets: { ...emptyJobStatus('every 60 s'), lastFinishedAt: at(-20), lastStartedAt: at(-22), lastOutcome: 'failed', lastError: 'Autotask: 401\nUnauthorized', lastErrorAt: at(-20), nextRunAt: at(40), passes: 12, overlapsSkipped: 2 },
    },
    api: { lastHour: { demo: { platform: 1200, psa: 40 } }, psaBudget: { demo: { used: 8500, limit: 10000, timeframeMinutes: 60, readAt: at(-60), psa: 'Autotask' } } },
    ...over,
  };
}

describe('times and durations', () => {
  it('formats durations with two units at most', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(59_000)).toBe('59 s');
    expect(formatDuration(-12 * 60_000)).toBe('12 min');
    expect(formatDuration((2 * 60 + 5) * 60_000)).toBe('2 h 5 min');
    expect(formatDuration(3 * 3600_000)).toBe('3 h');
    expect(formatDuration((3 * 24 + 4) * 3600_000)).toBe('3 d 4 h');
  });

  it('shows the time alone today and the date on other days, in the given zone', () => {
    expect(formatTime('2025-01-30T04:00:00Z', UTC)).toBe('04:00');
    expect(formatTime('2025-01-29T23:30:00Z', UTC)).toBe('2025-01-29 23:30');
    // 23:30 UTC on the 29th is already the 30th in Tokyo, like "now".
    expect(formatTime('2025-01-29T23:30:00Z', { now: NOW, timeZone: 'Asia/Tokyo' })).toBe('08:30');
    expect(formatTime('not a date', UTC)).toBe('not a date');
    // An unknown zone (a hand-edited status) falls back to UTC instead of throwing.
    expect(formatTime('2025-01-30T04:00:00Z', { now: NOW, timeZone: 'Mars/Olympus' })).toBe('04:00');
  });

  it('adds how long ago or how soon', () => {
    expect(formatWhen(at(-180), UTC)).toBe('10:02 (3 min ago)');
    expect(formatWhen(at(17 * 3600 + 55 * 60), UTC)).toBe('2025-01-31 04:00 (in 17 h 55 min)');
    expect(formatWhen(at(0), UTC)).toBe('10:05 (now)');
  });

  it('keeps table cells short', () => {
    expect(formatTimeShort('2025-01-30T04:00:00Z', UTC)).toBe('04:00');
    expect(formatTimeShort('2025-01-02T04:00:00Z', UTC)).toBe('01-02 04:00');
    expect(formatTimeShort('2024-12-31T04:00:00Z', UTC)).toBe('2024-12-31');
  });
});

describe('liveness line', () => {
  it('says running with pid, host, start and version', () => {
    const line = livenessLine(status(), 'running', UTC);
    expect(line).toEqual({ text: 'Agent: running (pid 1234 on host-a), started 07:05 (3 h ago), kmsp 0.1.0', level: 'good' });
    expect(isAgentRunning('running')).toBe(true);
  });

  it('says a dead pid is gone, with the time of its last status', () => {
    const s = status({ updatedAt: '2025-01-30T10:02:00Z' });
    expect(agentLiveness(s, { now: NOW, host: 'host-a', isAlive: () => false })).toBe('gone');
    const line = livenessLine(s, 'gone', UTC);
    expect(line.text).toMatch(/^Agent: not running — process 1234 is gone \(last status 10:02\)/u);
    expect(line.level).toBe('error');
    expect(isAgentRunning('gone')).toBe(false);
  });

  it('says stale, stopped (with the reason) and failed', () => {
    expect(livenessLine(status({ updatedAt: at(-600) }), 'stale', UTC).text).toMatch(/^Agent: stale — no status update since 09:55 \(10 min ago\)/u);
    expect(livenessLine(status({ state: 'stopped', stoppedAt: at(-60), stopReason: 'SIGTERM' }), 'stopped', UTC).text).toBe('Agent: stopped at 10:04 (SIGTERM)');
    const failed = livenessLine(status({ state: 'failed', stoppedAt: at(-60), stopReason: 'config.json cannot be used' }), 'stopped', UTC);
    expect(failed).toEqual({ text: 'Agent: failed at 10:04 (config.json cannot be used)', level: 'error' });
    expect(livenessLine(status({ state: 'stopping' }), 'stopping', UTC).text).toMatch(/^Agent: stopping \(pid 1234 on host-a\)/u);
  });
});

describe('jobs and API', () => {
  it('gives each job its schedule, last run, next run, summary, error and counters', () => {
    const s = status();
    expect(jobLines('billing', s.jobs.billing, 'running', UTC).map((l) => l.text)).toEqual([
      'Billing: cron “0 4 * * *” (UTC) · last ok 04:05 (6 h ago) · next 2025-01-31 04:00 (in 17 h 55 min)',
      '  billing demo: 3 postings',
      '  1 pass, no overlap skipped',
    ]);
    const tickets = jobLines('tickets', s.jobs.tickets, 'running', UTC);
    expect(tickets[0]).toEqual({ text: 'Tickets: every 60 s · last failed 10:04 (20 s ago) · next 10:05 (in 40 s)', level: 'error' });
    // A multi-line error is one line on the terminal.
    expect(tickets).toContainEqual({ text: '  Last error (10:04): Autotask: 401 Unauthorized', level: 'error' });
    expect(tickets).toContainEqual({ text: '  12 passes, 2 overlaps skipped (a pass outlasted its interval)', level: 'warning' });
  });

  it('has no next run when the agent does not run, and shows a pass in progress', () => {
    const s = status();
    expect(jobLines('billing', s.jobs.billing, 'gone', UTC)[0]!.text).toContain('no next run (the agent is not running)');
    const running = { ...s.jobs.billing, running: true, runningSince: at(-30) };
    expect(jobLines('billing', running, 'running', UTC)[0]!.text).toContain('running since 10:04 (30 s ago)');
    expect(jobLines('billing', emptyJobStatus('every 60 s'), 'running', UTC)[0]!.text).toBe('Billing: every 60 s · no run yet · no next run scheduled');
  });

  it('compact: when first, schedule last, counters only when something was skipped', () => {
    const s = status();
    const billing = jobLines('billing', s.jobs.billing, 'running', { ...UTC, compact: true });
    expect(billing.map((l) => l.text)).toEqual(['Billing: last ok 04:05 (6 h ago) · next 2025-01-31 04:00 (in 17 h 55 min) · cron “0 4 * * *” (UTC)', '  billing demo: 3 postings']);
  });

  it('shows requests per integration and the Autotask budget, a warning from 80 %', () => {
    expect(apiLines(status(), UTC)).toEqual([{ text: 'API requests, last hour, demo: platform 1,200, PSA 40 requests · Autotask budget 8,500 of 10,000 per 60 min (85%, read 10:04)', level: 'warning' }]);
    expect(apiLines(status({ api: { lastHour: {}, psaBudget: { demo: null } } }), UTC)).toEqual([{ text: 'API requests, last hour, demo: no requests', level: 'normal' }]);
  });
});

describe('the whole status', () => {
  it('lists state, pause, config, jobs and API in order', () => {
    const text = agentStatusLines(status({ paused: true, configError: '2025-01-30T10:00:00Z: config.json: agent.timeZone: unknown' }), 'running', UTC).map((l) => l.text);
    expect(text[0]).toMatch(/^Agent: running/u);
    expect(text[1]).toBe('Paused: yes — no PSA writes (no postings, no tickets) until resumed (kmsp resume)');
    expect(text[2]).toBe('Config in force: /etc/kmsp/config.json, loaded 09:05');
    expect(text[3]).toMatch(/^Last config change refused \(the config above stays in force\): .*unknown$/u);
    expect(text[4]).toBe('Integrations: demo · times in UTC');
    expect(text.findIndex((l) => l.startsWith('Billing:'))).toBeLessThan(text.findIndex((l) => l.startsWith('Tickets:')));
    expect(text.at(-1)).toMatch(/^API requests, last hour, demo:/u);
  });

  it('uses the agent’s time zone', () => {
    const text = agentStatusLines(status({ timeZone: 'Asia/Tokyo' }), 'running', UTC).map((l) => l.text);
    expect(text).toContain('Integrations: demo · times in Asia/Tokyo');
    expect(text[0]).toContain('started 16:05');
  });

  it('says how to start an agent that never ran, with the same files', () => {
    expect(missingStatusLines('/s/status.json', agentStartCommand('/tmp/my dir')).map((l) => l.text)).toEqual([
      'Agent: has not run with this state directory',
      'No status file at /s/status.json',
      "Start it with: kmsp --config '/tmp/my dir' agent",
      'or as a systemd service: see the README, “Run as a service”',
    ]);
    expect(agentStartCommand()).toBe('kmsp agent');
    expect(shellWord("it's")).toBe(`'it'\\''s'`);
  });

  it('names the runs of kmsp agent --once from the ledger instead of saying nothing ran', () => {
    const runs = {
      billing: { id: 1, job: 'billing' as const, startedAt: at(-300), finishedAt: at(-240), outcome: 'ok' as const, dryRun: false, summary: { integration: 'demo', posted: 14, errors: 0 }, error: null },
      tickets: { id: 2, job: 'tickets' as const, startedAt: at(-200), finishedAt: at(-180), outcome: 'partial' as const, dryRun: false, summary: { integration: 'demo', created: 65, closed: 0, errors: 1 }, error: 'Acme: Autotask said 500' },
    };
    const lines = missingStatusLines('/s/status.json', 'kmsp agent', { runs, options: UTC });
    expect(lines.map((l) => l.text)).toEqual([
      'Agent: not running; last runs by kmsp agent --once:',
      'Billing: last --once ok 10:01 (4 min ago) · no next run (the agent is not running)',
      '  billing demo: 14 postings, 0 errors (ledger run 1)',
      'Tickets: last --once partial 10:02 (3 min ago) · no next run (the agent is not running)',
      '  tickets demo: 65 created, 0 closed, 1 error (ledger run 2)',
      '  Last error (10:02): Acme: Autotask said 500',
      'No status file at /s/status.json: only a running agent writes one (kmsp agent --once does not)',
      'Start it with: kmsp agent',
      'or as a systemd service: see the README, “Run as a service”',
    ]);
    expect(lines.map((l) => l.level)).toEqual(['warning', 'normal', 'muted', 'warning', 'muted', 'error', 'muted', 'normal', 'muted']);
    expect(lines.map((l) => l.text).join('\n')).not.toContain('has not run');
    // A failed run makes the first line an error; with no runs at all, nothing ran indeed.
    expect(missingStatusLines('/s/status.json', 'kmsp agent', { runs: { billing: { ...runs.billing, outcome: 'failed' } }, options: UTC })[0]!.level).toBe('error');
    expect(missingStatusLines('/s/status.json', 'kmsp agent', { runs: {}, options: UTC })[0]!.text).toBe('Agent: has not run with this state directory');
  });

  it('a stopped agent shows the --once runs made after it stopped; a running one is left to take them over itself', () => {
    const run = { id: 9, job: 'billing' as const, startedAt: at(-120), finishedAt: at(-60), outcome: 'ok' as const, dryRun: false, summary: { integration: 'demo', posted: 2, errors: 0 }, error: null };
    const stopped = status({ state: 'stopped', stoppedAt: at(-3600) });
    const text = agentStatusLines(stopped, 'stopped', UTC, { billing: run }).map((l) => l.text);
    expect(text).toContain('Billing: cron “0 4 * * *” (UTC) · last ok 10:04 (1 min ago) · no next run (the agent is not running)');
    expect(text).toContain('  billing demo: 2 postings, 0 errors (ledger run 9, kmsp agent --once)');
    // Older than what the agent ran: the agent's own last run stays.
    const older = { ...run, finishedAt: at(-7 * 3600) };
    expect(agentStatusLines(stopped, 'stopped', UTC, { billing: older }).map((l) => l.text)).toContain('  billing demo: 3 postings');
    expect(agentStatusLines(status(), 'running', UTC, { billing: run }).map((l) => l.text)).toContain('  billing demo: 3 postings');
  });
});

describe('config line', () => {
  it('a running agent has a config in force; a failed one only names its file', () => {
    expect(configLines(status({ configLoadedAt: null }), UTC)[0]!.text).toMatch(/^Config in force: /);
    expect(configLines(status({ state: 'failed', configLoadedAt: null }), UTC)[0]!.text).toMatch(/^Config: .* \(not loaded\)$/);
  });
});
