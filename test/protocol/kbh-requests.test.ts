// How many requests Business Hub gets per company for a billing run and for a ticket poll with
// nothing new, counted by the simulator (deterministic), so that a change which spends more fails
// here. Each company of the fixtures has a KES Cloud and an Office 365 workspace. Per company:
//
// billing: its workspaces once (shared by the devices and the license usage), the licenses of
// each workspace, the devices of the KES Cloud one (once, though both the devices and the usage
// need them), the protection of the Office 365 one;
// idle poll: its workspaces once (shared by events, devices and conditions), the events of each
// workspace, the devices of the KES Cloud one, the protection of the Office 365 one.
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../source/billing/context.js';
import { runBilling } from '../../source/billing/run.js';
import type { TenantMapping } from '../../source/domain/config.js';
import { runTickets } from '../../source/tickets/run.js';
import { startKbhEnv, type KbhEnv } from '../helpers/kbh-env.js';

/** Requests by method and path, ids replaced by ":id". */
function byRoute(env: KbhEnv): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of env.hub.requests) {
    const route = `${r.method} ${r.path.replace(/\?.*$/, '').replace(/\/(co|ws)-[a-z0-9-]+/g, '/:id')}`;
    out[route] = (out[route] ?? 0) + 1;
  }
  return out;
}

const mapping = (tenantId: string, name: string, accountId: string, contractId: string | null): TenantMapping => ({
  tenantId,
  tenantName: name,
  accountId,
  accountName: name,
  billing: contractId !== null,
  contractId,
  contractName: contractId,
});

let env: KbhEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe('Business Hub requests per company', () => {
  it('a billing run reads each company in 5 requests', async () => {
    const tenants = [mapping('co-northwind-0001', 'Northwind Traders', '29690001', '29690101'), mapping('co-southside-0002', 'Southside Bakery', '29690002', '29690102')];
    env = await startKbhEnv('autotask', 'billing-basic', { tenants, billing: { byCategory: false, applications: [] } });
    const c = await connect(env.paths, env.integration);
    try {
      env.hub.clearRequests();
      const run = await runBilling({ integration: env.integration, platform: c.platform, psa: c.psa, ledger: null, now: new Date(), timeZone: 'UTC', dryRun: true });
      expect(run.plan.contracts.filter((p) => p.error)).toEqual([]);
      const T = tenants.length;
      expect(byRoute(env)).toEqual({
        'POST /api/v1/auth/token': 1,
        'GET /api/v1/companies': 1,
        'GET /api/v1/licensing/products': 1,
        'GET /api/v1/companies/:id/workspaces': T,
        'GET /api/v1/workspaces/:id/licenses': 2 * T,
        'GET /api/v1/workspaces/:id/devices': T,
        'GET /api/v1/workspaces/:id/office365/protection': T,
      });
    } finally {
      await c.close();
    }
  });

  it('a ticket poll with nothing new reads each company in 5 requests', async () => {
    const tenants = [mapping('co-alpha-0001', 'Alpha Dental', '29695001', null), mapping('co-beta-0002', 'Beta Builders', '29695002', null)];
    env = await startKbhEnv('autotask', 'tickets-basic', { tenants });
    const ledger = env.ledger();
    const poll = async () => {
      // A connector of its own per poll: the workspaces are read again, as a minute later.
      const c = await connect(env!.paths, env!.integration);
      try {
        return await runTickets({ integration: env!.integration, platform: c.platform, psa: c.psa, ledger, now: new Date(), dryRun: false, personCheckMs: 0 });
      } finally {
        await c.close();
      }
    };
    expect((await poll()).totals.errors).toBe(0);
    env.hub.clearRequests();
    const idle = await poll();
    expect(idle.totals).toMatchObject({ created: 0, errors: 0 });
    const T = tenants.length;
    expect(byRoute(env)).toEqual({
      'POST /api/v1/auth/token': 1,
      'GET /api/v1/companies': 1,
      'GET /api/v1/companies/:id/workspaces': T,
      'GET /api/v1/workspaces/:id/events': 2 * T,
      'GET /api/v1/workspaces/:id/devices': T,
      'GET /api/v1/workspaces/:id/office365/protection': T,
    });
  });
});
