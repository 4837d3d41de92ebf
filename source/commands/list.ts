// kmsp list tenants|applications|accounts|contracts ACCOUNT|items|ticket-fields: what the
// platform and the PSA of an integration hold, with names and ids, as a table, CSV or JSON — the
// names and ids `kmsp map`, `kmsp services map`, `kmsp ticketing set` and the config file take.
// The actions are in actions/list.ts, loaded when a command runs.
import type { Command } from 'commander';
import { lazyActions, processIo, type CommandIo } from './common.js';

export const LIST_FORMATS = ['table', 'csv', 'json'] as const;

export function register(program: Command, io: CommandIo = processIo): void {
  const actions = lazyActions(() => import('./actions/list.js').then((m) => m.listActions(io)));
  const list = program.command('list').description("list what the platform and the PSA hold, with names and ids (for map, services map, ticketing set and the config file)");
  const common = (c: Command) =>
    c
      .option('-f, --format <format>', `output format: ${LIST_FORMATS.join(', ')}`, 'table')
      .option('-i, --integration <name>', 'the integration (needed when there are several)');
  common(list.command('tenants').description("the platform's tenants, and the account each is mapped to")).action(actions('tenants'));
  common(list.command('applications').description("the platform's applications (licensed products) and how they are counted")).action(actions('applications'));
  common(list.command('accounts').description("the PSA's accounts, and the tenant mapped to each")).option('-n, --name <text>', 'only names containing every word of this text').action(actions('accounts'));
  common(list.command('contracts <account>').description("the contracts of one PSA account (by name or id); billable ones take usage")).action(actions('contracts'));
  common(list.command('items').description("the PSA's billing items (the Services tab's choices)")).action(actions('items'));
  common(list.command('price-levels').description('the price levels usage can be priced at, where the PSA has them')).action(actions('priceLevels'));
  common(list.command('ticket-fields').description("the ticket fields of the Ticketing tab and the values the PSA offers for each")).action(actions('ticketFields'));
  common(list.command('ticket-rules').description('the sections and rows of the Ticketing tab (what kmsp ticketing set takes), as saved')).action(actions('ticketRules'));
}
