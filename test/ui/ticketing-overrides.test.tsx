// The Ticketing tab's routing overrides for customers (README › Routing overrides) against the
// demo's KSC and Autotask simulators: the list with a customer the platform no longer lists,
// edits saved to the config file and its audit, refusals like the rules'.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { TicketingSettings } from '../../source/domain/config.js';
import { platformSimulator } from '../../source/simulators/registry.js';
import { openLedger } from '../../source/store/ledger.js';
import { resolvePaths } from '../../source/store/paths.js';
import { ConsoleApp } from '../../source/ui/app.js';
import { createTicketingScreen } from '../../source/ui/screens/ticketing/index.js';
import { frameLines, keys, press, renderUi, type, waitForFrame, type RenderedUi } from '../helpers/ink.js';
import { useDemoConsole } from '../helpers/demo-ui.js';

const console_ = useDemoConsole('kmsp-overrides-');
const { freshDir, openSession } = console_;

function config(dir: string): { integrations: Array<{ name: string; tenants: Array<{ tenantId: string; tenantName: string }>; ticketing: TicketingSettings }> } {
  return JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as never;
}

function writeTicketing(dir: string, update: (t: TicketingSettings, tenants: Array<{ tenantId: string; tenantName: string }>) => void): void {
  const file = path.join(dir, 'config.json');
  const c = config(dir);
  const demo = c.integrations.find((i) => i.name === 'demo')!;
  // Two of the platform's tenants, mapped (the override's customers come from the mapped ones).
  const live = platformSimulator('ksc').tenants(console_.demo.platform as never).slice(0, 2);
  demo.tenants = live.map((t, i) => ({ tenantId: t.id, tenantName: t.name, accountId: String(i + 1), accountName: t.name, billing: false, contractId: null, contractName: null }));
  update(demo.ticketing, demo.tenants);
  fs.writeFileSync(file, JSON.stringify(c, null, 2));
}

function open(dir: string, size: { columns: number; rows: number }) {
  const session = openSession(dir);
  const ui = renderUi(<ConsoleApp integrationName="demo" screens={[createTicketingScreen({ session, integrationName: 'demo' })]} initialTab="ticketing" noticeTimeoutMs={0} onExit={vi.fn()} />, size);
  return { ui, session };
}

const loaded = (ui: RenderedUi) => waitForFrame(ui, (f) => f.includes('Active in Autotask:'), 8000);
const line = (frame: string, text: string) => frameLines(frame).find((l) => l.includes(text)) ?? '';
const CTRL_S = '\u0013';

/** Two overrides: one tenant's Critical events to another queue and due time; a gone tenant's status row switched off. */
function withOverrides(dir: string): { first: string; second: string } {
  let first = '';
  let second = '';
  writeTicketing(dir, (t, tenants) => {
    first = tenants[0]!.tenantName;
    second = tenants[1]!.tenantName;
    t.sections.events = t.sections.events!.map((r) => (r.key === 'critical' ? { ...r, enabled: true } : r));
    t.sections.criticalStatus = t.sections.criticalStatus!.map((r) => (r.key === 'databases-outdated' ? { ...r, enabled: true } : r));
    t.overrides = [
      { tenants: [{ tenantId: tenants[0]!.tenantId, tenantName: first }, { tenantId: tenants[1]!.tenantId, tenantName: second }], section: 'events', key: 'critical', enabled: true, fields: { queue: { value: '', label: 'Security Operations' } }, dueHours: 2 },
      { tenants: [{ tenantId: 'vs-gone-0099', tenantName: 'Gone Gardens' }], section: 'criticalStatus', key: 'databases-outdated', enabled: false, fields: {}, dueHours: null },
    ];
  });
  return { first, second };
}

/** From General, `[` goes round to the last section: For customer. */
async function toOverrides(ui: RenderedUi): Promise<string> {
  await press(ui.stdin, '[');
  return waitForFrame(ui, (f) => f.includes('Routing overrides'), 5000);
}

describe('Ticketing › For customer (routing overrides)', () => {
  for (const size of [{ columns: 80, rows: 24 }, { columns: 120, rows: 35 }]) {
    it(`lists the overrides in order, a gone customer marked, at ${size.columns}×${size.rows}`, async () => {
      const dir = freshDir();
      const { first } = withOverrides(dir);
      const { ui } = open(dir, size);
      await loaded(ui);
      let frame = await toOverrides(ui);
      frame = await waitForFrame(ui, (f) => f.includes('(gone)'), 8000);
      expect(line(frame, 'Gone Gardens')).toMatch(/2 +Gone Gardens \(gone\)/);
      expect(line(frame, first.slice(0, 4))).toMatch(/›? +1 +\[/);
      expect(frame).toContain('first that matches');
      expect(frame).toMatchSnapshot(`overrides at ${size.columns}×${size.rows}`);
      await press(ui.stdin, keys.down);
      frame = await waitForFrame(ui, (f) => f.includes('no longer on'), 5000);
      expect(frame).toContain('“Gone Gardens” no longer on');
      expect(frame).toMatchSnapshot(`the gone customer's override at ${size.columns}×${size.rows}`);
    });
  }
});

describe('Ticketing › For customer: edits', () => {
  it('an override moved earlier and switched on is saved in that order, its queue by live value, and audited', async () => {
    const dir = freshDir();
    withOverrides(dir);
    const { ui } = open(dir, { columns: 120, rows: 35 });
    await loaded(ui);
    await toOverrides(ui);
    await waitForFrame(ui, (f) => f.includes('(gone)'), 8000);
    // The second override earlier, then on for its customer.
    await press(ui.stdin, keys.down, 'K', 'o');
    let frame = await waitForFrame(ui, (f) => /2 unsaved changes/.test(f), 5000);
    expect(line(frame, 'Gone Gardens')).toMatch(/1 +\[?Gone Gardens \(gone\)/);
    await press(ui.stdin, CTRL_S);
    frame = await waitForFrame(ui, (f) => f.includes('Saved the'), 5000);
    const saved = config(dir).integrations.find((i) => i.name === 'demo')!.ticketing.overrides!;
    expect(saved.map((o) => [o.tenants[0]!.tenantName, o.section, o.key, o.enabled])).toEqual([
      ['Gone Gardens', 'criticalStatus', 'databases-outdated', true],
      [expect.any(String), 'events', 'critical', true],
    ]);
    // The queue chosen by label before the PSA answered is saved with its live value.
    expect(saved[1]!.fields.queue).toEqual({ value: expect.stringMatching(/^\d+$/), label: 'Security Operations' });
    const ledger = openLedger({ file: resolvePaths({ configDir: dir }).ledgerFile });
    try {
      const audit = ledger.listConfigAudit({ limit: 5 });
      expect(audit.some((a) => a.summary.includes('settings') && a.diff.some((d) => d.path.includes('ticketing.overrides')))).toBe(true);
    } finally {
      ledger.close();
    }
  });

  it('a queue the PSA no longer has is reported on the override, and Save is refused', async () => {
    const dir = freshDir();
    withOverrides(dir);
    writeTicketing(dir, (t) => {
      t.overrides![0]!.fields.queue = { value: '99999', label: 'Retired Queue' };
    });
    const { ui } = open(dir, { columns: 120, rows: 35 });
    await loaded(ui);
    let frame = await toOverrides(ui);
    frame = await waitForFrame(ui, (f) => f.includes('— choose !'), 8000);
    expect(frame).toContain('Override 1 (for ');
    expect(frame).toContain('choose a Queue (“Retired Queue” no longer exists');
    // Moved after the other one (an edit), still refused.
    await press(ui.stdin, 'J', CTRL_S);
    frame = await waitForFrame(ui, (f) => f.includes('Not saved'), 5000);
    expect(frame).toContain('Override 2 (Queue required)');
    expect(config(dir).integrations.find((i) => i.name === 'demo')!.ticketing.overrides![0]!.fields.queue).toEqual({ value: '99999', label: 'Retired Queue' });
  });
});

describe('Ticketing › For customer: adding one', () => {
  it('a: the rule row, then its customers from the mapped tenants; Enter on Queue offers the live queues; saved', async () => {
    const dir = freshDir();
    const { first } = withOverrides(dir);
    writeTicketing(dir, (t) => {
      t.overrides = [];
    });
    const { ui } = open(dir, { columns: 120, rows: 35 });
    await loaded(ui);
    let frame = await toOverrides(ui);
    expect(frame).toContain('No overrides: every customer gets the rules.');
    await press(ui.stdin, 'a');
    await waitForFrame(ui, (f) => f.includes('Rule row'), 5000);
    await type(ui.stdin, 'critical databases');
    await press(ui.stdin, keys.enter);
    frame = await waitForFrame(ui, (f) => f.includes('matched by their'), 5000);
    expect(frame).toContain(first);
    await press(ui.stdin, keys.space, keys.enter);
    frame = await waitForFrame(ui, (f) => f.includes('Added override 1'), 5000);
    expect(line(frame, first.slice(0, 6))).toMatch(/1 +\[.+\] +Critical .*out of date/);
    await press(ui.stdin, keys.right, keys.right, keys.right, keys.enter);
    frame = await waitForFrame(ui, (f) => f.includes('Queue for override 1'), 5000);
    expect(frame).not.toContain('Legacy Helpdesk');
    await type(ui.stdin, 'security');
    await press(ui.stdin, keys.enter);
    await waitForFrame(ui, (f) => line(f, first.slice(0, 6)).includes('[Security Operations]'), 5000);
    await press(ui.stdin, CTRL_S);
    await waitForFrame(ui, (f) => f.includes('Saved the'), 5000);
    const saved = config(dir).integrations.find((i) => i.name === 'demo')!;
    expect(saved.ticketing.overrides).toEqual([
      { tenants: [{ tenantId: saved.tenants[0]!.tenantId, tenantName: first }], section: 'criticalStatus', key: 'databases-outdated', enabled: true, fields: { queue: { value: expect.stringMatching(/^\d+$/), label: 'Security Operations' } }, dueHours: null },
    ]);
  });
});
