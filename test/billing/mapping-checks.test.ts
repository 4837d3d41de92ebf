// Billing never posts to a contract that is not the customer's: each mapped tenant is checked
// against the live PSA before planning. On the demo, four tenants are broken the ways a
// hand-edited or stale config breaks — another customer's contract, a contract of a type that
// takes no usage, an inactive contract, a contract that has ended — and two billing items are
// missing or inactive. Preview, doctor, `config validate --online`, `config import` and the
// agent name each problem with cause and remedy, post nothing for those tenants, and bill the
// others exactly as the fixture says.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BillingSettings, TenantMapping } from '../../source/domain/config.js';
import { runCli } from '../helpers/cli.js';
import { billing, expectedPostings, MAPPED } from './demoMapping.js';
import { adjustments, startBillingEnv, type BillingEnv } from './helpers.js';

const billed = MAPPED.filter((m) => m.billing);
const [foreign, blockHours, inactive, ended, moved] = billed;
const MISSING_ITEM = '29684699';
const ksws = billing.applications.find((a) => a.server && !a.workstation)!;
const INACTIVE_ITEM = billing.applications.find((a) => a.nonWindows)!.nonWindows!.value;

let env: BillingEnv;
let otherContract: { id: string; name: string; owner: string };
/** Another customer's account and contract, whose tenant-name field names its own tenant. */
let otherAccount: { id: string; name: string; contractId: string };
const cli = (...args: string[]) => runCli(['--config', env.demo.configDir, ...args], { env: { NO_COLOR: '1', COLUMNS: '200' } });

beforeAll(async () => {
  env = await startBillingEnv('demo', { tenants: MAPPED, billing, timeZone: 'UTC' });
  const sim = env.demo.autotask;
  // A Recurring Service contract of a customer no tenant is mapped to.
  const mappedAccounts = new Set(MAPPED.map((m) => Number(m.accountId)));
  const other = sim.state.contracts.find((c) => c.contractType === 7 && c.status === 1 && !mappedAccounts.has(Number(c.companyID)))!;
  otherContract = { id: String(other.id), name: String(other.contractName), owner: String(sim.state.companies.find((c) => c.id === other.companyID)!.companyName) };
  // A second unmapped customer, marked in its tenant-name field as kmsp's mapping of its own tenant.
  const second = sim.state.contracts.find((c) => c.contractType === 7 && c.status === 1 && !mappedAccounts.has(Number(c.companyID)) && c.companyID !== other.companyID)!;
  otherAccount = { id: String(second.companyID), name: String(sim.state.companies.find((c) => c.id === second.companyID)!.companyName), contractId: String(second.id) };
  const c = await env.connect();
  try {
    await c.psa.setAccountField(otherAccount.id, env.integration.psa.tenantNameField, 'Its Own Tenant');
  } finally {
    await c.close();
  }
  // The PSA changed under the config: a contract retyped, one deactivated, one ended, an item retired.
  sim.updateRecord('Contracts', Number(blockHours!.contractId), { contractType: 4 });
  sim.updateRecord('Contracts', Number(inactive!.contractId), { status: 0 });
  sim.updateRecord('Contracts', Number(ended!.contractId), { endDate: '2020-12-31T00:00:00' });
  sim.updateRecord('Services', Number(INACTIVE_ITEM), { isActive: false });
  // The config as a hand edit left it: the first tenant on another customer's contract, and an item id that does not exist.
  // And a tenant moved, account and contract both, to another customer: every contract check passes.
  const tenants: TenantMapping[] = MAPPED.map((m) =>
    m === foreign ? { ...m, contractId: otherContract.id, contractName: 'Managed Security' } : m === moved ? { ...m, accountId: otherAccount.id, contractId: otherAccount.contractId } : m,
  );
  const settings: BillingSettings = {
    ...billing,
    applications: billing.applications.map((a) => (a === ksws ? { ...a, server: { value: MISSING_ITEM, label: 'KSWS (old)' } } : a)),
  };
  const file = path.join(env.demo.configDir, 'config.json');
  const config = JSON.parse((await import('node:fs')).readFileSync(file, 'utf8'));
  config.integrations[0].tenants = tenants;
  config.integrations[0].billing = settings;
  writeFileSync(file, JSON.stringify(config, null, 2));
}, 60_000);
afterAll(async () => env?.close());

/** Units of each contract on an item in today's period. */
function heldOn(item: string): Map<string, number> {
  const today = new Date().toISOString().slice(0, 10);
  const out = new Map<string, number>();
  for (const u of env.demo.autotask.state.units) {
    if (String(u.serviceID) === item && String(u.startDate).slice(0, 10) <= today && today <= String(u.endDate).slice(0, 10)) out.set(String(u.contractID), Number(u.units));
  }
  return out;
}

/**
 * Contracts a bad item stops: those holding units on it, or whose usage wants some of it (the
 * usage the fixture counts for `countedAs`, the item the bad one replaced in the config).
 */
function stoppedBy(item: string, countedAs = item): Set<string> {
  const out = new Set([...heldOn(item)].filter(([, units]) => units !== 0).map(([c]) => c));
  const wanted = heldOn(countedAs);
  for (const [c, s, delta] of expectedPostings(Date.now())) if (String(s) === countedAs) wanted.set(String(c), (wanted.get(String(c)) ?? 0) + delta);
  for (const [c, after] of wanted) if (after > 0) out.add(c);
  // Only contracts the config bills: the first tenant's own contract is no longer mapped.
  const planned = new Set(billed.filter((m) => m !== foreign && m !== moved).map((m) => m.contractId!));
  return new Set([...out].filter((c) => planned.has(c)));
}

/** Contracts the preview shows refused (the first tenant's is now the other customer's contract). */
function expectedStops(): Set<string> {
  return new Set([otherContract.id, otherAccount.contractId, blockHours!.contractId!, inactive!.contractId!, ended!.contractId!, ...stoppedBy(INACTIVE_ITEM), ...stoppedBy(MISSING_ITEM, ksws.server!.value)]);
}

/** Contracts that get nothing: the refused ones, and the own contracts of the two tenants the config moved. */
const notBilled = () => new Set([...expectedStops(), foreign!.contractId!, moved!.contractId!]);

/** The fixture's postings for the contracts still billed, without the item the config no longer maps (the missing one replaced it). */
const othersExpected = () => expectedPostings(Date.now()).filter(([c, s]) => !notBilled().has(String(c)) && String(s) !== ksws.server!.value);

const messages = {
  moved: () => new RegExp(`Account “${otherAccount.name}” \\(${otherAccount.id}\\) says in its “Kaspersky Tenant” field that it belongs to “Its Own Tenant”, not to “${moved!.tenantName}” mapped to it`),
  foreign: () => new RegExp(`Contract “[^”]+” \\(${otherContract.id}\\) belongs to “${otherContract.owner}” \\(\\d+\\), not to “${foreign!.accountName}”`),
  blockHours: () => new RegExp(`Contract “[^”]+” \\(${blockHours!.contractId}\\) of “${blockHours!.accountName}” \\(\\d+\\) is a Block Hours contract, which takes no usage postings`),
  inactive: () => new RegExp(`Contract “[^”]+” \\(${inactive!.contractId}\\) of “${inactive!.accountName}” \\(\\d+\\) is not active`),
  ended: () => new RegExp(`Contract “[^”]+” \\(${ended!.contractId}\\) of “${ended!.accountName}” \\(\\d+\\) runs \\d{4}-\\d\\d-\\d\\d to 2020-12-31`),
  missingItem: () => new RegExp(`Service “KSWS \\(old\\)” \\(${MISSING_ITEM}\\) chosen for “${ksws.applicationName}” does not exist in the PSA`),
  inactiveItem: () => new RegExp(`Service “[^”]+” \\(${INACTIVE_ITEM}\\) chosen for “[^”]+” is inactive in the PSA`),
};

describe('billing mappings checked against the live PSA', () => {
  it('the preview names each refused tenant with cause and remedy, and plans the others', async () => {
    const table = await cli('billing', 'preview');
    expect(table.code).toBe(1);
    for (const m of Object.values(messages)) expect(table.stdout).toMatch(m());
    expect(table.stdout).toMatch(/Cause: posting “[^”]+”'s usage there would bill another customer|cause: posting/);
    expect(table.stdout).toContain('On the Accounts tab, choose a contract of');

    const json = await cli('billing', 'preview', '--format', 'json');
    const rows = JSON.parse(json.stdout) as Array<{ contractId: string; billingItemId: string; delta: number | null; error: string }>;
    const stopped = new Set(rows.filter((r) => r.error).map((r) => r.contractId));
    expect([...stopped].sort()).toEqual([...expectedStops()].sort());
    const planned = rows.filter((r) => !r.error && r.delta).map((r) => [Number(r.contractId), Number(r.billingItemId), r.delta]).sort();
    const others = othersExpected();
    expect(others.length).toBeGreaterThan(0);
    expect(planned).toEqual(others);
  });

  it('doctor fails each problem with cause and remedy', async () => {
    const doctor = await cli('doctor');
    expect(doctor.code).toBe(1);
    for (const m of Object.values(messages)) expect(doctor.stdout).toMatch(m());
    expect(doctor.stdout).toMatch(/✗ Billing mapping: Contract/);
    expect(doctor.stdout).toMatch(/Remedy: On the Services tab, choose an active service/);
  });

  it('config validate --online lists the problems at their config paths; without --online the file is valid', async () => {
    const offline = await cli('config', 'validate');
    expect(offline.code, offline.stderr).toBe(0);
    const online = await cli('config', 'validate', '--online');
    expect(online.code).toBe(1);
    expect(online.stderr).toMatch(/is valid, but 7 billing mapping problems against the PSA/);
    expect(online.stderr).toMatch(new RegExp(`integrations\\[0\\]\\.tenants\\[${MAPPED.indexOf(foreign!)}\\]\\.contractId: ${messages.foreign().source}`));
    expect(online.stderr).toMatch(new RegExp(`integrations\\[0\\]\\.billing\\.applications\\[${billing.applications.indexOf(ksws)}\\]\\.server: ${messages.missingItem().source}`));
  });

  it('config import refuses the file and keeps the current one; --offline imports it', async () => {
    const file = path.join(env.demo.configDir, 'config.json');
    const copy = path.join(env.demo.configDir, 'hand-edited.json');
    const text = (await import('node:fs')).readFileSync(file, 'utf8');
    // One harmless change besides the mappings, so the file is not the one in force.
    writeFileSync(copy, text.replace(/"ticketPollSeconds": \d+/, '"ticketPollSeconds": 300'));
    const refused = await cli('config', 'import', copy);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Not imported: .* has 7 billing mapping problems against the PSA/);
    expect(refused.stderr).toMatch(/left unchanged/);
    expect((await import('node:fs')).readFileSync(file, 'utf8')).toBe(text);
    const forced = await cli('config', 'import', copy, '--offline');
    expect(forced.code, forced.stderr).toBe(0);
    writeFileSync(file, text);
  });

  it('the agent posts nothing for the refused tenants, bills the others, and says why in its summary', async () => {
    const run = await cli('agent', '--once', '--job', 'billing');
    expect(run.code).toBe(1);
    const out = run.stdout + run.stderr;
    for (const m of Object.values(messages)) expect(out).toMatch(m());
    const stops = notBilled();
    const touched = new Set(adjustments(env).map(([c]) => String(c)));
    for (const c of stops) expect(touched.has(c), `contract ${c} was posted to`).toBe(false);
    expect(adjustments(env).sort()).toEqual(othersExpected());
  });
});
