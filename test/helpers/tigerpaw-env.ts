// The KSC and Tigerpaw simulators of one fixtures folder, their connectors and a ledger of its
// own: what the Tigerpaw billing and ticket scenarios run on. When a file ends, every request its
// scenarios sent is checked to have been signed right and routed: none answered 401 (a bad TSI
// signature or date) or 405 (a method the route does not take).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, expect } from 'vitest';
import { createKscPlatform } from '../../source/connectors/ksc/index.js';
import { createTigerpawPsa, type TigerpawPsa } from '../../source/connectors/tigerpaw/index.js';
import type { KscConnection, TigerpawConnection } from '../../source/domain/config.js';
import { KSC_DEFAULTS } from '../../source/domain/defaults.js';
import type { SecurityPlatform } from '../../source/domain/ports.js';
import type { RecordedRequest } from '../../source/simulators/server.js';
import { fixturesPath, testTls } from '../../source/simulators/server.js';
import { startKscSimulator, type KscSimulator } from '../../source/simulators/ksc/index.js';
import { startTigerpawSimulator, type TigerpawSimulator } from '../../source/simulators/tigerpaw/index.js';
import { openLedger, type Ledger } from '../../source/store/ledger.js';

export interface TigerpawEnv {
  ksc: KscSimulator;
  tp: TigerpawSimulator;
  ledger: Ledger;
  platform: SecurityPlatform;
  psa: TigerpawPsa;
  kscConnection: KscConnection;
  tpConnection: TigerpawConnection;
}

/** Registers the hooks of a test file; read the environment inside tests (a new one for each). */
export function useTigerpawEnv(fixtures: string): { readonly current: TigerpawEnv } {
  let env: TigerpawEnv | undefined;
  let dir = '';
  const recorded: RecordedRequest[] = [];
  beforeEach(async () => {
    const [ksc, tp] = await Promise.all([
      startKscSimulator({ fixture: fixturesPath(fixtures, 'ksc.json') }),
      startTigerpawSimulator({ fixture: fixturesPath(fixtures, 'tigerpaw.json') }),
    ]);
    dir = mkdtempSync(path.join(os.tmpdir(), 'kmsp-tp-'));
    const kscConnection: KscConnection = { ...KSC_DEFAULTS, url: ksc.url, username: 'kmsp-demo', caFile: testTls().ca };
    const tpConnection: TigerpawConnection = { kind: 'tigerpaw', apiUrl: tp.apiUrl, publicKey: tp.publicKey, externalProduct: tp.externalProduct, tenantNameField: 'Kaspersky Tenant', caFile: null };
    env = {
      ksc,
      tp,
      ledger: openLedger({ file: path.join(dir, 'ledger.sqlite') }),
      platform: createKscPlatform({ connection: kscConnection, password: 'demo-ksc-password' }),
      psa: createTigerpawPsa({ connection: tpConnection, privateKey: tp.privateKey, httpOptions: { backoffBaseMs: 1, backoffMaxMs: 4 } }),
      kscConnection,
      tpConnection,
    };
  });
  afterEach(async () => {
    if (!env) return;
    env.tp.releaseHeld();
    env.ledger.close();
    await Promise.all([env.platform.close(), env.psa.close()]);
    recorded.push(...env.tp.requests);
    await Promise.all([env.ksc.close(), env.tp.close()]);
    rmSync(dir, { recursive: true, force: true });
    env = undefined;
  });
  afterAll(() => {
    const api = recorded.filter((r) => r.path.toLowerCase().startsWith('/api/'));
    expect(api.length).toBeGreaterThan(0);
    expect(api.filter((r) => r.status === 401 || r.status === 405).map((r) => `${r.method} ${r.path} → ${r.status}`)).toEqual([]);
  });
  return {
    get current() {
      if (!env) throw new Error('The Tigerpaw environment starts in beforeEach: use it inside tests.');
      return env;
    },
  };
}
