// The Autotask PSA simulator: a loopback HTTP server speaking Autotask REST v1.0
// (routes.ts), seeded from an autotask.json fixture (FIXTURE.md), with a control
// API for tests and `kmsp demo` (POST /_sim/<command>, JSON; also methods here).
import type { SimRequest, SimResponse, SimServer } from '../server.js';
import type { FaultPlan } from '../faults.js';
import { startSimServer } from '../server.js';
import { loadFixture, type AutotaskFixture, type FixtureContractService, type FixtureRecord, type FixtureUdfDefinition } from './fixture.js';
import { Injections, RequestMeter, ThreadGate, type Injection } from './limits.js';
import type { Rec } from './queryEngine.js';
import { autotaskFaults } from './faults.js';
import { createAutotaskHandler, zoneBase } from './routes.js';
import { AutotaskState, TICKET_STATUS_COMPLETE } from './state.js';

export type { AutotaskFixture } from './fixture.js';
export type { Injection, InjectionKind } from './limits.js';
export { THREAD_LIMIT_MESSAGE } from './routes.js';

export interface AutotaskSimulatorOptions {
  /** Path to an autotask.json, or the fixture itself. */
  fixture: string | AutotaskFixture;
  port?: number;
  host?: string;
  /** Append every request (secrets removed) to this JSONL file. */
  recordFile?: string;
  /** Seeded random faults from the start (../faults.ts); also set at run time through /_sim/faults. */
  faults?: FaultPlan;
  /** Autotask's added latency at ≥50% / ≥75% of the threshold (off by default: tests stay fast). */
  latency?: boolean;
  /** Status of thread-limit rejections (default 500; see routes.ts). */
  threadLimitStatus?: number;
  /** Concurrent requests allowed per endpoint (default 3, connectors/autotask/README.md §3.3). */
  threadsPerEndpoint?: number;
  /** Repeat the last N records of a page at the start of the next (offset paging while records change; default 0). */
  pageOverlap?: number;
  /** Clock, for deterministic tests (default: real time). */
  now?: () => Date;
  /** How added latency and injected delays are waited (default: a real timer); tests may record them. */
  sleep?: (ms: number) => Promise<void>;
}

/** Live views of the simulated database (arrays are the simulator's own: read, don't write). */
export interface AutotaskSimState {
  companies: Rec[];
  contracts: Rec[];
  services: Rec[];
  contractServices: Rec[];
  units: Rec[];
  adjustments: Rec[];
  tickets: Rec[];
  notes: Rec[];
  billingCodes: Rec[];
  resources: Rec[];
}

export interface AutotaskSimStats {
  used: number;
  limit: number;
  threadRejections: number;
  thresholdRejections: number;
  injected: number;
  /** Highest number of concurrent requests seen per endpoint (lower-case entity). */
  maxConcurrent: Record<string, number>;
}

export interface AutotaskSimulator extends SimServer {
  /** What to configure as AutotaskConnection.zoneDiscoveryUrl. */
  zoneDiscoveryUrl: string;
  /** The zone's API root (AutotaskConnection.apiUrl, to skip discovery). */
  apiUrl: string;
  readonly fixture: AutotaskFixture;
  readonly state: AutotaskSimState;
  stats(): AutotaskSimStats;
  setAccountActive(id: number, active: boolean): void;
  renameAccount(id: number, name: string): void;
  addCompany(record: FixtureRecord): number;
  addContract(record: FixtureRecord & { postedThrough?: string }): number;
  addService(record: FixtureRecord): number;
  addContractService(cs: FixtureContractService): number;
  /**
   * Adds a raw record as Autotask's own data would hold it, without API rules (e.g. a second
   * ContractServiceUnits row for a period, as an odd tenant may have). Returns its id.
   */
  insertRecord(entity: string, record: FixtureRecord): number;
  /**
   * A person edits a record in the Autotask UI (a contract retyped, deactivated or ended, a
   * service retired): the given fields are set as stored, without API rules.
   */
  updateRecord(entity: string, id: number, fields: FixtureRecord): void;
  /** A person closes (or sets the status of) a ticket in the Autotask UI. */
  closeTicket(id: number, status?: number): void;
  setThreshold(t: { limit?: number; used?: number; timeframeMinutes?: number }): void;
  inject(injection: Injection): void;
  clearInjections(): void;
  /** Requests a 'hold' injection is keeping (received, not yet processed). */
  heldRequests(): number;
  /** Lets the held requests be processed (their writes apply, their answers go out if anyone still waits). */
  releaseHeld(): void;
  addUdfDefinition(entity: string, def: FixtureUdfDefinition): void;
  removeUdfDefinition(entity: string, name: string): void;
  /** Approve and post a contract's periods ending on or before `through` (YYYY-MM-DD): they lock. */
  postPeriods(contractId: number, through: string): void;
  /** Back to the fixture (relative times re-resolved against now), counters and injections cleared. */
  reset(): void;
}

function need<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(what);
  return value;
}

export async function startAutotaskSimulator(options: AutotaskSimulatorOptions): Promise<AutotaskSimulator> {
  const fixture = typeof options.fixture === 'string' ? loadFixture(options.fixture) : structuredClone(options.fixture);
  const clock = options.now ?? (() => new Date());
  let state = new AutotaskState(fixture, clock);
  const meter = new RequestMeter(fixture.threshold?.limit ?? 10_000, fixture.threshold?.timeframeMinutes ?? 60, () => clock().getTime());
  meter.set(fixture.threshold?.used ?? 0);
  const gate = new ThreadGate(options.threadsPerEndpoint ?? 3);
  const injections = new Injections();
  const stats = { thresholdRejections: 0, injected: 0 };
  let origin = '';

  const handle = createAutotaskHandler({
    state: () => state,
    fixture: () => fixture,
    meter,
    gate,
    injections,
    origin: () => origin,
    latency: options.latency ?? false,
    threadLimitStatus: options.threadLimitStatus ?? 500,
    pageOverlap: options.pageOverlap ?? 0,
    stats,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  });

  const company = (id: number) => need(state.find('Companies', id), `no company ${id}`);

  const methods = {
    setAccountActive(id: number, active: boolean) {
      company(id).isActive = active;
    },
    renameAccount(id: number, name: string) {
      company(id).companyName = name;
    },
    addCompany: (record: FixtureRecord) => state.insert('Companies', record).id as number,
    addContract(record: FixtureRecord & { postedThrough?: string }) {
      return state.insert('Contracts', record).id as number;
    },
    addService: (record: FixtureRecord) => state.insert('Services', record).id as number,
    addContractService: (cs: FixtureContractService) => state.seedContractService(cs).id as number,
    insertRecord: (entity: string, record: FixtureRecord) => state.insert(entity, record).id as number,
    updateRecord(entity: string, id: number, fields: FixtureRecord) {
      Object.assign(need(state.find(entity, id), `no ${entity} record ${id}`), fields);
    },
    closeTicket(id: number, status = TICKET_STATUS_COMPLETE) {
      const ticket = need(state.find('Tickets', id), `no ticket ${id}`);
      const at = clock().toISOString();
      const person = (state.table('Resources').find((r) => r.id !== fixture.apiUser.resourceId)?.id as number | undefined) ?? null;
      ticket.status = status;
      ticket.lastActivityDate = at;
      ticket.lastTrackedModificationDateTime = at;
      ticket.lastActivityResourceID = person;
      // A person, not the API (creatorType/lastActivityPersonType numbering UNCONFIRMED).
      ticket.lastActivityPersonType = 1;
      ticket.completedDate = status === TICKET_STATUS_COMPLETE ? at : null;
      ticket.completedByResourceID = status === TICKET_STATUS_COMPLETE ? person : null;
    },
    setThreshold(t: { limit?: number; used?: number; timeframeMinutes?: number }) {
      if (t.limit !== undefined) meter.limit = t.limit;
      if (t.timeframeMinutes !== undefined) meter.timeframeMinutes = t.timeframeMinutes;
      if (t.used !== undefined) meter.set(t.used);
    },
    inject: (injection: Injection) => injections.add(injection),
    clearInjections: () => injections.clear(),
    heldRequests: () => injections.held(),
    releaseHeld: () => injections.release(),
    addUdfDefinition: (entity: string, def: FixtureUdfDefinition) => state.addUdfDefinition(entity, def),
    removeUdfDefinition: (entity: string, name: string) => state.removeUdfDefinition(entity, name),
    postPeriods: (contractId: number, through: string) => state.postPeriods(contractId, through),
    reset() {
      state = new AutotaskState(fixture, clock);
      meter.limit = fixture.threshold?.limit ?? 10_000;
      meter.timeframeMinutes = fixture.threshold?.timeframeMinutes ?? 60;
      meter.set(fixture.threshold?.used ?? 0);
      gate.reset();
      injections.clear();
      injections.release();
      stats.thresholdRejections = 0;
      stats.injected = 0;
    },
  };

  const view = (): AutotaskSimState => ({
    companies: state.table('Companies'),
    contracts: state.table('Contracts'),
    services: state.table('Services'),
    contractServices: state.table('ContractServices'),
    units: state.table('ContractServiceUnits'),
    adjustments: state.table('ContractServiceAdjustments'),
    tickets: state.table('Tickets'),
    notes: state.table('TicketNotes'),
    billingCodes: state.table('BillingCodes'),
    resources: state.table('Resources'),
  });

  const statsOf = (): AutotaskSimStats => ({
    used: meter.used(),
    limit: meter.limit,
    threadRejections: gate.rejections,
    thresholdRejections: stats.thresholdRejections,
    injected: stats.injected,
    maxConcurrent: Object.fromEntries(gate.maxSeen),
  });

  /** POST /_sim/<command> with a JSON body; GET /_sim/state and /_sim/stats read. */
  const control = (req: SimRequest): SimResponse => {
    const command = req.path.slice('/_sim/'.length);
    const b = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    try {
      switch (command) {
        case 'state':
          return { status: 200, body: view() };
        case 'stats':
          return { status: 200, body: statsOf() };
      }
      if (req.method !== 'POST') return { status: 405, body: { error: 'control commands are POSTed' } };
      switch (command) {
        case 'set-account-active':
          methods.setAccountActive(Number(b.id), b.active === true);
          return { status: 200, body: { ok: true } };
        case 'rename-account':
          methods.renameAccount(Number(b.id), String(b.name));
          return { status: 200, body: { ok: true } };
        case 'add-company':
          return { status: 200, body: { id: methods.addCompany(b as FixtureRecord) } };
        case 'add-contract':
          return { status: 200, body: { id: methods.addContract(b as FixtureRecord) } };
        case 'add-service':
          return { status: 200, body: { id: methods.addService(b as FixtureRecord) } };
        case 'add-contract-service':
          return { status: 200, body: { id: methods.addContractService(b as unknown as FixtureContractService) } };
        case 'insert-record':
          return { status: 200, body: { id: methods.insertRecord(String(b.entity), (b.record ?? {}) as FixtureRecord) } };
        case 'update-record':
          methods.updateRecord(String(b.entity), Number(b.id), (b.fields ?? {}) as FixtureRecord);
          return { status: 200, body: { ok: true } };
        case 'close-ticket':
          methods.closeTicket(Number(b.id), b.status === undefined ? undefined : Number(b.status));
          return { status: 200, body: { ok: true } };
        case 'set-threshold':
          methods.setThreshold(b as { limit?: number; used?: number; timeframeMinutes?: number });
          return { status: 200, body: statsOf() };
        case 'inject':
          methods.inject(b as unknown as Injection);
          return { status: 200, body: { pending: injections.pending() } };
        case 'clear-injections':
          methods.clearInjections();
          return { status: 200, body: { ok: true } };
        case 'release-held':
          methods.releaseHeld();
          return { status: 200, body: { ok: true } };
        case 'add-udf-definition':
          methods.addUdfDefinition(String(b.entity ?? 'Companies'), b as unknown as FixtureUdfDefinition);
          return { status: 200, body: { ok: true } };
        case 'remove-udf-definition':
          methods.removeUdfDefinition(String(b.entity ?? 'Companies'), String(b.name));
          return { status: 200, body: { ok: true } };
        case 'post-periods':
          methods.postPeriods(Number(b.contractId), String(b.through));
          return { status: 200, body: { ok: true } };
        case 'reset':
          methods.reset();
          return { status: 200, body: { ok: true } };
        default:
          return { status: 404, body: { error: `unknown control command ${command}` } };
      }
    } catch (error) {
      return { status: 400, body: { error: (error as Error).message } };
    }
  };

  const server = await startSimServer({
    name: 'autotask',
    handle,
    control,
    ...(options.host ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.recordFile ? { recordFile: options.recordFile } : {}),
    ...(options.faults ? { faults: options.faults } : {}),
    vendorFaults: autotaskFaults({ apiBase: () => zoneBase(fixture), threadLimitStatus: options.threadLimitStatus ?? 500 }),
    secrets: [fixture.apiUser.secret, fixture.apiUser.integrationCode],
  });
  origin = server.url;

  const sim: AutotaskSimulator = {
    ...server,
    // SimServer's members are plain properties and closures, safe to spread.
    zoneDiscoveryUrl: `${server.url}/atservicesrest/`,
    apiUrl: `${server.url}${zoneBase(fixture)}`,
    fixture,
    get state() {
      return view();
    },
    stats: statsOf,
    ...methods,
  };
  return sim;
}
