// The agent settings rules (source/domain/agentSettings.ts): one validator for the console's
// form, `kmsp config set` and the config check, so all three refuse the same values in the
// same words.
import { describe, expect, it } from 'vitest';
import {
  agentSettingByPath,
  agentSettingsProblems,
  canonicalTimeZone,
  knownTimeZones,
  parseAgentSettings,
  previewSchedule,
  similarTimeZones,
  type EditableAgentSettings,
} from '../../source/domain/agentSettings.js';
import { AGENT_DEFAULTS, defaultConfig } from '../../source/domain/defaults.js';
import { validateConfig } from '../../source/domain/validate.js';

const base: EditableAgentSettings = { timeZone: 'UTC', billingSchedule: '0 4 * * *', ticketPollSeconds: 60, ticketsPerAccountPerHour: 20 };

describe('agent settings validator', () => {
  it('accepts the defaults and reports nothing', () => {
    expect(agentSettingsProblems(AGENT_DEFAULTS)).toEqual({});
  });

  it('reports each field on its own, with a cause and a remedy', () => {
    const p = agentSettingsProblems({ timeZone: 'Europe/Londn', billingSchedule: '0 4 * *', ticketPollSeconds: 5, ticketsPerAccountPerHour: 0 });
    expect(p.timeZone).toEqual({ message: 'Time zone "Europe/Londn" is not a known IANA time zone.', remedy: expect.stringContaining('Did you mean Europe/London?') });
    // The schedule is still checked (in UTC) when the zone is bad: each field says its own problem.
    expect(p.billingSchedule?.message).toContain('has 4 fields; a schedule has 5');
    expect(p.billingSchedule?.remedy).toContain('“30 5 * * 1-5” runs at 05:30 on weekdays');
    expect(p.ticketPollSeconds).toEqual({ message: 'Ticket poll interval 5 s is out of range (10–3600 seconds).', remedy: expect.stringContaining('default 60') });
    expect(p.ticketsPerAccountPerHour?.message).toBe('Tickets per account per hour 0 is out of range (1–10000).');
    expect(agentSettingsProblems({ ...base, ticketPollSeconds: 60.5 }).ticketPollSeconds).toBeDefined();
    expect(agentSettingsProblems({ ...base, timeZone: '' }).timeZone?.message).toBe('Time zone is empty.');
  });

  it('reads typed text: whole numbers only, zone case fixed, schedule spaces collapsed; only typed keys are reported', () => {
    const ok = parseAgentSettings({ timeZone: ' europe/london ', billingSchedule: ' 30  5 * * 1-5 ', ticketPollSeconds: '120', ticketsPerAccountPerHour: '50' }, base);
    expect(ok).toEqual({ values: { timeZone: 'Europe/London', billingSchedule: '30 5 * * 1-5', ticketPollSeconds: 120, ticketsPerAccountPerHour: 50 }, problems: {} });
    const bad = parseAgentSettings({ ticketPollSeconds: '60s', ticketsPerAccountPerHour: '' }, base);
    expect(bad.problems.ticketPollSeconds?.message).toBe('Ticket poll interval "60s" is not a whole number.');
    expect(bad.problems.ticketsPerAccountPerHour?.message).toBe('Tickets per account per hour is empty.');
    expect(bad.values).toEqual(base);
    // A problem already in the saved settings is not blamed on a key that was not typed.
    expect(parseAgentSettings({ ticketPollSeconds: '90' }, { ...base, timeZone: 'Mars/Olympus' }).problems).toEqual({});
  });

  it('knows its keys by config path or bare name, and not the pause switch', () => {
    expect(agentSettingByPath('agent.billingSchedule')?.key).toBe('billingSchedule');
    expect(agentSettingByPath('ticketPollSeconds')?.path).toBe('agent.ticketPollSeconds');
    expect(agentSettingByPath('agent.paused')).toBeUndefined();
    expect(agentSettingByPath('agent.nope')).toBeUndefined();
  });

  it('time zones: the picker list includes UTC; near misses are suggested; aliases are kept as written', () => {
    expect(knownTimeZones()).toContain('UTC');
    expect(knownTimeZones()).toContain('Europe/London');
    // The current names of renamed zones are offered next to the runtime's old ones.
    expect(knownTimeZones()).toEqual(expect.arrayContaining(['Asia/Kolkata', 'Asia/Calcutta', 'Europe/Kyiv']));
    expect(similarTimeZones('kolkata')).toEqual(['Asia/Kolkata']);
    expect(similarTimeZones('london')).toEqual(['Europe/London']);
    expect(similarTimeZones('xy')).toEqual([]);
    expect(canonicalTimeZone('america/new_york')).toBe('America/New_York');
    expect(canonicalTimeZone('US/Eastern')).toBe('US/Eastern');
  });

  it('validateConfig reports the agent settings with the same words', () => {
    const config = defaultConfig();
    config.agent = { ...config.agent, ticketPollSeconds: 1, timeZone: 'Mars/Olympus' };
    const problems = validateConfig(config);
    expect(problems.map((p) => p.path)).toEqual(['agent.timeZone', 'agent.ticketPollSeconds']);
    expect(problems[0]!.message).toMatch(/^Time zone "Mars\/Olympus" is not a known IANA time zone\. /u);
    expect(problems[1]!.message).toMatch(/^Ticket poll interval 1 s is out of range \(10–3600 seconds\)\. Use a whole number/u);
  });
});

describe('schedule preview', () => {
  const now = new Date('2026-03-20T12:00:00Z');

  it('the next runs in the chosen zone, no warning for 04:00', () => {
    expect(previewSchedule('0 4 * * *', 'Europe/London', { now })).toEqual({
      next: ['Sat 2026-03-21 04:00 Europe/London', 'Sun 2026-03-22 04:00 Europe/London', 'Mon 2026-03-23 04:00 Europe/London'],
      warnings: [],
    });
  });

  it('warns about 00:00–04:00 in a zone with DST, not in one without, and about more than hourly runs', () => {
    expect(previewSchedule('30 2 * * *', 'Europe/London', { now })!.warnings).toEqual([expect.stringContaining('Runs in 00:00–04:00, when Europe/London changes its clocks for DST')]);
    expect(previewSchedule('30 2 * * *', 'Asia/Tokyo', { now })!.warnings).toEqual([]);
    expect(previewSchedule('30 2 * * *', 'UTC', { now })!.warnings).toEqual([]);
    expect(previewSchedule('*/10 * * * *', 'UTC', { now })!.warnings).toEqual([expect.stringContaining('Runs 6 times an hour')]);
  });

  it('nothing to preview for an invalid schedule or zone', () => {
    expect(previewSchedule('0 25 * * *', 'UTC', { now })).toBeNull();
    expect(previewSchedule('0 4 * * *', 'Nowhere/Town', { now })).toBeNull();
  });
});
