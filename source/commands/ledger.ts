// kmsp ledger export: the postings (or, with --tickets, the tickets) of the audit ledger (README › Where things are kept), for scripts and spreadsheets.
// kmsp ledger settle: record the outcome of a posting whose outcome the PSA did not tell.
// kmsp ledger verify / backup: the ledger's integrity and kmsp's invariants; an online copy of it.
// The actions are in actions/ledger.ts, loaded when a command runs.
import type { Command } from 'commander';
import { lazyActions, processIo, type CommandIo } from './common.js';

export const FORMATS = ['csv', 'json'] as const;

export function register(program: Command, io: CommandIo = processIo): void {
  const actions = lazyActions(() => import('./actions/ledger.js').then((m) => m.ledgerActions(io)));
  const ledger = program.command('ledger').description('the audit ledger of postings and runs');
  ledger
    .command('export')
    .description('postings (oldest first): before → after, delta, tenant, contract, item, run, status; with --tickets, the tickets kmsp created')
    .option('-f, --format <format>', `output format: ${FORMATS.join(', ')}`, 'csv')
    .option('--since <date>', 'only rows made on or after this date (YYYY-MM-DD, UTC) or ISO time')
    .option('--tickets', 'export tickets (key, account, kind, title, PSA ticket number, state, repeats, notes) instead of postings')
    .action(actions('export'));
  ledger
    .command('verify')
    .description("check the ledger: SQLite's integrity, references between tables, and kmsp's invariants (every posting of a run, one open ticket per condition); exit 1 when one fails")
    .action(actions('verify'));
  ledger
    .command('backup <file>')
    .description('copy the ledger to FILE (mode 0600) while the agent and the console may go on writing; refuses to overwrite a file')
    .action(actions('backup'));
  ledger
    .command('settle <id>')
    .description('record what happened to a posting whose outcome is unknown, after checking the PSA')
    .requiredOption('--as <outcome>', 'posted (the PSA holds it) or failed (it does not)')
    .action(actions('settle'));
}
