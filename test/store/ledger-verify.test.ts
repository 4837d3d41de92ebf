// `kmsp ledger verify` and `kmsp ledger backup`, in process (commander with captured output): a
// sound ledger passes every check; a posting without its run, two open tickets of one condition
// and a damaged file are each found and named with a remedy; a backup is a 0600 copy that opens
// and verifies, taken while another connection holds the ledger open, and never overwrites a file.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { register as registerLedger } from '../../source/commands/ledger.js';
import { openLedger, type Ledger } from '../../source/store/ledger.js';
import { verifyLedger } from '../../source/store/ledgerCheck.js';
import { resolvePaths } from '../../source/store/paths.js';
import { fileMode, tempDir } from './helpers.js';

const open: Ledger[] = [];
afterEach(() => {
  for (const l of open.splice(0)) l.close();
});

async function run(args: string[]) {
  let out = '';
  let err = '';
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t) };
  const program = new Command('kmsp').option('--config <dir>').exitOverride();
  registerLedger(program, io);
  process.exitCode = undefined;
  await program.parseAsync(['node', 'kmsp', ...args]);
  const code = process.exitCode ?? 0;
  process.exitCode = undefined;
  return { out, err, code };
}

/** A ledger in a fresh directory with one billing run and one posting of it, one open ticket. */
function sound(): { dir: string; ledger: Ledger } {
  const dir = tempDir();
  const ledger = openLedger({ paths: resolvePaths({ configDir: dir }) });
  open.push(ledger);
  const { runId } = ledger.acquireRun({ job: 'billing' });
  ledger.recordPosting({
    runId, integration: 'main', tenantId: 'vs-1', tenantName: 'Acme', accountId: '1', contractId: '7',
    billingItemId: '12', billingItemName: 'KES', applicationId: 'KES', category: null, beforeUnits: 1, afterUnits: 2,
    effectiveDate: '2026-12-01', psaPostingId: 'p-1',
  });
  ledger.finishRun(runId, { status: 'ok' });
  ledger.upsertTicket({ key: 'k1', integration: 'main', tenantId: 'vs-1', kind: 'status', repeatKey: 'k1', psaTicketId: '5' });
  return { dir, ledger };
}

describe('kmsp ledger verify', () => {
  it('a sound ledger passes every check (exit 0)', async () => {
    const { dir } = sound();
    expect(verifyLedger(open[0]!).every((c) => c.ok)).toBe(true);
    const r = await run(['--config', dir, 'ledger', 'verify']);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain('✓ SQLite integrity');
    expect(r.out).toContain('✓ every posting belongs to a billing run');
    expect(r.out).not.toContain('✗');
  });

  it('names a posting without its run and two open tickets of one condition, with remedies (exit 1)', async () => {
    const { dir, ledger } = sound();
    ledger.db.prepare('UPDATE postings SET run_id = NULL').run();
    ledger.upsertTicket({ key: 'k1#2', integration: 'main', tenantId: 'vs-1', kind: 'status', repeatKey: 'k1', psaTicketId: '6' });
    const r = await run(['--config', dir, 'ledger', 'verify']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('✗ every posting belongs to a billing run');
    expect(r.out).toMatch(/posting \d+ \(main, item 12\) has no run/);
    expect(r.out).toContain('✗ at most one open ticket per condition');
    expect(r.out).toContain('2 open tickets for k1 (main)');
    expect(r.out).toContain('Remedy: Close the extra tickets in the PSA');
  });

  it('names a pending note on a ticket the PSA does not have (kmsp never sends one there), with a remedy (exit 1)', async () => {
    const { dir, ledger } = sound();
    ledger.addPendingNote({ ticketKey: 'k1', title: 't', text: 'on a ticket the PSA has', eventIds: ['e1'], landsBy: new Date() });
    expect(verifyLedger(ledger).every((c) => c.ok)).toBe(true);
    ledger.upsertTicket({ key: 'k2', integration: 'main', tenantId: 'vs-1', kind: 'event' });
    const stray = ledger.addPendingNote({ ticketKey: 'k2', title: 't', text: 'on a pending ticket', eventIds: ['e2'], landsBy: new Date() });
    const r = await run(['--config', dir, 'ledger', 'verify']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('✗ every pending note is on a ticket the PSA has');
    expect(r.out).toContain(`pending note ${stray.id} is on k2, which has no PSA ticket`);
    expect(r.out).toContain('Remedy: kmsp never sends a note to a ticket it has not recorded');
  });

  it('names a held billing change marked posted without its posting row (exit 1)', async () => {
    const { dir, ledger } = sound();
    const held = ledger.holdChange({
      runId: null, integration: 'main', tenantId: 'vs-1', tenantName: 'Acme', accountId: '1', accountName: null, contractId: '7', contractName: null,
      billingItemId: '12', billingItemName: 'KES', beforeUnits: 2, afterUnits: 1, effectiveDate: '2026-12-01', priceLevel: null, reasons: [{ code: 'decrease', text: 'decrease of 50%' }],
    });
    expect(verifyLedger(ledger).every((c) => c.ok)).toBe(true);
    ledger.db.prepare("UPDATE held_changes SET state = 'posted' WHERE id = ?").run(held.id);
    const r = await run(['--config', dir, 'ledger', 'verify']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('✗ every posted held change names its posting');
    expect(r.out).toContain(`held change ${held.id} is marked posted without a posting row`);
  });

  it('finds a damaged file, and says what to do', async () => {
    const { dir, ledger } = sound();
    // Enough rows for several pages, then a page of an index overwritten with noise.
    const insert = ledger.db.prepare("INSERT INTO config_audit (at, actor, summary, diff) VALUES ('2026-12-01T00:00:00Z', 'test', ?, '[]')");
    for (let i = 0; i < 400; i++) insert.run(`change ${i} ${'x'.repeat(200)}`);
    ledger.db.pragma('wal_checkpoint(TRUNCATE)');
    const file = ledger.file;
    ledger.close();
    const raw = new Database(file, { readonly: true });
    const page = raw.pragma('page_size', { simple: true }) as number;
    const pages = raw.pragma('page_count', { simple: true }) as number;
    raw.close();
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(page, 0x5a), 0, page, page * (pages - 2));
    fs.closeSync(fd);
    const r = await run(['--config', dir, 'ledger', 'verify']);
    expect(r.code).toBe(1);
    expect(r.out + r.err).toMatch(/✗ SQLite integrity|Cannot use the ledger|malformed/);
    expect(r.out + r.err).toMatch(/Remedy:/);
  });
});

describe('kmsp ledger backup', () => {
  it('copies the ledger while it is open elsewhere, mode 0600; the copy opens and verifies; an existing file is never overwritten', async () => {
    const { dir } = sound();
    const target = path.join(tempDir(), 'ledger-backup.sqlite');
    const r = await run(['--config', dir, 'ledger', 'backup', target]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`backed up to ${target}`);
    expect(fileMode(target)).toBe(0o600);
    const copy = openLedger({ file: target });
    open.push(copy);
    expect(copy.listPostings()).toHaveLength(1);
    expect(verifyLedger(copy).every((c) => c.ok)).toBe(true);

    const again = await run(['--config', dir, 'ledger', 'backup', target]);
    expect(again.code).toBe(1);
    expect(again.err).toContain(`Not backed up: ${target} exists`);
    expect(fs.readdirSync(path.dirname(target)).filter((n) => n.includes('.partial'))).toEqual([]);
  });

  it('into a directory that does not exist: no half file, the remedy names the directory', async () => {
    const { dir } = sound();
    const target = path.join(tempDir(), 'missing', 'ledger.sqlite');
    const r = await run(['--config', dir, 'ledger', 'backup', target]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`Check that ${path.dirname(target)} exists`);
    expect(fs.existsSync(path.dirname(target))).toBe(false);
  });
});
