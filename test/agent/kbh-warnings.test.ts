// `kmsp agent --once --job tickets` on Business Hub (the built CLI: `npm run build` first): what the
// connector leaves out without failing — a device status code it does not know — reaches the
// pass's output (and the agent's log) instead of vanishing; the pass itself ends well.
import { afterEach, describe, expect, it } from 'vitest';
import type { KmspConfig } from '../../source/domain/config.js';
import { startDemo } from '../../source/demo/environment.js';
import { openConfig } from '../../source/store/config.js';
import { resolvePaths } from '../../source/store/paths.js';
import { fixtureDir } from '../billing/helpers.js';
import { runCli } from '../helpers/cli.js';

const ALPHA = 'co-alpha-0001';
const WS2 = 'c3110000-0000-4000-8000-000000000002';

describe('kmsp agent --once on Business Hub', () => {
  let demo: Awaited<ReturnType<typeof startDemo<'autotask', 'kbh'>>> | null = null;
  afterEach(async () => {
    await demo?.close();
    demo = null;
  });

  it('says which status code of which company it left out, and still ends well', async () => {
    demo = await startDemo({ psa: 'autotask', platform: 'kbh', fixturesDir: fixtureDir('tickets-basic') });
    const store = openConfig({ paths: resolvePaths({ configDir: demo.configDir }) });
    const config = store.load();
    const base = config.integrations[0]!;
    const tenants = [{ tenantId: ALPHA, tenantName: 'Alpha Dental', accountId: '29695001', accountName: 'Alpha Dental', billing: false, contractId: null, contractName: null }];
    store.save({ ...config, integrations: [{ ...base, tenants }] } satisfies KmspConfig, { actor: 'kbh warning test' });
    demo.kbh.setDeviceReasons(WS2, [{ code: 'QuantumFluxUnstable', text: 'Quantum flux is unstable', severity: 'Warning' }]);

    const r = await runCli(['--config', demo.configDir, 'agent', '--once', '--job', 'tickets'], { env: { NO_COLOR: '1' } });
    const out = r.stdout + r.stderr;
    expect(r.code, out).toBe(0);
    expect(out).toContain('QuantumFluxUnstable');
    expect(out).toContain('Alpha Dental');
  });
});
