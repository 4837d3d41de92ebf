// Monthly billing periods of a Recurring Service contract, as ContractServiceUnits
// rows show them: from the contract start, one calendar month at a time, the last
// period cut at the contract end. (Autotask also has quarterly/yearly period types;
// the simulator models monthly ones, the common case for per-device billing.)

export interface Period {
  /** YYYY-MM-DD, inclusive. */
  start: string;
  /** YYYY-MM-DD as ContractServiceUnits stores it: the last day, or the next period's start (see PeriodEnds). */
  end: string;
  /** YYYY-MM-DD, the period's last day, whatever the convention. */
  last: string;
}

/**
 * How ContractServiceUnits rows store endDate (UNCONFIRMED which one Autotask uses):
 * "last-day" — the period's last day (Jan 1 – Jan 31, the default); "next-start" — the
 * next period's start (Jan 1 – Feb 1), so two periods touch on every boundary day.
 */
export type PeriodEnds = 'last-day' | 'next-start';

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

export function contractPeriods(start: string, end: string, ends: PeriodEnds = 'last-day'): Period[] {
  const out: Period[] = [];
  for (let k = 0; k < 1200; k++) {
    const from = addMonths(start, k);
    if (from > end) break;
    const to = addDays(addMonths(start, k + 1), -1);
    const last = to < end ? to : end;
    out.push({ start: from, end: ends === 'next-start' ? addDays(last, 1) : last, last });
  }
  return out;
}

/** The last day of a stored period (endDate as stored, under the given convention). */
export function lastDayOf(storedEnd: string, ends: PeriodEnds): string {
  return ends === 'next-start' ? addDays(storedEnd, -1) : storedEnd;
}

/** The calendar date of an ISO datetime (date-only fields are kept as sent, connectors/autotask/README.md §2.6). */
export function datePart(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(value);
  return m ? m[1]! : null;
}
