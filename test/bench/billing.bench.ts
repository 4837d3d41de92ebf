// A billing run over 2,000 tenants and 200,000 devices against the simulators on loopback:
// wall time, requests made against the minimum needed, peak RSS. Printed, never asserted.
//
// Minimum PSA requests for a run: C (one ContractServiceUnits read per contract, to know what
// Autotask holds) + P (one ContractServiceAdjustments POST per changed item). kmsp makes
// C + C_changed + P (+ zone discovery/threshold): a contract with changes is read again right
// before its postings (the crash-safety rule: post against Autotask's own units).
// Minimum platform calls (port level): 2 (listTenants, listApplications) + 2·T (devices and
// license usage per tenant); the HTTP requests behind them depend on KSC paging and sessions.
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { bench, describe } from 'vitest';
import { connect } from '../../source/billing/context.js';
import { runBilling } from '../../source/billing/run.js';
import type { BillingSettings, KmspConfig, TenantMapping } from '../../source/domain/config.js';
import { startDemo } from '../../source/demo/environment.js';
import { fixturesPath } from '../../source/simulators/server.js';
import { openConfig } from '../../source/store/config.js';
import { openLedger } from '../../source/store/ledger.js';
import { resolvePaths } from '../../source/store/paths.js';

const TENANTS = Number(process.env.KMSP_BENCH_TENANTS ?? 2_000);
const DEVICES_PER_TENANT = 100;
const APP = 'Kaspersky Endpoint Security for Business Select';
const WS = 29690601;
const SRV = 29690602;

function generate(dir: string): { tenants: TenantMapping[]; changedItems: number } {
  const demoAt = JSON.parse(readFileSync(path.join(fixturesPath('demo'), 'autotask.json'), 'utf8')) as Record<string, unknown>;
  let seed = 7;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
  const vservers = [];
  const companies = [];
  const contracts = [];
  const contractServices = [];
  const tenants: TenantMapping[] = [];
  let changedItems = 0;
  for (let t = 0; t < TENANTS; t++) {
    const servers = 5 + Math.floor(random() * 10);
    const devices = Array.from({ length: DEVICES_PER_TENANT }, (_, d) => ({
      hostname: `${hex(t, 8)}-0000-4000-8000-${hex(d, 12)}`,
      dn: `T${t}-D${d}`,
      osName: d < servers ? 'Microsoft Windows Server 2022' : 'Microsoft Windows 11 Pro',
      ctype: d < servers ? 36871 : 4097,
    }));
    vservers.push({
      uid: `vs-bench-${t}`,
      dn: `Bench Tenant ${t}`,
      enabled: true,
      devices,
      keys: [{ serial: `BENCH-${t}`, productName: APP, type: 'commercial', capacity: 200, expiry: 'now+200d', current: devices.map((d) => d.hostname) }],
    });
    const companyId = 40_000_000 + t;
    const contractId = 41_000_000 + t;
    companies.push({ id: companyId, companyName: `Bench Account ${t}`, companyType: 1, isActive: true });
    contracts.push({ id: contractId, companyID: companyId, contractName: `Bench ${t} – Security`, contractType: 7, status: 1, startDate: 'startOfYear', endDate: 'startOfYear+1y-1d' });
    // Half the contracts already hold the right units; the others are off by a little.
    const right = random() < 0.5;
    const wsUnits = right ? DEVICES_PER_TENANT - servers : DEVICES_PER_TENANT - servers - 3;
    contractServices.push({ contractID: contractId, serviceID: WS, units: wsUnits }, { contractID: contractId, serviceID: SRV, units: servers });
    if (!right) changedItems++;
    tenants.push({ tenantId: `vs-bench-${t}`, tenantName: `Bench Tenant ${t}`, accountId: String(companyId), accountName: `Bench Account ${t}`, billing: true, contractId: String(contractId), contractName: `Bench ${t} – Security` });
  }
  writeFileSync(path.join(dir, 'ksc.json'), JSON.stringify({ users: [{ username: 'kmsp-demo', password: 'demo-ksc-password', internal: true }], vservers }));
  writeFileSync(
    path.join(dir, 'autotask.json'),
    JSON.stringify({
      ...demoAt,
      threshold: { limit: 1_000_000, timeframeMinutes: 60, used: 0 },
      companies,
      contracts,
      services: [
        { id: WS, name: 'KESB Select – Workstation', unitPrice: 3, unitCost: 1, periodType: 1, billingCodeID: 29682810, isActive: true },
        { id: SRV, name: 'KESB Select – Server', unitPrice: 7, unitCost: 3, periodType: 1, billingCodeID: 29682810, isActive: true },
      ],
      contractServices,
      tickets: [],
      ticketNotes: [],
    }),
  );
  return { tenants, changedItems };
}

const billing: BillingSettings = {
  byCategory: true,
  applications: [{ applicationId: APP, applicationName: APP, single: null, workstation: { value: String(WS), label: 'WS' }, server: { value: String(SRV), label: 'SRV' }, nonWindows: null }],
};

describe(`billing run: ${TENANTS} tenants, ${TENANTS * DEVICES_PER_TENANT} devices`, () => {
  bench(
    'plan + post over the simulators',
    async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'kmsp-bench-billing-'));
      const { tenants, changedItems } = generate(dir);
      const demo = await startDemo({ fixturesDir: dir });
      try {
        const paths = resolvePaths({ configDir: demo.configDir });
        const store = openConfig({ paths });
        const loaded = store.load();
        const integration = { ...loaded.integrations[0]!, tenants, billing };
        const config: KmspConfig = { ...loaded, integrations: [integration] };
        store.save(config, { actor: 'bench' });
        const ledger = openLedger({ paths });
        const c = await connect(paths, integration);
        demo.autotask.clearRequests();
        demo.ksc.clearRequests();
        const started = performance.now();
        const result = await runBilling({ integration, platform: c.platform, psa: c.psa, ledger, now: new Date(), timeZone: 'UTC', dryRun: false });
        const seconds = (performance.now() - started) / 1000;
        const t = result.execution.totals;
        const C = result.plan.contracts.length;
        const psaMin = C + t.posted;
        const rerunStart = performance.now();
        const before = c.requests.psa;
        const rerun = await runBilling({ integration, platform: c.platform, psa: c.psa, ledger, now: new Date(), timeZone: 'UTC', dryRun: false });
        const rerunSeconds = (performance.now() - rerunStart) / 1000;
        console.log(
          [
            `billing bench: ${TENANTS} tenants, ${TENANTS * DEVICES_PER_TENANT} devices, ${C} contracts, ${changedItems} contracts off`,
            `  run:   ${seconds.toFixed(1)} s wall; ${t.posted} postings, ${t.errors} errors`,
            `  PSA requests: ${before} (simulator saw ${demo.autotask.requests.length - (c.requests.psa - before)}); minimum C + P = ${C} + ${t.posted} = ${psaMin}; kmsp formula C + C_changed + P = ${C + changedItems + t.posted}`,
            `  platform HTTP requests: ${c.requests.platform} for port calls 2 + 2·T = ${2 + 2 * TENANTS}`,
            `  rerun: ${rerunSeconds.toFixed(1)} s wall; ${rerun.execution.totals.posted} postings; PSA requests ${c.requests.psa - before} (minimum C = ${C})`,
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
