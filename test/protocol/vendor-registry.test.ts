// The two registries (connectors/registry.ts, simulators/registry.ts): a kind becomes its
// connector and its simulator, each entry reaches its simulator over loopback with the connection
// and secrets the simulators' registry gives, and every refusal names what this build has.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  platformVendor,
  platformVendors,
  psaVendor,
  psaVendors,
  SUPPORTED_PLATFORM_KINDS,
  SUPPORTED_PSA_KINDS,
} from '../../source/connectors/registry.js';
import { createPlatform, createPsa } from '../../source/connectors/factory.js';
import { demoKinds, startDemo, type DemoEnvironment } from '../../source/demo/environment.js';
import type { Integration } from '../../source/domain/config.js';
import { isKmspError, KmspError } from '../../source/domain/errors.js';
import { PLATFORM_KINDS, PLATFORM_PROFILES, PSA_KINDS, PSA_PROFILES } from '../../source/domain/profiles/index.js';
import {
  DEMO_DEFAULT,
  platformSimulator,
  psaSimulator,
  SIMULATED_PLATFORM_KINDS,
  SIMULATED_PSA_KINDS,
  type PlatformSimulatorEntry,
  type PsaSimulatorEntry,
} from '../../source/simulators/registry.js';
import type { SimServer } from '../../source/simulators/server.js';

function refusal(run: () => unknown): KmspError {
  try {
    run();
  } catch (error) {
    if (isKmspError(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const psaShorts = () => SUPPORTED_PSA_KINDS.map((k) => PSA_PROFILES[k].words.short).join(', ');
const platformShorts = () => SUPPORTED_PLATFORM_KINDS.map((k) => PLATFORM_PROFILES[k].words.short).join(', ');

describe('connectors registry: what this build speaks', () => {
  it('every platform profile has its connector; Business Hub opens with only its password, its optional secrets absent', async () => {
    expect(platformVendor('kbh').profile).toBe(PLATFORM_PROFILES.kbh);
    expect(SUPPORTED_PLATFORM_KINDS).toEqual(PLATFORM_KINDS);
    const integration = { name: 'cloud', platform: { kind: 'kbh', url: 'https://hub.example-msp.com', email: 'a@b.com', caFile: null } } as Pick<Integration, 'name' | 'platform'>;
    const asked: string[] = [];
    const platform = await createPlatform(integration, async (name) => {
      asked.push(name);
      return name === 'cloud.kbh.password' ? 'pass-word' : null;
    });
    expect(platform.kind).toBe('kbh');
    await platform.close();
    // The optional key is looked up, and its absence is no error; the one-time code is never looked up (only handed in).
    expect(asked.sort()).toEqual(['cloud.kbh.authenticator-key', 'cloud.kbh.password']);
    const missing = await createPlatform(integration, async () => null).then(
      () => null,
      (error: unknown) => error,
    );
    expect(isKmspError(missing) && missing.message).toBe('Integration "cloud": the Kaspersky Business Hub password is missing');
  });

  it('every profile without a connector is refused the same way; every supported kind answers with its own profile', () => {
    for (const kind of PSA_KINDS) {
      if (SUPPORTED_PSA_KINDS.includes(kind as never)) {
        expect(psaVendor(kind).profile).toBe(PSA_PROFILES[kind]);
        continue;
      }
      const error = refusal(() => psaVendor(kind));
      expect(error.message).toBe(`${PSA_PROFILES[kind].words.name} is not supported yet`);
      expect(error.why).toBe(`this build speaks: ${psaShorts()}`);
    }
    for (const kind of PLATFORM_KINDS) {
      if (SUPPORTED_PLATFORM_KINDS.includes(kind as never)) expect(platformVendor(kind).profile).toBe(PLATFORM_PROFILES[kind]);
      else expect(refusal(() => platformVendor(kind)).why).toBe(`this build speaks: ${platformShorts()}`);
    }
    expect(psaVendors().map((v) => v.kind)).toEqual(SUPPORTED_PSA_KINDS);
    expect(platformVendors().map((v) => v.kind)).toEqual(SUPPORTED_PLATFORM_KINDS);
  });

  it('an unknown kind (a newer config, a typo) is refused naming the kinds to use instead', () => {
    const error = refusal(() => psaVendor('halo'));
    expect(error.message).toBe('Unknown PSA kind "halo"');
    expect(error.why).toBe(`"halo" is not a PSA kmsp knows; this build speaks: ${psaShorts()}`);
    expect(error.remedy).toContain('"autotask" (Autotask)');
    expect(refusal(() => platformVendor('')).message).toBe('Unknown security platform kind ""');
  });

  it('the factory says which integration named the kind', async () => {
    const integration = { name: 'cloud', platform: { kind: 'nope', url: 'https://hub', email: 'a@b', caFile: null } } as unknown as Pick<Integration, 'name' | 'platform'>;
    await expect(createPlatform(integration, async () => 'x')).rejects.toThrow('Integration "cloud": Unknown security platform kind "nope"');
  });
});

describe('simulators registry', () => {
  it('every platform kind has a simulator answering with its own profile; an unknown kind is refused naming the simulated ones', () => {
    for (const kind of PLATFORM_KINDS) expect(platformSimulator(kind).profile).toBe(PLATFORM_PROFILES[kind]);
    expect(SIMULATED_PLATFORM_KINDS).toEqual(PLATFORM_KINDS);
    const error = refusal(() => platformSimulator('nope'));
    expect(error.message).toBe('Unknown security platform kind "nope"');
    expect(error.why).toBe(`"nope" is not a security platform kmsp knows; the demo simulates: ${SIMULATED_PLATFORM_KINDS.map((k) => `${k} (${PLATFORM_PROFILES[k].words.short})`).join(', ')}`);
    const unknown = refusal(() => psaSimulator('nope'));
    expect(unknown.message).toBe('Unknown PSA kind "nope"');
    expect(unknown.why).toBe(`"nope" is not a PSA kmsp knows; the demo simulates: ${SIMULATED_PSA_KINDS.map((k) => `${k} (${PSA_PROFILES[k].words.short})`).join(', ')}`);
  });

  it('the demo refuses a kind before starting anything: unknown, or simulated with no connector to read it', () => {
    expect(refusal(() => demoKinds({ psa: 'nope' })).message).toBe('Unknown PSA kind "nope"');
    for (const kind of SIMULATED_PLATFORM_KINDS.filter((k) => !SUPPORTED_PLATFORM_KINDS.includes(k as never))) {
      expect(refusal(() => demoKinds({ platform: kind })).message).toBe(`${PLATFORM_PROFILES[kind].words.name} is not supported yet`);
    }
    expect(demoKinds({})).toEqual({ psa: SIMULATED_PSA_KINDS[0], platform: SIMULATED_PLATFORM_KINDS[0] });
  });
});

describe('each simulated vendor, reached through both registries over loopback', () => {
  const running: SimServer[] = [];
  afterAll(async () => {
    await Promise.all(running.map((s) => s.close()));
  });

  const started = async <E extends PsaSimulatorEntry | PlatformSimulatorEntry>(entry: E) => {
    const sim = await entry.start();
    running.push(sim);
    return sim;
  };

  it.each(SIMULATED_PSA_KINDS)('PSA %s: the connector signs in with the connection and secrets the simulator gives', async (kind) => {
    const entry = psaSimulator(kind as string);
    const sim = await started(entry);
    const { connection, secrets } = entry.connection(sim);
    const platform = platformSimulator(SIMULATED_PLATFORM_KINDS[0] as string);
    const integration = { name: 'reg', psa: connection, platform: { kind: platform.kind } } as Integration;
    // The secrets the simulator gives are exactly those the profile names.
    expect(Object.keys(secrets).sort()).toEqual(PSA_PROFILES[connection.kind].secrets.map((s) => s.part).sort());
    const psa = await createPsa(integration, async (name) => secrets[name.slice('reg.'.length)] ?? null);
    try {
      const accounts = await psa.listAccounts();
      expect(accounts.length).toBeGreaterThan(0);
    } finally {
      await psa.close();
    }
    // A secret the store does not hold is named, with where it was looked for.
    const missing = await psaVendor(kind as string)
      .connect(integration, async () => null)
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(isKmspError(missing) && missing.kind).toBe('secret');
    expect((missing as KmspError).message).toMatch(/^Integration "reg": the .+ is missing$/);
    expect((missing as KmspError).why).toMatch(/no secret named reg\.\S+ in the keyring/);
  });

  it.each(SIMULATED_PLATFORM_KINDS)('platform %s: the simulator gives the secrets its profile requires (only those it names) and its tenants', async (kind) => {
    const entry = platformSimulator(kind as string);
    const sim = await started(entry);
    const { connection, secrets } = entry.connection(sim);
    expect(connection.kind).toBe(kind);
    const specs = PLATFORM_PROFILES[kind].secrets;
    for (const spec of specs.filter((s) => !s.optional)) expect(secrets[spec.part], spec.part).toBeTruthy();
    for (const part of Object.keys(secrets)) expect(specs.map((s) => s.part)).toContain(part);
    expect(entry.tenants(sim).length).toBeGreaterThan(0);
    expect(entry.address(sim)).toBe(sim.url);
  });

  // A simulated platform is read through its connector once this build has one.
  const readable = SIMULATED_PLATFORM_KINDS.filter((k) => SUPPORTED_PLATFORM_KINDS.includes(k as never));
  it.each(readable)('platform %s: the connector lists the tenants the simulator says it has', async (kind) => {
    const entry = platformSimulator(kind as string);
    const sim = await started(entry);
    const { connection, secrets } = entry.connection(sim);
    // Every secret the profile requires, and none it does not name (an optional one only where the account needs it).
    const specs = PLATFORM_PROFILES[connection.kind].secrets;
    for (const spec of specs.filter((s) => !s.optional)) expect(Object.keys(secrets)).toContain(spec.part);
    for (const part of Object.keys(secrets)) expect(specs.map((s) => s.part)).toContain(part);
    const integration = { name: 'reg', platform: connection } as Pick<Integration, 'name' | 'platform'>;
    const platform = await createPlatform(integration, async (name) => secrets[name.slice('reg.'.length)] ?? null);
    try {
      const tenants = await platform.listTenants();
      expect(tenants.filter((t) => t.enabled).map((t) => t.id).sort()).toEqual(entry.tenants(sim).map((t) => t.id).sort());
    } finally {
      await platform.close();
    }
  });
});

describe.each(SIMULATED_PSA_KINDS)('the demo through the registries, PSA %s', (psaKind) => {
  let demo: DemoEnvironment<typeof psaKind>;
  beforeAll(async () => {
    demo = await startDemo({ psa: psaKind, platform: DEMO_DEFAULT.platform, withTenants: true });
  });
  afterAll(async () => {
    await demo.close();
  });

  it('configures each simulator as its registry entry says, reachable as psa/platform and under its kind', () => {
    const integration = demo.config.integrations[0]!;
    expect(demo.psaKind).toBe(psaKind);
    expect(integration.psa).toEqual(psaSimulator(demo.psaKind).connection(demo.psa as never).connection);
    expect(integration.platform).toEqual(platformSimulator(demo.platformKind).connection(demo.platform as never).connection);
    expect((demo as unknown as Record<string, unknown>)[demo.psaKind]).toBe(demo.psa);
    expect((demo as unknown as Record<string, unknown>)[demo.platformKind]).toBe(demo.platform);
    expect(demo.simulators.map((s) => s.name)).toEqual([demo.platformName, demo.psaName]);
    expect(demo.simulators[0]!.address).toBe(platformSimulator(demo.platformKind).address(demo.platform as never));
    // Every tenant listed, none mapped: mapping stays the admin's decision.
    expect(integration.tenants.length).toBe(platformSimulator(demo.platformKind).tenants(demo.platform as never).length);
    expect(integration.tenants.every((t) => t.accountId === null)).toBe(true);
  });

  it('resolves the ticket defaults against the simulated PSA: every default General value has its id', () => {
    const general = demo.config.integrations[0]!.ticketing.general;
    const chosen = Object.values(general).filter((c): c is { value: string; label: string } => c !== null);
    expect(chosen.length).toBeGreaterThan(0);
    for (const choice of chosen) expect(choice.value).not.toBe('');
  });
});
