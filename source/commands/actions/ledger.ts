// The actions of kmsp ledger, loaded when the command runs (commands/ledger.ts declares them).
// kmsp ledger export: the postings (or, with --tickets, the tickets) of the audit ledger (README › Where things are kept), for scripts and spreadsheets.
// kmsp ledger settle: record the outcome of a posting whose outcome the PSA did not tell.
// kmsp ledger verify / backup: the ledger's integrity and kmsp's invariants; an online copy of it.
import type { Command } from 'commander';
import { POSTING_FIELDS, toCsv, toJson } from '../../billing/format.js';
import { describeError } from '../../domain/errors.js';
import { openLedger, type Ledger } from '../../store/ledger.js';
import { backupLedger, verifyLedger } from '../../store/ledgerCheck.js';
import { TICKET_FIELDS } from '../../tickets/format.js';
import { knownFormat, checkedPathsOf, writeData, type CommandIo } from '../common.js';
import { FORMATS } from '../ledger.js';


/** Runs `fn` on the ledger of the command's state directory, closed after; a failure is said with its remedy (exit 1). */
async function withLedger(command: Command, io: CommandIo, fn: (l: Ledger) => void | Promise<void>): Promise<void> {
  try {
    const l = openLedger({ paths: checkedPathsOf(command, 'directory') });
    try {
      await fn(l);
    } finally {
      l.close();
    }
  } catch (error) {
    io.err(describeError(error) + '\n');
    process.exitCode = 1;
  }
}

export function ledgerActions(io: CommandIo) {
  return {
    export: async (options: { format: string; since?: string; tickets?: boolean }, command: Command) => {
      if (!knownFormat(io, options.format, FORMATS)) return;
      let since: Date | undefined;
      if (options.since !== undefined) {
        since = new Date(/^\d{4}-\d{2}-\d{2}$/.test(options.since) ? `${options.since}T00:00:00Z` : options.since);
        if (Number.isNaN(since.getTime())) {
          io.err(`--since “${options.since}” is not a date. Use YYYY-MM-DD, e.g. --since 2025-03-01.\n`);
          process.exitCode = 2;
          return;
        }
      }
      await withLedger(command, io, (l) => {
        if (options.tickets) {
          const rows = l.listTickets(since ? { since } : {}).reverse();
          writeData(io, options.format === 'json' ? toJson(rows, TICKET_FIELDS) : toCsv(rows, TICKET_FIELDS));
        } else {
          const rows = l.listPostings(since ? { since } : {}).reverse();
          writeData(io, options.format === 'json' ? toJson(rows, POSTING_FIELDS) : toCsv(rows, POSTING_FIELDS));
        }
      });
    },
    verify: async (_options: unknown, command: Command) => {
      await withLedger(command, io, (l) => {
        const checks = verifyLedger(l);
        io.out(`Ledger ${l.file}\n`);
        for (const c of checks) {
          io.out(`  ${c.ok ? '✓' : '✗'} ${c.what}\n`);
          for (const f of c.findings) io.out(`      ${f}\n`);
          if (c.remedy) io.out(`    Remedy: ${c.remedy}\n`);
        }
        if (checks.some((c) => !c.ok)) process.exitCode = 1;
      });
    },
    backup: async (file: string, _options: unknown, command: Command) => {
      await withLedger(command, io, async (l) => {
        const done = await backupLedger(l, file);
        io.out(`Ledger ${l.file} backed up to ${done.file} (${done.bytes.toLocaleString('en-US')} bytes, mode 0600).\n`);
      });
    },
    settle: async (id: string, options: { as: string }, command: Command) => {
      if (options.as !== 'posted' && options.as !== 'failed') {
        io.err(`--as must be posted or failed, not “${options.as}”.\n`);
        process.exitCode = 2;
        return;
      }
      const outcome = options.as;
      await withLedger(command, io, (l) => {
        const row = l.getPosting(Number(id));
        if (!row) {
          io.err(`No posting ${id} in the ledger.\n`);
          process.exitCode = 1;
          return;
        }
        if (!l.settlePosting(row.id, { status: outcome, error: row.error ? `settled by hand as ${outcome}; earlier: ${row.error}` : `settled by hand as ${outcome}` })) {
          io.err(`Posting ${id} is already ${row.status}; only pending or unknown postings can be settled.\n`);
          process.exitCode = 1;
          return;
        }
        io.out(`Posting ${id} (${row.billingItemName ?? row.billingItemId}, contract ${row.contractId}, ${row.beforeUnits} → ${row.afterUnits}) recorded as ${outcome}.\n`);
      });
    },
  };
}
