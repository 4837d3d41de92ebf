// More columns for the chaos report, each computed per PSA × platform pair by a section of its
// own (crash trials: a run killed at chosen points, then resumed). `npm run chaos` runs every
// section registered in source/tools/chaos.ts after the convergence run of each pair.
import type { Pair } from './scenario.js';

export interface SectionOptions {
  seed: number;
  /** Tenants mapped per scenario (undefined: every one the suggestions match). */
  tenants?: number;
}

export interface SectionRow {
  /** The cell shown in the section's column ("50 / 50"). */
  cell: string;
  /** False fails `npm run chaos` (exit 1). */
  passed: boolean;
  /** Printed under the table when the row did not pass, and in --json. */
  details?: string[];
  /** Anything else --json should carry. */
  figures?: Record<string, unknown>;
}

export interface ChaosSection {
  /** Column heading, e.g. "crash trials passed / run". */
  readonly title: string;
  run(pair: Pair, options: SectionOptions): Promise<SectionRow>;
}
