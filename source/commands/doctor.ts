// kmsp doctor: checks every integration end to end, then the agent's view of this host
// (state directory, schedules, pause, whether it runs, secrets a service can read).
// The action is in actions/doctor.ts, loaded when the command runs.
import type { Command } from 'commander';
import { lazyActions, processIo, type CommandIo } from './common.js';

export function register(program: Command, io: CommandIo = processIo): void {
  const actions = lazyActions(() => import('./actions/doctor.js').then((m) => m.doctorActions(io)));
  program
    .command('doctor')
    .description('check configuration, secrets, reachability, TLS, credentials and permissions of each integration, and the agent\'s view of this host')
    .option('-i, --integration <name>', 'check only this integration')
    .option('--json', 'print the results as JSON')
    .action(actions('doctor'));
}
