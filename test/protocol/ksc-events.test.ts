// The event cursor over real HTTPS (M2): events that reach the server late (Network
// Agent sync delay, an offline host, a host clock behind or ahead) are delivered exactly
// once as long as they are within the lookback; the dedupe set stays bounded.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createKscPlatform, type KscPlatform, type KscPlatformOptions } from '../../source/connectors/ksc/index.js';
import type { EventCursor, SecurityEvent, Tenant } from '../../source/domain/types.js';
import type { KscFixture } from '../../source/simulators/ksc/fixture.js';
import { startKscSimulator, type KscSimulator } from '../../source/simulators/ksc/index.js';
import { testTls } from '../../source/simulators/server.js';

const PASSWORD = 'events-password-1';
const fixture = (options: KscFixture['options'] = {}): KscFixture => ({
  users: [{ username: 'ev', password: PASSWORD }],
  vservers: [{ uid: 'vs-ev', dn: 'Events Ltd' }],
  options,
});
const tenant: Tenant = { id: 'vs-ev', name: 'Events Ltd', enabled: true };

let sim: KscSimulator;
const open: KscPlatform[] = [];

function platform(options: Partial<KscPlatformOptions> = {}, target: KscSimulator = sim): KscPlatform {
  const p = createKscPlatform({
    connection: { kind: 'ksc', url: target.url, username: 'ev', internalUser: true, domain: '', caFile: testTls().ca },
    password: PASSWORD,
    ...options,
  });
  open.push(p);
  return p;
}

function add(raisedAt: string, target: KscSimulator = sim): string {
  return String(target.addEvent('vs-ev', { severity: 'critical', type: 'GNRL_EV_VIRUS_FOUND', raisedAt }).id);
}

/** Polls once and returns the delivered ids and the next cursor. */
async function poll(p: KscPlatform, cursor: EventCursor | null): Promise<{ ids: string[]; cursor: EventCursor; events: SecurityEvent[] }> {
  const page = await p.eventsSince(tenant, cursor);
  return { ids: page.events.map((e) => e.id), cursor: page.cursor, events: page.events };
}

beforeAll(async () => {
  sim = await startKscSimulator({ fixture: fixture() });
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
  sim.reset();
});

afterAll(async () => {
  await sim?.close();
});

/** A newer event is read, then an older one is registered; both delivered once each. */
async function lateScenario(target: KscSimulator, p: KscPlatform): Promise<void> {
  const newer = add('now-5m', target);
  const read1 = await poll(p, null);
  expect(read1.ids).toEqual([newer]);

  // Raised 20 minutes ago, registered on the server only now (after the first read).
  const late = add('now-20m', target);
  const read2 = await poll(p, read1.cursor);
  expect(read2.ids).toEqual([late]);

  const read3 = await poll(p, read2.cursor);
  expect(read3.ids).toEqual([]);

  const next = add('now', target);
  const read4 = await poll(p, read3.cursor);
  expect(read4.ids).toEqual([next]);
  expect((await poll(p, read4.cursor)).ids).toEqual([]);
}

describe('late-arriving events (M2)', () => {
  it('the simulator registers a late event now, with its rise_time in the past', () => {
    const event = sim.addEvent('vs-ev', { severity: 'warning', type: 'GNRL_EV_TEST', raisedAt: 'now-20m' });
    expect(Date.now() - event.raisedAt.getTime()).toBeGreaterThan(19 * 60_000);
    expect(Math.abs(Date.now() - event.registeredAt.getTime())).toBeLessThan(2_000);
  });

  it('delivers an event registered after a newer one was read, exactly once', async () => {
    await lateScenario(sim, platform());
  });

  it('does the same when the server reads RISE_TIME_LEAST as ">" [U]', async () => {
    const exclusive = await startKscSimulator({ fixture: fixture({ riseTimeLeastExclusive: true }) });
    const p = platform({}, exclusive);
    try {
      await lateScenario(exclusive, p);
    } finally {
      await p.close();
      await exclusive.close();
    }
  });

  it('eventLookbackSeconds bounds how late an event may be: older ones are not delivered', async () => {
    const p = platform({ eventLookbackSeconds: 600 });
    const first = add('now-1m');
    const read1 = await poll(p, null);
    expect(read1.ids).toEqual([first]);
    add('now-30m'); // beyond the 10-minute lookback
    const within = add('now-5m');
    const read2 = await poll(p, read1.cursor);
    expect(read2.ids).toEqual([within]);
    expect((await poll(p, read2.cursor)).ids).toEqual([]);
  });

  it('a host whose clock is a day ahead does not hide the events of the others', async () => {
    const p = platform();
    const ahead = add('now+1d');
    const read1 = await poll(p, null);
    expect(read1.ids).toEqual([ahead]);
    const normal = add('now-1m');
    const read2 = await poll(p, read1.cursor);
    expect(read2.ids).toEqual([normal]);
    expect((await poll(p, read2.cursor)).ids).toEqual([]);
  });

  it('the second poll keeps to the initial window: nothing older than it appears later', async () => {
    const p = platform();
    add('now-1d2h'); // before the one-day initial window
    const inside = add('now-2h');
    const read1 = await poll(p, null);
    expect(read1.ids).toEqual([inside]);
    expect((await poll(p, read1.cursor)).ids).toEqual([]);
  });

  it('delivers every event exactly once across many polls with late arrivals in between', async () => {
    const p = platform();
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const added: string[] = [];
    const delivered: string[] = [];
    let cursor: EventCursor | null = null;
    for (let round = 0; round < 12; round++) {
      const n = Math.floor(random() * 6);
      // Raised up to 50 minutes ago: most of them after newer ones were read.
      for (let i = 0; i < n; i++) added.push(add(`now-${Math.floor(random() * 3000)}s`));
      const read = await poll(p, cursor);
      delivered.push(...read.ids);
      cursor = read.cursor;
    }
    expect(added.length).toBeGreaterThan(20);
    expect(new Set(delivered).size).toBe(delivered.length);
    expect([...delivered].sort()).toEqual([...added].sort());
  });

  it('keeps at most eventCursorMaxIds ids: beyond the cap the oldest are dropped and never delivered twice', async () => {
    const p = platform({ eventCursorMaxIds: 3 });
    const ids = ['now-50m', 'now-40m', 'now-30m', 'now-20m', 'now-10m'].map((t) => add(t));
    const read1 = await poll(p, null);
    expect(read1.ids).toEqual(ids);
    // The query still returns all five (within the lookback); none comes back.
    const read2 = await poll(p, read1.cursor);
    expect(read2.ids).toEqual([]);
    // Late events: one older than the three remembered ids is not delivered (documented
    // limit), one among them is.
    add('now-45m');
    const among = add('now-25m');
    const read3 = await poll(p, read2.cursor);
    expect(read3.ids).toEqual([among]);
    expect((await poll(p, read3.cursor)).ids).toEqual([]);
    // The cursor stays small.
    expect(read3.cursor.length).toBeLessThan(200);
  });

  it('continues from a cursor written by the previous version without delivering anything twice', async () => {
    const p = platform();
    add('now-30m');
    const last = sim.addEvent('vs-ev', { severity: 'info', type: 'GNRL_EV_OBJECT_CURED', raisedAt: 'now-10m' });
    const legacy = JSON.stringify({ v: 1, t: last.raisedAt.toISOString(), ids: [String(last.id)] });
    expect((await poll(p, legacy)).ids).toEqual([]);
    const after = add('now-5m');
    const read = await poll(p, legacy);
    expect(read.ids).toEqual([after]);
    expect((await poll(p, read.cursor)).ids).toEqual([]);
  });

  it('a poll with nothing new reads only the count; a new or late event, or ten minutes, read the window again', async () => {
    let clock = Date.now();
    const p = platform({ now: () => new Date(clock) });
    const ranges = () => sim.requests.filter((r) => r.path.endsWith('/EventProcessing.GetRecordRange')).length;
    const first = add('now-20m');
    const read1 = await poll(p, null);
    expect(read1.ids).toEqual([first]);
    sim.clearRequests();
    // Nothing new: the count matches what the cursor left for it; the rows are not read, the cursor stays.
    const idle = await poll(p, read1.cursor);
    expect(idle.ids).toEqual([]);
    expect(idle.cursor).toBe(read1.cursor);
    expect(ranges()).toBe(0);
    // A late event (raised before the newest one) changes the count: read, and delivered once.
    const late = add('now-30m');
    const read2 = await poll(p, idle.cursor);
    expect(read2.ids).toEqual([late]);
    expect(ranges()).toBe(1);
    sim.clearRequests();
    expect((await poll(p, read2.cursor)).ids).toEqual([]);
    expect(ranges()).toBe(0);
    // Ten minutes after the last full read the window is read again though the count matches
    // (as many deleted as arrived would keep it): nothing is delivered twice.
    clock += 10 * 60_000;
    const full = await poll(p, read2.cursor);
    expect(full.ids).toEqual([]);
    expect(ranges()).toBe(1);
    sim.clearRequests();
    expect((await poll(p, full.cursor)).ids).toEqual([]);
    expect(ranges()).toBe(0);
  });
});
