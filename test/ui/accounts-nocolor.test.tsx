// NO_COLOR: the Accounts tab says everything with glyphs and words. Colour is
// forced on for chalk (set before Ink loads: importWithColor, test/helpers/color.ts), so
// the colour frame really is coloured; the NO_COLOR frame uses the theme chosen
// from NO_COLOR, as the console does. Same text, no escape sequences.
// Nothing that loads Ink may be imported statically here.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoConsoleModules, expectSameTextWithoutColour, importWithColor, renderScreenWithTheme, startDemoSession, stopDemoSession, type ColorModules, type DemoSession } from '../helpers/color.js';

const modules = { ...demoConsoleModules, screen: () => import('../../source/ui/screens/accounts/index.js') };
let m: ColorModules<typeof modules>;
let demo: DemoSession['demo'];
let session: DemoSession['session'];

beforeAll(async () => {
  m = await importWithColor(modules);
  ({ demo, session } = await startDemoSession(m));
  const tenants = await session.tenants('demo');
  const id = (name: string) => tenants.find((t) => t.name === name)!.id;
  const row = (name: string, over: Record<string, unknown> = {}) => ({ tenantId: id(name), tenantName: name, accountId: null, accountName: null, billing: false, contractId: null, contractName: null, ...over });
  // Saved: Acme mapped (its virtual server is renamed below: drift), Bluebird and Carter unmapped.
  session.updateIntegration('demo', (i) => ({ ...i, tenants: [row('Acme & Sons', { accountId: '29683501', accountName: 'Acme and Sons Ltd' }), row('Bluebird Dental'), row('Carter Logistics')] }));
  demo.ksc.renameVServer(id('Acme & Sons'), 'Acme & Sons Holdings');
  session.invalidate('demo');
});

afterAll(() => stopDemoSession(m, { demo, session }));

async function frameWith(theme: import('../../source/ui/theme.js').Theme): Promise<string> {
  const { press, keys, waitForFrame } = m.ink;
  const ui = renderScreenWithTheme(m, m.screen.createAccountsScreen({ session, integrationName: 'demo' }), 'accounts', theme, { columns: 100, rows: 20 });
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
  const plain = await expectSameTextWithoutColour(m, frameWith);
  // Cursor, changed, drift/problem and suggestion markers, and the words that say the state.
  expect(plain).toMatch(/^    !  Acme & Sons +Acme and Sons Ltd +off +—$/m); // renamed in KSC
  expect(plain).toMatch(/^› {3}\? {2}Bluebird Dental +— +off +—$/m); // cursor, suggestion
  expect(plain).toMatch(/^  \* ! {2}Carter Logistics +Carter Logistics Inc\. +on +— required$/m); // unsaved, blocks Save
  expect(plain).toContain('Suggestion (Partial): Bluebird Dental Group');
  expect(plain).toContain('1 unsaved · 1 problem');
  expect(plain).toMatchSnapshot();
});
