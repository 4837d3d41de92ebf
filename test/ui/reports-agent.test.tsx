// Reports › Agent over the demo configuration: the agent simulated by its status file (this
// test's pid and host: a live agent), ledger rows written through the session's ledger, the
// pause switch (p) saved to the config with its audit row, and the PAUSED badge on every tab.
// A time shows its date when it is not today's: these tests run at any hour, and an hour ago may
// be yesterday, so the patterns take either form.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ConsoleSession } from '../../source/console/session.js';
import { writeAgentStatus, type AgentStatus } from '../../source/store/agentStatus.js';
import { openConfig } from '../../source/store/config.js';
import { resolvePaths } from '../../source/store/paths.js';
import { AGENT_REFRESH_MS, fitStatusLines } from '../../source/ui/screens/reports/agent-report.js';
import { frameLines, press, waitForFrame } from '../helpers/ink.js';
import { DEAD_PID, liveAgentStatus } from '../helpers/agent-status.js';
import { openAgentReport, renderDemoReports, useDemoConsole } from '../helpers/demo-ui.js';

const { freshDir, openSession } = useDemoConsole('kmsp-agent-report-', { restoreMocks: true });

const liveStatus = (over: Partial<AgentStatus> = {}) => liveAgentStatus('demo', over);

function open(dir: string, size: { columns?: number; rows?: number } = {}) {
  const session = openSession(dir, { actor: 'tester (console)' });
  return { ui: renderDemoReports(session, size), session };
}

function addLedgerRows(session: ConsoleSession, postings: number, tickets: number) {
  const now = Date.now();
  for (let i = 0; i < postings; i++) {
    session.ledger.recordPosting({
      runId: null, integration: 'demo', tenantId: `t${i}`, tenantName: `Tenant ${i}`, accountId: `a${i}`, contractId: 'c1',
      billingItemId: 'b1', billingItemName: 'KES Advanced', applicationId: null, category: null,
      beforeUnits: 10, afterUnits: 10 + i, effectiveDate: '2025-01-30', psaPostingId: `p${i}`, createdAt: new Date(now - (postings - i) * 60_000),
    });
  }
  for (let i = 0; i < tickets; i++) {
    session.ledger.upsertTicket({
      key: `demo:t${i}:e${i}`, integration: 'demo', tenantId: `t${i}`, kind: 'event', psaTicketNumber: `T20250130.${String(i).padStart(4, '0')}`,
      title: `Critical: threat on PC-${i}`, state: i === tickets - 1 ? 'closed-by-person' : 'open', createdAt: new Date(now - (tickets - i) * 60_000),
    });
  }
}

const readPaused = (dir: string) => (JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as { agent: { paused: boolean } }).agent.paused;

describe('Reports › Agent', () => {
  it('without a status file: says the agent has not run with these files and how to start it', async () => {
    const dir = freshDir();
    const { ui } = open(dir);
    const frame = await openAgentReport(ui);
    expect(frame).toContain('Agent: has not run with this state directory');
    expect(frame).toContain(`No status file at ${path.join(dir, 'status.json')}`);
    // The console was opened on other files than the default: the hint carries --config.
    expect(frame).toContain(`Start it with: kmsp --config ${dir} agent`);
    expect(frame).toContain('Config: not paused (p pauses the agent)');
    expect(frame).toContain('No postings yet');
    expect(frame).toContain('No tickets yet');
    expect(frame).not.toContain('PAUSED');
  });

  it('without a status file but after kmsp agent --once: names those runs, agreeing with the postings and tickets listed', async () => {
    const dir = freshDir();
    const { ui, session } = open(dir);
    const billing = session.ledger.acquireRun({ job: 'billing' }).runId;
    session.ledger.finishRun(billing, { status: 'ok', summary: { integration: 'demo', posted: 14, errors: 0 } });
    const tickets = session.ledger.acquireRun({ job: 'tickets' }).runId;
    session.ledger.finishRun(tickets, { status: 'ok', summary: { integration: 'demo', created: 65, closed: 0, errors: 0 } });
    addLedgerRows(session, 14, 65);
    const frame = await openAgentReport(ui);
    expect(frame).not.toContain('has not run');
    expect(frame).toContain('Agent: not running; last runs by kmsp agent --once:');
    expect(frame).toMatch(/Billing: last --once ok (?:\d{4}-\d\d-\d\d )?\d\d:\d\d \((now|\d+ s ago)\)/u);
    expect(frame).toMatch(/Tickets: last --once ok (?:\d{4}-\d\d-\d\d )?\d\d:\d\d \((now|\d+ s ago)\)/u);
    expect(frame).toContain('No status file at');
    expect(frame).toContain(`Start it with: kmsp --config ${dir} agent`);
    const lines = frameLines(frame);
    expect(lines.find((l) => l.includes('[Latest postings]'))).toMatch(/of 14/u);
    expect(lines.find((l) => l.includes('Latest tickets'))).toMatch(/of 65/u);
  });

  it('shows the live agent, its jobs, the latest postings and tickets, and follows the status file', async () => {
    const dir = freshDir();
    const { ui, session } = open(dir);
    writeAgentStatus(path.join(dir, 'status.json'), liveStatus());
    addLedgerRows(session, 30, 12);
    const frame = await openAgentReport(ui);
    expect(frame).toMatch(new RegExp(`Agent: running \\(pid ${process.pid} on `, 'u'));
    expect(frame).toContain('Paused: no');
    expect(frame).toMatch(/Billing: last ok (?:\d{4}-\d\d-\d\d )?\d\d:\d\d \(2 h ago\)/u);
    expect(frame).toContain('billing demo: 4 postings');
    expect(frame).toMatch(/Tickets: last failed/u);
    expect(frame).toContain('Last error');
    expect(frame).toContain('Autotask refused the credentials');
    expect(frame).toContain('API, last hour, demo: platform 120, PSA 45');
    // Latest first, windowed.
    const lines = frameLines(frame);
    expect(lines.find((l) => l.includes('[Latest postings]'))).toMatch(/1–\d+ of 30/u);
    expect(lines.find((l) => l.includes('Latest tickets'))).toMatch(/1–\d+ of 12/u);
    expect(lines.find((l) => l.includes('Tenant 29'))).toMatch(/10 → 39\s+\+29\s+posted/u);
    expect(lines.find((l) => l.includes('T20250130.0011'))).toContain('closed (person)');

    // The agent rewrites its status: the report reads it again on its own.
    writeAgentStatus(path.join(dir, 'status.json'), liveStatus({ jobs: { ...liveStatus().jobs, billing: { ...liveStatus().jobs.billing, lastSummary: 'billing demo: 7 postings' } } }));
    await waitForFrame(ui, (f) => f.includes('billing demo: 7 postings'), AGENT_REFRESH_MS + 3000);
    // t moves the keys to the tickets table (the focused one is in brackets).
    await press(ui.stdin, 't');
    await waitForFrame(ui, (f) => f.includes('[Latest tickets]') && !f.includes('[Latest postings]'));
  });

  it('says a dead agent is gone, and reads nothing while hidden', async () => {
    const dir = freshDir();
    const { ui, session } = open(dir);
    writeAgentStatus(path.join(dir, 'status.json'), liveStatus({ pid: DEAD_PID }));
    const frame = await openAgentReport(ui);
    expect(frame).toMatch(/Agent: not running — process 4194322 is gone \(last status (?:\d{4}-\d\d-\d\d )?\d\d:\d\d\)/u);
    expect(frame).toContain('no next run (the agent is not running)');
    // Another report chosen: the interval is gone, the status file is not read any more.
    const reads = vi.spyOn(session, 'agentStatus');
    await press(ui.stdin, '[');
    await waitForFrame(ui, (f) => f.includes('› Reconciliation'));
    const after = reads.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, AGENT_REFRESH_MS + 500));
    expect(reads.mock.calls.length).toBe(after);
  });

  it('p pauses after a confirm: saved to the config, audited, PAUSED on every tab (in words); p again resumes', async () => {
    const dir = freshDir();
    const { ui, session } = open(dir, { columns: 80, rows: 24 });
    writeAgentStatus(path.join(dir, 'status.json'), liveStatus());
    await openAgentReport(ui);
    await press(ui.stdin, 'p');
    const dialog = await waitForFrame(ui, (f) => f.includes('Stop all PSA writes until resumed? (y/N)'));
    expect(dialog).toContain(`The running agent (pid ${process.pid}) picks it up`);
    // No (the default) changes nothing.
    await press(ui.stdin, 'n');
    await waitForFrame(ui, (f) => !f.includes('(y/N)'));
    expect(readPaused(dir)).toBe(false);

    await press(ui.stdin, 'p');
    await waitForFrame(ui, (f) => f.includes('(y/N)'));
    await press(ui.stdin, 'y');
    const paused = await waitForFrame(ui, (f) => frameLines(f)[0]!.includes('PAUSED'));
    expect(readPaused(dir)).toBe(true);
    expect(frameLines(paused)[0]).toContain('PAUSED — the agent');
    expect(paused).toContain('Paused: the agent makes no PSA writes; saved.');
    // The agent has not reloaded yet (its status still says not paused): the report says so.
    expect(paused).toContain('Paused: no · config: paused, not picked up yet');
    expect(paused).toMatch(/p resume/u);
    expect(frameLines(paused).length).toBeLessThan(24);
    expect(session.ledger.listConfigAudit({ limit: 1 })[0]).toMatchObject({ actor: 'tester (console)', summary: 'agent.paused: false → true (Reports › Agent: paused the agent)' });

    // Every tab shows it.
    await press(ui.stdin, '1');
    const other = await waitForFrame(ui, (f) => f.includes('[1 Connections]'));
    expect(frameLines(other)[0]).toContain('PAUSED');

    await press(ui.stdin, '5', 'p');
    await waitForFrame(ui, (f) => f.includes('Let the agent write to the PSA again? (y/N)'));
    await press(ui.stdin, 'y');
    await waitForFrame(ui, (f) => !frameLines(f)[0]!.includes('PAUSED') && f.includes('Resumed'));
    expect(readPaused(dir)).toBe(false);
  });

  it('follows kmsp pause run elsewhere: the badge appears, and a later save from another tab keeps the pause', async () => {
    const dir = freshDir();
    const { ui, session } = open(dir);
    writeAgentStatus(path.join(dir, 'status.json'), liveStatus());
    await openAgentReport(ui);
    // What `kmsp pause` does: another writer flips agent.paused in the file.
    const other = openConfig({ paths: resolvePaths({ configDir: dir }), onNotice: () => undefined });
    const onDisk = other.load();
    other.save({ ...onDisk, agent: { ...onDisk.agent, paused: true } }, { actor: 'alice (kmsp pause)' });
    const frame = await waitForFrame(ui, (f) => frameLines(f)[0]!.includes('PAUSED'), AGENT_REFRESH_MS + 3000);
    expect(frame).toContain('config: paused, not picked up yet');
    expect(session.config.agent.paused).toBe(true);
    // A save that does not touch the switch (e.g. the Unmapped exclude mark) keeps it on.
    session.updateIntegration('demo', (i) => ({ ...i, excludedAccounts: ['29683501'] }), 'test');
    expect(readPaused(dir)).toBe(true);
  });

  it('a save from the console does not undo a pause it has not seen yet', () => {
    const dir = freshDir();
    const session = openSession(dir);
    const other = openConfig({ paths: resolvePaths({ configDir: dir }), onNotice: () => undefined });
    const onDisk = other.load();
    other.save({ ...onDisk, agent: { ...onDisk.agent, paused: true } }, { actor: 'alice (kmsp pause)' });
    expect(session.config.agent.paused).toBe(false); // not synced yet
    session.updateIntegration('demo', (i) => ({ ...i, excludedAccounts: ['29683501'] }), 'test');
    expect(readPaused(dir)).toBe(true);
    // Flipping it on purpose still works.
    session.setPaused(false, 'test');
    expect(readPaused(dir)).toBe(false);
  });

  it('gives up the pass summaries before the state when the terminal is short', () => {
    const lines = [
      { text: 'Agent: running', level: 'good' as const },
      { text: 'Billing: …', level: 'normal' as const },
      { text: '  billing summary', level: 'muted' as const },
      { text: 'Tickets: …', level: 'normal' as const },
      { text: '  tickets summary', level: 'muted' as const },
    ];
    expect(fitStatusLines(lines, 9)).toHaveLength(5);
    expect(fitStatusLines(lines, 4).map((l) => l.text)).toEqual(['Agent: running', 'Billing: …', '  billing summary', 'Tickets: …']);
    expect(fitStatusLines(lines, 3).map((l) => l.text)).toEqual(['Agent: running', 'Billing: …', 'Tickets: …']);
  });
});
