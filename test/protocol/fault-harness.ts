// Every fault kind a simulator offers, against the real connector the registry opens for it, over
// loopback: one fault at a time (rate 1, limit 1, aimed at one request of an operation with
// `pathIncludes` and `method`), and what the connector must make of it:
// - a read succeeds (retried) or fails with a KmspError that says why and what to do;
// - a transport fault on a read that the HTTP layer retries (5xx, 429, timeout, a reset, slow)
//   never reaches the caller;
// - a write the connector may not repeat, hit by a fault after which it cannot know whether the
//   vendor applied it (a timeout, a reset, a 5xx, an answer it cannot read), fails as outcome
//   unknown and was sent exactly once; a 429 is repeated (it was not processed) and succeeds;
// - never a TypeError or any other error than a KmspError, never a hang (a short client timeout
//   makes the timeout kind quick).
// The vendor test files (<vendor>-faults.test.ts) give the operations and their vendor kinds.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPlatform, createPsa } from '../../source/connectors/factory.js';
import type { HttpOptions } from '../../source/connectors/registry.js';
import { KmspError } from '../../source/domain/errors.js';
import type { Psa, SecurityPlatform } from '../../source/domain/ports.js';
import { PLATFORM_PROFILES, type PlatformProfile, type PsaProfile } from '../../source/domain/profiles/index.js';
import { choiceValue, defaultTicketing, newTicketFields, roleChoice, ruleScope } from '../../source/domain/ticketSchema.js';
import type { NewTicket, PsaAccount, UsagePosting } from '../../source/domain/types.js';
import { SHARED_FAULT_KINDS, type FaultPlan } from '../../source/simulators/faults.js';
import {
  platformSimulator,
  psaSimulator,
  SIMULATED_PLATFORM_KINDS,
  type PlatformSimulatorOf,
  type PsaSimulatorOf,
  type SimulatedPlatformKind,
  type SimulatedPsaKind,
} from '../../source/simulators/registry.js';
import { testTls, type RecordedRequest, type SimServer } from '../../source/simulators/server.js';
import { until } from '../agent/helpers.js';

/** The client's patience for the timeout kind; the plan keeps the answer back a little longer. */
export const SHORT_TIMEOUT_MS = 1500;
/** Every other kind: long enough that a loaded machine never turns a normal answer into a timeout. */
const NORMAL_TIMEOUT_MS = 20_000;

/** HTTP options of a connector under a fault of `kind`: few retries, no real waiting between them. */
export function httpFor(kind: string): HttpOptions {
  return {
    timeoutMs: kind === 'timeout' ? SHORT_TIMEOUT_MS : NORMAL_TIMEOUT_MS,
    retries: 2,
    backoffBaseMs: 1,
    backoffMaxMs: 4,
    maxRetryAfterMs: 5_000,
    sleep: async () => undefined,
  };
}

/** Which request of an operation gets the fault, as a plan selects it. */
export interface FaultTarget {
  pathIncludes: string;
  /** An HTTP method, or "write" for anything but GET. */
  method?: string;
}

/**
 * - `read`: reads only (any number of requests, all safe to repeat).
 * - `read-once`: a read the connector may not repeat at the HTTP level because it moves state on
 *   the server (an iterator's next items): it succeeds or fails with a KmspError.
 * - `write-once`: the target is a write the connector must never repeat on its own (a ticket
 *   create, a usage posting, any change not marked safe to repeat).
 */
export type OpNature = 'read' | 'read-once' | 'write-once';

export interface FaultOp {
  name: string;
  nature: OpNature;
  target: FaultTarget;
  run: () => Promise<unknown>;
}

/** One fault of `kind` on the first request matching `target`. */
export function onePlan(kind: string, target: FaultTarget, seed = 1): FaultPlan {
  return { seed, rate: 1, kinds: [kind], limit: 1, timeoutMs: SHORT_TIMEOUT_MS + 400, slowMs: 50, retryAfterSeconds: 1, ...target };
}

/** Whether a recorded request is one a target selects (the same rule as the fault plan's). */
export function targets(target: FaultTarget, r: RecordedRequest): boolean {
  if (!r.path.toLowerCase().includes(target.pathIncludes.toLowerCase())) return false;
  if (!target.method) return true;
  const m = target.method.toUpperCase();
  return m === 'WRITE' ? r.method !== 'GET' : r.method.toUpperCase() === m;
}

export type Outcome = { ok: true; value: unknown } | { ok: false; error: KmspError };

/** Runs an operation; anything it throws that is not a KmspError with a cause and a remedy fails the test. */
export async function attempt(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    if (!(error instanceof KmspError)) throw error;
    expect(error.why, `the cause of "${error.message}"`).toBeTruthy();
    expect(error.remedy, `the remedy of "${error.message}"`).toBeTruthy();
    return { ok: false, error };
  }
}

/** Shared kinds the HTTP layer retries on a read: the caller never sees them. */
const RETRIED_ON_READS = new Set(['5xx', '429', 'timeout', 'reset-before', 'reset-after', 'slow']);
/** Shared kinds after which a write's outcome cannot be known by its client. */
const UNKNOWN_AFTER = new Set(['5xx', 'timeout', 'reset-before', 'reset-after', 'malformed-json', 'truncated-json', 'error-after']);

/**
 * Injects one fault of `kind` into `op`'s target, runs it, checks the rules above for the shared
 * kinds, and returns the outcome and the requests the simulator saw (for vendor kinds, whose
 * rules the vendor test states).
 */
export async function underFault(sim: SimServer, kind: string, op: FaultOp): Promise<{ outcome: Outcome; requests: RecordedRequest[] }> {
  sim.clearRequests();
  sim.faults.set(onePlan(kind, op.target));
  let outcome: Outcome;
  try {
    outcome = await attempt(op.run);
    // A kept-back answer is recorded once the simulator has processed the request: wait for it,
    // so that what was applied is known and the next test starts clean.
    await until(() => sim.requests.some((r) => r.fault === kind), `the ${kind} fault on ${op.name} to be recorded`, 15_000, () =>
      JSON.stringify(sim.requests.map((r) => [r.method, r.path, r.status, r.fault])),
    );
  } finally {
    sim.faults.set(null);
  }
  const requests = [...sim.requests];
  // FAULT_DEBUG=1 prints what each operation made of its fault, to read the messages a user would see.
  if (process.env.FAULT_DEBUG) console.log(`[${kind} on ${op.name}] ${outcome.ok ? "ok" : outcome.error.oneLine()}`);
  const faulted = requests.filter((r) => r.fault === kind);
  expect(faulted, `exactly one ${kind} fault`).toHaveLength(1);
  if (!(SHARED_FAULT_KINDS as readonly string[]).includes(kind)) return { outcome, requests };

  const sent = requests.filter((r) => targets(op.target, r));
  if (kind === 'error-after' && !outcome.ok && !outcome.error.outcomeUnknown) {
    // A bare 500 names nothing to correct: the remedy must not send the user looking for a wrong value.
    expect(outcome.error.remedy, describe(outcome)).not.toMatch(/^Correct what/);
  }
  if (kind === 'truncated-json' && !outcome.ok && !outcome.error.outcomeUnknown) {
    // A cut-short answer, said as one: not "check the URL", which would send the user to the wrong place.
    expect(outcome.error.message, describe(outcome)).toMatch(/incomplete JSON/);
  }
  if (op.nature === 'read') {
    if (RETRIED_ON_READS.has(kind)) expect(outcome, `${op.name} under ${kind}: ${describe(outcome)}`).toMatchObject({ ok: true });
  } else if (op.nature === 'read-once') {
    // Whatever the kind: a result or a KmspError (checked by attempt); never a hang or a TypeError.
  } else if (UNKNOWN_AFTER.has(kind)) {
    expect(outcome.ok, `${op.name} under ${kind} must fail as outcome unknown`).toBe(false);
    expect((outcome as { error: KmspError }).error.outcomeUnknown, describe(outcome)).toBe(true);
    expect(sent, `${op.name} is not re-sent after ${kind}`).toHaveLength(1);
  } else if (kind === '429') {
    expect(outcome, describe(outcome)).toMatchObject({ ok: true });
    expect(sent.map((r) => r.status)).toEqual([429, expect.any(Number)]);
  } else {
    expect(outcome, describe(outcome)).toMatchObject({ ok: true });
    expect(sent).toHaveLength(1);
  }
  return { outcome, requests };
}

export function describe(outcome: Outcome): string {
  return outcome.ok ? 'succeeded' : outcome.error.explain();
}

// ---------------------------------------------------------------- connectors from the registries

export interface PsaUnderTest<K extends SimulatedPsaKind> {
  sim: PsaSimulatorOf<K>;
  profile: PsaProfile;
  /** A connector opened through the factory as the integration would be, with `http`. */
  connect(http: HttpOptions): Promise<Psa>;
  close(): Promise<void>;
}

export async function startPsa<K extends SimulatedPsaKind>(kind: K): Promise<PsaUnderTest<K>> {
  const entry = psaSimulator(kind);
  const sim = (await entry.start()) as PsaSimulatorOf<K>;
  const access = entry.connection(sim as never);
  const integration = { name: 'faults', psa: access.connection };
  const opened: Psa[] = [];
  return {
    sim,
    profile: entry.profile,
    async connect(http) {
      const psa = await createPsa(integration, async (name) => access.secrets[name.slice('faults.'.length)] ?? null, http);
      opened.push(psa);
      return psa;
    },
    async close() {
      await Promise.all(opened.splice(0).map((p) => p.close()));
      await sim.close();
    },
  };
}

export interface PlatformUnderTest<K extends SimulatedPlatformKind> {
  sim: PlatformSimulatorOf<K>;
  profile: PlatformProfile;
  connect(http: HttpOptions): Promise<SecurityPlatform>;
  close(): Promise<void>;
}

export async function startPlatform<K extends SimulatedPlatformKind>(kind: K, options: { faults?: FaultPlan } = {}): Promise<PlatformUnderTest<K>> {
  const entry = platformSimulator(kind);
  const sim = (await entry.start(options.faults ? { faults: options.faults } : {})) as PlatformSimulatorOf<K>;
  const access = entry.connection(sim as never);
  const integration = { name: 'faults', platform: access.connection };
  const opened: SecurityPlatform[] = [];
  return {
    sim,
    profile: entry.profile,
    async connect(http) {
      const platform = await createPlatform(integration as never, async (name) => access.secrets[name.slice('faults.'.length)] ?? null, { http });
      opened.push(platform);
      return platform;
    },
    async close() {
      await Promise.all(opened.splice(0).map((p) => p.close()));
      await sim.close();
    },
  };
}

/** What a PSA needs to write a ticket: an active account and the fields the default ticket settings give, read while no fault is set. */
export interface TicketBasis {
  account: PsaAccount;
  ticket(tag: string): NewTicket;
  closedStatus: string;
}

export async function ticketBasis(psa: Psa, profile: PsaProfile, pick: (accounts: PsaAccount[]) => PsaAccount | undefined = (a) => a.find((x) => x.active)): Promise<TicketBasis> {
  const [accounts, picklists] = await Promise.all([psa.listAccounts(), psa.ticketPicklists()]);
  const account = pick(accounts);
  if (!account) throw new Error('the dataset has no account to write tickets for');
  const platform = PLATFORM_PROFILES[SIMULATED_PLATFORM_KINDS[0]!] as PlatformProfile;
  const ticketing = defaultTicketing(platform, profile, picklists);
  const rule = Object.values(ticketing.sections).flat()[0]!;
  const scope = ruleScope(rule, ticketing, profile);
  const status = choiceValue(roleChoice(ticketing, profile, 'new-status', scope));
  const closedStatus = choiceValue(roleChoice(ticketing, profile, 'closed-status', scope));
  if (!status || !closedStatus) throw new Error('the default ticket settings give no new or closed status');
  return {
    account,
    closedStatus,
    ticket: (tag) => ({
      accountId: account.id,
      title: `Fault test ${tag}`,
      description: 'A ticket written while the simulator injects a fault.',
      status,
      dueAt: new Date(Date.now() + 24 * 3600_000),
      fields: newTicketFields(rule, ticketing, profile),
      tag,
    }),
  };
}

/**
 * Same seed, same requests: same faults. Runs an environment twice (fresh simulators, the same
 * plan) and returns each run's requests with their faults, as sorted "request → fault" lines:
 * a connector that reads concurrently sends the same requests in another order, and a plan's
 * choice depends on the request, not on when it arrives.
 */
export async function twice(start: () => Promise<{ sim: SimServer; run: () => Promise<void>; close: () => Promise<void> }>): Promise<[string[], string[]]> {
  const out: string[][] = [];
  for (let i = 0; i < 2; i++) {
    const env = await start();
    try {
      await env.run();
      out.push(env.sim.requests.map((r) => `${r.method} ${r.path}${r.query} ${JSON.stringify(r.body)} → ${r.fault ?? '-'}`).sort());
    } finally {
      await env.close();
    }
  }
  return [out[0]!, out[1]!];
}

/**
 * A posting that changes the quantity of an item a billable contract holds now (mode 'set': the
 * PSA's quantity is set in place), found while no fault is set; each call asks for one more unit
 * than the last, so every posting writes.
 */
export async function setPostingBasis(psa: Psa): Promise<() => UsagePosting> {
  const today = new Date().toISOString().slice(0, 10);
  for (const contract of await psa.listContracts()) {
    if (!contract.recurring || !contract.active) continue;
    const held = (await psa.currentQuantities(contract.id, today).catch(() => [])).find((q) => q.units > 0);
    if (!held) continue;
    let units = held.units;
    return () => ({
      contractId: contract.id,
      billingItemId: held.billingItemId,
      before: units,
      after: ++units,
      mode: 'set',
      effectiveDate: today,
      ...(held.priceLevel !== undefined ? { priceLevel: held.priceLevel } : {}),
    });
  }
  throw new Error('the dataset has no billable contract holding units');
}

/** The kinds GET /_sim/faults says the simulator offers (over HTTPS with the test CA where it speaks HTTPS). */
export async function kindsOffered(sim: SimServer): Promise<string[]> {
  const url = new URL('/_sim/faults', sim.url);
  const secure = url.protocol === 'https:';
  const text = await new Promise<string>((resolve, reject) => {
    const done = (res: http.IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
    };
    (secure ? https.get(url, { ca: readFileSync(testTls().ca) }, done) : http.get(url, done)).on('error', reject);
  });
  return (JSON.parse(text) as { kinds: string[] }).kinds;
}

// ---------------------------------------------------------------- the test set every vendor declares

/** What a vendor's fault test gives the shared set: its kinds, its operations and the checks of its own kinds. */
export interface FaultKindSuite<P extends { op: FaultOp }> {
  sim: () => SimServer;
  /** The kinds the simulator adds to the shared ones. */
  vendorKinds: string[];
  /** Every operation, by name. */
  names: string[];
  /** Where a vendor kind applies (elsewhere it is 'not-applicable' and no request gets it). */
  applies?: Record<string, string[]>;
  /** The operation `name` on a connector opened for `kind`, with what it needs made while no fault is set. */
  prepare: (kind: string, name: string) => Promise<P>;
  /** What the vendor says of an outcome beyond the shared rules (its own kinds, its read-once pages). */
  check?: (kind: string, result: { outcome: Outcome; requests: RecordedRequest[] }, prepared: P) => void;
  /** A fresh environment under one seeded plan, and what it runs, for the same-seed test. */
  sameSeed: () => Promise<{ sim: SimServer; run: () => Promise<void>; close: () => Promise<void> }>;
}

/**
 * Declares, inside the vendor's `describe`, the tests every simulator's faults get: the kinds
 * GET /_sim/faults offers, each kind on each operation it applies to, and same seed, same faults.
 */
export function faultKindTests<P extends { op: FaultOp }>(spec: FaultKindSuite<P>): void {
  const kinds = [...SHARED_FAULT_KINDS, ...spec.vendorKinds];
  it('offers the shared kinds and its own through GET /_sim/faults', async () => {
    expect(await kindsOffered(spec.sim())).toEqual(kinds);
  });

  for (const kind of kinds) {
    for (const name of spec.applies?.[kind] ?? spec.names) {
      it(`${kind} on ${name}`, async () => {
        const prepared = await spec.prepare(kind, name);
        const result = await underFault(spec.sim(), kind, prepared.op);
        spec.check?.(kind, result, prepared);
      });
    }
  }

  it('the same seed and the same requests give the same faults', async () => {
    const [a, b] = await twice(spec.sameSeed);
    expect(a.filter((line) => !line.endsWith('→ -')).length).toBeGreaterThan(0);
    expect(a).toEqual(b);
  });
}

/** A PSA simulator and its connector for a vendor's fault tests, set up once for the file. */
export interface PsaFixture<K extends SimulatedPsaKind> {
  kind: K;
  env: PsaUnderTest<K>;
  basis: TicketBasis;
  /** Postings that change a held quantity in place (setPostingBasis); only when asked for. */
  posting: () => UsagePosting;
}

/**
 * Starts the PSA before the file's tests (its ticket basis, and with `posting` its posting basis,
 * read while no fault is set) and closes it after them. The fields are set once beforeAll has run.
 */
export function psaFixture<K extends SimulatedPsaKind>(kind: K, options: { posting?: boolean } = {}): PsaFixture<K> {
  const fixture = {
    kind,
    posting: () => {
      throw new Error(`the ${kind} fault tests asked for no posting basis`);
    },
  } as unknown as PsaFixture<K>;
  beforeAll(async () => {
    fixture.env = await startPsa(kind);
    const psa = await fixture.env.connect(httpFor('none'));
    fixture.basis = await ticketBasis(psa, fixture.env.profile);
    if (options.posting) fixture.posting = await setPostingBasis(psa);
  });
  afterAll(async () => {
    await fixture.env?.close();
  });
  return fixture;
}

/**
 * Declares the test that a vendor kind which applies only to a ticket's close leaves every other
 * request alone: a create, a note and a read while each request draws `kind` get no fault.
 */
export function closeOnlyKindTest<K extends SimulatedPsaKind>(fixture: PsaFixture<K>, kind: string): void {
  let serial = 0;
  it(`a ${kind} fault does not apply to reads, creates or notes`, async () => {
    const { env, basis } = fixture;
    const psa = await env.connect(httpFor('none'));
    env.sim.clearRequests();
    env.sim.faults.set({ seed: 1, rate: 1, kinds: [kind] });
    try {
      const created = await psa.createTicket(basis.ticket(`kmsp:faults:na:${++serial}`));
      await psa.addTicketNote(created.id, { title: 'note', description: `a note while every request draws ${kind}` });
      await psa.listAccounts();
    } finally {
      env.sim.faults.set(null);
    }
    expect(env.sim.requests.filter((r) => r.fault)).toEqual([]);
  });
}

/** The shared set for a platform: each operation on a connector opened for the kind. */
export function platformFaultKindTests<K extends SimulatedPlatformKind>(spec: {
  env: () => PlatformUnderTest<K>;
  vendorKinds: string[];
  applies?: Record<string, string[]>;
  ops: (platform: SecurityPlatform) => FaultOp[];
  check?: FaultKindSuite<{ op: FaultOp }>['check'];
  sameSeed: FaultKindSuite<{ op: FaultOp }>['sameSeed'];
}): void {
  faultKindTests<{ op: FaultOp }>({
    sim: () => spec.env().sim,
    vendorKinds: spec.vendorKinds,
    names: spec.ops({} as SecurityPlatform).map((o) => o.name),
    ...(spec.applies ? { applies: spec.applies } : {}),
    ...(spec.check ? { check: spec.check } : {}),
    prepare: async (kind, name) => ({ op: spec.ops(await spec.env().connect(httpFor(kind))).find((o) => o.name === name)! }),
    sameSeed: spec.sameSeed,
  });
}

/** The PSA operations every vendor's fault test runs, in order. */
export const PSA_FAULT_OPS = ['listAccounts', 'ticketPicklists', 'createTicket', 'postUsage', 'closeTicket'] as const;
export type PsaFaultOpName = (typeof PSA_FAULT_OPS)[number];

/** A PSA's operation under a fault, with the ticket made beforehand for a close ('' for the others). */
export interface PsaFaultCase {
  op: FaultOp;
  ticket: string;
}

/**
 * The shared set for a PSA: a close gets a ticket opened while no fault is set, and the same-seed
 * test reads accounts, contracts and billing items under a plan of `seedKinds`.
 */
export function psaFaultKindTests<K extends SimulatedPsaKind>(spec: {
  fixture: PsaFixture<K>;
  vendorKinds: string[];
  applies?: Record<string, string[]>;
  /** The request of each operation that gets the fault. */
  targets: Record<PsaFaultOpName, FaultTarget>;
  /** The usage to post; the fixture's posting basis unless the vendor gives its own. */
  posting?: () => UsagePosting;
  check?: FaultKindSuite<PsaFaultCase>['check'];
  seedKinds: string[];
}): void {
  let serial = 0;
  const posting = () => (spec.posting ?? spec.fixture.posting)();
  const ops = (psa: Psa, ticketId: string): FaultOp[] => {
    const { basis } = spec.fixture;
    const t = spec.targets;
    return [
      { name: 'listAccounts', nature: 'read', target: t.listAccounts, run: () => psa.listAccounts() },
      { name: 'ticketPicklists', nature: 'read', target: t.ticketPicklists, run: () => psa.ticketPicklists() },
      { name: 'createTicket', nature: 'write-once', target: t.createTicket, run: () => psa.createTicket(basis.ticket(`kmsp:faults:create:${++serial}`)) },
      { name: 'postUsage', nature: 'write-once', target: t.postUsage, run: () => psa.postUsage(posting()) },
      { name: 'closeTicket', nature: 'write-once', target: t.closeTicket, run: () => psa.closeTicket(ticketId, basis.closedStatus) },
    ];
  };
  faultKindTests<PsaFaultCase>({
    sim: () => spec.fixture.env.sim,
    vendorKinds: spec.vendorKinds,
    names: [...PSA_FAULT_OPS],
    ...(spec.applies ? { applies: spec.applies } : {}),
    ...(spec.check ? { check: spec.check } : {}),
    prepare: async (kind, name) => {
      const { env, basis } = spec.fixture;
      const psa = await env.connect(httpFor(kind));
      const ticket = name === 'closeTicket' ? (await (await env.connect(httpFor('none'))).createTicket(basis.ticket(`kmsp:faults:close:${++serial}`))).id : '';
      return { op: ops(psa, ticket).find((o) => o.name === name)!, ticket };
    },
    sameSeed: async () => {
      const e = await startPsa(spec.fixture.kind);
      e.sim.faults.set({ seed: 42, rate: 0.3, kinds: spec.seedKinds, slowMs: 20 });
      // Enough retries that no read gives up: where an operation stops early depends on timing.
      const psa = await e.connect({ ...httpFor('none'), retries: 8 });
      return {
        sim: e.sim,
        run: async () => {
          await attempt(() => psa.listAccounts());
          await attempt(() => psa.listContracts());
          await attempt(() => psa.listBillingItems());
        },
        close: () => e.close(),
      };
    },
  });
}
