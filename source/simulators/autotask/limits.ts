// Autotask's limits as the simulator enforces them (connectors/autotask/README.md §3, §7):
// - an hourly request counter over a rolling window, exposed by ThresholdInformation,
//   answering 429 with Retry-After once the threshold is reached;
// - a semaphore of 3 concurrent requests per endpoint that rejects the 4th with an
//   Itgenatr005 thread-threshold error (it does not queue: Autotask refuses);
// - failure injection for tests and demos.

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

/**
 * 429, error and thread-limit answer instead of processing the request; error-after processes
 * it first (a write is applied) and then answers with the error, like a gateway that gives up
 * after the backend wrote; delay holds the request before processing it; hold keeps it until
 * the test releases it (a slow PSA still working on a write after its client is gone).
 */
export type InjectionKind = '429' | 'error' | 'error-after' | 'thread-limit' | 'delay' | 'hold';

export interface Injection {
  /** Endpoint (entity) name, case-insensitive, e.g. "Companies"; "*" for any. */
  endpoint: string;
  kind: InjectionKind;
  /** How many of the next matching requests it affects (default 1). */
  count?: number;
  /** Only requests with this method (default any). */
  method?: string;
  /** true: only `<Entity>/query` requests; false: only the others (a create or update, not the lookup before it); default both. */
  query?: boolean;
  /** 429: Retry-After seconds (default 1). */
  retryAfter?: number;
  /** error: the message in {"errors":[…]} (default a generic server error). */
  message?: string;
  /** error, error-after: the body as plain text instead of {"errors":[message]} (e.g. a gateway's HTML page). */
  rawBody?: string;
  /** error: the status (default 500). */
  status?: number;
  /** delay: milliseconds to hold the request (inside its thread slot). */
  delayMs?: number;
}

export class Injections {
  private list: Array<Injection & { left: number }> = [];
  private waiting: Array<() => void> = [];

  /** Waits until release(): a 'hold' injection's request, before it is processed. */
  holdUntilReleased(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Requests held now. */
  held(): number {
    return this.waiting.length;
  }

  /** Lets every held request go on to be processed. */
  release(): void {
    const go = this.waiting;
    this.waiting = [];
    for (const resolve of go) resolve();
  }

  add(injection: Injection): void {
    this.list.push({ ...injection, left: injection.count ?? 1 });
  }

  clear(): void {
    this.list = [];
  }

  pending(): number {
    return this.list.reduce((n, i) => n + i.left, 0);
  }

  /** The first injection of one of `kinds` matching this request, consumed by one. */
  take(endpoint: string, method: string, kinds: readonly InjectionKind[], isQuery = false): Injection | null {
    const hit = this.list.find(
      (i) =>
        i.left > 0 &&
        kinds.includes(i.kind) &&
        (i.endpoint === '*' || i.endpoint.toLowerCase() === endpoint) &&
        (!i.method || i.method.toUpperCase() === method.toUpperCase()) &&
        (i.query === undefined || i.query === isQuery),
    );
    if (!hit) return null;
    hit.left--;
    this.list = this.list.filter((i) => i.left > 0);
    return hit;
  }
}
