// End to end on the demo fixtures through the CLI, as an MSP runs it: several tenants mapped
// (the config the Accounts and Services tabs write), `kmsp agent --once --job billing`, a rerun,
// dry run, preview and ledger export. The expected postings are computed here from the fixture
// files themselves, not with the engine.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../source/store/ledger.js';
import { displayWidth } from '../../source/ui/text.js';
import { runCli } from '../helpers/cli.js';
import { adjustments, posts, startBillingEnv, type BillingEnv } from './helpers.js';
import { billing, expectedPostings, MAPPED } from './demoMapping.js';

let env: BillingEnv;
beforeAll(async () => {
  // UTC: the expected list below compares expiry days in UTC.
  env = await startBillingEnv('demo', { tenants: MAPPED, billing, timeZone: 'UTC' });
}, 60_000);
afterAll(async () => env?.close());

const cli = (...args: string[]) => runCli(['--config', env.demo.configDir, ...args], { env: { NO_COLOR: '1' } });

describe('billing on the demo fixtures, through the CLI', () => {
  it('dry run and preview write nothing (no POST in the request log, no ledger rows)', async () => {
    env.demo.autotask.clearRequests();
    const dry = await cli('agent', '--once', '--job', 'billing', '--dry-run');
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/dry run: nothing written\): 11 contracts, \d+ postings to make, 0 errors, 1 tenant skipped; \d+ requests/);
    const preview = await cli('billing', 'preview', '--format', 'json');
    expect(preview.code, preview.stderr).toBe(0);
    const rows = JSON.parse(preview.stdout) as Array<{ contractId: string; billingItemId: string; current: number; new: number; delta: number }>;
    // Rows of usage no billing item is chosen for carry no quantities (delta null).
    const changes = rows.filter((r) => r.delta !== null && r.delta !== 0).map((r) => [Number(r.contractId), Number(r.billingItemId), r.delta]).sort();
    expect(changes).toEqual(expectedPostings(Date.now()));
    const table = await cli('billing', 'preview');
    expect(table.stdout).toContain('nothing is written');
    // Usage with no billing item is listed, never dropped: the demo's Linux endpoints have no item chosen.
    expect(table.stdout).toMatch(/Usage not billed \(no billing item chosen on the Services tab\):\n  .+: \d+ non-Windows devices? on Kaspersky Endpoint Security for Linux: no billing item chosen/);
    const unbilled = rows.filter((r) => (r as { unbilled?: string }).unbilled);
    expect(unbilled.length).toBeGreaterThan(0);
    expect(posts(env)).toBe(0);
    expect(env.demo.autotask.requests.some((r) => /ServiceAdjustments/i.test(r.path))).toBe(false);
    expect(adjustments(env)).toEqual([]);
    const ledger = openLedger({ file: env.paths.ledgerFile });
    try {
      expect(ledger.listRuns()).toEqual([]);
      expect(ledger.listPostings()).toEqual([]);
    } finally {
      ledger.close();
    }
  });

  it('the demo tells a believable story: small changes on ongoing contracts, one first posting, one customer who left', async () => {
    const preview = await cli('billing', 'preview', '--format', 'json');
    expect(preview.code, preview.stderr).toBe(0);
    const rows = JSON.parse(preview.stdout) as Array<{ account: string; billingItem: string; current: number; new: number; delta: number | null }>;
    // Rows of usage with no billing item carry no quantities (delta null).
    const changed = rows.filter((r) => r.delta !== null && r.delta !== 0);
    const of = (account: string) => changed.filter((r) => r.account === account);
    // Granite Builders signed up: its contract holds no service yet, the first posting adds them.
    expect(of('Granite Builders Ltd').length).toBeGreaterThan(0);
    expect(of('Granite Builders Ltd').every((r) => r.current === 0 && r.new > 0)).toBe(true);
    // Ironwood Accounting left (its KSC subscription is cancelled): what it was billed goes back to 0.
    expect(of('Ironwood Accounting, Inc.').map((r) => [r.billingItem, r.current, r.new])).toEqual([['KESB Select – Workstation', 6, 0]]);
    // Everyone else: a device or two added or retired since the last posting, on the items they already have.
    const ongoing = changed.filter((r) => r.account !== 'Granite Builders Ltd' && r.account !== 'Ironwood Accounting, Inc.');
    expect(ongoing.length).toBeGreaterThan(8);
    expect(ongoing.filter((r) => Math.abs(r.delta!) > 2 || r.current === 0 || r.new === 0)).toEqual([]);
    // 11 billed contracts (fixtures/demo, test/billing/demoMapping.ts): Acme 2, Bluebird 2, Carter 1, Delta 2, Evergreen 1,
    // Fairview 2, Granite 3, Harbor 0 (its subscription is paused), Ironwood 1, Keystone 2, Lakeside 0.
    expect(changed).toHaveLength(16);
    expect(expectedPostings(Date.now())).toHaveLength(16);
  });

  it('the preview table fits the width (120 when piped, $COLUMNS if set): one line per row, closed borders, cut names end in …', async () => {
    for (const [columns, width] of [['', 120], ['80', 80]] as const) {
      const out = await runCli(['--config', env.demo.configDir, 'billing', 'preview'], { env: { NO_COLOR: '1', COLUMNS: columns } });
      expect(out.code, out.stderr).toBe(0);
      const lines = out.stdout.replace(/\n$/, '').split('\n');
      expect(lines[0]).toMatch(/^Billing preview for \d{4}-\d\d-\d\d \(nothing is written\):$/);
      expect(lines.filter((l) => l.trim() === '')).toEqual([]);
      // The table, then the lines under it (usage not billed, the summary).
      const table = lines.slice(1, lines.findIndex((l) => l.startsWith('└')) + 1);
      expect(table.filter((l) => displayWidth(l) > width), `table lines wider than ${width}`).toEqual([]);
      expect(table[0]).toMatch(/^┌─+(┬─+)+┐$/);
      expect(table[1]).toMatch(/^│ Account +│ Contract +│ Billing item +│ Current │ New │ Delta │$/);
      expect(table[2]).toMatch(/^├─+(┼─+)+┤$/);
      expect(table.at(-1)).toMatch(/^└─+(┴─+)+┘$/);
      const body = table.slice(3, -1);
      expect(body.length).toBeGreaterThan(20);
      // Every row is one line with all its cells, as wide as the borders.
      for (const row of body) {
        expect(row).toMatch(/^│ .+ │ .+ │ .+ │ +\d+ │ +\d+ │ +([+-]\d+)? │$/);
        expect(displayWidth(row)).toBe(displayWidth(table[0]!));
      }
      if (width === 80) {
        expect(body.some((r) => r.includes('…'))).toBe(true);
        // Cut, never wrapped: a row's text is a prefix of the full value followed by "…".
        expect(body.some((r) => /│ Kaspersky Security for Wi\S*… │/.test(r) || r.includes('Kaspersky Security for Windows Server'))).toBe(true);
      } else {
        expect(out.stdout).toContain('Bluebird Dental Group');
      }
      expect(lines.at(-1)).toMatch(/^\d+ postings would be made; 0 contracts with errors; 1 tenant skipped: billing is off \(.+\)\.$/);
    }
  });

  it('the postings equal the list computed from the fixtures; a rerun posts nothing; the ledger export lists them', async () => {
    const expected = expectedPostings(Date.now());
    expect(expected.length).toBeGreaterThan(5);
    const run = await cli('agent', '--once', '--job', 'billing');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`11 contracts, ${expected.length} postings, 0 errors, 1 tenant skipped`);
    expect(adjustments(env).sort()).toEqual(expected);

    const writes = posts(env);
    const again = await cli('agent', '--once', '--job', 'billing');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('11 contracts, 0 postings, 0 errors');
    expect(posts(env)).toBe(writes);

    const csv = await cli('ledger', 'export', '--format', 'csv');
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\r\n');
    expect(lines[0]).toContain('beforeUnits,afterUnits,delta,effectiveDate,status');
    expect(lines).toHaveLength(expected.length + 1);
    const json = JSON.parse((await cli('ledger', 'export', '--format', 'json', '--since', '2000-01-01')).stdout) as Array<{ contractId: string; billingItemId: string; delta: number; status: string }>;
    expect(json.map((p) => [Number(p.contractId), Number(p.billingItemId), p.delta]).sort()).toEqual(expected);
    expect(json.every((p) => p.status === 'posted')).toBe(true);
    expect(JSON.parse((await cli('ledger', 'export', '--format', 'json', '--since', '2999-01-01')).stdout)).toEqual([]);
  });

  it('a second process refuses while another holds the billing lock, naming it', async () => {
    const ledger = openLedger({ file: env.paths.ledgerFile });
    try {
      const { runId } = ledger.acquireRun({ job: 'billing' }); // held by this (live) test process
      const second = await cli('agent', '--once', '--job', 'billing');
      expect(second.code).toBe(75);
      expect(second.stderr).toContain(`Another billing run is in progress (run ${runId}, process ${process.pid}`);
      ledger.finishRun(runId, { status: 'ok' });
    } finally {
      ledger.close();
    }
  });

  it('--once and the preview refuse a configuration the agent will not run (two tenants billing one contract), writing nothing', async () => {
    const file = path.join(env.demo.configDir, 'config.json');
    const text = readFileSync(file, 'utf8');
    const config = JSON.parse(text);
    const [first, second] = config.integrations[0].tenants.filter((t: { billing: boolean }) => t.billing);
    second.contractId = first.contractId;
    writeFileSync(file, JSON.stringify(config, null, 2));
    try {
      const before = adjustments(env).length;
      for (const args of [['agent', '--once', '--job', 'billing'], ['billing', 'preview']]) {
        const r = await cli(...args);
        expect(r.code, args.join(' ')).toBe(1);
        expect(r.stderr).toMatch(/has values the agent will not run with/);
        expect(r.stderr).toMatch(/is also billed by/);
        expect(r.stderr).toMatch(/kmsp config validate lists every problem/);
      }
      expect(adjustments(env)).toHaveLength(before);
    } finally {
      writeFileSync(file, text);
    }
  });

  it('kmsp agent refuses an unknown job, log level or interval with exit 2 and says what is allowed', async () => {
    const job = await cli('agent', '--once', '--job', 'invoices');
    expect(job.code).toBe(2);
    expect(job.stderr).toContain('Available: billing, tickets');
    const level = await cli('agent', '--log-level', 'loud');
    expect(level.code).toBe(2);
    expect(level.stderr).toContain('error, warn, info, debug');
    // Commander's own usage errors (an unknown option, a missing value) exit 2 as well.
    expect((await cli('agent', '--bogus')).code).toBe(2);
    expect((await cli('agent', '--job')).code).toBe(2);
    const interval = await cli('agent', '--ticket-interval', '0');
    expect(interval.code).toBe(2);
    expect(interval.stderr).toContain('--ticket-interval must be a whole number of seconds');
  });
});
