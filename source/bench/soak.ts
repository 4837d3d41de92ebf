// The agent soak: a child `kmsp agent` (as systemd runs it) against the simulators of the demo's
// pair serving a small generated MSP (demo/generate.ts: its new events ticketed in the first
// passes, then polls that find nothing new), with the integration mapped as an admin would
// (chaos/scenario.ts), billing on every second and tickets polled every second — the shortest
// schedules the agent accepts (a billing pass that takes longer than a second makes the next tick
// a skipped overlap, which the agent is built for). Passes of both jobs are counted together.
// At that pace the agent spends more PSA requests an hour than a vendor's hourly budget allows,
// and the agent would pace itself from 75% of it; the dataset's budget is lifted so the soak
// measures the agent's memory over passes, not its waiting.
//
// A warm-up comes first and is not measured: at least WARMUP_PASSES passes and WARMUP_MS after
// the first pass of each job. Over it V8 sizes its young generation and the resident set rises by
// tens of MiB, then settles (measured here: 126 → 162 → 145 MiB over the first 70 passes, then
// 145 ± 1 MiB to pass 580); a soak that counts from the first pass reports that as growth.
// Then `soakPasses` passes are measured: the resident set of the agent process (from /proc, as it
// is, nothing forced) after every pass, and the heap after a full collection at about twenty
// points (memoryProbe.ts, on SIGUSR2). Growth is the least-squares slope over the measured passes,
// per 100 passes. Flat means at most 1 MiB of resident set and 0.1 MiB of heap per 100 passes
// (a thousand passes leave at most a megabyte of heap behind). A soak shorter than
// VERDICT_PASSES gives the slopes without a verdict: over a hundred passes the heap's
// pass-to-pass jitter (±0.3 MiB, a pass in flight) outweighs the slope.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startScenario } from '../chaos/scenario.js';
import { writeGeneratedDataset } from '../demo/generate.js';
import { DEMO_DEFAULT, platformSimulator, psaSimulator, type SimulatedPlatformKind, type SimulatedPsaKind } from '../simulators/registry.js';
import { readAgentStatus, type AgentStatus } from '../store/agentStatus.js';
import { PROBE_FILE_VARIABLE, probeNodeArgs, readProbe } from './probeFile.js';
import type { BenchOptions, BenchSection, Figure } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.resolve(here, '../../bin/kmsp.js');
const MiB = 2 ** 20;
/** Heap samples over the measured passes (one every 5 passes at least). */
const HEAP_SAMPLES = 20;
const WARMUP_PASSES = 100;
const WARMUP_MS = 60_000;
/** Soaks at least this long have a verdict on their growth. */
export const VERDICT_PASSES = 500;
/** No pass for this long means the agent is stuck (a pass paced to a PSA's budget can take minutes): the soak stops with what it saw. */
const STALL_MS = 600_000;

interface Sample {
  passes: number;
  mib: number;
}

/** Least-squares slope of mib over passes, per 100 passes; NaN with fewer than two distinct pass counts. */
export function growthPer100(samples: readonly Sample[]): number {
  const n = samples.length;
  if (n < 2) return Number.NaN;
  const mx = samples.reduce((s, p) => s + p.passes, 0) / n;
  const my = samples.reduce((s, p) => s + p.mib, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of samples) {
    sxx += (p.passes - mx) ** 2;
    sxy += (p.passes - mx) * (p.mib - my);
  }
  return sxx === 0 ? Number.NaN : (sxy / sxx) * 100;
}

function rssMiB(pid: number): number | null {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

function passesOf(status: AgentStatus | null): { billing: number; tickets: number } {
  return { billing: status?.jobs.billing.passes ?? 0, tickets: status?.jobs.tickets.passes ?? 0 };
}

/** The soak's MSP: a dozen customers with a few hundred events, enough for every job to do work. */
const SOAK_MSP = { tenants: 12, devices: 25, events: 240, accounts: 15 };

async function soak(options: BenchOptions): Promise<Figure[]> {
  const pair = { psa: DEMO_DEFAULT.psa as SimulatedPsaKind, platform: DEMO_DEFAULT.platform as SimulatedPlatformKind };
  const subject = `${platformSimulator(pair.platform).profile.words.name} × ${psaSimulator(pair.psa).profile.words.name}`;
  const dataset = mkdtempSync(path.join(os.tmpdir(), 'kmsp-bench-soak-'));
  writeGeneratedDataset({ spec: SOAK_MSP, seed: options.seed, dir: dataset, kinds: [pair.platform, pair.psa], apiBudget: 'lifted' });
  const scenario = await startScenario(pair, { fixturesDir: dataset }).catch((error: unknown) => {
    rmSync(dataset, { recursive: true, force: true });
    throw error;
  });
  const probeFile = path.join(scenario.paths.configDir, 'soak-probe.jsonl');
  const stderr: string[] = [];
  const child = spawn(
    process.execPath,
    [...probeNodeArgs(), BIN, '--config', scenario.paths.configDir, 'agent', '--billing-schedule', '* * * * * *', '--ticket-interval', '1', '--log-level', 'error'],
    { env: { ...process.env, NO_COLOR: '1', [PROBE_FILE_VARIABLE]: probeFile }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    stderr.push(...d.split('\n').filter(Boolean));
    stderr.splice(0, Math.max(0, stderr.length - 20));
  });
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  const failure = (what: string) => new Error(`${what}${stderr.length ? `; the agent's last error lines: ${stderr.join(' | ')}` : ''}`);
  const status = () => {
    const r = readAgentStatus(scenario.paths.statusFile);
    return r.state === 'ok' ? r.status : null;
  };
  try {
    const pid = child.pid!;
    // The first pass of each job opens the ledger, loads the connectors' code and fills V8's
    // caches: the soak counts from after them.
    let started = Date.now();
    for (;;) {
      const p = passesOf(status());
      if (p.billing >= 1 && p.tickets >= 1) break;
      if (exited !== undefined) throw failure(`the agent exited (code ${exited}) before its first passes`);
      if (Date.now() - started > STALL_MS) throw failure(`no first passes within ${STALL_MS / 1000} s`);
      await sleep(100);
    }
    const firstStatus = passesOf(status());
    const firstRss = rssMiB(pid) ?? Number.NaN;
    const warmStarted = Date.now();
    options.log(`soak: warm-up of at least ${WARMUP_PASSES} passes and ${WARMUP_MS / 1000} s (${subject})`);
    let maxRss = firstRss;
    let warm = 0;
    let warmChange = Date.now();
    for (;;) {
      if (exited !== undefined) throw failure(`the agent exited (code ${exited}) during the warm-up`);
      const p = passesOf(status());
      const done = p.billing + p.tickets - firstStatus.billing - firstStatus.tickets;
      if (done !== warm) [warm, warmChange] = [done, Date.now()];
      else if (Date.now() - warmChange > STALL_MS) throw failure(`no pass for ${STALL_MS / 1000} s during the warm-up, after ${done} passes`);
      maxRss = Math.max(maxRss, rssMiB(pid) ?? Number.NaN);
      if (done >= WARMUP_PASSES && Date.now() - warmStarted >= WARMUP_MS) break;
      await sleep(100);
    }
    const base = passesOf(status());
    const first = base.billing + base.tickets;
    const heapEvery = Math.max(5, Math.floor(options.soakPasses / HEAP_SAMPLES));
    const rss: Sample[] = [];
    const heap: Sample[] = [];
    let nextHeap = 0;
    let last = -1;
    let lastChange = Date.now();
    started = Date.now();
    options.log(`soak: ${options.soakPasses} passes measured`);
    // What stops the soak early (the agent gone or stuck): the figures then cover the passes made.
    let stopped: string | null = null;
    for (;;) {
      if (exited !== undefined) {
        stopped = `the agent exited (code ${exited})`;
        break;
      }
      const p = passesOf(status());
      const done = p.billing + p.tickets - first;
      if (done !== last) {
        last = done;
        lastChange = Date.now();
        const mib = rssMiB(pid);
        if (mib !== null) rss.push({ passes: done, mib });
        if (done >= nextHeap || done >= options.soakPasses) {
          nextHeap = done + heapEvery;
          const before = readProbe(probeFile).samples.length;
          child.kill('SIGUSR2');
          const asked = Date.now();
          while (readProbe(probeFile).samples.length === before && Date.now() - asked < 10_000 && exited === undefined) await sleep(20);
          const line = readProbe(probeFile).samples[before];
          if (line) heap.push({ passes: done, mib: line.heapUsed / MiB });
          if (mib === null && line) rss.push({ passes: done, mib: line.rss / MiB });
        }
        if (done > 0 && done % 100 === 0) options.log(`soak: ${done} passes, RSS ${rss.at(-1)?.mib.toFixed(1) ?? '?'} MiB`);
        if (done >= options.soakPasses) break;
      } else if (Date.now() - lastChange > STALL_MS) {
        stopped = `no pass for ${STALL_MS / 1000} s`;
        break;
      }
      await sleep(100);
    }
    const seconds = (Date.now() - started) / 1000;
    const end = status();
    const made = passesOf(end);
    const warmRss = rss[0]?.mib ?? Number.NaN;
    const lastRss = rss.at(-1)?.mib ?? Number.NaN;
    maxRss = Math.max(maxRss, ...rss.map((x) => x.mib));
    if (last < 1) throw failure(`${stopped ?? 'the soak ended'} before its first measured pass`);
    const verdict = last >= VERDICT_PASSES;
    const short =
      (stopped ? `; stopped after ${last} of ${options.soakPasses} passes: ${stopped}${stderr.length ? ` (${stderr.at(-1)})` : ''}` : '') +
      (verdict ? '' : `; no verdict under ${VERDICT_PASSES} passes (KMSP_BENCH_SOAK_PASSES=1000 for the long soak)`);
    const heapFirst = heap[0]?.mib ?? Number.NaN;
    const heapLast = heap.at(-1)?.mib ?? Number.NaN;
    const fig = (name: string, value: number, unit: Figure['unit'], aim: Figure['aim'], detail: string): Figure => ({
      group: 'Agent',
      name,
      subject,
      value,
      unit,
      samples: [value],
      aim,
      detail,
    });
    return [
      fig('passes measured (billing + tickets, after the warm-up)', last, 'passes', null, `billing ${made.billing - base.billing}, tickets ${made.tickets - base.tickets} in ${seconds.toFixed(0)} s; warm-up ${first - firstStatus.billing - firstStatus.tickets} passes; billing ticks skipped while a pass ran: ${end?.jobs.billing.overlapsSkipped ?? '?'}`),
      fig('RSS at the last pass', lastRss, 'MiB', null, `first pass ${firstRss.toFixed(1)} → after warm-up ${warmRss.toFixed(1)} → last ${lastRss.toFixed(1)} MiB, max ${maxRss.toFixed(1)}`),
      fig('RSS growth', growthPer100(rss), 'MiB/100 passes', verdict ? { max: 1, text: '≤ 1 MiB per 100 passes' } : null, `${rss.length} samples${short}`),
      fig('heap after GC, growth', growthPer100(heap), 'MiB/100 passes', verdict ? { max: 0.1, text: '≤ 0.1 MiB per 100 passes' } : null, `${heapFirst.toFixed(2)} → ${heapLast.toFixed(2)} MiB, ${heap.length} samples${short}`),
    ];
  } finally {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const stopping = Date.now();
      while (exited === undefined && Date.now() - stopping < 30_000) await sleep(50);
      if (exited === undefined) child.kill('SIGKILL');
    }
    await scenario.close();
    rmSync(dataset, { recursive: true, force: true });
  }
}

export const soakSection: BenchSection = { id: 'soak', title: 'Agent soak', run: soak };
