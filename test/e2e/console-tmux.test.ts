// The built binary in a real pseudo-terminal (tmux): start,
// map a tenant by keys, save, quit — and the config holds the mapping. Also a
// small terminal without colour: markers visible, frame within the screen.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type DemoEnvironment } from '../../source/demo/environment.js';
import type { KmspConfig } from '../../source/domain/config.js';
import { startInTmux, tmuxAvailable, type TmuxTerminal } from '../helpers/tmux.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the console in a real terminal (tmux)', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'kmsp-tmux-'));
  const configDir = path.join(work, 'config');
  let demo: DemoEnvironment;
  const terminals: TmuxTerminal[] = [];

  beforeAll(async () => {
    // tmux is part of the test environment (.ci/run installs it); without it this test must fail, not pass silently.
    expect(tmuxAvailable(), 'tmux is required for the console end-to-end test (apt-get install tmux)').toBe(true);
    demo = await startDemo({ configDir });
  });

  afterAll(async () => {
    for (const t of terminals) t.kill();
    await demo?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('maps a tenant by keys, saves, quits; the config and Autotask hold the mapping', async () => {
    const term = startInTmux(`kmsp-e2e-map-${process.pid}`, ['--config', configDir], { columns: 120, rows: 36 });
    terminals.push(term);
    await term.waitFor('No virtual servers in this integration yet');
    await term.waitFor('25 virtual servers in KSC'); // loaded: the checklist can offer them
    term.send(['a']);
    await term.waitFor('Add / remove virtual servers');
    term.send(['Space', 'Enter']); // check the first virtual server (Acme & Sons) and apply
    await term.waitFor(/Acme & Sons/);
    await term.waitFor(/Suggestion .*Acme and Sons Ltd/);
    term.send(['s']);
    await term.waitFor(/Acme & Sons\s+Acme and Sons Ltd/);
    term.send(['C-s']);
    await term.waitFor(/Saved 1 mapping/);
    term.send(['q']);
    for (let i = 0; i < 50 && term.alive(); i++) await pause(100);
    expect(term.alive()).toBe(false);

    const config = JSON.parse(readFileSync(path.join(configDir, 'config.json'), 'utf8')) as KmspConfig;
    const tenants = config.integrations[0]!.tenants;
    expect(tenants.map((t) => [t.tenantName, t.accountName])).toEqual([['Acme & Sons', 'Acme and Sons Ltd']]);
    const company = demo.autotask.state.companies.find((c) => c.companyName === 'Acme and Sons Ltd');
    const udfs = (company as { userDefinedFields?: Array<{ name: string; value: string | null }> } | undefined)?.userDefinedFields ?? [];
    expect(udfs.find((u) => u.name === 'Kaspersky Tenant')?.value).toBe('Acme & Sons');
  });

  it('on a small terminal without colour, the cursor and markers are glyphs and the frame fits', async () => {
    const term = startInTmux(`kmsp-e2e-small-${process.pid}`, ['--config', configDir], { columns: 80, rows: 24, env: { NO_COLOR: '1' } });
    terminals.push(term);
    const screen = await term.waitFor(/Acme & Sons/);
    const lines = screen.split('\n');
    expect(lines.length).toBeLessThanOrEqual(25); // capture-pane ends with a newline
    expect(screen).toMatch(/›\s+Acme & Sons/);
    expect(screen).not.toMatch(/\u001b\[/);
    term.send(['u']); // unmap: the row becomes changed
    await term.waitFor(/›? ?\*\s+(\?\s+)?Acme & Sons/); // changed marker; the suggestion marker may appear once recomputed
    term.send(['q']);
    await term.waitFor(/Discard|unsaved/i);
    term.send(['y']);
    for (let i = 0; i < 50 && term.alive(); i++) await pause(100);
    expect(term.alive()).toBe(false);
  });

  it('takes every key of one write (as SSH sends them): two Backspaces delete two characters of the filter', async () => {
    const term = startInTmux(`kmsp-e2e-chunk-${process.pid}`, ['demo'], { columns: 80, rows: 24 });
    terminals.push(term);
    await term.waitFor(/25 virtual servers in KSC/);
    term.send(['/acmex'], true);
    await term.waitFor('No rows match "acmex".');
    term.send(['BSpace', 'BSpace']); // one send-keys: one write of "\x7f\x7f"
    let screen = await term.waitFor('/acm▏');
    expect(screen).toMatch(/Acme & Sons/);
    term.send(['e', 'x', 'x', 'BSpace', 'BSpace', 'Enter']); // letters, Backspaces and Enter in one write
    screen = await term.waitFor(/\/acme\s.*1–1 of 1/);
    expect(screen).not.toContain('▏');
    // Esc and q apart: in one write, ESC followed by a letter is Alt+letter to every terminal program.
    term.send(['Escape']);
    await term.waitFor('1–13 of 25');
    term.send(['q']);
    for (let i = 0; i < 50 && term.alive(); i++) await pause(100);
    expect(term.alive()).toBe(false);
  });

  it('kmsp demo (what npm start runs) opens the Accounts tab on the demo virtual servers, and q stops it', async () => {
    const term = startInTmux(`kmsp-e2e-demo-${process.pid}`, ['demo'], { columns: 120, rows: 36 });
    terminals.push(term);
    const screen = await term.waitFor(/25 virtual servers in KSC · 40 Autotask accounts/);
    expect(screen).toMatch(/\[2 Accounts\]/);
    expect(screen).toMatch(/Acme & Sons/);
    expect(screen).toMatch(/1–\d+ of 25/);
    term.send(['q']);
    for (let i = 0; i < 50 && term.alive(); i++) await pause(100);
    expect(term.alive()).toBe(false);
  });
});
