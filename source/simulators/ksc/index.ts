// The KSC Open API simulator: a loopback HTTPS server (TEST-ONLY certificate by
// default) seeded from a ksc.json fixture (FIXTURE.md), with a control API under
// /_sim/ — also available as methods — for tests and the demo.
import { randomUUID } from 'node:crypto';
import { startSimServer, testTls, type SimRequest, type SimResponse, type SimServer } from '../server.js';
import type { FaultPlan } from '../faults.js';
import { EMPTY_PAGE_METHODS, KscSimRuntime, type FailureSpec } from './api.js';
import { kscFaults } from './faults.js';
import {
  loadFixture,
  type FixtureBits,
  type FixtureDevice,
  type FixtureEvent,
  type FixtureKeyType,
  type FixtureServerData,
  type FixtureSubscriptionState,
  type KscFixture,
} from './fixture.js';
import { KscSimModel, SimInputError, type SimEvent } from './model.js';

export type { KscFixture } from './fixture.js';
export type { FailureSpec, FailureMode } from './api.js';
export { KscSimModel } from './model.js';

export interface KscSimulatorOptions {
  /** Path to a ksc.json, or the fixture itself. */
  fixture: string | KscFixture;
  port?: number;
  host?: string;
  /** Append every request (method, path, body; passwords removed) as JSON lines. */
  recordFile?: string;
  /** Seeded random faults from the start (../faults.ts); also set at run time through /_sim/faults. */
  faults?: FaultPlan;
  /** HTTPS with the TEST-ONLY certificate (default true); false for plain HTTP. */
  tls?: boolean;
  /** Clock (tests): milliseconds since the epoch. */
  clock?: () => number;
}

export interface KeyChange {
  type?: FixtureKeyType;
  /** Fixture datetime ("now+30d", ISO) or null for none. */
  expiry?: string | null;
  subscriptionState?: FixtureSubscriptionState;
  capacity?: number;
  productName?: string;
  current?: string[];
  reserve?: string[];
}

export type NewVServer = FixtureServerData & { uid?: string; dn: string; enabled?: boolean; created?: string };

export interface VServerSummary {
  uid: string;
  dn: string;
  enabled: boolean;
  devices: number;
  keys: number;
  events: number;
}

export interface KscSimulatorSummary {
  vservers: VServerSummary[];
  main: { devices: number; keys: number; events: number };
  activeSessions: number;
  openIterators: number;
  pendingFailures: number;
}

export interface KscSimulator extends SimServer {
  /** The live model (inspect, or change directly in tests). Replaced by reset(). */
  readonly state: KscSimModel;
  /** Sessions, result sets and pending failures. */
  readonly runtime: KscSimRuntime;
  summary(): KscSimulatorSummary;
  /**
   * Sets the conditions on a host (KLHST_WKS_STATUS_MASK bits) and those of them past the
   * Warning threshold only (`belowCritical`); STATUS_ID follows the group's masks.
   */
  setStatusMask(vserver: string, hostname: string, mask: FixtureBits, belowCritical?: FixtureBits): void;
  /**
   * Adds an event (raisedAt default now; registeredAt default now, so a raisedAt in the
   * past makes a late event) and returns it with its event_db_id.
   */
  addEvent(vserver: string, event: Omit<FixtureEvent, 'raisedAt'> & { raisedAt?: string }): SimEvent;
  /** Adds a virtual server and returns its uid. */
  addVServer(vserver: NewVServer): string;
  renameVServer(vserver: string, dn: string): void;
  removeVServer(vserver: string): void;
  addDevice(vserver: string, device: FixtureDevice): void;
  changeKey(vserver: string, serial: string, change: KeyChange): void;
  /** The next `count` calls of a method fail (PxgError, HTTP 500/503) or are delayed. */
  injectFailure(spec: FailureSpec): void;
  /** Ends every session; later calls in them get 403. Returns how many were open. */
  expireSessions(): number;
  /** Drops every accessor and iterator; later reads get PxgError 1169 [U]. */
  expireIterators(): number;
  /** HTTP status of PxgError replies from now on: 200 (default) or 500. */
  setPxgErrorStatus(status: 200 | 500): void;
  /** Switches the [U] behaviours of fixture `options` (until reset). */
  configure(options: { keyHostsAcrossVServers?: boolean; statusMaskAllConditions?: boolean }): void;
  /** Back to the fixture (relative times resolved anew), with no sessions or failures. */
  reset(): void;
  /** The control API as a function: the same commands as POST /_sim/<command>. */
  control(command: string, body?: unknown): unknown;
}

function record(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new SimInputError('the control body must be a JSON object');
  return body as Record<string, unknown>;
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new SimInputError(`"${name}" (string) is required`);
  return value;
}

export async function startKscSimulator(options: KscSimulatorOptions): Promise<KscSimulator> {
  const fixture = loadFixture(options.fixture);
  const clock = options.clock ?? Date.now;
  let model = new KscSimModel(fixture, clock);
  const runtime = new KscSimRuntime(() => model);

  const sim = {
    get state() {
      return model;
    },
    runtime,
    summary(): KscSimulatorSummary {
      const main = model.servers.get('')!;
      return {
        vservers: model.vservers().map((v) => ({ uid: v.uid, dn: v.dn, enabled: v.enabled, devices: v.devices.size, keys: v.keys.size, events: v.events.length })),
        main: { devices: main.devices.size, keys: main.keys.size, events: main.events.length },
        activeSessions: [...runtime.sessions.values()].filter((s) => !s.ended).length,
        openIterators: runtime.iterators.size,
        pendingFailures: runtime.failures.length,
      };
    },
    setStatusMask(vserver: string, hostname: string, mask: FixtureBits, belowCritical?: FixtureBits): void {
      model.setConditions(vserver, hostname, mask, belowCritical);
    },
    addEvent(vserver: string, event: Omit<FixtureEvent, 'raisedAt'> & { raisedAt?: string }): SimEvent {
      return model.addEvent(model.server(vserver), { ...event, raisedAt: event.raisedAt ?? 'now' });
    },
    addVServer(v: NewVServer): string {
      const uid = v.uid ?? randomUUID();
      model.addServer(uid, uid, v.dn, v.enabled ?? true, v.created ?? null, v);
      return uid;
    },
    renameVServer(vserver: string, dn: string): void {
      model.renameServer(vserver, dn);
    },
    removeVServer(vserver: string): void {
      model.removeServer(vserver);
    },
    addDevice(vserver: string, device: FixtureDevice): void {
      model.addDevice(model.server(vserver), device);
    },
    changeKey(vserver: string, serial: string, change: KeyChange): void {
      model.changeKey(vserver, serial, change);
    },
    injectFailure(spec: FailureSpec): void {
      if (!['pxg', 'pxg-500', 'http-500', 'http-503', 'delay', 'expire-session', 'empty-page'].includes(spec.mode)) throw new SimInputError(`unknown failure mode "${spec.mode}"`);
      if (typeof spec.method !== 'string' || spec.method === '') throw new SimInputError('"method" (Class.Method or "*") is required');
      if (spec.mode === 'empty-page' && !EMPTY_PAGE_METHODS.includes(spec.method)) throw new SimInputError(`mode empty-page applies to ${EMPTY_PAGE_METHODS.join(' and ')} only`);
      runtime.injectFailure(spec);
    },
    setPxgErrorStatus(status: 200 | 500): void {
      if (status !== 200 && status !== 500) throw new SimInputError('pxgErrorStatus must be 200 or 500');
      model.pxgErrorStatus = status;
    },
    configure(options: { keyHostsAcrossVServers?: boolean; statusMaskAllConditions?: boolean }): void {
      if (options.keyHostsAcrossVServers !== undefined) model.keyHostsAcrossVServers = options.keyHostsAcrossVServers === true;
      if (options.statusMaskAllConditions !== undefined) model.statusMaskAllConditions = options.statusMaskAllConditions === true;
    },
    expireSessions: () => runtime.expireSessions(),
    expireIterators: () => runtime.expireIterators(),
    reset(): void {
      model = new KscSimModel(fixture, clock);
      runtime.clear();
    },
    control(command: string, body?: unknown): unknown {
      const b = record(body);
      switch (command) {
        case 'state':
          return sim.summary();
        case 'set-status-mask':
          sim.setStatusMask(text(b.vserver, 'vserver'), text(b.hostname, 'hostname'), b.mask as FixtureBits, b.belowCritical as FixtureBits | undefined);
          return { ok: true };
        case 'add-event':
          return { id: sim.addEvent(text(b.vserver, 'vserver'), record(b.event) as unknown as FixtureEvent).id };
        case 'add-vserver':
          return { uid: sim.addVServer(record(b.vserver ?? b) as unknown as NewVServer) };
        case 'rename-vserver':
          sim.renameVServer(text(b.vserver, 'vserver'), text(b.dn, 'dn'));
          return { ok: true };
        case 'remove-vserver':
          sim.removeVServer(text(b.vserver, 'vserver'));
          return { ok: true };
        case 'add-device':
          sim.addDevice(text(b.vserver, 'vserver'), record(b.device) as unknown as FixtureDevice);
          return { ok: true };
        case 'change-key':
          sim.changeKey(text(b.vserver, 'vserver'), text(b.serial, 'serial'), record(b.change ?? b) as KeyChange);
          return { ok: true };
        case 'fail':
          sim.injectFailure(b as unknown as FailureSpec);
          return { ok: true };
        case 'configure':
          if (b.pxgErrorStatus !== undefined) sim.setPxgErrorStatus(b.pxgErrorStatus as 200 | 500);
          sim.configure({
            ...(b.keyHostsAcrossVServers !== undefined ? { keyHostsAcrossVServers: b.keyHostsAcrossVServers === true } : {}),
            ...(b.statusMaskAllConditions !== undefined ? { statusMaskAllConditions: b.statusMaskAllConditions === true } : {}),
          });
          return { ok: true };
        case 'expire-sessions':
          return { expired: sim.expireSessions() };
        case 'expire-iterators':
          return { expired: sim.expireIterators() };
        case 'reset':
          sim.reset();
          return { ok: true };
        default:
          throw new SimInputError(`unknown control command "${command}"`);
      }
    },
  };

  const controlHandler = (req: SimRequest): SimResponse => {
    const command = req.path.slice('/_sim/'.length);
    if (req.method !== 'POST' && !(req.method === 'GET' && command === 'state')) return { status: 405, body: { error: 'control commands are POSTed' } };
    try {
      return { status: 200, body: sim.control(command, req.body) };
    } catch (error) {
      if (error instanceof SimInputError || error instanceof SyntaxError) return { status: 400, body: { error: error.message } };
      throw error;
    }
  };

  const server = await startSimServer({
    name: 'ksc',
    handle: (req) => runtime.handle(req),
    control: controlHandler,
    ...(options.tls === false ? {} : { tls: testTls() }),
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.recordFile !== undefined ? { recordFile: options.recordFile } : {}),
    ...(options.faults ? { faults: options.faults } : {}),
    vendorFaults: kscFaults(runtime),
    // Passwords must never reach the request log (they only travel in headers, which
    // are not recorded, but a body could carry one).
    secrets: model.passwords(),
  });

  // Descriptors, not Object.assign: `state` is a getter (reset() replaces the model).
  return Object.defineProperties(server, Object.getOwnPropertyDescriptors(sim)) as unknown as KscSimulator;
}
