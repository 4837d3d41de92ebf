// The secret store: ordered backends, first hit wins (README › Where things are kept).
//
//   get:    keyring → systemd credentials → environment → 0600 file
//   set:    the first writable available backend: keyring, else the file (with a warning)
//   status: which backend holds each secret — never a value, never a length
//
// Values never leave this module except through get(); errors name secrets, not values.
import { KmspError } from '../domain/errors.js';
import { SECRET_NAME_PATTERN, secretEnvVar } from '../domain/secretNames.js';
import type { LockOptions } from './atomicFile.js';
import { keyringBackend, type KeytarLoader } from './keyring.js';
import type { KmspPaths } from './paths.js';
import { environmentBackend, fileBackend, plaintextWarning, systemdCredentialsBackend, trimSecret } from './secretBackends.js';
import { SECRET_BACKEND_IDS, type SecretBackend, type SecretBackendId } from './secretTypes.js';

export type { SecretBackend, SecretBackendId, Availability } from './secretTypes.js';
export { SECRET_BACKEND_IDS } from './secretTypes.js';

export interface OpenSecretStoreOptions {
  paths: Pick<KmspPaths, 'secretsFile'>;
  /** Defaults to process.env (for CREDENTIALS_DIRECTORY and KMSP_SECRET_*). */
  env?: NodeJS.ProcessEnv;
  /** Which backends to use, in lookup order (default: all four). The demo uses ['file']. */
  backends?: readonly SecretBackendId[];
  /** Tests inject a fake keytar (or a failing loader). */
  loadKeytar?: KeytarLoader;
  keyringTimeoutMs?: number;
  /** Warnings about the secrets file (loose mode, foreign owner). Default: stderr. */
  onWarning?: (message: string) => void;
  /** The secrets file's lock: how long to wait, when a lock counts as stale (tests shorten them). */
  fileLock?: LockOptions;
}

export interface SecretLocation {
  backend: SecretBackendId;
  label: string;
}

export interface SetResult extends SecretLocation {
  /** Plaintext-file warning, or a backend that shadows the value just stored. */
  warnings: string[];
}

export interface DeleteResult {
  deletedFrom: SecretBackendId[];
  /** Read-only backends that still provide the secret (systemd credentials, environment). */
  stillIn: SecretBackendId[];
}

export interface SecretCopy {
  /** Writable backends that held the secret and now hold the same value under the new name too. */
  copiedIn: SecretBackendId[];
  /** Read-only backends (systemd credentials, environment) that provide it: kmsp cannot add the new name there. */
  readOnly: SecretBackendId[];
  /** Backends that could not be read (a keyring that stopped answering): whether they hold it is unknown. */
  unreadable: Array<{ backend: SecretBackendId; reason: string }>;
  /** Puts each backend written back as it was: the new name removed, or its earlier value restored. */
  undo(): Promise<void>;
}

export interface BackendStatus {
  id: SecretBackendId;
  label: string;
  writable: boolean;
  available: boolean;
  /** Why it is unavailable, or what it is (a path, a service name). */
  detail: string;
}

export interface SecretStatus {
  name: string;
  /** The backend whose value is used, or null when missing. */
  heldBy: SecretBackendId | null;
  /** Lower-priority backends that also hold it (their values are ignored). */
  shadowed: SecretBackendId[];
}

export interface SecretStatusReport {
  backends: BackendStatus[];
  secrets: SecretStatus[];
}

export interface SecretStore {
  readonly backends: readonly SecretBackend[];
  get(name: string): Promise<string | null>;
  /** Which backend provides the secret, without its value. */
  locate(name: string): Promise<SecretLocation | null>;
  set(name: string, value: string): Promise<SetResult>;
  delete(name: string): Promise<DeleteResult>;
  /**
   * Copies a secret to a new name in every writable backend that holds it (an integration's rename:
   * each copy stays where the admin put it). The old name stays until delete(from); a failure undoes
   * the copies made and throws, naming the secret and the backend, never the value.
   */
  copy(from: string, to: string): Promise<SecretCopy>;
  /** For each name (plus every name a backend can list): who holds it. */
  status(names?: readonly string[]): Promise<SecretStatusReport>;
}

/**
 * Shorter values are refused: connectors/redact.ts does not mask them (they would mask ordinary
 * words in every message), so such a secret could appear in errors and logs. Counted as the
 * redactor counts: JavaScript string length, after the trailing newline is trimmed.
 */
export const MIN_SECRET_LENGTH = 4;

/** Refuses an empty value or one shorter than MIN_SECRET_LENGTH, naming the secret (never the value). */
export function assertSecretValue(name: string, value: string, remedy?: string): void {
  if (!value) {
    throw new KmspError(`Refusing to store an empty value for ${name}.`, { kind: 'secret', remedy: remedy ?? 'Give the secret\'s value (typed at the prompt, or piped on standard input).' });
  }
  if (value.length < MIN_SECRET_LENGTH) {
    throw new KmspError(`Refusing to store ${name}: a secret must be at least ${MIN_SECRET_LENGTH} characters long.`, {
      kind: 'secret',
      cause: `Values shorter than ${MIN_SECRET_LENGTH} characters cannot be masked in messages and logs, so they could be shown.`,
      remedy: 'Check that the whole value was entered (it is read up to the end of the line, or the whole pipe), and use the real secret.',
    });
  }
}

export function assertSecretName(name: string): void {
  if (!SECRET_NAME_PATTERN.test(name)) {
    throw new KmspError(`"${name}" is not a valid secret name.`, {
      kind: 'secret',
      cause: 'Secret names look like <integration>.<part>, in lower-case letters, digits, dots and dashes (e.g. main.psa.secret).',
      remedy: '`kmsp secrets status` lists the names the configured integrations need.',
    });
  }
}

class OrderedSecretStore implements SecretStore {
  constructor(
    readonly backends: readonly SecretBackend[],
    private readonly secretsFile: string,
  ) {}

  private async availableBackends(): Promise<SecretBackend[]> {
    const checks = await Promise.all(this.backends.map(async (b) => ((await b.available()).ok ? b : null)));
    return checks.filter((b): b is SecretBackend => b !== null);
  }

  /** Every available backend holding `name`, in priority order. A keyring failing mid-call is skipped. */
  private async holders(name: string, stopAtFirst: boolean): Promise<Array<{ backend: SecretBackend; value: string }>> {
    const out: Array<{ backend: SecretBackend; value: string }> = [];
    for (const backend of this.backends) {
      if (!(await backend.available()).ok) continue;
      let value: string | null;
      try {
        value = await backend.get(name);
      } catch (error) {
        if (backend.id === 'keyring') continue; // now reported unavailable, with the reason
        throw error;
      }
      if (value) {
        out.push({ backend, value });
        if (stopAtFirst) break;
      }
    }
    return out;
  }

  async get(name: string): Promise<string | null> {
    assertSecretName(name);
    const [holder] = await this.holders(name, true);
    return holder?.value ?? null;
  }

  async locate(name: string): Promise<SecretLocation | null> {
    assertSecretName(name);
    const [holder] = await this.holders(name, true);
    return holder ? { backend: holder.backend.id, label: holder.backend.label } : null;
  }

  async set(name: string, rawValue: string): Promise<SetResult> {
    assertSecretName(name);
    const value = trimSecret(rawValue);
    assertSecretValue(name, value);
    const warnings: string[] = [];
    let stored: SecretBackend | null = null;
    for (const backend of await this.availableBackends()) {
      if (!backend.writable || !backend.set) continue;
      try {
        await backend.set(name, value);
        stored = backend;
        break;
      } catch (error) {
        if (backend.id !== 'keyring') throw error;
        warnings.push(`The OS keyring failed (${error instanceof Error ? error.message : String(error)}); trying the next backend.`);
      }
    }
    if (!stored) {
      throw new KmspError(`No writable secret backend is available to store ${name}.`, {
        kind: 'secret',
        cause: `Backends in use: ${this.backends.map((b) => b.id).join(', ')}.`,
        remedy: 'Use systemd credentials (LoadCredential=) or the environment variable ' + secretEnvVar(name) + ' instead.',
      });
    }
    if (stored.id === 'file') warnings.push(plaintextWarning(this.secretsFile));
    // A higher-priority backend would hide what was just stored.
    const [holder] = await this.holders(name, true);
    if (holder && holder.backend.id !== stored.id) {
      const { id, label } = holder.backend;
      warnings.push(`${name} is also provided by ${label}${id === 'environment' ? ` (${secretEnvVar(name)})` : ''}, which comes first: kmsp will use that value, not the one just stored.`);
    }
    return { backend: stored.id, label: stored.label, warnings };
  }

  async delete(name: string): Promise<DeleteResult> {
    assertSecretName(name);
    const deletedFrom: SecretBackendId[] = [];
    for (const backend of await this.availableBackends()) {
      if (backend.writable && backend.delete && (await backend.delete(name))) deletedFrom.push(backend.id);
    }
    const stillIn = (await this.holders(name, false)).map((h) => h.backend.id);
    return { deletedFrom, stillIn };
  }

  async copy(from: string, to: string): Promise<SecretCopy> {
    assertSecretName(from);
    assertSecretName(to);
    const written: Array<{ backend: SecretBackend; previous: string | null }> = [];
    const readOnly: SecretBackendId[] = [];
    const unreadable: Array<{ backend: SecretBackendId; reason: string }> = [];
    const undo = async () => {
      const failures: string[] = [];
      for (const { backend, previous } of written.splice(0).reverse()) {
        try {
          if (previous) await backend.set!(to, previous);
          else await backend.delete?.(to);
        } catch (error) {
          failures.push(`${backend.label}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (failures.length > 0) {
        throw new KmspError(`The copy of ${from} under the name ${to} could not be taken back.`, {
          kind: 'secret',
          cause: failures.join('; '),
          remedy: `Remove it yourself with \`kmsp secrets delete ${to}\` (the secret under ${from} is unchanged).`,
        });
      }
    };
    for (const backend of await this.availableBackends()) {
      let value: string | null;
      try {
        value = await backend.get(from);
      } catch (error) {
        // A keyring failing mid-call is unavailable now (with the reason), as get() treats it.
        if (backend.id !== 'keyring') {
          await undo().catch(() => undefined);
          throw error;
        }
        unreadable.push({ backend: backend.id, reason: error instanceof Error ? error.message : String(error) });
        continue;
      }
      if (!value) continue;
      if (!backend.writable || !backend.set) {
        readOnly.push(backend.id);
        continue;
      }
      try {
        const previous = await backend.get(to);
        await backend.set(to, value);
        written.push({ backend, previous });
      } catch (error) {
        let undone = 'The copies made before it were taken back';
        try {
          await undo();
        } catch (undoError) {
          undone = undoError instanceof KmspError ? `${undoError.message} ${undoError.remedy ?? ''}`.trim() : String(undoError);
        }
        throw new KmspError(`Could not copy the secret ${from} to ${to} in the ${backend.label}.`, {
          kind: 'secret',
          cause: error instanceof Error ? error.message : String(error),
          remedy: `${undone}; ${from} is unchanged. Fix the ${backend.label} (kmsp secrets status says what it lacks), then try again.`,
        });
      }
    }
    return { copiedIn: written.map((w) => w.backend.id), readOnly, unreadable, undo };
  }

  async status(names: readonly string[] = []): Promise<SecretStatusReport> {
    const backends: BackendStatus[] = [];
    const all = new Set(names);
    for (const b of this.backends) {
      const a = await b.available();
      backends.push({ id: b.id, label: b.label, writable: b.writable, available: a.ok, detail: a.ok ? (a.detail ?? '') : a.reason });
      if (a.ok && b.list) {
        try {
          for (const n of await b.list()) if (SECRET_NAME_PATTERN.test(n)) all.add(n);
        } catch {
          // Listing is a convenience; the names asked for are still checked.
        }
      }
    }
    const secrets: SecretStatus[] = [];
    for (const name of [...all].sort()) {
      const holders = SECRET_NAME_PATTERN.test(name) ? await this.holders(name, false) : [];
      secrets.push({ name, heldBy: holders[0]?.backend.id ?? null, shadowed: holders.slice(1).map((h) => h.backend.id) });
    }
    // A keyring that failed during the lookups is now unavailable: report that.
    for (const status of backends) {
      const backend = this.backends.find((b) => b.id === status.id);
      if (status.available && backend) {
        const a = await backend.available();
        if (!a.ok) Object.assign(status, { available: false, detail: a.reason });
      }
    }
    return { backends, secrets };
  }
}

export function openSecretStore(options: OpenSecretStoreOptions): SecretStore {
  const env = options.env ?? process.env;
  const warn = options.onWarning ?? ((message: string) => process.stderr.write(`kmsp: ${message}\n`));
  const make: Record<SecretBackendId, () => SecretBackend> = {
    keyring: () => keyringBackend({ ...(options.loadKeytar ? { loadKeytar: options.loadKeytar } : {}), ...(options.keyringTimeoutMs ? { timeoutMs: options.keyringTimeoutMs } : {}) }),
    'systemd-credentials': () => systemdCredentialsBackend(env),
    environment: () => environmentBackend(env),
    file: () => fileBackend(options.paths.secretsFile, warn, options.fileLock),
  };
  const ids = options.backends ?? SECRET_BACKEND_IDS;
  // Lookup order is fixed whatever order the caller lists them in.
  const ordered = SECRET_BACKEND_IDS.filter((id) => ids.includes(id));
  return new OrderedSecretStore(
    ordered.map((id) => make[id]()),
    options.paths.secretsFile,
  );
}
