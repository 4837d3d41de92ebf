import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureDir, fileTimestamp, freeName, resolvePaths } from '../../source/store/paths.js';
import { fileMode, tempDir } from '../store/helpers.js';

const home = '/home/alice';

describe('resolvePaths', () => {
  it('uses XDG defaults under the home directory', () => {
    const p = resolvePaths({ env: {}, homeDir: home });
    expect(p.configDir).toBe('/home/alice/.config/kmsp');
    expect(p.configFile).toBe('/home/alice/.config/kmsp/config.json');
    expect(p.stateDir).toBe('/home/alice/.local/state/kmsp');
    expect(p.ledgerFile).toBe('/home/alice/.local/state/kmsp/ledger.sqlite');
    expect(p.secretsFile).toBe('/home/alice/.local/state/kmsp/secrets.json');
    expect(p.statusFile).toBe('/home/alice/.local/state/kmsp/status.json');
  });

  it('honours XDG_CONFIG_HOME and XDG_STATE_HOME, ignoring relative values', () => {
    expect(resolvePaths({ env: { XDG_CONFIG_HOME: '/x/conf', XDG_STATE_HOME: '/x/state' }, homeDir: home })).toMatchObject({
      configDir: '/x/conf/kmsp',
      stateDir: '/x/state/kmsp',
    });
    expect(resolvePaths({ env: { XDG_CONFIG_HOME: 'rel', XDG_STATE_HOME: 'rel' }, homeDir: home })).toMatchObject({
      configDir: '/home/alice/.config/kmsp',
      stateDir: '/home/alice/.local/state/kmsp',
    });
  });

  it('prefers the systemd directories over XDG (first entry of a list)', () => {
    const env = { CONFIGURATION_DIRECTORY: '/etc/kmsp:/etc/other', STATE_DIRECTORY: '/var/lib/kmsp', XDG_CONFIG_HOME: '/x/conf', XDG_STATE_HOME: '/x/state' };
    const p = resolvePaths({ env, homeDir: home });
    expect(p.configFile).toBe('/etc/kmsp/config.json');
    expect(p.ledgerFile).toBe('/var/lib/kmsp/ledger.sqlite');
  });

  it('uses CONFIGURATION_DIRECTORY alone without forcing the state dir', () => {
    const p = resolvePaths({ env: { CONFIGURATION_DIRECTORY: '/etc/kmsp' }, homeDir: home });
    expect(p.configDir).toBe('/etc/kmsp');
    expect(p.stateDir).toBe('/home/alice/.local/state/kmsp');
  });

  it('puts everything in an explicit --config DIR, above systemd and XDG', () => {
    const env = { CONFIGURATION_DIRECTORY: '/etc/kmsp', STATE_DIRECTORY: '/var/lib/kmsp', XDG_CONFIG_HOME: '/x' };
    const p = resolvePaths({ configDir: '/srv/k', env, homeDir: home });
    expect(p).toEqual({
      configDir: '/srv/k',
      configFile: '/srv/k/config.json',
      stateDir: '/srv/k',
      ledgerFile: '/srv/k/ledger.sqlite',
      secretsFile: '/srv/k/secrets.json',
      statusFile: '/srv/k/status.json',
    });
  });

  it('makes a relative --config DIR absolute', () => {
    expect(resolvePaths({ configDir: 'rel/dir', env: {} }).configDir).toBe(path.resolve('rel/dir'));
  });

  it('does not create anything', () => {
    const dir = path.join(tempDir(), 'not-yet');
    resolvePaths({ configDir: dir });
    expect(fs.existsSync(dir)).toBe(false);
  });
});

describe('file helpers', () => {
  it('ensureDir creates missing directories with mode 0700', () => {
    const dir = path.join(tempDir(), 'a', 'b');
    ensureDir(dir);
    expect(fileMode(dir)).toBe(0o700);
  });

  it('fileTimestamp has no colons and freeName never reuses a name', () => {
    expect(fileTimestamp(new Date('2025-01-31T04:00:00.123Z'))).toBe('2025-01-31T04-00-00-123Z');
    const base = path.join(tempDir(), 'f');
    expect(freeName(base)).toBe(base);
    fs.writeFileSync(base, '');
    expect(freeName(base)).toBe(`${base}-2`);
  });
});
