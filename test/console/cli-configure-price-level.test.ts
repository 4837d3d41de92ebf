// The configuring commands on a PSA that prices usage at a price level chosen per account (the
// Tigerpaw demo): kmsp map takes the price level by name, a billed mapping without one is refused as
// the Accounts tab refuses it, and kmsp config import --mappings --online looks price levels up too.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { register as registerConfig } from '../../source/commands/config.js';
import { register as registerList } from '../../source/commands/list.js';
import { register as registerMap } from '../../source/commands/map.js';
import type { KmspConfig } from '../../source/domain/config.js';
import { runInProcess, type CliRun } from '../helpers/cli-in-process.js';
import { useDemoConsole } from '../helpers/demo-ui.js';

const demo = useDemoConsole('kmsp-cli-price-level-', { psa: 'tigerpaw' });

function kmsp(dir: string, ...args: string[]): Promise<CliRun> {
  return runInProcess(
    (program, io) => {
      registerList(program, io);
      registerMap(program, io);
      registerConfig(program, { io });
    },
    dir,
    args,
  );
}

const rowOf = (dir: string, tenantName: string) => (JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as KmspConfig).integrations[0]!.tenants.find((t) => t.tenantName === tenantName);

describe('price levels from the command line', () => {
  it('kmsp map needs and takes the price level by name; import --online looks it up', async () => {
    const dir = demo.freshDir();
    const levels = JSON.parse((await kmsp(dir, 'list', 'price-levels', '--format', 'json')).stdout) as Array<{ id: string; name: string }>;
    expect(levels.map((l) => l.name)).toContain('Standard');
    const contracts = JSON.parse((await kmsp(dir, 'list', 'contracts', 'Acme and Sons Ltd', '--format', 'json')).stdout) as Array<{ id: string; name: string; billable: boolean }>;
    const billable = contracts.find((c) => c.billable)!;
    const without = await kmsp(dir, 'map', 'Acme & Sons', 'Acme and Sons Ltd', '--contract', billable.id);
    expect(without.code).toBe(1);
    expect(without.stderr).toContain('“Acme & Sons”: billing is on but no price level is chosen.');
    expect(without.stderr).toContain('--price-level P (kmsp list price-levels)');
    const withLevel = await kmsp(dir, 'map', 'Acme & Sons', 'Acme and Sons Ltd', '--contract', billable.id, '--price-level', 'standard');
    expect(withLevel.code, withLevel.stderr).toBe(0);
    expect(withLevel.stdout).toContain('price level “Standard”; billing on.');
    expect(rowOf(dir, 'Acme & Sons')).toMatchObject({ billing: true, contractId: billable.id, priceLevelName: 'Standard' });

    const csv = path.join(dir, 'levels.csv');
    fs.writeFileSync(csv, `tenantName,accountName,priceLevelName\nBluebird Dental,Bluebird Dental Group,Nonexistent\n`);
    const bad = await kmsp(dir, 'config', 'import', '--mappings', csv, '--online');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('line 2: No price level has the name or id “Nonexistent”');
    fs.writeFileSync(csv, `tenantName,accountName,priceLevelName\nBluebird Dental,Bluebird Dental Group,Standard\n`);
    const good = await kmsp(dir, 'config', 'import', '--mappings', csv, '--online');
    expect(good.code, good.stderr).toBe(0);
    expect(rowOf(dir, 'Bluebird Dental')).toMatchObject({ accountName: 'Bluebird Dental Group', billing: false, priceLevelName: 'Standard' });
  });
});
