// The built console in a real terminal (tmux on a server of its own, 80×24): virtual servers
// named with escape codes (one sets the window title) listed in the add/remove checklist, and
// 10,000 characters pasted into its filter in one go. The screen keeps 24 lines of at most 80
// cells, the pane's title is untouched, and the filter still takes keys afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type DemoEnvironment } from '../../source/demo/environment.js';
import { platformSimulator } from '../../source/simulators/registry.js';
import { displayWidth } from '../../source/ui/text.js';
import { startInTmux, tmuxAvailable, type TmuxTerminal } from '../helpers/tmux.js';
import { HOSTILE_NAMES, INVISIBLE_OR_BIDI, TERMINAL_CONTROL } from './hostile.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function expectIntact(screen: string): void {
  const lines = screen.replace(/\n$/u, '').split('\n');
  expect(lines.length).toBeLessThanOrEqual(24);
  for (const line of lines) {
    expect(displayWidth(line), line).toBeLessThanOrEqual(80);
    expect(line).not.toMatch(TERMINAL_CONTROL);
    expect(line).not.toMatch(INVISIBLE_OR_BIDI);
  }
}

describe('hostile names and a 10,000-character paste in a real terminal', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'kmsp-hostile-tmux-'));
  const configDir = path.join(work, 'config');
  let demo: DemoEnvironment;
  const terminals: TmuxTerminal[] = [];

  beforeAll(async () => {
    expect(tmuxAvailable(), 'tmux is required for this end-to-end test (apt-get install tmux)').toBe(true);
    demo = await startDemo({ configDir });
    const ids = platformSimulator(demo.platformKind).tenants(demo.platform).map((t) => t.id);
    HOSTILE_NAMES.forEach((name, i) => demo.ksc.renameVServer(ids[i]!, name));
  });

  afterAll(async () => {
    for (const t of terminals) t.kill();
    await demo?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('80×24: the checklist shows the names without their codes; a 10,000-character paste leaves the screen intact', async () => {
    const term = startInTmux(`kmsp-hostile-${process.pid}`, ['--config', configDir], { columns: 80, rows: 24, socket: 'hostile', env: { NO_COLOR: '1' } });
    terminals.push(term);
    const titleBefore = term.title();
    await term.waitFor('25 virtual servers in KSC', 30_000);
    term.send(['a']);
    let screen = await term.waitFor('Add / remove virtual servers');
    screen = await term.waitFor(/Red Dental|Title Change|Cursor Moves/u);
    expectIntact(screen);
    expect(term.title()).toBe(titleBefore);

    term.send(['/']);
    await term.waitFor('▏');
    // No raw ESC: the terminal hands a paste over in pieces, and an ESC at the end of one is the
    // Esc key (as in every terminal program without bracketed paste).
    const piece = 'ab東\u009B31m\u202Ex\u200B👍\u2066é ';
    const paste = piece.repeat(Math.ceil(10_000 / piece.length)).slice(0, 10_000);
    term.paste(paste);
    // Settled: the same screen twice in a row.
    let last = '';
    for (let i = 0; i < 600; i++) {
      await pause(100);
      const now = term.screen();
      if (now === last && now.includes('▏')) break;
      last = now;
    }
    expectIntact(term.screen());
    expect(term.title()).toBe(titleBefore);

    term.send(['C-u']);
    term.send(['ok'], true);
    screen = await term.waitFor('/ok▏', 60_000);
    expectIntact(screen);
    term.send(['Escape']);
    term.send(['Escape']);
    await term.waitFor('25 virtual servers in KSC');
    term.send(['q']);
    for (let i = 0; i < 100 && term.alive(); i++) await pause(100);
    expect(term.alive()).toBe(false);
  }, 180_000);
});
