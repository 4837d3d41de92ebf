// A new integration: a two-step dialog. First its name and the two systems it links (any
// security platform × PSA of this build's profiles; a platform without a connector is listed as
// "not supported yet" and cannot be chosen). Then the connection fields of the chosen profiles
// that have no default (or that the profile asks for on creation) and their secrets. Creation
// uses the domain's newIntegration, with the ticketing defaults resolved against the PSA's live
// picklists (the console session refuses to save a new integration whose required ticket values
// are unresolved). `n` on an empty Connections tab opens it; other screens call
// createIntegration.
import { Box, Text } from 'ink';
import { isSupportedPlatformKind, isSupportedPsaKind, psaVendor } from '../../../connectors/registry.js';
import { ledgerNameProblem } from '../../../console/integrations.js';
import type { ConsoleSession } from '../../../console/session.js';
import { INTEGRATION_NAME_PATTERN, type Integration } from '../../../domain/config.js';
import { DEFAULT_APPROVALS } from '../../../domain/billingGuards.js';
import { defaultTicketing, newIntegration } from '../../../domain/defaults.js';
import { describeErrorLine, isKmspError } from '../../../domain/errors.js';
import {
  newConnection,
  PLATFORM_KINDS,
  platformProfile,
  PSA_KINDS,
  psaProfile,
  type ConnectionFieldSpec,
  type PlatformProfile,
  type PsaProfile,
  type SecretFieldSpec,
} from '../../../domain/profiles/index.js';
import { integrationSecrets } from '../../../domain/secretNames.js';
import type { PlatformKind, PsaKind } from '../../../domain/types.js';
import type { Ledger } from '../../../store/ledger.js';
import type { SetResult } from '../../../store/secrets.js';
import type { FormField, FormValues } from '../../components/form-dialog.js';
import type { SelectOption } from '../../components/search-select/use-search-select-state.js';
import { useScreen, type ConsoleApi } from '../../console-context.js';
import { useCommands } from '../../keys/index.js';
import type { ScreenProps } from '../../screen.js';
import { truncate } from '../../text.js';
import { useTheme } from '../../theme.js';
import type { ConnectionsScreenOptions } from './connections-screen.js';
import { wrap } from './results.js';
import { PLAINTEXT_REMEDY } from './secrets-view.js';
import { fieldWhat, parseConnectionField, secretProblem } from './validate.js';

const message = (p: { ok: boolean; message?: string }) => (p.ok ? undefined : p.message);

/** The two systems an integration links. */
export interface IntegrationPair {
  readonly platform: PlatformKind;
  readonly psa: PsaKind;
}

/** Shown for a kind this build has a profile of but no connector for. */
export const NOT_SUPPORTED_YET = 'not supported yet';

/** The platforms and PSAs the first step offers, in the profiles' order. */
export function pairChoices(): { platforms: SelectOption<string>[]; psas: SelectOption<string>[] } {
  return {
    platforms: PLATFORM_KINDS.map((kind) => ({ value: kind, label: platformProfile(kind).words.name, ...(isSupportedPlatformKind(kind) ? {} : { disabled: NOT_SUPPORTED_YET }) })),
    // A PSA can be configured before its connector is part of the build: its ticket values are
    // then matched the first time kmsp reaches it (connectors/registry.ts says which build speaks it).
    psas: PSA_KINDS.map((kind) => ({ value: kind, label: psaProfile(kind).words.name, ...(isSupportedPsaKind(kind) ? {} : { detail: 'no connector in this build yet' }) })),
  };
}

/** Step 1: the name and the two systems. */
export function pairFields(options: { suggestedName: string; taken: readonly string[]; ledger?: Pick<Ledger, 'recordsOf'> }): FormField[] {
  const { platforms, psas } = pairChoices();
  const firstPlatform = platforms.find((o) => !o.disabled)?.value ?? null;
  const firstPsa = psas.find((o) => isSupportedPsaKind(o.value))?.value ?? psas[0]?.value ?? null;
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
            : options.ledger
              ? ledgerNameProblem(v.trim(), options.ledger)
              : undefined,
    },
    { kind: 'choice', id: 'platform', label: 'Security platform', options: platforms, initial: firstPlatform, required: true, noun: 'platforms' },
    { kind: 'choice', id: 'psa', label: 'PSA', options: psas, initial: firstPsa, required: true, noun: 'PSAs' },
  ];
}

/** Asked on creation: a field without a default, or one the profile asks for; a field hidden by the defaults is not. */
function asked(spec: ConnectionFieldSpec, all: readonly ConnectionFieldSpec[]): boolean {
  if (spec.default !== undefined && !spec.askOnCreate) return false;
  if (!spec.showWhen) return true;
  const other = all.find((s) => s.key === spec.showWhen!.key);
  return other?.default === spec.showWhen.equals;
}

/** Form labels are at most this wide (the form dialog's label column). */
const LABEL_ROOM = 24;

/** "KSC URL", "Autotask API user name"; a label too long with the vendor's name goes alone ("Zone discovery URL"). */
function formLabel(vendorShort: string, label: string): string {
  const named = fieldWhat(vendorShort, label).slice('The '.length);
  return named.length <= LABEL_ROOM ? named : label;
}

type Side = 'platform' | 'psa';

function sideFields(side: Side, profile: PlatformProfile | PsaProfile, cwd: string): FormField[] {
  const short = profile.words.short;
  const out: FormField[] = [];
  for (const spec of profile.connection) {
    if (!asked(spec, profile.connection)) continue;
    const id = `${side}.${spec.key}`;
    const label = formLabel(short, spec.label);
    if (spec.kind === 'toggle') {
      out.push({ kind: 'toggle', id, label, initial: spec.default === true });
      continue;
    }
    const what = fieldWhat(short, spec.label);
    const placeholder = spec.example ?? spec.emptyText;
    out.push({
      kind: 'text',
      id,
      label,
      ...(typeof spec.default === 'string' ? { initial: spec.default } : {}),
      ...(placeholder ? { placeholder } : {}),
      validate: (v) => message(parseConnectionField(spec, v, { what, caFile: { cwd } })),
    });
  }
  for (const secret of profile.secrets) {
    const placeholder = secret.optional ? `(blank: ${secret.optional.emptyText.replace(/^\(|\)$/g, '')})` : '(blank: enter it later)';
    out.push({ kind: 'secret', id: secretFieldId(secret), label: formLabel(short, secret.short), placeholder, validate: (v) => secretProblem(v, { optional: true }) });
  }
  return out;
}

const secretFieldId = (secret: Pick<SecretFieldSpec, 'part'>) => `secret:${secret.part}`;

/** Step 2: the fields of the chosen profiles, platform first, each side's secrets after its settings. */
export function creationFields(pair: IntegrationPair, options: { cwd: string }): FormField[] {
  return [...sideFields('platform', platformProfile(pair.platform), options.cwd), ...sideFields('psa', psaProfile(pair.psa), options.cwd)];
}

function sideValues(side: Side, profile: PlatformProfile | PsaProfile, values: FormValues, cwd: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of profile.connection) {
    const id = `${side}.${spec.key}`;
    if (!Object.hasOwn(values, id)) continue;
    if (spec.kind === 'toggle') {
      out[spec.key] = values[id] === true;
      continue;
    }
    const parsed = parseConnectionField(spec, String(values[id] ?? ''), { what: spec.label, caFile: { cwd } });
    // The form refused every value that does not parse; a value that stopped parsing since (a CA file removed) is left to its default.
    if (parsed.ok) out[spec.key] = parsed.value;
  }
  return out;
}

/** The integration the two steps describe (values already validated by the forms), and the secrets typed. */
export function integrationFromForm(
  name: string,
  pair: IntegrationPair,
  values: FormValues,
  cwd: string,
): { integration: Integration; secrets: Array<{ name: string; label: string; value: string }> } {
  const platform = platformProfile(pair.platform);
  // psaProfile answers only for kinds with a profile, all of which the configuration can hold.
  const psa = psaProfile(pair.psa) as PsaProfile<Integration['psa']['kind']>;
  const integration = newIntegration(
    name,
    newConnection(platform, sideValues('platform', platform, values, cwd)) as Integration['platform'],
    newConnection(psa, sideValues('psa', psa, values, cwd)) as Integration['psa'],
  );
  // A new integration holds risky billing changes for a person (README › Billing approvals).
  integration.approvals = { ...DEFAULT_APPROVALS };
  const secrets = integrationSecrets(integration).flatMap((spec) => {
    const value = String(values[secretFieldId(spec)] ?? '').trim();
    return value ? [{ name: spec.name, label: spec.label, value }] : [];
  });
  return { integration, secrets };
}

export interface NewIntegrationOptions {
  readonly session: ConsoleSession;
  /** The name suggested (default: "main" in a configuration without integrations). */
  readonly integrationName?: string | null | undefined;
  /** Relative CA file paths are resolved from here (default: the current directory). */
  readonly cwd?: string | undefined;
  /** Told the name once the integration is saved. */
  readonly onCreated: (name: string) => void;
  /** How to try again, for messages (default "press n again"). */
  readonly again?: string;
}

/**
 * The new-integration dialog (the two steps), then its secrets stored, its ticketing defaults
 * resolved against the PSA and the integration saved, saying what happened through `screen`.
 * `n` on an empty Connections tab runs it; so may any screen (the integrations list).
 */
export async function createIntegration(screen: ConsoleApi, options: NewIntegrationOptions): Promise<void> {
  const created = await runDialog(screen, options);
  if (created) options.onCreated(created);
}

async function runDialog(ui: ConsoleApi, options: NewIntegrationOptions): Promise<string | null> {
  const { session } = options;
  const cwd = options.cwd ?? process.cwd();
  const again = options.again ?? 'press n again';
  const configured = session.config.integrations.map((i) => i.name);
  const first = await ui.form({
    title: 'New integration (1 of 2): its name and the two systems',
    intro: ['An integration links one security platform to one PSA. Enter on a system lists the choices.'],
    fields: pairFields({ suggestedName: options.integrationName ?? (configured.length === 0 ? 'main' : ''), taken: configured, ledger: session.ledger }),
  });
  if (!first) return null;
  const name = String(first.name ?? '').trim();
  const pair: IntegrationPair = { platform: String(first.platform) as PlatformKind, psa: String(first.psa) as PsaKind };
  const platformWords = platformProfile(pair.platform).words;
  const psaWords = psaProfile(pair.psa).words;
  const values = await ui.form({
    title: `New integration “${name}” (2 of 2): ${platformWords.short} and ${psaWords.short}`,
    intro: [`Secrets go to the secret store, never to the config file; leave one blank to enter it later on the Connections tab.`],
    fields: creationFields(pair, { cwd }),
  });
  if (!values) return null;
  const { integration, secrets } = integrationFromForm(name, pair, values, cwd);
  const psaName = psaWords.name;
  const connectable = isSupportedPsaKind(pair.psa);
  ui.notify(
    connectable
      ? `Creating “${integration.name}”: storing its secrets and asking ${psaName} for its ticket values…`
      : `Creating “${integration.name}”: storing its secrets…`,
  );
  // Secrets first: the PSA needs them to answer.
  const stored: SetResult[] = [];
  const failed: string[] = [];
  for (const secret of secrets) {
    try {
      stored.push(await session.setSecret(secret.name, secret.value));
    } catch (error) {
      failed.push(`${secret.label}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  // The ticketing defaults name PSA values by label ("New", "Complete"); resolve them against
  // the live picklists, as the demo does. Without an answer they stay unresolved.
  let unreachable: unknown = null;
  if (connectable) {
    try {
      // Best effort while the admin waits on Save (the values are matched later anyway): one
      // retry, short timeouts and waits, not the agent's patient backoff and Retry-After.
      const psa = await psaVendor(pair.psa).connect(integration, (secret) => session.secrets.get(secret), { retries: 1, timeoutMs: 10_000, maxRetryAfterMs: 5_000 });
      try {
        integration.ticketing = defaultTicketing(platformProfile(pair.platform), psaProfile(pair.psa), await psa.ticketPicklists());
      } finally {
        await psa.close().catch(() => undefined);
      }
    } catch (error) {
      unreachable = error;
    }
  }
  // A setting the connector refused (a plain-http URL, an address that is no API): that is the
  // cause, with its own remedy, not a PSA that did not answer.
  const refused = isKmspError(unreachable) && unreachable.kind === 'config' ? unreachable : null;
  try {
    session.saveConfig({ ...session.config, integrations: [...session.config.integrations, integration] }, 'created on the Connections tab');
  } catch (error) {
    if (failed.length) {
      ui.notify({ kind: 'error', text: `Integration “${integration.name}” not created: secrets could not be stored.`, cause: failed.join('; '), remedy: `${capitalise(again)} and correct them.` });
      return null;
    }
    const settings = askedLabels(pair.psa);
    ui.notify(
      refused
        ? {
            kind: 'error',
            text: `Integration “${integration.name}” not created: ${refused.message}`,
            ...(refused.why ? { cause: refused.why } : {}),
            remedy: `${refused.remedy ? `${refused.remedy} ` : ''}Then ${again} (the secrets typed are kept).`,
          }
        : unreachable
        ? {
            kind: 'error',
            text: `Integration “${integration.name}” not created: its ticket values come from ${psaName}, which did not answer (${isKmspError(error) && error.why ? error.why : String(error)})`,
            cause: describeErrorLine(unreachable),
            remedy: `Check the ${psaName} ${listWords([...settings, 'secrets'])}, then ${again} (the secrets typed are kept).`,
          }
        : isKmspError(error)
          ? { kind: 'error', text: `Integration “${integration.name}” not created: ${error.message}`, ...(error.why ? { cause: error.why } : {}), ...(error.remedy ? { remedy: error.remedy } : {}) }
          : error,
    );
    return null;
  }
  const missing = integrationSecrets(integration).filter((spec) => (!spec.optional && !secrets.some((s) => s.name === spec.name)) || failed.some((f) => f.startsWith(spec.label)));
  const text =
    `Created integration “${integration.name}”.` +
    (connectable ? '' : ` ${psaName} has no connector in this build yet: its ticket values are matched once kmsp reaches it.`) +
    (refused ? ` ${refused.message}: ${psaName}'s ticket values are matched once it is corrected.` : unreachable ? ` ${psaName} did not answer: its ticket values are matched once it does.` : '') +
    (missing.length ? ` Still missing: ${missing.map((m) => m.label).join(', ')} (Enter on the row sets it).` : connectable ? ' Press t to test the connection.' : '');
  const inFile = stored.filter((s) => s.backend === 'file').length;
  const others = [...new Set(stored.flatMap((s) => s.warnings).filter((w) => !w.startsWith('The secret was stored in the plaintext file')))];
  if (failed.length) ui.notify({ kind: 'error', text, cause: failed.join('; '), remedy: 'Enter the secrets again on their rows (Enter).' });
  else if (unreachable)
    ui.notify({
      kind: 'warning',
      text,
      cause: describeErrorLine(unreachable),
      remedy: refused?.remedy ? `${refused.remedy} Then t tests the connection.` : `Check the ${psaName} ${listWords([...askedLabels(pair.psa), 'secrets'])} on this tab, then t tests the connection.`,
    });
  else if (inFile)
    ui.notify({
      kind: 'warning',
      text: `${text}${others.length ? ` ${others.join(' ')}` : ''}`,
      cause: `${inFile === 1 ? 'its secret went' : `${inFile} secrets went`} to the plaintext file ${session.paths.secretsFile} (mode 0600), not encrypted.`,
      remedy: PLAINTEXT_REMEDY,
    });
  else if (others.length || !connectable) ui.notify({ kind: 'warning', text: `${text}${others.length ? ` ${others.join(' ')}` : ''}` });
  else ui.notify({ kind: 'success', text });
  return integration.name;
}

/** The labels of the PSA's settings the dialog asked for (what a remedy tells to check). */
function askedLabels(kind: PsaKind): string[] {
  const { connection } = psaProfile(kind);
  return connection.filter((spec) => asked(spec, connection)).map((spec) => spec.label);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "a, b and c", labels lower-cased unless they start with an acronym. */
function listWords(words: readonly string[]): string {
  const shown = words.map((w) => (/^[A-Z]{2}/u.test(w) ? w : w.charAt(0).toLowerCase() + w.slice(1)));
  return shown.length <= 1 ? (shown[0] ?? '') : `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}

export function NoIntegration({ width, active, session, integrationName, cwd, onCreated }: ScreenProps & ConnectionsScreenOptions & { onCreated: (name: string) => void }) {
  const screen = useScreen();
  const theme = useTheme();
  const configured = session.config.integrations.map((i) => i.name);

  const create = () => createIntegration(screen, { session, integrationName, cwd, onCreated });

  useCommands('Connections', [{ id: 'connections.new', keys: ['n'], description: 'Create an integration (a security platform and a PSA)', hint: 'new integration', run: () => void create() }], {
    active,
  });

  const lines =
    integrationName && configured.length > 0
      ? [`No integration named “${integrationName}”. Configured: ${configured.join(', ')}.`, `Press n to create “${integrationName}”, or start kmsp with one of the configured names.`]
      : configured.length > 0
        ? ['No integration selected.', 'Press n to create one.']
        : [
            'No integration is set up yet.',
            `An integration links one security platform (${platformNames()}) to one PSA (${psaNames()}). Press n to create one: its name, the two systems, ` +
              'their addresses and users, and the secrets (kept in the secret store, never in the config file).',
          ];
  return (
    <Box flexDirection="column" width={width}>
      {lines.flatMap((line) => wrap(line, width)).map((line, i) => (
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

/** The choices the dialog offers, by short name ("KSC", "Autotask or ConnectWise"). */
function platformNames(): string {
  return orList(pairChoices().platforms.filter((o) => !o.disabled).map((o) => platformProfile(o.value).words.short));
}

function psaNames(): string {
  return orList(pairChoices().psas.map((o) => psaProfile(o.value).words.short));
}

function orList(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}
