// The config store: the admin's settings in <configDir>/config.json (mode 0600),
// schema-checked (by our validator and by conf's), versioned with our own migrations
// (store/migrations.ts).
//
// The agent hot-reloads this file while the console saves it, so the file is never absent
// and never half-written: a save writes a temp file in the same directory (mode 0600 from the
// start), fsyncs it, has conf read it back (schema check) and renames it over config.json.
// Backups are copies; the current file is never renamed away before its replacement is there.
// The final write is ours, not conf's: `new Conf({ defaults })` merges defaults into an
// existing file and may write that merge, `conf.store =` re-reads the old file to carry keys
// over, and conf falls back to a plain truncate-and-write under Snap or on EXDEV. conf still
// reads and validates every file before it is installed.
//
// Reading never writes the file's content (the agent reads the admin's file, possibly on a
// read-only /etc): an older version is migrated in memory and written at the next save.
// The one exception is the console's choice to move an unusable file aside (below); a load
// may also tighten a loose file mode to 0600.
//
// A file we cannot use is never overwritten or deleted (README › When something fails):
// - unparseable JSON or a schema-invalid file:
//     onInvalid 'quarantine-and-default' (the console): renamed to
//       config.json.corrupt-<timestamp>, a notice names that path and the problem,
//       and the console continues with defaults so the admin can fix things.
//     onInvalid 'fail' (the agent and the non-interactive commands): a KmspError
//       naming the file and every problem; the file stays where it is. A headless
//       reader must not move the admin's file: under systemd /etc may be read-only,
//       a hot reload may catch a hand edit half-way, and an agent restarted after
//       moving it would silently run with no integrations.
//   Saving over an unusable file copies it to config.json.corrupt-<timestamp> first.
// - a file from a newer kmsp (schemaVersion above ours) is refused in both modes
//   and by save(): it is left untouched.
// - an older file is migrated in memory on load, in every mode; the file stays as it is. The
//   next save copies the original to config.json.bak-v<N>-<timestamp> and replaces it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Conf, { type Options as ConfOptions } from 'conf';
import { CONFIG_SCHEMA_VERSION, type KmspConfig } from '../domain/config.js';
import { defaultConfig } from '../domain/defaults.js';
import { KmspError } from '../domain/errors.js';
import { isValidTimeZone, type Problem } from '../domain/validate.js';
import { copyFileDurable, LockTimeoutError, withLockFileSync, writeFileAtomic } from './atomicFile.js';
import { diffConfig, summarizeChanges, type ConfigChange } from './configDiff.js';
import { CONFIG_AJV_OPTIONS, CONFIG_ROOT_SCHEMA, CONFIG_SCHEMA_PROPERTIES, schemaProblems } from './configSchema.js';
import { CONFIG_MIGRATIONS, migrateConfig, type ConfigMigration, type RawConfig } from './migrations.js';
import { ensureDir, fileTimestamp, freeName, type KmspPaths } from './paths.js';
import { secretKeyPaths } from './redact.js';

export const CONFIG_FILE_MODE = 0o600;

export type OnInvalidConfig = 'quarantine-and-default' | 'fail';

export interface ConfigAuditEntry {
  at: Date;
  /** Who made the change: "alice (console)", "root (kmsp config import)". */
  actor: string;
  summary: string;
  diff: ConfigChange[];
}

/** Where config changes are recorded; the ledger implements it (Ledger.recordConfigChange). */
export interface ConfigAuditSink {
  recordConfigChange(entry: ConfigAuditEntry): void;
}

export interface OpenConfigOptions {
  paths: Pick<KmspPaths, 'configDir' | 'configFile'>;
  /** Default 'fail'. The console passes 'quarantine-and-default'. */
  onInvalid?: OnInvalidConfig;
  audit?: ConfigAuditSink;
  /** Default actor for save(): "<user> (<what>)". */
  actor?: string;
  /** Receives notices (file moved aside, migrated, mode fixed). Default: stderr. */
  onNotice?: (message: string) => void;
  /** Tests inject fake migrations. */
  migrations?: readonly ConfigMigration[];
  now?: () => Date;
}

/** What a config file holds, judged without changing it. */
export type ConfigFileState =
  | { state: 'missing' }
  | { state: 'ok'; config: KmspConfig; migratedFrom: number | null; migrations: ConfigMigration[] }
  | { state: 'corrupt'; reason: string }
  | { state: 'invalid'; reason: string; problems: Problem[] }
  | { state: 'newer'; version: number };

export interface LoadResult {
  config: KmspConfig;
  /** 'defaults' when there is no usable file. */
  source: 'file' | 'defaults';
  notices: string[];
  /** Where an unusable file was moved. */
  quarantinedTo: string | null;
  migratedFrom: number | null;
}

export interface SaveOptions {
  actor?: string;
  /** Appended to the audit summary, e.g. "import from /tmp/x.json". */
  reason?: string;
}

export interface SaveResult {
  changes: ConfigChange[];
  summary: string;
  notices: string[];
}

export interface ConfigStore {
  readonly path: string;
  exists(): boolean;
  /** The config, or defaults when there is no file yet. Never writes the file; only the console mode moves a bad file aside. */
  load(): KmspConfig;
  loadDetailed(): LoadResult;
  /** Validates against the schema and refuses secrets; writes atomically with mode 0600; records an audit entry. */
  save(config: KmspConfig, options?: SaveOptions): SaveResult;
  /** Copies the current file to config.json.bak-<timestamp>; null when there is no file. */
  backup(): string | null;
  /**
   * Runs `fn` — read the file, change it, save — holding the config's lock (.config.json.lock beside
   * the file), so the read-modify-writes of two processes (two consoles, a console and `kmsp
   * pause`) never interleave: without it the later writer saves what it read before the other's
   * save, and that save is undone. save() takes the lock too (a blind save waits its turn).
   */
  exclusive<T>(fn: () => T): T;
}

function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `${p.path}: ${p.message}`).join('; ');
}

/**
 * The defaults of a new configuration on this host: the defaults of README › Defaults, with the agent's time zone
 * set to the host's own IANA zone (when it is one) rather than UTC, so the first config the
 * console saves bills "today" and runs 04:00 as the MSP's clock says. An explicit zone in a
 * saved file is never touched.
 */
export function hostDefaults(timeZone: string | undefined = Intl.DateTimeFormat().resolvedOptions().timeZone): KmspConfig {
  const config = defaultConfig();
  if (timeZone && isValidTimeZone(timeZone)) config.agent.timeZone = timeZone;
  return config;
}

/** Judge config text: parse, migrate if older, check the schema. */
export function inspectConfigText(text: string, migrations: readonly ConfigMigration[] = CONFIG_MIGRATIONS): ConfigFileState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { state: 'corrupt', reason: `it is not valid JSON (${(error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ')}).` };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { state: 'corrupt', reason: 'it does not hold a JSON object.' };
  }
  const outcome = migrateConfig(raw as RawConfig, migrations);
  if (outcome.kind === 'newer') return { state: 'newer', version: outcome.version };
  if (outcome.kind === 'invalid') {
    return { state: 'invalid', reason: outcome.reason, problems: [{ path: 'schemaVersion', message: outcome.reason.replace(/^schemaVersion /, '') }] };
  }
  const problems = schemaProblems(outcome.config);
  if (problems.length > 0) return { state: 'invalid', reason: `it does not match the config schema: ${formatProblems(problems)}`, problems };
  return {
    state: 'ok',
    config: outcome.config as unknown as KmspConfig,
    migratedFrom: outcome.kind === 'migrated' ? outcome.from : null,
    migrations: outcome.kind === 'migrated' ? outcome.steps : [],
  };
}

export function inspectConfigFile(file: string, migrations: readonly ConfigMigration[] = CONFIG_MIGRATIONS): ConfigFileState {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
    throw new KmspError(`Cannot read the config file ${file}.`, {
      kind: 'config',
      cause: (error as Error).message,
      remedy: 'Check the file and directory permissions (the file should belong to the user running kmsp, mode 0600).',
    });
  }
  return inspectConfigText(text, migrations);
}

export function newerVersionError(file: string, version: number): KmspError {
  return new KmspError(`The config file ${file} was written by a newer kmsp (config version ${version}; this kmsp knows up to ${CONFIG_SCHEMA_VERSION}).`, {
    kind: 'config',
    cause: 'Reading it could lose settings this version does not understand, so it was left unchanged.',
    remedy: newerRemedy(file),
  });
}

/**
 * Copies of earlier, usable versions of `file` beside it, newest first. kmsp makes them in
 * two places only: `kmsp config import` keeps the file it replaces (config.json.bak-<time>),
 * and a save that upgrades an older config version keeps the original (config.json.bak-v<N>-<time>).
 * Ordinary saves (console, `kmsp pause`) make none. Copies of unusable files (.corrupt-) are not backups.
 */
export function configBackups(file: string): string[] {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.bak-`;
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.startsWith(prefix));
  } catch {
    return [];
  }
  const stamp = (n: string) => /\d{4}-\d\d-\d\dT[\d-]+Z(?:-\d+)?$/u.exec(n)?.[0] ?? '';
  return names.sort((a, b) => stamp(b).localeCompare(stamp(a), 'en', { numeric: true })).map((n) => path.join(dir, n));
}

/** The remedy's sentence about backups: where they come from, and the newest usable one with how to restore it, or that there is none. */
export function backupRemedy(file: string): string {
  const origin = `Backups (${path.basename(file)}.bak-*) are made only when \`kmsp config import\` replaces the file or a save upgrades an older config version, not by ordinary console saves`;
  // A backup taken over an already broken file is no use: name the newest one that can be read.
  const usable = configBackups(file).find((f) => {
    try {
      return inspectConfigFile(f).state === 'ok';
    } catch {
      return false;
    }
  });
  if (!usable) return `${origin}; there is none here to restore.`;
  return `${origin}; restore the newest usable one with \`kmsp config import ${usable}\` (settings changed since it was made are lost).`;
}

function newerRemedy(file: string): string {
  // A newer kmsp that upgraded the file kept the original as config.json.bak-v<N>-<time>: one this kmsp can read.
  const older = configBackups(file).find((f) => {
    const v = /\.bak-v(\d+)-/u.exec(path.basename(f));
    return v !== null && Number(v[1]) <= CONFIG_SCHEMA_VERSION;
  });
  return (
    'Upgrade kmsp to the version that wrote it (or later). ' +
    (older
      ? `To stay on this version, restore the copy the newer kmsp kept when it upgraded the file: \`kmsp config import ${older}\` (settings changed since then are lost).`
      : `There is no copy from before the upgrade beside it (${path.basename(file)}.bak-v<N>-*) that this version could read.`)
  );
}

function invalidFileError(file: string, state: Extract<ConfigFileState, { state: 'corrupt' | 'invalid' }>): KmspError {
  return new KmspError(`The config file ${file} cannot be used.`, {
    kind: 'config',
    cause: state.reason,
    remedy:
      'The file was left as it is. Run `kmsp config validate` to list each problem, and fix them in the file. ' +
      `${backupRemedy(file)} ` +
      `Opening the console instead moves the file aside (${path.basename(file)}.corrupt-<time>) and starts from defaults: ` +
      'the integrations and tenant mappings are then only in that moved-aside file; to bring them back, fix that file and run ' +
      '`kmsp config import <that file>` (which replaces whatever was set up in the console meanwhile).',
  });
}

export function defaultActor(what = 'kmsp'): string {
  let user = process.env.SUDO_USER || process.env.USER || '';
  if (!user) {
    try {
      user = os.userInfo().username;
    } catch {
      user = `uid ${process.getuid?.() ?? '?'}`;
    }
  }
  return `${user} (${what})`;
}

class FileConfigStore implements ConfigStore {
  readonly path: string;
  private readonly configDir: string;
  private readonly onInvalid: OnInvalidConfig;
  private readonly migrations: readonly ConfigMigration[];
  private readonly now: () => Date;
  private readonly notify: (message: string) => void;
  private modeWarned = false;
  /** This store holds the lock now (exclusive() around save(): taken once). */
  private holding = false;

  constructor(private readonly options: OpenConfigOptions) {
    this.path = options.paths.configFile;
    this.configDir = options.paths.configDir;
    this.onInvalid = options.onInvalid ?? 'fail';
    this.migrations = options.migrations ?? CONFIG_MIGRATIONS;
    this.now = options.now ?? (() => new Date());
    this.notify = options.onNotice ?? ((message) => process.stderr.write(`kmsp: ${message}\n`));
  }

  exists(): boolean {
    return fs.existsSync(this.path);
  }

  exclusive<T>(fn: () => T): T {
    if (this.holding) return fn();
    const lockFile = path.join(this.configDir, `.${path.basename(this.path)}.lock`);
    let entered = false;
    try {
      ensureDir(this.configDir);
      return withLockFileSync(
        lockFile,
        () => {
          entered = true;
          this.holding = true;
          try {
            return fn();
          } finally {
            this.holding = false;
          }
        },
        // Saves hold it for well under a second; one minute old, a holder is stuck or dead.
        { timeoutMs: 20_000, staleMs: 60_000 },
      );
    } catch (error) {
      if (entered || error instanceof KmspError) throw error;
      if (error instanceof LockTimeoutError) {
        throw new KmspError('Not saved: another kmsp process is saving the config and did not finish.', {
          kind: 'config',
          cause: error.message,
          remedy: `Wait for it (another console or a kmsp config/pause command) and save again; if no kmsp process is running, remove ${lockFile}. The config file was left unchanged.`,
        });
      }
      throw new KmspError(`Could not write the config file ${this.path}.`, {
        kind: 'config',
        cause: (error as Error).message,
        remedy: `Check that ${this.configDir} exists and is writable by this user (under systemd, ConfigurationDirectory= is read-only: change settings as the admin user).`,
      });
    }
  }

  load(): KmspConfig {
    const result = this.loadDetailed();
    for (const notice of result.notices) this.notify(notice);
    return result.config;
  }

  loadDetailed(): LoadResult {
    const state = inspectConfigFile(this.path, this.migrations);
    const notices: string[] = [];
    switch (state.state) {
      case 'missing':
        return { config: hostDefaults(), source: 'defaults', notices, quarantinedTo: null, migratedFrom: null };
      case 'newer':
        throw newerVersionError(this.path, state.version);
      case 'corrupt':
      case 'invalid': {
        if (this.onInvalid === 'fail') throw invalidFileError(this.path, state);
        const movedTo = this.quarantine(state.reason);
        // Where the file went comes first: a one-line status area cuts the rest (the console opens it whole).
        notices.push(
          `Config file moved to ${movedTo} (kept, not deleted); starting from default settings. ` +
            `The file ${this.path} could not be used: ${state.reason} ` +
            `The integrations and tenant mappings are only in the moved file now. ` +
            `To bring them back, fix it (\`kmsp config validate ${movedTo}\` lists the problems) and run \`kmsp config import ${movedTo}\`, ` +
            'which replaces whatever is set up here meanwhile; or set things up again.',
        );
        return { config: hostDefaults(), source: 'defaults', notices, quarantinedTo: movedTo, migratedFrom: null };
      }
      case 'ok': {
        if (state.migratedFrom !== null) notices.push(this.migrationNotice(state.migratedFrom, state.migrations));
        const modeNotice = this.tightenMode();
        if (modeNotice) notices.push(modeNotice);
        return { config: state.config, source: 'file', notices, quarantinedTo: null, migratedFrom: state.migratedFrom };
      }
    }
  }

  save(config: KmspConfig, options: SaveOptions = {}): SaveResult {
    return this.exclusive(() => this.saveLocked(config, options));
  }

  private saveLocked(config: KmspConfig, options: SaveOptions): SaveResult {
    const secretPaths = secretKeyPaths(config);
    if (secretPaths.length > 0) {
      throw new KmspError('Refusing to save the config: it contains what looks like a secret.', {
        kind: 'config',
        cause: `Secrets never go into the config file; found ${secretPaths.join(', ')}.`,
        remedy: 'Remove those keys and store the secret with `kmsp secrets set NAME` instead.',
      });
    }
    const problems = schemaProblems(config);
    if (problems.length > 0) {
      throw new KmspError('Refusing to save the config: it does not match the config schema.', {
        kind: 'config',
        cause: problems.map((p) => `${p.path}: ${p.message}`).join('\n    '),
        remedy: 'Correct the values listed; nothing was written.',
      });
    }
    const notices: string[] = [];
    const current = inspectConfigFile(this.path, this.migrations);
    if (current.state === 'newer') throw newerVersionError(this.path, current.version);
    // What is replaced is copied first; the file itself stays in place until the new one is renamed over it.
    if (current.state === 'corrupt' || current.state === 'invalid') {
      const keptAs = this.keepCopy('corrupt', current.reason);
      notices.push(`The previous config file could not be used (${current.reason}) and was kept as ${keptAs} before saving.`);
    }
    const migratedFrom = current.state === 'ok' ? current.migratedFrom : null;
    if (migratedFrom !== null) {
      const keptAs = this.keepCopy(`bak-v${migratedFrom}`, `It is config version ${migratedFrom} and is being replaced by version ${CONFIG_SCHEMA_VERSION}.`);
      notices.push(`The config file was migrated from version ${migratedFrom} to ${CONFIG_SCHEMA_VERSION}; the original was kept as ${keptAs}.`);
    }
    this.writeConfigFile(config);
    for (const notice of notices) this.notify(notice);

    const actor = options.actor ?? this.options.actor ?? defaultActor();
    if (migratedFrom !== null) {
      this.audit({ at: this.now(), actor, summary: `migrated config from version ${migratedFrom} to ${CONFIG_SCHEMA_VERSION}`, diff: [{ path: 'schemaVersion', op: 'changed', before: migratedFrom, after: CONFIG_SCHEMA_VERSION }] });
    }
    const before = current.state === 'ok' ? current.config : null;
    const changes = diffConfig(before, config);
    const summary = summarizeChanges(changes) + (options.reason ? ` (${options.reason})` : '');
    if (changes.length > 0) this.audit({ at: this.now(), actor, summary, diff: changes });
    return { changes, summary, notices };
  }

  private audit(entry: ConfigAuditEntry): void {
    if (!this.options.audit) return;
    try {
      this.options.audit.recordConfigChange(entry);
    } catch (error) {
      // The config is saved; losing the audit row must not undo that, but it must be said.
      this.notify(`The config was saved but the change could not be recorded in the ledger: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  backup(): string | null {
    if (!this.exists()) return null;
    const dest = freeName(`${this.path}.bak-${fileTimestamp(this.now())}`);
    copyFileDurable(this.path, dest, CONFIG_FILE_MODE);
    return dest;
  }

  /** Copy the current file to config.json.<tag>-<timestamp> (mode 0600) before it is replaced; returns that path. */
  private keepCopy(tag: string, reason: string): string {
    const dest = freeName(`${this.path}.${tag}-${fileTimestamp(this.now())}`);
    try {
      ensureDir(this.configDir);
      copyFileDurable(this.path, dest, CONFIG_FILE_MODE);
    } catch (error) {
      // A half-made copy is ours to remove; an existing file of that name (EEXIST) is not.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') fs.rmSync(dest, { force: true });
      throw new KmspError(`Not saved: the current config file ${this.path} could not be kept as ${dest} before being replaced.`, {
        kind: 'config',
        cause: `${reason} Copying it failed: ${(error as Error).message}`,
        remedy: `Make ${this.configDir} writable for this user (under systemd, ConfigurationDirectory= is read-only: change settings as the admin user); the file was left unchanged.`,
      });
    }
    return dest;
  }

  /** The console's load of an unusable file: rename it aside (it starts from defaults); returns the new path. */
  private quarantine(reason: string): string {
    const dest = freeName(`${this.path}.corrupt-${fileTimestamp(this.now())}`);
    try {
      fs.renameSync(this.path, dest);
    } catch (error) {
      throw new KmspError(`The config file ${this.path} cannot be used, and it could not be moved aside.`, {
        kind: 'config',
        cause: `${reason} Moving it to ${dest} failed: ${(error as Error).message}`,
        remedy: `Make ${this.configDir} writable for this user, or fix or remove the file yourself.`,
      });
    }
    return dest;
  }

  /** An older file: migrated in memory, the file itself is left for the next save. */
  private migrationNotice(from: number, steps: readonly ConfigMigration[]): string {
    const what = steps.map((step) => `v${step.from}→v${step.to}: ${step.description}`).join('; ');
    return (
      `The config file ${this.path} is version ${from}; it was migrated in memory to version ${CONFIG_SCHEMA_VERSION} (${what}). ` +
      `The file was left as it is; the next save rewrites it and keeps the original as ${path.basename(this.path)}.bak-v${from}-<time>.`
    );
  }

  /** The file must be 0600 even if someone created or copied it with a looser mode. */
  private tightenMode(): string | null {
    let mode: number;
    try {
      mode = fs.statSync(this.path).mode & 0o777;
    } catch {
      return null;
    }
    if ((mode & 0o077) === 0) return null;
    try {
      fs.chmodSync(this.path, CONFIG_FILE_MODE);
      return `The config file ${this.path} had mode ${mode.toString(8).padStart(4, '0')}; it was set to 0600.`;
    } catch (error) {
      if (this.modeWarned) return null;
      this.modeWarned = true;
      return `The config file ${this.path} has mode ${mode.toString(8).padStart(4, '0')} and could not be set to 0600 (${(error as Error).message}).`;
    }
  }

  /**
   * Replace config.json atomically: the validated JSON goes to a temp file (0600, fsynced) in the
   * same directory, conf reads that file back and checks it against the schema, and only then is
   * it renamed over config.json. conf does not write: its constructor writes only when its
   * `defaults` add keys to the file (none are given) and conf.store is never assigned.
   */
  private writeConfigFile(config: KmspConfig): void {
    const text = JSON.stringify(config, null, '\t') + '\n';
    try {
      ensureDir(this.configDir);
      writeFileAtomic(this.path, text, { mode: CONFIG_FILE_MODE, verify: (tempFile) => this.readBackWithConf(tempFile, text) });
    } catch (error) {
      if (error instanceof KmspError) throw error;
      throw new KmspError(`Could not write the config file ${this.path}.`, {
        kind: 'config',
        cause: (error as Error).message,
        remedy: `Check that ${this.configDir} exists and is writable by this user (under systemd, ConfigurationDirectory= is read-only: change settings as the admin user).`,
      });
    }
  }

  /** conf reads the file about to be installed: it must pass conf's schema check and hold exactly `text`. */
  private readBackWithConf(file: string, text: string): void {
    const options: ConfOptions<Record<string, unknown>> = {
      cwd: path.dirname(file),
      configName: path.basename(file),
      fileExtension: '',
      configFileMode: CONFIG_FILE_MODE,
      schema: CONFIG_SCHEMA_PROPERTIES as ConfOptions<Record<string, unknown>>['schema'],
      rootSchema: CONFIG_ROOT_SCHEMA as ConfOptions<Record<string, unknown>>['rootSchema'],
      ajvOptions: CONFIG_AJV_OPTIONS,
      clearInvalidConfig: false,
      accessPropertiesByDotNotation: false,
    };
    let readBack: string;
    try {
      const conf = new Conf<Record<string, unknown>>(options);
      if (conf.path !== file) throw new Error(`conf resolved ${conf.path}, not ${file}`);
      readBack = JSON.stringify(conf.store);
    } catch (error) {
      throw new KmspError(`Refusing to save the config: conf could not read back what was about to be written.`, {
        kind: 'config',
        cause: (error as Error).message,
        remedy: 'Nothing was written; the current config file is unchanged. Report this as a kmsp bug.',
      });
    }
    if (readBack !== JSON.stringify(JSON.parse(text))) {
      throw new KmspError('Refusing to save the config: conf read back something else than was written.', {
        kind: 'config',
        remedy: 'Nothing was written; the current config file is unchanged. Report this as a kmsp bug.',
      });
    }
  }
}

export function openConfig(options: OpenConfigOptions): ConfigStore {
  return new FileConfigStore(options);
}
