// The Tigerpaw simulator: a loopback HTTP server speaking Tigerpaw's REST API (routes.ts), seeded
// from a tigerpaw.json fixture (FIXTURE.md), with a control API for tests and `kmsp demo`
// (POST /_sim/<command>, JSON; also methods here).
import type { SimRequest, SimResponse, SimServer } from '../server.js';
import type { FaultPlan } from '../faults.js';
import { startSimServer } from '../server.js';
import { tigerpawFaults } from './faults.js';
import { checkFixture, loadTigerpawFixture, type TigerpawFixture } from './fixture.js';
import { TpInjections, type TpInjection } from './injections.js';
import { createTigerpawHandler } from './routes.js';
import { TABLES, tableName, TigerpawState, type Rec, type TpTable } from './state.js';

export type { TigerpawFixture, TpAccess, TpApiRep, TpArea, TpRecord } from './fixture.js';
export type { TpInjection, TpInjectionKind } from './injections.js';
export { tsiAuthorization, tsiSignature } from './signature.js';

export interface TigerpawSimulatorOptions {
  /** Path to a tigerpaw.json, or the fixture itself. */
  fixture: string | TigerpawFixture;
  port?: number;
  host?: string;
  /** Append every request (secrets removed) to this JSONL file. */
  recordFile?: string;
  /** Seeded random faults from the start (../faults.ts); also set at run time through /_sim/faults. */
  faults?: FaultPlan;
  /** Clock for the signature's date check, relative fixture dates and the dates the API sets (default: real time). */
  now?: () => Date;
  /** How injected delays are waited (default: a real timer). */
  sleep?: (ms: number) => Promise<void>;
}

/** Live views of the simulated database: the simulator's own stored records (read, don't write). */
export type TigerpawSimState = Record<TpTable, Rec[]>;

export interface TigerpawSummary {
  counts: Record<TpTable, number>;
  /** Service orders open in the (simulated) Tigerpaw GUI. */
  locked: Array<{ serviceOrderNumber: number; repNumber: number; repName: string }>;
  pendingInjections: number;
  heldRequests: number;
}

export interface TigerpawSimulator extends SimServer {
  /** What to configure as the REST API URL (the origin: the API lives under /api/). */
  apiUrl: string;
  publicKey: string;
  privateKey: string;
  /** The External Product of the API rep's integration. */
  externalProduct: string;
  readonly fixture: TigerpawFixture;
  readonly state: TigerpawSimState;
  summary(): TigerpawSummary;
  inject(injection: TpInjection): void;
  clearInjections(): void;
  /** Requests a 'hold' injection is keeping (received, not yet processed). */
  heldRequests(): number;
  /** Lets the held requests be processed (their writes apply, their answers go out if anyone still waits). */
  releaseHeld(): void;
  /** A rep opens the service order in the Tigerpaw GUI: API updates are refused until unlock. */
  lock(serviceOrderNumber: number, repNumber: number): void;
  unlock(serviceOrderNumber: number): void;
  /** A person sets the account's status (an account status name: "Active", "Inactive"). */
  setAccountStatus(accountNumber: number, status: string): void;
  renameAccount(accountNumber: number, name: string): void;
  /** A person edits an additional charge in the GUI: fields set as given, no API rules. */
  updateCharge(agreementNumber: number, detailId: number, fields: Record<string, unknown>): void;
  /** A person deletes an additional charge line in the GUI. */
  clearCharge(agreementNumber: number, detailId: number): void;
  /** A person adds a note to a service order (default rep: the first that is not the API rep). */
  addOrderNote(serviceOrderNumber: number, note: string, repNumber?: number): number;
  /** A person closes a service order: the named closing status, else the first by Rank; DateTimeClosed now. */
  closeOrder(serviceOrderNumber: number, status?: string): void;
  /** The account custom field is deleted: it leaves every account. */
  removeCustomField(label: string): void;
  /** A person edits any record (fixture form, relative dates allowed), by its table and key. */
  updateRecord(table: string, key: string | number, fields: Record<string, unknown>): void;
  /** Adds a record as Tigerpaw's own data would hold it (fixture form). Returns its key. */
  insertRecord(table: string, record: Record<string, unknown>): unknown;
  removeRecord(table: string, key: string | number): void;
  /** Back to the fixture (relative dates re-resolved against now), injections cleared, held requests released. */
  reset(): void;
}

export async function startTigerpawSimulator(options: TigerpawSimulatorOptions): Promise<TigerpawSimulator> {
  const fixture = typeof options.fixture === 'string' ? loadTigerpawFixture(options.fixture) : structuredClone(options.fixture);
  checkFixture(fixture);
  const clock = options.now ?? (() => new Date());
  let state = new TigerpawState(fixture, clock);
  const injections = new TpInjections();
  let origin = '';

  const handle = createTigerpawHandler({
    state: () => state,
    fixture: () => fixture,
    injections,
    origin: () => origin,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  });

  /** The first rep that is not the API rep: who a person's edits are attributed to. */
  const person = (): number => {
    const hit = state.table('reps').find((r) => r.RepNumber !== fixture.apiRep.repNumber && r.Inactive !== true);
    return Number((hit ?? state.apiRep()).RepNumber);
  };

  const view = (): TigerpawSimState => Object.fromEntries(TABLES.map((t) => [t, state.table(t)])) as TigerpawSimState;

  const methods = {
    summary: (): TigerpawSummary => ({
      counts: Object.fromEntries(TABLES.map((t) => [t, state.table(t).length])) as Record<TpTable, number>,
      locked: state
        .table('serviceOrders')
        .filter((o) => o.ServiceOrderLock)
        .map((o) => {
          const lock = o.ServiceOrderLock as Rec;
          return { serviceOrderNumber: Number(o.ServiceOrderNumber), repNumber: Number(lock.LockingRepNumber), repName: String(lock.LockingRepName) };
        }),
      pendingInjections: injections.pending(),
      heldRequests: injections.held(),
    }),
    inject: (injection: TpInjection) => injections.add(injection),
    clearInjections: () => injections.clear(),
    heldRequests: () => injections.held(),
    releaseHeld: () => injections.release(),
    lock: (serviceOrderNumber: number, repNumber: number) => state.lock(serviceOrderNumber, repNumber),
    unlock: (serviceOrderNumber: number) => state.unlock(serviceOrderNumber),
    setAccountStatus: (accountNumber: number, status: string) => state.setAccountStatus(accountNumber, status),
    renameAccount: (accountNumber: number, name: string) => state.renameAccount(accountNumber, name),
    updateCharge(agreementNumber: number, detailId: number, fields: Record<string, unknown>) {
      state.needCharge(agreementNumber, detailId);
      state.updateRecord('additionalCharges', detailId, fields);
    },
    clearCharge(agreementNumber: number, detailId: number) {
      state.needCharge(agreementNumber, detailId);
      state.removeRecord('additionalCharges', detailId);
    },
    addOrderNote: (serviceOrderNumber: number, note: string, repNumber?: number) =>
      Number(state.addNote(serviceOrderNumber, { Note: note, RepNumber: repNumber ?? person() }).ServiceOrderNoteNumber),
    closeOrder: (serviceOrderNumber: number, status?: string) => state.closeOrder(serviceOrderNumber, status),
    removeCustomField: (label: string) => state.removeCustomField(label),
    updateRecord(table: string, key: string | number, fields: Record<string, unknown>) {
      state.updateRecord(tableName(table), key, fields);
    },
    insertRecord: (table: string, record: Record<string, unknown>) => state.insertRecord(tableName(table), record),
    removeRecord: (table: string, key: string | number) => state.removeRecord(tableName(table), key),
    reset() {
      state = new TigerpawState(fixture, clock);
      injections.clear();
      injections.release();
    },
  };

  /** POST /_sim/<command> with a JSON body; GET /_sim/state and /_sim/summary read. */
  const control = (req: SimRequest): SimResponse => {
    const command = req.path.slice('/_sim/'.length);
    const b = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    const n = (v: unknown) => Number(v);
    const opt = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const done = { status: 200, body: { ok: true } };
    try {
      if (command === 'state') return { status: 200, body: view() };
      if (command === 'summary') return { status: 200, body: methods.summary() };
      if (command === 'held') return { status: 200, body: { held: injections.held() } };
      if (req.method !== 'POST') return { status: 405, body: { error: 'control commands are POSTed' } };
      switch (command) {
        case 'inject':
          methods.inject(b as unknown as TpInjection);
          return { status: 200, body: { pending: injections.pending() } };
        case 'clear-injections':
          methods.clearInjections();
          return done;
        case 'release-held':
          methods.releaseHeld();
          return done;
        case 'lock':
          methods.lock(n(b.serviceOrderNumber), n(b.repNumber));
          return done;
        case 'unlock':
          methods.unlock(n(b.serviceOrderNumber));
          return done;
        case 'set-account-status':
          methods.setAccountStatus(n(b.accountNumber), String(b.status));
          return done;
        case 'rename-account':
          methods.renameAccount(n(b.accountNumber), String(b.name));
          return done;
        case 'update-charge':
          methods.updateCharge(n(b.agreementNumber), n(b.detailId), (b.fields ?? {}) as Record<string, unknown>);
          return done;
        case 'clear-charge':
          methods.clearCharge(n(b.agreementNumber), n(b.detailId));
          return done;
        case 'add-order-note':
          return { status: 200, body: { noteNumber: methods.addOrderNote(n(b.serviceOrderNumber), String(b.note), b.repNumber === undefined ? undefined : n(b.repNumber)) } };
        case 'close-order':
          methods.closeOrder(n(b.serviceOrderNumber), opt(b.status));
          return done;
        case 'remove-custom-field':
          methods.removeCustomField(String(b.label));
          return done;
        case 'update-record':
          methods.updateRecord(String(b.table), b.key as string | number, (b.fields ?? {}) as Record<string, unknown>);
          return done;
        case 'insert-record':
          return { status: 200, body: { key: methods.insertRecord(String(b.table), (b.record ?? {}) as Record<string, unknown>) } };
        case 'remove-record':
          methods.removeRecord(String(b.table), b.key as string | number);
          return done;
        case 'reset':
          methods.reset();
          return done;
        default:
          return { status: 404, body: { error: `unknown control command ${command}` } };
      }
    } catch (error) {
      return { status: 400, body: { error: (error as Error).message } };
    }
  };

  const rep = fixture.apiRep;
  const server = await startSimServer({
    name: 'tigerpaw',
    handle,
    control,
    ...(options.host ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.recordFile ? { recordFile: options.recordFile } : {}),
    ...(options.faults ? { faults: options.faults } : {}),
    vendorFaults: tigerpawFaults({ state: () => state, person }),
    secrets: [rep.privateKey, rep.publicKey],
  });
  origin = server.url;

  const sim: TigerpawSimulator = {
    ...server,
    // SimServer's members are plain properties and closures, safe to spread.
    apiUrl: server.url,
    publicKey: rep.publicKey,
    privateKey: rep.privateKey,
    externalProduct: rep.externalProduct,
    fixture,
    get state() {
      return view();
    },
    ...methods,
  };
  return sim;
}
