// The Accounts tab (README › The console, Accounts; mapping help): this integration's tenants
// (KSC virtual servers) with their PSA account, billing toggle and contract, and the price level
// where the PSA prices usage by one per account (profile posting.priceLevel). Where the PSA sets
// conditions of its own on billing an account (the port's billingReadiness), billed rows whose
// account is not ready are flagged with the PSA's problem and remedy: a warning, not a blocker.
// Rules live in domain/accountsDraft.ts (one-to-one refusals, blockers, UDF
// writes); mapping help in domain/mapping.ts; I/O in console/session.ts and
// console/accountsSave.ts. This file turns keys into reducer actions and draws
// the result. Suggestions are shown, never applied until the admin accepts them.
//
// Maintenance windows (README › Maintenance windows): a tenant in one says so in its row and the
// detail lines (until when, why, who set it); w adds a window for the cursor row's tenant (a
// dialog: duration, reason), W ends its windows. Device windows are set with kmsp maintenance
// (this tab lists no devices); the detail lines count them. Windows are kept in the ledger, not in
// the draft: adding or ending one is recorded at once, with no Save.
//
// Performance: everything derived from the draft and the live lists is memoised
// on its inputs (suggestions only on the tenant → account links, so a billing
// toggle on 10,000 rows does not recompute them); the table draws visible rows.
import { calendarDate } from '../../../domain/dates.js';
import { describeWindow, formatWindowTime, MAX_WINDOW_DAYS, MAX_WINDOW_MS, parseDuration, userTimeZone, windowState, type MaintenanceWindow } from '../../../domain/maintenance.js';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Box, Text } from 'ink';
import {
  accountChoices,
  accountsReducer,
  billedAccountIds,
  changedTenants,
  contractsFor,
  elsewhereContext,
  initialAccountsState,
  saveBlockers,
  sortPriceLevels,
  tenantsOffered,
  type AccountsAction,
  type AccountsContext,
  type AccountsState,
} from '../../../domain/accountsDraft.js';
import { psaAccountWord, quoteName, suggestMappings, withArticle, CONFIDENCE_LABELS, type MappingSuggestion, type NoSuggestion, type SuggestionResult } from '../../../domain/mapping.js';
import { platformLabel, psaLabel, tenantWord, type Integration, type TenantMapping } from '../../../domain/config.js';
import { accountFieldName, platformProfile, psaProfile } from '../../../domain/profiles/index.js';
import type { AccountBillingReadiness, PriceLevel, PsaAccount, PsaContract, Tenant } from '../../../domain/types.js';
import type { PriceLevelWords } from '../../../domain/profiles/types.js';
import { saveAccounts, saveBlockedError, saveNotice } from '../../../console/accountsSave.js';
import { rebaseOnTheirs } from '../../../domain/configMerge.js';
import type { ConsoleSession } from '../../../console/session.js';
import { Table, useTable, useCommands, useDirty, useScreen, useTheme, formatCount, truncate, displayWidth, type Column, type Command, type Notice, type ScreenDefinition, type ScreenProps, type SelectOption } from '../../index.js';
import { useLoad, type Loaded } from '../use-load.js';
import { ChangeTracker, detailParagraphs, DriftTracker, flagTone, groupBy, LinksTracker, PRICE_LEVEL_KEY, RowBuilder, RowOrder, wrapDetail, type AccountRow, type DetailLine } from './model.js';

export interface AccountsScreenOptions {
  readonly session: ConsoleSession;
  readonly integrationName: string;
}

export function createAccountsScreen(options: AccountsScreenOptions): ScreenDefinition {
  const kind = options.session.integration(options.integrationName)?.psa.kind;
  // The PSA's own word for the tab (ConnectWise: Companies).
  const title = kind ? psaProfile(kind).words.tabs.accounts : 'Accounts';
  return { id: 'accounts', title, render: (props) => <AccountsScreen {...props} {...options} /> };
}

type Props = ScreenProps & AccountsScreenOptions;

export function AccountsScreen(props: Props) {
  // Read once per mount: "discard unsaved changes" remounts the screen, which reloads saved state.
  const [integration] = useState(() => props.session.integration(props.integrationName));
  if (!integration) {
    return <Text wrap="truncate-end">{truncate(` There is no integration named ${quoteName(props.integrationName)}. Create it on Connections first.`, props.width)}</Text>;
  }
  return <AccountsEditor {...props} integration={integration} />;
}

/** Lines under the table for the cursor row's details (fewer on short terminals), then the data line. */
const DETAIL_LINES = 3;
const EMPTY_STATE: AccountsState = { saved: [], draft: [] };
const NOT_READY_NONE: ReadonlyMap<string, AccountBillingReadiness> = new Map<string, AccountBillingReadiness>();
/**
 * Billed accounts whose readiness one read asks the PSA about: it may answer one account per
 * request, so a load of 10,000 billed rows does not become 10,000 requests. The data line says
 * when there were more.
 */
const READINESS_MAX = 500;

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

function describeLoadError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// Tones only where a cell says something, and none without colour: a row without
// tones draws as one Text, which keeps frames cheap. Words and glyphs carry the meaning.
function columnsFor(tenantTitle: string, accountTitle: string, contractTitle: string, levelWords: PriceLevelWords | undefined, colored: boolean, inMaintenance: ReadonlySet<string>): Column<AccountRow>[] {
  const columns: Column<AccountRow>[] = [
    { key: 'flag', title: ' ', width: 1, filterable: false, render: (r) => r.flag, tone: flagTone },
    {
      key: 'tenant',
      title: tenantTitle,
      minWidth: 14,
      grow: 3,
      render: (r) => (r.tenantName || `(unnamed, id ${r.tenantId})`) + (inMaintenance.has(r.tenantId) ? ' (maintenance)' : ''),
      tone: (r) => (inMaintenance.has(r.tenantId) ? 'warning' : undefined),
    },
    { key: 'account', title: accountTitle, minWidth: 12, grow: 3, filterable: false, render: (r) => (r.accountId === null ? '—' : r.accountName || `(id ${r.accountId})`) },
    { key: 'billing', title: 'Billing', width: 7, filterable: false, render: (r) => (r.billing ? 'on' : 'off'), tone: (r) => (r.billing ? 'success' : undefined) },
    {
      key: 'contract',
      title: contractTitle,
      minWidth: 10,
      grow: 3,
      filterable: false,
      render: (r) => (r.contractId !== null ? r.contractName || `(id ${r.contractId})` : r.billing ? '— required' : '—'),
      tone: (r) => (r.billing && r.contractId === null ? 'danger' : undefined),
    },
  ];
  // Only where the PSA prices usage by a price level per account; a billed account needs one.
  if (levelWords) {
    const required = (r: AccountRow) => r.billing && r.accountId !== null && r.priceLevelId === null;
    columns.push({
      key: 'priceLevel',
      title: levelWords.label,
      // Its title whole at 80 columns; level names are short, so the others get the room left.
      minWidth: Math.max(10, displayWidth(levelWords.label)),
      maxWidth: 24,
      grow: 1,
      filterable: false,
      render: (r) => (r.priceLevelId !== null ? r.priceLevelName || `(id ${r.priceLevelId})` : required(r) ? '— required' : '—'),
      tone: (r) => (required(r) ? 'danger' : undefined),
    });
  }
  return colored ? columns : columns.map(({ tone: _tone, ...column }) => column);
}

function AccountsEditor({ session, integrationName, integration, width, height, active }: Props & { integration: Integration }) {
  const screen = useScreen();
  const theme = useTheme();
  const screenRef = useRef(screen);
  screenRef.current = screen;

  const platformKind = integration.platform.kind;
  const psaKind = integration.psa.kind;
  const tWord = tenantWord(platformKind);
  const tWords = tenantWord(platformKind, true);
  const platformName = platformLabel(platformKind);
  const platformShort = platformProfile(platformKind).words.short;
  const disabledWord = platformProfile(platformKind).words.tenantDisabled;
  const psaName = psaLabel(psaKind);
  const accountWord = psaAccountWord(psaKind);
  const psaWords = psaProfile(psaKind).words;
  // Where both call their records the same ("companies" in Business Hub and in ConnectWise), the
  // titles say whose: "Business Hub company" beside "ConnectWise company".
  const sameWord = tWord.toLowerCase() === psaWords.account.toLowerCase();
  const tenantTitle = sameWord ? `${platformShort} ${tWord}` : capitalise(tWord);
  const tenantsTitle = sameWord ? `${platformShort} ${tWords}` : tWords;
  const billable = psaWords.billableContract;
  /** Present where the PSA prices usage at a price level chosen per account. */
  const levelWords = psaProfile(psaKind).posting.priceLevel;

  // Draft ------------------------------------------------------------------
  const [state, setState] = useState<AccountsState>(() => initialAccountsState(integration.tenants));
  const stateRef = useRef(state);
  const [configVersion, setConfigVersion] = useState(0);
  const ctx = useMemo<AccountsContext>(() => {
    const current = session.integration(integrationName) ?? integration;
    return elsewhereContext(current, session.config.integrations);
    // configVersion: recomputed after this screen saved the configuration.
  }, [session, integrationName, integration, configVersion]);
  const ctxRef = useRef(ctx);
  ctxRef.current = ctx;
  /** Refusals of the last action, by tenant id: shown in the detail lines of those rows. */
  const [refusals, setRefusals] = useState<ReadonlyMap<string, string>>(new Map());
  const [saving, setSaving] = useState(false);
  /** Tenant names the last save could not write to PSA accounts: Ctrl-S stays available to write them. */
  const [namesOwed, setNamesOwed] = useState(0);

  const apply = useCallback((action: AccountsAction) => {
    const outcome = accountsReducer(stateRef.current, action, ctxRef.current);
    stateRef.current = outcome.state;
    setState(outcome.state);
    // Refusals show in the detail lines of their rows (bulk: one per skipped suggestion).
    const next = new Map<string, string>();
    const refusal = outcome.refusal;
    if (refusal) {
      const causes = refusal.causes ?? [];
      if (causes.length > 1) {
        for (const cause of causes) if (cause.tenantId) next.set(cause.tenantId, cause.message);
      } else if (refusal.tenantId) next.set(refusal.tenantId, refusal.message);
      else screenRef.current.notify(refusal.message, 'warning');
    }
    setRefusals(next);
    return outcome;
  }, []);

  // Live data (keys keep working while it loads) -----------------------------
  const tenantsLoad = useLoad((refresh) => session.tenants(integrationName, refresh), [session, integrationName]);
  const accountsLoad = useLoad((refresh) => session.accounts(integrationName, refresh), [session, integrationName]);
  const contractsLoad = useLoad((refresh) => session.contracts(integrationName, refresh), [session, integrationName]);
  const tenants = tenantsLoad.data ?? null;
  const accounts = accountsLoad.data ?? null;
  const contracts = contractsLoad.data ?? null;
  const priceLevelsLoad = useLoad((refresh) => (levelWords ? session.priceLevels(integrationName, refresh) : Promise.resolve(null)), [session, integrationName, levelWords]);
  const priceLevels = priceLevelsLoad.data ?? null;
  // Readiness of the billed accounts, where the PSA sets conditions of its own: read on load, on
  // r and after Save (round), for the billed rows of the draft at that moment, never per edit.
  const [readinessRound, setReadinessRound] = useState(0);
  const readinessLoad = useLoad(async () => {
    const { ids, total } = billedAccountIds(stateRef.current.draft, READINESS_MAX);
    const results = await session.billingReadiness(integrationName, ids);
    return results === null ? null : { results, checked: ids.length, total };
  }, [session, integrationName, readinessRound]);
  const readiness = readinessLoad.data ?? null;
  useEffect(() => {
    if (tenantsLoad.error) screenRef.current.notify(tenantsLoad.error);
  }, [tenantsLoad.error]);
  useEffect(() => {
    if (accountsLoad.error) screenRef.current.notify(accountsLoad.error);
  }, [accountsLoad.error]);
  useEffect(() => {
    if (contractsLoad.error && !accountsLoad.error) screenRef.current.notify(contractsLoad.error);
  }, [contractsLoad.error, accountsLoad.error]);
  useEffect(() => {
    if (priceLevelsLoad.error && !accountsLoad.error && !contractsLoad.error) screenRef.current.notify(priceLevelsLoad.error);
  }, [priceLevelsLoad.error, accountsLoad.error, contractsLoad.error]);

  // Derived (memoised on inputs) ---------------------------------------------
  const draft = state.draft;
  const tenantById = useMemo(() => (tenants ? new Map(tenants.map((t) => [t.id, t])) : null), [tenants]);
  const accountById = useMemo(() => (accounts ? new Map(accounts.map((a) => [a.id, a])) : null), [accounts]);
  const contractById = useMemo(() => (contracts ? new Map(contracts.map((c) => [c.id, c])) : null), [contracts]);
  const priceLevelById = useMemo(() => (priceLevels ? new Map(priceLevels.map((l) => [l.id, l])) : null), [priceLevels]);
  // Not-ready accounts as the PSA last answered, then by tenant for the billed rows of the draft
  // (turning billing off clears a row's warning at once; a newly billed account is read after Save).
  const notReadyByAccount = useMemo(() => {
    const out = new Map<string, AccountBillingReadiness>();
    for (const r of readiness?.results ?? []) if (!r.ready) out.set(r.accountId, r);
    return out;
  }, [readiness]);
  // Per-row caches: an edit recomputes the edited row, not 10,000 (the reducer keeps other rows identical).
  const changeTracker = useRef(new ChangeTracker());
  const driftTracker = useRef(new DriftTracker());
  const changes = useMemo(() => changeTracker.current.compute(state), [state]);
  const dirty = changes.count > 0;
  useDirty(dirty);
  const blockers = useMemo(() => saveBlockers(state, ctx), [state, ctx]);
  const blockersById = useMemo(() => groupBy(blockers, (b) => b.tenantId), [blockers]);
  // A Save refused for these blockers says so in the status line; that message follows them:
  // it names the problems left as rows are fixed, and goes when none is left (unless another
  // message has replaced it meanwhile).
  const blockedNotice = useRef<{ notice: Notice; key: string } | null>(null);
  useEffect(() => {
    const shown = blockedNotice.current;
    if (!shown) return;
    if (!screenRef.current.isShowing(shown.notice)) {
      blockedNotice.current = null;
      return;
    }
    const key = blockers.map((b) => b.message).join('\n');
    if (key === shown.key) return;
    if (blockers.length === 0) {
      screenRef.current.clearNotice(shown.notice);
      blockedNotice.current = null;
    } else blockedNotice.current = { notice: screenRef.current.notify(saveBlockedError(blockers, ctxRef.current)), key };
  }, [blockers]);
  // Today in the agent's zone: a billed tenant's contract must run on it (the billing run checks the same).
  const today = calendarDate(new Date(), session.config.agent.timeZone);
  const driftById = useMemo(
    () => driftTracker.current.compute(draft, tenantById, accountById, contractById, { platform: platformKind, psa: psaKind, today }, priceLevelById),
    [draft, tenantById, accountById, contractById, platformKind, psaKind, today, priceLevelById],
  );
  const notReadyById = useMemo(() => {
    if (notReadyByAccount.size === 0) return NOT_READY_NONE;
    const out = new Map<string, AccountBillingReadiness>();
    for (const r of draft) {
      const hit = r.billing && r.accountId !== null ? notReadyByAccount.get(r.accountId) : undefined;
      if (hit) out.set(r.tenantId, hit);
    }
    return out;
  }, [draft, notReadyByAccount]);
  const renameCount = useMemo(() => {
    let n = 0;
    for (const list of driftById.values()) for (const d of list) if (d.kind.endsWith('-renamed')) n++;
    return n;
  }, [driftById]);

  // Suggestions depend only on which tenants hold which accounts, not on billing or
  // contracts. On 10,000 × 10,000 they take a while, so they are computed after the
  // frame that shows the edit (a burst of keys computes them once); until then the
  // previous ones show, minus any for an account taken meanwhile (buildRows).
  const linksTracker = useRef(new LinksTracker());
  const links = useMemo(() => linksTracker.current.key(draft), [draft]);
  const draftRef = useRef(draft);
  draftRef.current = draft;
  const [suggested, setSuggested] = useState<{ links: number; result: SuggestionResult } | null>(null);
  useEffect(() => {
    if (!accounts) return;
    const handle = setTimeout(() => {
      const rows = draftRef.current;
      const live = rows.map((r): Tenant => tenantById?.get(r.tenantId) ?? { id: r.tenantId, name: r.tenantName, enabled: true });
      // Accounts held by other integrations on the same PSA are not free either.
      const taken: TenantMapping[] = [...rows];
      for (const [accountId, owner] of ctx.accountsElsewhere ?? []) {
        taken.push({ tenantId: `${owner.integrationName}\u0000${owner.tenantId}`, tenantName: owner.tenantName, accountId, accountName: null, billing: false, contractId: null, contractName: null });
      }
      setSuggested({ links, result: suggestMappings(live, accounts, taken, { psa: psaKind }) });
    }, 0);
    return () => clearTimeout(handle);
  }, [links, accounts, tenantById, ctx, psaKind]);
  const suggestionResult = accounts ? (suggested?.result ?? null) : null;
  const suggesting = accounts !== null && suggested?.links !== links;
  const suggestionsById = useMemo(() => new Map<string, MappingSuggestion>((suggestionResult?.suggestions ?? []).map((s) => [s.tenantId, s])), [suggestionResult]);
  const unmatchedById = useMemo(() => new Map<string, NoSuggestion>((suggestionResult?.unmatched ?? []).map((u) => [u.tenantId, u])), [suggestionResult]);

  const orderCache = useRef(new RowOrder());
  const rowBuilder = useRef(new RowBuilder());
  const rows = useMemo(
    () => rowBuilder.current.build({ draft, order: orderCache.current.indexes(draft), changes: changes.byId, drift: driftById, blockers: blockersById, suggestions: suggestionsById, notReady: notReadyById }),
    [draft, changes, driftById, blockersById, suggestionsById, notReadyById],
  );
  const suggestionCount = useMemo(() => rows.reduce((n, r) => n + (r.suggestion ? 1 : 0), 0), [rows]);

  // Maintenance windows (the ledger's; read again after w, W and r) -------------
  const [windowsRound, setWindowsRound] = useState(0);
  const zone = useMemo(() => userTimeZone(), []);
  const windows = useMemo(() => {
    try {
      return session.maintenanceWindows(integration.name);
    } catch {
      // A ledger that cannot be read shows no window; w and W say why when used.
      return [] as MaintenanceWindow[];
    }
  }, [session, integration.name, windowsRound]);
  const windowsByTenant = useMemo(() => groupBy(windows, (w) => w.tenantId), [windows]);
  const inMaintenance = useMemo(() => {
    const now = new Date();
    return new Set(windows.filter((w) => w.deviceId === null && windowState(w, now) === 'active').map((w) => w.tenantId));
  }, [windows]);

  // Table --------------------------------------------------------------------
  const accountTitle = accountWord;
  const columns = useMemo(
    () => columnsFor(tenantTitle, accountTitle, capitalise(psaWords.contract), levelWords, theme.colored, inMaintenance),
    [tenantTitle, accountTitle, psaWords.contract, levelWords, theme.colored, inMaintenance],
  );
  // The table keeps at least 3 rows (title, header and rows take 2 more); details shrink first.
  const bottomLines = Math.max(0, Math.min(height >= 14 ? DETAIL_LINES + 1 : 3, height - 5));
  const detailLines = Math.max(0, bottomLines - 1);
  const tableHeight = Math.max(1, height - bottomLines);
  // Registered before the table's own keys so `?` lists the Accounts keys first;
  // priority 1 puts them first in the footer too. The list is filled below, in
  // this same render (the registration reads it after the render commits).
  const commands: Command[] = [];
  useCommands(psaWords.tabs.accounts, commands, { active, priority: 1 });
  const table = useTable({ rows, columns, getRowId: (r) => r.tenantId, height: tableHeight, active, group: 'Table' });
  const row = table.cursorRow;
  const filterMode = table.filterMode;

  // Actions ------------------------------------------------------------------
  const notLoaded = (what: Loaded<unknown>, noun: string, source: string): boolean => {
    if (what.data !== undefined) return false;
    if (what.loading) screen.notify(`Still loading ${noun} from ${source}…`);
    else screen.notify({ kind: 'error', text: `${capitalise(noun)} could not be loaded from ${source}: ${describeLoadError(what.error)}`, remedy: 'Press r to try again.' });
    return true;
  };

  async function addRemove() {
    if (notLoaded(tenantsLoad, tWords, platformName) || !tenants) return;
    const current = stateRef.current;
    const offered = tenantsOffered(tenants, { name: integration.name, platform: integration.platform, tenants: current.draft }, session.config.integrations);
    const hidden = tenants.length - offered.filter((o) => !o.missing).length;
    const byId = new Map(current.draft.map((r) => [r.tenantId, r]));
    const items = offered.map((o) => {
      const mapped = byId.get(o.tenantId);
      const notes = [o.missing ? `no longer in ${platformShort}` : !o.enabled ? `${disabledWord} in ${platformShort}` : '', mapped?.accountId ? `mapped to ${mapped.accountName ?? mapped.accountId}` : ''].filter(Boolean);
      return { id: o.tenantId, label: o.tenantName || `(unnamed, id ${o.tenantId})`, ...(notes.length ? { detail: notes.join(' · ') } : {}) };
    });
    const checked = await screen.checklist({
      title: `Add / remove ${tenantsTitle}`,
      description: hidden > 0
        ? `Checked = in “${integration.name}”; ${plural(hidden, tWord, tWords)} in other integrations not listed.`
        : `Checked = in “${integration.name}”. Unchecking breaks only the link.`,
      items,
      initialChecked: offered.filter((o) => o.checked).map((o) => o.tenantId),
    });
    if (checked === undefined) return;
    const keep = new Set(checked);
    const now = stateRef.current;
    const removedMapped = now.draft.filter((r) => !keep.has(r.tenantId) && r.accountId !== null);
    if (removedMapped.length > 0) {
      const listed = removedMapped.map((r) => `${r.tenantName} → ${r.accountName ?? r.accountId}`);
      const yes = await screen.confirm({
        title: `Remove mapped ${tWords}`,
        message: `Remove ${plural(removedMapped.length, `mapped ${tWord}`, `mapped ${tWords}`)} and ${removedMapped.length === 1 ? 'its mapping' : 'their mappings'}?`,
        detail: [`Only the link is broken; Save clears “${accountFieldName(integration.psa)}” on the ${psaName} ${removedMapped.length === 1 ? psaWords.account : psaWords.accounts}.`, ...listed],
        danger: true,
      });
      if (!yes) return;
    }
    const names = new Map(offered.map((o) => [o.tenantId, o.tenantName]));
    const before = stateRef.current.draft.length;
    const outcome = apply({ type: 'setTenants', tenants: checked.map((id) => ({ id, name: names.get(id) ?? id })) });
    if (!outcome.refusal) {
      const after = outcome.state.draft;
      const had = new Set(now.draft.map((d) => d.tenantId));
      const added = after.filter((r) => !had.has(r.tenantId)).length;
      const removed = before - (after.length - added);
      if (added + removed > 0) screen.notify(`${[added ? `${plural(added, tWord, tWords)} added` : '', removed ? `${plural(removed, tWord, tWords)} removed` : ''].filter(Boolean).join(', ')}; press Ctrl-S to save.`);
    }
  }

  const sortedAccounts = useMemo(() => (accounts ? accountChoices(accounts, EMPTY_STATE, '').map((c) => c.account) : null), [accounts]);
  // Label and type/inactive detail of each account, built once per list: the dropdown lists all 10,000.
  const accountTexts = useMemo(
    () => new Map((sortedAccounts ?? []).map((a) => [a, { label: a.name || `(unnamed, id ${a.id})`, detail: [a.type, a.active ? '' : 'inactive'].filter(Boolean).join(' · ') }])),
    [sortedAccounts],
  );

  async function chooseAccount(target: AccountRow) {
    if (notLoaded(accountsLoad, `${psaName} ${psaWords.accounts}`, psaName) || !sortedAccounts || !accountById) return;
    const holders = new Map<string, string>();
    for (const r of stateRef.current.draft) if (r.accountId !== null && r.tenantId !== target.tenantId) holders.set(r.accountId, `mapped to ${quoteName(r.tenantName, r.tenantId)}`);
    for (const [id, owner] of ctx.accountsElsewhere ?? []) if (!holders.has(id)) holders.set(id, `mapped to ${quoteName(owner.tenantName, owner.tenantId)} in integration ${quoteName(owner.integrationName)}`);
    const suggestion = target.suggestion;
    const option = (a: PsaAccount, note = ''): SelectOption<string> => {
      const texts = accountTexts.get(a);
      const label = texts?.label ?? (a.name || `(unnamed, id ${a.id})`);
      const detail = texts && !note ? texts.detail : [a.type, a.active ? '' : 'inactive', note].filter(Boolean).join(' · ');
      const disabled = holders.get(a.id);
      return disabled === undefined ? { value: a.id, label, detail } : { value: a.id, label, detail, disabled };
    };
    // The suggested account first, where the cursor starts: one Enter accepts it, but only the admin's.
    const suggested = suggestion ? accountById.get(suggestion.accountId) : undefined;
    const options: SelectOption<string>[] = suggestion && suggested ? [option(suggested, `suggested (${CONFIDENCE_LABELS[suggestion.confidence]})`)] : [];
    for (const a of sortedAccounts) if (a !== suggested) options.push(option(a));
    const mapped = target.accountId !== null;
    const chosen = await screen.select<string>({
      title: `${accountWord} for ${target.tenantName}`,
      options,
      // "(none)" unmaps, so it is offered where there is something to unmap.
      ...(mapped ? { allowNone: '(none: unmap)', initialValue: target.accountId } : {}),
      noun: `${psaName} ${psaWords.accounts}`,
    });
    if (chosen === undefined) return;
    const account = chosen === null ? null : (accountById.get(chosen) ?? null);
    if (chosen !== null && !account) return;
    apply({ type: 'mapAccount', tenantId: target.tenantId, account });
  }

  async function chooseContract(target: AccountRow) {
    if (target.accountId === null) {
      setRefusals(new Map([[target.tenantId, `${quoteName(target.tenantName, target.tenantId)}: map ${withArticle(accountWord)} before choosing ${withArticle(psaWords.contract)}.`]]));
      return;
    }
    if (notLoaded(contractsLoad, 'contracts', psaName) || !contracts) return;
    const day = calendarDate(new Date(), session.config.agent.timeZone);
    const list: PsaContract[] = contractsFor(target.accountId, contracts, day);
    const options: SelectOption<string>[] = list.map((c) => {
      const start = c.startDate?.slice(0, 10) ?? null;
      const end = c.endDate?.slice(0, 10) ?? null;
      // Its type where the PSA lists contracts of several kinds here (two agreements of one
      // account and start date are told apart by it), and whether it runs today.
      const type = c.typeLabel && c.typeLabel !== psaWords.billableKind ? c.typeLabel : '';
      const runs = end !== null && end < day ? 'ended' : start !== null && start > day ? 'not started' : '';
      return {
        value: c.id,
        label: c.name || `(unnamed, id ${c.id})`,
        detail: [start || end ? `${start ?? '…'} – ${end ?? '…'}` : '', type, runs, c.active ? '' : 'inactive'].filter(Boolean).join(' · '),
      };
    });
    const chosen = await screen.select<string>({
      title: `${capitalise(billable)} for ${target.tenantName} (${target.accountName ?? target.accountId})`,
      options,
      // "(none)" clears the contract, so it is offered once there is one to clear.
      ...(target.contractId !== null ? { allowNone: '(none)', initialValue: target.contractId } : {}),
      noun: list.length === 1 ? billable : `${billable}s`,
    });
    if (chosen === undefined) return;
    const contract = chosen === null ? null : (list.find((c) => c.id === chosen) ?? null);
    apply({ type: 'setContract', tenantId: target.tenantId, contract });
  }

  async function choosePriceLevel(target: AccountRow, words: PriceLevelWords) {
    if (target.accountId === null) {
      setRefusals(new Map([[target.tenantId, `${quoteName(target.tenantName, target.tenantId)}: map ${withArticle(accountWord)} before choosing ${withArticle(words.word)}.`]]));
      return;
    }
    if (notLoaded(priceLevelsLoad, words.words, psaName) || !priceLevels) return;
    const list: PriceLevel[] = sortPriceLevels(priceLevels);
    const options: SelectOption<string>[] = list.map((l) => ({ value: l.id, label: l.name || `(unnamed, id ${l.id})` }));
    // A saved choice the PSA no longer lists stays visible where the cursor starts, so it can be seen and replaced.
    if (target.priceLevelId !== null && !priceLevelById?.has(target.priceLevelId)) {
      options.unshift({ value: target.priceLevelId, label: target.priceLevelName || `(id ${target.priceLevelId})`, detail: `no longer in ${psaName}`, disabled: `no longer in ${psaName}` });
    }
    const chosen = await screen.select<string>({
      title: `${words.label} for ${target.tenantName} (${target.accountName ?? target.accountId})`,
      options,
      ...(target.priceLevelId !== null ? { allowNone: '(none)', initialValue: target.priceLevelId } : {}),
      noun: list.length === 1 ? words.word : words.words,
    });
    if (chosen === undefined) return;
    const priceLevel = chosen === null ? null : (list.find((l) => l.id === chosen) ?? null);
    if (chosen !== null && !priceLevel) return;
    apply({ type: 'setPriceLevel', tenantId: target.tenantId, priceLevel });
  }

  function acceptOne(target: AccountRow) {
    if (notLoaded(accountsLoad, `${psaName} ${psaWords.accounts}`, psaName)) return;
    if (!target.suggestion) {
      const why = target.accountId !== null ? `${quoteName(target.tenantName)} is mapped already.` : (unmatchedById.get(target.tenantId)?.message ?? 'No suggestion for this row.');
      setRefusals(new Map([[target.tenantId, why]]));
      return;
    }
    const outcome = apply({ type: 'acceptSuggestions', suggestions: [target.suggestion] });
    if (!outcome.refusal) screen.notify(`Mapped ${target.tenantName} to ${target.suggestion.accountName}; press Ctrl-S to save.`);
  }

  async function acceptAll() {
    if (notLoaded(accountsLoad, `${psaName} ${psaWords.accounts}`, psaName)) return;
    const shown = table.rows.filter((r) => r.suggestion).map((r) => r.suggestion!);
    const filtered = table.filter !== '';
    if (shown.length === 0) {
      screen.notify(filtered ? `No suggestions among the rows matching “${table.filter}”.` : 'No suggestions: every row is mapped or has no close match.');
      return;
    }
    // Every suggestion, not the first screenful: the dialog scrolls, so each can be read before the yes.
    const listed = shown.map((s) => `${s.tenantName} → ${s.accountName} (${CONFIDENCE_LABELS[s.confidence]})`);
    const yes = await screen.confirm({
      title: 'Accept suggestions',
      message: `Map ${plural(shown.length, tWord, tWords)} as suggested${filtered ? ` (rows matching “${table.filter}”)` : ''}?`,
      detail: listed,
    });
    if (!yes) return;
    if (shown.length > 500) {
      // Thousands take a moment (each is checked against the draft): say so in this frame, work in the next.
      screen.notify(`Accepting ${plural(shown.length, 'suggestion')}…`);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const outcome = apply({ type: 'acceptSuggestions', suggestions: shown });
    const skipped = outcome.refusal?.causes ?? [];
    if (skipped.length === 0) {
      screen.notify(`Mapped ${plural(shown.length, tWord, tWords)} as suggested; press Ctrl-S to save.`);
      return;
    }
    // Mapping does not reorder rows: the cursor can go to the first one skipped, whose detail says why.
    const first = table.rows.findIndex((r) => r.tenantId === skipped[0]!.tenantId);
    if (first >= 0) table.moveTo(first);
    screen.notify(`Mapped ${formatCount(shown.length - skipped.length)} of ${plural(shown.length, 'suggestion')}; ${formatCount(skipped.length)} not applied (the row under the cursor says why).`, 'warning');
  }

  function unmap(target: AccountRow) {
    apply({ type: 'mapAccount', tenantId: target.tenantId, account: null });
  }

  function refreshNames() {
    apply({ type: 'refreshNames', tenants, accounts, contracts: accounts ? contracts : null, priceLevels });
    screen.notify('Took the current names; press Ctrl-S to save them.');
  }

  async function cancelChanges() {
    const n = changes.count;
    const yes = await screen.confirm({ title: 'Cancel changes', message: `Discard ${plural(n, 'unsaved change')} on Accounts and restore the last save?`, danger: true });
    if (!yes) return;
    apply({ type: 'cancel' });
    screen.notify('Restored the last saved mappings.');
  }

  async function save() {
    if (saving) return;
    const current = stateRef.current;
    const problems = saveBlockers(current, ctx);
    if (problems.length > 0) {
      // Put the cursor on the first problem row, when the filter shows it.
      const first = table.rows.findIndex((r) => r.tenantId === problems[0]!.tenantId);
      if (first >= 0) table.moveTo(first);
    }
    const changed = changedTenants(current).length;
    setSaving(true);
    try {
      const result = await saveAccounts(session, integrationName, current, ctx);
      const outcome = accountsReducer(stateRef.current, { type: 'markSaved', saved: result.saved }, ctx);
      stateRef.current = outcome.state;
      setState(outcome.state);
      setRefusals(new Map());
      setConfigVersion((v) => v + 1);
      setNamesOwed(result.fields.needed - result.fields.written);
      // Newly billed accounts are read now; one fixed in the PSA meanwhile loses its warning.
      setReadinessRound((n) => n + 1);
      screen.notify(saveNotice(changed, result.fields, { tenantWord: sameWord ? `${platformShort} ${tWord}` : tWord, psaName, account: psaWords.account, accounts: psaWords.accounts, accountFieldFix: psaWords.accountFieldFix }));
    } catch (error) {
      const shown = screen.notify(error);
      blockedNotice.current = problems.length > 0 ? { notice: shown, key: problems.map((b) => b.message).join('\n') } : null;
    } finally {
      setSaving(false);
    }
  }

  function reload() {
    tenantsLoad.reload(true);
    accountsLoad.reload(true);
    contractsLoad.reload(true);
    if (levelWords) priceLevelsLoad.reload(true);
    setReadinessRound((n) => n + 1);
    setWindowsRound((n) => n + 1);
    // Mappings saved by another console since this one loaded them: shown, with this tab's
    // unsaved edits carried over; an edit of a row they changed too gives way to theirs, and is named.
    const onDisk = session.reloadTenants(integrationName);
    if (!onDisk) return;
    const current = stateRef.current;
    const { value: draft, replaced } = rebaseOnTheirs(current.saved, current.draft, onDisk, ['tenants']);
    stateRef.current = { saved: onDisk, draft };
    setState(stateRef.current);
    setRefusals(new Map());
    setConfigVersion((v) => v + 1);
    // One name per row: accountId and accountName of one tenant are one change to the admin.
    const rows = [...new Set(replaced.map((c) => c.path.split(', ')[0]!))];
    if (rows.length === 0) screen.notify('Loaded the mappings saved from another console since this one loaded them.', 'success');
    else
      screen.notify({
        kind: 'warning',
        text: `Loaded the mappings saved from another console; your unsaved changes to ${plural(rows.length, 'row')} clashed and now show theirs.`,
        cause: `Make these again if still needed: ${rows.join('; ')}.`,
      });
  }

  /** The tenant-wide windows of a row that are active or upcoming. */
  const tenantWindowsOf = (target: AccountRow): MaintenanceWindow[] => (windowsByTenant.get(target.tenantId) ?? []).filter((w) => w.deviceId === null);

  async function addWindow(target: AccountRow) {
    const name = target.tenantName || target.tenantId;
    const durationProblem = (v: string): string | undefined => {
      const ms = parseDuration(v);
      if (ms === null) return 'A duration such as 90m, 4h, 2d or 1d12h.';
      return ms > MAX_WINDOW_MS ? `At most ${MAX_WINDOW_DAYS} days.` : undefined;
    };
    const values = await screen.form({
      title: `Maintenance window: ${name}`,
      intro: [
        `From now, no ${psaWords.tickets} are opened for ${name}; conditions still active when the window ends get theirs then. Open ${psaWords.tickets} still close.`,
        'Recorded in the ledger at once, with your name (no Save needed).',
      ],
      fields: [
        { id: 'duration', kind: 'text', label: 'Duration', initial: '4h', required: true, validate: durationProblem },
        { id: 'reason', kind: 'text', label: 'Reason', required: true, placeholder: 'why (shown wherever the window is)', validate: (v) => (v.trim() ? undefined : 'A reason is required.') },
      ],
      notes: (v) => {
        const ms = parseDuration(String(v.duration ?? ''));
        return { duration: ms !== null && ms <= MAX_WINDOW_MS ? [{ text: `Until ${formatWindowTime(new Date(Date.now() + ms), zone)}`, tone: 'muted' as const }] : undefined };
      },
      submitLabel: 'add',
    });
    if (!values) return;
    try {
      const start = new Date();
      const w = session.addMaintenanceWindow(integration.name, { tenantId: target.tenantId, tenantName: name, start, end: new Date(start.getTime() + parseDuration(String(values.duration))!), reason: String(values.reason) });
      setWindowsRound((n) => n + 1);
      screen.notify(`Maintenance window ${w.id}: no ${psaWords.tickets} for ${name} until ${formatWindowTime(w.endsAt, zone)}.`, 'success');
    } catch (error) {
      screen.notify(error);
    }
  }

  async function endWindows(target: AccountRow) {
    const list = tenantWindowsOf(target);
    if (list.length === 0) return;
    const now = new Date();
    const yes = await screen.confirm({
      title: 'End maintenance',
      message: `End ${list.length === 1 ? 'the maintenance window' : `${list.length} maintenance windows`} of ${target.tenantName} now?`,
      detail: [...list.map((w) => `${w.id}: ${describeWindow(w, zone, now)}`), `Conditions still active get their ${psaWords.tickets} at the agent's next poll.`],
    });
    if (!yes) return;
    try {
      for (const w of list) session.endMaintenanceWindow(w.id);
      setWindowsRound((n) => n + 1);
      screen.notify(`Ended the maintenance of ${target.tenantName}.`, 'success');
    } catch (error) {
      screen.notify(error);
    }
  }

  const editable = () => !filterMode && !saving;
  const onRow = () => editable() && row !== undefined;
  commands.push(
    { id: 'accounts.account', keys: ['enter'], description: `Choose the ${accountWord} (searchable; (none) unmaps)`, hint: psaWords.account, when: onRow, run: () => void chooseAccount(row!) },
    {
      id: 'accounts.save',
      keys: ['ctrl+s'],
      description: `Save changes (config, then “${accountFieldName(integration.psa)}” on the ${psaName} ${psaWords.accounts})`,
      hint: dirty ? 'save' : 'write names',
      when: () => (dirty || namesOwed > 0) && !saving && !filterMode,
      run: () => void save(),
    },
    { id: 'accounts.billing', keys: ['b'], description: 'Billing on/off for this row', hint: 'billing', when: onRow, run: () => void apply({ type: 'toggleBilling', tenantId: row!.tenantId }) },
    { id: 'accounts.contract', keys: ['c'], description: `Choose the ${billable}`, hint: psaWords.contract, when: onRow, run: () => void chooseContract(row!) },
    ...(levelWords
      ? [{ id: 'accounts.priceLevel', keys: [PRICE_LEVEL_KEY], description: `Choose the ${levelWords.word} usage is priced at (searchable)`, hint: levelWords.word, when: onRow, run: () => void choosePriceLevel(row!, levelWords) }]
      : []),
    { id: 'accounts.add', keys: ['a'], description: `Add / remove ${tenantsTitle}`, hint: `add/remove`, when: editable, run: () => void addRemove() },
    { id: 'accounts.accept', keys: ['s'], description: "Accept this row's suggestion", hint: 'accept', when: () => onRow() && row!.suggestion !== undefined, run: () => acceptOne(row!) },
    { id: 'accounts.acceptAll', keys: ['S'], description: 'Review and accept all suggestions (of the rows shown)', hint: 'accept all', when: () => editable() && suggestionCount > 0, run: () => void acceptAll() },
    {
      id: 'accounts.unmap',
      keys: ['u'],
      description: `Unmap the ${accountWord} (${levelWords ? `billing, ${psaWords.contract} and ${levelWords.word}` : `billing and ${psaWords.contract}`} go too)`,
      hint: 'unmap',
      when: () => onRow() && row!.accountId !== null,
      run: () => unmap(row!),
    },
    {
      id: 'accounts.names',
      keys: ['n'],
      description: `Take the current names of renamed ${tWords}, ${psaWords.accounts}${levelWords ? `, ${psaWords.contracts} and ${levelWords.words}` : ` and ${psaWords.contracts}`}`,
      hint: 'names',
      when: () => editable() && renameCount > 0,
      run: refreshNames,
    },
    { id: 'accounts.cancel', keys: ['x'], description: 'Cancel changes (restore the last save)', hint: 'cancel changes', when: () => dirty && editable(), run: () => void cancelChanges() },
    { id: 'accounts.reload', keys: ['r'], description: `Reload from ${platformShort} and ${psaName}`, hint: 'reload', when: () => !filterMode, run: reload },
  );
  commands.push(
    { id: 'accounts.maintenance', keys: ['w'], description: `Maintenance window for this row: no ${psaWords.tickets} for a while (audited)`, when: onRow, run: () => void addWindow(row!) },
    {
      id: 'accounts.endMaintenance',
      keys: ['W'],
      description: 'End the maintenance windows of this row now (audited)',
      hint: 'end maintenance',
      when: () => onRow() && tenantWindowsOf(row!).length > 0,
      run: () => void endWindows(row!),
    },
  );
  // `s` on a row without a suggestion says why there is none (no footer hint there).
  commands.push({ id: 'accounts.acceptWhy', keys: ['s'], description: "Accept this row's suggestion", hidden: true, when: () => onRow() && row!.suggestion === undefined, run: () => acceptOne(row!) });

  // Drawing --------------------------------------------------------------------
  const detail: DetailLine[] = useMemo(() => {
    if (!row || detailLines === 0) return [];
    const paragraphs = detailParagraphs(row, {
      refusal: refusals.get(row.tenantId),
      unmatched: unmatchedById.get(row.tenantId),
      tenant: tenantById?.get(row.tenantId),
      account: row.accountId !== null ? accountById?.get(row.accountId) : undefined,
      tenantWord: tWord,
      disabledWord,
      platformShort,
      psaAccountWord: accountWord,
      contractWord: psaWords.contract,
      accountWord: psaWords.account,
      ...(levelWords ? { priceLevelWord: levelWords.word } : {}),
    });
    const now = new Date();
    const own = windowsByTenant.get(row.tenantId) ?? [];
    const maintenance: DetailLine[] = own
      .filter((w) => w.deviceId === null)
      .map((w) => ({ text: `Maintenance ${describeWindow(w, zone, now)}. W ends it.`, tone: 'warning' as const }));
    const devices = own.filter((w) => w.deviceId !== null).length;
    if (devices > 0) maintenance.push({ text: `${plural(devices, 'device window')} (kmsp maintenance list).`, tone: 'warning' });
    return wrapDetail([...maintenance, ...paragraphs], Math.max(1, width - 1), detailLines);
  }, [row, refusals, unmatchedById, tenantById, accountById, tWord, disabledWord, platformShort, accountWord, width, detailLines, levelWords, windowsByTenant, zone]);

  const dataLine = ((): DetailLine => {
    if (saving) return { text: `Saving: configuration, then “${accountFieldName(integration.psa)}” on ${psaName} ${psaWords.accounts}…`, tone: 'accent' };
    const parts: string[] = [];
    let tone: DetailLine['tone'] = 'muted';
    if (tenantsLoad.error && !tenantsLoad.loading) {
      parts.push(`Error: ${describeLoadError(tenantsLoad.error)} (r retry)`);
      tone = 'danger';
    } else if (tenants) parts.push(`${plural(tenants.length, `${tWord} in ${platformShort}`, `${tWords} in ${platformShort}`)}`);
    else parts.push(`Loading ${tWords} from ${platformName}…`);
    if (accountsLoad.error && !accountsLoad.loading) {
      parts.push(`Error: ${describeLoadError(accountsLoad.error)} (r retry)`);
      tone = 'danger';
    } else if (accounts) parts.push(plural(accounts.length, `${psaName} ${psaWords.account}`, `${psaName} ${psaWords.accounts}`));
    else parts.push(`Loading ${psaWords.accounts} from ${psaName}…`);
    if (contractsLoad.error && !contractsLoad.loading && !accountsLoad.error) {
      parts.push(`Error: ${psaWords.contracts}: ${describeLoadError(contractsLoad.error)} (r retry)`);
      tone = 'danger';
    }
    if (levelWords && priceLevelsLoad.error && !priceLevelsLoad.loading && !accountsLoad.error && !contractsLoad.error) {
      parts.push(`Error: ${levelWords.words}: ${describeLoadError(priceLevelsLoad.error)} (r retry)`);
      tone = 'danger';
    }
    // Whether the PSA checks readiness at all is known from its first answer: only a re-read says so.
    if (readinessLoad.error && !readinessLoad.loading && !accountsLoad.error && !accountsLoad.loading) {
      parts.push(`Error: billing readiness: ${describeLoadError(readinessLoad.error)} (r retry)`);
      tone = 'danger';
    } else if (readinessLoad.loading && readiness !== null) parts.push('checking billing readiness…');
    else if (notReadyById.size > 0) parts.push(`${formatCount(notReadyById.size)} not ready for billing`);
    if (readiness && readiness.total > readiness.checked) parts.push(`readiness read for ${formatCount(readiness.checked)} of ${plural(readiness.total, 'billed account')}`);
    // Before suggestions and renames: the line is cut at the end on narrow terminals.
    if (inMaintenance.size > 0) parts.push(`${formatCount(inMaintenance.size)} in maintenance`);
    if (suggesting) parts.push('finding suggestions…');
    else if (suggestionCount > 0) parts.push(plural(suggestionCount, 'suggestion'));
    if (renameCount > 0) parts.push(plural(renameCount, 'rename'));
    if (namesOwed > 0) parts.push(`${plural(namesOwed, 'name')} not written to ${psaName} (Ctrl-S)`);
    if ((tenantsLoad.loading && tenants) || (accountsLoad.loading && accounts)) parts.push('reloading…');
    // The keys for suggestions and renames, when the line has room for them.
    const keyed = parts.map((p) => (p === plural(suggestionCount, 'suggestion') ? `${p} (S reviews all)` : p === plural(renameCount, 'rename') ? `${p} (n takes the new names)` : p));
    if (displayWidth(` ${keyed.join(' · ')}`) <= width) return { text: keyed.join(' · '), tone };
    return { text: parts.join(' · '), tone };
  })();

  const titleParts = [`${capitalise(tenantsTitle)} of “${integration.name}”`];
  if (dirty) titleParts.push(`${formatCount(changes.count)} unsaved`);
  if (blockers.length > 0) titleParts.push(plural(blockers.length, 'problem'));

  return (
    <Box flexDirection="column" width={width} height={height} overflowY="hidden">
      <Box flexDirection="column" width={width} height={tableHeight} overflowY="hidden">
        <Table
          table={table}
          width={width}
          title={titleParts.join(' · ')}
          marker={(r) => (r.change ? theme.glyphs.changed : undefined)}
          emptyMessage={`No ${tWords} in this integration yet. Press a to add them from ${platformShort}.`}
        />
      </Box>
      {bottomLines > 0 ? (
        <Box flexDirection="column" width={width} height={bottomLines} flexShrink={0}>
          {Array.from({ length: detailLines }, (_, i) => {
            const line = detail[i];
            return (
              <Text key={i} wrap="truncate-end" {...(line ? theme.style(line.tone) : {})}>
                {line ? ` ${line.text}` : ' '}
              </Text>
            );
          })}
          <Text wrap="truncate-end" {...theme.style(dataLine.tone)}>
            {truncate(` ${dataLine.text}`, width)}
          </Text>
        </Box>
      ) : null}
    </Box>
  );
}
