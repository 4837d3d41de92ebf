// Reports › Agent: the health notifications line and form (h) over the demo (KSC + Autotask) —
// the MSP's account and the queue chosen from the live PSA, problems said under each field,
// the webhook URL masked and split (origin in config.json, the path as a secret), Ctrl-S saving
// the integration's health at once, audited. Snapshots at 80×24 and 120×35.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { webhookSecretName } from '../../source/domain/health.js';
import { HealthLedger } from '../../source/store/healthLedger.js';
import { frameLines, keys, press, type, waitForFrame } from '../helpers/ink.js';
import { openAgentReport, renderDemoReports, useDemoConsole } from '../helpers/demo-ui.js';

const demoConsole = useDemoConsole('kmsp-health-ui-', { restoreMocks: true });

function open(dir: string, size: { columns?: number; rows?: number } = {}) {
  const session = demoConsole.openSession(dir, { actor: 'tester (console)' });
  return { ui: renderDemoReports(session, size), session };
}

const configOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as { integrations: Array<{ health?: Record<string, unknown> }> };
const lineWith = (frame: string, text: string) => frameLines(frame).find((l) => l.includes(text)) ?? '';

describe('Reports › Agent › health notifications', () => {
  it('h opens the form; the account and queue come from the PSA; a save writes health and the URL path as a secret, audited', async () => {
    const dir = demoConsole.freshDir();
    const { ui, session } = open(dir);
    const report = await openAgentReport(ui);
    expect(report).toContain('Health notifications (h edits): off');

    await press(ui.stdin, 'h');
    let form = await waitForFrame(ui, (f) => f.includes('Health notifications · demo') && f.includes('Webhook URL'), 5000);
    expect(form).toContain('Open a health ticket');
    expect(form).toContain("Account (the MSP's own)");
    expect(form).toContain('Queue');
    expect(form).toContain('Priority');

    // The ticket on without an account or a queue: said under the fields, nothing saved.
    await press(ui.stdin, ' ', '\u0013');
    form = await waitForFrame(ui, (f) => f.includes('needs an account') && f.includes('needs a queue'));
    expect(configOf(dir).integrations[0]!.health).toBeUndefined();

    // The account: searched in the PSA's list.
    await press(ui.stdin, keys.tab);
    await press(ui.stdin, keys.enter);
    await waitForFrame(ui, (f) => f.includes('Search:'));
    const accounts = await session.accounts('demo');
    const msp = accounts.find((a) => a.active)!;
    await type(ui.stdin, msp.name);
    await waitForFrame(ui, (f) => f.includes(msp.name) && /\b1 of /u.test(f));
    await press(ui.stdin, keys.enter);
    form = await waitForFrame(ui, (f) => !f.includes('Search:') && lineWith(f, "MSP's own").includes(msp.name));
    // The queue.
    await press(ui.stdin, keys.tab, keys.enter);
    await waitForFrame(ui, (f) => f.includes('Search:'));
    await type(ui.stdin, 'Monitoring Alert');
    await waitForFrame(ui, (f) => /\b1 of /u.test(f));
    await press(ui.stdin, keys.enter);
    await waitForFrame(ui, (f) => !f.includes('Search:') && lineWith(f, 'Queue').includes('Monitoring Alert'));
    // The priority.
    await press(ui.stdin, keys.tab, keys.enter);
    await waitForFrame(ui, (f) => f.includes('Search:'));
    await type(ui.stdin, 'Critical');
    await waitForFrame(ui, (f) => /\b1 of /u.test(f));
    await press(ui.stdin, keys.enter);
    form = await waitForFrame(ui, (f) => !f.includes('Search:') && lineWith(f, 'Priority').includes('Critical'));
    expect(form).not.toContain('needs a');
    expect(form).not.toContain('needs an');

    // Failed passes in a row: checked as typed.
    await press(ui.stdin, keys.tab, keys.end, keys.ctrlU);
    await type(ui.stdin, '0');
    await waitForFrame(ui, (f) => f.includes('from 1 to 100'));
    await press(ui.stdin, keys.ctrlU);
    await type(ui.stdin, '2');
    // The webhook: on, and its URL masked; a plain http address off this machine is refused.
    await press(ui.stdin, keys.tab, ' ', keys.tab);
    await type(ui.stdin, 'http://hooks.example.com/services/T1/B2/SeCrEt');
    form = await waitForFrame(ui, (f) => f.includes('must be https'));
    expect(form).not.toContain('SeCrEt');
    await press(ui.stdin, keys.ctrlU);
    await type(ui.stdin, 'https://hooks.example.com/services/T1/B2/SeCrEt');
    await waitForFrame(ui, (f) => !f.includes('must be https'));
    await press(ui.stdin, '\u0013');
    const saved = await waitForFrame(ui, (f) => f.includes('Saved health notifications: a health ticket and the webhook'));
    expect(saved).toContain(`Health notifications (h edits): ticket on ${msp.name} · Monitoring Alert · Critical; web`);

    const health = configOf(dir).integrations[0]!.health!;
    expect(health).toMatchObject({ ticket: true, accountId: msp.id, accountName: msp.name, ticketFailures: 2, webhook: 'https://hooks.example.com' });
    expect(JSON.stringify(configOf(dir))).not.toContain('SeCrEt');
    expect(await session.secrets.get(webhookSecretName('demo'))).toBe('/services/T1/B2/SeCrEt');
    const audit = session.ledger.listConfigAudit({ limit: 1 })[0]!;
    expect(audit.actor).toBe('tester (console)');
    expect(audit.summary).toContain('Reports › Agent: health notifications');
    expect(JSON.stringify(audit)).not.toContain('SeCrEt');

    // Opened again: the stored URL is not shown, only that one is stored.
    await press(ui.stdin, 'h');
    form = await waitForFrame(ui, (f) => f.includes('Health notifications · demo'));
    expect(form).toContain('(stored: https://hooks.example.com/…)');
    expect(form).not.toContain('SeCrEt');
    await press(ui.stdin, keys.escape);
  });

  it('an incident open now is named on the report, with its health ticket', async () => {
    const dir = demoConsole.freshDir();
    const { ui, session } = open(dir);
    const hl = new HealthLedger(session.ledger);
    const incident = hl.openNew('demo', { tag: 'kmsp:demo:health:x', at: new Date('2026-12-07T10:00:00Z'), problems: [{ check: 'credentials', since: '2026-12-07T10:00:00.000Z', cause: 'rejected', remedy: 'fix it' }] });
    hl.ticketOpen(incident.id, { psaTicketId: '77', psaTicketNumber: 'T20261207.0001' });
    const report = await openAgentReport(ui);
    expect(report).toContain('Not healthy since 2026-12-07T10:00:00.000Z: credentials rejected · health ticket T20261207.0001');
  });

  for (const size of [
    { columns: 120, rows: 35 },
    { columns: 80, rows: 24 },
  ]) {
    it(`the form at ${size.columns}×${size.rows}`, async () => {
      const dir = demoConsole.freshDir();
      const { ui } = open(dir, size);
      await openAgentReport(ui);
      await press(ui.stdin, 'h');
      const form = await waitForFrame(ui, (f) => f.includes('Health notifications · demo') && f.includes('Webhook'), 5000);
      expect(frameLines(form).length).toBeLessThan(size.rows);
      expect(form.replace(/kmsp-health-ui-\w+/g, 'kmsp-health-ui-XXXX')).toMatchSnapshot();
      await press(ui.stdin, keys.escape);
    });
  }
});

describe('Reports › Agent › health notifications with ConnectWise Manage', () => {
  const cw = useDemoConsole('kmsp-health-cw-', { restoreMocks: true, psa: 'connectwise' });

  it('asks for a board, and a board without its New and Closed status under General is refused', async () => {
    const dir = cw.freshDir();
    const session = cw.openSession(dir, { actor: 'tester (console)' });
    const ui = renderDemoReports(session);
    await openAgentReport(ui);
    const picklists = await session.picklists('demo');
    const ticketing = session.integration('demo')!.ticketing;
    const bare = picklists.boards!.find((b) => b.active && !ticketing.perScope.some((s) => s.scope.value === b.value || s.scope.label === b.label))!;
    expect(bare).toBeDefined();
    await press(ui.stdin, 'h');
    let form = await waitForFrame(ui, (f) => f.includes('Health notifications · demo') && f.includes('Board'), 5000);
    expect(form).toContain('Company (the MSP');
    await press(ui.stdin, ' ', keys.tab, keys.tab, keys.enter);
    await waitForFrame(ui, (f) => f.includes('Search:'));
    await type(ui.stdin, bare.label);
    await waitForFrame(ui, (f) => /\b1 of /u.test(f));
    await press(ui.stdin, keys.enter);
    form = await waitForFrame(ui, (f) => !f.includes('Search:') && f.includes('has no New status and'));
    expect(form).toContain(`Board “${bare.label}”`);
    await press(ui.stdin, keys.escape);
  });
});
