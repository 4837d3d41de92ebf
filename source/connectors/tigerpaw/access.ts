// What kmsp's API rep may read, for doctor and Test connection (README §3): one read per area kmsp
// needs, each asking for as little as Tigerpaw lets it, and whether the integration's External
// Product exists. A 403 is reported as a missing right, not thrown; any other failure (keys,
// network) is thrown as it stands. Writes cannot be checked without writing, so they are not.
import { isKmspError } from '../../domain/errors.js';
import type { AccessCheck } from '../../domain/types.js';
import { RIGHTS, sameExternalProduct, type RightsArea } from './assumptions.js';
import type { HttpMethod } from '../http.js';
import { optList, type Query, type TigerpawClient } from './client.js';
import { answerMessage } from './errors.js';
import type { Accounts } from './entities/accounts.js';
import { asRecord, optNum, type WireRecord } from './wire.js';

interface Read {
  area: RightsArea;
  what: string;
  method: HttpMethod;
  path: string;
  query?: Query;
  body?: unknown;
}

const ONE_ROW = { Criteria: [], PageSize: 1, StartRow: 0 };

async function read(client: TigerpawClient, r: Read): Promise<{ check: AccessCheck; body: unknown }> {
  const response = await client.send({ method: r.method, path: r.path, action: `read ${r.what}`, area: r.area, accept: [403], ...(r.query ? { query: r.query } : {}), ...(r.body !== undefined ? { body: r.body } : {}) });
  const allowed = response.status !== 403;
  return {
    check: { what: r.what, allowed, permission: RIGHTS[r.area], detail: allowed ? null : (answerMessage(response, client.http.redactor) ?? 'HTTP 403') },
    body: allowed ? client.json(response) : null,
  };
}

/** The number field of the first row of a one-row search answer; null when there is none. */
function first(body: unknown, list: string, field: string, what: string): number | null {
  if (body === null) return null;
  const rows: WireRecord[] = optList(asRecord(body, what), list, what);
  return rows[0] ? optNum(rows[0], field, what) : null;
}

/**
 * One check per area: accounts, their custom fields (of the first account), agreements, their
 * additional charges (of the first agreement), the price book, price levels, the master tables,
 * service orders; then whether the External Product of the connection exists and is active.
 */
export async function checkAccess(client: TigerpawClient, accounts: Accounts): Promise<AccessCheck[]> {
  const [acc, agr, book, levels, tables, orders] = await Promise.all([
    read(client, { area: 'accounts', what: 'accounts', method: 'POST', path: '/api/accounts/search', body: ONE_ROW }),
    read(client, { area: 'agreements', what: 'agreements', method: 'POST', path: '/api/agreements/search', body: ONE_ROW }),
    read(client, { area: 'priceBook', what: 'price book items', method: 'POST', path: '/api/pricebook/items/search', body: ONE_ROW }),
    read(client, { area: 'masterTables', what: 'price levels', method: 'GET', path: '/api/mastertables/pricelevels' }),
    read(client, { area: 'masterTables', what: 'master tables (service order statuses)', method: 'GET', path: '/api/mastertables/serviceorders/statuses' }),
    read(client, { area: 'serviceOrders', what: 'service orders', method: 'POST', path: '/api/serviceorders/search/reference', query: { 'pageRequest.pageSize': 1, 'pageRequest.startRow': 0 }, body: JSON.stringify('') }),
  ]);
  const account = first(acc.body, 'Accounts', 'AccountNumber', 'read accounts');
  const agreement = first(agr.body, 'Agreements', 'AgreementNumber', 'read agreements');
  const [fields, charges] = await Promise.all([
    account === null ? null : read(client, { area: 'customFields', what: 'account custom fields', method: 'GET', path: `/api/accounts/${account}/customfields` }),
    agreement === null ? null : read(client, { area: 'charges', what: 'agreement additional charges', method: 'GET', path: `/api/agreements/${agreement}/additionalcharges` }),
  ]);
  const checks: AccessCheck[] = [acc.check];
  if (fields) checks.push(fields.check);
  checks.push(agr.check);
  if (charges) checks.push(charges.check);
  checks.push(book.check, levels.check, tables.check, orders.check);
  checks.push(await externalProductCheck(client, accounts));
  return checks;
}

async function externalProductCheck(client: TigerpawClient, accounts: Accounts): Promise<AccessCheck> {
  const product = client.connection.externalProduct.trim();
  const what = `the External Product "${product}"`;
  const place = 'Edit › Master Tables › Account › External Products';
  let masters: Awaited<ReturnType<Accounts['externalProducts']>>;
  try {
    masters = await accounts.externalProducts();
  } catch (error) {
    if (isKmspError(error) && error.kind === 'permission') return { what, allowed: false, permission: RIGHTS.masterTables, detail: error.why ?? error.message };
    throw error;
  }
  const found = masters.find((m) => sameExternalProduct(m.name, product));
  const fix = `create it (or make it active) in Tigerpaw, ${place}, or set the External Product on the Connections tab to the one kmsp's API user belongs to; Tigerpaw takes usage only for accounts cross-referenced to it.`;
  return {
    what,
    allowed: found?.active === true,
    permission: `an active External Product "${product}" (${place})`,
    detail: found?.active ? null : found ? `"${found.name}" exists but is inactive` : `Tigerpaw has no External Product named "${product}"`,
    statement: { ok: `the External Product "${product}" exists`, fail: `the External Product "${product}" is missing or inactive`, remedy: fix },
  };
}
