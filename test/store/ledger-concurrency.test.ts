// Console and agent open the ledger at once (README › Where things are kept): two real processes
// create the same new file at the same instant (both try to migrate it) and then
// write interleaved transactions. Nothing may fail with SQLITE_BUSY or be lost.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLedger } from '../../source/store/ledger.js';
import { LEDGER_SCHEMA_VERSION } from '../../source/store/ledgerSchema.js';
import { tempPaths } from './helpers.js';
import { runNode, runTwoWritersAtOnce, useTranspiledStore } from './child-process.js';

const build = useTranspiledStore();

const WRITES = 150;

const CHILD = `
import { openLedger } from './source/store/ledger.js';
const [file, who, startAt, writes] = process.argv.slice(2);
while (Date.now() < Number(startAt)) await new Promise((r) => setTimeout(r, 1));
const ledger = openLedger({ file });
let done = 0;
for (let i = 0; i < Number(writes); i++) {
  ledger.transaction(() => {
    const run = ledger.startRun({ job: who });
    ledger.recordPosting({ runId: run, integration: 'main', tenantId: who, tenantName: null, accountId: 'a', contractId: 'c',
      billingItemId: 'b', billingItemName: null, applicationId: null, category: null, beforeUnits: i, afterUnits: i + 1,
      effectiveDate: '2025-03-01', psaPostingId: null });
    // Both processes touch the same ticket keys: upserts must serialize, not collide.
    ledger.upsertTicket({ key: 'shared-' + (i % 10), integration: 'main', tenantId: 't', kind: 'event', runId: run });
    ledger.setCursor('main', 't', 'events', who + ':' + i);
    ledger.finishRun(run, { status: 'ok' });
  });
  done++;
  if (i % 10 === 0) await new Promise((r) => setImmediate(r)); // let the other process in
}
ledger.close();
console.log(JSON.stringify({ who, done }));
`;

describe('ledger with two processes', () => {
  it('concurrent writers from two node processes both succeed and nothing is lost', async () => {
    const paths = tempPaths();
    fs.mkdirSync(paths.stateDir, { recursive: true });
    const [a, b] = await runTwoWritersAtOnce(build.dir, 'writer.mjs', CHILD, paths.ledgerFile, ['agent', 'console'], WRITES);
    expect(a.stderr).toBe('');
    expect(b.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(JSON.parse(a.stdout)).toEqual({ who: 'agent', done: WRITES });
    expect(JSON.parse(b.stdout)).toEqual({ who: 'console', done: WRITES });

    const ledger = openLedger({ file: paths.ledgerFile });
    try {
      expect(ledger.schemaVersion).toBe(LEDGER_SCHEMA_VERSION);
      expect(ledger.listRuns({ job: 'agent', limit: 1000 })).toHaveLength(WRITES);
      expect(ledger.listRuns({ job: 'console', limit: 1000 })).toHaveLength(WRITES);
      expect(ledger.listRuns({ limit: 1000 }).every((r) => r.status === 'ok')).toBe(true);
      expect(ledger.listPostings()).toHaveLength(2 * WRITES);
      expect(ledger.openTicketsFor({ integration: 'main' })).toHaveLength(10);
      expect(ledger.getCursor('main', 't', 'events')).toMatch(/^(agent|console):\d+$/);
      expect(ledger.db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      ledger.close();
    }
  });

  it('a writer waits for another process holding the write lock instead of failing', async () => {
    const paths = tempPaths();
    const holder = openLedger({ file: paths.ledgerFile });
    const script = path.join(build.dir, 'one-write.mjs');
    fs.writeFileSync(
      script,
      `import { openLedger } from './source/store/ledger.js';
       const l = openLedger({ file: process.argv[2] });
       const t0 = Date.now();
       l.startRun({ job: 'child' });
       console.log(JSON.stringify({ waitedMs: Date.now() - t0 }));
       l.close();`,
    );
    // Hold the write lock for ~600 ms while the child tries to write.
    holder.db.exec('BEGIN IMMEDIATE');
    holder.startRun({ job: 'holder' });
    const child = runNode(build.dir, script, [paths.ledgerFile]);
    await new Promise((r) => setTimeout(r, 600));
    holder.db.exec('COMMIT');
    const result = await child;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(holder.listRuns().map((r) => r.job).sort()).toEqual(['child', 'holder']);
    holder.close();
  });
});
