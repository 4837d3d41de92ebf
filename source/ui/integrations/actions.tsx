// What the integrations list does: show another integration, create one (the Connections tab's
// new-integration dialog), rename and delete one (console/integrations.ts through the session),
// asking and telling through the shell. The console root holds which integration is shown and
// which have their tabs open; it passes them in.
import type { ConsoleSession } from '../../console/session.js';
import { integrationNameProblem, pairWords, type DeleteOutcome, type RenameOutcome } from '../../console/integrations.js';
import { integrationSecrets } from '../../domain/secretNames.js';
import { describeRecords, type IntegrationRecords } from '../../store/ledger.js';
import type { ShellApi } from '../app.js';
import { createIntegration } from '../screens/connections/create.js';
import { IntegrationsDialog } from './integrations-dialog.js';

export interface IntegrationsHost {
  readonly session: ConsoleSession;
  /** The integration shown now. */
  current(): string | null;
  /** Show an integration (null: none is left), its tabs opened afresh when they were not open. */
  show(name: string | null): void;
  /** Close the tabs of an integration that was renamed or deleted (its drafts go with them). */
  drop(name: string): void;
  readonly now: () => Date;
  /** Relative CA file paths in the new-integration form are resolved from here. */
  readonly cwd?: string;
}

const hasRecords = (r: IntegrationRecords) => r.postings + r.tickets + r.cursors + r.runs > 0;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Show `name`, saying what the integration left keeps. */
export function showIntegration(host: IntegrationsHost, shell: ShellApi, name: string): void {
  const leaving = host.current();
  if (leaving === name) return;
  const kept = leaving ? shell.unsavedTabs(leaving) : [];
  host.show(name);
  const integration = host.session.integration(name);
  shell.notify(
    `Showing “${name}”${integration ? ` (${pairWords(integration)})` : ''}.` + (leaving && kept.length ? ` “${leaving}” keeps its unsaved changes on ${kept.join(', ')}.` : ''),
    'info',
  );
}

export async function renameFromList(host: IntegrationsHost, shell: ShellApi, name: string): Promise<RenameOutcome | undefined> {
  const { session } = host;
  const integration = session.integration(name);
  if (!integration) return undefined;
  const secrets = integrationSecrets(integration);
  const values = await shell.form({
    title: `Rename “${name}”`,
    intro: [
      `Its ${plural(secrets.length, 'secret')} move to the new names, in whichever secret store holds ${secrets.length === 1 ? 'it' : 'them'}; the ledger's records follow; the agent takes the new name from the config file.`,
    ],
    fields: [{ kind: 'text', id: 'name', label: 'New name', initial: name, validate: (v) => integrationNameProblem(v.trim(), session.config, { renaming: name, ledger: session.ledger }) }],
    validateAsYouType: true,
  });
  if (!values) return undefined;
  const to = String(values.name ?? '').trim();
  if (!(await shell.confirmDiscard(name, `Renaming closes the tabs of “${name}” and opens them under “${to}” from the saved settings.`))) return undefined;
  shell.notify(`Renaming “${name}” to “${to}”…`);
  let outcome: RenameOutcome;
  try {
    outcome = await session.renameIntegration(name, to);
  } catch (error) {
    shell.notify(error);
    return undefined;
  }
  const wasShown = host.current() === name;
  host.drop(name);
  if (wasShown) host.show(to);
  const moved = outcome.secrets.filter((s) => s.copiedIn.length > 0).length;
  const text =
    `Renamed “${name}” to “${to}”: ${moved ? `${plural(moved, 'secret')} moved to the new names` : 'no secret was stored to move'}` +
    (hasRecords(outcome.ledger) ? `; the ledger's records are now under “${to}” (${describeRecords(outcome.ledger)}).` : '; the ledger had no records of it yet.');
  shell.notify(outcome.warnings.length ? { kind: 'warning', text, cause: outcome.warnings.join(' '), remedy: 'Do what the cause says for each secret named; the rename itself is saved.' } : { kind: 'success', text });
  return outcome;
}

export async function deleteFromList(host: IntegrationsHost, shell: ShellApi, name: string): Promise<DeleteOutcome | undefined> {
  const { session } = host;
  const integration = session.integration(name);
  if (!integration) return undefined;
  let records: IntegrationRecords | null = null;
  try {
    records = session.ledger.recordsOf(name);
  } catch {
    // Only for the words below.
  }
  const secrets = integrationSecrets(integration).map((s) => s.name);
  const unsaved = shell.unsavedTabs(name);
  const values = await shell.form({
    title: `Delete “${name}”`,
    intro: [
      `“${name}” (${pairWords(integration)}) leaves the configuration: the agent stops billing and ticketing for it once it reloads.`,
      `Its secrets are deleted from the secret store: ${secrets.join(', ')}.`,
      records && !hasRecords(records)
        ? `The ledger has no records of “${name}”.`
        : `The ledger keeps its records${records ? ` (${describeRecords(records)})` : ''} under “${name}”: the history of what was billed and ticketed.`,
      ...(unsaved.length ? [`Its unsaved changes on ${unsaved.join(', ')} are discarded.`] : []),
    ],
    fields: [{ kind: 'text', id: 'confirm', label: `Type ${name} to delete it`, validate: (v) => (v.trim() === name ? undefined : `Type “${name}” exactly, or press Esc to keep it.`) }],
  });
  if (!values) return undefined;
  let outcome: DeleteOutcome;
  try {
    outcome = await session.deleteIntegration(name);
  } catch (error) {
    shell.notify(error);
    return undefined;
  }
  const wasShown = host.current() === name;
  host.drop(name);
  if (wasShown) host.show(session.config.integrations[0]?.name ?? null);
  const removed = outcome.secretsDeleted.length;
  const text =
    `Deleted “${name}”: ${removed ? `${plural(removed, 'secret')} removed from the secret store` : 'it had no stored secret'}; ` +
    (hasRecords(outcome.ledgerKept) ? `the ledger keeps its ${describeRecords(outcome.ledgerKept)} under “${name}”.` : 'the ledger had no records of it.') +
    (wasShown ? (session.config.integrations[0] ? ` Showing “${session.config.integrations[0].name}”.` : ' No integration is left: press n on Connections to create one.') : '');
  shell.notify(outcome.warnings.length ? { kind: 'warning', text, cause: outcome.warnings.join(' '), remedy: 'Remove those secrets where the cause says; the integration itself is deleted.' } : { kind: 'success', text });
  return outcome;
}

/** Open the list over the current tab. */
export function openIntegrationsList(host: IntegrationsHost, shell: ShellApi): void {
  shell.openDialog(({ close }) => (
    <IntegrationsDialog
      session={host.session}
      current={host.current}
      unsaved={(name) => shell.unsavedTabs(name)}
      now={host.now}
      onShow={(name) => {
        close();
        showIntegration(host, shell, name);
      }}
      onNew={() => {
        void createIntegration(shell, {
          session: host.session,
          cwd: host.cwd,
          onCreated: (name) => {
            close();
            host.show(name);
          },
        });
      }}
      onRename={(name) => void renameFromList(host, shell, name)}
      onDelete={(name) => void deleteFromList(host, shell, name)}
      onClose={close}
    />
  ));
}
