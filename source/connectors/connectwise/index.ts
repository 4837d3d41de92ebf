// The ConnectWise Manage PSA connector: the `Psa` port (domain/ports.ts) over ConnectWise
// Manage's REST API 3.0 (README.md in this folder). The only module outside this folder that
// should be imported is this one.
import type { ConnectWiseConnection } from '../../domain/config.js';
import type { Psa, PsaIdentity } from '../../domain/ports.js';
import { HttpClient, type HttpClientOptions } from '../http.js';
import { API_VERSION } from './assumptions.js';
import { ConnectWiseClient, type ApiRoot } from './client.js';
import { Agreements } from './entities/agreements.js';
import { Companies } from './entities/companies.js';
import { Tickets } from './entities/tickets.js';
import { checkPermissions, type PermissionCheck } from './permissions.js';
import { asRecord, optStr } from './wire.js';

export { API_VERSION, PERMISSIONS } from './assumptions.js';
export { c as conditions, literal as conditionLiteral } from './conditions.js';
export type { ApiRoot } from './client.js';
export type { PermissionCheck } from './permissions.js';

export interface ConnectWisePsaOptions {
  connection: ConnectWiseConnection;
  /** The API member's private key. */
  privateKey: string;
  httpOptions?: Partial<HttpClientOptions>;
}

export type ConnectWisePsa = Psa & {
  readonly http: HttpClient;
  /** Which areas kmsp's API member may read (doctor, Test connection); writes cannot be checked. */
  checkPermissions(): Promise<PermissionCheck[]>;
  /** The API root in use (discovered or configured). */
  apiRoot(): Promise<ApiRoot>;
};

export function createConnectWisePsa(opts: ConnectWisePsaOptions): ConnectWisePsa {
  const { connection } = opts;
  const http = new HttpClient({
    service: 'ConnectWise',
    caFile: connection.caFile,
    ...opts.httpOptions,
    secrets: [opts.privateKey, ...(opts.httpOptions?.secrets ?? [])],
  });
  const client = new ConnectWiseClient({ connection, privateKey: opts.privateKey, http });
  const companies = new Companies(client);
  const agreements = new Agreements(client);
  const tickets = new Tickets(client);

  return {
    kind: 'connectwise',
    writeLandsWithinMs: http.writeLandsWithinMs(),
    http,

    /** Codebase discovery (unless configured), GET system/info and the count of companies (README §4.7). */
    async verify(): Promise<PsaIdentity> {
      const root = await client.apiRoot();
      const what = 'read the system information';
      const system = asRecord(client.json(await client.send({ method: 'GET', path: 'system/info', action: what, area: 'system' })), what);
      const count = await companies.count();
      const version = optStr(system, 'version', what) ?? root.versionCode ?? 'unknown version';
      const codebase = root.configured ? `codebase ${root.codebase} (configured)` : `codebase ${root.codebase}`;
      return {
        kind: 'connectwise',
        description: `ConnectWise Manage ${version} at ${client.site}, company ${connection.companyId} (${codebase}, API model ${API_VERSION}; ${count} ${count === 1 ? 'company' : 'companies'} visible)`,
      };
    },
    checkPermissions: () => checkPermissions(client),
    checkAccess: () => checkPermissions(client),
    apiRoot: () => client.apiRoot(),
    listAccounts: () => companies.list(),
    listAccountTypes: () => companies.types(),
    listContracts: (accountId?: string) => agreements.list(accountId),
    listBillingItems: () => agreements.billingItems(),
    ticketPicklists: () => tickets.picklists(),
    currentQuantities: (contractId, date) => agreements.currentQuantities(contractId, date),
    postUsage: (posting) => agreements.postUsage(posting),
    createTicket: (ticket) => tickets.create(ticket),
    getTicket: (id) => tickets.get(id),
    findTicketsByTag: (tag) => tickets.findByTag(tag),
    findTicketsByTags: (tags) => tickets.findByTags(tags),
    closeTicket: (id, status) => tickets.close(id, status),
    addTicketNote: (id, note) => tickets.addNote(id, note),
    ticketNotes: (id) => tickets.notes(id),
    setAccountField: (accountId, field, value) => companies.setField(accountId, field, value),
    // ConnectWise publishes no request budget to read (README §3.4).
    budget: async () => null,
    async close(): Promise<void> {
      http.close();
    },
  };
}
