// kmsp maintenance add | list | end: maintenance windows (README › Maintenance windows), times
// during which kmsp opens no ticket for a tenant or one of its devices. They live in the ledger,
// with who set them and who ended them, and each change is in the ledger's config audit.
// The actions are in actions/maintenance.ts, loaded when a command runs.
import type { Command } from 'commander';
import { lazyActions, processIo, type CommandIo } from './common.js';

export const FORMATS = ['table', 'csv', 'json'] as const;

export function register(program: Command, io: CommandIo = processIo): void {
  const actions = lazyActions(() => import('./actions/maintenance.js').then((m) => m.maintenanceActions(io)));
  const group = program.command('maintenance').description('maintenance windows: no tickets for a tenant or a device for a while (audited in the ledger)');
  group
    .command('add <tenant>')
    .description('hold tickets back for TENANT (its name or id), or one of its devices with --device, from --start (default now) for --for or --until (at most 30 days)')
    .option('--device <device>', 'only this device of the tenant (its name or id; asks the platform)')
    .option('--for <duration>', 'how long: 4h, 90m, 2d, 1d12h')
    .option('--until <time>', 'when it ends: "2026-12-08 06:00" (your time zone) or an ISO time such as 2026-12-08T06:00Z')
    .option('--start <time>', 'when it starts (default now); same forms as --until')
    .requiredOption('--reason <text>', 'why (required; shown wherever the window is)')
    .option('--by <name>', 'who sets it (default: your user name)')
    .option('--integration <name>', 'the integration the tenant is in (default: the only one with that tenant)')
    .action(actions('add'));
  group
    .command('list')
    .description('active and upcoming windows (with --all the past ones too), times in your time zone')
    .option('-f, --format <format>', `output format: ${FORMATS.join(', ')}`, 'table')
    .option('--all', 'also the windows that are over')
    .option('--integration <name>', 'only this integration')
    .action(actions('list'));
  group
    .command('end <id>')
    .description('end window ID now (audited: who and when); tickets of conditions still active open at the next poll')
    .option('--by <name>', 'who ends it (default: your user name)')
    .option('--reason <text>', 'why it ends early, recorded in the audit')
    .action(actions('end'));
}
