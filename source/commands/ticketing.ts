// kmsp ticketing set SECTION ROW KEY=VALUE…: the Ticketing tab from the command line. SECTION is
// `general` or a rule section of the platform (`kmsp list ticket-rules`), ROW a row of it (or `all`;
// for general, `-`, or a scope value such as a board for the fields kept per scope), KEY `enabled`,
// `lifetime`, `due` or a ticket field (`kmsp list ticket-fields`), VALUE on/off, a number, or a PSA
// value by value or label (`none` clears). Checked with the tab's rules and saved as it saves, audited.
// kmsp ticketing override list|add|set|remove|move: the tab's "For customer" pane (per-customer
// routing overrides, in order: the first that matches applies), same keys and values.
// The actions are in actions/ticketing.ts and actions/ticketingOverrides.ts, loaded when a command runs.
import type { Command } from 'commander';
import { lazyActions, processIo, type CommandIo } from './common.js';
import { LIST_FORMATS } from './list.js';

const collect = (value: string, previous: string[]) => [...previous, value];

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

  const overrides = lazyActions(() => import('./actions/ticketingOverrides.js').then((m) => m.overrideActions(io)));
  const override = ticketing
    .command('override')
    .description('routing overrides for customers: a rule row switched off or sent elsewhere for some tenants (the first that matches applies)');
  const common = (c: Command) =>
    c.option('-i, --integration <name>', 'the integration (needed when there are several)').option('--reason <text>', 'why, recorded in the config audit of the ledger');
  override
    .command('list')
    .description('the overrides in order, with their positions (N in the other commands)')
    .option('-f, --format <format>', `output format: ${LIST_FORMATS.join(', ')}`, 'table')
    .option('-i, --integration <name>', 'the integration (needed when there are several)')
    .action(overrides('list'));
  common(
    override
      .command('add <section> <row> [assignments...]')
      .description(
        'add an override at the end, e.g. `kmsp ticketing override add events critical --customer "Acme & Sons" priority=High due=2`; SECTION and ROW as for ticketing set, KEY=VALUE the row fields and due (none: the rule\'s); audited',
      )
      .option('-c, --customer <name-or-id>', 'a mapped tenant it is for (repeat for several)', collect, [])
      .option('--off', 'the row makes no tickets for these customers'),
  ).action(overrides('add'));
  common(
    override
      .command('set <n> [assignments...]')
      .description('change override N: KEY=VALUE (enabled=on|off, due, a row field; none: the rule\'s), --customer replaces its customers; audited')
      .option('-c, --customer <name-or-id>', 'the customers it is for, all of them (repeat for several)', collect, [])
      .option('--off', 'the row makes no tickets for these customers'),
  ).action(overrides('set'));
  common(override.command('remove <n>').description('delete override N; audited')).action(overrides('remove'));
  common(override.command('move <n>').description('move override N to position M (the first that matches applies); audited').requiredOption('--to <m>', 'the new position, 1 is the first')).action(
    overrides('move'),
  );
}
