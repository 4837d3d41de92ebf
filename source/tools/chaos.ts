// `npm run chaos`: billing and ticket passes for every simulated PSA × platform under a seeded
// fault plan, repeated until they converge, then the PSA's state compared with the fault-free
// run's (source/chaos/). Prints a table per pair (--json: the figures as JSON); exits 1 when a
// pair did not converge, or has a duplicate, a lost or a wrong posting or ticket.
//
//   node dist/tools/chaos.js [--seed N] [--rate 0.2] [--tenants N] [--max-passes 40] [--trials 50] [--json]
//
// --trials: kill -9 trials per pair (crash.ts), 0 for none.
import { parseArgs } from 'node:util';
import { CHAOS_DEFAULTS, pairNotRun, runPair, type ChaosOptions } from '../chaos/converge.js';
import { CRASH_DEFAULTS, crashSection } from '../chaos/crash.js';
import { formatReport, reportPassed, type PairReport } from '../chaos/report.js';
import type { Pair } from '../chaos/scenario.js';
import type { ChaosSection } from '../chaos/sections.js';
import { describeErrorLine } from '../domain/errors.js';
import { SIMULATED_PLATFORM_KINDS, SIMULATED_PSA_KINDS } from '../simulators/registry.js';

// Further columns run per pair after its convergence run (sections.ts): the crash trials
// (source/chaos/crash.ts, "crash trials passed / run") are built in main() from --trials.

function number(text: string | undefined, name: string, fallback: number, check: (n: number) => boolean): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || !check(n)) throw new Error(`--${name} ${text}: not a valid value`);
  return n;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      rate: { type: 'string' },
      tenants: { type: 'string' },
      'max-passes': { type: 'string' },
      trials: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const tenants = values.tenants === undefined ? undefined : number(values.tenants, 'tenants', 0, (n) => Number.isInteger(n) && n > 0);
  const options: ChaosOptions = {
    seed: number(values.seed, 'seed', CHAOS_DEFAULTS.seed, Number.isInteger),
    rate: number(values.rate, 'rate', CHAOS_DEFAULTS.rate, (n) => n >= 0 && n <= 1),
    maxPasses: number(values['max-passes'], 'max-passes', CHAOS_DEFAULTS.maxPasses, (n) => Number.isInteger(n) && n > 0),
    ...(tenants !== undefined ? { tenants } : {}),
  };
  const trials = number(values.trials, 'trials', CRASH_DEFAULTS.trials, (n) => Number.isInteger(n) && n >= 0);
  const SECTIONS: ChaosSection[] = trials > 0 ? [crashSection(trials)] : [];
  const pairs: Pair[] = SIMULATED_PSA_KINDS.flatMap((psa) => SIMULATED_PLATFORM_KINDS.map((platform) => ({ psa, platform })));
  const reports: PairReport[] = [];
  for (const pair of pairs) {
    if (!values.json) process.stderr.write(`chaos: ${pair.platform} × ${pair.psa}…\n`);
    // One pair that cannot run is reported as failed; the others still run.
    const result = await runPair(pair, options).catch((error: unknown) => pairNotRun(pair, describeErrorLine(error)));
    const sections: PairReport['sections'] = {};
    for (const section of SECTIONS) {
      if (!values.json) process.stderr.write(`chaos: ${pair.platform} × ${pair.psa}: ${section.title}…\n`);
      sections[section.title] = await section.run(pair, { seed: options.seed, ...(tenants !== undefined ? { tenants } : {}) });
    }
    reports.push({ result, sections });
  }
  const passed = reports.every(reportPassed);
  if (values.json) {
    process.stdout.write(JSON.stringify({ options, passed, pairs: reports.map((r) => ({ ...r.result, sections: r.sections, passed: reportPassed(r) })) }, null, 2) + '\n');
  } else {
    const header = `kmsp chaos run: seed ${options.seed}, fault rate ${options.rate}, at most ${options.maxPasses} passes per job, ${tenants === undefined ? 'every tenant the mapping suggestions match' : `${tenants} tenant${tenants === 1 ? '' : 's'}`} per pair`;
    process.stdout.write(formatReport(reports, SECTIONS.map((s) => s.title), header) + '\n\n' + (passed ? 'Every pair converged on the expected state.' : 'Some pair did not converge on the expected state (see above).') + '\n');
  }
  return passed ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`chaos: ${describeErrorLine(error)}\n`);
    process.exitCode = 2;
  },
);
