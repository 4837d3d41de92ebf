// Builds the billing plan of one integration (README › Billing rules): for each mapped tenant with
// billing on and a contract, usage → desired quantity per mapped billing item → compared
// with the units the PSA holds for the period containing today. Reads only: the same plan
// feeds the agent's billing job, --dry-run and `kmsp billing preview`.
//
// - Before any usage is read, each contract group is checked against the live PSA
//   (mappingCheck.ts): the contract exists, belongs to the mapped account, takes usage
//   postings, is active and runs today, and the account's tenant-name field (written by kmsp
//   when the mapping was saved) does not name another tenant. A group that fails gets the problem as its error and
//   nothing is read or posted for it. After planning, a line that would post to or holds
//   units on a missing or inactive billing item stops its contract the same way.
// - Account, contract and billing item names come from the PSA, not from the config.
// - listTenants and listApplications once per run; devices and license usage per tenant,
//   units per contract, in parallel under small limits (the platform gets 4 at once, the
//   PSA what its profile's limits.concurrency allows: Autotask refuses a 4th concurrent
//   request per endpoint). Where the PSA reads the units of many contracts in one request
//   (currentQuantitiesMany), every contract's units are asked for at once instead.
// - A failure (platform, PSA, no service period) is kept on its contract; others go on.
// - Several tenants mapped to one contract are summed per billing item: each tenant's own
//   plan would otherwise set the item to its own count and undo the other's.
import pLimit from 'p-limit';
import { blockingItemProblem, skipReason, type MappingProblem } from '../domain/billingChecks.js';
import { desiredQuantities, planAgainstPsa, unbilledUsage, type DesiredQuantity, type UnbilledUsage } from '../domain/billingPlan.js';
import type { Integration, TenantMapping } from '../domain/config.js';
import { calendarDate } from '../domain/dates.js';
import { PassAbandoned, throwIfAbandoned } from '../domain/errors.js';
import type { Psa, SecurityPlatform } from '../domain/ports.js';
import { billingWords, psaProfile } from '../domain/profiles/index.js';
import type { Tenant } from '../domain/types.js';
import { countUsage } from '../domain/usage.js';
import { toBillingError } from './errors.js';
import { checkMappings, readBillingFacts } from './mappingCheck.js';
import type { BillingPlan, ContractPlan } from './types.js';

export interface PlanProgress {
  phase: 'tenants' | 'contracts';
  done: number;
  total: number;
}

export interface BuildPlanOptions {
  integration: Integration;
  platform: SecurityPlatform;
  psa: Psa;
  now: Date;
  /** IANA zone of the MSP (config agent.timeZone): "today" and the effective date. */
  timeZone: string;
  onProgress?: (progress: PlanProgress) => void;
  /** Aborted: the plan stops before its next tenant or contract read (PassAbandoned). Planning writes nothing. */
  signal?: AbortSignal;
  platformConcurrency?: number;
  psaConcurrency?: number;
}

interface ContractGroup {
  contractId: string;
  mappings: TenantMapping[];
}

export async function buildBillingPlan(options: BuildPlanOptions): Promise<BillingPlan> {
  const { integration, platform, psa } = options;
  const date = calendarDate(options.now, options.timeZone);
  const plan: BillingPlan = { integration: integration.name, date, contracts: [], skipped: [] };

  const groups = new Map<string, ContractGroup>();
  for (const m of integration.tenants) {
    const reason = skipReason(m, billingWords(integration.psa.kind));
    if (reason) {
      plan.skipped.push({ tenantId: m.tenantId, tenantName: m.tenantName, reason });
      continue;
    }
    const group = groups.get(m.contractId!) ?? { contractId: m.contractId!, mappings: [] };
    group.mappings.push(m);
    groups.set(m.contractId!, group);
  }
  if (groups.size === 0) return plan;

  // Once per run. A failure here stops the whole plan: no contract can be computed without them.
  const [tenants, applications, facts] = await Promise.all([platform.listTenants(), platform.listApplications(), readBillingFacts(psa, integration)]);
  const tenantById = new Map<string, Tenant>(tenants.map((t) => [t.id, t]));
  // Read after listApplications: what it could not read of each tenant holds that tenant's changes.
  const incomplete = new Map((platform.incompleteTenants?.() ?? []).map((t) => [t.tenantId, t.reason]));
  const checks = await checkMappings(integration, facts, date);
  const accounts = await facts.accounts();
  const refused = new Map<string, MappingProblem>();
  for (const { mapping, problem } of checks.tenants) if (!refused.has(mapping.contractId!)) refused.set(mapping.contractId!, problem);

  // The units of every contract to plan, read together where the PSA reads many contracts per
  // request (Psa.currentQuantitiesMany), while the platform's usage is read.
  const toRead = [...groups.keys()].filter((id) => !refused.has(id));
  const many = psa.currentQuantitiesMany && toRead.length > 0 ? psa.currentQuantitiesMany(toRead, date) : null;
  many?.catch(() => undefined); // awaited per contract below; keeps an early rejection from being unhandled
  const platformLimit = pLimit(Math.max(1, options.platformConcurrency ?? 4));
  const psaLimit = pLimit(Math.max(1, options.psaConcurrency ?? psaProfile(integration.psa.kind).limits.concurrency));
  const pricedByLevel = psaProfile(integration.psa.kind).posting.priceLevel !== undefined;
  const totalTenants = [...groups.values()].reduce((n, g) => n + g.mappings.length, 0);
  let tenantsDone = 0;
  let contractsDone = 0;

  const desiredOf = async (m: TenantMapping): Promise<{ desired: DesiredQuantity[]; unbilled: UnbilledUsage[] }> => {
    throwIfAbandoned(options.signal);
    try {
      const tenant = tenantById.get(m.tenantId);
      if (!tenant) {
        throw Object.assign(new Error(`Tenant “${m.tenantName}” (${m.tenantId}) is no longer on the platform`), { notFound: true });
      }
      const [devices, usage] = await Promise.all([platform.listDevices(tenant), platform.licenseUsage(tenant)]);
      const counted = countUsage({ tenantId: tenant.id, devices, usage, applications, now: options.now, timeZone: options.timeZone });
      return { desired: desiredQuantities(counted, integration.billing, applications), unbilled: unbilledUsage(counted, integration.billing, applications) };
    } finally {
      options.onProgress?.({ phase: 'tenants', done: ++tenantsDone, total: totalTenants });
    }
  };

  const contractPlan = async (group: ContractGroup): Promise<ContractPlan> => {
    const first = group.mappings[0]!;
    const live = facts.contracts.get(group.contractId);
    const base: ContractPlan = {
      tenantId: first.tenantId,
      tenantName: group.mappings.map((m) => m.tenantName).join(', '),
      tenantIds: group.mappings.map((m) => m.tenantId),
      accountId: first.accountId!,
      accountName: accounts.get(first.accountId!)?.name ?? first.accountName ?? first.accountId!,
      contractId: group.contractId,
      contractName: live?.name ?? first.contractName ?? group.contractId,
      ...(pricedByLevel && first.priceLevelId ? { priceLevelId: first.priceLevelId, ...(first.priceLevelName ? { priceLevelName: first.priceLevelName } : {}) } : {}),
      lines: [],
    };
    const mappingProblem = refused.get(group.contractId);
    if (mappingProblem) {
      base.error = { ...mappingProblem };
      tenantsDone += group.mappings.length;
      options.onProgress?.({ phase: 'tenants', done: tenantsDone, total: totalTenants });
      options.onProgress?.({ phase: 'contracts', done: ++contractsDone, total: groups.size });
      return base;
    }
    throwIfAbandoned(options.signal);
    const current = many
      ? many.then((units) => {
          const mine = units.get(group.contractId);
          if (mine instanceof Error) throw mine;
          if (!mine) throw new Error(`the PSA's answer left out the units of ${group.contractId}`);
          return mine;
        })
      : psaLimit(() => psa.currentQuantities(group.contractId, date));
    current.catch(() => undefined); // awaited below; keeps an early rejection from being unhandled
    try {
      const perTenant = await Promise.all(
        group.mappings.map((m) =>
          platformLimit(() => desiredOf(m)).catch((error: unknown) => {
            if (error instanceof PassAbandoned) throw error;
            const missing = (error as { notFound?: boolean }).notFound === true;
            throw Object.assign(
              missing
                ? {
                    message: (error as Error).message,
                    cause: 'it was removed or its id changed on the platform',
                    remedy: `Map the ${psaProfile(integration.psa.kind).words.account} to the tenant again on the ${psaProfile(integration.psa.kind).words.tabs.accounts} tab, or turn billing off for it.`,
                  }
                : toBillingError(error, `Usage of “${m.tenantName}”`),
              { isBillingError: true },
            );
          }),
        ),
      );
      const held = await current;
      const lines = planAgainstPsa(
        sumDesired(perTenant.flatMap((t) => t.desired)),
        held,
        base.priceLevelId ?? null,
      ).map((line) => ({ ...line, billingItemName: facts.items.get(line.billingItemId)?.name ?? line.billingItemName }));
      const missing = group.mappings.flatMap((m) => (incomplete.has(m.tenantId) ? [`${m.tenantName}: ${incomplete.get(m.tenantId)}`] : []));
      if (missing.length) base.incomplete = missing.join('; ');
      const itemProblem = blockingItemProblem(lines, checks.items, base.tenantName);
      if (itemProblem) base.error = { ...itemProblem };
      else base.lines = lines;
      const unbilled = sumUnbilled(perTenant.flatMap((t) => t.unbilled));
      if (unbilled.length) base.unbilled = unbilled;
    } catch (error) {
      if (error instanceof PassAbandoned) throw error;
      const e = (error as { isBillingError?: boolean }).isBillingError
        ? (error as ReturnType<typeof toBillingError>)
        : toBillingError(error, `Units of ${psaProfile(integration.psa.kind).words.contract} “${base.contractName}” (${base.accountName})`);
      base.error = { message: e.message, cause: e.cause, remedy: e.remedy, ...(e.outcomeUnknown ? { outcomeUnknown: true } : {}) };
    } finally {
      options.onProgress?.({ phase: 'contracts', done: ++contractsDone, total: groups.size });
    }
    return base;
  };

  plan.contracts = await Promise.all([...groups.values()].map(contractPlan));
  return plan;
}

/** Sums the desired quantities of several tenants billed to one contract, per billing item. */
function sumDesired(all: DesiredQuantity[]): DesiredQuantity[] {
  const byItem = new Map<string, DesiredQuantity>();
  for (const d of all) {
    const seen = byItem.get(d.billingItemId);
    if (!seen) byItem.set(d.billingItemId, { ...d, sources: [...d.sources] });
    else {
      seen.quantity += d.quantity;
      seen.sources.push(...d.sources);
    }
  }
  return [...byItem.values()];
}

/** Unbilled usage of several tenants on one contract, summed per application and bucket. */
function sumUnbilled(all: UnbilledUsage[]): UnbilledUsage[] {
  const byKey = new Map<string, UnbilledUsage>();
  for (const u of all) {
    const key = `${u.applicationId}\u0000${u.bucket}`;
    const seen = byKey.get(key);
    if (seen) seen.quantity += u.quantity;
    else byKey.set(key, { ...u });
  }
  return [...byKey.values()];
}
