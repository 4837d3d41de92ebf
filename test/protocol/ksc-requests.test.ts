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
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../source/billing/context.js';
import { runBilling } from '../../source/billing/run.js';
import type { Integration, KmspConfig, TenantMapping } from '../../source/domain/config.js';
import { startDemo, type DemoEnvironment } from '../../source/demo/environment.js';
import { openConfig } from '../../source/store/config.js';
import { openLedger } from '../../source/store/ledger.js';
import { resolvePaths } from '../../source/store/paths.js';
import { runTickets } from '../../source/tickets/run.js';
import { MAPPED } from '../billing/demoMapping.js';
import { countBilling, writeCountDataset } from '../helpers/count-dataset.js';

const TENANTS = 6;
const DEVICES = 120;
/** Requests by KSC method, from the simulator's log. */
function byMethod(demo: DemoEnvironment): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of demo.ksc.requests) {
    const method = r.path.replace(/^\/api\/v1\.0\//, '');
    out[method] = (out[method] ?? 0) + 1;
  }
  return out;
}

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
    tenants = writeCountDataset(dir, { tenants: TENANTS, devices: DEVICES, servers: 10, keyCapacity: 500, units: () => ({ workstations: 0, servers: 0 }) });
    demo = await startDemo({ fixturesDir: dir });
  });
  afterAll(async () => {
    await demo?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a run reads each tenant in 11 requests with a new connector, 9 with the connector of the run before', async () => {
    const integration = integrationWith(demo, { tenants, billing: countBilling });
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
