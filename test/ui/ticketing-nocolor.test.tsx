// NO_COLOR: the Ticketing tab says everything with glyphs and words (section
// cursor "›", cursor cell in brackets, "[x]" marks, `*` changed rows, "!" and
// "— choose" for problems and blank values). Colour is forced on for chalk
// before Ink loads, so the colour frame really is coloured; same text either way.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';

process.env.FORCE_COLOR = '1';

type Modules = {
  ink: typeof import('../helpers/ink.js');
  app: typeof import('../../source/ui/app.js');
  theme: typeof import('../../source/ui/theme.js');
  screen: typeof import('../../source/ui/screens/ticketing/index.js');
  demo: typeof import('../../source/demo/environment.js');
  session: typeof import('../../source/console/session.js');
  paths: typeof import('../../source/store/paths.js');
};
let m: Modules;
let demo: import('../../source/demo/environment.js').DemoEnvironment;
let session: import('../../source/console/session.js').ConsoleSession;

beforeAll(async () => {
  m = {
    ink: await import('../helpers/ink.js'),
    app: await import('../../source/ui/app.js'),
    theme: await import('../../source/ui/theme.js'),
    screen: await import('../../source/ui/screens/ticketing/index.js'),
    demo: await import('../../source/demo/environment.js'),
    session: await import('../../source/console/session.js'),
    paths: await import('../../source/store/paths.js'),
  };
  demo = await m.demo.startDemo();
  // Saved: Critical status "Databases are out of date" on, with a queue Autotask no longer has.
  const file = path.join(demo.configDir, 'config.json');
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as { integrations: Array<{ ticketing: { criticalStatus: Array<Record<string, unknown>> } }> };
  const rules = config.integrations[0]!.ticketing.criticalStatus;
  const i = rules.findIndex((r) => r.descriptionId === 'databases-outdated');
  rules[i] = { ...rules[i], enabled: true, queue: { value: '29689999', label: 'Old Alerts' } };
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  session = new m.session.ConsoleSession({ paths: m.paths.resolvePaths({ configDir: demo.configDir }), secretBackends: ['file'] });
});

afterAll(async () => {
  m.ink.cleanupUi();
  await session.close();
  await demo.close();
});

async function frameWith(theme: import('../../source/ui/theme.js').Theme): Promise<string> {
  const { ConsoleApp } = m.app;
  const { press, keys, waitForFrame } = m.ink;
  const ui = m.ink.renderUi(
    <ConsoleApp integrationName="demo" screens={[m.screen.createTicketingScreen({ session, integrationName: 'demo' })]} initialTab="ticketing" theme={theme} onExit={vi.fn()} noticeTimeoutMs={0} />,
    { columns: 160, rows: 20 },
  );
  await waitForFrame(ui, (f) => f.includes('Active in Autotask:'), 10_000);
  // Critical status; mark the first two rows, switch them on (o acts on the marked rows), due column chosen.
  await press(ui.stdin, ']', ']', ']', keys.space, keys.down, keys.space, 'o', keys.right, keys.right, keys.right);
  const frame = ui.lastFrame();
  ui.unmount();
  return frame;
}

it('chooses the no-colour theme under NO_COLOR, and the frame says everything without colour', async () => {
  const noColor = m.theme.chooseTheme({ NO_COLOR: '1' }, { isTTY: true });
  expect(noColor.name).toBe('mono');
  const colored = await frameWith(m.theme.colorTheme);
  const plain = await frameWith(noColor);
  expect(colored).toMatch(/\u001B\[\d+m/);
  expect(plain).not.toMatch(/\u001B\[/);
  const lines = (frame: string) => m.ink.frameLines(frame).map((l) => l.trimEnd());
  expect(lines(m.ink.stripAnsi(colored))).toEqual(lines(plain));
  expect(plain).toContain('Ticketing of “demo” → Autotask · 2 unsaved changes · 1 problem');
  expect(plain).toMatch(/^› Critical status \* ! +│/m);
  expect(plain).toMatch(/│ {2}\[x\] \* Device is unmanaged +on +Monitoring Alert +Critical +12$/m);
  expect(plain).toMatch(/│› \[x\] \* Real-time protection is not running +on +Monitoring Alert +Critical +\[12\]$/m);
  expect(plain).toMatch(/Databases are out of date +on +— choose ! +Critical +12$/m);
  expect(plain).toMatchSnapshot('NO_COLOR frame');
});
