// The ticket job stopped by its signal (SIGTERM, or the pause switch turned on mid-pass): no
// PSA write of any kind after the signal — not only no new ticket, no close and no note either —
// and the run ends `abandoned`; the next pass does what was left, once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTickets } from '../../source/tickets/run.js';
import { ALPHA, startTicketEnv, WS1, WS2, type TicketEnv } from './helpers.js';

let env: TicketEnv;
beforeEach(async () => {
  env = await startTicketEnv();
});
afterEach(async () => env.close());

const DB = 7; // databases out of date
const RTP = 1; // real-time protection not running
const writes = () => env.demo.autotask.requests.filter((q) => q.method !== 'GET' && !/\/query/i.test(q.path));

describe('ticket pass stopped by its signal', () => {
  it('closes nothing after the signal, even for the tenant in flight; the next pass closes them', async () => {
    const ledger = env.ledger();
    env.demo.ksc.setStatusMask(ALPHA, WS1, [DB, RTP]);
    env.demo.ksc.setStatusMask(ALPHA, WS2, [DB, RTP]);
    await env.run(ledger);
    const opened = env.tickets().filter((t) => t.status === 1).length;
    expect(opened).toBeGreaterThanOrEqual(2);
    env.demo.ksc.setStatusMask(ALPHA, WS1, []);
    env.demo.ksc.setStatusMask(ALPHA, WS2, []);

    // The signal arrives while the tenant is in flight: after its devices were read, before any close.
    const controller = new AbortController();
    const c = await env.connect();
    const listDevices = c.platform.listDevices.bind(c.platform);
    c.platform.listDevices = async (tenant) => {
      const devices = await listDevices(tenant);
      controller.abort('writes were paused');
      return devices;
    };
    env.demo.autotask.clearRequests();
    try {
      const r = await runTickets({ integration: env.integration, platform: c.platform, psa: c.psa, ledger, now: new Date(), dryRun: false, personCheckMs: 0, signal: controller.signal });
      expect(r.status).toBe('abandoned');
      expect(r.totals.closed).toBe(0);
    } finally {
      await c.close();
    }
    expect(writes()).toEqual([]);
    expect(env.tickets().filter((t) => t.status === 1)).toHaveLength(opened);

    const next = await env.run(ledger);
    expect(next.status).toBe('ok');
    expect(next.totals.closed).toBe(opened);
    expect(env.tickets().filter((t) => t.status === 1)).toHaveLength(0);
  });

  it('a signal already given: reads nothing it need not, writes nothing, ends abandoned', async () => {
    env.demo.ksc.addEvent(ALPHA, { id: 9001, severity: 'critical', type: 'GNRL_EV_VIRUS_FOUND', typeName: 'Malicious object detected', description: 'x', host: WS1 } as never);
    const ledger = env.ledger();
    const controller = new AbortController();
    controller.abort('the agent is stopping (SIGTERM)');
    env.demo.autotask.clearRequests();
    const r = await env.run(ledger, { signal: controller.signal });
    expect(r.status).toBe('abandoned');
    expect(writes()).toEqual([]);
    expect(ledger.listRuns({ job: 'tickets' })[0]!.status).toBe('abandoned');
  });
});

describe('a signal during a lookup', () => {
  it('stops the create that would follow the tag lookup', async () => {
    env.demo.ksc.addEvent(ALPHA, { id: 9101, severity: 'critical', type: 'GNRL_EV_VIRUS_FOUND', typeName: 'Malicious object detected', description: 'x', host: WS1 } as never);
    const ledger = env.ledger();
    const controller = new AbortController();
    const c = await env.connect();
    // The lookup is one tag, or many at once where the PSA can: the signal arrives during either.
    const find = c.psa.findTicketsByTag.bind(c.psa);
    c.psa.findTicketsByTag = async (tag) => {
      const found = await find(tag);
      controller.abort('writes were paused'); // arrives while the lookup is on the wire
      return found;
    };
    const findMany = c.psa.findTicketsByTags?.bind(c.psa);
    if (findMany) {
      c.psa.findTicketsByTags = async (tags) => {
        const found = await findMany(tags);
        controller.abort('writes were paused');
        return found;
      };
    }
    env.demo.autotask.clearRequests();
    try {
      const r = await runTickets({ integration: env.integration, platform: c.platform, psa: c.psa, ledger, now: new Date(), dryRun: false, personCheckMs: 0, signal: controller.signal });
      expect(r.status).toBe('abandoned');
    } finally {
      await c.close();
    }
    expect(writes()).toEqual([]);
  });
});
