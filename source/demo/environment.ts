// The built-in demo: a simulated security platform and a simulated PSA on loopback, seeded from a
// fixtures folder, plus a ready configuration and its secrets in a directory of their own, so the
// console, the agent, doctor and tests run with no vendor account. Which vendors are simulated,
// and how kmsp is pointed at them, comes from the simulators' registry (simulators/registry.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { platformVendor, psaVendor } from '../connectors/registry.js';
import type { ApprovalSettings, KmspConfig } from '../domain/config.js';
import { defaultConfig, defaultTicketing, newIntegration } from '../domain/defaults.js';
import { KmspError } from '../domain/errors.js';
import { platformSecrets, psaSecrets, type SecretSpec } from '../domain/secretNames.js';
import {
  DEMO_DEFAULT,
  platformSimulator,
  psaSimulator,
  type PlatformSimulatorEntry,
  type PlatformSimulatorOf,
  type PsaSimulatorEntry,
  type PsaSimulatorOf,
  type SimulatedPlatformKind,
  type SimulatedPsaKind,
} from '../simulators/registry.js';
import type { FaultPlan } from '../simulators/faults.js';
import { planFor, unknownKinds } from '../simulators/faultSpec.js';
import type { SimServer } from '../simulators/server.js';
import { openConfig } from '../store/config.js';
import { resolvePaths } from '../store/paths.js';
import { openSecretStore } from '../store/secrets.js';

export const DEMO_INTEGRATION = 'demo';

type DefaultPsa = typeof DEMO_DEFAULT.psa;
type DefaultPlatform = typeof DEMO_DEFAULT.platform;

export interface DemoOptions<P extends SimulatedPsaKind = DefaultPsa, L extends SimulatedPlatformKind = DefaultPlatform> {
  /** The simulated PSA (default: the registry's DEMO_DEFAULT). */
  psa?: P;
  /** The simulated security platform (default: the registry's DEMO_DEFAULT). */
  platform?: L;
  /** Folder with each simulator's dataset by its file name (default fixtures/demo). */
  fixturesDir?: string;
  /** Where the config and secrets go (default: a new temporary directory, removed on close). */
  configDir?: string;
  /** Append every simulator request (secrets removed) to this JSONL file. */
  recordFile?: string;
  psaPort?: number;
  platformPort?: number;
  /**
   * Add every tenant of the dataset to the integration, unmapped, so the Accounts tab opens on
   * them with their mapping suggestions (what `kmsp demo` shows a newcomer). Tests that
   * exercise the add/remove checklist leave it off.
   */
  withTenants?: boolean;
  /** Seeded random faults on both simulators (simulators/faults.ts); a vendor's own kind goes to its simulator alone. */
  faults?: FaultPlan;
  /**
   * What billing holds for a person (README › Billing approvals). `kmsp demo` passes the default
   * of a new integration; left out, the integration has none and posts every change, as a
   * configuration written before approvals existed (the tests and chaos runs of plain posting).
   */
  approvals?: ApprovalSettings;
  /** Told each step as it begins ("Starting the simulated …"), so a person waiting sees what happens. */
  onStep?: (text: string) => void;
}

/**
 * A running demo. Its simulators are `platform` and `psa`, and each is also reachable under its
 * kind (`demo.ksc`, `demo.autotask`), typed as that vendor's simulator for tests that drive it.
 */
export type DemoEnvironment<P extends SimulatedPsaKind = DefaultPsa, L extends SimulatedPlatformKind = DefaultPlatform> = {
  readonly configDir: string;
  readonly config: KmspConfig;
  readonly psaKind: P;
  readonly platformKind: L;
  readonly psa: PsaSimulatorOf<P>;
  readonly platform: PlatformSimulatorOf<L>;
  /** The vendors' names ("Kaspersky Security Center", "Autotask"). */
  readonly platformName: string;
  readonly psaName: string;
  /** Platform first: each simulator's name, the address kmsp is pointed at, and a note ("TEST-ONLY certificate"). */
  readonly simulators: ReadonlyArray<{ name: string; address: string; note?: string }>;
  close(): Promise<void>;
} & { readonly [K in P]: PsaSimulatorOf<K> } & { readonly [K in L]: PlatformSimulatorOf<K> };

/**
 * The kinds a demo runs, defaults filled in; a kind without a simulator, or without a connector to
 * read it, is a KmspError naming the kinds that have one.
 */
export function demoKinds(wanted: { psa?: string | undefined; platform?: string | undefined }): { psa: SimulatedPsaKind; platform: SimulatedPlatformKind } {
  const psa = psaSimulator(wanted.psa ?? DEMO_DEFAULT.psa).kind as SimulatedPsaKind;
  const platform = platformSimulator(wanted.platform ?? DEMO_DEFAULT.platform).kind as SimulatedPlatformKind;
  psaVendor(psa);
  platformVendor(platform);
  return { psa, platform };
}

export async function startDemo<P extends SimulatedPsaKind = DefaultPsa, L extends SimulatedPlatformKind = DefaultPlatform>(
  options: DemoOptions<P, L> = {},
): Promise<DemoEnvironment<P, L>> {
  // Refused before anything starts: a kind without a simulator, or without a connector to read it.
  const psaKind = (options.psa ?? DEMO_DEFAULT.psa) as P;
  const platformKind = (options.platform ?? DEMO_DEFAULT.platform) as L;
  // The entries as the registry's general types: this code runs the same for every kind.
  const psaSim: PsaSimulatorEntry = psaSimulator(psaKind as string);
  const platformSim: PlatformSimulatorEntry = platformSimulator(platformKind as string);
  const psaConnector = psaVendor(psaKind as string);
  platformVendor(platformKind as string);
  const psaName = psaSim.profile.words.name;
  const platformName = platformSim.profile.words.name;

  const fixturesDir = options.fixturesDir === undefined ? null : path.resolve(options.fixturesDir);
  const dataset = (file: string, builtIn: string) => (fixturesDir ? path.join(fixturesDir, file) : builtIn);
  const ownsDir = !options.configDir;
  const configDir = options.configDir ?? mkdtempSync(path.join(os.tmpdir(), 'kmsp-demo-'));
  const started: SimServer[] = [];
  const step = options.onStep ?? (() => undefined);
  const start = async (entry: PsaSimulatorEntry | PlatformSimulatorEntry, name: string, port: number | undefined): Promise<SimServer> => {
    const fixture = dataset(entry.fixtureFile, entry.demoFixture);
    step(`Starting the simulated ${name} (dataset ${fixture})…`);
    const sim = await entry.start({ fixture, ...(port !== undefined ? { port } : {}), ...(options.recordFile ? { recordFile: options.recordFile } : {}) });
    started.push(sim);
    step(`Simulated ${name} listening on ${entry.address(sim)}`);
    return sim;
  };
  try {
    const platform = await start(platformSim, platformName, options.platformPort);
    const psa = await start(psaSim, psaName, options.psaPort);
    // Checked now, set last: the demo's own setup reads (the ticket picklists) must not meet them.
    const refusal = options.faults ? unknownKinds(options.faults, [platform.faults.kinds(), psa.faults.kinds()]) : null;
    if (refusal) throw refusal;
    const platformAccess = platformSim.connection(platform);
    const psaAccess = psaSim.connection(psa);

    const integration = newIntegration(DEMO_INTEGRATION, platformAccess.connection, psaAccess.connection);
    if (options.approvals) integration.approvals = { ...options.approvals };
    const secretValues = new Map<string, string>();
    const collect = (specs: readonly SecretSpec[], given: Readonly<Record<string, string>>, name: string) => {
      for (const spec of specs) {
        const value = given[spec.part];
        // An optional secret (a one-time-code key the demo account does not need) may be left out.
        if (!value && spec.optional) continue;
        if (!value) {
          throw new KmspError(`The simulated ${name} gives no value for the ${spec.label}`, { kind: 'internal', remedy: 'Report this as a bug in kmsp (simulators/registry.ts).' });
        }
        secretValues.set(spec.name, value);
      }
    };
    collect(platformSecrets(integration), platformAccess.secrets, platformName);
    collect(psaSecrets(integration), psaAccess.secrets, psaName);
    // Resolve the ticketing defaults against the live (simulated) picklists, as the console does
    // when an integration is created.
    step(`Reading the ticket settings (${psaSim.profile.words.ticketContainer}s, statuses, priorities) from the simulated ${psaName}…`);
    const connector = await psaConnector.connect(integration, async (name) => secretValues.get(name) ?? null);
    try {
      integration.ticketing = defaultTicketing(platformSim.profile, psaSim.profile, await connector.ticketPicklists());
    } finally {
      await connector.close();
    }
    if (options.withTenants) {
      // Nothing is mapped: mapping stays the admin's decision (README › Words).
      integration.tenants = platformSim.tenants(platform).map((t) => ({
        tenantId: t.id,
        tenantName: t.name,
        accountId: null,
        accountName: null,
        billing: false,
        contractId: null,
        contractName: null,
      }));
    }
    const config: KmspConfig = { ...defaultConfig(), integrations: [integration] };

    const paths = resolvePaths({ configDir });
    step(`Writing the demo's configuration and secrets to ${configDir}…`);
    openConfig({ paths }).save(config, { actor: 'kmsp demo' });
    // The demo's secrets go to the 0600 file in its own directory, never to the
    // user's keyring: they belong to this throw-away environment.
    const secrets = openSecretStore({ paths, backends: ['file'] });
    for (const [name, value] of secretValues) await secrets.set(name, value);

    if (options.faults) for (const sim of [platform, psa]) sim.faults.set(planFor(options.faults, sim.faults.kinds()));
    return {
      configDir,
      config,
      psaKind,
      platformKind,
      psa,
      platform,
      platformName,
      psaName,
      simulators: [
        { name: platformName, address: platformSim.address(platform), ...(platformSim.note ? { note: platformSim.note } : {}) },
        { name: psaName, address: psaSim.address(psa), ...(psaSim.note ? { note: psaSim.note } : {}) },
      ],
      [psaKind]: psa,
      [platformKind]: platform,
      close: async () => {
        await Promise.all(started.map((s) => s.close()));
        if (ownsDir) rmSync(configDir, { recursive: true, force: true });
      },
    } as unknown as DemoEnvironment<P, L>;
  } catch (error) {
    await Promise.all(started.map((s) => s.close().catch(() => undefined)));
    if (ownsDir) rmSync(configDir, { recursive: true, force: true });
    throw error;
  }
}
