// Paging through KSC result sets over HTTPS: hosts across many ChunkAccessor chunks,
// keys and key hosts across many GroupSyncIterator pages, events across many
// GetRecordRange steps (nEnd inclusive), and the event cursor at a second boundary.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCursor } from '../../source/connectors/ksc/events.js';
import { createKscPlatform, type KscPlatform } from '../../source/connectors/ksc/index.js';
import type { Tenant } from '../../source/domain/types.js';
import type { FixtureDevice, FixtureEvent, FixtureKey, KscFixture } from '../../source/simulators/ksc/fixture.js';
import { startKscSimulator, type KscSimulator } from '../../source/simulators/ksc/index.js';
import { testTls } from '../../source/simulators/server.js';

const HOSTS = 1200;
const KEYS = 130;
const EVENTS = 2500;
const PASSWORD = 'many-hosts-password';

function guid(n: number): string {
  return `c0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

/** 1,200 hosts of mixed kinds, 130 keys (one on every host), 2,500 events in the last day. */
function manyHostsFixture(): KscFixture {
  const devices: FixtureDevice[] = [];
  for (let i = 0; i < HOSTS; i++) {
    const kind = i % 10;
    devices.push({
      hostname: guid(i),
      dn: `MANY-${String(i).padStart(4, '0')}`,
      osName: kind === 0 ? 'Microsoft Windows Server 2022 Standard' : kind === 1 ? 'Ubuntu 22.04 LTS' : 'Microsoft Windows 11 Pro',
      ctype: kind === 0 ? 0x9007 : kind === 1 ? 0x200800 : 0x1001,
      statusMask: i % 7 === 0 ? [7] : [],
    });
  }
  const keys: FixtureKey[] = [];
  for (let k = 0; k < KEYS; k++) {
    keys.push({
      serial: `KEY-${String(k).padStart(4, '0')}`,
      productName: k === 0 ? 'Kaspersky Endpoint Security for Business Select' : `Product ${k % 5}`,
      type: 'commercial',
      capacity: k === 0 ? HOSTS : 1,
      expiry: 'now+100d',
      current: k === 0 ? devices.map((d) => d.hostname) : [],
    });
  }
  const events: FixtureEvent[] = [];
  for (let e = 0; e < EVENTS; e++) {
    // Several events share each second: ordering must still be total (rise_time, event_db_id).
    events.push({ id: 10_000 + e, severity: (1 + (e % 4)) as 1 | 2 | 3 | 4, type: 'GNRL_EV_VIRUS_FOUND', host: guid(e % HOSTS), raisedAt: `now-${EVENTS - Math.floor(e / 3)}s` });
  }
  return {
    users: [{ username: 'pager', password: PASSWORD }],
    vservers: [{ uid: 'vs-many', dn: 'Many Hosts Ltd', devices, keys, events }, { uid: 'vs-empty', dn: 'Empty Ltd' }],
  };
}

let sim: KscSimulator;
let ksc: KscPlatform;
const many: Tenant = { id: 'vs-many', name: 'Many Hosts Ltd', enabled: true };

beforeAll(async () => {
  sim = await startKscSimulator({ fixture: manyHostsFixture() });
  ksc = createKscPlatform({
    connection: { kind: 'ksc', url: sim.url, username: 'pager', internalUser: true, domain: '', caFile: testTls().ca },
    password: PASSWORD,
    hostChunkSize: 100,
    keyPageSize: 40,
    eventStep: 300,
  });
});

afterAll(async () => {
  await ksc?.close();
  await sim?.close();
});

type Body = Record<string, unknown>;
function calls(method: string): Body[] {
  return sim.requests.filter((r) => r.path === `/api/v1.0/${method}`).map((r) => r.body as Body);
}

describe('paging', () => {
  it('reads 1,200 hosts in 12 chunks and releases the accessor', async () => {
    sim.clearRequests();
    const devices = await ksc.listDevices(many);
    expect(devices).toHaveLength(HOSTS);
    expect(new Set(devices.map((d) => d.id)).size).toBe(HOSTS);
    expect(devices.filter((d) => d.category === 'windows-server')).toHaveLength(HOSTS / 10);
    expect(devices.filter((d) => d.category === 'non-windows')).toHaveLength(HOSTS / 10);
    expect(devices.filter((d) => d.health === 'critical')).toHaveLength(Math.ceil(HOSTS / 7));
    const chunks = calls('ChunkAccessor.GetItemsChunk');
    expect(chunks.map((c) => c.nStart)).toEqual(Array.from({ length: 12 }, (_, i) => i * 100));
    expect(chunks.every((c) => c.nCount === 100)).toBe(true);
    const accessor = chunks[0]!.strAccessor;
    expect(calls('ChunkAccessor.Release')).toEqual([{ strAccessor: accessor }]);
    // FindHosts asked for the current virtual server only, with a wrapped sort order.
    expect(calls('HostGroup.FindHosts')[0]).toMatchObject({
      pParams: { KLGRP_FIND_FROM_CUR_VS_ONLY: true },
      vecFieldsToOrder: [{ type: 'params', value: { Name: 'KLHST_WKS_HOSTNAME', Asc: true } }],
    });
    // Group masks are read once per group, not once per host.
    expect(calls('HostGroup.GetGroupInfoEx')).toHaveLength(1);
    expect(sim.runtime.iterators.size).toBe(0);
  });

  it('reads 130 keys over four GetNextItems pages (bEOF on the last) and 1,200 key hosts over 30', async () => {
    sim.clearRequests();
    const usage = await ksc.licenseUsage(many);
    expect(usage.keys).toHaveLength(KEYS);
    expect(usage.assignments).toHaveLength(HOSTS);
    expect(usage.assignments.every((a) => a.keyId === 'KEY-0000' && a.current)).toBe(true);
    const pages = calls('GroupSyncIterator.GetNextItems');
    const enumIterator = pages[0]!.szwIterator;
    expect(pages.filter((p) => p.szwIterator === enumIterator)).toHaveLength(4);
    expect(pages.every((p) => p.nCount === 40)).toBe(true);
    // One iterator for EnumKeys, one per key for AcquireKeyHosts; every one released.
    const released = calls('GroupSyncIterator.ReleaseIterator').map((c) => c.szwIterator);
    expect(released).toHaveLength(KEYS + 1);
    expect(new Set(released).size).toBe(KEYS + 1);
    expect(pages.filter((p) => p.szwIterator !== enumIterator && p.szwIterator === pages[4]!.szwIterator)).toHaveLength(30);
    expect(sim.runtime.iterators.size).toBe(0);
  });

  it('reads 2,500 events in GetRecordRange steps of 300 with an inclusive nEnd', async () => {
    sim.clearRequests();
    const page = await ksc.eventsSince(many, null);
    expect(page.events).toHaveLength(EVENTS);
    expect(page.events.map((e) => e.id)).toEqual(Array.from({ length: EVENTS }, (_, i) => String(10_000 + i)));
    const ranges = calls('EventProcessing.GetRecordRange').map((c) => [c.nStart, c.nEnd]);
    expect(ranges).toEqual(Array.from({ length: 9 }, (_, i) => [i * 300, Math.min(i * 300 + 299, EVENTS - 1)]));
    const created = calls('EventProcessingFactory.CreateEventProcessing2')[0]!;
    // The window start travels as a typed datetime inside pFilter, the order as wrapped params.
    expect(created.pFilter).toEqual({ KLEVP_EVENT_RISE_TIME_LEAST: { type: 'datetime', value: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) } });
    expect(created.vecFieldsToOrder).toEqual([
      { type: 'params', value: { Name: 'rise_time', Asc: true } },
      { type: 'params', value: { Name: 'event_db_id', Asc: true } },
    ]);
    expect(calls('EventProcessing.ReleaseIterator')).toHaveLength(1);
    expect(sim.runtime.iterators.size).toBe(0);
  });

  it('an empty virtual server gives empty lists, not errors', async () => {
    const empty: Tenant = { id: 'vs-empty', name: 'Empty Ltd', enabled: true };
    expect(await ksc.listDevices(empty)).toEqual([]);
    expect(await ksc.licenseUsage(empty)).toEqual({ tenantId: 'vs-empty', keys: [], assignments: [] });
    expect((await ksc.eventsSince(empty, null)).events).toEqual([]);
  });
});

/** Two events of one second, the second registered after the first read, then one a second later. */
async function boundaryScenario(target: KscSimulator, platform: KscPlatform, vserver: string): Promise<void> {
  const tenant: Tenant = { id: vserver, name: target.state.server(vserver).dn, enabled: true };
  const second = new Date(Math.floor(Date.now() / 1000) * 1000 - 600_000).toISOString();
  const first = target.addEvent(vserver, { severity: 'critical', type: 'GNRL_EV_VIRUS_FOUND', raisedAt: second });
  const read1 = await platform.eventsSince(tenant, null);
  expect(read1.events.map((e) => e.id)).toEqual([String(first.id)]);

  // Registered late, raised in the very same second as the first.
  const late = target.addEvent(vserver, { severity: 'warning', type: 'GNRL_EV_LICENSE_EXPIRATION', raisedAt: second });
  const read2 = await platform.eventsSince(tenant, read1.cursor);
  expect(read2.events.map((e) => e.id)).toEqual([String(late.id)]);

  const read3 = await platform.eventsSince(tenant, read2.cursor);
  expect(read3.events).toEqual([]);

  // One second later: delivered, and the cursor moves on to that second.
  const after = target.addEvent(vserver, { severity: 'info', type: 'GNRL_EV_OBJECT_CURED', raisedAt: new Date(Date.parse(second) + 1000).toISOString() });
  const read4 = await platform.eventsSince(tenant, read3.cursor);
  expect(read4.events.map((e) => e.id)).toEqual([String(after.id)]);
  // The cursor remembers the three events of the lookback window.
  expect(JSON.parse(read4.cursor)).toMatchObject({ v: 2 });
  expect(decodeCursor(read4.cursor).ids).toEqual(new Set([first, late, after].map((e) => String(e.id))));
  expect((await platform.eventsSince(tenant, read4.cursor)).events).toEqual([]);
}

describe('event cursor at a second boundary', () => {
  it('delivers two events of the same second exactly once each, the second one arriving after the first read', async () => {
    await boundaryScenario(sim, ksc, 'vs-empty');
  });

  it('does the same when the server reads RISE_TIME_LEAST as ">" rather than "≥" [U]', async () => {
    const exclusive = await startKscSimulator({ fixture: { users: [{ username: 'pager', password: PASSWORD }], vservers: [{ uid: 'vs-x', dn: 'Exclusive Ltd' }], options: { riseTimeLeastExclusive: true } } });
    const platform = createKscPlatform({
      connection: { kind: 'ksc', url: exclusive.url, username: 'pager', internalUser: true, domain: '', caFile: testTls().ca },
      password: PASSWORD,
    });
    try {
      await boundaryScenario(exclusive, platform, 'vs-x');
    } finally {
      await platform.close();
      await exclusive.close();
    }
  });

  it('refuses a cursor it did not write', async () => {
    await expect(ksc.eventsSince(many, 'not-a-cursor')).rejects.toMatchObject({ kind: 'internal' });
  });
});
