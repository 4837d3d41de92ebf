// Reports › Unmapped accounts against the demo's Autotask simulator (40
// companies, none mapped in the demo configuration).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ConsoleApp } from '../../source/ui/app.js';
import { createReportsScreen } from '../../source/ui/screens/reports/index.js';
import { countLine, exportCommand } from '../../source/ui/screens/reports/unmapped-view.js';
import { frameLines, keys, press, renderUi, type, waitForFrame, type RenderedUi } from '../helpers/ink.js';
import { useDemoConsole } from '../helpers/demo-ui.js';

const { freshDir, openSession, closeSession } = useDemoConsole('kmsp-reports-');

function open(dir = freshDir(), size: { columns?: number; rows?: number } = {}, session = openSession(dir)) {
  const ui = renderUi(<ConsoleApp integrationName="demo" screens={[createReportsScreen({ session, integrationName: 'demo' })]} initialTab="reports" noticeTimeoutMs={0} onExit={vi.fn()} />, {
    columns: size.columns ?? 100,
    rows: size.rows ?? 30,
  });
  return { ui, session, dir };
}

const loaded = (ui: RenderedUi) => waitForFrame(ui, (f) => f.includes('unmapped of 40'), 5000);
const countOf = (frame: string) => frameLines(frame).find((l) => l.includes('unmapped of')) ?? '';
/** Table rows: "› [ ] Name …" or "  [ ] Name …" after the report list. */
const tableRows = (frame: string) => frameLines(frame).flatMap((l) => (/│ [› ] \[[ x]\] /.test(l) ? [l.split('│ ')[1]!] : []));
const cursorRow = (frame: string) => tableRows(frame).find((r) => r.startsWith('›')) ?? '';
const readConfig = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as { integrations: Array<{ excludedAccounts: string[] }> };

describe('Reports › Unmapped accounts', () => {
  it('lists the demo’s 40 unmapped accounts, the report list, the count and the export command (NO_COLOR)', async () => {
    const { ui } = open();
    const frame = await loaded(ui);
    expect(frame).toContain('Reports');
    expect(frame).toContain('› Unmapped accounts');
    expect(frame).toMatch(/ {2}Billing preview\s+│[\s\S]* {2}Reconciliation\s+│/u); // only reports that exist are listed
    expect(countOf(frame)).toContain('40 unmapped of 40 Autotask accounts');
    expect(frame).toContain('Export: kmsp report unmapped --format csv');
    expect(cursorRow(frame)).toMatch(/^› \[ \] Acme and Sons Ltd\s+Customer\s+yes\s+29683501/);
    expect(frame).toContain('1–19 of 40');
    expect(frame).toMatchSnapshot();
  });

  it('filters by account type with a select, and back to all types', async () => {
    const { ui } = open();
    await loaded(ui);
    await press(ui.stdin, 't');
    let frame = ui.lastFrame();
    expect(frame).toContain('Account type');
    expect(frame).toContain('All types');
    expect(frame).toMatch(/Customer\s+32 unmapped/);
    expect(frame).toMatch(/Prospect\s+2 unmapped/);
    await type(ui.stdin, 'prosp');
    await press(ui.stdin, keys.enter);
    frame = ui.lastFrame();
    expect(countOf(frame)).toContain('2 unmapped of 40 Autotask accounts · type Prospect');
    expect(tableRows(frame).map((r) => r.slice(6, 30).trim())).toEqual(['Foxglove Florists', 'Globex Corporation']);
    expect(frame).toContain('Type: Prospect (t)');
    expect(frame).toContain('Export: kmsp report unmapped --format csv --type Prospect');

    await press(ui.stdin, 't', keys.pageUp);
    expect(ui.lastFrame()).toMatch(/› All types/);
    await press(ui.stdin, keys.enter);
    expect(countOf(ui.lastFrame())).toContain('40 unmapped of 40');
  });

  it('filters by name with /', async () => {
    const { ui } = open();
    await loaded(ui);
    await press(ui.stdin, '/');
    await type(ui.stdin, 'dental');
    await press(ui.stdin, keys.enter);
    const frame = ui.lastFrame();
    expect(tableRows(frame).map((r) => r.slice(6, 30).trim())).toEqual(['Bluebird Dental Group', 'Parkway Dental']);
    expect(frame).toContain('Accounts  /dental');
    expect(countOf(frame)).toContain('2 unmapped of 40 Autotask accounts · name “dental”');
    expect(frame).toContain('Export: kmsp report unmapped --format csv --name dental');
    // Excluding one of them keeps the count honest about the filter.
    await press(ui.stdin, 'e');
    expect(countOf(ui.lastFrame())).toContain('1 unmapped of 40 Autotask accounts · name “dental” · 1 excluded hidden');
    await press(ui.stdin, keys.escape);
    await waitForFrame(ui, (f) => countOf(f).includes('39 unmapped of 40 Autotask accounts · 1 excluded hidden'));
  });

  it('exclude mark: saved to config.json at once, hidden, survives a remount, shown with i, removed again', async () => {
    const dir = freshDir();
    const first = open(dir);
    await loaded(first.ui);
    expect(cursorRow(first.ui.lastFrame())).toContain('Acme and Sons Ltd');
    await press(first.ui.stdin, 'e');
    let frame = first.ui.lastFrame();
    expect(frame).toContain('“Acme and Sons Ltd” excluded (does not use Kaspersky); saved. i shows excluded accounts.');
    expect(readConfig(dir).integrations[0]!.excludedAccounts).toEqual(['29683501']);
    expect(countOf(frame)).toContain('39 unmapped of 40 Autotask accounts · 1 excluded hidden');
    expect(frame).not.toContain('Acme and Sons Ltd  ');
    expect(cursorRow(frame)).toContain('Alpine Ski Club');
    expect(frame).not.toContain('[1 Reports*]'); // a mark, not a draft: nothing unsaved
    first.ui.unmount();

    const second = open(dir);
    frame = await loaded(second.ui);
    expect(countOf(frame)).toContain('39 unmapped of 40 Autotask accounts · 1 excluded hidden');
    expect(cursorRow(frame)).toContain('Alpine Ski Club');
    await press(second.ui.stdin, 'i');
    frame = second.ui.lastFrame();
    expect(frame).toContain('Excluded: shown (i)');
    expect(countOf(frame)).toContain('40 unmapped of 40 Autotask accounts · 1 excluded shown');
    const acme = tableRows(frame).find((r) => r.includes('Acme and Sons Ltd'))!;
    expect(acme).toMatch(/Acme and Sons Ltd\s+Customer\s+yes\s+excluded\s+29683501/);
    expect(frame).toContain('Export: kmsp report unmapped --format csv --include-excluded');

    await press(second.ui.stdin, 'k', 'e');
    expect(second.ui.lastFrame()).toContain('“Acme and Sons Ltd” no longer excluded; saved.');
    expect(readConfig(dir).integrations[0]!.excludedAccounts).toEqual([]);
    expect(second.session.ledger.listConfigAudit({ limit: 2 }).map((a) => a.summary)).toEqual([
      expect.stringContaining('included again “Acme and Sons Ltd”'),
      expect.stringContaining('excluded “Acme and Sons Ltd”'),
    ]);
  });

  it('excludes the marked rows in one go', async () => {
    const { ui, dir } = open();
    await loaded(ui);
    await press(ui.stdin, keys.space, 'j', keys.space, 'j', keys.space, 'e');
    expect(ui.lastFrame()).toContain('3 accounts excluded (does not use Kaspersky); saved.');
    expect(readConfig(dir).integrations[0]!.excludedAccounts).toEqual(['29683501', '29683525', '29683526']);
    expect(countOf(ui.lastFrame())).toContain('37 unmapped of 40 Autotask accounts · 3 excluded hidden');
  });

  it('leaves out accounts mapped in this or another integration on the same Autotask', async () => {
    const dir = freshDir();
    const session = openSession(dir);
    const demoIntegration = session.integration('demo')!;
    const mapping = (tenantId: string, accountId: string) => ({ tenantId, tenantName: tenantId, accountId, accountName: null, billing: false, contractId: null, contractName: null });
    session.saveConfig({
      ...session.config,
      integrations: [
        { ...demoIntegration, tenants: [mapping('vs1', '29683501')] },
        { ...demoIntegration, name: 'north', platform: { ...demoIntegration.platform, url: 'https://north.example:13299' }, tenants: [mapping('vs9', '29683502')] },
      ],
    });
    await closeSession(session);
    const { ui } = open(dir);
    const frame = await waitForFrame(ui, (f) => f.includes('unmapped of 40'), 5000);
    expect(countOf(frame)).toContain('38 unmapped of 40 Autotask accounts');
    expect(frame).not.toContain('Acme and Sons Ltd');
    expect(frame).not.toContain('Bluebird Dental Group');
  });

  it('says why the accounts cannot be loaded, and r tries again once the secret is fixed', async () => {
    const dir = freshDir();
    const session = openSession(dir);
    const good = (await session.secrets.get('demo.autotask.secret'))!;
    await session.setSecret('demo.autotask.secret', 'wrong-secret');
    const { ui } = open(dir, {}, session);
    let frame = await waitForFrame(ui, (f) => f.includes('Could not load'), 5000);
    expect(frame).toContain('Could not load the Autotask accounts: Autotask refused');
    expect(frame).toContain('Cause: HTTP 401 for user "kmsp-demo@demo-msp.example"');
    expect(frame).toContain('Remedy: Check the Autotask API user');
    expect(frame).toContain('r tries again');
    expect(frame).not.toContain('wrong-secret');
    expect(frame).not.toContain('/ filter'); // no table, no table keys
    // As the Connections tab does when the admin enters the right secret:
    await session.setSecret('demo.autotask.secret', good);
    await press(ui.stdin, 'r');
    frame = await loaded(ui);
    expect(countOf(frame)).toContain('40 unmapped of 40');
    // A reload that fails keeps the rows and says so.
    await session.setSecret('demo.autotask.secret', 'wrong-again');
    await press(ui.stdin, 'r');
    frame = await waitForFrame(ui, (f) => f.includes('reload failed'), 5000);
    expect(countOf(frame)).toMatch(/40 unmapped of 40 Autotask accounts · reload failed: Autotask refused/);
    expect(frame).toContain('Acme and Sons Ltd');
  });

  it('the ? help says the exclude mark is saved at once, not a draft', async () => {
    const { ui } = open();
    await loaded(ui);
    await press(ui.stdin, '?');
    expect(ui.lastFrame()).toContain('Exclude / include (marked rows or this one); saved at once, not a draft');
    expect(ui.lastFrame()).toContain('Filter by account type');
  });

  it('fits narrow terminals: no report list, the Excluded column stays', async () => {
    const { ui } = open(undefined, { columns: 80, rows: 24 });
    const frame = await loaded(ui);
    expect(frame).not.toContain('│');
    expect(frame).toMatch(/Account\s+Type\s+Active\s+Excluded/);
    expect(frameLines(frame)).toHaveLength(23);
  });
});

describe('count line and export command', () => {
  const row = (name: string, excluded = false) => ({ accountId: name, name, type: 'Customer', active: true, excluded });
  it('counts excluded rows that match the filters', () => {
    const candidates = [row('Acme'), row('Beta', true), row('Acme West', true)];
    expect(countLine(1, 3, 'Autotask', candidates, { type: null, nameFilter: '', showExcluded: false })).toBe('1 unmapped of 3 Autotask accounts · 2 excluded hidden');
    expect(countLine(2, 3, 'Autotask', candidates, { type: 'Customer', nameFilter: 'acme', showExcluded: true })).toBe('2 unmapped of 3 Autotask accounts · type Customer · name “acme” · 1 excluded shown');
    expect(countLine(0, 1, 'Autotask', [], { type: null, nameFilter: '', showExcluded: true })).toBe('0 unmapped of 1 Autotask account · none excluded');
  });
  it('quotes what the shell would split', () => {
    expect(exportCommand('north', { type: 'Managed Customer', nameFilter: "O'Brien & Co", showExcluded: true }, false, 'json')).toBe(
      `kmsp report unmapped --format json --integration north --type 'Managed Customer' --name 'O'\\''Brien & Co' --include-excluded`,
    );
  });
});
