// kmsp map TENANT ACCOUNT [--contract C] [--price-level P] [--billing on|off] and kmsp unmap
// TENANT: the Accounts tab from the command line. Tenants, accounts, contracts and price levels
// are named by name or id (`kmsp list …` shows both); the console's rules refuse what the console
// refuses, in its words; the save is the console's (console/accountsSave.ts): the configuration
// first, audited with the actor, then the tenant name written into the PSA account's custom field.
// The actions are in actions/mapping.ts, loaded when a command runs.
import type { Command } from 'commander';
import { lazyActions, processIo, type CommandIo } from './common.js';

export function register(program: Command, io: CommandIo = processIo): void {
  const actions = lazyActions(() => import('./actions/mapping.js').then((m) => m.mappingActions(io)));
  program
    .command('map <tenant> <account>')
    .description("map a platform tenant to a PSA account (each by name or id), as the console's Accounts tab does; writes the tenant name into the account's custom field (audited)")
    .option('-c, --contract <contract>', 'the billable contract of that account usage is posted to (name or id; kmsp list contracts ACCOUNT); turns billing on unless --billing off')
    .option('-p, --price-level <level>', 'the price level usage is priced at, where the PSA has them (name or id; kmsp list price-levels)')
    .option('-b, --billing <on|off>', 'bill this tenant (needs a contract) or not; default: on with --contract, else unchanged')
    .option('-i, --integration <name>', 'the integration (needed when there are several)')
    .option('--reason <text>', 'why, recorded in the config audit of the ledger')
    .action(actions('map'));
  program
    .command('unmap <tenant>')
    .description("clear a tenant's account, contract and billing (by name or id), as the console's Accounts tab does; clears the tenant name from the account's custom field (audited)")
    .option('--remove', 'also take the tenant out of the integration (nothing is deleted in the platform or the PSA)')
    .option('-i, --integration <name>', 'the integration (needed when there are several)')
    .option('--reason <text>', 'why, recorded in the config audit of the ledger')
    .action(actions('unmap'));
}
