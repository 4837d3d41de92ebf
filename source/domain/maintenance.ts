// Maintenance windows (README › Maintenance windows): a time during which kmsp opens no ticket for
// a tenant, or for one device of a tenant. Pure: what a window is, whether one covers a moment,
// the limits a new one must keep, and how its times are read and shown. The ledger keeps the
// windows (store/ledger.ts); the ticket job asks them (tickets/run.ts).
//
// What a window does to tickets (decided here once, for the job and the words alike):
// - A condition (a device status, a tenant condition) active while a window covers it gets no
//   ticket then; one still active when the window ends gets its ticket at the next poll after; one
//   that clears inside the window produces nothing. Tickets opened before the window close as
//   usual when their condition clears.
// - An event is a moment: one raised inside a window is recorded as handled without a ticket (the
//   ledger's reason "maintenance") and is never ticketed later — its moment was inside the window
//   and the platform reports no "still present" for it. So the event cursor moves on as usual. An
//   event raised before the window starts is ticketed, whenever it is read.
import { KmspError } from './errors.js';

/** The longest window kmsp accepts: a window is a planned job, not a way to switch ticketing off. */
export const MAX_WINDOW_DAYS = 30;
export const MAX_WINDOW_MS = MAX_WINDOW_DAYS * 24 * 3_600_000;

export interface MaintenanceWindow {
  id: number;
  integration: string;
  tenantId: string;
  tenantName: string;
  /** Null: the whole tenant. */
  deviceId: string | null;
  deviceName: string | null;
  /** ISO instants; the window covers [startsAt, endsAt), cut at endedAt when ended early. */
  startsAt: string;
  endsAt: string;
  reason: string;
  createdBy: string;
  createdAt: string;
  endedAt: string | null;
  endedBy: string | null;
}

export type WindowState = 'upcoming' | 'active' | 'past';

/** When the window stops covering: its end, or the moment it was ended early. */
export function effectiveEnd(w: Pick<MaintenanceWindow, 'endsAt' | 'endedAt'>): number {
  const end = Date.parse(w.endsAt);
  return w.endedAt === null ? end : Math.min(end, Date.parse(w.endedAt));
}

export function windowState(w: MaintenanceWindow, now: Date): WindowState {
  const t = now.getTime();
  // Ended before it began: it never covers anything.
  if (t >= effectiveEnd(w) || effectiveEnd(w) <= Date.parse(w.startsAt)) return 'past';
  return t < Date.parse(w.startsAt) ? 'upcoming' : 'active';
}

/** Whether the window covers `at` for this tenant (and device: a tenant window covers all its devices and its tenant conditions). */
export function covers(w: MaintenanceWindow, target: { tenantId: string; deviceId: string | null }, at: Date): boolean {
  if (w.tenantId !== target.tenantId) return false;
  if (w.deviceId !== null && w.deviceId !== target.deviceId) return false;
  const t = at.getTime();
  return t >= Date.parse(w.startsAt) && t < effectiveEnd(w);
}

/** The window covering the target at `at` that ends last (the one to name), or null. */
export function coveringWindow(windows: readonly MaintenanceWindow[], target: { tenantId: string; deviceId: string | null }, at: Date): MaintenanceWindow | null {
  let best: MaintenanceWindow | null = null;
  for (const w of windows) if (covers(w, target, at) && (!best || effectiveEnd(w) > effectiveEnd(best))) best = w;
  return best;
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "4h", "90m", "2d", "1d12h", "1h30m" → milliseconds; null when it is not such a duration or is zero. */
export function parseDuration(text: string): number | null {
  const s = text.trim().toLowerCase().replace(/\s+/g, '');
  if (!/^(\d+[mhd])+$/.test(s)) return null;
  let ms = 0;
  for (const [, n, unit] of s.matchAll(/(\d+)([mhd])/g)) ms += Number(n) * UNIT_MS[unit!]!;
  return ms > 0 && Number.isSafeInteger(ms) ? ms : null;
}

/** "4 h", "2 d 3 h", "45 min": a window's length in words. */
export function describeLength(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const parts = [d && `${d} d`, h && `${h} h`, m && `${m} min`].filter(Boolean);
  return parts.length ? parts.join(' ') : '0 min';
}

/** The offset of `timeZone` from UTC at `instant`, in ms (positive east of Greenwich). */
function zoneOffset(instant: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * A time as a person types it: "now", an ISO time with its offset ("2026-12-08T06:00Z"), or a wall
 * time in `timeZone` ("2026-12-08 06:00", "2026-12-08T06:00", "2026-12-08" = its midnight). Null
 * when it is none of these.
 */
export function parseWhen(text: string, timeZone: string, now: Date): Date | null {
  const s = text.trim();
  if (s.toLowerCase() === 'now') return now;
  if (/[zZ]$|[+-]\d\d:?\d\d$/.test(s) && /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d/.test(s)) {
    const t = Date.parse(s.replace(' ', 'T'));
    return Number.isNaN(t) ? null : new Date(t);
  }
  const m = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d))?$/.exec(s);
  if (!m) return null;
  const [y, mo, d, h = '0', mi = '0'] = m.slice(1).map((x) => x ?? undefined) as string[];
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi));
  const check = new Date(wall);
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59) return null;
  // The wall time in the zone: its offset taken at the guess, then again at the result (a DST change between).
  const first = wall - zoneOffset(wall, timeZone);
  return new Date(wall - zoneOffset(first, timeZone));
}

/** "Tue 2026-12-08 06:00 UTC": always with the year (a window may span one) and the zone named. */
export function formatWindowTime(instant: Date | string, timeZone: string): string {
  const at = typeof instant === 'string' ? new Date(instant) : instant;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${timeZone}`;
}

/** The time zone of the person at the terminal (the TZ environment variable, else the system's). */
export function userTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export interface WindowRequest {
  start: Date;
  end: Date;
  reason: string;
  actor: string;
  now: Date;
}

/** Problems of a new window, by what the person typed: empty when it may be saved. */
export function windowProblems(r: WindowRequest): { field: 'start' | 'end' | 'reason' | 'actor'; message: string }[] {
  const out: { field: 'start' | 'end' | 'reason' | 'actor'; message: string }[] = [];
  if (!r.reason.trim()) out.push({ field: 'reason', message: 'A reason is required: it is shown wherever the window is, so others know why tickets are held.' });
  if (!r.actor.trim()) out.push({ field: 'actor', message: 'Who sets the window is required.' });
  const length = r.end.getTime() - r.start.getTime();
  if (length <= 0) out.push({ field: 'end', message: 'The window must end after it starts.' });
  else if (length > MAX_WINDOW_MS) out.push({ field: 'end', message: `A window lasts at most ${MAX_WINDOW_DAYS} days (this one: ${describeLength(length)}).` });
  if (length > 0 && r.end.getTime() <= r.now.getTime()) out.push({ field: 'end', message: 'The window would end in the past.' });
  return out;
}

/** windowProblems as one KmspError (the command line), or null. */
export function windowRequestError(r: WindowRequest, what: string): KmspError | null {
  const problems = windowProblems(r);
  if (problems.length === 0) return null;
  const [first, ...more] = problems;
  return new KmspError(`${what}: ${first!.message}`, {
    kind: 'config',
    // The message says the first problem; the cause the others, where there are any.
    ...(more.length > 0 ? { cause: more.map((p) => p.message).join(' ') } : {}),
    remedy: `Give --for (such as 4h, 2d; at most ${MAX_WINDOW_DAYS}d) or --until, an optional --start, and --reason "…". Nothing was recorded.`,
  });
}

/** What the window covers, in words: "Alpha Dental" or "WS-042 of Alpha Dental". */
export function windowTarget(w: Pick<MaintenanceWindow, 'tenantName' | 'tenantId' | 'deviceId' | 'deviceName'>): string {
  const tenant = w.tenantName || w.tenantId;
  return w.deviceId === null ? tenant : `${w.deviceName || w.deviceId} of ${tenant}`;
}

/** One line: "until Tue 2026-12-08 06:00 UTC: patching (set by alice)". */
export function describeWindow(w: MaintenanceWindow, timeZone: string, now: Date): string {
  const state = windowState(w, now);
  const end = formatWindowTime(new Date(effectiveEnd(w)), timeZone);
  const when = state === 'upcoming' ? `from ${formatWindowTime(w.startsAt, timeZone)} until ${end}` : state === 'active' ? `until ${end}` : `ended ${end}`;
  return `${when}: ${w.reason} (set by ${w.createdBy}${w.endedBy ? `; ended early by ${w.endedBy}` : ''})`;
}
