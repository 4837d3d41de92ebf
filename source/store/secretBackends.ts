// The non-keyring secret backends: systemd credentials and environment
// variables (read-only), and the 0600 plaintext file (last resort).
import fs from 'node:fs';
import path from 'node:path';
import { KmspError } from '../domain/errors.js';
import { SECRET_NAME_PATTERN, secretEnvVar } from '../domain/secretNames.js';
import { LockTimeoutError, withLockFile, writeFileAtomic, type LockOptions } from './atomicFile.js';
import { ensureDir } from './paths.js';
import type { Availability, SecretBackend } from './secretTypes.js';

export const SECRETS_FILE_MODE = 0o600;

/** Credential files and `echo … |` leave a trailing newline that is not part of the secret. */
export function trimSecret(value: string): string {
  return value.replace(/[\r\n]+$/, '');
}

function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

/**
 * systemd credentials (LoadCredential= / LoadCredentialEncrypted=): one file per
 * secret in $CREDENTIALS_DIRECTORY, readable only by the unit's user. Read-only.
 */
export function systemdCredentialsBackend(env: NodeJS.ProcessEnv): SecretBackend {
  const dir = env.CREDENTIALS_DIRECTORY;
  return {
    id: 'systemd-credentials',
    label: 'systemd credentials',
    writable: false,
    async available(): Promise<Availability> {
      if (!dir) return { ok: false, reason: '$CREDENTIALS_DIRECTORY is not set (systemd sets it for a unit with LoadCredential=NAME:PATH).' };
      try {
        if (!fs.statSync(dir).isDirectory()) return { ok: false, reason: `$CREDENTIALS_DIRECTORY (${dir}) is not a directory.` };
      } catch (error) {
        return { ok: false, reason: `$CREDENTIALS_DIRECTORY (${dir}) cannot be read: ${(error as Error).message}` };
      }
      return { ok: true, detail: dir };
    },
    async get(name) {
      if (!dir) return null;
      const file = path.join(dir, name);
      try {
        return trimSecret(fs.readFileSync(file, 'utf8'));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return null;
        throw new KmspError(`Cannot read the systemd credential ${name}.`, {
          kind: 'secret',
          cause: `${file}: ${(error as Error).message}`,
          remedy: 'Check the unit\'s LoadCredential= line and that the service runs as the user the credential was loaded for.',
        });
      }
    },
    async list() {
      if (!dir) return [];
      try {
        return fs.readdirSync(dir).filter((f) => SECRET_NAME_PATTERN.test(f));
      } catch {
        return [];
      }
    },
  };
}

/** KMSP_SECRET_<NAME> environment variables (secretEnvVar). Read-only; an empty value counts as unset. */
export function environmentBackend(env: NodeJS.ProcessEnv): SecretBackend {
  return {
    id: 'environment',
    label: 'environment',
    writable: false,
    async available(): Promise<Availability> {
      return { ok: true, detail: 'KMSP_SECRET_<NAME> variables, e.g. KMSP_SECRET_MAIN_KSC_PASSWORD' };
    },
    async get(name) {
      const value = env[secretEnvVar(name)];
      return value ? trimSecret(value) : null;
    },
  };
}

interface SecretsFileShape {
  version: 1;
  secrets: Record<string, string>;
}

export const PLAINTEXT_WARNING_REMEDY =
  'For an encrypted store, run kmsp where a Secret Service is available (a desktop session, or dbus-run-session with gnome-keyring-daemon --unlock; ' +
  'keytar needs libsecret: apt-get install libsecret-1-dev dbus gnome-keyring, then npm rebuild keytar). ' +
  'For the agent under systemd prefer LoadCredential= (systemd credentials) or KMSP_SECRET_* environment variables.';

/**
 * How to move a secret out of the plaintext file, as commands to paste: into the OS keyring
 * (delete it, then set it again where a Secret Service runs: `set` prefers the keyring), or, for
 * the agent as a service, into a systemd credential file (README "Run as a service", step 3),
 * then out of the file. `kmsp` is how to run kmsp here, with --config when one was given.
 */
export function plaintextSecretRemedy(name: string, kmsp = 'kmsp', credentials = { dir: '/etc/kmsp-credentials', group: 'kmsp' }): string[] {
  const file = `${credentials.dir}/${name}`;
  return [
    `Remedy: move it to the OS keyring (where a Secret Service runs): ${kmsp} secrets delete ${name} && ${kmsp} secrets set ${name}`,
    `or, for the agent as a systemd service, to a credential file (README "Run as a service"): read -rsp '${name}: ' v; echo; printf '%s' "$v" | sudo install -o root -g ${credentials.group} -m 0640 /dev/stdin ${file}; unset v; ${kmsp} secrets delete ${name}`,
  ];
}

export function plaintextWarning(file: string): string {
  return `The secret was stored in the plaintext file ${file} (mode 0600): anyone with root or this user's access can read it. ${PLAINTEXT_WARNING_REMEDY}`;
}

/**
 * The last resort: a JSON file in the state dir, mode 0600. A file someone made
 * group/world readable is set back to 0600 with a warning (its secrets may have
 * been read). A corrupt file is never overwritten.
 *
 * set and delete read, change and rewrite the whole file, so two processes doing it at once
 * (`kmsp secrets set` in two shells, or beside the console) would lose one update. They hold
 * `<file>.lock` (O_EXCL, with pid, host and time) around it; a lock left by a process that is
 * gone, or older than `lock.staleMs`, is taken over. Reads need no lock: the file is only ever
 * replaced by an atomic rename.
 */
export function fileBackend(file: string, warn: (message: string) => void, lock: LockOptions = {}): SecretBackend {
  const lockFile = `${file}.lock`;
  const checkMode = () => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      return;
    }
    const mode = stat.mode & 0o777;
    if ((mode & 0o077) !== 0) {
      let fixed = true;
      try {
        fs.chmodSync(file, SECRETS_FILE_MODE);
      } catch {
        fixed = false;
      }
      warn(
        `The secrets file ${file} was readable by ${mode & 0o007 ? 'all users' : 'its group'} (mode ${octal(mode)})` +
          (fixed ? '; it was set to 0600.' : ' and could not be set to 0600.') +
          ' Consider changing the secrets it holds.',
      );
    }
    const uid = process.getuid?.();
    if (uid !== undefined && stat.uid !== uid && uid !== 0) warn(`The secrets file ${file} belongs to uid ${stat.uid}, not to this user (uid ${uid}).`);
  };

  const read = (): Record<string, string> => {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new KmspError(`Cannot read the secrets file ${file}.`, { kind: 'secret', cause: (error as Error).message, remedy: 'Check its owner and permissions (it should belong to the user running kmsp, mode 0600).' });
    }
    checkMode();
    try {
      const parsed = JSON.parse(text) as Partial<SecretsFileShape>;
      if (!parsed || typeof parsed.secrets !== 'object' || parsed.secrets === null) throw new Error('no "secrets" object');
      return parsed.secrets;
    } catch (error) {
      throw new KmspError(`The secrets file ${file} is damaged.`, {
        kind: 'secret',
        cause: `It is not the JSON kmsp writes (${(error as Error).message}).`,
        remedy: 'It was left unchanged. Fix it by hand, or move it away and set the secrets again with `kmsp secrets set NAME`.',
      });
    }
  };

  /** Write a temp file with 0600, fsync it and rename it over: readers never see half a file. */
  const write = (secrets: Record<string, string>) => {
    const data: SecretsFileShape = { version: 1, secrets };
    try {
      writeFileAtomic(file, JSON.stringify(data, null, 2) + '\n', { mode: SECRETS_FILE_MODE });
    } catch (error) {
      throw new KmspError(`Cannot write the secrets file ${file}.`, { kind: 'secret', cause: (error as Error).message, remedy: `Check that ${path.dirname(file)} is writable by this user.` });
    }
  };

  /** Read, change and write the file while holding the lock. */
  const update = async <T>(change: (secrets: Record<string, string>) => T): Promise<T> => {
    try {
      ensureDir(path.dirname(file));
    } catch (error) {
      throw new KmspError(`Cannot create the directory of the secrets file ${file}.`, { kind: 'secret', cause: (error as Error).message, remedy: `Check that ${path.dirname(path.dirname(file))} is writable by this user.` });
    }
    try {
      return await withLockFile(lockFile, () => change(read()), lock);
    } catch (error) {
      if (error instanceof LockTimeoutError) {
        throw new KmspError(`The secrets file ${file} is locked by another kmsp; nothing was changed.`, {
          kind: 'secret',
          cause: error.message,
          remedy: `Try again in a moment. If no other kmsp is running, remove ${lockFile}.`,
        });
      }
      if (!(error instanceof KmspError) && (error as NodeJS.ErrnoException).code) {
        throw new KmspError(`Cannot lock the secrets file ${file}.`, { kind: 'secret', cause: (error as Error).message, remedy: `Check that ${path.dirname(file)} is writable by this user.` });
      }
      throw error;
    }
  };

  return {
    id: 'file',
    label: 'plaintext file',
    writable: true,
    async available(): Promise<Availability> {
      return { ok: true, detail: `${file} (plaintext, mode 0600)` };
    },
    async get(name) {
      const value = read()[name];
      return value ? trimSecret(value) : null;
    },
    async set(name, value) {
      await update((secrets) => {
        secrets[name] = value;
        write(secrets);
      });
    },
    async delete(name) {
      if (!(name in read())) return false; // nothing to do: no lock, no directory created
      return update((secrets) => {
        if (!(name in secrets)) return false;
        delete secrets[name];
        write(secrets);
        return true;
      });
    },
    async list() {
      return Object.keys(read());
    },
  };
}
