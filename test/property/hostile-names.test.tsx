// Vendor names holding what drives a terminal — colour and cursor codes, an OSC window title,
// an OSC 8 hyperlink, CR, BEL, Backspace, C1 controls (U+009B is CSI), bidi overrides,
// zero-width characters — served by the simulators (tenants renamed through the platform
// simulator, accounts through the PSA's) and shown by the whole console at 80×24 and 120×35:
// the frame holds none of them, keeps its height and no line is wider than the terminal.
import { createElement } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ConsoleRoot } from '../../source/ui/console-root.js';
import { displayWidth } from '../../source/ui/text.js';
import { useDemoConsole } from '../helpers/demo-ui.js';
import { frameLines, press, renderUi, waitForFrame } from '../helpers/ink.js';
import { frameIsClean, HOSTILE_NAMES } from './hostile.js';

const demoConsole = useDemoConsole('kmsp-hostile-names-');

/** The Billing column of every row starts at the cell where its header does. */
function expectAlignedBilling(frame: string): void {
  const lines = frameLines(frame);
  const header = lines.find((l) => /Billing {2}Contract/u.test(l))!;
  const column = displayWidth(header.slice(0, header.indexOf('Billing')));
  const rows = lines.filter((l) => / (?:off|on) {2,}\S.*$/u.test(l) && l !== header);
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) {
    const at = / (off|on) {2,}\S[^]*$/u.exec(row)!.index + 1;
    expect(displayWidth(row.slice(0, at)), row).toBe(column);
  }
}

describe('vendor names with escape codes on the console', () => {
  for (const size of [
    { columns: 80, rows: 24 },
    { columns: 120, rows: 35 },
  ]) {
    it(`Accounts at ${size.columns}×${size.rows}: tenant and account names are shown without their codes, the frame intact`, async () => {
      const { demo } = demoConsole;
      const session = demoConsole.openSession(demoConsole.freshDir());
      const tenants = await session.tenants('demo');
      const render = () => renderUi(createElement(ConsoleRoot, { session, initialIntegration: 'demo', initialTab: 'accounts', noticeTimeoutMs: 0, onExit: vi.fn() }), size);
      const loaded = (f: string) => / of \d+/u.test(f) && !/ 0 of 0/u.test(f) && !f.includes('finding suggestions…') && !f.includes('Loading');

      // Every tenant in the integration; the first ones mapped to accounts.
      const accounts = await session.accounts('demo');
      const rows = (names: (i: number) => string, accountNames: (i: number) => string) =>
        tenants.map((t, i) => ({
          tenantId: t.id,
          tenantName: names(i),
          accountId: i < HOSTILE_NAMES.length ? accounts[i]!.id : null,
          accountName: i < HOSTILE_NAMES.length ? accountNames(i) : null,
          billing: false,
          contractId: null,
          contractName: null,
        }));
      session.updateIntegration('demo', (i) => ({ ...i, tenants: rows((k) => tenants[k]!.name, (k) => accounts[k]!.name) }));
      const plain = render();
      const before = await waitForFrame(plain, loaded, 15_000);
      plain.unmount();

      // The first tenants and their accounts take the hostile names, in the simulators and as saved.
      const hostile = (i: number) => HOSTILE_NAMES[i] ?? tenants[i]!.name;
      tenants.slice(0, HOSTILE_NAMES.length).forEach((t, i) => demo.ksc.renameVServer(t.id, hostile(i)));
      accounts.slice(0, HOSTILE_NAMES.length).forEach((a, i) => demo.autotask.renameAccount(Number(a.id), `${hostile(i)} Ltd`));
      session.updateIntegration('demo', (i) => ({ ...i, tenants: rows(hostile, (k) => (k < HOSTILE_NAMES.length ? `${hostile(k)} Ltd` : accounts[k]!.name)) }));
      session.invalidate('demo');

      const ui = render();
      let frame = await waitForFrame(ui, loaded, 15_000);
      expect(frameIsClean(frame, size.columns, displayWidth)).toBeNull();
      expect(frameLines(frame)).toHaveLength(frameLines(before).length);
      // Paging through every row: each frame clean, its height kept, its columns aligned.
      const seen: string[] = [frame];
      for (let page = 0; page < 4; page++) {
        await press(ui.stdin, '\u001B[6~');
        frame = ui.lastFrame();
        seen.push(frame);
        expect(frameIsClean(frame, size.columns, displayWidth)).toBeNull();
        expect(frameLines(frame)).toHaveLength(frameLines(before).length);
      }
      for (const f of seen) expectAlignedBilling(f);
      // The words are there, without what was between them.
      const all = seen.join('\n');
      for (const words of ['Red Dental', 'Title Change', 'LinkClick', 'Zerowidth Joiner', 'EightBit CSI', 'Cursor Moves']) expect(all).toContain(words);
    }, 120_000);
  }
});
