// The agent's status as data (README › The agent, "Status"; Reports › Agent): what the running agent
// writes to its status file (store/agentStatus.ts) and what `kmsp status` and the console show.
// Pure: no I/O; whether a pid lives is asked of the caller.

export const AGENT_STATUS_VERSION = 1;
/** The agent rewrites its status at least this often while it runs (a heartbeat). */
export const STATUS_REFRESH_MS = 30_000;
/** A running status older than this is stale: the agent is hung or died without a word. */
export const STATUS_STALE_MS = 3 * STATUS_REFRESH_MS;

export type AgentJob = 'billing' | 'tickets';
export const AGENT_JOBS: readonly AgentJob[] = ['billing', 'tickets'];

/** ok/partial/failed as the ledger's runs; abandoned: stopped at a safe point (SIGTERM, pause). */
export type PassOutcome = 'ok' | 'partial' | 'failed' | 'abandoned';

export interface JobStatus {
  /** How the job is scheduled, in words: “cron “0 4 * * *” (Europe/London)”, “every 60 s”. */
  schedule: string;
  running: boolean;
  runningSince: string | null;
  lastStartedAt: string | null;
  lastFinishedAt: string | null;
  lastOutcome: PassOutcome | null;
  /** The pass's one-line summary (the same line the log carries). */
  lastSummary: string | null;
  /** The last pass's errors (first lines), null when it had none. */
  lastError: string | null;
  /** When an error was last seen (it may be older than the last pass). */
  lastErrorAt: string | null;
  nextRunAt: string | null;
  /** Passes finished since the agent started. */
  passes: number;
  /** Schedule ticks skipped because the previous pass was still running. */
  overlapsSkipped: number;
}

export interface ApiUsage {
  /** HTTP requests this agent made in the last rolling hour, per integration and side. */
  lastHour: Record<string, { platform: number; psa: number }>;
  /** The PSA's own account of its API budget (Autotask ThresholdInformation), per integration, as last read. */
  psaBudget: Record<string, { used: number; limit: number; timeframeMinutes: number; readAt: string; /** The PSA's name (absent in a status written before it was recorded). */ psa?: string } | null>;
}

export type AgentState = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

export interface AgentStatus {
  version: typeof AGENT_STATUS_VERSION;
  pid: number;
  host: string;
  kmspVersion: string;
  startedAt: string;
  updatedAt: string;
  state: AgentState;
  stoppedAt: string | null;
  /** Why the agent stopped or failed (signal name, fatal error line). */
  stopReason: string | null;
  /** agent.paused of the config in force: no PSA writes. */
  paused: boolean;
  configFile: string;
  /** When the config in force was loaded. */
  configLoadedAt: string | null;
  /** The last config change that was refused (the previous config kept running), null once a good one loads. */
  configError: string | null;
  timeZone: string;
  integrations: string[];
  jobs: Record<AgentJob, JobStatus>;
  api: ApiUsage;
  /**
   * Integrations not healthy now (README › Health notifications): since when, the failing checks,
   * the health ticket's number once opened. Absent or without an entry: healthy (or not watched).
   */
  health?: Record<string, { since: string; checks: string[]; ticket: string | null }>;
}

export function emptyJobStatus(schedule: string): JobStatus {
  return {
    schedule,
    running: false,
    runningSince: null,
    lastStartedAt: null,
    lastFinishedAt: null,
    lastOutcome: null,
    lastSummary: null,
    lastError: null,
    lastErrorAt: null,
    nextRunAt: null,
    passes: 0,
    overlapsSkipped: 0,
  };
}

/**
 * Whether the agent behind a status is alive:
 * - running: its state says so, it refreshed recently, and (same host) its pid exists;
 * - gone: its state says running but its process is gone (killed, crashed): nobody runs the jobs;
 * - stale: no refresh for STATUS_STALE_MS (another host's agent, or a hung one);
 * - stopped: it stopped or failed and said so.
 */
export type Liveness = 'running' | 'stopping' | 'gone' | 'stale' | 'stopped';

export function agentLiveness(status: AgentStatus, probe: { now: Date; host: string; isAlive: (pid: number) => boolean }): Liveness {
  const now = probe.now;
  if (status.state === 'stopped' || status.state === 'failed') return 'stopped';
  if (status.host === probe.host && !probe.isAlive(status.pid)) return 'gone';
  if (now.getTime() - Date.parse(status.updatedAt) > STATUS_STALE_MS) return 'stale';
  return status.state === 'stopping' ? 'stopping' : 'running';
}


/**
 * A finished run of a job as the ledger records it. `kmsp agent --once` leaves only these (it
 * writes no status file), so they are how `kmsp status` and Reports › Agent learn of its runs.
 */
export interface LedgerRun {
  id: number;
  job: AgentJob;
  startedAt: string;
  finishedAt: string;
  outcome: PassOutcome;
  dryRun: boolean;
  /** What the job recorded: { integration, posted, errors, … } (billing) or { integration, created, closed, errors, … } (tickets). */
  summary: unknown;
  error: string | null;
}

/** Each job's latest finished run in the ledger (a job with none is left out). */
export type LastLedgerRuns = Partial<Record<AgentJob, LedgerRun>>;

/** "billing demo: 14 postings, 0 errors": a ledger run in the words of a pass summary. */
export function ledgerRunSummary(run: LedgerRun): string {
  const x = (run.summary ?? {}) as Record<string, unknown>;
  const n = (k: string) => (typeof x[k] === 'number' ? (x[k] as number) : 0);
  const count = (k: string, one: string, many: string) => `${n(k)} ${n(k) === 1 ? one : many}`;
  const errors = count('errors', 'error', 'errors');
  const what = run.job === 'billing' ? `${count('posted', 'posting', 'postings')}, ${errors}` : `${n('created')} created, ${n('closed')} closed, ${errors}`;
  return `${run.job} ${typeof x.integration === 'string' ? x.integration : ''}: ${what}`.replace(/ {2,}/g, ' ');
}

/**
 * A job's status with a ledger run taken over as its last run, when that run is newer than the
 * last one the status knows; `by` says whose run it was ("kmsp agent --once", "not by this agent
 * process"). The job itself is returned when the run adds nothing.
 */
export function adoptLedgerRun(job: JobStatus, run: LedgerRun | undefined, by: string): JobStatus {
  if (!run || job.running || (job.lastFinishedAt && Date.parse(run.finishedAt) <= Date.parse(job.lastFinishedAt))) return job;
  return {
    ...job,
    lastStartedAt: run.startedAt,
    lastFinishedAt: run.finishedAt,
    lastOutcome: run.outcome,
    lastSummary: `${ledgerRunSummary(run)} (ledger run ${run.id}, ${run.dryRun ? 'dry run, ' : ''}${by})`,
    lastError: run.error ? run.error.split('\n').slice(0, 5).join('\n') : null,
    lastErrorAt: run.error ? run.finishedAt : job.lastErrorAt,
  };
}
