// The ticket job over 10,000 new events across 500 tenants against the simulators on loopback:
// time to process, requests made, duplicates (must be 0). Printed, never asserted.
//
// Each tenant has 20 new Critical events: 10 conditions (device + event type), each raised
// twice — so 10 tickets + 10 consolidation notes per tenant (5,000 tickets, 5,000 notes).
// The breaker is set above what a tenant needs (it is exercised in test/tickets/).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { bench, describe } from 'vitest';
import { connect } from '../../source/billing/context.js';
import type { KmspConfig, TenantMapping } from '../../source/domain/config.js';
import { startDemo } from '../../source/demo/environment.js';
import { fixturesPath } from '../../source/simulators/server.js';
import { openConfig } from '../../source/store/config.js';
import { openLedger } from '../../source/store/ledger.js';
import { resolvePaths } from '../../source/store/paths.js';
import { runTickets } from '../../source/tickets/run.js';

const TENANTS = Number(process.env.KMSP_BENCH_TICKET_TENANTS ?? 500);
const EVENTS_PER_TENANT = 20;
const DEVICES = 5;

function generate(dir: string): TenantMapping[] {
  const demoAt = JSON.parse(readFileSync(path.join(fixturesPath('demo'), 'autotask.json'), 'utf8')) as Record<string, unknown>;
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
  const vservers = [];
  const companies = [];
  const tenants: TenantMapping[] = [];
  let id = 1;
  for (let t = 0; t < TENANTS; t++) {
    const devices = Array.from({ length: DEVICES }, (_, d) => ({ hostname: `${hex(t, 8)}-0000-4000-8000-${hex(d, 12)}`, dn: `T${t}-D${d}`, osName: 'Microsoft Windows 11 Pro', ctype: 4097 }));
    const events = Array.from({ length: EVENTS_PER_TENANT }, (_, e) => {
      const condition = e % 10;
      return {
        id: id++,
        severity: 'critical',
        type: `BENCH_TYPE_${condition % 2}`,
        typeName: `Bench type ${condition % 2}`,
        description: `Bench event ${e}`,
        host: devices[Math.floor(condition / 2)]!.hostname,
        raisedAt: `now-${30 - e}m`,
      };
    });
    vservers.push({ uid: `vs-bench-${t}`, dn: `Bench Tenant ${t}`, enabled: true, devices, keys: [], events });
    companies.push({ id: 40_000_000 + t, companyName: `Bench Account ${t}`, companyType: 1, isActive: true });
    tenants.push({ tenantId: `vs-bench-${t}`, tenantName: `Bench Tenant ${t}`, accountId: String(40_000_000 + t), accountName: `Bench Account ${t}`, billing: false, contractId: null, contractName: null });
  }
  writeFileSync(path.join(dir, 'ksc.json'), JSON.stringify({ users: [{ username: 'kmsp-demo', password: 'demo-ksc-password', internal: true }], vservers }));
  writeFileSync(
    path.join(dir, 'autotask.json'),
    JSON.stringify({ ...demoAt, threshold: { limit: 1_000_000, timeframeMinutes: 60, used: 0 }, companies, contracts: [], services: [], contractServices: [], tickets: [], ticketNotes: [] }),
  );
  return tenants;
}

describe(`ticket job: ${TENANTS * EVENTS_PER_TENANT} new events across ${TENANTS} tenants`, () => {
  bench(
    'events → tickets + notes over the simulators',
    async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'kmsp-bench-tickets-'));
      const tenants = generate(dir);
      const demo = await startDemo({ fixturesDir: dir });
      try {
        const paths = resolvePaths({ configDir: demo.configDir });
        const store = openConfig({ paths });
        const loaded = store.load();
        const base = loaded.integrations[0]!;
        const integration = {
          ...base,
          tenants,
          ticketing: { ...base.ticketing, sections: { ...base.ticketing.sections, events: (base.ticketing.sections.events ?? []).map((r) => ({ ...r, enabled: r.key === 'critical' })) } },
        };
        const config: KmspConfig = { ...loaded, integrations: [integration], agent: { ...loaded.agent, ticketsPerAccountPerHour: 100 } };
        store.save(config, { actor: 'bench' });
        const ledger = openLedger({ paths });
        const c = await connect(paths, integration);
        demo.autotask.clearRequests();
        demo.ksc.clearRequests();
        const started = performance.now();
        const r = await runTickets({ integration, platform: c.platform, psa: c.psa, ledger, now: new Date(), dryRun: false, ticketsPerAccountPerHour: 100 });
        const seconds = (performance.now() - started) / 1000;
        const first = { ...c.requests };
        const rerunStart = performance.now();
        const rerun = await runTickets({ integration, platform: c.platform, psa: c.psa, ledger, now: new Date(), dryRun: false, ticketsPerAccountPerHour: 100 });
        const rerunSeconds = (performance.now() - rerunStart) / 1000;
        const tickets = demo.autotask.state.tickets;
        const tags = new Set(tickets.map((t) => String(t.externalID)));
        const t = r.totals;
        console.log(
          [
            `tickets bench: ${TENANTS * EVENTS_PER_TENANT} events, ${TENANTS} tenants (10 conditions × 2 events each per tenant)`,
            `  run:   ${seconds.toFixed(1)} s wall; ${t.events} events read, ${t.created} tickets, ${t.notes} notes, ${t.heldBack} held back, ${t.errors} errors`,
            `  requests: PSA ${first.psa}, platform ${first.platform} (${((first.psa + first.platform) / Math.max(1, t.events)).toFixed(2)} per event)`,
            `  duplicates: ${tickets.length - tags.size} (tickets in Autotask ${tickets.length}, distinct tags ${tags.size}, expected ${TENANTS * 10})`,
            `  rerun: ${rerunSeconds.toFixed(1)} s wall; ${rerun.totals.created} tickets, ${rerun.totals.notes} notes; PSA requests ${c.requests.psa - first.psa}, platform ${c.requests.platform - first.platform}`,
            `  peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (this process: simulators + kmsp)`,
          ].join('\n'),
        );
        await c.close();
        ledger.close();
      } finally {
        await demo.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 },
  );
});
