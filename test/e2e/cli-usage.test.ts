// The command line's own mistakes, run as a user runs kmsp (bin/kmsp.js → dist/): a mistyped
// command gets the nearest one suggested (exit 2), and every command that reads what --config
// points at says the same about a directory that does not exist or holds no config.json:
// which directory, where it came from, and how to fix it (exit 1), creating nothing. Those that
// create the directory (the console, config import, secrets set) are left out on purpose.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** As from a checkout, not under npx and with no kmsp on the PATH: remedies then say `node bin/kmsp.js`. */
const CHECKOUT = { PATH: path.dirname(process.execPath), npm_command: '' };

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmsp-cli-usage-'));
  made.push(dir);
  return dir;
}

describe('mistyped commands', () => {
  it('kmsp bilings preview: unknown command, the nearest one suggested, exit 2', async () => {
    const r = await runCli(['bilings', 'preview']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: unknown command 'bilings'");
    expect(r.stderr).toContain('(Did you mean billing?)');
    expect(r.stderr).not.toContain('too many arguments');
    expect(r.stdout).toBe('');
    // Global options before it change nothing; a word like no command gets no suggestion.
    const after = await runCli(['--config', tempDir(), 'bilings']);
    expect(after.code).toBe(2);
    expect(after.stderr).toContain("unknown command 'bilings'");
    const far = await runCli(['xyzzy']);
    expect(far.code).toBe(2);
    expect(far.stderr).toContain("error: unknown command 'xyzzy'");
    expect(far.stderr).not.toContain('Did you mean');
  });

  it('a mistyped subcommand is suggested too; a subcommand still refuses arguments it does not take', async () => {
    const sub = await runCli(['billing', 'previw']);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toContain("unknown command 'previw'");
    expect(sub.stderr).toContain('(Did you mean preview?)');
    const excess = await runCli(['status', 'now']);
    expect(excess.code).toBe(2);
    expect(excess.stderr).toContain("too many arguments for 'status'");
  });
});

/** Every command that reads the configuration (config.json needed). */
const NEEDS_CONFIG: string[][] = [['billing', 'preview'], ['doctor'], ['report', 'unmapped'], ['agent', '--once'], ['pause'], ['resume'], ['config', 'set', 'agent.timeZone', 'UTC'], ['health', 'show'], ['health', 'set', 'ticket=off'], ['ticketing', 'override', 'list']];
/** Every command that reads the directory's other files (the ledger, status, secrets) or shows defaults. */
const NEEDS_DIRECTORY: string[][] = [
  ['status'],
  ['ledger', 'export'],
  ['ledger', 'settle', '1', '--as', 'posted'],
  ['config', 'show'],
  ['config', 'get', 'agent.timeZone'],
  ['config', 'validate'],
  ['config', 'export'],
  ['secrets', 'status'],
  ['secrets', 'delete', 'demo.ksc.password'],
  ['systemd-unit'],
];

describe('--config DIR that does not serve the command', () => {
  it('a directory that does not exist: every command names it, says how to fix it, exits 1 and creates nothing', async () => {
    const missing = path.join(tempDir(), 'no', 'such', 'dir');
    for (const args of [...NEEDS_CONFIG, ...NEEDS_DIRECTORY]) {
      const r = await runCli(['--config', missing, ...args], { input: 'a-secret-value\n', env: CHECKOUT });
      const what = `kmsp ${args.join(' ')}`;
      expect(r.code, `${what}\n${r.stderr}`).toBe(1);
      expect(r.stderr, what).toMatch(new RegExp(`^(Not (paused|resumed|set): t|T)he configuration directory ${missing} \\(given with --config\\) does not exist\\.$`, 'mu'));
      expect(r.stderr, what).toContain('Cause: A mistyped path, or kmsp has not been set up there yet.');
      expect(r.stderr, what).toContain(`Remedy: Check the path. To set kmsp up there: node bin/kmsp.js --config ${missing} (the console) or node bin/kmsp.js --config ${missing} config import FILE`);
      expect(r.stderr, what).not.toContain('No integration is configured');
      expect(fs.existsSync(missing), `${what} created the directory`).toBe(false);
    }
  }, 120_000);

  it('a directory without config.json: the commands that need one say so, naming it', async () => {
    const empty = tempDir();
    for (const args of NEEDS_CONFIG) {
      const r = await runCli(['--config', empty, ...args], { env: CHECKOUT });
      const what = `kmsp ${args.join(' ')}`;
      expect(r.code, `${what}\n${r.stderr}`).toBe(1);
      expect(r.stderr, what).toMatch(new RegExp(`^(Not (paused|resumed|set): t|T)he configuration directory ${empty} \\(given with --config\\) holds no config\\.json\\.$`, 'mu'));
      expect(r.stderr, what).toContain('Cause: kmsp has not been set up with this directory: the console or kmsp config import writes config.json.');
      expect(r.stderr, what).toContain(`node bin/kmsp.js --config ${empty} (the console)`);
    }
    expect(fs.readdirSync(empty)).toEqual([]);
  }, 120_000);

  it('the default directory, missing, is named as the default', async () => {
    const home = tempDir();
    const r = await runCli(['billing', 'preview'], { env: { ...CHECKOUT, HOME: home, XDG_CONFIG_HOME: '', CONFIGURATION_DIRECTORY: '' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`The configuration directory ${path.join(home, '.config', 'kmsp')} (the default) does not exist.`);
    expect(r.stderr).toContain('Remedy: To set kmsp up there: node bin/kmsp.js (the console) or node bin/kmsp.js config import FILE; to try it first: node bin/kmsp.js demo.');
  });
});
