// kmsp billing preview: what the next billing run would post, per account and billing item
// (current PSA quantity → new, delta). Reads only: no PSA write, no ledger row (README › Billing rules, "The plan").
// kmsp billing held / approve / reject: the changes billing holds for a person (README › Billing approvals).
// The actions are in actions/billing.ts, loaded when a command runs.
import type { Command } from 'commander';
import { lazyActions, processIo, type CommandIo } from './common.js';

export const FORMATS = ['table', 'csv', 'json'] as const;

/** Where a typed confirmation comes from (tests give their own). */
export type PromptInput = NodeJS.ReadableStream & { isTTY?: boolean };

export function register(program: Command, io: CommandIo = processIo, input: PromptInput = process.stdin): void {
  const actions = lazyActions(() => import('./actions/billing.js').then((m) => m.billingActions(io, input)));
  const billing = program.command('billing').description('license billing');
  billing
    .command('preview')
    .description('what the next billing run would post, per account and billing item; writes nothing')
    .option('-f, --format <format>', `output format: ${FORMATS.join(', ')}`, 'table')
    .action(actions('preview'));
  billing
    .command('held')
    .description('changes billing holds for a person (held, or approved and waiting for the next run); reads the ledger only')
    .option('-f, --format <format>', `output format: ${FORMATS.join(', ')}`, 'table')
    .action(actions('held'));
  billing
    .command('approve [ids...]')
    .description('approve held changes by id; a decrease asks for the tenant’s name to be typed. The next billing run posts them, re-checked against the PSA')
    .option('--all-increases', 'approve every held increase')
    .option('-y, --yes', 'approve decreases without typing the tenant’s name (needed without a terminal)')
    .option('--now', 'run billing for the integration at once after approving')
    .option('--note <text>', 'why, recorded in the audit')
    .action(actions('approve'));
  billing
    .command('reject <ids...>')
    .description('reject held changes by id: never posted; the same change is not held again')
    .option('--note <text>', 'why, recorded in the audit')
    .action(actions('reject'));
}
