import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanupUi, frameLines, keys, press, renderUi, type as typeText, waitForFrame } from '../helpers/ink.js';
import { ActivateHarness, makeTenants, Providers, TableHarness, demoScreens, tenantColumns, type Tenant } from './fixtures.js';
import { ConsoleApp } from '../../source/ui/app.js';
import { layoutColumns, tableReducer, initialTableState, windowColumns, Table, useTable, type Column } from '../../source/ui/components/table/index.js';
import { move, normalize } from '../../source/ui/components/list-window.js';
import { displayWidth } from '../../source/ui/text.js';

afterEach(cleanupUi);

const rowLines = (frame: string) => frameLines(frame).filter((l) => /Tenant \d{5}/.test(l));
const cursorLine = (frame: string) => frameLines(frame).find((l) => l.startsWith('›'));

describe('window arithmetic', () => {
  it('keeps the cursor visible and the window full', () => {
    expect(move({ cursor: 0, scrollTop: 0 }, 'down', 100, 10)).toEqual({ cursor: 1, scrollTop: 0 });
    expect(move({ cursor: 9, scrollTop: 0 }, 'down', 100, 10)).toEqual({ cursor: 10, scrollTop: 1 });
    expect(move({ cursor: 3, scrollTop: 0 }, 'pageDown', 100, 10)).toEqual({ cursor: 13, scrollTop: 10 });
    expect(move({ cursor: 50, scrollTop: 45 }, 'bottom', 100, 10)).toEqual({ cursor: 99, scrollTop: 90 });
    expect(move({ cursor: 50, scrollTop: 45 }, 'top', 100, 10)).toEqual({ cursor: 0, scrollTop: 0 });
    expect(move({ cursor: 0, scrollTop: 0 }, 'up', 100, 10)).toEqual({ cursor: 0, scrollTop: 0 });
    expect(move({ cursor: 0, scrollTop: 0 }, 'down', 0, 10)).toEqual({ cursor: -1, scrollTop: 0 });
  });

  it('repairs a viewport after the rows shrank', () => {
    expect(normalize({ cursor: 500, scrollTop: 495 }, 20, 10)).toEqual({ cursor: 19, scrollTop: 10 });
  });
});

describe('table reducer', () => {
  it('resets to the first match when the query changes, and marks by id', () => {
    let state = tableReducer(initialTableState(), { type: 'move', target: { index: 40 }, count: 100, pageSize: 10 });
    state = tableReducer(state, { type: 'filterOpen' });
    state = tableReducer(state, { type: 'filterKey', key: { name: 'x', text: 'x', ctrl: false, shift: false, meta: false } });
    expect(state).toMatchObject({ cursor: 0, scrollTop: 0, filterMode: true, filter: { value: 'x' } });
    state = tableReducer(state, { type: 'toggleAll', ids: ['a', 'b'] });
    expect([...state.marks]).toEqual(['a', 'b']);
    state = tableReducer(state, { type: 'toggleAll', ids: ['a', 'b'] });
    expect(state.marks.size).toBe(0);
  });
});

describe('column layout', () => {
  const columns: Column<Tenant>[] = [
    { key: 'name', title: 'Tenant', minWidth: 10 },
    { key: 'account', title: 'Account', minWidth: 10, maxWidth: 20 },
    { key: 'devices', title: 'Devices', width: 7 },
  ];

  it('gives fixed widths exactly and shares the rest, honouring maxWidth', () => {
    const layout = layoutColumns(columns, 80);
    expect(layout.map((c) => c.width)).toEqual([49, 20, 7]);
    expect(layout.reduce((sum, c) => sum + c.width, 0) + 2 * 2).toBe(80);
  });

  it('drops trailing columns that do not fit', () => {
    expect(layoutColumns(columns, 25).map((c) => c.column.key)).toEqual(['name', 'account']);
    expect(layoutColumns(columns, 8).map((c) => [c.column.key, c.width])).toEqual([['name', 8]]);
  });
});

describe('columns that do not all fit scroll sideways', () => {
  // Minimums 14 + 16 + 7 + 10 + 10 and four gaps: 65 cells, more than a 50-cell table has.
  const wide: Column<Tenant>[] = [
    { key: 'name', title: 'Tenant', minWidth: 14 },
    { key: 'account', title: 'PSA account', minWidth: 16 },
    { key: 'devices', title: 'Devices', width: 7, align: 'right', filterable: false },
    { key: 'alpha', title: 'Alpha', width: 10, render: (t) => `alpha ${t.id}`, filterable: false },
    { key: 'beta', title: 'Beta', width: 10, render: (t) => `beta ${t.id}`, filterable: false },
  ];
  const keysOf = (w: { layout: { column: Column<Tenant> }[] }) => w.layout.map((l) => l.column.key);

  it('keeps the first column, shows the focused one, moves the window as little as needed', () => {
    expect(windowColumns(wide, 100)).toMatchObject({ scrolled: false, hiddenLeft: 0, hiddenRight: 0 });
    let w = windowColumns(wide, 48);
    expect(keysOf(w)).toEqual(['name', 'account', 'devices']);
    expect(w).toMatchObject({ scrolled: true, start: 1, hiddenLeft: 0, hiddenRight: 2 });
    // Every cell is given out: the layout and the signs' cells fill the width.
    expect(w.layout.reduce((sum, l) => sum + l.width, 0) + 2 * (w.layout.length - 1) + 4).toBe(48);
    w = windowColumns(wide, 48, { start: w.start, focus: 4 });
    expect(keysOf(w)).toEqual(['name', 'alpha', 'beta']);
    expect(w).toMatchObject({ start: 3, hiddenLeft: 2, hiddenRight: 0 });
    // Back one column: still in view, nothing moves; one more and the window follows.
    expect(keysOf(windowColumns(wide, 48, { start: 3, focus: 3 }))).toEqual(['name', 'alpha', 'beta']);
    expect(keysOf(windowColumns(wide, 48, { start: 3, focus: 2 }))).toEqual(['name', 'devices', 'alpha']);
    // Its own start gives the same window (the view keeps `start` as state).
    for (const [start, focus] of [[1, 4], [4, 1], [2, undefined], [9, 2]] as const) {
      const once = windowColumns(wide, 48, { start, ...(focus !== undefined ? { focus } : {}) });
      expect(windowColumns(wide, 48, { start: once.start, ...(focus !== undefined ? { focus } : {}) })).toEqual(once);
    }
    // Too narrow for the name and one column at their minimum: the focused column still shows.
    expect(keysOf(windowColumns(wide, 24, { focus: 3 }))).toEqual(['name', 'alpha']);
  });

  function WideHarness({ focusColumn, width = 50 }: { focusColumn?: string; width?: number }) {
    const table = useTable({ rows: makeTenants(5), columns: wide, getRowId: (t) => t.id, height: 8, active: true });
    return <Table table={table} width={width} title="Tenants" focusColumn={focusColumn} />;
  }
  const header = (frame: string) => frameLines(frame)[1]!;

  it('←/→ scroll a table without a column cursor, and « » in the header say where columns are hidden', async () => {
    const ui = renderUi(
      <Providers>
        <WideHarness />
      </Providers>,
      { columns: 50 },
    );
    let frame = ui.lastFrame();
    expect(header(frame)).toMatch(/^ {2}Tenant +PSA account +Devices +»$/);
    expect(frame).not.toContain('alpha t1');
    for (const line of frameLines(frame)) expect(displayWidth(line)).toBeLessThanOrEqual(50);
    // → pages: the columns hidden on the right come into view (every press shows a new one).
    await press(ui.stdin, keys.right);
    frame = ui.lastFrame();
    expect(header(frame)).toMatch(/^ {2}Tenant +« Alpha +Beta$/);
    expect(frameLines(frame).find((l) => l.includes('Tenant 00001'))).toMatch(/^› Tenant 00001 +alpha t1 +beta t1 *$/);
    expect(frame).toMatchSnapshot();
    await press(ui.stdin, 'l'); // nothing hidden on the right: the key does nothing
    expect(header(ui.lastFrame())).toMatch(/^ {2}Tenant +« Alpha +Beta$/);
    await press(ui.stdin, 'h');
    expect(header(ui.lastFrame())).toMatch(/^ {2}Tenant +PSA account +Devices +»$/);
    await press(ui.stdin, keys.left); // nothing hidden on the left
    expect(header(ui.lastFrame())).toMatch(/^ {2}Tenant +PSA account +Devices +»$/);
  });

  it('columns marked pinned stay beside the first one', () => {
    const pinned = wide.map((c) => (c.key === 'account' ? { ...c, pinned: true } : c));
    let w = windowColumns(pinned, 48);
    expect(keysOf(w)).toEqual(['name', 'account', 'devices']);
    expect(w).toMatchObject({ pinned: 2, start: 2, hiddenLeft: 0, hiddenRight: 2 });
    w = windowColumns(pinned, 48, { start: w.start, focus: 4 });
    expect(keysOf(w)).toEqual(['name', 'account', 'beta']);
    expect(w).toMatchObject({ pinned: 2, start: 4, hiddenLeft: 2, hiddenRight: 0 });
  });

  it('with a column cursor the window follows it', async () => {
    const ui = renderUi(
      <Providers>
        <WideHarness focusColumn="beta" />
      </Providers>,
      { columns: 50 },
    );
    expect(header(ui.lastFrame())).toMatch(/^ {2}Tenant +« Alpha +Beta$/);
    expect(ui.lastFrame()).toContain('beta t1');
    ui.rerender(
      <Providers>
        <WideHarness focusColumn="account" />
      </Providers>,
    );
    await press(ui.stdin);
    expect(header(ui.lastFrame())).toMatch(/^ {2}Tenant +PSA account +Devices +»$/);
    // ←/→ belong to the screen's column cursor: the table does not scroll by itself.
    await press(ui.stdin, keys.right);
    expect(header(ui.lastFrame())).toMatch(/^ {2}Tenant +PSA account +Devices +»$/);
  });
});

describe('windowed table with 10,000 rows', () => {
  it('draws only the visible rows and says where it is', async () => {
    const rows = makeTenants(10_000);
    const render = vi.fn((t: Tenant) => t.account || '(none)');
    const columns = tenantColumns.map((c) => (c.key === 'account' ? { ...c, render } : c));
    const { TableOnly } = await import('./table-only.js');
    const ui = renderUi(
      <Providers>
        <TableOnly rows={rows} columns={columns} height={12} />
      </Providers>,
    );
    const frame = ui.lastFrame();
    expect(frameLines(frame)).toHaveLength(12);
    expect(rowLines(frame)).toHaveLength(10);
    expect(frame).toContain('1–10 of 10,000');
    // O(visible): the cell renderer ran for the drawn rows only, not for 10,000.
    expect(render.mock.calls.length).toBeLessThanOrEqual(30);
    render.mockClear();
    await press(ui.stdin, 'G');
    expect(render.mock.calls.length).toBeLessThanOrEqual(30);
    expect(ui.lastFrame()).toContain('9,991–10,000 of 10,000');
    expect(cursorLine(ui.lastFrame())).toContain('Tenant 10000');
  });

  it('moves with j/k and arrows, pages, jumps to the ends', async () => {
    const ui = renderUi(
      <Providers>
        <TableHarness rows={makeTenants(10_000)} />
      </Providers>,
    );
    await press(ui.stdin, 'j', 'j', keys.down);
    expect(cursorLine(ui.lastFrame())).toContain('Tenant 00004');
    await press(ui.stdin, 'k', keys.up);
    expect(cursorLine(ui.lastFrame())).toContain('Tenant 00002');

    await press(ui.stdin, keys.pageDown);
    expect(ui.lastFrame()).toContain('11–20 of 10,000');
    expect(cursorLine(ui.lastFrame())).toContain('Tenant 00012');
    await press(ui.stdin, keys.pageUp);
    expect(ui.lastFrame()).toContain('1–10 of 10,000');

    await press(ui.stdin, keys.ctrlD);
    expect(cursorLine(ui.lastFrame())).toContain('Tenant 00007');
    await press(ui.stdin, keys.ctrlU);
    expect(cursorLine(ui.lastFrame())).toContain('Tenant 00002');

    await press(ui.stdin, 'G');
    expect(cursorLine(ui.lastFrame())).toContain('Tenant 10000');
    await press(ui.stdin, 'g');
    expect(cursorLine(ui.lastFrame())).toContain('Tenant 00001');
    await press(ui.stdin, keys.end);
    expect(ui.lastFrame()).toContain('9,991–10,000 of 10,000');
    await press(ui.stdin, keys.home);
    expect(ui.lastFrame()).toContain('1–10 of 10,000');
  });

  it('matches the snapshot (no colour)', async () => {
    const ui = renderUi(
      <Providers>
        <TableHarness rows={makeTenants(10_000)} marker={(t) => (t.id === 't3' ? '*' : undefined)} />
      </Providers>,
    );
    await press(ui.stdin, 'j', ' ', 'j');
    expect(ui.lastFrame()).toMatchSnapshot();
  });
});

describe('filter', () => {
  it('filters case-insensitively as you type, Enter keeps it, Esc clears it', async () => {
    const ui = renderUi(
      <Providers>
        <TableHarness rows={makeTenants(10_000)} />
      </Providers>,
    );
    await press(ui.stdin, '/');
    await typeText(ui.stdin, 'TENANT 0999');
    let frame = ui.lastFrame();
    expect(frame).toContain('/TENANT 0999▏');
    expect(frame).toContain('1–10 of 11 (filtered from 10,000)'); // every word: Tenant 00999, 09990…09999
    expect(rowLines(frame)).toHaveLength(10);
    expect(frame).toMatchSnapshot();

    await press(ui.stdin, keys.enter);
    frame = ui.lastFrame();
    expect(frame).toContain('/TENANT 0999'); // still applied, no caret: the field is closed
    expect(frame).not.toContain('▏');
    await press(ui.stdin, 'G'); // keys drive the table again
    expect(cursorLine(ui.lastFrame())).toContain('Tenant 09999');
    expect(ui.lastFrame()).toContain('2–11 of 11');

    await press(ui.stdin, keys.escape);
    frame = ui.lastFrame();
    expect(frame).not.toContain('filtered');
    expect(frame).toContain('of 10,000');
    expect(cursorLine(frame)).toContain('Tenant 09999'); // the cursor stays on the same row
  });

  it('matches every word of the query, in any order, across the filterable columns', async () => {
    const ui = renderUi(
      <Providers>
        <TableHarness rows={makeTenants(100)} />
      </Providers>,
    );
    await press(ui.stdin, '/');
    await typeText(ui.stdin, '00099 tenant');
    expect(ui.lastFrame()).toContain('1–1 of 1 (filtered from 100)');
    expect(cursorLine(ui.lastFrame())).toContain('Tenant 00099');
    await press(ui.stdin, keys.ctrlU);
    await typeText(ui.stdin, '00098 account'); // a word from each column
    expect(ui.lastFrame()).toContain('1–1 of 1 (filtered from 100)');
  });

  it('edits the query with Backspace (Ink reports it as delete)', async () => {
    const ui = renderUi(
      <Providers>
        <TableHarness rows={makeTenants(100)} />
      </Providers>,
    );
    await press(ui.stdin, '/');
    await typeText(ui.stdin, '00099x');
    expect(ui.lastFrame()).toContain('No rows match "00099x".');
    await press(ui.stdin, keys.backspace);
    expect(ui.lastFrame()).toContain('1–1 of 1 (filtered from 100)');
  });

  it('sends q, j, k, / and ? typed into the filter to the field, not to quit, move or help', async () => {
    const onExit = vi.fn();
    const ui = renderUi(<ConsoleApp integrationName="demo" screens={demoScreens(makeTenants(10_000))} initialTab="accounts" onExit={onExit} />, { columns: 100, rows: 30 });
    await press(ui.stdin, '/');
    await typeText(ui.stdin, 'qjk/?');
    const frame = ui.lastFrame();
    expect(onExit).not.toHaveBeenCalled();
    expect(frame).toContain('/qjk/?▏');
    expect(frame).toContain('No rows match "qjk/?".');
    expect(frame).not.toContain('Keys: Accounts'); // no help overlay
    // The footer advertises only keys that still work while typing.
    const footer = frameLines(frame).at(-1)!;
    expect(footer).toContain('Enter keep filter');
    expect(footer).toContain('Esc clear filter');
    expect(footer).toContain('Ctrl-C quit');
    expect(footer).not.toMatch(/\? help|q quit|\/ filter|Space mark/);
    // A chunk typed at once ("/q" over a slow link) is routed key by key: q lands in the field.
    await press(ui.stdin, keys.escape);
    ui.stdin.write('/q');
    await waitForFrame(ui, (f) => f.includes('/q▏'));
    expect(onExit).not.toHaveBeenCalled();
    // Same with two reads in one tick (React 19 renders Ink updates later, not in between).
    await press(ui.stdin, keys.escape);
    ui.stdin.write('/');
    ui.stdin.write('j');
    ui.stdin.write('q');
    await waitForFrame(ui, (f) => f.includes('/jq▏'));
    expect(onExit).not.toHaveBeenCalled();
  });
});

describe('marks, markers and width', () => {
  it('shows marks as [x] without colour, and marks all matching rows with a', async () => {
    const ui = renderUi(
      <Providers>
        <TableHarness rows={makeTenants(50)} />
      </Providers>,
    );
    await press(ui.stdin, ' ', 'j', 'j', ' ');
    const frame = ui.lastFrame();
    expect(frameLines(frame).find((l) => l.includes('Tenant 00001'))).toMatch(/^ {2}\[x\] Tenant 00001/);
    expect(frameLines(frame).find((l) => l.includes('Tenant 00002'))).toMatch(/^ {2}\[ \] Tenant 00002/);
    expect(frameLines(frame).find((l) => l.includes('Tenant 00003'))).toMatch(/^› \[x\] Tenant 00003/);
    expect(frame).toContain('2 marked');
    await press(ui.stdin, '/', '4', keys.enter, 'a');
    expect(ui.lastFrame()).toContain('1–10 of 14 (filtered from 50)'); // 04, 14, 24, 34, 40–49
    expect(ui.lastFrame()).toContain('16 marked'); // those 14 and the 2 marked before
  });

  it('aligns columns by display width with CJK and emoji names, truncating with …', async () => {
    const rows: Tenant[] = [
      { id: '1', name: '東京海上日動火災保険株式会社 (Tokyo)', account: 'Acme', devices: 1 },
      { id: '2', name: 'Café 👍 Zürich', account: '北京', devices: 22 },
      { id: '3', name: 'Plain', account: 'x'.repeat(80), devices: 333 },
    ];
    const ui = renderUi(
      <Providers>
        <TableHarness rows={rows} width={60} markable={false} />
      </Providers>,
    );
    const lines = frameLines(ui.lastFrame()).slice(2, 5);
    expect(lines).toHaveLength(3);
    // The last column is right-aligned: every row ends exactly at the table's right edge.
    for (const line of lines) expect(displayWidth(line)).toBe(60);
    expect(lines[0]).toContain('…');
    expect(lines[2]).toContain('x…');
    expect(ui.lastFrame()).toMatchSnapshot();
  });

  it('says so when there are no rows', () => {
    const ui = renderUi(
      <Providers>
        <TableHarness rows={[]} />
      </Providers>,
    );
    expect(ui.lastFrame()).toContain('No tenants in this integration.');
    expect(ui.lastFrame()).toContain('0 of 0');
  });

  it('opens the cursor row with Enter', async () => {
    const ui = renderUi(
      <Providers>
        <ActivateHarness rows={makeTenants(20)} />
      </Providers>,
    );
    await press(ui.stdin, 'j', keys.enter);
    expect(ui.lastFrame()).toContain('opened: Tenant 00002');
  });
});
