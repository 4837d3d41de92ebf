// One PSA × platform scenario for a chaos run: the built-in demo's simulators (startDemo) with an
// integration set up as an admin would in the console — every tenant the mapping suggestions
// match with confidence mapped to its account and its recurring contract, billing on, the demo
// story's services chosen for each application, and every ticket rule on (events, statuses,
// conditions where the platform has them) — so that a billing pass makes real postings and a
// ticket pass real tickets. Everything is read through kmsp's own connectors from fault-free
// simulators before any fault plan is set; which vendor runs comes from the registries.
import { connect } from '../billing/context.js';
import { contractsFor } from '../domain/accountsDraft.js';
import { contractProblem } from '../domain/billingChecks.js';
import type { ApplicationItems, BillingSettings, Integration, KmspConfig, TenantMapping, TicketingSettings } from '../domain/config.js';
import { calendarDate } from '../domain/dates.js';
import { LIMITS } from '../domain/defaults.js';
import { KmspError } from '../domain/errors.js';
import { suggestMappings } from '../domain/mapping.js';
import type { Application, BillingItem } from '../domain/types.js';
import { startDemo, type DemoEnvironment } from '../demo/environment.js';
import { platformSimulator, psaSimulator, type DemoServices, type SimulatedPlatformKind, type SimulatedPsaKind } from '../simulators/registry.js';
import type { SimServer } from '../simulators/server.js';
import type { PsaSnapshot } from '../simulators/snapshot.js';
import { openConfig } from '../store/config.js';
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

type Slot = 'single' | 'workstation' | 'server' | 'nonWindows';
const SLOTS: readonly Slot[] = ['single', 'workstation', 'server', 'nonWindows'];

/** The item a service is sold as: its name, or a name ending with it ("KESB-SEL-WS — KESB Select – Workstation"). */
function itemOf(items: readonly BillingItem[], service: string): BillingItem | undefined {
  return items.find((i) => i.active && (i.name === service || i.name.endsWith(` ${service}`)));
}

/** The demo story's services per application, as the Services tab would be filled in. */
export function demoBilling(apps: readonly Application[], items: readonly BillingItem[], services: DemoServices): BillingSettings {
  const applications: ApplicationItems[] = [];
  for (const app of apps) {
    const wanted = services[app.id];
    if (!wanted) continue;
    const row: ApplicationItems = { applicationId: app.id, applicationName: app.name, single: null, workstation: null, server: null, nonWindows: null };
    for (const slot of SLOTS) {
      const service = wanted[slot];
      const item = service ? itemOf(items, service) : undefined;
      if (item) row[slot] = { value: item.id, label: item.name };
    }
    if (SLOTS.some((s) => row[s] !== null)) applications.push(row);
  }
  return { byCategory: true, applications };
}

/** Every rule of every section on, with the fields the demo resolved against the PSA's lists. */
export function everyRuleOn(ticketing: TicketingSettings): TicketingSettings {
  return { ...ticketing, sections: Object.fromEntries(Object.entries(ticketing.sections).map(([id, rules]) => [id, rules.map((r) => ({ ...r, enabled: true }))])) };
}

export async function startScenario(pair: Pair, options: ScenarioOptions = {}): Promise<Scenario> {
  const demo = (await startDemo({ psa: pair.psa, platform: pair.platform, ...(options.fixturesDir ? { fixturesDir: options.fixturesDir } : {}) })) as unknown as DemoEnvironment<SimulatedPsaKind, SimulatedPlatformKind>;
  try {
    const paths = resolvePaths({ configDir: demo.configDir });
    const store = openConfig({ paths });
    const loaded = store.load();
    const base = loaded.integrations[0]!;
    const c = await connect(paths, base);
    let mapped: TenantMapping[];
    let apps: Application[];
    let items: BillingItem[];
    try {
      const [tenants, accounts, contracts, itemList, appList, levels] = await Promise.all([
        c.platform.listTenants(),
        c.psa.listAccounts(),
        c.psa.listContracts(),
        c.psa.listBillingItems(),
        c.platform.listApplications(),
        c.psa.listPriceLevels ? c.psa.listPriceLevels() : Promise.resolve(null),
      ]);
      apps = appList;
      items = itemList;
      const today = calendarDate(new Date(), loaded.agent.timeZone);
      // One price level for every account: the PSA's first (a harness has no customer to ask).
      const level = levels?.[0] ? { priceLevelId: levels[0].id, priceLevelName: levels[0].name } : {};
      const limit = options.tenants ?? Number.POSITIVE_INFINITY;
      mapped = [];
      for (const s of suggestMappings(tenants, accounts, [], { psa: pair.psa }).suggestions) {
        if (mapped.length >= limit) break;
        if (s.confidence === 'partial') continue;
        const row: TenantMapping = { tenantId: s.tenantId, tenantName: s.tenantName, accountId: s.accountId, accountName: s.accountName, billing: false, contractId: null, contractName: null, ...level };
        const contract = contractsFor(s.accountId, contracts, today)[0];
        const billed = contract ? { ...row, billing: true, contractId: contract.id, contractName: contract.name } : row;
        mapped.push(contract && contractProblem(billed, contract, today) === null ? billed : row);
      }
      // Billing off where the PSA says the account cannot take postings yet, as an admin would
      // after the Accounts tab's warning: a run that skips it with an error never finishes clean.
      if (c.psa.billingReadiness) {
        const ids = mapped.filter((m) => m.billing).map((m) => m.accountId!);
        const notReady = new Set((await c.psa.billingReadiness(ids)).filter((r) => !r.ready).map((r) => r.accountId));
        mapped = mapped.map((m) => (m.billing && notReady.has(m.accountId!) ? { ...m, billing: false } : m));
      }
    } finally {
      await c.close();
    }
    const billing = demoBilling(apps, items, platformSimulator(pair.platform).demoServices);
    if (!mapped.some((m) => m.billing) || billing.applications.length === 0) {
      throw new KmspError(`The ${pair.platform} × ${pair.psa} scenario bills nothing`, {
        kind: 'internal',
        cause: `${mapped.length} tenants mapped, ${mapped.filter((m) => m.billing).length} with a contract; ${billing.applications.length} applications with a service`,
        remedy: 'Check the dataset: the chaos run needs tenants that map to accounts with recurring contracts and the demo story’s services.',
      });
    }
    const integration: Integration = { ...base, tenants: mapped, billing, ticketing: everyRuleOn(base.ticketing) };
    // The breaker at its highest: held-back tickets and their hourly notes depend on wall time
    // between passes, which a chaos run and its fault-free twin do not share.
    const config: KmspConfig = { ...loaded, integrations: [integration], agent: { ...loaded.agent, ticketsPerAccountPerHour: LIMITS.ticketsPerAccountPerHour.max } };
    store.save(config, { actor: 'chaos scenario' });
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
