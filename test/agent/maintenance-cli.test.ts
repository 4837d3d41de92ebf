// kmsp maintenance add | list | end run as a user runs them (bin/kmsp.js → dist/) against the KSC
// and Autotask simulators (README › Maintenance windows), and the agent's --once pass saying what
// a window held back.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openConfig } from '../../source/store/config.js';
import { openLedger } from '../../source/store/ledger.js';
import { runCli } from '../helpers/cli.js';
import { ALPHA, startTicketEnv, WS1, type TicketEnv } from '../tickets/helpers.js';

let env: TicketEnv;
beforeEach(async () => {
  env = await startTicketEnv();
  openConfig({ paths: env.paths }).save({ ...env.config, integrations: [env.integration] }, { actor: 'maintenance test' });
});
afterEach(async () => env.close());

const cli = (...args: string[]) => runCli(['--config', env.demo.configDir, ...args], { env: { TZ: 'Europe/Berlin', USER: 'alice' } });
const DB = 7; // KLHST_WKS_STATUS_MASK bit: databases out of date

describe('kmsp maintenance', () => {
  it('add by tenant name, list (table, JSON), the agent holds the ticket and says so, end opens it at the next pass; all audited', async () => {
    const added = await cli('maintenance', 'add', 'alpha dental', '--for', '4h', '--reason', 'server move');
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/^Maintenance window (\d+): no tickets for Alpha Dental \(demo\) from \w{3} \d{4}-\d\d-\d\d \d\d:\d\d Europe\/Berlin until .* \(4 h\): server move\./);
    expect(added.stdout).toContain('Recorded in the ledger\'s audit as alice (kmsp maintenance)');
    const id = /window (\d+)/.exec(added.stdout)![1]!;

    const table = await cli('maintenance', 'list');
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`${id}\\s*│\\s*demo\\s*│\\s*Alpha Dental\\s*│\\s*active`));
    expect(table.stdout).toContain('Times in Europe/Berlin.');
    const json = JSON.parse((await cli('maintenance', 'list', '--format', 'json')).stdout) as Array<Record<string, unknown>>;
    expect(json).toEqual([expect.objectContaining({ id: Number(id), tenantId: ALPHA, deviceId: null, state: 'active', reason: 'server move', createdBy: 'alice (kmsp maintenance)', endedBy: null })]);

    env.demo.ksc.setStatusMask(ALPHA, WS1, [DB]);
    const held = await cli('agent', '--once', '--job', 'tickets');
    expect(held.code, held.stderr).toBe(0);
    expect(held.stdout).toMatch(/tickets demo: 0 created.*1 held by maintenance/);
    expect(held.stdout + held.stderr).toMatch(/Alpha Dental: maintenance window \d+ until .* \(server move\): 1 condition gets no tickets until the window ends/);
    expect(env.tickets()).toEqual([]);

    const ended = await cli('maintenance', 'end', id, '--by', 'bob', '--reason', 'move done');
    expect(ended.code, ended.stderr).toBe(0);
    expect(ended.stdout).toContain(`Ended maintenance window ${id} (Alpha Dental, demo)`);
    expect((await cli('maintenance', 'list')).stdout).toContain('No maintenance window is active or upcoming');
    expect((await cli('maintenance', 'list', '--all', '--format', 'csv')).stdout).toMatch(new RegExp(`^${id},demo,${ALPHA},Alpha Dental,,,past,`, 'm'));

    const released = await cli('agent', '--once', '--job', 'tickets');
    expect(released.stdout).toMatch(/tickets demo: 1 created/);
    expect(env.tickets()).toHaveLength(1);

    const ledger = openLedger({ paths: env.paths });
    try {
      expect(ledger.listConfigAudit({ limit: 2 }).map((a) => [a.actor, a.summary])).toEqual([
        ['bob', expect.stringMatching(/ended early \(move done\)$/)],
        ['alice (kmsp maintenance)', expect.stringMatching(/^maintenance window \d+ added for Alpha Dental \(demo\).*\(server move\)$/)],
      ]);
    } finally {
      ledger.close();
    }
  });

  it('a device by its name, asked of the platform; --until in the user\'s zone', async () => {
    const c = await env.connect();
    const device = (await c.platform.listDevices((await c.platform.listTenants()).find((t) => t.id === ALPHA)!)).find((d) => d.id === WS1)!;
    await c.close();
    const r = await cli('maintenance', 'add', ALPHA, '--device', device.name.toLowerCase(), '--start', '2099-01-01 08:00', '--until', '2099-01-01 12:00', '--reason', 'disk swap', '--by', 'carol', '--integration', 'demo');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`no tickets for ${device.name} of Alpha Dental (demo) from Thu 2099-01-01 08:00 Europe/Berlin until Thu 2099-01-01 12:00 Europe/Berlin (4 h): disk swap.`);
    const [w] = JSON.parse((await cli('maintenance', 'list', '-f', 'json')).stdout) as Array<Record<string, unknown>>;
    expect(w).toMatchObject({ deviceId: WS1, deviceName: device.name, startsAt: '2099-01-01T07:00:00.000Z', endsAt: '2099-01-01T11:00:00.000Z', state: 'upcoming', createdBy: 'carol' });
  });

  it('refuses what it cannot record, saying why and what to do; nothing is recorded', async () => {
    const refusals: Array<[string[], RegExp]> = [
      [['maintenance', 'add', 'Alpha Dental', '--for', '31d', '--reason', 'x'], /No window set: A window lasts at most 30 days/],
      [['maintenance', 'add', 'Alpha Dental', '--for', '4h', '--reason', '  '], /No window set: A reason is required/],
      [['maintenance', 'add', 'Alpha Dental', '--for', '4h', '--until', '2099-01-01', '--reason', 'x'], /only one of --for and --until/],
      [['maintenance', 'add', 'Alpha Dental', '--reason', 'x'], /either --for or --until/],
      [['maintenance', 'add', 'Alpha Dental', '--for', 'soon', '--reason', 'x'], /--for “soon” is not a duration/],
      [['maintenance', 'add', 'Alpha Dental', '--until', 'tomorrow', '--reason', 'x'], /--until “tomorrow” is not a time/],
      [['maintenance', 'add', 'Nobody Inc', '--for', '4h', '--reason', 'x'], /no virtual server “Nobody Inc” in integration “demo”/],
      [['maintenance', 'add', 'Alpha Dental', '--device', 'no-such-pc', '--for', '4h', '--reason', 'x'], /no device “no-such-pc” in “Alpha Dental”/],
      [['maintenance', 'add', 'Alpha Dental', '--integration', 'nope', '--for', '4h', '--reason', 'x'], /there is no integration named “nope”/],
      [['maintenance', 'end', '42'], /Not ended: there is no maintenance window 42/],
      [['maintenance', 'end', 'abc'], /Not ended: “abc” is not a window id/],
    ];
    for (const [args, message] of refusals) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr).toMatch(/Remedy|remedy/);
    }
    expect(JSON.parse((await cli('maintenance', 'list', '--all', '-f', 'json')).stdout)).toEqual([]);
  });
});
