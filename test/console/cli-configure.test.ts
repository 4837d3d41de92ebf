// The configuring commands (kmsp list, map, unmap, services, ticketing set, config export|import
// --mappings) run in-process against the demo simulators, each test on its own copy of the demo's
// files: what they print, what they refuse (and that a refusal writes nothing), the tenant name in
// the PSA account's custom field, and the config audit.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { register as registerConfig } from '../../source/commands/config.js';
import { register as registerList } from '../../source/commands/list.js';
import { register as registerMap } from '../../source/commands/map.js';
import { register as registerServices } from '../../source/commands/services.js';
import { register as registerTicketing } from '../../source/commands/ticketing.js';
import type { KmspConfig } from '../../source/domain/config.js';
import { openLedger } from '../../source/store/ledger.js';
import { resolvePaths } from '../../source/store/paths.js';
import { runInProcess, type CliRun } from '../helpers/cli-in-process.js';
import { useDemoConsole } from '../helpers/demo-ui.js';

const demo = useDemoConsole('kmsp-cli-configure-');

/** kmsp with the configuring commands, in this process: what it printed and its exit code. */
function kmsp(dir: string, ...args: string[]): Promise<CliRun> {
  return runInProcess(
    (program, io) => {
      registerList(program, io);
      registerMap(program, io);
      registerServices(program, io);
      registerTicketing(program, io);
      registerConfig(program, { io });
    },
    dir,
    args,
  );
}

const configOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as KmspConfig;
const file = (dir: string) => fs.readFileSync(path.join(dir, 'config.json'), 'utf8');

/** The demo's first tenant and the account its name matches (the fixture's story), by the list commands. */
async function acme(dir: string) {
  const tenants = JSON.parse((await kmsp(dir, 'list', 'tenants', '--format', 'json')).stdout) as Array<{ name: string; id: string }>;
  const accounts = JSON.parse((await kmsp(dir, 'list', 'accounts', '--format', 'json')).stdout) as Array<{ name: string; id: string; tenantName: string | null }>;
  const tenant = tenants.find((t) => t.name === 'Acme & Sons')!;
  const account = accounts.find((a) => a.name === 'Acme and Sons Ltd')!;
  const contracts = JSON.parse((await kmsp(dir, 'list', 'contracts', account.id, '--format', 'json')).stdout) as Array<{ name: string; id: string; billable: boolean }>;
  return { tenant, account, contracts };
}

describe('kmsp list', () => {
  it('lists tenants, accounts, a contract list by account name, items and applications with names and ids, as a table, CSV or JSON', async () => {
    const dir = demo.freshDir();
    const { tenant, account, contracts } = await acme(dir);
    expect(tenant.id).toMatch(/\w/);
    expect(account.tenantName).toBeNull();
    expect(contracts.filter((c) => c.billable).length).toBe(1);
    const byName = await kmsp(dir, 'list', 'contracts', 'acme AND sons ltd');
    expect(byName.code, byName.stderr).toBe(0);
    expect(byName.stdout).toMatch(/2 contracts of “Acme and Sons Ltd” \(id \d+\); only Recurring Service contracts take usage/);
    const csv = await kmsp(dir, 'list', 'items', '--format', 'csv');
    expect(csv.stdout.split('\r\n')[0]).toBe('name,id,active');
    expect((await kmsp(dir, 'list', 'applications')).stdout).toMatch(/\d+ applications\n$/);
    const unknown = await kmsp(dir, 'list', 'contracts', 'Acme');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No Autotask account has the name or id “Acme”');
    expect(unknown.stderr).toContain('“Acme and Sons Ltd” (id');
    expect((await kmsp(dir, 'list', 'items', '--format', 'xml')).code).toBe(2);
  });
});

describe('kmsp map / unmap', () => {
  it('maps by name, writes the tenant name into the account field, audits with the actor and reason; unmap clears it', async () => {
    const dir = demo.freshDir();
    const { contracts } = await acme(dir);
    const billable = contracts.find((c) => c.billable)!;
    const r = await kmsp(dir, 'map', 'Acme & Sons', 'Acme and Sons Ltd', '--contract', billable.name, '--reason', 'onboarding');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Saved 1 mapping; wrote the virtual server name on 1 Autotask account.');
    const row = configOf(dir).integrations[0]!.tenants.find((t) => t.tenantName === 'Acme & Sons')!;
    expect(row).toMatchObject({ accountName: 'Acme and Sons Ltd', billing: true, contractId: billable.id });
    const session = demo.openSession(dir);
    const field = session.integration('demo')!.psa.tenantNameField;
    expect((await session.accounts('demo', true)).find((a) => a.id === row.accountId)!.customFields[field]).toBe('Acme & Sons');
    const audit = openLedger({ paths: resolvePaths({ configDir: dir }) });
    try {
      const last = audit.listConfigAudit({ limit: 1 })[0]!;
      expect(last.actor).toMatch(/ \(kmsp map\)$/);
      expect(last.summary).toContain('(onboarding)');
    } finally {
      audit.close();
    }
    // Again: nothing to change, nothing to write.
    expect((await kmsp(dir, 'map', 'Acme & Sons', 'Acme and Sons Ltd', '--contract', billable.id)).stdout).toContain('Nothing changed');
    const un = await kmsp(dir, 'unmap', 'acme & SONS');
    expect(un.code, un.stderr).toBe(0);
    expect(configOf(dir).integrations[0]!.tenants.find((t) => t.tenantName === 'Acme & Sons')).toMatchObject({ accountId: null, billing: false, contractId: null });
    expect((await session.accounts('demo', true)).find((a) => a.id === row.accountId)!.customFields[field] ?? null).toBeNull();
  });

  it("refuses what the Accounts tab refuses, in its words, and writes nothing", async () => {
    const dir = demo.freshDir();
    const { contracts } = await acme(dir);
    expect((await kmsp(dir, 'map', 'Acme & Sons', 'Acme and Sons Ltd')).code).toBe(0);
    const before = file(dir);
    const taken = await kmsp(dir, 'map', 'Bluebird Dental', 'Acme and Sons Ltd');
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('Not mapped: Autotask account “Acme and Sons Ltd” is already mapped to “Acme & Sons”. Unmap it there first.');
    const noContract = await kmsp(dir, 'map', 'Bluebird Dental', 'Bluebird Dental Group', '--billing', 'on');
    expect(noContract.code).toBe(1);
    expect(noContract.stderr).toContain('“Bluebird Dental”: billing is on but no contract is chosen.');
    const otherAccount = await kmsp(dir, 'map', 'Bluebird Dental', 'Bluebird Dental Group', '--contract', contracts[0]!.id);
    expect(otherAccount.stderr).toContain('belongs to another account, not “Bluebird Dental Group”');
    const hours = await kmsp(dir, 'map', 'Acme & Sons', 'Acme and Sons Ltd', '--contract', contracts.find((c) => !c.billable)!.id);
    expect(hours.stderr).toContain('is not a Recurring Service contract');
    expect((await kmsp(dir, 'map', 'Acme & Sons', 'Acme and Sons Ltd', '--price-level', 'Retail')).stderr).toContain('prices usage itself');
    expect((await kmsp(dir, 'map', 'Acme & Sons', 'Acme and Sons Ltd', '--billing', 'maybe')).stderr).toContain('--billing takes on or off');
    expect(file(dir)).toBe(before);
  });

  it('with several integrations, asks which one, naming them; an unusable config file is refused and left as it is', async () => {
    const dir = demo.freshDir();
    const config = configOf(dir);
    const second = { ...config.integrations[0]!, name: 'second', tenants: [] };
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...config, integrations: [...config.integrations, second] }, null, 2));
    const before = file(dir);
    const r = await kmsp(dir, 'map', 'Acme & Sons', 'Acme and Sons Ltd');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Which integration? This configuration has several');
    expect(r.stderr).toContain('Configured: demo, second.');
    expect(r.stderr).toContain('--integration');
    expect((await kmsp(dir, 'map', 'Acme & Sons', 'Acme and Sons Ltd', '--integration', 'nope')).stderr).toContain('No integration named “nope”');
    expect(file(dir)).toBe(before);

    fs.writeFileSync(path.join(dir, 'config.json'), '{ not json');
    const broken = await kmsp(dir, 'map', 'Acme & Sons', 'Acme and Sons Ltd');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('cannot be used; it was left unchanged');
    expect(file(dir)).toBe('{ not json');
    expect(fs.readdirSync(dir).filter((f) => f.includes('corrupt'))).toEqual([]);
  });
});

describe('kmsp services and kmsp ticketing set', () => {
  it("sets billing items per category with the Services tab's rules; refuses a category the application is not installed on", async () => {
    const dir = demo.freshDir();
    const server = 'Kaspersky Security for Windows Server';
    const off = await kmsp(dir, 'services', 'map', server, server, '--category', 'servers');
    expect(off.code).toBe(1);
    expect(off.stderr).toContain('billing by category is off');
    expect((await kmsp(dir, 'services', 'by-category', 'on')).code).toBe(0);
    const wrong = await kmsp(dir, 'services', 'map', server, server, '--category', 'workstations');
    expect(wrong.stderr).toContain(`“${server}” is installed on Windows servers only`);
    const ok = await kmsp(dir, 'services', 'map', server, server);
    expect(ok.code, ok.stderr).toBe(0);
    const select = 'Kaspersky Endpoint Security for Business Select';
    const partly = await kmsp(dir, 'services', 'map', select, 'KESB Select – Workstation', '--category', 'workstations');
    expect(partly.code).toBe(0);
    expect(partly.stderr).toContain('has 1 of 3 billing items; its Windows servers and Non-Windows devices are not billed');
    const both = await kmsp(dir, 'services', 'map', select, 'KESB Select – Server', '--category', 'servers,non-windows');
    expect(both.stderr).toBe('');
    const apps = configOf(dir).integrations[0]!.billing.applications;
    expect(apps.find((a) => a.applicationId === server)).toMatchObject({ server: { label: server }, workstation: null });
    expect(apps.find((a) => a.applicationId === select)).toMatchObject({ workstation: { label: 'KESB Select – Workstation' }, server: { label: 'KESB Select – Server' }, nonWindows: { label: 'KESB Select – Server' } });
    // One item for two applications: the domain rule the console's save applies.
    const twice = await kmsp(dir, 'services', 'map', 'Kaspersky Endpoint Security for Business Advanced', 'KESB Select – Server', '--category', 'servers');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('is also chosen for');
  });

  it('sets rule rows and General fields by key or label; refuses what the Ticketing tab refuses, writing nothing', async () => {
    const dir = demo.freshDir();
    const set = await kmsp(dir, 'ticketing', 'set', 'Events', 'Critical', 'enabled=on', 'Priority=High', 'queue=Security Operations');
    expect(set.code, set.stderr).toBe(0);
    const rule = configOf(dir).integrations[0]!.ticketing.sections.events!.find((r) => r.key === 'critical')!;
    expect(rule.enabled).toBe(true);
    expect(rule.fields.priority?.label).toBe('High');
    expect(rule.fields.queue?.label).toBe('Security Operations');
    expect((await kmsp(dir, 'ticketing', 'set', 'general', '-', 'source=Monitoring Alert')).code).toBe(0);
    expect(configOf(dir).integrations[0]!.ticketing.general.source?.label).toBe('Monitoring Alert');
    const before = file(dir);
    const zero = await kmsp(dir, 'ticketing', 'set', 'events', 'all', 'enabled=on', 'lifetime=0');
    expect(zero.code).toBe(1);
    expect(zero.stderr).toContain('Lifetime must be a whole number of days from 1 to 365');
    const key = await kmsp(dir, 'ticketing', 'set', 'events', 'critical', 'colour=red');
    expect(key.stderr).toContain('Unknown key “colour”');
    expect(key.stderr).toContain('enabled, lifetime, due, queue (Queue)');
    expect((await kmsp(dir, 'ticketing', 'set', 'events', 'critical', 'priority=Urgent')).stderr).toContain('No priority value has the name or id “Urgent”');
    expect(file(dir)).toBe(before);
  });
});

describe('kmsp config export|import --mappings', () => {
  it('imports all or nothing: every bad record reported with its line, cause and remedy; then the good file applies and round-trips', async () => {
    const dir = demo.freshDir();
    const before = file(dir);
    const csv = path.join(dir, 'onboard.csv');
    fs.writeFileSync(
      csv,
      [
        'tenantName,accountName,contractName,billing',
        'Acme & Sons,Acme and Sons Ltd,Acme and Sons Ltd – Managed Security,on',
        'Bluebird Dental,Acme and Sons Ltd,,',
        'Nobody,Bluebird Dental Group,,',
        'Carter Logistics,Carter Logistics Inc.,,sometimes',
      ].join('\r\n'),
    );
    const offline = await kmsp(dir, 'config', 'import', '--mappings', csv);
    expect(offline.code).toBe(1);
    // Without --online names are not looked up: a tenant not in the integration yet needs its id.
    expect(offline.stderr).toContain('line 2: No tenant id');
    expect(offline.stderr).toContain('Remedy: Give the tenantId (kmsp list tenants), or import with --online.');
    const bad = await kmsp(dir, 'config', 'import', '--mappings', csv, '--online');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('has 3 problems; nothing was changed');
    expect(bad.stderr).toMatch(/line 3: Autotask account “Acme and Sons Ltd” is already mapped to “Acme & Sons”/);
    expect(bad.stderr).toMatch(/line 4: No virtual server has the name or id “Nobody”/);
    expect(bad.stderr).toMatch(/line 5: billing takes on or off, not “sometimes”/);
    expect(file(dir)).toBe(before);

    fs.writeFileSync(csv, ['tenantName,accountName,contractName,billing', 'Acme & Sons,Acme and Sons Ltd,Acme and Sons Ltd – Managed Security,on', 'Bluebird Dental,Bluebird Dental Group,,off', ''].join('\n'));
    const good = await kmsp(dir, 'config', 'import', '--mappings', csv, '--online');
    expect(good.code, good.stderr).toBe(0);
    // The tests share one PSA: a name an earlier test left in place is not written again.
    expect(good.stdout).toMatch(/Saved 2 mappings; wrote the virtual server name on [12] Autotask accounts?\./);
    const session = demo.openSession(dir);
    const field = session.integration('demo')!.psa.tenantNameField;
    const names = new Map((await session.accounts('demo', true)).map((a) => [a.name, a.customFields[field]]));
    expect([names.get('Acme and Sons Ltd'), names.get('Bluebird Dental Group')]).toEqual(['Acme & Sons', 'Bluebird Dental']);
    const exported = path.join(dir, 'mappings.csv');
    expect((await kmsp(dir, 'config', 'export', '--mappings', exported)).code).toBe(0);
    const text = fs.readFileSync(exported, 'utf8');
    expect(text.split('\r\n')[0]).toBe('integration,tenantId,tenantName,accountId,accountName,billing,contractId,contractName,priceLevelId,priceLevelName');
    expect(text).toMatch(/demo,[^,]+,Acme & Sons,\d+,Acme and Sons Ltd,on,\d+,Acme and Sons Ltd – Managed Security,,/);
    // What export wrote imports back (ids, no lookups) as no change.
    const again = await kmsp(dir, 'config', 'import', '--mappings', exported);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('Nothing changed');
  });
});
