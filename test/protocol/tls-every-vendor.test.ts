// TLS, for every vendor of the registries: a server whose certificate this machine does not
// trust is refused (a KmspError of kind tls whose cause says so and whose remedy names the
// CA/certificate file), one whose certificate names another host is refused for its name, the
// same certificate with the CA file set is accepted, and doctor says each refusal. Also: no code
// in source/ switches certificate checks off, and doctor and the agent say when the environment did.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform, createPsa } from '../../source/connectors/factory.js';
import { certificateChecksDisabledBy } from '../../source/connectors/tlsEnvironment.js';
import type { KmspConfig } from '../../source/domain/config.js';
import { defaultConfig, newIntegration } from '../../source/domain/defaults.js';
import { describeError, isKmspError, type KmspError } from '../../source/domain/errors.js';
import { platformSecrets, psaSecrets } from '../../source/domain/secretNames.js';
import { formatDoctorReport, runDoctor } from '../../source/doctor/checks.js';
import { runAgentChecks } from '../../source/doctor/agentChecks.js';
import {
  platformSimulator,
  psaSimulator,
  SIMULATED_PLATFORM_KINDS,
  SIMULATED_PSA_KINDS,
  type PlatformSimulatorEntry,
  type PsaSimulatorEntry,
} from '../../source/simulators/registry.js';
import { testTls, wrongHostTls, type SimServer, type SimTls } from '../../source/simulators/server.js';
import { repoRoot } from '../helpers/cli.js';
import { exitWithin, spawnAgent } from '../agent/helpers.js';
import { openConfig } from '../../source/store/config.js';
import { resolvePaths } from '../../source/store/paths.js';
import { openSecretStore } from '../../source/store/secrets.js';

type Running = { platforms: Map<string, { entry: PlatformSimulatorEntry; sim: SimServer }>; psas: Map<string, { entry: PsaSimulatorEntry; sim: SimServer }> };

async function startAll(tls: SimTls): Promise<Running> {
  const running: Running = { platforms: new Map(), psas: new Map() };
  for (const kind of SIMULATED_PLATFORM_KINDS) {
    const entry = platformSimulator(kind as string);
    running.platforms.set(kind, { entry, sim: await entry.start({ tls }) });
  }
  for (const kind of SIMULATED_PSA_KINDS) {
    const entry = psaSimulator(kind as string);
    running.psas.set(kind, { entry, sim: await entry.start({ tls }) });
  }
  return running;
}

async function stopAll(running: Running | undefined): Promise<void> {
  if (!running) return;
  await Promise.all([...running.platforms.values(), ...running.psas.values()].map((r) => r.sim.close()));
}

/** Every pair as one integration (platform i, PSA j), each side's CA file as given, with the secrets by name. */
function integrationsOf(running: Running, caFile: string | null) {
  const secrets = new Map<string, string>();
  const integrations = [];
  for (const [pk, p] of running.platforms) {
    for (const [sk, s] of running.psas) {
      const pAccess = p.entry.connection(p.sim);
      const sAccess = s.entry.connection(s.sim);
      const integration = newIntegration(`${pk}-${sk}`, { ...pAccess.connection, caFile }, { ...sAccess.connection, caFile });
      for (const spec of platformSecrets(integration)) if (pAccess.secrets[spec.part]) secrets.set(spec.name, pAccess.secrets[spec.part]!);
      for (const spec of psaSecrets(integration)) if (sAccess.secrets[spec.part]) secrets.set(spec.name, sAccess.secrets[spec.part]!);
      integrations.push({ integration, platformKind: pk, psaKind: sk });
    }
  }
  return { integrations, lookup: async (name: string) => secrets.get(name) ?? null, secretValues: () => [...secrets.values()] };
}

/** The error of signing in to one side, or null when it succeeded. */
async function signIn(side: 'platform' | 'psa', integration: ReturnType<typeof newIntegration>, lookup: (name: string) => Promise<string | null>): Promise<KmspError | null> {
  let connector: { verify(): Promise<unknown>; close(): Promise<void> } | undefined;
  try {
    connector = side === 'platform' ? await createPlatform(integration, lookup, { http: { retries: 0 } }) : await createPsa(integration, lookup, { retries: 0 });
    await connector.verify();
    return null;
  } catch (error) {
    if (!isKmspError(error)) throw error;
    return error;
  } finally {
    await connector?.close();
  }
}

function expectNoSecret(text: string, secrets: string[]): void {
  for (const s of secrets) expect(text.includes(s), 'a secret in a TLS error').toBe(false);
}

const VENDOR_SIDES = [...SIMULATED_PLATFORM_KINDS.map((kind) => ({ side: 'platform' as const, kind })), ...SIMULATED_PSA_KINDS.map((kind) => ({ side: 'psa' as const, kind }))];

/** One integration in which this vendor is the side named. */
function pick(all: ReturnType<typeof integrationsOf>['integrations'], side: 'platform' | 'psa', kind: string) {
  return all.find((i) => (side === 'platform' ? i.platformKind : i.psaKind) === kind)!.integration;
}

describe('a certificate signed by a CA this machine does not trust (the TEST-ONLY one, no CA file)', () => {
  let running: Running | undefined;
  beforeAll(async () => {
    running = await startAll('test');
  });
  afterAll(() => stopAll(running));

  it.each(VENDOR_SIDES)('$side $kind: refused with kind tls, the cause says not trusted, the remedy names the CA/certificate file', async ({ side, kind }) => {
    const { integrations, lookup, secretValues } = integrationsOf(running!, null);
    const error = await signIn(side, pick(integrations, side, kind), lookup);
    expect(error, 'an untrusted certificate was accepted').not.toBeNull();
    expect(error!.kind).toBe('tls');
    expect(error!.message).toMatch(/TLS certificate of .* is not trusted/);
    expect(error!.why).toMatch(/not trusted/);
    expect(error!.remedy).toMatch(/CA\/certificate file \(caFile\)/);
    expect(error!.remedy).toMatch(/never disables certificate checks/);
    expectNoSecret(describeError(error), secretValues());
  });

  it.each(VENDOR_SIDES)('$side $kind: the same server is accepted once the CA file names the CA that signed it', async ({ side, kind }) => {
    const { integrations, lookup } = integrationsOf(running!, testTls().ca);
    expect(await signIn(side, pick(integrations, side, kind), lookup)).toBeNull();
  });

  it('doctor shows the refusal of every vendor, with the remedy', async () => {
    const { integrations, lookup, secretValues } = integrationsOf(running!, null);
    const config: KmspConfig = { ...defaultConfig(), integrations: integrations.map((i) => i.integration) };
    const results = await runDoctor(config, { lookupSecret: lookup });
    const report = formatDoctorReport(results);
    for (const { integration } of integrations) {
      for (const side of ['platform', 'psa'] as const) {
        const failed = results.find((r) => r.integration === integration.name && r.area === side && r.status === 'fail');
        expect(failed?.summary, `${integration.name} ${side}`).toMatch(/is not trusted/);
        expect(failed?.detail).toMatch(/CA\/certificate file \(caFile\)/);
      }
    }
    expectNoSecret(report, secretValues());
  });
});

describe('a self-signed certificate of another host name', () => {
  let running: Running | undefined;
  beforeAll(async () => {
    running = await startAll('wrong-host');
  });
  afterAll(() => stopAll(running));

  it.each(VENDOR_SIDES)('$side $kind: refused as untrusted without a CA file', async ({ side, kind }) => {
    const { integrations, lookup } = integrationsOf(running!, null);
    const error = await signIn(side, pick(integrations, side, kind), lookup);
    expect(error?.kind).toBe('tls');
    expect(error!.why).toMatch(/not trusted.*SELF_SIGNED/);
    expect(error!.remedy).toMatch(/caFile/);
  });

  it.each(VENDOR_SIDES)('$side $kind: trusted through the CA file, still refused because the name does not match', async ({ side, kind }) => {
    const { integrations, lookup, secretValues } = integrationsOf(running!, wrongHostTls().ca);
    const error = await signIn(side, pick(integrations, side, kind), lookup);
    expect(error?.kind).toBe('tls');
    expect(error!.message).toMatch(/issued for another host name/);
    expect(error!.why).toMatch(/does not name localhost.*ERR_TLS_CERT_ALTNAME_INVALID/);
    expect(error!.remedy).toMatch(/host name the certificate is issued for/);
    expectNoSecret(describeError(error), secretValues());
  });

  it('doctor says the name does not match, for every vendor', async () => {
    const { integrations, lookup } = integrationsOf(running!, wrongHostTls().ca);
    const config: KmspConfig = { ...defaultConfig(), integrations: integrations.map((i) => i.integration) };
    const results = await runDoctor(config, { lookupSecret: lookup });
    for (const { integration } of integrations) {
      for (const side of ['platform', 'psa'] as const) {
        const failed = results.find((r) => r.integration === integration.name && r.area === side && r.status === 'fail');
        expect(failed?.summary, `${integration.name} ${side}`).toMatch(/issued for another host name/);
      }
    }
  });
});

describe('certificate checks are never switched off', () => {
  // Anything that would make a connection accept any server: Node's TLS options, its environment
  // switch (set, not read), a process-wide default CA change, or a request library's flag.
  const FORBIDDEN: Array<[string, RegExp]> = [
    ['rejectUnauthorized', /rejectUnauthorized/],
    ['checkServerIdentity', /checkServerIdentity/],
    ['setting NODE_TLS_REJECT_UNAUTHORIZED', /NODE_TLS_REJECT_UNAUTHORIZED['"`]?\]?\s*(=(?!=)|:)/],
    ['a process-wide CA change', /setDefaultCACertificates|NODE_EXTRA_CA_CERTS\s*=/],
    ['insecure flags', /strictSSL|insecureHTTPParser|\binsecure\s*:/],
  ];

  function sourceFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const file = path.join(dir, name);
      return statSync(file).isDirectory() ? sourceFiles(file) : /\.(ts|tsx|js|mjs|cjs)$/.test(name) ? [file] : [];
    });
  }

  it('the patterns catch what they are meant to (the scan below can fail)', () => {
    const bad = [
      "new https.Agent({ keepAlive: true, rejectUnauthorized: false })",
      "tls.connect({ checkServerIdentity: () => undefined })",
      "process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'",
      "process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0'",
      "spawn(cmd, { env: { NODE_TLS_REJECT_UNAUTHORIZED: '0' } })",
      'Environment=NODE_TLS_REJECT_UNAUTHORIZED=0',
      'tls.setDefaultCACertificates([])',
    ];
    for (const snippet of bad) expect(FORBIDDEN.some(([, re]) => re.test(snippet)), snippet).toBe(true);
    // Reading the switch to warn about it is allowed.
    expect(FORBIDDEN.some(([, re]) => re.test("env.NODE_TLS_REJECT_UNAUTHORIZED === '0'"))).toBe(false);
  });

  it('no code in source/, bin/ or scripts/ does it (kmsp has no setting that would ask for it)', () => {
    const files = ['source', 'bin', 'scripts'].flatMap((d) => sourceFiles(path.join(repoRoot, d)));
    expect(files.length).toBeGreaterThan(50);
    const found: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const [what, re] of FORBIDDEN) if (re.test(text)) found.push(`${path.relative(repoRoot, file)}: ${what}`);
    }
    expect(found).toEqual([]);
  });

  it('NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment: doctor warns, with the cause and the remedy', async () => {
    expect(certificateChecksDisabledBy({ NODE_TLS_REJECT_UNAUTHORIZED: '1' })).toBeNull();
    expect(certificateChecksDisabledBy({})).toBeNull();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kmsp-tls-env-'));
    try {
      const paths = resolvePaths({ configDir: dir });
      const secrets = openSecretStore({ paths, backends: ['file'] });
      const off = await runAgentChecks(defaultConfig(), { paths, secrets, env: { NODE_TLS_REJECT_UNAUTHORIZED: '0' } });
      const row = off.find((r) => /certificate checks are OFF/.test(r.summary));
      expect(row?.status).toBe('warn');
      expect(row?.detail).toMatch(/pose as a server/);
      expect(row?.detail).toMatch(/Remove NODE_TLS_REJECT_UNAUTHORIZED .*CA\/certificate file \(caFile\)/);
      const on = await runAgentChecks(defaultConfig(), { paths, secrets, env: {} });
      expect(on.some((r) => /certificate checks/.test(r.summary))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the agent says it in its log at start (dist/: run `npm run build` first)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kmsp-tls-agent-'));
    try {
      openConfig({ paths: resolvePaths({ configDir: dir }) }).save(defaultConfig(), { actor: 'test' });
      const agent = spawnAgent(dir, ['--once', '--log-format', 'json'], { NODE_TLS_REJECT_UNAUTHORIZED: '0' });
      await exitWithin(agent, 60_000);
      const warning = agent.lines().find((l) => /certificate checks are OFF/.test(l));
      expect(warning, agent.lines().join('\n')).toBeDefined();
      expect(JSON.parse(warning!).level).toBe('warn');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
