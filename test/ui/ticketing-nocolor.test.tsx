// NO_COLOR: the Ticketing tab says everything with glyphs and words (section
// cursor "›", cursor cell in brackets, "[x]" marks, `*` changed rows, "!" and
// "— choose" for problems and blank values). Colour is forced on for chalk
// before Ink loads (importWithColor: dynamic imports), so the colour frame really
// is coloured; same text either way.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoConsoleModules, expectSameTextWithoutColour, importWithColor, renderScreenWithTheme, startDemoSession, stopDemoSession, type ColorModules, type DemoSession } from '../helpers/color.js';

const modules = { ...demoConsoleModules, screen: () => import('../../source/ui/screens/ticketing/index.js') };
let m: ColorModules<typeof modules>;
let demo: DemoSession['demo'];
let session: DemoSession['session'];

beforeAll(async () => {
  m = await importWithColor(modules);
  ({ demo, session } = await startDemoSession(m, (configDir) => {
    // Saved: Critical status "Databases are out of date" on, with a queue Autotask no longer has.
    const file = path.join(configDir, 'config.json');
    const config = JSON.parse(fs.readFileSync(file, 'utf8')) as { integrations: Array<{ ticketing: { sections: Record<string, Array<{ key: string; fields: Record<string, unknown> }>> } }> };
    const rules = config.integrations[0]!.ticketing.sections.criticalStatus!;
    const i = rules.findIndex((r) => r.key === 'databases-outdated');
    rules[i] = { ...rules[i]!, enabled: true, fields: { ...rules[i]!.fields, queue: { value: '29689999', label: 'Old Alerts' } } } as (typeof rules)[number];
    fs.writeFileSync(file, JSON.stringify(config, null, 2));
  }));
});

afterAll(() => stopDemoSession(m, { demo, session }));

async function frameWith(theme: import('../../source/ui/theme.js').Theme): Promise<string> {
  const { press, keys, waitForFrame } = m.ink;
  const ui = renderScreenWithTheme(m, m.screen.createTicketingScreen({ session, integrationName: 'demo' }), 'ticketing', theme, { columns: 160, rows: 20 });
  await waitForFrame(ui, (f) => f.includes('Active in Autotask:'), 10_000);
  // Critical status; mark the first two rows, switch them on (o acts on the marked rows), due column chosen.
  await press(ui.stdin, ']', ']', ']', keys.space, keys.down, keys.space, 'o', keys.right, keys.right, keys.right);
  const frame = ui.lastFrame();
  ui.unmount();
  return frame;
}

it('chooses the no-colour theme under NO_COLOR, and the frame says everything without colour', async () => {
  const plain = await expectSameTextWithoutColour(m, frameWith);
  expect(plain).toContain('Ticketing of “demo” → Autotask · 2 unsaved changes · 1 problem');
  expect(plain).toMatch(/^› Critical status \* ! +│/m);
  expect(plain).toMatch(/│ {2}\[x\] \* Device is unmanaged +on +Monitoring Alert +Critical +12$/m);
  expect(plain).toMatch(/│› \[x\] \* Real-time protection is not running +on +Monitoring Alert +Critical +\[12\]$/m);
  expect(plain).toMatch(/Databases are out of date +on +— choose ! +Critical +12$/m);
  expect(plain).toMatchSnapshot('NO_COLOR frame');
});
