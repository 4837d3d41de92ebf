// One pass of the agent's ticket job for one integration (README › Ticket rules):
// lock, then per mapped tenant (failures kept per tenant, the others go on) events from the
// ledger cursor and the current device statuses, decided by the pure engine
// (domain/ticketEngine.ts) and carried out here with the ledger as the memory.
//
// Decisions (tested in test/tickets/):
// - Requests: tenants are worked a chunk at a time (LOOKAHEAD_TENANTS). The chunk's platform
//   answers are read first, and the tags its new tickets would carry, and those of its open
//   tickets due for a status check, are looked up in the PSA many per request
//   (Psa.findTicketsByTags); then each tenant's tickets are carried out. Tickets whose create
//   answer lacked their number are read back by tag once per chunk.
// - No duplicates: a ticket's ledger row is written BEFORE the PSA create (state open, no PSA
//   id = "pending"). A later run that meets a pending row asks the PSA for its tag
//   (findTicketsByTag(fitTag(key, tagMax))): found → recorded (reconciled), not found → created. A key
//   whose row has a PSA id is never created again. "Not found" means "not created" only once
//   the create can no longer land (the row's landsBy: a slow PSA may still be carrying out the
//   create of a process that was killed); until then the ticket waits, is looked for again on
//   the next poll, and is adopted when it shows up.
// - Events are handled once: each handled event is recorded in the ledger (Ledger.recordTicketEvents) (created, noted
//   or skipped with the engine's reason); the tenant's cursor (stream 'events') advances only
//   when every event of the page is handled. An error or a held-back ticket keeps the cursor
//   where it was: the next poll reads those events again and handles only what is left.
// - A repeat note is written once: it is recorded pending (ledger pending_notes: its text, its
//   events, landsBy) before the PSA is asked, and recorded as written — its events handled — in
//   one transaction after. A pending note met by a later pass (a kill between the two, or an
//   answer that never came) is looked for among the ticket's notes: found → recorded, not sent
//   again; not found and past landsBy → dropped, its events noted as usual; not found and it may
//   still land → it waits, with its events and the tenant's cursor (a notice says so). A note the
//   PSA refused outright cannot land: dropped at once.
// - Consolidation: an event's repeat key is integration + tenant + device + event type. While
//   an open event ticket of that repeat key exists (ledger open, and still open in the PSA
//   when asked), its events become ONE note per poll ("N more occurrences since …") instead
//   of tickets; a batch of repeats in one poll is one ticket (the oldest event) + one note.
//   Events without a device are never consolidated.
// - Statuses: the engine's key is the condition's repeat key. The first ticket of a condition
//   uses it as its key; after the condition cleared and came back, the next ticket gets
//   key#2, key#3 … (a fresh tag: the closed one is never found again by mistake).
// - Tenant conditions (a platform's condition rows, no device: KBH's Office 365 "Mailboxes
//   protection is not provided") go the way of statuses: the same ledger kind, deviceId null,
//   closed when the platform's complete list no longer has them. A platform without
//   conditions() reports none, and then none is closed.
// - Closing: a status ticket is closed with the closed status of its own scope where the PSA
//   keeps statuses per scope (a ConnectWise board's Closed status, read from the ticket's
//   board), else with General's. A board without one is an error naming the board. A PSA that
//   answers "not now" (closeTicket → deferred, e.g. a ticket open in its GUI) leaves the
//   ticket open in the ledger: counted as deferred, not as an error, and closed on a later pass.
// - Closed by a person: an open status ticket whose PSA status is the closed status (or
//   completed, or gone) while its condition is still active becomes closed-by-person in the
//   ledger and gets one note; it is neither re-opened nor re-created while the condition
//   persists. When the condition clears, the row becomes closed; when it comes back, a fresh
//   ticket (key#n) opens. PSA status checks of still-active tickets are spaced by
//   personCheckMs (default 10 minutes) to spare the API budget.
// - Breaker: per PSA account at most `limit` tickets created per rolling hour (ledger count,
//   pending rows included). What is beyond is held back — events stay before the cursor and
//   are retried on later polls (still subject to the rule's lifetime), status conditions are
//   simply decided again — and the account's most recent ticket gets one note per hour
//   saying how many were held back (or the run summary, when it has no ticket yet).
// - Inactive account: no ticket; each such tenant counts once in skippedInactive; its events
//   are recorded skipped (account-inactive) and the cursor advances.
// - Maintenance windows (README › Maintenance windows, domain/maintenance.ts): a status or tenant
//   condition a window covers now gets no ticket (the engine's `held` hook; one whose create is
//   pending from before is still settled); after the window, if still active, it is decided again
//   and gets its ticket. An event raised inside a window is recorded handled (skipped,
//   "maintenance") and the cursor moves on. Closing is never held. Each hold is reported per
//   window (result.maintenance), so the agent says what it held back and why.
// - Dry run and pause (agent.paused): reads only — no PSA write, no ledger write, no cursor move.
import pLimit from 'p-limit';
import { billingErrorLine, toBillingError } from '../billing/errors.js';
import type { Integration, TenantMapping } from '../domain/config.js';
import { isKmspError, KmspError, PassAbandoned, throwIfAbandoned } from '../domain/errors.js';
import type { Psa, SecurityPlatform } from '../domain/ports.js';
import { platformProfile, psaProfile } from '../domain/profiles/index.js';
import type { PlatformProfile, PsaProfile } from '../domain/profiles/types.js';
import { applyBreaker, decideConditionTickets, decideEventTickets, decideStatusTickets, fitTag, type OpenStatusTicket, type TicketDraft } from '../domain/ticketEngine.js';
import { coveringWindow, effectiveEnd, windowTarget, type MaintenanceWindow } from '../domain/maintenance.js';
import { choiceValue, roleChoice, roleSpec, scopeFieldSpec, scopedGeneral } from '../domain/ticketSchema.js';
import type { CloseOutcome, Device, EventPage, PsaAccount, PsaTicket, SecurityEvent, Tenant, TenantCondition } from '../domain/types.js';
import { landingDeadline, ledgerWriteFailure, type Ledger, type PendingNote, type TicketRecord } from '../store/ledger.js';
import { emptyTotals, type DeferredClose, type MaintenanceHold, type PendingNoteNotice, type TicketRunError, type TicketTotals } from './types.js';

export const EVENTS_STREAM = 'events';
export const BREAKER_NOTE_TITLE = 'kmsp: tickets held back';
const HOUR_MS = 3_600_000;

export interface TicketRunOptions {
  integration: Integration;
  platform: SecurityPlatform;
  psa: Psa;
  /** Needed unless dryRun or paused; read (cursors, known tickets) when given in a dry run. */
  ledger: Ledger | null;
  now: Date;
  dryRun: boolean;
  paused?: boolean;
  /** agent.ticketsPerAccountPerHour (default 20). */
  ticketsPerAccountPerHour?: number;
  /** Tenants worked on at once (default 4). */
  concurrency?: number;
  /** Minimum time between two PSA status reads of one still-active ticket (default 10 min). */
  personCheckMs?: number;
  heartbeatMs?: number;
  /** Test seam: runs after the PSA created a ticket and before the ledger records it. A throw is the death of the process. */
  afterCreate?: (ticket: { key: string; psaTicketId: string }) => void | Promise<void>;
  /**
   * Aborted (SIGTERM, pause): no further tenant begins and no further PSA write (create, close,
   * note) is made; one already sent completes and is recorded. A tenant stopped that way keeps
   * its event cursor, so the next pass handles what is left. The run ends `abandoned`.
   */
  signal?: AbortSignal;
}

export interface TicketRunResult {
  runId: number | null;
  totals: TicketTotals;
  errors: TicketRunError[];
  /** Closes the PSA put off this pass (tickets kept open, tried again next pass); not errors. */
  deferred: DeferredClose[];
  /** Repeat notes of earlier passes that may still land: their events wait (not errors). */
  pendingNotes: PendingNoteNotice[];
  /** Accounts whose breaker held tickets back: how many, and whether a note said so. */
  breaker: Array<{ accountId: string; heldBack: number; notedOn: string | null }>;
  /** What maintenance windows held back this pass, one entry per window. */
  maintenance: MaintenanceHold[];
  status: 'ok' | 'partial' | 'abandoned';
}

/** A hook failure is the simulated death of the process: it stops the run, never read as a PSA failure. */
class Interrupted extends Error {
  constructor(readonly inner: unknown) {
    super('interrupted');
  }
}

interface Ctx {
  o: TicketRunOptions;
  integration: Integration;
  ledger: Ledger | null;
  writes: boolean;
  runId: number | null;
  now: Date;
  limit: number;
  psaProfile: PsaProfile;
  platformProfile: PlatformProfile;
  totals: TicketTotals;
  errors: TicketRunError[];
  deferred: DeferredClose[];
  pendingNotes: PendingNoteNotice[];
  held: Map<string, number>;
  /** The integration's maintenance windows by tenant (the ledger's; none without a ledger). */
  windows: Map<string, MaintenanceWindow[]>;
  /** What the windows held back, by window id. */
  holds: Map<number, MaintenanceHold>;
  /** The platform's answers for a tenant, read ahead of its PSA work (tenant id → reads). */
  reads: Map<string, TenantReads>;
  /** Tags looked up in the PSA ahead of the creates, many per request (lookAhead). */
  tags: TagLookup;
  /** Tickets created this pass whose create answer lacked their number: read back by tag (readBackCreated). */
  readBack: Array<{ key: string; psaTicketId: string; tag: string; m: Who }>;
  interrupted: boolean;
  /** The signal stopped the pass at a safe point. */
  abandoned: boolean;
}

export async function runTickets(options: TicketRunOptions): Promise<TicketRunResult> {
  const writes = !options.dryRun && !options.paused;
  const ledger = options.ledger;
  if (writes && !ledger) throw new Error('runTickets needs a ledger unless dryRun or paused');
  // Before the lock: an unknown kind is refused with nothing begun.
  const profiles = { psaProfile: psaProfile(options.integration.psa.kind), platformProfile: platformProfile(options.integration.platform.kind) };
  // Throws KmspError 'run-locked' naming the holder when another ticket run is in progress.
  const runId = writes ? ledger!.acquireRun({ job: 'tickets' }).runId : null;
  const beat = writes && runId !== null ? setInterval(() => ledger!.heartbeat(runId), options.heartbeatMs ?? 30_000) : null;
  beat?.unref();
  const ctx: Ctx = {
    o: options,
    integration: options.integration,
    ledger,
    writes,
    runId,
    now: options.now,
    limit: options.ticketsPerAccountPerHour ?? 20,
    ...profiles,
    totals: emptyTotals(),
    errors: [],
    deferred: [],
    pendingNotes: [],
    held: new Map(),
    // Past windows too: an event read late is judged by the moment it was raised.
    windows: windowsByTenant(ledger ? ledger.maintenanceWindows({ integration: options.integration.name, all: true }) : []),
    holds: new Map(),
    reads: new Map(),
    tags: { asked: new Set(), found: new Map() },
    readBack: [],
    interrupted: false,
    abandoned: false,
  };
  try {
    const mapped = options.integration.tenants.filter((m) => m.accountId);
    const [tenants, accounts] = mapped.length ? await Promise.all([options.platform.listTenants(), options.psa.listAccounts({ customFieldsOf: [] })]) : [[], []];
    const tenantById = new Map(tenants.map((t) => [t.id, t]));
    const accountById = new Map(accounts.map((a) => [a.id, a]));
    const limit = pLimit(Math.max(1, options.concurrency ?? 4));
    // Tenants are worked on a chunk at a time: first the platform's answers of the chunk are read
    // and the tags its new tickets would carry are looked up in the PSA, many per request; then
    // each tenant's tickets are carried out. So a pass asks the PSA for tags a chunk at a time,
    // not once per ticket, and holds the platform's answers of one chunk only.
    for (let at = 0; at < mapped.length; at += LOOKAHEAD_TENANTS) {
      const chunk = mapped.slice(at, at + LOOKAHEAD_TENANTS);
      await lookAhead(ctx, chunk, tenantById, accountById, limit);
      const settled = await Promise.allSettled(
        chunk.map((m) =>
          limit(async () => {
            if (ctx.interrupted) return;
            if (options.signal?.aborted) {
              ctx.abandoned = true;
              return;
            }
            try {
              await syncTenant(ctx, m, tenantById.get(m.tenantId) ?? null, accountById.get(m.accountId!) ?? null);
            } catch (error) {
              if (error instanceof PassAbandoned) {
                ctx.abandoned = true;
                return;
              }
              if (error instanceof Interrupted) {
                ctx.interrupted = true;
                throw error;
              }
              fail(ctx, m, error);
            } finally {
              ctx.reads.delete(m.tenantId);
            }
          }),
        ),
      );
      ctx.reads.clear();
      ctx.tags = { asked: new Set(), found: new Map() };
      const stop = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (stop) throw stop.reason instanceof Interrupted ? stop.reason.inner : stop.reason;
      // Stopped (a pause, SIGTERM): nothing more is sent; the numbers are asked for by a later pass.
      if (ctx.interrupted || ctx.abandoned || options.signal?.aborted) break;
      await readBackCreated(ctx);
    }
    // Abandoned: the breaker's notes wait for a complete pass (the held-back count is not final).
    const breaker = ctx.abandoned ? [] : await breakerNotes(ctx);
    const status = ctx.abandoned ? 'abandoned' : ctx.totals.errors > 0 ? 'partial' : 'ok';
    if (writes && runId !== null) {
      ledger!.finishRun(runId, {
        status,
        summary: { integration: options.integration.name, ...ctx.totals },
        error: ctx.errors.length ? ctx.errors.slice(0, 20).map(billingErrorLine).join('\n') : null,
      });
    }
    return { runId, totals: ctx.totals, errors: ctx.errors, deferred: ctx.deferred, pendingNotes: ctx.pendingNotes, breaker, maintenance: [...ctx.holds.values()], status };
  } catch (caught) {
    const unwritable = ledger ? ledgerWriteFailure(caught, ledger.file) : null;
    // A ledger that cannot be written cannot record the failed run either: the error says so.
    if (writes && runId !== null && !unwritable) ledger!.finishRun(runId, { status: 'failed', error: caught instanceof Error ? caught.message : String(caught) });
    throw unwritable ?? caught;
  } finally {
    if (beat) clearInterval(beat);
  }
}

/** The tenant a failure is reported for. */
type Who = Pick<TenantMapping, 'tenantId' | 'tenantName'>;

function fail(ctx: Ctx, m: Who | null, error: unknown, what?: string): void {
  ctx.totals.errors++;
  ctx.errors.push({ ...toBillingError(error, what ?? (m ? `Tickets of “${m.tenantName}”` : undefined)), tenantId: m?.tenantId ?? null, tenantName: m?.tenantName ?? null });
}

/** A close the PSA put off: not an error; the ticket stays open in the ledger and the next pass tries again. */
function deferred(ctx: Ctx, m: TenantMapping, key: string, ticket: string, why: string): void {
  ctx.totals.deferred++;
  ctx.deferred.push({ tenantId: m.tenantId, tenantName: m.tenantName, ticket, reason: why });
  // The ledger says why it is still open ("close pending (locked by …)") until a pass closes it.
  ctx.ledger?.markClosePending(key, why, ctx.now);
}

async function syncTenant(ctx: Ctx, m: TenantMapping, tenant: Tenant | null, account: PsaAccount | null): Promise<void> {
  if (!tenant) {
    fail(ctx, m, new Error(`Tenant “${m.tenantName}” (${m.tenantId}) is no longer on the platform`), 'Tickets');
    return;
  }
  if (account && !account.active) ctx.totals.skippedInactive++;
  // Events and statuses of one tenant fail independently.
  try {
    await syncEvents(ctx, m, tenant, account);
  } catch (error) {
    if (error instanceof Interrupted || error instanceof PassAbandoned) throw error;
    fail(ctx, m, error, `Event tickets of “${m.tenantName}”`);
  }
  try {
    await syncStatuses(ctx, m, tenant, account);
  } catch (error) {
    if (error instanceof Interrupted || error instanceof PassAbandoned) throw error;
    fail(ctx, m, error, `${cap(ctx.psaProfile.words.tickets)} for device statuses of “${m.tenantName}”`);
  }
}

// ---------------------------------------------------------------- events

function initialWindowDays(ctx: Ctx): number {
  const section = ctx.platformProfile.sections.find((s) => s.rowKind === 'severity');
  const rules = section ? (ctx.integration.ticketing.sections[section.id] ?? []) : [];
  const days = rules.filter((r) => r.enabled).map((r) => r.lifetimeDays);
  return Math.max(1, ...days.filter((d): d is number => typeof d === 'number' && Number.isFinite(d) && d > 0));
}

export function eventRepeatKey(integration: string, event: SecurityEvent): string | null {
  return event.deviceId ? `${integration}|${event.tenantId}|${event.deviceId}|${event.type}` : null;
}

interface EventGroup {
  repeatKey: string | null;
  first: TicketDraft;
  events: SecurityEvent[];
}

async function syncEvents(ctx: Ctx, m: TenantMapping, tenant: Tenant, account: PsaAccount | null): Promise<void> {
  const { integration, ledger, o } = ctx;
  const page = await readsOf(ctx, tenant).page;
  ctx.totals.events += page.events.length;
  // Repeat notes of earlier passes not known to be written are settled first; the events of one
  // that may still land wait (a dry run only reads: they wait too).
  const waiting = !ledger ? new Set<string>() : ctx.writes ? await settlePendingNotes(ctx, m, tenant.id) : eventsOf(ledger.pendingNotesFor(integration.name, tenant.id));
  const handled = ledger ? ledger.handledEventIds(integration.name, tenant.id, page.events.map((e) => e.id)) : new Set<string>();
  const fresh = page.events.filter((e) => !handled.has(e.id) && !waiting.has(e.id));
  const byId = new Map(fresh.map((e) => [e.id, e]));
  const decision = withoutMaintenance(ctx, m, decideEventTickets({ integration, mapping: m, account, events: fresh, now: ctx.now }), byId, true);

  // Group by repeat key, in event order (oldest first: the platform delivers by rise time).
  const groups: EventGroup[] = [];
  const byRepeat = new Map<string, EventGroup>();
  for (const draft of decision.create) {
    const event = byId.get(draft.eventId!)!;
    const rk = eventRepeatKey(integration.name, event);
    const seen = rk ? byRepeat.get(rk) : undefined;
    if (seen) seen.events.push(event);
    else {
      const g = { repeatKey: rk, first: draft, events: [event] };
      groups.push(g);
      if (rk) byRepeat.set(rk, g);
    }
  }

  if (!ctx.writes) {
    for (const g of groups) if (!(g.repeatKey && ledger && openTicketOf(ledger, integration.name, g.repeatKey))) ctx.totals.wouldCreate++;
    return;
  }
  const l = ledger!;
  l.recordTicketEvents(decision.skipped.map((s) => ({ integration: integration.name, tenantId: tenant.id, eventId: s.eventId, outcome: 'skipped' as const, reason: s.reason, runId: ctx.runId })));

  // A waiting note's events are not handled yet: the cursor stays before them.
  let complete = !page.events.some((e) => waiting.has(e.id));
  const needCreate: EventGroup[] = [];
  for (const g of groups) {
    const open = g.repeatKey ? await stillOpen(ctx, openTicketOf(l, integration.name, g.repeatKey)) : null;
    if (open) {
      // The event that created this ticket, not yet recorded as handled: the process died between
      // the create (the ledger row has the PSA's id) and recording the event. It is the ticket's
      // own event, recorded so now, not a repeat to note on it.
      const own = g.events.filter((e) => e.id === open.eventId);
      if (own.length > 0) l.recordTicketEvents(own.map((e) => ({ integration: integration.name, tenantId: tenant.id, eventId: e.id, outcome: 'created' as const, ticketKey: open.key, runId: ctx.runId })));
      const repeats = g.events.filter((e) => e.id !== open.eventId);
      if (repeats.length > 0) await noteRepeats(ctx, open, repeats, tenant.id);
      continue;
    }
    needCreate.push(g);
  }
  // A pending row of the same key (a crash after create) is reconciled, not counted twice.
  const gate = breakerGate(ctx, m.accountId!, needCreate.filter((g) => !l.getTicket(g.first.key)).length);
  let budget = gate.allowed;
  for (const g of needCreate) {
    const pending = l.getTicket(g.first.key);
    if (!pending) {
      if (budget <= 0) {
        complete = false;
        continue;
      }
      budget--;
    }
    try {
      const row = await createOnce(ctx, g.first, { repeatKey: g.repeatKey, severity: null }, {
        recordWith: (r) => l.recordTicketEvents([{ integration: integration.name, tenantId: tenant.id, eventId: g.first.eventId!, outcome: 'created', ticketKey: r.key, runId: ctx.runId }]),
      });
      if (g.events.length > 1 && row.state === 'open') await noteRepeats(ctx, row, g.events.slice(1), tenant.id);
    } catch (error) {
      if (error instanceof Interrupted || error instanceof PassAbandoned) throw error;
      complete = false;
      fail(ctx, m, error, `${ticketWord(ctx)} for event ${g.first.eventId} of “${m.tenantName}”`);
    }
  }
  if (complete) l.setCursor(integration.name, tenant.id, EVENTS_STREAM, page.cursor);
}

/**
 * The event decision with the tickets of events raised inside a maintenance window taken out:
 * skipped "maintenance" (recorded handled, so the cursor moves on). A ticket whose create is
 * already pending (sent before the window was set) is left to be settled. `report`: counted in
 * the pass's holds (the tenant's own pass, not the look-ahead).
 */
function withoutMaintenance(ctx: Ctx, m: TenantMapping, d: ReturnType<typeof decideEventTickets>, byId: Map<string, SecurityEvent>, report: boolean): ReturnType<typeof decideEventTickets> {
  const windows = ctx.windows.get(m.tenantId);
  if (!windows) return d;
  const create: TicketDraft[] = [];
  const skipped = [...d.skipped];
  for (const draft of d.create) {
    const event = byId.get(draft.eventId!)!;
    const w = coveringWindow(windows, { tenantId: m.tenantId, deviceId: event.deviceId }, event.raisedAt);
    if (!w || ctx.ledger?.getTicket(draft.key)) {
      create.push(draft);
      continue;
    }
    skipped.push({ eventId: event.id, reason: 'maintenance' });
    if (report) holdOf(ctx, w).events++;
  }
  return { create, skipped };
}

/** Windows by tenant: a tenant without one costs one map lookup per pass, however many windows the ledger keeps. */
function windowsByTenant(windows: readonly MaintenanceWindow[]): Map<string, MaintenanceWindow[]> {
  const out = new Map<string, MaintenanceWindow[]>();
  for (const w of windows) out.set(w.tenantId, [...(out.get(w.tenantId) ?? []), w]);
  return out;
}

/** The pass's report of what window `w` held back (created on first use). */
function holdOf(ctx: Ctx, w: MaintenanceWindow): MaintenanceHold {
  let hold = ctx.holds.get(w.id);
  if (!hold) {
    hold = { windowId: w.id, tenantId: w.tenantId, tenantName: w.tenantName, target: windowTarget(w), until: new Date(effectiveEnd(w)).toISOString(), reason: w.reason, conditions: 0, events: 0 };
    ctx.holds.set(w.id, hold);
  }
  return hold;
}

function openTicketOf(ledger: Ledger, integration: string, repeatKey: string): TicketRecord | null {
  return ledger.ticketsByRepeatKey(integration, repeatKey).find((t) => t.state === 'open' && t.psaTicketId) ?? null;
}

/** The ticket if the PSA still has it open; else marks it closed (by a person) and returns null. */
async function stillOpen(ctx: Ctx, row: TicketRecord | null): Promise<TicketRecord | null> {
  if (!row) return null;
  const t = await ticketNow(ctx, row);
  if (t && !isClosed(ctx, t)) return row;
  ctx.ledger!.closeTicket(row.key, { state: 'closed-by-person', closedAt: t?.completedAt ?? ctx.now });
  return null;
}

/** The closed status for a ticket of `scope` (its board where statuses belong to one; General's otherwise), or null when not set. */
function closedStatusOf(ctx: Ctx, scope: string | null): string | null {
  return choiceValue(roleChoice(ctx.integration.ticketing, ctx.psaProfile, 'closed-status', scope));
}

function isClosed(ctx: Ctx, t: PsaTicket): boolean {
  if (t.completedAt !== null) return true;
  const closed = closedStatusOf(ctx, t.scope);
  return closed !== null && t.status === closed;
}

/** closeWithItsStatus found the ticket closed or gone: when it was closed, where the PSA says. */
type Already = { already: Date | null };
const isAlready = (o: CloseOutcome | Already): o is Already => 'already' in o;

const cap = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/** The PSA's word for a ticket, capitalised ("Ticket", "Service order"). */
function ticketWord(ctx: Ctx): string {
  return cap(ctx.psaProfile.words.ticket);
}

/** The tag written to the PSA for a key: fitted to the PSA's tag field (profile limits.tagMax). */
function tagOf(ctx: Ctx, key: string): string {
  return fitTag(key, ctx.psaProfile.limits.tagMax);
}

/**
 * Closes a status ticket with the closed status of its scope. The ticket is read first, unless
 * the caller has it: a person may have closed or deleted it meanwhile (while it was open in the
 * PSA's GUI, say), and their close — its status and time — must not be overwritten; and where
 * statuses belong to a scope, its board decides the closed status (the rule's board may have
 * changed since it was created). Returns the PSA's answer, or `already` (with the time it was
 * closed, where the PSA says) when the read shows it
 * closed or gone. No closed status for the scope is an error naming it, with the remedy.
 */
async function closeWithItsStatus(ctx: Ctx, psaTicketId: string, known?: PsaTicket): Promise<CloseOutcome | Already> {
  const perScope = ctx.psaProfile.ticketing.perScope !== undefined;
  let ticket = known ?? null;
  if (!ticket) {
    ticket = await ctx.o.psa.getTicket(psaTicketId);
    throwIfAbandoned(ctx.o.signal); // the read took a round trip
    if (!ticket || isClosed(ctx, ticket)) return { already: ticket?.completedAt ?? null };
  }
  const scope = perScope ? (ticket?.scope ?? null) : null;
  const status = closedStatusOf(ctx, scope);
  if (!status) throw noClosedStatus(ctx, scope, psaTicketId);
  return ctx.o.psa.closeTicket(psaTicketId, status);
}

function noClosedStatus(ctx: Ctx, scope: string | null, psaTicketId: string): KmspError {
  const p = ctx.psaProfile;
  const spec = roleSpec(p, 'closed-status');
  const label = spec?.label ?? 'Closed status';
  const scopeSpec = scopeFieldSpec(p);
  if (!scopeSpec || scope === null) {
    return new KmspError(`${cap(p.words.ticket)} ${psaTicketId} cannot be closed: General has no ${label}`, {
      kind: 'config',
      cause: `the ${label} under ${p.words.tabs.ticketing} › General is not set or not resolved against ${p.words.name}`,
      remedy: `Choose a ${label} under ${p.words.tabs.ticketing} › General and save; kmsp closes the ${p.words.ticket} at the next poll.`,
    });
  }
  const entry = scopedGeneral(ctx.integration.ticketing, scope);
  const name = `${scopeSpec.label} “${entry?.scope.label || scope}”`;
  return new KmspError(`${cap(p.words.ticket)} ${psaTicketId} cannot be closed: ${name} has no ${label}`, {
    kind: 'config',
    cause: `the ${p.words.ticket} is on ${name} (${scope}) in ${p.words.name}, and ${p.words.tabs.ticketing} › General holds no ${label} for that ${scopeSpec.label.toLowerCase()}`,
    remedy: `Choose a ${label} for ${name} under ${p.words.tabs.ticketing} › General and save; kmsp closes the ${p.words.ticket} at the next poll.`,
  });
}

async function noteRepeats(ctx: Ctx, row: TicketRecord, events: SecurityEvent[], tenantId: string): Promise<void> {
  // Every PSA write of the pass stops at the signal (pause means no write at all, not "no new tickets").
  throwIfAbandoned(ctx.o.signal);
  const first = events[0]!;
  const last = events[events.length - 1]!;
  const text =
    events.length === 1
      ? `Occurred again at ${first.raisedAt.toISOString()} on ${first.deviceName ?? first.deviceId}: ${first.typeName} — ${first.description}`
      : `${events.length} more occurrences since ${first.raisedAt.toISOString()} (last ${last.raisedAt.toISOString()}) on ${first.deviceName ?? first.deviceId}: ${first.typeName}`;
  const title = `kmsp: ${first.typeName} occurred again`;
  const l = ctx.ledger!;
  // Durable before the request leaves: a pass that dies after the PSA wrote it, or never hears
  // back, leaves the next pass a note to look for instead of one to send again.
  // landsBy from the real clock (the pass may have begun long ago), as for a ticket create.
  const pending = l.addPendingNote({
    ticketKey: row.key,
    title,
    text,
    eventIds: events.map((e) => e.id),
    landsBy: new Date(Date.now() + ctx.o.psa.writeLandsWithinMs),
    runId: ctx.runId,
    at: ctx.now,
  });
  try {
    await ctx.o.psa.addTicketNote(row.psaTicketId!, { title, description: text });
  } catch (error) {
    // Refused outright (the PSA answered, nothing was written): it cannot land; the next pass notes the events afresh.
    if (!(isKmspError(error) && error.outcomeUnknown)) l.dropPendingNote(pending.id);
    throw error;
  }
  recordNote(ctx, row, pending, tenantId);
}

/** The note is on the PSA ticket: recorded, its events handled (noted) and its pending row gone, in one transaction. */
function recordNote(ctx: Ctx, row: TicketRecord, note: PendingNote, tenantId: string): void {
  const l = ctx.ledger!;
  l.transaction(() => {
    l.addTicketNote(row.key, { text: note.text, at: ctx.now });
    // addTicketNote counts one repeat; the rest of the batch too.
    if (note.eventIds.length > 1) l.upsertTicket({ key: row.key, integration: row.integration, tenantId: row.tenantId, kind: row.kind, repeatCount: (l.getTicket(row.key)?.repeatCount ?? 0) + note.eventIds.length - 1 });
    l.recordTicketEvents(note.eventIds.map((eventId) => ({ integration: ctx.integration.name, tenantId, eventId, outcome: 'noted' as const, ticketKey: row.key, runId: ctx.runId })));
    l.dropPendingNote(note.id);
  });
  ctx.totals.notes++;
}

const eventsOf = (notes: readonly PendingNote[]): Set<string> => new Set(notes.flatMap((p) => p.eventIds));

/**
 * The tenant's repeat notes recorded as pending by an earlier pass (killed after sending, or
 * without an answer): each is looked for among its ticket's notes. Found: recorded as written.
 * Not found: dropped once it can no longer land (its events are then noted as usual this
 * pass), else kept, and its events returned: they wait, and so does the tenant's cursor.
 */
async function settlePendingNotes(ctx: Ctx, m: TenantMapping, tenantId: string): Promise<Set<string>> {
  const l = ctx.ledger!;
  const waiting: PendingNote[] = [];
  for (const p of l.pendingNotesFor(ctx.integration.name, tenantId)) {
    const row = l.getTicket(p.ticketKey);
    // A note is only ever sent to a ticket with a PSA id; without one it was never sent.
    if (!row?.psaTicketId) {
      l.dropPendingNote(p.id);
      continue;
    }
    const notes = await notesOf(ctx, row.psaTicketId);
    if (notes.some((n) => sameNote(n.description, p.text))) {
      recordNote(ctx, row, p, tenantId);
      continue;
    }
    // The real clock, as landsBy is.
    if (Date.now() >= Date.parse(p.landsBy)) {
      l.dropPendingNote(p.id);
      continue;
    }
    waiting.push(p);
    ctx.pendingNotes.push({ tenantId, tenantName: m.tenantName, ticket: row.psaTicketNumber || row.psaTicketId, until: p.landsBy });
  }
  return eventsOf(waiting);
}

/** The ticket's notes; a ticket gone from the PSA has none (any other failure is the tenant's error this pass). */
async function notesOf(ctx: Ctx, psaTicketId: string): Promise<Array<{ title: string; description: string }>> {
  try {
    return await ctx.o.psa.ticketNotes(psaTicketId);
  } catch (error) {
    if (error instanceof PassAbandoned) throw error;
    if ((await ctx.o.psa.getTicket(psaTicketId)) === null) return [];
    throw error;
  }
}

/**
 * Whether a note read back is the one sent: the same text, or the start of it where the PSA's
 * field was shorter (the connectors cut long text and mark the cut with "…").
 */
function sameNote(found: string, sent: string): boolean {
  const a = found.trim();
  const b = sent.trim();
  if (a === b) return true;
  return a.length > 1 && a.endsWith('…') && b.startsWith(a.slice(0, -1));
}

// ---------------------------------------------------------------- reading ahead

/** Tenants whose platform answers are read, and new tickets' tags looked up, before their PSA work. */
export const LOOKAHEAD_TENANTS = 100;

/** A tenant's platform answers, asked for once per pass (a failure is met where the answer is used). */
interface TenantReads {
  page: Promise<EventPage>;
  devices: Promise<Device[]>;
  /** Null: the platform reports no tenant conditions. */
  conditions: Promise<TenantCondition[]> | null;
}

/** Tags asked of the PSA ahead of the creates: what it holds for each (asked and absent from `found`: none). */
interface TagLookup {
  asked: Set<string>;
  found: Map<string, PsaTicket[]>;
}

/** The tenant's reads of this pass: those read ahead, else asked for now. */
function readsOf(ctx: Ctx, tenant: Tenant): TenantReads {
  let reads = ctx.reads.get(tenant.id);
  if (!reads) {
    const { o, integration, ledger } = ctx;
    const cursor = ledger?.getCursor(integration.name, tenant.id, EVENTS_STREAM) ?? null;
    // One after the other, as the tenant's pass used them: a tenant asks the platform one thing at a time.
    const page = o.platform.eventsSince(tenant, cursor, { initialWindowDays: initialWindowDays(ctx) });
    const devices = page.then(
      () => o.platform.listDevices(tenant),
      () => o.platform.listDevices(tenant),
    );
    const after = devices.then(
      () => undefined,
      () => undefined,
    );
    const conditions = o.platform.conditions ? after.then(() => o.platform.conditions!(tenant)) : null;
    reads = { page, devices, conditions };
    // Each is awaited where it is used; an early failure must not count as unhandled meanwhile.
    for (const p of [reads.page, reads.devices, reads.conditions]) p?.catch(() => undefined);
    ctx.reads.set(tenant.id, reads);
  }
  return reads;
}

/**
 * Reads the platform's answers of a chunk of tenants and, in a pass that writes, looks up in the
 * PSA — many tags per request, where it can (Psa.findTicketsByTags) — the tags of the tickets
 * the chunk would create for keys the ledger has never seen. Such a lookup only finds tickets a
 * lost or replaced ledger knew: nothing of this ledger can be in flight for them. A pending row's
 * tag is still looked up alone right before its create, where the in-flight rule judges it.
 */
async function lookAhead(ctx: Ctx, chunk: readonly TenantMapping[], tenantById: Map<string, Tenant>, accountById: Map<string, PsaAccount>, limit: ReturnType<typeof pLimit>): Promise<void> {
  const tags = new Set<string>();
  // Open tickets recorded without their number (the read-back after their create failed or the
  // pass died before it): asked along, at most as often as a person's close is checked.
  const numberless: TicketRecord[] = [];
  await Promise.all(
    chunk.map((m) =>
      limit(async () => {
        const tenant = tenantById.get(m.tenantId);
        if (!tenant || ctx.o.signal?.aborted || ctx.interrupted) return;
        if (ctx.writes && ctx.o.psa.findTicketsByTags) {
          for (const row of ctx.ledger!.openTicketsFor({ integration: ctx.integration.name, tenantId: m.tenantId })) {
            if (row.psaTicketId && !row.psaTicketNumber && personCheckDue(ctx, row)) {
              numberless.push(row);
              tags.add(tagOf(ctx, row.key));
            }
          }
        }
        const reads = readsOf(ctx, tenant);
        // Waited for here, so no more tenants are read at once than the limit allows.
        await Promise.allSettled([reads.page, reads.devices, reads.conditions]);
        if (!ctx.writes || !ctx.o.psa.findTicketsByTags) return;
        const account = accountById.get(m.accountId!) ?? null;
        // A failed read is reported by the tenant's own pass; it simply adds no tags here.
        try {
          const { created, open } = eventLookups(ctx, m, tenant, account, await reads.page);
          for (const key of [...created, ...open]) tags.add(tagOf(ctx, key));
        } catch {
          // reported where the page is used
        }
        try {
          const conditions = reads.conditions ? await reads.conditions.catch(() => null) : null;
          const { pending, rowByCondition, d } = decideStatuses(ctx, m, tenant, account, await reads.devices, conditions);
          const l = ctx.ledger!;
          for (const draft of d.create) {
            if (pending.some((p) => p.repeatKey === draft.key)) continue;
            // The condition's first occurrence is what nextOccurrence asks for when the ledger has no history of it.
            if (l.ticketsByRepeatKey(ctx.integration.name, draft.key).length === 0) tags.add(tagOf(ctx, draft.key));
          }
          // Open tickets whose condition is still active and whose PSA status is due to be checked (closed by a person?).
          for (const t of d.stillActive) {
            const row = rowByCondition.get(t.key);
            if (row && row.state === 'open' && personCheckDue(ctx, row)) tags.add(tagOf(ctx, row.key));
          }
        } catch {
          // reported where the devices are used
        }
      }),
    ),
  );
  if (tags.size === 0 || ctx.o.signal?.aborted || ctx.interrupted) return;
  let found: PsaTicket[];
  try {
    found = await ctx.o.psa.findTicketsByTags!([...tags]);
  } catch {
    // Nothing asked in advance: each ticket is then looked up on its own when it is worked on, so
    // a failure lands on the tickets it concerns, and the chunk's closes and notes still go ahead.
    return;
  }
  const byTag = new Map<string, PsaTicket[]>();
  for (const t of found) if (t.tag !== null) byTag.set(t.tag, [...(byTag.get(t.tag) ?? []), t]);
  ctx.tags = { asked: tags, found: byTag };
  for (const row of numberless) {
    const ticket = byTag.get(tagOf(ctx, row.key))?.find((t) => t.id === row.psaTicketId);
    // Not found by its tag (a person edited it): asked again after the same interval, not every poll.
    if (!ticket?.number) ctx.ledger!.upsertTicket({ key: row.key, integration: row.integration, tenantId: row.tenantId, kind: row.kind, psaCheckedAt: ctx.now });
    else recordNumber(ctx, row, ticket);
  }
}

/** Records the PSA's number of a ticket the ledger holds without one. */
function recordNumber(ctx: Ctx, row: TicketRecord, ticket: PsaTicket | null | undefined): void {
  if (!ticket?.number || row.psaTicketNumber || ticket.id !== row.psaTicketId) return;
  ctx.ledger!.upsertTicket({ key: row.key, integration: row.integration, tenantId: row.tenantId, kind: row.kind, psaTicketNumber: ticket.number });
}

/**
 * What the tenant's page asks of the PSA by tag: the keys of event tickets it would create that
 * the ledger has never seen (the first event of each repeat group), and the keys of the open
 * tickets its repeats would be noted on (whether they are still open is asked first).
 */
function eventLookups(ctx: Ctx, m: TenantMapping, tenant: Tenant, account: PsaAccount | null, page: EventPage): { created: string[]; open: string[] } {
  const l = ctx.ledger!;
  const handled = l.handledEventIds(ctx.integration.name, tenant.id, page.events.map((e) => e.id));
  const fresh = page.events.filter((e) => !handled.has(e.id));
  const byId = new Map(fresh.map((e) => [e.id, e]));
  const seen = new Set<string>();
  const created: string[] = [];
  const open: string[] = [];
  for (const draft of withoutMaintenance(ctx, m, decideEventTickets({ integration: ctx.integration, mapping: m, account, events: fresh, now: ctx.now }), byId, false).create) {
    const rk = eventRepeatKey(ctx.integration.name, byId.get(draft.eventId!)!);
    if (rk) {
      if (seen.has(rk)) continue;
      seen.add(rk);
      const row = openTicketOf(l, ctx.integration.name, rk);
      if (row) {
        open.push(row.key);
        continue;
      }
    }
    if (!l.getTicket(draft.key)) created.push(draft.key);
  }
  return { created, open };
}

/** Whether an open ticket's PSA status is due to be checked again (at most every personCheckMs). */
function personCheckDue(ctx: Ctx, row: TicketRecord): boolean {
  const every = ctx.o.personCheckMs ?? 10 * 60_000;
  return !row.psaCheckedAt || ctx.now.getTime() - Date.parse(row.psaCheckedAt) >= every;
}

/**
 * A recorded ticket as the PSA holds it now: from the look-ahead when it read the ticket by its
 * tag (the same ticket: its id), else read by its id — as also when the tag found another
 * ticket or none (a person may have edited the tag; only the id says the ticket is gone).
 */
async function ticketNow(ctx: Ctx, row: TicketRecord): Promise<PsaTicket | null> {
  const tag = tagOf(ctx, row.key);
  if (ctx.tags.asked.has(tag)) {
    const same = ctx.tags.found.get(tag)?.find((t) => t.id === row.psaTicketId);
    if (same) return same;
  }
  const ticket = await ctx.o.psa.getTicket(row.psaTicketId!);
  recordNumber(ctx, row, ticket);
  return ticket;
}

/**
 * The PSA's tickets with the tag: from the look-ahead when it asked for this tag and the ledger
 * has no row of the key (`known`), else asked now.
 */
async function ticketsTagged(ctx: Ctx, tag: string, known: TicketRecord | null): Promise<PsaTicket[]> {
  if (!known && ctx.tags.asked.has(tag)) return ctx.tags.found.get(tag) ?? [];
  return ctx.o.psa.findTicketsByTag(tag);
}

/**
 * The tickets of the chunk whose create answer lacked their number, read back by their tags
 * (many per request where the PSA can): the number is recorded, and a ticket whose tag did not
 * come back whole — the PSA cut or changed it, so kmsp could not find it again — is reported.
 */
async function readBackCreated(ctx: Ctx): Promise<void> {
  const created = ctx.readBack;
  ctx.readBack = [];
  if (created.length === 0) return;
  const l = ctx.ledger!;
  let found: PsaTicket[];
  try {
    found = ctx.o.psa.findTicketsByTags
      ? await ctx.o.psa.findTicketsByTags(created.map((c) => c.tag))
      : (await Promise.all(created.map((c) => ctx.o.psa.getTicket(c.psaTicketId)))).flatMap((t) => (t ? [t] : []));
  } catch (error) {
    // The tickets are created and recorded: only their numbers wait for a later read.
    fail(ctx, null, error, `Reading back the numbers of ${created.length} new ${ctx.psaProfile.words.tickets}`);
    return;
  }
  const byId = new Map(found.map((t) => [t.id, t]));
  const kept = created.filter((c) => byId.get(c.psaTicketId)?.tag === c.tag);
  l.recordTicketNumbers(kept.flatMap((c) => {
    const number = byId.get(c.psaTicketId)!.number;
    return number ? [{ key: c.key, number }] : [];
  }));
  for (const c of created) {
    const ticket = byId.get(c.psaTicketId);
    if (ticket && ticket.tag === c.tag) continue;
    const stored = ticket ? ticket.tag : ((await ctx.o.psa.getTicket(c.psaTicketId).catch(() => null))?.tag ?? null);
    const word = ctx.psaProfile.words.ticket;
    fail(
      ctx,
      c.m,
      new KmspError(`${ctx.psaProfile.words.name} created ${word} ${c.psaTicketId} but did not keep its kmsp tag`, {
        kind: 'vendor',
        cause: `kmsp sent the tag "${c.tag}" (${c.tag.length} characters); ${ctx.psaProfile.words.name} holds ${stored === null ? 'none' : `"${stored}"`}`,
        remedy: `kmsp recorded ${word} ${c.psaTicketId} and will not open it again, but a lost ledger could not find it by its tag: report this to the kmsp maintainers (the tag length the PSA keeps is lower than kmsp assumed).`,
      }),
    );
  }
}

/** The status decisions of a tenant: its ledger rows and what the engine decides for its devices and conditions. */
function decideStatuses(ctx: Ctx, m: TenantMapping, tenant: Tenant, account: PsaAccount | null, devices: Device[], conditions: TenantCondition[] | null) {
  const { integration, ledger } = ctx;
  const rows = ledger ? ledger.heldTicketsFor({ integration: integration.name, tenantId: tenant.id, kind: 'status' }) : [];
  const pending = rows.filter((r) => r.state === 'open' && !r.psaTicketId);
  const isDeviceRow = (r: TicketRecord) => r.deviceId !== null && (r.severity === 'warning' || r.severity === 'critical');
  const isConditionRow = (r: TicketRecord) => r.deviceId === null && r.severity === null;
  const held = rows.filter((r) => r.psaTicketId && r.repeatKey && r.descriptionId && (isDeviceRow(r) || isConditionRow(r)));
  const rowByCondition = new Map(held.map((r) => [r.repeatKey!, r]));
  const open: OpenStatusTicket[] = held.map((r) => ({
    key: r.repeatKey!,
    deviceId: r.deviceId,
    descriptionId: r.descriptionId!,
    severity: r.severity as OpenStatusTicket['severity'],
    psaTicketId: r.psaTicketId!,
  }));
  // A condition a window covers now gets no ticket; one whose create is pending from before is settled as usual.
  const pendingKeys = new Set(pending.map((p) => p.repeatKey));
  const windows = ctx.windows.get(tenant.id) ?? [];
  const windowOf = (deviceId: string | null) => coveringWindow(windows, { tenantId: tenant.id, deviceId }, ctx.now);
  const inWindow = (c: { key: string; deviceId: string | null }) => windows.length > 0 && !pendingKeys.has(c.key) && windowOf(c.deviceId) !== null;
  const byDevice = decideStatusTickets({ integration, mapping: m, account, devices, open, now: ctx.now, held: inWindow });
  const byCondition = conditions ? decideConditionTickets({ integration, mapping: m, account, conditions, open, now: ctx.now, held: inWindow }) : null;
  const d = {
    create: [...byDevice.create, ...(byCondition?.create ?? [])],
    close: [...byDevice.close, ...(byCondition?.close ?? [])],
    stillActive: [...byDevice.stillActive, ...(byCondition?.stillActive ?? [])],
  };
  const heldBy = [
    ...byDevice.skipped.filter((x) => x.reason === 'maintenance').map((x) => windowOf(x.deviceId)!),
    ...(byCondition?.skipped ?? []).filter((x) => x.reason === 'maintenance').map(() => windowOf(null)!),
  ];
  return { pending, rowByCondition, d, heldBy };
}

// ---------------------------------------------------------------- statuses

async function syncStatuses(ctx: Ctx, m: TenantMapping, tenant: Tenant, account: PsaAccount | null): Promise<void> {
  const { integration, ledger, o } = ctx;
  const reads = readsOf(ctx, tenant);
  const devices = await reads.devices;
  // Tenant conditions (no device), where the platform has them; null: none reported, none closed.
  // A failed read fails the conditions alone: the device statuses still go ahead.
  let conditions: TenantCondition[] | null = null;
  if (reads.conditions) {
    try {
      conditions = await reads.conditions;
    } catch (error) {
      if (error instanceof PassAbandoned) throw error;
      fail(ctx, m, error, `${cap(ctx.psaProfile.words.tickets)} for conditions of “${m.tenantName}” as a whole`);
    }
  }
  const { pending, rowByCondition, d, heldBy } = decideStatuses(ctx, m, tenant, account, devices, conditions);
  for (const w of heldBy) holdOf(ctx, w).conditions++;

  if (!ctx.writes) {
    ctx.totals.wouldCreate += d.create.length;
    ctx.totals.wouldClose += d.close.filter((t) => rowByCondition.get(t.key)?.state === 'open').length;
    return;
  }
  const l = ledger!;
  const severityOf = new Map<string, 'warning' | 'critical'>();
  for (const dev of devices) for (const s of dev.statuses) severityOf.set(`${dev.id}\u0000${s.id}`, s.severity);

  // Create before close (a severity change opens the new ticket first).
  const wantedNew = d.create.filter((c) => !pending.some((p) => p.repeatKey === c.key)).length;
  let budget = breakerGate(ctx, m.accountId!, wantedNew).allowed;
  for (const draft of d.create) {
    const pend = pending.find((p) => p.repeatKey === draft.key);
    if (!pend) {
      if (budget <= 0) continue;
      budget--;
    }
    const severity = severityOf.get(`${draft.deviceId}\u0000${draft.descriptionId}`) ?? null;
    try {
      if (pend) await createOnce(ctx, { ...draft, key: pend.key }, { repeatKey: draft.key, severity });
      else {
        const next = await nextOccurrence(ctx, draft, severity);
        await createOnce(ctx, { ...draft, key: next.key }, { repeatKey: draft.key, severity }, { absentInPsa: next.absentInPsa });
      }
    } catch (error) {
      if (error instanceof Interrupted || error instanceof PassAbandoned) throw error;
      fail(ctx, m, error, `${ticketWord(ctx)} “${draft.title}”`);
    }
  }
  // Pending rows whose condition is gone: created before a crash? Then close it; else forget it.
  // (A condition's pending row waits while the conditions could not be read: it may still be active.)
  const judged = (x: TicketRecord) => conditions !== null || x.deviceId !== null;
  for (const p of pending.filter((x) => judged(x) && !d.create.some((c) => c.key === x.repeatKey))) {
    throwIfAbandoned(ctx.o.signal);
    try {
      const found = await ctx.o.psa.findTicketsByTag(tagOf(ctx, p.key));
      throwIfAbandoned(ctx.o.signal); // the lookup took a round trip: the signal may have come meanwhile
      // Not found but maybe still landing: kept pending, so the ticket is closed when it shows up.
      if (!found[0] && createMayLand(p)) continue;
      const ticket = found[0];
      const outcome = ticket && !isClosed(ctx, ticket) ? await closeWithItsStatus(ctx, ticket.id, ticket) : null;
      if (outcome && !isAlready(outcome) && !outcome.closed) {
        // Found open and the PSA defers the close: recorded with its id, open, so the next pass closes it.
        l.upsertTicket({ key: p.key, integration: p.integration, tenantId: p.tenantId, kind: p.kind, psaTicketId: ticket!.id, psaTicketNumber: ticket!.number || null, psaCheckedAt: ctx.now });
        deferred(ctx, m, p.key, ticket!.number || ticket!.id, outcome.deferred);
        continue;
      }
      l.upsertTicket({ key: p.key, integration: p.integration, tenantId: p.tenantId, kind: p.kind, psaTicketId: ticket?.id ?? null, psaTicketNumber: ticket?.number ?? null, state: 'closed', closedAt: ctx.now });
      if (outcome && !isAlready(outcome)) ctx.totals.closed++;
    } catch (error) {
      if (error instanceof PassAbandoned) throw error;
      fail(ctx, m, error, `Pending ${ctx.psaProfile.words.ticket} ${p.key}`);
    }
  }
  for (const t of d.close) {
    throwIfAbandoned(ctx.o.signal);
    const row = rowByCondition.get(t.key)!;
    try {
      if (row.state === 'closed-by-person') {
        l.closeTicket(row.key, { state: 'closed', closedAt: ctx.now });
        l.addTicketNote(row.key, { text: 'The condition cleared (the ticket had been closed by a person).', at: ctx.now, countsAsRepeat: false });
        continue;
      }
      const outcome = await closeWithItsStatus(ctx, row.psaTicketId!);
      if (!isAlready(outcome) && !outcome.closed) {
        // Kept open in the ledger: the condition is still cleared next pass, and the close is tried again.
        deferred(ctx, m, row.key, row.psaTicketNumber || row.psaTicketId!, outcome.deferred);
        continue;
      }
      // Closed by a person (or deleted) before kmsp got to it: the ledger keeps their time where the PSA says it.
      l.closeTicket(row.key, { state: 'closed', closedAt: isAlready(outcome) ? (outcome.already ?? ctx.now) : ctx.now });
      if (!isAlready(outcome)) ctx.totals.closed++;
    } catch (error) {
      if (error instanceof PassAbandoned) throw error;
      fail(ctx, m, error, `Closing ${ctx.psaProfile.words.ticket} ${row.psaTicketNumber || row.psaTicketId}`);
    }
  }
  // Still active: closed by a person meanwhile? (Checked at most every personCheckMs.)
  for (const t of d.stillActive) {
    const row = rowByCondition.get(t.key)!;
    if (row.state !== 'open') continue;
    // The condition is back before the deferred close went through: no close is pending any more.
    if (row.closePending !== null) l.clearClosePending(row.key);
    if (!personCheckDue(ctx, row)) continue;
    throwIfAbandoned(ctx.o.signal);
    try {
      const psaTicket = await ticketNow(ctx, row);
      if (psaTicket && !isClosed(ctx, psaTicket)) {
        // A number the create's read-back could not learn is recorded when the ticket is next read.
        const number = !row.psaTicketNumber && psaTicket.number ? { psaTicketNumber: psaTicket.number } : {};
        l.upsertTicket({ key: row.key, integration: row.integration, tenantId: row.tenantId, kind: row.kind, psaCheckedAt: ctx.now, ...number });
        continue;
      }
      throwIfAbandoned(ctx.o.signal); // after the status read, before the note
      const text = `Closed in ${ctx.psaProfile.words.ticketClosedBy} while “${row.title ?? row.descriptionId}” is still active${row.deviceId ? ' on the device' : ''}. kmsp will not re-open or re-create it while the condition persists; a new ticket opens if it clears and comes back.`;
      if (psaTicket) {
        await o.psa.addTicketNote(row.psaTicketId!, { title: 'kmsp: condition still active', description: text });
        ctx.totals.notes++;
      }
      l.transaction(() => {
        l.upsertTicket({ key: row.key, integration: row.integration, tenantId: row.tenantId, kind: row.kind, state: 'closed-by-person', closedAt: psaTicket?.completedAt ?? ctx.now, psaCheckedAt: ctx.now });
        l.addTicketNote(row.key, { text, at: ctx.now, countsAsRepeat: false });
      });
      ctx.totals.closedByPerson++;
    } catch (error) {
      if (error instanceof PassAbandoned) throw error;
      fail(ctx, m, error, `Checking ${ctx.psaProfile.words.ticket} ${row.psaTicketNumber || row.psaTicketId}`);
    }
  }
}

/** Earlier occurrences looked for in the PSA, at most (a condition that came back this often has bigger problems). */
const MAX_OCCURRENCE_PROBE = 20;

/**
 * The key of a condition's next ticket: its first ticket uses the condition key, later
 * occurrences key#2, key#3 … (fitTag keeps the tag within the PSA's tag field). The ledger counts them.
 * When it has no history of the condition (a new, lost or replaced ledger), the PSA may still
 * hold earlier occurrences: key, key#2 … are looked up in turn. Closed ones are recorded as
 * history; an open last one is this condition's ticket (found and recorded, not created); else
 * the next free key is used. So a lost ledger neither opens a second ticket for a live condition
 * nor attaches the condition to an old closed one.
 */
async function nextOccurrence(ctx: Ctx, draft: TicketDraft, severity: string | null): Promise<{ key: string; absentInPsa: boolean }> {
  const l = ctx.ledger!;
  const conditionKey = draft.key;
  const n = l.ticketsByRepeatKey(ctx.integration.name, conditionKey).length;
  if (n > 0) return { key: `${conditionKey}#${n + 1}`, absentInPsa: false };
  const keyOf = (i: number) => (i === 1 ? conditionKey : `${conditionKey}#${i}`);
  let last: { key: string; ticket: PsaTicket } | null = null;
  for (let i = 1; i <= MAX_OCCURRENCE_PROBE; i++) {
    const found = (await ticketsTagged(ctx, tagOf(ctx, keyOf(i)), l.getTicket(keyOf(i))))[0];
    if (!found) return last && !isClosed(ctx, last.ticket) ? { key: last.key, absentInPsa: false } : { key: keyOf(i), absentInPsa: true };
    last = { key: keyOf(i), ticket: found };
    if (isClosed(ctx, found)) recordHistory(ctx, draft, last, severity);
  }
  return { key: keyOf(MAX_OCCURRENCE_PROBE + 1), absentInPsa: false };
}

/** An earlier, closed occurrence found in the PSA, recorded so that the ledger counts it. */
function recordHistory(ctx: Ctx, draft: TicketDraft, found: { key: string; ticket: PsaTicket }, severity: string | null): void {
  const l = ctx.ledger!;
  if (l.getTicket(found.key)) return;
  l.upsertTicket({
    key: found.key,
    integration: ctx.integration.name,
    tenantId: draft.tenantId,
    kind: draft.kind,
    accountId: draft.accountId,
    deviceId: draft.deviceId,
    descriptionId: draft.descriptionId,
    repeatKey: draft.key,
    severity,
    title: draft.title,
    psaTicketId: found.ticket.id,
    psaTicketNumber: found.ticket.number || null,
    state: 'closed',
    closedAt: found.ticket.completedAt ?? ctx.now,
    runId: ctx.runId,
  });
}

// ---------------------------------------------------------------- create, breaker

/**
 * Creates the ticket unless it exists. A ledger row with a PSA id is returned as is. Otherwise
 * the PSA is asked for the key's tag first — for a pending row (a crash between create and
 * record) and for a key the ledger has never seen alike: the tag (the PSA's external-id field) is the
 * ticket's identity, so a ledger that was lost, replaced or is new (a move from `--config DIR`
 * to the service's state directory) finds the tickets made before instead of opening them
 * again. A key the ledger has never seen is looked up with its chunk's other new keys, many per
 * request (lookAhead); a pending row's tag alone, right before its create.
 */
async function createOnce(
  ctx: Ctx,
  draft: TicketDraft,
  extra: { repeatKey: string | null; severity: string | null },
  options: { absentInPsa?: boolean; recordWith?: (row: TicketRecord) => void } = {},
): Promise<TicketRecord> {
  const l = ctx.ledger!;
  // What the caller records of the ticket (its event) goes in the same ledger write as the ticket's own row.
  const recorded = (write: () => TicketRecord): TicketRecord =>
    l.transaction(() => {
      const row = write();
      options.recordWith?.(row);
      return row;
    });
  const known = l.getTicket(draft.key);
  if (known?.psaTicketId) return options.recordWith ? recorded(() => known) : known;
  // A safe point: nothing of this ticket is written yet (a pending row of an earlier crash stays pending for the next pass).
  throwIfAbandoned(ctx.o.signal);
  const tag = tagOf(ctx, draft.key);
  const fields = {
    key: draft.key,
    integration: ctx.integration.name,
    tenantId: draft.tenantId,
    kind: draft.kind,
    accountId: draft.accountId,
    deviceId: draft.deviceId,
    descriptionId: draft.descriptionId,
    eventId: draft.eventId,
    runId: ctx.runId,
    repeatKey: extra.repeatKey,
    severity: extra.severity,
    title: draft.title,
    createdAt: known ? new Date(known.createdAt) : ctx.now,
  };
  // absentInPsa: the caller asked the PSA for this very tag a moment ago (nextOccurrence).
  const found = options.absentInPsa ? undefined : (await ticketsTagged(ctx, tag, known))[0];
  // The lookup took a round trip: a pause or SIGTERM that came meanwhile stops the write.
  throwIfAbandoned(ctx.o.signal);
  if (!found && known && !known.psaTicketId) refuseWhileInFlight(ctx, known, draft.title);
  if (found) {
    ctx.totals.created++;
    ctx.totals.reconciled++;
    // Found closed: a person closed it while its condition or event is still current (we are
    // about to create it): recorded as such, never opened a second time.
    const closed = isClosed(ctx, found);
    return recorded(() => l.upsertTicket({
      ...fields,
      psaTicketId: found.id,
      psaTicketNumber: found.number || null,
      state: closed ? (draft.kind === 'status' ? 'closed-by-person' : 'closed') : 'open',
      ...(closed ? { closedAt: found.completedAt ?? ctx.now } : {}),
      psaCheckedAt: ctx.now,
    }));
  }
  // landsBy from the real clock, not the pass's start: a create sent late in a long pass may land late.
  const row = l.upsertTicket({ ...fields, state: 'open', psaTicketId: null, landsBy: new Date(Date.now() + ctx.o.psa.writeLandsWithinMs) });
  if (ctx.interrupted) throw new Interrupted(null);
  let created: PsaTicket;
  try {
    created = await ctx.o.psa.createTicket({
      accountId: draft.accountId,
      title: draft.title,
      description: draft.description,
      status: draft.status,
      dueAt: draft.dueAt,
      fields: draft.fields,
      tag,
    });
  } catch (error) {
    // Refused outright (the PSA answered, nothing was created): it cannot land, so the next poll
    // may create it at once. Only an unknown outcome keeps the row's landsBy.
    if (!(isKmspError(error) && error.outcomeUnknown)) l.upsertTicket({ key: row.key, integration: row.integration, tenantId: row.tenantId, kind: row.kind, landsBy: new Date() });
    throw error;
  }
  if (ctx.o.afterCreate) {
    try {
      await ctx.o.afterCreate({ key: draft.key, psaTicketId: created.id });
    } catch (error) {
      throw new Interrupted(error);
    }
  }
  ctx.totals.created++;
  // An answer without the ticket's number (Autotask answers a create with its id): the number,
  // and the tag the PSA stored, are read back with the chunk's other new tickets.
  if (!created.number) ctx.readBack.push({ key: row.key, psaTicketId: created.id, tag, m: { tenantId: draft.tenantId, tenantName: draft.tenantName } });
  return recorded(() => l.upsertTicket({ key: row.key, integration: row.integration, tenantId: row.tenantId, kind: row.kind, psaTicketId: created.id, psaTicketNumber: created.number || null, psaCheckedAt: ctx.now }));
}

/** Whether a pending create (no PSA id) may still be applied by the PSA at `now`. */
function createMayLand(row: TicketRecord, now: Date = new Date()): { until: Date } | null {
  const until = landingDeadline(row);
  return now.getTime() < until ? { until: new Date(until) } : null;
}

/**
 * A pending create not found by its tag may still land: creating it again now could open it
 * twice. Throws (the tenant's pass reports it and its events stay before the cursor) so the
 * next poll looks for it again.
 */
function refuseWhileInFlight(ctx: Ctx, row: TicketRecord, title: string): void {
  // The real clock, as landsBy is (the pass's start may be minutes old).
  const mayLand = createMayLand(row);
  if (!mayLand) return;
  throw new KmspError(`Ticket “${title}” is not created yet: an earlier create of it may still be applied by the PSA`, {
    kind: 'internal',
    code: 'write-in-flight',
    cause: `it was sent by a pass that ended before the answer came; a slow PSA may carry it out until ${mayLand.until.toISOString()}, and creating it again now could open it twice`,
    remedy: 'Nothing to do: a later poll finds it by its tag and adopts it, or creates it once that time has passed.',
  });
}

/** How many of `wanted` new tickets the account's breaker allows now; the rest is counted held back. */
function breakerGate(ctx: Ctx, accountId: string, wanted: number): { allowed: number; heldBack: number } {
  if (wanted === 0) return { allowed: 0, heldBack: 0 };
  const createdInLastHour = ctx.ledger!.countTicketsCreatedSince({ integration: ctx.integration.name, accountId, since: new Date(ctx.now.getTime() - HOUR_MS) });
  const r = applyBreaker({ createdInLastHour, limit: ctx.limit, wanted });
  if (r.heldBack > 0) {
    ctx.totals.heldBack += r.heldBack;
    ctx.held.set(accountId, (ctx.held.get(accountId) ?? 0) + r.heldBack);
  }
  return r;
}

/** One note per account and hour on its most recent ticket, saying how many were held back. */
async function breakerNotes(ctx: Ctx): Promise<TicketRunResult['breaker']> {
  const out: TicketRunResult['breaker'] = [];
  for (const [accountId, heldBack] of ctx.held) {
    const entry = { accountId, heldBack, notedOn: null as string | null };
    out.push(entry);
    if (!ctx.writes) continue;
    const l = ctx.ledger!;
    const last = l.lastNoteOfAccount(ctx.integration.name, accountId, BREAKER_NOTE_TITLE);
    if (last && ctx.now.getTime() - Date.parse(last) < HOUR_MS) continue;
    const target = l.latestTicketOfAccount(ctx.integration.name, accountId);
    if (!target) continue;
    const text = `${BREAKER_NOTE_TITLE}: ${heldBack} more ticket(s) for this account were held back — at most ${ctx.limit} are opened per hour. They are retried on later polls.`;
    try {
      await ctx.o.psa.addTicketNote(target.psaTicketId!, { title: BREAKER_NOTE_TITLE, description: text });
      l.addTicketNote(target.key, { text, at: ctx.now, countsAsRepeat: false });
      ctx.totals.notes++;
      entry.notedOn = target.psaTicketNumber ?? target.psaTicketId;
    } catch (error) {
      fail(ctx, null, error, `Breaker note for account ${accountId}`);
    }
  }
  return out;
}
