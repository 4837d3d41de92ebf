// The command line loads only the command group its arguments name (program.ts groupsFor): the
// named one; none for the console; every group for help or a word that names no command.
import { describe, expect, it } from 'vitest';
import { buildProgram, groupsFor } from '../../source/program.js';
import { plainStatusRequest } from '../../source/commands/status.js';
import { knownFormat } from '../../source/commands/common.js';

const names = (args: string[]) => groupsFor(args).map((g) => g.names.join('/'));

describe('groupsFor', () => {
  it('the group the first word names, after the program’s own options and their values', () => {
    expect(names(['status'])).toEqual(['status']);
    expect(names(['--config', 'status', 'agent', '--once'])).toEqual(['agent']);
    expect(names(['-i', 'billing', '--no-color', 'billing', 'preview'])).toEqual(['billing']);
    expect(names(['--config=/etc/kmsp', 'resume'])).toEqual(['pause/resume']);
    expect(names(['systemd-unit', '--user', 'status'])).toEqual(['systemd-unit']);
  });

  it('none for the console; every group for help, `help`, a mistyped command or words after --', () => {
    expect(names([])).toEqual([]);
    expect(names(['--config', '/tmp/x', '-i', 'main'])).toEqual([]);
    const all = names(['--help']);
    expect(all.length).toBeGreaterThan(10);
    for (const args of [['help', 'status'], ['status', '--help'], ['-h'], ['bilings', 'preview'], ['--', 'status']]) expect(names(args)).toEqual(all);
  });

  it('knows every option of the program that takes a value (else its value could be read as a command)', async () => {
    const program = await buildProgram([]);
    const valued = program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.short, o.long].filter((f): f is string => Boolean(f)));
    expect(valued.length).toBeGreaterThan(0);
    // Each such option followed by a command's name: the word after it is its value, not the command.
    for (const flag of valued) expect(names([flag, 'status'])).toEqual([]);
  });

  it('every group the help lists is reachable by its name, and registers that name', async () => {
    const program = await buildProgram(['--help']);
    for (const command of program.commands) {
      const only = await buildProgram([command.name()]);
      expect(only.commands.map((c) => c.name())).toContain(command.name());
    }
  });
});

describe('plainStatusRequest: which command lines cli.ts answers without the parser', () => {
  it('takes status with --json after the global --config and --no-color', () => {
    expect(plainStatusRequest(['status'])).toEqual({ json: false, config: undefined });
    expect(plainStatusRequest(['status', '--json'])).toEqual({ json: true, config: undefined });
    expect(plainStatusRequest(['--config', '/etc/kmsp', 'status'])).toEqual({ json: false, config: '/etc/kmsp' });
    expect(plainStatusRequest(['--config=/a', '--no-color', '--config', '/b', 'status', '--json'])).toEqual({ json: true, config: '/b' });
  });

  it('leaves every other line to commander, which words its errors', () => {
    for (const args of [
      ['status', '--help'],
      ['status', '--jsno'],
      ['status', 'extra'],
      ['status', '--config', '/etc/kmsp'],
      ['--config', 'status'],
      ['--config'],
      ['--config='],
      ['-i', 'x', 'status'],
      ['pause', 'status'],
      ['--config', '--json', 'status'],
    ]) {
      expect(plainStatusRequest(args), args.join(' ')).toBeNull();
    }
  });
});

describe('knownFormat: every command with --format refuses an unknown one the same way', () => {
  it('says which formats the command takes and sets the usage exit code', () => {
    const err: string[] = [];
    const io = { out: () => undefined, err: (t: string) => void err.push(t) };
    expect(knownFormat(io, 'csv', ['table', 'csv', 'json'])).toBe(true);
    expect(err).toEqual([]);
    try {
      expect(knownFormat(io, 'xml', ['table', 'csv', 'json'])).toBe(false);
      expect(err.join('')).toBe('Unknown format “xml”. Use one of: table, csv, json.\n');
      expect(process.exitCode).toBe(2);
    } finally {
      process.exitCode = undefined;
    }
  });
});
