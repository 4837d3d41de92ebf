// The ledger's held billing changes (README › Billing approvals): one open change per contract
// item, replaced when another target is planned, decided with an audit row, handed to its posting
// in one transaction, approved again when that posting failed; a ledger of the version before
// them gains the table and keeps its postings.
import { afterEach, describe, expect, it } from 'vitest';
import { openLedger, type HeldChangeInput, type Ledger } from '../../source/store/ledger.js';
import { renamedRepeatKey } from '../../source/domain/renameKeys.js';
import { LEDGER_MIGRATIONS, LEDGER_SCHEMA_VERSION } from '../../source/store/ledgerSchema.js';
import { tempPaths } from '../store/helpers.js';

const open: Ledger[] = [];
afterEach(() => {
  for (const l of open.splice(0)) l.close();
});
const ledger = (file = tempPaths().ledgerFile) => {
  const l = openLedger({ file, now: () => new Date('2026-12-07T04:00:00Z') });
  open.push(l);
  return l;
};

const change = (before: number, after: number, item = 'ws'): HeldChangeInput => ({
  runId: null, integration: 'main', tenantId: 'vs-1', tenantName: 'Acme', accountId: 'a1', accountName: 'Acme Ltd', contractId: 'c1', contractName: 'Acme – Security',
  billingItemId: item, billingItemName: 'Workstation', beforeUnits: before, afterUnits: after, effectiveDate: '2026-12-07', priceLevel: null,
  reasons: [{ code: 'decrease', text: 'decrease of 50% (more than 20%)' }],
});

describe('held billing changes', () => {
  it('one open change per item: the same change is kept, another target replaces it', () => {
    const l = ledger();
    const a = l.holdChange(change(10, 5));
    expect(l.holdChange(change(10, 5)).id).toBe(a.id);
    const b = l.holdChange(change(10, 4));
    expect(b.id).not.toBe(a.id);
    expect(l.getHeldChange(a.id)).toMatchObject({ state: 'replaced', note: 'replaced: the 2026-12-07 pass planned 10 → 4', decidedBy: 'kmsp (billing pass)' });
    expect(l.listHeldChanges().map((h) => h.id)).toEqual([b.id]);
    expect(l.holdChange(change(3, 0, 'nw')).state).toBe('held');
    expect(l.listHeldChanges({ integration: 'main' })).toHaveLength(2);
  });

  it('an approval made while a pass was judging the same change is kept: the pass’s hold of the same numbers does not replace it', () => {
    const l = ledger();
    const h = l.holdChange(change(100, 50));
    l.decideHeldChange(h.id, { approve: true, actor: 'alice (kmsp billing approve)' });
    // The pass read the change as held before the approval, and holds the same numbers again.
    const again = l.holdChange(change(100, 50));
    expect(again).toMatchObject({ id: h.id, state: 'approved', decidedBy: 'alice (kmsp billing approve)' });
    expect(l.listHeldChanges().map((c) => c.id)).toEqual([h.id]);
    // Other numbers than the approved ones still replace it: an approval covers what the person saw.
    expect(l.holdChange(change(100, 40)).id).not.toBe(h.id);
    expect(l.getHeldChange(h.id)!.state).toBe('replaced');
  });

  it('a decision is audited; a decided change cannot be approved again', () => {
    const l = ledger();
    const h = l.holdChange(change(10, 5));
    expect(l.decideHeldChange(h.id, { approve: true, actor: 'alice (console)', note: 'customer left' })).toMatchObject({ state: 'approved', decidedBy: 'alice (console)', note: 'customer left' });
    expect(l.listConfigAudit()[0]).toMatchObject({ actor: 'alice (console)', summary: `billing: approved held change ${h.id} of main (Acme / Acme – Security / Workstation: 10 → 5) — customer left` });
    expect(() => l.decideHeldChange(h.id, { approve: true, actor: 'bob' })).toThrow(/is approved; it cannot be approved/);
    expect(() => l.decideHeldChange(999, { approve: false, actor: 'bob' })).toThrow(/No held change 999/);
    // An approved change not yet posted can still be rejected.
    expect(l.decideHeldChange(h.id, { approve: false, actor: 'bob' }).state).toBe('rejected');
    expect(l.listConfigAudit()).toHaveLength(2);
  });

  it('handed to its posting in one step; a failed posting hands it back as approved, a posted one keeps it posted', () => {
    const l = ledger();
    const h = l.holdChange(change(10, 5));
    const posting = { runId: null, integration: 'main', tenantId: 'vs-1', tenantName: 'Acme', accountId: 'a1', contractId: 'c1', billingItemId: 'ws', billingItemName: 'Workstation', applicationId: null, category: null, beforeUnits: 10, afterUnits: 5, effectiveDate: '2026-12-07', psaPostingId: null, status: 'pending' as const };
    expect(l.postHeldChange(h.id, posting)).toBeNull(); // not approved yet: nothing written
    expect(l.listPostings()).toEqual([]);
    l.decideHeldChange(h.id, { approve: true, actor: 'alice' });
    const row = l.postHeldChange(h.id, posting)!;
    expect(l.getHeldChange(h.id)).toMatchObject({ state: 'posted', postingId: row.id });
    expect(l.postHeldChange(h.id, posting)).toBeNull(); // never a second posting of it
    l.settlePosting(row.id, { status: 'failed', error: 'refused' });
    expect(l.getHeldChange(h.id)).toMatchObject({ state: 'approved', postingId: null });
    const again = l.postHeldChange(h.id, posting)!;
    l.settlePosting(again.id, { status: 'posted' });
    expect(l.getHeldChange(h.id)).toMatchObject({ state: 'posted', postingId: again.id });
    expect(l.hasPostedTo('main', 'c1')).toBe(true);
    expect(l.hasPostedTo('main', 'c2')).toBe(false);
  });

  it('a ledger of the version before gains the table, its postings kept; a rename carries the changes', () => {
    const file = tempPaths().ledgerFile;
    const before = LEDGER_MIGRATIONS.filter((m) => m.version < LEDGER_SCHEMA_VERSION);
    const old = openLedger({ file, migrations: before });
    old.recordPosting({ runId: null, integration: 'main', tenantId: 'vs-1', tenantName: 'Acme', accountId: 'a1', contractId: 'c1', billingItemId: 'ws', billingItemName: null, applicationId: null, category: null, beforeUnits: 1, afterUnits: 2, effectiveDate: '2026-12-01', psaPostingId: 'p1' });
    expect(() => old.listHeldChanges()).toThrow(/no such table: held_changes/);
    old.close();
    const l = ledger(file);
    expect(l.schemaVersion).toBe(LEDGER_SCHEMA_VERSION);
    expect(l.listPostings()).toHaveLength(1);
    expect(l.hasPostedTo('main', 'c1')).toBe(true);
    l.holdChange(change(10, 5));
    l.renameIntegration('main', 'renamed', renamedRepeatKey);
    expect(l.listHeldChanges({ integration: 'renamed' })).toHaveLength(1);
  });
});
