// Billing into Tigerpaw recurring agreements over the KSC and Tigerpaw simulators: the scenarios
// of basic.test.ts, safety.test.ts and restart-in-flight.test.ts on the PSA that keeps usage as
// additional charges priced at the account's price level (README › Billing rules). The crafted
// fixture (fixtures/billing-basic) has Northwind's agreement 29690101 holding KESB-SEL-WS 85,
// KESB-SEL-NW 3 and BACKUP-DEV 40 (an item kmsp does not bill), all at price level Standard;
// Southside's agreement 29690102 holds KESB-SEL-WS 2. What each agreement must hold after a run is
// computed here from the two fixture files themselves (expectedCharges), not written down.
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { previewRows } from '../../source/billing/format.js';
import { buildBillingPlan } from '../../source/billing/planner.js';
import { runBilling, type BillingRunOptions } from '../../source/billing/run.js';
import { createTigerpawPsa } from '../../source/connectors/tigerpaw/index.js';
import type { BillingSettings, Integration, TenantMapping } from '../../source/domain/config.js';
import { newIntegration } from '../../source/domain/defaults.js';
import type { Psa, SecurityPlatform } from '../../source/domain/ports.js';
import { fixturesPath } from '../../source/simulators/server.js';
import type { KscSimulator } from '../../source/simulators/ksc/index.js';
import type { TigerpawSimulator } from '../../source/simulators/tigerpaw/index.js';
import type { Ledger } from '../../source/store/ledger.js';
import { useTigerpawEnv } from '../helpers/tigerpaw-env.js';
import { basicTenants, KESB } from './basicFixture.js';

const TZ = 'Europe/Berlin';
const NORTH = 29690101;
const SOUTH = 29690102;
const WS = 'KESB-SEL-WS';
const SRV = 'KESB-SEL-SRV';
const NW = 'KESB-SEL-NW';
const BACKUP = 'BACKUP-DEV';
const STANDARD = { priceLevelId: '1', priceLevelName: 'Standard' };
const PREFERRED = { priceLevelId: '2', priceLevelName: 'Preferred' };

// The same Accounts tab as on the other PSAs, with the price level Tigerpaw prices each account at.
const tenants: TenantMapping[] = basicTenants.map((t) => ({ ...t, ...STANDARD }));
const bothBilled: TenantMapping[] = tenants.map((t) => ({ ...t, billing: true }));
const billing: BillingSettings = {
  byCategory: true,
  applications: [
    {
      applicationId: KESB,
      applicationName: KESB,
      single: null,
      workstation: { value: WS, label: `${WS} — KESB Select – Workstation` },
      server: { value: SRV, label: `${SRV} — KESB Select – Server` },
      nonWindows: { value: NW, label: `${NW} — KESB Select – Non-Windows` },
    },
  ],
};

const env = useTigerpawEnv('billing-basic');
let ksc: KscSimulator;
let tp: TigerpawSimulator;
let ledger: Ledger;
let platform: SecurityPlatform;
let psa: Psa;
let integration: Integration;

beforeEach(() => {
  ({ ksc, tp, ledger, platform, psa } = env.current);
  integration = { ...newIntegration('demo', env.current.kscConnection, env.current.tpConnection), tenants, billing };
});

const run = (extra: Partial<BillingRunOptions> = {}) => runBilling({ integration, platform, psa, ledger, now: new Date(), timeZone: TZ, dryRun: false, ...extra });

// ---------------------------------------------------------------- the expected charges, from the fixtures

type Json = Record<string, unknown>;
const fixture = (name: string): Json => JSON.parse(readFileSync(fixturesPath('billing-basic', name), 'utf8')) as Json;
const KSC_FIXTURE = fixture('ksc.json');
const TP_FIXTURE = fixture('tigerpaw.json');

/**
 * Devices of a tenant on a commercial key of KESB, per price book item of `billing` (the KSC
 * fixture read directly: Windows Server → server, other Windows → workstation, else non-Windows).
 */
function usageOf(tenantId: string): Map<string, number> {
  const vs = (KSC_FIXTURE.vservers as Json[]).find((v) => v.uid === tenantId)!;
  const licensed = new Set((vs.keys as Json[]).filter((k) => k.type === 'commercial' && k.productName === KESB).flatMap((k) => k.current as string[]));
  const out = new Map<string, number>([[WS, 0], [SRV, 0], [NW, 0]]);
  for (const d of vs.devices as Json[]) {
    if (!licensed.has(String(d.hostname))) continue;
    const os = String(d.osName);
    const item = !/windows/i.test(os) ? NW : /server/i.test(os) ? SRV : WS;
    out.set(item, out.get(item)! + 1);
  }
  return out;
}

/** The price of an item at a level, from the price book of the Tigerpaw fixture. */
function priceOf(item: string, level: number): number {
  const entry = (TP_FIXTURE.priceBookItems as Json[]).find((i) => i.ItemId === item)!;
  return Number((entry.Pricing as Json[]).find((p) => p.PriceLevel === level)!.SellingPrice);
}

interface Charge {
  item: string;
  quantity: number;
  level: number;
  price: number;
}

/**
 * What an agreement must hold after billing `mapping`: one charge per mapped item with the
 * tenant's device count at the account's price level (a charge the run set or added, at the
 * item's price there); an item whose count is 0 and that had no charge gets none; every other
 * charge of the fixture exactly as it was.
 */
function expectedCharges(mapping: TenantMapping): Charge[] {
  const level = Number(mapping.priceLevelId);
  const agreement = Number(mapping.contractId);
  const usage = usageOf(mapping.tenantId);
  const held = (TP_FIXTURE.additionalCharges as Json[]).filter((c) => c.AgreementNumber === agreement);
  const out: Charge[] = [];
  for (const c of held) {
    const item = String(c.SpecialItemId);
    const level0 = Number(c.PriceLevel);
    const wanted = usage.get(item);
    if (wanted === undefined || (wanted === Number(c.Quantity) && level0 === level)) out.push({ item, quantity: Number(c.Quantity), level: level0, price: priceOf(item, level0) });
    else out.push({ item, quantity: wanted, level, price: priceOf(item, level) });
  }
  for (const [item, quantity] of usage) {
    if (quantity > 0 && !held.some((c) => c.SpecialItemId === item)) out.push({ item, quantity, level, price: priceOf(item, level) });
  }
  return out.sort((a, b) => a.item.localeCompare(b.item));
}

/** The agreement's charges as the simulator holds them. */
function charges(agreement = NORTH): Charge[] {
  return tp.state.additionalCharges
    .filter((c) => Number(c.AgreementNumber) === agreement)
    .map((c) => ({ item: String(c.SpecialItemId), quantity: Number(c.Quantity), level: Number(c.PriceLevel), price: Number(c.Price) }))
    .sort((a, b) => a.item.localeCompare(b.item));
}

const charge = (item: string, agreement = NORTH) => charges(agreement).filter((c) => c.item === item);
const writes = () => tp.requests.filter((r) => r.method !== 'GET' && !/\/search|^\/_sim\//i.test(r.path));
const northwind = () => tenants[0]!;

describe('billing into Tigerpaw additional charges (90 workstations + 10 servers)', () => {
  it('the fixtures say what the run must do: 85 → 90 workstations, 10 servers added, 3 → 0 non-Windows, backup untouched', () => {
    // Guards the computed expectation itself against a fixture that drifts.
    expect(Object.fromEntries(usageOf('vs-northwind-0001'))).toEqual({ [WS]: 90, [SRV]: 10, [NW]: 0 });
    expect(expectedCharges(northwind())).toEqual([
      { item: BACKUP, quantity: 40, level: 1, price: 2 },
      { item: NW, quantity: 0, level: 1, price: 3.2 },
      { item: SRV, quantity: 10, level: 1, price: 7 },
      { item: WS, quantity: 90, level: 1, price: 3.2 },
    ]);
  });

  it('the plan shows current → new per item at the account\'s price level, and skips the tenant whose billing is off', async () => {
    const plan = await buildBillingPlan({ integration, platform, psa, now: new Date(), timeZone: TZ });
    expect(plan.skipped).toEqual([{ tenantId: 'vs-southside-0002', tenantName: 'Southside Bakery', reason: 'billing is off' }]);
    expect(plan.contracts).toHaveLength(1);
    const north = plan.contracts[0]!;
    expect(north.error).toBeUndefined();
    expect(north.priceLevelId).toBe('1');
    expect(Object.fromEntries(north.lines.map((l) => [l.billingItemId, [l.before, l.after, l.delta]]))).toEqual({ [WS]: [85, 90, 5], [SRV]: [0, 10, 10], [NW]: [3, 0, -3] });
    // No periods on Tigerpaw agreements: the lines carry none.
    expect(north.lines.every((l) => l.period === undefined)).toBe(true);
  });

  it('posts exactly the charges computed from the fixtures: set in place, one added, 0 kept, the backup untouched; a rerun writes nothing', async () => {
    const first = await run();
    expect(first.status).toBe('ok');
    expect(charges()).toEqual(expectedCharges(northwind()));
    expect(charges().every((c) => Number.isInteger(c.quantity))).toBe(true);
    // One charge per mapped item: set in place (the fixture's DetailIds kept), never deleted.
    const byItem = new Map(tp.state.additionalCharges.filter((c) => Number(c.AgreementNumber) === NORTH).map((c) => [String(c.SpecialItemId), Number(c.DetailId)]));
    expect([byItem.get(WS), byItem.get(NW), byItem.get(BACKUP)]).toEqual([29697001, 29697002, 29697003]);
    // Two PUTs of a quantity and the account's price level, one POST of the new charge; nothing else written.
    const w = writes();
    expect(w.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      `POST /api/agreements/${NORTH}/additionalcharges`,
      `PUT /api/agreements/${NORTH}/additionalcharges/29697001`,
      `PUT /api/agreements/${NORTH}/additionalcharges/29697002`,
    ]);
    expect(w.map((r) => r.body)).toEqual(expect.arrayContaining([
      { Quantity: 90, PriceLevel: 1 },
      { Quantity: 0, PriceLevel: 1 },
      { SpecialItemId: SRV, Quantity: 10, PriceLevel: 1, PrintWhenQuantityZero: true },
    ]));
    expect(w.every((r) => !JSON.stringify(r.body).includes(BACKUP))).toBe(true);
    // The charges are read for the plan and again right before the postings; the postings to
    // charges that read found write without reading them once more; only the new item's posting
    // reads them (to know there is none).
    expect(tp.requests.filter((r) => r.method === 'GET' && r.path === `/api/agreements/${NORTH}/additionalcharges`)).toHaveLength(3);
    // Southside's billing is off: its agreement is as the fixture has it.
    expect(charges(SOUTH)).toEqual([{ item: WS, quantity: 2, level: 1, price: 3.2 }]);

    const rows = ledger.listPostings({ runId: first.runId! });
    expect(rows.map((r) => [r.billingItemId, r.beforeUnits, r.afterUnits, r.status]).sort()).toEqual([[WS, 85, 90, 'posted'], [SRV, 0, 10, 'posted'], [NW, 3, 0, 'posted']].sort());
    expect(rows.every((r) => r.psaPostingId && r.contractId === String(NORTH))).toBe(true);

    const count = writes().length;
    const second = await run();
    expect(second.execution.totals).toMatchObject({ posted: 0, errors: 0 });
    expect(writes()).toHaveLength(count);
    expect(ledger.listPostings({ runId: second.runId! })).toEqual([]);
  });

  it('usage that drops to 0 sets the charge to 0 and keeps it', async () => {
    await run();
    // Every Northwind device leaves KESB: the key is taken off them.
    ksc.changeKey('vs-northwind-0001', '1111-000001-NW000001', { current: [] });
    const second = await run();
    expect(second.status).toBe('ok');
    expect(charges()).toEqual([
      { item: BACKUP, quantity: 40, level: 1, price: 2 },
      { item: NW, quantity: 0, level: 1, price: 3.2 },
      { item: SRV, quantity: 0, level: 1, price: 7 },
      { item: WS, quantity: 0, level: 1, price: 3.2 },
    ]);
  });

  it('an item kmsp does not bill, charged twice by a person, neither blocks the agreement nor is touched', async () => {
    tp.insertRecord('additionalCharges', { AgreementNumber: NORTH, SpecialItemId: BACKUP, Quantity: 5, PriceLevel: 1, DateAdded: 'startOfYear' });
    const result = await run();
    expect(result.status).toBe('ok');
    expect(result.execution.contracts[0]!.error).toBeUndefined();
    expect(charges().filter((c) => c.item !== BACKUP)).toEqual(expectedCharges(northwind()).filter((c) => c.item !== BACKUP));
    expect(charge(BACKUP).map((c) => c.quantity).sort()).toEqual([40, 5]);
    expect(writes().every((r) => !JSON.stringify(r.body).includes(BACKUP))).toBe(true);
  });

  it('two charges of an item kmsp bills: that item is refused naming both, nothing written to it; the other items are billed', async () => {
    const extra = Number(tp.insertRecord('additionalCharges', { AgreementNumber: NORTH, SpecialItemId: WS, Quantity: 4, PriceLevel: 1, DateAdded: 'startOfYear' }));
    const result = await run();
    expect(result.status).toBe('partial');
    const postings = result.execution.contracts[0]!.postings;
    const ws = postings.find((p) => p.billingItemId === WS)!;
    expect(ws.status).toBe('failed');
    expect(ws.error!.message).toBe(`Agreement ${NORTH} has 2 additional charges of item ${WS}`);
    expect(ws.error!.cause).toContain(`29697001 (quantity 85) and ${extra} (quantity 4)`);
    expect(ws.error!.remedy).toContain('leave one charge');
    expect(charge(WS).map((c) => c.quantity).sort((a, b) => a - b)).toEqual([4, 85]);
    expect(postings.filter((p) => p.billingItemId !== WS).map((p) => [p.billingItemId, p.status]).sort()).toEqual([[NW, 'posted'], [SRV, 'posted']]);
    expect(writes().every((r) => !r.path.endsWith('/29697001') && !r.path.endsWith(`/${extra}`))).toBe(true);
  });

  it('an agreement that has ended is refused with cause and remedy in Tigerpaw words, and nothing is written', async () => {
    tp.updateRecord('agreements', NORTH, { Agreement: { ...(tp.state.agreements.find((a) => Number(a.AgreementNumber) === NORTH)!.Agreement as Json), EndDate: 'startOfYear-1d' } });
    const result = await run();
    expect(result.status).toBe('partial');
    const error = result.execution.contracts[0]!.error!;
    expect(error.message).toMatch(/^Agreement “29690101 · \d{4}-\d{2}-\d{2}” \(29690101\) of .* runs \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}, which does not include \d{4}-\d{2}-\d{2}/);
    expect(error.cause).toMatch(/has ended/);
    expect(error.remedy).toContain('Accounts tab');
    expect(writes()).toEqual([]);
  });

  it('dry run writes nothing', async () => {
    const result = await run({ dryRun: true });
    expect(result.execution.totals.wouldPost).toBe(3);
    expect(writes()).toEqual([]);
    expect(ledger.listPostings()).toEqual([]);
  });
});

describe('Tigerpaw billing safety', () => {
  beforeEach(() => {
    integration.tenants = bothBilled;
  });
  const final = () => [charges(), charges(SOUTH)];
  const expected = () => [expectedCharges(bothBilled[0]!), expectedCharges(bothBilled[1]!)];

  it('a run that dies after Tigerpaw took a charge, before the ledger settled it: the rerun settles it and writes nothing twice', async () => {
    let calls = 0;
    await expect(run({ afterPost: () => { if (++calls === 1) throw new Error('simulated crash'); } })).rejects.toThrow('simulated crash');
    const pending = ledger.unsettledPostings({ integration: 'demo' });
    expect(pending).toHaveLength(1);
    expect(pending[0]!.status).toBe('pending');
    const rerun = await run();
    expect(rerun.status).toBe('ok');
    expect(ledger.getPosting(pending[0]!.id)?.status).toBe('posted'); // settled from the charge's quantity
    expect(ledger.unsettledPostings({ integration: 'demo' })).toEqual([]);
    expect(final()).toEqual(expected());
    // One ledger row per item posted, none posted twice.
    const posted = ledger.listPostings({ status: 'posted' }).map((r) => `${r.contractId}/${r.billingItemId}`);
    expect(posted.sort()).toEqual([`${NORTH}/${NW}`, `${NORTH}/${SRV}`, `${NORTH}/${WS}`, `${SOUTH}/${WS}`]);
    const count = writes().length;
    expect((await run()).execution.totals.posted).toBe(0);
    expect(writes()).toHaveLength(count);
  });

  it('an answer lost after Tigerpaw added the charge (error-after) is unknown; the next run settles it from the quantity and adds no second charge', async () => {
    tp.inject({ endpoint: 'agreements/*/additionalcharges', kind: 'error-after', method: 'POST' });
    const first = await run();
    expect(first.status).toBe('partial');
    const unknown = first.execution.contracts.flatMap((c) => c.postings).filter((p) => p.status === 'unknown');
    expect(unknown.map((p) => p.billingItemId)).toEqual([SRV]);
    expect(ledger.getPosting(unknown[0]!.ledgerId!)).toMatchObject({ status: 'unknown', beforeUnits: 0, afterUnits: 10 });
    expect(charge(SRV)).toEqual([{ item: SRV, quantity: 10, level: 1, price: 7 }]); // the "failed" one was in fact applied

    const second = await run();
    expect(second.status).toBe('ok');
    expect(second.execution.contracts.flatMap((c) => c.settled)).toMatchObject([{ ledgerId: unknown[0]!.ledgerId, status: 'posted', units: 10 }]);
    expect(second.execution.totals.posted).toBe(0);
    expect(ledger.getPosting(unknown[0]!.ledgerId!)!.status).toBe('posted');
    expect(charge(SRV)).toHaveLength(1);
    expect(final()).toEqual(expected());
  });

  it('an unknown posting whose quantity a person changed meanwhile blocks that item until settled by hand', async () => {
    tp.inject({ endpoint: 'agreements/*/additionalcharges/*', kind: 'error-after', method: 'PUT', count: 1 });
    const first = await run();
    const [unknown] = first.execution.contracts.flatMap((c) => c.postings.map((p) => ({ ...p, contract: Number(c.plan.contractId) }))).filter((p) => p.status === 'unknown');
    expect(unknown).toBeDefined();
    const line = tp.state.additionalCharges.find((c) => Number(c.AgreementNumber) === unknown!.contract && c.SpecialItemId === unknown!.billingItemId)!;
    tp.updateCharge(unknown!.contract, Number(line.DetailId), { Quantity: Number(line.Quantity) + 7 });
    const second = await run();
    const blocked = second.execution.contracts.flatMap((c) => c.postings).filter((p) => p.status === 'blocked');
    expect(blocked).toHaveLength(1);
    expect(blocked[0]!.error?.remedy).toContain(`kmsp ledger settle ${unknown!.ledgerId}`);
    expect(second.status).toBe('partial');
    ledger.settlePosting(unknown!.ledgerId!, { status: 'posted' });
    const third = await run();
    expect(third.execution.totals).toMatchObject({ posted: 1, errors: 0 });
    expect(final()).toEqual(expected());
  });

  it('a charge write Tigerpaw holds past the timeout: unknown, blocked while it may still land ("may still be applied"), settled once it lands; one charge', async () => {
    tp.inject({ endpoint: 'agreements/*/additionalcharges', kind: 'hold', method: 'POST' });
    // A connector that gives up on the held POST after 1.5 s: its outcome is unknown.
    const impatient = createTigerpawPsa({ connection: env.current.tpConnection, privateKey: tp.privateKey, httpOptions: { timeoutMs: 1500, backoffBaseMs: 1, backoffMaxMs: 4 } });
    let first;
    try {
      first = await runBilling({ integration, platform, psa: impatient, ledger, now: new Date(), timeZone: TZ, dryRun: false });
    } finally {
      await impatient.close();
    }
    expect(tp.heldRequests()).toBe(1);
    const [held] = first.execution.contracts.flatMap((c) => c.postings).filter((p) => p.status === 'unknown');
    expect(held?.billingItemId).toBe(SRV);
    const row = ledger.getPosting(held!.ledgerId!)!;
    expect(row.status).toBe('unknown');
    expect(Date.parse(row.landsBy!)).toBeGreaterThan(Date.now());
    expect(charge(SRV)).toEqual([]);

    // Rerun while Tigerpaw still holds it: the quantity is the before value, but the write may land.
    const rerun = await run();
    expect(rerun.status).toBe('partial');
    const blocked = rerun.execution.contracts.flatMap((c) => c.postings).filter((p) => p.status === 'blocked');
    expect(blocked.map((p) => p.billingItemId)).toEqual([SRV]);
    expect(blocked[0]!.error!.message).toMatch(/^Not posted yet: an earlier posting to “[^”]+” of agreement “[^”]+” may still be applied by the PSA \(ledger posting \d+/);
    expect(charge(SRV)).toEqual([]);

    // The slow Tigerpaw carries out the write of the client that gave up.
    tp.releaseHeld();
    for (let i = 0; i < 100 && charge(SRV).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const last = await run();
    expect(last.status).toBe('ok');
    expect(last.execution.totals.posted).toBe(0);
    expect(ledger.getPosting(held!.ledgerId!)!.status).toBe('posted');
    expect(charge(SRV)).toHaveLength(1);
    expect(final()).toEqual(expected());
  });
});

describe('Tigerpaw mapping checks: refused tenants are skipped with the remedy, the others billed', () => {
  const refusal = (result: Awaited<ReturnType<typeof run>>) => result.execution.contracts.find((c) => c.plan.contractId === String(NORTH))!.error!;
  const southBilled = () => expect(charges(SOUTH)).toEqual(expectedCharges(bothBilled[1]!));
  const northUntouched = () => expect(writes().filter((r) => r.path.includes(`/${NORTH}/`))).toEqual([]);

  it('no price level chosen for the account', async () => {
    integration.tenants = bothBilled.map((t, i) => (i === 0 ? { ...t, priceLevelId: null, priceLevelName: null } : t));
    const result = await run();
    expect(result.status).toBe('partial');
    const e = refusal(result);
    expect(e.message).toBe('“Northwind Traders” has billing on but no price level is chosen; billing skips this tenant');
    expect(e.remedy).toBe('On the Accounts tab, choose a price level for “Northwind Traders” (or turn its billing off).');
    northUntouched();
    southBilled();
  });

  it('the chosen price level was deleted in Tigerpaw', async () => {
    integration.tenants = bothBilled.map((t, i) => (i === 0 ? { ...t, ...PREFERRED } : t));
    tp.removeRecord('priceLevels', 2);
    const result = await run();
    expect(result.status).toBe('partial');
    const e = refusal(result);
    expect(e.message).toBe('Price level “Preferred” (2) chosen for “Northwind Traders” does not exist in the PSA; billing skips this tenant');
    expect(e.remedy).toBe('On the Accounts tab, choose one of the PSA\'s price levels for “Northwind Traders”.');
    northUntouched();
    southBilled();
  });

  it('the account is not cross-referenced to the External Product', async () => {
    integration.tenants = bothBilled;
    tp.removeRecord('accountExternalProducts', 501);
    const result = await run();
    expect(result.status).toBe('partial');
    const e = refusal(result);
    expect(e.message).toMatch(/^Account “Northwind Traders GmbH” \(29690001\) of “Northwind Traders” cannot take usage postings yet; billing skips this tenant/);
    expect(e.cause).toContain('Kaspersky Security');
    expect(e.remedy).toMatch(/Service tab › External Products/);
    northUntouched();
    southBilled();
  });
});

describe('re-pricing at the account\'s price level', () => {
  it('the account moves to another price level: its charges are re-priced in place, quantities unchanged; a rerun writes nothing', async () => {
    await run();
    const before = charges();
    integration.tenants = tenants.map((t, i) => (i === 0 ? { ...t, ...PREFERRED } : t));
    const count = writes().length;
    // The preview says so before anything is written.
    const preview = previewRows(await buildBillingPlan({ integration, platform, psa, now: new Date(), timeZone: TZ }));
    expect(preview.filter((r) => r.repricedAt).map((r) => [r.billingItemId, r.delta, r.repricedAt]).sort()).toEqual([[SRV, 0, PREFERRED.priceLevelName], [WS, 0, PREFERRED.priceLevelName]]);
    const result = await run();
    expect(result.status).toBe('ok');
    const posted = result.execution.contracts.flatMap((c) => c.postings).filter((p) => p.status === 'posted');
    // Lines with units are re-priced (before = after); a charge of 0 bills nothing and is left at its level.
    expect(posted.map((p) => [p.billingItemId, p.before, p.after]).sort()).toEqual([[SRV, 10, 10], [WS, 90, 90]]);
    expect(writes().slice(count).map((r) => r.body)).toEqual([{ Quantity: expect.any(Number), PriceLevel: 2 }, { Quantity: expect.any(Number), PriceLevel: 2 }]);
    expect(charges()).toEqual([
      { item: BACKUP, quantity: 40, level: 1, price: 2 },
      { item: NW, quantity: 0, level: 1, price: 3.2 },
      { item: SRV, quantity: 10, level: 2, price: priceOf(SRV, 2) },
      { item: WS, quantity: 90, level: 2, price: priceOf(WS, 2) },
    ]);
    expect(charges().map((c) => c.quantity)).toEqual(before.map((c) => c.quantity));
    // The ledger says at which level each posting priced its units.
    expect(ledger.listPostings({ runId: result.runId! }).map((r) => [r.billingItemId, r.beforeUnits, r.afterUnits, r.priceLevel, r.status]).sort()).toEqual([[SRV, 10, 10, '2', 'posted'], [WS, 90, 90, '2', 'posted']]);

    const again = writes().length;
    expect((await run()).execution.totals.posted).toBe(0);
    expect(writes()).toHaveLength(again);
  });

  it('a re-pricing whose answer is lost (error-after) is unknown; the next run settles it and writes nothing more: one charge per item, quantity unchanged', async () => {
    await run();
    integration.tenants = tenants.map((t, i) => (i === 0 ? { ...t, ...PREFERRED } : t));
    tp.inject({ endpoint: 'agreements/*/additionalcharges/*', kind: 'error-after', method: 'PUT', count: 1 });
    const first = await run();
    expect(first.status).toBe('partial');
    const [unknown] = first.execution.contracts.flatMap((c) => c.postings).filter((p) => p.status === 'unknown');
    expect(unknown!.after).toBe(unknown!.before);
    const count = writes().length;
    const second = await run();
    expect(second.status).toBe('ok');
    expect(second.execution.contracts.flatMap((c) => c.settled)).toMatchObject([{ ledgerId: unknown!.ledgerId, status: 'posted' }]);
    expect(second.execution.totals.posted).toBe(0);
    expect(writes()).toHaveLength(count);
    expect(charges().filter((c) => c.item === WS || c.item === SRV)).toEqual([
      { item: SRV, quantity: 10, level: 2, price: priceOf(SRV, 2) },
      { item: WS, quantity: 90, level: 2, price: priceOf(WS, 2) },
    ]);
  });

  it('a re-pricing Tigerpaw failed with an unknown outcome (500) may still land: the rerun blocks the item ("may still be applied") and writes nothing', async () => {
    await run();
    integration.tenants = tenants.map((t, i) => (i === 0 ? { ...t, ...PREFERRED } : t));
    tp.inject({ endpoint: 'agreements/*/additionalcharges/*', kind: 'error', status: 500, method: 'PUT', count: 1 });
    const first = await run();
    const [unknown] = first.execution.contracts.flatMap((c) => c.postings).filter((p) => p.status === 'unknown');
    expect(unknown).toBeDefined();
    expect(charge(unknown!.billingItemId)[0]!.level).toBe(1); // the 500 came before the write
    const count = writes().length;
    const second = await run();
    expect(second.status).toBe('partial');
    const blocked = second.execution.contracts.flatMap((c) => c.postings).filter((p) => p.status === 'blocked');
    expect(blocked.map((p) => p.billingItemId)).toEqual([unknown!.billingItemId]);
    expect(blocked[0]!.error!.message).toMatch(/^Not posted yet: an earlier posting .* may still be applied by the PSA/);
    // Not "posted": the units never told whether a re-pricing went through.
    expect(ledger.getPosting(unknown!.ledgerId!)!.status).toBe('unknown');
    expect(writes()).toHaveLength(count);
  });

  /** A re-pricing of Northwind's workstations to Preferred as a killed run leaves it: pending, never answered. */
  function pendingReprice(landsBy: Date) {
    return ledger.recordPosting({
      runId: null, integration: 'demo', tenantId: northwind().tenantId, tenantName: northwind().tenantName, accountId: northwind().accountId!,
      contractId: String(NORTH), billingItemId: WS, billingItemName: 'KESB Select – Workstation', applicationId: null, category: null,
      beforeUnits: 90, afterUnits: 90, effectiveDate: new Date().toISOString().slice(0, 10), psaPostingId: null, status: 'pending', landsBy,
    });
  }

  it('a pending re-pricing that can no longer land and left the charge at the old level is settled "failed", and the charge re-priced once', async () => {
    await run();
    integration.tenants = tenants.map((t, i) => (i === 0 ? { ...t, ...PREFERRED } : t));
    const row = pendingReprice(new Date(Date.now() - 1000));
    const result = await run();
    expect(result.status).toBe('ok');
    expect(result.execution.contracts[0]!.settled).toMatchObject([{ ledgerId: row.id, status: 'failed', units: 90 }]);
    expect(ledger.getPosting(row.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/price level 1, not 2 — the re-pricing was not applied/) });
    expect(result.execution.contracts[0]!.postings.filter((p) => p.status === 'posted').map((p) => p.billingItemId).sort()).toEqual([SRV, WS]);
    expect(charge(WS)).toEqual([{ item: WS, quantity: 90, level: 2, price: priceOf(WS, 2) }]);
  });

  it('a pending re-pricing that did land is settled "posted" from the price level, and nothing is written again', async () => {
    await run();
    integration.tenants = tenants.map((t, i) => (i === 0 ? { ...t, ...PREFERRED } : t));
    tp.updateCharge(NORTH, 29697001, { PriceLevel: 2, Price: priceOf(WS, 2) });
    const row = pendingReprice(new Date(Date.now() + 60_000));
    const result = await run();
    expect(result.status).toBe('ok');
    expect(ledger.getPosting(row.id)!.status).toBe('posted');
    expect(result.execution.contracts[0]!.postings.filter((p) => p.status === 'posted').map((p) => p.billingItemId)).toEqual([SRV]);
    expect(writes().filter((r) => r.path.endsWith('/29697001')).map((r) => r.body)).toEqual([{ Quantity: 90, PriceLevel: 1 }]); // the first run's only
  });

  it('a charge a person moved to another price level in the GUI is put back at the account\'s, quantity unchanged', async () => {
    await run();
    tp.updateCharge(NORTH, 29697001, { PriceLevel: 3, Price: priceOf(WS, 3) });
    const result = await run();
    expect(result.status).toBe('ok');
    expect(result.execution.contracts[0]!.postings.filter((p) => p.status === 'posted').map((p) => [p.billingItemId, p.before, p.after])).toEqual([[WS, 90, 90]]);
    expect(charge(WS)).toEqual([{ item: WS, quantity: 90, level: 1, price: priceOf(WS, 1) }]);
  });
});
