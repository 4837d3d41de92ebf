// A ledger that stops taking writes during a ticket pass (a disk that filled up or was remounted
// read-only; simulated with SQLite's query_only once the devices are read): no ticket is created
// without its ledger row, and the pass ends with what happened and what to do.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KmspError } from '../../source/domain/errors.js';
import { RUN_LOCK_STALE_MS } from '../../source/store/ledger.js';
import { runTickets } from '../../source/tickets/run.js';
import { ALPHA, startTicketEnv, WS1, type TicketEnv } from './helpers.js';

let env: TicketEnv;
beforeEach(async () => {
  env = await startTicketEnv();
});
afterEach(async () => env.close());

const DB = 7; // databases out of date

describe('ticket pass with a ledger that cannot be written', () => {
  it('creates nothing, and fails with the ledger named, the cause and the remedy', async () => {
    const ledger = env.ledger();
    env.demo.ksc.setStatusMask(ALPHA, WS1, [DB]);
    const before = env.tickets().length;
    const c = await env.connect();
    const listDevices = c.platform.listDevices.bind(c.platform);
    c.platform.listDevices = async (tenant) => {
      const devices = await listDevices(tenant);
      ledger.db.pragma('query_only = ON');
      return devices;
    };
    let error: unknown = null;
    try {
      await runTickets({ integration: env.integration, platform: c.platform, psa: c.psa, ledger, now: new Date(), dryRun: false, personCheckMs: 0 });
    } catch (e) {
      error = e;
    } finally {
      await c.close();
    }
    expect(error).toBeInstanceOf(KmspError);
    expect((error as KmspError).message).toBe(`The ledger ${ledger.file} cannot be written, so nothing more is posted or ticketed in this run`);
    expect((error as KmspError).remedy).toMatch(/make it writable for the agent's user again/);
    expect(env.tickets()).toHaveLength(before);
    // Writable again: the run that could not record its end holds the lock until its heartbeat is
    // stale (RUN_LOCK_STALE_MS; simulated here), then the next pass takes over and creates the ticket.
    ledger.db.pragma('query_only = OFF');
    const stale = new Date(Date.now() - RUN_LOCK_STALE_MS - 60_000).toISOString();
    ledger.db.prepare("UPDATE runs SET heartbeat_at = ?, started_at = ? WHERE status = 'running'").run(stale, stale);
    await env.run(ledger);
    expect(env.tickets().length).toBeGreaterThan(before);
  });
});
