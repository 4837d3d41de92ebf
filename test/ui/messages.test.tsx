// Messages longer than the status line: the essential part first, and the whole
// message one key away (M), in a dialog that scrolls when it is long.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanupUi, frameLines, keys, press, renderUi } from '../helpers/ink.js';
import { editorScreens } from './fixtures.js';
import { ConsoleApp } from '../../source/ui/app.js';
import { ConsoleSession } from '../../source/console/session.js';
import { resolvePaths } from '../../source/store/paths.js';
import { startupNotice } from '../../source/ui/start.js';
import { useScreen, useCommands, type Notice, type ScreenDefinition, type ScreenProps } from '../../source/ui/index.js';
import { KmspError } from '../../source/domain/errors.js';
import { Text } from 'ink';
import { useRef } from 'react';

const dirs: string[] = [];
const sessions: ConsoleSession[] = [];
afterEach(async () => {
  cleanupUi();
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const statusLines = (frame: string) => frameLines(frame).slice(-4, -1);
const footer = (frame: string) => frameLines(frame).at(-1)!;

/** A console session on a config directory whose config.json is not JSON: the file is moved aside. */
function corruptConfigSession(): { session: ConsoleSession; movedTo: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmsp-msg-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'config.json'), '{"schemaVersion": 1, "integrations": [', { mode: 0o600 });
  const session = new ConsoleSession({ paths: resolvePaths({ configDir: dir }), secretBackends: ['file'] });
  sessions.push(session);
  const movedTo = fs.readdirSync(dir).find((f) => f.startsWith('config.json.corrupt-'));
  if (!movedTo) throw new Error('the corrupt config was not moved aside');
  return { session, movedTo: path.join(dir, movedTo) };
}

describe('the corrupt-config notice at start', () => {
  it.each([
    [80, 24],
    [120, 35],
  ])('says where the file went first, and M shows the whole of it (%i×%i)', async (columns, rows) => {
    const { session, movedTo } = corruptConfigSession();
    const notice = startupNotice(session.loadNotices, 'Demo: simulated Kaspersky Security Center and Autotask on loopback.');
    const ui = renderUi(<ConsoleApp integrationName="demo" screens={editorScreens()} onExit={vi.fn()} noticeTimeoutMs={0} initialNotice={notice} />, { columns, rows });
    await press(ui.stdin);
    let frame = ui.lastFrame();
    // The first words of the status line say where the file is now.
    expect(statusLines(frame).join('\n')).toContain(`Warning: Config file moved to ${movedTo.slice(0, columns - 'Warning: Config file moved to '.length - 1)}`);
    expect(footer(frame)).toContain('M full message');
    // No snapshot here: where the temporary directory is (its length) decides where lines break.

    await press(ui.stdin, 'M');
    frame = ui.lastFrame();
    const text = frame.replace(/[│\s]+/g, ' ');
    expect(frame).toContain('Message (whole)');
    expect(frame).toContain(movedTo); // whole, on one line
    expect(text).toContain('The integrations and tenant mappings are only in the moved file now.');
    expect(text).toContain(`kmsp config import ${movedTo}`);
    expect(text).toContain('Demo: simulated Kaspersky Security Center and Autotask on loopback.');
    expect(frameLines(frame).length).toBeLessThan(rows);
    await press(ui.stdin, keys.escape);
    expect(ui.lastFrame()).not.toContain('Message (whole)');
    expect(statusLines(ui.lastFrame()).join('\n')).toContain('Warning: Config file moved to'); // still there
  });
});

// A screen whose commands show a long error, a short warning and an info notice.
function NoticeScreen({ active }: ScreenProps) {
  const screen = useScreen();
  const cause = Array.from({ length: 30 }, (_, i) => `“Tenant ${String(i + 1).padStart(2, '0')}”: billing is on but no contract is chosen.`).join(' ');
  useCommands(
    'Notices',
    [
      { id: 'n.long', keys: ['l'], description: 'Long error', run: () => screen.notify(new KmspError('Cannot save: 30 problems to fix first', { kind: 'config', cause, remedy: 'Fix each row named above (choose a contract, or turn billing off), then save again.' })) },
      { id: 'n.short', keys: ['w'], description: 'Short warning', run: () => screen.notify('Careful.', 'warning') },
      { id: 'n.info', keys: ['i'], description: 'Info', run: () => screen.notify('Mapped Carter Logistics; press Ctrl-S to save.') },
    ],
    { active },
  );
  return <Text>notices</Text>;
}
const noticeScreens: ScreenDefinition[] = [{ id: 'accounts', title: 'Accounts', render: (p) => <NoticeScreen {...p} /> }];

describe('a message about a condition that no longer holds', () => {
  function ConditionScreen({ active }: ScreenProps) {
    const screen = useScreen();
    const shown = useRef<Notice | null>(null);
    useCommands(
      'Conditions',
      [
        { id: 'c.fail', keys: ['f'], description: 'Fail', run: () => void (shown.current = screen.notify(new KmspError('Cannot save: one problem to fix first', { kind: 'config' }))) },
        { id: 'c.warn', keys: ['w'], description: 'Something else', run: () => screen.notify('Another thing happened.', 'warning') },
        { id: 'c.fixed', keys: ['x'], description: 'Fixed', run: () => shown.current && screen.clearNotice(shown.current) },
      ],
      { active },
    );
    return <Text>conditions</Text>;
  }
  const screens: ScreenDefinition[] = [{ id: 'accounts', title: 'Accounts', render: (p) => <ConditionScreen {...p} /> }];

  it('is cleared by the screen that showed it, but never takes a later message with it', async () => {
    const ui = renderUi(<ConsoleApp integrationName="demo" screens={screens} initialTab="accounts" onExit={vi.fn()} noticeTimeoutMs={0} />, { columns: 100, rows: 24 });
    await press(ui.stdin, 'f');
    expect(ui.lastFrame()).toContain('Error: Cannot save');
    await press(ui.stdin, 'x');
    expect(ui.lastFrame()).not.toContain('Error: Cannot save');
    await press(ui.stdin, 'f', 'w', 'x');
    expect(ui.lastFrame()).toContain('Warning: Another thing happened.');
  });
});

describe('M: the whole message', () => {
  it('offers M in the footer only when the status line cuts the message; the dialog scrolls a long one', async () => {
    const ui = renderUi(<ConsoleApp integrationName="demo" screens={noticeScreens} initialTab="accounts" onExit={vi.fn()} noticeTimeoutMs={0} />, { columns: 80, rows: 24 });
    await press(ui.stdin, 'w');
    expect(statusLines(ui.lastFrame()).join('\n')).toContain('Warning: Careful.');
    expect(footer(ui.lastFrame())).not.toContain('full message');
    await press(ui.stdin, 'l');
    let frame = ui.lastFrame();
    expect(frame).toContain('  Cause: “Tenant 01”: billing is on but no contract is chosen.');
    expect(footer(frame)).toMatch(/M full message {2}Tab tabs {2}\? help {2}q quit$/);

    await press(ui.stdin, 'M');
    frame = ui.lastFrame();
    expect(frame).toContain('│ Error: Cannot save: 30 problems to fix first');
    expect(frame).toMatch(/lines 1–\d+ of \d+ · ↑↓ PgUp\/PgDn scroll/);
    expect(frameLines(frame).length).toBeLessThan(24);
    expect(frame).toMatchSnapshot('80×24 first page');
    await press(ui.stdin, 'G');
    frame = ui.lastFrame();
    expect(frame.replace(/[│\s]+/g, ' ')).toContain('“Tenant 30”: billing is on but no contract is chosen.');
    expect(frame.replace(/[│\s]+/g, ' ')).toContain('Remedy: Fix each row named above (choose a contract, or turn billing off), then save again.');
    await press(ui.stdin, keys.pageUp, 'g');
    expect(ui.lastFrame()).toMatch(/lines 1–\d+ of/);
    await press(ui.stdin, 'q');
    expect(ui.lastFrame()).not.toContain('Message (whole)');
    expect(ui.lastFrame()).toContain('Error: Cannot save: 30 problems to fix first'); // the status line keeps it
  });

  it('at 120×35 the whole long error reads in one dialog page or scrolls, and Esc closes it', async () => {
    const ui = renderUi(<ConsoleApp integrationName="demo" screens={noticeScreens} initialTab="accounts" onExit={vi.fn()} noticeTimeoutMs={0} />, { columns: 120, rows: 35 });
    await press(ui.stdin, 'l', 'M');
    const frame = ui.lastFrame();
    expect(frame).toContain('Error: Cannot save: 30 problems to fix first');
    expect(frameLines(frame).length).toBeLessThan(35);
    expect(frame).toMatchSnapshot('120×35');
    await press(ui.stdin, keys.escape);
    expect(ui.lastFrame()).not.toContain('Message (whole)');
  });

  it('leaves an info notice in place (opening it is not a new action)', async () => {
    const ui = renderUi(<ConsoleApp integrationName="demo" screens={noticeScreens} initialTab="accounts" onExit={vi.fn()} noticeTimeoutMs={0} />, { columns: 40, rows: 24 });
    await press(ui.stdin, 'i');
    expect(footer(ui.lastFrame())).toContain('M full message');
    await press(ui.stdin, 'M');
    expect(ui.lastFrame().replace(/[│\s]+/g, ' ')).toContain('Mapped Carter Logistics; press Ctrl-S to save.');
    await press(ui.stdin, keys.escape);
    expect(statusLines(ui.lastFrame()).join('\n')).toContain('Mapped Carter');
  });
});
