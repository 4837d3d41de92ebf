// One PSA × platform scenario for a chaos run: the built-in demo's simulators (startDemo) with an
// integration set up as an admin would in the console (demo/adminSetup.ts: mapped, billed, every
// ticket rule on), so that a billing pass makes real postings and a ticket pass real tickets.
// Everything is read through kmsp's own connectors from fault-free simulators before any fault
// plan is set; which vendor runs comes from the registries.
import { setUpAsAdmin } from '../demo/adminSetup.js';
import { calendarDate } from '../domain/dates.js';
import type { Integration, KmspConfig } from '../domain/config.js';
import { startDemo, type DemoEnvironment } from '../demo/environment.js';
import { psaSimulator, type SimulatedPlatformKind, type SimulatedPsaKind } from '../simulators/registry.js';
import type { SimServer } from '../simulators/server.js';
import type { PsaSnapshot } from '../simulators/snapshot.js';
import { resolvePaths, type KmspPaths } from '../store/paths.js';

export interface Pair {
  psa: SimulatedPsaKind;
  platform: SimulatedPlatformKind;
}

export interface ScenarioOptions {
  /** Map at most this many tenants (the first the suggestions match); default every one. */
  tenants?: number;
  /** Datasets by simulator file name; default the built-in demo's (its story names the services billed). */
  fixturesDir?: string;
}

export interface Scenario {
  readonly pair: Pair;
  readonly paths: KmspPaths;
  readonly config: KmspConfig;
  readonly integration: Integration;
  /** Platform first, then the PSA. */
  readonly simulators: readonly [SimServer, SimServer];
  /** What the PSA holds now, with the quantities in force today in the agent's time zone. */
  snapshot(): PsaSnapshot;
  close(): Promise<void>;
}

export async function startScenario(pair: Pair, options: ScenarioOptions = {}): Promise<Scenario> {
  const demo = (await startDemo({ psa: pair.psa, platform: pair.platform, ...(options.fixturesDir ? { fixturesDir: options.fixturesDir } : {}) })) as unknown as DemoEnvironment<SimulatedPsaKind, SimulatedPlatformKind>;
  try {
    const paths = resolvePaths({ configDir: demo.configDir });
    const { config, integration } = await setUpAsAdmin(paths, { actor: 'chaos scenario', ...(options.tenants !== undefined ? { tenants: options.tenants } : {}) });
    const psaEntry = psaSimulator(pair.psa as string);
    const psaSim = demo.psa as SimServer;
    return {
      pair,
      paths,
      config,
      integration,
      simulators: [demo.platform as SimServer, psaSim],
      snapshot: () => psaEntry.snapshot(psaSim, calendarDate(new Date(), config.agent.timeZone)),
      close: () => demo.close(),
    };
  } catch (error) {
    await demo.close();
    throw error;
  }
}
