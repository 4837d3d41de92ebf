// Maintenance windows over Kaspersky Business Hub (README › Maintenance windows), with Autotask and
// with ConnectWise: a tenant window holds the KES Cloud device statuses and the Office 365
// workspace condition, and drops the events raised inside it; after the window the conditions
// still active get their tickets and the events none. (fixtures/tickets-basic/kbh.json: Alpha
// Dental's first pass without a window makes 11 tickets — 6 events, 4 statuses, 1 condition.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TenantMapping, TicketingSettings } from '../../source/domain/config.js';
import { OFFICE365_SECTION } from '../../source/domain/profiles/kbh.js';
import { conditionTicketKey } from '../../source/domain/ticketKeys.js';
import { runTickets, type TicketRunOptions } from '../../source/tickets/run.js';
import type { Ledger } from '../../source/store/ledger.js';
import { KBH_PSAS, startKbhEnv, type KbhEnv } from '../helpers/kbh-env.js';

const ALPHA = 'co-alpha-0001';
const tenants: TenantMapping[] = [{ tenantId: ALPHA, tenantName: 'Alpha Dental', accountId: '29695001', accountName: 'Alpha Dental', billing: false, contractId: null, contractName: null }];
const allOn = (t: TicketingSettings): TicketingSettings => ({
  ...t,
  sections: Object.fromEntries(Object.entries(t.sections).map(([id, rules]) => [id, rules.map((r) => ({ ...r, enabled: true }))])),
});
const DAY = 86_400_000;

describe.each(KBH_PSAS)('a Business Hub tenant in maintenance, in %s', (psaKind) => {
  let env: KbhEnv;
  let ledger: Ledger;
  beforeEach(async () => {
    env = await startKbhEnv(psaKind, 'tickets-basic', { tenants, ticketing: allOn });
    ledger = env.ledger();
  });
  afterEach(async () => env.close());

  async function run(extra: Partial<TicketRunOptions> = {}) {
    const c = await env.connect();
    try {
      return await runTickets({ integration: env.integration, platform: c.platform, psa: c.psa, ledger, now: new Date(), dryRun: false, personCheckMs: 0, ...extra });
    } finally {
      await c.close();
    }
  }

  it('holds the statuses and the workspace condition, drops the events; after the window only the conditions get tickets', async () => {
    const w = ledger.addMaintenanceWindow({
      integration: 'demo', tenantId: ALPHA, tenantName: 'Alpha Dental', deviceId: null, deviceName: null,
      startsAt: new Date(Date.now() - 29 * DAY).toISOString(), endsAt: new Date(Date.now() + DAY / 24).toISOString(), reason: 'migration', createdBy: 'alice (test)',
    });
    const during = await run();
    expect(during.totals).toMatchObject({ created: 0, errors: 0 });
    expect(during.maintenance).toEqual([expect.objectContaining({ windowId: w.id, conditions: 5, events: 6 })]);
    expect(env.psa.tickets()).toEqual([]);

    const after = await run({ now: new Date(Date.parse(w.endsAt) + 60_000) });
    expect(after.totals).toMatchObject({ created: 5, errors: 0 });
    expect(after.maintenance).toEqual([]);
    const tags = env.psa.tickets().map((t) => t.tag);
    expect(tags).toHaveLength(5);
    expect(tags.some((t) => t === conditionTicketKey('demo', ALPHA, OFFICE365_SECTION, 'mailbox-protection-not-provided'))).toBe(true);
    expect(tags.filter((t) => /:ev:|^kmsp-ev-/.test(String(t)))).toEqual([]);
  });
});
