// File primitives shared by the stores that a second process may read or write at any moment
// (the console, the agent, a `kmsp secrets set` in another shell):
//
// - writeFileAtomic: a temp file in the same directory (O_EXCL, the final mode from the start),
//   written, fsynced and renamed over the target. A reader sees the old file or the new one,
//   never none and never half of one; a crash leaves the old file (and at worst a stray temp,
//   which the next write removes once its writer is gone).
// - copyFileDurable: a backup copy (never a rename: the original stays where readers look),
//   made under a temp name and linked into place, so a crash never leaves half a copy under it.
// - withLockFile: an O_EXCL lockfile around a read-modify-write, holding pid, host and time. A
//   lock whose process is gone (same host), or older than `staleMs`, is taken over.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** Mode of the new file (default 0600). The temp file has it from creation: never readable by others. */
  mode?: number;
  /** Called with the complete, fsynced temp file before it replaces the target; throwing aborts the write. */
  verify?: (tempFile: string) => void;
}

function tempName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}-${crypto.randomBytes(6).toString('hex')}`);
}

/** A temp file this old is a leftover even if a process with its writer's pid exists (pid reuse, another host). */
const STRAY_TEMP_MS = 60 * 60_000;

/**
 * Remove the temp files of `file` left by writers killed between creating and renaming them
 * (kill -9, power loss): nothing else ever removes them, they pile up beside the config, and
 * those of the secrets file hold secrets. A temp whose writer is alive is left alone: it is
 * about to be renamed. Best effort: a file that cannot be removed is left for the next write.
 */
function removeStrayTemps(file: string): void {
  const prefix = `.${path.basename(file)}.tmp-`;
  let names: string[];
  try {
    names = fs.readdirSync(path.dirname(file));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    const full = path.join(path.dirname(file), name);
    try {
      const gone = Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processAlive(pid);
      if (gone || Date.now() - fs.statSync(full).mtimeMs > STRAY_TEMP_MS) fs.rmSync(full, { force: true });
    } catch {
      // removed meanwhile, or not ours to remove
    }
  }
}

/** Best effort: make a rename durable. Some filesystems refuse to open or fsync a directory. */
function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // not supported here; the rename itself is still atomic
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const mode = options.mode ?? 0o600;
  const tmp = tempName(file);
  try {
    const fd = fs.openSync(tmp, 'wx', mode);
    try {
      fs.writeFileSync(fd, data);
      // The umask can only remove bits; fchmod makes the mode exactly `mode` before the data is visible.
      fs.fchmodSync(fd, mode);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    options.verify?.(tmp);
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
  fsyncDir(path.dirname(file));
  removeStrayTemps(file);
}

/**
 * Copy `from` to the new file `to` (which must not exist), with `mode`, fsynced. The copy is made
 * under a temp name and hard-linked to `to` (which, like O_EXCL, fails if `to` exists): a copy
 * written straight to `to` and cut short by a crash would stay there, half a file under a backup's
 * name, offered later as an earlier version to restore.
 */
export function copyFileDurable(from: string, to: string, mode = 0o600): void {
  // Named as a temp of `from` (when beside it), so a stray one is removed by the next write of `from`.
  const tmp = tempName(path.join(path.dirname(to), path.basename(from)));
  try {
    fs.copyFileSync(from, tmp, fs.constants.COPYFILE_EXCL);
    const fd = fs.openSync(tmp, 'r+');
    try {
      fs.fchmodSync(fd, mode);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    try {
      fs.linkSync(tmp, to);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A filesystem without hard links: copy the complete, synced temp (still never over an existing file).
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
      fs.copyFileSync(tmp, to, fs.constants.COPYFILE_EXCL);
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  fsyncDir(path.dirname(to));
}

// ------------------------------------------------------------------ lockfile

export interface LockOptions {
  /** Give up waiting after this long (default 15 s). */
  timeoutMs?: number;
  /** A lock older than this is taken over even if its process seems alive (default 10 s; holders keep it for milliseconds). */
  staleMs?: number;
  /** Poll interval while waiting (default 20 ms). */
  retryMs?: number;
}

interface LockOwner {
  pid: number;
  host: string;
  at: string;
  token: string;
}

export class LockTimeoutError extends Error {
  constructor(
    readonly lockFile: string,
    readonly owner: Partial<LockOwner> | null,
    waitedMs: number,
  ) {
    super(
      `${lockFile} is held` +
        (owner?.pid ? ` by process ${owner.pid}${owner.host && owner.host !== os.hostname() ? ` on ${owner.host}` : ''}` : '') +
        (owner?.at ? ` since ${owner.at}` : '') +
        `; gave up after ${Math.round(waitedMs / 1000)} s.`,
    );
    this.name = 'LockTimeoutError';
  }
}

function readOwner(lockFile: string): Partial<LockOwner> | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as Partial<LockOwner>;
    return parsed && typeof parsed === 'object' ? parsed : null;
  } catch {
    return null; // gone, or caught between create and write
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, belongs to someone else
  }
}

/** Why the lock at `lockFile` (as statted) may be taken over, or null while it is live. */
function staleReason(lockFile: string, stat: fs.Stats, staleMs: number): string | null {
  const owner = readOwner(lockFile);
  const sameHost = owner?.host === undefined || owner.host === os.hostname();
  if (owner && typeof owner.pid === 'number' && sameHost && owner.pid !== process.pid && !processAlive(owner.pid)) return `process ${owner.pid} is gone`;
  const age = Date.now() - stat.mtimeMs;
  if (age > staleMs) return `it is ${Math.round(age / 1000)} s old`;
  // No owner after a moment: its creator was killed between creating the file and writing its
  // name (a write takes microseconds), so nobody will ever release it.
  if (!owner && age > OWNERLESS_STALE_MS) return 'it names no owner';
  return null;
}

/** How long a lock file may stay without its owner's name before it is taken for abandoned. */
const OWNERLESS_STALE_MS = 2_000;

function tryCreate(lockFile: string, token: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(lockFile, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    const owner: LockOwner = { pid: process.pid, host: os.hostname(), at: new Date().toISOString(), token };
    fs.writeFileSync(fd, JSON.stringify(owner));
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/**
 * Take over a stale lock. Only one process at a time may do it (a second O_EXCL file), and it
 * removes the lock only if it is still the very file judged stale (same inode), so a lock that a
 * live process has just taken is never removed.
 */
function takeOver(lockFile: string, stale: fs.Stats, staleMs: number): boolean {
  const guard = `${lockFile}.takeover`;
  if (!tryCreate(guard, 'takeover')) {
    // A takeover in progress — or one that died half-way, which is cleared once it is stale
    // itself (its process gone, or old).
    try {
      if (staleReason(guard, fs.statSync(guard), staleMs) !== null) fs.rmSync(guard, { force: true });
    } catch {
      // gone already
    }
    return false;
  }
  try {
    let now: fs.Stats;
    try {
      now = fs.statSync(lockFile);
    } catch {
      return true; // released meanwhile
    }
    if (now.ino !== stale.ino || now.dev !== stale.dev || staleReason(lockFile, now, staleMs) === null) return false;
    fs.rmSync(lockFile, { force: true });
    return true;
  } finally {
    fs.rmSync(guard, { force: true });
  }
}

/** Takes `lockFile` if it is free or stale: true when taken, false while a live process holds it. */
function tryLock(lockFile: string, token: string, staleMs: number): boolean {
  for (;;) {
    if (tryCreate(lockFile, token)) return true;
    let stat: fs.Stats;
    try {
      stat = fs.statSync(lockFile);
    } catch {
      continue; // released between our attempt and the stat: try again at once
    }
    if (staleReason(lockFile, stat, staleMs) !== null && takeOver(lockFile, stat, staleMs)) continue;
    return false;
  }
}

function release(lockFile: string, token: string): void {
  // Remove the lock only if it is still ours (a stale-lock takeover may have replaced it).
  if (readOwner(lockFile)?.token === token) fs.rmSync(lockFile, { force: true });
}

/** Runs `fn` holding `lockFile` (created with O_EXCL, mode 0600); always releases it. */
export async function withLockFile<T>(lockFile: string, fn: () => T | Promise<T>, options: LockOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const staleMs = options.staleMs ?? 10_000;
  const retryMs = options.retryMs ?? 20;
  const token = crypto.randomBytes(8).toString('hex');
  const started = Date.now();
  while (!tryLock(lockFile, token, staleMs)) {
    if (Date.now() - started >= timeoutMs) throw new LockTimeoutError(lockFile, readOwner(lockFile), Date.now() - started);
    await new Promise((resolve) => setTimeout(resolve, retryMs + Math.floor(Math.random() * retryMs)));
  }
  try {
    return await fn();
  } finally {
    release(lockFile, token);
  }
}

/**
 * withLockFile for synchronous work (the console's config save is synchronous end to end): waits
 * by blocking this thread between attempts, which is fine for locks held for milliseconds.
 */
export function withLockFileSync<T>(lockFile: string, fn: () => T, options: LockOptions = {}): T {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const staleMs = options.staleMs ?? 10_000;
  const retryMs = options.retryMs ?? 20;
  const token = crypto.randomBytes(8).toString('hex');
  const started = Date.now();
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (!tryLock(lockFile, token, staleMs)) {
    if (Date.now() - started >= timeoutMs) throw new LockTimeoutError(lockFile, readOwner(lockFile), Date.now() - started);
    Atomics.wait(pause, 0, 0, retryMs + Math.floor(Math.random() * retryMs));
  }
  try {
    return fn();
  } finally {
    release(lockFile, token);
  }
}
