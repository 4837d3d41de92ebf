// Autotask's hourly request threshold (README §3.2): 10,000 requests per rolling hour
// per database, shared by every integration, readable at GET /V1.0/ThresholdInformation
// (which itself counts). The guard keeps an estimate — the last reading plus the
// requests this connector made since — and acts on it before each request:
//
// - it re-reads the threshold on the first request, then every `refreshEvery`
//   requests (every `refreshEveryWhenPacing` once usage is high) or when the
//   reading is 5 minutes old, so the reading itself costs well under 1% of the budget;
// - from 75% (PACE_FROM_RATIO) it paces: request starts are spaced so the rest of
//   the budget would last the whole timeframe (timeframe / remaining), but never
//   less than 1 s (what Autotask's own added latency costs per call at that level)
//   nor more than 10 s (a run should degrade, not stall);
// - at 100% it stops before sending and throws a 'rate-limit' KmspError saying
//   how much was used of what limit and when to retry (a long-lived connector
//   looks again every 30 s of such refusals, so it recovers when the window moves).
import { KmspError, isKmspError } from '../../domain/errors.js';
import { PACE_FROM_RATIO } from './assumptions.js';

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
  minPaceMs: number;
  maxPaceMs: number;
}

export const DEFAULT_BUDGET_POLICY: BudgetPolicy = {
  refreshEvery: 200,
  refreshEveryWhenPacing: 20,
  maxReadingAgeMs: 5 * 60_000,
  recheckWhenExhaustedMs: 30_000,
  paceFromRatio: PACE_FROM_RATIO,
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

  private refreshDue(): boolean {
    if (this.requestsAtAttempt === null) return true;
    const since = this.options.requestsMade() - this.requestsAtAttempt;
    const estimate = this.estimate();
    if (!estimate) return since >= this.policy.refreshEvery;
    const age = this.now() - this.readAt;
    // Before refusing to send, confirm with a fresh reading: the window may have moved on.
    if (estimate.used >= estimate.limit) return since > 0 || age >= this.policy.recheckWhenExhaustedMs;
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
    if (this.ratio(estimate) >= this.policy.paceFromRatio) await this.pace(estimate);
  }

  private async pace(estimate: Threshold): Promise<void> {
    const remaining = Math.max(1, estimate.limit - estimate.used);
    const interval = Math.min(this.policy.maxPaceMs, Math.max(this.policy.minPaceMs, (estimate.timeframeMinutes * 60_000) / remaining));
    const now = this.now();
    const at = Math.max(now, this.nextSlot);
    this.nextSlot = at + interval;
    if (at > now) await this.options.sleep(at - now);
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
