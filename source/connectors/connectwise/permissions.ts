// What kmsp's API member may read, for doctor and Test connection (README §3.3): one list read
// per area kmsp needs, each asking for a single record. A 403 is reported as a missing
// permission, not thrown; any other failure (keys, network) is thrown as it stands. Writes
// cannot be checked without writing, so they are not (README §7).
import { PERMISSIONS, type PermissionArea } from './assumptions.js';
import type { ConnectWiseClient } from './client.js';
import { queryString } from './conditions.js';
import { describeBody, errorBody } from './errors.js';

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

export async function checkPermissions(client: ConnectWiseClient): Promise<PermissionCheck[]> {
  return Promise.all(
    READS.map(async ({ area, what, path }) => {
      const response = await client.send({ method: 'GET', path: `${path}${queryString({ pageSize: 1 })}`, action: `read ${what}`, area, accept: [403] });
      const allowed = response.status !== 403;
      return {
        area,
        what,
        allowed,
        permission: PERMISSIONS[area],
        detail: allowed ? null : (describeBody(errorBody(response), client.http.redactor) ?? 'HTTP 403'),
      };
    }),
  );
}
