// What kmsp's API member may read, for doctor and Test connection (README §3.3): one list read
// per area kmsp needs, each asking for a single record. A 403 is reported as a missing
// permission, not thrown; any other failure (keys, network) is thrown as it stands. Writes
// cannot be checked without writing, so they are not (README §7).
import { PERMISSIONS, type PermissionArea } from './assumptions.js';
import type { ConnectWiseClient } from './client.js';
import { queryString } from './conditions.js';
import { describeBody, errorBody } from './errors.js';
import { asArray, num } from './wire.js';

export interface PermissionCheck {
  area: PermissionArea;
  /** What was read, in words ("companies"). */
  what: string;
  allowed: boolean;
  /** The security-role permission the area needs (assumptions.ts PERMISSIONS). */
  permission: string;
  /** ConnectWise's own words when it refused. */
  detail: string | null;
}

const READS: ReadonlyArray<{ area: PermissionArea; what: string; path: string }> = [
  { area: 'companies', what: 'companies', path: 'company/companies' },
  { area: 'agreements', what: 'agreements', path: 'finance/agreements' },
  { area: 'catalog', what: 'catalog products', path: 'procurement/catalog' },
  { area: 'boards', what: 'service boards', path: 'service/boards' },
  { area: 'tickets', what: 'service tickets', path: 'service/tickets' },
];

async function read(client: ConnectWiseClient, area: PermissionArea, what: string, path: string): Promise<{ check: PermissionCheck; first: number | null }> {
  const response = await client.send({ method: 'GET', path: `${path}${queryString({ pageSize: 1 })}`, action: `read ${what}`, area, accept: [403] });
  const allowed = response.status !== 403;
  const rows = allowed ? asArray(client.json(response), `read ${what}`) : [];
  return {
    check: { area, what, allowed, permission: PERMISSIONS[area], detail: allowed ? null : (describeBody(errorBody(response), client.http.redactor) ?? 'HTTP 403') },
    first: rows[0] ? num(rows[0], 'id', `read ${what}`) : null,
  };
}

/**
 * One check per area; agreement additions are read too when there is an agreement to read them
 * from (the first one listed), since they are a permission of their own in some roles.
 */
export async function checkPermissions(client: ConnectWiseClient): Promise<PermissionCheck[]> {
  const results = await Promise.all(READS.map((r) => read(client, r.area, r.what, r.path)));
  const checks = results.map((r) => r.check);
  const agreement = results.find((r) => r.check.area === 'agreements')?.first ?? null;
  if (agreement !== null) {
    const additions = await read(client, 'additions', 'agreement additions', `finance/agreements/${agreement}/additions`);
    checks.splice(2, 0, additions.check);
  }
  return checks;
}
