// A ledger that cannot be written once the run is under way (a disk that filled up or was
// remounted read-only; simulated with SQLite's query_only): no posting reaches the PSA without its
// ledger row, and the failure says so.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBilling } from '../../source/billing/run.js';
import { KmspError } from '../../source/domain/errors.js';
import { basicBilling, basicTenants } from './basicFixture.js';
import { adjustments, startBillingEnv, type BillingEnv } from './helpers.js';

const tenants = basicTenants.map((t) => ({ ...t, billing: true }));

let env: BillingEnv;
beforeEach(async () => {
  env = await startBillingEnv('billing-basic', { tenants, billing: basicBilling });
});
afterEach(async () => env.close());

describe('billing with a ledger that cannot be written', () => {
  it('after the run began: nothing is posted, and the run says the ledger could not be written', async () => {
    const ledger = env.ledger();
    const before = adjustments(env).length;
    const c = await env.connect();
    let error: unknown = null;
    let result: Awaited<ReturnType<typeof runBilling>> | null = null;
    try {
      // From the run's first read of the PSA's quantities on, the ledger refuses every write.
      const psa = new Proxy(c.psa, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver) as unknown;
          // One contract's quantities, or many contracts' at once where the PSA reads them so.
          if ((prop !== 'currentQuantities' && prop !== 'currentQuantitiesMany') || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
          return (...args: unknown[]) => {
            ledger.db.pragma('query_only = ON');
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
      result = await runBilling({ integration: env.integration, platform: c.platform, psa, ledger, now: new Date(), timeZone: 'UTC', dryRun: false });
    } catch (e) {
      error = e;
    } finally {
      await c.close();
    }
    expect(result).toBeNull();
    expect(error).toBeInstanceOf(KmspError);
    const e = error as KmspError;
    expect(e.message).toBe(`The ledger ${ledger.file} cannot be written, so nothing more is posted or ticketed in this run`);
    expect(e.why).toMatch(/cannot be written by this user .*SQLite: attempt to write a readonly database/);
    expect(e.remedy).toMatch(/make it writable for the agent's user again\. The job resumes by itself within 10 minutes/);
    // Nothing reached the PSA without its ledger row.
    expect(adjustments(env)).toHaveLength(before);
    ledger.db.pragma('query_only = OFF');
    expect(ledger.listPostings()).toHaveLength(0);
  });
});
