// The ledger: what kmsp did, in SQLite (README › Where things are kept) — runs, usage postings,
// tickets with their stable keys, event cursors and the config audit trail.
//
// The console and the agent open it at the same time: WAL lets readers run
// beside one writer, busy_timeout makes a second writer wait (up to 5 s) instead
// of failing with SQLITE_BUSY, and the schema migration runs inside BEGIN
// IMMEDIATE so two processes opening a new file do not both migrate it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';
import { KmspError } from '../domain/errors.js';
import type { MaintenanceWindow } from '../domain/maintenance.js';
import type { RenamedTicket } from '../domain/renameKeys.js';
import type { ConfigAuditEntry, ConfigAuditSink } from './config.js';
import type { ConfigChange } from './configDiff.js';
import { LEDGER_MIGRATIONS, LEDGER_SCHEMA_VERSION, type LedgerMigration } from './ledgerSchema.js';
import { ensureDir, type KmspPaths } from './paths.js';

export const LEDGER_FILE_MODE = 0o600;
export const BUSY_TIMEOUT_MS = 5000;

export type RunJob = 'billing' | 'tickets' | (string & {});
export type RunStatus = 'running' | 'ok' | 'partial' | 'failed' | 'abandoned';
export type TicketKind = 'event' | 'status';
/**
 * pending: written before the PSA was asked (a crash leaves it so); posted: the PSA accepted it;
 * failed: the PSA refused it (or a later run saw the units unchanged); unknown: the PSA's answer
 * did not tell (timeout, reset, unrecognised 5xx) — that contract item is blocked until settled.
 */
export type PostingStatus = 'pending' | 'posted' | 'failed' | 'unknown';
export const POSTING_STATUSES: readonly PostingStatus[] = ['pending', 'posted', 'failed', 'unknown'];
export type TicketState = 'open' | 'closed' | 'closed-by-person';

/**
 * A billing change the job did not post on its own (README › Billing approvals). held: waits for
 * a person; approved: a later pass posts it (re-checked against the PSA first); rejected: never
 * posted; replaced: a later pass planned another target for the item; posted: handed to the
 * posting row `postingId` (its status says how it went).
 */
export type HeldState = 'held' | 'approved' | 'rejected' | 'replaced' | 'posted';

export interface HeldChangeInput {
  runId: number | null;
  integration: string;
  tenantId: string;
  tenantName: string;
  accountId: string;
  accountName: string | null;
  contractId: string;
  contractName: string | null;
  billingItemId: string;
  billingItemName: string | null;
  beforeUnits: number;
  afterUnits: number;
  effectiveDate: string;
  priceLevel: string | null;
  reasons: Array<{ code: string; text: string }>;
}

export interface HeldChange extends HeldChangeInput {
  id: number;
  delta: number;
  state: HeldState;
  createdAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  /** Why it was replaced, or the person's note. */
  note: string | null;
  postingId: number | null;
}

export interface RunRecord {
  id: number;
  job: RunJob;
  startedAt: string;
  finishedAt: string | null;
  status: RunStatus;
  dryRun: boolean;
  summary: unknown;
  error: string | null;
}

export interface PostingInput {
  runId: number | null;
  integration: string;
  tenantId: string;
  tenantName: string | null;
  accountId: string;
  contractId: string;
  billingItemId: string;
  billingItemName: string | null;
  applicationId: string | null;
  /** Device category when billing by category (DeviceCategory), else null. */
  category: string | null;
  beforeUnits: number;
  afterUnits: number;
  /** YYYY-MM-DD in the configured time zone. */
  effectiveDate: string;
  psaPostingId: string | null;
  /** Default 'posted' (a posting recorded after the PSA accepted it). */
  status?: PostingStatus;
  error?: string | null;
  createdAt?: Date;
  /** Until when the PSA may still apply this posting's write once it is sent (see landsBy on PostingRecord). */
  landsBy?: Date | null;
  /** The price level the units are priced at, where the PSA prices usage by one (ledger v7); else null or absent. */
  priceLevel?: string | null;
}

/** A pending row of a ledger older than v4 has no landsBy: its write is taken to land within this of the row's creation. */
export const LEGACY_LANDING_MS = 15 * 60_000;

/** When a pending write (posting or ticket create) can no longer be applied by the PSA, in ms since the epoch. */
export function landingDeadline(row: { landsBy: string | null; createdAt: string }): number {
  return row.landsBy ? Date.parse(row.landsBy) : Date.parse(row.createdAt) + LEGACY_LANDING_MS;
}

export interface PostingRecord extends Omit<PostingInput, 'createdAt' | 'status' | 'error' | 'landsBy' | 'priceLevel'> {
  id: number;
  priceLevel: string | null;
  delta: number;
  status: PostingStatus;
  error: string | null;
  /** When a pending or unknown posting got its final status; null while unsettled (and for rows recorded settled). */
  settledAt: string | null;
  createdAt: string;
  /**
   * The instant after which the write can no longer be applied by the PSA (sent + the
   * connector's longest write + a margin); null for rows of older versions.
   */
  landsBy: string | null;
}

/** The holder of a job's run lock, as a refusal names it. */
export interface RunLockHolder {
  runId: number;
  job: RunJob;
  startedAt: string;
  host: string | null;
  pid: number | null;
  heartbeatAt: string | null;
}

export interface AcquireRunOptions {
  job: RunJob;
  /** This process (default process.pid and os.hostname()); tests pass others. */
  pid?: number;
  host?: string;
  /** A holder whose heartbeat is older than this is taken over (default 10 minutes). */
  staleAfterMs?: number;
  /** Whether a pid on this host is alive (default: signal 0). */
  isAlive?: (pid: number) => boolean;
}

export const RUN_LOCK_STALE_MS = 10 * 60_000;

/**
 * The integration a run belongs to: the one its summary names (billing/run.ts and tickets/run.ts
 * write it). Word for word the expression of the index runs_by_integration (ledgerSchema v5):
 * SQLite uses an expression index only for the same text.
 */
const RUN_INTEGRATION = "(CASE WHEN json_valid(summary) THEN json_extract(summary, '$.integration') END)";

/** What the ledger holds under one integration's name. */
export interface IntegrationRecords {
  postings: number;
  tickets: number;
  /** Event cursors and handled-event markers ("event records"). */
  cursors: number;
  /** Runs whose summary names the integration. */
  runs: number;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface TicketRecord {
  /** Stable key (integration + tenant + event id, or + device + status description). */
  key: string;
  integration: string;
  tenantId: string;
  accountId: string | null;
  psaTicketId: string | null;
  psaTicketNumber: string | null;
  kind: TicketKind;
  deviceId: string | null;
  descriptionId: string | null;
  eventId: string | null;
  state: TicketState;
  createdAt: string;
  closedAt: string | null;
  lastNoteAt: string | null;
  repeatCount: number;
  runId: number | null;
  /** Groups the tickets of one condition (ledger v3): see ledgerSchema.ts. */
  repeatKey: string | null;
  title: string | null;
  /** A status ticket's severity (warning | critical). */
  severity: string | null;
  /** When kmsp last read this ticket's status in the PSA. */
  psaCheckedAt: string | null;
  /** A pending create (no PSA id): until when the PSA may still apply it once sent. */
  landsBy: string | null;
  /**
   * Why the PSA has not let kmsp close it although its condition cleared ("locked by Jane
   * Smith"), since when; null when no close is pending. Later passes retry the close.
   */
  closePending: string | null;
  closePendingSince: string | null;
}

export type TicketEventOutcome = 'created' | 'noted' | 'skipped';
/** Stream prefix of the ticket job's per-event markers in the cursors table. */
export const HANDLED_EVENT = 'handled-event:';

/** What upsertTicket needs; the rest defaults (open, now, no repeats). */
export type TicketInput = Pick<TicketRecord, 'key' | 'integration' | 'tenantId' | 'kind'> &
  Partial<Omit<TicketRecord, 'key' | 'integration' | 'tenantId' | 'kind' | 'createdAt' | 'closedAt' | 'lastNoteAt' | 'psaCheckedAt' | 'landsBy' | 'closePending' | 'closePendingSince'>> & {
    createdAt?: Date;
    closedAt?: Date | null;
    lastNoteAt?: Date | null;
    psaCheckedAt?: Date | null;
    landsBy?: Date | null;
  };

export interface TicketNote {
  id: number;
  ticketKey: string;
  at: string;
  text: string;
  psaNoteId: string | null;
}

/**
 * A repeat note sent (or about to be) and not yet recorded as written (ledger v8): the events it
 * covers are not handled until it is. See Ledger.addPendingNote.
 */
export interface PendingNote {
  id: number;
  ticketKey: string;
  title: string;
  /** The description exactly as sent. */
  text: string;
  eventIds: string[];
  createdAt: string;
  /** Until when the PSA may still apply the note's write once it is sent. */
  landsBy: string;
  runId: number | null;
}

export interface ConfigAuditRecord {
  id: number;
  at: string;
  actor: string;
  summary: string;
  diff: ConfigChange[];
}

export interface OpenLedgerOptions {
  paths?: Pick<KmspPaths, 'ledgerFile'>;
  /** Overrides paths.ledgerFile. */
  file?: string;
  /** Tests inject fake migrations. */
  migrations?: readonly LedgerMigration[];
  now?: () => Date;
  /**
   * Only to read (openLedgerToRead): the file must exist and be of this kmsp's version; nothing is
   * created, migrated or checkpointed, and a read takes no lock a writer waits on.
   */
  readOnly?: boolean;
}

const iso = (d: Date): string => d.toISOString();

type Row = Record<string, unknown>;
const s = (v: unknown): string => v as string;
const sn = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const n = (v: unknown): number => Number(v);

function toRun(r: Row): RunRecord {
  return {
    id: n(r.id),
    job: s(r.job),
    startedAt: s(r.started_at),
    finishedAt: sn(r.finished_at),
    status: s(r.status) as RunStatus,
    dryRun: r.dry_run === 1,
    summary: r.summary === null ? null : (JSON.parse(s(r.summary)) as unknown),
    error: sn(r.error),
  };
}

function toPosting(r: Row): PostingRecord {
  return {
    id: n(r.id),
    runId: r.run_id === null ? null : n(r.run_id),
    integration: s(r.integration),
    tenantId: s(r.tenant_id),
    tenantName: sn(r.tenant_name),
    accountId: s(r.account_id),
    contractId: s(r.contract_id),
    billingItemId: s(r.billing_item_id),
    billingItemName: sn(r.billing_item_name),
    applicationId: sn(r.application_id),
    category: sn(r.category),
    beforeUnits: n(r.before_units),
    afterUnits: n(r.after_units),
    delta: n(r.delta),
    effectiveDate: s(r.effective_date),
    psaPostingId: sn(r.psa_posting_id),
    status: (sn(r.status) ?? 'posted') as PostingStatus,
    error: sn(r.error),
    settledAt: sn(r.settled_at),
    createdAt: s(r.created_at),
    landsBy: sn(r.lands_by),
    priceLevel: sn(r.price_level),
  };
}

function toWindow(r: Row): MaintenanceWindow {
  return {
    id: n(r.id),
    integration: s(r.integration),
    tenantId: s(r.tenant_id),
    tenantName: s(r.tenant_name),
    deviceId: sn(r.device_id),
    deviceName: sn(r.device_name),
    startsAt: s(r.starts_at),
    endsAt: s(r.ends_at),
    reason: s(r.reason),
    createdBy: s(r.created_by),
    createdAt: s(r.created_at),
    endedAt: sn(r.ended_at),
    endedBy: sn(r.ended_by),
  };
}

function toHeld(r: Row): HeldChange {
  return {
    id: n(r.id),
    runId: r.run_id === null ? null : n(r.run_id),
    integration: s(r.integration),
    tenantId: s(r.tenant_id),
    tenantName: s(r.tenant_name),
    accountId: s(r.account_id),
    accountName: sn(r.account_name),
    contractId: s(r.contract_id),
    contractName: sn(r.contract_name),
    billingItemId: s(r.billing_item_id),
    billingItemName: sn(r.billing_item_name),
    beforeUnits: n(r.before_units),
    afterUnits: n(r.after_units),
    delta: n(r.delta),
    effectiveDate: s(r.effective_date),
    priceLevel: sn(r.price_level),
    reasons: JSON.parse(s(r.reasons)) as HeldChange['reasons'],
    state: s(r.state) as HeldState,
    createdAt: s(r.created_at),
    decidedAt: sn(r.decided_at),
    decidedBy: sn(r.decided_by),
    note: sn(r.note),
    postingId: r.posting_id === null || r.posting_id === undefined ? null : n(r.posting_id),
  };
}

function toHolder(r: Row): RunLockHolder {
  return {
    runId: n(r.id),
    job: s(r.job),
    startedAt: s(r.started_at),
    host: sn(r.host),
    pid: r.pid === null || r.pid === undefined ? null : n(r.pid),
    heartbeatAt: sn(r.heartbeat_at),
  };
}

/** Whether a lock holder can be taken over: its process is gone on this host, or its heartbeat is older than staleAfterMs. */
function holderGone(holder: RunLockHolder, now: Date, host: string, pid: number, staleAfterMs: number, alive: (pid: number) => boolean): { gone: boolean; why: string } {
  const beat = Date.parse(holder.heartbeatAt ?? holder.startedAt);
  const dead = holder.host === host && holder.pid !== null && holder.pid !== pid && !alive(holder.pid);
  const silent = !(now.getTime() - beat < staleAfterMs);
  return { gone: dead || silent, why: dead ? `its process ${holder.pid} on ${host} is gone` : `no heartbeat since ${holder.heartbeatAt ?? holder.startedAt}` };
}

function runLocked(holder: RunLockHolder): KmspError {
  const where = [holder.pid !== null && `process ${holder.pid}`, holder.host && `on ${holder.host}`].filter(Boolean).join(' ');
  return new KmspError(`Another ${holder.job} run is in progress (run ${holder.runId}${where ? `, ${where}` : ''}, started ${holder.startedAt}).`, {
    kind: 'internal',
    code: 'run-locked',
    cause: `two ${holder.job} runs must never overlap; the holder's last heartbeat was ${holder.heartbeatAt ?? holder.startedAt}`,
    remedy: `Wait for it to finish. If that process is gone, a later run takes over once its heartbeat is ${RUN_LOCK_STALE_MS / 60_000} minutes old (or at once on the same host).`,
  });
}

function toTicket(r: Row): TicketRecord {
  return {
    key: s(r.key),
    integration: s(r.integration),
    tenantId: s(r.tenant_id),
    accountId: sn(r.account_id),
    psaTicketId: sn(r.psa_ticket_id),
    psaTicketNumber: sn(r.psa_ticket_number),
    kind: s(r.kind) as TicketKind,
    deviceId: sn(r.device_id),
    descriptionId: sn(r.description_id),
    eventId: sn(r.event_id),
    state: s(r.state) as TicketState,
    createdAt: s(r.created_at),
    closedAt: sn(r.closed_at),
    lastNoteAt: sn(r.last_note_at),
    repeatCount: n(r.repeat_count),
    runId: r.run_id === null ? null : n(r.run_id),
    repeatKey: sn(r.repeat_key),
    title: sn(r.title),
    severity: sn(r.severity),
    psaCheckedAt: sn(r.psa_checked_at),
    landsBy: sn(r.lands_by),
    closePending: sn(r.close_pending),
    closePendingSince: sn(r.close_pending_since),
  };
}

function toPendingNote(r: Row): PendingNote {
  return {
    id: n(r.id),
    ticketKey: s(r.ticket_key),
    title: s(r.title),
    text: s(r.text),
    eventIds: eventIdList(r.event_ids),
    createdAt: s(r.created_at),
    landsBy: s(r.lands_by),
    runId: r.run_id === null ? null : n(r.run_id),
  };
}

/** A pending note's event ids (JSON text); a list damaged by hand reads as none: its events are then noted as new ones. */
function eventIdList(v: unknown): string[] {
  try {
    const list: unknown = JSON.parse(String(v));
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** Create the file with 0600 before SQLite does (it would use 0644); -wal and -shm inherit the mode. */
function prepareFile(file: string): void {
  ensureDir(path.dirname(file));
  fs.closeSync(fs.openSync(file, 'a', LEDGER_FILE_MODE));
  if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, LEDGER_FILE_MODE);
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * SQLite skips the busy handler where waiting could deadlock: two processes
 * switching a new file to WAL at once, or one recovering the WAL index. Those
 * fail at once with SQLITE_BUSY; retrying shortly is the documented remedy.
 * The constructor is synchronous, hence Atomics.wait for the pause.
 */
function retryWhileBusy(step: () => void): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 1; ; attempt++) {
    try {
      step();
      return;
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      Atomics.wait(pause, 0, 0, Math.min(5 * attempt, 50) + Math.random() * 10);
    }
  }
}

/**
 * better-sqlite3, loaded when a ledger is first opened rather than with this module: commands that
 * only might read a ledger (`kmsp status` where none exists yet) do not pay for it.
 */
let sqlite: typeof Database | null = null;
function openDatabase(file: string, options?: Database.Options): Database.Database {
  sqlite ??= createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  return new sqlite(file, options);
}

/** A read-only opening met a ledger of another version: only a read-write opening migrates it (or refuses a newer one). */
class LedgerVersionMismatch extends Error {
  constructor(file: string, version: number) {
    super(`${file} is ledger version ${version}, this kmsp's is ${LEDGER_SCHEMA_VERSION}`);
  }
}

function migrate(db: Database.Database, file: string, migrations: readonly LedgerMigration[]): void {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const version = () => db.pragma('user_version', { simple: true }) as number;
  const tooNew = (v: number) =>
    new KmspError(`The ledger ${file} was written by a newer kmsp (ledger version ${v}; this kmsp knows up to ${latest}).`, {
      kind: 'internal',
      cause: 'Using it could damage records this version does not understand; it was left unchanged.',
      remedy: 'Upgrade kmsp on this machine so the console and the agent run the same version.',
    });
  if (version() > latest) throw tooNew(version());
  if (version() === latest) return;
  db.transaction(() => {
    // Re-read under the write lock: another process may have migrated meanwhile.
    const current = version();
    if (current > latest) throw tooNew(current);
    for (const step of migrations) {
      if (step.version <= current) continue;
      step.up(db);
      db.pragma(`user_version = ${Math.trunc(step.version)}`);
    }
  }).immediate();
}

export class Ledger implements ConfigAuditSink {
  readonly file: string;
  readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly now: () => Date;

  constructor(options: OpenLedgerOptions) {
    const file = options.file ?? options.paths?.ledgerFile;
    if (!file) throw new KmspError('No ledger file was given.', { kind: 'internal', remedy: 'Pass paths or file to openLedger().' });
    this.file = file;
    this.now = options.now ?? (() => new Date());
    if (options.readOnly) {
      this.db = openDatabase(file, { readonly: true, fileMustExist: true });
      try {
        this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
        // Busy at once (not after the timeout) while another connection recovers the WAL: retried.
        let version = 0;
        retryWhileBusy(() => {
          version = this.schemaVersion;
        });
        if (version !== LEDGER_SCHEMA_VERSION) throw new LedgerVersionMismatch(file, version);
      } catch (error) {
        this.db.close();
        throw error;
      }
      return;
    }
    try {
      prepareFile(file);
      this.db = openDatabase(file);
    } catch (error) {
      throw new KmspError(`Cannot open the ledger ${file}.`, {
        kind: 'internal',
        cause: (error as Error).message,
        remedy: `Check that ${path.dirname(file)} exists and is writable by this user.`,
      });
    }
    try {
      // busy_timeout first: switching to WAL and migrating may meet another process's lock.
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      this.db.pragma('foreign_keys = ON');
      retryWhileBusy(() => {
        this.db.pragma('journal_mode = WAL');
        migrate(this.db, file, options.migrations ?? LEDGER_MIGRATIONS);
      });
      this.db.pragma('synchronous = NORMAL'); // durable enough in WAL; a power cut loses at most the last commits
      // The checkpoint policy, said rather than assumed: the WAL is copied into the file every
      // 1,000 pages (about 4 MB) and when the last connection closes, so it never grows unbounded.
      this.db.pragma('wal_autocheckpoint = 1000');
    } catch (error) {
      this.db.close();
      if (error instanceof KmspError) throw error;
      throw new KmspError(`Cannot use the ledger ${file}.`, {
        kind: 'internal',
        cause: (error as Error).message,
        remedy: 'If the file is damaged, move it aside (keep it: it is the audit trail) and kmsp will start a new one.',
      });
    }
  }

  /**
   * The statement for this SQL, compiled once per connection: the jobs run the same few statements
   * thousands of times a pass (a ticket pass over 10,000 events spent half its ledger time
   * compiling them again). Safe because no statement here is iterated or switched to pluck/raw mode.
   */
  private sql(source: string): Database.Statement {
    let statement = this.statements.get(source);
    if (!statement) {
      statement = this.db.prepare(source);
      this.statements.set(source, statement);
    }
    return statement;
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Run `fn` in one write transaction (BEGIN IMMEDIATE: the lock is taken up front, so it cannot deadlock on upgrade). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  // --- runs ---------------------------------------------------------------

  startRun(input: { job: RunJob; dryRun?: boolean; startedAt?: Date }): number {
    const result = this.sql('INSERT INTO runs (job, started_at, status, dry_run) VALUES (?, ?, ?, ?)')
      .run(input.job, iso(input.startedAt ?? this.now()), 'running', input.dryRun ? 1 : 0);
    return Number(result.lastInsertRowid);
  }

  finishRun(id: number, result: { status: Exclude<RunStatus, 'running'>; summary?: unknown; error?: string | null; finishedAt?: Date }): void {
    this.sql('UPDATE runs SET finished_at = ?, status = ?, summary = ?, error = ? WHERE id = ?')
      .run(iso(result.finishedAt ?? this.now()), result.status, result.summary === undefined ? null : JSON.stringify(result.summary), result.error ?? null, id);
  }

  /**
   * Starts a run that holds the job's lock (billing: two runs never overlap, across processes).
   * Under BEGIN IMMEDIATE: a running holder is taken over (marked abandoned) when its pid is dead on
   * this host or its heartbeat is older than staleAfterMs; otherwise the call throws a KmspError
   * (code 'run-locked') naming the holder. The unique index runs_one_locked_per_job backs this up.
   */
  acquireRun(options: AcquireRunOptions): { runId: number; tookOver: RunLockHolder | null } {
    const pid = options.pid ?? process.pid;
    const host = options.host ?? os.hostname();
    const stale = options.staleAfterMs ?? RUN_LOCK_STALE_MS;
    const alive = options.isAlive ?? pidAlive;
    return this.transaction(() => {
      const now = this.now();
      const row = this.sql("SELECT * FROM runs WHERE job = ? AND locked = 1 AND status = 'running'").get(options.job) as Row | undefined;
      let tookOver: RunLockHolder | null = null;
      if (row) {
        const holder = toHolder(row);
        const { gone, why } = holderGone(holder, now, host, pid, stale, alive);
        if (!gone) throw runLocked(holder);
        this.sql("UPDATE runs SET status = 'abandoned', finished_at = ?, error = ? WHERE id = ?")
          .run(iso(now), `taken over by a later run: ${why}`, holder.runId);
        tookOver = holder;
      }
      const result = this.sql("INSERT INTO runs (job, started_at, status, dry_run, locked, host, pid, heartbeat_at) VALUES (?, ?, 'running', 0, 1, ?, ?, ?)")
        .run(options.job, iso(now), host, pid, iso(now));
      return { runId: Number(result.lastInsertRowid), tookOver };
    });
  }

  /** The run is alive: keeps others from taking its lock over. */
  heartbeat(runId: number): void {
    this.sql("UPDATE runs SET heartbeat_at = ? WHERE id = ? AND status = 'running'").run(iso(this.now()), runId);
  }

  /** Who holds the job's lock, if anyone. */
  runLockHolder(job: RunJob): RunLockHolder | null {
    const row = this.sql("SELECT * FROM runs WHERE job = ? AND locked = 1 AND status = 'running'").get(job) as Row | undefined;
    return row ? toHolder(row) : null;
  }

  getRun(id: number): RunRecord | null {
    const row = this.sql('SELECT * FROM runs WHERE id = ?').get(id) as Row | undefined;
    return row ? toRun(row) : null;
  }

  /** Most recent first. */
  listRuns(filter: { job?: RunJob; limit?: number } = {}): RunRecord[] {
    const rows = filter.job
      ? this.sql('SELECT * FROM runs WHERE job = ? ORDER BY id DESC LIMIT ?').all(filter.job, filter.limit ?? 50)
      : this.sql('SELECT * FROM runs ORDER BY id DESC LIMIT ?').all(filter.limit ?? 50);
    return (rows as Row[]).map(toRun);
  }

  // --- postings -------------------------------------------------------------

  recordPosting(input: PostingInput): PostingRecord {
    const createdAt = iso(input.createdAt ?? this.now());
    const delta = input.afterUnits - input.beforeUnits;
    const status = input.status ?? 'posted';
    const error = input.error ?? null;
    const result = this.sql(
        `INSERT INTO postings (run_id, integration, tenant_id, tenant_name, account_id, contract_id, billing_item_id, billing_item_name,
           application_id, category, before_units, after_units, delta, effective_date, psa_posting_id, created_at, status, error, lands_by, price_level)
         VALUES (@runId, @integration, @tenantId, @tenantName, @accountId, @contractId, @billingItemId, @billingItemName,
           @applicationId, @category, @beforeUnits, @afterUnits, @delta, @effectiveDate, @psaPostingId, @createdAt, @status, @error, @landsBy, @priceLevel)`,
      )
      .run({ ...input, delta, createdAt, status, error, landsBy: input.landsBy ? iso(input.landsBy) : null, priceLevel: input.priceLevel ?? null });
    const { createdAt: _ignored, status: _s, error: _e, landsBy: _l, priceLevel: _p, ...rest } = input;
    return { ...rest, id: Number(result.lastInsertRowid), delta, status, error, settledAt: null, createdAt, landsBy: input.landsBy ? iso(input.landsBy) : null, priceLevel: input.priceLevel ?? null };
  }

  getPosting(id: number): PostingRecord | null {
    const row = this.sql('SELECT * FROM postings WHERE id = ?').get(id) as Row | undefined;
    return row ? toPosting(row) : null;
  }

  /**
   * Gives a pending or unknown posting its outcome. Only unsettled rows change (false otherwise),
   * so a settled posting is never rewritten.
   */
  settlePosting(id: number, outcome: { status: Exclude<PostingStatus, 'pending'>; psaPostingId?: string | null; error?: string | null; at?: Date }): boolean {
    return this.transaction(() => {
      const result = this.sql(
          `UPDATE postings SET status = @status, psa_posting_id = COALESCE(@psaPostingId, psa_posting_id), error = @error,
             settled_at = CASE WHEN @status = 'unknown' THEN NULL ELSE @at END
           WHERE id = @id AND status IN ('pending', 'unknown')`,
        )
        .run({ id, status: outcome.status, psaPostingId: outcome.psaPostingId ?? null, error: outcome.error ?? null, at: iso(outcome.at ?? this.now()) });
      // An approved change whose posting the PSA did not apply is approved again: the next pass
      // posts it (re-checked against the PSA's units), no second approval asked.
      if (result.changes > 0 && outcome.status === 'failed') {
        this.sql("UPDATE held_changes SET state = 'approved', posting_id = NULL WHERE posting_id = ? AND state = 'posted'").run(id);
      }
      return result.changes > 0;
    });
  }

  /** Postings of an integration still pending or unknown (oldest first), optionally of one contract. */
  unsettledPostings(filter: { integration: string; contractId?: string }): PostingRecord[] {
    const rows =
      filter.contractId === undefined
        ? this.sql("SELECT * FROM postings WHERE integration = ? AND status IN ('pending', 'unknown') ORDER BY id").all(filter.integration)
        : this.sql("SELECT * FROM postings WHERE integration = ? AND contract_id = ? AND status IN ('pending', 'unknown') ORDER BY id")
            .all(filter.integration, filter.contractId);
    return (rows as Row[]).map(toPosting);
  }

  /** Most recent first. `since` compares with created_at. */
  listPostings(filter: { since?: Date; runId?: number; integration?: string; status?: PostingStatus; limit?: number } = {}): PostingRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status) (where.push('status = ?'), params.push(filter.status));
    if (filter.since) (where.push('created_at >= ?'), params.push(iso(filter.since)));
    if (filter.runId !== undefined) (where.push('run_id = ?'), params.push(filter.runId));
    if (filter.integration) (where.push('integration = ?'), params.push(filter.integration));
    const sql = `SELECT * FROM postings ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return (this.sql(sql).all(...params, filter.limit ?? -1) as Row[]).map(toPosting);
  }

  // --- held changes (README › Billing approvals) ------------------------------

  /**
   * Records a change held for a person. An open (held or approved) change of the same contract
   * item with another before or after is marked replaced in the same transaction: usage has
   * moved on, and the old numbers must never be posted. The same change still open is kept (and
   * returned) as it is.
   */
  holdChange(input: HeldChangeInput, at: Date = this.now()): HeldChange {
    return this.transaction(() => {
      const open = this.openHeldChange(input.integration, input.contractId, input.billingItemId);
      // The same change still open — held, or approved by a person since this pass read it — is
      // kept as it is: an approval is never replaced by a hold of the very numbers it approved.
      if (open && open.beforeUnits === input.beforeUnits && open.afterUnits === input.afterUnits) return open;
      if (open) this.replaceHeldChange(open.id, `replaced: the ${input.effectiveDate} pass planned ${input.beforeUnits} → ${input.afterUnits}`, at);
      const result = this.sql(
          `INSERT INTO held_changes (run_id, integration, tenant_id, tenant_name, account_id, account_name, contract_id, contract_name, billing_item_id,
             billing_item_name, before_units, after_units, delta, effective_date, price_level, reasons, state, created_at)
           VALUES (@runId, @integration, @tenantId, @tenantName, @accountId, @accountName, @contractId, @contractName, @billingItemId,
             @billingItemName, @beforeUnits, @afterUnits, @delta, @effectiveDate, @priceLevel, @reasons, 'held', @createdAt)`,
        )
        .run({ ...input, delta: input.afterUnits - input.beforeUnits, reasons: JSON.stringify(input.reasons), createdAt: iso(at) });
      return this.getHeldChange(Number(result.lastInsertRowid))!;
    });
  }

  getHeldChange(id: number): HeldChange | null {
    const row = this.sql('SELECT * FROM held_changes WHERE id = ?').get(id) as Row | undefined;
    return row ? toHeld(row) : null;
  }

  /** The open (held or approved) change of one contract item, or null. */
  openHeldChange(integration: string, contractId: string, billingItemId: string): HeldChange | null {
    const row = this.sql("SELECT * FROM held_changes WHERE integration = ? AND contract_id = ? AND billing_item_id = ? AND state IN ('held', 'approved')")
      .get(integration, contractId, billingItemId) as Row | undefined;
    return row ? toHeld(row) : null;
  }

  /** The latest change recorded for one contract item (any state), or null. */
  latestHeldChange(integration: string, contractId: string, billingItemId: string): HeldChange | null {
    const row = this.sql('SELECT * FROM held_changes WHERE integration = ? AND contract_id = ? AND billing_item_id = ? ORDER BY id DESC LIMIT 1')
      .get(integration, contractId, billingItemId) as Row | undefined;
    return row ? toHeld(row) : null;
  }

  /** Held changes, newest first; by default the open ones (held or approved). */
  listHeldChanges(filter: { integration?: string; states?: readonly HeldState[]; contractId?: string; limit?: number } = {}): HeldChange[] {
    const states = filter.states ?? ['held', 'approved'];
    const where = [`state IN (${states.map(() => '?').join(', ')})`];
    const params: unknown[] = [...states];
    if (filter.integration !== undefined) (where.push('integration = ?'), params.push(filter.integration));
    if (filter.contractId !== undefined) (where.push('contract_id = ?'), params.push(filter.contractId));
    const sql = `SELECT * FROM held_changes WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`;
    return (this.sql(sql).all(...params, filter.limit ?? -1) as Row[]).map(toHeld);
  }

  /** Marks an open change replaced (never posted). False when it was not open any more. */
  replaceHeldChange(id: number, note: string, at: Date = this.now()): boolean {
    return (
      this.sql("UPDATE held_changes SET state = 'replaced', note = ?, decided_at = ?, decided_by = 'kmsp (billing pass)' WHERE id = ? AND state IN ('held', 'approved')")
        .run(note, iso(at), id).changes > 0
    );
  }

  /**
   * A person's decision on a held change, with the config audit row that records who took it, in
   * one transaction. Approve takes a held change; reject a held or an approved one (not posted
   * yet). Throws a KmspError, changing nothing, when the change is not in a state to take it.
   */
  decideHeldChange(id: number, decision: { approve: boolean; actor: string; note?: string; at?: Date }): HeldChange {
    return this.transaction(() => {
      const held = this.getHeldChange(id);
      if (!held) {
        throw new KmspError(`No held change ${id} in the ledger`, {
          kind: 'not-found',
          remedy: 'List the held changes with kmsp billing held (or Reports › Billing: Held in the console) and pass one of their ids.',
        });
      }
      const allowed: HeldState[] = decision.approve ? ['held'] : ['held', 'approved'];
      if (!allowed.includes(held.state)) {
        throw new KmspError(`Held change ${id} is ${held.state}; it cannot be ${decision.approve ? 'approved' : 'rejected'}`, {
          kind: 'config',
          cause: held.note ?? `it was ${held.state}${held.decidedBy ? ` by ${held.decidedBy}` : ''}${held.decidedAt ? ` at ${held.decidedAt}` : ''}`,
          remedy: 'Nothing was changed. kmsp billing held lists the changes still waiting for a decision.',
        });
      }
      const at = decision.at ?? this.now();
      const state: HeldState = decision.approve ? 'approved' : 'rejected';
      this.sql('UPDATE held_changes SET state = ?, decided_at = ?, decided_by = ?, note = ? WHERE id = ?').run(state, iso(at), decision.actor, decision.note ?? null, id);
      const what = `${held.tenantName} / ${held.contractName ?? held.contractId} / ${held.billingItemName ?? held.billingItemId}: ${held.beforeUnits} → ${held.afterUnits}`;
      this.recordConfigChange({ at, actor: decision.actor, summary: `billing: ${state} held change ${id} of ${held.integration} (${what})${decision.note ? ` — ${decision.note}` : ''}`, diff: [] });
      return this.getHeldChange(id)!;
    });
  }

  /**
   * Hands an approved change to its posting: the posting row (pending, before the PSA is asked)
   * and the change's link to it in one transaction, so a crash leaves either both or neither.
   * Null (nothing written) when the change is no longer approved.
   */
  postHeldChange(id: number, posting: PostingInput): PostingRecord | null {
    return this.transaction(() => {
      const held = this.getHeldChange(id);
      if (!held || held.state !== 'approved') return null;
      const row = this.recordPosting(posting);
      this.sql("UPDATE held_changes SET state = 'posted', posting_id = ? WHERE id = ?").run(row.id, id);
      return row;
    });
  }

  /** Whether kmsp has ever posted to the contract for the integration (posted, or sent and not known to have failed). */
  hasPostedTo(integration: string, contractId: string): boolean {
    return (
      this.sql("SELECT 1 FROM postings WHERE integration = ? AND contract_id = ? AND status IN ('posted', 'pending', 'unknown') LIMIT 1")
        .get(integration, contractId) !== undefined
    );
  }

  // --- tickets --------------------------------------------------------------

  /** Insert or replace the ticket with this key; fields left out keep their defaults (new) or current values (existing). */
  upsertTicket(input: TicketInput): TicketRecord {
    return this.transaction(() => {
      const existing = this.getTicket(input.key);
      const at = (d: Date | null | undefined, fallback: string | null) => (d === undefined ? fallback : d === null ? null : iso(d));
      const merged: TicketRecord = {
        key: input.key,
        integration: input.integration,
        tenantId: input.tenantId,
        kind: input.kind,
        accountId: input.accountId !== undefined ? input.accountId : (existing?.accountId ?? null),
        psaTicketId: input.psaTicketId !== undefined ? input.psaTicketId : (existing?.psaTicketId ?? null),
        psaTicketNumber: input.psaTicketNumber !== undefined ? input.psaTicketNumber : (existing?.psaTicketNumber ?? null),
        deviceId: input.deviceId !== undefined ? input.deviceId : (existing?.deviceId ?? null),
        descriptionId: input.descriptionId !== undefined ? input.descriptionId : (existing?.descriptionId ?? null),
        eventId: input.eventId !== undefined ? input.eventId : (existing?.eventId ?? null),
        state: input.state ?? existing?.state ?? 'open',
        createdAt: at(input.createdAt, existing?.createdAt ?? null) ?? iso(this.now()),
        closedAt: at(input.closedAt, existing?.closedAt ?? null),
        lastNoteAt: at(input.lastNoteAt, existing?.lastNoteAt ?? null),
        repeatCount: input.repeatCount ?? existing?.repeatCount ?? 0,
        runId: input.runId !== undefined ? input.runId : (existing?.runId ?? null),
        repeatKey: input.repeatKey !== undefined ? input.repeatKey : (existing?.repeatKey ?? null),
        title: input.title !== undefined ? input.title : (existing?.title ?? null),
        severity: input.severity !== undefined ? input.severity : (existing?.severity ?? null),
        psaCheckedAt: at(input.psaCheckedAt, existing?.psaCheckedAt ?? null),
        landsBy: at(input.landsBy, existing?.landsBy ?? null),
        closePending: null,
        closePendingSince: null,
      };
      // A pending close belongs to an open ticket only.
      if (merged.state === 'open') {
        merged.closePending = existing?.closePending ?? null;
        merged.closePendingSince = existing?.closePendingSince ?? null;
      }
      this.sql(
          `INSERT INTO tickets (key, integration, tenant_id, account_id, psa_ticket_id, psa_ticket_number, kind, device_id, description_id,
             event_id, state, created_at, closed_at, last_note_at, repeat_count, run_id, repeat_key, title, severity, psa_checked_at, lands_by,
             close_pending, close_pending_since)
           VALUES (@key, @integration, @tenantId, @accountId, @psaTicketId, @psaTicketNumber, @kind, @deviceId, @descriptionId,
             @eventId, @state, @createdAt, @closedAt, @lastNoteAt, @repeatCount, @runId, @repeatKey, @title, @severity, @psaCheckedAt, @landsBy,
             @closePending, @closePendingSince)
           ON CONFLICT (key) DO UPDATE SET
             integration = excluded.integration, tenant_id = excluded.tenant_id, account_id = excluded.account_id,
             psa_ticket_id = excluded.psa_ticket_id, psa_ticket_number = excluded.psa_ticket_number, kind = excluded.kind,
             device_id = excluded.device_id, description_id = excluded.description_id, event_id = excluded.event_id,
             state = excluded.state, created_at = excluded.created_at, closed_at = excluded.closed_at,
             last_note_at = excluded.last_note_at, repeat_count = excluded.repeat_count, run_id = excluded.run_id,
             repeat_key = excluded.repeat_key, title = excluded.title, severity = excluded.severity, psa_checked_at = excluded.psa_checked_at,
             lands_by = excluded.lands_by, close_pending = excluded.close_pending, close_pending_since = excluded.close_pending_since`,
        )
        .run(merged);
      return merged;
    });
  }

  getTicket(key: string): TicketRecord | null {
    const row = this.sql('SELECT * FROM tickets WHERE key = ?').get(key) as Row | undefined;
    return row ? toTicket(row) : null;
  }

  openTicketsFor(filter: { integration: string; tenantId?: string; kind?: TicketKind }): TicketRecord[] {
    const where = ["integration = ?", "state = 'open'"];
    const params: unknown[] = [filter.integration];
    if (filter.tenantId !== undefined) (where.push('tenant_id = ?'), params.push(filter.tenantId));
    if (filter.kind) (where.push('kind = ?'), params.push(filter.kind));
    return (this.sql(`SELECT * FROM tickets WHERE ${where.join(' AND ')} ORDER BY created_at`).all(...params) as Row[]).map(toTicket);
  }

  /** False when there is no such ticket. A pending close is over. */
  closeTicket(key: string, options: { state?: Exclude<TicketState, 'open'>; closedAt?: Date } = {}): boolean {
    const result = this.sql('UPDATE tickets SET state = ?, closed_at = ?, close_pending = NULL, close_pending_since = NULL WHERE key = ?')
      .run(options.state ?? 'closed', iso(options.closedAt ?? this.now()), key);
    return result.changes > 0;
  }

  /**
   * The PSA deferred closing this open ticket (`reason`, e.g. "locked by Jane Smith"): kept open
   * and retried by later passes. The first deferral's time is kept across retries.
   */
  markClosePending(key: string, reason: string, at: Date = this.now()): boolean {
    const result = this.sql("UPDATE tickets SET close_pending = ?, close_pending_since = COALESCE(close_pending_since, ?) WHERE key = ? AND state = 'open'")
      .run(reason, iso(at), key);
    return result.changes > 0;
  }

  /** The ticket's condition is active again: its deferred close is no longer wanted. */
  clearClosePending(key: string): boolean {
    return this.sql('UPDATE tickets SET close_pending = NULL, close_pending_since = NULL WHERE key = ?').run(key).changes > 0;
  }

  /** Open tickets whose close the PSA deferred, oldest deferral first (optionally of one integration). */
  pendingCloses(filter: { integration?: string } = {}): TicketRecord[] {
    const where = ["state = 'open'", 'close_pending IS NOT NULL'];
    const params: unknown[] = [];
    if (filter.integration !== undefined) (where.push('integration = ?'), params.push(filter.integration));
    return (this.sql(`SELECT * FROM tickets WHERE ${where.join(' AND ')} ORDER BY close_pending_since, key`).all(...params) as Row[]).map(toTicket);
  }

  /** A repeat of the condition while the ticket is open: count it and keep the note (README › Ticket rules, "Consolidation"). */
  addTicketNote(key: string, note: { text: string; at?: Date; psaNoteId?: string | null; countsAsRepeat?: boolean }): TicketNote {
    const at = iso(note.at ?? this.now());
    return this.transaction(() => {
      const result = this.sql('INSERT INTO ticket_notes (ticket_key, at, text, psa_note_id) VALUES (?, ?, ?, ?)')
        .run(key, at, note.text, note.psaNoteId ?? null);
      this.sql('UPDATE tickets SET last_note_at = ?, repeat_count = repeat_count + ? WHERE key = ?')
        .run(at, note.countsAsRepeat === false ? 0 : 1, key);
      return { id: Number(result.lastInsertRowid), ticketKey: key, at, text: note.text, psaNoteId: note.psaNoteId ?? null };
    });
  }

  listTicketNotes(key: string): TicketNote[] {
    const rows = this.sql('SELECT * FROM ticket_notes WHERE ticket_key = ? ORDER BY id').all(key) as Row[];
    return rows.map((r) => ({ id: n(r.id), ticketKey: s(r.ticket_key), at: s(r.at), text: s(r.text), psaNoteId: sn(r.psa_note_id) }));
  }

  /**
   * Records a repeat note before it is sent to the PSA, in its own transaction (durable before the
   * request leaves): a pass that dies, or gets no answer, leaves it for the next pass to look for.
   */
  addPendingNote(input: { ticketKey: string; title: string; text: string; eventIds: readonly string[]; landsBy: Date; runId?: number | null; at?: Date }): PendingNote {
    const createdAt = iso(input.at ?? this.now());
    const landsBy = iso(input.landsBy);
    const eventIds = [...input.eventIds];
    const result = this.sql('INSERT INTO pending_notes (ticket_key, title, text, event_ids, created_at, lands_by, run_id) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(input.ticketKey, input.title, input.text, JSON.stringify(eventIds), createdAt, landsBy, input.runId ?? null);
    return { id: Number(result.lastInsertRowid), ticketKey: input.ticketKey, title: input.title, text: input.text, eventIds, createdAt, landsBy, runId: input.runId ?? null };
  }

  /** The pending notes on tickets of one tenant of an integration, oldest first. */
  pendingNotesFor(integration: string, tenantId: string): PendingNote[] {
    const rows = this.sql('SELECT p.* FROM pending_notes p JOIN tickets t ON t.key = p.ticket_key WHERE t.integration = ? AND t.tenant_id = ? ORDER BY p.id')
      .all(integration, tenantId) as Row[];
    return rows.map(toPendingNote);
  }

  /** Every pending note (the console and `ledger verify`), oldest first. */
  listPendingNotes(): PendingNote[] {
    return (this.sql('SELECT * FROM pending_notes ORDER BY id').all() as Row[]).map(toPendingNote);
  }

  /** The note was recorded as written, or can no longer land: it is pending no more. */
  dropPendingNote(id: number): boolean {
    return this.sql('DELETE FROM pending_notes WHERE id = ?').run(id).changes > 0;
  }

  /** Tickets created for one PSA account since `since`: the input of the per-account rate breaker. */
  countTicketsCreatedSince(filter: { integration: string; accountId: string; since: Date }): number {
    const row = this.sql('SELECT COUNT(*) AS c FROM tickets WHERE integration = ? AND account_id = ? AND created_at >= ?')
      .get(filter.integration, filter.accountId, iso(filter.since)) as { c: number };
    return row.c;
  }

  /** Tickets of one condition (repeat key), newest first. */
  ticketsByRepeatKey(integration: string, repeatKey: string): TicketRecord[] {
    const rows = this.sql('SELECT * FROM tickets WHERE integration = ? AND repeat_key = ? ORDER BY created_at DESC, key DESC')
      .all(integration, repeatKey) as Row[];
    return rows.map(toTicket);
  }

  /** Tickets of an integration not closed in the ledger (open, incl. pending ones without a PSA id) or closed by a person. */
  heldTicketsFor(filter: { integration: string; tenantId: string; kind: TicketKind }): TicketRecord[] {
    const rows = this.sql("SELECT * FROM tickets WHERE integration = ? AND tenant_id = ? AND kind = ? AND state IN ('open', 'closed-by-person') ORDER BY created_at")
      .all(filter.integration, filter.tenantId, filter.kind) as Row[];
    return rows.map(toTicket);
  }

  /** Most recent first. */
  listTickets(filter: { integration?: string; since?: Date; limit?: number } = {}): TicketRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.integration) (where.push('integration = ?'), params.push(filter.integration));
    if (filter.since) (where.push('created_at >= ?'), params.push(iso(filter.since)));
    const sql = `SELECT * FROM tickets ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, key DESC LIMIT ?`;
    return (this.sql(sql).all(...params, filter.limit ?? -1) as Row[]).map(toTicket);
  }

  /** The most recent ticket created for a PSA account (breaker notes go there). */
  latestTicketOfAccount(integration: string, accountId: string): TicketRecord | null {
    const row = this.sql('SELECT * FROM tickets WHERE integration = ? AND account_id = ? AND psa_ticket_id IS NOT NULL ORDER BY created_at DESC, key DESC LIMIT 1')
      .get(integration, accountId) as Row | undefined;
    return row ? toTicket(row) : null;
  }

  /** When a note whose text starts with `prefix` was last added to a ticket of the account, or null. */
  lastNoteOfAccount(integration: string, accountId: string, prefix: string): string | null {
    const row = this.sql(
        `SELECT MAX(n.at) AS at FROM ticket_notes n JOIN tickets t ON t.key = n.ticket_key
         WHERE t.integration = ? AND t.account_id = ? AND substr(n.text, 1, ?) = ?`,
      )
      .get(integration, accountId, prefix.length, prefix) as { at: string | null };
    return row.at;
  }

  /**
   * Records how the ticket job handled events (idempotent: an event handled once stays so).
   * Kept as cursor rows of stream "handled-event:<id>" (value "outcome|ticket key or reason"):
   * one marker per event, beside the tenant's event cursor.
   */
  recordTicketEvents(rows: Array<{ integration: string; tenantId: string; eventId: string; outcome: TicketEventOutcome; ticketKey?: string | null; reason?: string | null; runId?: number | null }>, at?: Date): void {
    const stmt = this.sql('INSERT OR IGNORE INTO cursors (integration, tenant_id, stream, value, updated_at) VALUES (?, ?, ?, ?, ?)');
    const when = iso(at ?? this.now());
    this.transaction(() => {
      for (const r of rows) stmt.run(r.integration, r.tenantId, HANDLED_EVENT + r.eventId, `${r.outcome}|${r.ticketKey ?? r.reason ?? ''}`, when);
    });
  }

  /** The PSA's numbers of tickets it created, read back after the creates (one write for all). */
  recordTicketNumbers(numbers: ReadonlyArray<{ key: string; number: string }>): void {
    const stmt = this.sql('UPDATE tickets SET psa_ticket_number = ? WHERE key = ?');
    this.transaction(() => {
      for (const n of numbers) stmt.run(n.number, n.key);
    });
  }

  /** Which of these events the ticket job already handled. */
  handledEventIds(integration: string, tenantId: string, eventIds: readonly string[]): Set<string> {
    const out = new Set<string>();
    const stmt = this.sql('SELECT 1 FROM cursors WHERE integration = ? AND tenant_id = ? AND stream = ?');
    for (const id of eventIds) if (stmt.get(integration, tenantId, HANDLED_EVENT + id)) out.add(id);
    return out;
  }

  /** How the ticket job handled an event: {outcome, detail} or null. */
  handledEvent(integration: string, tenantId: string, eventId: string): { outcome: TicketEventOutcome; detail: string } | null {
    const v = this.getCursor(integration, tenantId, HANDLED_EVENT + eventId);
    if (v === null) return null;
    const i = v.indexOf('|');
    return { outcome: v.slice(0, i) as TicketEventOutcome, detail: v.slice(i + 1) };
  }

  // --- cursors --------------------------------------------------------------

  getCursor(integration: string, tenantId: string, stream: string): string | null {
    const row = this.sql('SELECT value FROM cursors WHERE integration = ? AND tenant_id = ? AND stream = ?')
      .get(integration, tenantId, stream) as { value: string } | undefined;
    return row?.value ?? null;
  }

  setCursor(integration: string, tenantId: string, stream: string, value: string, at?: Date): void {
    this.sql(
        `INSERT INTO cursors (integration, tenant_id, stream, value, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (integration, tenant_id, stream) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(integration, tenantId, stream, value, iso(at ?? this.now()));
  }

  // --- integrations ---------------------------------------------------------

  /** The latest finished run of a job for one integration (by its summary), or null when it never ran. */
  lastRunOf(integration: string, job: RunJob): RunRecord | null {
    const row = this.sql(`SELECT * FROM runs WHERE job = ? AND ${RUN_INTEGRATION} = ? AND status != 'running' AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1`)
      .get(job, integration) as Row | undefined;
    return row ? toRun(row) : null;
  }

  /** How many rows the ledger holds under an integration's name. */
  recordsOf(integration: string): IntegrationRecords {
    const count = (sql: string) => (this.sql(sql).get(integration) as { c: number }).c;
    return {
      postings: count('SELECT COUNT(*) AS c FROM postings WHERE integration = ?'),
      tickets: count('SELECT COUNT(*) AS c FROM tickets WHERE integration = ?'),
      cursors: count('SELECT COUNT(*) AS c FROM cursors WHERE integration = ?'),
      runs: this.jobs().reduce((sum, job) => sum + (this.sql(`SELECT COUNT(*) AS c FROM runs WHERE job = ? AND ${RUN_INTEGRATION} = ?`).get(job, integration) as { c: number }).c, 0),
    };
  }

  /** The jobs that have runs, one index step each (the runs of one job are many; the jobs are few). */
  private jobs(): string[] {
    const next = this.sql('SELECT job FROM runs WHERE job > ? ORDER BY job LIMIT 1');
    const out: string[] = [];
    for (let row = next.get('') as { job: string } | undefined; row; row = next.get(row.job) as { job: string } | undefined) out.push(row.job);
    return out;
  }

  /**
   * Why the integration `from` cannot be renamed to `to` in the ledger now, or null. Checked again
   * inside renameIntegration's transaction; callers ask first to refuse before touching anything else.
   */
  renameProblem(from: string, to: string, options: Pick<AcquireRunOptions, 'pid' | 'host' | 'staleAfterMs' | 'isAlive'> = {}): KmspError | null {
    // A run writing rows under the old name while they are renamed would leave them behind.
    const now = this.now();
    const host = options.host ?? os.hostname();
    for (const row of this.sql("SELECT * FROM runs WHERE locked = 1 AND status = 'running'").all() as Row[]) {
      const holder = toHolder(row);
      if (holderGone(holder, now, host, options.pid ?? process.pid, options.staleAfterMs ?? RUN_LOCK_STALE_MS, options.isAlive ?? pidAlive).gone) continue;
      const where = [holder.pid !== null && `process ${holder.pid}`, holder.host && `on ${holder.host}`].filter(Boolean).join(' ');
      return new KmspError(`Not renamed: a ${holder.job} run is in progress (run ${holder.runId}${where ? `, ${where}` : ''}, started ${holder.startedAt}).`, {
        kind: 'internal',
        code: 'run-locked',
        cause: `the run writes its records under the name “${from}”; renaming them meanwhile would leave its last ones under the old name.`,
        remedy: 'Wait for the run to finish (Reports › Agent shows it; a ticket pass takes seconds to minutes), then rename again. Nothing was changed.',
      });
    }
    // Two integrations' records under one name would mix their history: cursors and tickets of one
    // would be taken for the other's.
    const taken = this.recordsOf(to);
    if (taken.postings + taken.tickets + taken.cursors + taken.runs > 0) {
      return new KmspError(`Not renamed: the ledger already holds records of an integration named “${to}”.`, {
        kind: 'config',
        cause: `${describeRecords(taken)} are recorded under “${to}” (an integration of that name was deleted or renamed earlier; the ledger keeps them).`,
        remedy: `Choose another name; “${to}” stays reserved for that history. Nothing was changed.`,
      });
    }
    // A ticket create whose outcome is unknown is found again in the PSA by its key, which holds
    // the name it was made under; an event's next pass computes the key under the new name, misses
    // it and could create the ticket twice. A ticket pass settles it (found by its tag, or not).
    const pending = this.sql("SELECT COUNT(*) AS c FROM tickets WHERE integration = ? AND kind = 'event' AND state = 'open' AND psa_ticket_id IS NULL")
      .get(from) as { c: number };
    if (pending.c > 0) {
      return new KmspError(`Not renamed: ${pending.c} ticket create${pending.c === 1 ? '' : 's'} of “${from}” ${pending.c === 1 ? 'is' : 'are'} not settled yet.`, {
        kind: 'internal',
        cause: 'the PSA may have made the ticket without kmsp hearing back; the next ticket pass looks it up by a key that holds the integration name.',
        remedy: `Let the agent's next ticket pass settle ${pending.c === 1 ? 'it' : 'them'} (or run \`kmsp agent --once --job tickets\`), then rename again. Nothing was changed.`,
      });
    }
    return null;
  }

  /**
   * Renames an integration's rows in one transaction: postings, tickets, cursors and runs (the
   * summary's integration). Throws renameProblem's KmspError, changing nothing, when a run is in
   * progress, `to` has records already, or an event ticket create is unsettled. Call it inside
   * Ledger.transaction together with the config save, so both happen or neither.
   *
   * A ticket's key (stored in the PSA ticket as its tag) keeps the name it was made under: it is
   * the ticket's identity in the PSA. Its repeat key, which the ticket job recomputes from the
   * integration name on every pass to find the ticket of a condition, follows the new name:
   * - a status ticket's is its condition's key, statusTicketKey(integration, tenant, device,
   *   description, severity) (domain/ticketKeys.ts), computed again with the new name;
   * - an event ticket's is "<integration>|<tenant>|<device>|<event type>" (eventRepeatKey in
   *   tickets/run.ts): the leading name is replaced.
   * `rekey` is that rule (domain/renameKeys.ts renamedRepeatKey), passed in: it needs the vendor
   * profiles, which the commands that only read the ledger (kmsp status) should not load.
   */
  renameIntegration(
    from: string,
    to: string,
    rekey: (ticket: RenamedTicket, from: string, to: string) => string | null,
    options: Pick<AcquireRunOptions, 'pid' | 'host' | 'staleAfterMs' | 'isAlive'> = {},
  ): IntegrationRecords {
    return this.transaction(() => {
      const problem = this.renameProblem(from, to, options);
      if (problem) throw problem;
      const postings = this.sql('UPDATE postings SET integration = ? WHERE integration = ?').run(to, from).changes;
      this.sql('UPDATE held_changes SET integration = ? WHERE integration = ?').run(to, from);
      const cursors = this.sql('UPDATE cursors SET integration = ? WHERE integration = ?').run(to, from).changes;
      // A window follows its integration: it still holds the tickets back under the new name.
      this.sql('UPDATE maintenance_windows SET integration = ? WHERE integration = ?').run(to, from);
      const update = this.sql('UPDATE tickets SET integration = ?, repeat_key = ? WHERE key = ?');
      const rows = this.sql('SELECT key, kind, tenant_id, device_id, description_id, severity, repeat_key FROM tickets WHERE integration = ?').all(from) as Row[];
      for (const r of rows) {
        const ticket: RenamedTicket = { kind: s(r.kind), tenantId: s(r.tenant_id), deviceId: sn(r.device_id), descriptionId: sn(r.description_id), severity: sn(r.severity), repeatKey: sn(r.repeat_key) };
        update.run(to, rekey(ticket, from, to), s(r.key));
      }
      const rename = this.sql(`UPDATE runs SET summary = json_set(summary, '$.integration', ?) WHERE job = ? AND ${RUN_INTEGRATION} = ?`);
      const runs = this.jobs().reduce((sum, job) => sum + rename.run(to, job, from).changes, 0);
      // Health checks and incidents follow the name; an incident's tag, like a ticket's key, keeps the one it was made under.
      this.sql('UPDATE health_checks SET integration = ? WHERE integration = ?').run(to, from);
      this.sql('UPDATE health_incidents SET integration = ? WHERE integration = ?').run(to, from);
      return { postings, tickets: rows.length, cursors, runs };
    });
  }

  // --- maintenance windows ------------------------------------------------------

  /**
   * Records a maintenance window and, in the same transaction, its line in the config audit (who,
   * what, why): a window changes what kmsp does as a setting does. Limits are the caller's
   * (domain/maintenance.ts windowProblems); the ledger keeps what it is given.
   */
  addMaintenanceWindow(input: Omit<MaintenanceWindow, 'id' | 'createdAt' | 'endedAt' | 'endedBy'> & { createdAt?: Date }): MaintenanceWindow {
    return this.transaction(() => {
      const at = input.createdAt ?? this.now();
      const id = Number(
        this.sql('INSERT INTO maintenance_windows (integration, tenant_id, tenant_name, device_id, device_name, starts_at, ends_at, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
          .run(input.integration, input.tenantId, input.tenantName, input.deviceId, input.deviceName, input.startsAt, input.endsAt, input.reason, input.createdBy, iso(at)).lastInsertRowid,
      );
      const w = this.getMaintenanceWindow(id)!;
      const target = w.deviceId === null ? w.tenantName : `${w.deviceName ?? w.deviceId} of ${w.tenantName}`;
      this.recordConfigChange({
        at,
        actor: w.createdBy,
        summary: `maintenance window ${id} added for ${target} (${w.integration}), ${w.startsAt} to ${w.endsAt} (${w.reason})`,
        diff: [{ path: `maintenance[id=${id}]`, op: 'added', after: { integration: w.integration, tenantId: w.tenantId, deviceId: w.deviceId, startsAt: w.startsAt, endsAt: w.endsAt, reason: w.reason } }],
      });
      return w;
    });
  }

  getMaintenanceWindow(id: number): MaintenanceWindow | null {
    const row = this.sql('SELECT * FROM maintenance_windows WHERE id = ?').get(id) as Row | undefined;
    return row ? toWindow(row) : null;
  }

  /**
   * Ends a window early at `at` (audited: who, when, why). An upcoming window ended before it
   * starts never covers anything. Returns null when there is no such window; a window already
   * over is returned unchanged.
   */
  endMaintenanceWindow(id: number, options: { by: string; at?: Date; reason?: string }): { window: MaintenanceWindow; ended: boolean } | null {
    return this.transaction(() => {
      const w = this.getMaintenanceWindow(id);
      if (!w) return null;
      const at = options.at ?? this.now();
      const end = Math.min(Date.parse(w.endsAt), w.endedAt === null ? Infinity : Date.parse(w.endedAt));
      if (end <= at.getTime()) return { window: w, ended: false };
      // Never before its start: a window ended before it began simply covers nothing.
      const endedAt = new Date(Math.max(at.getTime(), Date.parse(w.startsAt)));
      this.sql('UPDATE maintenance_windows SET ended_at = ?, ended_by = ? WHERE id = ?').run(iso(endedAt), options.by, id);
      this.recordConfigChange({
        at,
        actor: options.by,
        summary: `maintenance window ${id} of ${w.tenantName} (${w.integration}) ended early${options.reason ? ` (${options.reason})` : ''}`,
        diff: [{ path: `maintenance[id=${id}].endedAt`, op: 'changed', before: null, after: iso(endedAt) }],
      });
      return { window: this.getMaintenanceWindow(id)!, ended: true };
    });
  }

  /**
   * An integration's windows, oldest start first: by default those not over at `now` (active and
   * upcoming); `all` adds the past ones; `coveringSince` those that cover any moment from then on.
   */
  maintenanceWindows(filter: { integration?: string; tenantId?: string; now?: Date; all?: boolean; coveringSince?: Date } = {}): MaintenanceWindow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.integration !== undefined) {
      where.push('integration = ?');
      args.push(filter.integration);
    }
    if (filter.tenantId !== undefined) {
      where.push('tenant_id = ?');
      args.push(filter.tenantId);
    }
    const from = filter.coveringSince ?? (filter.all ? null : (filter.now ?? this.now()));
    if (from) {
      // ISO strings of one form compare as times.
      // A window ended before it began (ended_at = starts_at) covers nothing: it is over.
      where.push('ends_at > ? AND (ended_at IS NULL OR (ended_at > ? AND ended_at > starts_at))');
      args.push(iso(from), iso(from));
    }
    const sql = `SELECT * FROM maintenance_windows${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY starts_at, id`;
    return (this.sql(sql).all(...args) as Row[]).map(toWindow);
  }

  // --- config audit -----------------------------------------------------------

  recordConfigChange(entry: ConfigAuditEntry): void {
    this.sql('INSERT INTO config_audit (at, actor, summary, diff) VALUES (?, ?, ?, ?)')
      .run(iso(entry.at), entry.actor, entry.summary, JSON.stringify(entry.diff));
  }

  /** Most recent first. */
  listConfigAudit(filter: { limit?: number } = {}): ConfigAuditRecord[] {
    const rows = this.sql('SELECT * FROM config_audit ORDER BY id DESC LIMIT ?').all(filter.limit ?? 50) as Row[];
    return rows.map((r) => ({ id: n(r.id), at: s(r.at), actor: s(r.actor), summary: s(r.summary), diff: JSON.parse(s(r.diff)) as ConfigChange[] }));
  }
}

/** "3 postings, 12 tickets and 40 runs" (the parts that are not zero). */
export function describeRecords(r: IntegrationRecords): string {
  const parts = [
    r.postings && `${r.postings} posting${r.postings === 1 ? '' : 's'}`,
    r.tickets && `${r.tickets} ticket${r.tickets === 1 ? '' : 's'}`,
    r.cursors && `${r.cursors} event record${r.cursors === 1 ? '' : 's'}`,
    r.runs && `${r.runs} run${r.runs === 1 ? '' : 's'}`,
  ].filter((p): p is string => Boolean(p));
  if (parts.length === 0) return 'no records';
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

export function openLedger(options: OpenLedgerOptions): Ledger {
  return new Ledger(options);
}

/**
 * The ledger to read, for the commands that only look (kmsp status): null when there is no
 * ledger file. Read-only when the file is of this kmsp's version; a ledger an upgrade has not
 * migrated yet is opened as every other command does (migrated, or refused when newer).
 */
export function openLedgerToRead(file: string): Ledger | null {
  if (!fs.existsSync(file)) return null;
  try {
    return new Ledger({ file, readOnly: true });
  } catch (error) {
    if (error instanceof LedgerVersionMismatch) return new Ledger({ file });
    throw error;
  }
}

/**
 * A SQLite failure to write the ledger (a full disk, a read-only or vanished state directory, an
 * I/O error, a damaged file) said with cause and remedy; null for any other error. A job that
 * meets one stops: nothing is posted or ticketed without its ledger row.
 */
export function ledgerWriteFailure(error: unknown, file: string): KmspError | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|CORRUPT|NOTADB)/.test(code)) return null;
  const dir = path.dirname(file);
  const why = code.startsWith('SQLITE_FULL')
    ? `the disk holding ${dir} is full`
    : code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN')
      ? `${dir} or the ledger cannot be written by this user (read-only, or its permissions changed)`
      : code.startsWith('SQLITE_IOERR')
        ? `the disk holding ${dir} reported an I/O error`
        : 'the file is damaged';
  return new KmspError(`The ledger ${file} cannot be written, so nothing more is posted or ticketed in this run`, {
    kind: 'internal',
    code,
    cause: `${why} (SQLite: ${(error as Error).message})`,
    remedy: code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB')
      ? 'Stop the agent, run kmsp ledger verify, keep the file aside and restore the latest backup (kmsp ledger backup); the next run posts what is due.'
      : `Free space in ${dir} or make it writable for the agent's user again. The job resumes by itself within ${RUN_LOCK_STALE_MS / 60_000} minutes after that (this run could not record its end, so its lock has to go stale) and posts what is due; every earlier write is in the ledger (kmsp ledger verify checks it).`,
  });
}
