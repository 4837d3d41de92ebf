// The agent as a child process (`node bin/kmsp.js --config DIR agent …`), as systemd runs it,
// against the simulators that the test process serves on loopback.
import { spawn, type ChildProcess } from 'node:child_process';
import { readAgentStatus, type AgentStatus } from '../../source/store/agentStatus.js';
import type { KmspPaths } from '../../source/store/paths.js';
import { binPath, repoRoot } from '../helpers/cli.js';

export interface AgentProcess {
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  /** Every line written, stdout and stderr, in arrival order per stream. */
  lines(): string[];
  exited: Promise<number | null>;
  /** Waits for a line matching `pattern` on stdout or stderr. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export function spawnAgent(configDir: string, args: string[], env: NodeJS.ProcessEnv = {}): AgentProcess {
  const child = spawn(process.execPath, [binPath, '--config', configDir, 'agent', ...args], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const lines = () => [...stdout.split('\n'), ...stderr.split('\n')].filter(Boolean);
  return {
    child,
    output: () => ({ stdout, stderr }),
    lines,
    exited,
    async waitForLine(pattern, timeoutMs = 20_000) {
      let found: string | undefined;
      await until(() => (found = lines().find((l) => pattern.test(l))) !== undefined, `a log line matching ${pattern}`, timeoutMs, () => `stdout:\n${stdout}\nstderr:\n${stderr}`);
      return found!;
    },
  };
}

/** Polls `condition` every 50 ms; fails with `what` and the diagnostics when it does not hold in time. */
export async function until(condition: () => boolean, what: string, timeoutMs = 20_000, diagnostics: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${diagnostics()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function statusOf(paths: KmspPaths): AgentStatus | null {
  const r = readAgentStatus(paths.statusFile);
  return r.state === 'ok' ? r.status : null;
}

/** Resolves with the exit code, or fails when the process has not exited within `ms`. */
export async function exitWithin(agent: AgentProcess, ms: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      agent.child.kill('SIGKILL');
      const o = agent.output();
      reject(new Error(`the agent did not exit within ${ms} ms\nstdout:\n${o.stdout}\nstderr:\n${o.stderr}`));
    }, ms);
  });
  try {
    return await Promise.race([agent.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A daily billing schedule (cron, UTC) whose times are 12 hours away from now. A fixed time such
 * as 04:00 makes a test depend on the clock: run between 03:30 and 04:00 UTC, the scheduled run
 * comes before a 30-minute retry (so no retry is scheduled), and at 04:00 a scheduled pass joins
 * the test's own. Tests that need "the last scheduled time has passed, the next is far" use this.
 */
export function dailyScheduleAwayFromNow(now = new Date()): string {
  const at = new Date(now.getTime() + 12 * 3_600_000);
  return `${at.getUTCMinutes()} ${at.getUTCHours()} * * *`;
}
