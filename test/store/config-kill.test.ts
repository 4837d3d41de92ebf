// kill -9 of a process saving the config (the console's save path: the real store, the ledger as
// its audit sink) at seeded random points. Whatever instant the process dies at, the file loads
// as one of the configs really saved (never defaults, never half of one), keeps mode 0600, any
// copy kept beside it (config.json.bak-v1-…) is complete, the ledger verifies, and a stray temp
// file left by the dead process does not stop the next save.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KmspConfig } from '../../source/domain/config.js';
import { AUTOTASK_DEFAULTS, KSC_DEFAULTS, defaultConfig, newIntegration } from '../../source/domain/defaults.js';
import { prng } from '../../source/simulators/dice.js';
import { inspectConfigFile, openConfig } from '../../source/store/config.js';
import { writeFileAtomic } from '../../source/store/atomicFile.js';
import { openLedger } from '../../source/store/ledger.js';
import { verifyLedger } from '../../source/store/ledgerCheck.js';
import { repoRoot } from '../helpers/cli.js';
import { useTranspiledStore } from './child-process.js';
import { fileMode, tempDir, tempPaths } from './helpers.js';

const build = useTranspiledStore();

const V1_TEXT = fs.readFileSync(path.join(repoRoot, 'fixtures', 'config', 'v1-config.json'), 'utf8');

// Saves A and B in turn for ever, as the console does (audit into the ledger). In "upgrade"
// mode a version-1 file is put back before each save, so every save keeps the original beside
// the file first (a copy, then the replacement): the kill lands in either.
const CHILD = `
import fs from 'node:fs';
import { openConfig } from './source/store/config.js';
import { openLedger } from './source/store/ledger.js';
import { resolvePaths } from './source/store/paths.js';
const [configDir, configsFile, mode, v1File] = process.argv.slice(2);
const configs = JSON.parse(fs.readFileSync(configsFile, 'utf8'));
const paths = resolvePaths({ configDir });
const ledger = openLedger({ paths });
const store = openConfig({ paths, onInvalid: 'quarantine-and-default', audit: ledger, actor: 'crash (console)', onNotice: () => {} });
const v1 = mode === 'upgrade' ? fs.readFileSync(v1File, 'utf8') : null;
const staging = configDir + '.v1';
// Two saves first (the first compiles the schema checks): the second is timed, so the parent
// kills within the duration of a save like those of the loop.
store.save(configs[1]);
const t1 = performance.now();
store.save(configs[0]);
process.stdout.write('ready ' + Math.ceil(performance.now() - t1) + '\\n');
for (let i = 1; ; i++) {
  if (v1 !== null) {
    fs.writeFileSync(staging, v1, { mode: 0o600 });
    fs.renameSync(staging, paths.configFile);
  }
  store.save(configs[i % 2]);
}
`;

/** Two configs that differ in many places, each big enough that writing it takes a while. */
function configs(): [KmspConfig, KmspConfig] {
  const make = (variant: string): KmspConfig => {
    const config = defaultConfig();
    const integration = newIntegration('main', { ...KSC_DEFAULTS, url: 'https://ksc.example:13299', username: 'kmsp' }, { ...AUTOTASK_DEFAULTS, username: 'api@example' });
    for (let i = 0; i < 300; i++) {
      integration.tenants.push({
        tenantId: `vs-${i}`,
        tenantName: `Tenant ${i} ${variant}`,
        accountId: String(10_000 + i),
        accountName: `Account ${i} ${variant}`,
        billing: variant === 'A',
        contractId: String(20_000 + i),
        contractName: `Managed services ${i}`,
      });
    }
    config.integrations.push(integration);
    config.agent.paused = variant === 'B';
    return config;
  };
  return [make('A'), make('B')];
}

interface Trial {
  mode: 'plain' | 'upgrade';
  /** When to kill, as a fraction of the measured duration of two saves (so in the first or the second). */
  at: number;
}

/** Resolves with how long one save took in the child, once it is saving in a loop. */
function waitForReady(child: ReturnType<typeof spawn>): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const ready = /ready (\d+)\n/.exec(out);
      if (ready) resolve(Number(ready[1]));
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => reject(new Error(`the saving process exited (${code}) before it was killed: ${err}`)));
  });
}

/** Returns the delay the child was killed after, in ms. */
async function killDuringSaves(configDir: string, configsFile: string, trial: Trial): Promise<number> {
  const script = path.join(build.dir, 'save-loop.mjs');
  if (!fs.existsSync(script)) fs.writeFileSync(script, CHILD);
  const child = spawn(process.execPath, [script, configDir, configsFile, trial.mode, path.join(repoRoot, 'fixtures', 'config', 'v1-config.json')], {
    cwd: build.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const saveMs = await waitForReady(child);
  const delayMs = Math.floor(trial.at * 2 * saveMs);
  await new Promise((r) => setTimeout(r, delayMs));
  child.kill('SIGKILL');
  await closed;
  return delayMs;
}

describe('kill -9 during config saves', () => {
  it('the file always loads as a config really saved, 0600; kept copies are whole; the next save works', async () => {
    const [a, b] = configs();
    const saved = [JSON.stringify(a), JSON.stringify(b)];
    const configsFile = path.join(tempDir('kmsp-configs-'), 'configs.json');
    fs.writeFileSync(configsFile, JSON.stringify([a, b]));
    const random = prng(0xc0ff1e);
    // At least ten kills, and more (up to forty) until one has landed inside a write: a loaded or an
    // idle machine moves where the kills fall, and a run whose kills all fell between writes proves little.
    const TRIALS = 10;
    const MAX_TRIALS = 40;
    const findings: string[] = [];
    let strayTemps = 0;
    for (let n = 0; n < TRIALS || (strayTemps === 0 && n < MAX_TRIALS); n++) {
      const trial: Trial = { mode: n % 3 === 2 ? 'upgrade' : 'plain', at: random() };
      const paths = tempPaths();
      openConfig({ paths, onNotice: () => {} }).save(a);
      const delayMs = await killDuringSaves(paths.configDir, configsFile, trial);
      const what = `trial ${n} (${trial.mode}, killed ${delayMs} ms in)`;

      const state = inspectConfigFile(paths.configFile);
      if (state.state !== 'ok') {
        findings.push(`${what}: the config file is ${state.state}`);
        continue;
      }
      // A version-1 file is the original put back by the trial itself (upgrade mode): it must be that one, untouched.
      if (state.migratedFrom === 1) {
        if (fs.readFileSync(paths.configFile, 'utf8') !== V1_TEXT) findings.push(`${what}: a version-1 file that is not the original`);
      } else if (!saved.includes(JSON.stringify(state.config))) findings.push(`${what}: the file holds neither saved config`);
      if (fileMode(paths.configFile) !== 0o600) findings.push(`${what}: mode ${fileMode(paths.configFile).toString(8)}`);

      const names = fs.readdirSync(paths.configDir);
      for (const name of names.filter((f) => f.startsWith('config.json.bak-v1-'))) {
        if (fs.readFileSync(path.join(paths.configDir, name), 'utf8') !== V1_TEXT) findings.push(`${what}: ${name} is not a whole copy of the original`);
      }
      const temps = names.filter((f) => f.startsWith('.config.json.tmp-'));
      strayTemps += temps.length;
      // The config's lock may be left by the dead saver: the next save takes it over (its process is gone).
      const unexpected = names.filter((f) => f !== 'config.json' && f !== '.config.json.lock' && !f.startsWith('config.json.bak-v1-') && !f.startsWith('.config.json.tmp-') && !f.startsWith('ledger.sqlite'));
      if (unexpected.length) findings.push(`${what}: unexpected files ${unexpected.join(', ')}`);

      // The ledger the audit rows went to is sound.
      const ledger = openLedger({ paths });
      try {
        const bad = verifyLedger(ledger).filter((c) => !c.ok);
        if (bad.length) findings.push(`${what}: ledger verify: ${bad.map((c) => `${c.what}: ${c.findings.join('; ')}`).join(' | ')}`);
      } finally {
        ledger.close();
      }

      // The next save (a console started afterwards) works over whatever was left, and nothing stray stays behind.
      openConfig({ paths, onNotice: () => {} }).save(b);
      expect(openConfig({ paths }).load(), what).toEqual(b);
      expect(fileMode(paths.configFile), what).toBe(0o600);
      expect(fs.readdirSync(paths.configDir).filter((f) => f.startsWith('.config.json.')), `${what}: temp or lock files after the next save`).toEqual([]);
    }
    expect(findings).toEqual([]);
    // The kills did land inside writes (otherwise this test proves little).
    expect(strayTemps).toBeGreaterThan(0);
  }, 240_000);
});

// A backup (config.json.bak-…) cut short by a kill must not stay under its name: it would be
// offered later as an earlier version to restore. A big file makes each copy last long enough
// for the kills to land inside copies.
const COPIER = `
import { copyFileDurable } from './source/store/atomicFile.js';
const [from, dir] = process.argv.slice(2);
const t = performance.now();
copyFileDurable(from, dir + '/copy-0');
process.stdout.write('ready ' + Math.ceil(performance.now() - t) + '\\n');
for (let i = 1; ; i++) copyFileDurable(from, dir + '/copy-' + i);
`;

describe('kill -9 during a backup copy', () => {
  it('every copy under its final name is whole; the temp left is removed by the next write of the original', async () => {
    const dir = tempDir('kmsp-copy-kill-');
    const source = path.join(dir, 'config.json');
    const content = Buffer.alloc(48 * 1024 * 1024, 'kmsp ');
    fs.writeFileSync(source, content, { mode: 0o600 });
    const script = path.join(build.dir, 'copy-loop.mjs');
    fs.writeFileSync(script, COPIER);
    const random = prng(0xbac0);
    const findings: string[] = [];
    for (let n = 0; n < 6; n++) {
      const out = fs.mkdtempSync(path.join(dir, 'trial-'));
      const child = spawn(process.execPath, [script, source, out], { cwd: build.dir, stdio: ['ignore', 'pipe', 'pipe'] });
      const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
      const copyMs = await waitForReady(child);
      await new Promise((r) => setTimeout(r, Math.floor(random() * 2 * copyMs)));
      child.kill('SIGKILL');
      await closed;
      for (const name of fs.readdirSync(out).filter((f) => f.startsWith('copy-'))) {
        const size = fs.statSync(path.join(out, name)).size;
        if (size !== content.length) findings.push(`trial ${n}: ${name} holds ${size} of ${content.length} bytes`);
        if (fileMode(path.join(out, name)) !== 0o600) findings.push(`trial ${n}: ${name} has mode ${fileMode(path.join(out, name)).toString(8)}`);
      }
      // The copy's temp is named for the original: a write of the original beside it clears what the dead copier left.
      writeFileAtomic(path.join(out, 'config.json'), '{}');
      const left = fs.readdirSync(out).filter((f) => f.startsWith('.'));
      if (left.length) findings.push(`trial ${n}: left after the next write: ${left.join(', ')}`);
    }
    expect(findings).toEqual([]);
  }, 120_000);
});
