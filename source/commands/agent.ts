// kmsp agent: the long-running agent (schedules, hot reload, status, graceful stop), or with
// --once one pass of the jobs and exit with a meaningful code. Never loads Ink: nothing here
// imports the UI (test/agent/no-ink.test.ts follows the imports to make sure).
// The action is in actions/agent.ts, loaded when the command runs.
import type { Command } from 'commander';
import { LOG_LEVELS } from '../agent/logger.js';
import { AGENT_JOBS } from '../domain/agentStatus.js';
import { lazyActions, processIo, type CommandIo } from './common.js';

export function register(program: Command, io: CommandIo = processIo): void {
  const actions = lazyActions(() => import('./actions/agent.js').then((m) => m.agentActions(io)));
  program
    .command('agent')
    .description('run the agent: billing and ticket jobs on their schedules until stopped; with --once, one pass and exit')
    .option('--once', 'run one pass and exit')
    .option('--job <job>', `only this job: ${AGENT_JOBS.join(', ')} (default: both)`)
    .option('--dry-run', 'compute and report the postings or tickets, write nothing (no PSA writes, no ledger rows)')
    .option('--log-level <level>', `least severe level logged: ${LOG_LEVELS.join(', ')}`, 'info')
    .option('--log-format <format>', 'text (journald-aware) or json (one object per line)', 'text')
    .option('--billing-schedule <cron>', 'override agent.billingSchedule (cron, 5 fields or 6 with seconds) for this run')
    .option('--ticket-interval <seconds>', 'override agent.ticketPollSeconds for this run')
    .option('--stop-timeout <seconds>', 'on SIGTERM, how long to wait for running passes to reach a safe point', '25')
    .action(actions('agent'));
}
