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

/** What `kmsp status` was asked for, however the command line reached it. */
export interface StatusRequest {
  json: boolean;
  /** `--config DIR` as given; undefined without it. */
  config: string | undefined;
}

/**
 * The command line as a plain `kmsp status` (monitoring runs it every minute): `status` with
 * `--json`, after the global `--config DIR` / `--config=DIR` and `--no-color` (status prints no
 * colour). Such a line runs without the command-line parser (cli.ts); any other line (help, a
 * typo, an option this does not know) is null and goes to commander, which words its errors.
 */
export function plainStatusRequest(args: readonly string[]): StatusRequest | null {
  let config: string | undefined;
  let i = 0;
  for (; i < args.length && args[i] !== 'status'; i++) {
    const arg = args[i]!;
    if (arg === '--no-color') continue;
    if (arg === '--config' && i + 1 < args.length && !args[i + 1]!.startsWith('-')) config = args[++i];
    else if (arg.startsWith('--config=') && arg.length > '--config='.length) config = arg.slice('--config='.length);
    else return null;
  }
  const rest = args.slice(i + 1);
  if (i === args.length || rest.some((a) => a !== '--json')) return null;
  return { json: rest.length > 0, config };
}

export function register(program: Command, io: CommandIo = processIo): void {
  program
    .command('status')
    .description('show whether the agent runs, its jobs’ last and next runs, errors and API usage (exit 0 running, 3 not running, 1 unreadable)')
    .option('--json', 'print the status file and the computed liveness as JSON')
    .action(lazyActions(() => import('./actions/status.js').then((m) => m.statusActions(io)))('status'));
}
