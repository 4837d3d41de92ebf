// kmsp agent --once --job billing|tickets [--dry-run]: one pass of a job, then exit with a meaningful code.
// The long-running agent (schedules, tickets, SIGTERM handling) is a later issue.
import type { Command } from 'commander';
import { billingErrorLine } from '../billing/errors.js';
import { connect, loadIntegrations } from '../billing/context.js';
import { runBilling } from '../billing/run.js';
import { runTickets } from '../tickets/run.js';
import { ticketSummaryLine } from '../tickets/format.js';
import { describeError, isKmspError } from '../domain/errors.js';
import { openLedger } from '../store/ledger.js';
import { pathsOf, processIo, type CommandIo } from './shared.js';

interface AgentCliOptions {
  once?: boolean;
  job?: string;
  dryRun?: boolean;
}

const JOBS = ['billing', 'tickets'];

/** Exit codes: 0 every contract billed / every tenant's tickets synced; 1 a contract or posting failed, or the run could not start; 2 usage; 75 another run holds the lock. */
export const EXIT_LOCKED = 75;

export function register(program: Command, io: CommandIo = processIo): void {
  program
    .command('agent')
    .description('run the agent; with --once, one pass of a job and exit')
    .option('--once', 'run one pass and exit')
    .option('--job <job>', `the job to run: ${JOBS.join(', ')}`, 'billing')
    .option('--dry-run', 'compute and report the postings or tickets, write nothing (no PSA writes, no ledger rows)')
    .action(async (options: AgentCliOptions, command: Command) => {
      if (!options.once) {
        io.err(
          'The long-running agent (schedules, ticketing, systemd) is not built yet.\n' +
            '  Remedy: run one billing pass with: kmsp agent --once --job billing [--dry-run]\n',
        );
        process.exitCode = 2;
        return;
      }
      if (!JOBS.includes(options.job ?? '')) {
        io.err(`Job “${options.job}” is not available. Available: ${JOBS.join(', ')}.\n`);
        process.exitCode = 2;
        return;
      }
      const paths = pathsOf(command);
      const { integration: only } = command.optsWithGlobals<{ integration?: string }>();
      let failed = false;
      try {
        const { config, integrations } = loadIntegrations(paths, only);
        const dryRun = options.dryRun === true;
        const paused = config.agent.paused;
        const tickets = options.job === 'tickets';
        // The ticket job reads cursors and known tickets even in a dry run (it writes nothing then).
        const ledger = dryRun || paused ? (tickets ? openLedger({ paths }) : null) : openLedger({ paths });
        try {
          for (const integration of integrations) {
            if (tickets) {
              const started = Date.now();
              const c = await connect(paths, integration);
              try {
                const r = await runTickets({
                  integration, platform: c.platform, psa: c.psa, ledger, now: new Date(), dryRun, paused,
                  ticketsPerAccountPerHour: config.agent.ticketsPerAccountPerHour,
                });
                io.out(ticketSummaryLine(integration.name, r, { dryRun, paused, requests: c.requests, ms: Date.now() - started }) + '\n');
                for (const e of r.errors) io.err(`  ${e.tenantName ?? integration.name}: ${billingErrorLine(e)}\n`);
                if (r.status !== 'ok') failed = true;
              } finally {
                await c.close();
              }
              continue;
            }
            const started = Date.now();
            const c = await connect(paths, integration);
            try {
              const r = await runBilling({ integration, platform: c.platform, psa: c.psa, ledger, now: new Date(), timeZone: config.agent.timeZone, dryRun, paused });
              const t = r.execution.totals;
              const mode = dryRun ? ' (dry run: nothing written)' : paused ? ' (paused: nothing written)' : '';
              const postings = dryRun || paused ? `${t.wouldPost} postings to make` : `${t.posted} postings`;
              io.out(
                `billing ${integration.name} ${r.plan.date}${mode}: ${t.contracts} contracts, ${postings}, ${t.errors} errors, ${r.plan.skipped.length} skipped; ` +
                  `${c.requests.platform + c.requests.psa} requests (platform ${c.requests.platform}, PSA ${c.requests.psa}); ${((Date.now() - started) / 1000).toFixed(1)} s` +
                  (r.runId !== null ? `; run ${r.runId}` : '') +
                  '\n',
              );
              for (const o of r.execution.contracts) {
                if (o.error) io.err(`  ${o.plan.accountName} / ${o.plan.contractName}: ${billingErrorLine(o.error)}\n`);
                for (const p of o.postings) if (p.error) io.err(`  ${o.plan.accountName} / ${p.billingItemName} (${p.status}): ${billingErrorLine(p.error)}\n`);
              }
              if (r.status !== 'ok') failed = true;
            } finally {
              await c.close();
            }
          }
        } finally {
          ledger?.close();
        }
      } catch (error) {
        io.err(describeError(error) + '\n');
        process.exitCode = isKmspError(error) && error.code === 'run-locked' ? EXIT_LOCKED : 1;
        return;
      }
      if (failed) process.exitCode = 1;
    });
}
