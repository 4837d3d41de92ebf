// Connector tests against the KSC simulator over real HTTPS, on the ksc-basic fixture.
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createKscPlatform, type KscPlatform, type KscPlatformOptions } from '../../source/connectors/ksc/index.js';
import type { KscConnection } from '../../source/domain/config.js';
import { KmspError } from '../../source/domain/errors.js';
import { startKscSimulator, type KscSimulator } from '../../source/simulators/ksc/index.js';
import { fixturesPath, testTls } from '../../source/simulators/server.js';

/** The password of the fixture's internal user kmsp-test. */
export const KSC_PASSWORD = 's3cret-Test-pass!';

export interface SimulatedKsc {
  /** The simulator (started in beforeAll: use it inside hooks and tests). */
  readonly sim: KscSimulator;
  /**
   * A connector signed in as kmsp-test, trusting the test CA, closed after the test. `overrides`
   * change the connection; `options` the connector; no real waiting between retries unless
   * `options.httpOptions` brings its own sleep.
   */
  platform(overrides?: Partial<KscConnection>, options?: Partial<KscPlatformOptions>): KscPlatform;
  /** Close this connector after the test too (one made with createKscPlatform directly). */
  closeAfterTest<P extends KscPlatform>(platform: P): P;
  /** How many calls of `method` (e.g. 'Session.StartSession') the simulator has seen since the last test. */
  count(method: string): number;
}

/**
 * Register the hooks: start the simulator before all tests; after each, close the connectors,
 * reset the simulator and clear its request log; after all, stop it.
 */
export function useSimulatedKsc(): SimulatedKsc {
  let sim: KscSimulator | undefined;
  const open: KscPlatform[] = [];

  beforeAll(async () => {
    sim = await startKscSimulator({ fixture: fixturesPath('ksc-basic', 'ksc.json') });
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((p) => p.close()));
    sim!.reset();
    sim!.clearRequests();
  });

  afterAll(async () => {
    await sim?.close();
  });

  const running = (): KscSimulator => {
    if (!sim) throw new Error('The KSC simulator starts in beforeAll: use it inside hooks and tests.');
    return sim;
  };
  const closeAfterTest = <P extends KscPlatform>(p: P): P => {
    open.push(p);
    return p;
  };

  return {
    get sim() {
      return running();
    },
    platform(overrides = {}, options = {}) {
      const { httpOptions, ...rest } = options;
      return closeAfterTest(
        createKscPlatform({
          connection: { kind: 'ksc', url: running().url, username: 'kmsp-test', internalUser: true, domain: '', caFile: testTls().ca, ...overrides },
          password: KSC_PASSWORD,
          ...rest,
          // No real waiting between retries unless a test measures it.
          httpOptions: { sleep: async () => undefined, ...httpOptions },
        }),
      );
    },
    closeAfterTest,
    count: (method) => running().requests.filter((r) => r.path === `/api/v1.0/${method}`).length,
  };
}

/** The KmspError a promise rejects with (fails the test if it resolves or rejects with anything else). */
export async function failure(promise: Promise<unknown>): Promise<KmspError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(KmspError);
    return error as KmspError;
  }
  throw new Error('expected a failure');
}
