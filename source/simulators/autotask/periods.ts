// Monthly billing periods of a Recurring Service contract, as ContractServiceUnits
// rows show them: from the contract start, one calendar month at a time, the last
// period cut at the contract end. (Autotask also has quarterly/yearly period types;
// the simulator models monthly ones, the common case for per-device billing.)

export interface Period {
  /** YYYY-MM-DD, inclusive. */
  start: string;
  /** YYYY-MM-DD, inclusive. */
  end: string;
}

function ymd(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** `date` plus n months, clamped to the target month's last day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + n, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return ymd(target);
}

export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return ymd(d);
}

export function contractPeriods(start: string, end: string): Period[] {
  const out: Period[] = [];
  for (let k = 0; k < 1200; k++) {
    const from = addMonths(start, k);
    if (from > end) break;
    const to = addDays(addMonths(start, k + 1), -1);
    out.push({ start: from, end: to < end ? to : end });
  }
  return out;
}

/** The calendar date of an ISO datetime (date-only fields are kept as sent, brief §2.6). */
export function datePart(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(value);
  return m ? m[1]! : null;
}
