// Reports (README › The console, Reports). A list of the reports on the left (only those that
// exist; [ and ] choose) and the chosen report on the right. Billing preview and
// Reconciliation: billing-reports.tsx. Billing: Held: held-report.tsx. Agent: agent-report.tsx. Unmapped accounts: the PSA
// accounts no tenant is mapped to in any integration on the same PSA, with a
// type filter, the table's `/` name filter, and the persistent exclude mark
// ("does not use Kaspersky"), which is written to the config at once: it is a
// mark on the account, not a draft, so this screen never has unsaved changes.
import { useMemo, useState } from 'react';
import { Box, Text } from 'ink';
import type { ConsoleSession } from '../../../console/session.js';
import { psaLabel } from '../../../domain/config.js';
import { isKmspError } from '../../../domain/errors.js';
import { accountTypes, setExcluded, unmappedAccounts, type UnmappedRow } from '../../../domain/unmapped.js';
import { useCommands } from '../../keys/index.js';
import { useScreen } from '../../console-context.js';
import { Table, useTable, type Column } from '../../components/table/index.js';
import type { ScreenDefinition, ScreenProps } from '../../screen.js';
import { useTheme } from '../../theme.js';
import { formatCount, toSingleLine, truncate } from '../../text.js';
import { useLoad } from '../use-load.js';
import { countLine, exportCommand, type UnmappedViewState } from './unmapped-view.js';
import { BillingPreviewReport, ReconciliationReport, useBillingPlan } from './billing-reports.js';
import { AgentReport } from './agent-report.js';
import { HeldReport } from './held-report.js';

export interface ReportsScreenOptions {
  readonly session: ConsoleSession;
  readonly integrationName: string;
}

export function createReportsScreen(options: ReportsScreenOptions): ScreenDefinition {
  return { id: 'reports', title: 'Reports', render: (props) => <ReportsScreen {...props} {...options} /> };
}

/** The reports that exist (README › The console, Reports). */
const REPORTS = [
  { id: 'unmapped', title: 'Unmapped accounts' },
  { id: 'preview', title: 'Billing preview' },
  { id: 'reconciliation', title: 'Reconciliation' },
  { id: 'agent', title: 'Agent' },
  // Last: the reports before it keep their places ([ from the first report comes here).
  { id: 'held', title: 'Billing: Held' },
] as const;
type ReportId = (typeof REPORTS)[number]['id'];

const LIST_WIDTH = 24;
const LIST_MIN_SCREEN_WIDTH = 90;

export function ReportsScreen({ width, height, active, session, integrationName }: ScreenProps & ReportsScreenOptions) {
  const theme = useTheme();
  const showList = width >= LIST_MIN_SCREEN_WIDTH;
  const paneWidth = showList ? width - LIST_WIDTH : width;
  const [selected, setSelected] = useState<ReportId>('unmapped');
  const index = REPORTS.findIndex((r) => r.id === selected);
  // The billing plan is built on the first visit of a billing report and shared by both.
  const [billingWanted, setBillingWanted] = useState(false);
  const billing = useBillingPlan(session, integrationName, billingWanted);
  // The Agent report mounts on its first visit, like the billing ones (it reads files, not the PSA).
  const [agentWanted, setAgentWanted] = useState(false);
  const [heldWanted, setHeldWanted] = useState(false);
  const choose = (i: number) => {
    const next = REPORTS[(i + REPORTS.length) % REPORTS.length]!;
    setSelected(next.id);
    if (next.id === 'preview' || next.id === 'reconciliation') setBillingWanted(true);
    if (next.id === 'agent') setAgentWanted(true);
    if (next.id === 'held') setHeldWanted(true);
  };
  useCommands(
    'Reports',
    [
      { id: 'reports.next', keys: [']'], description: 'Next report', hint: 'next report', run: () => choose(index + 1) },
      { id: 'reports.previous', keys: ['['], description: 'Previous report', run: () => choose(index - 1) },
    ],
    { active },
  );
  const paneProps = { width: paneWidth - (showList ? 1 : 0), height, active, session, integrationName };
  return (
    <Box flexDirection="row" width={width} height={height} overflowY="hidden">
      {showList ? (
        <Box flexDirection="column" width={LIST_WIDTH} borderStyle="single" borderTop={false} borderBottom={false} borderLeft={false} paddingRight={1}>
          <Text {...theme.style('title')}>Reports</Text>
          {REPORTS.map((r, i) => (
            <Text key={r.id} wrap="truncate-end" {...theme.style(i === index ? 'accent' : 'normal')}>
              {`${i === index ? theme.glyphs.cursor : theme.glyphs.noCursor} ${r.title}`}
            </Text>
          ))}
          <Text wrap="truncate-end" {...theme.style('muted')}>
            {'] next · [ previous'}
          </Text>
        </Box>
      ) : null}
      <Box flexDirection="column" width={paneWidth} paddingLeft={showList ? 1 : 0}>
        {/* Visited reports stay mounted (cursor and filters survive switching); hidden ones take no keys. */}
        <Box display={selected === 'unmapped' ? 'flex' : 'none'} flexDirection="column">
          <UnmappedReport {...paneProps} active={active && selected === 'unmapped'} />
        </Box>
        {billingWanted ? (
          <>
            <Box display={selected === 'preview' ? 'flex' : 'none'} flexDirection="column">
              <BillingPreviewReport {...paneProps} active={active && selected === 'preview'} billing={billing} />
            </Box>
            <Box display={selected === 'reconciliation' ? 'flex' : 'none'} flexDirection="column">
              <ReconciliationReport {...paneProps} active={active && selected === 'reconciliation'} billing={billing} />
            </Box>
          </>
        ) : null}
        {heldWanted ? (
          <Box display={selected === 'held' ? 'flex' : 'none'} flexDirection="column">
            <HeldReport {...paneProps} active={active && selected === 'held'} />
          </Box>
        ) : null}
        {agentWanted ? (
          <Box display={selected === 'agent' ? 'flex' : 'none'} flexDirection="column">
            <AgentReport {...paneProps} active={active && selected === 'agent'} />
          </Box>
        ) : null}
      </Box>
    </Box>
  );
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no');

const columns: Column<UnmappedRow>[] = [
  { key: 'name', title: 'Account', minWidth: 20, grow: 3 },
  { key: 'type', title: 'Type', minWidth: 10, maxWidth: 18, filterable: false },
  { key: 'active', title: 'Active', width: 6, render: (r) => yesNo(r.active), filterable: false },
  { key: 'excluded', title: 'Excluded', width: 8, render: (r) => (r.excluded ? 'excluded' : ''), tone: (r) => (r.excluded ? 'muted' : undefined), filterable: false },
  { key: 'accountId', title: 'Id', minWidth: 8, maxWidth: 12, filterable: false },
];

const NO_ROWS: UnmappedRow[] = [];

function UnmappedReport({ width, height, active, session, integrationName }: ScreenProps & ReportsScreenOptions) {
  const screen = useScreen();
  const theme = useTheme();
  const integration = session.integration(integrationName);
  const psa = integration ? psaLabel(integration.psa.kind) : 'PSA';
  const accounts = useLoad((refresh) => (integration ? session.accounts(integrationName, refresh) : Promise.resolve([])), [session, integrationName]);
  const [type, setType] = useState<string | null>(null);
  const [showExcluded, setShowExcluded] = useState(false);
  // The session replaces its config object on every save (here, or on another tab): recompute then.
  const config = session.config;
  const [, setSaves] = useState(0);

  const candidates = useMemo(
    () => (accounts.data && integration ? unmappedAccounts(accounts.data, config.integrations, { psa: integration.psa, includeExcluded: true, ...(type ? { type } : {}) }) : NO_ROWS),
    [accounts.data, config, integration?.psa, type],
  );
  const rows = useMemo(() => (showExcluded ? candidates : candidates.filter((r) => !r.excluded)), [candidates, showExcluded]);

  // Title, filter line above the table; count and export lines below.
  const tableHeight = Math.max(3, height - 4);
  // The table takes keys only when it is drawn (not while loading fails).
  const table = useTable({ rows, columns, getRowId: (r) => r.accountId, height: tableHeight, active: active && accounts.data !== undefined, markable: true, group: 'Unmapped accounts' });
  const view: UnmappedViewState = { type, nameFilter: table.filter, showExcluded };
  // Counting the excluded rows walks every candidate: once per filter change, not per key.
  const total = accounts.data?.length ?? 0;
  const counts = useMemo(
    () => countLine(table.rows.length, total, psa, candidates, { type, nameFilter: table.filter, showExcluded }),
    [table.rows.length, total, psa, candidates, type, table.filter, showExcluded],
  );

  async function chooseType() {
    const all = accounts.data ?? [];
    const everyType = unmappedAccounts(all, session.config.integrations, { ...(integration ? { psa: integration.psa } : {}), includeExcluded: showExcluded });
    const chosen = await screen.select<string>({
      title: 'Account type',
      noun: 'types',
      allowNone: 'All types',
      initialValue: type,
      options: accountTypes(all).map((t) => {
        const n = everyType.filter((r) => r.type.toLowerCase() === t.toLowerCase()).length;
        return { value: t, label: t, detail: `${formatCount(n)} unmapped` };
      }),
    });
    if (chosen === undefined) return;
    setType(chosen);
  }

  function toggleExcluded() {
    if (!integration) return;
    const targets = table.marks.size > 0 ? table.markedRows() : table.cursorRow ? [table.cursorRow] : [];
    if (targets.length === 0) return;
    const exclude = targets.some((r) => !r.excluded);
    const change = targets.filter((r) => r.excluded !== exclude);
    let integrations = session.config.integrations;
    for (const r of change) integrations = setExcluded(integrations, integrationName, r.accountId, exclude);
    const who = change.length === 1 ? `“${toSingleLine(change[0]!.name)}”` : `${formatCount(change.length)} accounts`;
    try {
      session.saveConfig({ ...session.config, integrations }, `Reports › Unmapped accounts: ${exclude ? 'excluded' : 'included again'} ${who}`);
    } catch (error) {
      screen.notify(error);
      return;
    }
    table.clearMarks();
    setSaves((n) => n + 1);
    screen.notify(
      exclude
        ? `${who} excluded (does not use Kaspersky); saved.${showExcluded ? '' : ' i shows excluded accounts.'}`
        : `${who} no longer excluded; saved.`,
      'success',
    );
  }

  const hasRows = table.cursorRow !== undefined || table.marks.size > 0;
  const cursorExcluded = table.marks.size === 0 && table.cursorRow?.excluded;
  useCommands(
    'Unmapped accounts',
    [
      {
        id: 'unmapped.exclude',
        keys: ['e'],
        description: 'Exclude / include (marked rows or this one); saved at once, not a draft',
        hint: cursorExcluded ? 'include' : 'exclude',
        when: () => !table.filterMode && hasRows && integration !== undefined,
        run: toggleExcluded,
      },
      { id: 'unmapped.type', keys: ['t'], description: 'Filter by account type', hint: 'type', when: () => !table.filterMode && accounts.data !== undefined, run: () => void chooseType() },
      {
        id: 'unmapped.showExcluded',
        keys: ['i'],
        description: 'Show or hide the excluded accounts',
        hint: showExcluded ? 'hide excluded' : 'show excluded',
        when: () => !table.filterMode,
        run: () => setShowExcluded((s) => !s),
      },
      {
        id: 'unmapped.reload',
        keys: ['r'],
        description: `Reload the ${psa} accounts`,
        hint: 'reload',
        when: () => !table.filterMode && integration !== undefined,
        run: () => accounts.reload(true),
      },
    ],
    { active },
  );

  const lines: Array<{ text: string; tone: Parameters<typeof theme.style>[0] }> = [];
  const title = `Unmapped accounts: ${psa} accounts with no tenant in any integration`;
  const filters = `Type: ${type ?? 'All types'} (t) · Excluded: ${showExcluded ? 'shown' : 'hidden'} (i) · e: exclude, saved at once`;
  const header = (
    <>
      <Text wrap="truncate-end" {...theme.style('title')}>
        {truncate(title, width)}
      </Text>
      <Text wrap="truncate-end">{truncate(filters, width)}</Text>
    </>
  );

  if (!integration) {
    return (
      <Box flexDirection="column" width={width}>
        {header}
        <Text wrap="truncate-end">{truncate(`No integration named “${integrationName}”: set one up on the Connections tab.`, width)}</Text>
      </Box>
    );
  }

  if (accounts.error !== undefined && accounts.data === undefined) {
    const error = accounts.error;
    lines.push({ text: `Could not load the ${psa} accounts: ${error instanceof Error ? error.message : String(error)}`, tone: 'danger' });
    if (isKmspError(error) && error.why) lines.push({ text: `  Cause: ${error.why}`, tone: 'normal' });
    if (isKmspError(error) && error.remedy) lines.push({ text: `  Remedy: ${error.remedy}`, tone: 'normal' });
    lines.push({ text: 'r tries again · the Connections tab tests the connection (t)', tone: 'muted' });
    return (
      <Box flexDirection="column" width={width}>
        {header}
        {lines.map((l, i) => (
          <Text key={i} wrap="truncate-end" {...theme.style(l.tone)}>
            {truncate(toSingleLine(l.text), width)}
          </Text>
        ))}
      </Box>
    );
  }

  const status = accounts.data === undefined ? `Loading the ${psa} accounts…` : counts + (accounts.loading ? ' · reloading…' : '');
  const refreshError = accounts.error !== undefined && accounts.data !== undefined ? ` · reload failed: ${accounts.error instanceof Error ? accounts.error.message : String(accounts.error)}` : '';
  const empty =
    accounts.data === undefined
      ? `Loading the ${psa} accounts…`
      : candidates.length === 0
        ? type
          ? `No unmapped ${type} accounts.`
          : `Every ${psa} account is mapped to a tenant.`
        : 'Every unmapped account is excluded (i shows them).';
  return (
    <Box flexDirection="column" width={width}>
      {header}
      <Box flexDirection="column" height={tableHeight}>
        <Table table={table} width={width} title="Accounts" emptyMessage={empty} />
      </Box>
      <Text wrap="truncate-end" {...theme.style(refreshError ? 'warning' : 'normal')}>
        {truncate(status + refreshError, width)}
      </Text>
      <Text wrap="truncate-end" {...theme.style('muted')}>
        {truncate(`Export: ${exportCommand(integrationName, view, session.config.integrations[0]?.name === integrationName)}`, width)}
      </Text>
    </Box>
  );
}
