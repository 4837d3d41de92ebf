// Seeded random faults for the simulators: a share of requests fails the way real vendors and
// networks fail, so chaos runs can prove that kmsp converges on the right state anyway.
//
// Unlike injections.ts (the next N matching requests, chosen by a test), a fault plan picks its
// victims by chance, at a rate, for as long as it is set. The choice is reproducible: it depends
// on the seed, the request (method, path, query, body) and how many times that same request was
// seen before, not on the order in which concurrent requests arrive.
//
// The kinds every simulator shares are applied by server.ts. A simulator adds kinds of its own
// (an expired session, a record lock) through `VendorFaults`: each such fault either answers in
// the vendor's words or changes the simulator's state and lets the request be processed (an
// expired session makes the request fail as it would in life).
import { hash, prng } from './dice.js';
import type { SimRequest, SimResponse } from './server.js';

/**
 * The shared kinds.
 * - `5xx`: 503 with an HTML page instead of processing (a gateway or a backend down; the
 *   500 of a backend that applied the write is `error-after`).
 * - `429`: Too Many Requests with Retry-After, instead of processing.
 * - `timeout`: no answer for `timeoutMs` (beyond the client's patience); then processed, so a
 *   write may land after its client gave up, as on a slow vendor.
 * - `reset-before`: the connection is dropped before the request is processed.
 * - `reset-after`: processed (a write is applied), then the connection is dropped unanswered.
 * - `malformed-json`: processed, then answered 200 with a body that is not JSON.
 * - `truncated-json`: processed, then answered with its body cut in half.
 * - `slow`: answered after `slowMs`.
 * - `error-after`: processed (a write is applied), then answered 500.
 */
export const SHARED_FAULT_KINDS = ['5xx', '429', 'timeout', 'reset-before', 'reset-after', 'malformed-json', 'truncated-json', 'slow', 'error-after'] as const;
export type SharedFaultKind = (typeof SHARED_FAULT_KINDS)[number];

/** A simulator's own fault: an answer in the vendor's words, 'process' (state changed; go on), or 'not-applicable' (this request cannot have it). */
export type VendorFault = (req: SimRequest) => SimResponse | 'process' | 'not-applicable' | Promise<SimResponse | 'process' | 'not-applicable'>;
export type VendorFaults = Readonly<Record<string, VendorFault>>;

export interface FaultPlan {
  /** Same seed, same requests: same faults. */
  seed: number;
  /** Share of requests that get a fault, 0–1. */
  rate: number;
  /** Kinds to choose from (default: every shared kind and the simulator's own), equally likely unless `weights` says otherwise. */
  kinds?: readonly string[];
  weights?: Readonly<Record<string, number>>;
  /** Only requests whose path contains this text (default: every request but the control API). */
  pathIncludes?: string;
  /** Only requests with this method (default any); "write" for anything but GET. */
  method?: string;
  /** 429: Retry-After seconds (default 1). */
  retryAfterSeconds?: number;
  /** slow: milliseconds (default 1500). */
  slowMs?: number;
  /** timeout: milliseconds without an answer (default 35 000). */
  timeoutMs?: number;
  /**
   * At most this many faults, then none (default: no limit): one fault at rate 1 hits exactly
   * the first matching request, so a test knows which request of an operation failed.
   */
  limit?: number;
}

export interface FaultStats {
  /** Requests seen while a plan was set (control API excluded). */
  requests: number;
  /** Faults injected by kind. */
  injected: Record<string, number>;
}

/** What the server does with a request: its fault (if any), decided before the request is processed. */
export type FaultDecision = { kind: null } | { kind: string; vendor?: VendorFault };

export class FaultPlanner {
  private plan: FaultPlan | null = null;
  private seen = new Map<string, number>();
  private counts: FaultStats = { requests: 0, injected: {} };
  /** Faults chosen under the current plan (for `limit`), counted at the choice so concurrent requests cannot overshoot it. */
  private chosen = 0;

  constructor(private readonly vendor: VendorFaults = {}) {}

  /** The kinds this simulator can inject: the shared ones and its own. */
  kinds(): string[] {
    return [...SHARED_FAULT_KINDS, ...Object.keys(this.vendor)];
  }

  /** A new plan starts its counts afresh; clearing (null) keeps them for reading. */
  set(plan: FaultPlan | null): void {
    if (plan) checkPlan(plan, this.kinds());
    this.plan = plan;
    this.seen.clear();
    this.chosen = 0;
    if (plan) this.resetStats();
  }

  current(): FaultPlan | null {
    return this.plan;
  }

  stats(): FaultStats {
    return { requests: this.counts.requests, injected: { ...this.counts.injected } };
  }

  resetStats(): void {
    this.counts = { requests: 0, injected: {} };
  }

  /** Chooses this request's fault; counted as injected when the caller applies it (see `applied`). */
  decide(req: SimRequest): FaultDecision {
    const plan = this.plan;
    if (!plan || plan.rate <= 0) return { kind: null };
    if (plan.pathIncludes && !req.path.toLowerCase().includes(plan.pathIncludes.toLowerCase())) return { kind: null };
    if (plan.method) {
      const m = plan.method.toUpperCase();
      if (m === 'WRITE' ? req.method === 'GET' : req.method.toUpperCase() !== m) return { kind: null };
    }
    this.counts.requests++;
    const signature = `${req.method} ${req.path}?${req.query.toString()} ${req.rawBody}`;
    const nth = this.seen.get(signature) ?? 0;
    this.seen.set(signature, nth + 1);
    const draw = prng(hash(`${plan.seed}|${nth}|${signature}`));
    if (draw() >= plan.rate) return { kind: null };
    if (plan.limit !== undefined && this.chosen >= plan.limit) return { kind: null };
    const kinds = plan.kinds ?? this.kinds();
    const weights = kinds.map((k) => Math.max(0, plan.weights?.[k] ?? 1));
    const total = weights.reduce((a, b) => a + b, 0);
    if (total <= 0) return { kind: null };
    let pick = draw() * total;
    let kind = kinds[kinds.length - 1]!;
    for (let i = 0; i < kinds.length; i++) {
      pick -= weights[i]!;
      if (pick < 0) {
        kind = kinds[i]!;
        break;
      }
    }
    this.chosen++;
    const vendor = this.vendor[kind];
    return vendor ? { kind, vendor } : { kind };
  }

  applied(kind: string): void {
    this.counts.injected[kind] = (this.counts.injected[kind] ?? 0) + 1;
  }

  /** A chosen vendor fault that did not apply to its request ('not-applicable'): it does not count against `limit`. */
  notApplied(): void {
    if (this.chosen > 0) this.chosen--;
  }
}

function checkPlan(plan: FaultPlan, known: readonly string[]): void {
  if (!Number.isFinite(plan.seed)) throw new FaultPlanError('seed must be a number');
  if (!(typeof plan.rate === 'number' && plan.rate >= 0 && plan.rate <= 1)) throw new FaultPlanError('rate must be a number from 0 to 1');
  if (plan.limit !== undefined && !(Number.isInteger(plan.limit) && plan.limit >= 0)) throw new FaultPlanError('limit must be a whole number of faults');
  for (const k of [...(plan.kinds ?? []), ...Object.keys(plan.weights ?? {})]) {
    if (!known.includes(k)) throw new FaultPlanError(`unknown fault kind "${k}"; this simulator has: ${known.join(', ')}`);
  }
}

/** A fault plan the control API cannot take (answered 400). */
export class FaultPlanError extends Error {}

/** A plan from the control API's JSON body, checked. */
export function faultPlanFromBody(body: unknown): FaultPlan | null {
  if (body === null || body === undefined) return null;
  if (typeof body !== 'object' || Array.isArray(body)) throw new FaultPlanError('the body must be a fault plan object, or null to clear it');
  const b = body as Record<string, unknown>;
  const plan: FaultPlan = { seed: Number(b.seed ?? 1), rate: Number(b.rate) };
  if (b.kinds !== undefined) {
    if (!Array.isArray(b.kinds) || !b.kinds.every((k) => typeof k === 'string')) throw new FaultPlanError('kinds must be a list of names');
    plan.kinds = b.kinds as string[];
  }
  if (b.weights !== undefined) plan.weights = b.weights as Record<string, number>;
  for (const key of ['pathIncludes', 'method'] as const) if (typeof b[key] === 'string') plan[key] = b[key] as string;
  for (const key of ['retryAfterSeconds', 'slowMs', 'timeoutMs', 'limit'] as const) if (b[key] !== undefined) plan[key] = Number(b[key]);
  return plan;
}

/** A body cut in half: JSON a client cannot parse. */
export function truncated(body: string): string {
  return body.slice(0, Math.max(1, Math.floor(body.length / 2)));
}
