// The action of kmsp billing preview (commands/billing.ts declares it): builds the billing plan
// against the platform and the PSA, and prints it.
import type { Command } from 'commander';
import { connect, loadIntegrations } from '../../billing/context.js';
import { PREVIEW_FIELDS, previewRows, signed, toCsv, toJson, type PreviewRow } from '../../billing/format.js';
import { buildBillingPlan } from '../../billing/planner.js';
import { describeError } from '../../domain/errors.js';
import { FORMATS } from '../billing.js';
import { checkedPathsOf, writeData, type CommandIo } from '../common.js';

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
  lines.push(`${changes} posting${changes === 1 ? '' : 's'} would be made; ${errors.length} contract${errors.length === 1 ? '' : 's'} with errors; ${skippedLine(skipped)}.`);
  return lines.filter(Boolean).join('\n') + '\n';
}

export function billingActions(io: CommandIo) {
  return {
    preview: async (options: { format: string }, command: Command) => {
      if (!(FORMATS as readonly string[]).includes(options.format)) {
        io.err(`Unknown format “${options.format}”. Use one of: ${FORMATS.join(', ')}.\n`);
        process.exitCode = 2;
        return;
      }
      const { integration: only } = command.optsWithGlobals<{ integration?: string }>();
      try {
        const paths = checkedPathsOf(command, 'config');
        const { config, integrations } = loadIntegrations(paths, only);
        const rows: Array<PreviewRow & { integration: string }> = [];
        const skipped: Skipped[] = [];
        let date = '';
        for (const integration of integrations) {
          const c = await connect(paths, integration);
          try {
            const plan = await buildBillingPlan({ integration, platform: c.platform, psa: c.psa, now: new Date(), timeZone: config.agent.timeZone });
            date = plan.date;
            rows.push(...previewRows(plan).map((r) => ({ integration: integration.name, ...r })));
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
      } catch (error) {
        io.err(describeError(error) + '\n');
        process.exitCode = 1;
      }
    },
  };
}
