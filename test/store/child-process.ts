// Store code run by real child `node` processes (on the transpiled copy of transpile.ts):
// two processes writing the same file at the same instant, or one waiting for a lock.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { transpileStore } from './transpile.js';

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Transpile the store before the file's tests and remove it after them; `dir` is its folder (inside tests). */
export function useTranspiledStore(): { readonly dir: string } {
  let build: { dir: string; cleanup(): void } | undefined;
  beforeAll(() => {
    build = transpileStore();
  });
  afterAll(() => build?.cleanup());
  return {
    get dir() {
      if (!build) throw new Error('The store is transpiled in beforeAll: use dir inside hooks and tests.');
      return build.dir;
    },
  };
}

/** Run `script` with this node in `cwd`; resolves with its exit code and all it printed. */
export function runNode(cwd: string, script: string, args: string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Write `source` as `name` in the transpiled store and run it as two processes at once, one per
 * writer. Each gets the arguments: file, its writer name, the instant both start writing (400 ms
 * ahead, so both have loaded by then) and `count`.
 */
export function runTwoWritersAtOnce(storeDir: string, name: string, source: string, file: string, writers: [string, string], count: number): Promise<[ChildResult, ChildResult]> {
  const script = path.join(storeDir, name);
  fs.writeFileSync(script, source);
  const startAt = String(Date.now() + 400);
  const run = (who: string) => runNode(storeDir, script, [file, who, startAt, String(count)]);
  return Promise.all([run(writers[0]), run(writers[1])]);
}
