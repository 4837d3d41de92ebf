// Billing tests run over the real simulators on loopback (startDemo), never mocks.
import path from 'node:path';
import { createPlatform, createPsa } from '../../source/connectors/factory.js';
import type { BillingSettings, Integration, KmspConfig, TenantMapping } from '../../source/domain/config.js';
import type { Psa, SecurityPlatform } from '../../source/domain/ports.js';
import { startDemo, type DemoEnvironment } from '../../source/demo/environment.js';
import { openConfig } from '../../source/store/config.js';
import { openLedger, type Ledger } from '../../source/store/ledger.js';
import { resolvePaths, type KmspPaths } from '../../source/store/paths.js';
import { openSecretStore } from '../../source/store/secrets.js';
import { repoRoot } from '../helpers/cli.js';

export interface BillingEnv {
  demo: DemoEnvironment;
  paths: KmspPaths;
  config: KmspConfig;
  integration: Integration;
  connect(): Promise<{ platform: SecurityPlatform; psa: Psa; close(): Promise<void> }>;
  ledger(): Ledger;
  close(): Promise<void>;
}

/** A dataset of fixtures/ by name, or a folder of a test's own (an absolute path). */
export const fixtureDir = (name: string) => (path.isAbsolute(name) ? name : path.join(repoRoot, 'fixtures', name));

export async function startBillingEnv(fixture: string, setup: { tenants: TenantMapping[]; billing: BillingSettings; timeZone?: string }): Promise<BillingEnv> {
  const demo = await startDemo({ fixturesDir: fixtureDir(fixture) });
  const paths = resolvePaths({ configDir: demo.configDir });
  const store = openConfig({ paths });
  const config = store.load();
  const integration = { ...config.integrations[0]!, tenants: setup.tenants, billing: setup.billing };
  const saved: KmspConfig = { ...config, integrations: [integration], agent: { ...config.agent, ...(setup.timeZone ? { timeZone: setup.timeZone } : {}) } };
  store.save(saved, { actor: 'billing test' });
  const ledgers: Ledger[] = [];
  const secrets = openSecretStore({ paths, backends: ['file'] });
  return {
    demo,
    paths,
    config: saved,
    integration,
    async connect() {
      const lookup = (n: string) => secrets.get(n);
      const [platform, psa] = await Promise.all([createPlatform(integration, lookup), createPsa(integration, lookup)]);
      return { platform, psa, close: async () => void (await Promise.all([platform.close(), psa.close()])) };
    },
    ledger() {
      const l = openLedger({ paths });
      ledgers.push(l);
      return l;
    },
    async close() {
      for (const l of ledgers) l.close();
      await demo.close();
    },
  };
}

/** The adjustments the Autotask simulator holds, as [contractID, serviceID, unitChange]. */
export function adjustments(env: BillingEnv): Array<[number, number, number]> {
  return env.demo.autotask.state.adjustments.map((a) => [Number(a.contractID), Number(a.serviceID), Number(a.unitChange)]);
}

/** Units of the period containing `date` (YYYY-MM-DD) per contract and service. */
export function unitsOn(env: BillingEnv, date: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const u of env.demo.autotask.state.units) {
    const start = String(u.startDate).slice(0, 10);
    const end = String(u.endDate).slice(0, 10);
    if (start <= date && date <= end) out.set(`${u.contractID}/${u.serviceID}`, Number(u.units));
  }
  return out;
}

export function posts(env: BillingEnv): number {
  return env.demo.autotask.requests.filter((r) => r.method !== 'GET' && !/\/query|\/_sim\//i.test(r.path)).length;
}
