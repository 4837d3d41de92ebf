// Startup: how long a person waits for kmsp. The small commands (`kmsp --version`, `kmsp status`)
// against bare `node -e 0`, and the console's cold start to its first frame with rows against a
// process that loads React and Ink and prints one line — both floors measured in the same run,
// interleaved with the figures, so a loaded machine slows both alike.
//
// The console is the real binary (bin/kmsp.js, the production build) in a real pseudo-terminal:
// tmux on a socket of its own, opened on the built-in demo's configuration (the simulators of each
// PSA × platform pair, in this process, every tenant of the dataset in the integration, unmapped:
// what `kmsp demo` opens). "Rows" is the Accounts tab listing the configuration's tenants.
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { startDemo, type DemoEnvironment } from '../demo/environment.js';
import { platformProfile, psaProfile } from '../domain/profiles/index.js';
import { SIMULATED_PLATFORM_KINDS, SIMULATED_PSA_KINDS, type SimulatedPlatformKind, type SimulatedPsaKind } from '../simulators/registry.js';
import { median } from './measure.js';
import type { BenchOptions, BenchSection, Figure, Floor } from './types.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/kmsp.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** How often the pane is read while waiting for the first frame with rows. */
const POLL_MS = 10;
/** A frame that never comes is a failed run, not a hung bench. */
const FRAME_TIMEOUT_MS = 60_000;
const SOCKET = `kmsp-bench-startup-${process.pid}`;

/** Milliseconds from spawn to exit of `node ...args` (output discarded); a failed start is an error. */
async function timedNode(args: readonly string[], okCodes: readonly number[]): Promise<number> {
  const began = process.hrtime.bigint();
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', resolve);
  });
  const ms = Number(process.hrtime.bigint() - began) / 1e6;
  if (code === null || !okCodes.includes(code)) throw new Error(`node ${args.join(' ')} exited with ${code ?? 'a signal'}`);
  return ms;
}

function tmux(...args: string[]): Promise<{ stdout: string }> {
  return run('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
}

/**
 * Milliseconds from asking tmux to start `command` in a new pane to the first capture of the pane
 * that `shows`; the pane is read every POLL_MS (plus the time a capture takes).
 */
async function timedFrame(session: string, command: string[], shows: (screen: string) => boolean): Promise<number> {
  // CI=false: Ink renders each frame only outside CI; TERM as a person's terminal.
  const line = ['env', 'TERM=xterm-256color', 'CI=false', 'NODE_ENV=production', ...command].map((a) => `'${a.replace(/'/gu, `'\\''`)}'`).join(' ');
  const began = process.hrtime.bigint();
  await tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '36', '-c', ROOT, line);
  try {
    const deadline = Date.now() + FRAME_TIMEOUT_MS;
    let screen = '';
    while (Date.now() < deadline) {
      // remain-on-exit is off: a program that ends takes its pane with it, and the capture fails.
      screen = await tmux('capture-pane', '-p', '-t', session).then(
        (r) => r.stdout,
        () => {
          throw new Error(`the program ended before it showed a frame with rows (${command.join(' ')}); the pane last showed:\n${screen}`);
        },
      );
      if (shows(screen)) return Number(process.hrtime.bigint() - began) / 1e6;
      await sleep(POLL_MS);
    }
    throw new Error(`no frame with rows within ${FRAME_TIMEOUT_MS / 1000} s; the pane showed:\n${screen}`);
  } finally {
    await tmux('kill-session', '-t', session).catch(() => undefined);
  }
}

/**
 * A process that loads what any Ink console must (React, Ink), then prints one line: the console's
 * floor. It stays until its session is killed, as the console does, so its pane is there to read.
 */
const INK_FLOOR_MARK = 'kmsp-bench-floor-ready';
const INK_FLOOR = [process.execPath, '--input-type=module', '-e', `await import('react'); await import('ink'); console.log('${INK_FLOOR_MARK}'); setInterval(() => {}, 60_000);`];
const INK_FLOOR_NAME = `node -e "await import('react'); await import('ink')" in tmux`;

/** The command-line parser alone, loaded as kmsp loads it. */
const PARSER_FLOOR = "await import('commander')";
/**
 * The work `kmsp status` cannot skip, in bare node: read the ledger (its --once runs and pending
 * closes live only there; SQLite's driver is a native module) and show a time in a time zone
 * (Intl's zone data loads on first use).
 */
function statusWorkFloor(ledgerFile: string): string {
  return [
    `const db = new (require('better-sqlite3'))(${JSON.stringify(ledgerFile)}, { readonly: true, fileMustExist: true });`,
    "db.prepare('SELECT * FROM runs ORDER BY id DESC LIMIT 5').all(); db.close();",
    "new Intl.DateTimeFormat('en-GB', { timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, hour: '2-digit', minute: '2-digit' }).format(new Date());",
  ].join(' ');
}

interface Pair {
  psa: SimulatedPsaKind;
  platform: SimulatedPlatformKind;
  subject: string;
}

function pairs(): Pair[] {
  return SIMULATED_PSA_KINDS.flatMap((psa) =>
    SIMULATED_PLATFORM_KINDS.map((platform) => ({ psa, platform, subject: `demo, ${platformProfile(platform).words.short} × ${psaProfile(psa).words.short}` })),
  );
}

/** Whether the screen lists one of the integration's tenants (a row of the Accounts tab). */
function rowsShown(demo: DemoEnvironment<SimulatedPsaKind, SimulatedPlatformKind>): (screen: string) => boolean {
  const config = JSON.parse(readFileSync(`${demo.configDir}/config.json`, 'utf8')) as { integrations: Array<{ tenants: Array<{ tenantName: string }> }> };
  const names = config.integrations.flatMap((i) => i.tenants.map((t) => t.tenantName));
  if (names.length === 0) throw new Error('the demo configuration lists no tenant: the console would show no rows to wait for');
  return (screen) => screen.split('\n').some((line) => names.some((name) => line.includes(name)));
}

function floorOf(name: string, samples: number[]): Floor {
  return { name, value: median(samples) / 1000, unit: 's' };
}

function seconds(samples: number[]): { value: number; samples: number[] } {
  return { value: median(samples) / 1000, samples: samples.map((s) => s / 1000) };
}

async function tmuxAvailable(): Promise<boolean> {
  try {
    await run('tmux', ['-V']);
    return true;
  } catch {
    return false;
  }
}

export const startupSection: BenchSection = {
  id: 'startup',
  title: 'Startup: small commands and the console’s first frame',
  async run(options: BenchOptions): Promise<Figure[]> {
    const figures: Figure[] = [];
    // The small commands take a fraction of a second: more samples steady their medians.
    const smallRuns = Math.max(5, options.runs * 3);
    const all = pairs();
    const demos: Array<{ pair: Pair; demo: DemoEnvironment<SimulatedPsaKind, SimulatedPlatformKind> }> = [];
    try {
      for (const pair of all) demos.push({ pair, demo: await startDemo({ psa: pair.psa, platform: pair.platform, withTenants: true }) });
      const first = demos[0]!.demo;

      if (!(await tmuxAvailable())) throw new Error('tmux is not installed: the console is measured in a real terminal (apt-get install tmux)');
      // A server that outlives each measured session: starting one is not part of any figure.
      await tmux('new-session', '-d', '-s', 'keeper', 'sleep 3600');
      const consoleFloor: number[] = [];
      const consoleSamples = new Map<Pair, number[]>(all.map((p) => [p, []]));
      for (let r = 0; r < options.runs; r++) {
        options.log(`console cold start, run ${r + 1} of ${options.runs}`);
        consoleFloor.push(await timedFrame(`floor-${r}`, INK_FLOOR, (screen) => screen.includes(INK_FLOOR_MARK)));
        for (const { pair, demo } of demos) {
          consoleSamples.get(pair)!.push(await timedFrame(`console-${r}`, [process.execPath, BIN, '--config', demo.configDir], rowsShown(demo)));
        }
      }
      await tmux('kill-server').catch(() => undefined);

      // After the console opened it, the demo's state directory holds a ledger: status reads it as on a host that ran kmsp.
      const bare: number[] = [];
      const version: number[] = [];
      const status: number[] = [];
      // What any command of this CLI pays beyond bare node (its parser), and what status cannot
      // skip (the ledger, a time in a zone): measured so an aim out of reach is explained, not only missed.
      const parser: number[] = [];
      const statusWork: number[] = [];
      const statusWorkScript = statusWorkFloor(path.join(first.configDir, 'ledger.sqlite'));
      options.log(`kmsp --version and kmsp status, ${smallRuns} runs each`);
      for (let r = 0; r < smallRuns; r++) {
        bare.push(await timedNode(['-e', '0'], [0]));
        version.push(await timedNode([BIN, '--version'], [0]));
        // 3: the agent does not run (no status file): the demo's configuration has never had one.
        status.push(await timedNode([BIN, 'status', '--config', first.configDir], [0, 3]));
        parser.push(await timedNode(['--input-type=module', '-e', PARSER_FLOOR], [0]));
        statusWork.push(await timedNode(['-e', statusWorkScript], [0]));
      }
      const bareFloor = floorOf('node -e 0', bare);
      const small = { group: 'Startup', unit: 's' as const, aim: { max: 1.5, timesFloor: true, text: '≤ 1.5 × bare node' }, floor: bareFloor };
      figures.push({ ...small, name: 'kmsp --version', subject: '', ...seconds(version), detail: `${(median(version) / median(bare)).toFixed(2)} × floor` });
      figures.push({
        ...small,
        name: 'kmsp status',
        subject: 'demo config with a ledger, agent not running',
        ...seconds(status),
        detail: `${(median(status) / median(bare)).toFixed(2)} × floor; ${(median(status) / median(statusWork)).toFixed(2)} × its own work in bare node`,
      });
      const parts = { group: 'Startup', subject: 'floor', unit: 's' as const, aim: null, floor: bareFloor };
      figures.push({ ...parts, name: "node + import('commander') (the parser)", ...seconds(parser), detail: `${(median(parser) / median(bare)).toFixed(2)} × bare node` });
      figures.push({ ...parts, name: 'node + read the ledger (SQLite) + a time in a zone (Intl): what status must do', ...seconds(statusWork), detail: `${(median(statusWork) / median(bare)).toFixed(2)} × bare node` });
      const inkFloor = floorOf(INK_FLOOR_NAME, consoleFloor);
      for (const pair of all) {
        const samples = consoleSamples.get(pair)!;
        figures.push({
          group: 'Startup',
          name: 'console cold start to first frame with rows',
          subject: pair.subject,
          unit: 's',
          ...seconds(samples),
          aim: { max: 1.2, timesFloor: true, text: '≤ 1.2 × import(ink)' },
          floor: inkFloor,
          detail: `${(median(samples) / median(consoleFloor)).toFixed(2)} × floor; tmux pane read every ${POLL_MS} ms`,
        });
      }
      return figures;
    } finally {
      await tmux('kill-server').catch(() => undefined);
      for (const { demo } of demos) await demo.close();
    }
  },
};
