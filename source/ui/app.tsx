// The console shell: header, tab bar, the active screen, dialogs over it, the
// status line and the key footer. Owns tab switching, the unsaved-changes
// guard, notices and the dialog stack; screens reach them through useScreen().
//
// Workspaces: the console shows one integration at a time, each with its own tabs. A workspace's
// visited screens stay mounted (hidden) while another is shown, so its unsaved edits, cursor and
// filter are there when it is shown again; dirty state, visits and the active tab are kept per
// workspace. The caller (console-root.tsx) says which workspaces exist and which one is shown.
//
// Height rule: the frame is always rows − 1 lines. Ink 6.8 clears the whole
// terminal on every frame once the output is as tall as the terminal (flicker,
// lost scrollback), so the shell never lets a screen draw past its share.
//
// Clipping is vertical only (overflowY) below the frame: every <Text> is already
// as wide as its box at most (Ink truncates or wraps to the box width), and
// Ink clips horizontally by slicing every line of every frame again with ANSI
// parsing — a third of the cost of a frame on a full-screen table.
import { memo, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Box, Text, useApp, useStdout } from 'ink';
import { KeysProvider, LayerProvider, useCommands, useKeyRegistry, type Command, type KeyPress } from './keys/index.js';
import { ThemeContext, chooseTheme, type Theme } from './theme.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { resolveScreens, type ScreenDefinition } from './screen.js';
import { ConsoleContext, ScreenContext, type ConsoleApi, type DialogControls, type DialogHandle, type Notice, type NoticeKind, type ScreenApi, type SelectDialogOptions } from './console-context.js';
import { ConfirmDialog, type ConfirmOptions } from './components/confirm-dialog.js';
import { SearchSelect } from './components/search-select/search-select.js';
import { Checklist } from './components/checklist/checklist.js';
import { FormDialog, type FormValues } from './components/form-dialog.js';
import { Header } from './shell/header.js';
import { TabBar } from './shell/tab-bar.js';
import { Footer } from './shell/footer.js';
import { StatusLine, noticeIsCut, noticeLines, toNotice } from './shell/status-line.js';
import { MessageDialog } from './shell/message-dialog.js';
import { HelpDialog } from './shell/help-dialog.js';
import { DialogHost, type DialogEntry } from './shell/dialog-host.js';
import { truncate } from './text.js';

export const MIN_COLUMNS = 40;
export const MIN_CONTENT_ROWS = 3;
/** Header, tab bar and footer. The status line adds 1–3. */
const CHROME_ROWS = 3;
/** Opens the status line's message in full; it and the commands of that dialog (message.*) leave an info notice in place. */
const MESSAGE_COMMAND = 'message';

/** One integration's tabs (or the console's before there is one: id ''). */
export interface Workspace {
  /** Stable while it exists: the integration's name. */
  readonly id: string;
  /** Shown in the header: "kmsp · demo". */
  readonly title?: string;
  /** Shown in the header after the title: "KSC × Autotask". */
  readonly detail?: string;
  /** Screens by id; standard tabs without one say honestly that they are not available yet. */
  readonly screens: readonly ScreenDefinition[];
}

/** What a shell command (ConsoleAppProps.commands) may ask of the shell, besides the console API. */
export interface ShellApi extends ConsoleApi {
  /** Titles of the tabs of a workspace that hold unsaved changes. */
  unsavedTabs(workspace: string): string[];
  /** Ask before dropping a workspace's unsaved changes ("Discard unsaved changes on Accounts of beta?"); true when there are none. */
  confirmDiscard(workspace: string, why: string): Promise<boolean>;
}

/** A global command given by the caller: its `run` gets the shell. */
export interface ShellCommand extends Omit<Command, 'run' | 'group'> {
  readonly run: (shell: ShellApi, key: KeyPress) => unknown;
}

export interface ConsoleAppProps {
  /** Shown in the header: "kmsp · demo" (without workspaces). */
  readonly integrationName?: string;
  /** Screens by id; standard tabs without one say honestly that they are not available yet (without workspaces). */
  readonly screens?: readonly ScreenDefinition[];
  /** Several sets of tabs, one shown at a time (see the header); replaces integrationName and screens. */
  readonly workspaces?: readonly Workspace[];
  /** Id of the workspace shown (default: the first). */
  readonly workspace?: string;
  /** Global commands of the caller (after the tab keys in the footer and the help). */
  readonly commands?: readonly ShellCommand[];
  /** Id of the first tab (default: the first). */
  readonly initialTab?: string;
  /** Default: colour unless NO_COLOR / FORCE_COLOR=0 / TERM=dumb / not a terminal. */
  readonly theme?: Theme;
  /** Called once the user has quit (after the unsaved-changes guard). Default: end the Ink app. */
  readonly onExit?: () => void;
  /** How long info and success notices stay (ms); 0 keeps them. Default 5000. */
  readonly noticeTimeoutMs?: number;
  /** Shown in the status line at start, e.g. "The config file was corrupt and was moved to …". */
  readonly initialNotice?: string | Notice | Error;
  /** A state shown in the header on every tab, in words (e.g. "PAUSED — no PSA writes"). */
  readonly badge?: string;
}

export function ConsoleApp(props: ConsoleAppProps) {
  const { stdout } = useStdout();
  const theme = useMemo(() => props.theme ?? chooseTheme(process.env, stdout), [props.theme, stdout]);
  return (
    <ThemeContext.Provider value={theme}>
      <KeysProvider>
        <Shell {...props} />
      </KeysProvider>
    </ThemeContext.Provider>
  );
}

/** A tab of a workspace, as the shell keys its visits, generations and dirty state. */
const slotKey = (workspace: string, tab: string) => `${workspace}\u0000${tab}`;
const slotWorkspace = (key: string) => key.slice(0, key.indexOf('\u0000'));
const slotTab = (key: string) => key.slice(key.indexOf('\u0000') + 1);

function Shell({ integrationName, screens, workspaces: givenWorkspaces, workspace, commands: shellCommands = [], initialTab, onExit, noticeTimeoutMs = 5000, initialNotice, badge }: ConsoleAppProps) {
  const app = useApp();
  const registry = useKeyRegistry();
  const { columns, rows } = useTerminalSize();
  const workspaces = useMemo(
    () =>
      (givenWorkspaces && givenWorkspaces.length > 0 ? givenWorkspaces : [{ id: '', ...(integrationName ? { title: integrationName } : {}), screens: screens ?? [] }]).map((w) => ({
        ...w,
        tabs: resolveScreens(w.screens),
      })),
    [givenWorkspaces, integrationName, screens],
  );
  // Read by the shell API, which a dialog may hold across renames and deletes.
  const workspacesRef = useRef(workspaces);
  workspacesRef.current = workspaces;
  const shown = workspaces.find((w) => w.id === workspace) ?? workspaces[0]!;
  const shownRef = useRef(shown);
  shownRef.current = shown;
  const tabs = shown.tabs;

  // The active tab of each workspace; one shown for the first time opens on the tab last shown
  // (Accounts of one integration, then Accounts of the next) when it has that screen, else on its
  // first (the console without an integration: Connections, not a placeholder).
  const [activeTabs, setActiveTabs] = useState<Readonly<Record<string, string>>>(() => {
    const first = tabs.find((t) => t.id === initialTab) ?? tabs[0]!;
    return { [shown.id]: first.id };
  });
  const lastTab = useRef(activeTabs[shown.id]!);
  const activeId =
    activeTabs[shown.id] && tabs.some((t) => t.id === activeTabs[shown.id])
      ? activeTabs[shown.id]!
      : shown.screens.some((t) => t.id === lastTab.current)
        ? lastTab.current
        : (shown.screens[0]?.id ?? tabs[0]!.id);
  if (activeTabs[shown.id] !== activeId) setActiveTabs((a) => ({ ...a, [shown.id]: activeId }));
  lastTab.current = activeId;
  const activeIndex = Math.max(0, tabs.findIndex((t) => t.id === activeId));
  const activeRef = useRef(activeIndex);
  activeRef.current = activeIndex;
  const [visited, setVisited] = useState<ReadonlySet<string>>(() => new Set([slotKey(shown.id, activeId)]));
  if (!visited.has(slotKey(shown.id, activeId))) setVisited((v) => new Set([...v, slotKey(shown.id, activeId)]));
  // A workspace that went (an integration renamed or deleted) takes its visits along: one of that
  // name made later starts afresh.
  const ids = workspaces.map((w) => w.id).join('\u0001');
  useEffect(() => {
    const known = new Set(ids.split('\u0001'));
    setVisited((v) => ([...v].every((key) => known.has(slotWorkspace(key))) ? v : new Set([...v].filter((key) => known.has(slotWorkspace(key))))));
    setActiveTabs((a) => (Object.keys(a).every((id) => known.has(id)) ? a : Object.fromEntries(Object.entries(a).filter(([id]) => known.has(id)))));
  }, [ids]);
  const [generations, setGenerations] = useState<Readonly<Record<string, number>>>({});
  const [dirty, setDirtyState] = useState<Readonly<Record<string, boolean>>>({});
  const dirtyRef = useRef(dirty);
  // A start-up notice stays until replaced: the user may not look at once.
  const [notice, setNoticeState] = useState<Notice | null>(() => (initialNotice === undefined ? null : toNotice(initialNotice, 'warning')));
  // What is on screen as of the last change, not the last render: a screen may ask (isShowing)
  // right after a notify, before React has rendered it.
  const noticeRef = useRef(notice);
  const setNotice = useCallback((next: Notice | null | ((current: Notice | null) => Notice | null)) => {
    noticeRef.current = typeof next === 'function' ? next(noticeRef.current) : next;
    setNoticeState(noticeRef.current);
  }, []);
  const [dialogs, setDialogs] = useState<readonly DialogEntry[]>([]);
  const dialogSerial = useRef(0);
  const noticeTimer = useRef<NodeJS.Timeout | null>(null);

  // Console API (stable identity: screens use it in effect dependencies) ----
  const markDirty = useCallback((id: string, value: boolean) => {
    if (Boolean(dirtyRef.current[id]) === value) return;
    dirtyRef.current = { ...dirtyRef.current, [id]: value };
    setDirtyState(dirtyRef.current);
  }, []);

  const clearNotice = useCallback(
    (only?: Notice) => {
      if (only !== undefined && noticeRef.current !== only) return;
      if (noticeTimer.current) clearTimeout(noticeTimer.current);
      noticeTimer.current = null;
      setNotice(null);
    },
    [setNotice],
  );
  const isShowing = useCallback((shown: Notice) => noticeRef.current === shown, []);

  const notify = useCallback(
    (message: unknown, kind?: NoticeKind) => {
      const next = toNotice(message, kind);
      if (noticeTimer.current) clearTimeout(noticeTimer.current);
      noticeTimer.current = null;
      setNotice(next);
      if ((next.kind === 'info' || next.kind === 'success') && noticeTimeoutMs > 0) {
        noticeTimer.current = setTimeout(() => setNotice((current) => (current === next ? null : current)), noticeTimeoutMs);
        noticeTimer.current.unref?.();
      }
      return next;
    },
    [noticeTimeoutMs, setNotice],
  );
  useEffect(() => () => void (noticeTimer.current && clearTimeout(noticeTimer.current)), []);

  const openDialog = useCallback((render: (controls: DialogControls) => ReactNode): DialogHandle => {
    const id = ++dialogSerial.current;
    let isOpen = true;
    let settle!: () => void;
    const closed = new Promise<void>((resolve) => (settle = resolve));
    const close = () => {
      if (!isOpen) return;
      isOpen = false;
      setDialogs((list) => list.filter((d) => d.id !== id));
      settle();
    };
    const element = render({ close });
    setDialogs((list) => [...list, { id, element }]);
    return { close, closed };
  }, []);

  const api = useMemo<ConsoleApi>(() => {
    const ask = <T,>(render: (resolve: (value: T) => void, close: () => void) => ReactNode) =>
      new Promise<T>((resolve) => {
        openDialog(({ close }) => render(resolve, close));
      });
    return {
      notify,
      clearNotice,
      isShowing,
      openDialog,
      confirm: (options: ConfirmOptions | string) =>
        ask<boolean>((resolve, close) => (
          <ConfirmDialog
            {...(typeof options === 'string' ? { message: options } : options)}
            onAnswer={(yes) => {
              close();
              resolve(yes);
            }}
          />
        )),
      select: <T,>(options: SelectDialogOptions<T>) =>
        ask<T | null | undefined>((resolve, close) => (
          <SearchSelect<T>
            {...options}
            onSubmit={(value) => {
              close();
              resolve(value);
            }}
            onCancel={() => {
              close();
              resolve(undefined);
            }}
          />
        )),
      checklist: (options) =>
        ask<string[] | undefined>((resolve, close) => (
          <Checklist
            {...options}
            onSubmit={(checked) => {
              close();
              resolve(checked);
            }}
            onCancel={() => {
              close();
              resolve(undefined);
            }}
          />
        )),
      form: (options) =>
        ask<FormValues | undefined>((resolve, close) => (
          <FormDialog
            {...options}
            onSubmit={(values) => {
              close();
              resolve(values);
            }}
            onCancel={() => {
              close();
              resolve(undefined);
            }}
          />
        )),
    };
  }, [notify, clearNotice, isShowing, openDialog]);

  // A command that throws shows its error instead of tearing the console down.
  useEffect(() => {
    registry.onError = (error) => notify(error instanceof Error ? error : { kind: 'error', text: String(error) });
  }, [registry, notify]);

  // Info and success notices say what the last action did: the next command clears them (as
  // k9s and lazygit flash messages go), besides the timeout — but not the command that opens
  // the whole message. Warnings and errors carry a cause and remedy to read while acting on
  // them: they stay until replaced or the tab changes.
  useEffect(() => {
    registry.onCommand = (id) => {
      if (id === MESSAGE_COMMAND || id.startsWith(`${MESSAGE_COMMAND}.`)) return;
      setNotice((current) => (current && (current.kind === 'info' || current.kind === 'success') ? null : current));
    };
    return () => {
      registry.onCommand = () => {};
    };
  }, [registry, setNotice]);

  // Tabs and the unsaved-changes guard ---------------------------------------
  /** "Accounts" on the workspace shown; "Accounts of beta" on another. */
  const titleOf = useCallback(
    (key: string) => {
      const w = workspaces.find((x) => x.id === slotWorkspace(key));
      const title = w?.tabs.find((t) => t.id === slotTab(key))?.title ?? slotTab(key);
      return w && w.id !== shownRef.current.id ? `${title} of ${w.title ?? w.id}` : title;
    },
    [workspaces],
  );
  const unsavedTabs = useCallback((id: string) => {
    const w = workspacesRef.current.find((x) => x.id === id);
    return (w?.tabs ?? []).filter((t) => dirtyRef.current[slotKey(id, t.id)]).map((t) => t.title);
  }, []);

  /** Run `then` unless one of `keys` (slotKey) has unsaved changes and the user keeps them. `quitting`: Ctrl-C again says yes. */
  const guard = useCallback(
    async (keys: readonly string[], then: () => void, quitting = false) => {
      const unsaved = keys.filter((key) => dirtyRef.current[key]);
      if (unsaved.length > 0) {
        const yes = await api.confirm({
          title: 'Unsaved changes',
          message: `Discard unsaved changes on ${unsaved.map(titleOf).join(', ')}?`,
          danger: true,
          ...(quitting ? { ctrlCConfirms: 'quit' } : {}),
        });
        if (!yes) return;
        for (const key of unsaved) markDirty(key, false);
        // Remounting the screen throws its edits away; it reloads saved state.
        setGenerations((g) => Object.fromEntries([...Object.entries(g), ...unsaved.map((key) => [key, (g[key] ?? 0) + 1])]));
      }
      then();
    },
    [api, titleOf, markDirty],
  );

  const goTo = useCallback(
    (index: number) => {
      if (index === activeRef.current || index < 0 || index >= tabs.length) return;
      const ws = shownRef.current.id;
      const leaving = slotKey(ws, tabs[activeRef.current]!.id);
      void guard([leaving], () => {
        const id = tabs[index]!.id;
        activeRef.current = index;
        setActiveTabs((a) => ({ ...a, [ws]: id }));
        setVisited((v) => (v.has(slotKey(ws, id)) ? v : new Set([...v, slotKey(ws, id)])));
        clearNotice();
      });
    },
    [tabs, guard, clearNotice],
  );

  const quit = useCallback(() => {
    void guard(
      workspaces.flatMap((w) => w.tabs.map((t) => slotKey(w.id, t.id))),
      () => (onExit ? onExit() : app.exit()),
      true,
    );
  }, [guard, workspaces, onExit, app]);

  const shell = useMemo<ShellApi>(
    () => ({
      ...api,
      unsavedTabs,
      async confirmDiscard(id: string, why: string) {
        const titles = unsavedTabs(id);
        if (titles.length === 0) return true;
        const w = workspacesRef.current.find((x) => x.id === id);
        return api.confirm({ title: 'Unsaved changes', message: `Discard unsaved changes on ${titles.join(', ')} of ${w?.title ?? id}?`, detail: [why], danger: true });
      },
    }),
    [api, unsavedTabs],
  );

  const openMessage = useCallback(() => {
    const shown = noticeRef.current;
    if (shown) openDialog(({ close }) => <MessageDialog notice={shown} onClose={close} />);
  }, [openDialog]);
  // The status line cuts what does not fit its lines: then the footer offers the whole message.
  const noticeCut = noticeIsCut(notice, columns);

  const openHelp = useCallback(() => {
    const title = tabs[activeRef.current]!.title;
    openDialog(({ close }) => <HelpDialog screenTitle={title} onClose={close} />);
  }, [openDialog, tabs]);

  const numberKeys = tabs.slice(0, 9).map((_, i) => String(i + 1));
  const globalCommands: Command[] = [
    {
      id: MESSAGE_COMMAND,
      keys: ['M'],
      description: 'Show the whole message of the status line',
      ...(noticeCut ? { hint: 'full message' } : {}),
      group: 'Global',
      when: () => noticeRef.current !== null,
      run: openMessage,
    },
    { id: 'tabs.next', keys: ['tab'], description: 'Next tab', hint: 'tabs', group: 'Global', run: () => goTo((activeRef.current + 1) % tabs.length) },
    { id: 'tabs.previous', keys: ['shift+tab'], description: 'Previous tab', group: 'Global', run: () => goTo((activeRef.current - 1 + tabs.length) % tabs.length) },
    { id: 'tabs.jump', keys: numberKeys, description: `Go to tab 1–${numberKeys.length}`, group: 'Global', run: (key) => goTo(Number(key.name) - 1) },
    ...shellCommands.map((c): Command => ({ ...c, group: 'Global', run: (key) => c.run(shell, key) })),
    { id: 'help', keys: ['?'], description: 'Show the keys of this screen', hint: 'help', group: 'Global', run: openHelp },
    { id: 'quit', keys: ['q', 'ctrl+c'], description: 'Quit (asks first when changes are unsaved)', hint: 'quit', group: 'Global', run: quit },
  ];
  useCommands('Global', globalCommands, { layer: 'global' });

  // Layout ------------------------------------------------------------------
  const frameHeight = Math.max(1, rows - 1);
  const statusHeight = noticeLines(notice).length;
  const contentHeight = Math.max(0, frameHeight - CHROME_ROWS - statusHeight);
  const tooSmall = columns < MIN_COLUMNS || contentHeight < MIN_CONTENT_ROWS;
  // Unsaved tabs of the workspace shown by title; another workspace's by its name and titles.
  const unsaved = [
    ...tabs.filter((t) => dirty[slotKey(shown.id, t.id)]).map((t) => t.title),
    ...workspaces
      .filter((w) => w.id !== shown.id)
      .flatMap((w) => {
        const titles = w.tabs.filter((t) => dirty[slotKey(w.id, t.id)]).map((t) => t.title);
        return titles.length ? [`${w.title ?? w.id} (${titles.join(', ')})`] : [];
      }),
  ];

  return (
    <ConsoleContext.Provider value={api}>
      {/* Clipped in height only: every line is cut to its width already (text.ts fit/truncate, Text
          truncate-end), and a horizontal clip makes Ink slice every line of every frame again
          (slice-ansi, uncached): an eighth of a key's cost on a 10,000-row table. */}
      <Box flexDirection="column" width={columns} height={frameHeight} overflowY="hidden">
        <Header integrationName={shown.title} detail={shown.detail} unsaved={unsaved} width={columns} badge={badge} />
        <TabBar tabs={tabs.map((t) => ({ id: t.id, title: t.title, dirty: Boolean(dirty[slotKey(shown.id, t.id)]) }))} activeIndex={activeIndex} width={columns} />
        <Box flexDirection="column" width={columns} height={contentHeight} overflowY="hidden">
          {tooSmall ? (
            <Text wrap="truncate-end">{truncate(`Terminal too small (${columns}×${rows}); kmsp needs ${MIN_COLUMNS}×${MIN_CONTENT_ROWS + CHROME_ROWS + 2}.`, columns)}</Text>
          ) : null}
          {workspaces.flatMap((w) =>
            w.tabs.map((tab) => {
              const key = slotKey(w.id, tab.id);
              return visited.has(key) ? (
                <ScreenSlot
                  key={`${key}:${generations[key] ?? 0}`}
                  slot={key}
                  tab={tab}
                  active={w.id === shown.id && tab.id === activeId && !tooSmall}
                  width={columns}
                  height={contentHeight}
                  api={api}
                  markDirty={markDirty}
                />
              ) : null;
            }),
          )}
          <DialogHost dialogs={dialogs} width={columns} height={contentHeight} />
        </Box>
        <StatusLine notice={notice} width={columns} />
        <Footer width={columns} />
      </Box>
    </ConsoleContext.Provider>
  );
}

interface ScreenSlotProps {
  /** The tab's key in the shell (workspace and tab id). */
  readonly slot: string;
  readonly tab: ScreenDefinition;
  readonly active: boolean;
  readonly width: number;
  readonly height: number;
  readonly api: ConsoleApi;
  readonly markDirty: (id: string, dirty: boolean) => void;
}

// Memoised: notices, dialogs and footer updates re-render the shell, not the
// screens (a hidden 10,000-row screen stays idle while another tab is used).
const ScreenSlot = memo(function ScreenSlot({ slot, tab, active, width, height, api, markDirty }: ScreenSlotProps) {
  const setDirty = useCallback((value: boolean) => markDirty(slot, value), [markDirty, slot]);
  const screenApi = useMemo<ScreenApi>(() => ({ ...api, id: tab.id, active, setDirty }), [api, tab.id, active, setDirty]);
  return (
    <Box display={active ? 'flex' : 'none'} flexDirection="column" width={width} height={height} overflowY="hidden">
      <ScreenContext.Provider value={screenApi}>
        <LayerProvider layer="screen" active={active}>
          {tab.render({ width, height, active })}
        </LayerProvider>
      </ScreenContext.Provider>
    </Box>
  );
});
