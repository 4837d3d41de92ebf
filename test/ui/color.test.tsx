// Colour forced on: the same frames, the same glyphs, only decorated.
// chalk reads FORCE_COLOR when it is first imported, so it is set before Ink
// loads: importWithColor (test/helpers/color.ts) sets it, then imports dynamically.
// Nothing that loads Ink may be imported statically here.
import { afterEach, beforeAll, expect, it, vi } from 'vitest';
import { importWithColor, type ColorModules } from '../helpers/color.js';

const modules = { fixtures: () => import('./fixtures.js') };
let m: ColorModules<typeof modules>;

beforeAll(async () => {
  m = await importWithColor(modules);
});

afterEach(() => m.ink.cleanupUi());

async function frameWith(theme: 'color' | 'mono') {
  const { ConsoleApp } = m.app;
  const ui = m.ink.renderUi(
    <ConsoleApp
      integrationName="demo"
      screens={m.fixtures.demoScreens(m.fixtures.makeTenants(100))}
      initialTab="accounts"
      theme={theme === 'color' ? m.theme.colorTheme : m.theme.monoTheme}
      onExit={vi.fn()}
      noticeTimeoutMs={0}
    />,
    { columns: 80, rows: 16 },
  );
  const { press, keys } = m.ink;
  await press(ui.stdin, 'j', ' ', 'j', keys.enter, keys.down, keys.enter, 'x');
  return ui.lastFrame();
}

it('decorates with colour without changing a single glyph', async () => {
  expect(m.theme.chooseTheme(process.env, { isTTY: true }).name).toBe('color');
  const { stripAnsi, frameLines } = m.ink;
  const colored = await frameWith('color');
  const mono = await frameWith('mono');
  expect(colored).toMatch(/\u001B\[\d+m/); // really coloured
  expect(mono).not.toMatch(/\u001B\[/); // the mono theme adds nothing
  // Identical but for trailing spaces, which Ink trims only outside styled text.
  const lines = (frame: string) => frameLines(frame).map((l) => l.trimEnd());
  expect(lines(stripAnsi(colored))).toEqual(lines(mono));
  // The cursor row, marks, the unsaved marker and the error read without colour.
  expect(mono).toContain('› [ ] * Tenant 00003');
  expect(mono).toContain('[x]   Tenant 00002');
  expect(mono).toContain('Error: Autotask refused the update');
  expect(frameLines(mono).length).toBeLessThan(16);
  expect(colored).toMatchSnapshot();
});
