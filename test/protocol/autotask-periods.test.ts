// Current units per contract service (ContractServiceUnits) over real loopback HTTP,
// under both conventions a tenant may use for a period's endDate (UNCONFIRMED which one
// Autotask uses, see assumptions.ts): the last day (Jan 1 – Jan 31) or the next period's
// start (Jan 1 – Feb 1). On a boundary day the second matches two periods; their units
// must never be added up. A contract without a period containing the date must never
// read as 0 units; repeated rows across pages must count once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTOTASK_DEFAULTS } from '../../source/domain/defaults.js';
import { KmspError } from '../../source/domain/errors.js';
import { createAutotaskPsa, NO_SERVICE_PERIOD, type AutotaskPsa } from '../../source/connectors/autotask/index.js';
import { startAutotaskSimulator, type AutotaskFixture, type AutotaskSimulator } from '../../source/simulators/autotask/index.js';
import { assertAutotaskConformance } from '../helpers/swagger.js';

const apiUser = { username: 'periods@sim.example', secret: 'periods-secret-1234', integrationCode: 'PERIODSCODE0000001', resourceId: 1 };

// Ids
const COMPANY = 100;
const WS = 501; // workstation licences
const SRV = 502; // server licences
const RUNNING = 900; // 2025, WS 40 and SRV 6 in every period
const ENDED = 901; // 2024
const FUTURE = 902; // 2026
const UNMATERIALISED = 903; // 2025, periods created only through March
const EMPTY = 904; // 2025, no services yet
const ODD = 905; // 2025, gets a second, overlapping row for WS
const CONTRACTS = [RUNNING, ENDED, FUTURE, UNMATERIALISED, EMPTY, ODD];

function fixture(periodEnds: 'last-day' | 'next-start', extraServices = 0): AutotaskFixture {
  const contract = (id: number, year: number, extra: Record<string, unknown> = {}) => ({
    id,
    companyID: COMPANY,
    contractName: `Contract ${id}`,
    contractType: 7,
    status: 1,
    startDate: `${year}-01-01T00:00:00Z`,
    endDate: `${year}-12-31T00:00:00Z`,
    ...extra,
  });
  const many = Array.from({ length: extraServices }, (_, i) => ({ id: 10_000 + i, name: `Service ${i}`, unitPrice: 1, periodType: 1, billingCodeID: 1, isActive: true }));
  return {
    apiUser,
    zone: { zoneName: 'Periods zone', ci: 5 },
    periodEnds,
    picklists: { Contracts: { status: [{ value: 1, label: 'Active' }], contractType: [{ value: 7, label: 'Recurring Service' }] } },
    resources: [{ id: 1, firstName: 'API', lastName: 'User', isActive: true }],
    billingCodes: [{ id: 1, name: 'Recurring', useType: 1, isActive: true }],
    companies: [{ id: COMPANY, companyName: 'Periods Ltd', companyType: 1, phone: '555', ownerResourceID: 1 }],
    services: [
      { id: WS, name: 'Workstation', unitPrice: 4.5, periodType: 1, billingCodeID: 1, isActive: true },
      { id: SRV, name: 'Server', unitPrice: 9, periodType: 1, billingCodeID: 1, isActive: true },
      ...many,
    ],
    contracts: [
      contract(RUNNING, 2025),
      contract(ENDED, 2024),
      contract(FUTURE, 2026),
      contract(UNMATERIALISED, 2025, { periodsThrough: '2025-03-01T00:00:00Z' }),
      contract(EMPTY, 2025),
      contract(ODD, 2025),
    ],
    contractServices: [
      { contractID: RUNNING, serviceID: WS, units: 40 },
      { contractID: RUNNING, serviceID: SRV, units: 6 },
      { contractID: ENDED, serviceID: WS, units: 40 },
      { contractID: FUTURE, serviceID: WS, units: 40 },
      { contractID: UNMATERIALISED, serviceID: WS, units: 40 },
      { contractID: ODD, serviceID: WS, units: 40 },
      ...many.map((s) => ({ contractID: RUNNING, serviceID: s.id, units: 2 })),
    ],
  };
}

async function failure(p: Promise<unknown>): Promise<KmspError> {
  const outcome = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(outcome).toBeInstanceOf(KmspError);
  return outcome as KmspError;
}

const units = (quantities: Array<{ billingItemId: string; units: number }>) => Object.fromEntries(quantities.map((q) => [q.billingItemId, q.units]));

describe.each(['last-day', 'next-start'] as const)('ContractServiceUnits with endDate stored as the %s', (periodEnds) => {
  let sim: AutotaskSimulator;
  let psa: AutotaskPsa;

  beforeAll(async () => {
    sim = await startAutotaskSimulator({ fixture: fixture(periodEnds) });
    psa = createAutotaskPsa({
      connection: { ...AUTOTASK_DEFAULTS, zoneDiscoveryUrl: sim.zoneDiscoveryUrl, username: apiUser.username },
      secret: apiUser.secret,
      integrationCode: apiUser.integrationCode,
    });
  });

  afterAll(async () => {
    await psa.close();
    await sim.close();
    assertAutotaskConformance(sim.requests);
  });

  it('the simulator stores the convention it was given', () => {
    const feb = sim.state.units.find((u) => u.contractID === RUNNING && u.serviceID === WS && String(u.startDate).startsWith('2025-02-01'))!;
    expect(String(feb.endDate).slice(0, 10)).toBe(periodEnds === 'next-start' ? '2025-03-01' : '2025-02-28');
    const dec = sim.state.units.filter((u) => u.contractID === RUNNING && u.serviceID === WS).at(-1)!;
    expect(String(dec.endDate).slice(0, 10)).toBe(periodEnds === 'next-start' ? '2026-01-01' : '2025-12-31');
  });

  it('reads one period per service on a boundary day, never the sum of two', async () => {
    const feb1 = await psa.currentQuantities(String(RUNNING), '2025-02-01');
    expect(units(feb1)).toEqual({ [WS]: 40, [SRV]: 6 });
    expect(feb1.every((q) => q.periodStart === '2025-02-01')).toBe(true);
    expect(units(await psa.currentQuantities(String(RUNNING), '2025-01-31'))).toEqual({ [WS]: 40, [SRV]: 6 });
    expect((await psa.currentQuantities(String(RUNNING), '2025-01-31'))[0]!.periodStart).toBe('2025-01-01');
    expect(units(await psa.currentQuantities(String(RUNNING), '2025-02-15'))).toEqual({ [WS]: 40, [SRV]: 6 });
    // The contract's first and last day.
    expect(units(await psa.currentQuantities(String(RUNNING), '2025-01-01'))).toEqual({ [WS]: 40, [SRV]: 6 });
    expect(units(await psa.currentQuantities(String(RUNNING), '2025-12-31'))).toEqual({ [WS]: 40, [SRV]: 6 });
  });

  it('an adjustment effective on a boundary day changes that period on, and is read back once', async () => {
    await psa.postUsage({ contractId: String(RUNNING), billingItemId: String(WS), before: 0, after: 5, mode: 'delta', effectiveDate: '2025-03-01' });
    expect(units(await psa.currentQuantities(String(RUNNING), '2025-03-01'))[WS]).toBe(45);
    expect(units(await psa.currentQuantities(String(RUNNING), '2025-02-28'))[WS]).toBe(40);
    expect(units(await psa.currentQuantities(String(RUNNING), '2025-03-31'))[WS]).toBe(45);
  });

  it('a contract that has ended has no current period: an error, never 0 units', async () => {
    const error = await failure(psa.currentQuantities(String(ENDED), '2025-01-15'));
    expect(error).toMatchObject({ kind: 'config', code: NO_SERVICE_PERIOD });
    expect(error.message).toBe(`Contract ${ENDED} has no service period containing 2025-01-15 (contract dates 2024-01-01 – 2024-12-31); billing skips it`);
    expect(error.why).toMatch(/ended/);
    // The day after the last day: under "next-start" the last period still touches it with its endDate.
    const dayAfter = await failure(psa.currentQuantities(String(RUNNING), '2026-01-01'));
    expect(dayAfter).toMatchObject({ kind: 'config', code: NO_SERVICE_PERIOD });
  });

  it('a contract that has not started has no current period', async () => {
    const error = await failure(psa.currentQuantities(String(FUTURE), '2025-06-15'));
    expect(error).toMatchObject({ kind: 'config', code: NO_SERVICE_PERIOD });
    expect(error.why).toMatch(/not started/);
  });

  it('a running contract whose periods do not exist yet has no current period', async () => {
    expect(units(await psa.currentQuantities(String(UNMATERIALISED), '2025-03-10'))).toEqual({ [WS]: 40 });
    const error = await failure(psa.currentQuantities(String(UNMATERIALISED), '2025-06-15'));
    expect(error).toMatchObject({ kind: 'config', code: NO_SERVICE_PERIOD });
    expect(error.why).toMatch(/not have been created/);
    // The day after the last period that exists: under "next-start" that period still touches it.
    const after = await failure(psa.currentQuantities(String(UNMATERIALISED), '2025-04-01'));
    expect(after).toMatchObject({ kind: 'config', code: NO_SERVICE_PERIOD });
    expect(units(await psa.currentQuantities(String(UNMATERIALISED), '2025-03-31'))).toEqual({ [WS]: 40 });
  });

  it('a running contract without services holds nothing yet: [] (its first posting creates the service)', async () => {
    expect(await psa.currentQuantities(String(EMPTY), '2025-06-15')).toEqual([]);
  });

  it('two different rows for one service and day are an error, not a sum', async () => {
    sim.insertRecord('ContractServiceUnits', {
      contractID: ODD,
      contractServiceID: sim.state.contractServices.find((cs) => cs.contractID === ODD)!.id as number,
      serviceID: WS,
      startDate: '2025-06-01T00:00:00.000Z',
      endDate: '2025-06-20T00:00:00.000Z',
      units: 7,
    });
    const error = await failure(psa.currentQuantities(String(ODD), '2025-06-10'));
    expect(error.kind).toBe('vendor');
    expect(error.message).toMatch(/2 service periods for service 501/);
    expect(error.why).toMatch(/40 units/);
    expect(error.why).toMatch(/7 units/);
    expect(error.why).toMatch(/never adds them up/);
    // Other days of the same contract are unaffected.
    expect(units(await psa.currentQuantities(String(ODD), '2025-07-10'))).toEqual({ [WS]: 40 });
  });

  it('never queries with an operator Autotask would ignore', () => {
    const bodies = sim.requests.filter((r) => /ContractServiceUnits\/query$/i.test(r.path)).map((r) => r.body as { filter: Array<{ op: string }> });
    expect(bodies.length).toBeGreaterThan(0);
    for (const b of bodies) for (const f of b.filter) expect(['eq', 'lte', 'gte']).toContain(f.op);
  });
});

describe('records repeated across pages', () => {
  const EXTRA = 520;
  let sim: AutotaskSimulator;
  let psa: AutotaskPsa;

  beforeAll(async () => {
    // 522 services on one contract: two pages of ContractServiceUnits, the second repeating the last 3 rows of the first.
    sim = await startAutotaskSimulator({ fixture: fixture('last-day', EXTRA), pageOverlap: 3 });
    psa = createAutotaskPsa({
      connection: { ...AUTOTASK_DEFAULTS, zoneDiscoveryUrl: sim.zoneDiscoveryUrl, username: apiUser.username },
      secret: apiUser.secret,
      integrationCode: apiUser.integrationCode,
    });
  });

  afterAll(async () => {
    await psa.close();
    await sim.close();
    assertAutotaskConformance(sim.requests);
  });

  it('are kept once by id: every service has its own units, none doubled', async () => {
    sim.clearRequests();
    const quantities = await psa.currentQuantities(String(RUNNING), '2025-05-15');
    // The simulator did repeat rows: two pages, 500 + 25 rows for 522 services.
    const pages = sim.requests.filter((r) => /ContractServiceUnits\/query/i.test(r.path));
    expect(pages).toHaveLength(2);
    expect(quantities).toHaveLength(EXTRA + 2);
    expect(new Set(quantities.map((q) => q.billingItemId)).size).toBe(EXTRA + 2);
    expect(quantities.filter((q) => q.units !== 2).map((q) => [q.billingItemId, q.units]).sort()).toEqual([
      [String(WS), 40],
      [String(SRV), 6],
    ].sort());
  });

  it('a plain list is deduplicated too', async () => {
    const contracts = await psa.listContracts();
    expect(contracts.map((c) => Number(c.id)).sort()).toEqual([...CONTRACTS].sort());
    const services = await psa.listBillingItems();
    expect(services).toHaveLength(EXTRA + 2);
    expect(new Set(services.map((s) => s.id)).size).toBe(EXTRA + 2);
  });
});
