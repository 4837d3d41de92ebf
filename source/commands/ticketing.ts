// kmsp ticketing set SECTION ROW KEY=VALUE…: the Ticketing tab from the command line. SECTION is
// `general` or a rule section of the platform (`kmsp list ticket-rules`), ROW a row of it (or `all`;
// for general, `-`, or a scope value such as a board for the fields kept per scope), KEY `enabled`,
// `lifetime`, `due` or a ticket field (`kmsp list ticket-fields`), VALUE on/off, a number, or a PSA
// value by value or label (`none` clears). Checked with the tab's rules and saved as it saves, audited.
// The action is in actions/ticketing.ts, loaded when the command runs.
import type { Command } from 'commander';
import { lazyActions, processIo, type CommandIo } from './common.js';

export function register(program: Command, io: CommandIo = processIo): void {
  const actions = lazyActions(() => import('./actions/ticketing.js').then((m) => m.ticketingActions(io)));
  const ticketing = program.command('ticketing').description('the Ticketing tab: which security events and statuses open tickets, and their fields');
  ticketing
    .command('set <section> <row> <assignments...>')
    .description(
      'set ticket rule values, e.g. `kmsp ticketing set events critical enabled=on priority=High` or `kmsp ticketing set general - source=Monitoring`; SECTION and ROW by id or name (kmsp list ticket-rules; ROW all: every row of the section), KEY=VALUE by key or label (kmsp list ticket-fields; none clears a field); audited',
    )
    .option('-i, --integration <name>', 'the integration (needed when there are several)')
    .option('--reason <text>', 'why, recorded in the config audit of the ledger')
    .action(actions('set'));
}
