// `kmsp demo --generate … --seed S`: a bad spec, a seed without --generate and a --fixtures folder
// that is not empty are refused before anything starts (usage error, exit 2); a good one writes the
// pair's datasets into --fixtures (kept after the demo stops, the same files the generator writes
// for that seed) and starts the demo with every tenant mapped to its account and contract.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeGeneratedDataset } from '../../source/demo/generate.js';
import { DEMO_DEFAULT, platformSimulator, psaSimulator } from '../../source/simulators/registry.js';
import { runCli, startCli } from '../helpers/cli.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'kmsp-generate-cli-'));
  dirs.push(d);
  return d;
};

describe('kmsp demo --generate', () => {
  let demo: ReturnType<typeof startCli> | undefined;
  afterAll(async () => {
    if (demo && demo.child.exitCode === null) {
      demo.child.kill('SIGTERM');
      await demo.exited;
    }
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('refuses an unknown key, naming the known ones (usage error, exit 2)', async () => {
    const r = await runCli(['demo', '--serve', '--generate', 'tenants=5,colour=blue']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--generate: unknown key "colour"');
    expect(r.stderr).toContain('known keys: tenants, devices, events, accounts');
    expect(r.stdout).toBe('');
  });

  it('refuses a size that is not a whole number or too big', async () => {
    const notWhole = await runCli(['demo', '--serve', '--generate', 'tenants=2.5']);
    expect(notWhole.code).toBe(2);
    expect(notWhole.stderr).toContain('--generate: tenants=2.5 is not a whole number');
    const tooBig = await runCli(['demo', '--serve', '--generate', 'tenants=20000']);
    expect(tooBig.code).toBe(2);
    expect(tooBig.stderr).toContain('--generate: tenants=20000 is too big');
  });

  it('refuses --seed without --generate, and a bad seed', async () => {
    const alone = await runCli(['demo', '--serve', '--seed', '3']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--seed needs --generate');
    const bad = await runCli(['demo', '--serve', '--generate', 'tenants=2', '--seed', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--seed x is not a seed');
  });

  it('refuses a --fixtures folder that is not empty: it overwrites nothing', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'keep.txt'), 'mine');
    const r = await runCli(['demo', '--serve', '--generate', 'tenants=2', '--fixtures', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--fixtures ${dir} is not an empty folder`);
    expect(readdirSync(dir)).toEqual(['keep.txt']);
  });

  it('writes the datasets of the seed into --fixtures and starts the demo with every tenant mapped', async () => {
    const dir = path.join(tempDir(), 'generated');
    const spec = { tenants: 4, devices: 6, events: 10, accounts: 6 };
    demo = startCli(['demo', '--serve', '--generate', 'tenants=4,devices=6,events=10,accounts=6', '--seed', '9', '--fixtures', dir], /Configuration and secrets\s+(\S+)/, { timeoutMs: 60_000 });
    const [, configDir] = await demo.started;
    expect(demo.output().stdout).toContain(`Generated dataset`);
    const config = JSON.parse(readFileSync(path.join(configDir!, 'config.json'), 'utf8')) as { integrations: Array<{ tenants: Array<{ accountId: string | null; billing: boolean; contractId: string | null }> }> };
    const tenants = config.integrations[0]!.tenants;
    expect(tenants).toHaveLength(spec.tenants);
    expect(tenants.every((t) => t.accountId !== null && t.billing && t.contractId !== null)).toBe(true);
    // A new integration holds risky billing changes (README › Billing approvals).
    expect((config.integrations[0] as { approvals?: unknown }).approvals).toEqual({ mode: 'hold-risky', maxDecreasePercent: 20, maxDecreaseUnits: null });

    // The pair's files, the same as the generator writes for the seed.
    const files = [platformSimulator(DEMO_DEFAULT.platform).fixtureFile, psaSimulator(DEMO_DEFAULT.psa).fixtureFile].sort();
    expect(readdirSync(dir).sort()).toEqual(files);
    const again = tempDir();
    writeGeneratedDataset({ spec, seed: 9, dir: again, kinds: [DEMO_DEFAULT.platform, DEMO_DEFAULT.psa] });
    for (const f of files) expect(readFileSync(path.join(dir, f), 'utf8')).toBe(readFileSync(path.join(again, f), 'utf8'));

    demo.child.kill('SIGTERM');
    expect(await demo.exited).toBe(0);
    // Kept: the dataset was asked for in a folder of the user's.
    expect(readdirSync(dir).sort()).toEqual(files);
  });
});
