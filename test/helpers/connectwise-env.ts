// The KSC and ConnectWise Manage simulators of one fixtures folder, their connectors and a
// ledger of its own: what the ConnectWise billing and ticket scenarios run on. Every request the
// scenarios of a file sent is checked against the ConnectWise OpenAPI description when the file ends.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, expect } from 'vitest';
import { createConnectWisePsa, type ConnectWisePsa } from '../../source/connectors/connectwise/index.js';
import { createKscPlatform } from '../../source/connectors/ksc/index.js';
import type { ConnectWiseConnection, KscConnection } from '../../source/domain/config.js';
import { KSC_DEFAULTS } from '../../source/domain/defaults.js';
import type { SecurityPlatform } from '../../source/domain/ports.js';
import { startConnectWiseSimulator, type ConnectWiseSimulator } from '../../source/simulators/connectwise/index.js';
import { startKscSimulator, type KscSimulator } from '../../source/simulators/ksc/index.js';
import { fixturesPath, testTls } from '../../source/simulators/server.js';
import { openLedger, type Ledger } from '../../source/store/ledger.js';
import { assertConnectWiseConformance } from './connectwise-spec.js';
import type { RecordedCall } from './openapi.js';

export interface ConnectWiseEnv {
  ksc: KscSimulator;
  cw: ConnectWiseSimulator;
  ledger: Ledger;
  platform: SecurityPlatform;
  psa: ConnectWisePsa;
  kscConnection: KscConnection;
  cwConnection: ConnectWiseConnection;
}

/** Registers the hooks of a test file; read the environment inside tests (a new one for each). */
export function useConnectWiseEnv(fixtures: string): { readonly current: ConnectWiseEnv } {
  let env: ConnectWiseEnv | undefined;
  let dir = '';
  const recorded: RecordedCall[] = [];
  beforeEach(async () => {
    const [ksc, cw] = await Promise.all([
      startKscSimulator({ fixture: fixturesPath(fixtures, 'ksc.json') }),
      startConnectWiseSimulator({ fixture: fixturesPath(fixtures, 'connectwise.json') }),
    ]);
    dir = mkdtempSync(path.join(os.tmpdir(), 'kmsp-cw-'));
    const kscConnection: KscConnection = { ...KSC_DEFAULTS, url: ksc.url, username: 'kmsp-demo', caFile: testTls().ca };
    const cwConnection: ConnectWiseConnection = { kind: 'connectwise', siteUrl: cw.siteUrl, companyId: cw.companyId, publicKey: cw.publicKey, clientId: cw.clientId, codebase: null, tenantNameField: 'Kaspersky Tenant', caFile: null };
    env = {
      ksc,
      cw,
      ledger: openLedger({ file: path.join(dir, 'ledger.sqlite') }),
      platform: createKscPlatform({ connection: kscConnection, password: 'demo-ksc-password' }),
      psa: createConnectWisePsa({ connection: cwConnection, privateKey: cw.privateKey, httpOptions: { backoffBaseMs: 1, backoffMaxMs: 4 } }),
      kscConnection,
      cwConnection,
    };
  });
  afterEach(async () => {
    if (!env) return;
    env.ledger.close();
    await Promise.all([env.platform.close(), env.psa.close()]);
    recorded.push(...env.cw.requests);
    await Promise.all([env.ksc.close(), env.cw.close()]);
    rmSync(dir, { recursive: true, force: true });
    env = undefined;
  });
  afterAll(() => {
    expect(recorded.length).toBeGreaterThan(0);
    assertConnectWiseConformance(recorded, (r) => r.path.startsWith('/_sim/'));
  });
  return {
    get current() {
      if (!env) throw new Error('The ConnectWise environment starts in beforeEach: use it inside tests.');
      return env;
    },
  };
}
