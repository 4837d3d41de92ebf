// kmsp health show | set KEY=VALUE… | webhook off: the integration's health notifications (README ›
// Health notifications), what Reports › Agent edits with `h` — a health ticket on the MSP's own PSA
// account while the integration is failing, and/or a webhook message. Saved at once and audited;
// the webhook URL's path and query are kept in the secret store and never printed.
// The actions are in actions/health.ts, loaded when a command runs.
import type { Command } from 'commander';
import { lazyActions, processIo, type CommandIo } from './common.js';

export function register(program: Command, io: CommandIo = processIo): void {
  const actions = lazyActions(() => import('./actions/health.js').then((m) => m.healthActions({ io })));
  const group = program.command('health').description('health notifications: a PSA ticket and/or a webhook message while an integration is failing (audited)');
  group
    .command('show')
    .description('what the health notifications are set to (the webhook by its address only)')
    .option('-i, --integration <name>', 'the integration (needed when there are several)')
    .option('--json', 'as JSON')
    .action(actions('show'));
  group
    .command('set <assignments...>')
    .description(
      'set health notifications, e.g. `kmsp health set ticket=on account="Our MSP" priority=High failures=3` (with the queue or board the PSA has) or `kmsp health set webhook=-` (the URL on standard input); KEY ticket (on/off), account (by name or id, kmsp list accounts), the ticket fields (kmsp list ticket-fields; none clears), failures (failed ticket passes in a row, 1–100), webhook (URL, - or off); audited',
    )
    .option('-i, --integration <name>', 'the integration (needed when there are several)')
    .option('--reason <text>', 'why, recorded in the config audit of the ledger')
    .action(actions('set'));
  group
    .command('webhook <off>')
    .description('stop posting health messages to the webhook (kmsp health set webhook=URL sets one); audited')
    .option('-i, --integration <name>', 'the integration (needed when there are several)')
    .option('--reason <text>', 'why, recorded in the config audit of the ledger')
    .action(actions('webhook'));
}
