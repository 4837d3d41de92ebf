// One pass of one job over every configured integration: what `kmsp agent --once` runs and
// what the daemon's schedules fire. Each integration is connected, run and closed on its own
// (the daemon keeps its platform connectors, and their sessions, from pass to pass: PlatformPool);
// one integration's failure (unreachable platform, run lock held) never stops the others.
//
// The result carries the one-line summaries (the log and the status file use the same text),
// the error lines, the HTTP requests made and, when asked, the PSA's own API budget.
import { psaLabel } from '../domain/config.js';
import { psaProfile } from '../domain/profiles/index.js';
import { billingErrorLine } from '../billing/errors.js';
import { connect } from '../billing/context.js';
import type { PlatformPool } from '../connectors/platformPool.js';
import type { HttpOptions } from '../connectors/registry.js';
import { runBilling, type BillingRunResult } from '../billing/run.js';
import type { Integration, KmspConfig } from '../domain/config.js';
import type { PassOutcome, AgentJob } from '../domain/agentStatus.js';
import { describeErrorLine, isKmspError, PassAbandoned, type ErrorKind } from '../domain/errors.js';
import type { PsaBudget } from '../domain/types.js';
import { openLedger, type Ledger } from '../store/ledger.js';
import type { KmspPaths } from '../store/paths.js';
import { maintenanceNotice, ticketSummaryLine } from '../tickets/format.js';
import { runTickets } from '../tickets/run.js';
import type { Logger } from './logger.js';
import { WarningMemory } from './warningMemory.js';

export interface PassOptions {
  paths: KmspPaths;
  config: KmspConfig;
  integrations: readonly Integration[];
  dryRun: boolean;
  /** Aborted: each integration's run stops at its next safe point; the rest are not begun. */
  signal?: AbortSignal;
  /** Read the PSA's API budget after the pass (one cheap request per integration). */
  readBudget?: boolean;
  now?: () => Date;
  /** HTTP settings for the connectors beyond their own (a harness's short timeouts and request hook). */
  http?: HttpOptions;
  /** Platform connectors kept from pass to pass (the daemon's): sessions are not signed in again each pass. */
  platforms?: PlatformPool;
}

export interface IntegrationPass {
  integration: string;
  outcome: PassOutcome;
  /** The run's one-line summary, or what stopped it. */
  summary: string;
  /** One line per failure (contract, posting, tenant, ticket), each with cause and remedy. */
  errors: string[];
  /** Lines worth a person's eye that are not failures (a close the PSA put off, and why). */
  notices?: string[];
  requests: { platform: number; psa: number };
  /** The PSA's own API budget, with the PSA's name (only PSAs that report one). */
  budget: (PsaBudget & { psa: string }) | null;
  /** Another process holds this job's run lock. */
  locked: boolean;
  /** What failed the whole pass (no connection, the run threw), for health notifications: credentials are told apart by kind. */
  failure?: PassFailure;
}

export interface PassFailure {
  /** The KmspError's kind ('auth': credentials rejected; 'secret': one missing); null for another error. */
  kind: ErrorKind | null;
  message: string;
  remedy: string | null;
}

function passFailure(error: unknown): PassFailure {
  return isKmspError(error) ? { kind: error.kind, message: describeErrorLine(error), remedy: error.remedy ?? null } : { kind: null, message: describeErrorLine(error), remedy: null };
}

export interface PassResult {
  job: AgentJob;
  outcome: PassOutcome;
  startedAt: Date;
  finishedAt: Date;
  integrations: IntegrationPass[];
}

/** abandoned wins (the pass did not finish), then all-failed is failed, any failure is partial. */
export function combineOutcomes(outcomes: readonly PassOutcome[]): PassOutcome {
  if (outcomes.includes('abandoned')) return 'abandoned';
  if (outcomes.length > 0 && outcomes.every((o) => o === 'failed')) return 'failed';
  if (outcomes.some((o) => o !== 'ok')) return 'partial';
  return 'ok';
}

/** Errors of one integration logged per pass at most; the rest are counted (the ledger has them all). */
export const LOGGED_ERRORS_PER_PASS = 50;

/**
 * One integration's pass as log lines — the summary (info when it went well or stopped at a safe
 * point, warn when another run held the lock, error otherwise) and each error — for the daemon
 * and for `kmsp agent --once` with JSON or journald output.
 */
export function logIntegrationPass(log: Logger, job: AgentJob, r: IntegrationPass): void {
  const level = r.outcome === 'ok' || r.outcome === 'abandoned' ? 'info' : r.locked ? 'warn' : 'error';
  log[level](r.summary, undefined, { job, integration: r.integration, outcome: r.outcome, requests: r.requests.platform + r.requests.psa });
  const shown = r.errors.slice(0, LOGGED_ERRORS_PER_PASS);
  for (const e of shown) log.error(`  ${r.integration}: ${e}`, undefined, { job, integration: r.integration });
  if (r.errors.length > shown.length) log.error(`  ${r.integration}: … and ${r.errors.length - shown.length} more errors (kmsp ledger export)`, undefined, { job, integration: r.integration });
  for (const n of (r.notices ?? []).slice(0, LOGGED_ERRORS_PER_PASS)) log.warn(`  ${r.integration}: ${n}`, undefined, { job, integration: r.integration });
}

export async function runPass(job: AgentJob, options: PassOptions): Promise<PassResult> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const results: IntegrationPass[] = [];
  const writes = !options.dryRun && !options.config.agent.paused;
  // The ticket job reads cursors and known tickets even when it writes nothing; billing without writes needs no ledger.
  const ledger = writes || job === 'tickets' ? openLedger({ paths: options.paths }) : null;
  try {
    for (const integration of options.integrations) {
      if (options.signal?.aborted) {
        const why = typeof options.signal.reason === 'string' ? options.signal.reason : 'asked to stop';
        results.push(notRun(integration.name, 'abandoned', `${job} ${integration.name}: not begun (${why})`));
        continue;
      }
      results.push(await runOne(job, integration, ledger, options, now));
    }
  } finally {
    ledger?.close();
  }
  return { job, outcome: combineOutcomes(results.map((r) => r.outcome)), startedAt, finishedAt: now(), integrations: results };
}

function notRun(integration: string, outcome: PassOutcome, summary: string, locked = false): IntegrationPass {
  return { integration, outcome, summary, errors: [], requests: { platform: 0, psa: 0 }, budget: null, locked };
}

/**
 * A connector warning told again only after this long: a connector tells its warnings on every
 * pass (each poll), and a workspace it does not read or a status code it does not know stays so
 * until someone acts — told every minute it would bury the rest of the log.
 */
export const WARNING_REPEAT_MS = 24 * 3600_000;
/** When each integration's warning was last told by a pass of this process. */
export const toldWarnings = new WarningMemory(WARNING_REPEAT_MS);

async function runOne(job: AgentJob, integration: Integration, ledger: Ledger | null, options: PassOptions, now: () => Date): Promise<IntegrationPass> {
  const { config, dryRun } = options;
  const paused = config.agent.paused;
  const started = Date.now();
  let c: Awaited<ReturnType<typeof connect>>;
  // What the platform's connector left out this pass (a status it does not know): logged with the
  // pass, whatever its outcome, unless an earlier pass told it lately.
  const warnings: string[] = [];
  const warn = (m: string) => void (toldWarnings.firstTelling(integration.name, m, now().getTime()) && warnings.push(m));
  const told = <T extends IntegrationPass>(pass: T): T => (warnings.length > 0 ? { ...pass, notices: [...(pass.notices ?? []), ...warnings] } : pass);
  try {
    c = await connect(options.paths, integration, warn, options.http, options.platforms ? { pool: options.platforms, job } : undefined);
  } catch (error) {
    return { ...notRun(integration.name, 'failed', `${job} ${integration.name}: could not connect`), errors: [describeErrorLine(error)], failure: passFailure(error) };
  }
  const signal = options.signal ? { signal: options.signal } : {};
  // A kept platform connector survives a pass that ran, not one that failed as a whole.
  let failed = true;
  try {
    let pass: IntegrationPass;
    try {
      if (job === 'billing') {
        const r = await runBilling({ integration, platform: c.platform, psa: c.psa, ledger, now: now(), timeZone: config.agent.timeZone, dryRun, paused, ...signal });
        pass = {
          integration: integration.name,
          outcome: r.status,
          summary: billingSummaryLine(integration.name, r, { dryRun, paused, requests: c.requests, ms: Date.now() - started, contracts: psaProfile(integration.psa.kind).words.contracts }),
          errors: billingErrors(r),
          requests: { ...c.requests },
          budget: null,
          locked: false,
        };
      } else {
        const r = await runTickets({
          integration, platform: c.platform, psa: c.psa, ledger, now: now(), dryRun, paused,
          ticketsPerAccountPerHour: config.agent.ticketsPerAccountPerHour, ...signal,
        });
        pass = {
          integration: integration.name,
          outcome: r.status,
          summary: ticketSummaryLine(integration.name, r, { dryRun, paused, requests: c.requests, ms: Date.now() - started }) + (r.status === 'abandoned' ? ' (stopped at a safe point)' : ''),
          errors: r.errors.map((e) => `${e.tenantName ?? integration.name}: ${billingErrorLine(e)}`),
          notices: [
            ...r.deferred.map((d) => `${d.tenantName}: ${psaProfile(integration.psa.kind).words.ticket} ${d.ticket} close pending (${d.reason}); tried again next poll`),
            ...r.maintenance.map((h) => maintenanceNotice(h, psaProfile(integration.psa.kind).words, config.agent.timeZone)),
            ...r.pendingNotes.map((p) => `${p.tenantName}: a repeat note on ${psaProfile(integration.psa.kind).words.ticket} ${p.ticket} got no answer and may still be written by ${psaProfile(integration.psa.kind).words.name} until ${p.until}; its events wait, looked for again next poll`),
          ],
          requests: { ...c.requests },
          budget: null,
          locked: false,
        };
      }
    } catch (error) {
      if (error instanceof PassAbandoned) {
        return told({ ...notRun(integration.name, 'abandoned', `${job} ${integration.name}: ${error.message}`), requests: { ...c.requests } });
      }
      const locked = isKmspError(error) && error.code === 'run-locked';
      return told({ ...notRun(integration.name, 'failed', `${job} ${integration.name}: ${locked ? 'not run, another run holds the lock' : 'failed'}`, locked), errors: [describeErrorLine(error)], requests: { ...c.requests }, failure: passFailure(error) });
    }
    if (options.readBudget) {
      const budget = await c.psa.budget().catch(() => null);
      pass.budget = budget ? { ...budget, psa: psaLabel(integration.psa.kind) } : null;
    }
    // The budget read is a request too: the counts include it.
    pass.requests = { ...c.requests };
    failed = pass.outcome === 'failed';
    return told(pass);
  } finally {
    await c.close(failed);
  }
}

export function billingSummaryLine(integration: string, r: BillingRunResult, x: { dryRun: boolean; paused: boolean; requests: { platform: number; psa: number }; ms: number; /** The PSA's word ("agreements"); default "contracts". */ contracts?: string }): string {
  const t = r.execution.totals;
  const mode = x.dryRun ? ' (dry run: nothing written)' : x.paused ? ' (paused: nothing written)' : '';
  const postings = x.dryRun || x.paused ? `${t.wouldPost} postings to make` : `${t.posted} postings${t.held ? `, ${t.held} held for approval (kmsp billing held)` : ''}`;
  return (
    `billing ${integration} ${r.plan.date}${mode}: ${t.contracts} ${x.contracts ?? 'contracts'}, ${postings}, ${t.errors} error${t.errors === 1 ? '' : 's'}, ${r.plan.skipped.length} tenant${r.plan.skipped.length === 1 ? '' : 's'} skipped; ` +
    `${x.requests.platform + x.requests.psa} requests (platform ${x.requests.platform}, PSA ${x.requests.psa}); ${(x.ms / 1000).toFixed(1)} s` +
    (r.runId !== null ? `; run ${r.runId}` : '') +
    (r.status === 'abandoned' ? ' (stopped at a safe point; the next run posts the rest)' : '')
  );
}

function billingErrors(r: BillingRunResult): string[] {
  const out: string[] = [];
  for (const o of r.execution.contracts) {
    if (o.error) out.push(`${o.plan.accountName} / ${o.plan.contractName}: ${billingErrorLine(o.error)}`);
    for (const p of o.postings) if (p.error) out.push(`${o.plan.accountName} / ${p.billingItemName} (${p.status}): ${billingErrorLine(p.error)}`);
  }
  return out;
}
