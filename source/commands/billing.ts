// kmsp billing preview: what the next billing run would post, per account and billing item
// (current PSA quantity → new, delta). Reads only: no PSA write, no ledger row (README › Billing rules, "The plan").
// The action is in actions/billing.ts, loaded when the command runs.
import type { Command } from 'commander';
import { lazyActions, processIo, type CommandIo } from './common.js';

export const FORMATS = ['table', 'csv', 'json'] as const;

export function register(program: Command, io: CommandIo = processIo): void {
  const actions = lazyActions(() => import('./actions/billing.js').then((m) => m.billingActions(io)));
  const billing = program.command('billing').description('license billing');
  billing
    .command('preview')
    .description('what the next billing run would post, per account and billing item; writes nothing')
    .option('-f, --format <format>', `output format: ${FORMATS.join(', ')}`, 'table')
    .action(actions('preview'));
}
