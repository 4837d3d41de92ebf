// The override and health commands on a PSA whose tickets go to a board that scopes their types
// (the ConnectWise demo): the keys are the board's words, a type is taken from the board the
// override or health ticket gets, and a board's statuses are checked as the health form checks them.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CommandIo } from '../../source/commands/common.js';
import { register as registerHealth } from '../../source/commands/health.js';
import { register as registerMap } from '../../source/commands/map.js';
import { register as registerTicketing } from '../../source/commands/ticketing.js';
import type { KmspConfig } from '../../source/domain/config.js';
import { runInProcess } from '../helpers/cli-in-process.js';
import { useDemoConsole } from '../helpers/demo-ui.js';

const demo = useDemoConsole('kmsp-cli-overrides-cw-', { psa: 'connectwise' });

const groups = (program: Command, io: CommandIo) => {
  registerMap(program, io);
  registerTicketing(program, io);
  registerHealth(program, io);
};
const kmsp = (dir: string, ...args: string[]) => runInProcess(groups, dir, args);
const configOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as KmspConfig;
const file = (dir: string) => fs.readFileSync(path.join(dir, 'config.json'), 'utf8');

describe('overrides and health notifications on boards', () => {
  it("an override's board scopes its type; another board clears it; a type of no board it gets is refused, writing nothing", async () => {
    const dir = demo.freshDir();
    expect((await kmsp(dir, 'map', 'Acme & Sons', 'Acme and Sons Ltd')).code).toBe(0);
    const add = await kmsp(dir, 'ticketing', 'override', 'add', 'events', 'critical', '--customer', 'Acme & Sons', 'board=Security Operations', 'type=Malware', 'priority=Priority 2 - High');
    expect(add.code, add.stderr).toBe(0);
    const saved = configOf(dir).integrations[0]!.ticketing.overrides![0]!;
    // Malware of the Security Operations board (its id there), not of another board.
    expect(saved.fields.board?.label).toBe('Security Operations');
    expect(saved.fields.type).toEqual({ value: '32', label: 'Malware' });
    const table = await kmsp(dir, 'ticketing', 'override', 'list');
    expect(table.stdout).toMatch(/│ Board +│[\s\S]*│ Security Op/);
    const before = file(dir);
    const other = await kmsp(dir, 'ticketing', 'override', 'set', '1', 'board=Service Desk', 'type=Malware');
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('No type value has the name or id “Malware”');
    const queue = await kmsp(dir, 'ticketing', 'override', 'set', '1', 'queue=Security Operations');
    expect(queue.stderr).toContain('Unknown key “queue”');
    expect(queue.stderr).toContain('board (Board)');
    expect(file(dir)).toBe(before);
    // A new board clears the type (a type of the old board means nothing there).
    const moved = await kmsp(dir, 'ticketing', 'override', 'set', '1', 'board=Service Desk');
    expect(moved.code, moved.stderr).toBe(0);
    const after = configOf(dir).integrations[0]!.ticketing.overrides![0]!;
    expect(after.fields.board?.label).toBe('Service Desk');
    expect(after.fields.type).toBeUndefined();
  });

  it('the health ticket takes a board and a ConnectWise priority; the health form’s problems are refused in its words', async () => {
    const dir = demo.freshDir();
    const before = file(dir);
    const bare = await kmsp(dir, 'health', 'set', 'ticket=on', 'company=Acme and Sons Ltd');
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain('Unknown key “company”');
    const missing = await kmsp(dir, 'health', 'set', 'ticket=on', 'account=Acme and Sons Ltd');
    expect(missing.stderr).toContain('The health ticket needs a board.');
    expect((await kmsp(dir, 'health', 'set', 'queue=1')).stderr).toContain('ticket, account, board (Board), priority (Priority), failures, webhook');
    // The board's New and Closed status are General's (per board), as the form says.
    const statuses = await kmsp(dir, 'health', 'set', 'ticket=on', 'account=Acme and Sons Ltd', 'board=Security Operations', 'priority=Priority 2 - High');
    expect(statuses.code).toBe(1);
    expect(statuses.stderr).toContain('Board “Security Operations” has no New status and Closed status under Ticketing › General: choose them there, or another board.');
    expect(file(dir)).toBe(before);
    expect((await kmsp(dir, 'ticketing', 'set', 'general', 'Security Operations', 'newStatus=New', 'closedStatus=Closed')).code).toBe(0);
    const set = await kmsp(dir, 'health', 'set', 'ticket=on', 'account=Acme and Sons Ltd', 'board=Security Operations', 'priority=Priority 2 - High');
    expect(set.code, set.stderr).toBe(0);
    expect(configOf(dir).integrations[0]!.health).toMatchObject({ ticket: true, accountName: 'Acme and Sons Ltd', fields: { board: { label: 'Security Operations' }, priority: { label: 'Priority 2 - High' } } });
    const show = await kmsp(dir, 'health', 'show');
    expect(show.stdout).toContain('Company (the MSP\'s own): Acme and Sons Ltd');
    expect(show.stdout).toContain('Board: Security Operations');
  });
});
