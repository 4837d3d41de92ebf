// A running demo's integration set up as an admin would in the console: every tenant the mapping
// suggestions match with confidence mapped to its account and its recurring contract, billing on
// where the contract takes postings, the demo story's services chosen for each application, and
// every ticket rule on (events, statuses, conditions where the platform has them). Everything is
// read through kmsp's own connectors; which vendor runs comes from the registries. The chaos
// scenario (chaos/scenario.ts) and `kmsp demo --generate` share it.
import { createPlatform, createPsa } from '../connectors/factory.js';
import { contractsFor } from '../domain/accountsDraft.js';
import { contractProblem } from '../domain/billingChecks.js';
import type { ApplicationItems, ApprovalSettings, BillingSettings, Integration, KmspConfig, TenantMapping, TicketingSettings } from '../domain/config.js';
import { calendarDate } from '../domain/dates.js';
import { LIMITS } from '../domain/defaults.js';
import { KmspError } from '../domain/errors.js';
import { suggestMappings } from '../domain/mapping.js';
import type { Application, BillingItem } from '../domain/types.js';
import { platformSimulator, type DemoServices } from '../simulators/registry.js';
import { openConfig } from '../store/config.js';
import type { KmspPaths } from '../store/paths.js';
import { openSecretStore } from '../store/secrets.js';

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

export interface AdminSetupOptions {
  /** Map at most this many tenants (the first the suggestions match); default every one. */
  tenants?: number;
  /** Also list the tenants no suggestion matched, unmapped (the console's Accounts tab shows them); default left out. */
  keepUnmatched?: boolean;
  /** Who the configuration's history names as the writer. */
  actor: string;
  /**
   * What billing holds for a person (README › Billing approvals); default: the configuration's
   * own. The bench measures posting work and sets post-all: under hold-risky its first run would
   * hold every first posting on a contract.
   */
  approvals?: ApprovalSettings;
}

/**
 * Maps the first integration of the demo configuration at `paths` as an admin would, saves it
 * and returns it. The breaker is set at its highest: held-back tickets and their hourly notes
 * depend on wall time between passes, which harnesses and generated datasets must not.
 */
export async function setUpAsAdmin(paths: KmspPaths, options: AdminSetupOptions): Promise<{ config: KmspConfig; integration: Integration }> {
  const store = openConfig({ paths });
  const loaded = store.load();
  const base = loaded.integrations[0]!;
  // The demo keeps its secrets in its own file, never in the user's keyring.
  const secrets = openSecretStore({ paths, backends: ['file'] });
  const lookup = (name: string) => secrets.get(name);
  const platform = await createPlatform(base, lookup);
  let mapped: TenantMapping[];
  let apps: Application[];
  let items: BillingItem[];
  try {
    const psa = await createPsa(base, lookup);
    try {
      const [tenants, accounts, contracts, itemList, appList, levels] = await Promise.all([
        platform.listTenants(),
        psa.listAccounts(),
        psa.listContracts(),
        psa.listBillingItems(),
        platform.listApplications(),
        psa.listPriceLevels ? psa.listPriceLevels() : Promise.resolve(null),
      ]);
      apps = appList;
      items = itemList;
      const today = calendarDate(new Date(), loaded.agent.timeZone);
      // One price level for every account: the PSA's first (a harness has no customer to ask).
      const level = levels?.[0] ? { priceLevelId: levels[0].id, priceLevelName: levels[0].name } : {};
      const limit = options.tenants ?? Number.POSITIVE_INFINITY;
      mapped = [];
      for (const s of suggestMappings(tenants, accounts, [], { psa: base.psa.kind }).suggestions) {
        if (mapped.length >= limit) break;
        if (s.confidence === 'partial') continue;
        const row: TenantMapping = { tenantId: s.tenantId, tenantName: s.tenantName, accountId: s.accountId, accountName: s.accountName, billing: false, contractId: null, contractName: null, ...level };
        const contract = contractsFor(s.accountId, contracts, today)[0];
        const billed = contract ? { ...row, billing: true, contractId: contract.id, contractName: contract.name } : row;
        mapped.push(contract && contractProblem(billed, contract, today) === null ? billed : row);
      }
      // Billing off where the PSA says the account cannot take postings yet, as an admin would
      // after the Accounts tab's warning: a run that skips it with an error never finishes clean.
      if (psa.billingReadiness) {
        const ids = mapped.filter((m) => m.billing).map((m) => m.accountId!);
        const notReady = new Set((await psa.billingReadiness(ids)).filter((r) => !r.ready).map((r) => r.accountId));
        mapped = mapped.map((m) => (m.billing && notReady.has(m.accountId!) ? { ...m, billing: false } : m));
      }
      if (options.keepUnmatched) {
        const taken = new Set(mapped.map((m) => m.tenantId));
        for (const t of tenants) {
          if (!taken.has(t.id)) mapped.push({ tenantId: t.id, tenantName: t.name, accountId: null, accountName: null, billing: false, contractId: null, contractName: null });
        }
      }
    } finally {
      await psa.close();
    }
  } finally {
    await platform.close();
  }
  const billing = demoBilling(apps, items, platformSimulator(base.platform.kind).demoServices);
  if (!mapped.some((m) => m.billing) || billing.applications.length === 0) {
    throw new KmspError(`The ${base.platform.kind} × ${base.psa.kind} demo bills nothing`, {
      kind: 'internal',
      cause: `${mapped.length} tenants listed, ${mapped.filter((m) => m.billing).length} with a contract; ${billing.applications.length} applications with a service`,
      remedy: 'Check the dataset: it needs tenants that map to accounts with recurring contracts and the demo story’s services.',
    });
  }
  const integration: Integration = { ...base, tenants: mapped, billing, ticketing: everyRuleOn(base.ticketing), ...(options.approvals ? { approvals: { ...options.approvals } } : {}) };
  const config: KmspConfig = { ...loaded, integrations: [integration], agent: { ...loaded.agent, ticketsPerAccountPerHour: LIMITS.ticketsPerAccountPerHour.max } };
  store.save(config, { actor: options.actor });
  return { config, integration };
}
