// The actions of kmsp billing (commands/billing.ts declares them): preview builds the billing
// plan against the platform and the PSA and prints it; held, approve and reject work on the
// changes billing holds for a person (README › Billing approvals), in the ledger.
import { existsSync } from 'node:fs';
import readline from 'node:readline';
import type { Command } from 'commander';
import { connect, loadIntegrations } from '../../billing/context.js';
import { HELD_FIELDS, heldRows, PREVIEW_FIELDS, previewRows, signed, toCsv, toJson, type PreviewRow } from '../../billing/format.js';
import { buildBillingPlan } from '../../billing/planner.js';
import { runBilling } from '../../billing/run.js';
import { expectedHolds } from '../../billing/approvals.js';
import { approvalsOf, checkTypedName, needsTypedName } from '../../domain/billingGuards.js';
import { describeError, KmspError } from '../../domain/errors.js';
import { psaProfile } from '../../domain/profiles/index.js';
import { toTerminalText } from '../../domain/terminalText.js';
import { defaultActor } from '../../store/config.js';
import { openLedger, type HeldChange, type Ledger } from '../../store/ledger.js';
import { FORMATS, type PromptInput } from '../billing.js';
import { knownFormat, checkedPathsOf, writeData, type CommandIo } from '../common.js';

type Format = (typeof FORMATS)[number];

type Skipped = { tenantName: string; reason: string };

/** "25 tenants skipped: not mapped to an account (Acme, Bluebird, Carter and 22 more); billing is off (Maple)". */
export function skippedLine(skipped: Skipped[], namesPerReason = 3): string {
  const head = `${skipped.length} tenant${skipped.length === 1 ? '' : 's'} skipped`;
  if (skipped.length === 0) return head;
  const byReason = new Map<string, string[]>();
  for (const s of skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s.tenantName]);
  const parts = [...byReason].map(([reason, names]) => {
    const shown = names.slice(0, namesPerReason).join(', ');
    return `${reason} (${names.length > namesPerReason ? `${shown} and ${names.length - namesPerReason} more` : shown})`;
  });
  return `${head}: ${parts.join('; ')}`;
}

async function table(rows: Array<PreviewRow & { integration: string }>, date: string, skipped: Skipped[]): Promise<string> {
  if (rows.length === 0) {
    return (
      'Nothing to bill: no mapped tenant has billing on with a contract.\n' +
      (skipped.length ? `${skippedLine(skipped)}.\n  Remedy: map tenants to accounts, turn billing on and choose a contract in the console's Accounts tab.\n` : '')
    );
  }
  const { renderTable } = await import('../../ui/print.js');
  const changes = rows.filter((r) => (r.delta !== null && r.delta !== 0) || r.repricedAt).length;
  const errors = rows.filter((r) => r.error);
  const unbilled = rows.filter((r) => r.unbilled);
  const t = renderTable(
    rows
      .filter((r) => !r.error && !r.unbilled)
      .map((r) => ({ Account: r.account, Contract: r.contract, 'Billing item': r.billingItem, Current: r.current ?? '', New: r.new ?? '', Delta: r.delta !== 0 ? signed(r.delta) : r.repricedAt ? `at ${r.repricedAt}` : '' })),
    // Cut to the terminal (120 cells when piped; --format csv/json for everything). The
    // billing item keeps enough to tell "– Workstation" from "– Server"; the contract,
    // which mostly repeats the account name, gives way first.
    { minWidth: { Account: 12, 'Billing item': 26 } },
  );
  const lines = [`Billing preview for ${date} (nothing is written):`, t];
  for (const e of errors) lines.push(`${e.account} / ${e.contract}: ${e.error}`);
  if (unbilled.length) {
    lines.push('Usage not billed (no billing item chosen on the Services tab):');
    for (const u of unbilled) lines.push(`  ${u.account}: ${u.unbilled}`);
  }
  const held = rows.filter((r) => r.held);
  if (held.length) {
    lines.push('Held for approval by the run, not posted (README › Billing approvals; kmsp billing held lists them after it):');
    for (const h of held) lines.push(`  ${h.account} / ${h.billingItem}: ${h.current ?? ''} → ${h.new ?? ''} — ${h.held}`);
  }
  lines.push(
    `${changes} posting${changes === 1 ? '' : 's'} would be made${held.length ? ` (${held.length} of them held for approval)` : ''}; ${errors.length} contract${errors.length === 1 ? '' : 's'} with errors; ${skippedLine(skipped)}.`,
  );
  return lines.filter(Boolean).join('\n') + '\n';
}

/** "#12 Northwind Traders / Managed Security / KESB – Workstation: 180 → 90 (decrease of 50% (more than 20%))". */
function heldLine(h: HeldChange): string {
  return `#${h.id} ${h.tenantName} / ${h.contractName ?? h.contractId} / ${h.billingItemName ?? h.billingItemId}: ${h.beforeUnits} → ${h.afterUnits}${h.reasons.length ? ` (${h.reasons.map((r) => r.text).join('; ')})` : ''}`;
}

/** The ids of the command line, as numbers; a word that is not one is a usage error (exit 2). */
function parseIds(ids: readonly string[], io: CommandIo): number[] | null {
  const bad = ids.filter((id) => !/^[1-9]\d{0,15}$/.test(id.replace(/^#/, '')));
  if (bad.length) {
    io.err(`Not a held change id: ${bad.join(', ')}. kmsp billing held lists them (the first column).\n`);
    process.exitCode = 2;
    return null;
  }
  return [...new Set(ids.map((id) => Number(id.replace(/^#/, ''))))];
}

/** The held changes the ids name, every one checked before anything is decided: bad input changes nothing. */
function pickHeld(ledger: Ledger, ids: readonly number[], only: string | undefined, states: readonly HeldChange['state'][]): HeldChange[] {
  return ids.map((id) => {
    const h = ledger.getHeldChange(id);
    if (!h || (only !== undefined && h.integration !== only)) {
      throw new KmspError(`No held change ${id}${only !== undefined ? ` of integration “${only}”` : ''} in the ledger`, {
        kind: 'not-found',
        remedy: 'Nothing was changed. kmsp billing held lists the held changes and their ids.',
      });
    }
    if (!states.includes(h.state)) {
      throw new KmspError(`Held change ${id} is ${h.state}`, {
        kind: 'config',
        cause: h.note ?? `it was ${h.state}${h.decidedBy ? ` by ${h.decidedBy}` : ''}${h.decidedAt ? ` at ${h.decidedAt}` : ''}`,
        remedy: 'Nothing was changed. kmsp billing held lists the changes still waiting for a decision.',
      });
    }
    return h;
  });
}

/** One line typed at the terminal; the question carries vendor text (a tenant's name), cleaned like every line printed. */
function ask(input: PromptInput, question: string): Promise<string> {
  const rl = readline.createInterface({ input, output: process.stdout, terminal: true });
  return new Promise<string>((resolve) => {
    rl.question(toTerminalText(question), (answer) => resolve(answer));
    rl.once('close', () => resolve(''));
  }).finally(() => rl.close());
}

export function billingActions(io: CommandIo, input: PromptInput = process.stdin) {
  return {
    held: async (options: { format: string }, command: Command) => {
      if (!knownFormat(io, options.format, FORMATS)) return;
      const { integration: only } = command.optsWithGlobals<{ integration?: string }>();
      try {
        const ledger = openLedger({ paths: checkedPathsOf(command, 'directory') });
        try {
          const rows = heldRows(ledger.listHeldChanges(only !== undefined ? { integration: only } : {}));
          if (options.format === 'csv') writeData(io, toCsv(rows, HELD_FIELDS));
          else if (options.format === 'json') writeData(io, toJson(rows, HELD_FIELDS));
          else if (rows.length === 0) io.out('No billing change is held: every change the last runs planned was posted, or needed none.\n');
          else {
            const { renderTable } = await import('../../ui/print.js');
            const t = renderTable(
              // The contract is in --format csv/json; the reasons are what a person decides on.
              rows.map((r) => ({ ID: r.id, State: r.state, Tenant: r.tenant, 'Billing item': r.billingItem, Current: r.current, New: r.new, Delta: signed(r.delta), Why: r.reasons })),
              { minWidth: { Tenant: 12, 'Billing item': 20, Why: 40 } },
            );
            const waiting = rows.filter((r) => r.state === 'held').length;
            io.out(
              `${t}\n${waiting} held for a decision, ${rows.length - waiting} approved (posted by the next billing run, re-checked against the PSA).\n` +
                'Approve: kmsp billing approve ID… (a decrease asks for the tenant’s name) or --all-increases; reject: kmsp billing reject ID….\n',
            );
          }
        } finally {
          ledger.close();
        }
      } catch (error) {
        io.err(describeError(error) + '\n');
        process.exitCode = 1;
      }
    },
    approve: async (ids: string[], options: { allIncreases?: boolean; yes?: boolean; now?: boolean; note?: string }, command: Command) => {
      const numbers = parseIds(ids, io);
      if (!numbers) return;
      if (numbers.length === 0 && !options.allIncreases) {
        io.err('Name the held changes to approve (kmsp billing approve ID…), or pass --all-increases. kmsp billing held lists them.\n');
        process.exitCode = 2;
        return;
      }
      const { integration: only } = command.optsWithGlobals<{ integration?: string }>();
      try {
        const paths = checkedPathsOf(command, options.now ? 'config' : 'directory');
        const ledger = openLedger({ paths });
        let approved: HeldChange[] = [];
        try {
          const named = pickHeld(ledger, numbers, only, ['held']);
          const increases = options.allIncreases
            ? ledger.listHeldChanges({ states: ['held'], ...(only !== undefined ? { integration: only } : {}) }).filter((h) => h.afterUnits > h.beforeUnits && !numbers.includes(h.id))
            : [];
          const chosen = [...named, ...increases].sort((a, b) => a.id - b.id);
          if (chosen.length === 0) {
            io.out('No held increase to approve.\n');
            return;
          }
          const decreases = chosen.filter(needsTypedName);
          if (decreases.length > 0 && !options.yes) {
            if (!input.isTTY) {
              throw new KmspError(`Not approved: ${decreases.length === 1 ? 'a decrease needs' : `${decreases.length} decreases need`} the tenant’s name typed`, {
                kind: 'config',
                cause: `standard input is not a terminal, so the name cannot be asked for (${decreases.map((d) => `#${d.id}`).join(', ')})`,
                remedy: 'Nothing was approved. Run it at a terminal to type the names, or add --yes to approve the decreases without typing them (the audit records --yes).',
              });
            }
            for (const d of decreases) {
              const typed = await ask(input, `${heldLine(d)}\nType the tenant’s name (“${d.tenantName}”) to approve this decrease: `);
              const wrong = checkTypedName(d.tenantName, typed);
              if (wrong) throw wrong;
            }
          }
          const actor = defaultActor(`kmsp billing approve${options.yes && decreases.length ? ' --yes' : ''}`);
          approved = ledger.transaction(() => chosen.map((h) => ledger.decideHeldChange(h.id, { approve: true, actor, ...(options.note ? { note: options.note } : {}) })));
          for (const h of approved) io.out(`Approved ${heldLine(h)}\n`);
          io.out(`Recorded in the ledger's config audit as ${actor}. ${options.now ? 'Billing runs now' : 'The next billing run posts them (re-checked against the PSA), or pass --now'}.\n`);
        } finally {
          ledger.close();
        }
        if (options.now) await billNow(paths, [...new Set(approved.map((h) => h.integration))], io);
      } catch (error) {
        io.err(describeError(error) + '\n');
        process.exitCode = 1;
      }
    },
    reject: async (ids: string[], options: { note?: string }, command: Command) => {
      const numbers = parseIds(ids, io);
      if (!numbers) return;
      const { integration: only } = command.optsWithGlobals<{ integration?: string }>();
      try {
        const ledger = openLedger({ paths: checkedPathsOf(command, 'directory') });
        try {
          const chosen = pickHeld(ledger, numbers, only, ['held', 'approved']);
          const actor = defaultActor('kmsp billing reject');
          const rejected = ledger.transaction(() => chosen.map((h) => ledger.decideHeldChange(h.id, { approve: false, actor, ...(options.note ? { note: options.note } : {}) })));
          for (const h of rejected) io.out(`Rejected ${heldLine(h)}\n`);
          io.out(`Recorded in the ledger's config audit as ${actor}. Not posted; the same change is not held again (a different one is).\n`);
        } finally {
          ledger.close();
        }
      } catch (error) {
        io.err(describeError(error) + '\n');
        process.exitCode = 1;
      }
    },
    preview: async (options: { format: string }, command: Command) => {
      if (!knownFormat(io, options.format, FORMATS)) return;
      const { integration: only } = command.optsWithGlobals<{ integration?: string }>();
      try {
        const paths = checkedPathsOf(command, 'config');
        const { config, integrations } = loadIntegrations(paths, only);
        // The ledger says which contracts kmsp posted to and what a person decided; a preview
        // never creates one (without it no contract is known to be new).
        const ledger = existsSync(paths.ledgerFile) ? openLedger({ paths }) : null;
        const rows: Array<PreviewRow & { integration: string }> = [];
        const skipped: Skipped[] = [];
        let date = '';
        for (const integration of integrations) {
          const c = await connect(paths, integration);
          try {
            const plan = await buildBillingPlan({ integration, platform: c.platform, psa: c.psa, now: new Date(), timeZone: config.agent.timeZone });
            date = plan.date;
            rows.push(...previewRows(plan, expectedHolds(plan, approvalsOf(integration), ledger)).map((r) => ({ integration: integration.name, ...r })));
            skipped.push(...plan.skipped);
          } finally {
            await c.close();
          }
        }
        const fields = ['integration', ...PREVIEW_FIELDS] as Array<keyof (typeof rows)[number]>;
        const format = options.format as Format;
        if (format === 'csv') writeData(io, toCsv(rows, fields));
        else if (format === 'json') writeData(io, toJson(rows, fields));
        else io.out(await table(rows, date, skipped));
        if (rows.some((r) => r.error)) process.exitCode = 1;
        ledger?.close();
      } catch (error) {
        io.err(describeError(error) + '\n');
        process.exitCode = 1;
      }
    },
  };
}

/** `kmsp billing approve --now`: one billing run of each integration named, as `kmsp agent --once --job billing` makes it. */
async function billNow(paths: ReturnType<typeof checkedPathsOf>, names: readonly string[], io: CommandIo): Promise<void> {
  for (const name of names) {
    const { config, integrations } = loadIntegrations(paths, name);
    const integration = integrations[0]!;
    if (config.agent.paused) {
      io.err(`Billing of ${name} not run: PSA writes are paused (kmsp resume). The approved changes wait for the next run.\n`);
      process.exitCode = 1;
      continue;
    }
    const c = await connect(paths, integration);
    const ledger = openLedger({ paths });
    try {
      const r = await runBilling({ integration, platform: c.platform, psa: c.psa, ledger, now: new Date(), timeZone: config.agent.timeZone, dryRun: false });
      const t = r.execution.totals;
      const words = psaProfile(integration.psa.kind).words;
      io.out(`billing ${name} ${r.plan.date}: ${t.contracts} ${words.contracts}, ${t.posted} posted, ${t.held} held, ${t.errors} error${t.errors === 1 ? '' : 's'}${r.runId !== null ? `; run ${r.runId}` : ''}\n`);
      for (const o of r.execution.contracts) {
        for (const p of o.postings) if (p.error) io.err(`${o.plan.accountName} / ${p.billingItemName} (${p.status}): ${p.error.message}${p.error.remedy ? ` — ${p.error.remedy}` : ''}\n`);
        if (o.error) io.err(`${o.plan.accountName} / ${o.plan.contractName}: ${o.error.message}${o.error.remedy ? ` — ${o.error.remedy}` : ''}\n`);
      }
      if (r.status !== 'ok') process.exitCode = 1;
    } finally {
      ledger.close();
      await c.close();
    }
  }
}
