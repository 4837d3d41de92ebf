// A console save the agent would refuse (it keeps its last good config and says so) is refused
// in the console too, so no change is silently left unapplied; a save that fixes the problem,
// and the pause switch, always go through.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleSession } from '../../source/console/session.js';
import type { KmspConfig, TenantMapping } from '../../source/domain/config.js';
import { AUTOTASK_DEFAULTS, KSC_DEFAULTS, defaultConfig, newIntegration } from '../../source/domain/defaults.js';
import { resolvePaths } from '../../source/store/paths.js';

const sessions: ConsoleSession[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const tenant = (tenantId: string, tenantName: string): TenantMapping => ({ tenantId, tenantName, accountId: null, accountName: null, billing: false, contractId: null, contractName: null });

/** Two integrations on one KSC that both claim tenant vs-1 (a hand edit or an import): the agent refuses it. */
function brokenConfigSession(): ConsoleSession {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmsp-refusal-'));
  dirs.push(dir);
  const paths = resolvePaths({ configDir: dir });
  const ksc = { ...KSC_DEFAULTS, url: 'https://ksc.example:13299', username: 'u' };
  const a = { ...newIntegration('main', ksc, { ...AUTOTASK_DEFAULTS, username: 'api@example' }), tenants: [tenant('vs-1', 'Alpha'), tenant('vs-2', 'Beta')] };
  const b = { ...newIntegration('second', ksc, { ...AUTOTASK_DEFAULTS, username: 'api2@example' }), tenants: [tenant('vs-1', 'Alpha')] };
  const config: KmspConfig = { ...defaultConfig(), integrations: [a, b] };
  // Written as a hand edit would (the store itself does not check cross-integration rules).
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(paths.configFile, JSON.stringify(config, null, 2), { mode: 0o600 });
  const session = new ConsoleSession({ paths, secretBackends: ['file'], actor: 'test' });
  sessions.push(session);
  return session;
}

describe('console saves the agent would refuse', () => {
  it('an unrelated change is refused while the problem stands, naming it; the pause switch saves; a fix saves', () => {
    const session = brokenConfigSession();
    expect(() => session.updateIntegration('main', (i) => ({ ...i, tenants: i.tenants.map((t) => (t.tenantId === 'vs-2' ? { ...t, tenantName: 'Beta Ltd' } : t)) }))).toThrow(
      /Not saved: the agent would refuse this configuration/,
    );
    expect(() => session.setPaused(true)).not.toThrow();
    expect(session.config.agent.paused).toBe(true);
    // The fix: the second integration lets go of the tenant.
    expect(() => session.updateIntegration('second', (i) => ({ ...i, tenants: [] }))).not.toThrow();
    expect(() => session.updateIntegration('main', (i) => ({ ...i, tenants: i.tenants.map((t) => (t.tenantId === 'vs-2' ? { ...t, tenantName: 'Beta Ltd' } : t)) }))).not.toThrow();
  });
});
