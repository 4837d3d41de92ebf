// The simulators' seeded fault plans (simulators/faults.ts, applied by server.ts): each shared kind
// does what it says, a vendor kind is the simulator's own, and the same seed picks the same requests.
import { afterEach, describe, expect, it } from 'vitest';
import { startSimServer, type SimServer } from '../../source/simulators/server.js';

let sim: SimServer;
let applied = 0;
afterEach(async () => {
  await sim?.close();
  applied = 0;
});

async function start(vendor = {}) {
  sim = await startSimServer({
    name: 'faults-test',
    handle: (req) => {
      if (req.method !== 'GET') applied++;
      return { status: 200, body: { ok: true, path: req.path, items: [1, 2, 3] } };
    },
    vendorFaults: vendor,
  });
  return sim;
}

const call = (path: string, method = 'GET') =>
  fetch(sim.url + path, { method, ...(method === 'GET' ? {} : { body: '{"x":1}', headers: { 'Content-Type': 'application/json' } }) });

describe('fault plans', () => {
  it('each shared kind: answered instead, answered after the write, or dropped', async () => {
    await start();
    const only = (kind: string) => sim.faults.set({ seed: 1, rate: 1, kinds: [kind], slowMs: 50 });

    only('5xx');
    expect((await call('/a', 'POST')).status).toBe(503);
    expect(applied).toBe(0);

    only('429');
    const r429 = await call('/a');
    expect(r429.status).toBe(429);
    expect(r429.headers.get('retry-after')).toBe('1');

    only('error-after');
    expect((await call('/a', 'POST')).status).toBe(500);
    expect(applied).toBe(1);

    only('reset-before');
    await expect(call('/a', 'POST')).rejects.toThrow();
    expect(applied).toBe(1);

    only('reset-after');
    await expect(call('/a', 'POST')).rejects.toThrow();
    expect(applied).toBe(2);

    only('malformed-json');
    const bad = await call('/a', 'POST');
    expect(bad.status).toBe(200);
    expect(applied).toBe(3);
    await expect(bad.clone().json()).rejects.toThrow();

    only('truncated-json');
    const cut = await call('/a');
    await expect(cut.json()).rejects.toThrow();

    only('slow');
    expect(await (await call('/a')).json()).toMatchObject({ ok: true });

    expect(sim.requests.map((r) => r.fault)).toEqual(['5xx', '429', 'error-after', 'reset-before', 'reset-after', 'malformed-json', 'truncated-json', 'slow']);
    expect(sim.requests.filter((r) => r.status === 0)).toHaveLength(2);
  });

  it('a vendor kind answers in its words, or changes state and lets the request through', async () => {
    let expired = 0;
    await start({
      'session-expired': () => {
        expired++;
        return 'process' as const;
      },
      lock: (req: { method: string }) => (req.method === 'GET' ? ('not-applicable' as const) : { status: 409, body: { error: 'record locked' } }),
    });
    sim.faults.set({ seed: 3, rate: 1, kinds: ['lock'] });
    expect((await call('/a')).status).toBe(200);
    expect((await call('/a', 'POST')).status).toBe(409);
    sim.faults.set({ seed: 3, rate: 1, kinds: ['session-expired'] });
    expect((await call('/a')).status).toBe(200);
    expect(expired).toBe(1);
    expect(sim.faults.stats().injected).toEqual({ 'session-expired': 1 });
    expect(() => sim.faults.set({ seed: 1, rate: 1, kinds: ['nope'] })).toThrow(/unknown fault kind "nope".*session-expired, lock/);
  });

  it('a limit stops the plan after that many faults; a vendor kind that does not apply does not count', async () => {
    await start({ lock: (req: { method: string }) => (req.method === 'GET' ? ('not-applicable' as const) : { status: 409, body: { error: 'record locked' } }) });
    sim.faults.set({ seed: 5, rate: 1, kinds: ['lock'], limit: 1 });
    expect((await call('/a')).status).toBe(200);
    expect((await call('/a', 'POST')).status).toBe(409);
    expect((await call('/a', 'POST')).status).toBe(200);
    expect(sim.requests.map((r) => r.fault)).toEqual([undefined, 'lock', undefined]);
    expect(() => sim.faults.set({ seed: 1, rate: 1, limit: 0.5 })).toThrow(/limit/);
  });

  it('the same seed picks the same requests, whatever else was asked in between; the control API sets and counts', async () => {
    await start();
    const picked = async (seed: number, noise: boolean) => {
      const res = await fetch(`${sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ seed, rate: 0.3, kinds: ['5xx'] }), headers: { 'Content-Type': 'application/json' } });
      expect(res.status).toBe(200);
      const out: number[] = [];
      for (let i = 0; i < 40; i++) {
        if (noise) await call(`/noise/${i}`);
        out.push((await call(`/page/${i % 10}`)).status);
      }
      return out;
    };
    const a = await picked(7, false);
    const b = await picked(7, true);
    const c = await picked(8, false);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.filter((s) => s === 503).length).toBeGreaterThan(3);
    const stats = (await (await fetch(`${sim.url}/_sim/faults`)).json()) as { stats: { requests: number; injected: Record<string, number> } };
    expect(stats.stats.requests).toBe(40);
    expect((await fetch(`${sim.url}/_sim/faults`, { method: 'POST', body: '{"rate":2}', headers: { 'Content-Type': 'application/json' } })).status).toBe(400);
    await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' });
    expect((await call('/page/1')).status).toBe(200);
  });
});
