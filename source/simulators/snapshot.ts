// A vendor-neutral picture of what a simulated PSA holds of kmsp's work: the quantity in force per
// contract and item, how many usage records the PSA keeps for each (a posting made twice shows as
// one record too many), and the tickets with their tag, state and notes. Each PSA simulator's
// registry entry computes it from its own state, so harnesses (chaos runs, crash trials) compare
// two runs without knowing any vendor's records.

/** One ticket as the PSA holds it. */
export interface SnapshotTicket {
  /** The PSA's id of the ticket. */
  id: string;
  /** The account it belongs to (the PSA's id). */
  account: string;
  title: string;
  /** The key kmsp wrote on it (empty when none): two tickets with one tag are a duplicate. */
  tag: string;
  open: boolean;
  /** Notes (consolidated events) it carries. */
  notes: number;
}

export interface PsaSnapshot {
  /** Quantity in force on the snapshot's date per "contract/item". */
  postings: Record<string, number>;
  /** The PSA's usage records per "contract/item" (delta records, additions, charges). */
  records: Record<string, number>;
  /** Every ticket, ordered by tag then id. */
  tickets: SnapshotTicket[];
}

/** The key of a contract's item in a snapshot. */
export const postingKey = (contract: unknown, item: unknown): string => `${String(contract)}/${String(item)}`;

/** Counts per key. */
export function countBy<T>(rows: readonly T[], key: (row: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) {
    const k = key(r);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/** Tickets in a stable order, so two snapshots compare field by field. */
export function orderTickets(tickets: SnapshotTicket[]): SnapshotTicket[] {
  return tickets.sort((a, b) => a.tag.localeCompare(b.tag) || a.account.localeCompare(b.account) || a.title.localeCompare(b.title) || a.id.localeCompare(b.id, undefined, { numeric: true }));
}
