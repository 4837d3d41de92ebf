// Loaded into the soak's agent child (node --expose-gc --import …/soakProbe.js): on SIGUSR2 it
// notes the resident set, collects garbage and notes the heap then, one JSON line appended to
// KMSP_BENCH_PROBE_FILE. The heap after a full collection is what the agent really keeps; the
// resident set alone rises and settles with V8's own sizing and says little about a leak. The
// agent itself knows nothing of this: it is the benchmark's instrument, not part of kmsp.
import { appendFileSync } from 'node:fs';

const file = process.env.KMSP_BENCH_PROBE_FILE;
const gc = (globalThis as { gc?: () => void }).gc;

if (file && gc) {
  process.on('SIGUSR2', () => {
    const rss = process.memoryUsage.rss();
    gc();
    const m = process.memoryUsage();
    appendFileSync(file, JSON.stringify({ rss, heapUsed: m.heapUsed, external: m.external }) + '\n');
  });
}
