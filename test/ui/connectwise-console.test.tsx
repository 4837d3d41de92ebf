// The console on a ConnectWise Manage integration speaks ConnectWise (README › Words): the
// Companies tab with agreements, the Products tab, Ticketing with boards and a New and Closed
// status per board in use; and one config holding a KSC + Autotask and a KSC + ConnectWise
// integration, listed and switched by the integrations list (I). Over the demo simulators.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createElement } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConsoleSession } from '../../source/console/session.js';
import type { Integration, KmspConfig, TenantMapping } from '../../source/domain/config.js';
import { integrationSecrets } from '../../source/domain/secretNames.js';
import { startDemo, type DemoEnvironment } from '../../source/demo/environment.js';
import { openConfig } from '../../source/store/config.js';
import { resolvePaths } from '../../source/store/paths.js';
import { openSecretStore } from '../../source/store/secrets.js';
import { ConsoleRoot } from '../../source/ui/console-root.js';
import { cleanupUi, frameLines, press, renderUi, waitForFrame, type RenderedUi } from '../helpers/ink.js';

let at: DemoEnvironment;
let cw: DemoEnvironment<'connectwise'>;
const dirs: string[] = [];
const sessions: ConsoleSession[] = [];

beforeAll(async () => {
  [at, cw] = await Promise.all([startDemo(), startDemo({ psa: 'connectwise' })]);
});
afterEach(async () => {
  cleanupUi();
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await Promise.all([at?.close(), cw?.close()]);
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Three customers of the demo story mapped as an admin would: tenant → ConnectWise company → its running agreement. */
function cwMappings(): TenantMapping[] {
  const tenants = ['Acme & Sons', 'Bluebird Dental', 'Carter Logistics'];
  const story = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../fixtures/demo/customers.json'), 'utf8')) as { customers: Array<{ tenant: string; account: string }> };
  const vservers = (JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../fixtures/demo/ksc.json'), 'utf8')) as { vservers: Array<{ uid: string; dn: string }> }).vservers;
  return tenants.map((name) => {
    const account = story.customers.find((c) => c.tenant === name)!.account;
    const company = cw.psa.state.companies.find((c) => c.name === account)!;
    const agreement = cw.psa.state.agreements.find((a) => (a.company as { id: number }).id === company.id && !a.cancelledFlag)!;
    const vs = vservers.find((v) => v.dn === name)!;
    return { tenantId: vs.uid, tenantName: vs.dn, accountId: String(company.id), accountName: String(company.name), billing: true, contractId: String(agreement.id), contractName: String(agreement.name) };
  });
}

/** A folder with the ConnectWise demo's config (three tenants mapped, or every tenant unmapped), or with both demos' integrations: "demo" (Autotask) and "cw". */
async function folder(both = false, unmapped = false): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmsp-cw-ui-'));
  dirs.push(dir);
  const paths = resolvePaths({ configDir: dir });
  const cwConfig = openConfig({ paths: resolvePaths({ configDir: cw.configDir }), onNotice: () => {} }).load();
  const everyTenant = (JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../fixtures/demo/ksc.json'), 'utf8')) as { vservers: Array<{ uid: string; dn: string }> }).vservers.map(
    (v): TenantMapping => ({ tenantId: v.uid, tenantName: v.dn, accountId: null, accountName: null, billing: false, contractId: null, contractName: null }),
  );
  const cwIntegration: Integration = { ...cwConfig.integrations[0]!, tenants: unmapped ? everyTenant : cwMappings() };
  const secrets = openSecretStore({ paths, backends: ['file'], onWarning: () => {} });
  const from = (demo: DemoEnvironment | DemoEnvironment<'connectwise'>) => openSecretStore({ paths: resolvePaths({ configDir: demo.configDir }), backends: ['file'], onWarning: () => {} });
  let config: KmspConfig;
  if (both) {
    const atConfig = openConfig({ paths: resolvePaths({ configDir: at.configDir }), onNotice: () => {} }).load();
    const renamed = { ...cwIntegration, name: 'cw' };
    config = { ...atConfig, integrations: [atConfig.integrations[0]!, renamed] };
    for (const spec of integrationSecrets(atConfig.integrations[0]!)) await secrets.set(spec.name, (await from(at).get(spec.name))!);
    for (const spec of integrationSecrets(cwIntegration)) await secrets.set(spec.name.replace(/^demo\./, 'cw.'), (await from(cw).get(spec.name))!);
  } else {
    config = { ...cwConfig, integrations: [cwIntegration] };
    for (const spec of integrationSecrets(cwIntegration)) await secrets.set(spec.name, (await from(cw).get(spec.name))!);
  }
  openConfig({ paths, onNotice: () => {} }).save(config, { actor: 'test' });
  return dir;
}

function open(dir: string, initialTab: string, size: { columns: number; rows: number }, initialIntegration = 'demo'): RenderedUi {
  const session = new ConsoleSession({ paths: resolvePaths({ configDir: dir }), secretBackends: ['file'] });
  sessions.push(session);
  return renderUi(createElement(ConsoleRoot, { session, initialIntegration, initialTab, noticeTimeoutMs: 0, onExit: vi.fn(), now: () => new Date('2026-06-02T08:00:00Z') }), size);
}

const stable = (frame: string) => frame.replace(/(localhost|127\.0\.0\.1):\d+/g, '$1:PORT');

describe('the console in ConnectWise words', () => {
  it.each([
    [80, 24],
    [120, 35],
  ])('Companies: the tab, the ConnectWise company and Agreement columns, at %i×%i', async (columns, rows) => {
    const ui = open(await folder(), 'accounts', { columns, rows });
    const frame = await waitForFrame(ui, (f) => /\d+ virtual servers in KSC · \d+ ConnectWise Manage companies/.test(f) && !f.includes('finding suggestions…'), 15_000);
    const lines = frameLines(frame);
    expect(lines.join('\n')).toMatch(/Companies/);
    expect(lines.join('\n')).toMatch(/Agreement/);
    expect(lines.join('\n')).not.toMatch(/Autotask|Contract\b|Accounts\b/);
    expect(stable(frame)).toMatchSnapshot();
  });

  it('mapping: suggestions accepted and saved write each tenant’s name into its ConnectWise company’s custom field', async () => {
    const ui = open(await folder(false, true), 'accounts', { columns: 120, rows: 35 });
    const loaded = await waitForFrame(ui, (f) => /\d+ suggestions/.test(f) && /\d+ virtual servers in KSC · \d+ ConnectWise Manage companies/.test(f), 15_000);
    const count = Number(/(\d+) suggestions/.exec(loaded)![1]);
    expect(count).toBeGreaterThan(10);
    await press(ui.stdin, 'S', 'y');
    await waitForFrame(ui, (f) => f.includes(`Mapped ${count} virtual servers as suggested`));
    await press(ui.stdin, '\u0013');
    const saved = await waitForFrame(ui, (f) => /wrote the virtual server name on \d+ ConnectWise Manage compan/.test(f), 15_000);
    expect(saved).not.toMatch(/Autotask/);
    // The simulator keeps a company's custom fields by the field definition's id.
    const definition = (cw.psa.state.customFieldDefinitions as Array<{ id: number; caption: string }>).find((d) => d.caption === 'Kaspersky Tenant')!;
    const tenantField = (name: string) => {
      const company = cw.psa.state.companies.find((c) => c.name === name)!;
      return (company.customFields as Array<{ id: number; value: unknown }>).find((f) => f.id === definition.id)?.value;
    };
    expect(tenantField('Acme and Sons Ltd')).toBe('Acme & Sons');
    expect(tenantField('Bluebird Dental Group')).toBe('Bluebird Dental');
  });

  it('Products: the tab title and the products of ConnectWise', async () => {
    const ui = open(await folder(), 'services', { columns: 120, rows: 35 });
    const frame = await waitForFrame(ui, (f) => f.includes('Products') && /Bill devices by category/i.test(f) && !/loading|reading/i.test(f), 15_000);
    expect(frame).not.toMatch(/Autotask|Services\b/);
    expect(stable(frame)).toMatchSnapshot();
  });

  it('Ticketing: Board and Priority columns; General lists the board an enabled row uses with its New and Closed status', async () => {
    const dir = await folder();
    const store = openConfig({ paths: resolvePaths({ configDir: dir }), onNotice: () => {} });
    const config = store.load();
    const integration = config.integrations[0]!;
    const critical = integration.ticketing.sections.events!.find((r) => r.key === 'critical')!;
    critical.enabled = true;
    critical.fields.board = { value: '3', label: 'Security Operations' };
    store.save(config, { actor: 'test' });
    const ui = open(dir, 'ticketing', { columns: 120, rows: 35 });
    const general = await waitForFrame(ui, (f) => f.includes('Security Operations') && f.includes('Closed status') && !f.includes('Loading the'), 15_000);
    expect(general).toMatch(/Default board/);
    expect(general).not.toMatch(/Autotask|Queue/);
    expect(stable(general)).toMatchSnapshot();
    await press(ui.stdin, 'j');
    const events = await waitForFrame(ui, (f) => f.includes('Board') && f.includes('Functional failure'), 5000);
    expect(events).not.toMatch(/Queue/);
    expect(stable(events)).toMatchSnapshot();
  });
});

describe('routing overrides in ConnectWise words', () => {
  it('an override sending one company\'s tickets to another board: that board is in use under General and needs its statuses; For customer shows Board and Type (none: its own board has no type chosen), at 120×35', async () => {
    const dir = await folder();
    const store = openConfig({ paths: resolvePaths({ configDir: dir }), onNotice: () => {} });
    const config = store.load();
    const integration = config.integrations[0]!;
    integration.ticketing.sections.events!.find((r) => r.key === 'critical')!.enabled = true;
    const acme = integration.tenants[0]!;
    integration.ticketing.overrides = [
      { tenants: [{ tenantId: acme.tenantId, tenantName: acme.tenantName }], section: 'events', key: 'critical', enabled: true, fields: { board: { value: '1', label: 'Service Desk' } }, dueHours: null },
    ];
    store.save(config, { actor: 'test' });
    const ui = open(dir, 'ticketing', { columns: 120, rows: 35 });
    const general = await waitForFrame(ui, (f) => f.includes('Service Desk') && !f.includes('Loading the'), 15_000);
    expect(frameLines(general).find((l) => l.includes('Service Desk'))).toMatch(/Board in use +Service Desk +1 override · needs/);
    await press(ui.stdin, '[');
    const pane = await waitForFrame(ui, (f) => f.includes('Routing overrides') && f.includes('Acme'), 5000);
    expect(pane).toMatch(/›For customer +Rule row +Ticket +Board +Priority/);
    expect(frameLines(pane).find((l) => l.includes('Acme'))).toMatch(/1 +\[Acme & Sons\] +Events › Critical +on +Service Desk +\(rule's\) +\(none\)/);
    expect(pane).not.toMatch(/Autotask|Queue/);
    expect(stable(pane)).toMatchSnapshot();
  });
});

describe('a KSC + Autotask and a KSC + ConnectWise integration in one config', () => {
  it('the integrations list shows both with their vendors; Enter switches, and the tabs speak the other PSA', async () => {
    const ui = open(await folder(true), 'accounts', { columns: 120, rows: 35 });
    await waitForFrame(ui, (f) => /\d+ Autotask accounts/.test(f), 15_000);
    expect(frameLines(ui.lastFrame())[0]).toContain('demo · KSC × Autotask');
    await press(ui.stdin, 'I');
    const list = await waitForFrame(ui, (f) => f.includes('│ Integrations') && f.includes('ConnectWise'), 5000);
    expect(stable(list)).toMatchSnapshot();
    await press(ui.stdin, 'j');
    await press(ui.stdin, '\r');
    const switched = await waitForFrame(ui, (f) => /\d+ ConnectWise Manage companies/.test(f), 15_000);
    expect(frameLines(switched)[0]).toContain('cw · KSC × ConnectWise');
    expect(switched).toContain('Companies');
    expect(switched).toContain('Products');
  });
});
