// Autotask's hourly request threshold (README §3.2): 10,000 requests per rolling hour
// per database, shared by every integration, readable at GET /V1.0/ThresholdInformation
// (which itself counts). The guard keeps an estimate — the last reading plus the
// requests this connector made since — and acts on it before each request:
//
// - it re-reads the threshold on the first request, then every `refreshEvery`
//   requests (every `refreshEveryWhenPacing` once usage is high) or when the
//   reading is 5 minutes old, so the reading itself costs well under 1% of the budget;
// - from 75% (PACE_FROM_RATIO) it paces: request starts are spaced so what is left
//   below the reserve would last the whole timeframe (timeframe / remaining), but
//   never less than 1 s (what Autotask's own added latency costs per call at that
//   level) nor more than 10 s (a run should degrade, not stall);
// - from 90% (RESERVE_FROM_RATIO) it defers: the rest of the budget is left to the
//   MSP's other integrations (its PSA's own automations, its RMM, its people's tools),
//   which would otherwise be refused along with kmsp once the database hits the limit.
//   It stops before sending and throws a 'rate-limit' KmspError saying how much was
//   used of what limit and when to retry (a long-lived connector looks again every
//   30 s of such refusals, so it resumes when the window moves or the others slow
//   down). Nothing is half-done: the request was not sent; the billing and ticket
//   jobs carry on from where they stopped on their next pass;
// - at 100% (another integration used it all) it stops the same way.
import { KmspError, isKmspError } from '../../domain/errors.js';
import { PACE_FROM_RATIO, RESERVE_FROM_RATIO } from './assumptions.js';

export interface Threshold {
  limit: number;
  used: number;
  timeframeMinutes: number;
}

export interface BudgetPolicy {
  refreshEvery: number;
  refreshEveryWhenPacing: number;
  /** A reading older than this is refreshed (other integrations share the budget). */
  maxReadingAgeMs: number;
  /** While the threshold is used up, how often a long-lived connector looks again. */
  recheckWhenExhaustedMs: number;
  paceFromRatio: number;
  /** From this share of the threshold kmsp sends nothing: the rest is left to other integrations (1: none left). */
  reserveFromRatio: number;
  minPaceMs: number;
  maxPaceMs: number;
}

export const DEFAULT_BUDGET_POLICY: BudgetPolicy = {
  refreshEvery: 200,
  refreshEveryWhenPacing: 20,
  maxReadingAgeMs: 5 * 60_000,
  recheckWhenExhaustedMs: 30_000,
  paceFromRatio: PACE_FROM_RATIO,
  reserveFromRatio: RESERVE_FROM_RATIO,
  minPaceMs: 1_000,
  maxPaceMs: 10_000,
};

export interface BudgetGuardOptions {
  read: () => Promise<Threshold>;
  /** Requests this connector has sent so far (HttpClient stats). */
  requestsMade: () => number;
  sleep: (ms: number) => Promise<void>;
  now?: () => number;
  policy?: Partial<BudgetPolicy>;
}

export class BudgetGuard {
  private readonly policy: BudgetPolicy;
  private readonly now: () => number;
  private reading: Threshold | null = null;
  private requestsAtReading = 0;
  private readAt = 0;
  /** Requests count when we last tried to read (success or not), so a failing read is not repeated per request. */
  private requestsAtAttempt: number | null = null;
  private pendingRead: Promise<void> | null = null;
  private nextSlot = 0;

  constructor(private readonly options: BudgetGuardOptions) {
    this.policy = { ...DEFAULT_BUDGET_POLICY, ...options.policy };
    this.now = options.now ?? Date.now;
  }

  /** Records a reading taken elsewhere (budget(), verify()). */
  note(reading: Threshold): void {
    this.reading = reading;
    this.readAt = this.now();
    this.requestsAtReading = this.options.requestsMade();
    this.requestsAtAttempt = this.requestsAtReading;
  }

  /** Last reading plus our own requests since. Null before the first reading. */
  estimate(): Threshold | null {
    if (!this.reading) return null;
    return { ...this.reading, used: this.reading.used + (this.options.requestsMade() - this.requestsAtReading) };
  }

  private ratio(t: Threshold): number {
    return t.limit > 0 ? t.used / t.limit : 1;
  }

  /** The usage at which kmsp stops sending: the limit less the reserve left to other integrations. */
  private stopAt(t: Threshold): number {
    return Math.min(t.limit, Math.floor(t.limit * Math.min(1, this.policy.reserveFromRatio)));
  }

  private refreshDue(): boolean {
    if (this.requestsAtAttempt === null) return true;
    const since = this.options.requestsMade() - this.requestsAtAttempt;
    const estimate = this.estimate();
    if (!estimate) return since >= this.policy.refreshEvery;
    const age = this.now() - this.readAt;
    // Before refusing to send, confirm with a fresh reading: the window may have moved on.
    if (estimate.used >= this.stopAt(estimate)) return since > 0 || age >= this.policy.recheckWhenExhaustedMs;
    if (age >= this.policy.maxReadingAgeMs) return true;
    const every = this.ratio(estimate) >= this.policy.paceFromRatio ? this.policy.refreshEveryWhenPacing : this.policy.refreshEvery;
    return since >= every;
  }

  /** Re-reads the threshold (single flight). Failures other than auth/permission/rate-limit leave us unguarded until the next attempt. */
  async refresh(): Promise<void> {
    this.pendingRead ??= (async () => {
      this.requestsAtAttempt = this.options.requestsMade();
      try {
        const reading = await this.options.read();
        this.note(reading);
      } catch (error) {
        if (isKmspError(error) && (error.kind === 'auth' || error.kind === 'permission' || error.kind === 'rate-limit' || error.kind === 'config')) throw error;
        // A vendor/network hiccup on the usage check must not block real work: the request
        // that follows will fail on its own if the problem is general.
      }
    })().finally(() => {
      this.pendingRead = null;
    });
    await this.pendingRead;
  }

  /** Called before every API request except the ThresholdInformation read itself. */
  async beforeRequest(): Promise<void> {
    // A read in flight (started by a concurrent request) is waited for, not overtaken.
    if (this.pendingRead) await this.pendingRead;
    else if (this.refreshDue()) await this.refresh();
    const estimate = this.estimate();
    if (!estimate) return;
    if (estimate.used >= estimate.limit) throw this.exhausted(null);
    if (estimate.used >= this.stopAt(estimate)) throw this.reserved(estimate);
    if (this.ratio(estimate) >= this.policy.paceFromRatio) await this.pace(estimate);
  }

  private async pace(estimate: Threshold): Promise<void> {
    const remaining = Math.max(1, this.stopAt(estimate) - estimate.used);
    const interval = Math.min(this.policy.maxPaceMs, Math.max(this.policy.minPaceMs, (estimate.timeframeMinutes * 60_000) / remaining));
    const now = this.now();
    const at = Math.max(now, this.nextSlot);
    this.nextSlot = at + interval;
    if (at > now) await this.options.sleep(at - now);
  }

  /** The 'rate-limit' error for usage in the reserve: kmsp leaves the rest to the MSP's other integrations. */
  reserved(t: Threshold): KmspError {
    const share = Math.round(this.policy.reserveFromRatio * 100);
    return new KmspError(`kmsp paused its Autotask requests: ${t.used} of ${t.limit} requests of the ${t.timeframeMinutes}-minute window are used, and kmsp leaves the last ${100 - share}% to other integrations`, {
      kind: 'rate-limit',
      cause: `the database's hourly threshold is shared by every integration; kmsp sends nothing from ${share}% of it, so the others are not refused along with it`,
      remedy: `Nothing to do: kmsp looks at the usage again every ${Math.round(this.policy.recheckWhenExhaustedMs / 1000)} s and carries on once it is below ${share}% (at ${new Date(this.now() + t.timeframeMinutes * 60_000).toISOString()} at the latest). If this happens often, find which integration uses the budget (Autotask: Admin › API usage) or spread the schedules.`,
      code: 429,
    });
  }

  /** The 'rate-limit' error for an exhausted threshold; `retryAfterMs` from a 429's Retry-After when known. */
  exhausted(retryAfterMs: number | null): KmspError {
    const t = this.estimate();
    const usage = t ? `${t.used} of ${t.limit} requests used in the current ${t.timeframeMinutes}-minute window` : 'usage could not be read';
    const timeframe = t?.timeframeMinutes ?? 60;
    const when =
      retryAfterMs !== null
        ? `${new Date(this.now() + retryAfterMs).toISOString()} (in ${Math.ceil(retryAfterMs / 1000)} s, as Autotask asked)`
        : `${new Date(this.now() + timeframe * 60_000).toISOString()} at the latest (Autotask counts a rolling ${timeframe}-minute window, so capacity may come back sooner)`;
    return new KmspError(`Autotask's hourly API request threshold is used up: ${usage}`, {
      kind: 'rate-limit',
      cause: 'Autotask refuses requests from every integration of this database until usage in the rolling window drops below the threshold',
      remedy: `Retry after ${when}. kmsp paces itself from ${Math.round(this.policy.paceFromRatio * 100)}% usage; if other integrations use most of the budget, spread their schedules.`,
      code: 429,
    });
  }
}
