// The agent's settings an admin sets (agent.* except the pause switch): what each is, how text
// typed for it is read, and what is wrong with a value. One module so that the console's form,
// `kmsp config set` and the config check (validateConfig) refuse the same values with the
// same words. Pure: no I/O; the clock is a parameter.
import type { AgentSettings } from './config.js';
import { AGENT_DEFAULTS, LIMITS } from './defaults.js';
import { checkCron, formatInZone, scheduleWarnings } from './schedule.js';

/** agent.paused is not here: it is a switch (kmsp pause / resume, `p` on Reports › Agent), not a setting. */
export const EDITABLE_AGENT_KEYS = ['timeZone', 'billingSchedule', 'ticketPollSeconds', 'ticketsPerAccountPerHour'] as const;
export type EditableAgentKey = (typeof EDITABLE_AGENT_KEYS)[number];
export type EditableAgentSettings = Pick<AgentSettings, EditableAgentKey>;

export interface AgentSettingInfo {
  readonly key: EditableAgentKey;
  /** Its path in the config file, as `kmsp config set` takes it. */
  readonly path: `agent.${EditableAgentKey}`;
  /** Short name for a form label. */
  readonly label: string;
  /** One line: what it is, with its range or form. */
  readonly about: string;
  /** A value that works, for usage messages. */
  readonly example: string;
}

const poll = LIMITS.ticketPollSeconds;
const rate = LIMITS.ticketsPerAccountPerHour;

export const AGENT_SETTINGS: Readonly<Record<EditableAgentKey, AgentSettingInfo>> = {
  timeZone: { key: 'timeZone', path: 'agent.timeZone', label: 'Time zone', about: 'IANA time zone of the billing schedule and of posting dates', example: 'Europe/London' },
  billingSchedule: {
    key: 'billingSchedule',
    path: 'agent.billingSchedule',
    label: 'Billing schedule',
    about: `when billing runs: cron, 5 fields (minute hour day-of-month month day-of-week), default “${AGENT_DEFAULTS.billingSchedule}”`,
    example: '30 5 * * 1-5',
  },
  ticketPollSeconds: {
    key: 'ticketPollSeconds',
    path: 'agent.ticketPollSeconds',
    label: 'Ticket poll (seconds)',
    about: `how often tickets are polled, ${poll.min}–${poll.max} seconds (default ${AGENT_DEFAULTS.ticketPollSeconds})`,
    example: '120',
  },
  ticketsPerAccountPerHour: {
    key: 'ticketsPerAccountPerHour',
    path: 'agent.ticketsPerAccountPerHour',
    label: 'Tickets per account/hour',
    about: `ticket-rate breaker: new tickets per PSA account per hour, ${rate.min}–${rate.max} (default ${AGENT_DEFAULTS.ticketsPerAccountPerHour})`,
    example: '50',
  },
};

/** Finds a settable key by its config path ("agent.timeZone") or bare name ("timeZone"). */
export function agentSettingByPath(path: string): AgentSettingInfo | undefined {
  const bare = path.startsWith('agent.') ? path.slice('agent.'.length) : path;
  return (EDITABLE_AGENT_KEYS as readonly string[]).includes(bare) ? AGENT_SETTINGS[bare as EditableAgentKey] : undefined;
}

/** What is wrong and what to do: the form shows both, the CLI prints them as Cause/Remedy. */
export interface SettingProblem {
  readonly message: string;
  readonly remedy: string;
}

export type AgentSettingProblems = Partial<Record<EditableAgentKey, SettingProblem>>;

export function isValidTimeZone(tz: string): boolean {
  if (tz.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * The zone as it is written in the time zone database when only its letter case differs
 * ("europe/london" → "Europe/London"); any other name (an alias such as US/Eastern) is kept as
 * given, so the file says what the admin chose.
 */
export function canonicalTimeZone(tz: string): string {
  const trimmed = tz.trim();
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
    return resolved.toLowerCase() === trimmed.toLowerCase() ? resolved : trimmed;
  } catch {
    return trimmed;
  }
}

/**
 * Current IANA names of renamed zones. Node's list (ICU's canonical ids) still has the old ones
 * (Asia/Calcutta, Europe/Kiev…), so an admin typing "Kolkata" or "Kyiv" found nothing; the
 * runtime accepts both names, and the picker offers both.
 */
const RENAMED_ZONES = ['Asia/Kolkata', 'Asia/Kathmandu', 'Asia/Yangon', 'Asia/Ho_Chi_Minh', 'Europe/Kyiv', 'America/Nuuk', 'Pacific/Kanton', 'Atlantic/Faroe', 'Pacific/Pohnpei', 'Pacific/Chuuk'];

/** Every zone the picker offers: the runtime's list, with UTC (which that list leaves out) and the current names of renamed zones. */
export function knownTimeZones(): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const extra = RENAMED_ZONES.filter((z) => !zones.includes(z) && isValidTimeZone(z));
  return [...(zones.includes('UTC') ? [] : ['UTC']), ...[...zones, ...extra].sort()];
}

/** Up to three known zones that look like a mistyped one ("london" → Europe/London). */
export function similarTimeZones(typed: string, zones: readonly string[] = knownTimeZones()): string[] {
  const norm = (s: string) => s.toLowerCase().replace(/[\s_-]+/gu, '');
  const want = norm(typed);
  const city = norm(typed.split('/').at(-1) ?? typed);
  if (city.length < 3) return [];
  const hits = zones.filter((z) => {
    const n = norm(z);
    const zoneCity = norm(z.split('/').at(-1)!);
    return n.includes(want) || zoneCity.startsWith(city) || (city.length >= 4 && zoneCity.startsWith(city.slice(0, 4)));
  });
  return hits.slice(0, 3);
}

const RANGE_REMEDY: Record<'ticketPollSeconds' | 'ticketsPerAccountPerHour', string> = {
  ticketPollSeconds: `Use a whole number of seconds from ${poll.min} to ${poll.max} (default ${AGENT_DEFAULTS.ticketPollSeconds}); shorter polls use more of the PSA's API budget.`,
  ticketsPerAccountPerHour: `Use a whole number from ${rate.min} to ${rate.max} (default ${AGENT_DEFAULTS.ticketsPerAccountPerHour}); past it, an account's further tickets are held back until the hour has room.`,
};

function rangeProblem(key: 'ticketPollSeconds' | 'ticketsPerAccountPerHour', value: number): SettingProblem | undefined {
  const r = LIMITS[key];
  if (Number.isInteger(value) && value >= r.min && value <= r.max) return undefined;
  const message =
    key === 'ticketPollSeconds'
      ? `Ticket poll interval ${value} s is out of range (${r.min}–${r.max} seconds).`
      : `Tickets per account per hour ${value} is out of range (${r.min}–${r.max}).`;
  return { message, remedy: RANGE_REMEDY[key] };
}

function timeZoneProblem(timeZone: string): SettingProblem | undefined {
  if (timeZone.trim() === '') return { message: 'Time zone is empty.', remedy: 'Choose an IANA time zone such as Europe/London, America/New_York or UTC.' };
  if (isValidTimeZone(timeZone)) return undefined;
  const similar = similarTimeZones(timeZone);
  return {
    message: `Time zone "${timeZone}" is not a known IANA time zone.`,
    remedy: similar.length
      ? `Did you mean ${similar.join(', ')}? Time zones are IANA names (Area/City) such as Europe/London or UTC.`
      : 'Use an IANA name (Area/City) such as Europe/London, America/New_York or UTC.',
  };
}

function scheduleProblem(expression: string, timeZone: string): SettingProblem | undefined {
  // An unknown zone is the time zone's problem; the expression is still checked (in UTC), so each field says its own.
  const cron = checkCron(expression, isValidTimeZone(timeZone) ? timeZone : 'UTC');
  if (cron.ok) return undefined;
  return {
    message: `Billing schedule ${cron.problem}.`,
    remedy: 'In each field “*” means every, “1-5” a range and “*/15” a step: “30 5 * * 1-5” runs at 05:30 on weekdays.',
  };
}

/** Every problem of a set of agent settings, by key (an empty object when all are fine). */
export function agentSettingsProblems(settings: EditableAgentSettings): AgentSettingProblems {
  const out: AgentSettingProblems = {};
  const tz = timeZoneProblem(settings.timeZone);
  if (tz) out.timeZone = tz;
  const schedule = scheduleProblem(settings.billingSchedule, settings.timeZone);
  if (schedule) out.billingSchedule = schedule;
  const p = rangeProblem('ticketPollSeconds', settings.ticketPollSeconds);
  if (p) out.ticketPollSeconds = p;
  const r = rangeProblem('ticketsPerAccountPerHour', settings.ticketsPerAccountPerHour);
  if (r) out.ticketsPerAccountPerHour = r;
  return out;
}

/** Settings as typed: text for each key (the form's fields, the CLI's VALUE). */
export type AgentSettingsText = Partial<Record<EditableAgentKey, string>>;

export interface ParsedAgentSettings {
  /** `base` with every typed key that could be read; a key that could not keeps `base`'s value. */
  readonly values: EditableAgentSettings;
  readonly problems: AgentSettingProblems;
}

/**
 * Reads typed text onto `base` (the current settings) and checks the result. Only the typed
 * keys are reported: a problem already in `base` is not the typist's (the config check names it).
 */
export function parseAgentSettings(text: AgentSettingsText, base: EditableAgentSettings): ParsedAgentSettings {
  const values: { -readonly [K in EditableAgentKey]: EditableAgentSettings[K] } = { ...base };
  const problems: AgentSettingProblems = {};
  if (text.timeZone !== undefined) values.timeZone = canonicalTimeZone(text.timeZone);
  if (text.billingSchedule !== undefined) values.billingSchedule = text.billingSchedule.trim().split(/\s+/u).join(' ');
  for (const key of ['ticketPollSeconds', 'ticketsPerAccountPerHour'] as const) {
    const typed = text[key]?.trim();
    if (typed === undefined) continue;
    if (/^\d{1,9}$/u.test(typed)) values[key] = Number(typed);
    else {
      const what = key === 'ticketPollSeconds' ? 'Ticket poll interval' : 'Tickets per account per hour';
      problems[key] = { message: typed === '' ? `${what} is empty.` : `${what} "${typed}" is not a whole number.`, remedy: RANGE_REMEDY[key] };
    }
  }
  const checked = agentSettingsProblems(values);
  for (const key of EDITABLE_AGENT_KEYS) {
    if (text[key] === undefined || problems[key]) continue;
    // A schedule is checked in the zone it will run in; a new zone can only make it valid or not if it changed too.
    const p = checked[key];
    if (p) problems[key] = p;
  }
  return { values, problems };
}

export interface SchedulePreview {
  /** The next runs, each as "Tue 2025-01-07 04:00 Europe/London". */
  readonly next: string[];
  /** Things worth knowing before saving (DST hours, more than once a day); never a refusal. */
  readonly warnings: string[];
}

/** The next `count` runs of a valid schedule in its zone, and its warnings; null when either is invalid. */
export function previewSchedule(expression: string, timeZone: string, options: { now: Date; count?: number }): SchedulePreview | null {
  if (!isValidTimeZone(timeZone)) return null;
  const cron = checkCron(expression, timeZone, { from: options.now, count: options.count ?? 3 });
  if (!cron.ok) return null;
  return { next: cron.next.map((d) => formatInZone(d, timeZone)), warnings: scheduleWarnings(expression, timeZone, options.now) };
}
