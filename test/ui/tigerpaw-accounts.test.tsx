// The Accounts tab on a Tigerpaw integration (over the demo simulators): a PSA that prices usage
// at a price level chosen per account (profile posting.priceLevel) and bills an account only when
// it is cross-referenced to the integration's External Product (the port's billingReadiness).
// The Price level column and its chooser (p), the Save blocker for a billed account without one,
// and the readiness warning with Tigerpaw's problem and remedy.
import { createElement } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ConsoleSession } from '../../source/console/session.js';
import type { KmspConfig, TenantMapping } from '../../source/domain/config.js';
import { integrationSecrets } from '../../source/domain/secretNames.js';
import { openConfig } from '../../source/store/config.js';
import { resolvePaths } from '../../source/store/paths.js';
import { openSecretStore } from '../../source/store/secrets.js';
import { ConsoleRoot } from '../../source/ui/console-root.js';
import { useDemoConsole } from '../helpers/demo-ui.js';
import { frameLines, press, renderUi, type as typeText, waitForFrame, type RenderedUi } from '../helpers/ink.js';

const env = useDemoConsole('kmsp-tp-ui-', { psa: 'tigerpaw' });

const LOADED = /\d+ virtual servers in KSC · \d+ Tigerpaw accounts/;

/**
 * Four customers of the demo story as an admin would have them: Acme billed at "Standard",
 * Bluebird billed with no price level yet, Tidewater billed at "Preferred" but not
 * cross-referenced to the External Product, Carter mapped with billing off.
 */
async function mappings(): Promise<TenantMapping[]> {
  const session = new ConsoleSession({ paths: resolvePaths({ configDir: env.demo.configDir }), secretBackends: ['file'] });
  try {
    const [tenants, accounts, contracts, levels] = await Promise.all([session.tenants('demo'), session.accounts('demo'), session.contracts('demo'), session.priceLevels('demo')]);
    const row = (tenant: string, account: string, billing: boolean, level: string | null): TenantMapping => {
      const t = tenants.find((x) => x.name === tenant)!;
      const a = accounts.find((x) => x.name === account)!;
      const c = contracts.find((x) => x.accountId === a.id && x.recurring && x.active)!;
      const l = level === null ? undefined : levels.find((x) => x.name === level)!;
      return { tenantId: t.id, tenantName: t.name, accountId: a.id, accountName: a.name, billing, contractId: c.id, contractName: c.name, ...(l ? { priceLevelId: l.id, priceLevelName: l.name } : {}) };
    };
    return [
      row('Acme & Sons', 'Acme and Sons Ltd', true, 'Standard'),
      row('Bluebird Dental', 'Bluebird Dental Group', true, null),
      row('Carter Logistics', 'Carter Logistics Inc.', false, null),
      row('Tidewater Freight', 'Tidewater Freight Ltd.', true, 'Preferred'),
    ];
  } finally {
    await session.close();
  }
}

async function folder(): Promise<string> {
  const dir = env.freshDir({ withDemo: false });
  const paths = resolvePaths({ configDir: dir });
  const demoConfig = openConfig({ paths: resolvePaths({ configDir: env.demo.configDir }), onNotice: () => {} }).load();
  const integration = { ...demoConfig.integrations[0]!, tenants: await mappings() };
  const config: KmspConfig = { ...demoConfig, integrations: [integration] };
  const secrets = openSecretStore({ paths, backends: ['file'], onWarning: () => {} });
  const from = openSecretStore({ paths: resolvePaths({ configDir: env.demo.configDir }), backends: ['file'], onWarning: () => {} });
  for (const spec of integrationSecrets(integration)) await secrets.set(spec.name, (await from.get(spec.name))!);
  openConfig({ paths, onNotice: () => {} }).save(config, { actor: 'test' });
  return dir;
}

function open(dir: string, size: { columns: number; rows: number }): { ui: RenderedUi; session: ConsoleSession } {
  const session = env.openSession(dir);
  const ui = renderUi(createElement(ConsoleRoot, { session, initialIntegration: 'demo', initialTab: 'accounts', noticeTimeoutMs: 0, onExit: vi.fn(), now: () => new Date('2026-06-02T08:00:00Z') }), size);
  return { ui, session };
}

/** Ports and the agreements' start dates (relative to the simulator's today) do not belong in a snapshot. */
const stable = (frame: string) => frame.replace(/(localhost|127\.0\.0\.1):\d+/g, '$1:PORT').replace(/\d{4}-\d{2}-\d{2}/g, 'YYYY-MM-DD');

/** Loaded, with the readiness answered and the suggestions computed (at 80 columns the data line ends "· f…" while they are). */
async function loaded(ui: RenderedUi): Promise<string> {
  return waitForFrame(ui, (f) => LOADED.test(f) && f.includes('1 not ready for billing') && !/· f…|finding suggestions/.test(f), 15_000);
}

function rowOf(frame: string, tenant: string): string {
  return frameLines(frame).find((l) => l.includes(tenant)) ?? '';
}

describe('the Accounts tab on a PSA with price levels and billing readiness', () => {
  it.each([
    [80, 24],
    [120, 35],
  ])('the Price level column after the agreement; a billed account without one blocks Save; one not ready for billing is flagged with the PSA’s problem and remedy (%i×%i)', async (columns, rows) => {
    const { ui } = open(await folder(), { columns, rows });
    const first = await loaded(ui);
    const header = frameLines(first).find((l) => /Virtual server\s{2,}/.test(l))!;
    // Every column in view, none hidden (no »), the price level's title whole.
    expect(header).toMatch(/Virtual server\s+Tigerpaw accou.*Billing\s+Agreement\s+Price level$/);
    expect(header).not.toContain('»');
    expect(rowOf(first, 'Acme & Sons')).toMatch(/Standard$/);
    expect(rowOf(first, 'Bluebird Dental')).toMatch(/^.{4}!.*— required$/);
    expect(rowOf(first, 'Carter Logistics')).toMatch(/off .*—$/);
    expect(rowOf(first, 'Tidewater Freight')).toMatch(/^.{4}!.*Preferred$/);
    expect(first).toContain('Virtual servers of “demo” · 1 problem');

    await press(ui.stdin, 'j');
    const blocked = await waitForFrame(ui, (f) => f.includes('Blocks Save'));
    expect(blocked.replace(/\s+/g, ' ')).toContain('Blocks Save: “Bluebird Dental”: billing is on but no price level is chosen. Press p to choose a price level, or b to turn billing off.');

    await press(ui.stdin, 'j', 'j');
    const warned = await waitForFrame(ui, (f) => f.includes('Not ready for billing'));
    expect(warned.replace(/\s+/g, ' ')).toMatch(/Not ready for billing: Account \d+ is not cross-referenced to the External Product "Kaspersky Security"; Tigerpaw refuses additional charges for it\. In Tigerpaw, open account/);
    expect(stable(warned)).toMatchSnapshot();
  });

  it('p chooses the price level from Tigerpaw’s list (searchable); Save keeps it with the mapping while the readiness warning stays a warning', async () => {
    const dir = await folder();
    const { ui } = open(dir, { columns: 120, rows: 35 });
    await loaded(ui);
    await press(ui.stdin, 'j', 'p');
    const chooser = await waitForFrame(ui, (f) => f.includes('Price level for Bluebird Dental (Bluebird Dental Group)') && f.includes('price levels'));
    for (const name of ['Standard', 'Preferred', 'Partner']) expect(chooser).toContain(name);
    expect(stable(chooser)).toMatchSnapshot();
    await typeText(ui.stdin, 'pref');
    await waitForFrame(ui, (f) => f.includes('1 of 3'));
    await press(ui.stdin, '\r');
    const chosen = await waitForFrame(ui, (f) => /Bluebird Dental .*Preferred$/m.test(f) && f.includes('Not saved yet: price level changed.'));
    expect(chosen).not.toContain('1 problem');

    await press(ui.stdin, '\u0013');
    const saved = await waitForFrame(ui, (f) => f.includes('Saved 1 mapping'), 15_000);
    expect(saved).not.toMatch(/Cannot save|Autotask|ConnectWise/);
    // Read again after Save: Tidewater is still not cross-referenced, and still only a warning.
    await waitForFrame(ui, (f) => f.includes('1 not ready for billing') && !f.includes('checking billing readiness'), 15_000);
    const onDisk = openConfig({ paths: resolvePaths({ configDir: dir }), onNotice: () => {} }).load().integrations[0]!.tenants;
    const preferred = (await mappings()).find((m) => m.tenantName === 'Tidewater Freight')!; // billed at Preferred
    expect(onDisk.find((m) => m.tenantName === 'Bluebird Dental')).toMatchObject({ billing: true, priceLevelName: 'Preferred', priceLevelId: preferred.priceLevelId });
    // Carter never had a price level: its mapping has no price level keys.
    expect(Object.keys(onDisk.find((m) => m.tenantName === 'Carter Logistics')!).filter((k) => k.startsWith('priceLevel'))).toEqual([]);
  });

  it('turning billing off clears the readiness warning at once; a new account clears the price level', async () => {
    const { ui } = open(await folder(), { columns: 120, rows: 35 });
    await loaded(ui);
    await press(ui.stdin, 'j', 'j', 'j', 'b');
    const off = await waitForFrame(ui, (f) => /Tidewater Freight .* off /.test(f));
    expect(rowOf(off, 'Tidewater Freight')).not.toMatch(/^.{4}!/);
    expect(off).not.toContain('not ready for billing');
    await press(ui.stdin, 'k', 'k', 'k', 'u');
    const unmapped = await waitForFrame(ui, (f) => /Acme & Sons\s+—\s+off\s+—\s+—$/m.test(f));
    expect(unmapped).toContain('Not saved yet: account, billing, agreement, price level changed.');
  });

  it('? lists the price level key; a price level list that cannot be read says why and how to retry', async () => {
    const { ui } = open(await folder(), { columns: 120, rows: 35 });
    await loaded(ui);
    await press(ui.stdin, '?');
    const help = await waitForFrame(ui, (f) => f.includes('Choose the price level'));
    expect(help).toMatch(/p\s+Choose the price level usage is priced at \(searchable\)/);
    await press(ui.stdin, '\u001b');
    env.demo.psa.inject({ endpoint: 'mastertables/pricelevels', kind: 'error', status: 500, message: 'Database is busy', count: 10 });
    await press(ui.stdin, 'r');
    const failed = await waitForFrame(ui, (f) => f.includes('Error: price levels:') && f.includes('Remedy:'), 15_000);
    expect(failed).toMatch(/Error: Tigerpaw refused to list price levels: HTTP 500\n\s+Cause: Database is busy\n\s+Remedy: /);
    env.demo.psa.reset();
  });
});
