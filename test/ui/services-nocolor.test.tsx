// NO_COLOR: the Services tab says everything with glyphs and words (cursor
// cell in brackets, `*` for changed rows, "incomplete", "! inactive", "not
// licensed now"). Colour is forced on for chalk before Ink loads (importWithColor:
// dynamic imports), so the colour frame really is coloured; same text either way.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoConsoleModules, expectSameTextWithoutColour, importWithColor, renderScreenWithTheme, startDemoSession, stopDemoSession, type ColorModules, type DemoSession } from '../helpers/color.js';

const modules = { ...demoConsoleModules, screen: () => import('../../source/ui/screens/services/index.js') };
let m: ColorModules<typeof modules>;
let demo: DemoSession['demo'];
let session: DemoSession['session'];
const ADVANCED = 'Kaspersky Endpoint Security for Business Advanced';
const SELECT = 'Kaspersky Endpoint Security for Business Select';

beforeAll(async () => {
  m = await importWithColor(modules);
  ({ demo, session } = await startDemoSession(m, (configDir) => {
    // Saved: by category on, Advanced partly mapped with an inactive item, an application KSC no longer lists.
    const file = path.join(configDir, 'config.json');
    const config = JSON.parse(fs.readFileSync(file, 'utf8')) as { integrations: Array<{ billing: unknown }> };
    const none = { single: null, workstation: null, server: null, nonWindows: null };
    config.integrations[0]!.billing = {
      byCategory: true,
      applications: [
        { applicationId: ADVANCED, applicationName: ADVANCED, ...none, workstation: { value: '29684611', label: 'Kaspersky Anti-Virus for Workstations (legacy)' } },
        { applicationId: 'Kaspersky Anti-Virus 6.0', applicationName: 'Kaspersky Anti-Virus 6.0', ...none, workstation: { value: '29684607', label: 'Kaspersky Security for Windows Server' } },
      ],
    };
    fs.writeFileSync(file, JSON.stringify(config, null, 2));
  }));
});

afterAll(() => stopDemoSession(m, { demo, session }));

async function frameWith(theme: import('../../source/ui/theme.js').Theme, size: { columns: number; rows: number } = { columns: 200, rows: 22 }): Promise<string> {
  const { press, keys, waitForFrame } = m.ink;
  const ui = renderScreenWithTheme(m, m.screen.createServicesScreen({ session, integrationName: 'demo' }), 'services', theme, size);
  await waitForFrame(ui, (f) => f.includes('active Autotask services') && f.includes('applications in KSC'), 10_000);
  // Select: choose its workstation item (an unsaved change), then back to Advanced.
  await press(ui.stdin, keys.down, keys.down, keys.enter);
  await waitForFrame(ui, (f) => f.includes('Autotask service for'));
  await m.ink.type(ui.stdin, 'select – work');
  await press(ui.stdin, keys.enter, keys.up);
  await waitForFrame(ui, (f) => !f.includes('Autotask service for'));
  const frame = ui.lastFrame();
  ui.unmount();
  return frame;
}

it('chooses the no-colour theme under NO_COLOR, and the frame says everything without colour', async () => {
  const plain = await expectSameTextWithoutColour(m, frameWith);
  expect(plain).toContain('Bill devices by category: on (t) · 1 unsaved change · 4 problems');
  expect(plain).toMatch(/^› {3}Kaspersky Endpoint Security for Business Advanced +\[! inactive: Kaspersky Anti-V.* +— +— +incomplete \(1 of 3\) · ! ch/m);
  expect(plain).toMatch(/^ {2}\* Kaspersky Endpoint Security for Business Select +KESB Select – Workstation +— +— +incomplete \(1 of 3\)$/m);
  expect(plain).toMatch(/^ {4}Kaspersky Anti-Virus 6\.0 +Kaspersky Security for Win.* +— +— +incomplete \(1 of 3\) · no/m);
  expect(plain).toMatchSnapshot('NO_COLOR frame');
});

// At 80×24 without colour the application names all start "Kaspersky Endpoint Secur…": the names
// lose the prefix they share and are cut in the middle, so every row is told apart by its words.
it('NO_COLOR at 80×24: every application row is told apart (shared prefix dropped, names cut in the middle)', async () => {
  const plain = await frameWith(m.theme.chooseTheme({ NO_COLOR: '1' }, { isTTY: true }), { columns: 80, rows: 24 });
  const rows = m.ink.frameLines(plain).filter((l) => /^(›| ) [ *] \S/.test(l) && !l.includes('Application'));
  const names = rows.map((l) => l.slice(4, 34).trim());
  expect(names.length).toBeGreaterThanOrEqual(8);
  expect(new Set(names).size).toBe(names.length);
  expect(plain).toContain('Application (Kaspersky …)');
  expect(plain).toMatch(/^› {3}Endpoint … Business Advanced +\[! inactive/m);
  expect(plain).toMatch(/^ {2}\* Endpoint … for Business Select +KESB Select/m);
  expect(plain).not.toContain('Kaspersky Endpoint Secur…');
});
