// The actions of kmsp list (commands/list.ts declares them): what the platform and the PSA of an
// integration hold, read through the console's session (the same connectors and lists the
// console's tabs show), with names and ids. Column titles use the profiles' words.
import type { Command } from 'commander';
import { toCsv, toJson } from '../../billing/format.js';
import { contractsFor } from '../../domain/accountsDraft.js';
import { describeError, KmspError } from '../../domain/errors.js';
import { platformProfile, psaProfile } from '../../domain/profiles/index.js';
import { resolveRef } from '../../domain/resolveRef.js';
import { matchesQuery } from '../../domain/search.js';
import { sectionName } from '../../domain/ticketSchema.js';
import type { TicketFieldSpec } from '../../domain/profiles/types.js';
import { knownFormat, writeData, type CommandIo } from '../common.js';
import { LIST_FORMATS } from '../list.js';
import { withEditSession, type EditContext } from './editSession.js';

export type Format = (typeof LIST_FORMATS)[number];
type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

interface ListOptions {
  format: string;
  integration?: string;
  name?: string;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const yesNo = (b: boolean) => (b ? 'yes' : 'no');

/** One listing: its rows (data keys), the table's titles for them, and what to say when there are none. */
export interface Listing {
  rows: Row[];
  fields: readonly string[];
  titles: Record<string, string>;
  empty: string;
  /** The table's count line: "12 Autotask accounts". */
  counted: (n: number) => string;
  /** Columns a person types into the next command besides the ids (a rule's section and row): never cut either. */
  typed?: readonly string[];
}

export async function render(io: CommandIo, format: Format, listing: Listing): Promise<void> {
  if (format === 'csv') return writeData(io, toCsv(listing.rows, listing.fields));
  if (format === 'json') return writeData(io, toJson(listing.rows, listing.fields));
  if (listing.rows.length === 0) return io.out(`${listing.empty}\n`);
  const { renderTable } = await import('../../ui/print.js');
  // Where every id is the name (a platform that keys applications by name), one column says both.
  const fields = listing.rows.every((r) => r.id === r.name) ? listing.fields.filter((f) => f !== 'id') : listing.fields;
  const title = (f: string) => listing.titles[f] ?? f;
  const shown = listing.rows.map((r) => Object.fromEntries(fields.map((f) => [title(f), typeof r[f] === 'boolean' ? yesNo(r[f] as boolean) : (r[f] ?? '')])) as Record<string, string | number>);
  // Ids are what a person copies into the next command: never cut.
  const idWidth = (f: string) => Math.max(title(f).length, ...listing.rows.map((r) => String(r[f] ?? '').length));
  const minWidth = Object.fromEntries(fields.filter((f) => f === 'id' || f.endsWith('Id') || f === 'value' || listing.typed?.includes(f)).map((f) => [title(f), idWidth(f)]));
  io.out(`${renderTable(shown, { minWidth })}\n${listing.counted(listing.rows.length)}\n`);
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

async function tenants({ session, integration }: EditContext): Promise<Listing> {
  const words = platformProfile(integration.platform.kind).words;
  const account = psaProfile(integration.psa.kind).words.account;
  const mapped = new Map(integration.tenants.map((m) => [m.tenantId, m]));
  const rows = (await session.tenants(integration.name)).map((t) => {
    const m = mapped.get(t.id);
    return { name: t.name, id: t.id, enabled: t.enabled, inIntegration: m !== undefined, accountName: m?.accountName ?? null, accountId: m?.accountId ?? null, billing: m?.billing ?? false };
  });
  return {
    rows,
    fields: ['name', 'id', 'enabled', 'inIntegration', 'accountName', 'accountId', 'billing'],
    titles: { name: cap(words.tenant), id: 'Id', enabled: 'Enabled', inIntegration: 'In integration', accountName: `Mapped ${account}`, accountId: `${cap(account)} id`, billing: 'Billing' },
    empty: `${words.name} lists no ${words.tenants}.`,
    counted: (n) => plural(n, words.tenant, words.tenants),
  };
}

async function applications({ session, integration }: EditContext): Promise<Listing> {
  const apps = await (await session.platform(integration.name)).listApplications();
  const rows = [...apps].sort((a, b) => a.name.localeCompare(b.name)).map((a) => ({ name: a.name, id: a.id, unit: a.unit, categories: a.categories ? a.categories.join(' ') : 'any' }));
  return {
    rows,
    fields: ['name', 'id', 'unit', 'categories'],
    titles: { name: 'Application', id: 'Id', unit: 'Counted per', categories: 'Installs on' },
    empty: `${platformProfile(integration.platform.kind).words.name} lists no licensed applications.`,
    counted: (n) => plural(n, 'application', 'applications'),
  };
}

async function accounts({ session, integration }: EditContext, options: ListOptions): Promise<Listing> {
  const words = psaProfile(integration.psa.kind).words;
  const tenantWord = platformProfile(integration.platform.kind).words.tenant;
  const mapped = new Map(integration.tenants.filter((m) => m.accountId !== null).map((m) => [m.accountId!, m]));
  const rows = (await session.accounts(integration.name))
    .filter((a) => !options.name || matchesQuery(a.name, options.name))
    .map((a) => ({ name: a.name, id: a.id, active: a.active, type: a.type, tenantName: mapped.get(a.id)?.tenantName ?? null, tenantId: mapped.get(a.id)?.tenantId ?? null }));
  return {
    rows,
    fields: ['name', 'id', 'active', 'type', 'tenantName', 'tenantId'],
    titles: { name: `${words.short} ${words.account}`, id: 'Id', active: 'Active', type: 'Type', tenantName: `Mapped ${tenantWord}`, tenantId: `${cap(tenantWord)} id` },
    empty: options.name ? `No ${words.short} ${words.account} name contains “${options.name}”.` : `${words.name} lists no ${words.accounts}.`,
    counted: (n) => plural(n, `${words.short} ${words.account}`, `${words.short} ${words.accounts}`),
  };
}

async function contracts({ session, integration }: EditContext, accountQuery: string): Promise<Listing> {
  const words = psaProfile(integration.psa.kind).words;
  const account = resolveRef(accountQuery, await session.accounts(integration.name), { what: `${words.short} ${words.account}`, listCommand: 'kmsp list accounts' });
  const all = await session.contracts(integration.name);
  // Billable ones first (those usage can be posted to, as the Accounts tab offers them), then the others.
  const billable = contractsFor(account.id, all);
  const others = all.filter((c) => c.accountId === account.id && !c.recurring).sort((a, b) => a.name.localeCompare(b.name));
  const rows = [...billable, ...others].map((c) => ({ name: c.name, id: c.id, type: c.typeLabel, billable: c.recurring, active: c.active, startDate: c.startDate?.slice(0, 10) ?? null, endDate: c.endDate?.slice(0, 10) ?? null }));
  return {
    rows,
    fields: ['name', 'id', 'type', 'billable', 'active', 'startDate', 'endDate'],
    titles: { name: cap(words.contract), id: 'Id', type: 'Type', billable: 'Takes usage', active: 'Active', startDate: 'Starts', endDate: 'Ends' },
    empty: `${words.short} ${words.account} “${account.name}” (id ${account.id}) has no ${words.contracts}.`,
    counted: (n) => `${plural(n, words.contract, words.contracts)} of “${account.name}” (id ${account.id}); only ${words.billableContract}s take usage`,
  };
}

async function items({ session, integration }: EditContext): Promise<Listing> {
  const words = psaProfile(integration.psa.kind).words;
  const rows = [...(await session.billingItems(integration.name))].sort((a, b) => Number(b.active) - Number(a.active) || a.name.localeCompare(b.name)).map((i) => ({ name: i.name, id: i.id, active: i.active }));
  return {
    rows,
    fields: ['name', 'id', 'active'],
    titles: { name: cap(words.billingItem), id: 'Id', active: 'Active' },
    empty: `${words.name} lists no ${words.billingItems}.`,
    counted: (n) => plural(n, words.billingItem, words.billingItems),
  };
}

async function priceLevels({ session, integration }: EditContext): Promise<Listing> {
  const profile = psaProfile(integration.psa.kind);
  const level = profile.posting.priceLevel;
  if (!level) {
    throw new KmspError(`${profile.words.name} has no price levels to choose`, { kind: 'config', cause: `kmsp posts usage to ${profile.words.name} without a price level.`, remedy: 'Nothing to choose: map tenants without --price-level.' });
  }
  const rows = (await session.priceLevels(integration.name)).map((l) => ({ name: l.name, id: l.id }));
  return { rows, fields: ['name', 'id'], titles: { name: cap(level.word), id: 'Id' }, empty: `${profile.words.name} lists no ${level.words}.`, counted: (n) => plural(n, level.word, level.words) };
}

/** Where a field is set: General, General per scope value, or on a rule row. */
function fieldPlaces(integration: EditContext['integration']): Array<{ where: string; spec: TicketFieldSpec }> {
  const t = psaProfile(integration.psa.kind).ticketing;
  const scope = t.perScope ? t.row.find((s) => s.id === t.perScope!.field) ?? t.general.find((s) => s.id === t.perScope!.field) : undefined;
  return [
    ...t.general.map((spec) => ({ where: 'general', spec })),
    ...(t.perScope ? t.perScope.fields.map((spec) => ({ where: `general per ${scope?.label.toLowerCase() ?? t.perScope!.field}`, spec })) : []),
    ...t.row.map((spec) => ({ where: 'row', spec })),
  ];
}

async function ticketFields({ session, integration }: EditContext): Promise<Listing> {
  const picklists = await session.picklists(integration.name);
  const rows: Row[] = [];
  for (const { where, spec } of fieldPlaces(integration)) {
    for (const v of picklists[spec.list] ?? []) {
      if (spec.closedOnly && !v.closed) continue;
      if (spec.openOnly && v.closed) continue;
      rows.push({ where, field: spec.id, fieldLabel: spec.label, value: v.value, label: v.label, active: v.active, scope: v.parentValues?.join(' ') ?? v.parentValue });
    }
  }
  const word = psaProfile(integration.psa.kind).words.ticket;
  return {
    rows,
    fields: ['where', 'field', 'fieldLabel', 'value', 'label', 'active', 'scope'],
    typed: ['where', 'field'],
    titles: { where: 'Set in', field: 'Key', fieldLabel: 'Field', value: 'Value', label: 'Label', active: 'Active', scope: 'Scope' },
    empty: `${psaProfile(integration.psa.kind).words.name} offers no values for the ${word} fields.`,
    counted: (n) => `${plural(n, 'value', 'values')} of ${word} fields (kmsp ticketing set SECTION ROW KEY=VALUE takes the key, and the value or its label)`,
  };
}

async function ticketRules({ integration }: EditContext): Promise<Listing> {
  const platform = platformProfile(integration.platform.kind);
  const saved = integration.ticketing.sections;
  const rows: Row[] = [];
  for (const section of platform.sections) {
    for (const spec of section.rows) {
      const rule = saved[section.id]?.find((r) => r.key === spec.key);
      rows.push({ section: section.id, sectionName: sectionName(section), row: spec.key, label: spec.label, enabled: rule?.enabled ?? false, lifetimeDays: rule?.lifetimeDays ?? null, dueHours: rule?.dueHours ?? null });
    }
  }
  const word = psaProfile(integration.psa.kind).words.ticket;
  return {
    rows,
    fields: ['section', 'sectionName', 'row', 'label', 'enabled', 'lifetimeDays', 'dueHours'],
    typed: ['section', 'row'],
    titles: { section: 'Section', sectionName: 'Name', row: 'Row', label: 'Label', enabled: `Create ${word}`, lifetimeDays: 'Lifetime (days)', dueHours: 'Due (hours)' },
    empty: `${platform.words.name} has no ticket rule sections.`,
    counted: (n) => `${plural(n, 'rule row', 'rule rows')} (kmsp ticketing set SECTION ROW KEY=VALUE; SECTION general takes General fields)`,
  };
}

export function listActions(io: CommandIo) {
  const action =
    <A extends unknown[]>(build: (ctx: EditContext, options: ListOptions, ...args: A) => Promise<Listing>) =>
    async (...params: [...A, ListOptions, Command]) => {
      const command = params.at(-1) as Command;
      const options = params.at(-2) as ListOptions;
      const args = params.slice(0, -2) as unknown as A;
      if (!knownFormat(io, options.format, LIST_FORMATS)) return;
      try {
        const listing = await withEditSession(command, 'list', {}, (ctx) => build(ctx, options, ...args));
        await render(io, options.format as Format, listing);
      } catch (error) {
        io.err(describeError(error) + '\n');
        process.exitCode = 1;
      }
    };
  return {
    tenants: action((ctx) => tenants(ctx)),
    applications: action((ctx) => applications(ctx)),
    accounts: action((ctx, options) => accounts(ctx, options)),
    contracts: action((ctx, _options, account: string) => contracts(ctx, account)),
    items: action((ctx) => items(ctx)),
    priceLevels: action((ctx) => priceLevels(ctx)),
    ticketFields: action((ctx) => ticketFields(ctx)),
    ticketRules: action((ctx) => ticketRules(ctx)),
  };
}
