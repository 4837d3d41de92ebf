// Several keys in one read: a person holding Backspace, typing fast, or keys
// sent over SSH arrive as one chunk ("\x7f\x7f", "ab\x7f\r"). Every key of the
// chunk must take effect, in every text input of the console.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanupUi, inkKey, press, renderUi, waitForFrame, type RenderedUi } from '../helpers/ink.js';
import { demoScreens, labScreens, makeTenants, Providers, TableHarness } from './fixtures.js';
import { ConsoleApp } from '../../source/ui/app.js';
import { fromInk } from '../../source/ui/keys/index.js';

afterEach(cleanupUi);

/** One write holding several keys, then wait until the frame shows what we expect. */
async function writeChunk(ui: RenderedUi, chunk: string, expected: string): Promise<string> {
  await press(ui.stdin);
  ui.stdin.write(chunk);
  return waitForFrame(ui, (f) => f.includes(expected), 2000);
}

function lab(): RenderedUi {
  return renderUi(<ConsoleApp integrationName="demo" screens={labScreens()} onExit={vi.fn()} noticeTimeoutMs={0} />, { columns: 100, rows: 30 });
}

describe('fromInk: control bytes inside a chunk', () => {
  it('reads each DEL (0x7F) and Ctrl-H (0x08) of a chunk as a Backspace', () => {
    // Ink 6.8 hands over "\x7f\x7f" as one unnamed key: no flag says "backspace".
    expect(fromInk('\u007F\u007F', inkKey()).map((k) => k.name)).toEqual(['backspace', 'backspace']);
    expect(fromInk('\b\b\b', inkKey()).map((k) => k.name)).toEqual(['backspace', 'backspace', 'backspace']);
  });

  it('keeps letters, Backspace and Enter of one chunk in order', () => {
    expect(fromInk('ab\u007Fc\r', inkKey()).map((k) => k.name)).toEqual(['a', 'b', 'backspace', 'c', 'enter']);
  });

  it('reads Ctrl+letter bytes inside a chunk as Ctrl+letter, never as typed text', () => {
    expect(fromInk('a\u0015', inkKey())).toEqual([
      { name: 'a', text: 'a', ctrl: false, shift: false, meta: false },
      { name: 'u', text: '', ctrl: true, shift: false, meta: false },
    ]);
    expect(fromInk('x\u0013', inkKey()).at(-1)).toMatchObject({ name: 's', ctrl: true });
  });
});

describe('several keys in one write reach every text input', () => {
  it('table filter: "\\x7f\\x7f" deletes two characters, ten DELs delete ten', async () => {
    const ui = renderUi(
      <Providers>
        <TableHarness rows={makeTenants(100)} />
      </Providers>,
    );
    await press(ui.stdin, '/');
    await writeChunk(ui, 'tenant 00099xy', '/tenant 00099xy▏');
    await writeChunk(ui, '\u007F\u007F', '/tenant 00099▏');
    expect(ui.lastFrame()).toContain('1–1 of 1 (filtered from 100)');
    await writeChunk(ui, '\u007F'.repeat(10), '/te▏'); // "tenant 00099" less ten
    expect(ui.lastFrame()).toContain('(filtered from 100)');
  });

  it('table filter: letters, Backspace and Enter in one write', async () => {
    const ui = renderUi(
      <Providers>
        <TableHarness rows={makeTenants(100)} />
      </Providers>,
    );
    await press(ui.stdin, '/');
    // "00098" typed, the 8 corrected to 9, Enter keeps the filter (the field closes: no caret).
    const frame = await writeChunk(ui, '00098\u007F9\r', '/00099 ');
    expect(frame).not.toContain('▏');
    expect(frame).toContain('1–1 of 1 (filtered from 100)');
  });

  it('search-select: two DELs in one write', async () => {
    const ui = lab();
    await press(ui.stdin, 's');
    await writeChunk(ui, 'account 0120zz', 'Search: account 0120zz▏');
    const frame = await writeChunk(ui, '\u007F\u007F', 'Search: account 0120▏');
    expect(frame).toContain('1 of 5,000');
  });

  it('checklist filter: two DELs in one write', async () => {
    const ui = lab();
    await press(ui.stdin, 'c', '/');
    await writeChunk(ui, 'server 59xx', '/server 59xx▏');
    await writeChunk(ui, '\u007F\u007F', '/server 59▏');
  });

  it('form text field: two DELs, then letters and Backspace in one write', async () => {
    const ui = lab();
    await press(ui.stdin, 'f');
    await writeChunk(ui, 'ksc.localxx', 'ksc.localxx▏');
    await writeChunk(ui, '\u007F\u007F', 'ksc.local▏');
    await writeChunk(ui, 'hoss\u007Ft', 'ksc.localhost▏');
  });

  it('help: "jjj" in one write scrolls three lines', async () => {
    const ui = renderUi(<ConsoleApp integrationName="demo" screens={demoScreens(makeTenants(50))} initialTab="accounts" onExit={vi.fn()} noticeTimeoutMs={0} />, { columns: 80, rows: 24 });
    await press(ui.stdin, '?');
    await waitForFrame(ui, (f) => f.includes('(lines 1–'));
    await writeChunk(ui, 'jjj', '(lines 4–');
  });
});
