// kmsp's command groups run in this process (their CommandIo captured), for the tests of the
// configuring commands against the demo simulators: what a command printed and its exit code.
import { Command } from 'commander';
import type { CommandIo } from '../../source/commands/common.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `kmsp --config DIR ARGS…` with the groups `register` adds; process.exitCode is restored after. */
export async function runInProcess(register: (program: Command, io: CommandIo) => void, dir: string, args: readonly string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = { out: (t) => void out.push(t), err: (t) => void err.push(t) };
  const program = new Command('kmsp').option('--config <dir>').exitOverride();
  register(program, io);
  process.exitCode = undefined;
  try {
    await program.parseAsync(['--config', dir, ...args], { from: 'user' });
    return { code: Number(process.exitCode ?? 0), stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.exitCode = undefined;
  }
}
