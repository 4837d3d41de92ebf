// kmsp config export --mappings [FILE] / kmsp config import --mappings FILE [--online]: the
// Accounts tab's mappings as CSV, for bulk onboarding. Export writes one record per tenant of
// each integration (names and ids); import applies the file's records to those mappings
// (tenants not in the file keep theirs) with the Accounts tab's rules (domain/mappingEdit.ts),
// all or nothing: every record is checked first, and any problem — each reported with its line,
// cause and remedy — leaves the configuration unchanged. The save is the console's Accounts save
// (one per integration), audited, which also writes the tenant names into the PSA accounts.
//
// Without --online the file's ids are taken as they are (names from the file); a contract's owner
// and kind are checked by the billing job before it posts. With --online every tenant, account,
// contract and price level is looked up in the live platform and PSA, by id or by name, and a
// contract that cannot take usage today is refused like the billing job would refuse it.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { toCsv } from '../../billing/format.js';
import type { ConsoleSession } from '../../console/session.js';
import { elsewhereContext, initialAccountsState, saveBlockers, type AccountsState } from '../../domain/accountsDraft.js';
import { contractProblem } from '../../domain/billingChecks.js';
import type { Integration } from '../../domain/config.js';
import { parseCsv, unprotectCell } from '../../domain/csv.js';
import { calendarDate } from '../../domain/dates.js';
import { describeError, isKmspError, KmspError } from '../../domain/errors.js';
import { applyMapping, type MappingRequest } from '../../domain/mappingEdit.js';
import { billingWords, psaProfile } from '../../domain/profiles/index.js';
import { resolveRef, type NamedRef } from '../../domain/resolveRef.js';
import type { PriceLevel, PsaAccount, PsaContract, Tenant } from '../../domain/types.js';
import { CONFIG_FILE_MODE } from '../../store/config.js';
import { writeData, type CommandIo } from '../common.js';
import { chooseIntegration, integrationOption, openSession } from './editSession.js';
import { onOff, saveMappingDraft, tenantCandidates, vendorWords } from './mapping.js';

/** The columns, in order: the CSV header of export, and what import reads. */
export const MAPPING_COLUMNS = ['integration', 'tenantId', 'tenantName', 'accountId', 'accountName', 'billing', 'contractId', 'contractName', 'priceLevelId', 'priceLevelName'] as const;
type Column = (typeof MAPPING_COLUMNS)[number];

export function mappingsCsv(integrations: readonly Integration[]): string {
  const rows = integrations.flatMap((i) =>
    i.tenants.map((m) => ({
      integration: i.name,
      tenantId: m.tenantId,
      tenantName: m.tenantName,
      accountId: m.accountId,
      accountName: m.accountName,
      billing: m.billing ? 'on' : 'off',
      contractId: m.contractId,
      contractName: m.contractName,
      priceLevelId: m.priceLevelId ?? null,
      priceLevelName: m.priceLevelName ?? null,
    })),
  );
  return toCsv(rows, MAPPING_COLUMNS);
}

export async function exportMappings(io: CommandIo, command: Command, file: string | undefined): Promise<void> {
  const ctx = openSession(command, 'config export --mappings');
  try {
    const wanted = integrationOption(command);
    const integrations = wanted ? [chooseIntegration(ctx.session.config.integrations, wanted, ctx.paths.configFile)] : ctx.session.config.integrations;
    const text = mappingsCsv(integrations);
    if (!file) return writeData(io, text);
    const dest = path.resolve(file);
    fs.writeFileSync(dest, text, { mode: CONFIG_FILE_MODE });
    io.err(`Exported ${integrations.reduce((n, i) => n + i.tenants.length, 0)} mappings of ${integrations.map((i) => i.name).join(', ')} to ${dest}.\n`);
  } finally {
    await ctx.session.close();
  }
}

/** One problem of the file, for the report. */
interface RowProblem {
  line: number;
  message: string;
  cause?: string;
  remedy?: string;
}

function problemOf(line: number, error: unknown): RowProblem {
  if (isKmspError(error)) return { line, message: error.message, ...(error.why ? { cause: error.why } : {}), ...(error.remedy ? { remedy: error.remedy } : {}) };
  return { line, message: describeError(error).split('\n')[0]! };
}

interface CsvMapping {
  line: number;
  cells: Partial<Record<Column, string>>;
}

/** The file's header and records; problems for a header kmsp cannot read. */
function readRecords(text: string): { records: CsvMapping[]; problems: RowProblem[] } {
  const parsed = parseCsv(text);
  const problems: RowProblem[] = [];
  if (parsed.unclosedQuoteAt !== null) problems.push({ line: parsed.unclosedQuoteAt, message: 'A quoted field is never closed', remedy: 'Close the quote ("), or double a quote inside a quoted field ("").' });
  const [header, ...body] = parsed.records;
  if (!header) return { records: [], problems: [...problems, { line: 1, message: 'The file is empty', remedy: `Start with the header ${MAPPING_COLUMNS.join(',')} (kmsp config export --mappings writes one).` }] };
  const columns = header.fields.map((f) => f.trim());
  const unknown = columns.filter((c) => !(MAPPING_COLUMNS as readonly string[]).includes(c));
  if (unknown.length > 0) {
    problems.push({ line: header.line, message: `Unknown column${unknown.length === 1 ? '' : 's'} ${unknown.map((c) => `“${c}”`).join(', ')}`, cause: `The columns are ${MAPPING_COLUMNS.join(', ')} (tenantId or tenantName at least).`, remedy: 'Rename or remove the column; kmsp config export --mappings writes the header.' });
  }
  if (!columns.includes('tenantId') && !columns.includes('tenantName')) {
    problems.push({ line: header.line, message: 'No tenant column', cause: 'Each record names its tenant with tenantId or tenantName.', remedy: 'Add a tenantId (or tenantName) column.' });
  }
  const records: CsvMapping[] = [];
  for (const r of body) {
    if (r.fields.length > columns.length) {
      problems.push({ line: r.line, message: `${r.fields.length} fields, the header has ${columns.length}`, remedy: 'Quote a value that holds a comma ("Acme, Inc."), or remove the extra fields.' });
      continue;
    }
    const cells: Partial<Record<Column, string>> = {};
    columns.forEach((c, i) => {
      if ((MAPPING_COLUMNS as readonly string[]).includes(c)) cells[c as Column] = unprotectCell((r.fields[i] ?? '').trim());
    });
    records.push({ line: r.line, cells });
  }
  return { records, problems };
}

/** What --online reads once per integration. */
interface LiveLists {
  tenants: Array<Pick<Tenant, 'id' | 'name'>>;
  accounts: PsaAccount[];
  contracts: PsaContract[];
  priceLevels: PriceLevel[] | null;
}

/** The record's id column, else its name column, among `candidates`. */
function byIdOrName<T extends NamedRef>(id: string | undefined, name: string | undefined, candidates: readonly T[], what: string, list: string): T {
  if (id) {
    const found = candidates.find((c) => c.id === id);
    if (found) return found;
    throw new KmspError(`No ${what} has the id “${id}”`, { kind: 'config', ...(name ? { cause: `The record names it “${name}”.` } : {}), remedy: `Correct the id (\`${list}\` lists them), or leave it empty and give the name.` });
  }
  return resolveRef(name ?? '', candidates, { what, listCommand: list });
}

/** The mapping a record asks for, resolved against the live lists (online) or as the file says (offline). */
function requestOf(record: CsvMapping, integration: Integration, live: LiveLists | null): MappingRequest {
  const c = record.cells;
  const words = vendorWords(integration);
  const level = psaProfile(integration.psa.kind).posting.priceLevel;
  const billing = c.billing ? onOff(c.billing, 'billing') : undefined;
  const wantsAccount = Boolean(c.accountId || c.accountName);
  if (!live) {
    const known = integration.tenants.find((m) => m.tenantId === c.tenantId || (!c.tenantId && c.tenantName && m.tenantName === c.tenantName));
    const tenantId = c.tenantId || known?.tenantId;
    if (!tenantId) throw new KmspError(`No tenant id`, { kind: 'config', cause: `“${c.tenantName}” is not in integration “${integration.name}” yet, and without --online kmsp does not look names up.`, remedy: 'Give the tenantId (kmsp list tenants), or import with --online.' });
    const tenant = { id: tenantId, name: c.tenantName || known?.tenantName || tenantId };
    if (!wantsAccount) return { tenant, account: null };
    if (!c.accountId) throw new KmspError('No account id', { kind: 'config', cause: 'Without --online kmsp does not look names up.', remedy: 'Give the accountId (kmsp list accounts), or import with --online.' });
    const account = { id: c.accountId, name: c.accountName || c.accountId };
    const request: MappingRequest = { tenant, account, ...(billing !== undefined ? { billing } : {}) };
    if (c.contractId) {
      // Taken as the file says; the billing job checks the contract's owner, kind and dates before it posts.
      request.contract = { id: c.contractId, name: c.contractName || c.contractId, accountId: account.id, recurring: true, typeLabel: '', active: true, startDate: null, endDate: null };
    } else if (c.contractName) throw new KmspError('No contract id', { kind: 'config', cause: 'Without --online kmsp does not look names up.', remedy: `Give the contractId (kmsp list contracts ${account.id}), or import with --online.` });
    if (c.priceLevelId) request.priceLevel = { id: c.priceLevelId, name: c.priceLevelName || c.priceLevelId };
    else if (c.priceLevelName && level) throw new KmspError(`No ${level.word} id`, { kind: 'config', cause: 'Without --online kmsp does not look names up.', remedy: 'Give the priceLevelId (kmsp list price-levels), or import with --online.' });
    return request;
  }
  const tenant = byIdOrName(c.tenantId, c.tenantName, live.tenants, words.tenant, 'kmsp list tenants');
  if (!wantsAccount) return { tenant, account: null };
  const account = byIdOrName(c.accountId, c.accountName, live.accounts, words.account, 'kmsp list accounts');
  const request: MappingRequest = { tenant, account, ...(billing !== undefined ? { billing } : {}) };
  if (c.contractId || c.contractName) {
    const own = live.contracts.filter((k) => k.accountId === account.id);
    // An id of another account's contract is found, and refused by the console's rule naming its owner.
    request.contract = c.contractId && !own.some((k) => k.id === c.contractId) ? byIdOrName(c.contractId, c.contractName, live.contracts, words.psa.contract, `kmsp list contracts ${account.id}`) : byIdOrName(c.contractId, c.contractName, own, `${words.psa.contract} of “${account.name}”`, `kmsp list contracts ${account.id}`);
  }
  if (c.priceLevelId || c.priceLevelName) {
    if (!level || !live.priceLevels) throw new KmspError(`${words.psa.name} has no price levels`, { kind: 'config', remedy: 'Leave priceLevelId and priceLevelName empty.' });
    request.priceLevel = byIdOrName(c.priceLevelId, c.priceLevelName, live.priceLevels, level.word, 'kmsp list price-levels');
  }
  return request;
}

async function liveLists(session: ConsoleSession, integration: Integration): Promise<LiveLists> {
  const level = psaProfile(integration.psa.kind).posting.priceLevel;
  const [tenants, accounts, contracts, priceLevels] = await Promise.all([
    session.tenants(integration.name),
    session.accounts(integration.name),
    session.contracts(integration.name),
    level ? session.priceLevels(integration.name) : Promise.resolve(null),
  ]);
  return { tenants: tenantCandidates(tenants, integration), accounts, contracts, priceLevels };
}

export async function importMappings(io: CommandIo, command: Command, file: string, options: { online?: boolean }): Promise<void> {
  const source = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(source, 'utf8');
  } catch (error) {
    throw new KmspError(`Not imported: ${source} cannot be read`, { kind: 'config', cause: describeError(error).split('\n')[0], remedy: 'Check the path; the configuration was left unchanged.' });
  }
  const { records, problems } = readRecords(text);
  const ctx = openSession(command, 'config import --mappings', { refused: 'Not imported: ' });
  const { session, paths } = ctx;
  try {
    const config = session.config;
    // Each record's integration: its column, else --integration, else the only one.
    const groups = new Map<string, { integration: Integration; records: CsvMapping[] }>();
    for (const record of records) {
      try {
        const named = record.cells.integration || integrationOption(command);
        const integration = chooseIntegration(config.integrations, named, paths.configFile);
        const group = groups.get(integration.name) ?? { integration, records: [] };
        group.records.push(record);
        groups.set(integration.name, group);
      } catch (error) {
        problems.push(problemOf(record.line, error));
      }
    }
    const drafts: Array<{ integration: Integration; state: AccountsState; ctx: ReturnType<typeof elsewhereContext> }> = [];
    for (const { integration, records: mine } of groups.values()) {
      let live: LiveLists | null = null;
      if (options.online) {
        try {
          live = await liveLists(session, integration);
        } catch (error) {
          problems.push({ ...problemOf(mine[0]!.line, error), message: `Integration “${integration.name}” could not be checked against the live systems: ${isKmspError(error) ? error.message : describeError(error).split('\n')[0]}` });
          continue;
        }
      }
      const accountsCtx = elsewhereContext(integration, config.integrations);
      let state = initialAccountsState(integration.tenants);
      const lineOf = new Map<string, number>();
      const today = calendarDate(new Date(), config.agent.timeZone);
      for (const record of mine) {
        try {
          const request = requestOf(record, integration, live);
          const earlier = lineOf.get(request.tenant.id);
          if (earlier !== undefined) throw new KmspError(`The tenant “${request.tenant.name}” is also on line ${earlier}`, { kind: 'config', remedy: 'Keep one record per tenant.' });
          lineOf.set(request.tenant.id, record.line);
          const outcome = applyMapping(state, request, accountsCtx);
          if (outcome.refusal) throw new KmspError(outcome.refusal.message, { kind: 'config', remedy: 'Correct the record, or remove it.' });
          state = outcome.state;
          // Online, the contract is judged as the billing job judges it before posting (dates, active).
          const row = state.draft.find((r) => r.tenantId === request.tenant.id)!;
          if (live && row.billing && row.contractId) {
            const problem = contractProblem(row, live.contracts.find((k) => k.id === row.contractId), today, undefined, billingWords(integration.psa.kind));
            if (problem) throw new KmspError(problem.message, { kind: 'config', cause: problem.cause, remedy: 'Choose another contract, or set billing off for this record.' });
          }
        } catch (error) {
          problems.push(problemOf(record.line, error));
        }
      }
      for (const b of saveBlockers(state, accountsCtx)) problems.push({ line: lineOf.get(b.tenantId) ?? 0, message: b.message, remedy: lineOf.has(b.tenantId) ? 'Correct the record.' : 'This mapping is already in the configuration; fix it with kmsp map or kmsp unmap, or add a record for it.' });
      drafts.push({ integration, state, ctx: accountsCtx });
    }
    if (problems.length > 0) {
      problems.sort((a, b) => a.line - b.line);
      io.err(`Not imported: ${source} has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was changed:\n`);
      for (const p of problems) {
        io.err(`  ${p.line > 0 ? `line ${p.line}` : 'configuration'}: ${p.message}\n`);
        if (p.cause) io.err(`    Cause: ${p.cause}\n`);
        if (p.remedy) io.err(`    Remedy: ${p.remedy}\n`);
      }
      process.exitCode = 1;
      return;
    }
    if (records.length === 0) {
      io.out(`${source} holds no records; nothing changed.\n`);
      return;
    }
    for (const d of drafts) {
      const integration = session.integration(d.integration.name)!;
      io.out(`Integration “${integration.name}”:\n`);
      await saveMappingDraft(io, { paths, session, integration, actor: ctx.actor }, d.state, d.ctx, `run kmsp config import --mappings ${file} again`, `mappings imported from ${source}`);
    }
  } finally {
    await session.close();
  }
}
