// The billing schedule (source/domain/schedule.ts): crontab's five fields in the agent's IANA
// time zone, six (with seconds) only for the command-line override, and clear refusals.
import { describe, expect, it } from 'vitest';
import { checkCron, describeInterval, nextCronRun } from '../../source/domain/schedule.js';
import { validateConfig } from '../../source/domain/validate.js';
import { defaultConfig } from '../../source/domain/defaults.js';

describe('billing schedule', () => {
  it('the default 04:00 runs at 04:00 in the configured zone, across a DST change', () => {
    // Europe/London leaves summer time on 2026-10-25 at 02:00 local.
    const from = new Date('2026-10-23T12:00:00Z');
    const c = checkCron('0 4 * * *', 'Europe/London', { from, count: 3 });
    expect(c.ok).toBe(true);
    expect(c.next.map((d) => d.toISOString())).toEqual(['2026-10-24T03:00:00.000Z', '2026-10-25T04:00:00.000Z', '2026-10-26T04:00:00.000Z']);
    expect(nextCronRun('30 4 * * 1-5', 'America/New_York', new Date('2026-11-21T12:00:00Z'))!.toISOString()).toBe('2026-11-23T09:30:00.000Z');
  });

  it('refuses a wrong field count, an out-of-range value, and seconds unless allowed', () => {
    expect(checkCron('0 4 * *', 'UTC')).toMatchObject({ ok: false, problem: expect.stringContaining('has 4 fields; a schedule has 5') });
    expect(checkCron('61 4 * * *', 'UTC')).toMatchObject({ ok: false, problem: expect.stringContaining('not a valid cron expression') });
    expect(checkCron('*/2 * * * * *', 'UTC').ok).toBe(false);
    expect(checkCron('*/2 * * * * *', 'UTC', { allowSeconds: true }).ok).toBe(true);
    expect(nextCronRun('nonsense', 'UTC', new Date())).toBeNull();
  });

  it('the config check reports an invalid billing schedule at agent.billingSchedule', () => {
    const config = defaultConfig();
    config.agent.billingSchedule = '0 25 * * *';
    expect(validateConfig(config)).toEqual([{ path: 'agent.billingSchedule', message: expect.stringContaining('not a valid cron expression') }]);
    config.agent.billingSchedule = '0 4 * * *';
    expect(validateConfig(config)).toEqual([]);
  });

  it('intervals read naturally', () => {
    expect(describeInterval(60)).toBe('every 1 min');
    expect(describeInterval(90)).toBe('every 90 s');
    expect(describeInterval(15)).toBe('every 15 s');
  });
});
