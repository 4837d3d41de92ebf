// The action of kmsp agent (commands/agent.ts declares it): the long-running agent (schedules, hot
// reload, status, graceful stop), or with --once one pass of the jobs and exit with a meaningful
// code. Never loads Ink: nothing here imports the UI (test/agent/no-ink.test.ts follows the
// imports to make sure).
import type { Command } from 'commander';
import { Daemon, EXIT_SOFTWARE } from '../../agent/daemon.js';
import { createLogger, isLogLevel, LOG_LEVELS, type LogFormat, type Logger, type LogLevel } from '../../agent/logger.js';
import { logIntegrationPass, runPass } from '../../agent/passes.js';
import { loadIntegrations } from '../../billing/context.js';
import { Redactor } from '../../connectors/redact.js';
import { CERTIFICATE_CHECKS_OFF, certificateChecksDisabledBy } from '../../connectors/tlsEnvironment.js';
import { AGENT_JOBS, type AgentJob } from '../../domain/agentStatus.js';
import { describeError, describeErrorLine } from '../../domain/errors.js';
import { integrationSecrets } from '../../domain/secretNames.js';
import { acquireAgentLock, type AgentLock } from '../../store/agentLock.js';
import { openSecretStore } from '../../store/secrets.js';
import type { KmspPaths } from '../../store/paths.js';
import { checkedPathsOf, pathsOf, type CommandIo } from '../common.js';
import { kmspVersion } from '../version.js';

interface AgentCliOptions {
  once?: boolean;
  job?: string;
  dryRun?: boolean;
  logLevel: string;
  logFormat: string;
  billingSchedule?: string;
  ticketInterval?: string;
  stopTimeout: string;
}

/**
 * Exit codes of --once: 0 every integration's pass succeeded; 1 something failed (a contract,
 * a posting, a tenant, a connection) or the pass was stopped; 2 usage; 75 another run holds the
 * lock (EX_TEMPFAIL: try again later). The daemon: 0 after a clean stop, 1 when stopped without
 * reaching a safe point, 70 after an uncaught error, 75 when another agent runs with the same
 * state directory, 78 when the config is unusable at start.
 */
export const EXIT_LOCKED = 75;


async function runDaemon(logger: Logger, o: { paths: KmspPaths; jobs: readonly AgentJob[]; dryRun: boolean; stopGraceMs: number; only?: string; billingSchedule?: string; ticketIntervalSeconds?: number }): Promise<number> {
  // One agent per state directory; checked before anything is written (the status file is the other agent's).
  let lock: AgentLock;
  try {
    lock = acquireAgentLock(o.paths);
  } catch (error) {
    logger.error(`not started: ${describeErrorLine(error)}`);
    return EXIT_LOCKED;
  }
  process.on('exit', () => lock.release());
  const daemon = new Daemon({ ...o, logger, kmspVersion: kmspVersion() });
  // Fatal: one line at crit (a stack over several lines would become several journal entries),
  // the status says failed, and a non-zero exit lets Restart=on-failure bring the agent back.
  const fatal = (what: string) => (error: unknown) => {
    const stack = error instanceof Error && error.stack ? error.stack : describeError(error);
    logger.crit(`${what}: ${stack}`);
    daemon.abort(`${what}: ${describeErrorLine(error)}`, 'failed');
    process.exit(EXIT_SOFTWARE);
  };
  process.on('uncaughtException', fatal('uncaught exception'));
  process.on('unhandledRejection', fatal('unhandled promise rejection'));
  // Signals are taken over before start(): one that arrives while the agent starts is handled
  // once start() returns (the event loop runs after it), never lost.
  let signals = 0;
  takeOverSignals({
    SIGTERM: onSignal,
    SIGINT: onSignal,
    SIGHUP: () => logger.info('SIGHUP: the configuration is reloaded automatically when its file changes; nothing else to do'),
  });
  function onSignal(name: NodeJS.Signals): void {
    signals++;
    if (signals === 1) {
      void daemon.stop(name);
      return;
    }
    logger.warn(`second ${name}: exiting at once; unfinished work is left as the ledger records it and reconciled by the next pass`);
    daemon.abort(`second signal (${name})`, 'stopped');
    process.exit(1);
  }
  const refused = daemon.start();
  if (refused !== null) return refused;
  // Output closed (a pipe's reader gone): nothing can be logged any more. Stop at a safe point and
  // exit non-zero, so a supervisor restarts the agent with somewhere to log (cli.ts's quiet EPIPE
  // exit suits commands, not the agent). Later write errors on the dead stream are expected.
  let outputLost = false;
  for (const stream of [process.stdout, process.stderr]) {
    stream.removeAllListeners('error');
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (outputLost) return;
      if (error.code !== 'EPIPE') throw error;
      outputLost = true;
      void daemon.stop('its log output was closed (EPIPE)', 1);
    });
  }
  return daemon.done;
}

/**
 * The agent decides what a signal does. conf's atomic writer (atomically → when-exit) hooks
 * SIGTERM, SIGINT and SIGHUP when it loads and re-sends the signal to the process at once,
 * which would turn every graceful stop into an immediate second signal (and make SIGHUP fatal).
 * Its temp-file cleanup also runs on 'exit', which it keeps; only its signal hooks go.
 *
 * Ours are added before the others are removed: Node stops watching a signal when its last
 * listener goes, and a signal pending at that moment would be lost (seen: a SIGTERM sent while
 * the agent started was never handled).
 */
function takeOverSignals(handlers: Partial<Record<'SIGTERM' | 'SIGINT' | 'SIGHUP', (signal: NodeJS.Signals) => void>>): void {
  for (const [signal, handler] of Object.entries(handlers) as Array<[NodeJS.Signals, (signal: NodeJS.Signals) => void]>) {
    process.on(signal, handler);
    for (const other of process.listeners(signal)) if (other !== handler) process.off(signal, other);
  }
}

async function runOnce(io: CommandIo, paths: KmspPaths, jobs: readonly AgentJob[], dryRun: boolean, only: string | undefined, logger: Logger | null): Promise<void> {
  let loaded: ReturnType<typeof loadIntegrations>;
  try {
    loaded = loadIntegrations(paths, only);
  } catch (error) {
    io.err(describeError(error) + '\n');
    process.exitCode = 1;
    return;
  }
  // SIGTERM during --once: stop at a safe point like the daemon, then exit 1 (the pass did not complete).
  const controller = new AbortController();
  const stop = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(1);
    io.err(`${name}: stopping at the next safe point (a second ${name} exits at once)\n`);
    controller.abort(`stopped by ${name}`);
  };
  takeOverSignals({ SIGTERM: stop, SIGINT: stop });
  const redactor = await secretRedactor(paths, loaded.integrations, logger?.redactor);
  let locked = false;
  let failed = false;
  try {
    for (const job of jobs) {
      if (controller.signal.aborted) break;
      const result = await runPass(job, { paths, config: loaded.config, integrations: loaded.integrations, dryRun, signal: controller.signal });
      for (const r of result.integrations) {
        if (r.locked) locked = true;
        else if (r.outcome !== 'ok') failed = true;
        if (logger) {
          logIntegrationPass(logger, job, r);
          continue;
        }
        io.out(redactor.text(r.summary) + '\n');
        for (const e of r.errors) io.err(redactor.text(`  ${e}`) + '\n');
        for (const n of r.notices ?? []) io.out(redactor.text(`  ${n}`) + '\n');
      }
    }
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  }
  if (failed || controller.signal.aborted) process.exitCode = 1;
  else if (locked) process.exitCode = EXIT_LOCKED;
}

/** Masks the integrations' secret values in what --once prints (defence in depth, like the daemon's log). */
async function secretRedactor(paths: KmspPaths, integrations: ReturnType<typeof loadIntegrations>['integrations'], redactor = new Redactor()): Promise<Redactor> {
  try {
    const secrets = openSecretStore({ paths });
    for (const i of integrations) for (const s of integrationSecrets(i)) redactor.add(await secrets.get(s.name).catch(() => null));
  } catch {
    // unreadable secrets fail the pass with their own message
  }
  return redactor;
}

export function agentActions(io: CommandIo) {
  return {
    agent: async (options: AgentCliOptions, command: Command) => {
      const usage = (text: string) => {
        io.err(text + '\n');
        process.exitCode = 2;
      };
      if (options.job !== undefined && !AGENT_JOBS.includes(options.job as AgentJob)) return usage(`Job “${options.job}” is not available. Available: ${AGENT_JOBS.join(', ')}.`);
      if (!isLogLevel(options.logLevel)) return usage(`Log level “${options.logLevel}” is not one of: ${LOG_LEVELS.join(', ')}.`);
      if (options.logFormat !== 'text' && options.logFormat !== 'json') return usage(`Log format “${options.logFormat}” is not one of: text, json.`);
      const interval = options.ticketInterval === undefined ? undefined : Number(options.ticketInterval);
      if (interval !== undefined && !(Number.isInteger(interval) && interval >= 1 && interval <= 86_400)) return usage(`--ticket-interval must be a whole number of seconds from 1 to 86400, not “${options.ticketInterval}”.`);
      const stopTimeout = Number(options.stopTimeout);
      if (!(Number.isFinite(stopTimeout) && stopTimeout >= 0)) return usage(`--stop-timeout must be a number of seconds, not “${options.stopTimeout}”.`);
      const jobs = options.job ? [options.job as AgentJob] : AGENT_JOBS;
      let paths: KmspPaths;
      try {
        // --once needs the integrations now; the agent waits for a config.json that is not there yet.
        paths = options.once ? checkedPathsOf(command, 'config') : pathsOf(command);
      } catch (error) {
        io.err(describeError(error) + '\n');
        process.exitCode = 1;
        return;
      }
      const { integration: only } = command.optsWithGlobals<{ integration?: string }>();
      const journald = Boolean(process.env.JOURNAL_STREAM);
      const logger = createLogger({ level: options.logLevel as LogLevel, format: options.logFormat as LogFormat, journald, redactor: new Redactor() });
      // Said at every start, in the agent's own log: Node's one warning goes to stderr once, and
      // an admin reading the journal for this unit must see that its connections trust any server.
      const checksOff = certificateChecksDisabledBy();
      if (checksOff) {
        const text = `TLS certificate checks are OFF (${checksOff}): ${CERTIFICATE_CHECKS_OFF.cause} ${CERTIFICATE_CHECKS_OFF.remedy}`;
        if (options.once && !(options.logFormat === 'json' || journald)) io.err(`Warning: ${text}\n`);
        else logger.warn(text);
      }
      if (options.once) {
        // At a terminal --once prints plain summary lines; asked for JSON, or under journald (a
        // systemd timer), it writes the agent's log lines instead.
        await runOnce(io, paths, jobs, options.dryRun === true, only, options.logFormat === 'json' || journald ? logger : null);
        return;
      }
      const code = await runDaemon(logger, {
        paths,
        jobs,
        dryRun: options.dryRun === true,
        stopGraceMs: stopTimeout * 1000,
        ...(only ? { only } : {}),
        ...(options.billingSchedule ? { billingSchedule: options.billingSchedule } : {}),
        ...(interval !== undefined ? { ticketIntervalSeconds: interval } : {}),
      });
      // Stopped: exit now, whatever is still in flight. When the grace ran out, a pass may still be
      // waiting on a request; its ledger rows say what it did, and the next pass settles them.
      process.exit(code);
    },
  };
}
