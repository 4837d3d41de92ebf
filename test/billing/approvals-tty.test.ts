// kmsp billing approve at a terminal (script(1) gives it a pty): each decrease asks for the
// tenant's name; one wrong name approves nothing, the right ones approve every change named.
// Only the ledger is read and written: no simulator is needed. Build first (npm run build).
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { openLedger, type HeldChangeInput } from '../../source/store/ledger.js';
import { resolvePaths } from '../../source/store/paths.js';
import { binPath, repoRoot } from '../helpers/cli.js';
import { tempDir } from '../store/helpers.js';

const hasScript = spawnSync('script', ['--version']).status === 0;

const change = (before: number, after: number, item: string): HeldChangeInput => ({
  runId: null, integration: 'main', tenantId: 'vs-1', tenantName: 'Acme Corp', accountId: 'a1', accountName: 'Acme', contractId: 'c1', contractName: 'Acme – Security',
  billingItemId: item, billingItemName: item, beforeUnits: before, afterUnits: after, effectiveDate: '2026-12-07', priceLevel: null,
  reasons: [{ code: 'decrease', text: 'decrease of 50% (more than 20%)' }],
});

/** The command at a pty, the lines typed one by one (each after a pause: the prompt reads one at a time). */
function atTerminal(dir: string, args: string[], lines: string[]): Promise<string> {
  const command = [process.execPath, binPath, '--config', dir, ...args].map((w) => `'${w}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  void (async () => {
    for (const line of lines) {
      await new Promise((r) => setTimeout(r, 700));
      child.stdin.write(`${line}\n`);
    }
    await new Promise((r) => setTimeout(r, 700));
    child.stdin.end();
  })();
  return new Promise((resolve) => child.on('close', () => resolve(out)));
}

describe.skipIf(!hasScript)('kmsp billing approve at a terminal', () => {
  it('asks the tenant name for each decrease; a wrong one approves nothing', async () => {
    const dir = tempDir();
    const ledger = openLedger({ paths: resolvePaths({ configDir: dir }) });
    const a = ledger.holdChange(change(10, 5, 'ws'));
    const b = ledger.holdChange(change(4, 0, 'nw'));
    ledger.close();

    const wrong = await atTerminal(dir, ['billing', 'approve', String(a.id), String(b.id)], ['acme corp', 'Acme Inc']);
    expect(wrong).toContain('Type the tenant’s name (“Acme Corp”) to approve this decrease:');
    expect(wrong).toContain('The name typed does not match “Acme Corp”');
    const l1 = openLedger({ paths: resolvePaths({ configDir: dir }) });
    expect([l1.getHeldChange(a.id)!.state, l1.getHeldChange(b.id)!.state]).toEqual(['held', 'held']);
    l1.close();

    const right = await atTerminal(dir, ['billing', 'approve', String(a.id), String(b.id)], ['Acme Corp', ' acme corp ']);
    expect(right).toContain(`Approved #${a.id} Acme Corp`);
    expect(right).toContain(`Approved #${b.id} Acme Corp`);
    const l2 = openLedger({ paths: resolvePaths({ configDir: dir }) });
    expect([l2.getHeldChange(a.id)!.state, l2.getHeldChange(b.id)!.state]).toEqual(['approved', 'approved']);
    expect(l2.listConfigAudit()[0]!.actor).toMatch(/\(kmsp billing approve\)$/u);
    l2.close();
  });
});
