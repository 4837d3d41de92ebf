// The agent's passes against Business Hub in this process (the daemon's case): what a platform
// connector leaves out is told with the first pass that meets it, not again every poll — each
// pass opens a connector of its own, so the connector's own "once" lasts one pass only.
import { afterEach, describe, expect, it } from 'vitest';
import { runPass } from '../../source/agent/passes.js';
import type { KmspConfig } from '../../source/domain/config.js';
import { startDemo } from '../../source/demo/environment.js';
import { openConfig } from '../../source/store/config.js';
import { resolvePaths } from '../../source/store/paths.js';
import { fixtureDir } from '../billing/helpers.js';

const ALPHA = 'co-alpha-0001';
const WS2 = 'c3110000-0000-4000-8000-000000000002';
const DAY_MS = 24 * 3600_000;

describe('agent passes: a connector warning', () => {
  let demo: Awaited<ReturnType<typeof startDemo<'autotask', 'kbh'>>> | null = null;
  afterEach(async () => {
    await demo?.close();
    demo = null;
  });

  it('is told by the first pass, not by every poll after it, and again a day later', async () => {
    demo = await startDemo({ psa: 'autotask', platform: 'kbh', fixturesDir: fixtureDir('tickets-basic') });
    const paths = resolvePaths({ configDir: demo.configDir });
    const store = openConfig({ paths });
    const loaded = store.load();
    const tenants = [{ tenantId: ALPHA, tenantName: 'Alpha Dental', accountId: '29695001', accountName: 'Alpha Dental', billing: false, contractId: null, contractName: null }];
    const config = { ...loaded, integrations: [{ ...loaded.integrations[0]!, tenants }] } satisfies KmspConfig;
    store.save(config, { actor: 'warning repeats test' });
    demo.kbh.setDeviceReasons(WS2, [{ code: 'QuantumFluxUnstable', text: 'Quantum flux is unstable', severity: 'Warning' }]);

    let clock = Date.now();
    const pass = async () => {
      const r = await runPass('tickets', { paths, config, integrations: config.integrations, dryRun: true, now: () => new Date(clock) });
      const one = r.integrations[0]!;
      expect(one.outcome, one.errors.join('\n')).toBe('ok');
      return (one.notices ?? []).filter((n) => n.includes('QuantumFluxUnstable'));
    };
    expect(await pass()).toHaveLength(1);
    clock += 60_000;
    expect(await pass()).toEqual([]);
    clock += DAY_MS;
    expect(await pass()).toHaveLength(1);
  }, 30_000);
});
