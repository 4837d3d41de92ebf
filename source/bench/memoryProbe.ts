// Loaded into a benchmark's kmsp child (node --expose-gc --import …/memoryProbe.js) with
// KMSP_BENCH_PROBE_FILE set; appends JSON lines to that file:
// - on SIGUSR2, {rss, heapUsed, external}: the resident set as it is, then the heap after a full
//   collection — what the process really keeps; the resident set alone rises and settles with
//   V8's own sizing and says little about a leak (the agent soak);
// - at exit, {peakRss}: the most the process was resident at any time (a billing run measured
//   apart from the simulators that serve it).
// kmsp itself knows nothing of this: it is the benchmarks' instrument, not part of the product.
import { appendFileSync } from 'node:fs';

const file = process.env.KMSP_BENCH_PROBE_FILE;
const gc = (globalThis as { gc?: () => void }).gc;

if (file) {
  if (gc) {
    process.on('SIGUSR2', () => {
      const rss = process.memoryUsage.rss();
      gc();
      const m = process.memoryUsage();
      appendFileSync(file, JSON.stringify({ rss, heapUsed: m.heapUsed, external: m.external }) + '\n');
    });
  }
  process.on('exit', () => appendFileSync(file, JSON.stringify({ peakRss: process.resourceUsage().maxRSS * 1024 }) + '\n'));
}
