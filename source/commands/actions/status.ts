// The action of kmsp status (commands/status.ts declares it): reads the agent's status file and the ledger.
// A plain `kmsp status` reaches runStatus from cli.ts without commander (monitoring runs it often).
import type { Command } from 'commander';
import { agentStartCommand, agentStatusLines, isAgentRunning, missingStatusLines } from '../../domain/agentStatusText.js';
import type { LastLedgerRuns } from '../../domain/agentStatus.js';
import { describeError } from '../../domain/errors.js';
import { lastLedgerRuns, livenessNow, readAgentStatus } from '../../store/agentStatus.js';
import { openLedgerToRead, type Ledger } from '../../store/ledger.js';
import type { KmspPaths } from '../../store/paths.js';
import { checkedPaths, writeData, type CommandIo } from '../common.js';
import { EXIT_NOT_RUNNING, type StatusRequest } from '../status.js';

/** What status shows from the ledger, read in one opening; all empty without a ledger or when it cannot be read (the status stands without it). */
interface LedgerFacts {
  runs: LastLedgerRuns;
  pendingCloses: ReturnType<Ledger['pendingCloses']>;
  pausedBy: ReturnType<typeof pausedBy>;
}

function ledgerFacts(paths: KmspPaths, paused: boolean): LedgerFacts {
  let ledger: Ledger | null = null;
  try {
    ledger = openLedgerToRead(paths.ledgerFile);
    if (!ledger) return { runs: {}, pendingCloses: [], pausedBy: null };
    return { runs: lastLedgerRuns(ledger), pendingCloses: ledger.pendingCloses(), pausedBy: paused ? pausedBy(ledger) : null };
  } catch {
    return { runs: {}, pendingCloses: [], pausedBy: null };
  } finally {
    ledger?.close();
  }
}

/**
 * Tickets whose close a PSA put off (a service order open in its GUI), as lines, with what closes
 * them: the agent's next polls while it runs, a ticket pass otherwise. None without a ledger.
 */
function pendingCloseLines(rows: LedgerFacts['pendingCloses'], agentRuns: boolean): string[] {
  const then = agentRuns ? 'retried each poll' : 'closed by the next ticket pass (kmsp agent, or kmsp agent --once --job tickets)';
  const shown = rows.slice(0, 10).map((t) => `Close pending: ${t.integration} ${t.psaTicketNumber ?? t.psaTicketId ?? t.key} — ${t.closePending} since ${t.closePendingSince ?? '?'}; ${then} once the record is released in the PSA`);
  if (rows.length > shown.length) shown.push(`… and ${rows.length - shown.length} more closes pending (Reports › Agent lists them)`);
  return shown;
}

/** Who turned the pause switch on, from the config audit (kmsp pause --reason, the console's p). */
function pausedBy(ledger: Ledger): { actor: string; at: string; reason: string | null } | null {
  const entry = ledger.listConfigAudit({ limit: 200 }).find((e) => e.diff.some((c) => c.path === 'agent.paused'));
  if (!entry || entry.diff.find((c) => c.path === 'agent.paused')?.after !== true) return null;
  // The audit summary ends with the reason given to `kmsp pause --reason` (SaveOptions.reason).
  const reason = /\(([^()]*)\)$/u.exec(entry.summary)?.[1] ?? null;
  return { actor: entry.actor, at: entry.at, reason };
}

export function statusActions(io: CommandIo) {
  return {
    status: (options: { json?: boolean }, command: Command) =>
      runStatus(io, { json: options.json === true, config: command.optsWithGlobals<{ config?: string }>().config }),
  };
}

/** kmsp status: prints the agent's state and sets the exit code (commands/status.ts says which). */
export function runStatus(io: CommandIo, request: StatusRequest): void {
  const start = agentStartCommand(request.config);
  let paths: KmspPaths;
  try {
    // A mistyped --config would read as "no agent has run here".
    paths = checkedPaths(request.config, 'directory');
  } catch (error) {
    io.err(describeError(error) + '\n');
    process.exitCode = 1;
    return;
  }
  const read = readAgentStatus(paths.statusFile);
  const now = new Date();
  // `kmsp agent --once` writes no status file: its runs are in the ledger.
  const ledger = ledgerFacts(paths, read.state === 'ok' && read.status.paused === true);
  const ledgerRuns = ledger.runs;
  if (read.state === 'unreadable') {
    if (request.json) writeData(io, JSON.stringify({ statusFile: paths.statusFile, liveness: null, error: read.reason, status: null, ledgerRuns }, null, 2) + '\n');
    io.err(`Cannot read the agent's status: ${read.reason}\n  Remedy: the agent rewrites it at least every 30 s while it runs; if it does not run, start it (${start}) or remove the file.\n`);
    process.exitCode = 1;
    return;
  }
  if (read.state === 'missing') {
    if (request.json) writeData(io, JSON.stringify({ statusFile: paths.statusFile, liveness: null, status: null, ledgerRuns }, null, 2) + '\n');
    else {
      // No agent, so no agent's time zone: the runs are shown in this host's.
      const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      for (const line of missingStatusLines(paths.statusFile, start, { runs: ledgerRuns, options: { now, timeZone } })) io.out(line.text + '\n');
      for (const line of pendingCloseLines(ledger.pendingCloses, false)) io.out(line + '\n');
    }
    process.exitCode = EXIT_NOT_RUNNING;
    return;
  }
  const liveness = livenessNow(read.status, now);
  if (request.json) {
    writeData(io, JSON.stringify({ statusFile: paths.statusFile, liveness, status: read.status, ledgerRuns }, null, 2) + '\n');
  } else {
    for (const line of agentStatusLines(read.status, liveness, { now, timeZone: read.status.timeZone }, ledgerRuns)) io.out(line.text + '\n');
    const by = ledger.pausedBy;
    if (by) io.out(`Paused by ${by.actor} at ${by.at}${by.reason ? `: ${by.reason}` : ''}\n`);
    for (const line of pendingCloseLines(ledger.pendingCloses, isAgentRunning(liveness))) io.out(line + '\n');
  }
  process.exitCode = isAgentRunning(liveness) ? 0 : EXIT_NOT_RUNNING;
}
