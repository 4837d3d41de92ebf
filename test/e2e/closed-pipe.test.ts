// `kmsp … | head`: the reader closes the pipe before kmsp is done writing. kmsp ends quietly
// with its exit code instead of an uncaught EPIPE and a stack trace.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { binPath, repoRoot } from '../helpers/cli.js';

describe('a closed output pipe', () => {
  it('a command whose stdout is closed before it writes: no EPIPE trace, its own exit code', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kmsp-pipe-'));
    try {
      const child = spawn(process.execPath, [binPath, '--config', dir, 'systemd-unit'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy(); // the reader is gone: every write to stdout fails with EPIPE
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr).not.toMatch(/EPIPE|at .*\.js:\d+/);
      expect(code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
