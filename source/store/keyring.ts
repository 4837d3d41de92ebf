// The OS keyring backend: keytar over libsecret and a D-Bus Secret Service.
// keytar is an optionalDependency (archived, needs libsecret to build, a session
// bus to run), so it is imported dynamically and every failure — not installed,
// no D-Bus, no Secret Service, a locked keyring that never answers — makes the
// backend "unavailable" with the reason kept for `kmsp secrets status`.
import type { Availability, SecretBackend } from './secretTypes.js';

export const KEYRING_SERVICE = 'kmsp';

/** The part of keytar we use; tests pass a fake. */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials?(service: string): Promise<Array<{ account: string; password: string }>>;
}

export type KeytarLoader = () => Promise<KeytarLike>;

export const loadKeytar: KeytarLoader = async () => {
  // A variable specifier keeps TypeScript from requiring keytar's types: it may be absent.
  const specifier = 'keytar';
  const mod = (await import(specifier)) as { default?: KeytarLike } & Partial<KeytarLike>;
  const keytar = (mod.default ?? mod) as Partial<KeytarLike>;
  if (typeof keytar.getPassword !== 'function' || typeof keytar.setPassword !== 'function' || typeof keytar.deletePassword !== 'function') {
    throw new Error('the keytar module does not have the expected API');
  }
  return keytar as KeytarLike;
};

/** An unlocked keyring answers in milliseconds; a locked one may wait for a prompt nobody will see. */
export const KEYRING_TIMEOUT_MS = 3000;

/** Name of an entry that is never written: reading it proves the Secret Service answers. */
const PROBE_ACCOUNT = '__kmsp-probe__';

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the Secret Service did not answer within ${ms / 1000} s (a locked keyring waiting for a password prompt?)`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error';
}

export interface KeyringOptions {
  loadKeytar?: KeytarLoader;
  timeoutMs?: number;
}

export function keyringBackend(options: KeyringOptions = {}): SecretBackend {
  const load = options.loadKeytar ?? loadKeytar;
  const timeoutMs = options.timeoutMs ?? KEYRING_TIMEOUT_MS;
  let state: Promise<{ keytar: KeytarLike } | { reason: string }> | undefined;
  let lostReason: string | null = null;

  const probe = async (): Promise<{ keytar: KeytarLike } | { reason: string }> => {
    let keytar: KeytarLike;
    try {
      keytar = await load();
    } catch (error) {
      return {
        reason: `keytar could not be loaded (${message(error)}); it is an optional dependency built against libsecret (apt-get install libsecret-1-dev, then npm rebuild keytar).`,
      };
    }
    try {
      await withTimeout(keytar.getPassword(KEYRING_SERVICE, PROBE_ACCOUNT), timeoutMs);
    } catch (error) {
      return {
        reason: `no usable Secret Service on the D-Bus session bus (${message(error)}); on a server use systemd credentials, environment variables or the 0600 file.`,
      };
    }
    return { keytar };
  };

  /** keytar when usable; after a failed call the backend stays unavailable for this process. */
  const ready = async (): Promise<KeytarLike | null> => {
    if (lostReason) return null;
    state ??= probe();
    const s = await state;
    return 'keytar' in s ? s.keytar : null;
  };

  const call = async <T>(fn: (k: KeytarLike) => Promise<T>): Promise<T> => {
    const keytar = await ready();
    if (!keytar) throw new Error(await reason());
    try {
      return await withTimeout(fn(keytar), timeoutMs);
    } catch (error) {
      lostReason = `the keyring stopped answering (${message(error)})`;
      throw error;
    }
  };

  const reason = async (): Promise<string> => {
    if (lostReason) return lostReason;
    state ??= probe();
    const s = await state;
    return 'reason' in s ? s.reason : '';
  };

  return {
    id: 'keyring',
    label: 'OS keyring',
    writable: true,
    async available(): Promise<Availability> {
      const keytar = await ready();
      return keytar ? { ok: true, detail: `Secret Service, service "${KEYRING_SERVICE}"` } : { ok: false, reason: await reason() };
    },
    get: (name) => call((k) => k.getPassword(KEYRING_SERVICE, name)),
    set: (name, value) => call((k) => k.setPassword(KEYRING_SERVICE, name, value)),
    delete: (name) => call((k) => k.deletePassword(KEYRING_SERVICE, name)),
    list: () =>
      call(async (k) => {
        if (!k.findCredentials) return [];
        const found = await k.findCredentials(KEYRING_SERVICE);
        return found.map((c) => c.account).filter((a) => a !== PROBE_ACCOUNT);
      }),
  };
}
