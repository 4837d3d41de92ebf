// kmsp billing held / approve / reject through the built binary (README › Billing approvals), on
// the crafted billing-basic fixture with "hold risky changes": the first run holds the contract's
// first postings; a decrease is refused without a terminal unless --yes; --all-increases and
// --now post what was approved, re-checked against the PSA. Build first (npm run build).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_APPROVALS } from '../../source/domain/billingGuards.js';
import { openConfig } from '../../source/store/config.js';
import { openLedger } from '../../source/store/ledger.js';
import { runCli } from '../helpers/cli.js';
import { adjustments, startBillingEnv, type BillingEnv } from './helpers.js';
import { basicBilling, basicTenants, CONTRACT, NW, SRV, WS } from './basicFixture.js';

let env: BillingEnv;
beforeEach(async () => {
  env = await startBillingEnv('billing-basic', { tenants: basicTenants, billing: basicBilling });
  const store = openConfig({ paths: env.paths });
  const config = store.load();
  store.save({ ...config, integrations: config.integrations.map((i) => ({ ...i, approvals: DEFAULT_APPROVALS })) }, { actor: 'billing test' });
}, 60_000);
afterEach(async () => env?.close());

const cli = (...args: string[]) => runCli(['--config', env.demo.configDir, ...args], { env: { NO_COLOR: '1' } });
const heldJson = async () => JSON.parse((await cli('billing', 'held', '--format', 'json')).stdout) as Array<{ id: number; billingItemId: string; state: string; current: number; new: number; reasons: string }>;

describe('kmsp billing held / approve / reject', () => {
  it('holds, refuses a decrease without a terminal, approves with --yes and --all-increases, posts with --now', async () => {
    // The preview says what the run would hold, and why.
    const preview = await cli('billing', 'preview');
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toContain('Held for approval by the run, not posted');
    expect(preview.stdout).toMatch(/Northwind Traders GmbH \/ KESB Select – Non-Windows: 3 → 0 — first posting by kmsp on this contract; drops to 0 from 3/u);
    expect(preview.stdout).toContain('3 postings would be made (3 of them held for approval)');
    const json = JSON.parse((await cli('billing', 'preview', '--format', 'json')).stdout) as Array<{ billingItemId: string; held: string }>;
    expect(json.find((r) => r.billingItemId === WS)!.held).toBe('first posting by kmsp on this contract');

    const first = await cli('agent', '--once', '--job', 'billing');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('0 postings, 3 held for approval (kmsp billing held)');
    expect(adjustments(env)).toEqual([]);

    const table = await cli('billing', 'held');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/│ Northwind Tr\S* +│ KESB Select – Non-W\S* +│ +3 │ +0 │ +-3 │ first posting by kmsp on this contract;/u);
    expect(table.stdout).toContain('3 held for a decision, 0 approved');
    const rows = await heldJson();
    expect(rows.map((r) => [r.billingItemId, r.current, r.new, r.state]).sort()).toEqual([[NW, 3, 0, 'held'], [SRV, 0, 10, 'held'], [WS, 85, 90, 'held']].sort());
    const nw = rows.find((r) => r.billingItemId === NW)!;

    const refused = await cli('billing', 'approve', String(nw.id));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Not approved: a decrease needs the tenant’s name typed');
    expect(refused.stderr).toMatch(/standard input is not a terminal/);
    expect(refused.stderr).toMatch(/--yes/);
    expect((await heldJson()).find((r) => r.id === nw.id)!.state).toBe('held');

    const bad = await cli('billing', 'approve', 'abc');
    expect(bad.code).toBe(2);
    const none = await cli('billing', 'approve', '9999');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('No held change 9999');

    const yes = await cli('billing', 'approve', String(nw.id), '--yes', '--note', 'customer moved to Linux-free fleet');
    expect(yes.code, yes.stderr).toBe(0);
    expect(yes.stdout).toContain(`Approved #${nw.id} Northwind Traders`);
    // Changed their mind: an approved change not yet posted can be rejected.
    const rejected = await cli('billing', 'reject', String(nw.id));
    expect(rejected.code, rejected.stderr).toBe(0);
    expect(rejected.stdout).toContain(`Rejected #${nw.id}`);

    const now = await cli('billing', 'approve', '--all-increases', '--now');
    expect(now.code, now.stderr).toBe(0);
    expect(now.stdout).toMatch(/Approved #\d+ Northwind Traders .*Workstation: 85 → 90/u);
    expect(now.stdout).toMatch(/billing demo \d{4}-\d{2}-\d{2}: 1 contracts, 2 posted, 0 held, 0 errors; run \d+/u);
    expect(adjustments(env).sort()).toEqual([[CONTRACT, Number(WS), 5], [CONTRACT, Number(SRV), 10]].sort());

    const after = await cli('billing', 'held');
    expect(after.stdout).toContain('No billing change is held');
    // Each decision is in the ledger's config audit, with who took it.
    const ledger = openLedger({ paths: env.paths });
    try {
      const audit = ledger.listConfigAudit().map((a) => `${a.actor}: ${a.summary}`);
      expect(audit.filter((a) => a.includes('billing: approved held change'))).toHaveLength(3);
      expect(audit.some((a) => a.includes('(kmsp billing approve --yes)') && a.includes('customer moved'))).toBe(true);
      expect(audit.some((a) => a.includes('(kmsp billing reject)') && a.includes(`rejected held change ${nw.id}`))).toBe(true);
    } finally {
      ledger.close();
    }
    // The rejected drop stays unposted, and is not held again.
    const rerun = await cli('agent', '--once', '--job', 'billing');
    expect(rerun.stdout).toContain('0 postings');
    expect(rerun.stdout).not.toContain('held for approval');
  });
});
