// A chaos run of one PSA × platform pair: the scenario on fresh simulators without faults (the
// expected state), then on fresh simulators with a seeded fault plan on both, billing and ticket
// passes repeated (runPass, in process, as `kmsp agent --once` runs them) until each finishes
// 'ok'; then the faults are cleared, one more clean pass of each must change nothing, and the
// PSA's state is compared with the expected one.
import { setTimeout as sleep } from 'node:timers/promises';
import { runPass, type PassResult } from '../agent/passes.js';
import type { HttpOptions } from '../connectors/registry.js';
import type { AgentJob } from '../domain/agentStatus.js';
import type { PsaSnapshot } from '../simulators/snapshot.js';
import { openLedger } from '../store/ledger.js';
import { compareSnapshots, same, type Difference } from './compare.js';
import { startScenario, type Pair, type Scenario, type ScenarioOptions } from './scenario.js';

export interface ChaosOptions extends ScenarioOptions {
  seed: number;
  /** Share of requests given a fault, 0–1 (the acceptance: 0.2). */
  rate: number;
  /** Passes of each job before the pair is reported as not converged. */
  maxPasses: number;
  /** Fault kinds (default: every kind of each simulator, its vendor's own included). */
  kinds?: readonly string[];
}

export const CHAOS_DEFAULTS = { seed: 20_261_207, rate: 0.2, maxPasses: 40 } as const;

/**
 * The connectors' HTTP settings in a chaos run: short timeouts, so that a `timeout` fault costs
 * half a second, and a landing margin just above the time a simulator holds a timed-out request
 * (FAULT_TIMING.timeoutMs), so that a write that never landed is redone within seconds instead
 * of the minute a real vendor is given.
 */
export const CHAOS_HTTP = { timeoutMs: 400, retries: 3, backoffBaseMs: 20, backoffMaxMs: 200, maxRetryAfterMs: 500, landingMarginMs: 1_000 } as const satisfies HttpOptions;
/**
 * Without faults (the expected run, the clean pass after the faults): patient timeouts, so that a
 * busy machine's slow answer is not taken for a fault, and still the short landing margin.
 */
export const CLEAN_HTTP = { ...CHAOS_HTTP, timeoutMs: 15_000 } as const satisfies HttpOptions;
/**
 * The killed and restarted processes of the crash trials (crash.ts): no faults but the kill, so a
 * slow answer of a loaded machine must not be taken for one (patient timeouts, one retry), while
 * a write the kill cut short is still settled within seconds (its landing window stays short).
 */
export const CRASH_HTTP = { ...CHAOS_HTTP, timeoutMs: 2_000, retries: 1 } as const satisfies HttpOptions;
/** The plan's timings: a timeout just beyond the client's patience, a slow answer within it, a short Retry-After. */
export const FAULT_TIMING = { timeoutMs: CHAOS_HTTP.timeoutMs + 200, slowMs: 200, retryAfterSeconds: 0.2 } as const;

export interface JobFigures {
  /** Passes until one finished 'ok' (null: not within maxPasses). */
  passes: number | null;
  /** The error lines of the last pass that was not 'ok' (a few), to say why it did not converge. */
  lastErrors: string[];
}

export interface PairResult {
  pair: Pair;
  converged: boolean;
  billing: JobFigures;
  tickets: JobFigures;
  /** Faults injected by kind, both simulators together. */
  faults: Record<string, number>;
  /** HTTP requests kmsp sent during the faulty passes (attempts included), and how many of them were retries. */
  requests: number;
  retries: number;
  /** The clean passes after the faults were cleared changed the PSA's state. */
  cleanPassChanged: boolean;
  /** The chaos run's PSA state against the fault-free run's. */
  difference: Difference;
  /** What the fault-free run made: postings in force and tickets (the scale of the comparison). */
  expected: { postings: number; records: number; tickets: number };
}

/** A pair whose run could not be made (its scenario failed to start, its fault-free run never finished clean). */
export function pairNotRun(pair: Pair, why: string): PairResult {
  const none = { postings: 0, tickets: 0 };
  return {
    pair,
    converged: false,
    billing: { passes: null, lastErrors: [why] },
    tickets: { passes: null, lastErrors: [] },
    faults: {},
    requests: 0,
    retries: 0,
    cleanPassChanged: false,
    difference: { duplicates: none, lost: { ...none }, wrong: { ...none }, details: [] },
    expected: { postings: 0, records: 0, tickets: 0 },
  };
}

/** True when the pair passes: converged, the clean pass changed nothing, no duplicate, nothing lost or wrong. */
export function pairPassed(r: PairResult): boolean {
  return r.converged && !r.cleanPassChanged && same(r.difference);
}


/**
 * After a pass that did not finish 'ok': waits until the writes the ledger still holds in flight
 * (unsettled postings, tickets created without an answer) can no longer land, so the next pass
 * can settle them instead of refusing them again.
 */
/**
 * When the last write a pass left in flight can no longer land (the ledger's landsBy of unsettled
 * postings, ticket creates without a PSA id and pending notes); 0 when none is in flight.
 */
export function lastLanding(s: Scenario): number {
  const ledger = openLedger({ paths: s.paths });
  let until = 0;
  try {
    const name = s.integration.name;
    for (const p of ledger.unsettledPostings({ integration: name })) if (p.landsBy) until = Math.max(until, Date.parse(p.landsBy));
    for (const t of ledger.openTicketsFor({ integration: name })) if (t.psaTicketId === null && t.landsBy) until = Math.max(until, Date.parse(t.landsBy));
    for (const n of ledger.listPendingNotes()) until = Math.max(until, Date.parse(n.landsBy));
  } finally {
    ledger.close();
  }
  return until;
}

/** Waits until every write in flight has landed or can no longer land. */
export async function waitForLanding(s: Scenario): Promise<void> {
  const wait = lastLanding(s) - Date.now();
  if (wait > 0) await sleep(wait + 50);
}

function pendingCloses(s: Scenario): number {
  const ledger = openLedger({ paths: s.paths });
  try {
    return ledger.pendingCloses({ integration: s.integration.name }).length;
  } finally {
    ledger.close();
  }
}

async function pass(s: Scenario, job: AgentJob, http: HttpOptions): Promise<PassResult> {
  return runPass(job, { paths: s.paths, config: s.config, integrations: s.config.integrations, dryRun: false, http });
}

/** Passes of both jobs until each finishes 'ok' once (each job stops once it has). */
async function converge(s: Scenario, http: HttpOptions, maxPasses: number): Promise<{ billing: JobFigures; tickets: JobFigures }> {
  const figures: Record<'billing' | 'tickets', JobFigures> = { billing: { passes: null, lastErrors: [] }, tickets: { passes: null, lastErrors: [] } };
  for (let n = 1; n <= maxPasses; n++) {
    let failed = false;
    for (const job of ['billing', 'tickets'] as const) {
      if (figures[job].passes !== null) continue;
      const r = await pass(s, job, http);
      // A close the PSA put off (a locked ticket) is work left: the pass is clean, the state not yet.
      const putOff = job === 'tickets' && r.outcome === 'ok' ? pendingCloses(s) : 0;
      if (r.outcome === 'ok' && putOff === 0) figures[job].passes = n;
      else {
        failed = true;
        figures[job].lastErrors = putOff > 0 ? [`${putOff} ticket close${putOff === 1 ? '' : 's'} put off by the PSA`] : r.integrations.flatMap((i) => (i.errors.length > 0 ? i.errors : [i.summary])).slice(0, 5);
      }
    }
    if (!failed) break;
    await waitForLanding(s);
  }
  return figures;
}

/** The fault-free run: the state the chaos run must end in. */
export async function expectedState(pair: Pair, options: ChaosOptions): Promise<PsaSnapshot> {
  const s = await startScenario(pair, options);
  try {
    const r = await converge(s, CLEAN_HTTP, options.maxPasses);
    if (r.billing.passes === null || r.tickets.passes === null) {
      const why = [...r.billing.lastErrors, ...r.tickets.lastErrors].join('; ');
      throw new Error(`the fault-free run of ${pair.platform} × ${pair.psa} did not finish clean: ${why}`);
    }
    return s.snapshot();
  } finally {
    await s.close();
  }
}

export async function runPair(pair: Pair, options: ChaosOptions): Promise<PairResult> {
  const expected = await expectedState(pair, options);
  const s = await startScenario(pair, options);
  try {
    let requests = 0;
    let retries = 0;
    const http: HttpOptions = {
      ...CHAOS_HTTP,
      onRecord: (record) => {
        requests++;
        if (record.attempt > 0) retries++;
      },
    };
    // Every kind each simulator has, the shared ones and its vendor's own, unless told which.
    for (const sim of s.simulators) sim.faults.set({ seed: options.seed, rate: options.rate, kinds: options.kinds ?? sim.faults.kinds(), ...FAULT_TIMING });
    const figures = await converge(s, http, options.maxPasses);
    const faults: Record<string, number> = {};
    for (const sim of s.simulators) for (const [kind, n] of Object.entries(sim.faults.stats().injected)) faults[kind] = (faults[kind] ?? 0) + n;
    for (const sim of s.simulators) sim.faults.set(null);
    // Faults over, held requests answered: one clean pass of each must find nothing left to do.
    await waitForLanding(s);
    const before = JSON.stringify(s.snapshot());
    const clean = await converge(s, CLEAN_HTTP, 1);
    const after = s.snapshot();
    const converged = figures.billing.passes !== null && figures.tickets.passes !== null && clean.billing.passes !== null && clean.tickets.passes !== null;
    return {
      pair,
      converged,
      billing: figures.billing.passes === null ? figures.billing : { ...figures.billing, lastErrors: clean.billing.lastErrors },
      tickets: figures.tickets.passes === null ? figures.tickets : { ...figures.tickets, lastErrors: clean.tickets.lastErrors },
      faults,
      requests,
      retries,
      cleanPassChanged: JSON.stringify(after) !== before,
      difference: compareSnapshots(expected, after),
      expected: { postings: Object.keys(expected.postings).length, records: Object.values(expected.records).reduce((a, b) => a + b, 0), tickets: expected.tickets.length },
    };
  } finally {
    await s.close();
  }
}
