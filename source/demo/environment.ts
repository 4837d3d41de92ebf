// The built-in demo: both simulators on loopback, seeded from a fixtures folder,
// plus a ready configuration and its secrets in a directory of their own, so the
// console, the agent, doctor and tests run with no vendor account.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAutotaskPsa } from '../connectors/autotask/index.js';
import { platformLabel, psaLabel, type KmspConfig } from '../domain/config.js';
import { AUTOTASK_DEFAULTS, defaultConfig, defaultTicketing, KSC_DEFAULTS, newIntegration } from '../domain/defaults.js';
import { integrationSecrets } from '../domain/secretNames.js';
import { startAutotaskSimulator, type AutotaskSimulator } from '../simulators/autotask/index.js';
import { startKscSimulator, type KscSimulator } from '../simulators/ksc/index.js';
import { fixturesPath, testTls } from '../simulators/server.js';
import { openConfig } from '../store/config.js';
import { resolvePaths } from '../store/paths.js';
import { openSecretStore } from '../store/secrets.js';

export const DEMO_INTEGRATION = 'demo';

export interface DemoOptions {
  /** Folder with ksc.json and autotask.json (default fixtures/demo). */
  fixturesDir?: string;
  /** Where the config and secrets go (default: a new temporary directory, removed on close). */
  configDir?: string;
  /** Append every simulator request (secrets removed) to this JSONL file. */
  recordFile?: string;
  kscPort?: number;
  autotaskPort?: number;
  /**
   * Add every virtual server of the dataset to the integration, unmapped, so the
   * Accounts tab opens on them with their mapping suggestions (what `kmsp demo`
   * shows a newcomer). Tests that exercise the add/remove checklist leave it off.
   */
  withTenants?: boolean;
  /** Told each step as it begins ("Starting the simulated …"), so a person waiting sees what happens. */
  onStep?: (text: string) => void;
}

export interface DemoEnvironment {
  configDir: string;
  ksc: KscSimulator;
  autotask: AutotaskSimulator;
  config: KmspConfig;
  close(): Promise<void>;
}

interface DemoCredentials {
  ksc: { username: string; password: string };
  autotask: { username: string; secret: string; integrationCode: string };
}

/** The demo's credentials come from the fixtures themselves: they are simulator accounts, not secrets of anyone's. */
function readCredentials(dir: string): DemoCredentials {
  const ksc = JSON.parse(readFileSync(path.join(dir, 'ksc.json'), 'utf8')) as { users: Array<{ username: string; password: string }> };
  const at = JSON.parse(readFileSync(path.join(dir, 'autotask.json'), 'utf8')) as { apiUser: { username: string; secret: string; integrationCode: string } };
  const user = ksc.users[0];
  if (!user) throw new Error(`${dir}/ksc.json has no users`);
  return { ksc: { username: user.username, password: user.password }, autotask: at.apiUser };
}

function readVirtualServers(dir: string): Array<{ uid: string; dn: string }> {
  const ksc = JSON.parse(readFileSync(path.join(dir, 'ksc.json'), 'utf8')) as { vservers?: Array<{ uid: string; dn: string; enabled?: boolean }> };
  return (ksc.vservers ?? []).filter((v) => v.enabled !== false).map(({ uid, dn }) => ({ uid, dn }));
}

export async function startDemo(options: DemoOptions = {}): Promise<DemoEnvironment> {
  const fixturesDir = path.resolve(options.fixturesDir ?? fixturesPath('demo'));
  const credentials = readCredentials(fixturesDir);
  const ownsDir = !options.configDir;
  const configDir = options.configDir ?? mkdtempSync(path.join(os.tmpdir(), 'kmsp-demo-'));
  const started: Array<{ close(): Promise<void> }> = [];
  const step = options.onStep ?? (() => undefined);
  const platform = platformLabel(KSC_DEFAULTS.kind);
  const psaName = psaLabel(AUTOTASK_DEFAULTS.kind);
  try {
    step(`Starting the simulated ${platform} (dataset ${path.join(fixturesDir, 'ksc.json')})…`);
    const ksc = await startKscSimulator({
      fixture: path.join(fixturesDir, 'ksc.json'),
      ...(options.kscPort !== undefined ? { port: options.kscPort } : {}),
      ...(options.recordFile ? { recordFile: options.recordFile } : {}),
    });
    started.push(ksc);
    step(`Simulated ${platform} listening on ${ksc.url}`);
    step(`Starting the simulated ${psaName} (dataset ${path.join(fixturesDir, 'autotask.json')})…`);
    const autotask = await startAutotaskSimulator({
      fixture: path.join(fixturesDir, 'autotask.json'),
      ...(options.autotaskPort !== undefined ? { port: options.autotaskPort } : {}),
      ...(options.recordFile ? { recordFile: options.recordFile } : {}),
    });
    started.push(autotask);
    step(`Simulated ${psaName} listening on ${autotask.zoneDiscoveryUrl}`);

    const integration = newIntegration(
      DEMO_INTEGRATION,
      { ...KSC_DEFAULTS, url: ksc.url, username: credentials.ksc.username, caFile: testTls().ca },
      { ...AUTOTASK_DEFAULTS, zoneDiscoveryUrl: autotask.zoneDiscoveryUrl, username: credentials.autotask.username },
    );
    // Resolve the ticketing defaults against the live (simulated) picklists, as the
    // console does when an integration is created.
    step(`Reading the ticket settings (queues, statuses, priorities) from the simulated ${psaName}…`);
    const psa = createAutotaskPsa({ connection: integration.psa, secret: credentials.autotask.secret, integrationCode: credentials.autotask.integrationCode });
    try {
      integration.ticketing = defaultTicketing(await psa.ticketPicklists());
    } finally {
      await psa.close();
    }
    if (options.withTenants) {
      // Nothing is mapped: mapping stays the admin's decision (README › Words).
      integration.tenants = readVirtualServers(fixturesDir).map((v) => ({
        tenantId: v.uid,
        tenantName: v.dn,
        accountId: null,
        accountName: null,
        billing: false,
        contractId: null,
        contractName: null,
      }));
    }
    const config: KmspConfig = { ...defaultConfig(), integrations: [integration] };

    const paths = resolvePaths({ configDir });
    step(`Writing the demo's configuration and secrets to ${configDir}…`);
    openConfig({ paths }).save(config, { actor: 'kmsp demo' });
    // The demo's secrets go to the 0600 file in its own directory, never to the
    // user's keyring: they belong to this throw-away environment.
    const secrets = openSecretStore({ paths, backends: ['file'] });
    const values: Record<string, string> = {
      [`${DEMO_INTEGRATION}.ksc.password`]: credentials.ksc.password,
      [`${DEMO_INTEGRATION}.autotask.secret`]: credentials.autotask.secret,
      [`${DEMO_INTEGRATION}.autotask.integration-code`]: credentials.autotask.integrationCode,
    };
    for (const spec of integrationSecrets(integration)) await secrets.set(spec.name, values[spec.name]!);

    return {
      configDir,
      ksc,
      autotask,
      config,
      close: async () => {
        await Promise.all(started.map((s) => s.close()));
        if (ownsDir) rmSync(configDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(started.map((s) => s.close().catch(() => undefined)));
    if (ownsDir) rmSync(configDir, { recursive: true, force: true });
    throw error;
  }
}
