import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KmspError } from '../../source/domain/errors.js';
import { secretEnvVar } from '../../source/domain/secretNames.js';
import type { KeytarLike } from '../../source/store/keyring.js';
import { fileBackend } from '../../source/store/secretBackends.js';
import { MIN_SECRET_LENGTH, openSecretStore, type OpenSecretStoreOptions } from '../../source/store/secrets.js';
import { fileMode, tempDir, tempPaths } from '../store/helpers.js';

const NAME = 'main.autotask.secret';

function fakeKeytar(): KeytarLike & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    getPassword: async (service, account) => entries.get(`${service}/${account}`) ?? null,
    setPassword: async (service, account, password) => void entries.set(`${service}/${account}`, password),
    deletePassword: async (service, account) => entries.delete(`${service}/${account}`),
    findCredentials: async (service) =>
      [...entries].filter(([k]) => k.startsWith(`${service}/`)).map(([k, password]) => ({ account: k.slice(service.length + 1), password })),
  };
}

const noKeytar = async (): Promise<KeytarLike> => {
  throw new Error("Cannot find package 'keytar'");
};

function setup(overrides: Partial<OpenSecretStoreOptions> = {}) {
  const paths = tempPaths();
  const credDir = tempDir('kmsp-creds-');
  const env: NodeJS.ProcessEnv = { CREDENTIALS_DIRECTORY: credDir };
  const warnings: string[] = [];
  const store = openSecretStore({ paths, env, loadKeytar: noKeytar, onWarning: (m) => warnings.push(m), ...overrides });
  return { paths, credDir, env, store, warnings };
}

describe('secret store', () => {
  it('looks up keyring → systemd credentials → environment → file', async () => {
    const keytar = fakeKeytar();
    const { store, credDir, env, paths } = setup({ loadKeytar: async () => keytar });
    const fileStore = openSecretStore({ paths, backends: ['file'], onWarning: () => {} });
    await fileStore.set(NAME, 'from-file');
    expect(await store.get(NAME)).toBe('from-file');
    env[secretEnvVar(NAME)] = 'from-env';
    expect(await store.get(NAME)).toBe('from-env');
    fs.writeFileSync(path.join(credDir, NAME), 'from-credentials\n');
    expect(await store.get(NAME)).toBe('from-credentials'); // trailing newline trimmed
    keytar.entries.set(`kmsp/${NAME}`, 'from-keyring');
    expect(await store.get(NAME)).toBe('from-keyring');
    expect(await store.locate(NAME)).toEqual({ backend: 'keyring', label: 'OS keyring' });
    const report = await store.status([NAME]);
    expect(report.secrets).toEqual([{ name: NAME, heldBy: 'keyring', shadowed: ['systemd-credentials', 'environment', 'file'] }]);
  });

  it('skips an unavailable keyring and keeps the reason', async () => {
    const { store, credDir } = setup();
    fs.writeFileSync(path.join(credDir, NAME), 'cred');
    expect(await store.get(NAME)).toBe('cred');
    const keyring = (await store.status()).backends.find((b) => b.id === 'keyring')!;
    expect(keyring.available).toBe(false);
    expect(keyring.detail).toContain("Cannot find package 'keytar'");
    expect(keyring.detail).toContain('libsecret');
  });

  it('a keyring without a Secret Service (calls throw) is unavailable', async () => {
    const keytar = fakeKeytar();
    keytar.getPassword = async () => {
      throw new Error('Cannot autolaunch D-Bus without X11 $DISPLAY');
    };
    const { store } = setup({ loadKeytar: async () => keytar });
    const result = await store.set(NAME, 'value');
    expect(result.backend).toBe('file');
    const keyring = (await store.status()).backends.find((b) => b.id === 'keyring')!;
    expect(keyring).toMatchObject({ available: false, detail: expect.stringContaining('Cannot autolaunch D-Bus') });
  });

  it('a keyring that never answers times out as unavailable', async () => {
    const keytar = fakeKeytar();
    keytar.getPassword = () => new Promise(() => {});
    const { store } = setup({ loadKeytar: async () => keytar, keyringTimeoutMs: 50 });
    const keyring = (await store.status()).backends.find((b) => b.id === 'keyring')!;
    expect(keyring).toMatchObject({ available: false, detail: expect.stringContaining('did not answer') });
  });

  it('set writes to the keyring when it is there, not to the file', async () => {
    const keytar = fakeKeytar();
    const { store, paths } = setup({ loadKeytar: async () => keytar });
    const result = await store.set(NAME, 's3cret\n');
    expect(result).toEqual({ backend: 'keyring', label: 'OS keyring', warnings: [] });
    expect(keytar.entries.get(`kmsp/${NAME}`)).toBe('s3cret');
    expect(fs.existsSync(paths.secretsFile)).toBe(false);
    expect((await store.delete(NAME)).deletedFrom).toEqual(['keyring']);
    expect(await store.get(NAME)).toBeNull();
  });

  it('falls back to the 0600 file with a plaintext warning', async () => {
    const { store, paths } = setup();
    const result = await store.set(NAME, 'pw-value');
    expect(result.backend).toBe('file');
    expect(result.warnings[0]).toContain(`plaintext file ${paths.secretsFile}`);
    expect(result.warnings[0]).toMatch(/keyring|Secret Service/);
    expect(result.warnings[0]).not.toContain('pw-value');
    expect(fileMode(paths.secretsFile)).toBe(0o600);
    expect(fileMode(path.dirname(paths.secretsFile))).toBe(0o700);
    expect(await store.get(NAME)).toBe('pw-value');
  });

  it('sets a group/world-readable secrets file back to 0600 and warns', async () => {
    const { store, paths, warnings } = setup();
    await store.set(NAME, 'pw-value');
    fs.chmodSync(paths.secretsFile, 0o644);
    expect(await store.get(NAME)).toBe('pw-value');
    expect(fileMode(paths.secretsFile)).toBe(0o600);
    expect(warnings.join('\n')).toMatch(/readable by all users \(mode 0644\); it was set to 0600/);
  });

  it('status reports holders and backends but never a value or its length', async () => {
    const value = 'Zx9-very-distinctive-value';
    const { store, env } = setup();
    await store.set(NAME, value);
    env[secretEnvVar('main.ksc.password')] = value + 'X';
    const report = await store.status(['main.ksc.password', 'main.autotask.integration-code']);
    const text = JSON.stringify(report);
    expect(text).not.toContain(value);
    expect(text).not.toContain(String(value.length));
    expect(report.secrets).toEqual([
      { name: 'main.autotask.integration-code', heldBy: null, shadowed: [] },
      { name: NAME, heldBy: 'file', shadowed: [] }, // listed from the file although not asked for
      { name: 'main.ksc.password', heldBy: 'environment', shadowed: [] },
    ]);
    expect(report.backends.map((b) => [b.id, b.available])).toEqual([
      ['keyring', false],
      ['systemd-credentials', true],
      ['environment', true],
      ['file', true],
    ]);
  });

  it('reports a missing $CREDENTIALS_DIRECTORY as unavailable', async () => {
    const { store } = setup({ env: {} });
    const creds = (await store.status()).backends.find((b) => b.id === 'systemd-credentials')!;
    expect(creds).toMatchObject({ available: false, detail: expect.stringContaining('$CREDENTIALS_DIRECTORY is not set') });
  });

  it('warns when a higher-priority backend shadows the stored value', async () => {
    const { store, env } = setup();
    env[secretEnvVar(NAME)] = 'env-value';
    const result = await store.set(NAME, 'file-value');
    expect(result.warnings.some((w) => w.includes(secretEnvVar(NAME)) && w.includes('comes first'))).toBe(true);
    expect(result.warnings.join()).not.toContain('env-value');
  });

  it('delete removes from writable backends and reports read-only ones still holding it', async () => {
    const { store, env } = setup();
    await store.set(NAME, 'aaaa');
    env[secretEnvVar(NAME)] = 'bbbb';
    expect(await store.delete(NAME)).toEqual({ deletedFrom: ['file'], stillIn: ['environment'] });
    delete env[secretEnvVar(NAME)];
    expect(await store.delete(NAME)).toEqual({ deletedFrom: [], stillIn: [] });
  });

  it('rejects bad names and empty values', async () => {
    const { store } = setup();
    await expect(store.set('../etc/passwd', 'xxxx')).rejects.toBeInstanceOf(KmspError);
    await expect(store.get('NoDot')).rejects.toThrow(/not a valid secret name/);
    await expect(store.set(NAME, '\n')).rejects.toThrow(/empty value/);
  });

  it('refuses a value shorter than 4 characters (the redactor cannot mask it), in every backend', async () => {
    const keytar = fakeKeytar();
    for (const overrides of [{}, { loadKeytar: async () => keytar }]) {
      const { store, paths } = setup(overrides);
      for (const short of ['Q', 'Qz', 'Qz9', 'Qz9\n', 'Qz\r\n']) {
        const error = await store.set(NAME, short).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(KmspError);
        expect((error as KmspError).message).toBe(`Refusing to store ${NAME}: a secret must be at least ${MIN_SECRET_LENGTH} characters long.`);
        expect((error as KmspError).explain()).not.toContain(short.trim());
      }
      expect(fs.existsSync(paths.secretsFile)).toBe(false);
      expect(keytar.entries.size).toBe(0);
      await store.set(NAME, 'abcd');
      expect(await store.get(NAME)).toBe('abcd');
      keytar.entries.clear();
    }
    expect(MIN_SECRET_LENGTH).toBe(4);
  });

  it('never overwrites a damaged secrets file', async () => {
    const { store, paths } = setup();
    fs.mkdirSync(path.dirname(paths.secretsFile), { recursive: true });
    fs.writeFileSync(paths.secretsFile, '{oops', { mode: 0o600 });
    await expect(store.get(NAME)).rejects.toThrow(/damaged/);
    await expect(store.set(NAME, 'xxxx')).rejects.toThrow(/damaged/);
    expect(fs.readFileSync(paths.secretsFile, 'utf8')).toBe('{oops');
  });

  it('backends option restricts and keeps the fixed order', async () => {
    const { paths, env } = setup();
    const store = openSecretStore({ paths, env, backends: ['file', 'environment'], onWarning: () => {} });
    expect(store.backends.map((b) => b.id)).toEqual(['environment', 'file']);
  });

  describe('the secrets file lock (S11)', () => {
    function lockedFile(owner: { pid?: number; host?: string; at?: string } | string, ageMs = 0) {
      const paths = tempPaths();
      fs.mkdirSync(path.dirname(paths.secretsFile), { recursive: true });
      const lock = `${paths.secretsFile}.lock`;
      fs.writeFileSync(lock, typeof owner === 'string' ? owner : JSON.stringify({ host: os.hostname(), at: new Date().toISOString(), token: 't', ...owner }), { mode: 0o600 });
      if (ageMs) {
        const then = new Date(Date.now() - ageMs);
        fs.utimesSync(lock, then, then);
      }
      return { paths, lock };
    }

    /** A pid that surely belongs to no process: one that has just exited. */
    function deadPid(): number {
      const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
      return Number(child.stdout);
    }

    it('is held only while writing: none is left after set and delete, and reads never take it', async () => {
      const { store, paths } = setup();
      await store.set(NAME, 'first-value');
      expect(fs.existsSync(`${paths.secretsFile}.lock`)).toBe(false);
      fs.writeFileSync(`${paths.secretsFile}.lock`, JSON.stringify({ pid: process.pid, host: os.hostname(), at: new Date().toISOString(), token: 'x' }));
      expect(await store.get(NAME)).toBe('first-value'); // a held lock does not block reading
      fs.rmSync(`${paths.secretsFile}.lock`);
      expect((await store.delete(NAME)).deletedFrom).toEqual(['file']);
      expect(fs.readdirSync(path.dirname(paths.secretsFile)).filter((f) => f.startsWith('secrets.json'))).toEqual(['secrets.json']);
    });

    it('a lock left by a process that is gone is taken over at once', async () => {
      const { paths, lock } = lockedFile({ pid: deadPid() });
      const backend = fileBackend(paths.secretsFile, () => {}, { timeoutMs: 5_000, staleMs: 60_000 });
      const started = Date.now();
      await backend.set!(NAME, 'after-takeover');
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(await backend.get(NAME)).toBe('after-takeover');
      expect(fs.existsSync(lock)).toBe(false);
    });

    it('a lock older than the stale limit is taken over even if its process is alive', async () => {
      const { paths, lock } = lockedFile({ pid: process.ppid }, 120_000);
      const backend = fileBackend(paths.secretsFile, () => {}, { timeoutMs: 5_000, staleMs: 30_000 });
      await backend.set!(NAME, 'after-takeover');
      expect(await backend.get(NAME)).toBe('after-takeover');
      expect(fs.existsSync(lock)).toBe(false);
    });

    it('a live lock is waited for, and released in time lets the write through', async () => {
      const { paths, lock } = lockedFile({ pid: process.ppid });
      const backend = fileBackend(paths.secretsFile, () => {}, { timeoutMs: 5_000, staleMs: 60_000, retryMs: 10 });
      const pending = backend.set!(NAME, 'waited-value');
      await new Promise((r) => setTimeout(r, 150));
      expect(fs.existsSync(paths.secretsFile)).toBe(false); // still waiting
      fs.rmSync(lock);
      await pending;
      expect(await backend.get(NAME)).toBe('waited-value');
    });

    it('a live lock held too long: refused with the lock file, its pid and what to do; nothing written', async () => {
      const { paths, lock } = lockedFile({ pid: process.ppid, at: '2025-03-01T10:00:00.000Z' });
      const backend = fileBackend(paths.secretsFile, () => {}, { timeoutMs: 200, staleMs: 60_000, retryMs: 10 });
      const error = await backend.set!(NAME, 'never-written').then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(KmspError);
      const text = (error as KmspError).explain();
      expect((error as KmspError).message).toContain('is locked by another kmsp; nothing was changed');
      expect(text).toContain(`${lock} is held by process ${process.ppid} since 2025-03-01T10:00:00.000Z`);
      expect(text).toContain(`remove ${lock}`);
      expect(text).not.toContain('never-written');
      expect(fs.existsSync(paths.secretsFile)).toBe(false);
      expect(fs.existsSync(lock)).toBe(true); // someone else's lock is not ours to remove
    });

    it('an unreadable (half-written) lock is waited for until stale, then taken over', async () => {
      const { paths, lock } = lockedFile('', 0);
      const backend = fileBackend(paths.secretsFile, () => {}, { timeoutMs: 5_000, staleMs: 300, retryMs: 10 });
      const started = Date.now();
      await backend.set!(NAME, 'after-stale');
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(await backend.get(NAME)).toBe('after-stale');
      expect(fs.existsSync(lock)).toBe(false);
    });

    it('two writers in one process are serialized too', async () => {
      const { paths } = setup();
      const backend = fileBackend(paths.secretsFile, () => {});
      await Promise.all(Array.from({ length: 20 }, (_, i) => backend.set!(`main.s${i}.secret`, `value-${i}`)));
      expect(Object.keys((JSON.parse(fs.readFileSync(paths.secretsFile, 'utf8')) as { secrets: object }).secrets)).toHaveLength(20);
    });
  });
});
