// Integrations as a whole: the rows of the console's integrations list, and renaming or deleting
// one — what changes in the config file, the secret store, the ledger and the agent's status
// file, in an order that loses nothing when a step fails half-way. Nothing here draws or asks:
// the console's session calls it, and a command can (headlessStores below).
//
// Rename, step by step (each step undoes the earlier ones when it fails):
//   1. refuse early: a bad or taken name, a run in progress, records under the new name in the
//      ledger, an unsettled ticket create (Ledger.renameProblem);
//   2. copy each secret to its new name, in every backend that holds it (SecretStore.copy);
//   3. in one ledger transaction: rename the ledger's rows and save the config (atomic file
//      replace) — both or neither;
//   4. remove the secrets' old names; a failure here leaves a spare copy, said with the command
//      that removes it;
//   5. the agent's status file names the integration by its new name.
// Delete: the config first (without it), then its secrets; the ledger keeps its records (the audit
// trail of what was posted and ticketed), under the old name.
import { INTEGRATION_NAME_PATTERN, type Integration, type KmspConfig } from '../domain/config.js';
import { KmspError, isKmspError } from '../domain/errors.js';
import { platformProfile, psaProfile } from '../domain/profiles/index.js';
import { renamedRepeatKey } from '../domain/renameKeys.js';
import { integrationSecrets, secretEnvVar } from '../domain/secretNames.js';
import { agentBlockingProblems, validateConfig } from '../domain/validate.js';
import { renameInAgentStatus } from '../store/agentStatus.js';
import type { ConfigStore, SaveResult } from '../store/config.js';
import { describeRecords, type IntegrationRecords, type Ledger, type RunRecord } from '../store/ledger.js';
import type { SecretCopy, SecretStore } from '../store/secrets.js';
import type { SecretBackendId } from '../store/secretTypes.js';

/** What renaming and deleting work on. The console's session provides one (ConsoleSession.integrationStores). */
export interface IntegrationStores {
  /** The configuration as known now. */
  config(): KmspConfig;
  /**
   * Saves a whole configuration atomically, refusing what the domain rules refuse (validateConfig)
   * except problems `baseline` has too: a rename's baseline is the current config renamed, so a
   * problem that was there before is not taken for the rename's.
   */
  save(next: KmspConfig, reason: string, baseline: KmspConfig): SaveResult;
  readonly secrets: SecretStore;
  readonly ledger: Ledger;
  /** The agent's status file, renamed names follow; absent: left alone. */
  readonly statusFile?: string;
}

// ------------------------------------------------------------------ the list

export interface IntegrationSummary {
  name: string;
  /** The profiles' short words ("KSC", "Autotask"); the kind itself when this build does not know it. */
  platform: string;
  psa: string;
  /** Tenant mappings with a PSA account. */
  tenantsMapped: number;
  /** Tenant rows in all (mapped or not). */
  tenants: number;
  /** The latest finished run of each job for this integration; null: never. */
  lastBilling: RunRecord | null;
  lastTickets: RunRecord | null;
}

function shortWord(kind: string, lookup: (kind: string) => { words: { short: string } }): string {
  try {
    return lookup(kind).words.short;
  } catch {
    return kind;
  }
}

/** "KSC × Autotask": an integration's platform and PSA, in the profiles' short words. */
export function pairWords(integration: Pick<Integration, 'platform' | 'psa'>): string {
  return `${shortWord(integration.platform.kind, platformProfile)} × ${shortWord(integration.psa.kind, psaProfile)}`;
}

/** One row per integration, in config order: its platform and PSA, mapped tenants, last runs. */
export function integrationSummaries(config: KmspConfig, ledger: Pick<Ledger, 'lastRunOf'> | null): IntegrationSummary[] {
  return config.integrations.map((integration) => {
    const last = (job: 'billing' | 'tickets') => {
      try {
        return ledger?.lastRunOf(integration.name, job) ?? null;
      } catch {
        // A writer (the agent) holds the ledger for moments only; the next look has them.
        return null;
      }
    };
    return {
      name: integration.name,
      platform: shortWord(integration.platform.kind, platformProfile),
      psa: shortWord(integration.psa.kind, psaProfile),
      tenantsMapped: integration.tenants.filter((t) => t.accountId).length,
      tenants: integration.tenants.length,
      lastBilling: last('billing'),
      lastTickets: last('tickets'),
    };
  });
}

// ------------------------------------------------------------------ names

/**
 * Why `name` cannot be an integration's (new) name, in a form's words, or undefined. `renaming`:
 * the integration being renamed (its own name is refused as "no change"). With a ledger, a name
 * the ledger holds records of is refused too (see Ledger.renameProblem).
 */
export function integrationNameProblem(name: string, config: KmspConfig, options: { renaming?: string; ledger?: Pick<Ledger, 'recordsOf'> } = {}): string | undefined {
  if (!INTEGRATION_NAME_PATTERN.test(name)) return 'Only a–z, 0–9 and dashes (at most 40, starting with a letter or digit), e.g. main.';
  if (options.renaming === name) return 'That is its name already.';
  if (config.integrations.some((i) => i.name === name)) return `“${name}” exists already.`;
  return options.ledger ? ledgerNameProblem(name, options.ledger) : undefined;
}

/**
 * Why `name` cannot be given to an integration (renamed or new) because the ledger keeps the
 * records of a former one under it (a deleted or renamed integration), or undefined. Taking the
 * name would hand that history to the new one: its event cursors and handled events, its open
 * tickets (closed or noted in whatever PSA the new one reaches), its unsettled postings.
 */
export function ledgerNameProblem(name: string, ledger: Pick<Ledger, 'recordsOf'>): string | undefined {
  let records: IntegrationRecords | null = null;
  try {
    records = ledger.recordsOf(name);
  } catch {
    // Checked again when the rename runs.
  }
  if (records && records.postings + records.tickets + records.cursors + records.runs > 0) {
    return `The ledger keeps the records of a former “${name}” (${describeRecords(records)}); choose another name.`;
  }
  return undefined;
}

function noSuchIntegration(name: string, config: KmspConfig): KmspError {
  const names = config.integrations.map((i) => i.name);
  return new KmspError(`No integration named “${name}”`, {
    kind: 'config',
    cause: names.length ? `this configuration has: ${names.join(', ')}` : 'this configuration has no integration',
    remedy: 'Check the name (it may have been renamed or deleted meanwhile, in another console).',
  });
}

/** The secret names of an integration and what each becomes under a new name ("<name>.<part>"). */
function renamedSecrets(integration: Integration, to: string): Array<{ from: string; to: string; label: string }> {
  return integrationSecrets(integration).map((spec) => ({ from: spec.name, to: `${to}${spec.name.slice(integration.name.length)}`, label: spec.label }));
}

/** What the admin does about a secret a read-only backend provides under the old name. */
function readOnlyAdvice(backend: SecretBackendId, from: string, to: string): string {
  if (backend === 'environment') return `${from} comes from the environment variable ${secretEnvVar(from)}, which kmsp cannot rename: set ${secretEnvVar(to)} instead (in the agent's unit or your shell) and remove the old one.`;
  if (backend === 'systemd-credentials') return `${from} is a systemd credential, which kmsp cannot rename: load it as ${to} (LoadCredential=${to}:… in the agent's unit) and remove the old line.`;
  return `${from} is held by ${backend}, which kmsp cannot write: store it as ${to} there.`;
}

// ------------------------------------------------------------------ rename

export interface RenameOutcome {
  from: string;
  to: string;
  /** The ledger's rows now under the new name. */
  ledger: IntegrationRecords;
  /** Secrets copied to their new names, and where. */
  secrets: Array<{ from: string; to: string; copiedIn: SecretBackendId[] }>;
  /** Whether the agent's status file was rewritten. */
  statusRenamed: boolean;
  /** What the admin still has to do or know, a sentence each (a read-only secret, an old name left behind). */
  warnings: string[];
  save: SaveResult;
}

/** The config with one integration renamed, and nothing else changed. */
export function renamedConfig(config: KmspConfig, from: string, to: string): KmspConfig {
  return { ...config, integrations: config.integrations.map((i) => (i.name === from ? { ...i, name: to } : i)) };
}

function errorText(error: unknown): string {
  if (isKmspError(error)) return [error.message, error.why].filter(Boolean).join(' ');
  return error instanceof Error ? error.message : String(error);
}

/**
 * Renames an integration everywhere kmsp keeps its name: the config, its secrets (in every backend
 * that holds them), the ledger's rows, the agent's status file. See the header for the order; a
 * failure before the config is saved changes nothing and says so.
 */
export async function renameIntegration(stores: IntegrationStores, from: string, to: string): Promise<RenameOutcome> {
  const config = stores.config();
  const integration = config.integrations.find((i) => i.name === from);
  if (!integration) throw noSuchIntegration(from, config);
  const problem = integrationNameProblem(to, config, { renaming: from });
  if (problem) {
    throw new KmspError(`Not renamed: “${to}” cannot be the name of “${from}”.`, { kind: 'config', cause: problem, remedy: 'Choose another name. Nothing was changed.' });
  }
  const ledgerProblem = stores.ledger.renameProblem(from, to);
  if (ledgerProblem) throw ledgerProblem;

  // 2. Copies under the new names; the old names stay until the config names the new ones.
  const names = renamedSecrets(integration, to);
  const copies: Array<{ from: string; to: string; copy: SecretCopy }> = [];
  const undoCopies = async (): Promise<string[]> => {
    const left: string[] = [];
    for (const c of copies.splice(0).reverse()) {
      try {
        await c.copy.undo();
      } catch (error) {
        left.push(errorText(error));
      }
    }
    return left;
  };
  try {
    for (const n of names) copies.push({ from: n.from, to: n.to, copy: await stores.secrets.copy(n.from, n.to) });
  } catch (error) {
    const left = await undoCopies();
    throw new KmspError(`Not renamed: the secrets of “${from}” could not be copied to their new names.`, {
      kind: 'secret',
      cause: errorText(error),
      remedy: `${isKmspError(error) && error.remedy ? `${error.remedy} ` : ''}The config, the ledger and the secrets under “${from}” were not changed.${left.length ? ` ${left.join(' ')}` : ''}`,
    });
  }

  // 3. The ledger's rows and the config together.
  const next = renamedConfig(config, from, to);
  let ledger: IntegrationRecords | undefined;
  let save: SaveResult | undefined;
  let stage = 'ledger' as 'ledger' | 'save' | 'commit';
  try {
    stores.ledger.transaction(() => {
      ledger = stores.ledger.renameIntegration(from, to, renamedRepeatKey);
      stage = 'save';
      save = stores.save(next, `renamed integration “${from}” to “${to}”`, next);
      stage = 'commit';
    });
  } catch (error) {
    const unchanged = 'The config, the ledger and the secrets were not changed.';
    let kept = unchanged;
    if (stage === 'commit') {
      // The file names the new name but the ledger's commit failed: put the config back.
      try {
        stores.save(renamedConfig(stores.config(), to, from), `rename of “${from}” to “${to}” taken back: the ledger could not be renamed`, config);
      } catch (restoreError) {
        kept =
          `The config file could not be put back (${errorText(restoreError)}): it names “${to}” while the ledger keeps “${from}”. ` +
          `Rename “${to}” back to “${from}” before the agent's next pass; the secrets are under both names until then.`;
      }
    }
    const left = kept === unchanged ? await undoCopies() : [];
    const tail = `${kept}${left.length ? ` ${left.join(' ')}` : ''}`;
    if (isKmspError(error) && stage !== 'commit') {
      // The ledger's refusal (a run started meanwhile) or the save's (a merge conflict, a rule) says what and why.
      throw new KmspError(error.message.replace(/^Not saved/, 'Not renamed'), {
        kind: error.kind,
        ...(error.why ? { cause: error.why } : {}),
        remedy: `${error.remedy ? `${error.remedy.replace(/\s*Nothing was changed\.$/, '')} ` : ''}${tail}`,
        ...(error.code !== undefined ? { code: error.code } : {}),
      });
    }
    throw new KmspError(stage === 'save' ? `Not renamed: the config file could not be saved.` : `Not renamed: the ledger's records of “${from}” could not be renamed.`, {
      kind: 'internal',
      cause: errorText(error),
      remedy: `Check that ${stage === 'save' ? 'the config directory' : `the ledger ${stores.ledger.file}`} is writable and the disk has room, then rename again. ${tail}`,
    });
  }

  // 4. The old names go; a failure leaves a spare copy, not a loss.
  const warnings: string[] = [];
  for (const c of copies) {
    for (const backend of c.copy.readOnly) warnings.push(readOnlyAdvice(backend, c.from, c.to));
    for (const u of c.copy.unreadable) warnings.push(`The ${u.backend} could not be read (${u.reason}): if it holds ${c.from}, store that value as ${c.to} with \`kmsp secrets set ${c.to}\`.`);
    if (c.copy.copiedIn.length === 0) continue;
    try {
      await stores.secrets.delete(c.from);
    } catch (error) {
      warnings.push(`${c.from} is still stored under its old name (${errorText(error)}): remove it with \`kmsp secrets delete ${c.from}\`.`);
    }
  }
  // 5. The agent's status file.
  let statusRenamed = false;
  if (stores.statusFile) {
    try {
      statusRenamed = renameInAgentStatus(stores.statusFile, from, to);
    } catch (error) {
      warnings.push(`The agent's status file ${stores.statusFile} still names “${from}” (${errorText(error)}); the agent rewrites it when it runs.`);
    }
  }
  return {
    from,
    to,
    ledger: ledger!,
    secrets: copies.map((c) => ({ from: c.from, to: c.to, copiedIn: c.copy.copiedIn })),
    statusRenamed,
    warnings,
    save: save!,
  };
}

// ------------------------------------------------------------------ delete

export interface DeleteOutcome {
  name: string;
  /** What the ledger keeps under the deleted name. */
  ledgerKept: IntegrationRecords;
  /** Secrets removed, with the backends they were removed from. */
  secretsDeleted: Array<{ name: string; from: SecretBackendId[] }>;
  warnings: string[];
  save: SaveResult;
}

/**
 * Deletes an integration from the config and its secrets from every writable backend. The ledger
 * keeps its records (postings and tickets are the audit trail): the outcome counts them.
 */
export async function deleteIntegration(stores: IntegrationStores, name: string): Promise<DeleteOutcome> {
  const config = stores.config();
  const integration = config.integrations.find((i) => i.name === name);
  if (!integration) throw noSuchIntegration(name, config);
  const next = { ...config, integrations: config.integrations.filter((i) => i.name !== name) };
  let save: SaveResult;
  try {
    save = stores.save(next, `deleted integration “${name}”`, next);
  } catch (error) {
    if (!isKmspError(error)) throw error;
    throw new KmspError(error.message.replace(/^Not saved/, 'Not deleted'), {
      kind: error.kind,
      ...(error.why ? { cause: error.why } : {}),
      remedy: `${error.remedy ? `${error.remedy} ` : ''}“${name}” and its secrets are unchanged.`,
    });
  }
  const warnings: string[] = [];
  const secretsDeleted: DeleteOutcome['secretsDeleted'] = [];
  for (const spec of integrationSecrets(integration)) {
    try {
      const result = await stores.secrets.delete(spec.name);
      if (result.deletedFrom.length) secretsDeleted.push({ name: spec.name, from: result.deletedFrom });
      for (const backend of result.stillIn) {
        warnings.push(
          backend === 'environment'
            ? `${spec.name} is still set in the environment (${secretEnvVar(spec.name)}); remove it from the agent's unit or your shell.`
            : backend === 'systemd-credentials'
              ? `${spec.name} is still a systemd credential; remove its LoadCredential= line from the agent's unit.`
              : `${spec.name} is still held by ${backend}.`,
        );
      }
    } catch (error) {
      warnings.push(`${spec.name} could not be removed (${errorText(error)}): remove it with \`kmsp secrets delete ${spec.name}\`.`);
    }
  }
  let ledgerKept: IntegrationRecords = { postings: 0, tickets: 0, cursors: 0, runs: 0 };
  try {
    ledgerKept = stores.ledger.recordsOf(name);
  } catch {
    // Only a count for the message.
  }
  return { name, ledgerKept, secretsDeleted, warnings, save };
}

// ------------------------------------------------------------------ without a console

/**
 * IntegrationStores over the config store directly, for commands: the config is read from the file
 * at each step, and a save is refused when it would add a problem validateConfig finds (the
 * problems the file had already, and those of `baseline`, are not this save's).
 */
export function headlessStores(options: { configStore: ConfigStore; secrets: SecretStore; ledger: Ledger; statusFile?: string; actor?: string }): IntegrationStores {
  const key = (p: { path: string; message: string }) => `${p.path}\u0000${p.message}`;
  return {
    config: () => options.configStore.load(),
    save: (next, reason, baseline) => options.configStore.exclusive(() => {
      const current = options.configStore.load();
      const known = new Set([...validateConfig(current), ...validateConfig(baseline)].map(key));
      const introduced = validateConfig(next).filter((p) => !known.has(key(p)));
      if (introduced.length > 0) {
        throw new KmspError('Not saved: the change would make the configuration invalid', {
          kind: 'config',
          cause: introduced.map((p) => p.message).join(' '),
          remedy: 'Undo or correct the change named above, then try again.',
        });
      }
      // As the console's save (ConsoleSession.saveConfig): the agent keeps its last good config
      // when it refuses a file, so a renamed integration would go on running — and recording —
      // under its old name.
      const blocking = agentBlockingProblems(next);
      if (blocking.length > 0 && blocking.length >= agentBlockingProblems(current).length) {
        throw new KmspError('Not saved: the agent would refuse this configuration', {
          kind: 'config',
          cause: blocking.map((p) => p.message).join(' '),
          remedy: 'The agent keeps running its last good configuration until this is fixed. Fix the problem named above first (unmap the tenant or account claimed twice), then try again.',
        });
      }
      return options.configStore.save(next, { reason, ...(options.actor ? { actor: options.actor } : {}) });
    }),
    secrets: options.secrets,
    ledger: options.ledger,
    ...(options.statusFile ? { statusFile: options.statusFile } : {}),
  };
}
