// Failure injection shared by the PSA simulators: tests and demos make the next
// matching requests fail, slow down or hang, to prove a client copes.
//
// 429 and error answer instead of processing the request; error-after processes it
// first (a write is applied) and then answers with the error, like a gateway that
// gives up after the backend wrote; delay holds the request before processing it;
// hold keeps it until the test releases it (a slow PSA still working on a write after
// its client is gone). A simulator may add kinds of its own (Autotask: thread-limit).

export interface BaseInjection<Kind extends string = string> {
  /** Which requests: the simulator's endpoint name or path fragment (see its FIXTURE.md); "*" for any. */
  endpoint: string;
  kind: Kind;
  /** How many of the next matching requests it affects (default 1). */
  count?: number;
  /** Only requests with this method (default any). */
  method?: string;
  /** 429: Retry-After seconds (default 1). */
  retryAfter?: number;
  /** error, error-after: the message of the vendor's error body. */
  message?: string;
  /** error, error-after: the body as plain text instead of the vendor's error body (e.g. a gateway's HTML page). */
  rawBody?: string;
  /** error, error-after: the status (default 500). */
  status?: number;
  /** delay: milliseconds to hold the request. */
  delayMs?: number;
}

/** How an injection's `endpoint` selects requests; the default compares names case-insensitively. */
export type EndpointMatcher = (pattern: string, endpoint: string) => boolean;

/**
 * Whether a path fragment (whole segments, case-insensitive; `*` or `{id}` for any one segment)
 * occurs in the path: the matcher of the simulators whose injections name a part of the API path.
 */
export function pathFragmentMatches(pattern: string, endpoint: string): boolean {
  const want = pattern.toLowerCase().split('/').filter(Boolean);
  const have = endpoint.toLowerCase().split('/').filter(Boolean);
  if (want.length === 0) return false;
  for (let start = 0; start + want.length <= have.length; start++) {
    if (want.every((w, k) => w === '*' || w === '{id}' || w === have[start + k])) return true;
  }
  return false;
}

const sameName: EndpointMatcher = (pattern, endpoint) => pattern.toLowerCase() === endpoint.toLowerCase();

export class Injections<I extends BaseInjection = BaseInjection> {
  private list: Array<I & { left: number }> = [];
  private waiting: Array<() => void> = [];

  constructor(private readonly matches: EndpointMatcher = sameName) {}

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

  add(injection: I): void {
    this.list.push({ ...injection, left: injection.count ?? 1 });
  }

  clear(): void {
    this.list = [];
  }

  pending(): number {
    return this.list.reduce((n, i) => n + i.left, 0);
  }

  /**
   * The first injection of one of `kinds` matching this request, consumed by one.
   * `extra` narrows further (Autotask: query or not).
   */
  take(endpoint: string, method: string, kinds: readonly I['kind'][], extra: (i: I) => boolean = () => true): I | null {
    const hit = this.list.find(
      (i) =>
        i.left > 0 &&
        kinds.includes(i.kind) &&
        (i.endpoint === '*' || this.matches(i.endpoint, endpoint)) &&
        (!i.method || i.method.toUpperCase() === method.toUpperCase()) &&
        extra(i),
    );
    if (!hit) return null;
    hit.left--;
    this.list = this.list.filter((i) => i.left > 0);
    return hit;
  }
}
