// kmsp pause / kmsp resume [--reason TEXT]: the global pause switch (README › Commands), agent.paused in
// the config file. The running agent hot-reloads that file, so flipping it there is how a pause
// reaches the agent; the change is audited in the ledger like every other config change.
//
// A missing, unusable or newer config file is refused and left exactly as it is: pausing must
// never be the reason an admin's (broken) settings get replaced.
// The action is in actions/pause.ts, loaded when the command runs.
import type { Command } from 'commander';
import { lazyActions, processIo, type CommandIo } from './common.js';

export function register(program: Command, io: CommandIo = processIo): void {
  const actions = lazyActions(() => import('./actions/pause.js').then((m) => m.pauseActions(io)));
  for (const paused of [true, false]) {
    program
      .command(paused ? 'pause' : 'resume')
      .description(
        paused
          ? 'pause the agent: no PSA writes (postings, tickets) until kmsp resume; sets agent.paused in the config (audited)'
          : 'resume the agent after kmsp pause; clears agent.paused in the config (audited)',
      )
      .option('--reason <text>', 'why, recorded in the config audit of the ledger')
      .action(actions(paused ? 'pause' : 'resume'));
  }
}
