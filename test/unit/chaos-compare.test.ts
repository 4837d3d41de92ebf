// The chaos run's verdict (source/chaos/compare.ts): what counts as a duplicate, lost or wrong
// posting or ticket between the fault-free run's PSA state and the chaos run's.
import { describe, expect, it } from 'vitest';
import { compareSnapshots, same } from '../../source/chaos/compare.js';
import type { PsaSnapshot, SnapshotTicket } from '../../source/simulators/snapshot.js';

const ticket = (tag: string, extra: Partial<SnapshotTicket> = {}): SnapshotTicket => ({ id: tag, account: '1', title: `Status on WS-${tag} since 2026-12-07 16:50 UTC`, tag, open: true, notes: 0, ...extra });
const expected: PsaSnapshot = {
  postings: { '10/a': 5, '10/b': 3, '11/a': 0 },
  records: { '10/a': 1, '11/a': 1 },
  tickets: [ticket('k1'), ticket('k2', { open: false, notes: 2 })],
};

describe('compareSnapshots', () => {
  it('the same state is the same, whatever the instants in the titles', () => {
    const later = { ...expected, tickets: expected.tickets.map((t) => ({ ...t, id: `x${t.id}`, title: t.title.replace('16:50', '16:51') })) };
    const d = compareSnapshots(expected, later);
    expect(same(d)).toBe(true);
    expect(d.details).toEqual([]);
    // A title the PSA cut inside its instant.
    const cut = (at: string) => ({ ...expected, tickets: [ticket('k1', { title: `Event on WS-1 at 2026-12-06 ${at}…` }), expected.tickets[1]!] });
    expect(same(compareSnapshots(cut('20:'), cut('21:')))).toBe(true);
    // Cut inside the minutes or the date: what is left is still the instant.
    const cutAt = (rest: string) => ({ ...expected, tickets: [ticket('k1', { title: `Event on WS-1 at ${rest}…` }), expected.tickets[1]!] });
    expect(same(compareSnapshots(cutAt('2026-12-06 15:3'), cutAt('2026-12-06 15:4')))).toBe(true);
    expect(same(compareSnapshots(cutAt('2026-12-0'), cutAt('2026-12-1')))).toBe(true);
    expect(same(compareSnapshots(cut('20:'), { ...cut('20:'), tickets: [ticket('k1', { title: 'Event on WS-2 at 2026-12-06 20:…' }), expected.tickets[1]!] }))).toBe(false);
  });

  it('counts a posting lost, a quantity wrong, an extra item wrong, a record too many a duplicate', () => {
    const d = compareSnapshots(expected, { ...expected, postings: { '10/a': 6, '11/a': 0, '12/z': 1 }, records: { '10/a': 2, '11/a': 1 } });
    expect(d.lost.postings).toBe(1);
    expect(d.wrong.postings).toBe(2);
    expect(d.duplicates.postings).toBe(1);
    expect(same(d)).toBe(false);
    expect(d.details.join('\n')).toContain('posting 10/b: expected 3, missing');
  });

  it('counts a second ticket of a key a duplicate, a missing one lost, a changed state or note count wrong', () => {
    const d = compareSnapshots(expected, { ...expected, tickets: [ticket('k1'), ticket('k1', { id: 'k1-again' }), ticket('k3')] });
    expect(d.duplicates.tickets).toBe(1);
    expect(d.lost.tickets).toBe(1);
    expect(d.wrong.tickets).toBe(1); // k3: never opened without faults
    const changed = compareSnapshots(expected, { ...expected, tickets: [ticket('k1', { open: false }), ticket('k2', { open: false, notes: 3 })] });
    expect(changed.wrong.tickets).toBe(2);
    expect(same(changed)).toBe(false);
  });
});
