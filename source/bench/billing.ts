// Billing at MSP size, for every platform × PSA pair the registries simulate: one billing run over
// a generated MSP (demo/generate.ts; 100 devices a tenant, about half the contract lines off), kmsp
// in a process of its own and the simulators in another (generatedDemo.ts).
//
// Floors: the PSA's minimum is C + P — each billed contract's quantities read once and each
// posting written once; the platform's aim is a number of HTTP requests per tenant. A run at the
// issue's size takes minutes to set up, so each pair is measured once (the row says so).
import { DEMO_DEFAULT, SIMULATED_PLATFORM_KINDS, SIMULATED_PSA_KINDS } from '../simulators/registry.js';
import { billingScaleRun, billingTenants, FULL_TENANTS, pairName, type Pair } from './generatedDemo.js';
import type { BenchOptions, BenchSection, Figure } from './types.js';

/** Idle ticket passes after the run, for the budget section (which shares the run). */
export const IDLE_PASSES = 3;

export function everyPair(): Pair[] {
  return SIMULATED_PLATFORM_KINDS.flatMap((platform) => SIMULATED_PSA_KINDS.map((psa) => ({ platform, psa })));
}

async function measure(pair: Pair, options: BenchOptions): Promise<Figure[]> {
  const tenants = billingTenants(pair, DEMO_DEFAULT);
  const r = await billingScaleRun(pair, tenants, options.seed, IDLE_PASSES, options.log);
  const pass = r.billing.passes[0]!;
  const subject = `${pairName(pair)}, ${tenants.toLocaleString('en-US')} tenants × ${r.spec.devices} devices`;
  const once = `1 run${pass.errors > 0 ? `; ${pass.errors} errors, first: ${pass.firstError}` : ''}`;
  const minimum = pass.contracts + pass.postings;
  const full = tenants === FULL_TENANTS;
  const figure = (f: Omit<Figure, 'group' | 'subject' | 'samples'>): Figure => ({ group: 'Billing', subject, samples: [f.value], ...f });
  return [
    figure({
      name: 'PSA requests',
      value: pass.requests.psa,
      unit: 'requests',
      aim: { max: 1.1, timesFloor: true, text: '≤ 1.1 × minimum' },
      floor: { name: `minimum C + P (${pass.contracts.toLocaleString('en-US')} + ${pass.postings.toLocaleString('en-US')})`, value: minimum, unit: 'requests' },
      detail: `${(pass.requests.psa / Math.max(1, minimum)).toFixed(2)} ×; ${once}`,
    }),
    figure({
      name: 'platform HTTP requests',
      value: pass.requests.platform / Math.max(1, r.billed),
      unit: 'per tenant',
      aim: { max: 6, text: '≤ 6 per tenant' },
      detail: `${pass.requests.platform.toLocaleString('en-US')} for ${r.billed.toLocaleString('en-US')} tenants; ${once}`,
    }),
    figure({
      name: 'wall time',
      value: pass.ms / 1000,
      unit: 's',
      // The issue's aim is for its size; a smaller run is shown without one.
      aim: full ? { max: 30, text: '≤ 30 s' } : null,
      detail: once,
    }),
    figure({
      name: 'kmsp peak RSS',
      value: r.billing.peakRssMiB,
      unit: 'MiB',
      aim: { max: 250, text: '≤ 250 MiB' },
      detail: `kmsp's process alone, simulators apart; ${once}`,
    }),
  ];
}

export const billingSection: BenchSection = {
  id: 'billing',
  title: 'Billing runs over generated MSPs',
  async run(options) {
    const figures: Figure[] = [];
    for (const pair of everyPair()) figures.push(...(await measure(pair, options)));
    return figures;
  },
};
