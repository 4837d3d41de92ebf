// The checks behind `kmsp doctor` and the console's Test connection: for each
// integration, configuration, secrets, reachability, TLS, credentials and
// permissions of both sides, with what was found or a precise cause and remedy.
// Returns data; printing is the caller's business.
import type { Integration, KmspConfig } from '../domain/config.js';
import { platformLabel, psaLabel, tenantWord } from '../domain/config.js';
import { describeError, isKmspError } from '../domain/errors.js';
import type { Psa, SecurityPlatform } from '../domain/ports.js';
import { integrationSecrets } from '../domain/secretNames.js';
import { validateIntegration } from '../domain/validate.js';
import { accountFieldName, platformProfile, psaProfile } from '../domain/profiles/index.js';
import { scopeFieldSpec, scopesInUse, ticketingProblems } from '../domain/ticketSchema.js';
import type { AccessCheck, TicketPicklists } from '../domain/types.js';
import { createPlatform, createPsa, type HandedIn, type SecretLookup } from '../connectors/factory.js';
import { billingFacts, checkMappings, mappingProblems, type PsaBillingFacts } from '../billing/mappingCheck.js';
import { skipReason } from '../domain/billingChecks.js';
import { calendarDate } from '../domain/dates.js';
import { plaintextSecretRemedy } from '../store/secretBackends.js';
import type { SecretLocation } from '../store/secrets.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  integration: string;
  /** 'agent': the agent's view of this host (doctor/agentChecks.ts), not one integration's. */
  area: 'config' | 'secrets' | 'platform' | 'psa' | 'agent';
  status: CheckStatus;
  /** One line: what was checked and what was found. */
  summary: string;
  /** Cause and remedy, multi-line, for failures and warnings. */
  detail?: string;
  /** The KmspError code behind a failure, where it has one (the console answers some: a one-time code demanded). */
  code?: string | number;
}

export interface DoctorOptions {
  lookupSecret: SecretLookup;
  /** Which backend holds a secret, for the report: one in the plaintext file is a warning. */
  secretBackend?: (name: string) => Promise<SecretLocation | null>;
  /** The plaintext secrets file, named in that warning. */
  secretsFile?: string;
  /** How remedies run kmsp here (`node bin/kmsp.js --config DIR`); default `kmsp`. */
  kmspCommand?: string;
  /** Where README "Run as a service" keeps credential files, and the group that reads them. */
  credentials?: { dir: string; group: string };
  only?: { integration?: string; side?: 'platform' | 'psa' };
}

function fail(integration: string, area: CheckResult['area'], summary: string, error: unknown): CheckResult {
  const code = isKmspError(error) ? error.code : undefined;
  return { integration, area, status: 'fail', summary, detail: describeError(error), ...(code !== undefined ? { code } : {}) };
}

function plural(n: number, word: string, words = `${word}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? word : words}`;
}

/** Doctor rows of a connector's checkAccess: one per area read, or per statement the connector makes. */
function accessRows(integration: string, area: 'platform' | 'psa', label: string, checks: readonly AccessCheck[], grant: string): CheckResult[] {
  return checks.map((check) => {
    const said = check.statement ?? { ok: `may read ${check.what}`, fail: `may not read ${check.what}`, remedy: `${grant} ${check.permission}, then test again.` };
    return check.allowed
      ? { integration, area, status: 'ok', summary: `${label}: ${said.ok}` }
      : { integration, area, status: 'fail', summary: `${label}: ${said.fail}`, detail: `  Cause: ${check.detail ?? 'refused'}.\n  Remedy: ${said.remedy}` };
  });
}

/** `handedIn`: a one-time code typed for this test's sign-in (Test connection), never stored. */
export async function checkPlatform(integration: Integration, lookup: SecretLookup, handedIn?: HandedIn): Promise<CheckResult[]> {
  const name = integration.name;
  const label = platformLabel(integration.platform.kind);
  const words = platformProfile(integration.platform.kind).words;
  const out: CheckResult[] = [];
  let platform: SecurityPlatform | undefined;
  try {
    platform = await createPlatform(integration, lookup, handedIn ? { handedIn } : {});
    const identity = await platform.verify();
    out.push({ integration: name, area: 'platform', status: 'ok', summary: `${label}: signed in — ${identity.description}` });
    const tenants = await platform.listTenants();
    out.push({ integration: name, area: 'platform', status: 'ok', summary: `${label}: ${plural(tenants.length, tenantWord(integration.platform.kind), tenantWord(integration.platform.kind, true))} visible` });
    // Where the platform says more than "signed in" (workspaces of each kind, a 2-step sign-in the agent cannot complete).
    out.push(...accessRows(name, 'platform', label, (await platform.checkAccess?.()) ?? [], 'give the account'));
    // Permissions: reading devices and licenses of one tenant is what billing and tickets need.
    const mapped = integration.tenants[0];
    const probe = (mapped && tenants.find((t) => t.id === mapped.tenantId)) ?? tenants[0];
    if (probe) {
      const devices = await platform.listDevices(probe);
      const usage = await platform.licenseUsage(probe);
      out.push({
        integration: name,
        area: 'platform',
        status: 'ok',
        summary: `${label}: can read devices and licenses (“${probe.name}”: ${plural(devices.length, 'device')}, ${plural(usage.keys.length, words.license, words.licenses)})`,
      });
    }
    const missing = integration.tenants.filter((m) => !tenants.some((t) => t.id === m.tenantId));
    if (missing.length > 0) {
      out.push({
        integration: name,
        area: 'platform',
        status: 'warn',
        summary: `${label}: ${plural(missing.length, `mapped ${tenantWord(integration.platform.kind)}`, `mapped ${tenantWord(integration.platform.kind, true)}`)} no longer exist: ${missing.map((m) => m.tenantName).join(', ')}`,
        detail: `  Remedy: remove them on the ${psaProfile(integration.psa.kind).words.tabs.accounts} tab, or check the platform user can see them.`,
      });
    }
  } catch (error) {
    out.push(fail(name, 'platform', `${label}: ${isKmspError(error) ? error.message : 'check failed'}`, error));
  } finally {
    await platform?.close().catch(() => undefined);
  }
  return out;
}

/** Billing mappings against the live PSA (billing/mappingCheck.ts): one line when all hold, one failure per problem. */
async function mappingChecks(integration: Integration, facts: PsaBillingFacts, today: string): Promise<CheckResult[]> {
  const name = integration.name;
  const billed = integration.tenants.filter((m) => skipReason(m) === null).length;
  if (billed === 0) return [];
  const words = psaProfile(integration.psa.kind).words;
  const problems = mappingProblems(await checkMappings(integration, facts, today));
  if (problems.length === 0) {
    return [{ integration: name, area: 'psa', status: 'ok', summary: `Billing mappings: ${plural(billed, 'billed tenant')} checked on ${today}: ${words.contracts} and ${words.billingItems} hold` }];
  }
  return problems.map((p) => ({ integration: name, area: 'psa', status: 'fail', summary: `Billing mapping: ${p.message}`, detail: `  Cause: ${p.cause}.\n  Remedy: ${p.remedy}` }));
}

/**
 * The Ticketing settings against the PSA's live lists: what only the live lists show (a value
 * deleted or deactivated in the PSA, a status of another board, a Closed status that does not
 * close, a board in use without its statuses). What the configuration shows by itself is the
 * config check's. The ticket job skips such a rule ('rule-incomplete') or cannot close.
 */
export function ticketRuleCheck(integration: Integration, picklists: TicketPicklists): CheckResult {
  const name = integration.name;
  const platform = platformProfile(integration.platform.kind);
  const psa = psaProfile(integration.psa.kind);
  const key = (p: { path: string; message: string }) => `${p.path}\u0000${p.message}`;
  const offline = new Set(ticketingProblems(integration.ticketing, platform, psa).map(key));
  const live = ticketingProblems(integration.ticketing, platform, psa, picklists).filter((p) => !offline.has(key(p)));
  const enabled = Object.values(integration.ticketing.sections).flat().filter((r) => r.enabled).length;
  const scopes = scopesInUse(integration.ticketing, psa, picklists).length;
  const scopeWord = scopeFieldSpec(psa)?.label.toLowerCase();
  const what = `${plural(enabled, 'enabled rule')}${scopeWord && scopes ? ` on ${plural(scopes, scopeWord)}` : ''}`;
  if (live.length === 0) {
    return { integration: name, area: 'psa', status: 'ok', summary: `Ticket rules: every value of ${what} and of General exists in ${psa.words.name}` };
  }
  return {
    integration: name,
    area: 'psa',
    status: 'warn',
    summary: `Ticket rules: ${plural(live.length, 'value')} of ${what} or General ${live.length === 1 ? 'does' : 'do'} not hold in ${psa.words.name}`,
    detail:
      live.map((p) => `  ${p.message}`).join('\n') +
      `\n  Cause: the ticket job skips a rule whose values ${psa.words.name} no longer has, and cannot close a ticket without a closed status.` +
      `\n  Remedy: choose the values again on the ${psa.words.tabs.ticketing} tab (it offers only the values ${psa.words.name} has now) and save.`,
  };
}

/** `timeZone` (the agent's) decides which day a contract must run on. */
export async function checkPsa(integration: Integration, lookup: SecretLookup, timeZone = 'UTC'): Promise<CheckResult[]> {
  const name = integration.name;
  const label = psaLabel(integration.psa.kind);
  const words = psaProfile(integration.psa.kind).words;
  const out: CheckResult[] = [];
  let psa: Psa | undefined;
  try {
    psa = await createPsa(integration, lookup);
    const identity = await psa.verify();
    out.push({ integration: name, area: 'psa', status: 'ok', summary: `${label}: signed in — ${identity.description}` });
    // Where the PSA grants reads per area (a security role), each area kmsp needs is read once.
    out.push(...accessRows(name, 'psa', label, (await psa.checkAccess?.()) ?? [], "give the API user's security role"));
    const accounts = await psa.listAccounts();
    const active = accounts.filter((a) => a.active).length;
    out.push({ integration: name, area: 'psa', status: 'ok', summary: `${label}: ${plural(accounts.length, words.account, words.accounts)} (${active.toLocaleString('en-US')} active)` });
    const contracts = await psa.listContracts();
    const billable = contracts.filter((c) => c.recurring).length;
    // Only a PSA where one kind of contract takes usage says how many are of that kind.
    const ofKind = words.billableKind ? ` (${billable.toLocaleString('en-US')} ${words.billableKind})` : '';
    out.push({ integration: name, area: 'psa', status: 'ok', summary: `${label}: ${plural(contracts.length, words.contract, words.contracts)}${ofKind}` });
    const items = await psa.listBillingItems();
    out.push({ integration: name, area: 'psa', status: 'ok', summary: `${label}: ${plural(items.filter((i) => i.active).length, `active ${words.billingItem}`, `active ${words.billingItems}`)}` });
    const levelWords = psaProfile(integration.psa.kind).posting.priceLevel;
    if (levelWords && psa.listPriceLevels) {
      const levels = await psa.listPriceLevels();
      out.push(
        levels.length > 0
          ? { integration: name, area: 'psa', status: 'ok', summary: `${label}: ${plural(levels.length, levelWords.word, levelWords.words)} readable` }
          : {
              integration: name,
              area: 'psa',
              status: 'warn',
              summary: `${label}: no ${levelWords.words}`,
              detail: `  Cause: usage is priced at the ${levelWords.word} chosen per ${words.account}, and the PSA lists none.\n  Remedy: create ${levelWords.words} in ${words.name}, then choose one per ${words.account} on the ${words.tabs.accounts} tab.`,
            },
      );
    }
    out.push(...(await mappingChecks(integration, billingFacts(contracts, items, async () => accounts, psa), calendarDate(new Date(), timeZone))));
    const picklists = await psa.ticketPicklists();
    // Where tickets go (queues, boards) and the statuses they get, counted as the PSA lists them.
    const ticketing = psaProfile(integration.psa.kind).ticketing;
    const statusList = [...ticketing.general, ...(ticketing.perScope?.fields ?? [])].find((f) => f.role === 'new-status')?.list;
    const lists = [ticketing.row.find((f) => f.required)?.list, statusList].filter((l): l is string => l !== undefined);
    const counts = lists.map((list) => `${list} ${(picklists[list] ?? []).filter((v) => v.active).length.toLocaleString('en-US')}`);
    out.push({ integration: name, area: 'psa', status: 'ok', summary: `${label}: ticket settings readable (${counts.join(', ')})` });
    out.push(ticketRuleCheck(integration, picklists));
    const field = accountFieldName(integration.psa);
    const hasField = accounts.length === 0 || accounts.some((a) => field in a.customFields);
    out.push(
      hasField
        ? { integration: name, area: 'psa', status: 'ok', summary: `${label}: ${words.account} field “${field}” exists` }
        : {
            integration: name,
            area: 'psa',
            status: 'warn',
            summary: `${label}: ${words.account} field “${field}” does not exist`,
            detail: `  Cause: mapped tenant names cannot be written to the ${words.accounts}.\n  Remedy: ${words.accountFieldFix(field)}`,
          },
    );
    const budget = await psa.budget();
    if (budget) {
      const pct = budget.limit ? Math.round((budget.used / budget.limit) * 100) : 0;
      out.push({
        integration: name,
        area: 'psa',
        status: pct >= 75 ? 'warn' : 'ok',
        summary: `${label}: API budget ${budget.used.toLocaleString('en-US')} of ${budget.limit.toLocaleString('en-US')} requests used in the last ${budget.timeframeMinutes} min (${pct}%)`,
      });
    }
  } catch (error) {
    out.push(fail(name, 'psa', `${label}: ${isKmspError(error) ? error.message : 'check failed'}`, error));
  } finally {
    await psa?.close().catch(() => undefined);
  }
  return out;
}

export async function runDoctor(config: KmspConfig, options: DoctorOptions): Promise<CheckResult[]> {
  const integrations = config.integrations.filter((i) => !options.only?.integration || i.name === options.only.integration);
  if (integrations.length === 0) {
    return [
      {
        integration: options.only?.integration ?? '-',
        area: 'config',
        status: 'fail',
        summary: options.only?.integration ? `No integration named “${options.only.integration}”` : 'No integration is configured',
        detail: '  Remedy: add one on the Connections tab, or import a configuration with: kmsp config import FILE',
      },
    ];
  }
  const results: CheckResult[] = [];
  for (const [index, integration] of integrations.entries()) {
    const problems = validateIntegration(integration, index);
    results.push(
      problems.length === 0
        ? { integration: integration.name, area: 'config', status: 'ok', summary: 'Configuration is valid' }
        : {
            integration: integration.name,
            area: 'config',
            status: 'warn',
            summary: `Configuration has ${plural(problems.length, 'problem')}`,
            detail: problems.map((p) => `  ${p.path}: ${p.message}`).join('\n'),
          },
    );
    for (const spec of integrationSecrets(integration)) {
      const value = await options.lookupSecret(spec.name);
      const backend = value ? await options.secretBackend?.(spec.name) : null;
      results.push(
        value && backend?.backend === 'file'
          ? // README: the plaintext file is the last resort, "with a warning".
            {
              integration: integration.name,
              area: 'secrets',
              status: 'warn',
              summary: `${spec.label}: present, unencrypted (${backend.label})`,
              detail: [
                `  Cause: it is kept in plain text in ${options.secretsFile ?? 'the secrets file'} (mode 0600): anyone with root or this user's access can read it.`,
                ...plaintextSecretRemedy(spec.name, options.kmspCommand, options.credentials).map((l) => `  ${l}`),
              ].join('\n'),
            }
          : value
          ? { integration: integration.name, area: 'secrets', status: 'ok', summary: `${spec.label}: present${backend ? ` (${backend.label})` : ''}` }
          : spec.optional
          ? { integration: integration.name, area: 'secrets', status: 'ok', summary: `${spec.label}: not set ${spec.optional.emptyText}` }
          : {
              integration: integration.name,
              area: 'secrets',
              status: 'fail',
              summary: `${spec.label}: missing`,
              detail: `  Remedy: kmsp secrets set ${spec.name}   (or set ${spec.envVar}, or a systemd credential named ${spec.name})`,
            },
      );
    }
    const side = options.only?.side;
    const [platform, psa] = await Promise.all([
      side === 'psa' ? [] : checkPlatform(integration, options.lookupSecret),
      side === 'platform' ? [] : checkPsa(integration, options.lookupSecret, config.agent.timeZone),
    ]);
    results.push(...platform, ...psa);
  }
  return results;
}

const MARK: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗' };

/** Plain-text report (no colour codes: readable in journald, pipes and NO_COLOR terminals). */
export function formatDoctorReport(results: CheckResult[]): string {
  const lines: string[] = [];
  let current = '';
  for (const r of results) {
    const group = r.area === 'agent' ? 'Agent' : `Integration ${r.integration}`;
    if (group !== current) {
      current = group;
      lines.push(group);
    }
    lines.push(`  ${MARK[r.status]} ${r.summary}`);
    if (r.detail && r.status !== 'ok') lines.push(...r.detail.split('\n').map((l) => `    ${l.trimStart()}`));
  }
  const failed = results.filter((r) => r.status === 'fail').length;
  const warned = results.filter((r) => r.status === 'warn').length;
  lines.push('', failed ? `${plural(failed, 'check')} failed, ${plural(warned, 'warning')}.` : warned ? `All checks passed with ${plural(warned, 'warning')}.` : 'All checks passed.');
  return lines.join('\n');
}
