// How many requests the KSC Administration Server gets per tenant — it is the MSP's own production
// server — for a billing run and for a ticket poll with nothing new, counted by the simulator
// (deterministic), so that a change which spends more fails here. Per tenant and run:
//
// billing: EnumKeys + GetNextItems + ReleaseIterator (keys, read once for the applications and the
// usage), FindHosts + GetItemsChunk + Release (hosts, read once for the devices and the usage; the
// count comes with FindHosts), AcquireKeyHosts + GetNextItems + ReleaseIterator per key; a new
// connector signs in to each virtual server first (StartSession + GetStaticInfo).
// idle poll: CreateEventProcessing2 + GetRecordCount + ReleaseIterator (the count says nothing
// arrived, so the lookback window is not read again) and FindHosts + GetItemsChunk + Release; the
// session and the groups' status masks are reused from the poll before.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../source/billing/context.js';
import { runBilling } from '../../source/billing/run.js';
import type { BillingSettings, Integration, KmspConfig, TenantMapping } from '../../source/domain/config.js';
import { startDemo, type DemoEnvironment } from '../../source/demo/environment.js';
import { fixturesPath } from '../../source/simulators/server.js';
import { openConfig } from '../../source/store/config.js';
import { openLedger } from '../../source/store/ledger.js';
import { resolvePaths } from '../../source/store/paths.js';
import { runTickets } from '../../source/tickets/run.js';
import { MAPPED } from '../billing/demoMapping.js';

const TENANTS = 6;
const DEVICES = 120;
const APP = 'Kaspersky Endpoint Security for Business Select';
const WS = 29690601;
const SRV = 29690602;

/** Requests by KSC method, from the simulator's log. */
function byMethod(demo: DemoEnvironment): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of demo.ksc.requests) {
    const method = r.path.replace(/^\/api\/v1\.0\//, '');
    out[method] = (out[method] ?? 0) + 1;
  }
  return out;
}

/** T virtual servers of DEVICES hosts each, every host on the tenant's one key; an Autotask contract per tenant. */
function writeFixture(dir: string): TenantMapping[] {
  const autotask = JSON.parse(readFileSync(path.join(fixturesPath('demo'), 'autotask.json'), 'utf8')) as Record<string, unknown>;
  const vservers = [];
  const companies = [];
  const contracts = [];
  const tenants: TenantMapping[] = [];
  for (let t = 0; t < TENANTS; t++) {
    const devices = Array.from({ length: DEVICES }, (_, d) => ({
      hostname: `${t.toString(16).padStart(8, '0')}-0000-4000-8000-${d.toString(16).padStart(12, '0')}`,
      dn: `T${t}-D${d}`,
      osName: d < 10 ? 'Microsoft Windows Server 2022' : 'Microsoft Windows 11 Pro',
      ctype: d < 10 ? 36871 : 4097,
    }));
    vservers.push({
      uid: `vs-count-${t}`,
      dn: `Count Tenant ${t}`,
      enabled: true,
      devices,
      keys: [{ serial: `COUNT-${t}`, productName: APP, type: 'commercial', capacity: 500, expiry: 'now+200d', current: devices.map((d) => d.hostname) }],
    });
    companies.push({ id: 40_000_000 + t, companyName: `Count Account ${t}`, companyType: 1, isActive: true });
    contracts.push({ id: 41_000_000 + t, companyID: 40_000_000 + t, contractName: `Count ${t}`, contractType: 7, status: 1, startDate: 'startOfYear', endDate: 'startOfYear+1y-1d' });
    tenants.push({ tenantId: `vs-count-${t}`, tenantName: `Count Tenant ${t}`, accountId: String(40_000_000 + t), accountName: `Count Account ${t}`, billing: true, contractId: String(41_000_000 + t), contractName: `Count ${t}` });
  }
  writeFileSync(path.join(dir, 'ksc.json'), JSON.stringify({ users: [{ username: 'kmsp-demo', password: 'demo-ksc-password', internal: true }], vservers }));
  writeFileSync(
    path.join(dir, 'autotask.json'),
    JSON.stringify({
      ...autotask,
      companies,
      contracts,
      services: [
        { id: WS, name: 'Select – Workstation', unitPrice: 3, unitCost: 1, periodType: 1, billingCodeID: 29682810, isActive: true },
        { id: SRV, name: 'Select – Server', unitPrice: 7, unitCost: 3, periodType: 1, billingCodeID: 29682810, isActive: true },
      ],
      contractServices: tenants.flatMap((_, t) => [
        { contractID: 41_000_000 + t, serviceID: WS, units: 0 },
        { contractID: 41_000_000 + t, serviceID: SRV, units: 0 },
      ]),
      tickets: [],
      ticketNotes: [],
    }),
  );
  return tenants;
}

const billing: BillingSettings = {
  byCategory: true,
  applications: [{ applicationId: APP, applicationName: APP, single: null, workstation: { value: String(WS), label: 'WS' }, server: { value: String(SRV), label: 'SRV' }, nonWindows: null }],
};

function integrationWith(demo: DemoEnvironment, change: Partial<Integration>): Integration {
  const paths = resolvePaths({ configDir: demo.configDir });
  const store = openConfig({ paths });
  const loaded = store.load();
  const integration = { ...loaded.integrations[0]!, ...change };
  store.save({ ...loaded, integrations: [integration] } as KmspConfig, { actor: 'request counts' });
  return integration;
}

describe('KSC requests per tenant: billing', () => {
  let dir: string;
  let demo: DemoEnvironment;
  let tenants: TenantMapping[];
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kmsp-ksc-requests-'));
    tenants = writeFixture(dir);
    demo = await startDemo({ fixturesDir: dir });
  });
  afterAll(async () => {
    await demo?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a run reads each tenant in 11 requests with a new connector, 9 with the connector of the run before', async () => {
    const integration = integrationWith(demo, { tenants, billing });
    const paths = resolvePaths({ configDir: demo.configDir });
    const c = await connect(paths, integration);
    try {
      demo.ksc.clearRequests();
      const first = await runBilling({ integration, platform: c.platform, psa: c.psa, ledger: null, now: new Date(), timeZone: 'UTC', dryRun: true });
      expect(first.plan.contracts.filter((p) => p.error)).toEqual([]);
      // Every contract is billed from what was read: 110 workstations and 10 servers.
      expect(first.plan.contracts.map((p) => p.lines.map((l) => l.after).sort((a, b) => a - b))).toEqual(tenants.map(() => [10, 110]));
      const T = TENANTS;
      expect(byMethod(demo)).toEqual({
        'VServers.GetVServers': 1, // listTenants and listApplications, asked at once, share it
        'Session.StartSession': T + 1, // each virtual server, and the main server
        'HostGroup.GetStaticInfo': T, // each new session checked to be on its virtual server
        'LicenseKeys.EnumKeys': T,
        'HostGroup.FindHosts': T,
        'ChunkAccessor.GetItemsChunk': T,
        'ChunkAccessor.Release': T,
        'LicenseKeys.AcquireKeyHosts': T,
        'GroupSyncIterator.GetNextItems': 2 * T,
        'GroupSyncIterator.ReleaseIterator': 2 * T,
      });
      expect(demo.ksc.requests.length).toBe(11 * T + 2);
      // Every result set was released.
      expect(demo.ksc.runtime.iterators.size).toBe(0);

      demo.ksc.clearRequests();
      await runBilling({ integration, platform: c.platform, psa: c.psa, ledger: null, now: new Date(), timeZone: 'UTC', dryRun: true });
      expect(byMethod(demo)['Session.StartSession']).toBeUndefined();
      expect(demo.ksc.requests.length).toBe(9 * T + 1);
    } finally {
      await c.close();
    }
  });
});

describe('KSC requests per tenant: a ticket poll with nothing new', () => {
  let demo: DemoEnvironment;
  beforeAll(async () => {
    demo = await startDemo();
  });
  afterAll(async () => demo?.close());

  it('reads each mapped tenant in 6 requests once its session and group settings are known', async () => {
    const integration = integrationWith(demo, { tenants: MAPPED });
    const paths = resolvePaths({ configDir: demo.configDir });
    const ledger = openLedger({ paths });
    const c = await connect(paths, integration);
    try {
      const run = () => runTickets({ integration, platform: c.platform, psa: c.psa, ledger, now: new Date(), dryRun: false, personCheckMs: 0 });
      expect((await run()).totals.errors).toBe(0);
      demo.ksc.clearRequests();
      const idle = await run();
      expect(idle.totals).toMatchObject({ created: 0, errors: 0 });
      const T = MAPPED.length;
      expect(byMethod(demo)).toEqual({
        'VServers.GetVServers': 1,
        'EventProcessingFactory.CreateEventProcessing2': T,
        // The count matches what the last poll left in the cursor: the window is not read again.
        'EventProcessing.GetRecordCount': T,
        'EventProcessing.ReleaseIterator': T,
        'HostGroup.FindHosts': T,
        'ChunkAccessor.GetItemsChunk': T,
        'ChunkAccessor.Release': T,
      });
      expect(demo.ksc.requests.length).toBe(6 * T + 1);
      expect(demo.ksc.runtime.iterators.size).toBe(0);
    } finally {
      await c.close();
      ledger.close();
    }
  });
});
