// Reports › Agent (README › The console, Reports; The agent): the agent's state from its status file, re-read every
// few seconds while the report is shown, the latest postings and tickets from the ledger, and the
// global pause switch (p), which is saved to the config at once — a switch, not a draft, so this
// report never has unsaved changes and never saves another tab's draft (session.setPaused writes
// agent.paused only). The running agent hot-reloads the config; that is how the pause reaches it.
// The agent's other settings (time zone, billing schedule, poll, ticket limit) are shown in one
// block and edited with `e` (agent-settings.tsx), saved at once the same way.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Box, Text } from 'ink';
import type { AgentStatusView, ConsoleSession } from '../../../console/session.js';
import { signed } from '../../../billing/format.js';
import { ticketStateText } from '../../../tickets/format.js';
import { agentStartCommand, apiLines, configLines, formatTimeShort, jobLines, livenessLine, missingStatusLines, pausedLine, withOnceRuns, type StatusLevel, type StatusLine } from '../../../domain/agentStatusText.js';
import { AGENT_JOBS } from '../../../domain/agentStatus.js';
import type { PostingRecord, TicketRecord } from '../../../store/ledger.js';
import { platformProfile, psaProfile } from '../../../domain/profiles/index.js';
import { resolvePaths } from '../../../store/paths.js';
import { useCommands } from '../../keys/index.js';
import { useScreen } from '../../console-context.js';
import { Table, useTable, type Column } from '../../components/table/index.js';
import { FormDialog } from '../../components/form-dialog.js';
import type { EditableAgentKey } from '../../../domain/agentSettings.js';
import { AGENT_SETTINGS_INTRO, agentSettingsFields, agentSettingsFormNotes, agentSettingsFormProblems, agentSettingsLines, changedSettings, savedNotice } from './agent-settings.js';
import { HEALTH_INTRO, healthFormFields, healthFromForm, healthLine, healthSavedNotice, type HealthFormContext } from './health-settings.js';
import { webhookSecretName } from '../../../domain/health.js';
import { HealthLedger } from '../../../store/healthLedger.js';
import { useTheme, type Tone } from '../../theme.js';
import { formatCount, toSingleLine, truncate } from '../../text.js';

/** How often the status file (and the ledger) is read while the report is shown. */
export const AGENT_REFRESH_MS = 2000;
/** Ledger rows kept per table: the latest ones; `kmsp ledger export` has them all. */
export const RECENT_ROWS = 500;
/** Status lines above the tables at most; the tables keep the rest. */
const MAX_STATUS_LINES = 9;
/** Lines the two tables keep at least (title, header and 3 rows each) before the status block gives way. */
const MIN_TABLE_LINES = 10;

/**
 * Fit the status block in `budget` lines: the pass summaries (muted; `kmsp status` prints
 * them) go first, from the last, so a short terminal keeps the state, runs and errors.
 */
export function fitStatusLines(lines: readonly StatusLine[], budget: number): StatusLine[] {
  const kept = [...lines];
  for (let i = kept.length - 1; i >= 0 && kept.length > budget; i--) if (kept[i]!.level === 'muted') kept.splice(i, 1);
  return kept.slice(0, Math.max(1, budget));
}

const TONE: Record<StatusLevel, Tone> = { normal: 'normal', good: 'success', warning: 'warning', error: 'danger', muted: 'muted', title: 'title' };

export interface AgentReportProps {
  width: number;
  height: number;
  /** Shown: the Reports tab is visible and this report is chosen. Polling runs only then. */
  active: boolean;
  session: ConsoleSession;
  /** The integration shown: its health notifications are shown and edited here (h). */
  integrationName?: string;
}

interface LedgerRows {
  postings: PostingRecord[];
  tickets: TicketRecord[];
}

/** Rows keep their identity while nothing changed, so the tables do no work on a refresh. */
function sameRows<T>(a: readonly T[], b: readonly T[], sig: (row: T) => string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (sig(a[i]!) !== sig(b[i]!)) return false;
  return true;
}
const postingSig = (p: PostingRecord) => `${p.id}\u0000${p.status}\u0000${p.settledAt ?? ''}`;
const ticketSig = (t: TicketRecord) => `${t.key}\u0000${t.state}\u0000${t.repeatCount}\u0000${t.psaTicketNumber ?? ''}\u0000${t.lastNoteAt ?? ''}\u0000${t.closePending ?? ''}`;

/**
 * The status file and the latest ledger rows, read now and every AGENT_REFRESH_MS while
 * `shown`; the interval is cleared when the report is hidden or unmounted.
 */
export function useAgentData(session: ConsoleSession, shown: boolean) {
  const [view, setView] = useState<AgentStatusView>(() => session.agentStatus());
  const [rows, setRows] = useState<LedgerRows>({ postings: [], tickets: [] });
  const [ledgerError, setLedgerError] = useState<unknown>(undefined);
  const rowsRef = useRef(rows);
  const refresh = useMemo(
    () => () => {
      // A pause or a setting changed elsewhere (kmsp pause, kmsp config set) shows here (and in the header) at once.
      session.syncAgent();
      setView(session.agentStatus());
      try {
        const postings = session.ledger.listPostings({ limit: RECENT_ROWS });
        // Pending closes first, however old: each is a ticket kmsp still has to close.
        const pending = session.ledger.pendingCloses();
        const recent = session.ledger.listTickets({ limit: RECENT_ROWS }).filter((t) => !(t.state === 'open' && t.closePending));
        const tickets = [...pending, ...recent];
        const current = rowsRef.current;
        const next = {
          postings: sameRows(current.postings, postings, postingSig) ? current.postings : postings,
          tickets: sameRows(current.tickets, tickets, ticketSig) ? current.tickets : tickets,
        };
        if (next.postings !== current.postings || next.tickets !== current.tickets) {
          rowsRef.current = next;
          setRows(next);
        }
        setLedgerError(undefined);
      } catch (error) {
        // The agent holds the ledger only briefly (WAL, busy timeout); the next refresh retries.
        setLedgerError(error);
      }
    },
    [session],
  );
  useEffect(() => {
    if (!shown) return;
    refresh();
    const timer = setInterval(refresh, AGENT_REFRESH_MS);
    return () => clearInterval(timer);
  }, [shown, refresh]);
  return { view, rows, ledgerError, refresh };
}

/** The status block of the report: the same sentences as `kmsp status`, fewer lines. */
export function agentReportLines(view: AgentStatusView, options: { configPaused: boolean; now: Date; startCommand: string; timeZone: string }): StatusLine[] {
  const configPaused: StatusLine = options.configPaused
    ? { text: 'Config: paused — the agent makes no PSA writes (p resumes)', level: 'warning' }
    : { text: 'Config: not paused (p pauses the agent)', level: 'normal' };
  // The runs of `kmsp agent --once` are named, so the words agree with the tables below.
  if (view.state === 'missing') return [...missingStatusLines(view.file, options.startCommand, { runs: view.runs, options: { now: options.now, timeZone: options.timeZone } }), configPaused];
  if (view.state === 'unreadable') {
    return [
      { text: `Agent: status unknown — ${view.reason}`, level: 'error' },
      { text: `The agent rewrites its status at least every 30 s while it runs; if it does not run, start it (${options.startCommand}).`, level: 'normal' },
      configPaused,
    ];
  }
  const { liveness } = view;
  const status = withOnceRuns(view.status, liveness, view.runs);
  const o = { now: options.now, timeZone: status.timeZone };
  const paused = pausedLine(status, 'p resumes');
  // The agent says what it runs with; the console's config may be newer (not reloaded yet).
  if (status.paused !== options.configPaused && liveness === 'running') {
    paused.text += ` · config: ${options.configPaused ? 'paused' : 'not paused'}, not picked up yet`;
    paused.level = 'warning';
  }
  // Only a refused config change: the config file path would cost a line the tables need.
  const config = configLines(status, o).slice(1);
  return [
    livenessLine(status, liveness, o),
    liveness === 'running' || liveness === 'stopping' ? paused : configPaused,
    ...config,
    ...AGENT_JOBS.flatMap((job) => jobLines(job, status.jobs[job], liveness, { ...o, compact: true })),
    ...apiLines(status, { ...o, compact: true }),
  ];
}

/**
 * The postings' tenant column title: the platform's word ("Company") when every integration
 * speaks to one kind of platform; the postings of several kinds are just tenants.
 */
export function tenantTitle(session: Pick<ConsoleSession, 'config'>): string {
  const kinds = new Set(session.config.integrations.map((i) => i.platform.kind));
  if (kinds.size !== 1) return 'Tenant';
  const word = platformProfile([...kinds][0]!).words.tenant;
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function postingColumns(timeZone: string, now: () => Date, tenant: string): Column<PostingRecord>[] {
  return [
    { key: 'createdAt', title: 'When', width: 11, render: (p) => formatTimeShort(p.createdAt, { now: now(), timeZone }), filterable: false },
    { key: 'tenant', title: tenant, minWidth: 12, maxWidth: 28, grow: 2, render: (p) => p.tenantName ?? p.tenantId },
    { key: 'item', title: 'Billing item', minWidth: 14, grow: 4, render: (p) => p.billingItemName ?? p.billingItemId },
    { key: 'units', title: 'Units', width: 11, align: 'right', render: (p) => `${formatCount(p.beforeUnits)} → ${formatCount(p.afterUnits)}`, filterable: false },
    { key: 'delta', title: 'Change', width: 6, align: 'right', render: (p) => signed(p.delta), filterable: false },
    { key: 'status', title: 'Status', width: 7, tone: (p) => (p.status === 'failed' || p.status === 'unknown' ? 'danger' : p.status === 'pending' ? 'warning' : undefined) },
  ];
}

function ticketColumns(timeZone: string, now: () => Date): Column<TicketRecord>[] {
  return [
    { key: 'createdAt', title: 'When', width: 11, render: (t) => formatTimeShort(t.createdAt, { now: now(), timeZone }), filterable: false },
    { key: 'number', title: 'Ticket', width: 14, render: (t) => t.psaTicketNumber ?? t.psaTicketId ?? '(not created)' },
    { key: 'title', title: 'Title', minWidth: 16, grow: 6, render: (t) => t.title ?? t.key },
    { key: 'state', title: 'State', minWidth: 15, maxWidth: 44, grow: 2, render: ticketStateText, tone: (t) => (t.closePending ? 'warning' : t.state === 'open' ? 'accent' : 'muted') },
    // The title names the severity; the kind says whether it closes by itself (status) or by a person (event).
    { key: 'kind', title: 'Kind', width: 6, filterable: false },
    { key: 'repeats', title: 'Repeats', width: 7, align: 'right', render: (t) => (t.repeatCount ? formatCount(t.repeatCount) : ''), filterable: false },
  ];
}

type Focus = 'postings' | 'tickets';

/**
 * The line under the tickets table while closes are pending: the ticket in its PSA's word, why
 * and since when — the table's State column is cut on a narrow terminal. The cursor row when it
 * is one, else the oldest. Essential part first: the line is cut at the width.
 */
export function pendingCloseLine(pending: readonly TicketRecord[], cursor: TicketRecord | undefined, session: Pick<ConsoleSession, 'integration'>, o: { now: Date; timeZone: string }): string | null {
  if (pending.length === 0) return null;
  const t = cursor && pending.some((p) => p.key === cursor.key) ? cursor : pending[0]!;
  const integration = session.integration(t.integration);
  const word = integration ? psaProfile(integration.psa.kind).words.ticket : 'ticket';
  const tenant = integration?.tenants.find((x) => x.tenantId === t.tenantId)?.tenantName ?? t.tenantId;
  const since = t.closePendingSince ? ` since ${formatTimeShort(t.closePendingSince, o)}` : '';
  const which = pending.length > 1 ? ` (${pending.indexOf(t) + 1} of ${pending.length})` : '';
  return `Close pending${which}: ${word} ${t.psaTicketNumber ?? t.psaTicketId ?? t.key}, ${t.closePending}${since} (${tenant}) · retried each poll`;
}

export function AgentReport({ width, height, active, session, integrationName }: AgentReportProps) {
  const theme = useTheme();
  const screen = useScreen();
  const { view, rows, ledgerError, refresh } = useAgentData(session, active);
  const [focus, setFocus] = useState<Focus>('postings');
  const [busy, setBusy] = useState(false);
  const configPaused = session.config.agent.paused;
  const timeZone = session.config.agent.timeZone;
  const nowRef = useRef(view.at);
  nowRef.current = view.at;
  // Columns stay the same objects across refreshes (the filter cache keys on them); "now" is read through a ref.
  const tenant = tenantTitle(session);
  const pColumns = useMemo(() => postingColumns(timeZone, () => nowRef.current, tenant), [timeZone, tenant]);
  const tColumns = useMemo(() => ticketColumns(timeZone, () => nowRef.current), [timeZone]);

  // A console opened on other files (--config DIR, the demo) names them in the start hint.
  const startCommand = useMemo(() => agentStartCommand(session.paths.configDir === resolvePaths().configDir ? undefined : session.paths.configDir), [session]);
  const shownIntegration = integrationName ? session.integration(integrationName) : undefined;
  const shownPsa = shownIntegration ? psaProfile(shownIntegration.psa.kind) : null;
  // Read with each refresh of the report (view changes every AGENT_REFRESH_MS).
  const incident = useMemo(() => {
    try {
      return integrationName ? new HealthLedger(session.ledger).openIncident(integrationName) : null;
    } catch {
      return null;
    }
  }, [session, integrationName, view]);
  const settingsLines = [...agentSettingsLines(session.config.agent, width), healthLine(shownIntegration, shownPsa, incident)];
  const pending = useMemo(() => rows.tickets.filter((t) => t.state === 'open' && t.closePending), [rows.tickets]);
  const pendingLines = pending.length > 0 ? 1 : 0;
  const statusLines = fitStatusLines(agentReportLines(view, { configPaused, now: view.at, startCommand, timeZone }), Math.min(MAX_STATUS_LINES, height - 2 - pendingLines - MIN_TABLE_LINES - settingsLines.length));
  // Title above the status block; the file and keys line at the bottom.
  const room = Math.max(6, height - 2 - pendingLines - statusLines.length - settingsLines.length - (ledgerError ? 1 : 0));
  const postingsHeight = Math.max(3, Math.floor(room / 2));
  const ticketsHeight = Math.max(3, room - postingsHeight);
  const postings = useTable({ rows: rows.postings, columns: pColumns, getRowId: (p) => String(p.id), height: postingsHeight, active: active && focus === 'postings', group: 'Latest postings' });
  const tickets = useTable({ rows: rows.tickets, columns: tColumns, getRowId: (t) => t.key, height: ticketsHeight, active: active && focus === 'tickets', group: 'Latest tickets' });
  const filtering = postings.filterMode || tickets.filterMode;
  const pendingLine = pendingCloseLine(pending, focus === 'tickets' ? tickets.cursorRow : undefined, session, { now: view.at, timeZone });

  async function togglePause() {
    const pause = !session.config.agent.paused;
    const current = session.agentStatus();
    const agent =
      current.state === 'ok' && current.liveness === 'running'
        ? `The running agent (pid ${current.status.pid}) picks it up when it reloads the config.`
        : pause
          ? 'No agent is running now; it starts paused.'
          : 'No agent is running now; it writes again when it starts.';
    const yes = await screen.confirm({
      title: pause ? 'Pause the agent' : 'Resume the agent',
      message: pause ? 'Stop all PSA writes until resumed?' : 'Let the agent write to the PSA again?',
      detail: [
        pause ? 'No postings and no tickets are written to the PSA while paused.' : 'Billing and ticket passes write to the PSA again.',
        'Saved to the config now (agent.paused), recorded in the config audit.',
        agent,
      ],
      danger: !pause,
    });
    if (!yes) return;
    setBusy(true);
    try {
      session.setPaused(pause, `Reports › Agent: ${pause ? 'paused' : 'resumed'} the agent`);
    } catch (error) {
      screen.notify(error);
      return;
    } finally {
      setBusy(false);
    }
    refresh();
    screen.notify(`${pause ? 'Paused: the agent makes no PSA writes' : 'Resumed: the agent writes to the PSA again'}; saved. ${agent}`, 'success');
  }

  function editSettings() {
    const agent = session.config.agent;
    const now = new Date();
    screen.openDialog(({ close }) => (
      <FormDialog
        title="Agent settings"
        intro={[AGENT_SETTINGS_INTRO]}
        preferredWidth={76}
        fields={agentSettingsFields(agent, now)}
        validateAsYouType
        validate={(values) => agentSettingsFormProblems(values, agent)}
        notes={(values) => agentSettingsFormNotes(values, agent, new Date())}
        onCancel={close}
        onSubmit={(values) => {
          const changes = changedSettings(values, agent);
          if (Object.keys(changes).length === 0) {
            close();
            screen.notify('Agent settings unchanged; nothing saved.');
            return;
          }
          try {
            session.setAgentSettings(changes, 'Reports › Agent: agent settings');
          } catch (error) {
            // The form stays open with what was typed; the notice says why it was not saved.
            screen.notify(error);
            return;
          }
          close();
          refresh();
          const current = session.agentStatus();
          screen.notify(savedNotice(Object.keys(changes) as EditableAgentKey[], current.state === 'ok' && current.liveness === 'running' ? current.status : null), 'success');
        }}
      />
    ));
  }

  async function editHealth() {
    const integration = shownIntegration;
    if (!integration || !shownPsa || !integrationName) return;
    const psa = shownPsa;
    setBusy(true);
    let context: HealthFormContext;
    try {
      const [accounts, picklists, stored] = await Promise.all([
        session.accounts(integrationName),
        session.picklists(integrationName),
        session.secrets.get(webhookSecretName(integrationName)).catch(() => null),
      ]);
      context = { integration, psa, accounts, picklists, secretStored: stored !== null };
    } catch (error) {
      // The account and the queue/board are chosen from the live PSA: without it, nothing to choose from.
      screen.notify(error);
      return;
    } finally {
      setBusy(false);
    }
    screen.openDialog(({ close }) => (
      <FormDialog
        title={`Health notifications · ${integrationName}`}
        intro={[HEALTH_INTRO(psa)]}
        preferredWidth={76}
        fields={healthFormFields(context)}
        validateAsYouType
        validate={(values) => healthFromForm(values, context).problems}
        onCancel={close}
        onSubmit={(values) => {
          const { health, secret } = healthFromForm(values, context);
          void (async () => {
            try {
              await session.saveHealth(integrationName, health, secret, 'Reports › Agent: health notifications');
            } catch (error) {
              screen.notify(error);
              return;
            }
            close();
            refresh();
            screen.notify(healthSavedNotice(health, psa, secret !== null), 'success');
          })();
        }}
      />
    ));
  }

  useCommands(
    'Agent',
    [
      {
        id: 'agent.settings',
        keys: ['e'],
        description: 'Edit the agent settings: time zone, billing schedule, ticket poll, tickets per account per hour; saved at once',
        hint: 'settings',
        when: () => !filtering && !busy,
        run: editSettings,
      },
      { id: 'agent.pause', keys: ['p'], description: 'Pause or resume the agent (no PSA writes while paused); saved at once, asks first', hint: configPaused ? 'resume' : 'pause', when: () => !filtering && !busy, run: () => void togglePause() },
      {
        id: 'agent.focus',
        keys: ['t'],
        description: 'Switch between the postings and the tickets tables',
        hint: focus === 'postings' ? 'tickets' : 'postings',
        when: () => !filtering,
        run: () => setFocus((f) => (f === 'postings' ? 'tickets' : 'postings')),
      },
      { id: 'agent.refresh', keys: ['r'], description: `Read the status and the ledger now (also every ${AGENT_REFRESH_MS / 1000} s)`, hint: 'refresh', when: () => !filtering, run: refresh },
      {
        id: 'agent.health',
        keys: ['h'],
        description: 'Edit the health notifications of this integration: a health ticket in the PSA and a webhook; saved at once',
        hint: 'health',
        when: () => !filtering && !busy && shownIntegration !== undefined,
        run: () => void editHealth(),
      },
    ],
    { active },
  );

  const lines = (list: readonly StatusLine[]) =>
    list.map((l, i) => (
      <Text key={i} wrap="truncate-end" {...theme.style(TONE[l.level])}>
        {truncate(toSingleLine(l.text), width) || ' '}
      </Text>
    ));
  const tableTitle = (name: string, f: Focus) => (focus === f ? `${theme.glyphs.activeOpen}${name}${theme.glyphs.activeClose}` : name);
  const bottom = `Status file: ${view.file} · read every ${AGENT_REFRESH_MS / 1000} s · CLI: kmsp status, kmsp pause, kmsp config set, kmsp ledger export`;
  return (
    <Box flexDirection="column" width={width}>
      {lines([{ text: 'The agent (kmsp agent): state, last and next runs, and what it wrote lately', level: 'title' }, ...statusLines])}
      {lines(settingsLines)}
      {ledgerError ? lines([{ text: `Could not read the ledger: ${ledgerError instanceof Error ? ledgerError.message : String(ledgerError)} (retried at the next refresh)`, level: 'warning' }]) : null}
      <Box flexDirection="column" height={postingsHeight}>
        <Table table={postings} width={width} title={tableTitle('Latest postings', 'postings')} emptyMessage="No postings yet: the billing job has not posted anything." focused={focus === 'postings'} />
      </Box>
      <Box flexDirection="column" height={ticketsHeight}>
        <Table table={tickets} width={width} title={tableTitle('Latest tickets', 'tickets')} emptyMessage="No tickets yet: the ticket job has not created any." focused={focus === 'tickets'} />
      </Box>
      {pendingLine ? lines([{ text: pendingLine, level: 'warning' }]) : null}
      {lines([{ text: bottom, level: 'muted' }])}
    </Box>
  );
}
