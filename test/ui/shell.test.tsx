import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanupUi, frameLines, keys, press, renderUi, waitForFrame } from '../helpers/ink.js';
import { demoScreens, editorScreens, makeTenants, tenantColumns } from './fixtures.js';
import { Table, useCommands as useScreenCommands, useScreen, useTable, type ScreenDefinition, type ScreenProps } from '../../source/ui/index.js';
import { ConsoleApp, type ConsoleAppProps } from '../../source/ui/app.js';
import { tabLabels } from '../../source/ui/shell/tab-bar.js';
import { footerText } from '../../source/ui/shell/footer.js';
import { monoTheme } from '../../source/ui/theme.js';

afterEach(cleanupUi);

function open(props: Partial<ConsoleAppProps> = {}, size: { columns?: number; rows?: number } = { columns: 100, rows: 30 }) {
  const onExit = vi.fn();
  const ui = renderUi(<ConsoleApp integrationName="demo" screens={editorScreens()} onExit={onExit} noticeTimeoutMs={0} {...props} />, size);
  return { ui, onExit };
}

const activeTab = (frame: string) => /\[(\d) ([^\]*]+)\*?\]/.exec(frameLines(frame)[1] ?? '')?.[2];

describe('tabs', () => {
  it('switches with Tab, Shift-Tab and the number keys', async () => {
    const { ui } = open();
    await press(ui.stdin);
    expect(frameLines(ui.lastFrame())[0]).toBe('kmsp · demo');
    expect(activeTab(ui.lastFrame())).toBe('Connections');
    await press(ui.stdin, keys.tab);
    expect(activeTab(ui.lastFrame())).toBe('Accounts');
    expect(ui.lastFrame()).toContain('Accounts: edits 0');
    await press(ui.stdin, '5');
    expect(activeTab(ui.lastFrame())).toBe('Reports');
    await press(ui.stdin, keys.tab);
    expect(activeTab(ui.lastFrame())).toBe('Connections'); // wraps around
    await press(ui.stdin, keys.shiftTab);
    expect(activeTab(ui.lastFrame())).toBe('Reports');
    await press(ui.stdin, '3');
    expect(activeTab(ui.lastFrame())).toBe('Ticketing');
  });

  it('says honestly which tabs do not exist yet', async () => {
    const { ui } = open({ initialTab: 'ticketing' });
    expect(ui.lastFrame()).toContain('Ticketing rules are not available in this version yet.');
    await press(ui.stdin, '4');
    expect(ui.lastFrame()).toContain('Billing item mapping is not available in this version yet.');
  });

  it('keeps a screen mounted while another tab is shown (cursor and filter survive)', async () => {
    const { ui } = renderUiWithDemo();
    await press(ui.stdin, '/', '7', keys.enter, 'j', 'j');
    const before = frameLines(ui.lastFrame()).find((l) => l.startsWith('›'));
    expect(before).toContain('Tenant 00027');
    await press(ui.stdin, '1', '2');
    expect(frameLines(ui.lastFrame()).find((l) => l.startsWith('›'))).toBe(before);
    expect(ui.lastFrame()).toContain('/7');
  });

  it('shortens tab labels on narrow terminals', () => {
    const tabs = ['Connections', 'Accounts', 'Ticketing', 'Services', 'Reports'].map((title, i) => ({ id: String(i), title, dirty: i === 1 }));
    expect(tabLabels(tabs, 1, 200, monoTheme.glyphs).join('')).toBe(' 1 Connections [2 Accounts*] 3 Ticketing  4 Services  5 Reports ');
    expect(tabLabels(tabs, 1, 40, monoTheme.glyphs).join('')).toBe(' 1 [2 Accounts*] 3  4  5 ');
  });
});

describe('unsaved-changes guard', () => {
  it('asks before leaving a tab with unsaved changes: n and Esc stay, y discards', async () => {
    const { ui } = open();
    await press(ui.stdin, 'e', 'e');
    let frame = ui.lastFrame();
    expect(frame).toContain('Connections: edits 2');
    expect(frame).toContain('[1 Connections*]');
    expect(frameLines(frame)[0]).toContain('unsaved changes: Connections');

    await press(ui.stdin, keys.tab);
    expect(ui.lastFrame()).toContain('Discard unsaved changes on Connections? (y/N)');
    expect(ui.lastFrame()).toMatchSnapshot();
    await press(ui.stdin, 'n');
    frame = ui.lastFrame();
    expect(frame).not.toContain('Discard unsaved');
    expect(activeTab(frame)).toBe('Connections');
    expect(frame).toContain('Connections: edits 2');

    await press(ui.stdin, '2', keys.escape);
    expect(activeTab(ui.lastFrame())).toBe('Connections');
    await press(ui.stdin, '2', keys.enter); // Enter takes the default: No
    expect(activeTab(ui.lastFrame())).toBe('Connections');

    await press(ui.stdin, '2', 'y');
    frame = ui.lastFrame();
    expect(activeTab(frame)).toBe('Accounts');
    expect(frame).not.toContain('unsaved changes');
    await press(ui.stdin, '1');
    expect(ui.lastFrame()).toContain('Connections: edits 0'); // edits discarded: the screen was reloaded
  });

  it('does not ask when nothing is unsaved', async () => {
    const { ui, onExit } = open();
    await press(ui.stdin, keys.tab);
    expect(activeTab(ui.lastFrame())).toBe('Accounts');
    await press(ui.stdin, 'q');
    expect(onExit).toHaveBeenCalledTimes(1);
  });

  it('asks before quitting with q and with Ctrl-C, naming every tab with changes', async () => {
    const { ui, onExit } = open();
    await press(ui.stdin, 'e', keys.tab, 'y'); // discard: leaves Connections clean
    await press(ui.stdin, 'e', 'q');
    expect(ui.lastFrame()).toContain('Discard unsaved changes on Accounts? (y/N)');
    await press(ui.stdin, 'n');
    expect(onExit).not.toHaveBeenCalled();

    await press(ui.stdin, keys.ctrlC);
    expect(ui.lastFrame()).toContain('Discard unsaved changes on Accounts? (y/N)');
    expect(frameLines(ui.lastFrame()).at(-1)).toMatch(/^y yes {2}n\/Enter no {2}Ctrl-C quit {2}Esc cancel/);
    await press(ui.stdin, 'n');
    expect(onExit).not.toHaveBeenCalled();

    await press(ui.stdin, keys.ctrlC, 'y');
    expect(onExit).toHaveBeenCalledTimes(1);
  });

  it('quits on a second Ctrl-C while the quit question is open (whether q or Ctrl-C asked it)', async () => {
    const first = open();
    await press(first.ui.stdin, 'e', keys.ctrlC);
    expect(first.ui.lastFrame()).toContain('Discard unsaved changes on Connections? (y/N)');
    await press(first.ui.stdin, keys.ctrlC);
    expect(first.onExit).toHaveBeenCalledTimes(1);
    cleanupUi();
    const second = open();
    await press(second.ui.stdin, 'e', 'q', keys.ctrlC);
    expect(second.onExit).toHaveBeenCalledTimes(1);
  });

  it('Ctrl-C in the question a tab switch asks answers no, as Esc does', async () => {
    const { ui, onExit } = open();
    await press(ui.stdin, 'e', keys.tab);
    expect(ui.lastFrame()).toContain('Discard unsaved changes on Connections? (y/N)');
    expect(frameLines(ui.lastFrame()).at(-1)).not.toContain('Ctrl-C quit');
    await press(ui.stdin, keys.ctrlC);
    expect(ui.lastFrame()).not.toContain('Discard unsaved');
    expect(ui.lastFrame()).toContain('Connections: edits 1');
    expect(onExit).not.toHaveBeenCalled();
  });

  it('lists several tabs with unsaved changes', async () => {
    const screens = editorScreens();
    const { ui, onExit } = open({ screens });
    await press(ui.stdin, 'e');
    // Make Accounts dirty without leaving Connections dirty-guarded: save, switch, edit, come back unsaved.
    await press(ui.stdin, '\u0013', '2', 'e', keys.tab, 'n', 'q');
    expect(ui.lastFrame()).toContain('Discard unsaved changes on Accounts? (y/N)');
    await press(ui.stdin, 'y');
    expect(onExit).toHaveBeenCalledTimes(1);
  });
});

describe('help overlay', () => {
  it("lists the current screen's keys and the global ones, from the registry", async () => {
    const { ui } = renderUiWithDemo();
    await press(ui.stdin, '?');
    const frame = ui.lastFrame();
    expect(frame).toContain('Keys: Accounts');
    for (const text of ['Table', 'Move down', 'Filter rows', 'Accounts', 'Save changes']) expect(frame).toContain(text);
    expect(frame).toMatchSnapshot();
    await press(ui.stdin, ...Array.from({ length: 20 }, () => 'j'));
    const end = ui.lastFrame();
    for (const text of ['Global', 'Next tab', 'Show the keys of this screen', 'Quit (asks first when changes are unsaved)']) expect(end).toContain(text);
    await press(ui.stdin, keys.escape);
    expect(ui.lastFrame()).not.toContain('Keys: Accounts');
  });

  it('pages with PgDn/PgUp (and Space), jumps with g/G, and says so in its footer (80×24)', async () => {
    const { ui } = renderUiWithDemo({ columns: 80, rows: 24 });
    await press(ui.stdin, '?');
    let frame = ui.lastFrame();
    const match = /Keys: Accounts \(lines 1–(\d+) of (\d+)\)/.exec(frame);
    expect(match).not.toBeNull();
    const [size, total] = [Number(match![1]), Number(match![2])];
    expect(total).toBeGreaterThan(size);
    expect(frameLines(frame).at(-1)).toMatch(/^↑↓ scroll {2}PgUp\/PgDn page {2}g\/G top\/bottom {2}Esc close/);
    expect(frame).toMatchSnapshot('80×24');
    await press(ui.stdin, keys.pageDown);
    const second = Math.min(size, total - size); // a page on, or the last page
    expect(ui.lastFrame()).toContain(`(lines ${second + 1}–${second + size} of ${total})`);
    await press(ui.stdin, keys.pageUp);
    expect(ui.lastFrame()).toContain(`(lines 1–${size} of ${total})`);
    await press(ui.stdin, 'G');
    frame = ui.lastFrame();
    expect(frame).toContain(`(lines ${total - size + 1}–${total} of ${total})`);
    expect(frame).toContain('Quit (asks first when changes are unsaved)');
    await press(ui.stdin, 'g');
    expect(ui.lastFrame()).toContain(`(lines 1–${size} of ${total})`);
    await press(ui.stdin, keys.end, keys.home, keys.space);
    expect(ui.lastFrame()).toContain(`(lines ${second + 1}–`);
    // The dialog keeps its place and height while scrolling (a blank line between groups is a line).
    const top = (f: string) => frameLines(f).findIndex((l) => l.includes('Keys: Accounts'));
    const heights = new Set<number>();
    const tops = new Set<number>();
    for (let i = 0; i < 4; i++) {
      await press(ui.stdin, 'j');
      tops.add(top(ui.lastFrame()));
      heights.add(frameLines(ui.lastFrame()).filter((l) => l.includes('│')).length);
    }
    expect(tops.size).toBe(1);
    expect(heights.size).toBe(1);
    cleanupUi();
    const wide = renderUiWithDemo({ columns: 120, rows: 35 });
    await press(wide.ui.stdin, '?', keys.pageDown);
    expect(wide.ui.lastFrame()).toMatchSnapshot('120×35, second page');
  });

  it('shows only global keys on a tab without commands, and closes with ?', async () => {
    const { ui } = open({ initialTab: 'ticketing' });
    await press(ui.stdin, '?');
    const frame = ui.lastFrame();
    expect(frame).toContain('Keys: Ticketing');
    expect(frame).not.toContain('Make an edit');
    expect(frame).toContain('Go to tab 1–5');
    await press(ui.stdin, '?');
    expect(ui.lastFrame()).not.toContain('Keys: Ticketing');
  });
});

function renderUiWithDemo(size = { columns: 100, rows: 30 }) {
  const onExit = vi.fn();
  const ui = renderUi(<ConsoleApp integrationName="demo" screens={demoScreens(makeTenants(10_000))} initialTab="accounts" onExit={onExit} noticeTimeoutMs={0} />, size);
  return { ui, onExit };
}

describe('footer', () => {
  it('shows the focused context’s keys and keeps help and quit visible when narrow', async () => {
    const { ui } = renderUiWithDemo();
    await press(ui.stdin);
    const footer = frameLines(ui.lastFrame()).at(-1)!;
    expect(footer).toMatch(/^↑↓ move {2}Enter map {2}Space mark {2}\/ filter +Tab tabs {2}\? help {2}q quit$/);
    const narrow = footerText(
      [
        { keys: '↑↓', label: 'move' },
        { keys: 'Enter', label: 'map' },
      ],
      [{ keys: '?', label: 'help' }],
      20,
    );
    expect(narrow).toEqual({ left: '↑↓ move', right: '? help' });
  });
});

describe('status line', () => {
  it('shows an error with its cause and remedy', async () => {
    const { ui } = open();
    await press(ui.stdin, 'f');
    const frame = ui.lastFrame();
    expect(frame).toContain('Error: Autotask refused the credentials.');
    expect(frame).toContain('  Cause: The API user or secret is wrong (HTTP 401).');
    expect(frame).toContain('  Remedy: Re-enter them on Connections, then press t.');
    expect(frameLines(frame).length).toBeLessThan(30);
  });

  it('shows a start-up notice (e.g. a config file moved aside) until the user moves on', async () => {
    const { ui } = open({ initialNotice: 'The config file was not valid JSON; it was moved to config.json.bad-1 and defaults are used.' });
    await press(ui.stdin, 'e');
    expect(ui.lastFrame()).toContain('Warning: The config file was not valid JSON');
    await press(ui.stdin, '\u0013', keys.tab); // notices belong to the tab they were shown on
    expect(ui.lastFrame()).not.toContain('Warning:');
  });

  it('shows a failing command as an error instead of crashing', async () => {
    const { ui } = open();
    await press(ui.stdin, 'x');
    expect(ui.lastFrame()).toContain('Error: bug in a command');
    await press(ui.stdin, 'e');
    expect(ui.lastFrame()).toContain('Connections: edits 1'); // still working
  });

  it('lets info notices fade, and keeps errors', async () => {
    const ui = renderUi(<ConsoleApp screens={demoScreens(makeTenants(5))} initialTab="accounts" onExit={vi.fn()} noticeTimeoutMs={100} />, { columns: 100, rows: 30 });
    await press(ui.stdin, keys.enter); // the account picker
    await press(ui.stdin, keys.enter); // choose "(none)": an unsaved change
    await press(ui.stdin, '\u0013'); // Ctrl-S
    expect(ui.lastFrame()).toContain('Saved 1 mapping(s).');
    await waitForFrame(ui, (f) => !f.includes('Saved 1 mapping(s).'));
    await press(ui.stdin, 'x');
    expect(ui.lastFrame()).toContain('Error: Autotask refused the update');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ui.lastFrame()).toContain('Error: Autotask refused the update');
  });
});

describe('terminal size', () => {
  it('keeps the frame strictly below the terminal height at 80×24', async () => {
    const { ui } = renderUiWithDemo({ columns: 80, rows: 24 });
    await press(ui.stdin, 'j');
    const frame = ui.lastFrame();
    expect(frameLines(frame).length).toBeLessThan(24);
    expect(frameLines(frame).length).toBe(23);
    expect(frame).toMatchSnapshot();
  });

  it('stays below the height and inside the width at any size, with dialogs and errors open', async () => {
    const { ui } = renderUiWithDemo({ columns: 80, rows: 24 });
    const check = () => {
      const lines = frameLines(ui.lastFrame());
      expect(lines.length).toBeLessThan(ui.stdout.rows!);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(ui.stdout.columns);
    };
    for (const [columns, rows] of [
      [80, 24],
      [120, 40],
      [60, 12],
      [40, 10],
      [30, 6],
      [100, 3],
    ] as const) {
      ui.stdout.resize(columns, rows);
      await press(ui.stdin);
      check();
    }
    ui.stdout.resize(80, 24);
    await press(ui.stdin, keys.enter); // account picker
    check();
    await press(ui.stdin, keys.escape, '?');
    check();
    await press(ui.stdin, keys.escape, 'x'); // error with cause/remedy lines
    check();
  });

  it('follows a resize and says when the terminal is too small', async () => {
    const { ui } = renderUiWithDemo({ columns: 80, rows: 24 });
    await press(ui.stdin);
    expect(frameLines(ui.lastFrame()).filter((l) => /Tenant \d{5}/.test(l))).toHaveLength(17);
    ui.stdout.resize(80, 14);
    await waitForFrame(ui, (f) => frameLines(f).length === 13);
    expect(frameLines(ui.lastFrame()).filter((l) => /Tenant \d{5}/.test(l))).toHaveLength(7);
    ui.stdout.resize(30, 14);
    await waitForFrame(ui, (f) => f.includes('Terminal too small (30×14)'));
  });

  it('falls back to 100×30 when the terminal reports no rows (as ink-testing-library)', async () => {
    const { ui } = open({}, { columns: 100, rows: undefined });
    await press(ui.stdin);
    expect(frameLines(ui.lastFrame())).toHaveLength(29);
  });
});

describe('one frame per key', () => {
  // A command whose footer hint depends on the cursor row: the footer must change in
  // the same frame as the cursor (a second render just for the footer costs a whole
  // frame, and Ink's frame throttle delays it further in a real terminal).
  function OddScreen({ width, height, active }: ScreenProps) {
    const rows = makeTenants(30);
    const table = useTable({ rows, columns: tenantColumns, getRowId: (t) => t.id, height, active });
    const onOdd = () => table.cursorIndex % 2 === 1;
    useScreenCommands('Odd', [{ id: 'odd.x', keys: ['x'], description: 'Only on odd rows', hint: 'odd row', when: onOdd, run: () => undefined }], { active });
    return <Table table={table} width={width} title="Rows" />;
  }
  const oddScreen: ScreenDefinition = { id: 'accounts', title: 'Accounts', render: (p) => <OddScreen {...p} /> };

  it('draws the cursor move and the footer hint it enables in one frame', async () => {
    const ui = renderUi(<ConsoleApp integrationName="demo" screens={[oddScreen]} initialTab="accounts" noticeTimeoutMs={0} onExit={() => undefined} />, { columns: 100, rows: 30 });
    await press(ui.stdin);
    expect(ui.lastFrame()).not.toContain('x odd row');
    for (const [key, hinted] of [['j', true], ['j', false], ['k', true]] as const) {
      const before = ui.stdout.frames.length;
      await press(ui.stdin, key);
      expect(ui.stdout.frames.length - before).toBe(1);
      expect(ui.lastFrame().includes('x odd row')).toBe(hinted);
    }
  });
});

describe('status-line messages', () => {
  // What the last action did (info, success) goes with the next action, as k9s and lazygit flash
  // messages do; a warning or an error (cause and remedy to act on) stays until replaced.
  function NoticeScreen({ width, height, active }: ScreenProps) {
    const screen = useScreen();
    const rows = makeTenants(10);
    const table = useTable({ rows, columns: tenantColumns, getRowId: (t) => t.id, height, active });
    useScreenCommands(
      'Notices',
      [
        { id: 'n.info', keys: ['m'], description: 'Info', run: () => screen.notify('Mapped Carter Logistics; press Ctrl-S to save.') },
        { id: 'n.error', keys: ['e'], description: 'Error', run: () => screen.notify({ kind: 'error', text: 'Not saved: someone else changed it', remedy: 'Press r on this tab.' }) },
        { id: 'n.quiet', keys: ['z'], description: 'Says nothing', run: () => undefined },
      ],
      { active },
    );
    return <Table table={table} width={width} title="Rows" />;
  }
  const noticeScreen: ScreenDefinition = { id: 'accounts', title: 'Accounts', render: (p) => <NoticeScreen {...p} /> };

  it('clears an info notice on the next command, keeps an error until replaced', async () => {
    const ui = renderUi(<ConsoleApp integrationName="demo" screens={[noticeScreen]} initialTab="accounts" noticeTimeoutMs={0} onExit={() => undefined} />, { columns: 100, rows: 30 });
    await press(ui.stdin);
    await press(ui.stdin, 'm');
    expect(ui.lastFrame()).toContain('Mapped Carter Logistics; press Ctrl-S to save.');
    await press(ui.stdin, 'j');
    expect(ui.lastFrame()).not.toContain('Mapped Carter Logistics');
    await press(ui.stdin, 'm', 'z');
    expect(ui.lastFrame()).not.toContain('Mapped Carter Logistics');
    await press(ui.stdin, 'e');
    expect(ui.lastFrame()).toContain('Error: Not saved: someone else changed it');
    await press(ui.stdin, 'j', 'z');
    expect(ui.lastFrame()).toContain('Remedy: Press r on this tab.');
    await press(ui.stdin, 'm');
    expect(ui.lastFrame()).not.toContain('Error:');
  });
});
