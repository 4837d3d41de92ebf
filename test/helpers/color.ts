// Console tests with colour forced on (the colour and NO_COLOR frames of a screen).
//
// Why the dynamic imports: chalk reads FORCE_COLOR once, when it is first imported, and
// test/helpers/setup.ts sets FORCE_COLOR=0 for every test file. So FORCE_COLOR=1 must be set
// before anything that loads Ink (and with it chalk) is imported, and static imports are
// hoisted above any assignment: Ink and all that loads it are imported here, after setting
// it. Each test file runs in its own process, so this does not leak into other files.
// For the same reason: nothing that loads Ink may be imported statically by this module or
// by a test file that uses it (type-only imports are fine).
import { createElement } from 'react';
import { expect, vi } from 'vitest';
import type { ConsoleSession } from '../../source/console/session.js';
import type { DemoEnvironment } from '../../source/demo/environment.js';
import type { ScreenDefinition } from '../../source/ui/index.js';
import type { Theme } from '../../source/ui/theme.js';
import type { RenderedUi } from './ink.js';

type Loaders = Record<string, () => Promise<unknown>>;

/** The modules every colour test renders with, plus the ones a file asks for. */
export type ColorModules<L extends Loaders = Record<never, never>> = {
  ink: typeof import('./ink.js');
  app: typeof import('../../source/ui/app.js');
  theme: typeof import('../../source/ui/theme.js');
} & { [K in keyof L]: Awaited<ReturnType<L[K]>> };

/** What a screen on the demo simulators needs besides Ink: the demo, the console session, the paths. */
export const demoConsoleModules = {
  demo: () => import('../../source/demo/environment.js'),
  session: () => import('../../source/console/session.js'),
  paths: () => import('../../source/store/paths.js'),
};

/** Force colour on, then import Ink's helpers, the app and the themes, and each of `loaders` (call in beforeAll). */
export async function importWithColor<L extends Loaders>(loaders: L): Promise<ColorModules<L>> {
  process.env.FORCE_COLOR = '1';
  const modules: Record<string, unknown> = {
    ink: await import('./ink.js'),
    app: await import('../../source/ui/app.js'),
    theme: await import('../../source/ui/theme.js'),
  };
  for (const [name, load] of Object.entries(loaders)) modules[name] = await load();
  return modules as ColorModules<L>;
}

/** The console on the demo integration showing one screen (its tab first), drawn in `theme`. */
export function renderScreenWithTheme(m: ColorModules, screen: ScreenDefinition, initialTab: string, theme: Theme, size: { columns: number; rows: number }): RenderedUi {
  return m.ink.renderUi(createElement(m.app.ConsoleApp, { integrationName: 'demo', screens: [screen], initialTab, theme, onExit: vi.fn(), noticeTimeoutMs: 0 }), size);
}

/**
 * The NO_COLOR check of the *-nocolor tests: NO_COLOR chooses the mono theme; the frame drawn
 * in colour really is coloured, the one in the chosen theme has no escape sequence, and both
 * say the same text (line ends trimmed). Resolves with the plain frame for the screen's own checks.
 */
export async function expectSameTextWithoutColour(m: ColorModules, frameWith: (theme: Theme) => Promise<string>): Promise<string> {
  const noColor = m.theme.chooseTheme({ NO_COLOR: '1' }, { isTTY: true });
  expect(noColor.name).toBe('mono');
  const colored = await frameWith(m.theme.colorTheme);
  const plain = await frameWith(noColor);
  expect(colored).toMatch(/\u001B\[\d+m/); // really coloured
  expect(plain).not.toMatch(/\u001B\[/); // nothing but text
  const lines = (frame: string) => m.ink.frameLines(frame).map((l) => l.trimEnd());
  expect(lines(m.ink.stripAnsi(colored))).toEqual(lines(plain));
  return plain;
}

export interface DemoSession {
  demo: DemoEnvironment;
  session: ConsoleSession;
}

/**
 * Start the demo (`options`: the simulated vendors, as startDemo takes them), let `prepare` edit the
 * files in its config folder, then open a console session on them (file secrets).
 */
export async function startDemoSession(
  m: ColorModules<typeof demoConsoleModules>,
  prepare: (configDir: string) => void = () => {},
  options: Parameters<ColorModules<typeof demoConsoleModules>['demo']['startDemo']>[0] = {},
): Promise<DemoSession> {
  const demo = (await m.demo.startDemo(options)) as unknown as DemoEnvironment;
  prepare(demo.configDir);
  const session = new m.session.ConsoleSession({ paths: m.paths.resolvePaths({ configDir: demo.configDir }), secretBackends: ['file'] });
  return { demo, session };
}

/** After all tests: unmount what was rendered, close the session, stop the demo. */
export async function stopDemoSession(m: ColorModules, { demo, session }: DemoSession): Promise<void> {
  m.ink.cleanupUi();
  await session.close();
  await demo.close();
}
