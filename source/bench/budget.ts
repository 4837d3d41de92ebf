// The agent's PSA requests per hour at the issue's size — 2,000 tenants, a ticket poll every 60 s
// and a billing run once a day — from measured passes: the PSA requests of one billing run and the
// median of the idle ticket passes after it (the billing section's run, shared: generatedDemo.ts),
// 60 polls + 1/24 of the run per hour. Held against the PSA's own hourly budget where it reports
// one (its budget(): the limit per timeframe, read from the simulator after the passes); a PSA
// without one is shown with no aim. A pair the billing section measures at fewer tenants is shown
// at that size, unscaled (an idle poll's requests need not grow with the tenants), and with no aim.
//
// The run uses the vendor's own budget, nothing used at the start. Another integration sharing the
// PSA's budget is what the connector of a PSA that reports one watches for: it re-reads the PSA's
// own count of used requests as it goes (every few hundred requests, and whenever the reading is
// five minutes old), paces its requests from 75 % so the rest lasts the timeframe, and stops with a
// rate-limit error before 100 % (the next pass tries again).
import { psaSimulator, DEMO_DEFAULT, SIMULATED_PSA_KINDS } from '../simulators/registry.js';
import { IDLE_PASSES } from './billing.js';
import { billingScaleRun, billingTenants, FULL_TENANTS, type Pair } from './generatedDemo.js';
import { median } from './measure.js';
import type { BenchSection, Figure } from './types.js';

const POLLS_PER_HOUR = 60;
const BILLING_RUNS_PER_HOUR = 1 / 24;

export const budgetSection: BenchSection = {
  id: 'budget',
  title: 'PSA API budget of the agent',
  async run(options) {
    const figures: Figure[] = [];
    for (const psa of SIMULATED_PSA_KINDS) {
      const pair: Pair = { platform: DEMO_DEFAULT.platform, psa };
      const tenants = billingTenants(pair, DEMO_DEFAULT);
      const r = await billingScaleRun(pair, tenants, options.seed, IDLE_PASSES, options.log);
      const poll = median(r.idle.passes.map((p) => p.requests.psa));
      const billing = r.billing.passes[0]!.requests.psa;
      const perHour = POLLS_PER_HOUR * poll + BILLING_RUNS_PER_HOUR * billing;
      const full = tenants === FULL_TENANTS;
      const budget = r.idle.budget;
      const threshold = budget ? (budget.limit * 60) / budget.timeframeMinutes : null;
      const how = `${POLLS_PER_HOUR} polls × ${poll.toLocaleString('en-US')} + ${billing.toLocaleString('en-US')} / 24; ${IDLE_PASSES} polls, 1 billing run`;
      figures.push({
        group: 'Budget',
        name: 'agent PSA requests per hour',
        subject: `${psaSimulator(psa).profile.words.short}, ${tenants.toLocaleString('en-US')} tenants, tickets every 60 s, billing daily`,
        value: perHour,
        unit: 'requests/h',
        samples: [perHour],
        // The issue's aim is for its size; a smaller run is shown without one.
        aim: threshold === null || !full ? null : { max: 0.5, timesFloor: true, text: '≤ 50 % of the hourly threshold' },
        ...(threshold === null ? {} : { floor: { name: 'hourly threshold', value: threshold, unit: 'requests/h' as const } }),
        detail: `${threshold === null ? 'no published hourly budget' : `${((perHour / threshold) * 100).toFixed(1)} %`}; ${how}`,
      });
    }
    return figures;
  },
};
