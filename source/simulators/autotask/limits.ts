// Autotask's limits as the simulator enforces them (connectors/autotask/README.md §3, §7):
// - an hourly request counter over a rolling window, exposed by ThresholdInformation,
//   answering 429 with Retry-After once the threshold is reached;
// - a semaphore of 3 concurrent requests per endpoint that rejects the 4th with an
//   Itgenatr005 thread-threshold error (it does not queue: Autotask refuses);
// - failure injection for tests and demos (../injections.ts, with Autotask's thread-limit kind).
import { Injections as SharedInjections, type BaseInjection } from '../injections.js';

export class RequestMeter {
  private times: number[] = [];

  constructor(
    public limit: number,
    public timeframeMinutes: number,
    private readonly now: () => number,
  ) {}

  private prune(): void {
    const since = this.now() - this.timeframeMinutes * 60_000;
    let drop = 0;
    while (drop < this.times.length && this.times[drop]! <= since) drop++;
    if (drop) this.times.splice(0, drop);
  }

  used(): number {
    this.prune();
    return this.times.length;
  }

  add(): void {
    this.times.push(this.now());
  }

  /** Sets the usage of the current window (all counted "now"). */
  set(used: number): void {
    const at = this.now();
    this.times = Array.from({ length: Math.max(0, Math.floor(used)) }, () => at);
  }

  /** Seconds until the oldest counted request leaves the window (at least 1). */
  retryAfterSeconds(): number {
    this.prune();
    const oldest = this.times[0];
    if (oldest === undefined) return 1;
    return Math.max(1, Math.ceil((oldest + this.timeframeMinutes * 60_000 - this.now()) / 1000));
  }
}

export class ThreadGate {
  private readonly inFlight = new Map<string, number>();
  /** Highest concurrency seen per endpoint (tests assert a client never exceeds the limit). */
  readonly maxSeen = new Map<string, number>();
  rejections = 0;

  constructor(public limit: number) {}

  tryEnter(endpoint: string): boolean {
    const n = this.inFlight.get(endpoint) ?? 0;
    if (n >= this.limit) {
      this.rejections++;
      return false;
    }
    this.inFlight.set(endpoint, n + 1);
    this.maxSeen.set(endpoint, Math.max(this.maxSeen.get(endpoint) ?? 0, n + 1));
    return true;
  }

  leave(endpoint: string): void {
    this.inFlight.set(endpoint, Math.max(0, (this.inFlight.get(endpoint) ?? 1) - 1));
  }

  reset(): void {
    this.inFlight.clear();
    this.maxSeen.clear();
    this.rejections = 0;
  }
}

/** The shared injection kinds plus Autotask's thread-limit refusal (../injections.ts). */
export type InjectionKind = '429' | 'error' | 'error-after' | 'thread-limit' | 'delay' | 'hold';

export interface Injection extends BaseInjection<InjectionKind> {
  /** Endpoint (entity) name, case-insensitive, e.g. "Companies"; "*" for any. */
  endpoint: string;
  /** true: only `<Entity>/query` requests; false: only the others (a create or update, not the lookup before it); default both. */
  query?: boolean;
}

/** Autotask's injections: matched by entity name, optionally only queries or only the other requests. */
export class Injections extends SharedInjections<Injection> {
  override take(endpoint: string, method: string, kinds: readonly InjectionKind[], isQuery: boolean | ((i: Injection) => boolean) = false): Injection | null {
    if (typeof isQuery === 'function') return super.take(endpoint, method, kinds, isQuery);
    return super.take(endpoint, method, kinds, (i) => i.query === undefined || i.query === isQuery);
  }
}
