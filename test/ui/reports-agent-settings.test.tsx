// Reports › Agent: the agent settings block and its form (e) over the demo configuration —
// the time zone picker filtered by typing, the schedule checked as it is typed with its next
// runs and the DST warning, Ctrl-S saving only agent.* (audited), Esc cancelling. The setup is
// the one of reports-agent.test.tsx (test/helpers/demo-ui.ts). Colour is off in tests: everything asserted is words and glyphs.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { frameLines, keys, press, type, waitForFrame, type RenderedUi } from '../helpers/ink.js';
import { openAgentReport, renderDemoReports, useDemoConsole } from '../helpers/demo-ui.js';

const demoConsole = useDemoConsole('kmsp-agent-settings-', { restoreMocks: true });

function freshDir(): string {
  const dir = demoConsole.freshDir();
  // A known starting point whatever zone the demo took from this host.
  const file = path.join(dir, 'config.json');
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as { agent: Record<string, unknown> };
  config.agent = { ...config.agent, timeZone: 'UTC', billingSchedule: '0 4 * * *', ticketPollSeconds: 60, ticketsPerAccountPerHour: 20 };
  fs.writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
  return dir;
}

function open(dir: string, size: { columns?: number; rows?: number } = {}) {
  const session = demoConsole.openSession(dir, { actor: 'tester (console)' });
  return { ui: renderDemoReports(session, size), session };
}

const agentOf = (dir: string) => (JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as { agent: Record<string, unknown> }).agent;
const lineWith = (frame: string, text: string) => frameLines(frame).find((l) => l.includes(text)) ?? '';
/** Clear the focused text field (Ctrl-U: delete to the start of the line, as in readline). */
const clear = (ui: RenderedUi) => press(ui.stdin, keys.end, keys.ctrlU);

describe('Reports › Agent › settings', () => {
  it('shows the settings; e edits zone and schedule with live checks and a preview; Ctrl-S saves agent.* only, audited', async () => {
    const dir = freshDir();
    const { ui, session } = open(dir);
    const report = await openAgentReport(ui);
    expect(report).toContain('Agent settings (e edits): time zone UTC · billing “0 4 * * *” · tickets polled every 1 min');
    expect(report).toContain('at most 20 new tickets per account per hour');
    // The footer and the ? help come from the key registry.
    expect(frameLines(report).at(-1)).toContain('settings');

    await press(ui.stdin, 'e');
    let form = await waitForFrame(ui, (f) => f.includes('Time zone') && f.includes('Billing schedule') && f.includes('Tickets per account/hour'));
    expect(form).toContain('Saved to the config at once (agent.*)');
    expect(lineWith(form, 'Time zone')).toMatch(/› Time zone\s+UTC ▾/u);
    expect(form).toMatch(/Next runs \(UTC\): \w{3} \d{4}-\d\d-\d\d 04:00 · /u);

    // The picker: typing filters the IANA list (searched by offset too).
    await press(ui.stdin, keys.enter);
    await waitForFrame(ui, (f) => f.includes('Search:') && f.includes('time zones'));
    await type(ui.stdin, 'london');
    const picker = await waitForFrame(ui, (f) => f.includes('1 of '));
    expect(picker).toMatch(/› Europe\/London\s+UTC[+-]\d\d:\d\d/u);
    await press(ui.stdin, keys.enter);
    form = await waitForFrame(ui, (f) => !f.includes('Search:') && f.includes('Europe/London ▾'));
    // Changed fields are marked with a glyph, not only a colour.
    expect(lineWith(form, 'Time zone')).toMatch(/Time zone\s*\*/u);
    expect(form).toMatch(/Next runs \(Europe\/London\): \w{3} \d{4}-\d\d-\d\d 04:00/u);

    // The schedule, checked as it is typed.
    await press(ui.stdin, keys.tab);
    await clear(ui);
    await type(ui.stdin, '0 25');
    form = await waitForFrame(ui, (f) => f.includes('! Billing schedule “0 25” has 2 fields'));
    expect(form).toContain('In each field “*” means every');
    await type(ui.stdin, ' * * *');
    await waitForFrame(ui, (f) => f.includes('! Billing schedule “0 25 * * *” is not a valid'));
    // Ctrl-S is refused while a field has a problem: nothing is written.
    await press(ui.stdin, '\u0013');
    expect(agentOf(dir).timeZone).toBe('UTC');
    await clear(ui);
    await type(ui.stdin, '30 2 * * *');
    form = await waitForFrame(ui, (f) => f.includes('Next runs (Europe/London)') && f.includes('02:30'));
    expect(form).not.toContain('! Billing');
    expect(form).toContain('Warning: Runs in 00:00–04:00, when Europe/London');

    await press(ui.stdin, keys.tab);
    await clear(ui);
    await type(ui.stdin, '120');
    await waitForFrame(ui, (f) => f.includes('Tickets polled every 2 min.'));
    await press(ui.stdin, '\u0013');
    const saved = await waitForFrame(ui, (f) => f.includes('Saved time zone, billing schedule, ticket poll.'));
    expect(saved).not.toContain('Tickets per account/hour');
    expect(saved).toContain('No agent runs now; it uses them when it starts.');
    expect(agentOf(dir)).toMatchObject({ timeZone: 'Europe/London', billingSchedule: '30 2 * * *', ticketPollSeconds: 120, ticketsPerAccountPerHour: 20, paused: false });
    expect(session.ledger.listConfigAudit({ limit: 1 })[0]).toMatchObject({
      actor: 'tester (console)',
      summary: 'agent.timeZone: "UTC" → "Europe/London"; agent.billingSchedule: "0 4 * * *" → "30 2 * * *"; agent.ticketPollSeconds: 60 → 120 (Reports › Agent: agent settings)',
    });
    await waitForFrame(ui, (f) => f.includes('Agent settings (e edits): time zone Europe/London · billing “30 2 * * *”') && f.includes('tickets polled every 2 min'));
  });

  it('Esc cancels: a bad value typed is refused inline and nothing is written', async () => {
    const dir = freshDir();
    const before = fs.readFileSync(path.join(dir, 'config.json'), 'utf8');
    const { ui } = open(dir);
    await openAgentReport(ui);
    await press(ui.stdin, 'e');
    await waitForFrame(ui, (f) => f.includes('Tickets per account/hour'));
    await press(ui.stdin, keys.tab, keys.tab);
    await clear(ui);
    await type(ui.stdin, '5');
    const form = await waitForFrame(ui, (f) => f.includes('! Ticket poll interval 5 s is out of range'));
    expect(form).toContain('Use a whole number of seconds from 10 to');
    await press(ui.stdin, keys.escape);
    await waitForFrame(ui, (f) => !f.includes('Tickets per account/hour') && f.includes('The agent (kmsp agent)'));
    expect(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).toBe(before);
  });

  it('fits 80×24 with the form open, and ? lists the key', async () => {
    const dir = freshDir();
    const { ui } = open(dir, { columns: 80, rows: 24 });
    const report = await openAgentReport(ui);
    expect(report).toContain('Agent settings (e edits)');
    expect(frameLines(report).length).toBeLessThan(24);
    await press(ui.stdin, '?');
    await waitForFrame(ui, (f) => f.includes('Keys: Reports'));
    // The help scrolls on a small terminal: the Agent group comes after the tables' keys.
    await press(ui.stdin, keys.pageDown, keys.pageDown);
    await waitForFrame(ui, (f) => f.includes('Edit the agent settings'));
    await press(ui.stdin, keys.escape);
    await waitForFrame(ui, (f) => !f.includes('Edit the agent settings'));
    await press(ui.stdin, 'e', keys.tab);
    await clear(ui);
    await type(ui.stdin, '30 2 * * *');
    const form = await waitForFrame(ui, (f) => f.includes('Warning: Runs in') || f.includes('Next runs (UTC)'));
    expect(frameLines(form).length).toBeLessThan(24);
    for (const line of frameLines(form)) expect(line.length).toBeLessThanOrEqual(80);
  });
});
