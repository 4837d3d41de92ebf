// Saving the Accounts tab: validate the draft, write the configuration, then
// write the mapped tenant's name into each affected PSA account's custom field
// (SPEC.md §2.2). The configuration is the source of truth and is saved first;
// a custom field that cannot be written is a warning naming the account, never a
// lost mapping — the next save repairs it (udfWrites compares with live values).
import { saveBlockers, udfWrites, type AccountsContext, type AccountsState, type SaveBlocker } from '../domain/accountsDraft.js';
import type { TenantMapping } from '../domain/config.js';
import { describeErrorLine, KmspError } from '../domain/errors.js';
import type { ConsoleSession } from './session.js';

export interface AccountsSaveResult {
  saved: TenantMapping[];
  /** Custom-field writes that succeeded. */
  fieldsWritten: number;
  warnings: string[];
  summary: string;
}

/** Why Save refused the draft: every blocker, each naming its row. The screen shows it again as the blockers change. */
export function saveBlockedError(blockers: readonly SaveBlocker[]): KmspError {
  return new KmspError(`Cannot save: ${blockers.length === 1 ? 'one problem' : `${blockers.length} problems`} to fix first`, {
    kind: 'config',
    cause: blockers.map((b) => b.message).join(' '),
    remedy: 'Fix each row named above (choose a contract, or turn billing off), then save again.',
  });
}

export async function saveAccounts(session: ConsoleSession, integrationName: string, state: AccountsState, ctx: AccountsContext = {}): Promise<AccountsSaveResult> {
  const blockers = saveBlockers(state, ctx);
  if (blockers.length > 0) throw saveBlockedError(blockers);
  const integration = session.integration(integrationName);
  if (!integration) throw new KmspError(`No integration named “${integrationName}”`, { kind: 'config' });
  const field = integration.psa.tenantNameField;

  // Live field values let the save skip writes that are already right and repair ones that drifted.
  let live: { accounts: Awaited<ReturnType<ConsoleSession['accounts']>>; fieldName: string } | undefined;
  try {
    live = { accounts: await session.accounts(integrationName), fieldName: field };
  } catch {
    live = undefined;
  }
  const writes = udfWrites(state.saved, state.draft, live);

  const result = session.updateIntegration(integrationName, (i) => ({ ...i, tenants: state.draft.map((m) => ({ ...m })) }), 'Accounts tab');
  const warnings: string[] = [];
  let fieldsWritten = 0;
  if (writes.length > 0) {
    try {
      const psa = await session.psa(integrationName);
      let missingReported = false;
      for (const write of writes) {
        try {
          const outcome = await psa.setAccountField(write.accountId, field, write.value);
          if (outcome === 'field-missing') {
            if (!missingReported) {
              warnings.push(
                `The account field “${field}” does not exist in ${integration.psa.kind === 'autotask' ? 'Autotask' : 'the PSA'}, so tenant names were not written to accounts. Create it as a Company user-defined field, or change its name in Connections.`,
              );
              missingReported = true;
            }
          } else fieldsWritten++;
        } catch (error) {
          warnings.push(`Could not write “${field}” on account “${write.accountName ?? write.accountId}”: ${describeErrorLine(error)}`);
        }
      }
    } catch (error) {
      warnings.push(`Mappings saved, but account fields were not updated: ${describeErrorLine(error)}`);
    }
    session.invalidate(integrationName, ['accounts']);
  }
  // What the file now holds: another console's mappings saved meanwhile were merged in (session.saveConfig).
  const saved = session.integration(integrationName)?.tenants.map((m) => ({ ...m })) ?? state.draft;
  return { saved, fieldsWritten, warnings, summary: result.summary };
}
