// The Autotask PSA connector: the `Psa` port (domain/ports.ts) over Autotask's
// REST API v1.0 (README.md in this folder). The only module outside this
// folder that should be imported is this one.
import type { AutotaskConnection } from '../../domain/config.js';
import type { Psa, PsaIdentity } from '../../domain/ports.js';
import type { PsaBudget } from '../../domain/types.js';
import { HttpClient, type HttpClientOptions } from '../http.js';
import { THREADS_PER_ENDPOINT } from './assumptions.js';
import type { BudgetPolicy } from './budget.js';
import { AutotaskClient, endpointOf } from './client.js';
import { Companies } from './entities/companies.js';
import { Contracts } from './entities/contracts.js';
import { Tickets } from './entities/tickets.js';
import { hasErrorsArray, isKnownRefusal, isThreadLimit } from './errors.js';
import { FieldCatalog } from './picklists.js';

export { endpointOf } from './client.js';
export { isThreadLimit } from './errors.js';
export { NO_SERVICE_PERIOD, TICKET_TAG_MAX_FALLBACK } from './assumptions.js';
export { buildQuery, q, type FilterItem, type QueryBody } from './query.js';
export type { BudgetPolicy } from './budget.js';

export interface AutotaskPsaOptions {
  connection: AutotaskConnection;
  /** The API user's secret (password). */
  secret: string;
  /** The API tracking identifier sent as ApiIntegrationCode. */
  integrationCode: string;
  httpOptions?: Partial<HttpClientOptions>;
  /** Pacing and threshold-check policy (budget.ts); defaults suit production. */
  budget?: Partial<BudgetPolicy>;
}

export type AutotaskPsa = Psa & Required<Pick<Psa, 'currentQuantitiesMany' | 'findTicketsByTags'>> & { readonly http: HttpClient };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createAutotaskPsa(opts: AutotaskPsaOptions): AutotaskPsa {
  const { connection } = opts;
  const http = new HttpClient({
    service: 'Autotask',
    caFile: connection.caFile,
    // Autotask's thread limit: 3 concurrent requests per tracking id and entity (README §3.3).
    maxConcurrentPerEndpoint: THREADS_PER_ENDPOINT,
    endpointOf,
    isRetryable: isThreadLimit,
    // A 5xx to a write is "refused, nothing applied" only with a known refusal text; else outcome unknown.
    isRefusal: isKnownRefusal,
    // Autotask answers most failures with HTTP 500 and {"errors":[…]}: that is its answer, not a hiccup to read past.
    isAnswer: (response) => hasErrorsArray(response.text),
    ...opts.httpOptions,
    secrets: [opts.secret, opts.integrationCode, ...(opts.httpOptions?.secrets ?? [])],
  });
  const client = new AutotaskClient({
    connection,
    secret: opts.secret,
    integrationCode: opts.integrationCode,
    http,
    sleep: opts.httpOptions?.sleep ?? defaultSleep,
    ...(opts.budget ? { budget: opts.budget } : {}),
  });
  const catalog = new FieldCatalog(client);
  const companies = new Companies(client, catalog);
  const contracts = new Contracts(client, catalog);
  const tickets = new Tickets(client, catalog);

  const toBudget = (t: { limit: number; used: number; timeframeMinutes: number }): PsaBudget => ({ limit: t.limit, used: t.used, timeframeMinutes: t.timeframeMinutes });

  return {
    kind: 'autotask',
    writeLandsWithinMs: http.writeLandsWithinMs(),
    http,

    /** Zone discovery (unless configured) plus one cheap authenticated call: the usage threshold. */
    async verify(): Promise<PsaIdentity> {
      const zone = await client.resolveZone();
      const threshold = await client.readThreshold();
      const where = zone.configured ? `zone URL ${zone.url} (configured)` : `zone ${zone.name} at ${zone.url}`;
      return {
        kind: 'autotask',
        description: `Autotask ${where} as ${connection.username}; API usage ${threshold.used} of ${threshold.limit} requests per ${threshold.timeframeMinutes} minutes`,
      };
    },
    listAccounts: () => companies.list(),
    listAccountTypes: () => companies.types(),
    listContracts: (accountId?: string) => contracts.list(accountId),
    listBillingItems: () => contracts.billingItems(),
    ticketPicklists: () => tickets.picklists(),
    currentQuantities: (contractId, date) => contracts.currentQuantities(contractId, date),
    currentQuantitiesMany: (contractIds, date) => contracts.currentQuantitiesMany(contractIds, date),
    postUsage: (posting) => contracts.postUsage(posting),
    createTicket: (ticket) => tickets.create(ticket),
    getTicket: (id) => tickets.get(id),
    findTicketsByTag: (tag) => tickets.findByTag(tag),
    findTicketsByTags: (tags) => tickets.findByTags(tags),
    closeTicket: (id, status) => tickets.close(id, status),
    addTicketNote: (id, note) => tickets.addNote(id, note),
    ticketNotes: (id) => tickets.notes(id),
    setAccountField: (accountId, field, value) => companies.setField(accountId, field, value),
    async budget(): Promise<PsaBudget | null> {
      return toBudget(await client.readThreshold());
    },
    async close(): Promise<void> {
      http.close();
    },
  };
}
