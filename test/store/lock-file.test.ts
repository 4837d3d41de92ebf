// Lock files left by a process killed at the worst moment (store/atomicFile.ts): an empty lock
// (killed between creating it and writing its owner) and a takeover guard of a dead process must
// not keep every later save waiting until they are old.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withLockFile, withLockFileSync } from '../../source/store/atomicFile.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmsp-lock-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A process id that is not running (a child that has exited). */
function deadPid(): number {
  let pid = 999_999;
  for (; pid > 1000; pid -= 7) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return pid;
    }
  }
  throw new Error('no free pid found');
}

const aged = (file: string, seconds: number) => {
  const t = new Date(Date.now() - seconds * 1000);
  fs.utimesSync(file, t, t);
};

describe('abandoned lock files', () => {
  it('an empty lock a few seconds old is taken over (its creator died before naming itself)', () => {
    const lock = path.join(dir, '.config.json.lock');
    fs.writeFileSync(lock, '', { mode: 0o600 });
    aged(lock, 3);
    expect(withLockFileSync(lock, () => 'saved', { timeoutMs: 1_000, staleMs: 60_000 })).toBe('saved');
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('an empty lock that was just created is respected (its creator is writing its name)', async () => {
    const lock = path.join(dir, '.config.json.lock');
    fs.writeFileSync(lock, '', { mode: 0o600 });
    await expect(withLockFile(lock, () => 'saved', { timeoutMs: 200, staleMs: 60_000 })).rejects.toThrow(/held/);
  });

  it('a takeover guard left by a dead process does not block taking over a dead owner’s lock', () => {
    const lock = path.join(dir, '.config.json.lock');
    const owner = JSON.stringify({ pid: deadPid(), host: os.hostname(), at: new Date().toISOString(), token: 'x' });
    fs.writeFileSync(lock, owner, { mode: 0o600 });
    fs.writeFileSync(`${lock}.takeover`, JSON.stringify({ pid: deadPid(), host: os.hostname(), at: new Date().toISOString(), token: 'takeover' }), { mode: 0o600 });
    expect(withLockFileSync(lock, () => 'saved', { timeoutMs: 1_000, staleMs: 60_000 })).toBe('saved');
  });
});
