// What the billing, tickets and budget sections share: a generated MSP (demo/generate.ts) served by
// `kmsp demo --serve --fixtures DIR` in a child process of its own, its tenants mapped as an admin
// would (demo/adminSetup.ts, from this process), and kmsp's passes run in another child
// (jobChild.js), so kmsp's memory is measured apart from the simulators'.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setUpAsAdmin } from '../demo/adminSetup.js';
import { LEGACY_APPROVALS } from '../domain/billingGuards.js';
import { writeGeneratedDataset, type GenerateSpec } from '../demo/generate.js';
import { platformSimulator, psaSimulator, type SimulatedPlatformKind, type SimulatedPsaKind } from '../simulators/registry.js';
import { resolvePaths } from '../store/paths.js';
import type { ChildReport } from './jobChild.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const KMSP = path.join(root, 'bin', 'kmsp.js');
const CHILD = path.join(root, 'dist', 'bench', 'jobChild.js');

export interface Pair {
  platform: SimulatedPlatformKind;
  psa: SimulatedPsaKind;
}

/** "KSC × Autotask": the vendors' short names, from the profiles. */
export function pairName(pair: Pair): string {
  return `${platformSimulator(pair.platform).profile.words.short} × ${psaSimulator(pair.psa).profile.words.short}`;
}

export interface GeneratedDemo {
  configDir: string;
  /** Tenants mapped to an account; those billed (with a contract). */
  mapped: number;
  billed: number;
  /** Runs `passes` passes of the job in a fresh kmsp process; its report. */
  run(job: 'billing' | 'tickets', passes?: number, options?: { budget?: boolean }): Promise<ChildReport>;
  stop(): Promise<void>;
}

function collect(child: ChildProcess): { out: () => string; err: () => string; exited: Promise<number | null> } {
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { out: () => out, err: () => err, exited };
}

/** Waits for the demo's banner; its configuration directory. */
async function bannerOf(child: ChildProcess, io: ReturnType<typeof collect>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const look = () => {
      const m = /Configuration and secrets\s+(\S+)/u.exec(io.out());
      if (m) {
        child.stdout?.off('data', look);
        resolve(m[1]!);
      }
    };
    child.stdout?.on('data', look);
    void io.exited.then((code) => reject(new Error(`kmsp demo --serve exited (${code}) before it was ready: ${io.err().trim().split('\n').slice(-3).join(' ')}`)));
  });
}

/**
 * Generates the MSP for the pair (its two files only), serves it and maps it. `apiBudget`: the
 * PSA's hourly budget as the vendor sets it, or lifted so the run measures kmsp, not the pacing.
 */
export async function startGeneratedDemo(pair: Pair, spec: GenerateSpec, seed: number, apiBudget: 'vendor' | 'lifted'): Promise<GeneratedDemo> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kmsp-bench-dataset-'));
  let child: ChildProcess | null = null;
  const stop = async () => {
    if (child && child.exitCode === null) {
      const gone = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    writeGeneratedDataset({ spec, seed, dir, kinds: [pair.platform, pair.psa], apiBudget });
    child = spawn(process.execPath, [KMSP, 'demo', '--serve', '--fixtures', dir, '--platform', pair.platform, '--psa', pair.psa], { cwd: root, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const io = collect(child);
    const configDir = await bannerOf(child, io);
    const paths = resolvePaths({ configDir });
    // Every change posted: the figures are the posting work (README › Billing approvals holds first postings by default).
    const { integration } = await setUpAsAdmin(paths, { actor: 'kmsp bench', approvals: LEGACY_APPROVALS });
    return {
      configDir,
      mapped: integration.tenants.filter((t) => t.accountId !== null).length,
      billed: integration.tenants.filter((t) => t.billing).length,
      run: async (job, passes = 1, options = {}) => {
        const c = spawn(process.execPath, [CHILD, configDir, job, String(passes), ...(options.budget ? ['--budget'] : [])], { cwd: root, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
        const cio = collect(c);
        const code = await cio.exited;
        const line = cio.out().trim().split('\n').pop() ?? '';
        if (code !== 0 || !line.startsWith('{')) throw new Error(`the ${job} run failed (exit ${code}): ${cio.err().trim().split('\n').slice(-3).join(' ')}`);
        return JSON.parse(line) as ChildReport;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

// ---------------------------------------------------------------- the billing-size run, shared

/** Tenants the billing figures are taken at, with 100 devices each. */
export const FULL_TENANTS = 2_000;
export const DEVICES_PER_TENANT = 100;

/** The billing run of one pair and the idle ticket passes after it: what the billing and budget sections read. */
export interface BillingScaleRun {
  pair: Pair;
  spec: GenerateSpec;
  billed: number;
  billing: ChildReport;
  /** Ticket passes with no new event (the dataset has none), one per bench run. */
  idle: ChildReport;
}

const scaleRuns = new Map<string, Promise<BillingScaleRun>>();

/**
 * The default pair at the size; every other pair at a quarter of it (override both with
 * KMSP_BENCH_BILLING_TENANTS), so the whole bench stays within its time. Measured once per process:
 * the billing and budget sections share it.
 */
export function billingTenants(pair: Pair, defaults: Pair): number {
  const override = Number(process.env.KMSP_BENCH_BILLING_TENANTS ?? '');
  if (Number.isInteger(override) && override > 0) return override;
  return pair.platform === defaults.platform && pair.psa === defaults.psa ? FULL_TENANTS : FULL_TENANTS / 4;
}

export function billingScaleRun(pair: Pair, tenants: number, seed: number, idlePasses: number, log: (line: string) => void): Promise<BillingScaleRun> {
  const key = `${pair.platform}|${pair.psa}|${tenants}|${seed}|${idlePasses}`;
  let run = scaleRuns.get(key);
  if (!run) {
    run = (async () => {
      const spec: GenerateSpec = { tenants, devices: DEVICES_PER_TENANT, events: 0, accounts: tenants + Math.round(tenants / 10) };
      log(`${pairName(pair)}: generating and serving ${tenants.toLocaleString('en-US')} tenants × ${DEVICES_PER_TENANT} devices…`);
      // The vendor's own budget: the budget section reads it, and a run that meets it must pace as it would for real.
      const demo = await startGeneratedDemo(pair, spec, seed, 'vendor');
      try {
        log(`${pairName(pair)}: billing run over ${demo.billed.toLocaleString('en-US')} billed tenants…`);
        const billing = await demo.run('billing', 1);
        log(`${pairName(pair)}: ${idlePasses} ticket passes with no new events…`);
        const idle = await demo.run('tickets', idlePasses, { budget: true });
        return { pair, spec, billed: demo.billed, billing, idle };
      } finally {
        await demo.stop();
      }
    })();
    scaleRuns.set(key, run);
  }
  return run;
}
