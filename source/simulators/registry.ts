// The simulators of this build by vendor kind: how to start one (port, host, request log, dataset),
// the built-in demo dataset, and the connection and secrets that point kmsp at a running one.
// `kmsp demo` and the tests start simulators through here, so they name no vendor.
//
// Adding a vendor's simulator is one entry below (its `psaSimulatorEntry` or
// `platformSimulatorEntry`, and the import of its start function).
import type { PlatformConnection, PsaConnection } from '../domain/config.js';
import { KmspError } from '../domain/errors.js';
import { newConnection, PLATFORM_KINDS, PLATFORM_PROFILES, PSA_KINDS, PSA_PROFILES, type PlatformProfile, type PsaProfile } from '../domain/profiles/index.js';
import type { PlatformKind, PsaKind } from '../domain/types.js';
import { startAutotaskSimulator } from './autotask/index.js';
import { startConnectWiseSimulator } from './connectwise/index.js';
import { startKbhSimulator } from './kbh/index.js';
import { startKscSimulator } from './ksc/index.js';
import { startTigerpawSimulator } from './tigerpaw/index.js';
import type { FaultPlan } from './faults.js';
import { PRODUCT_SERVICES } from './demoStory.js';
import { fixturesPath, testTls, type SimServer, type SimTls } from './server.js';
import { countBy, orderTickets, postingKey, type PsaSnapshot } from './snapshot.js';
import { TICKET_STATUS_COMPLETE } from './autotask/state.js';
import type { PlatformDatasetWriter, PsaDatasetWriter } from './generatedMsp.js';
import { autotaskDatasetWriter } from './autotask/generatedDataset.js';
import { connectWiseDatasetWriter } from './connectwise/generatedDataset.js';
import { tigerpawDatasetWriter } from './tigerpaw/generatedDataset.js';
import { kscDatasetWriter } from './ksc/generatedDataset.js';
import { kbhDatasetWriter } from './kbh/generatedDataset.js';

export interface SimulatorStartOptions {
  /** Default: any free port. */
  port?: number;
  /** Default: loopback. */
  host?: string;
  /** Append every request (secrets removed) to this JSONL file. */
  recordFile?: string;
  /** Dataset file; default: the built-in demo's. */
  fixture?: string;
  /** Seeded random faults from the start (faults.ts); also set at run time through /_sim/faults. */
  faults?: FaultPlan;
  /** HTTP or HTTPS and which certificate (server.ts SimTls); default: the vendor simulator's own. */
  tls?: SimTls;
}

/** What points kmsp at a running simulator: the connection object and the secrets by their profile part ("ksc.password"). */
export interface SimulatedConnection<C> {
  connection: C;
  secrets: Readonly<Record<string, string>>;
}

interface SimulatorEntryBase<S extends SimServer> {
  /** Its dataset's file name in a fixtures folder ("ksc.json"). */
  readonly fixtureFile: string;
  /** Path of the built-in demo dataset. */
  readonly demoFixture: string;
  start(options?: SimulatorStartOptions): Promise<S>;
  /** The address kmsp is pointed at, for messages. */
  address(sim: S): string;
  /** Said after the address where it matters ("TEST-ONLY certificate"). */
  readonly note?: string;
}

export interface PsaSimulatorEntry<K extends PsaKind = PsaKind, S extends SimServer = SimServer> extends SimulatorEntryBase<S> {
  readonly kind: K;
  readonly profile: PsaProfile;
  connection(sim: S): SimulatedConnection<Extract<PsaConnection, { kind: K }>>;
  /**
   * What the PSA holds of kmsp's work, in words of no vendor (snapshot.ts): quantities in force
   * on `date` (YYYY-MM-DD), usage records and tickets, read from the simulator's own state.
   */
  snapshot(sim: S, date: string): PsaSnapshot;
  /**
   * The requests by which kmsp writes a posting or creates a ticket, as this simulator's
   * injections name them: what a harness holds to play a slow PSA still carrying out a write
   * after its client is gone (holdWrites). `note`: a note added to a ticket; where the injections
   * name an entity rather than a path (Autotask), it is the ticket entity's POST, so hold it only
   * once the ticket exists.
   */
  readonly writes: { readonly posting: readonly WriteRequest[]; readonly ticket: readonly WriteRequest[]; readonly note: readonly WriteRequest[] };
  /** Its dataset for a generated MSP (generatedMsp.ts; `kmsp demo --generate`). */
  readonly generate: PsaDatasetWriter;
}

/** One kind of write request, as a simulator's inject() selects it. */
export interface WriteRequest {
  endpoint: string;
  method: string;
  /** Autotask: a create, not a query (both are POSTs to the entity). */
  query?: false;
}

/** What every PSA simulator offers to hold requests (injections.ts 'hold'). */
interface Holding {
  inject(injection: WriteRequest & { kind: 'hold'; count: number }): void;
  clearInjections(): void;
  heldRequests(): number;
  releaseHeld(): void;
}

/**
 * Holds the next write of `which` kind (one of each of its requests) until release(): the PSA
 * receives it and carries it out only then, whether or not its client still waits.
 */
export function holdWrites(entry: PsaSimulatorEntry, sim: SimServer, which: keyof PsaSimulatorEntry['writes']): { held(): number; release(): void } {
  const h = sim as unknown as Holding;
  for (const w of entry.writes[which]) h.inject({ ...w, kind: 'hold', count: 1 });
  return {
    held: () => h.heldRequests(),
    release: () => {
      h.clearInjections();
      h.releaseHeld();
    },
  };
}

export interface PlatformSimulatorEntry<K extends PlatformKind = PlatformKind, S extends SimServer = SimServer> extends SimulatorEntryBase<S> {
  readonly kind: K;
  readonly profile: PlatformProfile;
  connection(sim: S): SimulatedConnection<Extract<PlatformConnection, { kind: K }>>;
  /** The enabled tenants of the running dataset, in its order (the demo lists them, unmapped). */
  tenants(sim: S): Array<{ id: string; name: string }>;
  /**
   * The Services settings the built-in demo's story assumes: per application id, the service
   * billed for each slot, by the name every PSA demo gives it (demoStory.ts SERVICES). What a
   * harness maps to bill the demo as an admin would.
   */
  readonly demoServices: DemoServices;
  /** Its dataset for a generated MSP and what each tenant bills on it (generatedMsp.ts; `kmsp demo --generate`). */
  readonly generate: PlatformDatasetWriter;
}

/** Service names per application id and slot (single, or a device category). */
export type DemoServices = Readonly<Record<string, Partial<Record<'single' | 'workstation' | 'server' | 'nonWindows', string>>>>;

type EntryInput<E extends { kind: unknown; profile: unknown; demoFixture: string }, P> = Omit<E, 'kind' | 'profile' | 'demoFixture'> & { profile: P };

const demo = (file: string) => fixturesPath('demo', file);

export function psaSimulatorEntry<K extends PsaKind, S extends SimServer>(entry: EntryInput<PsaSimulatorEntry<K, S>, PsaProfile<K>>): PsaSimulatorEntry<K, S> {
  return { ...entry, kind: entry.profile.kind, profile: entry.profile as unknown as PsaProfile, demoFixture: demo(entry.fixtureFile) };
}

export function platformSimulatorEntry<K extends PlatformKind, S extends SimServer>(entry: EntryInput<PlatformSimulatorEntry<K, S>, PlatformProfile<K>>): PlatformSimulatorEntry<K, S> {
  return { ...entry, kind: entry.profile.kind, profile: entry.profile as unknown as PlatformProfile, demoFixture: demo(entry.fixtureFile) };
}

/** Options without the undefined ones (exactOptionalPropertyTypes), with the dataset defaulted. */
function startOptions(options: SimulatorStartOptions, fixtureFile: string) {
  return {
    fixture: options.fixture ?? demo(fixtureFile),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.recordFile !== undefined ? { recordFile: options.recordFile } : {}),
    ...(options.faults !== undefined ? { faults: options.faults } : {}),
    ...(options.tls !== undefined ? { tls: options.tls } : {}),
  };
}

// ---------------------------------------------------------------- the entries

const PSA_SIMULATORS = {
  autotask: psaSimulatorEntry({
    profile: PSA_PROFILES.autotask,
    fixtureFile: 'autotask.json',
    generate: autotaskDatasetWriter,
    start: (options = {}) => startAutotaskSimulator(startOptions(options, 'autotask.json')),
    address: (sim) => sim.zoneDiscoveryUrl,
    writes: {
      posting: [{ endpoint: 'ContractServiceAdjustments', method: 'POST', query: false }],
      ticket: [{ endpoint: 'Tickets', method: 'POST', query: false }],
      note: [{ endpoint: 'Tickets', method: 'POST', query: false }],
    },
    connection: (sim) => ({
      connection: newConnection(PSA_PROFILES.autotask, { zoneDiscoveryUrl: sim.zoneDiscoveryUrl, username: sim.fixture.apiUser.username }),
      secrets: { 'autotask.secret': sim.fixture.apiUser.secret, 'autotask.integration-code': sim.fixture.apiUser.integrationCode },
    }),
    snapshot: (sim, date) => {
      const s = sim.state;
      // Units are kept per period: the one containing the date is what the contract bills now.
      const inForce = s.units.filter((u) => String(u.startDate).slice(0, 10) <= date && date <= String(u.endDate).slice(0, 10));
      const notes = countBy(s.notes, (n) => String(n.ticketID));
      return {
        postings: Object.fromEntries(inForce.map((u) => [postingKey(u.contractID, u.serviceID), Number(u.units)])),
        records: countBy(s.adjustments, (a) => postingKey(a.contractID, a.serviceID)),
        tickets: orderTickets(
          s.tickets.map((t) => ({
            id: String(t.id),
            account: String(t.companyID),
            title: String(t.title ?? ''),
            tag: String(t.externalID ?? ''),
            open: Number(t.status) !== TICKET_STATUS_COMPLETE,
            notes: notes[String(t.id)] ?? 0,
          })),
        ),
      };
    },
  }),
  connectwise: psaSimulatorEntry({
    profile: PSA_PROFILES.connectwise,
    fixtureFile: 'connectwise.json',
    generate: connectWiseDatasetWriter,
    start: (options = {}) => startConnectWiseSimulator(startOptions(options, 'connectwise.json')),
    address: (sim) => sim.siteUrl,
    writes: {
      posting: [{ endpoint: 'finance/agreements/*/additions', method: 'POST' }, { endpoint: 'finance/agreements/*/additions/*', method: 'PATCH' }],
      ticket: [{ endpoint: 'service/tickets$', method: 'POST' }],
      note: [{ endpoint: 'service/tickets/*/notes$', method: 'POST' }],
    },
    connection: (sim) => ({
      connection: newConnection(PSA_PROFILES.connectwise, { siteUrl: sim.siteUrl, companyId: sim.companyId, publicKey: sim.publicKey, clientId: sim.clientId }),
      secrets: { 'connectwise.private-key': sim.privateKey },
    }),
    snapshot: (sim) => {
      const s = sim.state;
      const ref = (v: unknown) => String((v as { id?: unknown } | null | undefined)?.id ?? '');
      // An agreement holds what its additions say, and nothing in time: a cancelled one bills nothing.
      const additions = s.additions.filter((a) => !a.cancelledDate);
      const postings: Record<string, number> = {};
      for (const a of additions) {
        const key = postingKey(a.agreementId, ref(a.product));
        postings[key] = (postings[key] ?? 0) + Number(a.quantity);
      }
      const notes = countBy(s.notes, (n) => String(n.ticketId));
      return {
        postings,
        records: countBy(additions, (a) => postingKey(a.agreementId, ref(a.product))),
        tickets: orderTickets(
          s.tickets.map((t) => ({
            id: String(t.id),
            account: ref(t.company),
            title: String(t.summary ?? ''),
            tag: String(t.externalXRef ?? ''),
            open: t.closedFlag !== true,
            notes: notes[String(t.id)] ?? 0,
          })),
        ),
      };
    },
  }),
  tigerpaw: psaSimulatorEntry({
    profile: PSA_PROFILES.tigerpaw,
    fixtureFile: 'tigerpaw.json',
    generate: tigerpawDatasetWriter,
    start: (options = {}) => startTigerpawSimulator(startOptions(options, 'tigerpaw.json')),
    address: (sim) => sim.apiUrl,
    writes: {
      posting: [{ endpoint: 'agreements/*/additionalcharges', method: 'POST' }, { endpoint: 'agreements/*/additionalcharges/*', method: 'PUT' }],
      ticket: [{ endpoint: 'serviceorders$', method: 'POST' }],
      note: [{ endpoint: 'serviceorders/*/notes$', method: 'POST' }],
    },
    connection: (sim) => ({
      connection: newConnection(PSA_PROFILES.tigerpaw, { apiUrl: sim.apiUrl, publicKey: sim.publicKey, externalProduct: sim.externalProduct }),
      secrets: { 'tigerpaw.private-key': sim.privateKey },
    }),
    snapshot: (sim) => {
      const s = sim.state;
      const postings: Record<string, number> = {};
      for (const c of s.additionalCharges) {
        const key = postingKey(c.AgreementNumber, c.SpecialItemId);
        postings[key] = (postings[key] ?? 0) + Number(c.Quantity);
      }
      const notes = countBy(s.notes, (n) => String(n.ServiceOrderNumber));
      return {
        postings,
        records: countBy(s.additionalCharges, (c) => postingKey(c.AgreementNumber, c.SpecialItemId)),
        tickets: orderTickets(
          s.serviceOrders.map((o) => {
            const so = (o.ServiceOrder ?? {}) as Record<string, unknown>;
            return {
              id: String(o.ServiceOrderNumber),
              account: String(so.AccountNumber ?? ''),
              title: String(so.BriefDescription ?? ''),
              tag: String(so.Reference ?? ''),
              open: !so.DateTimeClosed,
              notes: notes[String(o.ServiceOrderNumber)] ?? 0,
            };
          }),
        ),
      };
    },
  }),
} as const satisfies { [K in PsaKind]?: { kind: K } };

const PLATFORM_SIMULATORS = {
  ksc: platformSimulatorEntry({
    profile: PLATFORM_PROFILES.ksc,
    fixtureFile: 'ksc.json',
    generate: kscDatasetWriter,
    start: (options = {}) => startKscSimulator(startOptions(options, 'ksc.json')),
    address: (sim) => sim.url,
    note: 'TEST-ONLY certificate',
    connection: (sim) => {
      // The dataset's first user is the one kmsp signs in as (FIXTURE.md).
      const user = sim.state.users[0]!;
      return {
        connection: newConnection(PLATFORM_PROFILES.ksc, { url: sim.url, username: user.username, internalUser: user.internal ?? true, domain: user.domain ?? '', caFile: testTls().ca }),
        secrets: { 'ksc.password': user.password },
      };
    },
    tenants: (sim) => sim.summary().vservers.filter((v) => v.enabled).map((v) => ({ id: v.uid, name: v.dn })),
    demoServices: PRODUCT_SERVICES,
  }),
  kbh: platformSimulatorEntry({
    profile: PLATFORM_PROFILES.kbh,
    fixtureFile: 'kbh.json',
    generate: kbhDatasetWriter,
    start: (options = {}) => startKbhSimulator(startOptions(options, 'kbh.json')),
    address: (sim) => sim.url,
    note: 'TEST-ONLY certificate',
    connection: (sim) => {
      // The dataset's first user is the one kmsp signs in as (FIXTURE.md), as it is now: the
      // demo's has no 2-step verification (no authenticator key) unless a test turned it on.
      const user = sim.auth.account(sim.fixture.users[0]!.email)!;
      return {
        connection: newConnection(PLATFORM_PROFILES.kbh, { url: sim.url, email: user.email, caFile: testTls().ca }),
        secrets: { 'kbh.password': user.password, ...(user.authenticatorKey ? { 'kbh.authenticator-key': user.authenticatorKey } : {}) },
      };
    },
    tenants: (sim) => sim.state.companies.filter((c) => c.state === 'active').map((c) => ({ id: c.id, name: c.name })),
    // Per user and per mailbox; the demo's PSAs have no per-device KES Cloud service.
    demoServices: {
      'kes-cloud-plus': { single: 'KES Cloud Plus per user' },
      'kes-cloud-pro': { single: 'KES Cloud Pro per user' },
      ksmo365: { single: 'Kaspersky Security for Microsoft Office 365 per mailbox' },
    },
  }),
} as const satisfies { [K in PlatformKind]?: { kind: K } };

// ---------------------------------------------------------------- lookups

export type SimulatedPsaKind = keyof typeof PSA_SIMULATORS;
export type SimulatedPlatformKind = keyof typeof PLATFORM_SIMULATORS;
export type PsaSimulatorOf<K extends SimulatedPsaKind> = Awaited<ReturnType<(typeof PSA_SIMULATORS)[K]['start']>>;
export type PlatformSimulatorOf<K extends SimulatedPlatformKind> = Awaited<ReturnType<(typeof PLATFORM_SIMULATORS)[K]['start']>>;

/** What `kmsp demo` runs without --psa / --platform. */
export const DEMO_DEFAULT = { psa: 'autotask', platform: 'ksc' } as const satisfies { psa: SimulatedPsaKind; platform: SimulatedPlatformKind };

export const SIMULATED_PSA_KINDS: readonly SimulatedPsaKind[] = PSA_KINDS.filter((k): k is SimulatedPsaKind => Object.hasOwn(PSA_SIMULATORS, k));
export const SIMULATED_PLATFORM_KINDS: readonly SimulatedPlatformKind[] = PLATFORM_KINDS.filter((k): k is SimulatedPlatformKind => Object.hasOwn(PLATFORM_SIMULATORS, k));

export function isSimulatedPsaKind(kind: unknown): kind is SimulatedPsaKind {
  return typeof kind === 'string' && Object.hasOwn(PSA_SIMULATORS, kind);
}

export function isSimulatedPlatformKind(kind: unknown): kind is SimulatedPlatformKind {
  return typeof kind === 'string' && Object.hasOwn(PLATFORM_SIMULATORS, kind);
}

function refusal(side: { word: string; flag: string }, kind: string, knownName: string | null, simulated: ReadonlyArray<{ kind: string; short: string }>): KmspError {
  const list = simulated.map((s) => `${s.kind} (${s.short})`).join(', ') || 'none';
  return new KmspError(knownName ? `${knownName} has no simulator in this build yet` : `Unknown ${side.word} kind "${kind}"`, {
    kind: 'config',
    cause: `${knownName ? 'the demo' : `"${kind}" is not a ${side.word} kmsp knows; the demo`} simulates: ${list}`,
    remedy: `Give ${side.flag} ${simulated.length === 1 ? simulated[0]!.kind : `one of ${simulated.map((s) => s.kind).join(', ')}`}.`,
  });
}

/** The simulator entry of a PSA kind; a kind without one is a KmspError naming the kinds simulated. */
export function psaSimulator<K extends SimulatedPsaKind>(kind: K): (typeof PSA_SIMULATORS)[K];
export function psaSimulator(kind: string): PsaSimulatorEntry;
export function psaSimulator(kind: string): PsaSimulatorEntry {
  if (isSimulatedPsaKind(kind)) return PSA_SIMULATORS[kind] as unknown as PsaSimulatorEntry;
  const known = Object.hasOwn(PSA_PROFILES, kind) ? PSA_PROFILES[kind as keyof typeof PSA_PROFILES].words.name : null;
  throw refusal({ word: 'PSA', flag: '--psa' }, kind, known, SIMULATED_PSA_KINDS.map((k) => ({ kind: k, short: PSA_SIMULATORS[k].profile.words.short })));
}

/** The simulator entry of a platform kind; a kind without one is a KmspError naming the kinds simulated. */
export function platformSimulator<K extends SimulatedPlatformKind>(kind: K): (typeof PLATFORM_SIMULATORS)[K];
export function platformSimulator(kind: string): PlatformSimulatorEntry;
export function platformSimulator(kind: string): PlatformSimulatorEntry {
  if (isSimulatedPlatformKind(kind)) return PLATFORM_SIMULATORS[kind] as unknown as PlatformSimulatorEntry;
  const known = Object.hasOwn(PLATFORM_PROFILES, kind) ? PLATFORM_PROFILES[kind as PlatformKind].words.name : null;
  throw refusal({ word: 'security platform', flag: '--platform' }, kind, known, SIMULATED_PLATFORM_KINDS.map((k) => ({ kind: k, short: PLATFORM_SIMULATORS[k].profile.words.short })));
}
