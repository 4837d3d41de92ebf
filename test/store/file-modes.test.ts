// File modes under the most permissive umask (000): whatever kmsp creates that holds a secret,
// settings or the ledger is 0600 and its directories 0700 — on creation, after a rewrite and a
// rotation, and for copies (backups, exports). The status file is 0644 by design (store/agentStatus.ts:
// it holds no secret, which test/e2e/secrets-sweep.test.ts checks, and a person checking on the
// service may not be its user), but never writable by others.
// Runs dist/ (`npm run build` first when running this file alone).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, repoRoot } from '../helpers/cli.js';
import { until } from '../agent/helpers.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node ARGS` in a shell whose umask is 000: its result once it ends, a way to stop it, its stdout so far. */
function underUmask0(args: string[]): { done: Promise<Run>; stop: () => void; stdout: () => string } {
  const child = spawn('sh', ['-c', 'umask 000; exec "$@"', 'sh', process.execPath, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { done, stop: () => child.kill('SIGTERM'), stdout: () => stdout };
}

const mode = (file: string) => (statSync(file).mode & 0o777).toString(8).padStart(4, '0');

/**
 * In a umask-000 process, through the stores of dist/: a config saved twice (a rewrite keeps a
 * backup) and backed up, a secret stored then rotated, and the ledger written — its -wal and
 * -shm measured while it is open, since SQLite removes them on close.
 */
const STORES_SCRIPT = `
const [dist, configDir] = process.argv.slice(1);
const fs = await import('node:fs');
const { resolvePaths } = await import(dist + '/store/paths.js');
const { openConfig } = await import(dist + '/store/config.js');
const { openSecretStore } = await import(dist + '/store/secrets.js');
const { openLedger } = await import(dist + '/store/ledger.js');
const { defaultConfig } = await import(dist + '/domain/defaults.js');
const paths = resolvePaths({ configDir });
const ledger = openLedger({ paths });
const store = openConfig({ paths, audit: ledger });
store.save(defaultConfig(), { actor: 'modes' });
const changed = defaultConfig();
changed.agent.ticketPollSeconds = changed.agent.ticketPollSeconds + 60;
store.save(changed, { actor: 'modes' });
const backup = store.backup();
const secrets = openSecretStore({ paths, backends: ['file'] });
await secrets.set('modes.test.secret', 'first-value-1234');
await secrets.set('modes.test.secret', 'rotated-value-5678');
const run = ledger.startRun({ job: 'doctor' });
ledger.finishRun(run, { status: 'ok' });
const m = (f) => fs.existsSync(f) ? (fs.statSync(f).mode & 0o777).toString(8).padStart(4, '0') : null;
console.log(JSON.stringify({ umask: process.umask(), wal: m(paths.ledgerFile + '-wal'), shm: m(paths.ledgerFile + '-shm'), backup }));
ledger.close();
`;

describe('file modes under umask 000', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'kmsp-modes-'));
  // Two levels kmsp must create itself.
  const configDir = path.join(work, 'created', 'kmsp');
  const dist = path.join(repoRoot, 'dist');
  let open: { umask: number; wal: string | null; shm: string | null; backup: string };
  const runs: Record<string, Run> = {};

  beforeAll(async () => {
    const stores = await underUmask0(['--input-type=module', '-e', STORES_SCRIPT, dist, configDir]).done;
    expect(stores.code, stores.stderr).toBe(0);
    open = JSON.parse(stores.stdout.trim().split('\n').pop()!);
    runs.backup = await underUmask0([binPath, '--config', configDir, 'ledger', 'backup', path.join(work, 'ledger-backup.sqlite')]).done;
    runs.export = await underUmask0([binPath, '--config', configDir, 'config', 'export', path.join(work, 'config-export.json')]).done;
    // The agent (daemon) writes the status file and holds its lock while it runs.
    const agent = underUmask0([binPath, '--config', configDir, 'agent', '--log-format', 'json']);
    await until(() => existsSync(path.join(configDir, 'status.json')), 'the agent to write its status file', 30_000, () => agent.stdout());
    runs.lockMode = { code: 0, stdout: mode(path.join(configDir, 'agent.lock')), stderr: '' };
    agent.stop();
    runs.agent = await agent.done;
  }, 120_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('the processes really ran with umask 000 (a file created without a mode would be 0666)', () => {
    expect(open.umask).toBe(0);
  });

  it('the directories kmsp creates are 0700', () => {
    expect(mode(path.join(work, 'created'))).toBe('0700');
    expect(mode(configDir)).toBe('0700');
  });

  it('config.json and its backups are 0600, after a rewrite too', () => {
    expect(mode(path.join(configDir, 'config.json'))).toBe('0600');
    const backups = readdirSync(configDir).filter((f) => f.startsWith('config.json.bak'));
    expect(backups.length).toBeGreaterThan(0);
    for (const b of backups) expect(mode(path.join(configDir, b)), b).toBe('0600');
    expect(mode(open.backup)).toBe('0600');
  });

  it('secrets.json is 0600 after a rotation', () => {
    expect(mode(path.join(configDir, 'secrets.json'))).toBe('0600');
  });

  it('the ledger, its -wal and -shm (while open) and its backup are 0600', () => {
    expect(mode(path.join(configDir, 'ledger.sqlite'))).toBe('0600');
    expect(open.wal).toBe('0600');
    expect(open.shm).toBe('0600');
    expect(runs.backup!.code, runs.backup!.stderr).toBe(0);
    expect(mode(path.join(work, 'ledger-backup.sqlite'))).toBe('0600');
  });

  it('an exported config is 0600', () => {
    expect(runs.export!.code, runs.export!.stderr).toBe(0);
    expect(mode(path.join(work, 'config-export.json'))).toBe('0600');
  });

  it('the status file and the agent lock are 0644: readable, never writable by others', () => {
    expect(mode(path.join(configDir, 'status.json'))).toBe('0644');
    expect(runs.lockMode!.stdout).toBe('0644');
  });

  it('no file kmsp left behind is writable by group or others', () => {
    const loose = readdirSync(configDir).filter((f) => (statSync(path.join(configDir, f)).mode & 0o022) !== 0);
    expect(loose).toEqual([]);
  });
});
