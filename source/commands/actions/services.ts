// The actions of kmsp services (commands/services.ts declares them): the Services tab's rules
// (domain/servicesDraft.ts) and its save (the session's, audited), from the command line.
//
// One difference from the tab, on purpose: the tab refuses to save an application whose category
// items are partly chosen, since the admin sees and fills the row at once; a command sets one
// category at a time, so a partly chosen row is saved with a warning naming what is missing (its
// usage in those categories is listed as not billed until then, never posted).
import type { Command } from 'commander';
import type { BillingSettings, PsaChoice } from '../../domain/config.js';
import { KmspError } from '../../domain/errors.js';
import { psaProfile } from '../../domain/profiles/index.js';
import { resolveRef } from '../../domain/resolveRef.js';
import {
  buildRows,
  categorySlots,
  changedApps,
  CATEGORY_SLOTS,
  incomplete,
  normalize,
  notApplicable,
  saveBlockers,
  setItem,
  singleOnly,
  slotsFor,
  slotWords,
  SLOT_TITLES,
  type ServiceRow,
  type Slot,
} from '../../domain/servicesDraft.js';
import type { Application, BillingItem } from '../../domain/types.js';
import { guarded, type CommandIo } from '../common.js';
import { CATEGORY_NAMES } from '../services.js';
import { withEditSession, type EditContext } from './editSession.js';
import { onOff } from './mapping.js';

interface ServicesOptions {
  category: string[];
  integration?: string;
  reason?: string;
}

const SLOT_OF: Record<(typeof CATEGORY_NAMES)[number], Slot> = { workstations: 'workstation', servers: 'server', 'non-windows': 'nonWindows' };
const NAME_OF: Record<string, string> = { workstation: 'workstations', server: 'servers', nonWindows: 'non-windows' };

function categorySlotsOf(names: readonly string[]): Slot[] {
  return [
    ...new Set(
      names.map((n) => {
        const slot = SLOT_OF[n.toLowerCase() as keyof typeof SLOT_OF];
        if (!slot) throw new KmspError(`Unknown category “${n}”`, { kind: 'config', remedy: `Use ${CATEGORY_NAMES.join(', ')}.` });
        return slot;
      }),
    ),
  ];
}

/** The slots a command sets on a row: the categories named, or the one slot the row bills; refused as the tab would. */
function targetSlots(row: ServiceRow, byCategory: boolean, categories: readonly string[], verb: string): Slot[] {
  const named = categorySlotsOf(categories);
  const own = slotsFor(row, byCategory);
  if (named.length === 0) {
    if (own.length === 1) return [own[0]!];
    throw new KmspError(`Not ${verb}: “${row.name}” is billed by device category`, {
      kind: 'config',
      cause: `Billing by category is on, and “${row.name}” is installed on ${slotWords(own)}.`,
      remedy: `Name the category with --category ${own.map((s) => NAME_OF[s]).join('|')} (several: --category ${own.map((s) => NAME_OF[s]).join(',')}).`,
    });
  }
  if (!byCategory) {
    throw new KmspError(`Not ${verb}: billing by category is off`, { kind: 'config', cause: 'Each application bills one item for all its devices.', remedy: 'Leave --category out, or turn billing by category on first: kmsp services by-category on.' });
  }
  if (singleOnly(row)) {
    throw new KmspError(`Not ${verb}: “${row.name}” is counted per ${row.unit}, with one item whatever the category`, { kind: 'config', remedy: 'Leave --category out.' });
  }
  const misplaced = named.filter((s) => notApplicable(row, byCategory).includes(s) && verb === 'mapped');
  if (misplaced.length > 0) {
    throw new KmspError(`Not ${verb}: “${row.name}” is installed on ${slotWords(categorySlots(row))} only`, {
      kind: 'config',
      cause: `No ${slotWords(misplaced)} use it, so there is nothing to bill there.`,
      remedy: `Use --category ${categorySlots(row).map((s) => NAME_OF[s]).join('|')}.`,
    });
  }
  return named;
}

/** Saves the billing settings the Services tab's way, refusing what its Save refuses (partly chosen rows aside: see the top). */
function saveBilling(io: CommandIo, ctx: EditContext, rowsOf: (b: BillingSettings) => ServiceRow[], draft: BillingSettings, items: readonly BillingItem[], verb: string, reason?: string): void {
  const { session, integration } = ctx;
  const rows = rowsOf(draft);
  const itemById = new Map(items.map((i) => [i.id, i]));
  const blockers = saveBlockers(rows, draft.byCategory, itemById, { allowIncomplete: true });
  if (blockers.length > 0) {
    throw new KmspError(`Not ${verb}: ${blockers.length === 1 ? 'one problem' : `${blockers.length} problems`} to fix first`, {
      kind: 'config',
      cause: blockers.map((b) => b.message.replace(/ \(Enter on that cell\)/u, '')).join(' '),
      remedy: 'Clear or change the billing item named (kmsp services unmap APPLICATION --category …, or kmsp services map), then run the command again.',
    });
  }
  const next = normalize(draft, rows);
  const before = normalize(integration.billing);
  if (next.byCategory === before.byCategory && changedApps(before, next).size === 0) {
    io.out(`Nothing changed: ${ctx.paths.configFile} already says so.\n`);
    return;
  }
  const tab = psaProfile(integration.psa.kind).words.tabs.billingItems;
  const result = session.updateIntegration(integration.name, (i) => ({ ...i, billing: next }), reason || `${tab}: billing items`);
  io.out(`Saved in ${ctx.paths.configFile}: ${result.summary}\nRecorded in the ledger's config audit as ${ctx.actor}.\n`);
  for (const row of rows) {
    const partial = incomplete(row, draft.byCategory);
    if (!partial) continue;
    const missing = categorySlots(row).filter((s) => row.items[s] === null);
    io.err(
      `Warning: “${row.name}” has ${partial.chosen} of ${partial.of} billing items; its ${slotWords(missing)} are not billed until you choose ` +
        `${missing.length === 1 ? 'one' : 'theirs'}: kmsp services map "${row.name}" ITEM --category ${missing.map((s) => NAME_OF[s]).join(',')}\n`,
    );
  }
}

async function liveRows(ctx: EditContext): Promise<{ apps: Application[]; items: BillingItem[] }> {
  const [apps, items] = await Promise.all([(await ctx.session.platform(ctx.integration.name)).listApplications(), ctx.session.billingItems(ctx.integration.name)]);
  return { apps, items };
}

async function mapService(io: CommandIo, command: Command, appArg: string, itemArg: string, options: ServicesOptions): Promise<void> {
  await withEditSession(command, 'services map', { refused: 'Not mapped: ' }, async (ctx) => {
    const { integration } = ctx;
    const words = psaProfile(integration.psa.kind).words;
    const { apps, items } = await liveRows(ctx);
    const billing = integration.billing;
    const rows = buildRows(apps, billing);
    const found = resolveRef(appArg, rows.map((r) => ({ id: r.appId, name: r.name })), { what: 'application', listCommand: 'kmsp list applications' });
    const row = rows.find((r) => r.appId === found.id)!;
    if (row.unit === null) {
      throw new KmspError(`Not mapped: the platform does not list “${row.name}” now`, { kind: 'config', cause: 'It is not licensed to any tenant today, so its unit is unknown.', remedy: 'Map it once the platform lists it (kmsp list applications), or clear it: kmsp services unmap.' });
    }
    const item = resolveRef(itemArg, items, { what: words.billingItem, listCommand: 'kmsp list items' });
    if (!item.active) throw new KmspError(`Not mapped: ${words.billingItem} “${item.name}” (id ${item.id}) is inactive in ${words.name}`, { kind: 'config', remedy: `Choose an active one (kmsp list items), or make it active in ${words.name}.` });
    const choice: PsaChoice = { value: item.id, label: item.name };
    let draft = billing;
    for (const slot of targetSlots(row, billing.byCategory, options.category, 'mapped')) draft = setItem(draft, buildRows(apps, draft).find((r) => r.appId === row.appId)!, slot, choice);
    saveBilling(io, ctx, (b) => buildRows(apps, b), draft, items, 'mapped', options.reason?.trim());
    const after = buildRows(apps, draft).find((r) => r.appId === row.appId)!;
    const shown = (billing.byCategory && !singleOnly(after) ? CATEGORY_SLOTS.filter((s) => categorySlots(after).includes(s)) : (['single'] as Slot[])).map((s) => `${SLOT_TITLES[s]}: ${after.items[s]?.label ?? '—'}`);
    io.out(`“${after.name}” → ${shown.join('; ')}.\n`);
  });
}

async function unmapService(io: CommandIo, command: Command, appArg: string, options: ServicesOptions): Promise<void> {
  await withEditSession(command, 'services unmap', { refused: 'Not unmapped: ' }, async (ctx) => {
    const { integration } = ctx;
    const { apps, items } = await liveRows(ctx);
    const billing = integration.billing;
    const rows = buildRows(apps, billing);
    const found = resolveRef(appArg, rows.map((r) => ({ id: r.appId, name: r.name })), { what: 'application', listCommand: 'kmsp list applications' });
    const row = rows.find((r) => r.appId === found.id)!;
    const slots: Slot[] = options.category.length > 0 ? categorySlotsOf(options.category) : ['single', ...CATEGORY_SLOTS];
    let draft = billing;
    for (const slot of slots) draft = setItem(draft, buildRows(apps, draft).find((r) => r.appId === row.appId)!, slot, null);
    saveBilling(io, ctx, (b) => buildRows(apps, b), draft, items, 'unmapped', options.reason?.trim());
  });
}

async function byCategory(io: CommandIo, command: Command, value: string, options: { reason?: string }): Promise<void> {
  const on = onOff(value, 'by-category');
  await withEditSession(command, 'services by-category', { refused: 'Not changed: ' }, async (ctx) => {
    const { apps, items } = await liveRows(ctx);
    saveBilling(io, ctx, (b) => buildRows(apps, b), { ...ctx.integration.billing, byCategory: on }, items, 'changed', options.reason?.trim());
    io.out(`Billing by category is ${on ? 'on: Windows workstations, Windows servers and non-Windows devices bill separate items' : 'off: each application bills one item'}.\n`);
  });
}

export function servicesActions(io: CommandIo) {
  // Failures are said as every command says them: what, why, what to do; exit 1.
  const guard = <A extends unknown[]>(fn: (...args: A) => Promise<void>) => guarded(io, fn);
  return {
    map: guard((app: string, item: string, options: ServicesOptions, command: Command) => mapService(io, command, app, item, options)),
    unmap: guard((app: string, options: ServicesOptions, command: Command) => unmapService(io, command, app, options)),
    byCategory: guard((value: string, options: { reason?: string }, command: Command) => byCategory(io, command, value, options)),
  };
}
