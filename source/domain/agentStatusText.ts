// The agent's status in words (Reports › Agent; README › The agent, "Status"): the lines `kmsp status`
// prints and the console's Reports › Agent shows, from one status, its liveness and "now".
// Pure (no I/O, no clock): the caller reads the file, probes the pid and passes the time, so
// the command, the console and the tests get the same text.
import { CHECK_WORDS, type HealthCheck } from './healthChecks.js';
import { adoptLedgerRun, AGENT_JOBS, ledgerRunSummary, type AgentJob, type AgentStatus, type JobStatus, type LastLedgerRuns, type LedgerRun, type Liveness } from './agentStatus.js';
import { calendarDate } from './dates.js';

/** How a line wants to be shown; the console maps it to a colour, the words already say it. */
export type StatusLevel = 'normal' | 'good' | 'warning' | 'error' | 'muted' | 'title';

export interface StatusLine {
  text: string;
  level: StatusLevel;
}

export interface StatusTextOptions {
  now: Date;
  /** IANA zone the times are shown in (the agent's, from the status); an unknown zone falls back to UTC. */
  timeZone: string;
}

const JOB_TITLE: Record<AgentJob, string> = { billing: 'Billing', tickets: 'Tickets' };

function usableZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

/** "3 s", "12 min", "2 h 5 min", "3 d 4 h": two units at most, enough to judge at a glance. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(Math.abs(ms) / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** "10:02" today, "2025-01-30 10:02" on another day (in the given zone). Invalid input is shown as given. */
export function formatTime(iso: string, options: StatusTextOptions): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const timeZone = usableZone(options.timeZone);
  const hm = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  const day = calendarDate(at, timeZone);
  return day === calendarDate(options.now, timeZone) ? hm : `${day} ${hm}`;
}

/** For table cells: "10:02" today, "01-30 10:02" this year, "2024-12-30" before (11 cells at most). */
export function formatTimeShort(iso: string, options: StatusTextOptions): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const timeZone = usableZone(options.timeZone);
  const day = calendarDate(at, timeZone);
  const today = calendarDate(options.now, timeZone);
  if (day.slice(0, 4) !== today.slice(0, 4)) return day;
  const hm = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  return day === today ? hm : `${day.slice(5)} ${hm}`;
}

/** "10:02 (3 min ago)" or "04:00 (in 17 h 3 min)". */
export function formatWhen(iso: string, options: StatusTextOptions): string {
  const ms = Date.parse(iso) - options.now.getTime();
  if (Number.isNaN(ms)) return iso;
  const rel = Math.abs(ms) < 1000 ? 'now' : ms < 0 ? `${formatDuration(ms)} ago` : `in ${formatDuration(ms)}`;
  return `${formatTime(iso, options)} (${rel})`;
}

const formatCount = (n: number) => n.toLocaleString('en-US');

/** Whether the agent is working now: what `kmsp status` exits 0 for. */
export function isAgentRunning(liveness: Liveness): boolean {
  return liveness === 'running';
}

/** The first line: is anyone running the jobs? */
export function livenessLine(status: AgentStatus, liveness: Liveness, options: StatusTextOptions): StatusLine {
  const where = `pid ${status.pid} on ${status.host}`;
  switch (liveness) {
    case 'running':
      return { text: `Agent: running (${where}), started ${formatWhen(status.startedAt, options)}, kmsp ${status.kmspVersion}`, level: 'good' };
    case 'stopping':
      return { text: `Agent: stopping (${where}): finishing or abandoning the work in flight`, level: 'warning' };
    case 'gone':
      return { text: `Agent: not running — process ${status.pid} is gone (last status ${formatTime(status.updatedAt, options)}); it stopped without saying so (killed or crashed)`, level: 'error' };
    case 'stale':
      return {
        text: `Agent: stale — no status update since ${formatWhen(status.updatedAt, options)} (${where}); it may be hung, or gone on another host`,
        level: 'error',
      };
    case 'stopped': {
      const at = status.stoppedAt ?? status.updatedAt;
      const why = status.stopReason ? ` (${status.stopReason})` : '';
      const failed = status.state === 'failed';
      return { text: `Agent: ${failed ? 'failed' : 'stopped'} at ${formatTime(at, options)}${why}`, level: failed ? 'error' : 'muted' };
    }
  }
}

/** Paused, and what to do about it. */
export function pausedLine(status: AgentStatus, resumeHint = 'kmsp resume'): StatusLine {
  return status.paused
    ? { text: `Paused: yes — no PSA writes (no postings, no tickets) until resumed (${resumeHint})`, level: 'warning' }
    : { text: 'Paused: no', level: 'normal' };
}

export function configLines(status: AgentStatus, options: StatusTextOptions): StatusLine[] {
  const loaded = status.configLoadedAt ? `, loaded ${formatTime(status.configLoadedAt, options)}` : '';
  // A stopped or failed agent has no config in force: it names the file it was (or would be) using.
  const live = status.state === 'running' || status.state === 'starting' || status.state === 'stopping';
  const label = live ? 'Config in force' : 'Config';
  const lines: StatusLine[] = [{ text: `${label}: ${status.configFile}${loaded || (live ? '' : ' (not loaded)')}`, level: 'normal' }];
  if (status.configError) {
    lines.push({ text: `Last config change refused (the config above stays in force): ${oneLine(status.configError)}`, level: 'error' });
  }
  return lines;
}

function oneLine(text: string): string {
  // Status text comes from errors and vendor messages: one line, no control characters.
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/gu, ' ').replace(/\s+/gu, ' ').trim();
}

function lastRun(job: JobStatus, options: StatusTextOptions): string {
  if (!job.lastStartedAt && !job.lastFinishedAt) return 'no run yet';
  const when = job.lastFinishedAt ?? job.lastStartedAt!;
  return `last ${job.lastOutcome ? `${job.lastOutcome} ` : ''}${formatWhen(when, options)}`;
}

function nextRun(job: JobStatus, liveness: Liveness, options: StatusTextOptions): string {
  if (liveness !== 'running') return 'no next run (the agent is not running)';
  if (job.running && job.runningSince) return `running since ${formatWhen(job.runningSince, options)}`;
  return job.nextRunAt ? `next ${formatWhen(job.nextRunAt, options)}` : 'no next run scheduled';
}

const outcomeLevel = (job: JobStatus): StatusLevel =>
  job.lastOutcome === 'failed' ? 'error' : job.lastOutcome === 'partial' || job.lastOutcome === 'abandoned' ? 'warning' : 'normal';

/**
 * One job: a heading with schedule, last and next run, then its summary, its error and its
 * counters. `compact` (the console) joins the counters to the heading.
 */
export function jobLines(name: AgentJob, job: JobStatus, liveness: Liveness, options: StatusTextOptions & { compact?: boolean }): StatusLine[] {
  const counters = `${job.passes} pass${job.passes === 1 ? '' : 'es'}${job.overlapsSkipped ? `, ${job.overlapsSkipped} overlap${job.overlapsSkipped === 1 ? '' : 's'} skipped (a pass outlasted its interval)` : ', no overlap skipped'}`;
  // Compact (the console's narrower pane): when it ran and runs first, the schedule last (it is cut first).
  const heading = options.compact
    ? `${JOB_TITLE[name]}: ${lastRun(job, options)} · ${nextRun(job, liveness, options)} · ${job.schedule}`
    : `${JOB_TITLE[name]}: ${job.schedule} · ${lastRun(job, options)} · ${nextRun(job, liveness, options)}`;
  const lines: StatusLine[] = [{ text: heading, level: outcomeLevel(job) }];
  if (job.lastSummary) lines.push({ text: `  ${oneLine(job.lastSummary)}`, level: 'muted' });
  if (job.lastError) {
    const at = job.lastErrorAt ? ` (${formatTime(job.lastErrorAt, options)})` : '';
    lines.push({ text: `  Last error${at}: ${oneLine(job.lastError)}`, level: 'error' });
  }
  if (!options.compact || job.overlapsSkipped) lines.push({ text: `  ${counters}`, level: job.overlapsSkipped ? 'warning' : 'muted' });
  return lines;
}

/** Requests in the last hour per integration, and each PSA's own budget where it reports one. */
export function apiLines(status: AgentStatus, options: StatusTextOptions & { compact?: boolean }): StatusLine[] {
  const names = [...new Set([...status.integrations, ...Object.keys(status.api.lastHour), ...Object.keys(status.api.psaBudget)])];
  if (names.length === 0) return [{ text: 'API, last hour: no integration', level: 'muted' }];
  return names.map((name) => {
    const used = status.api.lastHour[name];
    const requests = used ? `platform ${formatCount(used.platform)}, PSA ${formatCount(used.psa)}${options.compact ? '' : ' requests'}` : 'no requests';
    const budget = status.api.psaBudget[name];
    let tail = '';
    let level: StatusLevel = 'normal';
    if (budget) {
      const share = budget.limit > 0 ? budget.used / budget.limit : 0;
      const read = options.compact ? '' : `, read ${formatTime(budget.readAt, options)}`;
      tail = ` · ${budget.psa ?? 'PSA'} budget ${formatCount(budget.used)} of ${formatCount(budget.limit)} per ${budget.timeframeMinutes} min (${Math.round(share * 100)}%${read})`;
      // A PSA with a budget refuses requests past its threshold; from 80 % the agent slows down.
      if (share >= 0.8) level = 'warning';
    }
    return { text: `${options.compact ? 'API' : 'API requests'}, last hour, ${name}: ${requests}${tail}`, level };
  });
}

/** Who ran the ledger runs a status does not know of: no agent runs, so `kmsp agent --once` did. */
export const ONCE_RUN = 'kmsp agent --once';

/**
 * The status with the ledger's newer runs taken over, when no agent is running: an agent that
 * stopped (or is gone) did not run them, `kmsp agent --once` did. A running agent takes them
 * over itself (Daemon.adoptLedgerRuns), and one that is stopping may still finish its own.
 */
export function withOnceRuns(status: AgentStatus, liveness: Liveness, runs: LastLedgerRuns): AgentStatus {
  if (liveness === 'running' || liveness === 'stopping') return status;
  const jobs = { ...status.jobs };
  for (const job of AGENT_JOBS) jobs[job] = adoptLedgerRun(jobs[job], runs[job], ONCE_RUN);
  return { ...status, jobs };
}

/** Everything `kmsp status` prints, in order; `runs`, the ledger's last runs, add what `kmsp agent --once` did since. */
export function agentStatusLines(status: AgentStatus, liveness: Liveness, options: StatusTextOptions, runs: LastLedgerRuns = {}): StatusLine[] {
  const zone = usableZone(status.timeZone);
  const o = { ...options, timeZone: zone };
  const shown = withOnceRuns(status, liveness, runs);
  return [
    livenessLine(shown, liveness, o),
    pausedLine(shown),
    ...configLines(shown, o),
    { text: `Integrations: ${shown.integrations.length ? shown.integrations.join(', ') : 'none'} · times in ${zone}`, level: 'normal' },
    ...healthLines(shown, o),
    ...AGENT_JOBS.flatMap((job) => jobLines(job, shown.jobs[job], liveness, o)),
    ...apiLines(shown, o),
  ];
}

/** One line per integration that is not healthy now; none when all are. */
export function healthLines(status: AgentStatus, options: StatusTextOptions): StatusLine[] {
  return Object.entries(status.health ?? {}).map(([name, h]) => ({
    text: `Not healthy, ${name}: since ${formatTime(h.since, options)} — ${h.checks.map((c) => CHECK_WORDS[c as HealthCheck] ?? c).join(', ')}${h.ticket ? ` · health ticket ${h.ticket}` : ''}`,
    level: 'error' as const,
  }));
}

const runLevel = (run: LedgerRun): StatusLevel => (run.outcome === 'failed' ? 'error' : run.outcome === 'partial' || run.outcome === 'abandoned' ? 'warning' : 'normal');

/**
 * The last runs of `kmsp agent --once` when no agent has written a status: a line saying no agent
 * runs, then per job its last run (as `jobLines` heads a job), summary and error. Empty when the
 * ledger has none.
 */
export function onceRunLines(runs: LastLedgerRuns, options: StatusTextOptions): StatusLine[] {
  const list = AGENT_JOBS.flatMap((job) => (runs[job] ? [runs[job]!] : []));
  if (list.length === 0) return [];
  const o = { ...options, timeZone: usableZone(options.timeZone) };
  const lines: StatusLine[] = [{ text: `Agent: not running; last runs by ${ONCE_RUN}:`, level: list.some((r) => r.outcome === 'failed') ? 'error' : 'warning' }];
  for (const run of list) {
    lines.push({ text: `${JOB_TITLE[run.job]}: last --once${run.dryRun ? ' (dry run)' : ''} ${run.outcome} ${formatWhen(run.finishedAt, o)} · no next run (the agent is not running)`, level: runLevel(run) });
    lines.push({ text: `  ${ledgerRunSummary(run)} (ledger run ${run.id})`, level: 'muted' });
    if (run.error) lines.push({ text: `  Last error (${formatTime(run.finishedAt, o)}): ${oneLine(run.error)}`, level: 'error' });
  }
  return lines;
}

/**
 * No status file: no agent has run with this state directory (it writes one as it starts).
 * `once`, the ledger's last runs and how to show their times, names what `kmsp agent --once` ran,
 * so the words agree with the postings and tickets listed beside them.
 */
export function missingStatusLines(statusFile: string, startCommand = 'kmsp agent', once?: { runs: LastLedgerRuns; options: StatusTextOptions }): StatusLine[] {
  const ran = once ? onceRunLines(once.runs, once.options) : [];
  const systemd = 'or as a systemd service: see the README, “Run as a service”';
  if (ran.length === 0) {
    return [
      { text: 'Agent: has not run with this state directory', level: 'warning' },
      { text: `No status file at ${statusFile}`, level: 'normal' },
      { text: `Start it with: ${startCommand}`, level: 'normal' },
      { text: systemd, level: 'normal' },
    ];
  }
  // Muted: a short pane keeps the runs and the start command before these.
  return [
    ...ran,
    { text: `No status file at ${statusFile}: only a running agent writes one (${ONCE_RUN} does not)`, level: 'muted' },
    { text: `Start it with: ${startCommand}`, level: 'normal' },
    { text: systemd, level: 'muted' },
  ];
}

/** A path as one shell word, so a hint can be pasted as it is. */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/u.test(text) ? text : `'${text.replace(/'/gu, `'\\''`)}'`;
}

/** How to start the agent on the same files: a config directory given with --config travels with the hint. */
export function agentStartCommand(configDir?: string): string {
  return configDir ? `kmsp --config ${shellWord(configDir)} agent` : 'kmsp agent';
}
