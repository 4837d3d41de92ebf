// Per-customer routing overrides end to end (README › Routing overrides), over the KSC simulator
// and two PSA simulators: an override sends one tenant's tickets to another queue (Autotask) or
// board (ConnectWise, with that board's statuses), a row switched off for one tenant makes no
// ticket for that tenant only, and a ticket already open keeps its queue.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Integration, TicketOverride } from '../../source/domain/config.js';
import { newIntegration } from '../../source/domain/defaults.js';
import { platformProfile, psaProfile } from '../../source/domain/profiles/index.js';
import { statusTicketKey } from '../../source/domain/ticketKeys.js';
import { defaultTicketing, ticketingProblems } from '../../source/domain/ticketSchema.js';
import { runTickets } from '../../source/tickets/run.js';
import { useConnectWiseEnv } from '../helpers/connectwise-env.js';
import { ALPHA, ALPHA_ACCOUNT, BETA, BETA_WS, QUEUE, SECURITY_QUEUE, startTicketEnv, WS1, type TicketEnv } from './helpers.js';

const DB = 7; // KLHST_WKS_STATUS_MASK bit: databases out of date
const RTP = 1; // real-time protection not running

function override(o: Partial<TicketOverride> & Pick<TicketOverride, 'tenants' | 'section' | 'key'>): TicketOverride {
  return { enabled: true, fields: {}, dueHours: null, ...o };
}

describe('routing overrides (KSC → Autotask)', () => {
  let env: TicketEnv;
  beforeEach(async () => {
    env = await startTicketEnv();
    // Beta's account is inactive in the fixture: active here, so both tenants make tickets.
    (env.demo.autotask.state.companies as unknown as Array<{ id: number; isActive: boolean }>).find((c) => c.id === 29695002)!.isActive = true;
  });
  afterEach(async () => env.close());

  const queueOf = (tenantId: string, deviceId: string, description: string) => {
    const key = statusTicketKey('demo', tenantId, deviceId, description, 'critical');
    return env.tickets().find((t) => t.externalID === key)?.queueID;
  };

  it("routes one tenant's tickets to another queue and due time; the other tenant keeps the rule's", async () => {
    env.integration.ticketing.overrides = [
      override({ tenants: [{ tenantId: BETA, tenantName: 'Beta Builders' }], section: 'criticalStatus', key: 'databases-outdated', fields: { queue: SECURITY_QUEUE }, dueHours: 48 }),
    ];
    env.demo.ksc.setStatusMask(ALPHA, WS1, [DB]);
    env.demo.ksc.setStatusMask(BETA, BETA_WS, [DB]);
    const r = await env.run(env.ledger(), { now: new Date('2026-12-07T10:00:00Z') });
    expect(r.totals).toMatchObject({ created: 2, errors: 0 });
    expect(Number(queueOf(ALPHA, WS1, 'databases-outdated'))).toBe(Number(QUEUE.value));
    expect(Number(queueOf(BETA, BETA_WS, 'databases-outdated'))).toBe(Number(SECURITY_QUEUE.value));
    const beta = env.tickets().find((t) => t.externalID === statusTicketKey('demo', BETA, BETA_WS, 'databases-outdated', 'critical'))!;
    const alpha = env.tickets().find((t) => t.externalID === statusTicketKey('demo', ALPHA, WS1, 'databases-outdated', 'critical'))!;
    expect(new Date(String(beta.dueDateTime)).toISOString()).toBe('2026-12-09T10:00:00.000Z');
    expect(new Date(String(alpha.dueDateTime)).toISOString()).toBe('2026-12-07T22:00:00.000Z');
  });

  it('a row switched off for one tenant makes no ticket for that tenant only', async () => {
    env.integration.ticketing.overrides = [override({ tenants: [{ tenantId: ALPHA, tenantName: 'Alpha Dental' }], section: 'criticalStatus', key: 'rtp-not-running', enabled: false })];
    env.demo.ksc.setStatusMask(ALPHA, WS1, [RTP]);
    env.demo.ksc.setStatusMask(BETA, BETA_WS, [RTP]);
    const r = await env.run(env.ledger());
    expect(r.totals).toMatchObject({ created: 1, errors: 0 });
    expect(env.tickets().map((t) => t.externalID)).toEqual([statusTicketKey('demo', BETA, BETA_WS, 'rtp-not-running', 'critical')]);
  });

  it('first match wins; a ticket already open keeps its queue, new ones follow the override', async () => {
    const ledger = env.ledger();
    env.demo.ksc.setStatusMask(BETA, BETA_WS, [DB]);
    expect((await env.run(ledger)).totals).toMatchObject({ created: 1 });
    env.integration.ticketing.overrides = [
      override({ tenants: [{ tenantId: BETA, tenantName: 'Beta Builders' }], section: 'criticalStatus', key: 'rtp-not-running', fields: { queue: SECURITY_QUEUE } }),
      override({ tenants: [{ tenantId: BETA, tenantName: 'Beta Builders' }], section: 'criticalStatus', key: 'databases-outdated', fields: { queue: SECURITY_QUEUE } }),
      override({ tenants: [{ tenantId: BETA, tenantName: 'Beta Builders' }], section: 'criticalStatus', key: 'rtp-not-running', enabled: false }),
    ];
    env.demo.ksc.setStatusMask(BETA, BETA_WS, [DB, RTP]);
    const r = await env.run(ledger);
    expect(r.totals).toMatchObject({ created: 1, closed: 0, errors: 0 });
    expect(Number(queueOf(BETA, BETA_WS, 'databases-outdated'))).toBe(Number(QUEUE.value));
    // The first override of the row applies (on, Security Operations), not the later one switching it off.
    expect(Number(queueOf(BETA, BETA_WS, 'rtp-not-running'))).toBe(Number(SECURITY_QUEUE.value));
  });
});

describe('routing overrides (KSC → ConnectWise Manage, statuses per board)', () => {
  const env = useConnectWiseEnv('tickets-basic');
  const MONITORING = { value: '2', label: 'Monitoring Alert' };
  const SECURITY_OPS = { value: '3', label: 'Security Operations' };
  const KEY_ALPHA = statusTicketKey('demo', ALPHA, WS1, 'databases-outdated', 'critical');
  const KEY_BETA = statusTicketKey('demo', BETA, BETA_WS, 'databases-outdated', 'critical');
  const refId = (v: unknown) => (v as { id?: number } | undefined)?.id;

  async function integration(overrides: TicketOverride[]): Promise<Integration> {
    const { psa, cw } = env.current;
    // Beta's company is inactive in the fixture: active here, so both tenants make tickets.
    (cw.state.companies as unknown as Array<{ id: number; status: { id: number } }>).find((c) => c.id === 29695002)!.status = { id: 1 };
    const i = newIntegration('demo', env.current.kscConnection, env.current.cwConnection);
    i.tenants = [
      { tenantId: ALPHA, tenantName: 'Alpha Dental', accountId: ALPHA_ACCOUNT, accountName: 'Alpha Dental', billing: false, contractId: null, contractName: null },
      { tenantId: BETA, tenantName: 'Beta Builders', accountId: '29695002', accountName: 'Beta Builders', billing: false, contractId: null, contractName: null },
    ];
    i.ticketing = defaultTicketing(platformProfile('ksc'), psaProfile('connectwise'), await psa.ticketPicklists());
    const row = i.ticketing.sections.criticalStatus!.find((r) => r.key === 'databases-outdated')!;
    row.enabled = true;
    row.fields.board = MONITORING;
    i.ticketing.overrides = overrides;
    return i;
  }

  it("an override's board takes that board's New and Closed status; the other tenant keeps the rule's board", async () => {
    const { ksc, cw, ledger, platform, psa } = env.current;
    const i = await integration([override({ tenants: [{ tenantId: BETA, tenantName: 'Beta Builders' }], section: 'criticalStatus', key: 'databases-outdated', fields: { board: SECURITY_OPS } })]);
    const picklists = await psa.ticketPicklists();
    // Security Operations is in use through the override only: its statuses are required, like any board in use.
    expect(ticketingProblems(i.ticketing, platformProfile('ksc'), psaProfile('connectwise'), picklists).map((p) => p.message)).toEqual([
      'Board “Security Operations” is used by enabled rows but has no New status: choose one under General.',
      'Board “Security Operations” is used by enabled rows but has no Closed status: choose one under General.',
    ]);
    i.ticketing.perScope.push({ scope: SECURITY_OPS, fields: { newStatus: { value: '301', label: 'New' }, closedStatus: { value: '305', label: 'Closed' } } });
    expect(ticketingProblems(i.ticketing, platformProfile('ksc'), psaProfile('connectwise'), picklists)).toEqual([]);

    ksc.setStatusMask(ALPHA, WS1, [DB]);
    ksc.setStatusMask(BETA, BETA_WS, [DB]);
    const run = () => runTickets({ integration: i, platform, psa, ledger, now: new Date(), dryRun: false, personCheckMs: 0 });
    expect((await run()).totals).toMatchObject({ created: 2, errors: 0 });
    const ticket = (key: string) => cw.state.tickets.find((t) => t.externalXRef === key);
    expect([refId(ticket(KEY_ALPHA)?.board), refId(ticket(KEY_ALPHA)?.status)]).toEqual([2, 201]);
    expect([refId(ticket(KEY_BETA)?.board), refId(ticket(KEY_BETA)?.status)]).toEqual([3, 301]);

    ksc.setStatusMask(BETA, BETA_WS, []);
    expect((await run()).totals).toMatchObject({ closed: 1, errors: 0 });
    expect(refId(ticket(KEY_BETA)?.status)).toBe(305);
  });

  it('an override that changes the board with a type of the old board is refused, naming both', async () => {
    const { psa } = env.current;
    const picklists = await psa.ticketPicklists();
    const type = picklists.types!.find((t) => t.active && t.parentValue === '2')!;
    const i = await integration([
      override({ tenants: [{ tenantId: BETA, tenantName: 'Beta Builders' }], section: 'criticalStatus', key: 'databases-outdated', fields: { board: SECURITY_OPS, type: { value: type.value, label: type.label } } }),
    ]);
    i.ticketing.perScope.push({ scope: SECURITY_OPS, fields: { newStatus: { value: '301', label: 'New' }, closedStatus: { value: '305', label: 'Closed' } } });
    const problems = ticketingProblems(i.ticketing, platformProfile('ksc'), psaProfile('connectwise'), picklists);
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      ['overrides[0].fields.type', `Override 1 (for Beta Builders), Critical status › Databases are out of date: Type “${type.label}” does not belong to Board “Security Operations”; choose one of its type values.`],
    ]);
  });

  it('a row switched off for one tenant makes no ticket for that tenant only', async () => {
    const { ksc, cw, ledger, platform, psa } = env.current;
    const i = await integration([override({ tenants: [{ tenantId: ALPHA, tenantName: 'Alpha Dental' }], section: 'criticalStatus', key: 'databases-outdated', enabled: false })]);
    ksc.setStatusMask(ALPHA, WS1, [DB]);
    ksc.setStatusMask(BETA, BETA_WS, [DB]);
    const r = await runTickets({ integration: i, platform, psa, ledger, now: new Date(), dryRun: false, personCheckMs: 0 });
    expect(r.totals).toMatchObject({ created: 1, errors: 0 });
    expect(cw.state.tickets.filter((t) => t.externalXRef === KEY_ALPHA || t.externalXRef === KEY_BETA).map((t) => t.externalXRef)).toEqual([KEY_BETA]);
  });
});
