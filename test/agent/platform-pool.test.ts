// The agent keeps each integration's platform connector from one pass to the next (PlatformPool):
// the simulated platform sees its sign-ins once, not every poll; each pass still counts its own
// requests; new secrets open a new connector, a failed pass drops it, and closing the pool ends
// the sessions it held. Over the simulators of the registry, in process (runPass, as the daemon).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPass, type PassOptions } from '../../source/agent/passes.js';
import { PlatformPool } from '../../source/connectors/platformPool.js';
import type { KmspConfig } from '../../source/domain/config.js';
import { platformSecrets } from '../../source/domain/secretNames.js';
import { startDemo, type DemoEnvironment } from '../../source/demo/environment.js';
import { SIMULATED_PLATFORM_KINDS, type SimulatedPlatformKind } from '../../source/simulators/registry.js';
import type { SimServer } from '../../source/simulators/server.js';
import { openConfig } from '../../source/store/config.js';
import { resolvePaths, type KmspPaths } from '../../source/store/paths.js';
import { openSecretStore } from '../../source/store/secrets.js';

describe.each(SIMULATED_PLATFORM_KINDS)('kept platform connectors (%s)', (kind) => {
  let demo: DemoEnvironment<'autotask', SimulatedPlatformKind>;
  let paths: KmspPaths;
  let config: KmspConfig;
  let pool: PlatformPool;
  let platform: SimServer;

  beforeEach(async () => {
    demo = await startDemo({ platform: kind, withTenants: true });
    paths = resolvePaths({ configDir: demo.configDir });
    const store = openConfig({ paths });
    const loaded = store.load();
    // Three tenants mapped (to any account: a dry run writes nothing), so that a poll reads the platform.
    const integration = { ...loaded.integrations[0]!, tenants: loaded.integrations[0]!.tenants.slice(0, 3).map((t) => ({ ...t, accountId: '1', accountName: 'Any' })) };
    config = { ...loaded, integrations: [integration] };
    store.save(config, { actor: 'platform pool test' });
    pool = new PlatformPool();
    platform = demo.platform as unknown as SimServer;
  });
  afterEach(async () => {
    await pool.closeAll();
    await demo.close();
  });

  const options = (): PassOptions => ({ paths, config, integrations: config.integrations, dryRun: true, platforms: pool });
  /** The sign-in requests the platform simulator saw: the first request of a connector, and only those. */
  const signIns = () => platform.requests.filter((r) => r.path === firstPath).length;
  let firstPath = '';

  it('signs in on the first pass only, counts each pass’s own requests, and keeps nothing once closed', async () => {
    platform.clearRequests();
    const first = await runPass('tickets', options());
    expect(first.outcome).toBe('ok');
    firstPath = platform.requests[0]!.path;
    expect(signIns()).toBeGreaterThan(0);
    expect(first.integrations[0]!.requests.platform).toBe(platform.requests.length);

    for (let pass = 0; pass < 3; pass++) {
      platform.clearRequests();
      const next = await runPass('tickets', options());
      expect(next.outcome).toBe('ok');
      expect(signIns()).toBe(0);
      // The kept connector tells this pass, not the first, of its requests.
      expect(next.integrations[0]!.requests.platform).toBe(platform.requests.length);
      expect(pool.size).toBe(1);
    }
    // The billing job has a connector of its own (its passes may overlap the polls).
    await runPass('billing', options());
    expect(pool.size).toBe(2);

    await pool.closeAll();
    expect(pool.size).toBe(0);
    // A closed pool keeps nothing: a pass after it signs in on a connector of its own.
    platform.clearRequests();
    expect((await runPass('tickets', options())).outcome).toBe('ok');
    expect(signIns()).toBeGreaterThan(0);
    expect(pool.size).toBe(0);
  });

  it('opens a new connector when a secret changes, and drops one whose pass failed', async () => {
    await runPass('tickets', options());
    const secrets = openSecretStore({ paths, backends: ['file'] });
    const spec = platformSecrets(config.integrations[0]!)[0]!;
    const right = (await secrets.get(spec.name))!;
    await secrets.set(spec.name, `${right}-wrong`);
    platform.clearRequests();
    // The kept connector would still be signed in; a new one, with the wrong secret, is refused.
    const refused = await runPass('tickets', options());
    expect(refused.outcome).toBe('failed');
    expect(pool.size).toBe(0);

    await secrets.set(spec.name, right);
    const again = await runPass('tickets', options());
    expect(again.outcome).toBe('ok');
    expect(pool.size).toBe(1);
  });
});
