// Section `console`: key → frame of every console tab at 10,000 rows (Accounts, Services and its
// billing item chooser, Ticketing's picklist chooser and rules, Reports › Unmapped accounts),
// for each PSA and platform of the simulator registry. The measuring runs in a child process
// with NODE_ENV=production, the React build the launcher (bin/kmsp.js) runs; this process only
// turns its samples into figures.
//
// Each figure is the p95 of one run's keys, the median over the runs. Its value is the CPU time
// the console's process spent from the key to the frame: on this 2-core machine shared with other
// work, wall-clock waits for the scheduler as much as for the console (the wall-clock p95 is in
// the detail). The floor is Ink alone redrawing a frame of the same size on a key, measured just
// before each vendor pair's tabs (the load of a shared machine changes during a run).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConsoleChildOutput } from './consoleChild.js';
import type { KeySample } from './console-drive.js';
import { median, percentile } from './measure.js';
import type { BenchOptions, BenchSection, Figure, Floor } from './types.js';

/** Rows of every long list (tenants, accounts, applications, billing items, picklist values). */
export const CONSOLE_ROWS = 10_000;
const AIM_MS = 16;

function runChild(options: BenchOptions): Promise<ConsoleChildOutput> {
  const script = fileURLToPath(new URL('./consoleChild.js', import.meta.url));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kmsp-bench-console-'));
  const out = path.join(dir, 'report.json');
  const args = [script, '--out', out, '--rows', String(CONSOLE_ROWS), '--runs', String(options.runs), '--seed', String(options.seed)];
  return new Promise<ConsoleChildOutput>((resolve, reject) => {
    // Colour on, as in a terminal: the frames carry the theme's codes.
    const child = spawn(process.execPath, args, { env: { ...process.env, NODE_ENV: 'production', FORCE_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      err += chunk;
      for (const line of chunk.split('\n')) if (line.startsWith('console bench: ') && !line.includes('Error')) options.log(line.slice('console bench: '.length));
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`the console bench's child ended with exit code ${code}: ${err.trim().split('\n').slice(-12).join('\n')}`));
      try {
        resolve(JSON.parse(readFileSync(out, 'utf8')) as ConsoleChildOutput);
      } catch (error) {
        reject(new Error(`the console bench's child left no report (${error instanceof Error ? error.message : String(error)})`));
      }
    });
  }).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const cpu = (run: readonly KeySample[]) => run.map((s) => s.cpu);
const wall = (run: readonly KeySample[]) => run.map((s) => s.wall);
const ms = (v: number) => `${v.toFixed(1)} ms`;

export function consoleFigures(output: ConsoleChildOutput): Figure[] {
  return output.results.map((result) => {
    const floor: Floor = { name: 'Ink alone: key → frame of a 120×40 frame (CPU p95)', value: median(result.floor.map((run) => percentile(cpu(run), 95))), unit: 'ms' };
    const p95s = result.runs.map((run) => percentile(cpu(run), 95));
    const all = result.runs.flat();
    return {
      group: 'Console',
      name: `${result.tab}, ${CONSOLE_ROWS.toLocaleString('en-US')} rows: ${result.action}, key → frame p95 (CPU)`,
      subject: result.subject,
      value: median(p95s),
      unit: 'ms',
      samples: p95s,
      aim: { max: AIM_MS, text: `≤ ${AIM_MS} ms p95` },
      floor,
      detail: `median ${ms(percentile(cpu(all), 50))}; wall-clock p95 ${ms(percentile(wall(all), 95))}, median ${ms(percentile(wall(all), 50))}; ${all.length} keys, React ${output.build}`,
    } satisfies Figure;
  });
}

export const consoleSection: BenchSection = {
  id: 'console',
  title: `Console tabs at ${CONSOLE_ROWS.toLocaleString('en-US')} rows`,
  run: async (options) => consoleFigures(await runChild(options)),
};
