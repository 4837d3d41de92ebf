// Devices over real HTTPS: status reasons labelled by the host's STATUS_ID and the
// group's two condition masks (S1), and a host list that ends before the count (S4).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createKscPlatform, type KscPlatform } from '../../source/connectors/ksc/index.js';
import type { Device, Tenant } from '../../source/domain/types.js';
import { startKscSimulator, type KscSimulator } from '../../source/simulators/ksc/index.js';
import { fixturesPath, testTls } from '../../source/simulators/server.js';
import { failure } from './ksc-simulated.js';

const alpha: Tenant = { id: 'vs-alpha-0001', name: 'Alpha Dental', enabled: true };
const WS01 = 'a0000000-0000-4000-8000-000000000001';
const SRV01 = 'a0000000-0000-4000-8000-000000000004';

let sim: KscSimulator;
let ksc: KscPlatform;

beforeAll(async () => {
  sim = await startKscSimulator({ fixture: fixturesPath('ksc-basic', 'ksc.json') });
  ksc = createKscPlatform({
    connection: { kind: 'ksc', url: sim.url, username: 'kmsp-test', internalUser: true, domain: '', caFile: testTls().ca },
    password: 's3cret-Test-pass!',
    hostChunkSize: 3,
    httpOptions: { sleep: async () => undefined },
  });
});

afterEach(() => {
  sim.reset();
  sim.clearRequests();
});

afterAll(async () => {
  await ksc?.close();
  await sim?.close();
});

async function device(id: string): Promise<Device> {
  const found = (await ksc.listDevices(alpha)).find((d) => d.id === id);
  if (!found) throw new Error(`no device ${id}`);
  return found;
}

describe('status reasons (S1)', () => {
  it('a Warning host has no critical reason, even for a bit the group’s CRITICAL set also enables', async () => {
    // Databases 4 days old: past the Warning threshold, not yet the Critical one. Bit 7
    // is enabled in both sets of "Managed devices"; KSC makes the host Warning.
    sim.setStatusMask('vs-alpha-0001', WS01, [7], [7]);
    expect(sim.state.statusOf(sim.state.server('vs-alpha-0001'), sim.state.server('vs-alpha-0001').devices.get(WS01)!)).toEqual({ mask: 1 << 7, id: 2 });
    expect(await device(WS01)).toMatchObject({ health: 'warning', statuses: [{ id: 'databases-outdated', severity: 'warning' }] });
  });

  it('on a Critical host a bit in neither set is dropped; on a Warning host too', async () => {
    // KSC may report conditions its group counts in neither set [U].
    sim.configure({ statusMaskAllConditions: true });
    // Servers group: critical [1, 7, 13], warning [11]. Bit 8 is in neither.
    sim.setStatusMask('vs-alpha-0001', SRV01, [1, 8, 11]);
    expect(await device(SRV01)).toMatchObject({
      health: 'critical',
      statuses: [
        { id: 'rtp-not-running', severity: 'critical' },
        { id: 'restart-required', severity: 'warning' },
      ],
    });
    sim.setStatusMask('vs-alpha-0001', SRV01, [8, 11]);
    expect(await device(SRV01)).toMatchObject({ health: 'warning', statuses: [{ id: 'restart-required', severity: 'warning' }] });
    // An OK host has no reasons, whatever its mask says.
    sim.setStatusMask('vs-alpha-0001', SRV01, [8]);
    expect(await device(SRV01)).toMatchObject({ health: 'ok', statuses: [] });
  });
});

describe('truncated result sets (S4)', () => {
  it('a host chunk that comes back empty before the count is reached fails the read (protocol, retry)', async () => {
    sim.injectFailure({ method: 'ChunkAccessor.GetItemsChunk', mode: 'empty-page' });
    const error = await failure(ksc.listDevices(alpha));
    expect(error.kind).toBe('protocol');
    expect(error.message).toMatch(/0 of 8/);
    expect(error.remedy).toMatch(/next run|again/i);
    expect(error.remedy).toMatch(/under-bill|abandon/i);
    expect(sim.runtime.iterators.size).toBe(0);
    // The next read is whole.
    expect(await ksc.listDevices(alpha)).toHaveLength(8);
  });

  it('so does a later chunk, and an empty event range', async () => {
    sim.injectFailure({ method: 'ChunkAccessor.GetItemsChunk', mode: 'empty-page', skip: 1 });
    const later = await failure(ksc.listDevices(alpha));
    expect(later.kind).toBe('protocol');
    expect(later.message).toMatch(/3 of 8/);
    sim.injectFailure({ method: 'ChunkAccessor.GetItemsChunk', mode: 'empty-page' });
    // licenseUsage reads the tenant's hosts too (S2): it fails rather than dropping assignments.
    expect((await failure(ksc.licenseUsage(alpha))).kind).toBe('protocol');
    sim.injectFailure({ method: 'EventProcessing.GetRecordRange', mode: 'empty-page' });
    const error = await failure(ksc.eventsSince(alpha, null));
    expect(error.kind).toBe('protocol');
    expect(sim.runtime.iterators.size).toBe(0);
  });
});
