// The ledger's SQL schema as ordered migrations, tracked with PRAGMA user_version.
// Append a step to change it; never edit a step that has shipped (files in the
// field have run it). Dates are ISO-8601 UTC strings; JSON columns hold text.
import type { Database } from 'better-sqlite3';

export interface LedgerMigration {
  version: number;
  description: string;
  up(db: Database): void;
}

export const LEDGER_MIGRATIONS: readonly LedgerMigration[] = [
  {
    version: 1,
    description: 'runs, postings, tickets, ticket notes, cursors, config audit',
    up: (db) =>
      db.exec(`
        CREATE TABLE runs (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          job         TEXT NOT NULL,
          started_at  TEXT NOT NULL,
          finished_at TEXT,
          status      TEXT NOT NULL CHECK (status IN ('running', 'ok', 'partial', 'failed', 'abandoned')),
          dry_run     INTEGER NOT NULL DEFAULT 0 CHECK (dry_run IN (0, 1)),
          summary     TEXT,
          error       TEXT
        );
        CREATE INDEX runs_by_job ON runs (job, id);

        CREATE TABLE postings (
          id                INTEGER PRIMARY KEY AUTOINCREMENT,
          run_id            INTEGER REFERENCES runs (id),
          integration       TEXT NOT NULL,
          tenant_id         TEXT NOT NULL,
          tenant_name       TEXT,
          account_id        TEXT NOT NULL,
          contract_id       TEXT NOT NULL,
          billing_item_id   TEXT NOT NULL,
          billing_item_name TEXT,
          application_id    TEXT,
          category          TEXT,
          before_units      REAL NOT NULL,
          after_units       REAL NOT NULL,
          delta             REAL NOT NULL,
          effective_date    TEXT NOT NULL,
          psa_posting_id    TEXT,
          created_at        TEXT NOT NULL
        );
        CREATE INDEX postings_by_run ON postings (run_id);
        CREATE INDEX postings_by_time ON postings (created_at);

        CREATE TABLE tickets (
          key               TEXT PRIMARY KEY,
          integration       TEXT NOT NULL,
          tenant_id         TEXT NOT NULL,
          account_id        TEXT,
          psa_ticket_id     TEXT,
          psa_ticket_number TEXT,
          kind              TEXT NOT NULL CHECK (kind IN ('event', 'status')),
          device_id         TEXT,
          description_id    TEXT,
          event_id          TEXT,
          state             TEXT NOT NULL CHECK (state IN ('open', 'closed', 'closed-by-person')),
          created_at        TEXT NOT NULL,
          closed_at         TEXT,
          last_note_at      TEXT,
          repeat_count      INTEGER NOT NULL DEFAULT 0,
          run_id            INTEGER REFERENCES runs (id)
        ) WITHOUT ROWID;
        CREATE INDEX tickets_by_state ON tickets (integration, state, tenant_id);
        CREATE INDEX tickets_by_account ON tickets (integration, account_id, created_at);

        CREATE TABLE ticket_notes (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          ticket_key  TEXT NOT NULL REFERENCES tickets (key) ON DELETE CASCADE,
          at          TEXT NOT NULL,
          text        TEXT NOT NULL,
          psa_note_id TEXT
        );
        CREATE INDEX ticket_notes_by_ticket ON ticket_notes (ticket_key);

        CREATE TABLE cursors (
          integration TEXT NOT NULL,
          tenant_id   TEXT NOT NULL,
          stream      TEXT NOT NULL,
          value       TEXT NOT NULL,
          updated_at  TEXT NOT NULL,
          PRIMARY KEY (integration, tenant_id, stream)
        ) WITHOUT ROWID;

        CREATE TABLE config_audit (
          id      INTEGER PRIMARY KEY AUTOINCREMENT,
          at      TEXT NOT NULL,
          actor   TEXT NOT NULL,
          summary TEXT NOT NULL,
          diff    TEXT NOT NULL
        );
      `),
  },
  {
    version: 2,
    description: 'posting status (pending before the PSA write, then posted, failed or unknown); billing run lock',
    up: (db) =>
      db.exec(`
        -- A posting row is written 'pending' before the PSA is asked, and settled after.
        -- Rows written before this version were only ever recorded after success: 'posted'.
        ALTER TABLE postings ADD COLUMN status TEXT NOT NULL DEFAULT 'posted'
          CHECK (status IN ('pending', 'posted', 'failed', 'unknown'));
        ALTER TABLE postings ADD COLUMN error TEXT;
        ALTER TABLE postings ADD COLUMN settled_at TEXT;
        CREATE INDEX postings_unsettled ON postings (integration, contract_id, billing_item_id)
          WHERE status IN ('pending', 'unknown');

        -- The run lock: at most one locked, running run per job, whatever process holds it.
        ALTER TABLE runs ADD COLUMN locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1));
        ALTER TABLE runs ADD COLUMN host TEXT;
        ALTER TABLE runs ADD COLUMN pid INTEGER;
        ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;
        CREATE UNIQUE INDEX runs_one_locked_per_job ON runs (job) WHERE locked = 1 AND status = 'running';
      `),
  },
  {
    version: 3,
    description: 'ticket job: repeat key, title, severity and last PSA check of a ticket',
    up: (db) =>
      db.exec(`
        -- repeat_key groups tickets of one condition: a status ticket's engine key (its later
        -- occurrences get key#2, key#3 …), an event ticket's device + event type (consolidation).
        ALTER TABLE tickets ADD COLUMN repeat_key TEXT;
        ALTER TABLE tickets ADD COLUMN title TEXT;
        ALTER TABLE tickets ADD COLUMN severity TEXT;
        -- When kmsp last read the ticket's status in the PSA (closed by a person?).
        ALTER TABLE tickets ADD COLUMN psa_checked_at TEXT;
        CREATE INDEX tickets_by_repeat ON tickets (integration, repeat_key, state);

      `),
  },
  {
    version: 4,
    description: 'when a sent PSA write can no longer land (postings and ticket creates)',
    up: (db) =>
      db.exec(`
        -- A write sent to a slow PSA may still be applied after kmsp gave up on it or died. Until
        -- lands_by, a pending posting whose units still show its "before" value, or a pending
        -- ticket not found by its tag, is not settled as "not applied": it may yet land.
        ALTER TABLE postings ADD COLUMN lands_by TEXT;
        ALTER TABLE tickets ADD COLUMN lands_by TEXT;
      `),
  },
  {
    version: 5,
    description: "runs by integration (the integration named in a run's summary)",
    up: (db) =>
      db.exec(`
        -- A run's integration is in its summary (billing/run.ts, tickets/run.ts write it). The
        -- console's integrations list asks for each one's latest billing and ticket run, and a
        -- rename rewrites it: both read it through this expression (RUN_INTEGRATION in ledger.ts,
        -- word for word, or SQLite does not use the index). json_valid keeps a summary that is not
        -- JSON from failing the index.
        CREATE INDEX runs_by_integration ON runs (job, (CASE WHEN json_valid(summary) THEN json_extract(summary, '$.integration') END), id);
      `),
  },
  {
    version: 6,
    description: 'close pending: why a ticket whose condition cleared is still open in the PSA',
    up: (db) =>
      db.exec(`
        -- Set when the PSA defers a close (a service order open in its GUI is locked) and
        -- cleared when the ticket closes: the console and the export show "close pending (…)".
        ALTER TABLE tickets ADD COLUMN close_pending TEXT;
        ALTER TABLE tickets ADD COLUMN close_pending_since TEXT;
      `),
  },
  {
    version: 7,
    description: 'the price level of a posting',
    up: (db) =>
      db.exec(`
        -- The price level a posting priced its units at, where the PSA prices usage by one: what
        -- an audit asks, and what tells whether a re-pricing (units unchanged) went through.
        ALTER TABLE postings ADD COLUMN price_level TEXT;
      `),
  },
  {
    version: 8,
    description: 'repeat notes being written: recorded before the PSA is asked, cleared once settled',
    up: (db) =>
      db.exec(`
        -- A repeat note is recorded here before it is sent and removed in the transaction that
        -- records it as written (ticket_notes, its events handled). A row left behind (a kill, an
        -- answer that never came) makes the next pass look for the note on the PSA ticket
        -- before sending it again; until lands_by the PSA may still apply the write.
        CREATE TABLE pending_notes (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          ticket_key  TEXT NOT NULL REFERENCES tickets (key) ON DELETE CASCADE,
          title       TEXT NOT NULL,
          text        TEXT NOT NULL,
          event_ids   TEXT NOT NULL,
          created_at  TEXT NOT NULL,
          lands_by    TEXT NOT NULL,
          run_id      INTEGER REFERENCES runs (id)
        );
        CREATE INDEX pending_notes_by_ticket ON pending_notes (ticket_key);
      `),
  },
  {
    version: 9,
    description: 'maintenance windows: when no ticket is opened for a tenant or a device, who set them and who ended them',
    up: (db) =>
      db.exec(`
        -- A window covers [starts_at, ends_at), cut at ended_at when someone ends it early. Rows are
        -- never deleted: they are the audit of who held tickets back, when and why.
        CREATE TABLE maintenance_windows (
          id           INTEGER PRIMARY KEY AUTOINCREMENT,
          integration  TEXT NOT NULL,
          tenant_id    TEXT NOT NULL,
          tenant_name  TEXT NOT NULL,
          device_id    TEXT,
          device_name  TEXT,
          starts_at    TEXT NOT NULL,
          ends_at      TEXT NOT NULL,
          reason       TEXT NOT NULL,
          created_by   TEXT NOT NULL,
          created_at   TEXT NOT NULL,
          ended_at     TEXT,
          ended_by     TEXT
        );
        CREATE INDEX maintenance_windows_by_tenant ON maintenance_windows (integration, tenant_id, ends_at);
      `),
  },
  {
    version: 10,
    description: 'health notifications: failing checks per integration, and incidents with their health ticket and webhook messages',
    up: (db) =>
      db.exec(`
        -- A check (billing, tickets, credentials) of an integration that is failing now: how many
        -- passes in a row, since when, and the last cause. Removed when a pass clears it.
        CREATE TABLE health_checks (
          integration TEXT NOT NULL,
          check_name  TEXT NOT NULL,
          failures    INTEGER NOT NULL,
          since       TEXT NOT NULL,
          cause       TEXT NOT NULL,
          remedy      TEXT,
          PRIMARY KEY (integration, check_name)
        ) WITHOUT ROWID;

        -- One incident per stretch of ill health. Its health ticket is recorded 'pending' (with
        -- lands_by) before the PSA create, so a crash in between is settled by the tag, never by
        -- a second create. An incident that cleared keeps ticket_state 'open' until the PSA closed it.
        CREATE TABLE health_incidents (
          id                INTEGER PRIMARY KEY AUTOINCREMENT,
          integration       TEXT NOT NULL,
          tag               TEXT NOT NULL,
          opened_at         TEXT NOT NULL,
          cleared_at        TEXT,
          problems          TEXT NOT NULL,
          ticket_state      TEXT NOT NULL DEFAULT 'none' CHECK (ticket_state IN ('none', 'pending', 'open', 'closed')),
          account_id        TEXT,
          psa_ticket_id     TEXT,
          psa_ticket_number TEXT,
          lands_by          TEXT,
          notes             INTEGER NOT NULL DEFAULT 0,
          last_note_at      TEXT,
          webhook_opened    TEXT,
          webhook_cleared   TEXT
        );
        CREATE UNIQUE INDEX health_one_incident ON health_incidents (integration) WHERE cleared_at IS NULL;
        CREATE INDEX health_tickets_to_close ON health_incidents (integration, ticket_state) WHERE cleared_at IS NOT NULL;
      `),
  },
  {
    version: 11,
    description: 'billing changes held for approval (held, approved, rejected, replaced, posted)',
    up: (db) =>
      db.exec(`
        -- A change the billing job did not post on its own (README › Billing approvals). It stays
        -- 'held' until a person approves or rejects it, or a later pass plans another target for
        -- the same contract item ('replaced'). An approved change is posted by a later pass:
        -- posting_id names its posting row, written pending before the PSA is asked ('posted'
        -- here means "handed to that posting"; the posting's status says how it went, and a
        -- posting that failed hands the change back as 'approved').
        CREATE TABLE held_changes (
          id                INTEGER PRIMARY KEY AUTOINCREMENT,
          run_id            INTEGER REFERENCES runs (id),
          integration       TEXT NOT NULL,
          tenant_id         TEXT NOT NULL,
          tenant_name       TEXT NOT NULL,
          account_id        TEXT NOT NULL,
          account_name      TEXT,
          contract_id       TEXT NOT NULL,
          contract_name     TEXT,
          billing_item_id   TEXT NOT NULL,
          billing_item_name TEXT,
          before_units      REAL NOT NULL,
          after_units       REAL NOT NULL,
          delta             REAL NOT NULL,
          effective_date    TEXT NOT NULL,
          price_level       TEXT,
          reasons           TEXT NOT NULL,
          state             TEXT NOT NULL CHECK (state IN ('held', 'approved', 'rejected', 'replaced', 'posted')),
          created_at        TEXT NOT NULL,
          decided_at        TEXT,
          decided_by        TEXT,
          note              TEXT,
          posting_id        INTEGER REFERENCES postings (id)
        );
        -- At most one open (held or approved) change per contract item.
        CREATE UNIQUE INDEX held_changes_open ON held_changes (integration, contract_id, billing_item_id) WHERE state IN ('held', 'approved');
        CREATE INDEX held_changes_by_state ON held_changes (integration, state, id);
        CREATE INDEX held_changes_by_posting ON held_changes (posting_id) WHERE posting_id IS NOT NULL;
      `),
  },
];

export const LEDGER_SCHEMA_VERSION = LEDGER_MIGRATIONS[LEDGER_MIGRATIONS.length - 1]?.version ?? 0;
