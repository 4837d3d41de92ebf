// The benchmark report: one table for a person (grouped rows, each beside its aim and floor), or
// JSON for a script, plus the machine it ran on so figures from two machines are never compared
// unknowingly.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { bound, met } from './measure.js';
import type { BenchOptions, Figure, Unit } from './types.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  commit: string | null;
  date: string;
}

export function machine(now = new Date()): Machine {
  let commit: string | null = null;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    // Not a git checkout (an installed package): the report says so by leaving it out.
  }
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    commit,
    date: now.toISOString(),
  };
}

const DIGITS: Record<Unit, number> = { s: 2, ms: 1, MiB: 0, requests: 0, 'requests/h': 0, 'MiB/100 passes': 2, passes: 0, 'per tenant': 1, 'per ticket': 2, '×': 2, '%': 1 };

export function formatValue(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return '—';
  const text = value.toLocaleString('en-US', { minimumFractionDigits: DIGITS[unit], maximumFractionDigits: DIGITS[unit] });
  return unit === '×' ? `${text} ×` : `${text} ${unit}`;
}

function verdict(figure: Figure): string {
  const ok = met(figure);
  return ok === null ? '' : ok ? 'met' : 'NOT MET';
}

function row(figure: Figure): string[] {
  const measured = formatValue(figure.value, figure.unit) + (figure.detail ? ` (${figure.detail})` : '');
  const limit = bound(figure);
  const aim = figure.aim ? figure.aim.text + (figure.aim.timesFloor && limit !== null ? ` = ${formatValue(limit, figure.unit)}` : '') : '';
  const floor = figure.floor ? `${formatValue(figure.floor.value, figure.floor.unit)} ${figure.floor.name}` : '';
  return [figure.name, figure.subject, measured, aim, floor, verdict(figure)];
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
}

export function formatReport(figures: readonly Figure[], options: Pick<BenchOptions, 'runs' | 'soakPasses' | 'seed'>, where: Machine): string {
  const lines = [
    `kmsp benchmarks — ${where.date.slice(0, 16).replace('T', ' ')} UTC, commit ${where.commit ?? 'unknown'}`,
    `machine: ${where.cpu}, ${where.cores} cores, ${where.memoryGiB} GiB, Node ${where.node}, ${where.platform}`,
    `each figure the median of ${options.runs} run${options.runs === 1 ? '' : 's'} unless it says otherwise; soak ${options.soakPasses} passes; seed ${options.seed}`,
    '',
  ];
  const groups = [...new Set(figures.map((f) => f.group))];
  for (const group of groups) {
    lines.push(group);
    const header = ['figure', 'against', 'measured', 'aim', 'floor', ''];
    lines.push(...table([header, ...figures.filter((f) => f.group === group).map(row)]).map((l) => `  ${l}`), '');
  }
  const missed = figures.filter((f) => met(f) === false);
  lines.push(missed.length === 0 ? `Every aim met (${figures.filter((f) => f.aim).length} figures with an aim).` : `${missed.length} of ${figures.filter((f) => f.aim).length} aims not met: ${missed.map((f) => `${f.group} › ${f.name}${f.subject ? ` (${f.subject})` : ''}`).join('; ')}.`);
  return lines.join('\n');
}

export function reportJson(figures: readonly Figure[], options: Pick<BenchOptions, 'runs' | 'soakPasses' | 'seed'>, where: Machine): string {
  return JSON.stringify({ machine: where, options, figures: figures.map((f) => ({ ...f, bound: bound(f), met: met(f) })) }, null, 2);
}
