// Maintenance windows in the ticket job over the KSC and ConnectWise Manage simulators (README ›
// Maintenance windows): the same hold and release as over Autotask, on a PSA whose statuses
// belong to a board.
import { beforeEach, describe, expect, it } from 'vitest';
import { useConnectWiseEnv } from '../helpers/connectwise-env.js';
import type { ConnectWisePsa } from '../../source/connectors/connectwise/index.js';
import type { Integration } from '../../source/domain/config.js';
import { newIntegration } from '../../source/domain/defaults.js';
import type { SecurityPlatform } from '../../source/domain/ports.js';
import { platformProfile, psaProfile } from '../../source/domain/profiles/index.js';
import { statusTicketKey } from '../../source/domain/ticketKeys.js';
import { defaultTicketing } from '../../source/domain/ticketSchema.js';
import type { ConnectWiseSimulator } from '../../source/simulators/connectwise/index.js';
import type { KscSimulator } from '../../source/simulators/ksc/index.js';
import { runTickets, type TicketRunResult } from '../../source/tickets/run.js';
import type { Ledger } from '../../source/store/ledger.js';
import { ALPHA, ALPHA_ACCOUNT, WS1 } from './helpers.js';

const DB = 7; // KLHST_WKS_STATUS_MASK bit: databases out of date
const SECURITY_OPS = { value: '3', label: 'Security Operations' };
const KEY = statusTicketKey('demo', ALPHA, WS1, 'databases-outdated', 'critical');
const HOUR = 3_600_000;

const env = useConnectWiseEnv('tickets-basic');
let ksc: KscSimulator;
let cw: ConnectWiseSimulator;
let ledger: Ledger;
let platform: SecurityPlatform;
let psa: ConnectWisePsa;

beforeEach(() => {
  ({ ksc, cw, ledger, platform, psa } = env.current);
});

async function integration(): Promise<Integration> {
  const i = newIntegration('demo', env.current.kscConnection, env.current.cwConnection);
  i.tenants = [{ tenantId: ALPHA, tenantName: 'Alpha Dental', accountId: ALPHA_ACCOUNT, accountName: 'Alpha Dental', billing: false, contractId: null, contractName: null }];
  i.ticketing = defaultTicketing(platformProfile('ksc'), psaProfile('connectwise'), await psa.ticketPicklists());
  const row = i.ticketing.sections.criticalStatus!.find((r) => r.key === 'databases-outdated')!;
  row.enabled = true;
  row.fields.board = SECURITY_OPS;
  i.ticketing.sections.events!.find((r) => r.key === 'critical')!.enabled = true;
  i.ticketing.perScope.push({ scope: SECURITY_OPS, fields: { newStatus: { value: '301', label: 'New' }, closedStatus: { value: '305', label: 'Closed' } } });
  return i;
}

const run = (i: Integration, now = new Date()): Promise<TicketRunResult> => runTickets({ integration: i, platform, psa, ledger, now, dryRun: false, personCheckMs: 0 });

describe('a tenant window (ConnectWise)', () => {
  it('holds the status ticket and drops the event raised inside; after the window the still-active condition gets its ticket', async () => {
    const i = await integration();
    const w = ledger.addMaintenanceWindow({
      integration: 'demo', tenantId: ALPHA, tenantName: 'Alpha Dental', deviceId: null, deviceName: null,
      startsAt: new Date(Date.now() - HOUR).toISOString(), endsAt: new Date(Date.now() + HOUR).toISOString(), reason: 'server move', createdBy: 'alice (test)',
    });
    ksc.setStatusMask(ALPHA, WS1, [DB]);
    ksc.addEvent(ALPHA, { id: 9201, severity: 'critical', type: 'GNRL_EV_VIRUS_FOUND', typeName: 'Malicious object detected', description: 'Trojan', host: WS1, raisedAt: 'now-5m' } as never);
    const during = await run(i);
    expect(during.totals).toMatchObject({ created: 0, errors: 0 });
    expect(during.maintenance).toEqual([expect.objectContaining({ windowId: w.id, conditions: 1, events: 1, reason: 'server move' })]);
    expect(cw.state.tickets.filter((t) => t.externalXRef)).toEqual([]);

    const released = await run(i, new Date(Date.parse(w.endsAt) + 60_000));
    expect(released.totals).toMatchObject({ created: 1, errors: 0 });
    expect(cw.state.tickets.filter((t) => t.externalXRef === KEY)).toHaveLength(1);
    expect(ledger.handledEvent('demo', ALPHA, '9201')).toMatchObject({ outcome: 'skipped', detail: expect.stringContaining('maintenance') });
  });
});
