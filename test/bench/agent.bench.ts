// The long-running agent over time: a child `kmsp agent` (as systemd runs it) against the demo
// simulators, billing every 5 s and polling tickets every second for KMSP_BENCH_AGENT_SECONDS
// (default 60). Prints the passes made, pass durations and the process's resident memory over
// time (from /proc), so a leak across passes shows as growth. Printed, never asserted.
import { readFileSync } from 'node:fs';
import { bench, describe } from 'vitest';
import { billing, MAPPED } from '../billing/demoMapping.js';
import { startBillingEnv } from '../billing/helpers.js';
import { spawnAgent, statusOf, until } from '../agent/helpers.js';

const SECONDS = Number(process.env.KMSP_BENCH_AGENT_SECONDS ?? 60);

function rssMiB(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return m ? Number(m[1]) / 1024 : NaN;
}

describe(`agent soak: ${SECONDS} s, billing every 5 s, tickets every 1 s`, () => {
  bench(
    'kmsp agent',
    async () => {
      const env = await startBillingEnv('demo', { tenants: MAPPED, billing, timeZone: 'UTC' });
      const agent = spawnAgent(env.demo.configDir, ['--billing-schedule', '*/5 * * * * *', '--ticket-interval', '1', '--log-level', 'warn']);
      try {
        const pid = agent.child.pid!;
        await until(() => (statusOf(env.paths)?.jobs.tickets.passes ?? 0) >= 1 && (statusOf(env.paths)?.jobs.billing.passes ?? 0) >= 1, 'first passes', 60_000);
        const samples: Array<{ s: number; rss: number; billing: number; tickets: number }> = [];
        const started = Date.now();
        while (Date.now() - started < SECONDS * 1000) {
          const st = statusOf(env.paths)!;
          samples.push({ s: Math.round((Date.now() - started) / 1000), rss: rssMiB(pid), billing: st.jobs.billing.passes, tickets: st.jobs.tickets.passes });
          await new Promise((r) => setTimeout(r, Math.max(1000, (SECONDS * 1000) / 12)));
        }
        const st = statusOf(env.paths)!;
        agent.child.kill('SIGTERM');
        const code = await agent.exited;
        const first = samples[0]!;
        const last = samples[samples.length - 1]!;
        const passes = last.billing - first.billing + last.tickets - first.tickets;
        console.log(
          [
            '',
            `agent soak (${SECONDS} s after the first passes):`,
            '    s   RSS MiB  billing passes  ticket passes',
            ...samples.map((x) => `${String(x.s).padStart(5)} ${x.rss.toFixed(1).padStart(9)} ${String(x.billing).padStart(15)} ${String(x.tickets).padStart(14)}`),
            `RSS ${first.rss.toFixed(1)} → ${last.rss.toFixed(1)} MiB (max ${Math.max(...samples.map((x) => x.rss)).toFixed(1)}) over ${passes} passes` +
              (passes > 0 ? `: ${(((last.rss - first.rss) / passes) * 100).toFixed(2)} MiB per 100 passes` : ''),
            `last billing pass: ${st.jobs.billing.lastSummary}`,
            `last ticket pass: ${st.jobs.tickets.lastSummary}`,
            `overlapping ticks skipped: billing ${st.jobs.billing.overlapsSkipped}, tickets ${st.jobs.tickets.overlapsSkipped}; exit after SIGTERM: ${code}`,
            `requests in the last hour: ${JSON.stringify(st.api.lastHour)}`,
          ].join('\n'),
        );
      } finally {
        if (agent.child.exitCode === null) agent.child.kill('SIGKILL');
        await env.close();
      }
    },
    { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 },
  );
});
