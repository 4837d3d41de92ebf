// The committed ConnectWise demo fixture, which must equal what its generator produces, and
// tells the same story as the Autotask demo (same accounts, same billed quantities).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { companyIdentifier, demoFixtureText, DEMO_CREDENTIALS } from '../../source/simulators/connectwise/demoFixture.js';
import type { ConnectWiseFixture, CwRecord } from '../../source/simulators/connectwise/fixture.js';
import { pathFragmentMatches } from '../../source/simulators/connectwise/injections.js';
import { fixturesPath } from '../../source/simulators/server.js';

const fixture = JSON.parse(demoFixtureText()) as ConnectWiseFixture;
const ref = (r: CwRecord, key: string) => (r[key] as { id: number } | null)?.id;

describe('ConnectWise demo fixture', () => {
  it('is what the generator produces from customers.json (regenerate: npm run fixtures:demo)', () => {
    expect(readFileSync(fixturesPath('demo', 'connectwise.json'), 'utf8')).toBe(demoFixtureText());
  });

  it('holds the accounts of customers.json, two deleted near-namesakes, and the demo credentials', () => {
    const customers = (JSON.parse(readFileSync(fixturesPath('demo', 'customers.json'), 'utf8')) as { customers: Array<{ account: string | null; accountActive: boolean | null }> }).customers;
    const live = fixture.companies!.filter((c) => c.deletedFlag !== true);
    expect(live.map((c) => c.name)).toEqual(customers.filter((c) => c.account).map((c) => c.account));
    expect(fixture.companies!.filter((c) => c.deletedFlag === true)).toHaveLength(2);
    const inactive = fixture.companyStatuses!.find((s) => s.name === 'Inactive')!.id;
    expect(live.filter((c) => ref(c, 'status') === inactive).map((c) => c.name)).toEqual(customers.filter((c) => c.account && c.accountActive === false).map((c) => c.account));
    expect(fixture.apiMember).toMatchObject(DEMO_CREDENTIALS);
    expect(new Set(fixture.companies!.map((c) => String(c.identifier).toLowerCase())).size).toBe(fixture.companies!.length);
    expect(fixture.customFieldDefinitions!.map((d) => d.caption)).toContain('Kaspersky Tenant');
  });

  it('bills the same quantities as the Autotask demo on each customer\'s Managed Services agreement', () => {
    const at = JSON.parse(readFileSync(fixturesPath('demo', 'autotask.json'), 'utf8')) as {
      companies: Array<{ id: number; companyName: string }>;
      contracts: Array<{ id: number; companyID: number }>;
      services: Array<{ id: number; name: string }>;
      contractServices: Array<{ contractID: number; serviceID: number; units: number }>;
    };
    const atUnits = new Map<string, number>();
    for (const cs of at.contractServices) {
      const contract = at.contracts.find((c) => c.id === cs.contractID)!;
      const company = at.companies.find((c) => c.id === contract.companyID)!.companyName;
      atUnits.set(`${company} / ${at.services.find((s) => s.id === cs.serviceID)!.name}`, cs.units);
    }
    const cwUnits = new Map<string, number>();
    const kaspersky = new Set(at.services.map((s) => s.name));
    for (const a of fixture.additions!) {
      if (a.cancelledDate) continue;
      const agreement = fixture.agreements!.find((g) => g.id === a.agreementId)!;
      if (agreement.cancelledFlag === true || String(agreement.endDate).startsWith('startOfYear-')) continue;
      const company = fixture.companies!.find((c) => c.id === ref(agreement, 'company'))!;
      const product = fixture.catalog!.find((p) => p.id === ref(a, 'product'))!;
      if (!kaspersky.has(String(product.description)) || String(company.name).includes('(internal)')) continue;
      cwUnits.set(`${String(company.name)} / ${String(product.description)}`, Number(a.quantity));
    }
    expect(cwUnits.size).toBeGreaterThan(20);
    expect(Object.fromEntries(cwUnits)).toEqual(Object.fromEntries(atUnits));
  });

  it('has products kmsp does not bill on the same agreements, distractor agreements and an inactive product', () => {
    const backup = fixture.catalog!.find((p) => p.identifier === 'BACKUP-DEV')!;
    expect(fixture.additions!.filter((a) => ref(a, 'product') === backup.id).length).toBeGreaterThan(10);
    expect(fixture.catalog!.filter((p) => p.inactiveFlag === true).map((p) => p.identifier)).toEqual(['KAV-WS-LEGACY']);
    expect(fixture.agreements!.some((a) => a.cancelledFlag === true)).toBe(true);
    expect(fixture.agreements!.some((a) => a.endDate === 'startOfYear-1d')).toBe(true);
    expect(fixture.additions!.some((a) => a.cancelledDate === 'today')).toBe(true);
  });

  it('resolves kmsp\'s ticket defaults (board "Monitoring Alert", priorities "Critical" and "Medium"); Projects Intake never closes', () => {
    const board = (name: string) => fixture.boards!.find((b) => b.name === name)!;
    expect(board('Monitoring Alert')).toBeTruthy();
    expect(fixture.priorities!.map((p) => p.name)).toEqual(expect.arrayContaining(['Critical', 'Medium', 'Priority 1 - Critical', 'Priority 4 - Low']));
    const closed = (name: string) => fixture.statuses!.filter((s) => ref(s, 'board') === board(name).id && s.closedStatus === true).map((s) => s.name);
    for (const name of ['Service Desk', 'Monitoring Alert', 'Security Operations']) expect(closed(name)).toEqual(['Completed', 'Closed']);
    expect(closed('Projects Intake')).toEqual([]);
    expect(fixture.boards!.filter((b) => b.inactiveFlag === true).map((b) => b.name)).toEqual(['Legacy Helpdesk']);
    for (const s of fixture.subtypes!) {
      for (const typeId of s.typeAssociationIds as number[]) expect(ref(fixture.types!.find((t) => t.id === typeId)!, 'board')).toBe(ref(s, 'board'));
    }
  });
});

describe('helpers', () => {
  it('company identifiers are up to 25 letters and digits, unique', () => {
    const taken = new Set<string>();
    expect(companyIdentifier('Acme and Sons Ltd', taken)).toBe('AcmeandSonsLtd');
    expect(companyIdentifier('ACME and Sons, Ltd.', taken)).toBe('ACMEandSonsLtd2');
    expect(companyIdentifier('Kaspersky Security for Microsoft Office 365', taken)).toHaveLength(25);
  });

  it('injection endpoints match whole path segments, "*" for one', () => {
    expect(pathFragmentMatches('finance/agreements', 'finance/agreements/4/additions')).toBe(true);
    expect(pathFragmentMatches('service/tickets', 'service/tickets/5/notes')).toBe(true);
    expect(pathFragmentMatches('notes', 'service/tickets/5')).toBe(false);
    expect(pathFragmentMatches('finance/agreements/*/additions', 'finance/agreements/4/additions/9')).toBe(true);
    expect(pathFragmentMatches('agreement', 'finance/agreements')).toBe(false);
    expect(pathFragmentMatches('Service/Tickets', 'service/tickets')).toBe(true);
  });

  it('an injection endpoint ending in "$" must end the path: a create, not the search or notes below it', () => {
    expect(pathFragmentMatches('serviceorders$', 'ServiceOrders')).toBe(true);
    expect(pathFragmentMatches('serviceorders$', 'serviceorders/search/reference')).toBe(false);
    expect(pathFragmentMatches('serviceorders$', 'serviceorders/25101/notes')).toBe(false);
    expect(pathFragmentMatches('service/tickets$', 'service/tickets')).toBe(true);
    expect(pathFragmentMatches('service/tickets$', 'service/tickets/5/notes')).toBe(false);
    expect(pathFragmentMatches('additions$', 'finance/agreements/4/additions')).toBe(true);
    expect(pathFragmentMatches('agreements/*/additionalcharges$', 'agreements/4/additionalcharges/9')).toBe(false);
    expect(pathFragmentMatches('agreements/*/additionalcharges/*$', 'agreements/4/additionalcharges/9')).toBe(true);
    expect(pathFragmentMatches('tickets$', 'tickets')).toBe(true);
    expect(pathFragmentMatches('service/tickets$', 'tickets')).toBe(false);
  });
});
