// A fresh demo configured from the command line alone (kmsp map, services, ticketing set — the
// built binary, as a script would run it) bills exactly what the same configuration bills when it
// is saved through the console's save path (console/accountsSave.ts for the mappings, the session's
// save for the Services and Ticketing tabs): two demos side by side on the same dataset, one per
// path, the same billing run in each, the PSAs' resulting quantities and records compared.
// The configuration itself is an admin's (demo/adminSetup.ts), worked out on a scratch copy.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { saveAccounts } from '../../source/console/accountsSave.js';
import { ConsoleSession } from '../../source/console/session.js';
import { setUpAsAdmin, everyRuleOn } from '../../source/demo/adminSetup.js';
import { startDemo, type DemoEnvironment } from '../../source/demo/environment.js';
import { elsewhereContext, initialAccountsState } from '../../source/domain/accountsDraft.js';
import type { Integration } from '../../source/domain/config.js';
import { calendarDate } from '../../source/domain/dates.js';
import { platformProfile, psaProfile } from '../../source/domain/profiles/index.js';
import type { PicklistValue } from '../../source/domain/types.js';
import { psaSimulator, type SimulatedPlatformKind, type SimulatedPsaKind } from '../../source/simulators/registry.js';
import { openLedger } from '../../source/store/ledger.js';
import { resolvePaths } from '../../source/store/paths.js';
import { runCli } from '../helpers/cli.js';

const dirs: string[] = [];
const demos: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  await Promise.all(demos.map((d) => d.close()));
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function copyOf(configDir: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmsp-cli-configured-'));
  dirs.push(dir);
  for (const name of ['config.json', 'secrets.json']) {
    fs.copyFileSync(path.join(configDir, name), path.join(dir, name));
    fs.chmodSync(path.join(dir, name), 0o600);
  }
  return dir;
}

const CATEGORY = { workstation: 'workstations', server: 'servers', nonWindows: 'non-windows' } as const;

/** The commands an admin types for `target`'s mappings, billing items and ticket rules. */
function commandsFor(target: Integration, general: Record<string, string>): string[][] {
  const out: string[][] = [];
  for (const m of target.tenants) {
    if (m.accountId === null) continue;
    out.push([
      'map',
      m.tenantId,
      m.accountId,
      ...(m.contractId ? ['--contract', m.contractId] : []),
      ...(m.priceLevelId ? ['--price-level', m.priceLevelId] : []),
      '--billing',
      m.billing ? 'on' : 'off',
    ]);
  }
  out.push(['services', 'by-category', target.billing.byCategory ? 'on' : 'off']);
  for (const app of target.billing.applications) {
    if (app.single) out.push(['services', 'map', app.applicationId, app.single.value]);
    for (const slot of ['workstation', 'server', 'nonWindows'] as const) {
      const item = app[slot];
      if (item) out.push(['services', 'map', app.applicationId, item.value, '--category', CATEGORY[slot]]);
    }
  }
  if (Object.keys(general).length > 0) out.push(['ticketing', 'set', 'general', '-', ...Object.entries(general).map(([k, v]) => `${k}=${v}`)]);
  for (const section of platformProfile(target.platform.kind).sections) out.push(['ticketing', 'set', section.id, 'all', 'enabled=on']);
  return out;
}

async function billOnce(configDir: string): Promise<void> {
  const run = await runCli(['--config', configDir, 'agent', '--once', '--job', 'billing'], { env: { NO_COLOR: '1' } });
  expect(run.stderr).toBe('');
  expect(run.code, run.stdout).toBe(0);
}

const sortedTenants = (i: Integration) => [...i.tenants].sort((a, b) => a.tenantId.localeCompare(b.tenantId));
const sortedApps = (i: Integration) => ({ ...i.billing, applications: [...i.billing.applications].sort((a, b) => a.applicationId.localeCompare(b.applicationId)) });

const PAIRS: ReadonlyArray<{ psa: SimulatedPsaKind; platform?: SimulatedPlatformKind }> = [{ psa: 'autotask' }, { psa: 'connectwise' }, { psa: 'tigerpaw' }, { psa: 'autotask', platform: 'kbh' }];

describe.each(PAIRS)('a demo configured with commands only bills as the console would ($psa, platform: $platform)', ({ psa, platform }) => {
  it(
    'same mappings, billing items and rules in the file; same quantities and records in the PSA after billing',
    async () => {
      const viaConsole = (await startDemo({ psa, ...(platform ? { platform } : {}), withTenants: true })) as unknown as DemoEnvironment<SimulatedPsaKind>;
      demos.push(viaConsole);
      const viaCli = (await startDemo({ psa, ...(platform ? { platform } : {}), withTenants: true })) as unknown as DemoEnvironment<SimulatedPsaKind>;
      demos.push(viaCli);

      // What an admin would choose, worked out on a scratch copy of the console demo's files.
      const scratch = copyOf(viaConsole.configDir);
      const { integration: target } = await setUpAsAdmin(resolvePaths({ configDir: scratch }), { actor: 'test', tenants: 6 });
      expect(target.tenants.filter((m) => m.billing).length).toBeGreaterThan(1);

      const general: Record<string, PicklistValue> = {};
      // The console's save path: the Accounts save, then the Services and Ticketing tabs' saves.
      const session = new ConsoleSession({ paths: resolvePaths({ configDir: viaConsole.configDir }), secretBackends: ['file'], actor: 'admin (console)' });
      try {
        const loaded = session.integration('demo')!;
        const state = { ...initialAccountsState(loaded.tenants), draft: target.tenants.map((m) => ({ ...m })) };
        const saved = await saveAccounts(session, 'demo', state, elsewhereContext(loaded, session.config.integrations));
        expect(saved.fields.failures).toEqual([]);
        session.updateIntegration('demo', (i) => ({ ...i, billing: target.billing }), 'Services tab');
        // A General field the PSA offers no default for, needed once rules are on (profile requiredOnceInUse): its first active value.
        const picklists = await session.picklists('demo');
        for (const spec of psaProfile(psa).ticketing.general) {
          const first = picklists[spec.list]?.find((v) => v.active);
          if (spec.requiredOnceInUse && !loaded.ticketing.general[spec.id] && first) general[spec.id] = first;
        }
        const chosen = Object.fromEntries(Object.entries(general).map(([k, v]) => [k, { value: v.value, label: v.label }]));
        session.updateIntegration('demo', (i) => ({ ...i, ticketing: everyRuleOn({ ...i.ticketing, general: { ...i.ticketing.general, ...chosen } }) }), 'Ticketing tab');
      } finally {
        await session.close();
      }

      // The command line alone.
      for (const args of commandsFor(target, Object.fromEntries(Object.entries(general).map(([k, v]) => [k, v.value])))) {
        const r = await runCli(['--config', viaCli.configDir, ...args], { env: { NO_COLOR: '1' } });
        expect(r.code, `kmsp ${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(0);
      }

      const read = (dir: string) => (JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as { integrations: Integration[] }).integrations[0]!;
      const a = read(viaConsole.configDir);
      const b = read(viaCli.configDir);
      // The CLI adds only the tenants it maps; the console's draft kept every listed tenant: compare the mapped ones.
      const mapped = (i: Integration) => sortedTenants(i).filter((m) => m.accountId !== null);
      expect(mapped(b)).toEqual(mapped(a));
      expect(sortedApps(b)).toEqual(sortedApps(a));
      expect(b.ticketing).toEqual(a.ticketing);

      // Every command's change is in the config audit, with the command as its actor.
      const ledger = openLedger({ paths: resolvePaths({ configDir: viaCli.configDir }) });
      try {
        const actors = new Set(ledger.listConfigAudit({ limit: 500 }).map((r) => r.actor.replace(/^.* \(/u, '(')));
        expect([...actors].sort()).toEqual(['(kmsp map)', '(kmsp services by-category)', '(kmsp services map)', '(kmsp ticketing set)']);
      } finally {
        ledger.close();
      }

      await billOnce(viaConsole.configDir);
      await billOnce(viaCli.configDir);
      const entry = psaSimulator(psa);
      const today = calendarDate(new Date(), viaConsole.config.agent.timeZone);
      const snapA = entry.snapshot(viaConsole.psa as never, today);
      const snapB = entry.snapshot(viaCli.psa as never, today);
      expect(Object.keys(snapA.records).length).toBeGreaterThan(0);
      expect(snapB.postings).toEqual(snapA.postings);
      expect(snapB.records).toEqual(snapA.records);
    },
    240_000,
  );
});
