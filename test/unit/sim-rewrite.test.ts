// The shared simulator server's response rewrite (server.ts): a test changes a JSON answer into a
// shape the simulator's state cannot hold, on a copy, for vendor requests only, and removes it again.
import { afterEach, describe, expect, it } from 'vitest';
import { startSimServer, type SimServer } from '../../source/simulators/server.js';

let sim: SimServer | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('response rewrite', () => {
  it('rewrites JSON answers of vendor requests on a copy, never the control API, until removed', async () => {
    const state = { items: [{ id: 1, name: 'one' }] };
    sim = await startSimServer({
      name: 'rewrite-test',
      handle: () => ({ status: 200, body: state }),
      control: () => ({ status: 200, body: state }),
    });
    const get = async (path: string) => (await fetch(sim!.url + path)).json();
    sim.rewrite((req, body) => {
      (body as typeof state).items[0]!.name = null as unknown as string;
      return { ...(body as object), path: req.path };
    });
    expect(await get('/x')).toEqual({ items: [{ id: 1, name: null }], path: '/x' });
    // The simulator's state is untouched, and the control API answers as it is.
    expect(state.items[0]!.name).toBe('one');
    expect(await get('/_sim/state')).toEqual(state);
    sim.rewrite(null);
    expect(await get('/x')).toEqual(state);
  });

  it('can be given at start', async () => {
    sim = await startSimServer({ name: 'rewrite-test', handle: () => ({ status: 200, body: { n: 1 } }), rewrite: () => ({ n: 'one' }) });
    expect(await (await fetch(sim.url + '/y')).json()).toEqual({ n: 'one' });
  });
});
