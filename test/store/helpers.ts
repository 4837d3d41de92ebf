// Shared by the store tests: throwaway directories under os.tmpdir(), never ~/.config.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { resolvePaths, type KmspPaths } from '../../source/store/paths.js';

const made: string[] = [];

afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix = 'kmsp-store-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Paths with config and state in one fresh temp dir (as `--config DIR` gives). */
export function tempPaths(): KmspPaths {
  return resolvePaths({ configDir: path.join(tempDir(), 'kmsp') });
}

export function fileMode(file: string): number {
  return fs.statSync(file).mode & 0o777;
}
