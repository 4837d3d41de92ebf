// kmsp demo --generate: the spec is parsed or refused with a KmspError saying why; the same spec and
// seed give byte-identical files for every simulator; each vendor's dataset loads in its simulator,
// kmsp's connectors read what the description holds, the tenants map as an admin would, a billing
// run posts the lines that are off and leaves the others, and a ticket pass creates one ticket per
// device and threat and one note per repeated one.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '../../source/billing/context.js';
import { runBilling } from '../../source/billing/run.js';
import { setUpAsAdmin } from '../../source/demo/adminSetup.js';
import { startDemo, type DemoEnvironment } from '../../source/demo/environment.js';
import { describeMsp, parseGenerateSpec, parseSeed, writeGeneratedDataset, type GenerateSpec } from '../../source/demo/generate.js';
import { isKmspError } from '../../source/domain/errors.js';
import { DEMO_DEFAULT, platformSimulator, psaSimulator, SIMULATED_PLATFORM_KINDS, SIMULATED_PSA_KINDS, type SimulatedPlatformKind, type SimulatedPsaKind } from '../../source/simulators/registry.js';
import { openLedger } from '../../source/store/ledger.js';
import { resolvePaths } from '../../source/store/paths.js';
import { runTickets } from '../../source/tickets/run.js';

const SPEC: GenerateSpec = { tenants: 5, devices: 12, events: 40, accounts: 8 };
const SEED = 11;
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'kmsp-generate-test-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function refusal(text: string): string {
  try {
    parseGenerateSpec(text);
  } catch (error) {
    expect(isKmspError(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error(`"${text}" was accepted`);
}

describe('the --generate spec', () => {
  it('reads every key, and defaults what is left out', () => {
    expect(parseGenerateSpec('tenants=2000,devices=100,events=10000,accounts=2200')).toEqual({ tenants: 2000, devices: 100, events: 10000, accounts: 2200 });
    expect(parseGenerateSpec(' tenants = 10 ')).toEqual({ tenants: 10, devices: 50, events: 50, accounts: 11 });
    expect(parseSeed('7')).toBe(7);
  });

  it('refuses unknown keys, non-integers, sizes out of bounds and fewer accounts than tenants', () => {
    expect(refusal('tenants=5,colour=blue')).toBe('--generate: unknown key "colour"');
    expect(refusal('tenants=5,devices=1.5')).toBe('--generate: devices=1.5 is not a whole number');
    expect(refusal('tenants=-3')).toBe('--generate: tenants=-3 is not a whole number');
    expect(refusal('tenants=ten')).toBe('--generate: tenants=ten is not a whole number');
    expect(refusal('tenants=0')).toBe('--generate: tenants=0 is too small');
    expect(refusal('tenants=10001')).toBe('--generate: tenants=10001 is too big');
    expect(refusal('tenants=5000,devices=1000')).toBe('--generate: 5,000,000 devices in all is too big');
    expect(refusal('tenants=5,accounts=4')).toBe('--generate: accounts=4 is fewer than tenants=5');
    expect(refusal('devices=5')).toBe('--generate: tenants is missing');
    expect(refusal('tenants=5,tenants=6')).toBe('--generate: tenants is given twice');
    expect(refusal('tenants')).toBe('--generate: tenants has no value');
    expect(() => parseSeed('-1')).toThrow('--seed -1 is not a seed');
    expect(() => parseSeed(String(2 ** 32))).toThrow('is not a seed');
  });
});

describe('the generated MSP', () => {
  it('is the same for the same seed, file by file, and another for another seed', () => {
    const [a, b, c] = [tempDir(), tempDir(), tempDir()];
    writeGeneratedDataset({ spec: SPEC, seed: SEED, dir: a });
    writeGeneratedDataset({ spec: SPEC, seed: SEED, dir: b });
    writeGeneratedDataset({ spec: SPEC, seed: SEED + 1, dir: c });
    const files = readdirSync(a).sort();
    expect(files).toEqual([...SIMULATED_PLATFORM_KINDS.map((k) => platformSimulator(k).fixtureFile), ...SIMULATED_PSA_KINDS.map((k) => psaSimulator(k).fixtureFile)].sort());
    for (const f of files) {
      expect(readFileSync(path.join(b, f), 'utf8')).toBe(readFileSync(path.join(a, f), 'utf8'));
      expect(readFileSync(path.join(c, f), 'utf8')).not.toBe(readFileSync(path.join(a, f), 'utf8'));
    }
  });

  it('has the sizes asked for: devices of every category, events with repeats, one account per tenant plus unrelated ones', () => {
    const msp = describeMsp({ tenants: 40, devices: 30, events: 400, accounts: 50 }, SEED);
    expect(msp.tenants).toHaveLength(40);
    expect(msp.tenants.every((t) => t.devices.length === 30)).toBe(true);
    const categories = new Set(msp.tenants.flatMap((t) => t.devices.map((d) => d.category)));
    expect([...categories].sort()).toEqual(['nonWindows', 'server', 'workstation']);
    expect(msp.tenants.reduce((n, t) => n + t.events.length, 0)).toBe(400);
    const conditions = new Set(msp.tenants.flatMap((t) => t.events.map((e) => `${t.id}|${e.device}|${e.threat}`)));
    expect(conditions.size).toBeLessThan(400);
    expect(msp.accounts).toHaveLength(50);
    expect(msp.accounts.filter((a) => a.tenant !== null).map((a) => a.tenant).sort((x, y) => x! - y!)).toEqual(msp.tenants.map((_, i) => i));
    expect(msp.contracts).toHaveLength(40);
    expect(new Set(msp.tenants.map((t) => t.id)).size).toBe(40);
  });
});

// Every simulator: platforms with the default PSA, PSAs with the default platform.
const PAIRS: Array<{ platform: SimulatedPlatformKind; psa: SimulatedPsaKind }> = [
  ...SIMULATED_PLATFORM_KINDS.map((platform) => ({ platform, psa: DEMO_DEFAULT.psa as SimulatedPsaKind })),
  ...SIMULATED_PSA_KINDS.filter((psa) => psa !== DEMO_DEFAULT.psa).map((psa) => ({ platform: DEMO_DEFAULT.platform as SimulatedPlatformKind, psa })),
];

describe.each(PAIRS)('a generated dataset on $platform × $psa', ({ platform, psa }) => {
  it('loads, reads back as described, maps every tenant, bills the lines that are off and tickets every device and threat once', async () => {
    const dir = tempDir();
    writeGeneratedDataset({ spec: SPEC, seed: SEED, dir, kinds: [platform, psa] });
    const msp = describeMsp(SPEC, SEED);
    const demo = (await startDemo({ psa, platform, fixturesDir: dir })) as unknown as DemoEnvironment<SimulatedPsaKind, SimulatedPlatformKind>;
    try {
      const paths = resolvePaths({ configDir: demo.configDir });
      const { integration } = await setUpAsAdmin(paths, { actor: 'test', keepUnmatched: true });
      expect(integration.tenants).toHaveLength(SPEC.tenants);
      expect(integration.tenants.filter((t) => t.billing && t.contractId !== null)).toHaveLength(SPEC.tenants);
      const c = await connect(paths, integration);
      const ledger = openLedger({ paths });
      try {
        const tenants = await c.platform.listTenants();
        expect(tenants.map((t) => t.name).sort()).toEqual(msp.tenants.map((t) => t.name).sort());
        expect(await c.platform.listDevices(tenants[0]!)).toHaveLength(SPEC.devices);
        expect((await c.psa.listAccounts()).filter((a) => msp.accounts.some((m) => m.name === a.name))).toHaveLength(SPEC.accounts);
        expect(await c.psa.listContracts()).toHaveLength(SPEC.tenants);

        // The lines of this platform's services that are off are what the run posts.
        const billed = platformSimulator(platform).generate;
        const off = msp.tenants.flatMap((t, i) => {
          const contract = msp.contracts.find((k) => msp.accounts.find((a) => a.number === k.account)!.tenant === i)!;
          return Object.entries(billed.billed(t)).filter(([service, units]) => contract.lines.find((l) => l.service === service)!.units !== units);
        });
        expect(off.length).toBeGreaterThan(0);
        const billing = await runBilling({ integration, platform: c.platform, psa: c.psa, ledger, now: new Date(), timeZone: 'UTC', dryRun: false });
        expect(billing.execution.totals.errors).toBe(0);
        expect(billing.execution.totals.posted).toBe(off.length);

        // One ticket per tenant, device and threat; one note for each that came more than once.
        const byCondition = new Map<string, number>();
        for (const t of msp.tenants) for (const e of t.events) byCondition.set(`${t.id}|${e.device}|${e.threat}`, (byCondition.get(`${t.id}|${e.device}|${e.threat}`) ?? 0) + 1);
        const tickets = await runTickets({ integration, platform: c.platform, psa: c.psa, ledger, now: new Date(), dryRun: false, ticketsPerAccountPerHour: 10_000 });
        expect(tickets.totals.errors).toBe(0);
        expect(tickets.totals.created).toBe(byCondition.size);
        expect(tickets.totals.notes).toBe([...byCondition.values()].filter((n) => n > 1).length);
      } finally {
        ledger.close();
        await c.close();
      }
    } finally {
      await demo.close();
    }
  });
});
