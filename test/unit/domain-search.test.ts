// kmsp's one search rule (domain/search.ts), and that every search of the
// console and of `kmsp report unmapped --name` uses it.
import { describe, expect, it } from 'vitest';
import { matchesQuery, queryWords } from '../../source/domain/search.js';
import { accountChoices, filterTenants } from '../../source/domain/accountsDraft.js';
import { unmappedAccounts } from '../../source/domain/unmapped.js';
import { nameMatches } from '../../source/ui/screens/reports/unmapped-view.js';
import { haystackOf, matchIndexes } from '../../source/ui/components/table/use-table-state.js';
import type { PsaAccount } from '../../source/domain/types.js';

const account = (id: string, name: string): PsaAccount => ({ id, name, type: 'Customer', active: true, customFields: {} });

describe('matchesQuery: every word, in any order, case- and accent-insensitive', () => {
  it.each([
    ['KES Advanced – Workstation', 'work', true],
    ['KES Advanced – Workstation', 'Adv work', true],
    ['KES Advanced – Workstation', 'work adv', true],
    ['KES Advanced – Workstation', '  ADV   WORK  ', true],
    ['KES Advanced – Workstation', 'adv server', false],
    ['Zürich Dental', 'zurich dent', true],
    ['Acme & Sons', '', true],
  ])('%s ~ %j → %s', (text, query, expected) => {
    expect(matchesQuery(text, query)).toBe(expected);
  });

  it('splits a query into folded words', () => {
    expect(queryWords('  Adv  WÖRK ')).toEqual(['adv', 'work']);
    expect(queryWords('   ')).toEqual([]);
  });
});

describe('one matcher everywhere', () => {
  it('table filters, search-selects and checklists (matchIndexes) match words in any order, never across columns', () => {
    const haystacks = [haystackOf(['KES Advanced – Workstation', 'per device']), haystackOf(['KES Advanced – Server', 'per device'])];
    expect(matchIndexes(haystacks, 'Adv work')).toEqual([0]);
    expect(matchIndexes(haystacks, 'work adv')).toEqual([0]);
    expect(matchIndexes(haystacks, 'adv')).toEqual([0, 1]);
    expect(matchIndexes(haystacks, 'server device')).toEqual([1]); // words in different columns
    expect(matchIndexes(haystacks, 'serverper')).toEqual([]); // but no word spans two columns
    expect(matchIndexes(haystacks, ' ')).toBeNull();
  });

  it('the Accounts search, the account dropdown, the Unmapped report and its CLI --name', () => {
    expect(filterTenants([{ tenantName: 'Bluebird Dental Group' }, { tenantName: 'Bluebird Vets' }], 'dental blue').map((r) => r.tenantName)).toEqual(['Bluebird Dental Group']);
    const accounts = [account('1', 'Bluebird Dental Group'), account('2', 'Parkway Dental')];
    expect(accountChoices(accounts, { saved: [], draft: [] }, 'group dental').map((c) => c.account.id)).toEqual(['1']);
    expect(unmappedAccounts(accounts, [], { nameQuery: 'dental park' }).map((r) => r.accountId)).toEqual(['2']);
    expect(nameMatches('Parkway Dental', 'dental park')).toBe(true);
  });
});
