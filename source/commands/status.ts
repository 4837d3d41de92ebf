// kmsp status [--json]: what the agent is doing, from its status file (README › The agent, "Status"), and what
// `kmsp agent --once` ran (it writes no status file), from the ledger.
// Exit codes follow `systemctl is-active`, so scripts and monitoring can use either:
//   0  the agent runs (its process lives and it refreshed its status recently)
//   3  it does not: no status file, stopped, stopping, gone (pid dead), stale (no refresh)
//   1  the status file cannot be read (the reason is printed), or --config names no directory
// The action is in actions/status.ts, loaded when the command runs.
import type { Command } from 'commander';
import { agentStartCommand } from '../domain/agentStatusText.js';
import { lazyActions, processIo, type CommandIo } from './common.js';

export const EXIT_NOT_RUNNING = 3;

/** How to start the agent with the same files: `--config DIR` travels with the hint. */
export function startCommand(command: Command): string {
  return agentStartCommand(command.optsWithGlobals<{ config?: string }>().config);
}

export function register(program: Command, io: CommandIo = processIo): void {
  program
    .command('status')
    .description('show whether the agent runs, its jobs’ last and next runs, errors and API usage (exit 0 running, 3 not running, 1 unreadable)')
    .option('--json', 'print the status file and the computed liveness as JSON')
    .action(lazyActions(() => import('./actions/status.js').then((m) => m.statusActions(io)))('status'));
}
