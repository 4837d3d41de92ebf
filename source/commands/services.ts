// kmsp services map APPLICATION ITEM [--category …] / services unmap APPLICATION / services
// by-category on|off: the Services tab from the command line (which billing item each platform
// application's usage is posted as), with the tab's rules (domain/servicesDraft.ts) and its save.
// The actions are in actions/services.ts, loaded when a command runs.
import type { Command } from 'commander';
import { lazyActions, processIo, type CommandIo } from './common.js';

export const CATEGORY_NAMES = ['workstations', 'servers', 'non-windows'] as const;

const collect = (value: string, previous: string[]) => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];

export function register(program: Command, io: CommandIo = processIo): void {
  const actions = lazyActions(() => import('./actions/services.js').then((m) => m.servicesActions(io)));
  const services = program.command('services').description("the Services tab: the PSA billing item each platform application's usage is posted as");
  const common = (c: Command) =>
    c.option('-i, --integration <name>', 'the integration (needed when there are several)').option('--reason <text>', 'why, recorded in the config audit of the ledger');
  common(
    services
      .command('map <application> <item>')
      .description('post the usage of an application (name or id; kmsp list applications) as a billing item (name or id; kmsp list items), audited')
      .option('--category <category>', `with billing by category: the device category the item bills (${CATEGORY_NAMES.join(', ')}); repeat or separate with commas for several`, collect, []),
  ).action(actions('map'));
  common(
    services
      .command('unmap <application>')
      .description("clear an application's billing item (its usage is then listed as not billed), audited")
      .option('--category <category>', `only this device category (${CATEGORY_NAMES.join(', ')}); repeat or separate with commas for several`, collect, []),
  ).action(actions('unmap'));
  common(services.command('by-category <on|off>').description('bill Windows workstations, Windows servers and other devices as separate billing items (on) or as one (off), audited')).action(
    actions('byCategory'),
  );
}
