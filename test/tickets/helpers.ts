// Ticket job tests over the real simulators (fixtures/tickets-basic), reusing the billing test environment.
import type { Integration, TenantMapping, TicketingSettings } from '../../source/domain/config.js';
import { runTickets, type TicketRunOptions, type TicketRunResult } from '../../source/tickets/run.js';
import type { Ledger } from '../../source/store/ledger.js';
import { startBillingEnv, type BillingEnv } from '../billing/helpers.js';

export const ALPHA = 'vs-alpha-0001';
export const BETA = 'vs-beta-0002';
export const ALPHA_ACCOUNT = '29695001';
export const WS1 = 'c1110000-0000-4000-8000-000000000001';
export const WS2 = 'c1110000-0000-4000-8000-000000000002';
export const BETA_WS = 'c2220000-0000-4000-8000-000000000001';
export const QUEUE = { value: '29683360', label: 'Monitoring Alert' };
export const SECURITY_QUEUE = { value: '29683361', label: 'Security Operations' };
export const CRITICAL = { value: '4', label: 'Critical' };
export const SOURCE = { value: '8', label: 'Monitoring Alert' };

export const tenants: TenantMapping[] = [
  { tenantId: ALPHA, tenantName: 'Alpha Dental', accountId: ALPHA_ACCOUNT, accountName: 'Alpha Dental', billing: false, contractId: null, contractName: null },
  { tenantId: BETA, tenantName: 'Beta Builders', accountId: '29695002', accountName: 'Beta Builders', billing: false, contractId: null, contractName: null },
];

/** Critical events on (Security Operations, due 4 h); Critical status rows for databases and RTP on. */
export function ticketing(base: TicketingSettings): TicketingSettings {
  const fields = { queue: QUEUE, priority: CRITICAL, workType: null, issueType: null, subIssueType: null };
  const s = base.sections;
  return {
    general: { source: SOURCE, newStatus: { value: '1', label: 'New' }, closedStatus: { value: '5', label: 'Complete' } },
    perScope: [],
    sections: {
      ...s,
      events: s.events!.map((r) => (r.key === 'critical' ? { ...r, enabled: true, dueHours: 4, lifetimeDays: 1, fields: { ...fields, queue: SECURITY_QUEUE } } : { ...r, enabled: false })),
      warningStatus: s.warningStatus!.map((r) => ({ ...r, enabled: false })),
      criticalStatus: s.criticalStatus!.map((r) => (['databases-outdated', 'rtp-not-running'].includes(r.key) ? { ...r, enabled: true, dueHours: 12, fields } : { ...r, enabled: false })),
    },
  };
}

export interface TicketEnv extends BillingEnv {
  integration: Integration;
  run(ledger: Ledger, extra?: Partial<TicketRunOptions>): Promise<TicketRunResult>;
  /** Tickets the Autotask simulator holds. */
  tickets(): Array<Record<string, unknown>>;
  notes(ticketId?: unknown): Array<Record<string, unknown>>;
}

export async function startTicketEnv(): Promise<TicketEnv> {
  const env = await startBillingEnv('tickets-basic', { tenants, billing: { byCategory: false, applications: [] } });
  const integration: Integration = { ...env.integration, ticketing: ticketing(env.integration.ticketing) };
  return Object.assign(env, {
    integration,
    async run(ledger: Ledger, extra: Partial<TicketRunOptions> = {}) {
      const c = await env.connect();
      try {
        return await runTickets({ integration, platform: c.platform, psa: c.psa, ledger, now: new Date(), dryRun: false, personCheckMs: 0, ...extra });
      } finally {
        await c.close();
      }
    },
    tickets: () => env.demo.autotask.state.tickets as unknown as Array<Record<string, unknown>>,
    notes: (id?: unknown) => (env.demo.autotask.state.notes as unknown as Array<Record<string, unknown>>).filter((n) => id === undefined || String(n.ticketID) === String(id)),
  });
}
