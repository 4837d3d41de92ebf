// The kmsp side of the billing, tickets and budget benchmarks, in a process of its own so its
// memory is kmsp's alone (the simulators run in another): N passes of one job over the config
// directory it is given, each as the agent runs it (connect, run, close: agent/passes.ts — the
// platform connector kept from one pass to the next, as the agent keeps it), then one
// JSON line on stdout — per pass its wall time, HTTP requests by side and what it did — with the
// process's peak RSS and, when asked, the PSA's own API budget.
//
//   node dist/bench/jobChild.js CONFIG_DIR billing|tickets [PASSES] [--budget]
import { performance } from 'node:perf_hooks';
import { connect } from '../billing/context.js';
import { billingErrorLine } from '../billing/errors.js';
import { runBilling } from '../billing/run.js';
import { PlatformPool } from '../connectors/platformPool.js';
import { describeErrorLine } from '../domain/errors.js';
import type { PsaBudget } from '../domain/types.js';
import { openConfig } from '../store/config.js';
import { openLedger } from '../store/ledger.js';
import { resolvePaths } from '../store/paths.js';
import { runTickets } from '../tickets/run.js';

export interface ChildPass {
  ms: number;
  requests: { platform: number; psa: number };
  /** Billing: contracts planned and postings made; tickets: tickets created and notes added. */
  contracts: number;
  postings: number;
  created: number;
  notes: number;
  errors: number;
  /** The first error, to say why a figure is off. */
  firstError: string | null;
}

export interface ChildReport {
  passes: ChildPass[];
  /** Peak resident set of this process, MiB. */
  peakRssMiB: number;
  budget: PsaBudget | null;
}

async function main(): Promise<void> {
  const [configDir, job, count, flag] = process.argv.slice(2);
  if (!configDir || (job !== 'billing' && job !== 'tickets')) throw new Error('usage: node jobChild.js CONFIG_DIR billing|tickets [PASSES] [--budget]');
  const passes = count ? Number(count) : 1;
  const paths = resolvePaths({ configDir });
  const config = openConfig({ paths, onInvalid: 'fail', onNotice: () => undefined }).load();
  const integration = config.integrations[0]!;
  const ledger = openLedger({ paths });
  const report: ChildReport = { passes: [], peakRssMiB: 0, budget: null };
  const pool = new PlatformPool();
  try {
    for (let p = 0; p < passes; p++) {
      const started = performance.now();
      const c = await connect(paths, integration, undefined, undefined, { pool, job });
      try {
        if (job === 'billing') {
          const r = await runBilling({ integration, platform: c.platform, psa: c.psa, ledger, now: new Date(), timeZone: config.agent.timeZone, dryRun: false });
          const errors = r.execution.contracts.flatMap((x) => [...(x.error ? [billingErrorLine(x.error)] : []), ...x.postings.filter((q) => q.error).map((q) => billingErrorLine(q.error!))]);
          report.passes.push({
            ms: performance.now() - started,
            requests: { ...c.requests },
            contracts: r.plan.contracts.length,
            postings: r.execution.totals.posted,
            created: 0,
            notes: 0,
            errors: r.execution.totals.errors,
            firstError: errors[0] ?? null,
          });
        } else {
          const r = await runTickets({ integration, platform: c.platform, psa: c.psa, ledger, now: new Date(), dryRun: false, ticketsPerAccountPerHour: config.agent.ticketsPerAccountPerHour });
          report.passes.push({
            ms: performance.now() - started,
            requests: { ...c.requests },
            contracts: 0,
            postings: 0,
            created: r.totals.created,
            notes: r.totals.notes,
            errors: r.totals.errors,
            firstError: r.errors[0] ? describeErrorLine(r.errors[0]) : null,
          });
        }
        if (flag === '--budget' && p === passes - 1) report.budget = await c.psa.budget();
      } finally {
        await c.close();
      }
    }
  } finally {
    await pool.closeAll();
    ledger.close();
  }
  // maxRSS is in KiB.
  report.peakRssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`jobChild: ${describeErrorLine(error)}\n`);
  process.exitCode = 1;
});
