// kmsp config path|show|validate|export|import|get|set — the config file without the console.
// Reading commands never move or rewrite a bad file (onInvalid 'fail'); import
// refuses anything `validate` would reject and keeps a backup of what it replaces.
// set changes one agent setting with the rules and words of the console's form
// (domain/agentSettings.ts), audited in the ledger like import; an unusable file is refused
// and left exactly as it is.
// The actions are in actions/config.ts, loaded when a command runs.
import type { Command } from 'commander';
import { lazyActions, type CommandIo } from './common.js';

export interface ConfigCommandDeps {
  io?: CommandIo;
  env?: NodeJS.ProcessEnv;
}

export function register(program: Command, deps: ConfigCommandDeps = {}): void {
  const actions = lazyActions(() => import('./actions/config.js').then((m) => m.configActions(deps)));
  const config = program.command('config').description('show, check, export and import the configuration file');

  config
    .command('path')
    .description('print where the config file is (with --all: every file kmsp keeps)')
    .option('--all', 'also print the state directory, ledger, secrets file and agent status file')
    .action(actions('path'));

  config
    .command('show')
    .description('print the configuration as JSON')
    .action(actions('show'));

  config
    .command('validate [file]')
    .description('check the config file (or FILE) against the schema and the rules; lists each problem with its path')
    .option('--online', "also check each billed tenant's contract and the chosen billing items against the live PSA")
    .action(actions('validate'));

  config
    .command('export [file]')
    .description('write the configuration as JSON to FILE (mode 0600) or to standard output; with --mappings, the tenant mappings as CSV')
    .option('--mappings', "write the Accounts tab's mappings as CSV instead (one record per tenant: names and ids), for bulk onboarding with config import --mappings")
    .option('-i, --integration <name>', 'with --mappings: only this integration')
    .action(actions('export'));

  config
    .command('import <file>')
    .description('replace the configuration with FILE after validating it, and checking its billing mappings against the PSA; the old file is kept as config.json.bak-<time>')
    .option('--offline', 'skip the check against the PSA (when it cannot be reached; billing still checks each mapping before it posts)')
    .option('--mappings', 'FILE is a CSV of tenant mappings (kmsp config export --mappings writes one): applied to the mappings with the console\'s rules, all or nothing, audited; tenants not in the file keep theirs')
    .option('--online', 'with --mappings: look every tenant, account, contract and price level up in the live platform and PSA (names or ids), and check each contract as billing does')
    .option('-i, --integration <name>', 'with --mappings: the integration of records that name none (needed when there are several)')
    .action(actions('import'));
  config
    .command('get <key>')
    .description('print one agent setting (agent.timeZone, agent.billingSchedule, agent.ticketPollSeconds, agent.ticketsPerAccountPerHour, agent.paused)')
    .action(actions('get'));

  config
    .command('set <key> <value...>')
    .description('set one agent setting, checked like the console does and recorded in the config audit: agent.timeZone, agent.billingSchedule (quote it), agent.ticketPollSeconds, agent.ticketsPerAccountPerHour')
    .option('--reason <text>', 'why, recorded in the config audit of the ledger')
    .action(actions('set'));
}
