// Medians, percentiles and the aim check: small helpers the sections and the report share.
import type { Figure } from './types.js';

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0–100) of the values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** Runs `once` `runs` times one after the other and returns every value (for a median). */
export async function repeat(runs: number, once: (run: number) => Promise<number>): Promise<number[]> {
  const values: number[] = [];
  for (let run = 0; run < runs; run++) values.push(await once(run));
  return values;
}

/** The bound the figure is held to, in its own unit; null when it has no aim. */
export function bound(figure: Figure): number | null {
  if (!figure.aim) return null;
  if (!figure.aim.timesFloor) return figure.aim.max;
  return figure.floor ? figure.aim.max * figure.floor.value : null;
}

/** Whether the figure meets its aim; null when it has none (or a relative aim lost its floor). */
export function met(figure: Figure): boolean | null {
  const limit = bound(figure);
  return limit === null || !Number.isFinite(figure.value) ? (limit === null ? null : false) : figure.value <= limit;
}
