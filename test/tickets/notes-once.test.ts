// A repeat note is written to the PSA ticket exactly once, for every simulated PSA (the registry's
// kinds) over the KSC simulator: the PSA wrote it but its answer was lost (reset-after,
// error-after on the note's POST), the request went out and was not carried out (reset-before,
// then its landing window passes), the PSA refused it (a 4xx), and a pass killed (-9) while the PSA
// still held the note's POST, which lands after the restart. The notes are read back from the PSA
// through the connector (Psa.ticketNotes) and counted in the simulator's own state.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPlatform, createPsa } from '../../source/connectors/factory.js';
import type { Integration, KmspConfig, TicketingSettings } from '../../source/domain/config.js';
import { eventTicketKey } from '../../source/domain/ticketEngine.js';
import { startDemo, type DemoEnvironment } from '../../source/demo/environment.js';
import { holdWrites, psaSimulator, SIMULATED_PSA_KINDS, type PsaSimulatorEntry, type SimulatedPsaKind, type WriteRequest } from '../../source/simulators/registry.js';
import { openConfig } from '../../source/store/config.js';
import { openLedger, type Ledger } from '../../source/store/ledger.js';
import { resolvePaths } from '../../source/store/paths.js';
import { openSecretStore } from '../../source/store/secrets.js';
import { EVENTS_STREAM, runTickets, type TicketRunOptions, type TicketRunResult } from '../../source/tickets/run.js';
import { exitWithin, spawnAgent, until } from '../agent/helpers.js';
import { fixtureDir } from '../billing/helpers.js';
import { ALPHA, WS1 } from './helpers.js';

const FIRST = 6301;
const KEY = eventTicketKey('demo', ALPHA, String(FIRST));
/** The note's POST, whatever the PSA: every connector adds a note under the ticket's path …/{id}/notes. */
const NOTE_POST = { pathIncludes: '/notes', method: 'POST' } as const;

/** Critical events on (lifetime one day), every other rule off: event tickets and their repeat notes only. */
function criticalEventsOnly(ticketing: TicketingSettings): TicketingSettings {
  const sections = Object.fromEntries(
    Object.entries(ticketing.sections).map(([id, rules]) => [id, rules.map((r) => (id === 'events' && r.key === 'critical' ? { ...r, enabled: true, lifetimeDays: 1 } : { ...r, enabled: false }))]),
  );
  return { ...ticketing, sections };
}

interface NotesEnv {
  kind: SimulatedPsaKind;
  demo: DemoEnvironment<SimulatedPsaKind, 'ksc'>;
  configDir: string;
  ledger(): Ledger;
  run(ledger: Ledger, extra?: Partial<TicketRunOptions>): Promise<TicketRunResult>;
  /** kmsp's notes on a PSA ticket, read back through the connector. */
  notes(ticketId: string): Promise<Array<{ title: string; description: string }>>;
  /** How many notes the PSA simulator holds on a ticket (its own state). */
  heldNotes(ticketId: string): number;
  close(): Promise<void>;
}

async function startNotesEnv(kind: SimulatedPsaKind): Promise<NotesEnv> {
  const demo = (await startDemo({ psa: kind, platform: 'ksc', fixturesDir: fixtureDir('tickets-basic') })) as unknown as DemoEnvironment<SimulatedPsaKind, 'ksc'>;
  const paths = resolvePaths({ configDir: demo.configDir });
  const secrets = openSecretStore({ paths, backends: ['file'] });
  const lookup = (name: string) => secrets.get(name);
  const base = demo.config.integrations[0]!;
  const probe = await createPsa(base, lookup);
  const account = (await probe.listAccounts()).find((a) => a.name === 'Alpha Dental');
  await probe.close();
  if (!account) throw new Error(`the ${kind} dataset of tickets-basic has no account Alpha Dental`);
  const integration: Integration = {
    ...base,
    tenants: [{ tenantId: ALPHA, tenantName: 'Alpha Dental', accountId: account.id, accountName: account.name, billing: false, contractId: null, contractName: null }],
    ticketing: criticalEventsOnly(base.ticketing),
  };
  const config: KmspConfig = { ...demo.config, integrations: [integration] };
  openConfig({ paths }).save(config, { actor: 'notes test' });
  const ledgers: Ledger[] = [];
  const connect = async () => {
    const [platform, psa] = await Promise.all([createPlatform(integration, lookup), createPsa(integration, lookup)]);
    return { platform, psa, close: async () => void (await Promise.all([platform.close(), psa.close()])) };
  };
  // The registry's general type: this harness runs the same for every kind.
  const entry: PsaSimulatorEntry = psaSimulator(kind as string);
  return {
    kind,
    demo,
    configDir: demo.configDir,
    ledger() {
      const l = openLedger({ paths });
      ledgers.push(l);
      return l;
    },
    async run(ledger, extra = {}) {
      const c = await connect();
      try {
        return await runTickets({ integration, platform: c.platform, psa: c.psa, ledger, now: new Date(), dryRun: false, personCheckMs: 0, ...extra });
      } finally {
        await c.close();
      }
    },
    async notes(ticketId) {
      const c = await connect();
      try {
        return (await c.psa.ticketNotes(ticketId)).filter((n) => n.title.startsWith('kmsp:'));
      } finally {
        await c.close();
      }
    },
    heldNotes: (ticketId) => entry.snapshot(demo.psa, new Date().toISOString().slice(0, 10)).tickets.find((t) => t.id === ticketId)?.notes ?? 0,
    async close() {
      for (const l of ledgers) l.close();
      await demo.close();
    },
  };
}

describe.each(SIMULATED_PSA_KINDS)('repeat notes are written once (%s)', (kind) => {
  let env: NotesEnv;
  beforeEach(async () => {
    env = await startNotesEnv(kind);
  });
  afterEach(async () => env.close());

  const critical = (id: number) =>
    env.demo.ksc.addEvent(ALPHA, { id, severity: 'critical', type: 'GNRL_EV_VIRUS_FOUND', typeName: 'Malicious object detected', description: `Trojan ${id}`, host: WS1 } as never);
  const cursor = (ledger: Ledger) => ledger.getCursor('demo', ALPHA, EVENTS_STREAM);

  /** The event ticket of FIRST, opened by a clean pass: its PSA id, and the cursor after it. */
  async function openTicket(ledger: Ledger): Promise<{ ticketId: string; before: string | null; notesBefore: number }> {
    critical(FIRST);
    const opened = await env.run(ledger);
    expect(opened.totals, JSON.stringify(opened.errors)).toMatchObject({ created: 1, errors: 0 });
    const ticketId = ledger.getTicket(KEY)!.psaTicketId!;
    expect(await env.notes(ticketId)).toEqual([]);
    return { ticketId, before: cursor(ledger), notesBefore: env.heldNotes(ticketId) };
  }

  /** After the pass that settles it: one note on the PSA ticket and in the ledger, its event noted, nothing pending, the cursor past it. */
  async function writtenOnce(ledger: Ledger, ticketId: string, eventId: number, before: string | null, notesBefore: number): Promise<void> {
    const notes = await env.notes(ticketId);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.description).toMatch(new RegExp(`^Occurred again at .*: Malicious object detected — Trojan ${eventId}$`));
    expect(env.heldNotes(ticketId)).toBe(notesBefore + 1);
    expect(ledger.listTicketNotes(KEY).map((n) => n.text)).toEqual([notes[0]!.description]);
    expect(ledger.getTicket(KEY)!.repeatCount).toBe(1);
    expect(ledger.handledEvent('demo', ALPHA, String(eventId))).toEqual({ outcome: 'noted', detail: KEY });
    expect(ledger.listPendingNotes()).toEqual([]);
    expect(cursor(ledger)).not.toBe(before);
    // A further pass has nothing left to write.
    const idle = await env.run(ledger);
    expect(idle.totals).toMatchObject({ notes: 0, created: 0, errors: 0 });
    expect(env.heldNotes(ticketId)).toBe(notesBefore + 1);
  }

  it.each(['reset-after', 'error-after'])('the PSA wrote the note but its answer was lost (%s): the next pass finds it and writes none', async (fault) => {
    const ledger = env.ledger();
    const { ticketId, before, notesBefore } = await openTicket(ledger);
    critical(FIRST + 1);
    env.demo.psa.faults.set({ seed: 11, rate: 1, limit: 1, kinds: [fault], ...NOTE_POST });
    const lost = await env.run(ledger);
    expect(env.demo.psa.faults.stats().injected[fault]).toBe(1);
    env.demo.psa.faults.set(null);
    expect(lost.status).toBe('partial');
    expect(lost.errors).toHaveLength(1);
    // Written on the PSA, not yet in the ledger: pending, its event unhandled, the cursor where it was.
    expect(env.heldNotes(ticketId)).toBe(notesBefore + 1);
    expect(ledger.listPendingNotes()).toMatchObject([{ ticketKey: KEY, eventIds: [String(FIRST + 1)] }]);
    expect(Date.parse(ledger.listPendingNotes()[0]!.landsBy)).toBeGreaterThan(Date.now());
    expect(ledger.handledEvent('demo', ALPHA, String(FIRST + 1))).toBeNull();
    expect(cursor(ledger)).toBe(before);

    const next = await env.run(ledger);
    expect(next, JSON.stringify(next.errors)).toMatchObject({ status: 'ok', pendingNotes: [], totals: { notes: 1, created: 0, errors: 0 } });
    await writtenOnce(ledger, ticketId, FIRST + 1, before, notesBefore);
  });

  it('a note sent and not carried out (reset-before) waits while it may still land, then is written once', async () => {
    const ledger = env.ledger();
    const { ticketId, before, notesBefore } = await openTicket(ledger);
    critical(FIRST + 1);
    env.demo.psa.faults.set({ seed: 11, rate: 1, limit: 1, kinds: ['reset-before'], ...NOTE_POST });
    const lost = await env.run(ledger);
    env.demo.psa.faults.set(null);
    expect(lost.status).toBe('partial');
    expect(env.heldNotes(ticketId)).toBe(notesBefore);
    expect(ledger.listPendingNotes()).toHaveLength(1);

    // Not on the ticket, and the PSA may still apply it: it waits, said as a notice, not an error.
    const waiting = await env.run(ledger);
    expect(waiting).toMatchObject({ status: 'ok', errors: [], totals: { notes: 0, errors: 0 } });
    expect(waiting.pendingNotes).toEqual([{ tenantId: ALPHA, tenantName: 'Alpha Dental', ticket: expect.any(String), until: ledger.listPendingNotes()[0]!.landsBy }]);
    expect(env.heldNotes(ticketId)).toBe(notesBefore);
    expect(ledger.handledEvent('demo', ALPHA, String(FIRST + 1))).toBeNull();
    expect(cursor(ledger)).toBe(before);

    // Its window passed (the real clock; moved here in the ledger) and it never showed up: sent again, once.
    ledger.db.prepare('UPDATE pending_notes SET lands_by = ?').run(new Date(Date.now() - 1000).toISOString());
    const resent = await env.run(ledger);
    expect(resent, JSON.stringify(resent.errors)).toMatchObject({ status: 'ok', pendingNotes: [], totals: { notes: 1, errors: 0 } });
    await writtenOnce(ledger, ticketId, FIRST + 1, before, notesBefore);
  });

  it('a pass that died between the create and recording its event: the next pass records the event as the ticket’s own, with no note', async () => {
    const ledger = env.ledger();
    const { ticketId, notesBefore } = await openTicket(ledger);
    // What a kill right after the create leaves: the ticket row has the PSA's id, but neither the
    // event's outcome nor the cursor past it was written.
    const db = new Database(resolvePaths({ configDir: env.configDir }).ledgerFile);
    try {
      db.prepare("DELETE FROM cursors WHERE integration = 'demo' AND tenant_id = ? AND (stream = ? OR stream = ?)").run(ALPHA, EVENTS_STREAM, `handled-event:${FIRST}`);
    } finally {
      db.close();
    }
    expect(ledger.handledEvent('demo', ALPHA, String(FIRST))).toBeNull();
    const rerun = await env.run(ledger);
    expect(rerun.totals, JSON.stringify(rerun.errors)).toMatchObject({ created: 0, notes: 0, errors: 0 });
    expect(await env.notes(ticketId)).toEqual([]);
    expect(env.heldNotes(ticketId)).toBe(notesBefore);
    expect(ledger.handledEvent('demo', ALPHA, String(FIRST))).toEqual({ outcome: 'created', detail: KEY });
  });

  it('a note the PSA refused (a 4xx) is not pending: the next pass writes it', async () => {
    const ledger = env.ledger();
    const { ticketId, before, notesBefore } = await openTicket(ledger);
    critical(FIRST + 1);
    const sim = env.demo.psa as unknown as { inject(i: WriteRequest & { kind: string; status: number; message: string }): void };
    for (const w of psaSimulator(kind as string).writes.note) sim.inject({ ...w, kind: 'error', status: 400, message: 'The note was refused.' });
    const refused = await env.run(ledger);
    expect(refused.status).toBe('partial');
    expect(refused.errors).toHaveLength(1);
    expect(env.heldNotes(ticketId)).toBe(notesBefore);
    expect(ledger.listPendingNotes()).toEqual([]);
    expect(ledger.handledEvent('demo', ALPHA, String(FIRST + 1))).toBeNull();
    expect(cursor(ledger)).toBe(before);

    const next = await env.run(ledger);
    expect(next, JSON.stringify(next.errors)).toMatchObject({ status: 'ok', totals: { notes: 1, errors: 0 } });
    await writtenOnce(ledger, ticketId, FIRST + 1, before, notesBefore);
  });

  it('a pass killed (-9) while the PSA holds the note: the rerun waits for it, and once it lands records it without a second note', async () => {
    const ledger = env.ledger();
    const { ticketId, before, notesBefore } = await openTicket(ledger);
    critical(FIRST + 1);
    const hold = holdWrites(psaSimulator(kind as string), env.demo.psa, 'note');
    const agent = spawnAgent(env.configDir, ['--once', '--job', 'tickets']);
    try {
      await until(() => hold.held() === 1, 'the note held by the PSA', 30_000, () => agent.output().stderr);
      agent.child.kill('SIGKILL');
      await exitWithin(agent, 10_000);
      expect(ledger.listPendingNotes()).toMatchObject([{ ticketKey: KEY, eventIds: [String(FIRST + 1)] }]);

      // The restarted agent's pass: the note may still land, so it waits — a notice, not a failure.
      const restart = spawnAgent(env.configDir, ['--once', '--job', 'tickets']);
      expect(await exitWithin(restart, 30_000), restart.output().stderr).toBe(0);
      const told = restart.output().stdout;
      expect(told).toMatch(/Alpha Dental: a repeat note on .+ got no answer and may still be written by .+ until \d{4}-\d\d-\d\dT[\d:.]+Z; its events wait, looked for again next poll/);
      expect(env.heldNotes(ticketId)).toBe(notesBefore);
      expect(ledger.listPendingNotes()).toHaveLength(1);
      expect(ledger.handledEvent('demo', ALPHA, String(FIRST + 1))).toBeNull();
      expect(cursor(ledger)).toBe(before);

      hold.release();
      await until(() => env.heldNotes(ticketId) === notesBefore + 1, 'the held note to land');
      const after = await env.run(ledger);
      expect(after, JSON.stringify(after.errors)).toMatchObject({ status: 'ok', pendingNotes: [], totals: { notes: 1, errors: 0 } });
      await writtenOnce(ledger, ticketId, FIRST + 1, before, notesBefore);
    } finally {
      hold.release();
      if (agent.child.exitCode === null) agent.child.kill('SIGKILL');
    }
  }, 60_000);
});
