// The agent's status file (README › The agent, "Status"): what the running agent
// is doing, written atomically to the state directory ($STATE_DIRECTORY/status.json under
// systemd) after every change, and read by `kmsp status` and the console's Reports › Agent.
//
// There is no sd_notify here (Type=exec, README › Run as a service), so this file is how anyone learns whether
// the agent lives: a status whose pid is gone on this host, or that has not been refreshed for
// a while, is reported as such, never as "running".
import fs from 'node:fs';
import os from 'node:os';
import { writeFileAtomic } from './atomicFile.js';
import { ensureDir } from './paths.js';
import path from 'node:path';
import { AGENT_JOBS, AGENT_STATUS_VERSION, agentLiveness, type AgentJob, type AgentStatus, type LastLedgerRuns, type Liveness, type PassOutcome } from '../domain/agentStatus.js';
import { openLedgerToRead, type Ledger } from './ledger.js';

export * from '../domain/agentStatus.js';

/** Written with mode 0644: it holds no secret, and a person checking on the service may not be its user. */
export function writeAgentStatus(file: string, status: AgentStatus): void {
  ensureDir(path.dirname(file));
  writeFileAtomic(file, JSON.stringify(status, null, 2) + '\n', { mode: 0o644 });
}

/**
 * After an integration's rename: the status file names it by its new name (its list of
 * integrations, the per-integration API counts and health), so `kmsp status` and Reports › Agent do not
 * show a name the config no longer has. A running agent rewrites the file from its own state
 * within seconds of reloading the config; this covers a stopped agent's last status. Returns
 * whether the file was rewritten (false: no file, not readable, or the name is not in it).
 */
export function renameInAgentStatus(file: string, from: string, to: string): boolean {
  const read = readAgentStatus(file);
  if (read.state !== 'ok') return false;
  const status = read.status;
  const renameKey = <T>(record: Record<string, T> | undefined): Record<string, T> | undefined =>
    record && Object.hasOwn(record, from) ? Object.fromEntries(Object.entries(record).map(([k, v]) => [k === from ? to : k, v])) : record;
  const named =
    status.integrations.includes(from) || Object.hasOwn(status.api?.lastHour ?? {}, from) || Object.hasOwn(status.api?.psaBudget ?? {}, from) || Object.hasOwn(status.health ?? {}, from);
  if (!named) return false;
  const next: AgentStatus = {
    ...status,
    integrations: status.integrations.map((name) => (name === from ? to : name)),
    api: { ...status.api, lastHour: renameKey(status.api.lastHour) ?? {}, psaBudget: renameKey(status.api.psaBudget) ?? {} },
    ...(status.health ? { health: renameKey(status.health) ?? {} } : {}),
  };
  writeFileAtomic(file, JSON.stringify(next, null, 2) + '\n', { mode: fs.statSync(file).mode & 0o777 });
  return true;
}

export type StatusRead =
  | { state: 'missing' }
  | { state: 'unreadable'; reason: string }
  | { state: 'ok'; status: AgentStatus };

export function readAgentStatus(file: string): StatusRead {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { state: 'missing' };
    return { state: 'unreadable', reason: `${file}: ${(error as Error).message}` };
  }
  try {
    const parsed = JSON.parse(text) as Partial<AgentStatus>;
    if (parsed.version !== AGENT_STATUS_VERSION || typeof parsed.pid !== 'number' || !parsed.jobs) {
      return { state: 'unreadable', reason: `${file} is not a kmsp status file of version ${AGENT_STATUS_VERSION}` };
    }
    // Every reader shows each job; a file without one was written by another kmsp (or by hand).
    const missing = AGENT_JOBS.filter((job) => typeof parsed.jobs![job] !== 'object' || parsed.jobs![job] === null);
    if (missing.length > 0) return { state: 'unreadable', reason: `${file} holds no ${missing.join(' or ')} job: it was written by another version of kmsp` };
    return { state: 'ok', status: parsed as AgentStatus };
  } catch (error) {
    return { state: 'unreadable', reason: `${file} is not valid JSON (${(error as Error).message})` };
  }
}

/** agentLiveness as seen from this host, now. */
export function livenessNow(status: AgentStatus, now: Date = new Date()): Liveness {
  return agentLiveness(status, { now, host: os.hostname(), isAlive: pidAlive });
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user (the service's DynamicUser).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Each job's latest finished run in the ledger: with no status file, or an agent that is not
 * running, these are the runs of `kmsp agent --once` (README › The agent: the status says what ran).
 */
export function lastLedgerRuns(ledger: Pick<Ledger, 'listRuns'>, jobs: readonly AgentJob[] = AGENT_JOBS): LastLedgerRuns {
  const out: LastLedgerRuns = {};
  for (const job of jobs) {
    const run = ledger.listRuns({ job, limit: 20 }).find((r) => r.status !== 'running' && r.finishedAt !== null);
    if (run) out[job] = { id: run.id, job, startedAt: run.startedAt, finishedAt: run.finishedAt!, outcome: run.status as PassOutcome, dryRun: run.dryRun, summary: run.summary, error: run.error };
  }
  return out;
}

/** lastLedgerRuns of the ledger file, when there is one; none when it is missing or cannot be read (what reads the status stands without them). */
export function readLastLedgerRuns(ledgerFile: string): LastLedgerRuns {
  let ledger: Ledger | null = null;
  try {
    ledger = openLedgerToRead(ledgerFile);
    return ledger ? lastLedgerRuns(ledger) : {};
  } catch {
    return {};
  } finally {
    ledger?.close();
  }
}
