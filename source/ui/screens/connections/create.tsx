// A fresh configuration: say so, and let `n` create the integration (a form
// with its name, the KSC address and user, the Autotask API user and the
// secrets). Creation uses the domain's newIntegration, with the ticketing
// defaults of defaultTicketing() resolved against Autotask's live picklists
// (the console session refuses to save a new integration whose required
// ticket statuses are unresolved).
import { Box, Text } from 'ink';
import { INTEGRATION_NAME_PATTERN, type Integration } from '../../../domain/config.js';
import { AUTOTASK_DEFAULTS, defaultTicketing, KSC_DEFAULTS, newIntegration } from '../../../domain/defaults.js';
import { describeErrorLine, isKmspError } from '../../../domain/errors.js';
import { createPsa } from '../../../connectors/factory.js';
import { integrationSecrets } from '../../../domain/secretNames.js';
import { useCommands } from '../../keys/index.js';
import { useScreen, type ConsoleApi } from '../../console-context.js';
import type { FormField, FormValues } from '../../components/form-dialog.js';
import type { ScreenProps } from '../../screen.js';
import { useTheme } from '../../theme.js';
import { truncate } from '../../text.js';
import { wrap } from './results.js';
import type { ConnectionsScreenOptions } from './connections-screen.js';
import { parseCaFile, parseRequired, parseUrl, secretProblem } from './validate.js';
import type { SetResult } from '../../../store/secrets.js';
import { PLAINTEXT_REMEDY } from './secrets-view.js';

const message = (p: { ok: boolean; message?: string }) => (p.ok ? undefined : p.message);

export function creationFields(options: { suggestedName: string; taken: readonly string[]; cwd: string }): FormField[] {
  return [
    {
      kind: 'text',
      id: 'name',
      label: 'Integration name',
      initial: options.suggestedName,
      validate: (v) =>
        !INTEGRATION_NAME_PATTERN.test(v.trim())
          ? 'Only a–z, 0–9 and dashes, e.g. main.'
          : options.taken.includes(v.trim())
            ? `“${v.trim()}” exists already.`
            : undefined,
    },
    { kind: 'text', id: 'kscUrl', label: 'KSC URL', placeholder: 'https://ksc.example.local:13299', validate: (v) => message(parseUrl(v, { what: 'The URL' })) },
    { kind: 'text', id: 'kscUser', label: 'KSC user name', validate: (v) => message(parseRequired(v, 'The user name')) },
    { kind: 'secret', id: 'kscPassword', label: 'KSC password', placeholder: '(blank: enter it later)', validate: (v) => secretProblem(v, { optional: true }) },
    { kind: 'text', id: 'kscCa', label: 'KSC CA file', placeholder: '(blank: system CAs)', validate: (v) => message(parseCaFile(v, { cwd: options.cwd })) },
    {
      kind: 'text',
      id: 'zoneUrl',
      label: 'Autotask zone URL',
      initial: AUTOTASK_DEFAULTS.zoneDiscoveryUrl,
      validate: (v) => message(parseUrl(v, { what: 'The URL' })),
    },
    { kind: 'text', id: 'atUser', label: 'Autotask API user', placeholder: 'api@yourcompany.com', validate: (v) => message(parseRequired(v, 'The user name')) },
    { kind: 'secret', id: 'atSecret', label: 'Autotask API secret', placeholder: '(blank: enter it later)', validate: (v) => secretProblem(v, { optional: true }) },
    { kind: 'secret', id: 'atCode', label: 'Tracking identifier', placeholder: '(blank: enter it later)', validate: (v) => secretProblem(v, { optional: true }) },
  ];
}

/** The integration a creation form describes (values already validated by the form). */
export function integrationFromForm(values: FormValues, cwd: string): { integration: Integration; secrets: Array<{ name: string; label: string; value: string }> } {
  const text = (id: string) => String(values[id] ?? '').trim();
  const ca = parseCaFile(text('kscCa'), { cwd });
  const integration = newIntegration(
    text('name'),
    { ...KSC_DEFAULTS, url: text('kscUrl'), username: text('kscUser'), caFile: ca.ok ? ca.value : null },
    { ...AUTOTASK_DEFAULTS, zoneDiscoveryUrl: text('zoneUrl'), username: text('atUser') },
  );
  const typed: Record<string, string> = { 'ksc.password': text('kscPassword'), 'autotask.secret': text('atSecret'), 'autotask.integration-code': text('atCode') };
  const secrets = integrationSecrets(integration).flatMap((spec) => {
    const value = typed[spec.name.slice(integration.name.length + 1)] ?? '';
    return value ? [{ name: spec.name, label: spec.label, value }] : [];
  });
  return { integration, secrets };
}

export interface NewIntegrationOptions {
  readonly session: ConnectionsScreenOptions['session'];
  /** The name suggested (default: "main" in a configuration without integrations). */
  readonly integrationName?: string | null | undefined;
  /** Relative CA file paths are resolved from here (default: the current directory). */
  readonly cwd?: string | undefined;
  readonly onCreated: (name: string) => void;
}

/**
 * The new-integration dialog: the form, then its secrets stored and the integration saved, saying
 * what happened through `screen`. `n` here runs it, and so does the integrations list (I).
 */
export async function createIntegration(screen: ConsoleApi, { session, integrationName, cwd, onCreated }: NewIntegrationOptions): Promise<void> {
  const configured = session.config.integrations.map((i) => i.name);
  const dir = cwd ?? process.cwd();
  const values = await screen.form({
    title: 'New integration: one KSC and one Autotask',
    fields: creationFields({ suggestedName: integrationName ?? (configured.length === 0 ? 'main' : ''), taken: configured, cwd: dir }),
  });
  if (!values) return;
  const { integration, secrets } = integrationFromForm(values, dir);
  screen.notify(`Creating “${integration.name}”: storing its secrets and asking Autotask for its ticket statuses…`);
  // Secrets first: Autotask needs them to answer.
  const stored: SetResult[] = [];
  const failed: string[] = [];
  for (const secret of secrets) {
    try {
      stored.push(await session.setSecret(secret.name, secret.value));
    } catch (error) {
      failed.push(`${secret.label}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  // The ticketing defaults name PSA values by label ("New", "Complete"); resolve them
  // against the live picklists, as the demo does. Without an answer they stay unresolved.
  let unreachable: unknown = null;
  try {
    const psa = await createPsa(integration, (name) => session.secrets.get(name));
    try {
      integration.ticketing = defaultTicketing(await psa.ticketPicklists());
    } finally {
      await psa.close().catch(() => undefined);
    }
  } catch (error) {
    unreachable = error;
  }
  try {
    session.saveConfig({ ...session.config, integrations: [...session.config.integrations, integration] }, 'created on the Connections tab');
  } catch (error) {
    if (failed.length) {
      screen.notify({ kind: 'error', text: `Integration “${integration.name}” not created: secrets could not be stored.`, cause: failed.join('; '), remedy: 'Press n again and correct them.' });
      return;
    }
    screen.notify(
      unreachable
        ? {
            kind: 'error',
            text: `Integration “${integration.name}” not created: its ticket statuses come from Autotask, which did not answer (${isKmspError(error) && error.why ? error.why : String(error)})`,
            cause: describeErrorLine(unreachable),
            remedy: 'Check the Autotask zone URL, API user and secrets, then press n again (the secrets typed are kept).',
          }
        : error,
    );
    return;
  }
  onCreated(integration.name);
  const missing = integrationSecrets(integration).filter((spec) => !secrets.some((s) => s.name === spec.name) || failed.some((f) => f.startsWith(spec.label)));
  const text =
    `Created integration “${integration.name}”.` +
    (missing.length ? ` Still missing: ${missing.map((m) => m.label).join(', ')} (Enter on the row sets it).` : ' Press t to test the connection.');
  const inFile = stored.filter((s) => s.backend === 'file').length;
  const others = [...new Set(stored.flatMap((s) => s.warnings).filter((w) => !w.startsWith('The secret was stored in the plaintext file')))];
  if (failed.length) screen.notify({ kind: 'error', text, cause: failed.join('; '), remedy: 'Enter the secrets again on their rows (Enter).' });
  else if (inFile)
    screen.notify({
      kind: 'warning',
      text: `${text}${others.length ? ` ${others.join(' ')}` : ''}`,
      cause: `${inFile === 1 ? 'its secret went' : `${inFile} secrets went`} to the plaintext file ${session.paths.secretsFile} (mode 0600), not encrypted.`,
      remedy: PLAINTEXT_REMEDY,
    });
  else if (others.length) screen.notify({ kind: 'warning', text: `${text} ${others.join(' ')}` });
  else screen.notify({ kind: 'success', text });
}

export function NoIntegration({ width, active, session, integrationName, cwd, onCreated }: ScreenProps & ConnectionsScreenOptions & { onCreated: (name: string) => void }) {
  const screen = useScreen();
  const theme = useTheme();
  const configured = session.config.integrations.map((i) => i.name);

  const create = () => createIntegration(screen, { session, integrationName, cwd, onCreated });
  useCommands('Connections', [{ id: 'connections.new', keys: ['n'], description: 'Create an integration (KSC + Autotask)', hint: 'new integration', run: () => void create() }], { active });

  const lines =
    integrationName && configured.length > 0
      ? [`No integration named “${integrationName}”. Configured: ${configured.join(', ')}.`, `Press n to create “${integrationName}”, or start kmsp with one of the configured names.`]
      : configured.length > 0
        ? ['No integration selected.', 'Press n to create one.']
        : [
            'No integration is set up yet.',
            'An integration links one Kaspersky Security Center to one Autotask. Press n to create one: its name,',
            'the KSC address and user, the Autotask API user, and the secrets (kept in the secret store, never in the config file).',
          ];
  return (
    <Box flexDirection="column" width={width}>
      {lines.flatMap((line, i) => wrap(line, width)).map((line, i) => (
        <Text key={i} wrap="truncate-end" {...theme.style(i === 0 ? 'title' : 'normal')}>
          {truncate(line, width)}
        </Text>
      ))}
      <Text wrap="truncate-end" {...theme.style('muted')}>
        {truncate(`Config file: ${session.configStore.path}`, width)}
      </Text>
    </Box>
  );
}
