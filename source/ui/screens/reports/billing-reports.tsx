// Reports › Billing preview and Reports › Reconciliation (README › The console, Reports; Billing rules, "The plan"). Both read only:
// the plan comes from buildBillingPlan (GETs against the platform and the PSA) and the last
// postings from the ledger; nothing is posted and no ledger row is written.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Box, Text } from 'ink';
import { expectedHolds } from '../../../billing/approvals.js';
import { buildBillingPlan } from '../../../billing/planner.js';
import { approvalsOf } from '../../../domain/billingGuards.js';
import type { BillingPlan } from '../../../billing/types.js';
import type { ConsoleSession } from '../../../console/session.js';
import { psaLabel } from '../../../domain/config.js';
import { withArticle } from '../../../domain/mapping.js';
import { isKmspError } from '../../../domain/errors.js';
import type { PostingRecord } from '../../../store/ledger.js';
import { useCommands } from '../../keys/index.js';
import { Table, useTable, type Column } from '../../components/table/index.js';
import { useTheme, type Tone } from '../../theme.js';
import { formatCount, toSingleLine, truncate } from '../../text.js';
import {
  deltaText,
  errorText,
  flagText,
  isMismatch,
  previewRows,
  previewSummary,
  progressText,
  reconciliationDetail,
  reconciliationRows,
  reconciliationSummary,
  reportWords,
  type ReportWords,
  type PlanProgressState,
  type PreviewRow,
  type ReconciliationRow,
} from './billing-model.js';

export interface BillingData {
  plan: BillingPlan;
  postings: PostingRecord[];
  timeZone: string;
  /** What the run would hold for a person, by "contractId/billingItemId" (README › Billing approvals). */
  holds: ReadonlyMap<string, string>;
}

export interface BillingLoad {
  data: BillingData | undefined;
  error: unknown;
  loading: boolean;
  progress: PlanProgressState | undefined;
  recompute(): void;
}

const PROGRESS_EVERY_MS = 100;

/**
 * Builds the billing plan once `enabled` (the first visit of a billing report), in the
 * background: keys stay responsive, progress is throttled, a newer build wins.
 */
export function useBillingPlan(session: ConsoleSession, integrationName: string, enabled: boolean): BillingLoad {
  const [state, setState] = useState<Omit<BillingLoad, 'recompute'>>({ data: undefined, error: undefined, loading: false, progress: undefined });
  const generation = useRef(0);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = useCallback(() => {
    const mine = ++generation.current;
    const current = () => mounted.current && mine === generation.current;
    setState((s) => ({ ...s, loading: true, progress: { phase: 'start', done: 0, total: 0 } }));
    let shown = 0;
    void (async () => {
      const integration = session.integration(integrationName);
      if (!integration) throw new Error(`No integration named “${integrationName}”`);
      const timeZone = session.config.agent.timeZone;
      const [platform, psa] = await Promise.all([session.platform(integrationName), session.psa(integrationName)]);
      const plan = await buildBillingPlan({
        integration,
        platform,
        psa,
        now: new Date(),
        timeZone,
        onProgress: (p) => {
          const now = Date.now();
          if (!current() || (p.done < p.total && now - shown < PROGRESS_EVERY_MS)) return;
          shown = now;
          setState((s) => ({ ...s, progress: { ...p } }));
        },
      });
      const postings = session.ledger.listPostings({ integration: integrationName, status: 'posted' });
      return { plan, postings, timeZone, holds: expectedHolds(plan, approvalsOf(integration), session.ledger) };
    })().then(
      (data) => {
        if (current()) setState({ data, error: undefined, loading: false, progress: undefined });
      },
      (error: unknown) => {
        if (current()) setState((s) => ({ ...s, error, loading: false, progress: undefined }));
      },
    );
  }, [session, integrationName]);

  useEffect(() => {
    if (enabled) run();
    // Only the first visit starts a build; later ones keep the result (r recomputes).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enabled, run]);

  return { ...state, recompute: run };
}

export interface BillingReportProps {
  width: number;
  height: number;
  active: boolean;
  session: ConsoleSession;
  integrationName: string;
  billing: BillingLoad;
}

interface Line {
  text: string;
  tone: Tone;
}

function Lines({ lines, width }: { lines: readonly Line[]; width: number }) {
  const theme = useTheme();
  return (
    <>
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate-end" {...theme.style(l.tone)}>
          {truncate(toSingleLine(l.text), width) || ' '}
        </Text>
      ))}
    </>
  );
}

function errorLines(error: unknown, what: string): Line[] {
  const lines: Line[] = [{ text: `Could not build ${what}: ${error instanceof Error ? error.message : String(error)}`, tone: 'danger' }];
  if (isKmspError(error) && error.why) lines.push({ text: `  Cause: ${error.why}`, tone: 'normal' });
  if (isKmspError(error) && error.remedy) lines.push({ text: `  Remedy: ${error.remedy}`, tone: 'normal' });
  lines.push({ text: 'r tries again · the Connections tab tests the connections', tone: 'muted' });
  return lines;
}

/** Status line: progress, the summary, or a failed recompute over an older result. */
function statusLine(billing: BillingLoad, summary: (data: BillingData) => string, psa: string, words: ReportWords): Line {
  if (billing.loading) {
    const progress = progressText(billing.progress, psa, words);
    return { text: billing.data ? `${summary(billing.data)} · recomputing: ${progress}` : progress, tone: 'muted' };
  }
  if (!billing.data) return { text: 'Not computed yet (r computes).', tone: 'muted' };
  const failed = billing.error !== undefined ? ` · recompute failed: ${billing.error instanceof Error ? billing.error.message : String(billing.error)}` : '';
  return { text: summary(billing.data) + failed, tone: failed ? 'warning' : 'normal' };
}

const NO_PREVIEW: PreviewRow[] = [];
const NO_RECON: ReconciliationRow[] = [];

const previewTone = (r: PreviewRow): Tone | undefined => (r.kind === 'error' ? 'danger' : r.kind === 'unbilled' ? 'warning' : r.kind === 'skipped' || r.kind === 'same' ? 'muted' : undefined);
const num = (n: number | null) => (n === null ? '' : formatCount(n));

const previewColumns: Column<PreviewRow>[] = [
  // Minimums that fit 80 columns: the change is what the preview is for.
  { key: 'account', title: 'Account', minWidth: 20, maxWidth: 40, grow: 1 },
  // A contract in error, a skipped tenant or usage with no item has no item: the column says why instead.
  { key: 'item', title: 'Billing item', minWidth: 26, grow: 3, render: (r) => (r.kind === 'error' || r.kind === 'skipped' || r.kind === 'unbilled' ? r.note : r.item), tone: previewTone },
  { key: 'current', title: 'Current', width: 7, align: 'right', render: (r) => num(r.current), filterable: false },
  { key: 'next', title: 'New', width: 7, align: 'right', render: (r) => num(r.next), filterable: false },
  { key: 'delta', title: 'Change', width: 9, align: 'right', render: (r) => deltaText(r.delta), tone: (r) => (r.kind === 'change' ? 'accent' : undefined), filterable: false },
];

/** "3 postings on 1 contract (2 held for approval) · …": next to the postings, where a cut line keeps it. */
function withHolds(summary: string, held: number): string {
  if (held === 0) return summary;
  const cut = summary.indexOf(' · ');
  const note = ` (${formatCount(held)} held for approval)`;
  return cut < 0 ? summary + note : summary.slice(0, cut) + note + summary.slice(cut);
}

const CLI_HINT = 'CLI: kmsp billing preview --format csv · kmsp agent --once --job billing --dry-run';

export function BillingPreviewReport({ width, height, active, session, integrationName, billing }: BillingReportProps) {
  const theme = useTheme();
  const integration = session.integration(integrationName);
  const psa = integration ? psaLabel(integration.psa.kind) : 'PSA';
  const words = reportWords(integration);
  const rows = useMemo(() => (billing.data ? previewRows(billing.data.plan) : NO_PREVIEW), [billing.data]);
  // Title and status above; three detail lines and the CLI hint below.
  const tableHeight = Math.max(3, height - 6);
  const table = useTable({ rows, columns: previewColumns, getRowId: (r) => r.id, height: tableHeight, active: active && billing.data !== undefined, group: 'Billing preview' });

  useCommands(
    'Billing preview',
    [{ id: 'preview.recompute', keys: ['r'], description: 'Recompute the preview (reads only)', hint: 'recompute', when: () => !table.filterMode && integration !== undefined, run: () => billing.recompute() }],
    { active },
  );

  const title: Line = { text: `Billing preview: what the next billing run would post to ${psa} (nothing is written)`, tone: 'title' };
  if (!integration) return <Box flexDirection="column" width={width}><Lines width={width} lines={[title, { text: `No integration named “${integrationName}”: set one up on the Connections tab.`, tone: 'normal' }]} /></Box>;
  if (!billing.data && billing.error !== undefined && !billing.loading) {
    return <Box flexDirection="column" width={width}><Lines width={width} lines={[title, ...errorLines(billing.error, 'the billing preview')]} /></Box>;
  }

  const cursor = table.cursorRow;
  const blank: Line = { text: '', tone: 'normal' };
  const detail: Line[] =
    cursor?.error
      ? [
          { text: `  ${errorText(cursor.error)}`, tone: 'danger' },
          { text: `  Cause: ${cursor.error.cause ?? 'not given'}`, tone: 'normal' },
          { text: `  Remedy: ${cursor.error.remedy ?? 'see the cause above; r recomputes'}`, tone: 'normal' },
        ]
      : cursor?.kind === 'skipped'
        ? [{ text: `  “${cursor.tenant}” is not billed: ${cursor.note.replace(/^skipped: /u, '')} (${words.accountsTab} tab).`, tone: 'muted' }, blank, blank]
        : cursor?.kind === 'unbilled'
          ? [{ text: `  Not billed: ${cursor.note}. Choose one on the ${words.billingItemsTab} tab.`, tone: 'warning' }, blank, blank]
        : cursor && cursor.delta !== null && billing.data?.holds.has(cursor.id)
          ? [{ text: `  ${cursor.contract}: ${num(cursor.current)} → ${num(cursor.next)} (${deltaText(cursor.delta)})`, tone: 'muted' }, { text: `  Held for approval by the run: ${billing.data.holds.get(cursor.id)!} (Reports › Billing: Held)`, tone: 'warning' }, blank]
        : cursor && cursor.delta !== null
          ? [{ text: `  ${cursor.contract}: ${num(cursor.current)} → ${num(cursor.next)} (${deltaText(cursor.delta)})`, tone: 'muted' }, blank, blank]
          : [blank, blank, blank];
  const empty = billing.data ? `No ${words.tenant} is mapped with billing on and ${withArticle(words.contract)} (${words.accountsTab} tab).` : progressText(billing.progress, psa, words);
  return (
    <Box flexDirection="column" width={width}>
      <Lines width={width} lines={[title, statusLine(billing, (d) => withHolds(previewSummary(d.plan, d.timeZone, words), d.holds.size), psa, words)]} />
      <Box flexDirection="column" height={tableHeight}>
        <Table table={table} width={width} title="Postings" emptyMessage={empty} />
      </Box>
      <Lines width={width} lines={[...detail, { text: CLI_HINT, tone: 'muted' }]} />
    </Box>
  );
}

function reconciliationColumns(psa: string): Column<ReconciliationRow>[] {
  return [
    // Account and item name the row together: both stay when the columns scroll sideways
    // (120 columns and less: ←/→ bring Flags and Last posted into view; the row's marker "!"
    // and the lines below say the cursor row's flags and last posting at any width).
    { key: 'account', title: 'Account', minWidth: 22, maxWidth: 40, grow: 1 },
    { key: 'item', title: 'Billing item', minWidth: 26, grow: 1, pinned: true },
    { key: 'usage', title: 'Usage', width: 6, align: 'right', render: (r) => num(r.usage), filterable: false },
    { key: 'psa', title: psa.length <= 8 ? psa : 'PSA', width: Math.max(5, Math.min(8, psa.length)), align: 'right', render: (r) => num(r.psa), filterable: false },
    { key: 'flags', title: 'Flags', minWidth: 32, grow: 2, render: (r) => flagText(r, psa), tone: (r) => (r.error || r.edited ? 'danger' : r.differs ? 'warning' : 'success') },
    { key: 'last', title: 'Last posted', width: 16, render: (r) => (r.last ? `${formatCount(r.last.units)} on ${r.last.date}` : r.error ? '' : 'never'), filterable: false },
  ];
}

export function ReconciliationReport({ width, height, active, session, integrationName, billing }: BillingReportProps) {
  const integration = session.integration(integrationName);
  const psa = integration ? psaLabel(integration.psa.kind) : 'PSA';
  const words = reportWords(integration);
  const columns = useMemo(() => reconciliationColumns(psa), [psa]);
  const [mismatchesOnly, setMismatchesOnly] = useState(false);
  const all = useMemo(() => (billing.data ? reconciliationRows(billing.data.plan, billing.data.postings) : NO_RECON), [billing.data]);
  const rows = useMemo(() => (mismatchesOnly ? all.filter(isMismatch) : all), [all, mismatchesOnly]);
  const tableHeight = Math.max(3, height - 6);
  const table = useTable({ rows, columns, getRowId: (r) => r.id, height: tableHeight, active: active && billing.data !== undefined, group: 'Reconciliation' });

  useCommands(
    'Reconciliation',
    [
      {
        id: 'reconcile.mismatches',
        keys: ['m'],
        description: 'Show only the mismatches (differs, edited by hand, errors), or everything',
        hint: mismatchesOnly ? 'show all' : 'mismatches',
        when: () => !table.filterMode,
        run: () => setMismatchesOnly((m) => !m),
      },
      { id: 'reconcile.recompute', keys: ['r'], description: `Read usage, ${psa} units and the ledger again (reads only)`, hint: 'recompute', when: () => !table.filterMode && integration !== undefined, run: () => billing.recompute() },
    ],
    { active },
  );

  const title: Line = { text: `Reconciliation: platform usage vs ${psa} quantity per mapped billing item (read only)`, tone: 'title' };
  if (!integration) return <Box flexDirection="column" width={width}><Lines width={width} lines={[title, { text: `No integration named “${integrationName}”: set one up on the Connections tab.`, tone: 'normal' }]} /></Box>;
  if (!billing.data && billing.error !== undefined && !billing.loading) {
    return <Box flexDirection="column" width={width}><Lines width={width} lines={[title, ...errorLines(billing.error, 'the reconciliation')]} /></Box>;
  }
  const cursor = table.cursorRow;
  const blank: Line = { text: '', tone: 'normal' };
  const detail: Line[] = cursor?.error
    ? [
        { text: `  ${errorText(cursor.error)}`, tone: 'danger' },
        { text: `  Cause: ${cursor.error.cause ?? 'not given'}`, tone: 'normal' },
        { text: `  Remedy: ${cursor.error.remedy ?? 'see the cause above; r recomputes'}`, tone: 'normal' },
      ]
    : [...reconciliationDetail(cursor, psa, words).map((text): Line => ({ text: `  ${text}`, tone: cursor?.edited ? 'danger' : 'muted' })), blank, blank, blank].slice(0, 3);
  const empty = !billing.data ? progressText(billing.progress, psa, words) : mismatchesOnly ? 'No mismatches: usage, the PSA and kmsp’s last postings agree.' : `No ${words.tenant} is mapped with billing on and ${withArticle(words.contract)} (${words.accountsTab} tab).`;
  return (
    <Box flexDirection="column" width={width}>
      <Lines width={width} lines={[title, statusLine(billing, (d) => reconciliationSummary(all, psa, d.plan, d.timeZone, words), psa, words)]} />
      <Box flexDirection="column" height={tableHeight}>
        <Table table={table} width={width} title={mismatchesOnly ? 'Billing items: mismatches only (m shows all)' : 'Billing items'} marker={(r) => (isMismatch(r) ? '!' : undefined)} emptyMessage={empty} />
      </Box>
      <Lines width={width} lines={[...detail, { text: `! differs: the next run posts the difference · ! edited in ${psa}: changed by hand since kmsp's last posting · m: mismatches only`, tone: 'muted' }]} />
    </Box>
  );
}
