// Naming a thing on the command line by name or id (domain/resolveRef.ts): ids first, then names
// apart from case and spacing; an ambiguous name or an unknown one is refused, never guessed.
import { describe, expect, it } from 'vitest';
import { isKmspError } from '../../source/domain/errors.js';
import { resolveRef } from '../../source/domain/resolveRef.js';

const accounts = [
  { id: '10', name: 'Acme Ltd' },
  { id: '11', name: 'acme  LTD' },
  { id: '12', name: 'Bluebird Dental' },
  { id: '13', name: '10' },
];
const words = { what: 'Autotask account', listCommand: 'kmsp list accounts' };

function refusal(query: string) {
  try {
    resolveRef(query, accounts, words);
  } catch (error) {
    if (isKmspError(error)) return error;
    throw error;
  }
  throw new Error(`“${query}” was resolved`);
}

describe('resolveRef', () => {
  it('takes an id before a name, and a name apart from case and spacing', () => {
    expect(resolveRef('12', accounts, words).name).toBe('Bluebird Dental');
    // "10" is an id and another account's name: the id wins.
    expect(resolveRef('10', accounts, words).id).toBe('10');
    expect(resolveRef('  BLUEBIRD   dental ', accounts, words).id).toBe('12');
  });

  it('refuses a name two accounts carry, listing both with their ids', () => {
    const e = refusal('ACME ltd');
    expect(e.message).toBe('“ACME ltd” names 2 Autotask accounts');
    expect(e.why).toContain('“Acme Ltd” (id 10)');
    expect(e.why).toContain('“acme  LTD” (id 11)');
    expect(e.remedy).toMatch(/id/);
  });

  it('refuses an unknown name, offering the names that contain its words, and never picks one of them', () => {
    const e = refusal('bluebird');
    expect(e.message).toBe('No Autotask account has the name or id “bluebird”');
    expect(e.why).toContain('“Bluebird Dental” (id 12)');
    expect(e.remedy).toContain('kmsp list accounts');
    expect(refusal('Zebra').why).toBe('None of the 4 Autotask accounts is called that or has that id.');
    expect(refusal('  ').message).toBe('No Autotask account given');
  });
});
