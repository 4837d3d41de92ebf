// The secrets sweep, for every platform × PSA pair of the simulators' registry: the agent
// (`kmsp agent --once`, both jobs, from dist/; then the daemon for one ticket pass) runs under a
// seeded fault plan of every kind, then with every secret replaced by a wrong one; the
// connectors also meet each fault kind and client-side timeouts in this process. Afterwards no
// secret — in any encoding, nor any credential header the simulators received, nor a 12-character
// piece of a long one — is in any file kmsp keeps but secrets.json (config, ledger, its backup,
// status file), in the simulators' request recording, in the agent's output (JSON lines, text
// lines, journald lines), in `kmsp status`, `kmsp doctor`, `kmsp ledger export`, `kmsp config
// show` or in any error message.
// `npm test` builds dist/ first; run `npm run build` before running this file alone.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform, createPsa } from '../../source/connectors/factory.js';
import { startDemo, type DemoEnvironment } from '../../source/demo/environment.js';
import type { Integration } from '../../source/domain/config.js';
import { describeError, describeErrorLine } from '../../source/domain/errors.js';
import { normaliseName } from '../../source/domain/mapping.js';
import { integrationSecrets } from '../../source/domain/secretNames.js';
import { SHARED_FAULT_KINDS, type FaultPlan } from '../../source/simulators/faults.js';
import { SIMULATED_PLATFORM_KINDS, SIMULATED_PSA_KINDS, type SimulatedPlatformKind, type SimulatedPsaKind } from '../../source/simulators/registry.js';
import type { SimServer } from '../../source/simulators/server.js';
import { openConfig } from '../../source/store/config.js';
import { resolvePaths } from '../../source/store/paths.js';
import { openSecretStore } from '../../source/store/secrets.js';
import { exitWithin, spawnAgent } from '../agent/helpers.js';
import { repoRoot, runCli } from '../helpers/cli.js';

const PAIRS = SIMULATED_PLATFORM_KINDS.flatMap((platform) => SIMULATED_PSA_KINDS.map((psa) => ({ platform, psa })));

/** Tenants mapped (for tickets): enough for every kind of request, few enough for a quick pass under faults. */
const MAPPED_TENANTS = 4;

/** Every form a secret travels in: as is, base64 (padded or not), URL-encoded, JSON-escaped. */
function forms(secret: string): string[] {
  const b64 = Buffer.from(secret, 'utf8').toString('base64');
  return [...new Set([secret, b64, b64.replace(/=+$/, ''), encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])].filter((f) => f.length >= 4);
}

/**
 * The parts of a credential header worth looking for: the whole value and each token of it
 * ("Basic <b64>", "Bearer <token>", "TSI <key>:<signature>", "name=value; …"), long enough not
 * to be an ordinary word (a scheme, a cookie name).
 */
function headerForms(value: string): string[] {
  const parts = value.split(/[\s;,]+/).flatMap((p) => [p, ...p.split(/[=:]/)]);
  return [value, ...parts].filter((p) => p.length >= 12);
}

/** Long enough that a run of this many characters of a secret or token found elsewhere is a leak, not chance. */
const WINDOW = 12;

/**
 * What the sweep looks for: each value in each of its forms, and every WINDOW-character piece of
 * the long ones, so a token quoted cut short (half a reply in an error message) is found too.
 */
class Needles {
  readonly exact = new Map<string, string>();
  readonly pieces = new Map<string, string>();

  add(value: string, name: string): this {
    this.exact.set(value, name);
    if (value.length >= WINDOW + 4) for (let i = 0; i + WINDOW <= value.length; i++) this.pieces.set(value.slice(i, i + WINDOW), name);
    return this;
  }

  get size(): number {
    return this.exact.size;
  }

  /** The names of what `text` holds. */
  in(text: string): string[] {
    const found = new Set<string>();
    for (const [needle, name] of this.exact) if (text.includes(needle)) found.add(name);
    // Pieces: every WINDOW-long stretch of every run of token characters in the text.
    for (const run of text.match(/[A-Za-z0-9+/=_.~%-]{12,}/g) ?? []) {
      for (let i = 0; i + WINDOW <= run.length; i++) {
        const name = this.pieces.get(run.slice(i, i + WINDOW));
        if (name) found.add(`${name} (a piece of it)`);
      }
    }
    return [...found];
  }
}

/** What is found of `needles` in `text`, by name. */
function leaks(text: string, needles: Needles): string[] {
  return needles.in(text);
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

/** The opposite value, same length and alphabet (a wrong password or key of the right shape). */
function wrongValue(value: string): string {
  const reversed = [...value].reverse().join('');
  return reversed === value ? `${value}x` : reversed;
}

describe.each(PAIRS)('secrets sweep: $platform + $psa', ({ platform, psa }) => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'kmsp-sweep-'));
  const configDir = path.join(work, 'config');
  const recordFile = path.join(work, 'requests.jsonl');
  const paths = resolvePaths({ configDir });
  const outputs: Array<{ what: string; text: string }> = [];
  const secretValues = new Map<string, string>();
  const injected: Record<string, number> = {};
  const exitCodes: Record<string, number | null> = {};
  let demo: DemoEnvironment<SimulatedPsaKind, SimulatedPlatformKind> | undefined;
  let sims: SimServer[] = [];
  let integration: Integration;

  const say = (what: string, text: string) => outputs.push({ what, text });
  const cli = async (what: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const r = await runCli(['--config', configDir, ...args], { env: { NO_COLOR: '1', ...env }, timeoutMs: 120_000 });
    say(`${what} stdout`, r.stdout);
    say(`${what} stderr`, r.stderr);
    return r;
  };
  const agentOnce = async (what: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const agent = spawnAgent(configDir, ['--once', ...args], env);
    exitCodes[what] = await exitWithin(agent, 240_000);
    say(`${what} stdout`, agent.output().stdout);
    say(`${what} stderr`, agent.output().stderr);
  };
  const countFaults = () => {
    for (const sim of sims) for (const [kind, n] of Object.entries(sim.faults.stats().injected)) injected[kind] = (injected[kind] ?? 0) + n;
  };
  const allSecrets = () => {
    const out = new Needles();
    for (const [name, value] of secretValues) for (const f of forms(value)) out.add(f, name);
    for (const sim of sims) for (const v of sim.credentialsSeen()) for (const f of headerForms(v)) out.add(f, `a credential header the ${sim.url} simulator received`);
    return out;
  };

  beforeAll(async () => {
    demo = await startDemo({ platform, psa, configDir, recordFile, withTenants: true });
    sims = [demo.platform, demo.psa];
    const secrets = openSecretStore({ paths, backends: ['file'] });
    const store = openConfig({ paths });
    const config = store.load();
    integration = config.integrations[0]!;
    const lookup = (name: string) => secrets.get(name);

    // Map a few tenants to the PSA account of the same name, for the ticket job's writes.
    const connector = await createPsa(integration, lookup);
    const accounts = await connector.listAccounts().finally(() => connector.close());
    let mapped = 0;
    for (const tenant of integration.tenants) {
      const account = accounts.find((a) => normaliseName(a.name) === normaliseName(tenant.tenantName));
      if (!account || mapped >= MAPPED_TENANTS) continue;
      Object.assign(tenant, { accountId: account.id, accountName: account.name });
      mapped++;
    }
    integration.tenants = integration.tenants.filter((t) => t.accountId !== null);
    expect(mapped, 'tenants mapped by name').toBeGreaterThan(0);
    store.save(config, { actor: 'secrets sweep' });
    for (const spec of integrationSecrets(integration)) {
      const value = await secrets.get(spec.name);
      if (value) secretValues.set(spec.name, value);
    }

    // 1. Faults of every kind, shared and the simulator's own (expired sessions among them).
    // Short waits keep the pass quick; the client's own timeouts are met below, in this process.
    const plan: FaultPlan = { seed: 7, rate: 0.3, retryAfterSeconds: 0, slowMs: 50, timeoutMs: 300 };
    for (const sim of sims) sim.faults.set(plan);
    await agentOnce('agent under faults (JSON log)', ['--log-format', 'json']);
    // The daemon too, with text lines, until one ticket pass is done: it writes the status file,
    // which --once does not.
    const daemon = spawnAgent(configDir, ['--ticket-interval', '3600']);
    await daemon.waitForLine(/ tickets demo: /, 240_000);
    daemon.child.kill('SIGTERM');
    exitCodes['agent daemon under faults'] = await exitWithin(daemon, 120_000);
    say('agent daemon under faults stdout', daemon.output().stdout);
    say('agent daemon under faults stderr', daemon.output().stderr);
    await cli('kmsp doctor under faults', ['doctor']);
    countFaults();
    for (const sim of sims) sim.faults.set(null);
    await cli('kmsp status', ['status']);
    await cli('kmsp status --json', ['status', '--json']);
    await cli('kmsp ledger export', ['ledger', 'export', '--format', 'json']);
    await cli('kmsp ledger export --tickets', ['ledger', 'export', '--tickets', '--format', 'json']);
    await cli('kmsp ledger backup', ['ledger', 'backup', path.join(configDir, 'ledger-backup.sqlite')]);
    await cli('kmsp config show', ['config', 'show']);
    await cli('kmsp secrets status', ['secrets', 'status']);

    // 2. The connectors meet their own timeouts and every fault again, reads only: a random plan,
    // then each shared kind on every request, so each kind's error reaches a message for certain.
    const http = { timeoutMs: 400, retries: 1, backoffBaseMs: 1, backoffMaxMs: 5 };
    const reads = async (rounds: number) => {
      for (let round = 0; round < rounds; round++) {
        for (const call of [
          async () => {
            const p = await createPlatform(integration, lookup, { http });
            try {
              await p.verify();
              await p.listTenants();
            } finally {
              await p.close();
            }
          },
          async () => {
            const s = await createPsa(integration, lookup, http);
            try {
              await s.verify();
              await s.listAccounts();
              await s.ticketPicklists();
            } finally {
              await s.close();
            }
          },
        ]) {
          try {
            await call();
          } catch (error) {
            say('connector error', [describeError(error), describeErrorLine(error), String(error), JSON.stringify(error), (error as Error).stack ?? ''].join('\n'));
          }
        }
      }
    };
    const quick = { timeoutMs: 2_000, retryAfterSeconds: 0, slowMs: 50 };
    for (const sim of sims) sim.faults.set({ seed: 11, rate: 0.6, ...quick });
    await reads(3);
    countFaults();
    for (const kind of SHARED_FAULT_KINDS) {
      for (const sim of sims) sim.faults.set({ seed: 13, rate: 1, kinds: [kind], ...quick });
      await reads(1);
      countFaults();
    }
    for (const sim of sims) sim.faults.set(null);

    // 3. Every secret wrong: each side refuses the sign-in.
    for (const spec of integrationSecrets(integration)) {
      const right = secretValues.get(spec.name);
      if (!right) continue;
      const wrong = wrongValue(right);
      secretValues.set(`${spec.name} (wrong)`, wrong);
      await secrets.set(spec.name, wrong);
    }
    // JOURNAL_STREAM: the agent writes journald lines (priority prefixes, no timestamps).
    await agentOnce('agent with wrong credentials (journald)', [], { JOURNAL_STREAM: '8:12345' });
    await cli('kmsp doctor with wrong credentials', ['doctor']);
    await cli('kmsp doctor --json with wrong credentials', ['doctor', '--json']);
    await cli('kmsp status after wrong credentials', ['status']);
    for (const attempt of [() => createPlatform(integration, lookup, { http: { retries: 0 } }), () => createPsa(integration, lookup, { retries: 0 })]) {
      try {
        const c = await attempt();
        try {
          await c.verify();
        } finally {
          await c.close();
        }
      } catch (error) {
        say('wrong-credentials error', [describeError(error), String(error), JSON.stringify(error), (error as Error).stack ?? ''].join('\n'));
      }
    }
  }, 900_000);

  afterAll(async () => {
    await demo?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('the runs exercised the failures: every shared fault kind injected, wrong credentials refused on both sides', () => {
    for (const kind of SHARED_FAULT_KINDS) expect(injected[kind] ?? 0, `fault ${kind} injected`).toBeGreaterThan(0);
    // And the simulators' own kinds (an expired session or token, a locked record, …), where they have some.
    const shared: readonly string[] = SHARED_FAULT_KINDS;
    const own = sims.flatMap((sim) => sim.faults.kinds()).filter((k) => !shared.includes(k));
    if (own.length > 0) expect(own.some((k) => (injected[k] ?? 0) > 0), JSON.stringify(injected)).toBe(true);
    expect(exitCodes['agent with wrong credentials (journald)']).not.toBe(0);
    const doctor = outputs.find((o) => o.what === 'kmsp doctor with wrong credentials stdout')!.text;
    expect(doctor).toMatch(new RegExp(`✗ ${demo!.platformName}`));
    expect(doctor).toMatch(new RegExp(`✗ ${demo!.psaName}`));
    // The journald run wrote priority-prefixed lines; the faults run JSON lines.
    expect(outputs.find((o) => o.what === 'agent with wrong credentials (journald) stdout')!.text + outputs.find((o) => o.what === 'agent with wrong credentials (journald) stderr')!.text).toMatch(/^<\d>/m);
    expect(outputs.find((o) => o.what === 'agent under faults (JSON log) stdout')!.text).toMatch(/^\{"time":/m);
    expect(outputs.filter((o) => o.what.startsWith('agent daemon')).map((o) => o.text).join('')).toMatch(/^\d{4}-\d\d-\d\dT\S+ (INFO|WARN|ERROR) /m);
  });

  it('the scan finds what it looks for (secrets.json holds every current value)', () => {
    const held = readFileSync(paths.secretsFile, 'utf8');
    const needles = allSecrets();
    expect(needles.size).toBeGreaterThan(secretValues.size);
    for (const [name, value] of secretValues) if (name.endsWith('(wrong)')) expect(leaks(held, new Needles().add(value, name))).toContain(name);
    // The simulators saw credential headers (the sweep looks for those too).
    expect(sims.every((s) => s.credentialsSeen().length > 0)).toBe(true);
  });

  it('secrets.json is the only file kmsp keeps that holds them (config, ledger and its WAL, backup, status, locks)', () => {
    const needles = allSecrets();
    const files = filesUnder(configDir).filter((f) => f !== paths.secretsFile);
    expect(files).toContain(paths.configFile);
    expect(files).toContain(paths.ledgerFile);
    expect(files).toContain(paths.statusFile);
    expect(files.some((f) => f.endsWith('ledger-backup.sqlite'))).toBe(true);
    const found = files.flatMap((f) => leaks(readFileSync(f).toString('latin1'), needles).map((n) => `${path.relative(configDir, f)}: ${n}`));
    expect(found).toEqual([]);
  });

  it('not in the simulators’ request recording', () => {
    expect(existsSync(recordFile)).toBe(true);
    const text = readFileSync(recordFile, 'utf8');
    expect(text.split('\n').filter(Boolean).length).toBeGreaterThan(20);
    expect(leaks(text, allSecrets())).toEqual([]);
  });

  it('not in the agent’s output, status, doctor, ledger export, config show, or any error message', () => {
    const needles = allSecrets();
    const found = outputs.flatMap((o) => leaks(o.text, needles).map((n) => `${o.what}: ${n}`));
    expect(outputs.filter((o) => o.what.startsWith('connector error')).length, 'connector errors collected').toBeGreaterThan(0);
    expect(found).toEqual([]);
  });
});

describe('the demo secrets in tracked files', () => {
  it('appear only in the simulators’ own datasets, never in UI snapshots or other fixtures', async () => {
    const { platformSimulator, psaSimulator } = await import('../../source/simulators/registry.js');
    const entries = [...SIMULATED_PLATFORM_KINDS.map((k) => platformSimulator(k as string)), ...SIMULATED_PSA_KINDS.map((k) => psaSimulator(k as string))];
    const needles = new Needles();
    const datasets = new Set<string>();
    for (const entry of entries) {
      const sim = await entry.start({ tls: false });
      try {
        for (const [part, value] of Object.entries(entry.connection(sim as never).secrets)) for (const f of forms(value)) needles.add(f, part);
      } finally {
        await sim.close();
      }
      datasets.add(entry.fixtureFile);
    }
    expect(needles.size).toBeGreaterThan(0);
    const root = repoRoot;
    const files = [...filesUnder(path.join(root, 'test/ui/__snapshots__')), ...filesUnder(path.join(root, 'fixtures'))];
    // A dataset file holds the accounts its simulator signs in (FIXTURE.md): that is where they belong.
    const found = files
      .filter((f) => !datasets.has(path.basename(f)))
      .flatMap((f) => leaks(readFileSync(f).toString('latin1'), needles).map((n) => `${path.relative(root, f)}: ${n}`));
    expect(found).toEqual([]);
  });
});

describe('a garbled answer to a sign-in is never quoted (it holds a session id or a token)', () => {
  it.each(SIMULATED_PLATFORM_KINDS.map((kind) => ({ kind })))('$kind: the error says the body is not shown', async ({ kind }) => {
    const { platformSimulator } = await import('../../source/simulators/registry.js');
    const entry = platformSimulator(kind as string);
    // Every answer cut in half: the first one, the sign-in's, can no longer be read.
    const sim = await entry.start({ faults: { seed: 1, rate: 1, kinds: ['truncated-json'] } });
    try {
      const access = entry.connection(sim as never);
      const integration = { name: 'garbled', platform: access.connection };
      const lookup = async (name: string) => access.secrets[name.slice('garbled.'.length)] ?? null;
      let text = '';
      try {
        const p = await createPlatform(integration, lookup, { http: { retries: 0 } });
        try {
          await p.verify();
        } finally {
          await p.close();
        }
      } catch (error) {
        text = describeError(error);
      }
      expect(text).toMatch(/not shown: this answer carries credentials/);
      expect(sim.faults.stats().injected['truncated-json']).toBeGreaterThan(0);
    } finally {
      await sim.close();
    }
  });
});
