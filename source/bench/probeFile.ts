// The parent's side of memoryProbe.ts: the node arguments that load it into a kmsp child, and
// what it wrote. A section that measures kmsp apart from the simulators it serves (a billing run
// as `kmsp agent --once --job billing`) reads the child's peak here.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'memoryProbe.js');

/** Node arguments before the script: the probe loaded, and gc() for its heap samples. */
export function probeNodeArgs(): string[] {
  return ['--expose-gc', '--import', pathToFileURL(PROBE).href];
}

/** The environment variable that tells the probe where to write. */
export const PROBE_FILE_VARIABLE = 'KMSP_BENCH_PROBE_FILE';

export interface ProbeRecord {
  /** Heap samples (SIGUSR2), in order: resident set before the collection and heap after it, bytes. */
  samples: Array<{ rss: number; heapUsed: number }>;
  /** The process's peak resident set in bytes, once it has exited; null before. */
  peakRss: number | null;
}

export function readProbe(file: string): ProbeRecord {
  const out: ProbeRecord = { samples: [], peakRss: null };
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line) as { rss?: number; heapUsed?: number; peakRss?: number };
    if (typeof r.peakRss === 'number') out.peakRss = r.peakRss;
    else if (typeof r.rss === 'number' && typeof r.heapUsed === 'number') out.samples.push({ rss: r.rss, heapUsed: r.heapUsed });
  }
  return out;
}
