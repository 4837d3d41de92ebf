// Every kind of free-text input of the console (table filter, search list, checklist filter,
// form text field) takes an arbitrary paste in ONE write — control characters, escape sequences,
// bracketed-paste markers, bidi and zero-width characters, 10,000 characters — and the frame
// stays intact: no control or invisible character on screen, no line wider than the terminal,
// the same number of lines; the field keeps working (cleared and typed into again).
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ConsoleApp } from '../../source/ui/app.js';
import { displayWidth } from '../../source/ui/text.js';
import { cleanupUi, keys, press, renderUi, tick, waitForFrame, type RenderedUi } from '../helpers/ink.js';
import { labScreens, makeTenants, Providers, TableHarness } from '../ui/fixtures.js';
import { frameIsClean, pastedText, RUNS } from './hostile.js';

afterAll(cleanupUi);

interface Field {
  readonly name: string;
  readonly size: { columns: number; rows: number };
  render(): RenderedUi;
  /** The whole console keeps its frame's height; a bare table harness may shrink when nothing matches. */
  readonly fixedHeight: boolean;
  /** Keys that open the field, and text seen once it is open. */
  readonly open: readonly string[];
  readonly opened: string;
}

const lab = (size: { columns: number; rows: number }) => () => renderUi(<ConsoleApp integrationName="demo" screens={labScreens()} onExit={vi.fn()} noticeTimeoutMs={0} />, size);

const FIELDS: Field[] = [
  {
    name: 'table filter',
    size: { columns: 80, rows: 24 },
    render: () =>
      renderUi(
        <Providers>
          <TableHarness rows={makeTenants(100)} />
        </Providers>,
        { columns: 80, rows: 24 },
      ),
    fixedHeight: false,
    open: ['/'],
    opened: '/▏',
  },
  { name: 'search list (account picker)', size: { columns: 80, rows: 24 }, render: lab({ columns: 80, rows: 24 }), fixedHeight: true, open: ['s'], opened: 'Search: ' },
  { name: 'checklist filter', size: { columns: 120, rows: 35 }, render: lab({ columns: 120, rows: 35 }), fixedHeight: true, open: ['c', '/'], opened: '/▏' },
  { name: 'form text field', size: { columns: 120, rows: 35 }, render: lab({ columns: 120, rows: 35 }), fixedHeight: true, open: ['f'], opened: 'KSC host' },
];

describe('a hostile paste into each console input', () => {
  for (const field of FIELDS) {
    it(`${field.name} at ${field.size.columns}×${field.size.rows}`, async () => {
      const ui = field.render();
      await press(ui.stdin, ...field.open);
      const before = await waitForFrame(ui, (f) => f.includes(field.opened));
      const height = before.split('\n').length;
      await fc.assert(
        fc.asyncProperty(pastedText, async (paste) => {
          await press(ui.stdin, keys.end, keys.ctrlU);
          ui.stdin.write(paste);
          await tick();
          await ui.stdin.settle!();
          const frame = ui.lastFrame();
          expect(frameIsClean(frame, field.size.columns, displayWidth)).toBeNull();
          if (field.fixedHeight) expect(frame.split('\n')).toHaveLength(height);
          else expect(frame.split('\n').length).toBeLessThanOrEqual(field.size.rows);
          // Still the same field, and it still takes keys. A paste may hold hundreds of real
          // keys (ESC[5A is Ctrl-Up), each given its own frame: the wait is for them all.
          await press(ui.stdin, keys.end, keys.ctrlU, 'o', 'k');
          await waitForFrame(ui, (f) => f.includes('ok▏'), 60_000);
        }),
        { ...RUNS, numRuns: 20 },
      );
    }, 300_000);
  }
});
