// KSC failures over real HTTPS: rejected credentials, PxgError, ended sessions and
// lost iterators, renamed and removed virtual servers, TLS trust, retries, timeouts,
// refused connections, and secrets kept out of errors and the request log.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKscPlatform, isKscError, KscError } from '../../source/connectors/ksc/index.js';
import { KmspError } from '../../source/domain/errors.js';
import type { Tenant } from '../../source/domain/types.js';
import { startKscSimulator } from '../../source/simulators/ksc/index.js';
import { fixturesPath, testTls } from '../../source/simulators/server.js';
import { failure, KSC_PASSWORD, useSimulatedKsc } from './ksc-simulated.js';
import { ITERATOR_READS } from '../../source/connectors/ksc/licenses.js';
import { RESULT_SET_READS } from '../../source/connectors/ksc/session.js';

const B64_PASSWORD = Buffer.from(KSC_PASSWORD).toString('base64');
const alpha: Tenant = { id: 'vs-alpha-0001', name: 'Alpha Dental', enabled: true };

const ksc = useSimulatedKsc();
const { platform, count } = ksc;

function text(error: KmspError): string {
  return `${error.explain()}\n${error.oneLine()}\n${error.message}`;
}

function sessionIds(): string[] {
  return [...ksc.sim.runtime.sessions.keys()];
}

describe('credentials', () => {
  it('a wrong password is an auth error naming the account kind, without the password', async () => {
    const p = createKscPlatform({
      connection: { kind: 'ksc', url: ksc.sim.url, username: 'kmsp-test', internalUser: true, domain: '', caFile: testTls().ca },
      password: 'wrong-password-123',
    });
    ksc.closeAfterTest(p);
    const error = await failure(p.verify());
    expect(error.kind).toBe('auth');
    expect(error.message).toBe('Kaspersky Security Center rejected the user name or password');
    expect(error.remedy).toMatch(/internal user/);
    expect(text(error)).not.toContain('wrong-password-123');
    expect(text(error)).not.toContain(Buffer.from('wrong-password-123').toString('base64'));
  });

  it('a Windows account signs in with its domain (sent as is); a wrong domain is refused', async () => {
    const ad = createKscPlatform({
      connection: { kind: 'ksc', url: ksc.sim.url, username: 'svc-kmsp', internalUser: false, domain: 'CORP', caFile: testTls().ca },
      password: 'Ad-Passw0rd-xyz',
    });
    ksc.closeAfterTest(ad);
    expect((await ad.listTenants()).length).toBe(3);
    const wrong = createKscPlatform({
      connection: { kind: 'ksc', url: ksc.sim.url, username: 'svc-kmsp', internalUser: false, domain: 'OTHER', caFile: testTls().ca },
      password: 'Ad-Passw0rd-xyz',
    });
    ksc.closeAfterTest(wrong);
    const error = await failure(wrong.verify());
    expect(error.kind).toBe('auth');
    expect(error.remedy).toMatch(/Windows\/Active Directory account/);
    // An internal user sent as a Windows account is refused too.
    const mixed = platform({ internalUser: false, domain: 'CORP' });
    expect((await failure(mixed.verify())).kind).toBe('auth');
  });
});

describe('PxgError', () => {
  it('becomes a typed KscError (vendor) with code, module and the method, at HTTP 200 or 500', async () => {
    const p = platform();
    ksc.sim.injectFailure({ method: 'HostGroup.FindHosts', mode: 'pxg', code: 1281, message: 'Access denied' });
    const error = await failure(p.listDevices(alpha));
    expect(error).toBeInstanceOf(KscError);
    expect(isKscError(error)).toBe(true);
    const e = error as KscError;
    expect(e.kind).toBe('vendor');
    expect(e.code).toBe(1281);
    expect(e.pxgModule).toBe('KLSTD');
    expect(e.method).toBe('HostGroup.FindHosts');
    expect(e.httpStatus).toBe(200);
    expect(e.message).toBe('Kaspersky Security Center refused HostGroup.FindHosts: Access denied');
    expect(e.remedy).toMatch(/read rights/);

    ksc.sim.injectFailure({ method: 'VServers.GetVServers', mode: 'pxg-500', code: 1950, message: 'Server busy' });
    const e500 = (await failure(p.listTenants())) as KscError;
    expect(e500).toBeInstanceOf(KscError);
    expect(e500.httpStatus).toBe(500);
    expect(e500.code).toBe(1950);
  });

  it('an accessor KSC discarded once: the read is run again on a fresh one; every accessor released', async () => {
    const p = platform();
    const clean = await p.listDevices(alpha);
    ksc.sim.clearRequests();
    ksc.sim.injectFailure({ method: 'ChunkAccessor.GetItemsChunk', mode: 'pxg', code: 1169, message: "Object 'x' not found" });
    expect(await p.listDevices(alpha)).toEqual(clean);
    expect(count('ChunkAccessor.Release')).toBe(2);
    expect(ksc.sim.runtime.iterators.size).toBe(0);
  });

  it(`an accessor discarded ${RESULT_SET_READS} times running is a KscError whose remedy says the next run repeats the query`, async () => {
    const p = platform();
    ksc.sim.injectFailure({ method: 'ChunkAccessor.GetItemsChunk', mode: 'pxg', code: 1169, message: "Object 'x' not found", count: 10 });
    const error = (await failure(p.listDevices(alpha))) as KscError;
    expect(error.code).toBe(1169);
    expect(error.remedy).toMatch(/next run repeats/);
    // Each accessor was still released.
    expect(count('ChunkAccessor.Release')).toBe(RESULT_SET_READS);
    expect(ksc.sim.runtime.iterators.size).toBe(0);
  });

  it('never shows the password or a session id, even when the server echoes them', async () => {
    const p = platform();
    await p.listTenants();
    const [session] = sessionIds();
    ksc.sim.injectFailure({ method: 'VServers.GetVServers', mode: 'pxg', code: 1, message: `bad session ${session} for password ${KSC_PASSWORD}` });
    const error = await failure(p.listTenants());
    expect(text(error)).not.toContain(session!);
    expect(text(error)).not.toContain(KSC_PASSWORD);
    expect(error.message).toContain('bad session *** for password ***');
  });

  it('a plain HTTP 500 to a read is repeated; one that lasts is a vendor error with the status', async () => {
    const p = platform();
    // A backend's hiccup says nothing about the data: the read is asked again and succeeds.
    ksc.sim.injectFailure({ method: 'VServers.GetVServers', mode: 'http-500' });
    expect((await p.listTenants()).length).toBeGreaterThan(0);
    expect(count('VServers.GetVServers')).toBe(2);
    ksc.sim.injectFailure({ method: 'VServers.GetVServers', mode: 'http-500', count: 10 });
    const error = await failure(p.listTenants());
    expect(error.kind).toBe('vendor');
    expect(error.code).toBe(500);
    expect(error).not.toBeInstanceOf(KscError);
  });
});

describe('sessions', () => {
  it('uses X-KSC-Session after one StartSession per server, and ends them on close()', async () => {
    const p = platform();
    await p.listTenants();
    await p.listDevices(alpha);
    await p.licenseUsage(alpha);
    expect(count('Session.StartSession')).toBe(2); // main + Alpha
    expect(ksc.sim.summary().activeSessions).toBe(2);
    await p.close();
    expect(count('Session.EndSession')).toBe(2);
    expect(ksc.sim.summary().activeSessions).toBe(0);
    expect((await failure(p.listTenants())).kind).toBe('internal');
  });

  it('signs in again after the server ended the session (403) and repeats the call', async () => {
    const p = platform();
    await p.listTenants();
    expect(ksc.sim.expireSessions()).toBe(1);
    expect(await p.listTenants()).toHaveLength(3);
    expect(count('Session.StartSession')).toBe(2);
    // Ended right before a stateless call: renewed and the call repeated.
    ksc.sim.injectFailure({ method: 'VServers.GetVServers', mode: 'expire-session' });
    expect(await p.listTenants()).toHaveLength(3);
    expect(count('Session.StartSession')).toBe(3);
  });

  it('restarts an operation whose iterator died with its session', async () => {
    const p = platform({}, { hostChunkSize: 3 });
    ksc.sim.injectFailure({ method: 'ChunkAccessor.GetItemsChunk', mode: 'expire-session' });
    const devices = await p.listDevices(alpha);
    expect(devices).toHaveLength(8);
    expect(count('HostGroup.FindHosts')).toBe(2);
    // The main server (the tenant's current name, by uid), then Alpha twice.
    expect(count('Session.StartSession')).toBe(3);

    ksc.sim.clearRequests();
    ksc.sim.injectFailure({ method: 'GroupSyncIterator.GetNextItems', mode: 'expire-session' });
    const usage = await p.licenseUsage(alpha);
    expect(usage.keys).toHaveLength(5);
    expect(count('LicenseKeys.EnumKeys')).toBe(2);

    ksc.sim.clearRequests();
    ksc.sim.injectFailure({ method: 'EventProcessing.GetRecordRange', mode: 'expire-session' });
    expect((await p.eventsSince(alpha, null)).events).toHaveLength(4);
    expect(count('EventProcessingFactory.CreateEventProcessing2')).toBe(2);
  });

  it('gives up with a permission error when a fresh session is refused at once', async () => {
    const p = platform();
    ksc.sim.injectFailure({ method: 'VServers.GetVServers', mode: 'expire-session', count: 2 });
    const error = await failure(p.listTenants());
    expect(error.kind).toBe('permission');
    expect(error.code).toBe(403);
  });
});

describe('virtual servers', () => {
  it('follows a renamed virtual server by its KLVSRV_UID', async () => {
    ksc.sim.renameVServer('vs-alpha-0001', 'Alpha Dental Group');
    const p = platform();
    // The tenant still carries the old name: the sign-in fails, the new name is found by uid.
    expect(await p.listDevices(alpha)).toHaveLength(8);
    expect(count('VServers.GetVServers')).toBe(1);
  });

  it('says when a virtual server no longer exists', async () => {
    ksc.sim.removeVServer('vs-alpha-0001');
    const error = await failure(platform().listDevices(alpha));
    expect(error.kind).toBe('not-found');
    expect(error.message).toBe('Virtual server "Alpha Dental" no longer exists in Kaspersky Security Center');
  });
});

describe('transport', () => {
  it('refuses the TEST-ONLY certificate without the CA file (kind tls, remedy names caFile) and accepts it with it', async () => {
    const untrusted = platform({ caFile: null });
    const error = await failure(untrusted.verify());
    expect(error.kind).toBe('tls');
    expect(error.remedy).toMatch(/caFile/);
    expect(text(error)).not.toContain(KSC_PASSWORD);
    expect(count('Session.StartSession')).toBe(0);
    expect((await platform().verify()).kind).toBe('ksc');
  });

  it('retries a 503 (honouring Retry-After) and succeeds', async () => {
    const waits: number[] = [];
    const p = platform({}, { httpOptions: { sleep: async (ms) => void waits.push(ms) } });
    ksc.sim.injectFailure({ method: 'VServers.GetVServers', mode: 'http-503', count: 2, retryAfter: '1' });
    expect(await p.listTenants()).toHaveLength(3);
    expect(waits).toEqual([1000, 1000]);
    expect(p.http.stats.retries).toBe(2);
    expect(count('VServers.GetVServers')).toBe(3);
  });

  it('does not repeat GetNextItems after a 503 (the iterator may have moved): the read begins afresh on a new iterator', async () => {
    const p = platform();
    const clean = await p.licenseUsage(alpha);
    const pages = count('GroupSyncIterator.GetNextItems');
    const opened = count('LicenseKeys.EnumKeys') + count('LicenseKeys.AcquireKeyHosts');
    ksc.sim.clearRequests();
    ksc.sim.injectFailure({ method: 'GroupSyncIterator.GetNextItems', mode: 'http-503', count: 1 });
    expect(await p.licenseUsage(alpha)).toEqual(clean);
    // One page more, on one iterator more; every iterator released, the failed one too.
    expect(count('GroupSyncIterator.GetNextItems')).toBe(pages + 1);
    expect(count('LicenseKeys.EnumKeys') + count('LicenseKeys.AcquireKeyHosts')).toBe(opened + 1);
    expect(count('GroupSyncIterator.ReleaseIterator')).toBe(opened + 1);
  });

  it(`a GetNextItems failure that lasts stands after ${ITERATOR_READS} reads, each iterator released`, async () => {
    const p = platform();
    ksc.sim.injectFailure({ method: 'GroupSyncIterator.GetNextItems', mode: 'http-503', count: 100 });
    const error = await failure(p.licenseUsage(alpha));
    expect(error.kind).toBe('rate-limit');
    expect(count('GroupSyncIterator.GetNextItems')).toBe(ITERATOR_READS);
    expect(count('GroupSyncIterator.ReleaseIterator')).toBe(ITERATOR_READS);
  });

  it('a refused connection is retried, then reported as a network error with the port hint', async () => {
    const spare = await startKscSimulator({ fixture: fixturesPath('ksc-basic', 'ksc.json') });
    const url = spare.url;
    await spare.close();
    let attempts = 0;
    const p = createKscPlatform({
      connection: { kind: 'ksc', url, username: 'kmsp-test', internalUser: true, domain: '', caFile: testTls().ca },
      password: KSC_PASSWORD,
      httpOptions: { retries: 2, sleep: async () => undefined, onRecord: () => void attempts++ },
    });
    ksc.closeAfterTest(p);
    const error = await failure(p.verify());
    expect(error.kind).toBe('network');
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.remedy).toMatch(/13299/);
    expect(attempts).toBe(3);
  });

  it('a server that does not answer in time is a network error', async () => {
    const p = platform({}, { httpOptions: { timeoutMs: 150, retries: 0 } });
    ksc.sim.injectFailure({ method: 'VServers.GetVServers', mode: 'delay', delayMs: 600 });
    const error = await failure(p.listTenants());
    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/did not answer in time/);
  });
});

describe('request log', () => {
  it('records every call without the password or any session id', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kmsp-ksc-rec-'));
    const recordFile = path.join(dir, 'requests.jsonl');
    const recorded = await startKscSimulator({ fixture: fixturesPath('ksc-basic', 'ksc.json'), recordFile });
    try {
      const p = createKscPlatform({
        connection: { kind: 'ksc', url: recorded.url, username: 'kmsp-test', internalUser: true, domain: '', caFile: testTls().ca },
        password: KSC_PASSWORD,
      });
      await p.verify();
      await p.listApplications();
      for (const t of await p.listTenants()) {
        await p.listDevices(t);
        await p.licenseUsage(t);
        await p.eventsSince(t, null);
      }
      const ids = [...recorded.runtime.sessions.keys()];
      await p.close();
      const log = readFileSync(recordFile, 'utf8');
      const lines = log.trim().split('\n').map((l) => JSON.parse(l) as { path: string });
      expect(lines.length).toBeGreaterThan(40);
      expect(lines.some((l) => l.path === '/api/v1.0/HostGroup.FindHosts')).toBe(true);
      expect(lines.filter((l) => l.path === '/api/v1.0/Session.StartSession')).toHaveLength(4);
      expect(ids.length).toBe(4);
      for (const secret of [KSC_PASSWORD, B64_PASSWORD, ...ids]) expect(log).not.toContain(secret);
    } finally {
      await recorded.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
