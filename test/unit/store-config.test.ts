import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AUTOTASK_DEFAULTS, KSC_DEFAULTS, defaultConfig, newIntegration } from '../../source/domain/defaults.js';
import type { KmspConfig } from '../../source/domain/config.js';
import { KmspError } from '../../source/domain/errors.js';
import { configBackups, hostDefaults, openConfig, type ConfigAuditEntry } from '../../source/store/config.js';
import { diffConfig, summarizeChanges } from '../../source/store/configDiff.js';
import { schemaProblems } from '../../source/store/configSchema.js';
import { CONFIG_MIGRATIONS, migrateConfig, type ConfigMigration } from '../../source/store/migrations.js';
import { fileMode, tempPaths } from '../store/helpers.js';

function sampleConfig(): KmspConfig {
  const config = defaultConfig();
  config.integrations.push(
    newIntegration('main', { ...KSC_DEFAULTS, url: 'https://ksc.example:13299', username: 'kmsp' }, { ...AUTOTASK_DEFAULTS, username: 'api@x' }),
  );
  config.integrations[0]!.tenants.push({
    tenantId: 'vs-1', tenantName: 'Acme', accountId: '29683', accountName: 'Acme Ltd', billing: true, contractId: '7', contractName: 'Managed',
  });
  return config;
}

function thrown(fn: () => unknown): KmspError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KmspError);
    return error as KmspError;
  }
  throw new Error('expected a KmspError');
}

function quiet() {
  const notices: string[] = [];
  return { notices, onNotice: (m: string) => notices.push(m) };
}

describe('config store', () => {
  it('returns defaults without writing when there is no file', () => {
    const paths = tempPaths();
    const store = openConfig({ paths });
    expect(store.path).toBe(paths.configFile);
    expect(store.load()).toEqual(defaultConfig());
    expect(store.exists()).toBe(false);
    expect(fs.existsSync(paths.configDir)).toBe(false);
  });

  it('round-trips a config, with mode 0600 file and 0700 dir', () => {
    const paths = tempPaths();
    const store = openConfig({ paths });
    const config = sampleConfig();
    store.save(config);
    expect(fileMode(paths.configFile)).toBe(0o600);
    expect(fileMode(paths.configDir)).toBe(0o700);
    expect(openConfig({ paths }).load()).toEqual(config);
    config.agent.paused = true;
    store.save(config);
    expect(openConfig({ paths }).load().agent.paused).toBe(true);
  });

  it('makes a pre-existing loose file 0600 on save and on load', () => {
    const paths = tempPaths();
    fs.mkdirSync(paths.configDir, { recursive: true });
    fs.writeFileSync(paths.configFile, JSON.stringify(sampleConfig()), { mode: 0o644 });
    fs.chmodSync(paths.configFile, 0o644);
    const q = quiet();
    openConfig({ paths, onNotice: q.onNotice }).load();
    expect(fileMode(paths.configFile)).toBe(0o600);
    expect(q.notices.join()).toMatch(/had mode 0644; it was set to 0600/);
    fs.chmodSync(paths.configFile, 0o666);
    openConfig({ paths }).save(sampleConfig());
    expect(fileMode(paths.configFile)).toBe(0o600);
  });

  it('refuses to save a schema-invalid config, listing each problem, and writes nothing', () => {
    const paths = tempPaths();
    const bad = sampleConfig() as unknown as { agent: Record<string, unknown>; integrations: { psa: Record<string, unknown> }[] };
    bad.agent.ticketPollSeconds = 'often';
    delete bad.agent.paused;
    const error = thrown(() => openConfig({ paths }).save(bad as unknown as KmspConfig));
    expect(error.kind).toBe('config');
    expect(error.explain()).toContain('agent.ticketPollSeconds: must be number');
    expect(error.explain()).toContain('agent.paused: is required but missing');
    expect(fs.existsSync(paths.configFile)).toBe(false);
  });

  it('refuses secret-looking keys in the config (defence in depth)', () => {
    const paths = tempPaths();
    const config = sampleConfig();
    (config.integrations[0]!.psa as unknown as Record<string, unknown>).password = 'hunter2';
    const error = thrown(() => openConfig({ paths }).save(config));
    expect(error.explain()).toContain('integrations[0].psa.password');
    expect(error.explain()).not.toContain('hunter2');
    expect(error.remedy).toContain('kmsp secrets set');
    expect(fs.existsSync(paths.configFile)).toBe(false);
    // And the schema alone rejects it too: there is no field for a secret.
    expect(schemaProblems(config)).toContainEqual({ path: 'integrations[0].psa.password', message: 'is not a known setting; remove it.' });
  });

  describe('a corrupt file', () => {
    function writeRaw(text: string) {
      const paths = tempPaths();
      fs.mkdirSync(paths.configDir, { recursive: true });
      fs.writeFileSync(paths.configFile, text, { mode: 0o600 });
      return paths;
    }

    it('is moved aside (console mode), named in the notice with the reason, and defaults are used', () => {
      const paths = writeRaw('{"schemaVersion": 1, "integrations": [');
      const q = quiet();
      const store = openConfig({ paths, onInvalid: 'quarantine-and-default', onNotice: q.onNotice, now: () => new Date('2025-03-01T10:20:30.000Z') });
      const result = store.loadDetailed();
      const movedTo = `${paths.configFile}.corrupt-2025-03-01T10-20-30-000Z`;
      expect(result.source).toBe('defaults');
      expect(result.config).toEqual(defaultConfig());
      expect(result.quarantinedTo).toBe(movedTo);
      expect(fs.readFileSync(movedTo, 'utf8')).toBe('{"schemaVersion": 1, "integrations": [');
      expect(fs.existsSync(paths.configFile)).toBe(false);
      // Where the file went comes first: a status line cuts long messages.
      expect(result.notices[0]!.startsWith(`Config file moved to ${movedTo} (kept, not deleted)`)).toBe(true);
      expect(result.notices[0]).toContain('not valid JSON');
    });

    it('never overwrites an earlier quarantined file', () => {
      const paths = writeRaw('garbage 1');
      const now = () => new Date('2025-03-01T10:20:30.000Z');
      openConfig({ paths, onInvalid: 'quarantine-and-default', now, onNotice: () => {} }).load();
      fs.writeFileSync(paths.configFile, 'garbage 2');
      openConfig({ paths, onInvalid: 'quarantine-and-default', now, onNotice: () => {} }).load();
      const base = `${paths.configFile}.corrupt-2025-03-01T10-20-30-000Z`;
      expect(fs.readFileSync(base, 'utf8')).toBe('garbage 1');
      expect(fs.readFileSync(`${base}-2`, 'utf8')).toBe('garbage 2');
    });

    it('fails (agent mode) with the path and the reason, leaving the file in place', () => {
      const paths = writeRaw('not json');
      const error = thrown(() => openConfig({ paths, onInvalid: 'fail' }).load());
      expect(error.message).toContain(paths.configFile);
      expect(error.why).toContain('not valid JSON');
      expect(fs.readFileSync(paths.configFile, 'utf8')).toBe('not json');
      expect(fs.readdirSync(paths.configDir)).toEqual(['config.json']);
    });

    it('a schema-invalid file is moved aside too, with each problem in the notice', () => {
      const config = sampleConfig() as unknown as { agent: Record<string, unknown> };
      config.agent.paused = 'yes';
      const paths = writeRaw(JSON.stringify(config));
      const result = openConfig({ paths, onInvalid: 'quarantine-and-default', onNotice: () => {} }).loadDetailed();
      expect(result.quarantinedTo).toMatch(/config\.json\.corrupt-/);
      expect(result.notices[0]).toContain('agent.paused: must be boolean');
      expect(result.notices[0]).toContain(result.quarantinedTo!);
      const failing = writeRaw(JSON.stringify(config));
      expect(thrown(() => openConfig({ paths: failing }).load()).why).toContain('agent.paused: must be boolean');
    });

    it('save() keeps a copy of an unusable file, and replaces it without ever removing it', () => {
      const paths = writeRaw('{{{');
      const q = quiet();
      openConfig({ paths, onNotice: q.onNotice }).save(sampleConfig());
      const kept = fs.readdirSync(paths.configDir).filter((f) => f.includes('.corrupt-'));
      expect(kept).toHaveLength(1);
      expect(fs.readFileSync(path.join(paths.configDir, kept[0]!), 'utf8')).toBe('{{{');
      expect(q.notices[0]).toContain(kept[0]!);
      expect(fileMode(path.join(paths.configDir, kept[0]!))).toBe(0o600);
      expect(openConfig({ paths }).load()).toEqual(sampleConfig());
    });
  });

  describe('how the file is replaced (S9, S10)', () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    /** Every change made to the config file's own path during `fn`. */
    function watchWrites(file: string, fn: () => void) {
      const renames: Array<{ from: string; text: string; mode: number }> = [];
      const other: string[] = [];
      const original = { renameSync: fs.renameSync, writeFileSync: fs.writeFileSync, openSync: fs.openSync, copyFileSync: fs.copyFileSync, rmSync: fs.rmSync, unlinkSync: fs.unlinkSync };
      vi.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
        if (String(to) === file) renames.push({ from: String(from), text: fs.readFileSync(from, 'utf8'), mode: fs.statSync(from).mode & 0o777 });
        if (String(from) === file) other.push(`renameSync away to ${String(to)}`);
        original.renameSync(from, to);
      });
      vi.spyOn(fs, 'writeFileSync').mockImplementation((target, ...rest) => {
        if (target === file) other.push('writeFileSync');
        original.writeFileSync(target, ...rest);
      });
      vi.spyOn(fs, 'openSync').mockImplementation((target, flags, mode) => {
        if (target === file && flags !== undefined && flags !== 'r' && flags !== fs.constants.O_RDONLY) other.push(`openSync ${String(flags)}`);
        return original.openSync(target, flags, mode);
      });
      vi.spyOn(fs, 'copyFileSync').mockImplementation((from, to, mode) => {
        if (to === file) other.push('copyFileSync onto it');
        original.copyFileSync(from, to, mode);
      });
      vi.spyOn(fs, 'rmSync').mockImplementation((target, options) => {
        if (target === file) other.push('rmSync');
        original.rmSync(target, options);
      });
      vi.spyOn(fs, 'unlinkSync').mockImplementation((target) => {
        if (target === file) other.push('unlinkSync');
        original.unlinkSync(target);
      });
      fn();
      vi.restoreAllMocks();
      return { renames, other };
    }

    function withSecond(): KmspConfig {
      const config = sampleConfig();
      config.integrations.push(newIntegration('second', { ...KSC_DEFAULTS, url: 'https://ksc-2.example:13299', username: 'kmsp' }, { ...AUTOTASK_DEFAULTS, username: 'api@y' }));
      return config;
    }

    it('removing an integration: one rename of a complete 0600 temp file from the same directory, nothing else touches config.json', () => {
      const paths = tempPaths();
      const store = openConfig({ paths });
      store.save(withSecond());
      const { renames, other } = watchWrites(paths.configFile, () => store.save(sampleConfig()));
      expect(other).toEqual([]);
      expect(renames).toHaveLength(1);
      expect(path.dirname(renames[0]!.from)).toBe(paths.configDir);
      expect(renames[0]!.mode).toBe(0o600);
      expect(JSON.parse(renames[0]!.text)).toEqual(sampleConfig()); // no "second", nothing merged
      expect(fs.readdirSync(paths.configDir)).toEqual(['config.json']); // no temp file left
    });

    it('over an older version or a damaged file: copied first, then replaced by one rename; never renamed away', () => {
      const migrations: ConfigMigration[] = [{ from: 0, to: 1, description: 'add version', migrate: (raw) => raw }];
      for (const text of [JSON.stringify({ integrations: [], agent: defaultConfig().agent }), '{"schemaVersion": 1, "integ']) {
        const paths = tempPaths();
        fs.mkdirSync(paths.configDir, { recursive: true });
        fs.writeFileSync(paths.configFile, text, { mode: 0o600 });
        const { renames, other } = watchWrites(paths.configFile, () => openConfig({ paths, migrations, onNotice: () => {} }).save(withSecond()));
        expect(other).toEqual([]);
        expect(renames.map((r) => JSON.parse(r.text) as unknown)).toEqual([withSecond()]);
        const kept = fs.readdirSync(paths.configDir).filter((f) => f !== 'config.json');
        expect(kept).toHaveLength(1);
        expect(fs.readFileSync(path.join(paths.configDir, kept[0]!), 'utf8')).toBe(text);
      }
    });

    it('a failed write leaves the current file as it was and no temp file', () => {
      const paths = tempPaths();
      const store = openConfig({ paths });
      store.save(sampleConfig());
      const before = fs.readFileSync(paths.configFile, 'utf8');
      const original = fs.renameSync;
      vi.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
        if (to === paths.configFile) throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
        original(from, to);
      });
      const error = thrown(() => store.save(withSecond()));
      vi.restoreAllMocks();
      expect(error.message).toContain(`Could not write the config file ${paths.configFile}`);
      expect(error.why).toContain('EIO');
      expect(fs.readFileSync(paths.configFile, 'utf8')).toBe(before);
      expect(fs.readdirSync(paths.configDir)).toEqual(['config.json']);
    });
  });

  describe('versions and migrations', () => {
    it('refuses a file from a newer version, in both modes and on save, without touching it', () => {
      const paths = tempPaths();
      fs.mkdirSync(paths.configDir, { recursive: true });
      const text = JSON.stringify({ ...sampleConfig(), schemaVersion: 99, futureThing: true });
      fs.writeFileSync(paths.configFile, text, { mode: 0o600 });
      for (const onInvalid of ['fail', 'quarantine-and-default'] as const) {
        const error = thrown(() => openConfig({ paths, onInvalid }).load());
        expect(error.message).toContain('newer kmsp');
        expect(error.message).toContain('config version 99');
      }
      expect(thrown(() => openConfig({ paths }).save(sampleConfig())).message).toContain('newer kmsp');
      expect(fs.readFileSync(paths.configFile, 'utf8')).toBe(text);
      expect(fs.readdirSync(paths.configDir)).toEqual(['config.json']);
    });

    // A fake v0 → v1 step: v0 called the agent section "scheduler" and had no version key.
    const fakeMigrations: ConfigMigration[] = [
      {
        from: 0,
        to: 1,
        description: 'renamed scheduler to agent',
        migrate: (raw) => {
          const { scheduler, ...rest } = raw;
          return { ...rest, agent: scheduler };
        },
      },
    ];

    it('migrateConfig runs the steps in order and reports gaps and newer files', () => {
      const v0 = { integrations: [], scheduler: defaultConfig().agent };
      const out = migrateConfig(v0, fakeMigrations, 1);
      expect(out).toMatchObject({ kind: 'migrated', from: 0, config: { ...defaultConfig(), schemaVersion: 1 } });
      expect(v0).toHaveProperty('scheduler'); // input untouched
      expect(migrateConfig(v0, [], 1)).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('no migration from version 0') });
      expect(migrateConfig({ schemaVersion: 2 }, fakeMigrations, 1)).toEqual({ kind: 'newer', version: 2 });
      expect(migrateConfig({ schemaVersion: '1' }, fakeMigrations, 1)).toMatchObject({ kind: 'invalid' });
      const two: ConfigMigration[] = [
        { from: 0, to: 1, description: 'a', migrate: (r) => ({ ...r, a: 1 }) },
        { from: 1, to: 2, description: 'b', migrate: (r) => ({ ...r, b: (r.a as number) + 1 }) },
      ];
      expect(migrateConfig({ schemaVersion: 0 }, two, 2)).toMatchObject({ kind: 'migrated', config: { schemaVersion: 2, a: 1, b: 2 } });
      const throwing: ConfigMigration[] = [{ from: 0, to: 1, description: 'x', migrate: () => { throw new Error('boom'); } }];
      expect(migrateConfig({}, throwing, 1)).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('boom') });
    });

    it('loads a v0 file migrated in memory, in every mode, without touching the file (reading never writes)', () => {
      const paths = tempPaths();
      fs.mkdirSync(paths.configDir, { recursive: true });
      const original = JSON.stringify({ integrations: [], scheduler: { ...defaultConfig().agent, paused: true } });
      fs.writeFileSync(paths.configFile, original, { mode: 0o600 });
      const before = fs.statSync(paths.configFile);
      for (const onInvalid of ['fail', 'quarantine-and-default'] as const) {
        const audit: ConfigAuditEntry[] = [];
        const q = quiet();
        const result = openConfig({ paths, onInvalid, migrations: [...fakeMigrations, ...CONFIG_MIGRATIONS], onNotice: q.onNotice, audit: { recordConfigChange: (e) => audit.push(e) } }).loadDetailed();
        expect(result.config.agent.paused).toBe(true);
        expect(result.config.schemaVersion).toBe(2);
        expect(result.migratedFrom).toBe(0);
        expect(result.notices[0]).toMatch(/is version 0; it was migrated in memory to version 2 \(v0→v1: renamed scheduler to agent; v1→v2: ticket rules are kept per section/);
        expect(result.notices[0]).toContain('the next save rewrites it and keeps the original as config.json.bak-v0-');
        expect(audit).toEqual([]);
      }
      expect(fs.readFileSync(paths.configFile, 'utf8')).toBe(original);
      expect(fs.statSync(paths.configFile).ino).toBe(before.ino);
      expect(fs.readdirSync(paths.configDir)).toEqual(['config.json']);
    });

    it('the first save after loading a v0 file keeps a copy of the original, replaces the file and records the migration', () => {
      const paths = tempPaths();
      fs.mkdirSync(paths.configDir, { recursive: true });
      const original = JSON.stringify({ integrations: [], scheduler: { ...defaultConfig().agent, paused: true } });
      fs.writeFileSync(paths.configFile, original, { mode: 0o644 });
      const audit: ConfigAuditEntry[] = [];
      const q = quiet();
      const store = openConfig({ paths, migrations: [...fakeMigrations, ...CONFIG_MIGRATIONS], onNotice: q.onNotice, actor: 'alice (console)', audit: { recordConfigChange: (e) => audit.push(e) } });
      const config = store.load();
      config.agent.ticketPollSeconds = 120;
      const result = store.save(config);
      expect(JSON.parse(fs.readFileSync(paths.configFile, 'utf8'))).toEqual(config);
      expect(fileMode(paths.configFile)).toBe(0o600);
      const backups = fs.readdirSync(paths.configDir).filter((f) => f.startsWith('config.json.bak-v0-'));
      expect(backups).toHaveLength(1);
      expect(fs.readFileSync(path.join(paths.configDir, backups[0]!), 'utf8')).toBe(original);
      expect(fileMode(path.join(paths.configDir, backups[0]!))).toBe(0o600);
      expect(result.notices[0]).toContain(`the original was kept as ${path.join(paths.configDir, backups[0]!)}`);
      expect(audit.map((e) => [e.actor, e.summary])).toEqual([
        ['alice (console)', 'migrated config from version 0 to 2'],
        ['alice (console)', 'agent.ticketPollSeconds: 60 → 120'],
      ]);
      // Now a current file: the next save keeps no further copy.
      store.save(config);
      expect(fs.readdirSync(paths.configDir).filter((f) => f.startsWith('config.json.bak-'))).toHaveLength(1);
    });

    it('without a migration path, an unversioned file is invalid (kept aside in console mode)', () => {
      const paths = tempPaths();
      fs.mkdirSync(paths.configDir, { recursive: true });
      fs.writeFileSync(paths.configFile, JSON.stringify({ integrations: [] }));
      const result = openConfig({ paths, onInvalid: 'quarantine-and-default', onNotice: () => {} }).loadDetailed();
      expect(result.notices[0]).toContain('schemaVersion is missing');
      expect(result.quarantinedTo).not.toBeNull();
    });
  });

  describe('audit', () => {
    it('records who changed what on save, and nothing when nothing changed', () => {
      const paths = tempPaths();
      const audit: ConfigAuditEntry[] = [];
      const store = openConfig({ paths, actor: 'alice (console)', audit: { recordConfigChange: (e) => audit.push(e) }, now: () => new Date('2025-01-01T00:00:00Z') });
      store.save(sampleConfig());
      expect(audit[0]).toMatchObject({ actor: 'alice (console)', summary: 'config created', at: new Date('2025-01-01T00:00:00Z') });
      const next = sampleConfig();
      next.agent.paused = true;
      next.integrations[0]!.tenants = [];
      store.save(next, { actor: 'bob (kmsp config import)', reason: 'import from x.json' });
      expect(audit[1]?.actor).toBe('bob (kmsp config import)');
      expect(audit[1]?.summary).toBe('integrations[name=main].tenants[tenantId=vs-1] removed; agent.paused: false → true (import from x.json)');
      expect(audit[1]?.diff).toHaveLength(2);
      store.save(next);
      expect(audit).toHaveLength(2);
    });

    it('a failing audit sink does not undo the save but says so', () => {
      const paths = tempPaths();
      const q = quiet();
      openConfig({ paths, onNotice: q.onNotice, audit: { recordConfigChange: () => { throw new Error('ledger locked'); } } }).save(sampleConfig());
      expect(openConfig({ paths }).load()).toEqual(sampleConfig());
      expect(q.notices[0]).toContain('ledger locked');
    });

    it('diffConfig matches keyed arrays and summarizes', () => {
      const a = sampleConfig();
      const b = sampleConfig();
      b.integrations[0]!.ticketing.sections.events![1]!.enabled = true;
      b.integrations[0]!.ticketing.perScope.push({ scope: { value: '7', label: 'Security Operations' }, fields: {} });
      const changes = diffConfig(a, b);
      expect(changes).toEqual([
        { path: 'integrations[name=main].ticketing.perScope[scope.value=7]', op: 'added', after: { scope: { value: '7', label: 'Security Operations' }, fields: {} } },
        { path: 'integrations[name=main].ticketing.sections.events[key=functional-failure].enabled', op: 'changed', before: false, after: true },
      ]);
      expect(summarizeChanges(changes)).toContain('→ true');
      expect(summarizeChanges([])).toBe('no changes');
    });
  });

  it('backup() copies the file with mode 0600', () => {
    const paths = tempPaths();
    const store = openConfig({ paths, now: () => new Date('2025-01-01T00:00:00Z') });
    expect(store.backup()).toBeNull();
    store.save(sampleConfig());
    const dest = store.backup()!;
    expect(dest).toBe(`${paths.configFile}.bak-2025-01-01T00-00-00-000Z`);
    expect(fileMode(dest)).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(dest, 'utf8'))).toEqual(sampleConfig());
  });
});

describe('refusal messages for an unusable config file: what, cause, remedy', () => {
  function broken(text = '{"schemaVersion": 1, "integrations": [') {
    const paths = tempPaths();
    fs.mkdirSync(paths.configDir, { recursive: true });
    fs.writeFileSync(paths.configFile, text, { mode: 0o600 });
    return paths;
  }

  it('without a backup: says none is there, where backups come from, and what the console does with the mappings', () => {
    const paths = broken();
    const error = thrown(() => openConfig({ paths, onInvalid: 'fail' }).load());
    expect(error.message).toBe(`The config file ${paths.configFile} cannot be used.`);
    expect(error.why).toContain('not valid JSON');
    expect(error.remedy).toContain('`kmsp config validate`');
    expect(error.remedy).toContain('there is none here to restore');
    expect(error.remedy).toContain('made only when `kmsp config import` replaces the file or a save upgrades an older config version, not by ordinary console saves');
    expect(error.remedy).toContain('the integrations and tenant mappings are then only in that moved-aside file');
    expect(error.remedy).toContain('fix that file and run `kmsp config import <that file>`');
    expect(error.remedy).not.toMatch(/restore a backup \(config\.json\.bak-\*\)/);
  });

  it('with backups: names the newest usable one and the command that restores it', () => {
    const paths = broken();
    const good = JSON.stringify(sampleConfig());
    fs.writeFileSync(`${paths.configFile}.bak-2025-01-01T00-00-00-000Z`, good);
    fs.writeFileSync(`${paths.configFile}.bak-v0-2025-02-01T00-00-00-000Z`, good);
    fs.writeFileSync(`${paths.configFile}.bak-2025-03-01T00-00-00-000Z`, 'not json'); // taken over a broken file
    fs.writeFileSync(`${paths.configFile}.corrupt-2025-04-01T00-00-00-000Z`, good); // not a backup
    expect(configBackups(paths.configFile).map((f) => path.basename(f))).toEqual([
      'config.json.bak-2025-03-01T00-00-00-000Z',
      'config.json.bak-v0-2025-02-01T00-00-00-000Z',
      'config.json.bak-2025-01-01T00-00-00-000Z',
    ]);
    const error = thrown(() => openConfig({ paths, onInvalid: 'fail' }).load());
    expect(error.remedy).toContain(`restore the newest usable one with \`kmsp config import ${paths.configFile}.bak-v0-2025-02-01T00-00-00-000Z\``);
  });

  it('the console moves the file aside and says the mappings are only there now, and how to bring them back', () => {
    const paths = broken();
    const result = openConfig({ paths, onInvalid: 'quarantine-and-default', onNotice: () => {} }).loadDetailed();
    expect(result.notices[0]).toContain(`The integrations and tenant mappings are only in the moved file now`);
    expect(result.notices[0]).toContain(`\`kmsp config import ${result.quarantinedTo}\``);
  });

  it('a file from a newer kmsp: upgrade, or restore the copy the newer kmsp kept when it upgraded the file', () => {
    const paths = broken(JSON.stringify({ ...sampleConfig(), schemaVersion: 99 }));
    expect(thrown(() => openConfig({ paths }).load()).remedy).toContain('There is no copy from before the upgrade');
    const kept = `${paths.configFile}.bak-v1-2025-02-01T00-00-00-000Z`;
    fs.writeFileSync(kept, JSON.stringify(sampleConfig()));
    expect(thrown(() => openConfig({ paths }).load()).remedy).toContain(`\`kmsp config import ${kept}\``);
  });
});

describe('defaults of a new configuration on this host', () => {
  it('take the host time zone when it is a known IANA zone, else UTC', () => {
    expect(hostDefaults('Europe/Berlin').agent.timeZone).toBe('Europe/Berlin');
    expect(hostDefaults('Not/AZone').agent.timeZone).toBe('UTC');
    expect(hostDefaults(undefined).agent.billingSchedule).toBe('0 4 * * *');
  });
});
