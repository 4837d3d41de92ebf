// Hostile config files through the built CLI (dist/), as an admin meets them: a 20 MB file, random
// bytes, truncated JSON, given to `kmsp config import`, and a corrupt config.json on disk read by
// `kmsp config validate`, `kmsp status` and the agent. Each says what is wrong in its own words
// (no stack trace) and leaves the file on disk exactly as it was.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openConfig } from '../../source/store/config.js';
import { resolvePaths } from '../../source/store/paths.js';
import { runCli } from '../helpers/cli.js';
import { fileMode, tempDir } from '../store/helpers.js';
import { goodConfig } from './configs.js';

const STACK = /\n\s+at .+:\d+:\d+\)?|TypeError|RangeError|Cannot read propert|is not a function/u;

function setup() {
  const dir = path.join(tempDir('kmsp-hostile-cli-'), 'kmsp');
  const paths = resolvePaths({ configDir: dir });
  openConfig({ paths, onNotice: () => undefined }).save(goodConfig(), { actor: 'test' });
  return { dir, paths, before: fs.readFileSync(paths.configFile) };
}

const truncatedJson = () => {
  const text = JSON.stringify(goodConfig(), null, 2);
  return text.slice(0, Math.floor(text.length / 2));
};

describe('hostile config files through the CLI', () => {
  it('import refuses a 20 MB file, random bytes and truncated JSON; the current config stays byte-equal at 0600', async () => {
    const { dir, paths, before } = setup();
    const huge = { ...goodConfig(), padding: 'x'.repeat(20 * 1024 * 1024) };
    const cases: Array<[string, string | Buffer, RegExp]> = [
      ['huge.json', JSON.stringify(huge), /padding: is not a known setting/u],
      ['random.bin', crypto.randomBytes(64 * 1024), /cannot be read as a config: it is not valid JSON/u],
      ['truncated.json', truncatedJson(), /cannot be read as a config: it is not valid JSON/u],
      ['array.json', '[1,2,3]', /does not hold a JSON object/u],
      ['null.json', 'null', /does not hold a JSON object/u],
    ];
    for (const [name, content, said] of cases) {
      const file = path.join(dir, '..', name);
      fs.writeFileSync(file, content);
      const r = await runCli(['--config', dir, 'config', 'import', '--offline', file], { timeoutMs: 120_000 });
      expect(r.code, `${name}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/^Not imported: /u);
      expect(r.stderr).toMatch(said);
      expect(r.stderr).toMatch(/was left unchanged/u);
      expect(r.stderr + r.stdout).not.toMatch(STACK);
      // The refusal fits a terminal: the 20 MB of the file is not printed back.
      expect(r.stderr.length).toBeLessThan(4000);
      expect(fs.readFileSync(paths.configFile).equals(before)).toBe(true);
      expect(fileMode(paths.configFile)).toBe(0o600);
    }
  }, 300_000);

  it('a corrupt config.json on disk: validate and the agent say so with the remedy, status still answers, and nothing rewrites it', async () => {
    for (const content of [crypto.randomBytes(4096), Buffer.from(truncatedJson())]) {
      const { dir, paths } = setup();
      fs.writeFileSync(paths.configFile, content, { mode: 0o600 });
      const validate = await runCli(['--config', dir, 'config', 'validate']);
      expect(validate.code).toBe(1);
      expect(validate.stderr).toMatch(/cannot be read as a config: it is not valid JSON/u);
      expect(validate.stderr + validate.stdout).not.toMatch(STACK);

      const status = await runCli(['--config', dir, 'status']);
      expect(status.code).toBe(3); // not running: the status file's answer, whatever the config holds
      expect(status.stderr + status.stdout).not.toMatch(STACK);

      const agent = await runCli(['--config', dir, 'agent', '--once'], { timeoutMs: 120_000 });
      expect(agent.code).not.toBe(0);
      expect(agent.stderr + agent.stdout).toMatch(/cannot be used/u);
      expect(agent.stderr + agent.stdout).toMatch(/Remedy/iu);
      expect(agent.stderr + agent.stdout).not.toMatch(STACK);

      const set = await runCli(['--config', dir, 'config', 'set', 'agent.timeZone', 'UTC']);
      expect(set.code).toBe(1);
      expect(set.stderr).toMatch(/left unchanged/u);

      expect(fs.readFileSync(paths.configFile).equals(content)).toBe(true);
      expect(fileMode(paths.configFile)).toBe(0o600);
    }
  }, 300_000);
});
