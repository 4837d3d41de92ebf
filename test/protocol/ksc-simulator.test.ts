// The KSC simulator's own protocol behaviour (connectors/ksc/README.md §4), spoken to
// directly over HTTPS: sign-in forms, session rules, the filter grammar, result-set
// lifetimes, typed records, strict argument typing, PxgError and the control API.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../source/connectors/http.js';
import { startKscSimulator, type KscSimulator } from '../../source/simulators/ksc/index.js';
import { fixturesPath, testTls } from '../../source/simulators/server.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const BASIC = `KSCBasic user="${b64('kmsp-test')}", pass="${b64('s3cret-Test-pass!')}", domain="", internal="1"`;

let now = Date.now();
let sim: KscSimulator;
let http: HttpClient;

// Raw wire JSON: the tests look deep into it.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function post(path: string, body: unknown, headers: Record<string, string> = {}, client = http): Promise<{ status: number; json: Json; text: string }> {
  const res = await client.request({ method: 'POST', url: path, body, headers, safeToRetry: false });
  let json: Json = {};
  try {
    json = JSON.parse(res.text) as Json;
  } catch {
    /* text bodies (401/403) */
  }
  return { status: res.status, json, text: res.text };
}

async function session(vserver = ''): Promise<string> {
  const r = await post('/api/v1.0/Session.StartSession', {}, { Authorization: BASIC, 'X-KSC-VServer': b64(vserver) });
  expect(r.status).toBe(200);
  return r.json.PxgRetVal as string;
}

async function call(id: string, method: string, body: unknown = {}): Promise<{ status: number; json: Json; text: string }> {
  return post(`/api/v1.0/${method}`, body, { 'X-KSC-Session': id });
}

const control = (command: string, body: unknown) => post(`/_sim/${command}`, body);

/** FindHosts + read all + release, returning the DNs. */
async function find(id: string, filter: string, fields = ['KLHST_WKS_DN'], extra: Json = {}): Promise<string[]> {
  const found = await call(id, 'HostGroup.FindHosts', { wstrFilter: filter, vecFieldsToReturn: fields, vecFieldsToOrder: [], pParams: { KLGRP_FIND_FROM_CUR_VS_ONLY: true }, lMaxLifeTime: 100, ...extra });
  if (found.json.PxgError) throw new Error(`PxgError ${found.json.PxgError.code}: ${found.json.PxgError.message}`);
  const chunk = await call(id, 'ChunkAccessor.GetItemsChunk', { strAccessor: found.json.strAccessor, nStart: 0, nCount: 1000 });
  await call(id, 'ChunkAccessor.Release', { strAccessor: found.json.strAccessor });
  return (chunk.json.pChunk.KLCSP_ITERATOR_ARRAY as Json[]).map((r) => r.value.KLHST_WKS_DN as string).sort();
}

beforeAll(async () => {
  sim = await startKscSimulator({ fixture: fixturesPath('ksc-basic', 'ksc.json'), clock: () => now });
  http = new HttpClient({ service: 'test', baseUrl: sim.url, caFile: testTls().ca, retries: 0 });
});

afterAll(async () => {
  http?.close();
  await sim?.close();
});

describe('sign-in and sessions', () => {
  it('StartSession returns a session id; bad credentials get 401; no credentials get 401', async () => {
    expect(typeof (await session())).toBe('string');
    const bad = await post('/api/v1.0/Session.StartSession', {}, { Authorization: `KSCBasic user="${b64('kmsp-test')}", pass="${b64('nope')}", internal="1"` });
    expect(bad.status).toBe(401);
    expect((await post('/api/v1.0/Session.StartSession', {})).status).toBe(401);
    expect((await post('/api/v1.0/VServers.GetVServers', { lParentGroup: -1 })).status).toBe(401);
  });

  it('an unknown X-KSC-VServer is a PxgError', async () => {
    const r = await post('/api/v1.0/Session.StartSession', {}, { Authorization: BASIC, 'X-KSC-VServer': b64('No Such Tenant') });
    expect(r.status).toBe(200);
    expect(r.json.PxgError).toMatchObject({ code: expect.any(Number), module: expect.any(String), message: expect.stringContaining('No Such Tenant') });
  });

  it('scopes a session to its virtual server; the main server lists virtual servers', async () => {
    const alpha = await session('Alpha Dental');
    expect(await find(alpha, '(KLHST_WKS_DN = "BRAVO-*")')).toEqual([]);
    expect((await find(alpha, '(KLHST_WKS_DN = "ALPHA-WS-*")')).length).toBe(3);
    expect((await call(alpha, 'VServers.GetVServers', { lParentGroup: -1 })).json.PxgError).toBeDefined();
    const main = await session();
    const list = (await call(main, 'VServers.GetVServers', { lParentGroup: -1 })).json.PxgRetVal as Json[];
    expect(list.map((v) => v.type)).toEqual(['params', 'params', 'params']);
    expect(list[0]!.value).toMatchObject({ KLVSRV_UID: 'vs-alpha-0001', KLVSRV_DN: 'Alpha Dental', KLVSRV_ENABLED: true, KLVSRV_CREATED: { type: 'datetime' } });
    // The main server searches every virtual server unless told not to (option B).
    const everywhere = await find(main, '(KLHST_WKS_DN = "*-WS-01")', ['KLHST_WKS_DN'], { pParams: { KLGRP_FIND_FROM_CUR_VS_ONLY: false } });
    expect(everywhere).toEqual(['ALPHA-WS-01', 'BRAVO-WS-01']);
    expect(await find(main, '(KLHST_WKS_DN = "*-WS-01")')).toEqual([]);
  });

  it('EndSession makes later calls 403, and so does an idle timeout', async () => {
    const id = await session();
    expect((await call(id, 'Session.EndSession')).status).toBe(200);
    expect((await call(id, 'VServers.GetVServers', { lParentGroup: -1 })).status).toBe(403);
    const idle = await session();
    now += 1801_000;
    try {
      expect((await call(idle, 'Session.Ping')).status).toBe(403);
    } finally {
      now -= 1801_000;
    }
    expect((await call('made-up-session', 'Session.Ping')).status).toBe(403);
  });

  it('/login authenticates the connection itself (connection-bound model)', async () => {
    const own = new HttpClient({ service: 'test', baseUrl: sim.url, caFile: testTls().ca, retries: 0, maxConcurrentPerEndpoint: 1 });
    try {
      const login = await post('/api/v1.0/login', undefined, { Authorization: BASIC, 'X-KSC-VServer': b64('Bravo Logistics') }, own);
      expect(login.status).toBe(200);
      const r = await post('/api/v1.0/HostGroup.GroupIdGroups', {}, {}, own);
      expect(r.status).toBe(200);
      expect(typeof r.json.PxgRetVal).toBe('number');
      // Another connection is not signed in.
      expect((await post('/api/v1.0/HostGroup.GroupIdGroups', {})).status).toBe(401);
    } finally {
      own.close();
    }
  });

  it('unknown methods are PxgErrors; Instance.Class.Method is accepted', async () => {
    const id = await session();
    const r = await call(id, 'HostGroup.NoSuchMethod');
    expect(r.status).toBe(200);
    expect(r.json.PxgError.message).toMatch(/not implemented/);
    expect((await call(id, 'inst1.HostGroup.GroupIdGroups')).json.PxgRetVal).toEqual(expect.any(Number));
  });
});

describe('FindHosts filter grammar', () => {
  let alpha: string;
  beforeAll(async () => {
    alpha = await session('Alpha Dental');
  });

  const cases: Array<[string, string[]]> = [
    ['(KLHST_WKS_DN = "ALPHA-WS-0?")', ['ALPHA-WS-01', 'ALPHA-WS-02', 'ALPHA-WS-03']],
    ['(KLHST_WKS_DN = "alpha-[lm]*")', ['ALPHA-LNX-01', 'ALPHA-MAC-01']],
    ['(KLHST_WKS_DN = "ALPHA-[^W]*-01")', ['ALPHA-LNX-01', 'ALPHA-MAC-01', 'ALPHA-PHONE-01', 'ALPHA-SRV-01']],
    ['(KLHST_WKS_DN <> "ALPHA-PRINTER")', ['ALPHA-LNX-01', 'ALPHA-MAC-01', 'ALPHA-PHONE-01', 'ALPHA-SRV-01', 'ALPHA-WS-01', 'ALPHA-WS-02', 'ALPHA-WS-03']],
    ['(KLHST_WKS_STATUS_ID <> 0)', ['ALPHA-SRV-01', 'ALPHA-WS-02', 'ALPHA-WS-03']],
    ['(KLHST_WKS_STATUS_ID = 1)', ['ALPHA-SRV-01', 'ALPHA-WS-02']],
    ['(&(KLHST_WKS_STATUS_ID = 1)(KLHST_WKS_CTYPE & 0x8000 <> 0))', ['ALPHA-SRV-01']],
    ['(|(KLHST_WKS_DN = "ALPHA-MAC-01")(KLHST_WKS_OS_NAME = "Ubuntu*"))', ['ALPHA-LNX-01', 'ALPHA-MAC-01']],
    ['(!(KLHST_WKS_CTYPE & 4096 <> 0))', ['ALPHA-LNX-01', 'ALPHA-MAC-01', 'ALPHA-PHONE-01', 'ALPHA-PRINTER']],
    ['(KLHST_WKS_STATUS_MASK & 128 <> 0)', ['ALPHA-WS-02']],
    ['(KLHST_WKS_STATUS_MASK_7 <> 0)', ['ALPHA-WS-02']],
    ['(KLHST_WKS_CTYPE > 30000)', ['ALPHA-LNX-01', 'ALPHA-SRV-01']],
    ['(KLHST_WKS_CTYPE < 2)', ['ALPHA-MAC-01', 'ALPHA-PHONE-01', 'ALPHA-PRINTER']],
    ['(KLHST_WKS_FROM_UNASSIGNED = 1)', ['ALPHA-PRINTER']],
    ['(KLHST_WKS_FROM_UNASSIGNED = "False")', ['ALPHA-LNX-01', 'ALPHA-MAC-01', 'ALPHA-PHONE-01', 'ALPHA-SRV-01', 'ALPHA-WS-01', 'ALPHA-WS-02', 'ALPHA-WS-03']],
    ['(KLHST_WKS_LAST_VISIBLE < T"2024-3-1 00:00:00")', ['ALPHA-PHONE-01']],
    ['(KLHST_WKS_LAST_VISIBLE > CURTIME(-2400))', ['ALPHA-LNX-01', 'ALPHA-SRV-01', 'ALPHA-WS-01']],
    ['(KLHST_WKS_VIRUS_COUNT >= 3)', ['ALPHA-WS-02']],
    ['(KLHST_WKS_PRODUCT_NAME = "KES")', ['ALPHA-WS-01']],
    ['(KLHST_WKS_HOSTNAME <> "")', ['ALPHA-LNX-01', 'ALPHA-MAC-01', 'ALPHA-PHONE-01', 'ALPHA-PRINTER', 'ALPHA-SRV-01', 'ALPHA-WS-01', 'ALPHA-WS-02', 'ALPHA-WS-03']],
    ['', ['ALPHA-LNX-01', 'ALPHA-MAC-01', 'ALPHA-PHONE-01', 'ALPHA-PRINTER', 'ALPHA-SRV-01', 'ALPHA-WS-01', 'ALPHA-WS-02', 'ALPHA-WS-03']],
  ];
  for (const [filter, expected] of cases) {
    it(filter || '(empty filter)', async () => {
      expect(await find(alpha, filter)).toEqual(expected);
    });
  }

  it('KLHST_WKS_GROUPID_GP matches a group and its subgroups', async () => {
    const root = (await call(alpha, 'HostGroup.GroupIdGroups')).json.PxgRetVal as number;
    expect((await find(alpha, `(KLHST_WKS_GROUPID_GP = ${root})`)).length).toBe(7);
    expect(await find(alpha, `(KLHST_WKS_GROUPID = ${root})`)).not.toContain('ALPHA-SRV-01');
  });

  it('refuses filters it cannot parse, unknown attributes and wildcards without "="', async () => {
    for (const bad of ['(KLHST_WKS_DN = "x"', 'KLHST_WKS_DN = "x"', '(NOT_AN_ATTRIBUTE = 1)', '(KLHST_WKS_DN <> "A*")', '(KLHST_WKS_DN = x)', '(&)']) {
      const r = await call(alpha, 'HostGroup.FindHosts', { wstrFilter: bad, vecFieldsToReturn: ['KLHST_WKS_DN'], vecFieldsToOrder: [], pParams: {}, lMaxLifeTime: 60 });
      expect(r.json.PxgError, bad).toMatchObject({ code: 1163 });
    }
  });
});

describe('result sets', () => {
  it('returns typed records: wrapped datetimes and longs, NULL fields omitted, ordered as asked', async () => {
    const alpha = await session('Alpha Dental');
    const found = await call(alpha, 'HostGroup.FindHosts', {
      wstrFilter: '(KLHST_WKS_DN = "ALPHA-*")',
      vecFieldsToReturn: ['KLHST_WKS_DN', 'KLHST_WKS_LAST_VISIBLE', 'KLHST_WKS_VIRUS_COUNT', 'KLHST_WKS_STATUS_ID', 'KLHST_WKS_STATUS_MASK'],
      vecFieldsToOrder: [{ type: 'params', value: { Name: 'KLHST_WKS_DN', Asc: false } }],
      pParams: { KLGRP_FIND_FROM_CUR_VS_ONLY: true },
      lMaxLifeTime: 60,
    });
    expect(found.json.PxgRetVal).toBe(8);
    expect((await call(alpha, 'ChunkAccessor.GetItemsCount', { strAccessor: found.json.strAccessor })).json.PxgRetVal).toBe(8);
    const chunk = await call(alpha, 'ChunkAccessor.GetItemsChunk', { strAccessor: found.json.strAccessor, nStart: 2, nCount: 3 });
    expect(chunk.json.PxgRetVal).toBe(3);
    const rows = (chunk.json.pChunk.KLCSP_ITERATOR_ARRAY as Json[]).map((r) => r.value);
    expect(rows.map((r) => r.KLHST_WKS_DN)).toEqual(['ALPHA-WS-01', 'ALPHA-SRV-01', 'ALPHA-PRINTER']);
    expect(rows[0]!.KLHST_WKS_LAST_VISIBLE).toEqual({ type: 'datetime', value: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) });
    expect(rows[0]).not.toHaveProperty('KLHST_WKS_VIRUS_COUNT');
    expect(rows[2]).not.toHaveProperty('KLHST_WKS_LAST_VISIBLE');
    // STATUS_ID follows STATUS_MASK and the Servers group's masks (13 critical there, 11 warning).
    expect(rows[1]).toMatchObject({ KLHST_WKS_STATUS_ID: 1, KLHST_WKS_STATUS_MASK: (1 << 13) | (1 << 11) });
    const ws2 = await call(alpha, 'ChunkAccessor.GetItemsChunk', { strAccessor: found.json.strAccessor, nStart: 1, nCount: 1 });
    expect(ws2.json.pChunk.KLCSP_ITERATOR_ARRAY[0].value).toMatchObject({ KLHST_WKS_DN: 'ALPHA-WS-02', KLHST_WKS_VIRUS_COUNT: { type: 'long', value: 3 } });
    expect((await call(alpha, 'ChunkAccessor.Release', { strAccessor: found.json.strAccessor })).json).toEqual({});
    expect((await call(alpha, 'ChunkAccessor.GetItemsCount', { strAccessor: found.json.strAccessor })).json.PxgError.code).toBe(1169);
  });

  it('expires accessors after lMaxLifeTime, caps it at 7200 s, and keeps them private to their session', async () => {
    const alpha = await session('Alpha Dental');
    const other = await session('Alpha Dental');
    const args = { wstrFilter: '', vecFieldsToReturn: ['KLHST_WKS_DN'], vecFieldsToOrder: [], pParams: {}, lMaxLifeTime: 60 };
    const found = await call(alpha, 'HostGroup.FindHosts', args);
    expect((await call(other, 'ChunkAccessor.GetItemsCount', { strAccessor: found.json.strAccessor })).json.PxgError.code).toBe(1169);
    now += 61_000;
    try {
      expect((await call(alpha, 'ChunkAccessor.GetItemsCount', { strAccessor: found.json.strAccessor })).json.PxgError.code).toBe(1169);
    } finally {
      now -= 61_000;
    }
    expect((await call(alpha, 'HostGroup.FindHosts', { ...args, lMaxLifeTime: 7201 })).json.PxgError.code).toBe(1163);
  });

  it('GroupSyncIterator pages with bEOF on the last page', async () => {
    const alpha = await session('Alpha Dental');
    const keys = await call(alpha, 'LicenseKeys.EnumKeys', { pFields: ['KLLIC_SERIAL', 'KLLIC_LIMIT_DATE', 'KLLIC_LIC_COUNT'], pFieldsToOrder: [], pOptions: {}, lTimeoutSec: 0 });
    expect(keys.json).toMatchObject({ lKeyCount: 5, wstrIterator: expect.any(String) });
    expect(keys.json).not.toHaveProperty('PxgRetVal');
    const p1 = await call(alpha, 'GroupSyncIterator.GetNextItems', { szwIterator: keys.json.wstrIterator, nCount: 3 });
    expect(p1.json).toMatchObject({ bEOF: false, PxgRetVal: 3 });
    const p2 = await call(alpha, 'GroupSyncIterator.GetNextItems', { szwIterator: keys.json.wstrIterator, nCount: 3 });
    expect(p2.json).toMatchObject({ bEOF: true, PxgRetVal: 2 });
    const all = [...p1.json.pData.KLCSP_ITERATOR_ARRAY, ...p2.json.pData.KLCSP_ITERATOR_ARRAY].map((r: Json) => r.value);
    expect(all.find((k) => k.KLLIC_SERIAL === 'AAAA-KSWS-0001')).toEqual({
      KLLIC_SERIAL: 'AAAA-KSWS-0001',
      KLLIC_LIMIT_DATE: { type: 'datetime', value: '2031-06-30T00:00:00Z' },
      KLLIC_LIC_COUNT: { type: 'long', value: 2 },
    });
    const hosts = await call(alpha, 'LicenseKeys.AcquireKeyHosts', { pInData: { KLLIC_SERIAL: 'AAAA-RENEW-001' }, pFields: ['KLLICSRV_HOSTNAME', 'KLLICSRV_HOST_CURRENT'], pFieldsToOrder: [], pOptions: {}, lTimeoutSec: 0 });
    expect(hosts.json.lKeyCount).toBe(3);
    const page = await call(alpha, 'GroupSyncIterator.GetNextItems', { szwIterator: hosts.json.wstrIterator, nCount: 10 });
    expect(page.json.bEOF).toBe(true);
    expect(page.json.pData.KLCSP_ITERATOR_ARRAY.every((r: Json) => r.value.KLLICSRV_HOST_CURRENT === false)).toBe(true);
    expect((await call(alpha, 'LicenseKeys.AcquireKeyHosts', { pInData: { KLLIC_SERIAL: 'NOPE' }, pFields: [], pFieldsToOrder: [], pOptions: {}, lTimeoutSec: 0 })).json.PxgError).toBeDefined();
  });

  it('filters events by severity and the rise-time window, sorts them, and treats nEnd as inclusive', async () => {
    const alpha = await session('Alpha Dental');
    const at = (ms: number) => ({ type: 'datetime', value: new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z') });
    const create = async (pFilter: Json) => {
      const r = await call(alpha, 'EventProcessingFactory.CreateEventProcessing2', {
        vecFieldsToReturn: ['event_db_id', 'GNRL_EA_SEVERITY', 'rise_time', 'event_type'],
        vecFieldsToOrder: [{ type: 'params', value: { Name: 'rise_time', Asc: true } }],
        lifetimeSec: 60,
        pFilter,
      });
      return r.json.strIteratorId as string;
    };
    const all = await create({ KLEVP_EVENT_RISE_TIME_LEAST: at(now - 4 * 86_400_000) });
    expect((await call(alpha, 'EventProcessing.GetRecordCount', { strIteratorId: all })).json.PxgRetVal).toBe(5);
    const range = await call(alpha, 'EventProcessing.GetRecordRange', { strIteratorId: all, nStart: 1, nEnd: 2 });
    const rows = (range.json.pParamsEvents.KLEVP_EVENT_RANGE_ARRAY as Json[]).map((r) => r.value);
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.event_type)).toEqual(['GNRL_EV_ANTIVIRAL_BASES_EXPIRED', 'KLPRCI_TaskState']);
    expect(rows[0].event_db_id).toEqual({ type: 'long', value: expect.any(Number) });
    expect(rows[0].rise_time.type).toBe('datetime');
    const critical = await create({ GNRL_EA_SEVERITY: 4, KLEVP_EVENT_RISE_TIME_LEAST: at(now - 4 * 86_400_000) });
    expect((await call(alpha, 'EventProcessing.GetRecordCount', { strIteratorId: critical })).json.PxgRetVal).toBe(2);
    const window = await create({ KLEVP_EVENT_RISE_TIME_LEAST: at(now - 6 * 3_600_000), KLEVP_EVENT_RISE_TIME_GREATEST: at(now - 90 * 60_000) });
    expect((await call(alpha, 'EventProcessing.GetRecordCount', { strIteratorId: window })).json.PxgRetVal).toBe(2);
    expect((await call(alpha, 'EventProcessing.ReleaseIterator', { strIteratorId: window })).json).toEqual({});
  });
});

describe('strict typing', () => {
  it('refuses a plain string where pFilter needs a datetime wrapper, and unwrapped containers in arrays', async () => {
    const id = await session('Alpha Dental');
    const plain = await call(id, 'EventProcessingFactory.CreateEventProcessing2', { vecFieldsToReturn: [], vecFieldsToOrder: [], lifetimeSec: 60, pFilter: { KLEVP_EVENT_RISE_TIME_LEAST: '2024-01-01T00:00:00Z' } });
    expect(plain.json.PxgError).toMatchObject({ code: 1163, message: expect.stringMatching(/datetime/) });
    const unwrapped = await call(id, 'HostGroup.FindHosts', { wstrFilter: '', vecFieldsToReturn: [], vecFieldsToOrder: [{ Name: 'KLHST_WKS_DN', Asc: true }], pParams: {}, lMaxLifeTime: 60 });
    expect(unwrapped.json.PxgError.message).toMatch(/"type":"params"/);
    const wrappedTop = await call(id, 'HostGroup.FindHosts', { wstrFilter: '', vecFieldsToReturn: [], vecFieldsToOrder: [], pParams: {}, lMaxLifeTime: { type: 'long', value: 60 } });
    expect(wrappedTop.json.PxgError.message).toMatch(/lMaxLifeTime/);
  });
});

describe('review scenarios', () => {
  afterEach(() => sim.reset());

  it('derives STATUS_ID with thresholds: a condition below its Critical threshold makes a Warning host', async () => {
    const ws1 = 'a0000000-0000-4000-8000-000000000001';
    const alpha = await session('Alpha Dental');
    // Bit 7 is in both sets of Managed devices; past the Warning threshold only.
    sim.setStatusMask('Alpha Dental', ws1, [7], [7]);
    expect(await find(alpha, '(KLHST_WKS_STATUS_ID = 2)')).toContain('ALPHA-WS-01');
    sim.setStatusMask('Alpha Dental', ws1, [7]);
    expect(await find(alpha, '(KLHST_WKS_STATUS_ID = 1)')).toContain('ALPHA-WS-01');
    // Conditions the group counts in neither set: reported only with statusMaskAllConditions [U].
    const srv = 'a0000000-0000-4000-8000-000000000004'; // Servers: critical [1, 7, 13], warning [11]
    sim.setStatusMask('Alpha Dental', srv, [8]);
    expect(await find(alpha, '(KLHST_WKS_STATUS_MASK = 0)')).toContain('ALPHA-SRV-01');
    expect((await control('configure', { statusMaskAllConditions: true })).status).toBe(200);
    expect(await find(alpha, '(&(KLHST_WKS_STATUS_MASK = 256)(KLHST_WKS_STATUS_ID = 0))')).toEqual(['ALPHA-SRV-01']);
  });

  it('AcquireKeyHosts lists the hosts of every virtual server holding a shared key when configured [U]', async () => {
    sim.state.addKey(sim.state.server('vs-bravo-0002'), {
      serial: 'AAAA-KSWS-0001',
      productName: 'Kaspersky Security for Windows Server',
      type: 'commercial',
      capacity: 2,
      current: ['b0000000-0000-4000-8000-000000000003'],
    });
    const alpha = await session('Alpha Dental');
    const hosts = async () => {
      const r = await call(alpha, 'LicenseKeys.AcquireKeyHosts', { pInData: { KLLIC_SERIAL: 'AAAA-KSWS-0001' }, pFields: ['KLLICSRV_HOSTNAME'], pFieldsToOrder: [], pOptions: {}, lTimeoutSec: 0 });
      const page = await call(alpha, 'GroupSyncIterator.GetNextItems', { szwIterator: r.json.wstrIterator, nCount: 10 });
      return (page.json.pData.KLCSP_ITERATOR_ARRAY as Json[]).map((x) => x.value.KLLICSRV_HOSTNAME as string).sort();
    };
    expect(await hosts()).toEqual(['a0000000-0000-4000-8000-000000000004']);
    sim.configure({ keyHostsAcrossVServers: true });
    expect(await hosts()).toEqual(['a0000000-0000-4000-8000-000000000004', 'b0000000-0000-4000-8000-000000000003']);
  });

  it('registers an event added later now, whatever its rise_time', async () => {
    const late = sim.addEvent('Bravo Logistics', { severity: 'warning', type: 'GNRL_EV_LATE', raisedAt: 'now-3h' });
    expect(late.registeredAt.getTime()).toBe(Math.floor(now / 1000) * 1000);
    expect(late.raisedAt.getTime()).toBe(Math.floor(now / 1000) * 1000 - 3 * 3_600_000);
    const explicit = sim.addEvent('Bravo Logistics', { severity: 'warning', type: 'GNRL_EV_LATE', raisedAt: 'now-3h', registeredAt: 'now-2h' });
    expect(explicit.registeredAt.getTime()).toBe(Math.floor(now / 1000) * 1000 - 2 * 3_600_000);
    // Fixture events: registered when raised.
    const fixtureEvent = sim.state.server('vs-bravo-0002').events[0]!;
    expect(fixtureEvent.registeredAt).toEqual(fixtureEvent.raisedAt);
  });

  it('reports KLLIC_SUBSCRINFO_ENDDATETYPE, and a subscription without state', async () => {
    sim.state.addKey(sim.state.server('vs-bravo-0002'), { serial: 'SUB-NOSTATE', productName: 'P', type: 'subscription', capacity: 1, subscription: { endDateType: 'paused' } });
    const bravo = await session('Bravo Logistics');
    const keys = await call(bravo, 'LicenseKeys.EnumKeys', {
      pFields: ['KLLIC_SERIAL', 'KLLIC_LICTYPE_IS_SUBSCRIPTION', 'KLLIC_SUBSCRINFO_STATE', 'KLLIC_SUBSCRINFO_ENDDATETYPE'],
      pFieldsToOrder: [],
      pOptions: {},
      lTimeoutSec: 0,
    });
    const page = await call(bravo, 'GroupSyncIterator.GetNextItems', { szwIterator: keys.json.wstrIterator, nCount: 50 });
    const rows = (page.json.pData.KLCSP_ITERATOR_ARRAY as Json[]).map((r) => r.value);
    expect(rows.find((k) => k.KLLIC_SERIAL === 'SUB-NOSTATE')).toEqual({ KLLIC_SERIAL: 'SUB-NOSTATE', KLLIC_LICTYPE_IS_SUBSCRIPTION: true, KLLIC_SUBSCRINFO_ENDDATETYPE: 3 });
  });

  it('tells a session which virtual server it is on (GetStaticInfo KLADMSRV_VSUID / _VSID / _IS_VIRTUAL)', async () => {
    const bravo = await session('Bravo Logistics');
    const info = (await call(bravo, 'HostGroup.GetStaticInfo', { pValues: ['KLADMSRV_IS_VIRTUAL', 'KLADMSRV_VSUID', 'KLADMSRV_VSID'] })).json.PxgRetVal;
    expect(info).toEqual({ KLADMSRV_IS_VIRTUAL: true, KLADMSRV_VSUID: 'vs-bravo-0002', KLADMSRV_VSID: { type: 'long', value: 2 } });
    const main = (await call(await session(), 'HostGroup.GetStaticInfo', { pValues: ['KLADMSRV_IS_VIRTUAL', 'KLADMSRV_VSUID'] })).json.PxgRetVal;
    expect(main).toEqual({ KLADMSRV_IS_VIRTUAL: false });
  });

  it('injects truncated pages, and failures aimed at one virtual server or after a few calls', async () => {
    const alpha = await session('Alpha Dental');
    const bravo = await session('Bravo Logistics');
    expect((await control('fail', { method: 'ChunkAccessor.GetItemsChunk', mode: 'empty-page', skip: 1 })).status).toBe(200);
    const found = await call(alpha, 'HostGroup.FindHosts', { wstrFilter: '', vecFieldsToReturn: ['KLHST_WKS_DN'], vecFieldsToOrder: [], pParams: {}, lMaxLifeTime: 60 });
    const chunk = (nStart: number) => call(alpha, 'ChunkAccessor.GetItemsChunk', { strAccessor: found.json.strAccessor, nStart, nCount: 3 });
    expect((await chunk(0)).json.PxgRetVal).toBe(3);
    expect((await chunk(3)).json).toEqual({ pChunk: { KLCSP_ITERATOR_ARRAY: [] }, PxgRetVal: 0 });
    expect((await chunk(3)).json.PxgRetVal).toBe(3);
    expect((await control('fail', { method: 'HostGroup.FindHosts', mode: 'empty-page' })).status).toBe(400);

    sim.injectFailure({ method: 'Session.Ping', mode: 'pxg', vserver: 'Bravo Logistics', message: 'only bravo' });
    expect((await call(alpha, 'Session.Ping')).json).toEqual({});
    expect((await call(bravo, 'Session.Ping')).json.PxgError.message).toBe('only bravo');
    sim.injectFailure({ method: 'Session.StartSession', mode: 'pxg', vserver: 'vs-bravo-0002', message: 'no bravo' });
    expect(typeof (await session('Alpha Dental'))).toBe('string');
    const refused = await post('/api/v1.0/Session.StartSession', {}, { Authorization: BASIC, 'X-KSC-VServer': b64('Bravo Logistics') });
    expect(refused.json.PxgError.message).toBe('no bravo');
  });
});

describe('control API', () => {
  it('changes state over HTTP and reports bad input with 400', async () => {
    const id = await session('Alpha Dental');
    expect((await control('set-status-mask', { vserver: 'Alpha Dental', hostname: 'a0000000-0000-4000-8000-000000000001', mask: [1] })).status).toBe(200);
    expect(await find(id, '(KLHST_WKS_STATUS_ID = 1)')).toContain('ALPHA-WS-01');
    const event = await control('add-event', { vserver: 'vs-alpha-0001', event: { severity: 'warning', type: 'GNRL_EV_TEST' } });
    expect(event.json.id).toEqual(expect.any(Number));
    const uid = (await control('add-vserver', { dn: 'Delta Added' })).json.uid as string;
    expect(sim.summary().vservers.map((v) => v.dn)).toContain('Delta Added');
    expect((await control('rename-vserver', { vserver: uid, dn: 'Delta Renamed' })).status).toBe(200);
    expect((await control('add-device', { vserver: 'Delta Renamed', device: { hostname: 'd-1', dn: 'DELTA-1', osName: 'Android 14', ctype: 0 } })).status).toBe(200);
    expect((await control('change-key', { vserver: 'vs-bravo-0002', serial: 'BBBB-SUB-0001', change: { subscriptionState: 'paused', expiry: 'now+1d' } })).status).toBe(200);
    expect(sim.state.server('vs-bravo-0002').keys.get('BBBB-SUB-0001')!.subscription!.state).toBe(1);
    expect((await control('fail', { method: 'Session.Ping', mode: 'pxg', message: 'boom' })).status).toBe(200);
    expect((await call(id, 'Session.Ping')).json.PxgError.message).toBe('boom');
    expect((await call(id, 'Session.Ping')).json).toEqual({});
    expect((await control('remove-vserver', { vserver: uid })).status).toBe(200);
    const state = await http.request({ method: 'GET', url: '/_sim/state' });
    expect(JSON.parse(state.text).vservers).toHaveLength(3);
    expect((await control('add-device', { vserver: 'nope', device: {} })).status).toBe(400);
    expect((await control('no-such-command', {})).status).toBe(400);
    expect((await control('reset', {})).status).toBe(200);
    expect((await call(id, 'Session.Ping')).status).toBe(403);
    expect(sim.state.server('vs-bravo-0002').keys.get('BBBB-SUB-0001')!.subscription!.state).toBe(0);
  });

  it('can send PxgErrors with HTTP 500 when configured', async () => {
    const strict = await startKscSimulator({ fixture: { users: [{ username: 'u', password: 'pass-word-1' }], vservers: [], options: { pxgErrorStatus: 500 } }, tls: false });
    try {
      const client = new HttpClient({ service: 'test', baseUrl: strict.url, retries: 0 });
      const start = await post('/api/v1.0/Session.StartSession', {}, { Authorization: `KSCBasic user="${b64('u')}", pass="${b64('pass-word-1')}"` }, client);
      const r = await post('/api/v1.0/HostGroup.Nope', {}, { 'X-KSC-Session': start.json.PxgRetVal }, client);
      expect(r.status).toBe(500);
      expect(r.json.PxgError).toBeDefined();
      // And back to 200 through the control API.
      expect((await post('/_sim/configure', { pxgErrorStatus: 200 }, {}, client)).status).toBe(200);
      expect((await post('/api/v1.0/HostGroup.Nope', {}, { 'X-KSC-Session': start.json.PxgRetVal }, client)).status).toBe(200);
      expect((await post('/_sim/configure', { pxgErrorStatus: 404 }, {}, client)).status).toBe(400);
      client.close();
    } finally {
      await strict.close();
    }
  });
});
