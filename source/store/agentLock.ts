// One long-running agent per state directory. Two agents on one ledger would each schedule
// every job (the run lock keeps their passes apart, but the work and API use double) and
// overwrite each other's status file. The common way to get there is an admin starting
// `kmsp agent` by hand while the service runs.
//
// `agent.lock` is created with O_EXCL and holds the owner's pid, host and start; it lives as
// long as the agent and is removed when it exits. A lock left by an agent that died is taken
// over when its process is gone on this host, or when its status file says it stopped or has
// not been refreshed (a pid reused by an unrelated process, or an agent on another host that
// shares the directory and is gone).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KmspError } from '../domain/errors.js';
import { agentLiveness } from '../domain/agentStatus.js';
import { pidAlive, readAgentStatus } from './agentStatus.js';
import { ensureDir, type KmspPaths } from './paths.js';

export interface AgentLock {
  readonly file: string;
  /** Removes the lock if it is still this process's. Safe to call more than once. */
  release(): void;
}

interface Owner {
  pid: number;
  host: string;
  startedAt: string;
}

export function agentLockFile(paths: Pick<KmspPaths, 'stateDir'>): string {
  return path.join(paths.stateDir, 'agent.lock');
}

function readOwner(file: string): Owner | null {
  try {
    const o = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Owner>;
    return typeof o.pid === 'number' && typeof o.host === 'string' ? (o as Owner) : null;
  } catch {
    return null;
  }
}

/** Why the holder is no longer an agent, or null while it is one. */
function goneReason(owner: Owner | null, paths: Pick<KmspPaths, 'statusFile'>, now: Date): string | null {
  if (!owner) return 'the lock file is unreadable';
  if (owner.host === os.hostname() && (owner.pid === process.pid || !pidAlive(owner.pid))) return `its process ${owner.pid} is gone`;
  const status = readAgentStatus(paths.statusFile);
  if (status.state === 'ok' && status.status.pid === owner.pid && status.status.host === owner.host) {
    const live = agentLiveness(status.status, { now, host: os.hostname(), isAlive: pidAlive });
    if (live === 'stopped' || live === 'stale' || live === 'gone') return `its status says ${live}`;
  }
  return null;
}

export function acquireAgentLock(paths: Pick<KmspPaths, 'stateDir' | 'statusFile'>, now: Date = new Date()): AgentLock {
  const file = agentLockFile(paths);
  ensureDir(paths.stateDir);
  const me: Owner = { pid: process.pid, host: os.hostname(), startedAt: now.toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o644);
      try {
        fs.writeFileSync(fd, JSON.stringify(me) + '\n');
      } finally {
        fs.closeSync(fd);
      }
      let released = false;
      return {
        file,
        release() {
          if (released) return;
          released = true;
          const owner = readOwner(file);
          if (owner && owner.pid === me.pid && owner.host === me.host && owner.startedAt === me.startedAt) fs.rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(file);
    const gone = goneReason(owner, paths, now);
    if (gone === null) {
      throw new KmspError(`Another kmsp agent is running with this state directory (process ${owner!.pid} on ${owner!.host}, since ${owner!.startedAt})`, {
        kind: 'config',
        code: 'agent-running',
        cause: `${paths.stateDir} holds one agent's ledger and status; a second would run every job again`,
        remedy: `Use that agent (kmsp status), or stop it first (systemctl stop kmsp). If it is really gone, delete ${file}.`,
      });
    }
    // Left by an agent that is gone. Two agents starting at once may both judge it so: remove it
    // only while it is still the lock judged (the other one may have replaced it with its own).
    const now2 = readOwner(file);
    if (now2 === null || (owner !== null && now2.pid === owner.pid && now2.host === owner.host && now2.startedAt === owner.startedAt)) fs.rmSync(file, { force: true });
  }
  throw new KmspError(`Could not take over ${file}`, { kind: 'internal', remedy: 'Another agent may be starting at this moment; try again.' });
}
