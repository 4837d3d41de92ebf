// The shapes every benchmark section shares: a figure is one row of the report — what was
// measured, the median of its runs, the aim it is held to and, where the aim is relative, the floor
// measured in the same run (bare node, import('ink'), the minimum request count).

export type Unit = 's' | 'ms' | 'MiB' | 'requests' | 'requests/h' | 'MiB/100 passes' | 'passes' | 'per tenant' | 'per ticket' | '×' | '%';

export interface Aim {
  /** The figure must be at most this value… */
  max: number;
  /** …times the floor's value when true (the figure and its floor share a unit). */
  timesFloor?: boolean;
  /** The aim as a person reads it: "≤ 1.2 × import('ink')", "≤ 6 per tenant". */
  text: string;
}

export interface Floor {
  /** What the floor is: "node -e \"await import('ink')\"", "minimum C + P". */
  name: string;
  value: number;
  unit: Unit;
}

export interface Figure {
  /** Report group: "Startup", "Console", "Billing", "Tickets", "Agent", "Budget". */
  group: string;
  /** The row's name: "cold start to first frame with rows". */
  name: string;
  /** What it ran against: "demo", "KSC × Autotask", "Accounts". Empty when nothing to say. */
  subject: string;
  /** The median of `samples`. */
  value: number;
  unit: Unit;
  /** Every run's value (one element for single-run figures such as a soak). */
  samples: number[];
  aim: Aim | null;
  floor?: Floor;
  /** A short addition shown after the value: "p95 12.7 ms", "3,939 of 2,959". */
  detail?: string;
}

export interface BenchOptions {
  /** Runs per figure; the report shows the median. */
  runs: number;
  /** Agent soak length in passes (short by default; KMSP_BENCH_SOAK_PASSES=1000 for the long one). */
  soakPasses: number;
  /** Seed for every generated dataset. */
  seed: number;
  /** Progress lines for a person watching (stderr); silent under --json. */
  log(line: string): void;
}

export interface BenchSection {
  /** Short id for --only: "startup", "console", "billing", "tickets", "soak", "budget". */
  id: string;
  title: string;
  run(options: BenchOptions): Promise<Figure[]>;
}
