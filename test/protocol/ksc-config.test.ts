// Connection settings the connector refuses before any credential leaves the machine:
// a plain-HTTP KSC URL off loopback (S7), and a Windows domain that cannot travel in
// the KSCBasic header.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKscPlatform, type KscPlatform } from '../../source/connectors/ksc/index.js';
import type { KscConnection } from '../../source/domain/config.js';
import { KmspError } from '../../source/domain/errors.js';
import { startKscSimulator, type KscSimulator } from '../../source/simulators/ksc/index.js';
import { fixturesPath, testTls } from '../../source/simulators/server.js';

const PASSWORD = 's3cret-Test-pass!';
let tlsSim: KscSimulator;
let plainSim: KscSimulator;

function connection(url: string, extra: Partial<KscConnection> = {}): KscConnection {
  return { kind: 'ksc', url, username: 'kmsp-test', internalUser: true, domain: '', caFile: testTls().ca, ...extra };
}

/** Creating the connector or its first call fails with a KmspError. */
async function refused(create: () => KscPlatform): Promise<KmspError> {
  let p: KscPlatform | undefined;
  try {
    p = create();
    await p.verify();
  } catch (error) {
    expect(error).toBeInstanceOf(KmspError);
    return error as KmspError;
  } finally {
    await p?.close();
  }
  throw new Error('expected a refusal');
}

beforeAll(async () => {
  tlsSim = await startKscSimulator({ fixture: fixturesPath('ksc-basic', 'ksc.json') });
  plainSim = await startKscSimulator({ fixture: fixturesPath('ksc-basic', 'ksc.json'), tls: false });
});

afterAll(async () => {
  await tlsSim?.close();
  await plainSim?.close();
});

describe('plain http:// (S7)', () => {
  it('is refused off loopback (config): credentials would travel in clear text', async () => {
    for (const url of ['http://ksc.example.com:13299', 'http://10.0.0.5:13299', 'http://128.0.0.1:13299', 'http://localhost.example.com:13299']) {
      const error = await refused(() => createKscPlatform({ connection: connection(url), password: PASSWORD, httpOptions: { retries: 0, timeoutMs: 500 } }));
      expect(error.kind, url).toBe('config');
      expect(error.message, url).toContain(url.replace(/:13299$/, ''));
      expect(`${error.why} ${error.remedy}`, url).toMatch(/clear text/);
      expect(error.remedy, url).toContain('https://');
      expect(error.remedy, url).toContain('13299');
    }
  });

  it('is accepted on loopback (127.0.0.0/8, ::1, localhost)', async () => {
    const port = new URL(plainSim.url).port;
    for (const url of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      const p = createKscPlatform({ connection: connection(url, { caFile: null }), password: PASSWORD });
      try {
        expect((await p.listTenants()).length, url).toBe(3);
      } finally {
        await p.close();
      }
    }
    // Not listening there: only that the URL itself is accepted.
    for (const url of ['http://[::1]:9', 'http://127.8.9.10:9']) {
      const error = await refused(() => createKscPlatform({ connection: connection(url), password: PASSWORD, httpOptions: { retries: 0, timeoutMs: 500 } }));
      expect(error.kind, url).toBe('network');
    }
  });

  it('other schemes and malformed URLs are configuration errors', async () => {
    for (const url of ['ftp://ksc.example.com:13299', 'ksc.example.com:13299', 'not a url']) {
      expect((await refused(() => createKscPlatform({ connection: connection(url), password: PASSWORD }))).kind, url).toBe('config');
    }
  });
});

describe('the Windows domain in the KSCBasic header', () => {
  it('a domain with a double quote is refused with a clear message before any sign-in', async () => {
    tlsSim.clearRequests();
    const error = await refused(() =>
      createKscPlatform({ connection: connection(tlsSim.url, { internalUser: false, domain: 'CO"RP', username: 'svc-kmsp' }), password: 'Ad-Passw0rd-xyz' }),
    );
    expect(error.kind).toBe('config');
    expect(error.message).toMatch(/domain/i);
    expect(error.why).toContain('"');
    expect(tlsSim.requests).toHaveLength(0);
  });

  it('an ordinary domain still signs in', async () => {
    const p = createKscPlatform({ connection: connection(tlsSim.url, { internalUser: false, domain: 'CORP', username: 'svc-kmsp' }), password: 'Ad-Passw0rd-xyz' });
    try {
      expect((await p.listTenants()).length).toBe(3);
    } finally {
      await p.close();
    }
  });
});
