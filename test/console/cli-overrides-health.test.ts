// kmsp ticketing override list|add|set|remove|move and kmsp health show|set|webhook off, in-process
// against the demo simulators (KSC + Autotask), each test on its own copy of the demo's files: what
// they save (config, config audit with actor and reason, the webhook's secret part in the secret
// store only), and that what the Ticketing tab or the health form refuses is refused here in the
// same words, writing nothing. One test runs the built kmsp (npm run build first): webhook=- reads standard input.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CommandIo } from '../../source/commands/common.js';
import { register as registerHealth } from '../../source/commands/health.js';
import { register as registerList } from '../../source/commands/list.js';
import { register as registerMap } from '../../source/commands/map.js';
import { register as registerTicketing } from '../../source/commands/ticketing.js';
import type { KmspConfig } from '../../source/domain/config.js';
import { webhookSecretName } from '../../source/domain/health.js';
import { openLedger } from '../../source/store/ledger.js';
import { resolvePaths } from '../../source/store/paths.js';
import { runCli } from '../helpers/cli.js';
import { runInProcess } from '../helpers/cli-in-process.js';
import { useDemoConsole } from '../helpers/demo-ui.js';

const demo = useDemoConsole('kmsp-cli-overrides-');

const groups = (program: Command, io: CommandIo) => {
  registerList(program, io);
  registerMap(program, io);
  registerTicketing(program, io);
  registerHealth(program, io);
};
const kmsp = (dir: string, ...args: string[]) => runInProcess(groups, dir, args);

const configOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as KmspConfig;
const file = (dir: string) => fs.readFileSync(path.join(dir, 'config.json'), 'utf8');
const lastAudit = (dir: string) => {
  const ledger = openLedger({ paths: resolvePaths({ configDir: dir }) });
  try {
    return ledger.listConfigAudit({ limit: 1 })[0]!;
  } finally {
    ledger.close();
  }
};

/** A demo copy with two tenants mapped (overrides are for mapped tenants) and Events › Critical on. */
async function mapped(dir: string): Promise<void> {
  expect((await kmsp(dir, 'map', 'Acme & Sons', 'Acme and Sons Ltd')).code).toBe(0);
  expect((await kmsp(dir, 'map', 'Bluebird Dental', 'Bluebird Dental Group')).code).toBe(0);
  const on = await kmsp(dir, 'ticketing', 'set', 'events', 'critical', 'enabled=on', 'queue=Level I Support', 'priority=Medium');
  expect(on.code, on.stderr).toBe(0);
}

describe('kmsp ticketing override', () => {
  it('adds, lists with positions, sets, moves and removes overrides, each save audited with the actor and reason', async () => {
    const dir = demo.freshDir();
    await mapped(dir);
    expect((await kmsp(dir, 'ticketing', 'override', 'list')).stdout).toContain('No routing overrides: every customer gets the rules');

    const add = await kmsp(dir, 'ticketing', 'override', 'add', 'Events', 'Critical', '--customer', 'acme & sons', 'queue=Security Operations', 'Priority=High', 'due=4', '--reason', 'VIP customer');
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain('Added override 1 (Events › Critical, for Acme & Sons).');
    const first = configOf(dir).integrations[0]!.ticketing.overrides![0]!;
    expect(first).toMatchObject({ section: 'events', key: 'critical', enabled: true, dueHours: 4, tenants: [{ tenantName: 'Acme & Sons' }] });
    expect(first.fields.queue?.label).toBe('Security Operations');
    expect(first.fields.priority?.label).toBe('High');
    let audit = lastAudit(dir);
    expect(audit.actor).toMatch(/ \(kmsp ticketing override add\)$/);
    expect(audit.summary).toContain('(VIP customer)');

    const second = await kmsp(dir, 'ticketing', 'override', 'add', 'events', 'critical', '--customer', 'Bluebird Dental', '--customer', 'Acme & Sons', '--off');
    expect(second.code, second.stderr).toBe(0);
    // Acme is taken by override 1 already: said, as the pane says it.
    expect(second.stderr).toContain('an earlier override of the same row already takes “Acme & Sons”');
    const table = await kmsp(dir, 'ticketing', 'override', 'list');
    expect(table.stdout).toMatch(/│ 1 │ Acme & Sons +│/);
    expect(table.stdout).toContain('2 overrides; the first that matches a customer and row applies');
    const csv = await kmsp(dir, 'ticketing', 'override', 'list', '--format', 'csv');
    expect(csv.stdout.split('\r\n')[0]).toBe('n,customers,customerIds,section,row,rowName,enabled,queue,priority,workType,issueType,subIssueType,dueHours');
    expect(csv.stdout).toContain('2,Bluebird Dental; Acme & Sons,');
    expect((await kmsp(dir, 'ticketing', 'override', 'list', '--format', 'xml')).code).toBe(2);

    const moved = await kmsp(dir, 'ticketing', 'override', 'move', '2', '--to', '1');
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toContain('Moved override 2 (Events › Critical, for Bluebird Dental, Acme & Sons) to position 1.');
    expect(configOf(dir).integrations[0]!.ticketing.overrides!.map((o) => o.enabled)).toEqual([false, true]);
    expect(lastAudit(dir).actor).toMatch(/ \(kmsp ticketing override move\)$/);

    const set = await kmsp(dir, 'ticketing', 'override', 'set', '2', 'priority=Low', 'queue=none', 'due=', '--customer', 'Bluebird Dental');
    expect(set.code, set.stderr).toBe(0);
    const changed = configOf(dir).integrations[0]!.ticketing.overrides![1]!;
    expect(changed.tenants.map((t) => t.tenantName)).toEqual(['Bluebird Dental']);
    expect(changed.fields.priority?.label).toBe('Low');
    expect(changed.fields.queue).toBeUndefined();
    expect(changed.dueHours).toBeNull();
    audit = lastAudit(dir);
    expect(audit.actor).toMatch(/ \(kmsp ticketing override set\)$/);
    expect(audit.summary).toContain('Ticketing: routing overrides');

    expect((await kmsp(dir, 'ticketing', 'override', 'set', '2', 'priority=Low')).stdout).toContain('Nothing changed');
    const removed = await kmsp(dir, 'ticketing', 'override', 'remove', '1');
    expect(removed.code, removed.stderr).toBe(0);
    expect(configOf(dir).integrations[0]!.ticketing.overrides!.map((o) => o.tenants.map((t) => t.tenantName))).toEqual([['Bluebird Dental']]);
    const json = JSON.parse((await kmsp(dir, 'ticketing', 'override', 'list', '--format', 'json')).stdout) as Array<Record<string, unknown>>;
    expect(json).toEqual([expect.objectContaining({ n: 1, customers: 'Bluebird Dental', section: 'events', row: 'critical', priority: 'Low', queue: null })]);
  });

  it("refuses what the For customer pane refuses, in the domain's words, and writes nothing", async () => {
    const dir = demo.freshDir();
    await mapped(dir);
    expect((await kmsp(dir, 'ticketing', 'override', 'add', 'events', 'critical', '--customer', 'Acme & Sons')).code).toBe(0);
    const before = file(dir);
    const noCustomer = await kmsp(dir, 'ticketing', 'override', 'add', 'events', 'warning');
    expect(noCustomer.code).toBe(1);
    expect(noCustomer.stderr).toContain('Override 2 (for (no customer)): choose at least one customer it is for.');
    const unmapped = await kmsp(dir, 'ticketing', 'override', 'add', 'events', 'critical', '--customer', 'Carter Logistics');
    expect(unmapped.stderr).toContain('No mapped virtual server has the name or id “Carter Logistics”');
    expect(unmapped.stderr).toContain('map one first with kmsp map TENANT ACCOUNT');
    const due = await kmsp(dir, 'ticketing', 'override', 'set', '1', 'due=0');
    expect(due.code).toBe(1);
    expect(due.stderr).toContain('Due must be a whole number of hours from 1 to');
    expect(due.stderr).toContain('Nothing was saved');
    expect((await kmsp(dir, 'ticketing', 'override', 'set', '1', 'priority=Urgent')).stderr).toContain('No priority value has the name or id “Urgent”');
    // An inactive queue is not offered, as in the pane's chooser.
    expect((await kmsp(dir, 'ticketing', 'override', 'set', '1', 'queue=Legacy Helpdesk')).stderr).toContain('No queue value has the name or id “Legacy Helpdesk”');
    const key = await kmsp(dir, 'ticketing', 'override', 'set', '1', 'board=1');
    expect(key.stderr).toContain('Unknown key “board”');
    expect(key.stderr).toContain('enabled, due, queue (Queue)');
    expect((await kmsp(dir, 'ticketing', 'override', 'add', 'events', 'nope', '--customer', 'Acme & Sons')).stderr).toContain('No row of Events has the name or id “nope”');
    expect((await kmsp(dir, 'ticketing', 'override', 'remove', '2')).stderr).toContain('No override 2: N is a position from 1 to 1');
    expect((await kmsp(dir, 'ticketing', 'override', 'move', '1', '--to', '3')).stderr).toContain('No override 3: --to is a position from 1 to 1');
    expect(file(dir)).toBe(before);
  });
});

describe('kmsp health', () => {
  const URL = 'https://hooks.example.com/services/T000/B000/s3cr3tToken';

  it('sets the health ticket from the live PSA and the webhook (its path to the secret store, never printed), audited; webhook off', async () => {
    const dir = demo.freshDir();
    expect((await kmsp(dir, 'health', 'show')).stdout).toMatch(/Health ticket: off[\s\S]*Webhook: off/);
    const set = await kmsp(dir, 'health', 'set', 'ticket=on', 'account=acme and sons ltd', 'Queue=Security Operations', 'priority=High', 'failures=5', `webhook=${URL}`, '--reason', 'on-call');
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain("Health notifications: a health ticket and the webhook https://hooks.example.com/…; the webhook URL's path is kept as a secret.");
    const health = configOf(dir).integrations[0]!.health!;
    expect(health).toMatchObject({ ticket: true, accountName: 'Acme and Sons Ltd', ticketFailures: 5, webhook: 'https://hooks.example.com' });
    expect(health.fields.queue?.label).toBe('Security Operations');
    expect(file(dir)).not.toContain('s3cr3tToken');
    const session = demo.openSession(dir);
    expect(await session.secrets.get(webhookSecretName('demo'))).toBe('/services/T000/B000/s3cr3tToken');
    await demo.closeSession(session);
    const audit = lastAudit(dir);
    expect(audit.actor).toMatch(/ \(kmsp health set\)$/);
    expect(audit.summary).toContain('(on-call)');
    expect(JSON.stringify(audit.diff)).not.toContain('s3cr3tToken');

    const show = await kmsp(dir, 'health', 'show');
    expect(show.stdout).toContain('Account (the MSP\'s own): Acme and Sons Ltd (id ');
    expect(show.stdout).toContain('Queue: Security Operations');
    expect(show.stdout).toContain('Webhook: https://hooks.example.com/… (the rest of the URL is a secret: stored)');
    expect(show.stdout + set.stdout + set.stderr).not.toContain('s3cr3t');
    expect(JSON.parse((await kmsp(dir, 'health', 'show', '--json')).stdout)).toMatchObject({ webhook: 'https://hooks.example.com', webhookSecretStored: true });

    // Changing another field keeps the stored webhook (its secret is there).
    expect((await kmsp(dir, 'health', 'set', 'priority=Critical')).code).toBe(0);
    expect(configOf(dir).integrations[0]!.health!.webhook).toBe('https://hooks.example.com');
    const off = await kmsp(dir, 'health', 'webhook', 'off');
    expect(off.code, off.stderr).toBe(0);
    expect(configOf(dir).integrations[0]!.health!).toMatchObject({ webhook: null, ticket: true });
    expect(lastAudit(dir).actor).toMatch(/ \(kmsp health webhook\)$/);
    // A token nothing uses any more is not kept.
    expect(await demo.openSession(dir).secrets.get(webhookSecretName('demo'))).toBeNull();
    expect((await kmsp(dir, 'health', 'webhook', 'off')).stdout).toContain('Nothing changed');
  });

  it('webhook=- takes the URL from standard input (the built kmsp), so it is never on the command line', async () => {
    const dir = demo.freshDir();
    const r = await runCli(['--config', dir, 'health', 'set', 'webhook=-', '--reason', 'chat channel'], { input: `${URL}\n` });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('s3cr3t');
    expect(configOf(dir).integrations[0]!.health!.webhook).toBe('https://hooks.example.com');
    const session = demo.openSession(dir);
    expect(await session.secrets.get(webhookSecretName('demo'))).toBe('/services/T000/B000/s3cr3tToken');
  });

  it("refuses what the health form refuses, with every problem in the domain's words, and writes nothing", async () => {
    const dir = demo.freshDir();
    const before = file(dir);
    const bare = await kmsp(dir, 'health', 'set', 'ticket=on');
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain('Not set: 3 problems to fix first');
    expect(bare.stderr).toContain("The health ticket needs an account: choose the MSP's own. The health ticket needs a queue. The health ticket needs a priority.");
    const bad = await kmsp(dir, 'health', 'set', 'failures=0', 'webhook=http://hooks.example.com/x');
    expect(bad.stderr).toContain('Failed ticket passes in a row must be a whole number from 1 to 100.');
    expect(bad.stderr).toContain('The webhook address must be https (http only on this machine); it is http.');
    expect((await kmsp(dir, 'health', 'set', 'failures=three')).stderr).toContain('failures=) takes a whole number from 1 to 100');
    expect((await kmsp(dir, 'health', 'set', 'webhook=https://hooks.example.com')).stderr).toContain('The webhook address has no path');
    const key = await kmsp(dir, 'health', 'set', 'board=1');
    expect(key.stderr).toContain('Unknown key “board”');
    expect(key.stderr).toContain('ticket, account, queue (Queue), priority (Priority), failures, webhook');
    expect((await kmsp(dir, 'health', 'set', 'account=Nobody Inc')).stderr).toContain('No Autotask account has the name or id “Nobody Inc”');
    expect((await kmsp(dir, 'health', 'webhook', 'on')).stderr).toContain('kmsp health webhook takes off, not “on”');
    expect(file(dir)).toBe(before);

    // A webhook whose secret part is not in the secret store (a config copied from elsewhere): said, and needed again.
    const config = configOf(dir);
    config.integrations[0]!.health = { ticket: false, accountId: null, accountName: null, fields: {}, ticketFailures: 3, webhook: 'https://hooks.example.com' };
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config, null, 2));
    const copied = file(dir);
    expect((await kmsp(dir, 'health', 'show')).stdout).toContain('Webhook: https://hooks.example.com/… (the rest of the URL is a secret: NOT stored');
    expect((await kmsp(dir, 'health', 'set', 'failures=4')).stderr).toContain("The webhook URL's secret part is not stored: give webhook=URL again");
    expect(file(dir)).toBe(copied);
  });
});
