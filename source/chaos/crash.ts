// Crash trials: kill -9 of a kmsp pass at seeded random points, then restarts until a clean pass;
// the PSA must end in the state a run without the kill leaves, and `kmsp ledger verify` must pass.
//
// Per PSA, each trial runs on fresh simulators (the scenario of scenario.ts; a reset would not
// bring back relative fixture times exactly), with the platforms taken in turn. The simulators
// live in this process and outlive the kill. The killed process is crashChild.js — a pass of
// billing and one of tickets, as `kmsp agent --once` runs them — killed with SIGKILL at a delay
// drawn within the measured duration of a clean pass. Every third trial holds the PSA's next
// posting write, every third after it the next ticket create (holdWrites): the kill comes while
// the PSA holds it, and the write is released only after the restart has begun, so it lands
// while the restarted pass runs — the hard case: no ticket twice, no posting twice. Every fourth
// trial kills the agent daemon instead (crashChild.js --daemon: billing every 3 s from the start,
// tickets every second), somewhere in its first passes.
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hash, prng } from '../simulators/dice.js';
import { holdWrites, psaSimulator } from '../simulators/registry.js';
import type { PsaSnapshot } from '../simulators/snapshot.js';
import { openLedger } from '../store/ledger.js';
import { compareSnapshots, same, timeless } from './compare.js';
import { lastLanding, waitForLanding } from './converge.js';
import { startScenario, type Pair, type Scenario } from './scenario.js';
import type { ChaosSection } from './sections.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The built child (npm run build): plain node runs it, whether the caller runs from dist/ or the sources. */
const CHILD = path.join(root, 'dist', 'chaos', 'crashChild.js');
const BIN = path.join(root, 'bin', 'kmsp.js');

export interface CrashOptions {
  seed: number;
  /** Trials on the pair. */
  trials: number;
  /** Tenants mapped in each scenario (fewer: shorter passes). */
  tenants?: number;
  /** Restarts after the kill before the trial counts as not converged. */
  maxRestarts?: number;
  /** Told each trial as it ends. */
  onTrial?: (trial: CrashTrial) => void;
}

export type HeldWrite = 'posting' | 'ticket' | null;
/** What a trial kills: one pass of each job (as --once), or the daemon. */
export type Killed = 'once' | 'daemon';

/** The n-th trial: a plain kill, a held posting, a held ticket create, the daemon, in turn. */
export function trialKind(n: number): { killed: Killed; held: HeldWrite } {
  return [{ killed: 'once', held: null }, { killed: 'once', held: 'posting' }, { killed: 'once', held: 'ticket' }, { killed: 'daemon', held: null }][n % 4] as { killed: Killed; held: HeldWrite };
}

export interface CrashTrial {
  pair: Pair;
  n: number;
  killed: Killed;
  held: HeldWrite;
  /** When the kill came, ms after the child started, and the clean pass's duration it was drawn within. */
  killAfterMs: number;
  cleanMs: number;
  /** The child had finished before the kill came. */
  finishedFirst: boolean;
  /** Runs after the kill until one finished clean. */
  restarts: number;
  passed: boolean;
  findings: string[];
}

export interface CrashPairResult {
  pair: Pair;
  run: number;
  passed: number;
  /** Trials whose kill came while the PSA held the write of that kind. */
  held: { posting: number; ticket: number };
  /** Trials that killed the daemon. */
  daemon: number;
  /** Trials whose process had already finished when the kill came (drawn late in a pass that ran faster). */
  finishedFirst: number;
  /** Runs after the kills until a clean one, all trials together. */
  restarts: number;
  /** The first findings of the failed trials. */
  findings: string[];
}

export const CRASH_DEFAULTS = { seed: 20_261_207, trials: 50, maxRestarts: 8 } as const;

interface ChildRun {
  exited: Promise<number | null>;
  kill(): void;
  output(): string;
}

function startChild(script: string, args: string[]): ChildRun {
  const child = spawn(process.execPath, [script, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code));
  });
  return { exited, kill: () => child.kill('SIGKILL'), output: () => out };
}


/** Resolves true once `condition` holds, false when `ms` passed or `stop` settled first. */
async function waitFor(condition: () => boolean, ms: number, stop: Promise<unknown>): Promise<boolean> {
  let stopped = false;
  void stop.then(() => (stopped = true));
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && !stopped) {
    if (condition()) return true;
    await sleep(10);
  }
  return condition();
}

/** Passes (child runs) until one finishes clean; the number run, or null when none did within `max`. */
async function runUntilClean(s: Scenario, max: number, last: { output: string }): Promise<number | null> {
  for (let n = 1; n <= max; n++) {
    const run = startChild(CHILD, [s.paths.configDir]);
    const code = await run.exited;
    last.output = run.output();
    if (code === 0) return n;
    await waitForLanding(s);
  }
  return null;
}

async function ledgerVerify(s: Scenario): Promise<string[]> {
  const run = startChild(BIN, ['--config', s.paths.configDir, 'ledger', 'verify']);
  const code = await run.exited;
  return code === 0 ? [] : [`kmsp ledger verify exited ${code}: ${run.output().trim().split('\n').slice(-4).join(' | ')}`];
}

/**
 * The snapshot with the instants in ticket titles blanked: the fixtures' event and status times
 * are relative to a simulator's start ("4 h ago"), and each trial starts its own simulators a
 * minute or more after the run it is compared with, so "at 12:26 UTC" there is "at 12:27 UTC" here.
 */
function withoutInstants(snapshot: PsaSnapshot): PsaSnapshot {
  return { ...snapshot, tickets: snapshot.tickets.map((t) => ({ ...t, title: timeless(t.title) })) };
}

/** The state a run without a kill leaves, and how long its first pass took. */
async function cleanRun(pair: Pair, options: CrashOptions): Promise<{ expected: PsaSnapshot; cleanMs: number }> {
  const s = await startScenario(pair, options.tenants !== undefined ? { tenants: options.tenants } : {});
  try {
    const started = Date.now();
    const first = startChild(CHILD, [s.paths.configDir]);
    const code = await first.exited;
    const cleanMs = Date.now() - started;
    const last = { output: first.output() };
    if (code !== 0 && (await runUntilClean(s, options.maxRestarts ?? CRASH_DEFAULTS.maxRestarts, last)) === null) {
      throw new Error(`the run of ${pair.platform} × ${pair.psa} without a kill did not finish clean: ${last.output.trim().slice(-500)}`);
    }
    return { expected: withoutInstants(s.snapshot()), cleanMs };
  } finally {
    await s.close();
  }
}

/** The daemon's first billing pass begins within its schedule's period (3 s) of its start. */
const DAEMON_FIRST_BILLING_MS = 3_000;
/** A held write is let go this long before kmsp would take it for one that never landed. */
const LANDING_SAFETY_MS = 500;

async function trial(pair: Pair, n: number, killed: Killed, held: HeldWrite, at: number, releaseAt: number, clean: { expected: PsaSnapshot; cleanMs: number }, options: CrashOptions): Promise<CrashTrial> {
  const s = await startScenario(pair, options.tenants !== undefined ? { tenants: options.tenants } : {});
  const findings: string[] = [];
  const entry = psaSimulator(pair.psa as string);
  const psaSim = s.simulators[1];
  const hold = held ? holdWrites(entry, psaSim, held) : null;
  let killAfterMs = Math.floor(at * (killed === 'daemon' ? clean.cleanMs + DAEMON_FIRST_BILLING_MS : clean.cleanMs));
  let finishedFirst = false;
  let restarts = 0;
  try {
    const started = Date.now();
    const first = startChild(CHILD, killed === 'daemon' ? [s.paths.configDir, '--daemon'] : [s.paths.configDir]);
    let exited = false;
    void first.exited.then(() => (exited = true));
    if (hold) {
      // Killed while the PSA holds the write (a little after it arrived, as drawn).
      const holding = await waitFor(() => hold.held() > 0, Math.max(10_000, clean.cleanMs * 4), first.exited);
      if (!holding) findings.push(`the ${held} write was never held (the pass made none?): ${first.output().trim().slice(-300)}`);
      await sleep(Math.floor(at * 100));
    } else {
      await Promise.race([sleep(killAfterMs), first.exited]);
    }
    killAfterMs = Date.now() - started;
    finishedFirst = exited;
    first.kill();
    await first.exited;

    // The restart begins; a held write is let go while it runs, so it lands under the restarted pass.
    const last = { output: '' };
    const restarted = runUntilClean(s, options.maxRestarts ?? CRASH_DEFAULTS.maxRestarts, last);
    if (hold) {
      // Released within what kmsp allows a write to land (its ledger row's landsBy): a vendor
      // that applies a write later than that breaks the contract the restart relies on, and a
      // loaded machine, whose clean pass takes longer, must not make the trial test that instead.
      const drawn = Math.floor(releaseAt * clean.cleanMs * 0.5);
      const deadline = lastLanding(s);
      await sleep(deadline > 0 ? Math.max(0, Math.min(drawn, deadline - Date.now() - LANDING_SAFETY_MS)) : drawn);
      hold.release();
    }
    const runs = await restarted;
    if (runs === null) findings.push(`no clean pass within ${options.maxRestarts ?? CRASH_DEFAULTS.maxRestarts} restarts: ${last.output.trim().slice(-400)}`);
    restarts = runs ?? 0;
    if (hold && hold.held() > 0) {
      // Released after the restarts finished (they were short): the write lands now; one more clean pass settles it.
      hold.release();
      await waitForLanding(s);
      if ((await runUntilClean(s, 2, last)) === null) findings.push(`no clean pass after the held write landed: ${last.output.trim().slice(-400)}`);
    }

    const difference = compareSnapshots(clean.expected, withoutInstants(s.snapshot()));
    if (!same(difference)) findings.push(...difference.details.map((d) => `PSA: ${d}`));
    findings.push(...(await ledgerVerify(s)));
  } catch (error) {
    findings.push(`the trial failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    hold?.release();
    await s.close();
  }
  return { pair, n, killed, held, killAfterMs, cleanMs: clean.cleanMs, finishedFirst, restarts, passed: findings.length === 0, findings };
}

/** Runs `options.trials` trials on one PSA × platform pair. */
export async function runCrashPair(pair: Pair, options: CrashOptions): Promise<CrashPairResult> {
  const random = prng((options.seed ^ hash(`${pair.platform}×${pair.psa}`)) >>> 0);
  const clean = await cleanRun(pair, options);
  const result: CrashPairResult = { pair, run: 0, passed: 0, held: { posting: 0, ticket: 0 }, daemon: 0, finishedFirst: 0, restarts: 0, findings: [] };
  for (let n = 0; n < options.trials; n++) {
    const { killed, held } = trialKind(n);
    const t = await trial(pair, n, killed, held, random(), random(), clean, options);
    result.run++;
    result.restarts += t.restarts;
    if (held) result.held[held]++;
    if (killed === 'daemon') result.daemon++;
    if (t.finishedFirst) result.finishedFirst++;
    if (t.passed) result.passed++;
    else if (result.findings.length < 8) result.findings.push(`trial ${n} (${killed === 'daemon' ? 'the daemon, ' : ''}${held ? `${held} write held, ` : ''}killed at ${t.killAfterMs} ms of a ${t.cleanMs} ms pass): ${t.findings.slice(0, 3).join('; ')}`);
    options.onTrial?.(t);
  }
  return result;
}

/**
 * The chaos report's column (sections.ts): `trials` kills for each PSA × platform pair (fifty by
 * default, so every PSA meets at least fifty with each platform).
 */
export function crashSection(trials: number = CRASH_DEFAULTS.trials): ChaosSection {
  return {
    title: 'crash trials passed / run',
    async run(pair, options) {
      let r: CrashPairResult;
      try {
        r = await runCrashPair(pair, { seed: options.seed, trials, ...(options.tenants !== undefined ? { tenants: options.tenants } : {}) });
      } catch (error) {
        // The pair's run without a kill failed (its scenario cannot run): reported, the other pairs go on.
        return { cell: `0 / ${trials}`, passed: false, details: [`not run: ${error instanceof Error ? error.message : String(error)}`] };
      }
      return {
        cell: `${r.passed} / ${r.run}`,
        passed: r.passed === r.run,
        details: r.findings,
        figures: { passed: r.passed, run: r.run, held: r.held, daemon: r.daemon, finishedFirst: r.finishedFirst, restarts: r.restarts },
      };
    },
  };
}
