import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KmspError } from '../../source/domain/errors.js';
import { secretEnvVar } from '../../source/domain/secretNames.js';
import type { KeytarLike } from '../../source/store/keyring.js';
import { openSecretStore, type OpenSecretStoreOptions } from '../../source/store/secrets.js';
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
    const result = await store.set(NAME, 'v');
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
    const result = await store.set(NAME, 'pw');
    expect(result.backend).toBe('file');
    expect(result.warnings[0]).toContain(`plaintext file ${paths.secretsFile}`);
    expect(result.warnings[0]).toMatch(/keyring|Secret Service/);
    expect(result.warnings[0]).not.toContain('pw"');
    expect(fileMode(paths.secretsFile)).toBe(0o600);
    expect(fileMode(path.dirname(paths.secretsFile))).toBe(0o700);
    expect(await store.get(NAME)).toBe('pw');
  });

  it('sets a group/world-readable secrets file back to 0600 and warns', async () => {
    const { store, paths, warnings } = setup();
    await store.set(NAME, 'pw');
    fs.chmodSync(paths.secretsFile, 0o644);
    expect(await store.get(NAME)).toBe('pw');
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
    await store.set(NAME, 'a');
    env[secretEnvVar(NAME)] = 'b';
    expect(await store.delete(NAME)).toEqual({ deletedFrom: ['file'], stillIn: ['environment'] });
    delete env[secretEnvVar(NAME)];
    expect(await store.delete(NAME)).toEqual({ deletedFrom: [], stillIn: [] });
  });

  it('rejects bad names and empty values', async () => {
    const { store } = setup();
    await expect(store.set('../etc/passwd', 'x')).rejects.toBeInstanceOf(KmspError);
    await expect(store.get('NoDot')).rejects.toThrow(/not a valid secret name/);
    await expect(store.set(NAME, '\n')).rejects.toThrow(/empty value/);
  });

  it('never overwrites a damaged secrets file', async () => {
    const { store, paths } = setup();
    fs.mkdirSync(path.dirname(paths.secretsFile), { recursive: true });
    fs.writeFileSync(paths.secretsFile, '{oops', { mode: 0o600 });
    await expect(store.get(NAME)).rejects.toThrow(/damaged/);
    await expect(store.set(NAME, 'x')).rejects.toThrow(/damaged/);
    expect(fs.readFileSync(paths.secretsFile, 'utf8')).toBe('{oops');
  });

  it('backends option restricts and keeps the fixed order', async () => {
    const { paths, env } = setup();
    const store = openSecretStore({ paths, env, backends: ['file', 'environment'], onWarning: () => {} });
    expect(store.backends.map((b) => b.id)).toEqual(['environment', 'file']);
  });
});
