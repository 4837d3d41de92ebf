// The Tigerpaw PSA connector: the `Psa` port (domain/ports.ts) over Tigerpaw's REST API
// (README.md in this folder). The only module outside this folder that should be imported is
// this one.
import type { TigerpawConnection } from '../../domain/config.js';
import { KmspError } from '../../domain/errors.js';
import type { Psa, PsaIdentity } from '../../domain/ports.js';
import { HttpClient, type HttpClientOptions } from '../http.js';
import { checkAccess } from './access.js';
import { TigerpawClient, endpointOf } from './client.js';
import { Accounts } from './entities/accounts.js';
import { Agreements } from './entities/agreements.js';
import { ServiceOrders } from './entities/serviceOrders.js';
import { KEYS_REMEDY } from './errors.js';
import { signRequest } from './signature.js';
import { asRecord, flag, optStr } from './wire.js';

export interface TigerpawPsaOptions {
  connection: TigerpawConnection;
  /** The API rep's REST private key. */
  privateKey: string;
  httpOptions?: Partial<HttpClientOptions>;
  /** The clock requests are signed with and orders dated by (tests fix it). */
  now?: () => Date;
}

export type TigerpawPsa = Psa & { readonly http: HttpClient };

export function createTigerpawPsa(opts: TigerpawPsaOptions): TigerpawPsa {
  const { connection } = opts;
  const now = opts.now ?? (() => new Date());
  const keys = { publicKey: connection.publicKey.trim(), privateKey: opts.privateKey };
  const http = new HttpClient({
    service: 'Tigerpaw',
    caFile: connection.caFile,
    endpointOf,
    ...opts.httpOptions,
    // README §1.2: every attempt is signed on its own, over the time it is sent.
    sign: (method, url) => signRequest(keys, method, url, now()),
    secrets: [opts.privateKey, ...(opts.httpOptions?.secrets ?? [])],
  });
  const client = new TigerpawClient({ connection, http });
  const accounts = new Accounts(client);
  const agreements = new Agreements(client, now);
  const orders = new ServiceOrders(client, now);

  return {
    kind: 'tigerpaw',
    writeLandsWithinMs: http.writeLandsWithinMs(),
    http,

    /** GET validate/user (the keys and the clock), then productInformation (README §4.8). */
    async verify(): Promise<PsaIdentity> {
      const what = 'validate the API rep';
      const validation = asRecord(await client.get('/api/diagnostics/validate/user', what, 'diagnostics'), what);
      if (validation.Success === false) {
        const message = optStr(validation, 'Message', what);
        throw new KmspError('Tigerpaw did not accept kmsp\'s API rep', {
          kind: 'auth',
          cause: message ? `validate/user answered Success:false: ${http.redactor.text(message)}` : 'validate/user answered Success:false',
          remedy: KEYS_REMEDY,
        });
      }
      const info = asRecord(await client.get('/api/diagnostics/productInformation', 'read the product information', 'diagnostics'), 'read the product information');
      const version = optStr(info, 'DatabaseVersion', 'read the product information');
      const edition = flag(info, 'IsTigerpawOne', 'read the product information') ? 'Tigerpaw One' : 'Tigerpaw';
      return {
        kind: 'tigerpaw',
        description: `${edition}${version ? ` (database ${version})` : ''} at ${client.base}, External Product "${connection.externalProduct.trim()}"`,
      };
    },
    checkAccess: () => checkAccess(client, accounts),
    listAccounts: (options) => accounts.list(options),
    listAccountTypes: () => accounts.types(),
    listContracts: (accountId?: string) => agreements.list(accountId),
    listBillingItems: () => agreements.billingItems(),
    listPriceLevels: () => agreements.priceLevels(),
    billingReadiness: (accountIds) => accounts.billingReadiness(accountIds),
    ticketPicklists: () => orders.picklists(),
    currentQuantities: (contractId, date) => agreements.currentQuantities(contractId, date),
    postUsage: (posting) => agreements.postUsage(posting),
    createTicket: (ticket) => orders.create(ticket),
    getTicket: (id) => orders.get(id),
    findTicketsByTag: (tag) => orders.findByTag(tag),
    findTicketsByTags: (tags) => orders.findByTags(tags),
    closeTicket: (id, status) => orders.close(id, status),
    addTicketNote: (id, note) => orders.addNote(id, note),
    ticketNotes: (id) => orders.notes(id),
    setAccountField: (accountId, field, value) => accounts.setField(accountId, field, value),
    // Tigerpaw publishes no request budget to read (README §3).
    budget: async () => null,
    async close(): Promise<void> {
      http.close();
    },
  };
}
