// The action of kmsp status (commands/status.ts declares it): reads the agent's status file and the ledger.
import fs from 'node:fs';
import type { Command } from 'commander';
import { agentStatusLines, isAgentRunning, missingStatusLines } from '../../domain/agentStatusText.js';
import { describeError } from '../../domain/errors.js';
import { livenessNow, readAgentStatus, readLastLedgerRuns } from '../../store/agentStatus.js';
import { openLedger, type Ledger } from '../../store/ledger.js';
import type { KmspPaths } from '../../store/paths.js';
import { checkedPathsOf, writeData, type CommandIo } from '../common.js';
import { EXIT_NOT_RUNNING, startCommand } from '../status.js';

/** `read` on the ledger when there is one; null without one, or when it cannot be read (the status stands without it). */
function fromLedger<T>(paths: KmspPaths, read: (ledger: Ledger) => T): T | null {
  if (!fs.existsSync(paths.ledgerFile)) return null;
  let ledger: Ledger | null = null;
  try {
    ledger = openLedger({ paths });
    return read(ledger);
  } catch {
    return null;
  } finally {
    ledger?.close();
  }
}

/**
 * Tickets whose close a PSA put off (a service order open in its GUI), as lines, with what closes
 * them: the agent's next polls while it runs, a ticket pass otherwise. None without a ledger.
 */
function pendingCloseLines(paths: KmspPaths, agentRuns: boolean): string[] {
  const rows = fromLedger(paths, (ledger) => ledger.pendingCloses()) ?? [];
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
    status: (options: { json?: boolean }, command: Command) => {
          let paths: KmspPaths;
          try {
            // A mistyped --config would read as "no agent has run here".
            paths = checkedPathsOf(command, 'directory');
          } catch (error) {
            io.err(describeError(error) + '\n');
            process.exitCode = 1;
            return;
          }
          const read = readAgentStatus(paths.statusFile);
          const now = new Date();
          // `kmsp agent --once` writes no status file: its runs are in the ledger.
          const ledgerRuns = readLastLedgerRuns(paths.ledgerFile);
          if (read.state === 'unreadable') {
            if (options.json) writeData(io, JSON.stringify({ statusFile: paths.statusFile, liveness: null, error: read.reason, status: null, ledgerRuns }, null, 2) + '\n');
            io.err(`Cannot read the agent's status: ${read.reason}\n  Remedy: the agent rewrites it at least every 30 s while it runs; if it does not run, start it (${startCommand(command)}) or remove the file.\n`);
            process.exitCode = 1;
            return;
          }
          if (read.state === 'missing') {
            if (options.json) writeData(io, JSON.stringify({ statusFile: paths.statusFile, liveness: null, status: null, ledgerRuns }, null, 2) + '\n');
            else {
              // No agent, so no agent's time zone: the runs are shown in this host's.
              const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
              for (const line of missingStatusLines(paths.statusFile, startCommand(command), { runs: ledgerRuns, options: { now, timeZone } })) io.out(line.text + '\n');
              for (const line of pendingCloseLines(paths, false)) io.out(line + '\n');
            }
            process.exitCode = EXIT_NOT_RUNNING;
            return;
          }
          const liveness = livenessNow(read.status, now);
          if (options.json) {
            writeData(io, JSON.stringify({ statusFile: paths.statusFile, liveness, status: read.status, ledgerRuns }, null, 2) + '\n');
          } else {
            for (const line of agentStatusLines(read.status, liveness, { now, timeZone: read.status.timeZone }, ledgerRuns)) io.out(line.text + '\n');
            if (read.status.paused) {
              const by = fromLedger(paths, pausedBy);
              if (by) io.out(`Paused by ${by.actor} at ${by.at}${by.reason ? `: ${by.reason}` : ''}\n`);
            }
            for (const line of pendingCloseLines(paths, isAgentRunning(liveness))) io.out(line + '\n');
          }
          process.exitCode = isAgentRunning(liveness) ? 0 : EXIT_NOT_RUNNING;
        },
  };
}
