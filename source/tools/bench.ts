// `npm run bench`: every benchmark section (source/bench/sections.ts) against the production build
// and the simulators on loopback; one report, each figure the median of several runs beside its
// aim and floor. PERFORMANCE.md keeps the method and the latest report.
//
//   node dist/tools/bench.js [--runs 3] [--only startup,console,…] [--soak-passes N] [--seed N] [--json]
//
// KMSP_BENCH_SOAK_PASSES sets the soak's length when --soak-passes is not given (1000 for the long run).
import { parseArgs } from 'node:util';
import { formatReport, machine, reportJson } from '../bench/report.js';
import { SECTIONS } from '../bench/sections.js';
import type { BenchOptions, Figure } from '../bench/types.js';
import { describeErrorLine } from '../domain/errors.js';

const DEFAULTS = { runs: 3, soakPasses: 100, seed: 7 };

function count(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} ${text}: a whole number of at least 1 is needed`);
  return n;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string' },
      only: { type: 'string' },
      'soak-passes': { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const wanted = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = wanted?.filter((id) => !SECTIONS.some((s) => s.id === id)) ?? [];
  if (unknown.length > 0) throw new Error(`--only ${unknown.join(',')}: no such section (sections: ${SECTIONS.map((s) => s.id).join(', ')})`);
  const options: BenchOptions = {
    runs: count(values.runs, '--runs', DEFAULTS.runs),
    soakPasses: count(values['soak-passes'] ?? process.env.KMSP_BENCH_SOAK_PASSES, '--soak-passes', DEFAULTS.soakPasses),
    seed: count(values.seed, '--seed', DEFAULTS.seed),
    log: values.json ? () => undefined : (line) => process.stderr.write(`bench: ${line}\n`),
  };
  const where = machine();
  const figures: Figure[] = [];
  let failed = false;
  for (const section of SECTIONS.filter((s) => !wanted || wanted.includes(s.id))) {
    options.log(`${section.title}…`);
    try {
      figures.push(...(await section.run(options)));
    } catch (error) {
      // One section that cannot run is reported; the others still run.
      failed = true;
      process.stderr.write(`bench: ${section.title} could not run: ${describeErrorLine(error)}\n`);
    }
  }
  process.stdout.write((values.json ? reportJson(figures, options, where) : formatReport(figures, options, where)) + '\n');
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${describeErrorLine(error)}\n`);
    process.exitCode = 2;
  },
);
