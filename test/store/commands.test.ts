// kmsp config … and kmsp secrets … run in-process against temp dirs.
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { register as registerConfig } from '../../source/commands/config.js';
import { readSecretValue } from '../../source/commands/actions/secrets.js';
import { register as registerSecrets, type SecretInput } from '../../source/commands/secrets.js';
import type { KmspConfig } from '../../source/domain/config.js';
import { AUTOTASK_DEFAULTS, KSC_DEFAULTS, defaultConfig, newIntegration } from '../../source/domain/defaults.js';
import { secretEnvVar } from '../../source/domain/secretNames.js';
import { openConfig } from '../../source/store/config.js';
import { openLedger } from '../../source/store/ledger.js';
import { resolvePaths } from '../../source/store/paths.js';
import { fileMode, tempDir } from './helpers.js';

afterEach(() => {
  process.exitCode = undefined;
});

const noKeytar = async () => {
  throw new Error('keytar is not installed');
};

/** A config that passes validateConfig: ticketing values resolved, as the console saves them. */
function goodConfig(): KmspConfig {
  const config = defaultConfig();
  const integration = newIntegration('main', { ...KSC_DEFAULTS, url: 'https://ksc.example:13299', username: 'kmsp' }, { ...AUTOTASK_DEFAULTS, username: 'api@x' });
  integration.ticketing.general.newStatus = { value: '1', label: 'New' };
  integration.ticketing.general.closedStatus = { value: '5', label: 'Complete' };
  config.integrations.push(integration);
  return config;
}

async function run(args: string[], options: { stdin?: SecretInput; env?: NodeJS.ProcessEnv } = {}) {
  let out = '';
  let err = '';
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t) };
  const program = new Command('kmsp').option('--config <dir>').exitOverride();
  const env = options.env ?? {};
  registerConfig(program, { io, env });
  registerSecrets(program, { io, env, loadKeytar: noKeytar, ...(options.stdin ? { stdin: options.stdin } : {}) });
  process.exitCode = undefined;
  await program.parseAsync(['node', 'kmsp', ...args]);
  const code = process.exitCode ?? 0;
  process.exitCode = undefined;
  return { out, err, code };
}

function setup() {
  const dir = path.join(tempDir(), 'kmsp');
  return { dir, paths: resolvePaths({ configDir: dir }) };
}

describe('kmsp config', () => {
  it('path prints the config file of --config DIR (before or after the subcommand)', async () => {
    const { dir } = setup();
    expect((await run(['--config', dir, 'config', 'path'])).out).toBe(`${dir}/config.json\n`);
    expect((await run(['config', 'path', '--config', dir])).out).toBe(`${dir}/config.json\n`);
    const all = (await run(['--config', dir, 'config', 'path', '--all'])).out;
    expect(all).toContain(`ledgerFile  ${dir}/ledger.sqlite`);
  });

  it('show prints defaults (with a note) and then the saved config', async () => {
    const { dir, paths } = setup();
    // An existing directory without config.json (one that does not exist is refused: test/e2e/cli-usage.test.ts).
    fs.mkdirSync(dir);
    const first = await run(['--config', dir, 'config', 'show']);
    expect(JSON.parse(first.out)).toEqual(defaultConfig());
    expect(first.err).toContain('No config file');
    openConfig({ paths }).save(goodConfig());
    expect(JSON.parse((await run(['--config', dir, 'config', 'show'])).out)).toEqual(goodConfig());
  });

  it('show fails on a corrupt file without moving it', async () => {
    const { dir, paths } = setup();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(paths.configFile, '{"broken');
    const r = await run(['--config', dir, 'config', 'show']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(paths.configFile);
    expect(r.err).toContain('not valid JSON');
    expect(r.err).toContain('Remedy:');
    expect(fs.readFileSync(paths.configFile, 'utf8')).toBe('{"broken');
  });

  it('validate lists every problem with its path and exits 1', async () => {
    const { dir, paths } = setup();
    const config = goodConfig();
    config.integrations[0]!.ticketing.sections.events![0]!.enabled = true; // a switched-off row is not held to its ranges
    config.integrations[0]!.ticketing.sections.events![0]!.dueHours = 0;
    config.agent.timeZone = 'Mars/Olympus';
    openConfig({ paths }).save(config);
    const r = await run(['--config', dir, 'config', 'validate']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('integrations[0].ticketing.sections.events[0].dueHours: Events › Critical: Due must be');
    expect(r.err).toContain('agent.timeZone: Time zone "Mars/Olympus"');
  });

  it('validate reports schema problems of a FILE, and success', async () => {
    const { dir } = setup();
    const file = path.join(tempDir(), 'x.json');
    fs.writeFileSync(file, JSON.stringify({ ...goodConfig(), agent: { ...goodConfig().agent, paused: 'no' }, apiToken: 'abc' }));
    const bad = await run(['--config', dir, 'config', 'validate', file]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('agent.paused: must be boolean');
    expect(bad.err).toContain('apiToken: is not a known setting');
    fs.writeFileSync(file, JSON.stringify(goodConfig()));
    const good = await run(['--config', dir, 'config', 'validate', file]);
    expect(good).toMatchObject({ code: 0, out: `${file} is valid.\n` });
    fs.mkdirSync(dir);
    expect((await run(['--config', dir, 'config', 'validate'])).out).toContain('defaults apply');
  });

  it('export writes to stdout or to a 0600 file', async () => {
    const { dir, paths } = setup();
    openConfig({ paths }).save(goodConfig());
    expect(JSON.parse((await run(['--config', dir, 'config', 'export'])).out)).toEqual(goodConfig());
    const file = path.join(tempDir(), 'export.json');
    const r = await run(['--config', dir, 'config', 'export', file]);
    expect(r.err).toContain(`Exported the configuration to ${file}`);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(goodConfig());
    expect(fileMode(file)).toBe(0o600);
  });

  it('import validates, backs up the old file, saves, and records an audit row', async () => {
    const { dir, paths } = setup();
    openConfig({ paths }).save(defaultConfig());
    const before = fs.readFileSync(paths.configFile, 'utf8');
    const file = path.join(tempDir(), 'in.json');
    fs.writeFileSync(file, JSON.stringify(goodConfig()));
    const r = await run(['--config', dir, 'config', 'import', file]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Imported ${file}`);
    expect(openConfig({ paths }).load()).toEqual(goodConfig());
    const backups = fs.readdirSync(dir).filter((f) => f.startsWith('config.json.bak-'));
    expect(backups).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, backups[0]!), 'utf8')).toBe(before);
    expect(r.out).toContain(backups[0]!);
    const ledger = openLedger({ paths });
    const audit = ledger.listConfigAudit();
    ledger.close();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toMatch(/\(kmsp config import\)$/);
    expect(audit[0]!.summary).toContain('integrations[name=main] added');
    expect(audit[0]!.summary).toContain(`import from ${file}`);
    expect(fileMode(paths.configFile)).toBe(0o600);
    // The same file again: nothing to do.
    expect((await run(['--config', dir, 'config', 'import', file])).out).toContain('nothing changed');
  });

  it('import refuses invalid input with the problems listed and leaves the config untouched', async () => {
    const { dir, paths } = setup();
    openConfig({ paths }).save(goodConfig());
    const before = fs.readFileSync(paths.configFile, 'utf8');
    const file = path.join(tempDir(), 'in.json');
    const cases: Array<[string, string]> = [
      ['{"not json', 'not valid JSON'],
      [JSON.stringify({ ...goodConfig(), agent: { ...goodConfig().agent, ticketPollSeconds: 1 } }), 'agent.ticketPollSeconds: Ticket poll interval'],
      [JSON.stringify({ ...goodConfig(), schemaVersion: 7 }), 'newer kmsp'],
      [JSON.stringify({ ...goodConfig(), integrations: [{ ...goodConfig().integrations[0], password: 'p' }] }), 'integrations[0].password'],
    ];
    for (const [text, expected] of cases) {
      fs.writeFileSync(file, text);
      const r = await run(['--config', dir, 'config', 'import', file]);
      expect(r.code).toBe(1);
      expect(r.err).toContain('Not imported');
      expect(r.err).toContain(expected);
      expect(r.err).toContain('left unchanged');
    }
    expect(fs.readFileSync(paths.configFile, 'utf8')).toBe(before);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.bak-'))).toEqual([]);
    expect((await run(['--config', dir, 'config', 'import', path.join(dir, 'missing.json')])).err).toContain('does not exist');
  });
});

describe('kmsp secrets', () => {
  it('set reads a piped value, stores it in the 0600 file with the plaintext warning', async () => {
    const { dir, paths } = setup();
    const r = await run(['--config', dir, 'secrets', 'set', 'main.ksc.password'], { stdin: Readable.from(['pa55word\n']) });
    expect(r.code).toBe(0);
    expect(r.out).toBe('Stored main.ksc.password in the plaintext file (file).\n');
    expect(r.err).toContain(`plaintext file ${paths.secretsFile}`);
    expect(r.out + r.err).not.toContain('pa55word');
    expect(JSON.parse(fs.readFileSync(paths.secretsFile, 'utf8')).secrets).toEqual({ 'main.ksc.password': 'pa55word' });
    expect(fileMode(paths.secretsFile)).toBe(0o600);
  });

  it('set refuses an empty value, one shorter than 4 characters, and a bad name', async () => {
    const { dir, paths } = setup();
    const empty = await run(['--config', dir, 'secrets', 'set', 'main.ksc.password'], { stdin: Readable.from(['\n']) });
    expect(empty.code).toBe(1);
    expect(empty.err).toContain('empty value');
    const short = await run(['--config', dir, 'secrets', 'set', 'main.ksc.password'], { stdin: Readable.from(['Qz9\n']) });
    expect(short.code).toBe(1);
    expect(short.err).toContain('Refusing to store main.ksc.password: a secret must be at least 4 characters long.');
    expect(short.err).toContain('cannot be masked');
    expect(short.out + short.err).not.toContain('Qz9');
    const badName = await run(['--config', dir, 'secrets', 'set', 'Main/../x'], { stdin: Readable.from(['vvvv']) });
    expect(badName.code).toBe(1);
    expect(badName.err).toContain('not a valid secret name');
    expect(fs.existsSync(paths.secretsFile)).toBe(false);
  });

  it('reads from a terminal without echo', async () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => tty });
    let err = '';
    const io = { out: () => {}, err: (t: string) => void (err += t) };
    const pending = readSecretValue(tty, io, 'main.ksc.password');
    tty.write('s3cr');
    tty.write('et\r');
    expect(await pending).toBe('s3cret');
    expect(err).toBe('Value for main.ksc.password (input hidden): \n');
  });

  it('Ctrl-C at the prompt cancels', async () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => tty });
    const pending = readSecretValue(tty, { out: () => {}, err: () => {} }, 'main.ksc.password');
    tty.write('\u0003');
    await expect(pending).rejects.toThrow(/Cancelled/);
  });

  it('status lists needed secrets, who holds them, backends with reasons; exit 1 when one is missing', async () => {
    const { dir, paths } = setup();
    openConfig({ paths }).save(goodConfig());
    const env = { [secretEnvVar('main.autotask.secret')]: 'env-secret-value' };
    await run(['--config', dir, 'secrets', 'set', 'main.ksc.password'], { stdin: Readable.from(['file-secret-value']) });
    const r = await run(['--config', dir, 'secrets', 'status'], { env });
    expect(r.code).toBe(1);
    expect(r.out).not.toContain('secret-value');
    expect(r.out).toMatch(/keyring\s+unavailable\s+keytar could not be loaded \(keytar is not installed\)/);
    expect(r.out).toMatch(/systemd-credentials\s+unavailable\s+\$CREDENTIALS_DIRECTORY is not set/);
    expect(r.out).toMatch(/main\.ksc\.password\s+file\s+main: KSC password/);
    expect(r.out).toMatch(/main\.autotask\.secret\s+environment\s+main: Autotask API user secret/);
    expect(r.out).toMatch(/main\.autotask\.integration-code\s+MISSING\s+main: Autotask API tracking identifier/);
    expect(r.out).toContain('1 needed secret is missing');

    const json = await run(['--config', dir, 'secrets', 'status', '--json'], { env });
    expect(json.out).not.toContain('secret-value');
    const parsed = JSON.parse(json.out) as { secrets: Array<{ name: string; heldBy: string | null; neededFor: string[] }> };
    expect(parsed.secrets.find((s) => s.name === 'main.autotask.integration-code')).toMatchObject({ heldBy: null, neededFor: ['main: Autotask API tracking identifier (integration code)'] });

    await run(['--config', dir, 'secrets', 'set', 'main.autotask.integration-code'], { stdin: Readable.from(['code']) });
    expect((await run(['--config', dir, 'secrets', 'status'], { env })).code).toBe(0);
  });

  it('status: an optional secret that is not set (a Business Hub authenticator key) is no missing secret', async () => {
    const { dir, paths } = setup();
    const config = defaultConfig();
    config.integrations.push(newIntegration('cloud', { kind: 'kbh', url: 'https://hub.kaspersky.com', email: 'kmsp@msp.example', caFile: null }, { ...AUTOTASK_DEFAULTS, username: 'api@x' }));
    openConfig({ paths }).save(config);
    for (const name of ['cloud.kbh.password', 'cloud.autotask.secret', 'cloud.autotask.integration-code']) {
      await run(['--config', dir, 'secrets', 'set', name], { stdin: Readable.from(['value']) });
    }
    const r = await run(['--config', dir, 'secrets', 'status']);
    expect(r.out).not.toContain('missing');
    expect(r.out).not.toMatch(/authenticator-key\s+MISSING/);
    expect(r.out).toMatch(/cloud\.kbh\.authenticator-key\s+not set \(optional\)\s+cloud: Kaspersky Business Hub authenticator key/);
    expect(r.code).toBe(0);
  });

  it('status works without a config', async () => {
    const { dir } = setup();
    fs.mkdirSync(dir);
    const r = await run(['--config', dir, 'secrets', 'status']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('none stored');
  });

  it('delete removes from the file and says when the environment still provides it', async () => {
    const { dir, paths } = setup();
    await run(['--config', dir, 'secrets', 'set', 'main.ksc.password'], { stdin: Readable.from(['xxxx']) });
    const env = { [secretEnvVar('main.ksc.password')]: 'yyyy' };
    const r = await run(['--config', dir, 'secrets', 'delete', 'main.ksc.password'], { env });
    expect(r.out).toBe('Deleted main.ksc.password from the plaintext file.\n');
    expect(r.err).toContain('KMSP_SECRET_MAIN_KSC_PASSWORD');
    expect(r.code).toBe(1);
    expect(JSON.parse(fs.readFileSync(paths.secretsFile, 'utf8')).secrets).toEqual({});
    const again = await run(['--config', dir, 'secrets', 'delete', 'main.ksc.password']);
    expect(again).toMatchObject({ code: 1, err: 'main.ksc.password was not found in any secret backend.\n' });
  });
});
