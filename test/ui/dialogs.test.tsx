import { afterEach, describe, expect, it, vi } from 'vitest';
import { Text } from 'ink';
import { useState } from 'react';
import { cleanupUi, frameLines, keys, press, renderUi, type as typeText, waitForFrame, type RenderedUi } from '../helpers/ink.js';
import { labScreens, Providers } from './fixtures.js';
import { ConsoleApp } from '../../source/ui/app.js';
import { TextField, useTextFieldInput, useTextFieldState } from '../../source/ui/components/text-field/index.js';
import { editText } from '../../source/ui/components/text-field/use-text-field-state.js';
import type { KeyPress } from '../../source/ui/keys/index.js';

afterEach(cleanupUi);

function lab(size = { columns: 100, rows: 30 }) {
  const ui = renderUi(<ConsoleApp integrationName="demo" screens={labScreens()} onExit={vi.fn()} noticeTimeoutMs={0} />, size);
  return ui;
}

const result = (frame: string) => /result: (.*)/.exec(frame)?.[1];
/** The dialog's result once the frame shows it: the last key's render may land a tick later under load. */
async function expectResult(ui: Pick<RenderedUi, 'lastFrame'>, value: string): Promise<void> {
  await waitForFrame(ui, (f) => result(f) === value).catch(() => undefined);
  expect(result(ui.lastFrame())).toBe(value);
}

describe('SearchSelect over 5,000 accounts', () => {
  it('filters as you type, windowed, with counts', async () => {
    const ui = lab();
    await press(ui.stdin, 's');
    let frame = ui.lastFrame();
    expect(frame).toContain('5,000 accounts');
    expect(frame).toContain('Account 0010 (current)');
    expect(frameLines(frame).filter((l) => /Account \d{4}/.test(l)).length).toBeLessThanOrEqual(22);
    expect(frameLines(frame).length).toBeLessThan(30);

    await typeText(ui.stdin, 'account 012');
    frame = ui.lastFrame();
    expect(frame).toContain('15 of 5,000'); // every word: Account 0012, 0120–0129, 1012, 2012, 3012, 4012
    expect(frame).toContain('Search: account 012▏');
    expect(frame).not.toContain('(none)'); // while searching, Enter picks a match, never "(none)"
    expect(frame).toMatchSnapshot();

    await press(ui.stdin, keys.down, keys.enter);
    await expectResult(ui, '"a120"');
  });

  it('lets j, k and q be typed into the search', async () => {
    const ui = lab();
    await press(ui.stdin, 's', 'q', 'j', 'k');
    expect(ui.lastFrame()).toContain('Search: qjk▏');
    expect(ui.lastFrame()).toContain('No accounts match "qjk".');
    await press(ui.stdin, keys.escape);
    await expectResult(ui, 'undefined'); // cancelled
  });

  it('offers (none) and refuses disabled options with the reason', async () => {
    const ui = lab();
    await press(ui.stdin, 's', keys.home); // Home goes to the search field: the cursor stays
    await press(ui.stdin, ...Array.from({ length: 10 }, () => keys.up));
    expect(frameLines(ui.lastFrame()).find((l) => l.includes('›') && l.includes('(none)'))).toBeDefined();
    await press(ui.stdin, keys.down, keys.down, keys.down);
    expect(frameLines(ui.lastFrame()).find((l) => l.includes('› Account 0003'))).toContain('unavailable: mapped to Tenant 00009');
    await press(ui.stdin, keys.enter);
    expect(ui.lastFrame()).toContain('Cannot choose Account 0003: mapped to Tenant 00009'); // and the list stays open
    expect(ui.lastFrame()).toContain('Search: ▏');
    await press(ui.stdin, keys.up, keys.up, keys.up, keys.enter);
    await expectResult(ui, 'null');
  });

  it('pages through the list', async () => {
    const ui = lab();
    await press(ui.stdin, 's', keys.pageDown, keys.pageDown);
    const cursor = frameLines(ui.lastFrame()).find((l) => l.includes('› Account'));
    expect(cursor).toBeDefined();
    await press(ui.stdin, keys.enter);
    expect(Number(/"a(\d+)"/.exec(result(ui.lastFrame()) ?? '')?.[1])).toBeGreaterThan(40);
  });
});

describe('Checklist', () => {
  it('toggles with Space, filters with /, applies with Enter', async () => {
    const ui = lab();
    await press(ui.stdin, 'c');
    let frame = ui.lastFrame();
    expect(frame).toContain('1 checked · 60');
    expect(frame).toContain('› [x]   Virtual server 1');
    expect(frame).toContain('unavailable: in integration "north"');
    await press(ui.stdin, ' ', 'j', ' '); // uncheck 1, the disabled 2 stays as it is
    await press(ui.stdin, 'j', ' ');
    frame = ui.lastFrame();
    expect(frame).toContain('[ ] * Virtual server 1');
    expect(frame).toContain('› [x] * Virtual server 3');
    expect(frame).toContain('1 checked, 2 changed');
    expect(frame).toMatchSnapshot();

    await press(ui.stdin, '/');
    await typeText(ui.stdin, 'server 2 1');
    expect(ui.lastFrame()).toContain('/server 2 1▏');
    expect(ui.lastFrame()).toContain('2 of 60'); // every word, in any order: 12 and 21
    await press(ui.stdin, keys.enter, 'a', keys.enter);
    await expectResult(ui, JSON.stringify(['vs3', 'vs12', 'vs21']));
  });

  it('Esc leaves the filter first, then cancels', async () => {
    const ui = lab();
    await press(ui.stdin, 'c', '/', 'x', keys.escape);
    expect(ui.lastFrame()).toContain('Virtual servers in this integration');
    expect(ui.lastFrame()).not.toContain('/x');
    await press(ui.stdin, keys.escape);
    await expectResult(ui, 'undefined');
  });
});

describe('FormDialog and masked fields', () => {
  it('never renders a typed secret, in any frame', async () => {
    const ui = lab();
    await press(ui.stdin, 'f');
    await typeText(ui.stdin, 'ksc.local');
    await press(ui.stdin, keys.tab, keys.tab);
    await typeText(ui.stdin, 'Sup3r$ecret');
    const frame = ui.lastFrame();
    expect(frame).toContain('•••••••••••▏');
    expect(ui.stdout.frames.join('\n')).not.toContain('Sup3r');
    expect(ui.stdout.frames.join('\n')).not.toContain('ecret');
    expect(frame).toMatchSnapshot();
  });

  it('shows problems inline and blocks saving until they are fixed', async () => {
    const ui = lab();
    await press(ui.stdin, 'f', keys.tab); // leave the required host empty
    await press(ui.stdin, keys.backspace, keys.backspace, keys.backspace, keys.backspace, keys.backspace);
    await typeText(ui.stdin, '0');
    await press(ui.stdin, '\u0013'); // Ctrl-S
    let frame = ui.lastFrame();
    expect(frame).toContain('! KSC host is required.');
    expect(frame).toContain('! Port must be a number from 1 to 65535.');
    expect(frame).toContain('! Password is required.');
    expect(result(frame)).toBe('nothing yet');

    await press(ui.stdin, keys.shiftTab);
    await typeText(ui.stdin, 'ksc');
    await press(ui.stdin, keys.tab, keys.backspace);
    await typeText(ui.stdin, '13299');
    await press(ui.stdin, keys.tab);
    await typeText(ui.stdin, 'pw');
    await press(ui.stdin, keys.tab, ' '); // TLS verification off
    await press(ui.stdin, keys.tab, keys.enter); // the zone list
    expect(ui.lastFrame()).toContain('Zone');
    await press(ui.stdin, keys.down, keys.down, keys.enter);
    frame = ui.lastFrame();
    expect(frame).toContain('webservices6 ▾');
    await press(ui.stdin, '\u0013');
    await expectResult(ui, JSON.stringify({ host: 'ksc', port: '13299', password: 'pw', verify: false, zone: 'ws6' }));
  });
});

describe('ConfirmDialog', () => {
  it('answers yes only to y', async () => {
    const ui = lab();
    await press(ui.stdin, 'y');
    expect(ui.lastFrame()).toContain('Remove mapping? (y/N)');
    await press(ui.stdin, 'x', 'q', keys.enter);
    await expectResult(ui, 'false');
    await press(ui.stdin, 'y', 'Y');
    await expectResult(ui, 'true');
  });
});

function MaskedField() {
  const field = useTextFieldState();
  useTextFieldInput(field, { active: true });
  const [, force] = useState(0);
  void force;
  return (
    <>
      <TextField field={field} width={30} focused mask placeholder="API secret" />
      <Text>{`length ${field.value.length}`}</Text>
    </>
  );
}

describe('TextField', () => {
  it('masks a secret and edits it', async () => {
    const ui = renderUi(
      <Providers>
        <MaskedField />
      </Providers>,
    );
    expect(ui.lastFrame()).toContain('▏API secret');
    await typeText(ui.stdin, 'hunter2');
    await press(ui.stdin, keys.backspace);
    expect(ui.lastFrame()).toContain('••••••▏');
    expect(ui.lastFrame()).toContain('length 6');
    expect(ui.stdout.frames.join('')).not.toMatch(/hunter|unter/);
  });

  it('edits like readline, by grapheme', () => {
    const k = (name: string, extra: Partial<KeyPress> = {}): KeyPress => ({ name, text: name.length === 1 ? name : '', ctrl: false, shift: false, meta: false, ...extra });
    let s = { value: 'hello 東京', caret: 8 };
    s = editText(s, k('backspace'));
    expect(s).toEqual({ value: 'hello 東', caret: 7 });
    s = editText(s, k('w', { ctrl: true, text: '' }));
    expect(s).toEqual({ value: 'hello ', caret: 6 }); // Ctrl-W deletes the word before the caret
    s = editText(s, k('home'));
    s = editText(s, k('>'));
    expect(s).toEqual({ value: '>hello ', caret: 1 });
    s = editText(s, k('k', { ctrl: true, text: '' }));
    expect(s).toEqual({ value: '>', caret: 1 });
    s = editText(s, { ...k(''), text: 'line\none' }); // a paste: one line
    expect(s.value).toBe('>line one');
  });
});
