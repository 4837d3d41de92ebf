// Ticketing tab (README › The console, Ticketing) against the demo's KSC and Autotask simulators.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { TicketingSettings } from '../../source/domain/config.js';
import { ConsoleApp } from '../../source/ui/app.js';
import { createTicketingScreen } from '../../source/ui/screens/ticketing/index.js';
import { frameLines, keys, press, renderUi, type, waitForFrame, type RenderedUi } from '../helpers/ink.js';
import { useDemoConsole } from '../helpers/demo-ui.js';

const { freshDir, openSession } = useDemoConsole('kmsp-ticketing-');

export function readTicketing(dir: string): TicketingSettings {
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as { integrations: Array<{ name: string; ticketing: TicketingSettings }> };
  return config.integrations.find((i) => i.name === 'demo')!.ticketing;
}

export function writeTicketing(dir: string, update: (t: TicketingSettings) => void): void {
  const file = path.join(dir, 'config.json');
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as { integrations: Array<{ name: string; ticketing: TicketingSettings }> };
  update(config.integrations.find((i) => i.name === 'demo')!.ticketing);
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
}

function open(options: { dir?: string; columns?: number; rows?: number } = {}) {
  const dir = options.dir ?? freshDir();
  const session = openSession(dir);
  const ui = renderUi(<ConsoleApp integrationName="demo" screens={[createTicketingScreen({ session, integrationName: 'demo' })]} initialTab="ticketing" noticeTimeoutMs={0} onExit={vi.fn()} />, {
    columns: options.columns ?? 160,
    rows: options.rows ?? 34,
  });
  return { ui, session, dir };
}

const loaded = (ui: RenderedUi) => waitForFrame(ui, (f) => f.includes('Active in Autotask:'), 8000);
const line = (frame: string, text: string) => frameLines(frame).find((l) => l.includes(text)) ?? '';

const CTRL_S = '\u0013';
/** Focus the settings of a section: ] from General moves to Events, then Warning status, Critical status. */
async function toSection(ui: RenderedUi, n: number) {
  for (let i = 0; i < n; i++) await press(ui.stdin, ']');
}
/** Enter on the chosen number cell: replace the value in the input and confirm. */
async function setNumber(ui: RenderedUi, value: string) {
  await press(ui.stdin, keys.enter);
  await waitForFrame(ui, (f) => f.includes(' — '));
  await press(ui.stdin, ...Array.from({ length: 6 }, () => keys.backspace));
  await type(ui.stdin, value);
  await press(ui.stdin, keys.enter);
}
const rowOf = (frame: string, text: string) => (text === '  Warning  ' ? frameLines(frame).find((l) => /\bWarning +\[?(on|off)/.test(l)) ?? '' : line(frame, text));

describe('Ticketing tab', () => {
  it('shows every default (README › Defaults), section by section', async () => {
    const { ui } = open();
    let frame = await loaded(ui);
    expect(rowOf(frame, 'Ticket source')).toMatch(/Ticket source +\(none\) +optional/);
    expect(rowOf(frame, 'New ticket status')).toMatch(/New ticket status +New +required/);
    expect(rowOf(frame, 'Closed ticket status')).toMatch(/Closed ticket status +Complete +required/);
    expect(frame).toMatchSnapshot('General');

    await toSection(ui, 1);
    frame = ui.lastFrame();
    expect(frame).toMatch(/Event severity +›Create ticket +Lifetime \(days\) +Queue +Priority +Due \(hours\)/);
    expect(rowOf(frame, 'Critical ')).toMatch(/Critical +\[off\] +1 +Monitoring Alert +Critical +12$/);
    expect(rowOf(frame, 'Functional failure')).toMatch(/Functional failure +off +1 +Monitoring Alert +Medium +12$/);
    expect(rowOf(frame, '  Warning  ')).toMatch(/Warning +off +1 +Monitoring Alert +Medium +12$/);
    expect(frame).toMatchSnapshot('Events');

    await toSection(ui, 1);
    frame = ui.lastFrame();
    expect(frame).toMatch(/Status description +›Create ticket +Queue +Priority +Due \(hours\)/);
    expect(frame).not.toContain('Lifetime');
    for (const d of ['Databases are out of date', 'Real-time protection is not running', 'Many viruses detected']) {
      expect(rowOf(frame, d)).toMatch(/ off\]? +Monitoring Alert +Medium +24$/);
    }
    expect(frame).toContain('1–20 of 20');
    expect(frame).toMatchSnapshot('Warning status');

    await toSection(ui, 1);
    frame = ui.lastFrame();
    for (const d of ['Databases are out of date', 'Real-time protection is not running', 'Many viruses detected']) {
      expect(rowOf(frame, d)).toMatch(/ off\]? +Monitoring Alert +Critical +12$/);
    }
    expect(frame).toMatchSnapshot('Critical status');
  });

  it('r loads the ticketing settings another console saved meanwhile, keeping this tab\'s unsaved edit', async () => {
    const { ui, dir } = open();
    await loaded(ui);
    await toSection(ui, 1);
    await press(ui.stdin, 'o'); // Events › Critical on, not saved
    expect(rowOf(ui.lastFrame(), 'Critical ')).toMatch(/\* +Critical +\[on\]/);
    // Another console switches Warning events on and saves.
    const other = openSession(dir);
    other.updateIntegration('demo', (i) => ({
      ...i,
      ticketing: { ...i.ticketing, sections: { ...i.ticketing.sections, events: i.ticketing.sections.events!.map((e) => (e.key === 'warning' ? { ...e, dueHours: 48 } : e)) } },
    }));
    await press(ui.stdin, 'r');
    const frame = await waitForFrame(ui, (f) => f.includes('Loaded the ticketing settings saved by another console'));
    expect(rowOf(frame, '  Warning  ')).toMatch(/\[ \] {3}Warning +off +1 +.* 48$/);
    expect(rowOf(frame, 'Critical ')).toMatch(/\* +Critical +\[on\]/);
    expect(frame).toContain('1 unsaved change');
  });

  it('at 120 columns the status descriptions take the free width (short column titles), and every column of Events stays', async () => {
    const { ui } = open({ columns: 120, rows: 35 });
    await loaded(ui);
    await toSection(ui, 1);
    let frame = ui.lastFrame();
    expect(frame).toMatch(/Event severity +›Ticket +Days +Queue +Priority +Due \(h\)/);
    await toSection(ui, 1);
    frame = ui.lastFrame();
    expect(frame).toContain('Real-time protection is not running ');
    expect(frame).toContain('Security application is not running ');
    expect(frame).not.toMatch(/is…/);
    // Longer than the column: cut in the middle, the end that tells them apart stays.
    expect(frame).toMatch(/Real-time … [a-z ]*by the administrator /);
  });

  it('at 80×24 every column the cursor reaches is shown: the columns scroll sideways, « » say more are hidden, the name stays', async () => {
    const { ui } = open({ columns: 80, rows: 24 });
    // General has no column cursor (← goes back to the sections): its three columns fit.
    expect(line(await loaded(ui), 'Setting')).toMatch(/Setting +Value +Note$/);
    await toSection(ui, 1);
    const header = (frame: string) => line(frame, 'Event severity');
    let frame = ui.lastFrame();
    expect(header(frame)).toMatch(/Event severity +›Ticket +Days +»$/);
    expect(frame).toMatchSnapshot('Events at 80×24');
    // Each → shows the cursor's column, bracketed in the cursor row, beside the pinned name.
    const expected: Array<[RegExp, RegExp]> = [
      [/›Days/, /Critical +off +\[1\]/],
      [/›Queue/, /Critical +.*\[Monitoring Alert\]/],
      [/›Priority/, /Critical +\[Critical\] +12/],
      [/« +Priority +›Due \(h\)$/, /Critical +Critical +\[12\]$/],
    ];
    for (const [head, row] of expected) {
      await press(ui.stdin, keys.right);
      frame = ui.lastFrame();
      expect(header(frame)).toMatch(head);
      expect(rowOf(frame, 'Critical ')).toMatch(row);
      for (const l of frameLines(frame)) expect(l.length).toBeLessThanOrEqual(80);
    }
    expect(frame).toMatchSnapshot('Events at 80×24, cursor on Due');
    // Enter edits the column the admin sees.
    await setNumber(ui, '48');
    expect(rowOf(ui.lastFrame(), 'Critical ')).toMatch(/\* +Critical +Critical +\[48\]$/);
    // Back to the first column: the window follows to the left.
    await press(ui.stdin, keys.left, keys.left, keys.left, keys.left);
    expect(header(ui.lastFrame())).toMatch(/Event severity +›Ticket +Days +»$/);

    // Status descriptions: whole where the window leaves room, else cut in the middle by words.
    await toSection(ui, 1);
    frame = ui.lastFrame();
    expect(line(frame, 'Status description')).toMatch(/Status description +›Ticket +»$/);
    expect(frame).toContain('Real-time protection is not running ');
    expect(frame).toContain('Security application is not running ');
    expect(frame).toMatchSnapshot('Warning status at 80×24');
    await press(ui.stdin, keys.right);
    frame = ui.lastFrame();
    expect(line(frame, 'Status description')).toMatch(/Status description +« ›Queue +»$/);
    expect(frame).toContain('Real-time … not running ');
    expect(frame).not.toMatch(/[A-Za-z]… /); // never "Real-tim… not running"
  });

  it('at 120×35 every column shows and the descriptions take the free width', async () => {
    const { ui } = open({ columns: 120, rows: 35 });
    await loaded(ui);
    await toSection(ui, 1);
    let frame = ui.lastFrame();
    expect(frame).not.toMatch(/[«»]/);
    expect(frame).toMatchSnapshot('Events at 120×35');
    await toSection(ui, 1);
    frame = ui.lastFrame();
    expect(line(frame, 'Status description')).toMatch(/Status description +›Ticket +Queue +Priority +Due \(h\)$/);
    // The queue and priority columns are as wide as their values: the rest went to the descriptions.
    expect(frame).toContain('Security application is not installed ');
    expect(frame).toContain('Incompatible applications are installed ');
    expect(frame).toMatchSnapshot('Warning status at 120×35');
  });

  it('offers only active queues (not "Legacy Helpdesk"), searchable', async () => {
    const { ui } = open({ rows: 40 });
    await loaded(ui);
    await toSection(ui, 1);
    await press(ui.stdin, keys.right, keys.right); // Create ticket → Lifetime → Queue
    expect(ui.lastFrame()).toMatch(/›Queue/);
    await press(ui.stdin, keys.enter);
    let frame = await waitForFrame(ui, (f) => f.includes('Queue for Critical'));
    for (const q of ['Client Portal', 'Post Sale', 'Level I Support', 'Level II Support', 'Monitoring Alert', 'Security Operations']) expect(frame).toContain(q);
    expect(frame).not.toContain('Legacy Helpdesk');
    await type(ui.stdin, 'legacy');
    frame = ui.lastFrame();
    expect(frame).not.toContain('Legacy Helpdesk');
    await press(ui.stdin, keys.escape);
  });

  it('bulk edit lists issue subtypes of the chosen issue type only (active ones)', async () => {
    const { ui } = open({ rows: 40 });
    await loaded(ui);
    await toSection(ui, 2);
    await press(ui.stdin, keys.space, keys.down, keys.space, 'e');
    await waitForFrame(ui, (f) => f.includes('Edit 2 rows'));
    // Create ticket, Queue, Priority, Due, Work type, Issue type, Issue subtype
    await press(ui.stdin, keys.down, keys.down, keys.down, keys.down, keys.down, keys.down, keys.enter);
    let frame = await waitForFrame(ui, (f) => f.includes('Choose an Issue type first'));
    await press(ui.stdin, keys.up, keys.enter);
    frame = await waitForFrame(ui, (f) => f.includes('active issue type values'));
    for (const t of ['Security', 'Hardware', 'Software', 'Network']) expect(frame).toContain(t);
    await type(ui.stdin, 'hardware');
    await press(ui.stdin, keys.enter);
    await waitForFrame(ui, (f) => /Issue type +Hardware ▾/.test(f));
    await press(ui.stdin, keys.down, keys.enter);
    frame = await waitForFrame(ui, (f) => f.includes('active issue subtype values'));
    expect(frame).toContain('Workstation');
    expect(frame).toContain('Server');
    for (const other of ['Firewall', 'Malware / Virus', 'Application Error', 'Connectivity', 'Spyware (legacy)']) expect(frame).not.toContain(other);
    await press(ui.stdin, keys.escape, keys.up, keys.enter);
    await waitForFrame(ui, (f) => f.includes('active issue type values'));
    await type(ui.stdin, 'security');
    await press(ui.stdin, keys.enter, keys.down, keys.enter);
    frame = await waitForFrame(ui, (f) => f.includes('active issue subtype values'));
    for (const t of ['Firewall', 'Malware / Virus', 'Outdated Protection', 'Licensing']) expect(frame).toContain(t);
    expect(frame).not.toContain('Spyware (legacy)');
    expect(frame).not.toContain('Workstation');
    await type(ui.stdin, 'outdated');
    await press(ui.stdin, keys.enter, CTRL_S);
    await waitForFrame(ui, (f) => f.includes('Changed 2 rows'));
    await press(ui.stdin, CTRL_S);
    await waitForFrame(ui, (f) => f.includes('Saved the ticketing settings'));
  });

  it('bad numbers of switched-on rows are shown inline and block Save with a message naming each; config.json unchanged', async () => {
    const { ui, dir } = open({ columns: 200 });
    const before = fs.readFileSync(path.join(dir, 'config.json'), 'utf8');
    await loaded(ui);
    await toSection(ui, 1);
    await press(ui.stdin, 'a', 'o', keys.escape); // all three rows on, marks cleared
    await press(ui.stdin, keys.right); // Lifetime
    await setNumber(ui, '0');
    await press(ui.stdin, keys.down);
    await setNumber(ui, '366');
    await press(ui.stdin, keys.down);
    await setNumber(ui, 'abc');
    await press(ui.stdin, keys.right, keys.right, keys.right); // Due
    await setNumber(ui, '-3');
    await press(ui.stdin, keys.up);
    await setNumber(ui, '8761');
    await press(ui.stdin, keys.up);
    await setNumber(ui, '0');
    let frame = ui.lastFrame();
    expect(rowOf(frame, 'Critical ')).toMatch(/\* +Critical +on +0 ! +Monitoring Alert +Critical +\[0 !\]$/);
    expect(rowOf(frame, 'Functional failure')).toMatch(/Functional failure +on +366 ! +Monitoring Alert +Medium +8761 !$/);
    expect(rowOf(frame, '  Warning  ')).toMatch(/Warning +on +abc ! +Monitoring Alert +Medium +-3 !$/);
    expect(frame).toContain('3 unsaved changes · 6 problems');
    expect(frame).toContain('Events › Critical: Lifetime must be a whole number of days from 1 to 365.');
    expect(frame).toMatchSnapshot('inline problems');

    await press(ui.stdin, CTRL_S);
    frame = await waitForFrame(ui, (f) => f.includes('Not saved: 6 problems to fix first'));
    expect(frame).toContain(
      'Not saved: Events › Critical (Due 1–8760 hours, Lifetime 1–365 days) · Events › Functional failure (Due 1–8760 hours, Lifetime 1–365 days) · Events › Warning (Due 1–8760 hours, Lifetime 1–365 days)',
    );
    expect(frame).toContain('Cause: Events › Critical: Due must be a whole number of hours from 1 to 8760. Events › Critical: Lifetime must be');
    // Switching off would clear Critical and Functional failure, not Warning ("abc" is no number at all).
    expect(frame).toContain(
      'Remedy: Correct the values marked "!" (Enter edits a cell), or switch ticket creation off (o) for Events › Critical, Events › Functional failure (its values are kept, unused).',
    );
    await press(ui.stdin, keys.down, keys.down, keys.left, keys.left, keys.left); // Warning, Lifetime
    expect(ui.lastFrame()).toContain('Events › Warning: "abc" is not a number. Lifetime must be a whole number of days from 1 to 365.');
    expect(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).toBe(before);
  });

  it('a switched-off row keeps out-of-range values unused and saves; switched on, Save names the row, the column and the range, and offers only what works', async () => {
    const { ui, dir } = open();
    await loaded(ui);
    await toSection(ui, 1);
    await press(ui.stdin, keys.down, keys.down, keys.right); // Warning, Days
    await setNumber(ui, '9999');
    let frame = ui.lastFrame();
    expect(rowOf(frame, '  Warning  ')).toMatch(/\* +Warning +off +\[9999\] +Monitoring Alert/);
    expect(frame).not.toContain('problem');
    expect(frame).toContain('Off, so not used: switching on needs Lifetime 1–365 days.');
    await press(ui.stdin, CTRL_S);
    await waitForFrame(ui, (f) => f.includes('Saved the ticketing settings'));
    expect(readTicketing(dir).sections.events!.find((r) => r.key === 'warning')).toMatchObject({ enabled: false, lifetimeDays: 9999 });

    // Switched on, the range applies again.
    await press(ui.stdin, 'o');
    await press(ui.stdin, CTRL_S);
    frame = await waitForFrame(ui, (f) => f.includes('Not saved: 1 problem to fix first'));
    expect(rowOf(frame, '  Warning  ')).toMatch(/\* +Warning +on +\[9999 !\]/);
    expect(frame).toContain('Not saved: Events › Warning (Lifetime 1–365 days)');
    expect(frame).toContain('Cause: Events › Warning: Lifetime must be a whole number of days from 1 to 365.');
    expect(frame).toContain('Remedy: Correct the values marked "!" (Enter edits a cell), or switch ticket creation off (o) for Events › Warning (its values are kept, unused).');

    // Off again, a value that is no number still blocks (the config stores numbers), and switching off is not offered.
    await press(ui.stdin, 'o');
    await setNumber(ui, 'abc');
    await press(ui.stdin, CTRL_S);
    frame = await waitForFrame(ui, (f) => f.includes('Lifetime: a number'));
    expect(frame).toContain('Not saved: Events › Warning (Lifetime: a number)');
    expect(frame).toContain('Remedy: Correct the values marked "!" (Enter edits a cell).');
    expect(frame).not.toContain('switch ticket creation off');
    expect(readTicketing(dir).sections.events!.find((r) => r.key === 'warning')).toMatchObject({ enabled: false, lifetimeDays: 9999 });
  });

  it('an enabled row without a queue blocks Save', async () => {
    const dir = freshDir();
    writeTicketing(dir, (t) => {
      t.sections.events![0]!.fields.queue = null;
    });
    const { ui } = open({ dir });
    const before = fs.readFileSync(path.join(dir, 'config.json'), 'utf8');
    await loaded(ui);
    await toSection(ui, 1);
    expect(rowOf(ui.lastFrame(), 'Critical ')).toMatch(/Critical +\[off\] +1 +— choose +Critical +12$/);
    await press(ui.stdin, 'o');
    let frame = ui.lastFrame();
    expect(rowOf(frame, 'Critical ')).toMatch(/\* +Critical +\[on\] +1 +— choose ! +Critical +12$/);
    expect(frame).toContain('Events › Critical: choose a Queue (required when ticket creation is on).');
    await press(ui.stdin, CTRL_S);
    frame = await waitForFrame(ui, (f) => f.includes('Not saved: 1 problem to fix first'));
    expect(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).toBe(before);
    // Choosing a queue fixes it.
    await press(ui.stdin, keys.right, keys.right, keys.enter);
    await waitForFrame(ui, (f) => f.includes('Queue for Critical'));
    await type(ui.stdin, 'monitoring');
    await press(ui.stdin, keys.enter, CTRL_S);
    await waitForFrame(ui, (f) => f.includes('Saved the ticketing settings'));
    expect(readTicketing(dir).sections.events![0]).toMatchObject({ enabled: true, fields: { queue: { value: '29683360', label: 'Monitoring Alert' } } });
  });

  it('bulk edit of three marked status rows sets on, queue, priority and due for all three', async () => {
    const { ui, dir } = open({ rows: 40 });
    await loaded(ui);
    await toSection(ui, 2);
    await press(ui.stdin, keys.space, keys.down, keys.space, keys.down, keys.space);
    expect(ui.lastFrame()).toContain('3 marked');
    await press(ui.stdin, 'e');
    await waitForFrame(ui, (f) => f.includes('Edit 3 rows'));
    await press(ui.stdin, keys.space); // Create ticket: (unchanged) → on
    await press(ui.stdin, keys.down, keys.enter);
    await waitForFrame(ui, (f) => f.includes('active queue values'));
    await type(ui.stdin, 'security op');
    await press(ui.stdin, keys.enter, keys.down, keys.enter);
    await waitForFrame(ui, (f) => f.includes('active priority values'));
    await type(ui.stdin, 'high');
    await press(ui.stdin, keys.enter, keys.down);
    await type(ui.stdin, '48');
    const dialog = await waitForFrame(ui, (f) => /Due \(hours\) +48/.test(f));
    expect(dialog).toMatch(/Create ticket +on/);
    expect(dialog).toMatch(/Queue +Security Operations ▾/);
    expect(dialog).toMatch(/Priority +High ▾/);
    expect(dialog).toMatchSnapshot('bulk edit dialog');
    await press(ui.stdin, CTRL_S);
    let frame = await waitForFrame(ui, (f) => f.includes('Changed 3 rows'));
    for (const d of ['Device is unmanaged', 'Real-time protection is not running', 'Security application is not running']) {
      expect(rowOf(frame, d)).toMatch(/\* +.* +\[?on\]? +Security Operations +High +48$/);
    }
    expect(rowOf(frame, 'Many viruses detected')).toMatch(/ off +Monitoring Alert +Medium +24$/);
    await press(ui.stdin, CTRL_S);
    frame = await waitForFrame(ui, (f) => f.includes('Saved the ticketing settings'));
    const saved = readTicketing(dir).sections.warningStatus!;
    for (const id of ['device-unmanaged', 'rtp-not-running', 'app-not-running']) {
      expect(saved.find((r) => r.key === id)).toMatchObject({
        enabled: true,
        dueHours: 48,
        fields: { queue: { value: '29683361', label: 'Security Operations' }, priority: { value: '1', label: 'High' }, workType: null, issueType: null },
      });
    }
    expect(saved.find((r) => r.key === 'many-viruses')).toMatchObject({ enabled: false, dueHours: 24, fields: { queue: { label: 'Monitoring Alert' }, priority: { label: 'Medium' } } });
  });

  it('Reset to defaults restores one section (resolved against live picklists), other sections keep their changes', async () => {
    const dir = freshDir();
    writeTicketing(dir, (t) => {
      const events = t.sections.events!;
      events[0] = { ...events[0]!, enabled: true, lifetimeDays: 30, dueHours: 2, fields: { ...events[0]!.fields, priority: { value: '3', label: 'Low' } } };
      const critical = t.sections.criticalStatus!;
      critical[0] = { ...critical[0]!, enabled: true, dueHours: 5 };
    });
    const { ui } = open({ dir });
    await loaded(ui);
    await toSection(ui, 1);
    expect(rowOf(ui.lastFrame(), 'Critical ')).toMatch(/Critical +\[on\] +30 +Monitoring Alert +Low +2$/);
    await press(ui.stdin, 'R');
    await waitForFrame(ui, (f) => f.includes('Reset Events to the defaults'));
    await press(ui.stdin, 'y');
    let frame = await waitForFrame(ui, (f) => f.includes('Events reset to the defaults'));
    expect(rowOf(frame, 'Critical ')).toMatch(/\* +Critical +\[off\] +1 +Monitoring Alert +Critical +12$/);
    expect(line(frame, '› Events')).toContain('Events *');
    await press(ui.stdin, CTRL_S);
    await waitForFrame(ui, (f) => f.includes('Saved the ticketing settings'));
    const saved = readTicketing(dir);
    expect(saved.sections.events![0]).toEqual({
      key: 'critical',
      enabled: false,
      lifetimeDays: 1,
      dueHours: 12,
      fields: { queue: { value: '29683360', label: 'Monitoring Alert' }, priority: { value: '4', label: 'Critical' }, workType: null, issueType: null, subIssueType: null },
    });
    expect(saved.sections.criticalStatus![0]).toMatchObject({ enabled: true, dueHours: 5 });
  });

  it('Cancel changes (x, confirmed) restores the last save', async () => {
    const { ui, dir } = open();
    const before = fs.readFileSync(path.join(dir, 'config.json'), 'utf8');
    await loaded(ui);
    await toSection(ui, 1);
    await press(ui.stdin, 'o', keys.down, 'o');
    expect(ui.lastFrame()).toContain('2 unsaved changes');
    await press(ui.stdin, 'x');
    await waitForFrame(ui, (f) => f.includes('Discard the unsaved changes on Ticketing'));
    await press(ui.stdin, 'y');
    const frame = await waitForFrame(ui, (f) => f.includes('Restored the last saved ticketing settings'));
    expect(frame).not.toContain('unsaved change');
    expect(rowOf(frame, 'Critical ')).toMatch(/ {3}Critical +off /);
    expect(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).toBe(before);
  });

  it('a stored value deleted (or inactive) in Autotask shows blank and blocks Save when enabled', async () => {
    const dir = freshDir();
    writeTicketing(dir, (t) => {
      const critical = t.sections.criticalStatus!;
      const i = critical.findIndex((r) => r.key === 'databases-outdated');
      critical[i] = { ...critical[i]!, enabled: true, fields: { ...critical[i]!.fields, queue: { value: '29689999', label: 'Old Alerts' } } };
      critical[0] = { ...critical[0]!, fields: { ...critical[0]!.fields, queue: { value: '29683362', label: 'Legacy Helpdesk' } } };
    });
    const { ui } = open({ dir });
    const before = fs.readFileSync(path.join(dir, 'config.json'), 'utf8');
    await loaded(ui);
    await toSection(ui, 3);
    let frame = ui.lastFrame();
    expect(rowOf(frame, 'Databases are out of date')).toMatch(/Databases are out of date +on +— choose ! +Critical +12$/);
    expect(rowOf(frame, 'Device is unmanaged')).toMatch(/Device is unmanaged +\[off\] +— choose +Critical +12$/);
    expect(frame).not.toContain('Old Alerts');
    expect(frame).toContain('1 problem');
    expect(frameLines(frame).find((l) => /^› Critical status/.test(l))).toContain('Critical status !');
    await press(ui.stdin, keys.down, 'o'); // an unrelated change, then Save
    await press(ui.stdin, CTRL_S);
    frame = await waitForFrame(ui, (f) => f.includes('Not saved: 1 problem to fix first'));
    expect(frame.replace(/\n/g, ' ')).toContain('“Old Alerts” no longer exists or is inactive in Autotask');
    expect(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).toBe(before);
  });

  it('? lists the keys of the Ticketing tab', async () => {
    const { ui } = open({ rows: 50 });
    await loaded(ui);
    await toSection(ui, 1);
    await press(ui.stdin, '?');
    const frame = await waitForFrame(ui, (f) => f.includes('Bulk edit the marked rows'));
    for (const text of ['Save changes', 'Cancel changes', 'Reset this section to the defaults', 'Reload the Autotask picklists', 'Create ticket on/off', 'Mark or unmark the row', 'Next section']) expect(frame).toContain(text);
    expect(frame).toMatchSnapshot('help');
    await press(ui.stdin, keys.escape);
  });
});
