// Reports › Billing: Held (README › Billing approvals): the billing changes the agent held for a
// person, from the ledger. `a` approves the cursor row (a decrease asks for the tenant's name to
// be typed), `i` approves every held increase, `x` rejects the cursor row, `r` reads the ledger again, `m` changes the integration's approval setting. A decision is written to the ledger with
// its audit row at once; the next billing run posts an approved change, re-checked against the PSA.
import { useCallback, useMemo, useState } from 'react';
import { Box, Text } from 'ink';
import type { ConsoleSession } from '../../../console/session.js';
import { APPROVAL_MODE_LABELS, approvalProblems, approvalsOf, checkTypedName, needsTypedName } from '../../../domain/billingGuards.js';
import { APPROVAL_MODES, psaLabel, type ApprovalMode, type ApprovalSettings } from '../../../domain/config.js';
import type { HeldChange } from '../../../store/ledger.js';
import { useScreen } from '../../console-context.js';
import { Table, useTable, type Column } from '../../components/table/index.js';
import { useCommands } from '../../keys/index.js';
import { useTheme, type Tone } from '../../theme.js';
import { formatCount, toSingleLine, truncate } from '../../text.js';
import { deltaText, reportWords } from './billing-model.js';

export interface HeldReportProps {
  width: number;
  height: number;
  active: boolean;
  session: ConsoleSession;
  integrationName: string;
}

const columns: Column<HeldChange>[] = [
  // Minimums that fit 80 columns with the state: the decision is what the report is for.
  { key: 'id', title: '#', width: 4, align: 'right', render: (h) => String(h.id), filterable: false },
  { key: 'tenantName', title: 'Tenant', minWidth: 10, maxWidth: 32, grow: 1 },
  { key: 'billingItemName', title: 'Billing item', minWidth: 14, grow: 2, render: (h) => h.billingItemName ?? h.billingItemId },
  { key: 'beforeUnits', title: 'Current', width: 7, align: 'right', render: (h) => formatCount(h.beforeUnits), filterable: false },
  { key: 'afterUnits', title: 'New', width: 7, align: 'right', render: (h) => formatCount(h.afterUnits), filterable: false },
  { key: 'delta', title: 'Change', width: 7, align: 'right', render: (h) => deltaText(h.delta), tone: (h) => (h.delta < 0 ? 'warning' : 'accent'), filterable: false },
  { key: 'state', title: 'State', width: 8, tone: (h) => (h.state === 'approved' ? 'success' : undefined), filterable: false },
];

/** The lines under the table for the cursor row: where, why, since when. */
export function heldDetail(h: HeldChange | undefined, contractWord: string): string[] {
  if (!h) return ['', '', ''];
  return [
    `${h.accountName ?? h.accountId} · ${contractWord} ${h.contractName ?? h.contractId} · for ${h.effectiveDate}`,
    `Held: ${h.reasons.map((r) => r.text).join('; ') || 'no reason recorded'}`,
    h.state === 'approved' ? `Approved by ${h.decidedBy ?? '?'} at ${h.decidedAt ?? '?'}: the next billing run posts it, re-checked first` : `Held since ${h.createdAt}`,
  ];
}

export function heldSummary(changes: readonly HeldChange[]): string {
  const waiting = changes.filter((h) => h.state === 'held').length;
  if (changes.length === 0) return 'Nothing is held: the billing runs posted every change they planned, or needed none.';
  return `${waiting} held for a decision · ${changes.length - waiting} approved, posted by the next billing run`;
}

/** "hold risky changes: decreases over 20% or 10 units, drops to 0, first postings on a contract". */
export function approvalsText(settings: ApprovalSettings, explicit: boolean): string {
  const label = APPROVAL_MODE_LABELS[settings.mode];
  if (settings.mode !== 'hold-risky') return `${label}${explicit ? '' : ' (no setting saved: as before approvals existed)'}`;
  const units = settings.maxDecreaseUnits !== null ? ` or ${settings.maxDecreaseUnits} units` : '';
  return `${label}: decreases over ${settings.maxDecreasePercent}%${units}, drops to 0, first postings on a contract`;
}

/** The form's values as settings, or the first problem. */
function settingsFrom(values: Readonly<Record<string, string | boolean | null>>): ApprovalSettings | string {
  const mode = String(values.mode ?? '') as ApprovalMode;
  if (!APPROVAL_MODES.includes(mode)) return 'Choose a setting.';
  const percentText = String(values.percent ?? '').trim();
  const unitsText = String(values.units ?? '').trim();
  const percent = Number(percentText);
  const units = unitsText === '' ? null : Number(unitsText);
  const settings: ApprovalSettings = { mode, maxDecreasePercent: percentText === '' ? Number.NaN : percent, maxDecreaseUnits: units };
  return approvalProblems(settings)[0] ?? settings;
}

export function HeldReport({ width, height, active, session, integrationName }: HeldReportProps) {
  const screen = useScreen();
  const theme = useTheme();
  const integration = session.integration(integrationName);
  const psa = integration ? psaLabel(integration.psa.kind) : 'PSA';
  const words = reportWords(integration);
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const rows = useMemo(() => session.ledger.listHeldChanges({ integration: integrationName }).sort((a, b) => a.id - b.id), [session, integrationName, version]);
  const tableHeight = Math.max(3, height - 7);
  const table = useTable({ rows, columns, getRowId: (h) => String(h.id), height: tableHeight, active, group: 'Billing: Held' });
  const cursor = table.cursorRow;

  const decide = async (h: HeldChange, approve: boolean) => {
    const what = `${h.tenantName} · ${h.billingItemName ?? h.billingItemId}: ${formatCount(h.beforeUnits)} → ${formatCount(h.afterUnits)}`;
    if (approve && needsTypedName(h)) {
      const values = await screen.form({
        title: `Approve a decrease of ${formatCount(h.beforeUnits - h.afterUnits)} units`,
        intro: [what, `Why held: ${h.reasons.map((r) => r.text).join('; ')}`, `Type the ${words.tenant}'s name (“${h.tenantName}”) to approve it; the next billing run posts it to ${psa}.`],
        fields: [{ kind: 'text', id: 'name', label: `${words.tenant.charAt(0).toUpperCase()}${words.tenant.slice(1)} name`, required: true, validate: (v) => checkTypedName(h.tenantName, v)?.message }],
        submitLabel: 'approve',
      });
      if (values === undefined) return;
    } else {
      const yes = await screen.confirm({
        title: approve ? 'Approve a held change' : 'Reject a held change',
        message: approve ? `Approve ${what}?` : `Reject ${what}? It is not posted, and not held again while the numbers stay the same.`,
        detail: [`Why held: ${h.reasons.map((r) => r.text).join('; ')}`],
        danger: !approve,
      });
      if (!yes) return;
    }
    try {
      session.ledger.decideHeldChange(h.id, { approve, actor: session.auditActor() });
      screen.notify(`${approve ? 'Approved' : 'Rejected'} #${h.id} (${what}); recorded in the ledger's audit.`, 'success');
    } catch (error) {
      screen.notify(error);
    }
    reload();
  };

  /** Every held increase at once (no name to type: an increase bills what usage shows). */
  const approveIncreases = async () => {
    const increases = rows.filter((h) => h.state === 'held' && h.afterUnits > h.beforeUnits);
    if (increases.length === 0) return screen.notify('No held increase to approve.', 'info');
    const yes = await screen.confirm({
      title: 'Approve every held increase',
      message: `Approve ${increases.length} held increase${increases.length === 1 ? '' : 's'}? The next billing run posts them, re-checked against ${psa}.`,
      detail: increases.slice(0, 5).map((h) => `#${h.id} ${h.tenantName} · ${h.billingItemName ?? h.billingItemId}: ${formatCount(h.beforeUnits)} → ${formatCount(h.afterUnits)}`),
    });
    if (!yes) return;
    try {
      const actor = session.auditActor();
      session.ledger.transaction(() => increases.forEach((h) => session.ledger.decideHeldChange(h.id, { approve: true, actor })));
      screen.notify(`Approved ${increases.length} held increase${increases.length === 1 ? '' : 's'}; recorded in the ledger's audit.`, 'success');
    } catch (error) {
      screen.notify(error);
    }
    reload();
  };

  const editSettings = async () => {
    if (!integration) return;
    const current = approvalsOf(integration);
    const values = await screen.form({
      title: `Billing approvals of ${integrationName}`,
      intro: ['What the billing runs post on their own and what they hold here for a person.', 'Changes of a tenant whose platform data was read in part are held under every setting.'],
      fields: [
        { kind: 'choice', id: 'mode', label: 'Setting', required: true, initial: current.mode, options: APPROVAL_MODES.map((m) => ({ value: m, label: APPROVAL_MODE_LABELS[m] })) },
        { kind: 'text', id: 'percent', label: 'Hold decreases over (%)', initial: String(current.maxDecreasePercent), validate: (v) => { const r = settingsFrom({ mode: 'hold-risky', percent: v, units: '' }); return typeof r === 'string' ? r : undefined; } },
        { kind: 'text', id: 'units', label: 'or over (units; blank: no limit)', initial: current.maxDecreaseUnits === null ? '' : String(current.maxDecreaseUnits), validate: (v) => { const r = settingsFrom({ mode: 'hold-risky', percent: '20', units: v }); return typeof r === 'string' ? r : undefined; } },
      ],
      validateAsYouType: true,
    });
    if (values === undefined) return;
    const next = settingsFrom(values);
    if (typeof next === 'string') return screen.notify(next, 'warning');
    try {
      session.updateIntegration(integrationName, (i) => ({ ...i, approvals: next }), `Reports › Billing: Held: approvals ${APPROVAL_MODE_LABELS[next.mode]}`);
      screen.notify(`Saved: ${approvalsText(next, true)}. The next billing run follows it.`, 'success');
    } catch (error) {
      screen.notify(error);
    }
    reload();
  };

  useCommands(
    'Billing: Held',
    [
      { id: 'held.settings', keys: ['m'], description: 'Change what billing holds for approval (post everything, hold risky changes, hold everything)', hint: 'setting', when: () => !table.filterMode && integration !== undefined, run: () => void editSettings() },
      { id: 'held.approve', keys: ['a'], description: 'Approve the held change (a decrease asks for the tenant name)', hint: 'approve', when: () => !table.filterMode && cursor?.state === 'held', run: () => void decide(cursor!, true) },
      { id: 'held.increases', keys: ['i'], description: 'Approve every held increase', hint: 'approve increases', when: () => !table.filterMode && rows.some((h) => h.state === 'held' && h.afterUnits > h.beforeUnits), run: () => void approveIncreases() },
      { id: 'held.reject', keys: ['x'], description: 'Reject the held change: never posted', hint: 'reject', when: () => !table.filterMode && cursor !== undefined, run: () => void decide(cursor!, false) },
      { id: 'held.reload', keys: ['r'], description: 'Read the held changes again', hint: 'reload', when: () => !table.filterMode, run: reload },
    ],
    { active },
  );

  const lines: Array<{ text: string; tone: Tone }> = [
    { text: `Billing: Held — changes the billing runs keep from ${psa} until a person decides`, tone: 'title' },
    { text: heldSummary(rows), tone: 'normal' },
    { text: integration ? `Setting: ${approvalsText(approvalsOf(integration), integration.approvals !== undefined)} · m changes it` : '', tone: 'muted' },
  ];
  const below = [...heldDetail(cursor, words.contract).map((text) => ({ text: `  ${text}`, tone: 'muted' as Tone })), { text: 'CLI: kmsp billing held · kmsp billing approve ID… | --all-increases · kmsp billing reject ID…', tone: 'muted' as Tone }];
  const line = (l: { text: string; tone: Tone }, i: number) => (
    <Text key={i} wrap="truncate-end" {...theme.style(l.tone)}>
      {truncate(toSingleLine(l.text), width) || ' '}
    </Text>
  );
  return (
    <Box flexDirection="column" width={width}>
      {lines.map(line)}
      <Box flexDirection="column" height={tableHeight}>
        <Table table={table} width={width} title="Held changes" emptyMessage="No held changes." />
      </Box>
      {below.map(line)}
    </Box>
  );
}
