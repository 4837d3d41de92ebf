// kill -9 of a process opening a ledger of the first schema version, while it migrates the file
// to the current one (every step in one BEGIN IMMEDIATE transaction), at seeded random points.
// The file holds enough rows that the steps' index builds take a while, so the kills land inside
// the migration. Whatever the instant, the file is left at the old version or the new one (never
// between), the next open migrates it fully, `kmsp ledger verify`'s checks pass, and every row is
// still there with the values it had.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { prng } from '../../source/simulators/dice.js';
import { openLedger } from '../../source/store/ledger.js';
import { verifyLedger } from '../../source/store/ledgerCheck.js';
import { LEDGER_MIGRATIONS, LEDGER_SCHEMA_VERSION } from '../../source/store/ledgerSchema.js';
import { useTranspiledStore } from './child-process.js';
import { fileMode, tempDir } from './helpers.js';

const build = useTranspiledStore();

const CHILD = `
import { openLedger } from './source/store/ledger.js';
const [file] = process.argv.slice(2);
process.stdout.write('opening\\n');
const t = performance.now();
const ledger = openLedger({ file });
const ms = Math.ceil(performance.now() - t);
ledger.close();
process.stdout.write('opened ' + ms + '\\n');
`;

const RUNS = 60_000;
const TICKETS = 30_000;

/** What the version-1 tables hold, column by column, as one comparable digest per table. */
function digest(db: Database.Database): Record<string, string> {
  const q = (sql: string): string => JSON.stringify(db.prepare(sql).raw().all());
  return {
    runs: q("SELECT count(*), sum(id), group_concat(substr(summary, 1, 3)), max(started_at), sum(length(job || status || coalesce(error, ''))) FROM runs"),
    postings: q('SELECT count(*), sum(id * delta), sum(before_units), sum(after_units), max(created_at), sum(length(integration || tenant_id || billing_item_id)) FROM postings'),
    tickets: q("SELECT count(*), sum(repeat_count), sum(length(key || state || coalesce(psa_ticket_id, ''))), max(created_at) FROM tickets"),
    notes: q('SELECT count(*), sum(length(text)) FROM ticket_notes'),
    cursors: q('SELECT count(*), group_concat(value) FROM cursors'),
    audit: q('SELECT count(*), sum(length(diff)) FROM config_audit'),
  };
}

/** A ledger of schema version 1 as an earlier kmsp left it: runs, postings, tickets, notes, cursors, audit. */
function versionOneLedger(file: string): void {
  openLedger({ file, migrations: LEDGER_MIGRATIONS.slice(0, 1) }).close();
  const db = new Database(file);
  try {
    db.transaction(() => {
      const run = db.prepare('INSERT INTO runs (job, started_at, finished_at, status, summary) VALUES (?, ?, ?, ?, ?)');
      const posting = db.prepare(
        'INSERT INTO postings (run_id, integration, tenant_id, account_id, contract_id, billing_item_id, before_units, after_units, delta, effective_date, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      for (let i = 1; i <= RUNS; i++) {
        const at = new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
        const job = i % 2 ? 'billing' : 'tickets';
        run.run(job, at, at, i % 7 ? 'ok' : 'partial', JSON.stringify({ integration: `int-${i % 3}`, n: i }));
        if (job === 'billing') posting.run(i, `int-${i % 3}`, `vs-${i % 500}`, String(1000 + (i % 400)), String(2000 + (i % 400)), String(3000 + (i % 5)), i % 90, (i % 90) + 2, 2, at.slice(0, 10), at);
      }
      const ticket = db.prepare('INSERT INTO tickets (key, integration, tenant_id, psa_ticket_id, kind, device_id, state, created_at, repeat_count, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
      const note = db.prepare('INSERT INTO ticket_notes (ticket_key, at, text) VALUES (?, ?, ?)');
      for (let i = 0; i < TICKETS; i++) {
        const key = `int-${i % 3}:vs-${i % 500}:ev:${i}`;
        ticket.run(key, `int-${i % 3}`, `vs-${i % 500}`, String(90_000 + i), i % 4 ? 'event' : 'status', `dev-${i % 900}`, i % 5 ? 'closed' : 'open', new Date(Date.UTC(2024, 1, 1) + i * 1000).toISOString(), i % 6, 2 * (1 + (i % (RUNS / 2))));
        if (i % 10 === 0) note.run(key, new Date(Date.UTC(2024, 2, 1) + i * 1000).toISOString(), `seen again ${i}`);
      }
      const cursor = db.prepare('INSERT INTO cursors (integration, tenant_id, stream, value, updated_at) VALUES (?, ?, ?, ?, ?)');
      for (let i = 0; i < 500; i++) cursor.run('int-0', `vs-${i}`, 'events', String(5000 + i), '2024-03-01T00:00:00.000Z');
      const audit = db.prepare('INSERT INTO config_audit (at, actor, summary, diff) VALUES (?, ?, ?, ?)');
      for (let i = 0; i < 200; i++) audit.run('2024-03-01T00:00:00.000Z', 'alice (console)', `change ${i}`, JSON.stringify([{ path: `x${i}`, op: 'changed' }]));
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

let template: string;
let expected: Record<string, string>;
beforeAll(() => {
  template = path.join(tempDir('kmsp-ledger-v1-'), 'ledger.sqlite');
  versionOneLedger(template);
  const db = new Database(template, { readonly: true });
  try {
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expected = digest(db);
  } finally {
    db.close();
  }
}, 120_000);

function copyOfTemplate(): string {
  const file = path.join(tempDir('kmsp-ledger-kill-'), 'ledger.sqlite');
  fs.copyFileSync(template, file);
  fs.chmodSync(file, 0o600);
  return file;
}

/** Starts the child on `file`; kills it `delayOf(migrationMs)` ms after it starts opening, or lets it finish. */
async function openInChild(file: string, killAfterMs: number | null): Promise<{ openedMs: number | null }> {
  const script = path.join(build.dir, 'open-ledger.mjs');
  if (!fs.existsSync(script)) fs.writeFileSync(script, CHILD);
  const child = spawn(process.execPath, [script, file], { cwd: build.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('opening\n')) resolve();
    });
    void closed.then(() => resolve());
  });
  if (killAfterMs !== null) {
    await new Promise((r) => setTimeout(r, killAfterMs));
    child.kill('SIGKILL');
  }
  const code = await closed;
  if (killAfterMs === null && code !== 0) throw new Error(`the child failed to open the ledger (${code}): ${err}`);
  const opened = /opened (\d+)/.exec(out);
  return { openedMs: opened ? Number(opened[1]) : null };
}

describe('kill -9 during the ledger migration', () => {
  it('the next open migrates fully, the ledger verifies, and no row is lost', async () => {
    // How long a whole migration of this file takes in a child (the kills land within it).
    const measured = await openInChild(copyOfTemplate(), null);
    const migrationMs = measured.openedMs!;
    const random = prng(0x1ed6e7);
    const TRIALS = 12;
    let leftAtOld = 0;
    const findings: string[] = [];
    for (let n = 0; n < TRIALS; n++) {
      const file = copyOfTemplate();
      const delayMs = Math.floor(random() * migrationMs * 1.1);
      const { openedMs } = await openInChild(file, delayMs);
      const what = `trial ${n} (killed ${delayMs} ms into a ${migrationMs} ms migration${openedMs !== null ? ', after it finished' : ''})`;

      // Left at the old version or the new one, never between (the steps run in one transaction).
      const raw = new Database(file);
      const version = raw.pragma('user_version', { simple: true }) as number;
      raw.close();
      if (version === 1) leftAtOld++;
      else if (version !== LEDGER_SCHEMA_VERSION) findings.push(`${what}: left at version ${version}`);

      const ledger = openLedger({ file });
      try {
        if (ledger.schemaVersion !== LEDGER_SCHEMA_VERSION) findings.push(`${what}: reopened at version ${ledger.schemaVersion}`);
        const bad = verifyLedger(ledger).filter((c) => !c.ok);
        if (bad.length) findings.push(`${what}: ledger verify: ${bad.map((c) => `${c.what}: ${c.findings.join('; ')}`).join(' | ')}`);
        const now = digest(ledger.db);
        for (const table of Object.keys(expected)) if (now[table] !== expected[table]) findings.push(`${what}: ${table} changed: ${now[table]} (was ${expected[table]})`);
        // The columns the migration added hold what the older rows mean: settled postings, one run lock at most.
        const pending = ledger.db.prepare("SELECT count(*) AS n FROM postings WHERE status <> 'posted'").get() as { n: number };
        if (pending.n !== 0) findings.push(`${what}: ${pending.n} older postings not taken as posted`);
        // The migrated ledger takes writes.
        const run = ledger.startRun({ job: 'billing' });
        ledger.finishRun(run, { status: 'ok' });
      } finally {
        ledger.close();
      }
      if (fileMode(file) !== 0o600) findings.push(`${what}: mode ${fileMode(file).toString(8)}`);
    }
    expect(findings).toEqual([]);
    // Most kills landed inside the migration (otherwise this test proves little).
    expect(leftAtOld).toBeGreaterThan(TRIALS / 3);
  }, 180_000);
});
