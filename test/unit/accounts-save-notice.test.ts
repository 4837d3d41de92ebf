// What an Accounts save says about the tenant names it wrote into PSA accounts:
// success only when all were written; otherwise k of N, why, and how to write the rest.
import { describe, expect, it } from 'vitest';
import { saveNotice, type FieldWriteReport } from '../../source/console/accountsSave.js';

const words = { tenantWord: 'virtual server', psaName: 'Autotask' };
const report = (over: Partial<FieldWriteReport>): FieldWriteReport => ({ field: 'Kaspersky Tenant', needed: 2, written: 2, clears: false, fieldMissing: false, failures: [], ...over });

describe('saveNotice', () => {
  it('is a success when every name was written', () => {
    expect(saveNotice(2, report({}), words)).toEqual({ kind: 'success', text: 'Saved 2 mappings; wrote the virtual server name on 2 Autotask accounts.' });
    expect(saveNotice(1, report({ needed: 1, written: 1, clears: true }), words).text).toBe('Saved 1 mapping; wrote or cleared the virtual server name on 1 Autotask account.');
  });

  it('says k of N, the one cause once with the accounts, and to press Ctrl-S once the PSA answers', () => {
    const unreachable = 'Autotask: connection refused by http://127.0.0.1:1: nothing is listening on that address and port';
    const notice = saveNotice(2, report({ written: 0, failures: [{ accountName: 'Acme', reason: unreachable, network: true }, { accountName: 'Carter', reason: unreachable, network: true }] }), words);
    expect(notice).toEqual({
      kind: 'warning',
      text: '2 mappings saved; virtual server name written on 0 of 2 Autotask accounts.',
      cause: `${unreachable} (“Acme”, “Carter”).`,
      remedy: 'The mappings are saved. Press Ctrl-S again once Autotask can be reached: it writes the names still missing, and only those.',
    });
  });

  it('lists each account with its own cause when they differ, and asks to put the cause right', () => {
    const notice = saveNotice(2, report({ written: 1, needed: 3, failures: [{ accountName: 'Acme', reason: 'Autotask refused the update', network: false }, { accountName: 'Carter', reason: 'Autotask: timeout', network: true }] }), words);
    expect(notice.kind).toBe('warning');
    expect(notice.text).toBe('2 mappings saved; virtual server name written on 1 of 3 Autotask accounts.');
    expect(notice.cause).toBe('“Acme”: Autotask refused the update. “Carter”: Autotask: timeout.');
    expect(notice.remedy).toBe('The mappings are saved. Put right what the cause says, then press Ctrl-S: it writes the names still missing, and only those.');
  });

  it('says how to create a missing field; a save that only writes owed names does not claim mappings', () => {
    const missing = saveNotice(1, report({ needed: 1, written: 0, fieldMissing: true }), words);
    expect(missing.text).toBe('1 mapping saved; virtual server name written on 0 of 1 Autotask account.');
    expect(missing.cause).toContain('The account field “Kaspersky Tenant” does not exist in Autotask');
    expect(saveNotice(0, report({}), words).text).toBe('Wrote the virtual server name on 2 Autotask accounts.');
    expect(saveNotice(0, report({ written: 1, failures: [{ accountName: 'Acme', reason: 'x', network: true }] }), words).text).toBe('Virtual server name written on 1 of 2 Autotask accounts.');
  });
});
