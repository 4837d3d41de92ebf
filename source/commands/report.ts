// kmsp report unmapped: PSA accounts no tenant is mapped to (README › The console, Reports), for scripts and spreadsheets.
// The action is in actions/report.ts, loaded when the command runs.
import type { Command } from 'commander';
import { lazyActions, processIo, type CommandIo } from './common.js';

export const FORMATS = ['table', 'csv', 'json'] as const;

export function register(program: Command, io: CommandIo = processIo): void {
  const actions = lazyActions(() => import('./actions/report.js').then((m) => m.reportActions(io)));
  const report = program.command('report').description('print reports (for scripts and spreadsheets)');
  report
    .command('unmapped')
    .description('PSA accounts with no tenant mapped to them')
    .option('-f, --format <format>', `output format: ${FORMATS.join(', ')}`, 'table')
    .option('-i, --integration <name>', 'only this integration (default: the first one)')
    .option('-t, --type <type>', 'only accounts of this type, e.g. Customer')
    .option('-n, --name <text>', 'only accounts whose name contains every word of this text (any order, any case)')
    .option('--include-excluded', 'also list accounts marked “does not use Kaspersky”')
    .option('--active-only', 'only active accounts')
    .action(actions('unmapped'));
}
