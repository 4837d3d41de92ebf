// Reports › Agent › settings on the demo console at 80×24: a hostile paste (control characters,
// escape sequences, 10,000 characters) or an odd schedule typed into the billing schedule, the
// ticket poll or the ticket rate, then Ctrl-S. The form shows a problem or saves a valid value;
// the frame stays clean; the config file on disk always holds valid agent settings.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agentSettingsProblems } from '../../source/domain/agentSettings.js';
import { inspectConfigFile } from '../../source/store/config.js';
import { displayWidth } from '../../source/ui/text.js';
import { openAgentReport, renderDemoReports, useDemoConsole } from '../helpers/demo-ui.js';
import { keys, press, tick, waitForFrame } from '../helpers/ink.js';
import { frameIsClean, pastedText, RUNS } from './hostile.js';

const demoConsole = useDemoConsole('kmsp-hostile-agent-', { restoreMocks: true });

const typed = fc.oneof(
  { weight: 2, arbitrary: pastedText },
  { weight: 1, arbitrary: fc.constantFrom('*/0 * * * *', '0 0 31 2 *', '30 2 * * *', '0 4 * * * *', '0-4000000000 * * * *', '٤ ٤ * * *', '0 0 L * *', '15', '10', '0', '-5', '99999999999', '1e3', '６０', '60 ') },
);

describe('agent settings form under hostile input', () => {
  it('every paste ends in a problem shown or a valid value saved; the file always holds valid settings', async () => {
    const dir = demoConsole.freshDir();
    const file = path.join(dir, 'config.json');
    const session = demoConsole.openSession(dir, { actor: 'tester (console)' });
    const size = { columns: 80, rows: 24 };
    const ui = renderDemoReports(session, size);
    await openAgentReport(ui);
    let saves = 0;
    await fc.assert(
      // The field: 0 the billing schedule, 1 the ticket poll, 2 the ticket rate (Tab from the time zone).
      fc.asyncProperty(fc.constantFrom(0, 1, 2), typed, async (field, paste) => {
        await press(ui.stdin, 'e');
        await waitForFrame(ui, (f) => f.includes('Tickets per account/hour'), 10_000);
        await press(ui.stdin, ...Array.from({ length: field + 1 }, () => keys.tab), keys.end, keys.ctrlU);
        ui.stdin.write(paste);
        await tick();
        await ui.stdin.settle!();
        const before = fs.readFileSync(file);
        await waitForFrame(ui, (f) => frameIsClean(f, size.columns, displayWidth) === null, 60_000).catch(() => undefined);
        expect(frameIsClean(ui.lastFrame(), size.columns, displayWidth)).toBeNull();
        await press(ui.stdin, '\u0013');
        const after = await waitForFrame(ui, (f) => f.includes('Saved ') || f.includes('! ') || !f.includes('Tickets per account/hour') || f.includes('Nothing changed'), 10_000);
        expect(frameIsClean(after, size.columns, displayWidth)).toBeNull();
        const state = inspectConfigFile(file);
        expect(state.state).toBe('ok');
        if (state.state === 'ok') expect(agentSettingsProblems(state.config.agent)).toEqual({});
        if (!fs.readFileSync(file).equals(before)) saves++;
        // Back to the report, the form closed either way.
        await press(ui.stdin, keys.escape);
        await waitForFrame(ui, (f) => !f.includes('Tickets per account/hour') && f.includes('Agent settings (e edits)'), 10_000);
      }),
      { ...RUNS, numRuns: 15 },
    );
    expect(saves).toBeGreaterThan(0);
  }, 300_000);
});
