// Vendor text cannot drive the terminal: a KSC virtual server named with escape codes
// (Bad\x1b[31mRed\x1b[0m VS), an Autotask account whose name sets the window title, and a mapped
// tenant gone from KSC, whose error names it. The commands' lines and the agent's plain output
// carry the names without the codes; CSV keeps its bytes in a pipe and is cleaned at a terminal.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantMapping } from '../../source/domain/config.js';
import { binPath, repoRoot, runCli } from '../helpers/cli.js';
import { basicBilling, basicTenants } from './basicFixture.js';
import { fixtureDir, startBillingEnv, type BillingEnv } from './helpers.js';

const RED_NAME = 'Bad\u001b[31mRed\u001b[0m VS';
const TITLE_ACCOUNT = 'Northwind\u001b]0;pwned\u0007 Traders GmbH';
const GONE_NAME = 'Gone\u001b[2J\rVS';
/** Escape sequences and the control characters they are made of, except the line breaks and tabs printed text uses. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;

let env: BillingEnv;
const dirs: string[] = [];

beforeAll(async () => {
  // fixtures/billing-basic with vendor names carrying escape codes (FIXTURE.md: vservers[].dn, companies[].companyName).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmsp-vendor-text-'));
  dirs.push(dir);
  const ksc = JSON.parse(fs.readFileSync(path.join(fixtureDir('billing-basic'), 'ksc.json'), 'utf8')) as { vservers: Array<{ uid: string; dn: string }> };
  ksc.vservers.find((v) => v.uid === 'vs-southside-0002')!.dn = RED_NAME;
  fs.writeFileSync(path.join(dir, 'ksc.json'), JSON.stringify(ksc));
  const at = JSON.parse(fs.readFileSync(path.join(fixtureDir('billing-basic'), 'autotask.json'), 'utf8')) as { companies: Array<{ id: number; companyName: string }> };
  at.companies.find((c) => c.id === 29690001)!.companyName = TITLE_ACCOUNT;
  fs.writeFileSync(path.join(dir, 'autotask.json'), JSON.stringify(at));
  // The names as the console saved them from KSC and Autotask; the third tenant has left KSC since.
  const tenants: TenantMapping[] = [
    { ...basicTenants[0]!, accountName: TITLE_ACCOUNT },
    { ...basicTenants[1]!, tenantName: RED_NAME },
    { tenantId: 'vs-gone-0003', tenantName: GONE_NAME, accountId: '29690002', accountName: 'Southside Bakery', billing: true, contractId: '29690102', contractName: 'Southside – Managed Security' },
  ];
  env = await startBillingEnv(dir, { tenants, billing: basicBilling, timeZone: 'UTC' });
}, 60_000);
afterAll(async () => {
  await env?.close();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli(['--config', env.demo.configDir, ...args], { env: { NO_COLOR: '1' } });

describe('vendor names with escape codes', () => {
  it('billing preview: the skipped line and the error line name the tenants without their codes', async () => {
    const r = await cli('billing', 'preview');
    expect(r.stdout).toContain('1 tenant skipped: billing is off (BadRed VS).');
    expect(r.stdout).toMatch(/: Tenant “GoneVS” \(vs-gone-0003\) is no longer on the platform/u);
    expect(r.stdout).toContain('Northwind Traders GmbH');
    expect(r.stdout).not.toMatch(CONTROL);
    expect(r.stderr).not.toMatch(CONTROL);
  });

  it('agent --once: the plain summary and error lines carry no escape code', async () => {
    const r = await cli('agent', '--once', '--job', 'billing', '--dry-run');
    expect(r.code).toBe(1); // the gone tenant's contract fails
    expect(r.stderr).toContain('Tenant “GoneVS” (vs-gone-0003) is no longer on the platform');
    expect(r.stdout + r.stderr).not.toMatch(CONTROL);
  });

  it('CSV keeps its bytes in a pipe (data), JSON escapes them itself', async () => {
    const csv = await cli('billing', 'preview', '--format', 'csv');
    expect(csv.stdout).toContain(TITLE_ACCOUNT);
    const json = await cli('billing', 'preview', '--format', 'json');
    expect(json.stdout).not.toMatch(CONTROL);
    expect((JSON.parse(json.stdout) as Array<{ account: string }>).map((r) => r.account)).toContain(TITLE_ACCOUNT);
  });

  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript)('CSV written to a terminal is cleaned like every other line (script(1) gives it a pty)', async () => {
    const command = [process.execPath, binPath, '--config', env.demo.configDir, 'billing', 'preview', '--format', 'csv'].map((w) => `'${w}'`).join(' ');
    // Asynchronously: the simulators answer from this process. stdin closed: script(1) would wait for it.
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await new Promise((resolve) => child.on('close', resolve));
    expect(out).toContain('Northwind Traders GmbH');
    // The pty turns each LF into CRLF; anything else would be the vendor's.
    expect(out.replace(/\r\n/g, '\n')).not.toMatch(CONTROL);
  });
});
