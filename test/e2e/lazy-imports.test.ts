// A command loads only its own code (README › Commands; `kmsp --version`
// and `kmsp status` within 1.5 × a bare node start). The built CLI runs as a child process with a
// loader hook (test/helpers/load-log) that writes down every module it loads, ES and CommonJS; the
// tests name what must not be among them, so an eager import added back fails here.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA_VERSION } from '../../source/domain/config.js';
import { repoRoot, runCli } from '../helpers/cli.js';

const HOOK = pathToFileURL(path.join(repoRoot, 'test', 'helpers', 'load-log', 'register.mjs')).href;
const DIST = pathToFileURL(path.join(repoRoot, 'dist')).href + '/';
const BIN = pathToFileURL(path.join(repoRoot, 'bin', 'kmsp.js')).href;

let dir: string;
let run = 0;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'kmsp-lazy-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs kmsp with the hook; what it printed, its exit code, and the modules it loaded. */
async function loaded(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; dist: string[]; packages: string[]; all: string[] }> {
  const log = path.join(dir, `load-${run++}.log`);
  writeFileSync(log, '');
  const result = await runCli(args, { env: { NODE_OPTIONS: `--import ${HOOK}`, KMSP_LOAD_LOG: log } });
  const all = [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))];
  const dist = all.filter((u) => u.startsWith(DIST)).map((u) => u.slice(DIST.length)).sort();
  const packages = [...new Set(all.flatMap((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//u.exec(u)?.[1] ?? []))].sort();
  return { ...result, dist, packages, all };
}

describe('each command loads only its own code', () => {
  it('the hook sees what a command loads (the check can fail): kmsp --help loads the parser and every command group', async () => {
    const help = await loaded(['--help']);
    expect(help.code).toBe(0);
    expect(help.all).toContain(BIN);
    expect(help.packages).toEqual(['commander']);
    for (const group of ['agent', 'billing', 'config', 'demo', 'doctor', 'health', 'ledger', 'list', 'maintenance', 'map', 'pause', 'report', 'secrets', 'services', 'status', 'systemdUnit', 'ticketing']) {
      expect(help.dist).toContain(`commands/${group}.js`);
    }
    // The help names what this build speaks (the registry), but no action and no connector is loaded for it.
    expect(help.dist).toContain('connectors/registry.js');
    expect(help.dist.filter((f) => f.startsWith('commands/actions/'))).toEqual([]);
    expect(help.dist.filter((f) => /^connectors\/[^/]+\//u.test(f))).toEqual([]);
  });

  it('kmsp --version loads no package and nothing of kmsp but the entry and the version', async () => {
    const version = await loaded(['--version']);
    const { version: expected } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect(version.code).toBe(0);
    expect(version.stdout).toBe(`${expected}\n`);
    expect(version.all).toContain(BIN);
    expect(version.packages).toEqual([]);
    expect(version.dist).toEqual(['cli.js', 'commands/version.js']);
  });

  it('a plain kmsp status loads the status command alone, without the parser: no other command, connector, UI, store of config or secrets, nor SQLite without a ledger', async () => {
    const status = await loaded(['--no-color', '--config', dir, 'status']);
    // 3: no agent has run with this directory.
    expect(status.code).toBe(3);
    expect(status.stdout).toContain('has not run');
    expect(status.dist).toContain('commands/actions/status.js');
    expect(status.packages).toEqual([]);
    expect(status.dist).not.toContain('program.js');
    const commandGroups = status.dist.filter((f) => /^commands\/(?!actions\/)/u.test(f));
    expect(commandGroups.sort()).toEqual(['commands/common.js', 'commands/status.js', 'commands/version.js']);
    expect(status.dist.filter((f) => f.startsWith('commands/actions/'))).toEqual(['commands/actions/status.js']);
    for (const area of ['connectors/', 'ui/', 'simulators/', 'billing/', 'tickets/', 'agent/', 'doctor/', 'demo/', 'store/config.js', 'store/secrets.js']) {
      expect(status.dist.filter((f) => f.startsWith(area))).toEqual([]);
    }
  });

  it('kmsp status through the parser (an option after the command) says and exits the same as the plain one', async () => {
    const plain = await loaded(['--config', dir, 'status', '--json']);
    const parsed = await loaded(['status', '--json', '--config', dir]);
    expect(parsed.packages).toEqual(['commander']);
    expect(plain.packages).toEqual([]);
    expect(parsed.code).toBe(plain.code);
    expect(JSON.parse(parsed.stdout)).toEqual(JSON.parse(plain.stdout));
    // A mistyped option is commander's to word, not the plain path's to ignore.
    const typo = await loaded(['--config', dir, 'status', '--jsno']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('--jsno');
  });

  it('the config is checked with the validator the build compiled, not by compiling the schema at start', async () => {
    const configDir = path.join(dir, 'broken');
    mkdirSync(configDir);
    // The current version, so no migration stands before the schema check; nothing else.
    writeFileSync(path.join(configDir, 'config.json'), JSON.stringify({ schemaVersion: CONFIG_SCHEMA_VERSION }));
    const validate = await loaded(['--config', configDir, 'config', 'validate']);
    expect(validate.code).toBe(1);
    expect(validate.stderr).toContain('integrations');
    expect(validate.dist).toContain('store/configValidator.cjs');
  });
});

