// A billing pass and a ticket pass (runPass, as the agent runs them) over the demo of each
// platform and each PSA, with one hostile record among good ones: the good tenants are billed and
// ticketed, the bad one is skipped with its message in the pass's errors, nothing is written for
// it and nothing is written wrongly. The bad record is put in the simulator's state where it can
// hold it, or on the answer (SimServer.rewrite) where it cannot.
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../source/agent/logger.js';
import { logIntegrationPass, runPass } from '../../source/agent/passes.js';
import { Redactor } from '../../source/connectors/redact.js';
import { createPlatform, createPsa } from '../../source/connectors/factory.js';
import type { BillingSettings, Integration, KmspConfig, TenantMapping, TicketingSettings } from '../../source/domain/config.js';
import { suggestMappings } from '../../source/domain/mapping.js';
import { startDemo, type DemoEnvironment } from '../../source/demo/environment.js';
import type { KbhSimulator } from '../../source/simulators/kbh/index.js';
import type { KscSimulator } from '../../source/simulators/ksc/index.js';
import { DEMO_DEFAULT, SIMULATED_PLATFORM_KINDS, SIMULATED_PSA_KINDS, type SimulatedPlatformKind, type SimulatedPsaKind } from '../../source/simulators/registry.js';
import type { RecordedRequest, SimServer } from '../../source/simulators/server.js';
import { openConfig } from '../../source/store/config.js';
import { resolvePaths } from '../../source/store/paths.js';
import { openSecretStore } from '../../source/store/secrets.js';
import { ESCAPE_NAME, recordLists } from '../protocol/hostile-harness.js';

const today = new Date().toISOString().slice(0, 10);
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

/**
 * How each platform's simulator is given one hostile tenant, in its state: a device record that
 * is not one (an id of the wrong type, a kind no one knows). Returns what the error must say.
 */
const SPOIL_TENANT: { readonly [K in SimulatedPlatformKind]: (sim: SimServer, tenantId: string) => void } = {
  ksc: (sim, tenantId) => {
    const server = (sim as KscSimulator).state.servers.get(tenantId)!;
    const device = [...server.devices.values()][0]!;
    (device as { hostname: unknown }).hostname = 4711;
  },
  kbh: (sim, tenantId) => {
    const kbh = sim as KbhSimulator;
    const workspaces = new Set(kbh.state.workspaces.filter((w) => w.companyId === tenantId).map((w) => w.id));
    const device = kbh.state.devices.find((d) => workspaces.has(d.workspaceId))!;
    (device as { kind: unknown }).kind = 'QuantumFluxUnstable';
  },
};

/** How each platform's simulator renames a tenant in its state (its name is how some sign in to it). */
const RENAME_TENANT: { readonly [K in SimulatedPlatformKind]: (sim: SimServer, tenantId: string, name: string) => void } = {
  ksc: (sim, tenantId, name) => {
    (sim as KscSimulator).state.servers.get(tenantId)!.dn = name;
  },
  kbh: (sim, tenantId, name) => {
    (sim as KbhSimulator).state.companies.find((c) => c.id === tenantId)!.name = name;
  },
};

/** A write to a PSA (not a read: queries and searches are POSTed too). */
const isWrite = (r: RecordedRequest) => r.method !== 'GET' && !/\/query|\/search|\/_sim\//i.test(r.path);
const mentions = (r: RecordedRequest, text: string) => r.path.includes(text) || JSON.stringify(r.body ?? '').includes(text);

interface Env {
  demo: DemoEnvironment<SimulatedPsaKind, SimulatedPlatformKind>;
  config: KmspConfig;
  integration: Integration;
  paths: ReturnType<typeof resolvePaths>;
  mapped: TenantMapping[];
}

/** The demo with four tenants mapped as suggested, each to a running usage contract; every application billed to one item. */
async function start(platform: SimulatedPlatformKind, psa: SimulatedPsaKind): Promise<Env> {
  const demo = (await startDemo({ platform, psa })) as unknown as DemoEnvironment<SimulatedPsaKind, SimulatedPlatformKind>;
  const paths = resolvePaths({ configDir: demo.configDir });
  const store = openConfig({ paths });
  const loaded = store.load();
  const base = loaded.integrations[0]!;
  const secrets = openSecretStore({ paths, backends: ['file'] });
  const lookup = (n: string) => secrets.get(n);
  const [p, q] = await Promise.all([createPlatform(base, lookup), createPsa(base, lookup)]);
  try {
    const [tenants, accounts, applications, items] = await Promise.all([p.listTenants(), q.listAccounts(), p.listApplications(), q.listBillingItems()]);
    const { suggestions } = suggestMappings(tenants.filter((t) => t.enabled), accounts, [], { psa });
    const ready = q.billingReadiness ? new Map((await q.billingReadiness(suggestions.map((s) => s.accountId))).map((r) => [r.accountId, r.ready])) : null;
    const level = q.listPriceLevels ? (await q.listPriceLevels())[0] : undefined;
    const mapped: TenantMapping[] = [];
    for (const s of suggestions) {
      if (mapped.length === 4) break;
      if (ready && ready.get(s.accountId) === false) continue;
      const contract = (await q.listContracts(s.accountId)).find((c) => c.recurring && c.active && (!c.startDate || c.startDate <= today) && (!c.endDate || c.endDate >= today));
      if (!contract) continue;
      const quantities = await q.currentQuantities(contract.id, today).catch(() => null);
      if (!quantities) continue;
      mapped.push({ tenantId: s.tenantId, tenantName: s.tenantName, accountId: s.accountId, accountName: s.accountName, billing: true, contractId: contract.id, contractName: contract.name, ...(level ? { priceLevelId: level.id, priceLevelName: level.name } : {}) });
    }
    expect(mapped.length, 'the demo has four tenants to bill').toBe(4);
    const item = items.find((i) => i.active)!;
    const billing: BillingSettings = {
      byCategory: false,
      applications: applications.map((a) => ({ applicationId: a.id, applicationName: a.name, single: { value: item.id, label: item.name }, workstation: null, server: null, nonWindows: null })),
    };
    const ticketing: TicketingSettings = {
      ...base.ticketing,
      sections: Object.fromEntries(Object.entries(base.ticketing.sections).map(([id, rules]) => [id, rules?.map((r) => ({ ...r, enabled: true }))])),
    };
    const integration: Integration = { ...base, tenants: mapped, billing, ticketing };
    const config: KmspConfig = { ...loaded, integrations: [integration] };
    store.save(config, { actor: 'hostile passes test' });
    return { demo, config, integration, paths, mapped };
  } finally {
    await Promise.all([p.close(), q.close()]);
  }
}

async function pass(env: Env, job: 'billing' | 'tickets') {
  const r = await runPass(job, { paths: env.paths, config: env.config, integrations: env.config.integrations, dryRun: false });
  return r.integrations[0]!;
}

/** The pass as the agent logs it (summary, errors, notices): no line may drive a terminal. */
function expectPrintable(job: 'billing' | 'tickets', p: Awaited<ReturnType<typeof pass>>): void {
  const lines: string[] = [];
  logIntegrationPass(createLogger({ level: 'debug', format: 'text', journald: false, redactor: new Redactor([]), write: (line) => lines.push(line) }), job, p);
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(line, JSON.stringify(line)).not.toMatch(CONTROL);
}

let env: Env | null = null;
afterEach(async () => {
  await env?.demo.close();
  env = null;
});

describe.each(SIMULATED_PLATFORM_KINDS.map((k) => [k] as const))('passes with one hostile %s tenant', (platform) => {
  it('bills and tickets the good tenants; the bad one is skipped with its message, nothing written for it', async () => {
    env = await start(platform, DEMO_DEFAULT.psa);
    const [bad, ...good] = env.mapped;
    SPOIL_TENANT[platform](env.demo.platform as unknown as SimServer, bad!.tenantId);
    const psaSim = env.demo.psa as unknown as SimServer;
    psaSim.clearRequests();

    const billing = await pass(env, 'billing');
    expectPrintable('billing', billing);
    expect(billing.outcome).toBe('partial');
    const billingErrors = billing.errors.filter((e) => e.includes(bad!.tenantName));
    expect(billingErrors, billing.errors.join('\n')).toHaveLength(1);
    expect(billingErrors[0]).toMatch(/cause: .+/);
    expect(billing.errors.filter((e) => !e.includes(bad!.tenantName)), 'only the bad tenant failed').toEqual([]);
    const writes = psaSim.requests.filter(isWrite);
    expect(writes.filter((r) => mentions(r, bad!.contractId!)), 'nothing posted for the bad tenant').toEqual([]);
    expect(good.filter((m) => writes.some((r) => mentions(r, m.contractId!))).length, 'good tenants billed').toBeGreaterThan(0);

    psaSim.clearRequests();
    const tickets = await pass(env, 'tickets');
    expectPrintable('tickets', tickets);
    const ticketErrors = tickets.errors.filter((e) => e.includes(bad!.tenantName));
    expect(ticketErrors.length, tickets.errors.join('\n')).toBeGreaterThan(0);
    expect(tickets.errors.filter((e) => !e.includes(bad!.tenantName)), 'only the bad tenant failed').toEqual([]);
    const created = psaSim.requests.filter(isWrite);
    // Its events were read and are ticketed; its devices were not, so no status ticket is made
    // (nor closed) for it from a partial list.
    const statusTickets = created.filter((r) => mentions(r, bad!.accountId!) && !/kmsp[-:]ev/.test(JSON.stringify(r.body)));
    expect(statusTickets, 'no status ticket for the bad tenant').toEqual([]);
    expect(good.filter((m) => created.some((r) => mentions(r, m.accountId!))).length, 'good tenants ticketed').toBeGreaterThan(0);
  }, 180_000);
});

describe.each(SIMULATED_PSA_KINDS.map((k) => [k] as const))('passes with one hostile %s record', (psa) => {
  it('a contract holding a fractional quantity is refused with its figure; the others are billed', async () => {
    env = await start(DEMO_DEFAULT.platform, psa);
    // The second mapped contract already holds the billed item (the first gets it new): units
    // of an item kmsp does not bill (labour hours) are not its business and must not block it.
    const bad = env.mapped[1];
    const good = env.mapped.filter((m) => m !== bad);
    const psaSim = env.demo.psa as unknown as SimServer;
    // The bad contract's units, as the PSA answers them: 2.5 (typed in by hand).
    psaSim.rewrite((req, body) => {
      if (!mentions({ method: req.method, path: req.path, body: req.body } as RecordedRequest, bad!.contractId!)) return body;
      // A request may read the units of many contracts at once: only the bad contract's records change.
      const othersOf = (r: Record<string, unknown>) => Object.entries(r).some(([k, v]) => /^(contract|agreement)(id|number)$/i.test(k) && (typeof v === 'number' || typeof v === 'string') && String(v) !== bad!.contractId);
      for (const list of recordLists(body)) for (const r of list) if (!othersOf(r)) for (const f of ['units', 'quantity', 'Quantity']) if (typeof r[f] === 'number') r[f] = 2.5;
      return body;
    });
    psaSim.clearRequests();
    const billing = await pass(env, 'billing');
    psaSim.rewrite(null);
    expectPrintable('billing', billing);
    const errors = billing.errors.filter((e) => e.includes('2.5'));
    expect(errors, billing.errors.join('\n')).toHaveLength(1);
    expect(errors[0]).toContain(bad!.contractName!);
    expect(errors[0]).toMatch(/not a whole number/);
    const writes = psaSim.requests.filter(isWrite);
    expect(writes.filter((r) => mentions(r, bad!.contractId!)), 'nothing posted for the bad contract').toEqual([]);
    expect(good.filter((m) => writes.some((r) => mentions(r, m.contractId!))).length, 'good contracts billed').toBeGreaterThan(0);
  }, 180_000);

  it('a tenant and an account named with terminal escape codes: ticketed, and no escape code reaches the PSA or the log', async () => {
    env = await start(DEMO_DEFAULT.platform, psa);
    const [bad] = env.mapped;
    const psaSim = env.demo.psa as unknown as SimServer;
    const platformSim = env.demo.platform as unknown as SimServer;
    // The names as both vendors answer them.
    const rename = (name: string) => (_req: unknown, body: unknown) => {
      for (const list of recordLists(body)) for (const r of list) for (const [k, v] of Object.entries(r)) if (v === name) r[k] = `${name}${ESCAPE_NAME}`;
      return body;
    };
    RENAME_TENANT[DEMO_DEFAULT.platform](platformSim, bad!.tenantId, `${bad!.tenantName}${ESCAPE_NAME}`);
    psaSim.rewrite(rename(bad!.accountName!));
    psaSim.clearRequests();
    const tickets = await pass(env, 'tickets');
    const billing = await pass(env, 'billing');
    psaSim.rewrite(null);
    expectPrintable('tickets', tickets);
    expectPrintable('billing', billing);
    expect(tickets.errors).toEqual([]);
    const writes = psaSim.requests.filter(isWrite);
    expect(writes.filter((w) => mentions(w, bad!.accountId!)).length, 'the renamed tenant is ticketed').toBeGreaterThan(0);
    for (const w of writes) expect(JSON.stringify(w.body), `${w.method} ${w.path}`).not.toMatch(/\\u00(1b|9b|07)|\\r/i);
  }, 180_000);
});
