// Every platform connector of the registry against hostile answers of its simulator
// (hostile-harness.ts): each read billing and tickets make — tenants, applications, devices and
// their statuses, license usage, events, conditions — with one field of one record of one answer
// set to each hostile value, then to arbitrary JSON (fast-check, fixed seed). Each yields a clear
// KmspError, or a sound result in which a record left out was told to onWarning.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform } from '../../source/connectors/factory.js';
import type { Integration } from '../../source/domain/config.js';
import type { SecurityPlatform } from '../../source/domain/ports.js';
import type { Tenant } from '../../source/domain/types.js';
import { startDemo, type DemoEnvironment } from '../../source/demo/environment.js';
import { SIMULATED_PLATFORM_KINDS, type SimulatedPlatformKind } from '../../source/simulators/registry.js';
import type { SimServer } from '../../source/simulators/server.js';
import { resolvePaths } from '../../source/store/paths.js';
import { openSecretStore } from '../../source/store/secrets.js';
import { duplicateAndPropertyTests, eachField, measurePaths, SWEEP_VALUES, type HostileRun, type MeasuredPath, type ReadPath } from './hostile-harness.js';

/**
 * Records a read leaves out on purpose, by the wire field that was changed (what the drop message
 * says): these are not lost, they are not what the read asks for.
 */
const NOT_ASKED_FOR: ReadonlyArray<{ read: string; field: RegExp; why: string }> = [
  {
    read: 'licenseUsage',
    field: /ChunkAccessor\.GetItemsChunk: KLHST_WKS_HOSTNAME = "[^"]/,
    why: 'a key used by a host that is not among the tenant\'s hosts is another tenant\'s (KSC: a key shared across virtual servers): not this tenant\'s usage',
  },
];

/**
 * Reads whose users collapse records by id, so that a record the vendor sends twice is counted
 * once without the connector's help: the planner and countUsage key devices, keys and tenants by
 * id; the ticket engine events by id; look-ups take the record of an id. Elsewhere (the tenant
 * list, which the Accounts tab shows row by row) a duplicate must not be passed on without a word.
 */
const COLLAPSED_BY_ID = new Set(['listDevices', 'licenseUsage', 'eventsSince', 'conditions', 'listApplications']);

function allowedDrop(what: string): void {
  const read = what.slice(0, what.indexOf(','));
  expect(NOT_ASKED_FOR.some((n) => n.read === read && n.field.test(what)), `${what}: a record was left out without a word`).toBe(true);
}

describe.each(SIMULATED_PLATFORM_KINDS.map((k) => [k] as const))('hostile answers: %s', (kind: SimulatedPlatformKind) => {
  let demo: DemoEnvironment;
  let integration: Integration;
  let run: HostileRun<SecurityPlatform>;
  const paths: Array<MeasuredPath<SecurityPlatform>> = [];

  beforeAll(async () => {
    demo = (await startDemo({ platform: kind })) as unknown as DemoEnvironment;
    integration = demo.config.integrations[0]!;
    const secrets = openSecretStore({ paths: resolvePaths({ configDir: demo.configDir }), backends: ['file'] });
    const sim = demo.platform as unknown as SimServer;
    run = {
      sim,
      async open() {
        const warnings: string[] = [];
        const connector = await createPlatform(integration, (n) => secrets.get(n), { http: { backoffBaseMs: 1, backoffMaxMs: 2 }, onWarning: (m) => warnings.push(m) });
        return { connector, warnings, close: () => connector.close() };
      },
    };
    const { connector, close } = await run.open();
    let tenant: Tenant;
    try {
      // The tenant with the most devices: its answers have records in every list.
      const tenants = await connector.listTenants();
      const sized = await Promise.all(tenants.filter((t) => t.enabled).slice(0, 6).map(async (t) => ({ t, n: (await connector.listDevices(t)).length })));
      tenant = sized.sort((a, b) => b.n - a.n)[0]!.t;
    } finally {
      await close();
    }
    const all: Array<ReadPath<SecurityPlatform>> = [
      { name: 'listTenants', read: (p) => p.listTenants() },
      { name: 'listApplications', read: (p) => p.listApplications() },
      { name: 'listDevices', read: (p) => p.listDevices(tenant) },
      { name: 'licenseUsage', read: (p) => p.licenseUsage(tenant) },
      { name: 'eventsSince', read: (p) => p.eventsSince(tenant, null, { initialWindowDays: 30 }) },
      { name: 'conditions', read: (p) => (p.conditions ? p.conditions(tenant) : Promise.resolve([])) },
    ];
    paths.push(...(await measurePaths(run, all)));
  }, 120_000);

  afterAll(async () => {
    await demo?.close();
  });

  it('every read meets each hostile value in each field of a record', async () => {
    let changed = 0;
    // Every case is run and every failure said at once.
    const failures: string[] = [];
    for (const path of paths) {
      // The first two answers with records (KSC: the directory, then the read's first page).
      for (let nth = 0; nth < Math.min(path.answers, 2); nth++) {
        for (const [, value] of SWEEP_VALUES) {
          changed += await eachField(run, path, nth, value, allowedDrop, failures);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(changed).toBeGreaterThan(paths.length);
  }, 900_000);

  duplicateAndPropertyTests(() => run, paths, { collapsedById: COLLAPSED_BY_ID, dropped: allowedDrop, bounds: { nth: 20, list: 3, record: 50 } });
});
