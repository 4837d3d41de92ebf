// The ledger's health, for `kmsp ledger verify` and `kmsp ledger backup`: SQLite's own checks
// of the file, kmsp's invariants (what the jobs rely on to post nothing twice and open no
// ticket twice), and an online backup that the agent and the console may keep writing through.
import fs from 'node:fs';
import path from 'node:path';
import { KmspError } from '../domain/errors.js';
import type { Ledger } from './ledger.js';

export interface LedgerCheck {
  /** What was checked, in words. */
  what: string;
  ok: boolean;
  /** Up to a few offending rows or SQLite's messages, when not ok. */
  findings: string[];
  /** What to do when not ok. */
  remedy: string | null;
}

const SHOWN = 10;

function check(what: string, findings: string[], remedy: string): LedgerCheck {
  return { what, ok: findings.length === 0, findings: findings.slice(0, SHOWN), remedy: findings.length ? remedy : null };
}

const KEEP_ASIDE =
  'Stop the agent, keep the file aside (it is the audit trail), restore the latest backup (kmsp ledger backup) or let kmsp start a new ledger, then run kmsp agent --once --dry-run and compare with the PSA before the next billing run.';

/** SQLite's integrity and foreign-key checks, then kmsp's invariants. Reads only. */
export function verifyLedger(ledger: Ledger): LedgerCheck[] {
  const db = ledger.db;
  let integrity: string[];
  try {
    integrity = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check).filter((m) => m !== 'ok');
  } catch (error) {
    // A file damaged where SQLite reads before it can check (its schema, a root page) answers the check itself with an error.
    integrity = [(error as Error).message];
  }
  const out: LedgerCheck[] = [check('SQLite integrity (pages, indexes, constraints)', integrity, KEEP_ASIDE)];
  // The later checks read tables a damaged file may not give back whole.
  if (integrity.length > 0) return out;

  const foreign = (db.pragma('foreign_key_check') as Array<{ table: string; rowid: number; parent: string }>).map((r) => `${r.table} row ${r.rowid} refers to a missing ${r.parent} row`);
  out.push(check('references between tables', foreign, KEEP_ASIDE));

  const orphanPostings = db
    .prepare('SELECT id, integration, billing_item_id AS item FROM postings WHERE run_id IS NULL OR run_id NOT IN (SELECT id FROM runs) ORDER BY id')
    .all() as Array<{ id: number; integration: string; item: string }>;
  out.push(
    check(
      'every posting belongs to a billing run',
      orphanPostings.map((p) => `posting ${p.id} (${p.integration}, item ${p.item}) has no run`),
      'A posting without its run was not written by kmsp: compare it with the PSA, then settle or remove it by hand (keep a backup first).',
    ),
  );

  const twiceOpen = db
    .prepare(
      "SELECT integration, repeat_key AS repeatKey, COUNT(*) AS n FROM tickets WHERE state = 'open' AND repeat_key IS NOT NULL GROUP BY integration, repeat_key HAVING COUNT(*) > 1 ORDER BY integration, repeat_key",
    )
    .all() as Array<{ integration: string; repeatKey: string; n: number }>;
  out.push(
    check(
      'at most one open ticket per condition',
      twiceOpen.map((t) => `${t.n} open tickets for ${t.repeatKey} (${t.integration})`),
      'Close the extra tickets in the PSA; the next ticket pass records them as closed by a person.',
    ),
  );

  // A held billing change handed to its posting names that posting (README › Billing approvals):
  // one without it could be approved and posted a second time.
  const heldWithoutPosting = db
    .prepare("SELECT id FROM held_changes WHERE state = 'posted' AND (posting_id IS NULL OR posting_id NOT IN (SELECT id FROM postings)) ORDER BY id")
    .all() as Array<{ id: number }>;
  out.push(
    check(
      'every posted held change names its posting',
      heldWithoutPosting.map((h) => `held change ${h.id} is marked posted without a posting row`),
      'Look for the change in the PSA and in kmsp ledger export; kmsp will not post it again. Report it: kmsp writes the posting and the mark in one transaction.',
    ),
  );

  const notesOnNothing = db
    .prepare('SELECT p.id, p.ticket_key AS key FROM pending_notes p JOIN tickets t ON t.key = p.ticket_key WHERE t.psa_ticket_id IS NULL ORDER BY p.id')
    .all() as Array<{ id: number; key: string }>;
  out.push(
    check(
      'every pending note is on a ticket the PSA has',
      notesOnNothing.map((p) => `pending note ${p.id} is on ${p.key}, which has no PSA ticket`),
      'kmsp never sends a note to a ticket it has not recorded: remove the pending note by hand (keep a backup first); its events are then handled again by the next ticket pass.',
    ),
  );

  const pendingWithoutRun = db
    .prepare("SELECT id FROM runs WHERE status = 'running' AND finished_at IS NOT NULL ORDER BY id")
    .all() as Array<{ id: number }>;
  out.push(check('no run is both running and finished', pendingWithoutRun.map((r) => `run ${r.id}`), KEEP_ASIDE));
  return out;
}

/**
 * An online backup of the ledger to `target` (mode 0600): consistent while the agent and the
 * console go on writing. Refuses to overwrite a file; written beside the target and renamed, so
 * a backup cut short leaves no half file under its name.
 */
export async function backupLedger(ledger: Ledger, target: string): Promise<{ file: string; bytes: number }> {
  const file = path.resolve(target);
  if (fs.existsSync(file)) {
    throw new KmspError(`Not backed up: ${file} exists`, { kind: 'config', remedy: 'Name a new file, or move the old backup away first.' });
  }
  const partial = `${file}.partial-${process.pid}`;
  try {
    fs.writeFileSync(partial, '', { mode: 0o600, flag: 'wx' });
    await ledger.db.backup(partial);
    fs.chmodSync(partial, 0o600);
    fs.renameSync(partial, file);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    if (error instanceof KmspError) throw error;
    throw new KmspError(`Not backed up to ${file}`, {
      kind: 'internal',
      cause: (error as Error).message,
      remedy: `Check that ${path.dirname(file)} exists, is writable by this user and has room for a copy of ${ledger.file}.`,
    });
  }
  return { file, bytes: fs.statSync(file).size };
}
