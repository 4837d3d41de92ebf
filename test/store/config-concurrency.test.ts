// The agent hot-reloads config.json while the console saves it (S9, S10): a reader in another
// process must never find the file missing, half-written, or holding anything but a config
// that was really saved — not defaults, not old values merged with new keys. Saves here go
// through every path that replaces the file: a plain save that removes an integration, a save
// over an older version (migration), and a save over a damaged file.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA_VERSION, type KmspConfig } from '../../source/domain/config.js';
import { AUTOTASK_DEFAULTS, KSC_DEFAULTS, defaultConfig, newIntegration } from '../../source/domain/defaults.js';
import { openConfig } from '../../source/store/config.js';
import type { ConfigMigration, RawConfig } from '../../source/store/migrations.js';
import { runTwoWritersAtOnce, useTranspiledStore } from './child-process.js';
import { fileMode, tempDir, tempPaths } from './helpers.js';

const build = useTranspiledStore();

// Reads the file in a tight loop until the stop file appears; reports every distinct content.
const READER = `
import fs from 'node:fs';
const [file, stopFile] = process.argv.slice(2);
let reads = 0, missing = 0, otherErrors = [];
const seen = new Set();
let overflow = 0;
process.stdout.write('ready\\n');
while (!fs.existsSync(stopFile)) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT') missing++;
    else if (otherErrors.length < 5) otherErrors.push(error.message);
    continue;
  }
  reads++;
  if (!seen.has(text)) {
    if (seen.size < 20) seen.add(text);
    else overflow++;
  }
}
process.stdout.write(JSON.stringify({ reads, missing, otherErrors, overflow, texts: [...seen] }) + '\\n');
`;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill();
});

function startReader(file: string, stopFile: string): { ready: Promise<void>; result: Promise<{ reads: number; missing: number; otherErrors: string[]; overflow: number; texts: string[] }> } {
  const script = path.join(tempDir('kmsp-reader-'), 'reader.mjs');
  fs.writeFileSync(script, READER);
  const child = spawn(process.execPath, [script, file, stopFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (stdout.startsWith('ready\n')) markReady();
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const result = new Promise<{ reads: number; missing: number; otherErrors: string[]; overflow: number; texts: string[] }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`reader exited ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout.slice('ready\n'.length)));
    });
  });
  return { ready, result };
}

/** A config big enough that writing it takes a while: many tenants. */
function bigConfig(names: string[]): KmspConfig {
  const config = defaultConfig();
  names.forEach((name, n) => {
    const integration = newIntegration(name, { ...KSC_DEFAULTS, url: `https://ksc-${n}.example:13299`, username: 'kmsp' }, { ...AUTOTASK_DEFAULTS, username: 'api@x' });
    for (let i = 0; i < 200; i++) {
      integration.tenants.push({
        tenantId: `vs-${n}-${i}`,
        tenantName: `Tenant ${n}-${i} ${'x'.repeat(40)}`,
        accountId: String(10_000 * (n + 1) + i),
        accountName: `Account ${n}-${i}`,
        billing: true,
        contractId: String(20_000 * (n + 1) + i),
        contractName: `Managed services ${n}-${i}`,
      });
    }
    config.integrations.push(integration);
  });
  return config;
}

// v0 called the agent section "scheduler" and had no version key.
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
  // The test's configs are built in today's shape: the later steps have nothing to change.
  ...Array.from({ length: CONFIG_SCHEMA_VERSION - 1 }, (_, i) => ({ from: i + 1, to: i + 2, description: 'nothing to change', migrate: (raw: RawConfig) => raw })),
];

/** How the test itself puts a file in place: atomically, so the reader never sees the test's own half-writes. */
function replaceRaw(file: string, text: string): void {
  const tmp = `${file}.test-${crypto.randomBytes(4).toString('hex')}`;
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

describe('config saves while another process reads', () => {
  it('the reader never sees the file missing, partial, or anything but a saved config', async () => {
    const paths = tempPaths();
    const stopFile = path.join(tempDir('kmsp-stop-'), 'stop');
    const withSecond = bigConfig(['main', 'second']);
    const withoutSecond: KmspConfig = { ...withSecond, integrations: withSecond.integrations.slice(0, 1) };
    const { schemaVersion: _omit, agent, ...restV0 } = withSecond;
    const v0Text = JSON.stringify({ ...restV0, scheduler: agent });
    const damagedText = '{"schemaVersion": 1, "integrations": [';

    let tick = Date.parse('2025-03-01T00:00:00Z');
    const store = openConfig({ paths, migrations: fakeMigrations, onNotice: () => {}, now: () => new Date(tick++) });
    store.save(withSecond);

    const reader = startReader(paths.configFile, stopFile);
    await reader.ready;
    // conf falls back to a plain (truncate-then-write) write under SNAP; kmsp's own write must not care.
    const snap = process.env.SNAP;
    process.env.SNAP = '/snap/kmsp/1';
    const ROUNDS = 15;
    try {
      for (let round = 0; round < ROUNDS; round++) {
        store.save(withoutSecond); // removes an integration: nothing of "second" may survive, even briefly
        store.save(withSecond);
        replaceRaw(paths.configFile, v0Text);
        store.save(withoutSecond); // over an older version: the original is kept, the file never goes away
        replaceRaw(paths.configFile, damagedText);
        store.save(withSecond); // over a damaged file: kept aside, the file never goes away
      }
    } finally {
      if (snap === undefined) delete process.env.SNAP;
      else process.env.SNAP = snap;
      fs.writeFileSync(stopFile, '');
    }
    const seen = await reader.result;

    expect(seen.otherErrors).toEqual([]);
    expect(seen.reads).toBeGreaterThan(ROUNDS);
    expect(seen.missing, 'reads that found no config file').toBe(0);
    const unexpected = seen.texts.filter((text) => {
      if (text === v0Text || text === damagedText) return false; // what the test itself put there
      try {
        const parsed = JSON.parse(text) as unknown;
        return !(isDeepEqual(parsed, withSecond) || isDeepEqual(parsed, withoutSecond));
      } catch {
        return true;
      }
    });
    expect(unexpected.map((t) => `${t.length} chars: ${t.slice(0, 80)}…${t.slice(-40)}`)).toEqual([]);
    expect(seen.overflow).toBe(0);

    // Every replaced version was kept, each complete; no temp file is left behind.
    const files = fs.readdirSync(paths.configDir);
    const backups = files.filter((f) => f.startsWith('config.json.bak-v0-'));
    const damaged = files.filter((f) => f.startsWith('config.json.corrupt-'));
    expect(backups).toHaveLength(ROUNDS);
    expect(damaged).toHaveLength(ROUNDS);
    for (const f of backups) expect(fs.readFileSync(path.join(paths.configDir, f), 'utf8')).toBe(v0Text);
    for (const f of damaged) expect(fs.readFileSync(path.join(paths.configDir, f), 'utf8')).toBe(damagedText);
    expect(files.filter((f) => !f.startsWith('config.json.bak-v0-') && !f.startsWith('config.json.corrupt-'))).toEqual(['config.json']);
    expect(fileMode(paths.configFile)).toBe(0o600);
    expect(openConfig({ paths }).load()).toEqual(withSecond);
  }, 120_000);
});

function isDeepEqual(a: unknown, b: unknown): boolean {
  try {
    expect(a).toEqual(b);
    return true;
  } catch {
    return false;
  }
}

// Two processes each reading the config, adding to it and saving (the console's merge, `kmsp
// pause`): inside exclusive() the second waits for the first, so no addition is lost. Without
// the lock the later writer saves what it read before the other's save and undoes it.
const APPENDER = `
import { openConfig } from './source/store/config.js';
import { resolvePaths } from './source/store/paths.js';
const [configDir, who, startAt, count] = process.argv.slice(2);
const store = openConfig({ paths: resolvePaths({ configDir }), onNotice: () => {} });
while (Date.now() < Number(startAt)) await new Promise((r) => setTimeout(r, 1));
for (let i = 0; i < Number(count); i++) {
  store.exclusive(() => {
    const config = store.load();
    const main = config.integrations[0];
    store.save({ ...config, integrations: [{ ...main, excludedAccounts: [...main.excludedAccounts, who + '-' + i] }] });
  });
  await new Promise((r) => setImmediate(r));
}
`;

describe('read-modify-writes of two processes', () => {
  it('lose nothing: each waits for the other under the config lock', async () => {
    const paths = tempPaths();
    const config = defaultConfig();
    config.integrations.push(newIntegration('main', { ...KSC_DEFAULTS, url: 'https://ksc.example:13299', username: 'kmsp' }, { ...AUTOTASK_DEFAULTS, username: 'api@x' }));
    openConfig({ paths, onNotice: () => {} }).save(config);
    const COUNT = 15;
    const [a, b] = await runTwoWritersAtOnce(build.dir, 'appender.mjs', APPENDER, paths.configDir, ['a', 'b'], COUNT);
    expect([a.code, a.stderr, b.code, b.stderr]).toEqual([0, '', 0, '']);
    const saved = openConfig({ paths }).load().integrations[0]!.excludedAccounts;
    expect(saved.filter((x) => x.startsWith('a-'))).toEqual(Array.from({ length: COUNT }, (_, i) => `a-${i}`));
    expect(saved.filter((x) => x.startsWith('b-'))).toEqual(Array.from({ length: COUNT }, (_, i) => `b-${i}`));
    expect(fs.readdirSync(paths.configDir).filter((f) => f.startsWith('.config.json.'))).toEqual([]);
  }, 60_000);
});
