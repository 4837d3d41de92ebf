// Connections (README › The console, Connections): the platform and PSA settings of an integration,
// the state of each secret (where it is held, never its value), inline editing
// with validation, Save / Cancel changes, and Test connection with the
// doctor's own checks. With no integration yet, `n` creates one.
//
// Decisions:
// - Settings are a draft until Ctrl-S; x (Cancel changes, the same key on every tab) or
//   leaving the tab offers to discard them. Esc only leaves the field being edited.
// - Secrets are not part of the draft: Enter on a secret row asks for the value
//   (masked) and stores it in the secret store at once, saying where it went.
//   The config file never holds them, so there is nothing for Save to write.
// - Test connection tests the settings as shown, saved or not, so an admin can
//   try a change before saving it; the result says which it tested and when
//   the settings changed since.
import { reloadedNotice } from '../reload-notice.js';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Box, Text } from 'ink';
import type { ConsoleSession } from '../../../console/session.js';
import type { Integration } from '../../../domain/config.js';
import { rebaseOnTheirs } from '../../../domain/configMerge.js';
import { platformProfile } from '../../../domain/profiles/index.js';
import { checkPlatform, checkPsa, type CheckResult } from '../../../doctor/checks.js';
import type { SecretStatusReport } from '../../../store/secrets.js';
import { secretState, secretStoredNotice } from './secrets-view.js';
import { useCommands, useKeyCapture, type KeyPress } from '../../keys/index.js';
import { useDirty, useScreen } from '../../console-context.js';
import { TextField, useTextFieldState } from '../../components/text-field/index.js';
import type { ScreenDefinition, ScreenProps } from '../../screen.js';
import { useTheme, type Tone } from '../../theme.js';
import { displayWidth, fit, truncate, truncateStart, wrap } from '../../text.js';
import { useLoad } from '../use-load.js';
import { secretProblem } from './validate.js';
import { changedRowIds, draftOf, platformRows, psaRows, sameSettings, sideTitle, type ConnectionDraft, type FieldRow, type Side } from './fields.js';
import { fitResultLines, headerText, resultLines, staleText, type ResultLine, type TestRun } from './results.js';
import { ResultsDialog } from './results-dialog.js';
import { NoIntegration } from './create.js';

export interface ConnectionsScreenOptions {
  readonly session: ConsoleSession;
  /** The integration the console was opened for; without one (null), the first configured, else the offer to create one. */
  readonly integrationName?: string | null | undefined;
  /** Called after `n` created an integration (the console may then add the tabs that need one). */
  readonly onIntegrationCreated?: (name: string) => void;
  /** Relative CA file paths are resolved from here (default: the current directory). */
  readonly cwd?: string;
}

export function createConnectionsScreen(options: ConnectionsScreenOptions): ScreenDefinition {
  return { id: 'connections', title: 'Connections', render: (props) => <ConnectionsScreen {...props} {...options} /> };
}

function pickIntegration(session: ConsoleSession, wanted: string | null | undefined): string | null {
  if (wanted) return session.integration(wanted) ? wanted : null;
  return session.config.integrations[0]?.name ?? null;
}

export function ConnectionsScreen(props: ScreenProps & ConnectionsScreenOptions) {
  const { session, integrationName } = props;
  const [name, setName] = useState(() => pickIntegration(session, integrationName));
  const integration = name ? session.integration(name) : undefined;
  const created = (created: string) => {
    setName(created);
    props.onIntegrationCreated?.(created);
  };
  if (!integration) return <NoIntegration {...props} onCreated={created} />;
  return <ConnectionEditor key={integration.name} {...props} integration={integration} />;
}

// ------------------------------------------------------------------ editor

type Line =
  | { type: 'section'; side: Side }
  | { type: 'row'; row: FieldRow; index: number }
  | { type: 'problem'; text: string };

interface Editing {
  readonly rowId: string;
  /** Text the editor started with (dirty when it differs). */
  readonly initial: string;
  /** Show the validation message (after the first Enter that failed). */
  readonly showProblem: boolean;
}

const LABEL_WIDTH = 22;
/** "› * " before the label, two cells after it. */
const PREFIX_WIDTH = 4;
const SIDE_BY_SIDE_MIN_WIDTH = 130;
/** The most lines a field's help takes, when the results leave them free. */
const MAX_HELP_LINES = 3;

function ConnectionEditor({ width, height, active, session, integration, cwd }: ScreenProps & ConnectionsScreenOptions & { integration: Integration }) {
  const screen = useScreen();
  const theme = useTheme();
  const name = integration.name;
  const [saved, setSaved] = useState<ConnectionDraft>(() => draftOf(integration));
  const [draft, setDraft] = useState<ConnectionDraft>(saved);
  const [cursorId, setCursorId] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);
  const field = useTextFieldState('');
  const [storing, setStoring] = useState<ReadonlySet<string>>(new Set());
  const [secretGeneration, setSecretGeneration] = useState(0);
  const [run, setRun] = useState<TestRun | null>(null);
  const runSerial = useRef(0);
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );

  const rows = useMemo(() => [...platformRows(integration, draft), ...psaRows(integration, draft)], [integration, draft]);
  const secretNames = rows.flatMap((r) => (r.kind === 'secret' ? [r.secret.name] : []));
  const secrets = useLoad(() => session.secrets.status(secretNames), [session, secretNames.join(','), secretGeneration]);

  const cursor = Math.max(0, cursorId === null ? 0 : rows.findIndex((r) => r.id === cursorId));
  const current = rows[cursor]!;
  const editingRow = editing ? rows.find((r) => r.id === editing.rowId) : undefined;
  const changed = changedRowIds(rows, saved, draft);
  const settingsDirty = !sameSettings(draft, saved);
  const editDirty = editing !== null && field.value !== editing.initial;
  useDirty(settingsDirty || editDirty);
  const settingsKey = JSON.stringify(draft);
  const options = { cwd: cwd ?? process.cwd() };

  // Live problem of the field being edited (shown once Enter was refused).
  const problem = editing && editingRow ? problemOf(editingRow, field.value, options) : undefined;

  const move = (to: number) => setCursorId(rows[Math.max(0, Math.min(rows.length - 1, to))]!.id);

  const startEdit = (row: FieldRow) => {
    if (row.kind === 'toggle') {
      setDraft((d) => row.write(d, !row.read(d)));
      return;
    }
    if (row.kind === 'secret' && storing.has(row.id)) {
      screen.notify(`${row.secret.label} is being stored; try again in a moment.`);
      return;
    }
    const initial = row.kind === 'text' ? row.read(draft) : '';
    field.setValue(initial);
    setEditing({ rowId: row.id, initial, showProblem: false });
  };

  const cancelEdit = () => {
    field.setValue('');
    setEditing(null);
  };

  /** Applies the edited value; returns the new draft, or null when the value is refused or a secret is being stored. */
  const commitEdit = (): ConnectionDraft | null => {
    if (!editing || !editingRow) return draft;
    if (editingRow.kind === 'secret') {
      const value = field.value;
      if (secretProblem(value)) {
        setEditing({ ...editing, showProblem: true });
        return null;
      }
      cancelEdit();
      void storeSecret(editingRow, value);
      return draft;
    }
    if (editingRow.kind !== 'text') return draft;
    const parsed = editingRow.parse(field.value, options);
    if (!parsed.ok) {
      setEditing({ ...editing, showProblem: true });
      return null;
    }
    const next = editingRow.write(draft, parsed.value);
    setDraft(next);
    cancelEdit();
    return next;
  };

  async function storeSecret(row: Extract<FieldRow, { kind: 'secret' }>, value: string) {
    setStoring((s) => new Set([...s, row.id]));
    try {
      const result = await session.setSecret(row.secret.name, value);
      if (mounted.current) screen.notify(secretStoredNotice(row.secret.label, result, session.paths.secretsFile));
    } catch (error) {
      if (mounted.current) screen.notify(error);
    } finally {
      if (mounted.current) {
        setStoring((s) => new Set([...s].filter((id) => id !== row.id)));
        setSecretGeneration((g) => g + 1);
      }
    }
  }

  const save = () => {
    const next = commitEdit();
    if (next === null) return;
    if (sameSettings(next, saved)) {
      screen.notify('Nothing to save: the connection settings are as saved.');
      return;
    }
    try {
      const result = session.updateIntegration(name, (i) => ({ ...i, platform: next.platform, psa: next.psa }), 'Connections tab');
      const stored = session.integration(name);
      const baseline = stored ? draftOf(stored) : next;
      setSaved(baseline);
      setDraft(baseline);
      const count = result.changes.length;
      screen.notify(
        result.notices.length > 0
          ? { kind: 'warning', text: `Saved ${count} change${count === 1 ? '' : 's'} to ${session.configStore.path}. ${result.notices.join(' ')}` }
          : { kind: 'success', text: `Saved ${count} change${count === 1 ? '' : 's'} to ${session.configStore.path}. Press t to test the connection.` },
      );
    } catch (error) {
      screen.notify(error);
    }
  };

  const discard = async () => {
    const lines = rows.flatMap((r) => (r.kind !== 'secret' && changed.has(r.id) ? [`${r.label}: ${valueText(r, saved)} → ${valueText(r, draft)}`] : []));
    const yes = await screen.confirm({ title: 'Cancel changes', message: 'Discard the unsaved connection settings?', detail: lines, danger: true });
    if (!yes || !mounted.current) return;
    setDraft(saved);
    cancelEdit();
    screen.notify('Unsaved changes discarded: the saved settings are shown.');
  };

  // The settings saved by another console since this one loaded them (e.g. after a save clash):
  // shown, with this tab's unsaved edits carried over; an edit of a setting they changed too gives
  // way to theirs, and is named.
  const reload = () => {
    const platform = session.reloadPart(name, 'platform');
    const psa = session.reloadPart(name, 'psa');
    if (!platform && !psa) {
      screen.notify('The config file holds the connection settings this tab shows: nothing to load.');
      return;
    }
    const theirs: ConnectionDraft = { platform: platform ?? saved.platform, psa: (psa as ConnectionDraft['psa'] | null) ?? saved.psa };
    const { value, replaced } = rebaseOnTheirs(saved, draft, theirs);
    setSaved(theirs);
    setDraft(value);
    // "platform.url" → "Kaspersky Security Center › URL" (the row the admin edited).
    const named = replaced.map((c) => {
      const row = rows.find((r) => r.id === c.path);
      return row ? `${sideTitle(integration, row.side)} › ${row.label}` : c.path;
    });
    const notice = reloadedNotice('connection settings', named, 'setting');
    screen.notify(notice, typeof notice === 'string' ? 'success' : undefined);
  };

  const test = () => {
    // A test still running is superseded (its answers are ignored): the admin changed something and wants the new answer.
    if (run && run.finishedAt === null) screen.notify('Started again with the settings shown; the earlier test is ignored.');
    const id = ++runSerial.current;
    // The rest of the integration (mapped tenants, used by the checks) as saved now, maybe by another tab.
    const tested: Integration = { ...(session.integration(name) ?? integration), platform: draft.platform, psa: draft.psa };
    const lookup = (secret: string) => session.secrets.get(secret);
    setRun({
      id,
      startedAt: Date.now(),
      unsaved: settingsDirty,
      settingsKey,
      platformLabel: sideTitle(tested, 'platform'),
      psaLabel: sideTitle(tested, 'psa'),
      platform: null,
      psa: null,
      finishedAt: null,
    });
    const finish = (side: Side) => (results: CheckResult[]) => {
      if (!mounted.current) return;
      setRun((r) => {
        if (!r || r.id !== id) return r;
        const next = { ...r, [side]: results };
        return next.platform && next.psa ? { ...next, finishedAt: Date.now() } : next;
      });
    };
    const crashed = (side: Side) => (error: unknown): CheckResult[] => [
      { integration: name, area: side, status: 'fail', summary: `${sideTitle(tested, side)}: check failed`, detail: error instanceof Error ? error.message : String(error) },
    ];
    const stillWanted = () => mounted.current && runSerial.current === id;
    void checkPlatform(tested, lookup)
      .catch(crashed('platform'))
      .then((results) => (stillWanted() ? withOneTimeCode(tested, results, lookup, stillWanted) : results))
      .catch(crashed('platform'))
      .then(finish('platform'));
    void checkPsa(tested, lookup, session.config.agent.timeZone).catch(crashed('psa')).then(finish('psa'));
  };

  /**
   * The platform demanded a one-time code (2-step verification) it was not given: ask for one and
   * test again with it, for this sign-in only. Cancelled, the first answer stands (it says what
   * the agent needs to sign in alone).
   */
  const withOneTimeCode = async (tested: Integration, results: CheckResult[], lookup: (secret: string) => Promise<string | null>, stillWanted: () => boolean): Promise<CheckResult[]> => {
    const spec = platformProfile(tested.platform.kind).oneTimeCode;
    if (!spec || !results.some((r) => r.status === 'fail' && r.code === spec.demandedCode)) return results;
    const title = sideTitle(tested, 'platform');
    const digits = new RegExp(`^\\d{${spec.digits}}$`);
    const values = await screen.form({
      title: `${title} asks for a ${spec.label.toLowerCase()}`,
      intro: ['The account signs in with 2-step verification.', spec.help, 'Esc: no code; the test keeps its first answer.'],
      // Masked like any secret: a code still valid for its few seconds must not stay on screen.
      fields: [{ kind: 'secret', id: 'code', label: spec.label, required: true, validate: (v) => (digits.test(v.trim()) ? undefined : `Type the ${spec.digits} digits the app shows.`) }],
      submitLabel: 'test',
    });
    const code = typeof values?.code === 'string' ? values.code.trim() : '';
    if (!code || !stillWanted()) return results;
    return checkPlatform(tested, lookup, { oneTimeCode: code });
  };

  const showAllResults = () => {
    if (!run) return;
    screen.openDialog(({ close }) => <ResultsDialog run={run} currentKey={settingsKey} onClose={close} />);
  };

  const isEditing = editing !== null;
  useCommands(
    'Connections',
    [
      { id: 'connections.up', keys: ['up', 'k'], description: 'Previous setting', hint: 'move', when: () => !isEditing, run: () => move(cursor - 1) },
      { id: 'connections.down', keys: ['down', 'j'], description: 'Next setting', hint: 'move', when: () => !isEditing, run: () => move(cursor + 1) },
      { id: 'connections.top', keys: ['g', 'home'], description: 'First setting', when: () => !isEditing, run: () => move(0) },
      { id: 'connections.bottom', keys: ['G', 'end'], description: 'Last setting', when: () => !isEditing, run: () => move(rows.length - 1) },
      {
        id: 'connections.edit',
        keys: ['enter'],
        description: 'Edit the setting (a secret: type a new value, stored at once)',
        hint: current.kind === 'toggle' ? 'switch' : current.kind === 'secret' ? 'set secret' : 'edit',
        when: () => !isEditing,
        run: () => startEdit(current),
      },
      {
        id: 'connections.toggle',
        keys: ['space'],
        description: current.kind === 'toggle' ? `Switch the ${current.label.toLowerCase()}` : 'Switch a two-way setting',
        when: () => !isEditing && current.kind === 'toggle',
        run: () => startEdit(current),
      },
      { id: 'connections.keep', keys: ['enter'], description: 'Keep the typed value (secrets: store it)', hint: editingRow?.kind === 'secret' ? 'store' : 'keep', when: () => isEditing, run: () => void commitEdit() },
      { id: 'connections.cancelEdit', keys: ['escape'], description: 'Stop editing, keep the previous value', hint: 'cancel', when: () => isEditing, run: cancelEdit },
      { id: 'connections.save', keys: ['ctrl+s'], description: 'Save changes (to the config file)', hint: 'save', when: () => settingsDirty || (isEditing && editingRow?.kind === 'text'), run: save },
      { id: 'connections.discard', keys: ['x'], description: 'Cancel changes (restore the last save)', hint: 'cancel changes', when: () => !isEditing && settingsDirty, run: () => void discard() },
      { id: 'connections.reload', keys: ['r'], description: 'Reload the connection settings saved in the config file (your unsaved changes stay)', when: () => !isEditing, run: reload },
      { id: 'connections.test', keys: ['t'], description: 'Test connection (both sides, with the settings shown)', hint: 'test', when: () => !isEditing, run: test },
      { id: 'connections.results', keys: ['v'], description: 'Show every line of the last test', hint: 'all results', when: () => !isEditing && run !== null && run.finishedAt !== null, run: showAllResults },
    ],
    { active },
  );
  const onType = useCallback((key: KeyPress) => field.handleKey(key), [field.handleKey]);
  useKeyCapture('Connections field', onType, { kind: 'input', active: active && isEditing });

  // Layout -------------------------------------------------------------------
  const sideBySide = width >= SIDE_BY_SIDE_MIN_WIDTH;
  const fieldsWidth = sideBySide ? Math.min(80, Math.floor(width / 2)) : width;
  const resultsWidth = sideBySide ? width - fieldsWidth - 2 : width;
  const valueWidth = Math.max(8, fieldsWidth - PREFIX_WIDTH - LABEL_WIDTH - 2);

  const lines: Line[] = [];
  rows.forEach((row, index) => {
    if (index === 0 || rows[index - 1]!.side !== row.side) lines.push({ type: 'section', side: row.side });
    lines.push({ type: 'row', row, index });
    if (editing?.showProblem && editing.rowId === row.id && problem) lines.push({ type: 'problem', text: problem });
  });

  const body = Math.max(1, height - 1);
  // The settings come first: results fold their passed checks, then the help
  // line goes, and only then does the settings list scroll.
  const leastResults = run ? 1 + resultLines(run, resultsWidth, 3).length : 1;
  let showHelp = true;
  let fieldsRoom: number;
  if (sideBySide) fieldsRoom = Math.max(1, body - 1);
  else if (lines.length + 1 + leastResults <= body) fieldsRoom = lines.length;
  else {
    showHelp = false;
    fieldsRoom = Math.min(lines.length, Math.max(6, body - leastResults));
  }
  // The help line goes on for a few more lines where the results leave rows free (a secret's
  // help says what it is for and where it is kept: more than one line at 80 columns).
  const helpText = editing
    ? editingRow?.kind === 'secret'
      ? 'Typing shows • only. Enter stores the value in the secret store now; Esc keeps the stored one.'
      : 'Enter keeps the value · Esc cancels · Ctrl-U clears · Ctrl-S keeps it and saves'
    : current.help;
  const helpWrapped = wrap(helpText, fieldsWidth);
  const resultsWant = sideBySide ? 0 : run ? 1 + resultLines(run, resultsWidth, 1).length : 1;
  const helpFree = body - Math.min(lines.length, fieldsRoom) - 1 - resultsWant;
  const helpRows = showHelp ? Math.max(1, Math.min(helpWrapped.length, MAX_HELP_LINES, 1 + helpFree)) : 0;
  const helpLines = helpRows === 0 ? [] : helpWrapped.length <= helpRows ? helpWrapped : [...helpWrapped.slice(0, helpRows - 1), helpWrapped.slice(helpRows - 1).join(' ')];
  const resultsRoom = sideBySide ? body : Math.max(0, body - fieldsRoom - helpRows);

  // Scroll the field list only as far as needed to keep the cursor (and its problem line) in view.
  const top = useRef(0);
  const cursorLine = lines.findIndex((l) => l.type === 'row' && l.index === cursor);
  const lastNeeded = cursorLine + (lines[cursorLine + 1]?.type === 'problem' ? 1 : 0);
  const firstNeeded = lines[cursorLine - 1]?.type === 'section' ? cursorLine - 1 : cursorLine;
  if (firstNeeded < top.current) top.current = firstNeeded;
  if (lastNeeded >= top.current + fieldsRoom) top.current = lastNeeded - fieldsRoom + 1;
  top.current = Math.max(0, Math.min(top.current, Math.max(0, lines.length - fieldsRoom)));
  const visible = lines.slice(top.current, top.current + fieldsRoom);

  const renderLine = (line: Line, i: number) => {
    if (line.type === 'section') {
      return (
        <Text key={`s${i}`} wrap="truncate-end" {...theme.style('title')}>
          {truncate(sideTitle(integration, line.side), fieldsWidth)}
        </Text>
      );
    }
    if (line.type === 'problem') {
      return (
        <Text key={`p${i}`} wrap="truncate-end" {...theme.style('danger')}>
          {truncate(`${' '.repeat(PREFIX_WIDTH + LABEL_WIDTH + 2)}! ${line.text}`, fieldsWidth)}
        </Text>
      );
    }
    const { row, index } = line;
    const isCursor = index === cursor;
    const prefix = `${isCursor ? theme.glyphs.cursor : theme.glyphs.noCursor} ${changed.has(row.id) ? theme.glyphs.changed : ' '} ${fit(row.label, LABEL_WIDTH)}  `;
    if (editing && editing.rowId === row.id) {
      return (
        <Box key={`r${row.id}`} width={fieldsWidth}>
          <Text {...theme.style('accent')}>{prefix}</Text>
          <TextField field={field} width={valueWidth} focused mask={row.kind === 'secret'} placeholder={row.kind === 'secret' ? 'type the new value' : ''} />
        </Box>
      );
    }
    const value = rowValue(row, draft, secrets.data, storing);
    return (
      <Text key={`r${row.id}`} wrap="truncate-end">
        <Text {...theme.style(isCursor && active ? 'accent' : 'normal')}>{prefix}</Text>
        <Text {...theme.style(value.tone)}>{value.fromEnd ? truncateStart(value.text, valueWidth) : truncate(value.text, valueWidth)}</Text>
      </Text>
    );
  };

  const fieldsPane = (
    <Box flexDirection="column" width={fieldsWidth}>
      {visible.map(renderLine)}
      {helpLines.map((text, i) => (
        <Text key={`h${i}`} wrap="truncate-end" {...theme.style('muted')}>
          {truncate(text, fieldsWidth)}
        </Text>
      ))}
    </Box>
  );
  const resultsPane = resultsRoom > 0 ? <ResultsPane run={run} currentKey={settingsKey} width={resultsWidth} room={resultsRoom} /> : null;

  const title = `Integration ${name}: ${sideTitle(integration, 'platform')} ⇄ ${sideTitle(integration, 'psa')}`;
  const state = settingsDirty ? `${theme.glyphs.changed} ${changed.size} unsaved change${changed.size === 1 ? '' : 's'}` : 'saved';
  const gap = Math.max(1, width - displayWidth(title) - displayWidth(state));
  return (
    <Box flexDirection="column" width={width} height={height} overflowY="hidden">
      <Text wrap="truncate-end">
        <Text {...theme.style('title')}>{truncate(title, Math.max(1, width - displayWidth(state) - 1))}</Text>
        {' '.repeat(gap)}
        <Text {...theme.style(settingsDirty ? 'warning' : 'muted')}>{state}</Text>
      </Text>
      {sideBySide ? (
        <Box flexDirection="row">
          {fieldsPane}
          <Box width={2} />
          {resultsPane}
        </Box>
      ) : (
        <>
          {fieldsPane}
          {resultsPane}
        </>
      )}
    </Box>
  );
}

function problemOf(row: FieldRow, value: string, options: { cwd: string }): string | undefined {
  if (row.kind === 'secret') return secretProblem(value);
  if (row.kind !== 'text') return undefined;
  const parsed = row.parse(value, options);
  return parsed.ok ? undefined : parsed.message;
}

function valueText(row: FieldRow, draft: ConnectionDraft): string {
  if (row.kind === 'text') return row.read(draft) || row.emptyText;
  if (row.kind === 'toggle') return row.text(row.read(draft));
  return '';
}

function rowValue(row: FieldRow, draft: ConnectionDraft, status: SecretStatusReport | undefined, storing: ReadonlySet<string>): { text: string; tone: Tone; fromEnd?: boolean } {
  if (row.kind === 'text') {
    const text = row.read(draft);
    return text ? { text, tone: 'normal', fromEnd: row.fromEnd } : { text: row.emptyText, tone: 'muted' };
  }
  if (row.kind === 'toggle') return { text: row.text(row.read(draft)), tone: 'normal' };
  if (storing.has(row.id)) return { text: 'storing…', tone: 'muted' };
  return secretState(row.secret.name, row.secret.envVar, status, row.secret.optional);
}

function ResultsPane({ run, currentKey, width, room }: { run: TestRun | null; currentKey: string; width: number; room: number }) {
  const theme = useTheme();
  if (!run) {
    return (
      <Text wrap="truncate-end" {...theme.style('muted')}>
        {truncate('Test connection: t tests both sides with the settings shown (saved or not).', width)}
      </Text>
    );
  }
  const stale = staleText(run, currentKey);
  const top: ResultLine[] = [{ text: headerText(run, currentKey), tone: 'title' }, ...(stale && room > 1 ? [{ text: stale, tone: 'warning' as const }] : [])];
  const { lines } = fitResultLines(run, width, room - top.length);
  return (
    <Box flexDirection="column" width={width}>
      {[...top, ...lines].map((line, i) => (
        <Text key={i} wrap="truncate-end" {...theme.style(line.tone)}>
          {truncate(line.text, width)}
        </Text>
      ))}
    </Box>
  );
}
