// The committed Tigerpaw demo fixture, which must equal what its generator produces, and tells
// the same story as the ConnectWise demo (same accounts, same billed quantities).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturesPath } from '../../source/simulators/server.js';
import { accountId, demoFixtureText, DEMO_CREDENTIALS, NOT_CROSS_REFERENCED } from '../../source/simulators/tigerpaw/demoFixture.js';
import type { TigerpawFixture, TpRecord } from '../../source/simulators/tigerpaw/fixture.js';

const fixture = JSON.parse(demoFixtureText()) as TigerpawFixture;
const account = (r: TpRecord) => r.Account as TpRecord;
const agreement = (r: TpRecord) => r.Agreement as TpRecord;
const nameOf = (accountNumber: unknown) => account(fixture.accounts!.find((a) => a.AccountNumber === accountNumber)!).Name as string;
const current = (g: TpRecord) => !String(agreement(g).EndDate).startsWith('startOfYear-');

describe('Tigerpaw demo fixture', () => {
  it('is what the generator produces from customers.json (regenerate: npm run fixtures:demo)', () => {
    expect(readFileSync(fixturesPath('demo', 'tigerpaw.json'), 'utf8')).toBe(demoFixtureText());
  });

  it('holds the accounts of customers.json and more, past one page of 50, and the demo credentials', () => {
    const customers = (JSON.parse(readFileSync(fixturesPath('demo', 'customers.json'), 'utf8')) as { customers: Array<{ account: string | null; accountActive: boolean | null }> }).customers;
    const story = customers.filter((c) => c.account).map((c) => c.account);
    expect(fixture.accounts!.map((a) => account(a).Name).slice(0, story.length)).toEqual(story);
    expect(fixture.accounts!.length).toBeGreaterThan(50);
    expect(fixture.accounts!.filter((a) => account(a).Status === 'Inactive').map((a) => account(a).Name)).toEqual(customers.filter((c) => c.account && c.accountActive === false).map((c) => c.account));
    expect(fixture.apiRep).toMatchObject(DEMO_CREDENTIALS);
    expect(fixture.reps!.find((r) => r.RepNumber === DEMO_CREDENTIALS.repNumber)).toMatchObject({ DisplayName: 'kmsp API' });
    expect(new Set(fixture.accounts!.map((a) => account(a).AccountId)).size).toBe(fixture.accounts!.length);
    expect(fixture.customFields!.map((f) => f.Label)).toContain('Kaspersky Tenant');
  });

  it('bills the same quantities as the ConnectWise demo on each customer\'s Managed Services agreement', () => {
    const cw = JSON.parse(readFileSync(fixturesPath('demo', 'connectwise.json'), 'utf8')) as {
      companies: Array<{ id: number; name: string }>;
      agreements: Array<{ id: number; company: { id: number }; endDate: string; cancelledFlag?: boolean }>;
      catalog: Array<{ id: number; identifier: string; description: string }>;
      additions: Array<{ agreementId: number; product: { id: number }; quantity: number; cancelledDate?: string }>;
    };
    const kaspersky = new Set(fixture.priceBookItems!.filter((i) => (i.Item as TpRecord).ItemCategory === 'Security').map((i) => i.ItemId as string));
    const cwUnits = new Map<string, number>();
    for (const a of cw.additions) {
      const g = cw.agreements.find((x) => x.id === a.agreementId)!;
      const product = cw.catalog.find((p) => p.id === a.product.id)!;
      const company = cw.companies.find((c) => c.id === g.company.id)!.name;
      if (a.cancelledDate || g.cancelledFlag || g.endDate.startsWith('startOfYear-') || !kaspersky.has(product.identifier) || company.includes('(internal)')) continue;
      cwUnits.set(`${company} / ${product.identifier}`, a.quantity);
    }
    const tpUnits = new Map<string, number>();
    for (const c of fixture.additionalCharges!) {
      const g = fixture.agreements!.find((x) => x.AgreementNumber === c.AgreementNumber)!;
      const company = nameOf(agreement(g).AccountNumber);
      if (!current(g) || !kaspersky.has(String(c.SpecialItemId)) || company.includes('(internal)')) continue;
      tpUnits.set(`${company} / ${String(c.SpecialItemId)}`, Number(c.Quantity));
    }
    expect(tpUnits.size).toBeGreaterThan(20);
    expect(Object.fromEntries(tpUnits)).toEqual(Object.fromEntries(cwUnits));
  });

  it('cross-references every billed account to the External Product but one; prices every item at three levels', () => {
    const billed = new Set(
      fixture.additionalCharges!.map((c) => fixture.agreements!.find((g) => g.AgreementNumber === c.AgreementNumber)!).filter((g) => current(g) && agreement(g).ExternalProduct === DEMO_CREDENTIALS.externalProduct).map((g) => agreement(g).AccountNumber),
    );
    const crossed = new Set(fixture.accountExternalProducts!.filter((x) => x.ExternalProduct === DEMO_CREDENTIALS.externalProduct).map((x) => x.AccountNumber));
    expect(billed.size).toBeGreaterThan(15);
    expect([...billed].filter((n) => !crossed.has(n)).map(nameOf)).toEqual([NOT_CROSS_REFERENCED]);
    expect(fixture.priceLevels!.map((l) => l.Description)).toEqual(expect.arrayContaining(['Standard', 'Preferred', 'Partner']));
    for (const item of fixture.priceBookItems!) expect((item.Pricing as TpRecord[]).map((p) => p.PriceLevel)).toEqual([1, 2, 3]);
    expect(fixture.priceBookItems!.filter((i) => (i.Item as TpRecord).Inactive === true).map((i) => i.ItemId)).toEqual(['KAV-WS-LEGACY']);
  });

  it('resolves kmsp\'s ticket defaults: board "Monitoring Alert", priorities, New and closing statuses, an order open in the GUI', () => {
    expect(fixture.dispatchBoards!.map((b) => b.Description)).toContain('Monitoring Alert');
    expect(fixture.priorities!.map((p) => p.Priority)).toEqual(['Critical', 'High', 'Medium', 'Low']);
    expect(fixture.statuses!.map((s) => s.Status)).toEqual(expect.arrayContaining(['New', 'Open', 'In Progress', 'Closed', 'Completed']));
    expect(fixture.statuses!.filter((s) => s.TicketChange === 'Close').map((s) => s.Status)).toEqual(['Completed', 'Closed']);
    expect(fixture.serviceOrders!.filter((o) => o.ServiceOrderLock)).toHaveLength(1);
  });

  it('account ids are up to 10 upper-case letters and digits, unique', () => {
    const taken = new Set<string>();
    expect(accountId('Acme and Sons Ltd', taken)).toBe('ACMEANDSON');
    expect(accountId('ACME and Sons, Ltd.', taken)).toBe('ACMEANDSO2');
  });
});
