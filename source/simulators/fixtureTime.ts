// Fixture times of the PSA simulators: an ISO string, or a moment relative to the
// simulator's start ("now-1d", "startOfYear+1y-1d"), so demo data stays current
// without regenerating the fixtures.

const UNIT: Record<string, (d: Date, n: number) => void> = {
  m: (d, n) => d.setUTCMinutes(d.getUTCMinutes() + n),
  h: (d, n) => d.setUTCHours(d.getUTCHours() + n),
  d: (d, n) => d.setUTCDate(d.getUTCDate() + n),
  mo: (d, n) => d.setUTCMonth(d.getUTCMonth() + n),
  y: (d, n) => d.setUTCFullYear(d.getUTCFullYear() + n),
};

const ANCHOR: Record<string, (now: Date) => Date> = {
  now: (now) => new Date(now),
  today: (now) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())),
  startofmonth: (now) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
  startofyear: (now) => new Date(Date.UTC(now.getUTCFullYear(), 0, 1)),
};

/**
 * A fixture time: an ISO string, or an anchor (now, today, startOfMonth, startOfYear; UTC)
 * followed by offsets such as "-2d", "+1y-1d", "+90m" (units m, h, d, mo, y).
 * Returns null for strings that are neither.
 */
export function resolveTime(value: string, now: Date): Date | null {
  const m = /^(now|today|startOfMonth|startOfYear)((?:\s*[+-]\s*\d+\s*(?:mo|m|h|d|y))*)$/i.exec(value.trim());
  if (m) {
    const d = ANCHOR[m[1]!.toLowerCase()]!(now);
    for (const step of m[2]!.matchAll(/([+-])\s*(\d+)\s*(mo|m|h|d|y)/gi)) UNIT[step[3]!.toLowerCase()]!(d, (step[1] === '-' ? -1 : 1) * Number(step[2]));
    return d;
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const withZone = /T/.test(value) && !/([zZ]|[+-]\d\d:?\d\d)$/.test(value) ? `${value}Z` : value;
    const ms = Date.parse(withZone);
    return Number.isNaN(ms) ? null : new Date(ms);
  }
  return null;
}
