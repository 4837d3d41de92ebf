// The fault plan of `kmsp demo --faults`, written the way a person types it on a command line:
// "rate=0.2,seed=7,kinds=5xx+429+reset-after". Both simulators of the demo get it; a kind only
// one of them has (a vendor's own) goes to that one alone.
import { KmspError } from '../domain/errors.js';
import type { FaultPlan } from './faults.js';

const KEYS = ['rate', 'seed', 'kinds', 'slow', 'timeout', 'retry-after'] as const;

function refused(spec: string, why: string): KmspError {
  return new KmspError(`--faults "${spec}" is not a fault plan`, {
    kind: 'config',
    cause: why,
    remedy: 'Write it as rate=0.2[,seed=7][,kinds=5xx+429+reset-after][,slow=1500][,timeout=35000][,retry-after=1] (milliseconds and seconds); leave --faults out for none.',
  });
}

export function parseFaultSpec(spec: string): FaultPlan {
  const plan: FaultPlan = { seed: 1, rate: NaN };
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (!(KEYS as readonly string[]).includes(key)) throw refused(spec, `"${key}" is not a setting (known: ${KEYS.join(', ')})`);
    if (key === 'kinds') {
      const kinds = value.split('+').map((k) => k.trim()).filter(Boolean);
      if (kinds.length === 0) throw refused(spec, 'kinds names no fault kind');
      plan.kinds = kinds;
      continue;
    }
    const n = Number(value);
    if (value === '' || !Number.isFinite(n) || n < 0) throw refused(spec, `${key} must be a number ≥ 0, not "${value}"`);
    if (key === 'rate') plan.rate = n;
    else if (key === 'seed') plan.seed = Math.trunc(n);
    else if (key === 'slow') plan.slowMs = n;
    else if (key === 'timeout') plan.timeoutMs = n;
    else plan.retryAfterSeconds = n;
  }
  if (!(plan.rate >= 0 && plan.rate <= 1)) throw refused(spec, 'rate must be given, from 0 to 1 (0.2 = one request in five)');
  return plan;
}

/**
 * The plan as one simulator takes it: only the kinds it has. Null when the plan names kinds and
 * this simulator has none of them.
 */
export function planFor(plan: FaultPlan, kinds: readonly string[]): FaultPlan | null {
  if (!plan.kinds) return plan;
  const own = plan.kinds.filter((k) => kinds.includes(k));
  return own.length > 0 ? { ...plan, kinds: own } : null;
}

/** Kinds of the plan that no simulator of the demo has: a typo, refused with the kinds there are. */
export function unknownKinds(plan: FaultPlan, kindsBySimulator: ReadonlyArray<readonly string[]>): KmspError | null {
  const all = new Set(kindsBySimulator.flat());
  const unknown = (plan.kinds ?? []).filter((k) => !all.has(k));
  if (unknown.length === 0) return null;
  return new KmspError(`Unknown fault kind${unknown.length === 1 ? '' : 's'}: ${unknown.join(', ')}`, {
    kind: 'config',
    cause: `the demo's simulators inject: ${[...all].join(', ')}`,
    remedy: 'Name kinds from that list in --faults kinds=…, joined by +.',
  });
}
