// Cron expressions and time zones as a person types them (the console's agent settings form,
// `kmsp config set`, a config file): the same rules answer each with a clear problem or a valid
// schedule, and what they accept the agent can schedule (node-schedule), preview and walk back
// from (its catch-up looks at the previous run), DST nights included.
import cronParser from 'cron-parser';
import fc from 'fast-check';
import schedule from 'node-schedule';
import { describe, expect, it } from 'vitest';
import { parseAgentSettings, previewSchedule } from '../../source/domain/agentSettings.js';
import { AGENT_DEFAULTS } from '../../source/domain/defaults.js';
import { checkCron, scheduleWarnings } from '../../source/domain/schedule.js';
import { hostileText, RUNS } from './hostile.js';

const base = { timeZone: 'UTC', billingSchedule: AGENT_DEFAULTS.billingSchedule, ticketPollSeconds: AGENT_DEFAULTS.ticketPollSeconds, ticketsPerAccountPerHour: AGENT_DEFAULTS.ticketsPerAccountPerHour };

const number = fc.oneof(fc.integer({ min: 0, max: 70 }), fc.constantFrom(-1, 99, 4_000_000_000, 1e21, 99999999999), fc.nat());
const digitsOf = (n: number) => String(n);
const unicodeDigits = fc.constantFrom('٤', '۴', '४', '４', '𝟒', '¹');
/** One cron field: valid-looking forms and the odd ones (steps of 0, huge ranges, L/W/#, names, unicode digits). */
const field = fc.oneof(
  fc.constant('*'),
  number.map(digitsOf),
  fc.tuple(number, number).map(([a, b]) => `${a}-${b}`),
  number.map((n) => `*/${n}`),
  fc.tuple(number, number, number).map(([a, b, c]) => `${a}-${b}/${c}`),
  fc.array(number, { minLength: 2, maxLength: 4 }).map((ns) => ns.join(',')),
  fc.constantFrom('L', 'W', '1W', 'LW', '5L', '1#2', '7#5', '0#0', '?', 'MON-FRI', 'JAN', 'jan-dec', 'SUN,SAT', 'L-3', '*/0', '0/0', ',', '-', '/', '*/'),
  unicodeDigits,
  fc.string({ maxLength: 4 }),
);
/** A field that is usually valid in every position: acceptance must be reached often, or the agent's side goes untested. */
const plausibleField = fc.constantFrom('*', '0', '1', '5', '1-5', '*/15', '1,3', '2-4/2', 'L', '1#2', '?');
const cron = fc.oneof(
  { weight: 3, arbitrary: fc.array(plausibleField, { minLength: 5, maxLength: 5 }).map((f) => f.join(' ')) },
  { weight: 4, arbitrary: fc.array(field, { minLength: 5, maxLength: 5 }).map((f) => f.join(' ')) },
  { weight: 1, arbitrary: fc.array(field, { minLength: 0, maxLength: 8 }).map((f) => f.join(' ')) },
  { weight: 1, arbitrary: hostileText },
  { weight: 1, arbitrary: fc.constantFrom('0 4 * * *', '30 2 * * *', '0 0 31 2 *', '0 0 29 2 *', '0 4 * * * *', ' 0  4 * * * ', 'x'.repeat(10_000), '0 '.repeat(5000)) },
);
const zones = Intl.supportedValuesOf('timeZone');
const zone = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...zones) },
  { weight: 2, arbitrary: fc.constantFrom('Etc/GMT+14', 'Etc/GMT-14', 'Etc/GMT+12', '../../etc/passwd', '/etc/localtime', '', ' ', 'UTC', 'utc', 'europe/berlin', 'Europe/Berlin ', 'EST5EDT', '+05:00', 'GMT+5', 'Z', 'x'.repeat(10_000), 'Europe/Berlin\u0000', 'Asia/Kolkata', 'US/Eastern') },
  { weight: 1, arbitrary: hostileText },
);
const instant = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true });

/** The agent's use of an accepted schedule (agent/daemon.ts): schedule it, and find the last and next runs around now. */
function asTheAgentDoes(expression: string, timeZone: string, now: Date): void {
  const job = schedule.scheduleJob({ rule: expression, tz: timeZone }, () => undefined);
  try {
    expect(job, `node-schedule refused ${expression} in ${timeZone}`).not.toBeNull();
  } finally {
    job?.cancel();
  }
  const it = cronParser.parseExpression(expression, { tz: timeZone, currentDate: now });
  const prev = it.prev().toDate();
  const next = cronParser.parseExpression(expression, { tz: timeZone, currentDate: now }).next().toDate();
  expect(prev.getTime()).toBeLessThanOrEqual(now.getTime());
  expect(next.getTime()).toBeGreaterThan(now.getTime());
}

describe('billing schedules and time zones typed by a person', () => {
  it('every schedule and zone gets a clear problem or a valid schedule the agent can run', () => {
    let accepted = 0;
    fc.assert(
      fc.property(cron, zone, instant, (expression, timeZone, now) => {
        const { values, problems } = parseAgentSettings({ billingSchedule: expression, timeZone }, base);
        for (const p of Object.values(problems)) {
          expect(p.message.trim().length).toBeGreaterThan(0);
          expect(p.remedy.trim().length).toBeGreaterThan(0);
        }
        const preview = previewSchedule(values.billingSchedule, values.timeZone, { now, count: 3 });
        if (problems.billingSchedule || problems.timeZone) return;
        accepted++;
        expect(preview).not.toBeNull();
        expect(preview!.next).toHaveLength(3);
        scheduleWarnings(values.billingSchedule, values.timeZone, now);
        asTheAgentDoes(values.billingSchedule, values.timeZone, now);
      }),
      { ...RUNS, numRuns: 200 },
    );
    expect(accepted).toBeGreaterThan(10);
  });

  it('schedules near 02:00–03:00 in Europe/Berlin across the DST nights of March and October: valid, runs in order, a DST warning, and the agent schedules them', () => {
    const nights = fc.constantFrom('2026-03-29', '2026-10-25', '2027-03-28', '2027-10-31', '2030-03-31', '2030-10-27');
    fc.assert(
      fc.property(nights, fc.integer({ min: -36 * 60, max: 36 * 60 }), fc.constantFrom('30 2 * * *', '0 2 * * *', '59 2 * * *', '0 3 * * *', '*/30 1-3 * * *'), (night, offsetMinutes, expression) => {
        const now = new Date(Date.parse(`${night}T01:00:00Z`) + offsetMinutes * 60_000);
        const check = checkCron(expression, 'Europe/Berlin', { from: now, count: 6 });
        expect(check.ok).toBe(true);
        for (let i = 1; i < check.next.length; i++) expect(check.next[i]!.getTime()).toBeGreaterThan(check.next[i - 1]!.getTime());
        expect(check.next[0]!.getTime()).toBeGreaterThan(now.getTime());
        asTheAgentDoes(expression, 'Europe/Berlin', now);
        expect(previewSchedule(expression, 'Europe/Berlin', { now })!.warnings.join(' ')).toMatch(/DST/u);
      }),
      { ...RUNS, numRuns: 40 },
    );
  });
});
