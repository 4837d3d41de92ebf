// End to end on the demo fixtures through the CLI, as an MSP runs it: several tenants mapped
// (the config the Accounts and Services tabs write), `kmsp agent --once --job billing`, a rerun,
// dry run, preview and ledger export. The expected postings are computed here from the fixture
// files themselves, not with the engine.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BillingSettings, TenantMapping } from '../../source/domain/config.js';
import { openLedger } from '../../source/store/ledger.js';
import { runCli } from '../helpers/cli.js';
import { adjustments, fixtureDir, posts, startBillingEnv, type BillingEnv } from './helpers.js';

interface KscKey { serial: string; productName: string; type: string; expiry?: string | null; subscription?: { state?: string } | null; current?: string[] }
interface KscVs { uid: string; dn: string; devices: Array<{ hostname: string; ctype: number }>; keys: KscKey[] }
const ksc = JSON.parse(readFileSync(`${fixtureDir('demo')}/ksc.json`, 'utf8')) as { vservers: KscVs[] };
const at = JSON.parse(readFileSync(`${fixtureDir('demo')}/autotask.json`, 'utf8')) as {
  companies: Array<{ id: number; companyName: string; isActive: boolean }>;
  contracts: Array<{ id: number; companyID: number; contractName: string; contractType: number }>;
  contractServices: Array<{ contractID: number; serviceID: number; units: number }>;
};
const customers = (JSON.parse(readFileSync(`${fixtureDir('demo')}/customers.json`, 'utf8')) as { customers: Array<{ tenant: string; account: string }> }).customers;

const ADV = 'Kaspersky Endpoint Security for Business Advanced';
const SEL = 'Kaspersky Endpoint Security for Business Select';
const KSWS = 'Kaspersky Security for Windows Server';
const choice = (value: number, label: string) => ({ value: String(value), label });
const billing: BillingSettings = {
  byCategory: true,
  applications: [
    { applicationId: ADV, applicationName: ADV, single: null, workstation: choice(29684601, 'KES Advanced – Workstation'), server: choice(29684602, 'KES Advanced – Server'), nonWindows: choice(29684603, 'KES Advanced – Non-Windows') },
    { applicationId: SEL, applicationName: SEL, single: null, workstation: choice(29684604, 'KESB Select – Workstation'), server: choice(29684605, 'KESB Select – Server'), nonWindows: choice(29684606, 'KESB Select – Non-Windows') },
    { applicationId: KSWS, applicationName: KSWS, single: null, workstation: null, server: choice(29684607, 'Kaspersky Security for Windows Server'), nonWindows: null },
  ],
};

// The mappings an admin would accept: each customer's tenant → its account → its Recurring Service contract.
const tenants: TenantMapping[] = [];
for (const c of customers) {
  const vs = ksc.vservers.find((v) => v.dn === c.tenant);
  const company = at.companies.find((a) => a.companyName === c.account && a.isActive);
  const contract = company && at.contracts.find((k) => k.companyID === company.id && k.contractType === 7);
  if (!vs || !company || !contract) continue;
  tenants.push({ tenantId: vs.uid, tenantName: vs.dn, accountId: String(company.id), accountName: company.companyName, billing: true, contractId: String(contract.id), contractName: contract.contractName });
}
const MAPPED = tenants.slice(0, 12);
MAPPED[MAPPED.length - 1] = { ...MAPPED[MAPPED.length - 1]!, billing: false }; // one with billing off: skipped

/** "now+104d", "now-2h30m" → instant, as the fixture means it (relative to the simulator's start ≈ now). */
function relative(text: string, now: number): Date {
  if (!text.startsWith('now')) return new Date(text);
  let ms = now;
  for (const [, sign, n, unit] of text.slice(3).matchAll(/([+-]?)(\d+)([smhd])/g)) {
    ms += (sign === '-' ? -1 : 1) * Number(n) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[unit as 's']!;
  }
  return new Date(ms);
}

function expectedPostings(now: number): Array<[number, number, number]> {
  const today = new Date(now).toISOString().slice(0, 10);
  const out: Array<[number, number, number]> = [];
  for (const m of MAPPED.filter((t) => t.billing)) {
    const vs = ksc.vservers.find((v) => v.uid === m.tenantId)!;
    const category = new Map(vs.devices.map((d) => [d.hostname, d.ctype & 0x8000 ? 'server' : d.ctype & 0x1000 ? 'workstation' : 'nonWindows'] as const));
    const want = new Map<number, number>();
    for (const app of billing.applications) {
      for (const k of ['workstation', 'server', 'nonWindows'] as const) if (app[k]) want.set(Number(app[k]!.value), 0);
      const used = new Set<string>();
      for (const key of vs.keys.filter((k) => k.productName === app.applicationId)) {
        const typeOk = key.type === 'commercial' ? !key.subscription?.state || key.subscription.state === 'active' : key.type === 'subscription' ? (key.subscription?.state ?? 'active') === 'active' : false;
        const unexpired = !key.expiry || relative(key.expiry, now).toISOString().slice(0, 10) >= today;
        if (typeOk && unexpired) for (const h of key.current ?? []) if (category.has(h)) used.add(h);
      }
      for (const h of used) {
        const item = app[category.get(h)!];
        if (item) want.set(Number(item.value), want.get(Number(item.value))! + 1);
      }
    }
    for (const [service, quantity] of want) {
      const held = at.contractServices.find((cs) => cs.contractID === Number(m.contractId) && cs.serviceID === service)?.units ?? 0;
      if (quantity !== held) out.push([Number(m.contractId), service, quantity - held]);
    }
  }
  return out.sort();
}

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
    expect(dry.stdout).toMatch(/dry run: nothing written\): 11 contracts, \d+ postings to make, 0 errors, 1 skipped; \d+ requests/);
    const preview = await cli('billing', 'preview', '--format', 'json');
    expect(preview.code, preview.stderr).toBe(0);
    const rows = JSON.parse(preview.stdout) as Array<{ contractId: string; billingItemId: string; current: number; new: number; delta: number }>;
    const changes = rows.filter((r) => r.delta !== 0).map((r) => [Number(r.contractId), Number(r.billingItemId), r.delta]).sort();
    expect(changes).toEqual(expectedPostings(Date.now()));
    const table = await cli('billing', 'preview');
    expect(table.stdout).toContain('nothing is written');
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

  it('the postings equal the list computed from the fixtures; a rerun posts nothing; the ledger export lists them', async () => {
    const expected = expectedPostings(Date.now());
    expect(expected.length).toBeGreaterThan(5);
    const run = await cli('agent', '--once', '--job', 'billing');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`11 contracts, ${expected.length} postings, 0 errors, 1 skipped`);
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

  it('kmsp agent refuses an unknown job, log level or interval with exit 2 and says what is allowed', async () => {
    const job = await cli('agent', '--once', '--job', 'invoices');
    expect(job.code).toBe(2);
    expect(job.stderr).toContain('Available: billing, tickets');
    const level = await cli('agent', '--log-level', 'loud');
    expect(level.code).toBe(2);
    expect(level.stderr).toContain('error, warn, info, debug');
    const interval = await cli('agent', '--ticket-interval', '0');
    expect(interval.code).toBe(2);
    expect(interval.stderr).toContain('--ticket-interval must be a whole number of seconds');
  });
});
