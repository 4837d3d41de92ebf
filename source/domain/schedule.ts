// The agent's schedules as data: the billing cron expression (with its IANA time zone) and the
// ticket poll interval. Pure: parsing and "when is the next run" only; the agent's scheduler
// (source/agent/scheduler.ts) hands the same expression and zone to node-schedule.
//
// DST (README › Run as a service, "Daylight saving time"): the clocks of daylight-saving zones change between 00:00 and 04:00 local
// time (00:00 in e.g. America/Santiago, 01:00–03:00 in most). A cron time in the hour skipped
// when the clocks go forward runs at the first valid instant after it (02:30 → 03:30, as
// cron-parser computes it); around the night they go back node-schedule has an open issue of a
// skipped run (node-schedule#435). The default (04:00) is outside those hours, and `kmsp doctor`
// warns about a schedule inside them.
import cronParser from 'cron-parser';

/** Five fields (minute hour day-of-month month day-of-week), as in crontab(5). */
export const BILLING_CRON_FIELDS = 5;

export interface CronCheck {
  ok: boolean;
  /** Why the expression is refused, in words an admin can act on. */
  problem: string | null;
  /** The next runs from `from` (up to `count`), when ok. */
  next: Date[];
}

/**
 * Checks a cron expression. `allowSeconds` accepts a sixth, leading seconds field: only the
 * agent's `--billing-schedule` override takes it (tests, one-off catch-up); the config keeps to
 * crontab's five fields so a daily job cannot become a per-second one by a slip.
 */
export function checkCron(expression: string, timeZone: string, options: { from?: Date; count?: number; allowSeconds?: boolean } = {}): CronCheck {
  const trimmed = expression.trim();
  const fields = trimmed.split(/\s+/).filter(Boolean);
  const allowed = options.allowSeconds ? [5, 6] : [BILLING_CRON_FIELDS];
  if (!allowed.includes(fields.length)) {
    return {
      ok: false,
      problem: `“${expression}” has ${fields.length} field${fields.length === 1 ? '' : 's'}; a schedule has ${allowed.join(' or ')} (minute hour day-of-month month day-of-week${options.allowSeconds ? ', optionally led by seconds' : ''}), e.g. “0 4 * * *” for 04:00 every day`,
      next: [],
    };
  }
  try {
    const it = cronParser.parseExpression(trimmed, { tz: timeZone, currentDate: options.from ?? new Date() });
    const next: Date[] = [];
    for (let i = 0; i < (options.count ?? 1); i++) next.push(it.next().toDate());
    return { ok: true, problem: null, next };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { ok: false, problem: `“${expression}” is not a valid cron expression (${why}); e.g. “0 4 * * *” for 04:00 every day`, next: [] };
  }
}

/** The next run of a cron schedule after `from`, or null when the expression is invalid. */
export function nextCronRun(expression: string, timeZone: string, from: Date, allowSeconds = false): Date | null {
  const c = checkCron(expression, timeZone, { from, allowSeconds });
  return c.ok ? c.next[0]! : null;
}

/** How a schedule reads in status lines and the console. */
export function describeBillingSchedule(expression: string, timeZone: string): string {
  return `cron “${expression}” (${timeZone})`;
}

export function describeInterval(seconds: number): string {
  return seconds % 60 === 0 && seconds >= 60 ? `every ${seconds / 60} min` : `every ${seconds} s`;
}

/** "Tue 2025-01-07 04:00 Europe/London": a run time as the schedule means it, in its own zone. */
export function formatInZone(instant: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${timeZone}`;
}

/** The local hour of each instant (one formatter for all: building one costs more than formatting). */
export function localHours(instants: readonly Date[], timeZone: string): number[] {
  const format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' });
  return instants.map((d) => Number(format.format(d)));
}

/** Whether the zone changes its UTC offset during the year (January against July). */
export function observesDst(timeZone: string, year: number): boolean {
  const offset = (d: Date) => new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value;
  return offset(new Date(Date.UTC(year, 0, 15))) !== offset(new Date(Date.UTC(year, 6, 15)));
}

/** Whether any of these runs falls between 00:00 and 04:00 local time in a zone that observes DST. */
export function runsInDstHours(runs: readonly Date[], timeZone: string, now: Date): boolean {
  return observesDst(timeZone, now.getUTCFullYear()) && localHours(runs, timeZone).some((h) => h <= 3);
}

/**
 * What is worth knowing about a valid billing schedule before it is saved. Warnings, not
 * refusals: the agent runs such a schedule as written. Read from the expression's hour and
 * minute fields (the local wall-clock times it runs at), not from a list of next runs: walking
 * a zoned cron expression costs milliseconds per run, too slow to redo at every keystroke.
 */
export function scheduleWarnings(expression: string, timeZone: string, now: Date): string[] {
  let fields: { hour: readonly number[]; minute: readonly number[] };
  try {
    fields = cronParser.parseExpression(expression.trim(), { tz: timeZone, currentDate: now }).fields;
  } catch {
    return [];
  }
  const out: string[] = [];
  if (observesDst(timeZone, now.getUTCFullYear()) && fields.hour.some((h) => h <= 3)) {
    out.push(
      `Runs in 00:00–04:00, when ${timeZone} changes its clocks for DST: on those nights a run can be an hour late or skipped; 04:00 or later avoids it.`,
    );
  }
  if (fields.minute.length > 1) {
    out.push(`Runs ${fields.minute.length} times an hour: each billing run reads every tenant and contract; once a day is usual.`);
  }
  return out;
}
