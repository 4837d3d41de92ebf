// A 100,000-record result from each connector's largest list, paged as its vendor pages it: every
// record arrives once (nothing dropped, nothing counted twice) and no page is read twice. The
// records are put in the simulator's state in-process; time is not asserted (the suite runs on
// loaded machines), only that the read completes within the test's timeout.
import { afterEach, describe, expect, it } from 'vitest';
import { createPlatform, createPsa } from '../../source/connectors/factory.js';
import type { Psa, SecurityPlatform } from '../../source/domain/ports.js';
import type { Tenant } from '../../source/domain/types.js';
import { startDemo, type DemoEnvironment } from '../../source/demo/environment.js';
import type { AutotaskSimulator } from '../../source/simulators/autotask/index.js';
import type { ConnectWiseSimulator } from '../../source/simulators/connectwise/index.js';
import type { KbhSimulator } from '../../source/simulators/kbh/index.js';
import type { KscSimulator } from '../../source/simulators/ksc/index.js';
import { DEMO_DEFAULT, SIMULATED_PLATFORM_KINDS, SIMULATED_PSA_KINDS, type SimulatedPlatformKind, type SimulatedPsaKind } from '../../source/simulators/registry.js';
import type { SimServer } from '../../source/simulators/server.js';
import type { TigerpawSimulator } from '../../source/simulators/tigerpaw/index.js';
import { resolvePaths } from '../../source/store/paths.js';
import { openSecretStore } from '../../source/store/secrets.js';
import { recordLists } from './hostile-harness.js';

const N = 100_000;
const bulkId = (i: number) => `bulk-${String(i).padStart(6, '0')}`;

/** Each PSA's largest list: N records added to the state, and the read that lists them (their ids). */
const PSA_BULK: { readonly [K in SimulatedPsaKind]: { grow(sim: SimServer): Set<string>; read(psa: Psa): Promise<Array<{ id: string }>> } } = {
  autotask: {
    grow: (sim) => {
      const table = (sim as AutotaskSimulator).state.companies;
      const model = table[0]!;
      const ids = new Set<string>();
      for (let i = 0; i < N; i++) {
        const id = 50_000_000 + i;
        table.push({ ...model, id, companyName: bulkId(i) });
        ids.add(String(id));
      }
      return ids;
    },
    read: (psa) => psa.listAccounts(),
  },
  connectwise: {
    grow: (sim) => {
      const table = (sim as ConnectWiseSimulator).state.companies;
      const model = table[0]!;
      const ids = new Set<string>();
      for (let i = 0; i < N; i++) {
        const id = 50_000_000 + i;
        table.push({ ...structuredClone(model), id, identifier: `Bulk${i}`, name: bulkId(i) });
        ids.add(String(id));
      }
      return ids;
    },
    read: (psa) => psa.listAccounts(),
  },
  // Its accounts carry custom fields read one account at a time: the price book is its largest paged list.
  tigerpaw: {
    grow: (sim) => {
      const table = (sim as TigerpawSimulator).state.priceBookItems;
      const model = table[0]!;
      const ids = new Set<string>();
      for (let i = 0; i < N; i++) {
        table.push({ ...structuredClone(model), PriceBookItemNumber: 50_000_000 + i, ItemId: bulkId(i) });
        ids.add(bulkId(i));
      }
      return ids;
    },
    read: (psa) => psa.listBillingItems(),
  },
};

/** Each platform's largest list: N devices of one tenant. */
const PLATFORM_BULK: { readonly [K in SimulatedPlatformKind]: (sim: SimServer, tenantId: string) => Set<string> } = {
  ksc: (sim, tenantId) => {
    const server = (sim as KscSimulator).state.servers.get(tenantId)!;
    const model = [...server.devices.values()][0]!;
    const ids = new Set<string>();
    for (let i = 0; i < N; i++) {
      const hostname = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      server.devices.set(hostname, { ...model, hostname, dn: bulkId(i) });
      ids.add(hostname);
    }
    return ids;
  },
  kbh: (sim, tenantId) => {
    const kbh = sim as KbhSimulator;
    const workspaces = new Set(kbh.state.workspaces.filter((w) => w.companyId === tenantId).map((w) => w.id));
    const model = kbh.state.devices.find((d) => workspaces.has(d.workspaceId))!;
    const ids = new Set<string>();
    for (let i = 0; i < N; i++) {
      kbh.state.devices.push({ ...model, id: bulkId(i), name: bulkId(i), reasons: [] });
      ids.add(bulkId(i));
    }
    return ids;
  },
};

/** Counts the answers that carry a page of records, by request: none may be asked for twice. */
function watchPages(sim: SimServer): Map<string, number> {
  const pages = new Map<string, number>();
  sim.rewrite((req, body) => {
    if (recordLists(body).some((l) => l.length >= 10)) {
      const key = `${req.method} ${req.path}?${req.query.toString()} ${req.rawBody}`;
      pages.set(key, (pages.get(key) ?? 0) + 1);
    }
    return body;
  });
  return pages;
}

let demo: DemoEnvironment<SimulatedPsaKind, SimulatedPlatformKind> | null = null;
afterEach(async () => {
  await demo?.close();
  demo = null;
});

async function open(kinds: { psa?: SimulatedPsaKind; platform?: SimulatedPlatformKind }) {
  demo = (await startDemo(kinds)) as unknown as DemoEnvironment<SimulatedPsaKind, SimulatedPlatformKind>;
  const integration = demo.config.integrations[0]!;
  const secrets = openSecretStore({ paths: resolvePaths({ configDir: demo.configDir }), backends: ['file'] });
  return { integration, lookup: (n: string) => secrets.get(n) };
}

function expectEveryOnce(got: Array<{ id: string }>, wanted: Set<string>, before: number, pages: Map<string, number>): void {
  const ids = got.map((r) => r.id);
  expect(new Set(ids).size, 'no record twice').toBe(ids.length);
  expect(ids.length, 'nothing dropped').toBe(before + N);
  expect(ids.filter((id) => wanted.has(id)).length).toBe(N);
  expect([...pages.values()].filter((n) => n > 1), 'no page read twice').toEqual([]);
  expect(pages.size, 'paged, not in one answer').toBeGreaterThan(10);
}

describe.each(SIMULATED_PSA_KINDS.map((k) => [k] as const))('100,000 records: %s', (psa) => {
  it('every record once, each page once', async () => {
    const { integration, lookup } = await open({ psa });
    const connector = await createPsa(integration, lookup);
    try {
      const before = (await PSA_BULK[psa].read(connector)).length;
      const wanted = PSA_BULK[psa].grow(demo!.psa as unknown as SimServer);
      const pages = watchPages(demo!.psa as unknown as SimServer);
      expectEveryOnce(await PSA_BULK[psa].read(connector), wanted, before, pages);
    } finally {
      await connector.close();
    }
  }, 900_000);
});

describe.each(SIMULATED_PLATFORM_KINDS.map((k) => [k] as const))('100,000 devices: %s', (platform) => {
  it('every device once, each page once', async () => {
    const { integration, lookup } = await open({ platform, psa: DEMO_DEFAULT.psa });
    const connector: SecurityPlatform = await createPlatform(integration, lookup);
    try {
      const tenant: Tenant = (await connector.listTenants()).find((t) => t.enabled)!;
      const before = (await connector.listDevices(tenant)).length;
      const wanted = PLATFORM_BULK[platform](demo!.platform as unknown as SimServer, tenant.id);
      const pages = watchPages(demo!.platform as unknown as SimServer);
      expectEveryOnce(await connector.listDevices(tenant), wanted, before, pages);
    } finally {
      await connector.close();
    }
  }, 900_000);
});
