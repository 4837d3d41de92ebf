// The process the crash trials kill: one pass of billing, then one of tickets, over the config
// directory it is given — what `kmsp agent --once` runs (agent/passes.ts runPass, the real
// connectors, ledger and config store) — with the crash trials’ HTTP settings (CRASH_HTTP), so a
// write cut short can no longer land seconds after its last attempt instead of the minutes a
// real vendor is given: a restart then settles it within a trial, not ten minutes later.
// Exit 0 when both passes finished 'ok', 1 otherwise; one JSON line says the outcomes.
//
// With --daemon it is the agent daemon instead (agent/daemon.ts, as `kmsp agent` runs it), with
// the same HTTP settings, tickets every second and billing every few seconds from the start: the
// trials kill it somewhere in its first passes. It runs until killed.
import { Daemon } from '../agent/daemon.js';
import { createLogger } from '../agent/logger.js';
import { runPass } from '../agent/passes.js';
import { Redactor } from '../connectors/redact.js';
import { openConfig } from '../store/config.js';
import { resolvePaths } from '../store/paths.js';
import { CRASH_HTTP } from './converge.js';

/** Billing every 3 seconds (a 6-field cron): the daemon's first billing pass comes at once. */
export const DAEMON_BILLING_SCHEDULE = '*/3 * * * * *';

function daemon(configDir: string): void {
  const paths = resolvePaths({ configDir });
  const logger = createLogger({ level: 'info', format: 'text', journald: false, redactor: new Redactor([]) });
  const d = new Daemon({ paths, logger, kmspVersion: 'crash trial', http: CRASH_HTTP, billingSchedule: DAEMON_BILLING_SCHEDULE, ticketIntervalSeconds: 1 });
  d.start();
}

async function main(): Promise<number> {
  const [configDir, mode] = process.argv.slice(2);
  if (!configDir) {
    process.stderr.write('usage: node crashChild.js CONFIG_DIR [--daemon]\n');
    return 2;
  }
  if (mode === '--daemon') {
    daemon(configDir);
    return new Promise<number>(() => undefined); // runs until killed
  }
  const paths = resolvePaths({ configDir });
  const config = openConfig({ paths, onInvalid: 'fail', onNotice: () => undefined }).load();
  const outcomes: Record<string, string> = {};
  const errors: string[] = [];
  for (const job of ['billing', 'tickets'] as const) {
    const result = await runPass(job, { paths, config, integrations: config.integrations, dryRun: false, http: CRASH_HTTP });
    outcomes[job] = result.outcome;
    errors.push(...result.integrations.flatMap((i) => i.errors).slice(0, 3));
  }
  process.stdout.write(JSON.stringify({ outcomes, errors }) + '\n');
  return Object.values(outcomes).every((o) => o === 'ok') ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
