// NO_COLOR on a Business Hub integration: Ticketing › Office 365 › Events says everything with
// glyphs and words — the group in the section list, the changed section and rows (`*`), marked
// rows ("[x]"), the cursor cell in brackets, and who closes a row's tickets. Colour is forced on
// for chalk before Ink loads (importWithColor: dynamic imports), so the colour frame really is
// coloured; same text either way. The Business Hub words themselves: kbh-console.test.tsx.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoConsoleModules, expectSameTextWithoutColour, importWithColor, renderScreenWithTheme, startDemoSession, stopDemoSession, type ColorModules, type DemoSession } from '../helpers/color.js';

const modules = { ...demoConsoleModules, screen: () => import('../../source/ui/screens/ticketing/index.js') };
let m: ColorModules<typeof modules>;
let demo: DemoSession['demo'];
let session: DemoSession['session'];

beforeAll(async () => {
  m = await importWithColor(modules);
  ({ demo, session } = await startDemoSession(m, () => {}, { platform: 'kbh' }));
});

afterAll(() => stopDemoSession(m, { demo, session }));

async function frameWith(theme: import('../../source/ui/theme.js').Theme): Promise<string> {
  const { press, keys, waitForFrame } = m.ink;
  const ui = renderScreenWithTheme(m, m.screen.createTicketingScreen({ session, integrationName: 'demo' }), 'ticketing', theme, { columns: 120, rows: 20 });
  await waitForFrame(ui, (f) => f.includes('Active in Autotask:'), 10_000);
  // Office 365 › Events; mark the condition rows, switch them on (o acts on the marked rows), cursor on Malware detected, Due chosen.
  await press(ui.stdin, ']', ']', ']', ']', keys.space, keys.down, keys.space, 'o', keys.down, keys.right, keys.right, keys.right, keys.right);
  await waitForFrame(ui, (f) => f.includes('One ticket per occurrence; people close it.'), 5000);
  const frame = ui.lastFrame();
  ui.unmount();
  return frame;
}

it('chooses the no-colour theme under NO_COLOR, and the Office 365 section says everything without colour', async () => {
  const plain = await expectSameTextWithoutColour(m, frameWith);
  expect(plain).toContain('Ticketing of “demo” → Autotask · 2 unsaved changes');
  expect(plain).toMatch(/^ {2}Office 365 +│/m);
  expect(plain).toMatch(/^› {3}Events \* +│/m);
  expect(plain).toMatch(/│ {2}\[x\] \* Mailboxes protection is not provided +on +Monitoring Alert +Critical +12$/m);
  expect(plain).toMatch(/│ {2}\[x\] \* License-related issue occurred +on +Monitoring Alert +Critical +12$/m);
  expect(plain).toMatch(/│› \[ \] {3}Malware detected +off +Monitoring Alert +Critical +\[12\]$/m);
  expect(plain).not.toMatch(/Lifetime/);
  expect(plain).toMatchSnapshot('NO_COLOR frame');
});
