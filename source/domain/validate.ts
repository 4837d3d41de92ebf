// Semantic validation of a configuration: what JSON schema cannot say
// (one-to-one mapping, billing needs a contract and, where the PSA prices usage by a price level
// per account, a price level; limits, unique names).
// Returns every problem with a path, so the console can show each inline.
//
// No two mappings may write the same quantity: the agent posts "own count − PSA total" per
// contract and billing item, so two writers of one quantity would undo each other every day.
// - a tenant belongs to one integration per platform (samePlatform: URL case and a trailing
//   slash do not make a different server);
// - an account maps to one tenant per PSA (samePsa: across integrations too), and a contract
//   is billed by one tenant;
// - a billing item is written by one application. Several categories of that application may
//   share it: the plan adds their quantities into one (billingPlan.ts), so nothing is undone.
// Same-platform and same-PSA are decided by accountsDraft's samePlatform/samePsa, the rules the
// Accounts tab enforces while editing: one definition for both.
import { priceLevelWords, samePlatform, samePsa } from './accountsDraft.js';
import { approvalProblems } from './billingGuards.js';
import { agentSettingsProblems, EDITABLE_AGENT_KEYS, isValidTimeZone } from './agentSettings.js';
import { INTEGRATION_NAME_PATTERN, type ApplicationItems, type BillingSettings, type Integration, type KmspConfig, type PsaChoice, type TenantMapping } from './config.js';
import { isKnownPsaKind, isPlatformKind, platformProfile, psaProfile } from './profiles/index.js';
import { healthProblems } from './health.js';
import { ticketingProblems } from './ticketSchema.js';

export interface Problem {
  path: string;
  message: string;
}

/**
 * The Ticketing settings' problems (domain/ticketSchema.ts ticketingProblems: General, each
 * board in use where statuses belong to one, each row), with paths under `p.ticketing`. No
 * picklists here: a stored value counts as chosen when it has a value; the console checks
 * against the live lists.
 */
function ticketingSettingsProblems(integration: Integration, p: string): Problem[] {
  // An unknown kind is the schema's to report; without its profile the fields cannot be judged.
  if (!isPlatformKind(integration.platform.kind) || !isKnownPsaKind(integration.psa.kind)) return [];
  return ticketingProblems(integration.ticketing, platformProfile(integration.platform.kind), psaProfile(integration.psa.kind)).map((problem) => ({
    path: `${p}.ticketing.${problem.path}`,
    message: problem.message,
  }));
}

export function validateIntegration(integration: Integration, index: number): Problem[] {
  const p = `integrations[${index}]`;
  const out: Problem[] = [];
  if (!INTEGRATION_NAME_PATTERN.test(integration.name)) {
    out.push({ path: `${p}.name`, message: `Integration name "${integration.name}" must be 1–40 lower-case letters, digits or dashes.` });
  }
  const byAccount = new Map<string, string>();
  const seenTenants = new Set<string>();
  // Only PSAs whose profile prices usage by a price level per account; an unknown kind is the schema's to report.
  const levelWord = priceLevelWords(integration.psa.kind)?.word;
  integration.tenants.forEach((t, i) => {
    const tp = `${p}.tenants[${i}]`;
    if (seenTenants.has(t.tenantId)) out.push({ path: tp, message: `Tenant "${t.tenantName}" is listed twice.` });
    seenTenants.add(t.tenantId);
    if (t.accountId) {
      const other = byAccount.get(t.accountId);
      if (other) {
        out.push({
          path: `${tp}.accountId`,
          message: `"${t.tenantName}": PSA account "${t.accountName ?? t.accountId}" is also mapped to "${other}"; an account maps to one tenant only.`,
        });
      } else byAccount.set(t.accountId, t.tenantName);
    }
    if (t.billing && !t.accountId) out.push({ path: `${tp}.billing`, message: `"${t.tenantName}": billing is on but no PSA account is mapped.` });
    if (t.billing && !t.contractId) out.push({ path: `${tp}.contractId`, message: `"${t.tenantName}": billing is on but no contract is chosen.` });
    // Where every posting carries the account's price level, a billed account without one cannot be posted.
    if (levelWord && t.billing && t.accountId && !t.priceLevelId) {
      out.push({ path: `${tp}.priceLevelId`, message: `"${t.tenantName}": billing is on but no ${levelWord} is chosen.` });
    }
  });
  out.push(...validateBillingItems(integration.billing, p));
  if (integration.approvals) for (const message of approvalProblems(integration.approvals)) out.push({ path: `${p}.approvals`, message });
  out.push(...ticketingSettingsProblems(integration, p));
  if (integration.health && isKnownPsaKind(integration.psa.kind)) {
    for (const problem of healthProblems(integration.health, psaProfile(integration.psa.kind), undefined, integration.ticketing)) out.push({ path: `${p}.health.${problem.field}`, message: `Health notifications: ${problem.message}` });
  }
  return out;
}

type ItemSlot = Exclude<keyof ApplicationItems, 'applicationId' | 'applicationName'>;

const CATEGORY_WORDS: Record<Exclude<ItemSlot, 'single'>, string> = { workstation: 'workstations', server: 'servers', nonWindows: 'non-Windows devices' };

/**
 * The billing items each application can write. With billing by category off only `single` is
 * used. With it on, a device application writes its three categories and a per-user or mailbox
 * application writes `single` — the config does not say which an application is, so all four
 * count, but `single` and a category of the same application never bill together.
 */
function billedSlots(billing: BillingSettings): ItemSlot[] {
  return billing.byCategory ? ['single', 'workstation', 'server', 'nonWindows'] : ['single'];
}

export function validateBillingItems(billing: BillingSettings, p: string): Problem[] {
  const out: Problem[] = [];
  const holders = new Map<string, Array<{ appIndex: number; who: string }>>();
  billing.applications.forEach((app, appIndex) => {
    for (const slot of billedSlots(billing)) {
      const choice: PsaChoice | null = app[slot];
      if (!choice?.value) continue; // not chosen, or not resolved against the PSA yet
      const who = slot === 'single' ? `"${app.applicationName}"` : `"${app.applicationName}" (${CATEGORY_WORDS[slot]})`;
      const earlier = holders.get(choice.value) ?? [];
      holders.set(choice.value, [...earlier, { appIndex, who }]);
      // One application bills either `single` or its categories, never both, and its categories
      // on one item are summed into one quantity: only another application fights over it.
      const holder = earlier.find((h) => h.appIndex !== appIndex);
      if (!holder) continue;
      out.push({
        path: `${p}.billing.applications[${appIndex}].${slot}`,
        // The row first: a status line cuts long messages, and the row is what the admin goes to fix.
        message:
          `${who}: billing item "${choice.label || choice.value}" is also chosen for ${holder.who}; each would post its own count ` +
          'as the quantity and undo the other every day. Choose a separate billing item for each.',
      });
    }
  });
  return out;
}

/**
 * Problems that make a configuration unusable anywhere. Unresolved defaults
 * (a required PSA value not chosen yet) only matter for enabled rules and for
 * ticket creation, so they are reported by validateIntegration but
 * `blocking` filters them for load-time checks.
 */
export function validateConfig(config: KmspConfig): Problem[] {
  const out: Problem[] = [];
  const names = new Set<string>();
  config.integrations.forEach((integration, i) => {
    if (names.has(integration.name)) out.push({ path: `integrations[${i}].name`, message: `Integration name "${integration.name}" is used twice.` });
    names.add(integration.name);
    out.push(...crossIntegrationProblems(config.integrations, i));
    out.push(...validateIntegration(integration, i));
  });
  // The same words as the console's agent settings form and `kmsp config set` (domain/agentSettings.ts).
  const agent = agentSettingsProblems(config.agent);
  for (const key of EDITABLE_AGENT_KEYS) {
    const problem = agent[key];
    if (problem) out.push({ path: `agent.${key}`, message: `${problem.message} ${problem.remedy}` });
  }
  return out;
}

/**
 * The problems the agent refuses to run with (at start and on reload; the last good config keeps
 * running): agent settings it cannot schedule with, and two integrations claiming one tenant,
 * account or billed contract — two writers of one quantity would undo each other every day.
 * Other problems (an incomplete rule) are the job's to skip and report item by item.
 */
export function agentBlockingProblems(config: KmspConfig): Problem[] {
  const crossIntegration = config.integrations.flatMap((_, i) => crossIntegrationProblems(config.integrations, i));
  return [...validateConfig(config).filter((p) => p.path.startsWith('agent.')), ...crossIntegration];
}

/**
 * What integration `i` claims that is held already: a tenant on the same platform, an account or
 * a billed contract on the same PSA (by an earlier integration), or a contract billed by an
 * earlier row of its own. Reported once, on the later claim. One account in two rows of the same
 * integration is validateIntegration's; its contract is then not reported a second time.
 */
function crossIntegrationProblems(all: readonly Integration[], i: number): Problem[] {
  const out: Problem[] = [];
  const integration = all[i]!;
  const p = `integrations[${i}]`;
  // A duplicate name is its own problem; the first integration of that name keeps its claims.
  const earlier = all.slice(0, i).filter((other) => other.name !== integration.name);
  const onPlatform = earlier.filter((other) => samePlatform(other.platform, integration.platform));
  const onPsa = earlier.filter((other) => samePsa(other.psa, integration.psa));
  const billedHere = new Map<string, TenantMapping>();
  integration.tenants.forEach((t, k) => {
    const tp = `${p}.tenants[${k}]`;
    for (const other of onPlatform) {
      if (other.tenants.some((o) => o.tenantId === t.tenantId)) {
        out.push({ path: tp, message: `Tenant "${t.tenantName}" belongs to integration "${other.name}" already; a tenant belongs to one integration.` });
      }
    }
    for (const other of onPsa) {
      const account = t.accountId ? other.tenants.find((o) => o.accountId === t.accountId) : undefined;
      if (account) {
        out.push({
          path: `${tp}.accountId`,
          message:
            `"${t.tenantName}": PSA account "${t.accountName ?? t.accountId}" is mapped to "${account.tenantName}" in integration "${other.name}" already; ` +
            'an account maps to one tenant only, across integrations on the same PSA.',
        });
        continue;
      }
      const contract = billedContract(t) ? other.tenants.find((o) => billedContract(o) === billedContract(t)) : undefined;
      if (contract) {
        out.push({
          path: `${tp}.contractId`,
          message: `"${t.tenantName}": contract "${t.contractName ?? t.contractId}" is billed by "${contract.tenantName}" in integration "${other.name}" already; a contract is billed by one tenant only.`,
        });
      }
    }
    const contractId = billedContract(t);
    if (contractId === null) return;
    const first = billedHere.get(contractId);
    if (!first) billedHere.set(contractId, t);
    else if (first.accountId !== t.accountId) {
      out.push({
        path: `${tp}.contractId`,
        message: `"${t.tenantName}": contract "${t.contractName ?? t.contractId}" is also billed by "${first.tenantName}"; a contract is billed by one tenant only.`,
      });
    }
  });
  return out;
}

function billedContract(t: TenantMapping): string | null {
  return t.billing && t.contractId ? t.contractId : null;
}

// Kept here for its callers; defined with the other agent settings rules.
export { isValidTimeZone };
