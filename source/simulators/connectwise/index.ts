// The ConnectWise Manage simulator: a loopback HTTP server speaking ConnectWise Manage
// REST 3.0 (routes.ts), seeded from a connectwise.json fixture (FIXTURE.md), with a control
// API for tests and `kmsp demo` (POST /_sim/<command>, JSON; also methods here).
import type { SimRequest, SimResponse, SimServer } from '../server.js';
import type { FaultPlan } from '../faults.js';
import { startSimServer } from '../server.js';
import { connectWiseFaults } from './faults.js';
import { checkFixture, loadConnectWiseFixture, type ConnectWiseFixture, type CwCustomFieldDefinition, type CwRecord } from './fixture.js';
import { CwInjections, type CwInjection } from './injections.js';
import { createConnectWiseHandler, DEFAULT_CODEBASE } from './routes.js';
import { ConnectWiseState, entityName, type Rec } from './state.js';

export type { ConnectWiseFixture, CwAccess, CwApiMember, CwArea, CwCustomFieldDefinition, CwRecord } from './fixture.js';
export type { CwInjection, CwInjectionKind } from './injections.js';

export interface ConnectWiseSimulatorOptions {
  /** Path to a connectwise.json, or the fixture itself. */
  fixture: string | ConnectWiseFixture;
  port?: number;
  host?: string;
  /** Append every request (secrets removed) to this JSONL file. */
  recordFile?: string;
  /** Seeded random faults from the start (../faults.ts); also set at run time through /_sim/faults. */
  faults?: FaultPlan;
  /** Clock for relative fixture dates, created and updated dates (default: real time). */
  now?: () => Date;
  /** How injected delays are waited (default: a real timer). */
  sleep?: (ms: number) => Promise<void>;
}

/** Live views of the simulated database: the simulator's own stored records (read, don't write). */
export interface ConnectWiseSimState {
  companyStatuses: Rec[];
  companyTypes: Rec[];
  companies: Rec[];
  agreementTypes: Rec[];
  agreements: Rec[];
  additions: Rec[];
  catalog: Rec[];
  boards: Rec[];
  statuses: Rec[];
  types: Rec[];
  subtypes: Rec[];
  items: Rec[];
  priorities: Rec[];
  sources: Rec[];
  tickets: Rec[];
  notes: Rec[];
  customFieldDefinitions: Array<Required<CwCustomFieldDefinition>>;
}

export interface ConnectWiseSimulator extends SimServer {
  /** What to configure as the site URL (the origin, e.g. http://127.0.0.1:PORT). */
  siteUrl: string;
  /** The API root including the codebase, e.g. http://127.0.0.1:PORT/v4_6_release/apis/3.0 */
  apiUrl: string;
  companyId: string;
  publicKey: string;
  privateKey: string;
  clientId: string;
  readonly fixture: ConnectWiseFixture;
  readonly state: ConnectWiseSimState;
  inject(injection: CwInjection): void;
  clearInjections(): void;
  /** Requests a 'hold' injection is keeping (received, not yet processed). */
  heldRequests(): number;
  /** Lets the held requests be processed (their writes apply, their answers go out if anyone still waits). */
  releaseHeld(): void;
  /** A person sets the company's status to Active or Inactive in the UI. */
  setCompanyActive(id: number, active: boolean): void;
  renameCompany(id: number, name: string): void;
  /** A person edits a record in the UI: fields set as given (fixture form: `{id}` references, relative dates), no API rules. */
  updateRecord(entity: string, id: number, fields: Record<string, unknown>): void;
  /** Adds a record as ConnectWise's own data would hold it, without API rules. Returns its id. */
  insertRecord(entity: string, record: Record<string, unknown>): number;
  /** A person closes a ticket in the UI: the named status of its board, or its first closed status. */
  closeTicket(id: number, statusName?: string): void;
  /** The company custom field is deleted in the UI: it leaves every company. */
  removeCustomFieldDefinition(caption: string): void;
  /** Back to the fixture (relative dates re-resolved against now), injections cleared, held requests released. */
  reset(): void;
}

function need<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(what);
  return value;
}

export async function startConnectWiseSimulator(options: ConnectWiseSimulatorOptions): Promise<ConnectWiseSimulator> {
  const fixture = typeof options.fixture === 'string' ? loadConnectWiseFixture(options.fixture) : structuredClone(options.fixture);
  checkFixture(fixture);
  const clock = options.now ?? (() => new Date());
  let state = new ConnectWiseState(fixture, clock);
  const injections = new CwInjections();
  let origin = '';

  const handle = createConnectWiseHandler({
    state: () => state,
    fixture: () => fixture,
    injections,
    origin: () => origin,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  });

  const companyStatus = (active: boolean): Rec => {
    const statuses = state.table('companyStatuses');
    const named = statuses.find((s) => String(s.name).toLowerCase() === (active ? 'active' : 'inactive'));
    const hit = named ?? statuses.find((s) => (active ? s.inactiveFlag !== true && s.disallowSavingFlag !== true : s.inactiveFlag === true));
    return need(hit, `the fixture has no ${active ? 'active' : 'inactive'} company status`);
  };

  const methods = {
    inject: (injection: CwInjection) => injections.add(injection),
    clearInjections: () => injections.clear(),
    heldRequests: () => injections.held(),
    releaseHeld: () => injections.release(),
    setCompanyActive(id: number, active: boolean) {
      need(state.find('companies', id), `no company ${id}`);
      state.update('companies', id, { status: { id: companyStatus(active).id } });
    },
    renameCompany(id: number, name: string) {
      need(state.find('companies', id), `no company ${id}`);
      state.update('companies', id, { name });
    },
    updateRecord(entity: string, id: number, fields: Record<string, unknown>) {
      state.update(entityName(entity), id, fields as CwRecord);
    },
    insertRecord: (entity: string, record: Record<string, unknown>) => state.insert(entityName(entity), record as CwRecord).id as number,
    closeTicket(id: number, statusName?: string) {
      state.closeTicket(id, statusName);
    },
    removeCustomFieldDefinition: (caption: string) => state.removeCustomFieldDefinition(caption),
    reset() {
      state = new ConnectWiseState(fixture, clock);
      injections.clear();
      injections.release();
    },
  };

  const view = (): ConnectWiseSimState => ({
    companyStatuses: state.table('companyStatuses'),
    companyTypes: state.table('companyTypes'),
    companies: state.table('companies'),
    agreementTypes: state.table('agreementTypes'),
    agreements: state.table('agreements'),
    additions: state.table('additions'),
    catalog: state.table('catalog'),
    boards: state.table('boards'),
    statuses: state.table('statuses'),
    types: state.table('types'),
    subtypes: state.table('subtypes'),
    items: state.table('items'),
    priorities: state.table('priorities'),
    sources: state.table('sources'),
    tickets: state.table('tickets'),
    notes: state.table('notes'),
    customFieldDefinitions: state.customFieldDefinitions,
  });

  /** POST /_sim/<command> with a JSON body; GET /_sim/state reads. */
  const control = (req: SimRequest): SimResponse => {
    const command = req.path.slice('/_sim/'.length);
    const b = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    try {
      if (command === 'state') return { status: 200, body: view() };
      if (command === 'held') return { status: 200, body: { held: injections.held() } };
      if (req.method !== 'POST') return { status: 405, body: { error: 'control commands are POSTed' } };
      switch (command) {
        case 'inject':
          methods.inject(b as unknown as CwInjection);
          return { status: 200, body: { pending: injections.pending() } };
        case 'clear-injections':
          methods.clearInjections();
          return { status: 200, body: { ok: true } };
        case 'release-held':
          methods.releaseHeld();
          return { status: 200, body: { ok: true } };
        case 'set-company-active':
          methods.setCompanyActive(Number(b.id), b.active === true);
          return { status: 200, body: { ok: true } };
        case 'rename-company':
          methods.renameCompany(Number(b.id), String(b.name));
          return { status: 200, body: { ok: true } };
        case 'update-record':
          methods.updateRecord(String(b.entity), Number(b.id), (b.fields ?? {}) as Record<string, unknown>);
          return { status: 200, body: { ok: true } };
        case 'insert-record':
          return { status: 200, body: { id: methods.insertRecord(String(b.entity), (b.record ?? {}) as Record<string, unknown>) } };
        case 'close-ticket':
          methods.closeTicket(Number(b.id), typeof b.statusName === 'string' ? b.statusName : typeof b.status === 'string' ? b.status : undefined);
          return { status: 200, body: { ok: true } };
        case 'remove-custom-field-definition':
          methods.removeCustomFieldDefinition(String(b.caption));
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

  const member = fixture.apiMember;
  const server = await startSimServer({
    name: 'connectwise',
    handle,
    control,
    ...(options.host ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.recordFile ? { recordFile: options.recordFile } : {}),
    ...(options.faults ? { faults: options.faults } : {}),
    vendorFaults: connectWiseFaults(),
    secrets: [member.privateKey, member.publicKey],
  });
  origin = server.url;
  const codebase = (fixture.site?.codebase ?? DEFAULT_CODEBASE).replace(/^\/*/, '').replace(/\/*$/, '/');

  const sim: ConnectWiseSimulator = {
    ...server,
    // SimServer's members are plain properties and closures, safe to spread.
    siteUrl: server.url,
    apiUrl: `${server.url}/${codebase}apis/3.0`,
    companyId: member.companyId,
    publicKey: member.publicKey,
    privateKey: member.privateKey,
    clientId: member.clientId,
    fixture,
    get state() {
      return view();
    },
    ...methods,
  };
  return sim;
}
