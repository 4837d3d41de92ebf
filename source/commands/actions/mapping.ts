// The actions of kmsp map and kmsp unmap (commands/map.ts declares them), and the Accounts save
// with its report, shared with kmsp config import --mappings.
import type { Command } from 'commander';
import { saveAccounts, saveNotice } from '../../console/accountsSave.js';
import { accountsReducer, changedTenants, elsewhereContext, initialAccountsState, saveBlockers, type AccountsContext, type AccountsState } from '../../domain/accountsDraft.js';
import { contractProblem } from '../../domain/billingChecks.js';
import { calendarDate } from '../../domain/dates.js';
import { KmspError } from '../../domain/errors.js';
import { applyMapping, type MappingRequest } from '../../domain/mappingEdit.js';
import { billingWords, platformProfile, psaProfile } from '../../domain/profiles/index.js';
import { resolveRef } from '../../domain/resolveRef.js';
import type { Integration } from '../../domain/config.js';
import type { PsaContract, Tenant } from '../../domain/types.js';
import { guarded, type CommandIo } from '../common.js';
import { withEditSession, type EditContext } from './editSession.js';

interface MapOptions {
  contract?: string;
  priceLevel?: string;
  billing?: string;
  integration?: string;
  reason?: string;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The words of an integration's vendors, for names in messages. */
export function vendorWords(integration: Pick<Integration, 'platform' | 'psa'>) {
  const psa = psaProfile(integration.psa.kind).words;
  const platform = platformProfile(integration.platform.kind).words;
  return { psa, platform, account: `${psa.short} ${psa.account}`, tenant: platform.tenant };
}

/** on/off (also yes/no, true/false); a KmspError naming what is taken otherwise. */
export function onOff(text: string, what: string): boolean {
  const t = text.trim().toLowerCase();
  if (['on', 'yes', 'true', '1'].includes(t)) return true;
  if (['off', 'no', 'false', '0'].includes(t)) return false;
  throw new KmspError(`${what} takes on or off, not “${text}”`, { kind: 'config', remedy: `Pass ${what} on or ${what} off.` });
}

/** Every tenant a command may name: the platform's, and the integration's rows the platform no longer lists. */
export function tenantCandidates(live: readonly Tenant[], integration: Integration): Array<Pick<Tenant, 'id' | 'name'>> {
  const ids = new Set(live.map((t) => t.id));
  return [...live, ...integration.tenants.filter((m) => !ids.has(m.tenantId)).map((m) => ({ id: m.tenantId, name: m.tenantName }))];
}

/**
 * Saves an Accounts draft the console's way and says what happened: the mappings changed, the
 * audit, and the tenant names written into the PSA (a warning, on stderr, for names not
 * written: the mappings stay saved and running the command again writes the missing ones).
 */
export async function saveMappingDraft(io: CommandIo, ctx: EditContext, state: AccountsState, accountsCtx: AccountsContext, retry: string, reason?: string): Promise<void> {
  const { session, integration, actor } = ctx;
  const changed = changedTenants(state);
  const words = vendorWords(integration);
  const result = await saveAccounts(session, integration.name, state, accountsCtx, { reason: reason || null });
  const notice = saveNotice(changed.length, result.fields, {
    tenantWord: words.tenant,
    psaName: words.psa.name,
    account: words.psa.account,
    accounts: words.psa.accounts,
    accountFieldFix: words.psa.accountFieldFix,
    retry,
  });
  if (changed.length > 0) io.out(`Saved in ${ctx.paths.configFile}: ${result.summary}\nRecorded in the ledger's config audit as ${actor}.\n`);
  else if (result.fields.needed === 0) io.out(`Nothing changed: the mapping is already so in ${ctx.paths.configFile}, and the ${words.psa.accountField} holds the ${words.tenant} name.\n`);
  if (notice.kind === 'success') {
    if (result.fields.needed > 0) io.out(`${cap(notice.text)}\n`);
    return;
  }
  io.err(`Warning: ${notice.text}\n${notice.cause ? `  Cause: ${notice.cause}\n` : ''}${notice.remedy ? `  Remedy: ${notice.remedy}\n` : ''}`);
}

/** The contract of a mapped row, as it is checked before billing (dates, account, kind): a warning, never a refusal. */
function contractWarning(integration: Integration, state: AccountsState, tenantId: string, contracts: readonly PsaContract[], timeZone: string): string | null {
  const row = state.draft.find((r) => r.tenantId === tenantId);
  if (!row?.billing || !row.contractId) return null;
  const problem = contractProblem(row, contracts.find((c) => c.id === row.contractId), calendarDate(new Date(), timeZone), undefined, billingWords(integration.psa.kind));
  return problem ? `${problem.message}: ${problem.cause}. ${problem.remedy}` : null;
}

async function map(io: CommandIo, command: Command, tenantArg: string, accountArg: string, options: MapOptions): Promise<void> {
  const billing = options.billing === undefined ? undefined : onOff(options.billing, '--billing');
  await withEditSession(command, 'map', { refused: 'Not mapped: ' }, async (ctx) => {
    const { session, integration } = ctx;
    const words = vendorWords(integration);
    const [live, accounts] = await Promise.all([session.tenants(integration.name), session.accounts(integration.name)]);
    const tenant = resolveRef(tenantArg, tenantCandidates(live, integration), { what: words.tenant, listCommand: 'kmsp list tenants' });
    const account = resolveRef(accountArg, accounts, { what: words.account, listCommand: 'kmsp list accounts' });
    const request: MappingRequest = { tenant, account, ...(billing !== undefined ? { billing } : {}) };
    let contracts: PsaContract[] = [];
    if (options.contract !== undefined) {
      contracts = await session.contracts(integration.name);
      // The account's own contracts first; one of another account is refused by the console's rule, naming it.
      const own = contracts.filter((c) => c.accountId === account.id);
      try {
        request.contract = resolveRef(options.contract, own, { what: `${words.psa.contract} of “${account.name}”`, whats: `${words.psa.contracts} of “${account.name}”`, listCommand: `kmsp list contracts ${account.id}` });
      } catch (error) {
        const elsewhere = contracts.filter((c) => c.id === options.contract!.trim());
        if (elsewhere.length !== 1) throw error;
        request.contract = elsewhere[0]!;
      }
    }
    if (options.priceLevel !== undefined) {
      const level = psaProfile(integration.psa.kind).posting.priceLevel;
      if (!level) throw new KmspError(`Not mapped: ${words.psa.name} prices usage itself; there is no price level to choose.`, { kind: 'config', remedy: 'Leave --price-level out.' });
      request.priceLevel = resolveRef(options.priceLevel, await session.priceLevels(integration.name), { what: level.word, listCommand: 'kmsp list price-levels' });
    }
    const accountsCtx = elsewhereContext(integration, session.config.integrations);
    const outcome = applyMapping(initialAccountsState(integration.tenants), request, accountsCtx);
    if (outcome.refusal) throw new KmspError(`Not mapped: ${outcome.refusal.message}`, { kind: 'config', remedy: 'Nothing was saved. Change what the message names, then run kmsp map again.' });
    const blockers = saveBlockers(outcome.state, accountsCtx);
    if (blockers.length > 0) {
      const level = psaProfile(integration.psa.kind).posting.priceLevel;
      throw new KmspError(`Not mapped: ${blockers.length === 1 ? 'one problem' : `${blockers.length} problems`} to fix first`, {
        kind: 'config',
        cause: blockers.map((b) => b.message).join(' '),
        remedy: `Nothing was saved. Give --contract C (kmsp list contracts ACCOUNT)${level ? ` and --price-level P (kmsp list price-levels)` : ''}, or --billing off; a row named that is not this ${words.tenant} is fixed with its own kmsp map or kmsp unmap.`,
      });
    }
    await saveMappingDraft(io, ctx, outcome.state, accountsCtx, `run kmsp map ${tenant.id} ${account.id} again`, options.reason?.trim());
    if (contracts.length > 0) {
      const warning = contractWarning(integration, outcome.state, tenant.id, contracts, session.config.agent.timeZone);
      if (warning) io.err(`Warning: ${warning}\n`);
    }
    const row = session.integration(integration.name)?.tenants.find((r) => r.tenantId === tenant.id);
    if (row) io.out(`${cap(words.tenant)} “${row.tenantName}” → ${words.account} “${row.accountName}”${row.contractId ? `, ${words.psa.contract} “${row.contractName}”` : ''}${row.priceLevelName ? `, ${psaProfile(integration.psa.kind).posting.priceLevel?.word ?? 'price level'} “${row.priceLevelName}”` : ''}; billing ${row.billing ? 'on' : 'off'}.\n`);
  });
}

async function unmap(io: CommandIo, command: Command, tenantArg: string, options: { remove?: boolean; reason?: string }): Promise<void> {
  await withEditSession(command, 'unmap', { refused: 'Not unmapped: ' }, async (ctx) => {
    const { session, integration } = ctx;
    const words = vendorWords(integration);
    // Only the integration's own rows can be unmapped; the platform is not asked.
    const rows = integration.tenants.map((m) => ({ id: m.tenantId, name: m.tenantName }));
    const tenant = resolveRef(tenantArg, rows, { what: `${words.tenant} of integration “${integration.name}”`, listCommand: 'kmsp list tenants' });
    const accountsCtx = elsewhereContext(integration, session.config.integrations);
    const state = initialAccountsState(integration.tenants);
    const outcome = options.remove
      ? accountsReducer(state, { type: 'setTenants', tenants: rows.filter((r) => r.id !== tenant.id) }, accountsCtx)
      : applyMapping(state, { tenant, account: null }, accountsCtx);
    if (outcome.refusal) throw new KmspError(`Not unmapped: ${outcome.refusal.message}`, { kind: 'config', remedy: 'Nothing was saved.' });
    await saveMappingDraft(io, ctx, outcome.state, accountsCtx, `run kmsp unmap ${tenant.id} again`, options.reason?.trim());
  });
}

export function mappingActions(io: CommandIo) {
  // Failures are said as every command says them: what, why, what to do; exit 1.
  const guard = <A extends unknown[]>(fn: (...args: A) => Promise<void>) => guarded(io, fn);
  return {
    map: guard((tenant: string, account: string, options: MapOptions, command: Command) => map(io, command, tenant, account, options)),
    unmap: guard((tenant: string, options: { remove?: boolean; reason?: string }, command: Command) => unmap(io, command, tenant, options)),
  };
}
