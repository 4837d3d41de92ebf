// Ledger pieces of billing safety: postings written pending before the PSA write and
// settled after, and the run lock that keeps two billing runs from overlapping.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { KmspError } from '../../source/domain/errors.js';
import { openLedger, type Ledger, type PostingInput } from '../../source/store/ledger.js';
import { LEDGER_MIGRATIONS } from '../../source/store/ledgerSchema.js';
import { tempPaths } from '../store/helpers.js';

const open: Ledger[] = [];
afterEach(() => {
  for (const l of open.splice(0)) l.close();
});

function ledger(file = tempPaths().ledgerFile, now?: () => Date): Ledger {
  const l = openLedger({ file, ...(now ? { now } : {}) });
  open.push(l);
  return l;
}

const posting = (o: Partial<PostingInput> = {}): PostingInput => ({
  runId: null, integration: 'main', tenantId: 'vs-1', tenantName: 'Acme', accountId: 'a1', contractId: '7', billingItemId: '12',
  billingItemName: 'KES', applicationId: null, category: null, beforeUnits: 90, afterUnits: 100, effectiveDate: '2025-03-01', psaPostingId: null, ...o,
});

describe('ledger postings: pending, then settled', () => {
  it('a pending posting is unsettled until settled, and a settled one is never rewritten', () => {
    const l = ledger();
    const p = l.recordPosting(posting({ status: 'pending' }));
    expect(p.status).toBe('pending');
    expect(l.unsettledPostings({ integration: 'main' }).map((r) => r.id)).toEqual([p.id]);
    expect(l.unsettledPostings({ integration: 'main', contractId: '8' })).toEqual([]);
    expect(l.settlePosting(p.id, { status: 'unknown', error: 'timeout' })).toBe(true);
    expect(l.getPosting(p.id)).toMatchObject({ status: 'unknown', error: 'timeout', settledAt: null });
    expect(l.unsettledPostings({ integration: 'main', contractId: '7' })).toHaveLength(1);
    expect(l.settlePosting(p.id, { status: 'posted', psaPostingId: '55' })).toBe(true);
    expect(l.getPosting(p.id)).toMatchObject({ status: 'posted', psaPostingId: '55', error: null });
    expect(l.getPosting(p.id)?.settledAt).not.toBeNull();
    expect(l.settlePosting(p.id, { status: 'failed' })).toBe(false);
    expect(l.getPosting(p.id)?.status).toBe('posted');
    expect(l.unsettledPostings({ integration: 'main' })).toEqual([]);
    expect(l.listPostings({ status: 'posted' })).toHaveLength(1);
  });

  it('the status column only takes known values', () => {
    const l = ledger();
    expect(() => l.recordPosting(posting({ status: 'maybe' as never }))).toThrow(/CHECK/);
  });

  it('rows of a version 1 file become posted when migrated', () => {
    const file = tempPaths().ledgerFile;
    const v1 = openLedger({ file, migrations: LEDGER_MIGRATIONS.slice(0, 1) });
    v1.db
      .prepare(
        `INSERT INTO postings (integration, tenant_id, account_id, contract_id, billing_item_id, before_units, after_units, delta, effective_date, created_at)
         VALUES ('main', 't', 'a', 'c', 'b', 1, 2, 1, '2025-01-01', '2025-01-01T00:00:00Z')`,
      )
      .run();
    v1.startRun({ job: 'billing' }); // a v1 run left 'running' does not hold the new lock
    v1.close();
    const l = ledger(file);
    expect(l.listPostings()[0]).toMatchObject({ status: 'posted', error: null });
    expect(l.acquireRun({ job: 'billing' }).runId).toBeGreaterThan(0);
  });
});

describe('ledger run lock', () => {
  it('a second run of the job refuses and names the holder; finishing frees the lock', () => {
    const file = tempPaths().ledgerFile;
    const a = ledger(file);
    const b = ledger(file);
    const { runId } = a.acquireRun({ job: 'billing', pid: process.pid, host: 'h1' });
    let error: unknown;
    try {
      b.acquireRun({ job: 'billing', pid: 999_999, host: 'h2' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KmspError);
    expect((error as KmspError).code).toBe('run-locked');
    expect((error as KmspError).message).toContain(`run ${runId}, process ${process.pid} on h1`);
    // Other jobs are not affected.
    expect(b.acquireRun({ job: 'tickets', host: 'h2' }).runId).toBeGreaterThan(runId);
    a.finishRun(runId, { status: 'ok' });
    expect(b.acquireRun({ job: 'billing', host: 'h2' }).tookOver).toBeNull();
  });

  it('takes over a holder whose process is gone on this host', () => {
    const l = ledger();
    const first = l.acquireRun({ job: 'billing', pid: 4242, host: 'here' });
    const second = l.acquireRun({ job: 'billing', pid: 5000, host: 'here', isAlive: (pid) => pid !== 4242 });
    expect(second.tookOver?.runId).toBe(first.runId);
    expect(l.getRun(first.runId)).toMatchObject({ status: 'abandoned' });
    expect(l.getRun(first.runId)?.error).toContain('process 4242 on here is gone');
  });

  it('does not judge a pid of another host; takes over only once the heartbeat is stale', () => {
    let now = new Date('2025-03-01T04:00:00Z');
    const l = ledger(undefined, () => now);
    const first = l.acquireRun({ job: 'billing', pid: 4242, host: 'elsewhere' });
    const dead = () => false;
    now = new Date('2025-03-01T04:09:00Z');
    expect(() => l.acquireRun({ job: 'billing', pid: 1, host: 'here', isAlive: dead })).toThrow(/Another billing run is in progress/);
    l.heartbeat(first.runId);
    now = new Date('2025-03-01T04:18:00Z');
    expect(() => l.acquireRun({ job: 'billing', pid: 1, host: 'here', isAlive: dead })).toThrow(/run-locked|in progress/);
    now = new Date('2025-03-01T04:19:01Z');
    expect(l.acquireRun({ job: 'billing', pid: 1, host: 'here', isAlive: dead }).tookOver?.runId).toBe(first.runId);
  });

  it('the unique index refuses a second locked running run even without acquireRun', () => {
    const file = tempPaths().ledgerFile;
    const l = ledger(file);
    l.acquireRun({ job: 'billing' });
    const db = new Database(file);
    try {
      expect(() =>
        db.prepare("INSERT INTO runs (job, started_at, status, locked) VALUES ('billing', '2025-01-01T00:00:00Z', 'running', 1)").run(),
      ).toThrow(/UNIQUE/);
    } finally {
      db.close();
    }
  });
});
