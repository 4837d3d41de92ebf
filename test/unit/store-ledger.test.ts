import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { KmspError } from '../../source/domain/errors.js';
import { openLedger, openLedgerToRead, type Ledger, type PostingInput } from '../../source/store/ledger.js';
import { renamedRepeatKey } from '../../source/domain/renameKeys.js';
import { LEDGER_MIGRATIONS, LEDGER_SCHEMA_VERSION, type LedgerMigration } from '../../source/store/ledgerSchema.js';
import { fileMode, tempDir, tempPaths } from '../store/helpers.js';

const open: Ledger[] = [];
afterEach(() => {
  for (const l of open.splice(0)) l.close();
});

function ledger(file = tempPaths().ledgerFile, now?: () => Date): Ledger {
  const l = openLedger({ file, ...(now ? { now } : {}) });
  open.push(l);
  return l;
}

function posting(overrides: Partial<PostingInput> = {}): PostingInput {
  return {
    runId: null, integration: 'main', tenantId: 'vs-1', tenantName: 'Acme', accountId: '29683', contractId: '7',
    billingItemId: '12', billingItemName: 'KES Advanced', applicationId: 'KESB Advanced', category: null,
    beforeUnits: 90, afterUnits: 100, effectiveDate: '2025-03-01', psaPostingId: 'csa-1', ...overrides,
  };
}

describe('ledger', () => {
  it('creates the schema with WAL, foreign keys, busy timeout and mode 0600', () => {
    const paths = tempPaths();
    const l = ledger(paths.ledgerFile);
    expect(l.schemaVersion).toBe(LEDGER_SCHEMA_VERSION);
    expect(l.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(l.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(l.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    const tables = (l.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(['config_audit', 'cursors', 'health_checks', 'health_incidents', 'held_changes', 'maintenance_windows', 'pending_notes', 'postings', 'runs', 'ticket_notes', 'tickets']);
    l.startRun({ job: 'billing' });
    for (const f of [paths.ledgerFile, `${paths.ledgerFile}-wal`, `${paths.ledgerFile}-shm`]) expect(fileMode(f)).toBe(0o600);
    expect(fileMode(paths.stateDir)).toBe(0o700);
  });

  it('tightens a pre-existing loose ledger file to 0600', () => {
    const file = path.join(tempDir(), 'ledger.sqlite');
    fs.writeFileSync(file, '');
    fs.chmodSync(file, 0o644);
    ledger(file);
    expect(fileMode(file)).toBe(0o600);
  });

  it('records runs with summary and error', () => {
    const l = ledger(undefined, () => new Date('2025-03-01T04:00:00Z'));
    const id = l.startRun({ job: 'billing', dryRun: true });
    expect(l.getRun(id)).toMatchObject({ job: 'billing', status: 'running', dryRun: true, finishedAt: null, summary: null });
    l.finishRun(id, { status: 'partial', summary: { postings: 3, skipped: 1 }, error: 'one tenant failed', finishedAt: new Date('2025-03-01T04:01:00Z') });
    expect(l.getRun(id)).toEqual({
      id, job: 'billing', startedAt: '2025-03-01T04:00:00.000Z', finishedAt: '2025-03-01T04:01:00.000Z', status: 'partial',
      dryRun: true, summary: { postings: 3, skipped: 1 }, error: 'one tenant failed',
    });
    l.startRun({ job: 'tickets' });
    expect(l.listRuns({ job: 'billing' }).map((r) => r.id)).toEqual([id]);
    expect(l.listRuns()).toHaveLength(2);
    expect(l.getRun(999)).toBeNull();
  });

  it('records postings with their delta and lists them by run and time', () => {
    let t = Date.parse('2025-03-01T04:00:00Z');
    const l = ledger(undefined, () => new Date((t += 60_000)));
    const run = l.startRun({ job: 'billing' });
    const p1 = l.recordPosting(posting({ runId: run }));
    expect(p1).toMatchObject({ id: 1, delta: 10, runId: run, createdAt: '2025-03-01T04:02:00.000Z' });
    l.recordPosting(posting({ runId: run, beforeUnits: 10, afterUnits: 4, category: 'windows-server' }));
    l.recordPosting(posting({ runId: null, integration: 'other' }));
    expect(l.listPostings({ runId: run }).map((p) => p.delta)).toEqual([-6, 10]);
    expect(l.listPostings({ since: new Date('2025-03-01T04:03:00Z') })).toHaveLength(2);
    expect(l.listPostings({ integration: 'other' })).toHaveLength(1);
    expect(l.listPostings({ limit: 1 })[0]?.integration).toBe('other');
    expect(l.listPostings()[2]).toEqual({ ...posting({ runId: run }), id: 1, delta: 10, status: 'posted', error: null, settledAt: null, createdAt: '2025-03-01T04:02:00.000Z', landsBy: null, priceLevel: null });
  });

  it('enforces foreign keys (a posting for a run that does not exist)', () => {
    const l = ledger();
    expect(() => l.recordPosting(posting({ runId: 42 }))).toThrow(/FOREIGN KEY/);
  });

  it('keeps tickets by stable key: upsert, open list, notes, close, rate count', () => {
    const l = ledger(undefined, () => new Date('2025-03-01T10:00:00Z'));
    const key = 'main|vs-1|dev-9|databases-outdated';
    const t = l.upsertTicket({ key, integration: 'main', tenantId: 'vs-1', kind: 'status', accountId: '29683', deviceId: 'dev-9', descriptionId: 'databases-outdated' });
    expect(t).toMatchObject({ state: 'open', repeatCount: 0, psaTicketId: null, createdAt: '2025-03-01T10:00:00.000Z' });
    l.upsertTicket({ key, integration: 'main', tenantId: 'vs-1', kind: 'status', psaTicketId: '555', psaTicketNumber: 'T20250301.0001' });
    expect(l.getTicket(key)).toMatchObject({ psaTicketId: '555', deviceId: 'dev-9', accountId: '29683' }); // earlier fields kept
    l.upsertTicket({ key: 'main|vs-1|ev-1', integration: 'main', tenantId: 'vs-1', kind: 'event', eventId: 'ev-1', accountId: '29683' });
    l.upsertTicket({ key: 'main|vs-2|ev-2', integration: 'main', tenantId: 'vs-2', kind: 'event', eventId: 'ev-2' });
    expect(l.openTicketsFor({ integration: 'main' })).toHaveLength(3);
    expect(l.openTicketsFor({ integration: 'main', tenantId: 'vs-1', kind: 'status' }).map((x) => x.key)).toEqual([key]);
    l.addTicketNote(key, { text: 'still out of date', at: new Date('2025-03-01T11:00:00Z') });
    expect(l.getTicket(key)).toMatchObject({ repeatCount: 1, lastNoteAt: '2025-03-01T11:00:00.000Z' });
    expect(l.listTicketNotes(key).map((x) => x.text)).toEqual(['still out of date']);
    expect(l.countTicketsCreatedSince({ integration: 'main', accountId: '29683', since: new Date('2025-03-01T09:00:00Z') })).toBe(2);
    expect(l.closeTicket(key, { state: 'closed-by-person' })).toBe(true);
    expect(l.getTicket(key)).toMatchObject({ state: 'closed-by-person', closedAt: '2025-03-01T10:00:00.000Z' });
    expect(l.openTicketsFor({ integration: 'main', tenantId: 'vs-1' }).map((x) => x.key)).toEqual(['main|vs-1|ev-1']);
    expect(l.closeTicket('nope')).toBe(false);
    expect(l.getTicket('nope')).toBeNull();
  });

  it('keeps a close the PSA deferred until the ticket closes: the first deferral time, the latest reason', () => {
    let t = Date.parse('2025-03-01T10:00:00Z');
    const l = ledger(undefined, () => new Date(t));
    const key = 'main|vs-1|dev-9|databases-outdated';
    l.upsertTicket({ key, integration: 'main', tenantId: 'vs-1', kind: 'status', psaTicketId: '1042', psaTicketNumber: '1042' });
    l.upsertTicket({ key: 'other|vs-2|dev-1|x', integration: 'other', tenantId: 'vs-2', kind: 'status', psaTicketId: '7' });
    expect(l.pendingCloses()).toEqual([]);
    expect(l.markClosePending(key, 'locked by Jane Smith')).toBe(true);
    t += 60_000;
    l.markClosePending(key, 'locked by Sam Lee');
    l.markClosePending('other|vs-2|dev-1|x', 'locked by Ann');
    expect(l.getTicket(key)).toMatchObject({ state: 'open', closePending: 'locked by Sam Lee', closePendingSince: '2025-03-01T10:00:00.000Z' });
    expect(l.pendingCloses({ integration: 'main' }).map((x) => x.key)).toEqual([key]);
    expect(l.pendingCloses()).toHaveLength(2);
    // An upsert of the open ticket keeps it; closing clears it; a closed ticket cannot be marked.
    l.upsertTicket({ key, integration: 'main', tenantId: 'vs-1', kind: 'status', psaCheckedAt: new Date(t) });
    expect(l.getTicket(key)?.closePending).toBe('locked by Sam Lee');
    l.closeTicket(key);
    expect(l.getTicket(key)).toMatchObject({ state: 'closed', closePending: null, closePendingSince: null });
    expect(l.markClosePending(key, 'locked by Jane Smith')).toBe(false);
    l.upsertTicket({ key: 'other|vs-2|dev-1|x', integration: 'other', tenantId: 'vs-2', kind: 'status', state: 'closed' });
    expect(l.pendingCloses()).toEqual([]);
  });

  it('keeps cursors per integration, tenant and stream', () => {
    const l = ledger();
    expect(l.getCursor('main', 'vs-1', 'events')).toBeNull();
    l.setCursor('main', 'vs-1', 'events', '100');
    l.setCursor('main', 'vs-1', 'events', '200');
    l.setCursor('main', 'vs-2', 'events', '7');
    expect(l.getCursor('main', 'vs-1', 'events')).toBe('200');
    expect(l.getCursor('main', 'vs-2', 'events')).toBe('7');
  });

  it('is a ConfigAuditSink', () => {
    const l = ledger();
    l.recordConfigChange({ at: new Date('2025-01-01T00:00:00Z'), actor: 'alice (console)', summary: 'agent.paused: false → true', diff: [{ path: 'agent.paused', op: 'changed', before: false, after: true }] });
    expect(l.listConfigAudit()).toEqual([
      { id: 1, at: '2025-01-01T00:00:00.000Z', actor: 'alice (console)', summary: 'agent.paused: false → true', diff: [{ path: 'agent.paused', op: 'changed', before: false, after: true }] },
    ]);
  });

  describe('migrations (PRAGMA user_version)', () => {
    const NEXT = LEDGER_SCHEMA_VERSION + 1;
    const v2: LedgerMigration = { version: NEXT, description: 'test column', up: (db) => db.exec('ALTER TABLE runs ADD COLUMN test_note TEXT') };

    it('upgrades an existing file step by step and keeps its data', () => {
      const file = tempPaths().ledgerFile;
      const first = openLedger({ file });
      first.startRun({ job: 'billing' });
      first.close();
      const second = openLedger({ file, migrations: [...LEDGER_MIGRATIONS, v2] });
      open.push(second);
      expect(second.schemaVersion).toBe(NEXT);
      expect(second.listRuns()).toHaveLength(1);
      expect((second.db.prepare('SELECT test_note FROM runs').get() as { test_note: unknown }).test_note).toBeNull();
    });

    it('a failing step rolls back to the previous version', () => {
      const file = tempPaths().ledgerFile;
      openLedger({ file }).close();
      const broken: LedgerMigration = { version: NEXT, description: 'broken', up: (db) => db.exec('ALTER TABLE runs ADD COLUMN x TEXT; SELECT * FROM no_such_table') };
      expect(() => openLedger({ file, migrations: [...LEDGER_MIGRATIONS, broken] })).toThrow(KmspError);
      const db = new Database(file);
      expect(db.pragma('user_version', { simple: true })).toBe(LEDGER_SCHEMA_VERSION);
      expect((db.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).some((c) => c.name === 'x')).toBe(false);
      db.close();
    });

    it('refuses a ledger from a newer kmsp without changing it', () => {
      const file = tempPaths().ledgerFile;
      const newer = openLedger({ file, migrations: [...LEDGER_MIGRATIONS, v2] });
      newer.close();
      const error = (() => {
        try {
          openLedger({ file });
        } catch (e) {
          return e as KmspError;
        }
        return null;
      })();
      expect(error).toBeInstanceOf(KmspError);
      expect(error?.message).toContain('newer kmsp');
      const db = new Database(file);
      expect(db.pragma('user_version', { simple: true })).toBe(NEXT);
      db.close();
    });
  });

  it('openLedgerToRead: none without a file (nothing created); reads without writing; an older ledger is migrated as any opening does', () => {
    const file = tempPaths().ledgerFile;
    expect(openLedgerToRead(file)).toBeNull();
    expect(fs.existsSync(file)).toBe(false);

    const writer = ledger(file);
    const runId = writer.startRun({ job: 'billing' });
    const reader = openLedgerToRead(file)!;
    open.push(reader);
    expect(reader.listRuns({ limit: 5 }).map((r) => r.id)).toEqual([runId]);
    expect(() => reader.startRun({ job: 'tickets' })).toThrow(/readonly/);
    reader.close();
    writer.close();

    const older = tempPaths().ledgerFile;
    openLedger({ file: older, migrations: LEDGER_MIGRATIONS.filter((m) => m.version < LEDGER_SCHEMA_VERSION) }).close();
    const migrated = openLedgerToRead(older)!;
    open.push(migrated);
    expect(migrated.schemaVersion).toBe(LEDGER_SCHEMA_VERSION);
  });

  it('version 8 adds pending notes to a version-7 ledger, its tickets and notes kept; a pending note lives until dropped or its ticket goes', () => {
    const file = tempPaths().ledgerFile;
    const v7 = openLedger({ file, migrations: LEDGER_MIGRATIONS.filter((m) => m.version <= 7) });
    v7.upsertTicket({ key: 'k1', integration: 'main', tenantId: 'vs-1', kind: 'event', psaTicketId: '5', repeatKey: 'rk' });
    v7.addTicketNote('k1', { text: 'Occurred again', at: new Date('2026-12-01T00:00:00Z') });
    expect(v7.schemaVersion).toBe(7);
    expect(() => v7.listPendingNotes()).toThrow(/no such table: pending_notes/);
    v7.close();

    const l = ledger(file);
    expect(l.schemaVersion).toBe(LEDGER_SCHEMA_VERSION);
    expect(l.getTicket('k1')).toMatchObject({ psaTicketId: '5', repeatCount: 1 });
    expect(l.listTicketNotes('k1').map((n) => n.text)).toEqual(['Occurred again']);
    expect(l.listPendingNotes()).toEqual([]);
    const landsBy = new Date('2026-12-01T00:15:00Z');
    const p = l.addPendingNote({ ticketKey: 'k1', title: 'kmsp: x occurred again', text: 'Occurred again at …', eventIds: ['e1', 'e2'], landsBy, runId: null, at: new Date('2026-12-01T00:00:00Z') });
    expect(l.pendingNotesFor('main', 'vs-1')).toEqual([{ id: p.id, ticketKey: 'k1', title: 'kmsp: x occurred again', text: 'Occurred again at …', eventIds: ['e1', 'e2'], createdAt: '2026-12-01T00:00:00.000Z', landsBy: landsBy.toISOString(), runId: null }]);
    expect(l.pendingNotesFor('main', 'vs-2')).toEqual([]);
    expect(l.pendingNotesFor('other', 'vs-1')).toEqual([]);
    // A rename moves the ticket, and its pending note with it.
    l.renameIntegration('main', 'renamed', renamedRepeatKey);
    expect(l.pendingNotesFor('renamed', 'vs-1').map((n) => n.id)).toEqual([p.id]);
    expect(l.dropPendingNote(p.id)).toBe(true);
    expect(l.dropPendingNote(p.id)).toBe(false);
    // A note only exists for a recorded ticket.
    expect(() => l.addPendingNote({ ticketKey: 'nope', title: 't', text: 't', eventIds: [], landsBy })).toThrow(/FOREIGN KEY/);
  });

  it('two connections in one process see each other\'s writes', () => {
    const file = tempPaths().ledgerFile;
    const a = ledger(file);
    const b = ledger(file);
    const run = a.startRun({ job: 'billing' });
    expect(b.getRun(run)?.status).toBe('running');
    // A reader inside a transaction does not block the writer (WAL).
    b.db.exec('BEGIN');
    expect(b.listRuns()).toHaveLength(1);
    a.finishRun(run, { status: 'ok' });
    expect(b.getRun(run)?.status).toBe('running'); // b's snapshot
    b.db.exec('COMMIT');
    expect(b.getRun(run)?.status).toBe('ok');
  });
});

describe('ledger: tickets of a tenant condition (no device)', () => {
  it('a rename moves the repeat key the ticket job computes under the new name; the key (the PSA tag) stays', async () => {
    const { conditionTicketKey } = await import('../../source/domain/ticketKeys.js');
    const l = ledger();
    const repeatKey = conditionTicketKey('alpha', 'co-1', 'office365Events', 'license-issue');
    l.upsertTicket({ key: repeatKey, integration: 'alpha', tenantId: 'co-1', kind: 'status', deviceId: null, descriptionId: 'license-issue', severity: null, repeatKey, psaTicketId: '77' });
    l.renameIntegration('alpha', 'gamma', renamedRepeatKey);
    const [row] = l.ticketsByRepeatKey('gamma', conditionTicketKey('gamma', 'co-1', 'office365Events', 'license-issue'));
    expect(row).toMatchObject({ key: repeatKey, psaTicketId: '77', deviceId: null, severity: null });
  });
});

describe('maintenance windows', () => {
  const NOW = new Date('2026-12-07T22:00:00Z');
  const at = (h: number) => new Date(NOW.getTime() + h * 3_600_000).toISOString();
  const add = (l: Ledger, startsAt: string, endsAt: string, tenantId = 'vs-1') =>
    l.addMaintenanceWindow({ integration: 'main', tenantId, tenantName: 'Acme', deviceId: null, deviceName: null, startsAt, endsAt, reason: 'patching', createdBy: 'alice (test)' });

  it('lists active and upcoming by default, the past ones with all; ending early is kept with who and when, and audited', () => {
    const l = ledger(tempPaths().ledgerFile, () => NOW);
    const past = add(l, at(-5), at(-1));
    const active = add(l, at(-1), at(2));
    const upcoming = add(l, at(3), at(5));
    expect(l.maintenanceWindows({ integration: 'main' }).map((w) => w.id)).toEqual([active.id, upcoming.id]);
    expect(l.maintenanceWindows({ integration: 'main', all: true }).map((w) => w.id)).toEqual([past.id, active.id, upcoming.id]);
    // An upcoming window ended before it starts ends at its start: it never covers anything.
    expect(l.endMaintenanceWindow(upcoming.id, { by: 'bob (test)' })!.window.endedAt).toBe(upcoming.startsAt);
    expect(l.endMaintenanceWindow(active.id, { by: 'bob (test)', reason: 'done early' })).toMatchObject({ ended: true, window: { endedAt: NOW.toISOString(), endedBy: 'bob (test)' } });
    expect(l.endMaintenanceWindow(active.id, { by: 'carol (test)' })).toMatchObject({ ended: false, window: { endedBy: 'bob (test)' } });
    expect(l.endMaintenanceWindow(999, { by: 'bob (test)' })).toBeNull();
    expect(l.maintenanceWindows({ integration: 'main' })).toEqual([]);
    expect(l.listConfigAudit().map((a) => a.actor)).toEqual(['bob (test)', 'bob (test)', 'alice (test)', 'alice (test)', 'alice (test)']);
    expect(l.listConfigAudit()[0]!.summary).toMatch(/ended early \(done early\)$/);
  });

  it('a window follows its integration when it is renamed', () => {
    const l = ledger(tempPaths().ledgerFile, () => NOW);
    const w = add(l, at(-1), at(2));
    l.renameIntegration('main', 'renamed', renamedRepeatKey);
    expect(l.maintenanceWindows({ integration: 'renamed' }).map((x) => x.id)).toEqual([w.id]);
    expect(l.maintenanceWindows({ integration: 'main' })).toEqual([]);
  });
});
