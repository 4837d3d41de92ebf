// Doctor and Test connection on ConnectWise Manage: the API member's security role is checked
// area by area (companies, agreements, additions, catalog, boards, tickets), and an area it may
// not read fails with the permission to grant — before any billing or ticket run meets it.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectWiseConnection } from '../../source/domain/config.js';
import { KSC_DEFAULTS, newIntegration } from '../../source/domain/defaults.js';
import { checkPsa } from '../../source/doctor/checks.js';
import { startConnectWiseSimulator, type ConnectWiseFixture, type ConnectWiseSimulator } from '../../source/simulators/connectwise/index.js';
import { fixturesPath } from '../../source/simulators/server.js';

let sim: ConnectWiseSimulator | undefined;
afterEach(async () => sim?.close());

async function doctorWith(permissions: Record<string, string>) {
  const fixture = JSON.parse(fs.readFileSync(fixturesPath('demo', 'connectwise.json'), 'utf8')) as ConnectWiseFixture;
  fixture.apiMember.permissions = permissions as never;
  sim = await startConnectWiseSimulator({ fixture });
  const psa: ConnectWiseConnection = { kind: 'connectwise', siteUrl: sim.siteUrl, companyId: sim.companyId, publicKey: sim.publicKey, clientId: sim.clientId, codebase: null, tenantNameField: 'Kaspersky Tenant', caFile: null };
  const integration = newIntegration('demo', { ...KSC_DEFAULTS, url: 'https://127.0.0.1:9', username: 'x' }, psa);
  const key = sim.privateKey;
  return checkPsa(integration, async (name) => (name === 'demo.connectwise.private-key' ? key : null));
}

describe('doctor on ConnectWise: the member’s permissions', () => {
  it('every area kmsp reads is checked and passes with the demo member', async () => {
    const results = await doctorWith({ companies: 'write', agreements: 'read', additions: 'write', catalog: 'read', boards: 'read', tickets: 'write' });
    const reads = results.filter((r) => r.summary.includes('may read'));
    expect(reads.map((r) => r.summary.replace(/^ConnectWise Manage: may read /, ''))).toEqual(['companies', 'agreements', 'agreement additions', 'catalog products', 'service boards', 'service tickets']);
    expect(results.filter((r) => r.status === 'fail')).toEqual([]);
  });

  it('a role without service tickets fails that area with the permission to grant', async () => {
    const results = await doctorWith({ companies: 'write', agreements: 'read', additions: 'write', catalog: 'read', boards: 'read', tickets: 'none' });
    const failed = results.filter((r) => r.status === 'fail');
    expect(failed.map((r) => r.summary)).toEqual(['ConnectWise Manage: may not read service tickets']);
    expect(failed[0]!.detail).toContain('Remedy: give the API user\'s security role Service Desk › Service Tickets (Inquire, Add and Edit), then test again.');
  });
});
