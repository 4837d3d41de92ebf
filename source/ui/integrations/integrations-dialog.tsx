// The integrations list (key I, on every tab): one row per integration — its platform and PSA
// (the profiles' short words), tenants mapped, the last billing and ticket runs, unsaved
// changes — the one shown marked. Enter shows another; n, r and d create, rename and delete one
// (integrations/actions.tsx; the work itself is console/integrations.ts). The list reads the
// session's config as it changes, so a rename or delete made from it shows at once.
import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { Text } from 'ink';
import type { ConsoleSession } from '../../console/session.js';
import type { IntegrationSummary } from '../../console/integrations.js';
import { formatTimeShort } from '../../domain/agentStatusText.js';
import type { RunRecord } from '../../store/ledger.js';
import { useCommands } from '../keys/index.js';
import { Modal, MODAL_CHROME_HEIGHT, MODAL_CHROME_WIDTH, dialogWidth, useDialogBounds } from '../components/modal.js';
import { Table } from '../components/table/table.js';
import { useTable } from '../components/table/use-table.js';
import type { Column } from '../components/table/columns.js';
import { useTheme } from '../theme.js';
import { displayWidth, truncate } from '../text.js';

export interface IntegrationRow extends IntegrationSummary {
  /** The integration the console shows now. */
  current: boolean;
  /** Titles of its tabs with unsaved changes. */
  unsaved: string[];
  /** "03-01 04:00 ok", "never". */
  billingText: string;
  ticketsText: string;
}

/** A run in a cell: when it finished (in the agent's time zone) and how it ended; "never" without one. */
export function runText(run: RunRecord | null, now: Date, timeZone: string): string {
  if (!run) return 'never';
  return `${formatTimeShort(run.finishedAt ?? run.startedAt, { now, timeZone })} ${run.status}`;
}

/** The run columns' width where the dialog has room: "03-01 04:00 ok". */
const RUN_WIDTH = 14;

/**
 * The platform column as wide as its longest short name ("KSC", "Business Hub"). Where the dialog
 * has no room for that and the whole run columns (80 columns), the run columns give way, keeping
 * the time ("03-01 04:00") before the outcome.
 */
function columnsFor(platformWidth: number, runsFit: boolean): Column<IntegrationRow>[] {
  const run = runsFit ? { width: RUN_WIDTH } : { minWidth: 12, maxWidth: RUN_WIDTH };
  return [
    { key: 'name', title: 'Integration', minWidth: 12, grow: 3, render: (r) => `${r.name}${r.unsaved.length ? '*' : ''}` },
    { key: 'platform', title: 'Platform', width: platformWidth },
    { key: 'psa', title: 'PSA', minWidth: 8 },
    { key: 'tenantsMapped', title: 'Mapped', width: 6, align: 'right', render: (r) => String(r.tenantsMapped), filterable: false },
    { key: 'billingText', title: 'Last billing', ...run },
    { key: 'ticketsText', title: 'Last tickets', ...run },
  ];
}

/** Cells besides the columns' own: the cursor and current marks before them, two between each. */
const ROW_CHROME = 4 + 5 * 2;

export interface IntegrationsDialogProps {
  readonly session: ConsoleSession;
  /** The integration shown now; read at every draw (a rename or delete from the list changes it). */
  readonly current: () => string | null;
  /** Titles of an integration's tabs with unsaved changes. */
  readonly unsaved: (name: string) => string[];
  readonly now: () => Date;
  readonly onShow: (name: string) => void;
  readonly onNew: () => void;
  readonly onRename: (name: string) => void;
  readonly onDelete: (name: string) => void;
  readonly onClose: () => void;
}

/** Lines of the dialog besides the table: the key line and the legend under it. */
const LEGEND_LINES = 1;

export function IntegrationsDialog({ session, current, unsaved, now, onShow, onNew, onRename, onDelete, onClose }: IntegrationsDialogProps) {
  const theme = useTheme();
  const bounds = useDialogBounds();
  const config = useSyncExternalStore(session.subscribeConfig, () => session.config);
  const shown = current();
  const rows = useMemo<IntegrationRow[]>(() => {
    const at = now();
    return session.integrationSummaries().map((s) => ({
      ...s,
      current: s.name === shown,
      unsaved: unsaved(s.name),
      billingText: runText(s.lastBilling, at, config.agent.timeZone),
      ticketsText: runText(s.lastTickets, at, config.agent.timeZone),
    }));
    // `config` stands for the session's state: the summaries are read from it.
  }, [session, config, shown, unsaved, now]);

  const width = dialogWidth(bounds, 100);
  const inner = width - MODAL_CHROME_WIDTH;
  const platformWidth = Math.max(8, ...rows.map((r) => displayWidth(r.platform)));
  const runsFit = ROW_CHROME + 12 + platformWidth + 8 + 6 + 2 * RUN_WIDTH <= inner;
  const columns = useMemo(() => columnsFor(platformWidth, runsFit), [platformWidth, runsFit]);
  const tableHeight = Math.max(3, Math.min(rows.length + 2, bounds.height - MODAL_CHROME_HEIGHT - LEGEND_LINES));
  const table = useTable({
    rows,
    columns,
    getRowId: (r) => r.name,
    height: tableHeight,
    active: true,
    onActivate: (r) => onShow(r.name),
    activateHint: 'show',
    activateDescription: 'Show this integration (unsaved changes of the one you leave are kept)',
    group: 'Integrations',
  });
  // The cursor starts on the integration shown: Enter on it changes nothing, ↑↓ reach the others.
  const startAt = useRef(rows.findIndex((r) => r.current));
  useEffect(() => {
    if (startAt.current > 0) table.moveTo(startAt.current);
    // Once, when the list opens.
  }, []); // eslint-disable-line react-hooks/exhaustive-deps
  const row = table.cursorRow;
  useCommands('Integrations', [
    { id: 'integrations.new', keys: ['n'], description: 'New integration', hint: 'new', run: onNew },
    { id: 'integrations.rename', keys: ['r'], description: 'Rename the integration (its secrets and ledger records follow)', hint: 'rename', when: () => row !== undefined, run: () => onRename(row!.name) },
    { id: 'integrations.delete', keys: ['d'], description: 'Delete the integration (type its name to confirm; the ledger keeps its records)', hint: 'delete', when: () => row !== undefined, run: () => onDelete(row!.name) },
  ]);

  const mark = theme.glyphs.current;
  const legend = rows.some((r) => r.unsaved.length)
    ? `${mark} current  * unsaved, kept while another is shown: ${rows
        .filter((r) => r.unsaved.length)
        .map((r) => `${r.name} on ${r.unsaved.join(', ')}`)
        .join('; ')}`
    : `${mark} current  Mapped: tenants with an account  Runs: in the agent’s time zone`;
  return (
    <Modal title="Integrations" width={width} onCancel={onClose}>
      <Table
        table={table}
        width={inner}
        title={shown ? `Current: ${shown}` : 'None shown'}
        marker={(r) => (r.current ? mark : undefined)}
        emptyMessage="No integration yet: press n to create one."
      />
      <Text wrap="truncate-end" {...theme.style('muted')}>
        {truncate(legend, inner)}
      </Text>
    </Modal>
  );
}
