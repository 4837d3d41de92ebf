// NO_COLOR: the Accounts tab says everything with glyphs and words. Colour is
// forced on for chalk (set before Ink loads: dynamic imports below), so the
// colour frame really is coloured; the NO_COLOR frame uses the theme chosen
// from NO_COLOR, as the console does. Same text, no escape sequences.
// Nothing that loads Ink may be imported statically here: imports are hoisted above this assignment.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';

process.env.FORCE_COLOR = '1';

type Modules = {
  ink: typeof import('../helpers/ink.js');
  app: typeof import('../../source/ui/app.js');
  theme: typeof import('../../source/ui/theme.js');
  screen: typeof import('../../source/ui/screens/accounts/index.js');
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
    screen: await import('../../source/ui/screens/accounts/index.js'),
    demo: await import('../../source/demo/environment.js'),
    session: await import('../../source/console/session.js'),
    paths: await import('../../source/store/paths.js'),
  };
  demo = await m.demo.startDemo();
  session = new m.session.ConsoleSession({ paths: m.paths.resolvePaths({ configDir: demo.configDir }), secretBackends: ['file'] });
  const tenants = await session.tenants('demo');
  const id = (name: string) => tenants.find((t) => t.name === name)!.id;
  const row = (name: string, over: Record<string, unknown> = {}) => ({ tenantId: id(name), tenantName: name, accountId: null, accountName: null, billing: false, contractId: null, contractName: null, ...over });
  // Saved: Acme mapped (its virtual server is renamed below: drift), Bluebird and Carter unmapped.
  session.updateIntegration('demo', (i) => ({ ...i, tenants: [row('Acme & Sons', { accountId: '29683501', accountName: 'Acme and Sons Ltd' }), row('Bluebird Dental'), row('Carter Logistics')] }));
  demo.ksc.renameVServer(id('Acme & Sons'), 'Acme & Sons Holdings');
  session.invalidate('demo');
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
    <ConsoleApp integrationName="demo" screens={[m.screen.createAccountsScreen({ session, integrationName: 'demo' })]} initialTab="accounts" theme={theme} onExit={vi.fn()} noticeTimeoutMs={0} />,
    { columns: 100, rows: 20 },
  );
  await waitForFrame(ui, (f) => f.includes('Autotask accounts') && !f.includes('finding suggestions…'), 10_000);
  // Carter: accept the suggestion, billing on without a contract (a Save blocker); cursor back on Bluebird.
  await press(ui.stdin, keys.down, keys.down, 's', 'b', keys.up);
  await waitForFrame(ui, (f) => !f.includes('finding suggestions…'));
  await press(ui.stdin);
  const frame = ui.lastFrame();
  ui.unmount();
  return frame;
}

it('chooses the no-colour theme under NO_COLOR, and the frame says everything without colour', async () => {
  const noColor = m.theme.chooseTheme({ NO_COLOR: '1' }, { isTTY: true });
  expect(noColor.name).toBe('mono');
  const colored = await frameWith(m.theme.colorTheme);
  const plain = await frameWith(noColor);
  expect(colored).toMatch(/\u001B\[\d+m/); // really coloured
  expect(plain).not.toMatch(/\u001B\[/); // nothing but text
  const lines = (frame: string) => m.ink.frameLines(frame).map((l) => l.trimEnd());
  expect(lines(m.ink.stripAnsi(colored))).toEqual(lines(plain));
  // Cursor, changed, drift/problem and suggestion markers, and the words that say the state.
  expect(plain).toMatch(/^    !  Acme & Sons +Acme and Sons Ltd +off +—$/m); // renamed in KSC
  expect(plain).toMatch(/^› {3}\? {2}Bluebird Dental +— +off +—$/m); // cursor, suggestion
  expect(plain).toMatch(/^  \* ! {2}Carter Logistics +Carter Logistics Inc\. +on +— required$/m); // unsaved, blocks Save
  expect(plain).toContain('Suggestion (Partial): Bluebird Dental Group');
  expect(plain).toContain('1 unsaved · 1 problem');
  expect(plain).toMatchSnapshot();
});
