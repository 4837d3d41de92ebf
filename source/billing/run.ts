// One billing run of one integration: lock, plan, execute, record (the agent's billing job
// and `kmsp agent --once --job billing`).
//
// Dry run and paused runs take no lock and write nothing to the ledger or the PSA: the plan is
// computed and reported, like `kmsp billing preview`.
import { approvalsOf } from '../domain/billingGuards.js';
import type { Integration } from '../domain/config.js';
import { PassAbandoned } from '../domain/errors.js';
import type { Psa, SecurityPlatform } from '../domain/ports.js';
import { psaProfile } from '../domain/profiles/index.js';
import { ledgerWriteFailure, type Ledger } from '../store/ledger.js';
import { executeBillingPlan, type ExecuteOptions, type ExecutionResult } from './executor.js';
import { buildBillingPlan, type PlanProgress } from './planner.js';
import { billingErrorLine } from './errors.js';
import type { BillingPlan } from './types.js';

export interface BillingRunOptions {
  integration: Integration;
  platform: SecurityPlatform;
  psa: Psa;
  /** Needed unless dryRun or paused. */
  ledger: Ledger | null;
  now: Date;
  timeZone: string;
  dryRun: boolean;
  paused?: boolean;
  heartbeatMs?: number;
  onProgress?: (progress: PlanProgress | { phase: 'posting'; done: number; total: number }) => void;
  afterPost?: ExecuteOptions['afterPost'];
  /** Aborted (SIGTERM, pause): the run stops at its next safe point and ends `abandoned`. */
  signal?: AbortSignal;
}

export interface BillingRunResult {
  runId: number | null;
  plan: BillingPlan;
  execution: ExecutionResult;
  /** ok: nothing failed; partial: some contracts or postings failed; abandoned: stopped at a safe point by the signal. */
  status: 'ok' | 'partial' | 'abandoned';
}

export async function runBilling(options: BillingRunOptions): Promise<BillingRunResult> {
  const writes = !options.dryRun && !options.paused;
  const ledger = writes ? options.ledger : null;
  if (writes && !ledger) throw new Error('runBilling needs a ledger unless dryRun or paused');
  // Throws KmspError 'run-locked' naming the holder when another billing run is in progress.
  const runId = ledger ? ledger.acquireRun({ job: 'billing' }).runId : null;
  const beat = ledger && runId !== null ? setInterval(() => ledger.heartbeat(runId), options.heartbeatMs ?? 30_000) : null;
  beat?.unref();
  try {
    const plan = await buildBillingPlan({
      integration: options.integration,
      platform: options.platform,
      psa: options.psa,
      now: options.now,
      timeZone: options.timeZone,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (ledger && runId !== null) ledger.heartbeat(runId);
    const profile = psaProfile(options.integration.psa.kind);
    const execution = await executeBillingPlan(plan, {
      psa: options.psa,
      mode: profile.posting.mode,
      approvals: approvalsOf(options.integration),
      words: profile.words,
      concurrency: profile.limits.concurrency,
      ledger,
      runId,
      dryRun: options.dryRun,
      paused: options.paused ?? false,
      ...(options.onProgress ? { onProgress: (done: number, total: number) => options.onProgress!({ phase: 'posting', done, total }) } : {}),
      ...(options.afterPost ? { afterPost: options.afterPost } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const status = execution.abandoned ? 'abandoned' : execution.totals.errors > 0 ? 'partial' : 'ok';
    if (ledger && runId !== null) {
      const errors = execution.contracts.flatMap((c) => [
        ...(c.error ? [billingErrorLine(c.error)] : []),
        ...c.postings.filter((p) => p.error).map((p) => billingErrorLine(p.error!)),
      ]);
      ledger.finishRun(runId, {
        status,
        summary: { integration: plan.integration, date: plan.date, ...execution.totals, skipped: plan.skipped.length },
        error: errors.length ? errors.slice(0, 20).join('\n') : null,
      });
    }
    return { runId, plan, execution, status };
  } catch (caught) {
    const unwritable = ledger ? ledgerWriteFailure(caught, ledger.file) : null;
    const error = unwritable ?? caught;
    // A ledger that cannot be written cannot record the failed run either: the error says so.
    if (ledger && runId !== null && !unwritable) {
      // The summary names the integration even when there is nothing else to say: the agent
      // tells an integration never billed from one whose billing stopped short by it.
      const summary = { integration: options.integration.name };
      if (error instanceof PassAbandoned) ledger.finishRun(runId, { status: 'abandoned', summary, error: error.message });
      else ledger.finishRun(runId, { status: 'failed', summary, error: error instanceof Error ? error.message : String(error) });
    }
    throw error;
  } finally {
    if (beat) clearInterval(beat);
  }
}
