// kmsp config set / get for the agent settings, run as a user runs them (the built CLI as a child
// process): the same rules and words as the console's form, every change in the config audit,
// refusals that leave the file exactly as it was.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../source/domain/defaults.js';
import { openConfig } from '../../source/store/config.js';
import { openLedger } from '../../source/store/ledger.js';
import { resolvePaths } from '../../source/store/paths.js';
import { runCli } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A config directory with a valid config (the defaults, in UTC). */
function configured(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmsp-config-set-'));
  dirs.push(dir);
  openConfig({ paths: resolvePaths({ configDir: dir }), onNotice: () => undefined }).save({ ...defaultConfig(), agent: { ...defaultConfig().agent, timeZone: 'UTC' } }, { actor: 'test' });
  return dir;
}

const agentOf = (dir: string) => (JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as { agent: Record<string, unknown> }).agent;
const audit = (dir: string) => {
  const ledger = openLedger({ paths: resolvePaths({ configDir: dir }) });
  try {
    return ledger.listConfigAudit({ limit: 10 });
  } finally {
    ledger.close();
  }
};
const set = (dir: string, ...args: string[]) => runCli(['--config', dir, 'config', 'set', ...args], { env: { NO_COLOR: '1' } });

describe('kmsp config set', () => {
  it('sets the schedule and the zone: prints the change and the next run, audits it, get reads it back', async () => {
    const dir = configured();
    const zone = await set(dir, 'agent.timeZone', 'europe/london', '--reason', 'office moved');
    expect(zone.code).toBe(0);
    expect(zone.stdout).toContain('Set agent.timeZone: “UTC” → “Europe/London”');
    expect(zone.stdout).toMatch(/Next billing run: \w{3} \d{4}-\d\d-\d\d 04:00 Europe\/London \(then /u);
    expect(zone.stdout).toContain('No agent is running with this state directory');

    const schedule = await set(dir, 'agent.billingSchedule', '30 5 * * 1-5');
    expect(schedule.code).toBe(0);
    expect(schedule.stdout).toContain('Set agent.billingSchedule: “0 4 * * *” → “30 5 * * 1-5”');
    expect(schedule.stdout).toMatch(/Next billing run: (Mon|Tue|Wed|Thu|Fri) \d{4}-\d\d-\d\d 05:30 Europe\/London/u);
    expect(schedule.stderr).toBe('');
    expect(agentOf(dir)).toMatchObject({ timeZone: 'Europe/London', billingSchedule: '30 5 * * 1-5', paused: false });
    const rows = audit(dir);
    expect(rows[0]).toMatchObject({ summary: 'agent.billingSchedule: "0 4 * * *" → "30 5 * * 1-5"', actor: expect.stringContaining('(kmsp config set)') });
    expect(rows[1]).toMatchObject({ summary: 'agent.timeZone: "UTC" → "Europe/London" (office moved)' });

    const numbers = await set(dir, 'agent.ticketPollSeconds', '120');
    expect(numbers.stdout).toContain('Set agent.ticketPollSeconds: 60 → 120');
    expect((await set(dir, 'ticketsPerAccountPerHour', '50')).code).toBe(0);
    expect(agentOf(dir)).toMatchObject({ ticketPollSeconds: 120, ticketsPerAccountPerHour: 50 });
    // The same value again changes nothing and writes no audit row.
    const again = await set(dir, 'agent.ticketPollSeconds', '120');
    expect(again.stdout).toContain('is already 120');
    expect(audit(dir)).toHaveLength(rows.length + 2);

    const get = await runCli(['--config', dir, 'config', 'get', 'agent.billingSchedule']);
    expect(get).toMatchObject({ code: 0, stdout: '30 5 * * 1-5\n' });
    expect((await runCli(['--config', dir, 'config', 'get', 'agent.paused'])).stdout).toBe('false\n');
  });

  it('refuses bad values with cause and remedy, and leaves the file as it was', async () => {
    const dir = configured();
    const before = fs.readFileSync(path.join(dir, 'config.json'), 'utf8');
    const rows = audit(dir).length;
    const zone = await set(dir, 'agent.timeZone', 'Europe/Londn');
    expect(zone.code).toBe(1);
    expect(zone.stderr).toContain('Not set: agent.timeZone was left unchanged.');
    expect(zone.stderr).toContain('Cause: Time zone "Europe/Londn" is not a known IANA time zone.');
    expect(zone.stderr).toContain('Remedy: Did you mean Europe/London?');
    const cron = await set(dir, 'agent.billingSchedule', '0 25 * * *');
    expect(cron.code).toBe(1);
    expect(cron.stderr).toContain('not a valid cron expression');
    expect(cron.stderr).toContain("Quote the schedule: kmsp config set agent.billingSchedule '30 5 * * 1-5'");
    const poll = await set(dir, 'agent.ticketPollSeconds', '5');
    expect(poll.stderr).toContain('Cause: Ticket poll interval 5 s is out of range (10–3600 seconds).');
    expect((await set(dir, 'agent.ticketsPerAccountPerHour', 'lots')).stderr).toContain('Tickets per account per hour "lots" is not a whole number.');
    expect(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).toBe(before);
    expect(audit(dir)).toHaveLength(rows);
  });

  it('an unknown key lists the settable ones (exit 2); agent.paused points to pause/resume', async () => {
    const dir = configured();
    const unknown = await set(dir, 'agent.colour', 'blue');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown setting "agent.colour". kmsp config set takes:');
    for (const key of ['agent.timeZone', 'agent.billingSchedule', 'agent.ticketPollSeconds', 'agent.ticketsPerAccountPerHour']) expect(unknown.stderr).toContain(key);
    expect(unknown.stderr).toContain('(now: 0 4 * * *)');
    const paused = await set(dir, 'agent.paused', 'true');
    expect(paused.code).toBe(2);
    expect(paused.stderr).toContain('Use kmsp pause');
    expect(agentOf(dir).paused).toBe(false);
  });

  it('refuses a corrupt config and a missing one without touching anything', async () => {
    const dir = configured();
    fs.writeFileSync(path.join(dir, 'config.json'), '{"schemaVersion": 1, "agent": ', { mode: 0o600 });
    const corrupt = await set(dir, 'agent.ticketPollSeconds', '90');
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toContain('cannot be used; it was left unchanged');
    expect(corrupt.stderr).toContain('kmsp config validate');
    expect(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).toBe('{"schemaVersion": 1, "agent": ');
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('config.json'))).toEqual(['config.json']);

    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'kmsp-config-set-'));
    dirs.push(empty);
    const missing = await set(empty, 'agent.ticketPollSeconds', '90');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`Not set: the configuration directory ${empty} (given with --config) holds no config.json.`);
    expect(fs.existsSync(path.join(empty, 'config.json'))).toBe(false);
  });
});
