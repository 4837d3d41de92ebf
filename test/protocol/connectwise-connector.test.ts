// The ConnectWise connector against the ConnectWise simulator over loopback HTTP: every method
// of the Psa port, what it sends and what it makes of the answers. Every request is checked
// against the vendor's OpenAPI description at the end.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startConnectWiseSimulator, type ConnectWiseSimulator } from '../../source/simulators/connectwise/index.js';
import { fixturesPath } from '../../source/simulators/server.js';
import { connectwiseProfile } from '../../source/domain/profiles/connectwise.js';
import type { ConnectWisePsa } from '../../source/connectors/connectwise/index.js';
import type { NewTicket } from '../../source/domain/types.js';
import { assertConnectWiseConformance } from '../helpers/connectwise-spec.js';
import { connect, failure, ids, NOW, startSim, TODAY } from './connectwise-simulated.js';

let sim: ConnectWiseSimulator;
let psa: ConnectWisePsa;
const recorded: ConnectWiseSimulator['requests'] = [];

beforeAll(async () => {
  sim = await startSim();
  psa = connect(sim).psa;
});

beforeEach(() => {
  recorded.push(...sim.requests);
  sim.clearRequests();
  sim.clearInjections();
});

afterAll(async () => {
  await psa.close();
  await sim.close();
  recorded.push(...sim.requests);
  assertConnectWiseConformance(recorded);
});

const api = (suffix: string) => new RegExp(`^/v2025_1/apis/3\\.0/${suffix}$`);
const writes = () => sim.requests.filter((r) => r.method !== 'GET');
const addition = (id: number) => sim.state.additions.find((a) => a.id === id)!;

describe('verify and discovery', () => {
  it('discovers the codebase without credentials, reads system/info and counts companies', async () => {
    const identity = await psa.verify();
    expect(identity.kind).toBe('connectwise');
    expect(identity.description).toBe(
      `ConnectWise Manage v4.6.2025.1 at ${sim.siteUrl}, company kmsptest (codebase v2025_1/, API model 2026.4; 4 companies visible)`,
    );
    const paths = sim.requests.map((r) => `${r.method} ${r.path}${r.query}`);
    // Discovery happened once, before this test (the connector caches it) or now.
    expect(paths.filter((p) => !p.includes('companyinfo'))).toEqual([
      'GET /v2025_1/apis/3.0/system/info',
      'GET /v2025_1/apis/3.0/company/companies/count?conditions=deletedFlag%3Dfalse',
    ]);
    expect(await psa.apiRoot()).toMatchObject({ url: `${sim.siteUrl}/v2025_1/apis/3.0/`, codebase: 'v2025_1/', configured: false, companyName: 'kmsp test MSP' });
  });

  it('a configured codebase skips discovery', async () => {
    const { psa: direct } = connect(sim, { connection: { codebase: '/v2025_1' } });
    try {
      await direct.listAccountTypes();
      expect(sim.requests.some((r) => r.path.includes('companyinfo'))).toBe(false);
      expect(sim.requests[0]!.path).toBe('/v2025_1/apis/3.0/company/companies/types');
    } finally {
      await direct.close();
    }
  });

  it('an unknown company id is a config error naming it, before any API call', async () => {
    const { psa: wrong } = connect(sim, { connection: { companyId: 'nosuchco' } });
    try {
      const error = await failure(wrong.verify());
      expect(error.kind).toBe('config');
      expect(error.message).toBe(`ConnectWise at ${sim.siteUrl} does not know the company "nosuchco"`);
      expect(error.why).toMatch(/without a codebase/);
      expect(error.remedy).toMatch(/company id exactly as on the ConnectWise sign-in screen/);
      expect(sim.requests.map((r) => r.path)).toEqual(['/login/companyinfo/nosuchco']);
    } finally {
      await wrong.close();
    }
  });

  it('refuses plain http to a host other than loopback before sending anything', async () => {
    const { psa: clear } = connect(sim, { connection: { siteUrl: 'http://cw.example.com' } });
    const error = await failure(clear.verify());
    expect(error.kind).toBe('config');
    expect(error.message).toMatch(/plain http/);
    expect(sim.requests).toEqual([]);
    await clear.close();
  });
});

describe('companies', () => {
  it('lists companies not in the recycle bin, with status, first type and custom fields by caption', async () => {
    const accounts = await psa.listAccounts();
    expect(accounts).toEqual([
      { id: '19300', name: 'Acme and Sons Ltd', active: true, type: 'Customer', customFields: { 'Kaspersky Tenant': 'Acme VS', Seats: '12' } },
      { id: '19301', name: 'Beta Logistics', active: false, type: 'Customer', customFields: { 'Kaspersky Tenant': null, Seats: null } },
      { id: '19303', name: 'Delta "Quote" Partners', active: true, type: 'Prospect', customFields: { 'Kaspersky Tenant': null, Seats: null } },
      { id: '19304', name: 'Epsilon Traders', active: true, type: '', customFields: { 'Kaspersky Tenant': null, Seats: null } },
    ]);
    const list = sim.requests.find((r) => api('company/companies').test(r.path))!;
    expect(new URLSearchParams(list.query).get('conditions')).toBe('deletedFlag=false');
    expect(new URLSearchParams(list.query).get('pageSize')).toBe('1000');
  });

  it('follows a status change made in ConnectWise', async () => {
    sim.setCompanyActive(ids.delta, false);
    try {
      expect((await psa.listAccounts()).find((a) => a.id === String(ids.delta))!.active).toBe(false);
    } finally {
      sim.updateRecord('companies', ids.delta, { status: { id: 3 } });
    }
  });

  it('lists company types', async () => {
    expect(await psa.listAccountTypes()).toEqual(['Customer', 'Prospect', 'Vendor']);
  });

  it('writes the tenant-name field by caption, sending the whole customFields array back', async () => {
    expect(await psa.setAccountField(String(ids.acme), 'kaspersky tenant', 'Acme VS 2')).toBe('written');
    const patch = writes();
    expect(patch).toHaveLength(1);
    expect(patch[0]!.method).toBe('PATCH');
    expect(patch[0]!.path).toMatch(api(`company/companies/${ids.acme}`));
    const ops = patch[0]!.body as Array<{ op: string; path: string; value: Array<{ caption: string; value: unknown }> }>;
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ op: 'replace', path: 'customFields' });
    expect(ops[0]!.value.map((f) => [f.caption, f.value])).toEqual([
      ['Kaspersky Tenant', 'Acme VS 2'],
      ['Seats', 12],
    ]);
    const acme = (await psa.listAccounts()).find((a) => a.id === String(ids.acme))!;
    expect(acme.customFields).toEqual({ 'Kaspersky Tenant': 'Acme VS 2', Seats: '12' });
  });

  it('clears the field with null, writes nothing when it already holds the value, reports a missing caption', async () => {
    expect(await psa.setAccountField(String(ids.acme), 'Kaspersky Tenant', null)).toBe('written');
    expect((await psa.listAccounts()).find((a) => a.id === String(ids.acme))!.customFields['Kaspersky Tenant']).toBeNull();
    sim.clearRequests();
    expect(await psa.setAccountField(String(ids.acme), 'Kaspersky Tenant', null)).toBe('written');
    expect(writes()).toEqual([]);
    expect(await psa.setAccountField(String(ids.acme), 'No Such Field', 'x')).toBe('field-missing');
    expect(writes()).toEqual([]);
    sim.removeCustomFieldDefinition('Kaspersky Tenant');
    try {
      expect(await psa.setAccountField(String(ids.beta), 'Kaspersky Tenant', 'x')).toBe('field-missing');
    } finally {
      sim.reset();
    }
  });

  it('a company that does not exist is not-found', async () => {
    const error = await failure(psa.setAccountField('999999', 'Kaspersky Tenant', 'x'));
    expect(error.kind).toBe('not-found');
    expect(error.message).toBe('Company 999999 does not exist in ConnectWise');
  });
});

describe('agreements and products', () => {
  it('lists agreements: every type takes additions (recurring), active unless cancelled or ended, dates as calendar days', async () => {
    const all = await psa.listContracts();
    expect(all.map((c) => [c.id, c.accountId, c.name, c.recurring, c.typeLabel, c.active, c.startDate, c.endDate])).toEqual([
      ['4100', '19300', 'Acme Managed Security', true, 'Managed Services', true, '2026-01-01', null],
      ['4101', '19300', 'Acme 2025', true, 'Managed Services', false, '2025-01-01', '2025-12-31'],
      ['4102', '19301', 'Beta MS 2025', true, 'Managed Services', false, '2025-01-01', '2025-12-31'],
      ['4103', '19303', 'Delta Block Hours', true, 'Block Time', true, '2026-01-01', '2026-12-31'],
      ['4104', '19304', 'Epsilon MS', true, 'Managed Services', true, '2026-01-01', null],
    ]);
  });

  it('lists one company\'s agreements with a company/id condition', async () => {
    expect((await psa.listContracts(String(ids.acme))).map((c) => c.id)).toEqual(['4100', '4101']);
    expect(new URLSearchParams(sim.requests.at(-1)!.query).get('conditions')).toBe('company/id=19300');
  });

  it('lists catalog products as "identifier — description", inactive ones flagged', async () => {
    const items = await psa.listBillingItems();
    expect(items).toContainEqual({ id: '600', name: 'KES-ADV-WS — KES Advanced – Workstation', active: true });
    expect(items).toContainEqual({ id: '602', name: 'KSWS-OLD — Kaspersky Security for Windows Server (retired)', active: false });
    expect(items).toHaveLength(6);
  });
});

describe('current quantities', () => {
  it('sums the additions in effect on the day per product; cancelled and future ones do not count', async () => {
    const q = await psa.currentQuantities(String(ids.acmeAgreement), TODAY);
    expect(q.map(({ writeRef: _, ...rest }) => rest).sort((a, b) => a.billingItemId.localeCompare(b.billingItemId))).toEqual([
      { billingItemId: '600', units: 36, periodStart: null, periodEnd: null },
      { billingItemId: '601', units: 4, periodStart: null, periodEnd: null },
      { billingItemId: '603', units: 10, periodStart: null, periodEnd: null },
    ]);
  });

  it('reads the day asked for: before the re-add, and after the future addition starts', async () => {
    const january = await psa.currentQuantities(String(ids.acmeAgreement), '2026-01-15');
    expect(january.find((x) => x.billingItemId === '601')!.units).toBe(3);
    const april = await psa.currentQuantities(String(ids.acmeAgreement), '2026-04-02');
    expect(april.find((x) => x.billingItemId === '604')!.units).toBe(5);
    expect(april.find((x) => x.billingItemId === '601')!.units).toBe(4);
  });

  it('two additions of one product in effect: read as their sum, so the agreement\'s other products are still read; writing that product is refused naming both', async () => {
    // A product kmsp does not bill may be added twice by a person: reading the agreement's units must not fail for it.
    expect(await psa.currentQuantities(String(ids.epsilonTwice), TODAY)).toEqual([{ billingItemId: '600', units: 5, periodStart: null, periodEnd: null }]);
    const error = await failure(psa.postUsage({ contractId: String(ids.epsilonTwice), billingItemId: '600', before: 5, after: 6, mode: 'set', effectiveDate: TODAY }));
    expect(error.kind).toBe('config');
    expect(error.message).toBe('Agreement 4104 has 2 additions of product 600 (KES-ADV-WS) in effect on 2026-03-15');
    expect(error.why).toMatch(/additions 88005 \(quantity 2, effective 2026-01-01\) and 88006 \(quantity 3, effective 2026-02-01\)/);
    expect(error.remedy).toMatch(/leave one addition of product 600 \(KES-ADV-WS\) in effect/);
    expect(writes()).toEqual([]);
  });

  it('an agreement that does not exist is not-found', async () => {
    const error = await failure(psa.currentQuantities('999999', TODAY));
    expect(error.kind).toBe('not-found');
    expect(error.message).toBe('Agreement 999999 does not exist in ConnectWise');
  });
});

describe('usage postings (mode set)', () => {
  const posting = (billingItemId: number, before: number, after: number, contractId: number = ids.acmeAgreement) => ({
    contractId: String(contractId),
    billingItemId: String(billingItemId),
    before,
    after,
    mode: 'set' as const,
    effectiveDate: TODAY,
  });

  it('sets the quantity of the product\'s addition in place with a JSON Patch of quantity', async () => {
    expect(await psa.postUsage(posting(ids.kesWorkstation, 36, 40))).toEqual({ id: '88000' });
    const w = writes();
    expect(w.map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /v2025_1/apis/3.0/finance/agreements/${ids.acmeAgreement}/additions/88000`]);
    expect(w[0]!.body).toEqual([{ op: 'replace', path: 'quantity', value: 40 }]);
    // Read right before writing, filtered to the product.
    const read = sim.requests.find((r) => r.method === 'GET' && /additions$/.test(r.path))!;
    expect(new URLSearchParams(read.query).get('conditions')).toBe('product/id=600');
    expect(addition(88000).quantity).toBe(40);
    expect(addition(88000).effectiveDate).toBe('2026-01-01T00:00:00Z');
  });

  it('a posting handed the reference of the units read (writeRef) sets that addition without reading the additions again', async () => {
    const held = (await psa.currentQuantities(String(ids.acmeAgreement), TODAY)).find((x) => x.billingItemId === '600')!;
    const quantity = addition(88000).quantity as number;
    expect(JSON.parse(held.writeRef!)).toMatchObject({ addition: 88000, quantity });
    sim.clearRequests();
    expect(await psa.postUsage({ ...posting(ids.kesWorkstation, quantity, quantity + 1), writeRef: held.writeRef! })).toEqual({ id: '88000' });
    expect(sim.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /v2025_1/apis/3.0/finance/agreements/${ids.acmeAgreement}/additions/88000`]);
    expect(addition(88000).quantity).toBe(quantity + 1);
  });

  it('a product with two additions in effect gets no reference: its posting reads the additions and refuses', async () => {
    expect((await psa.currentQuantities(String(ids.epsilonTwice), TODAY))[0]!.writeRef).toBeUndefined();
  });

  it('0 stays an addition of 0 (never deleted); a repeat writes nothing', async () => {
    expect(await psa.postUsage(posting(ids.kesWorkstation, 40, 0))).toEqual({ id: '88000' });
    expect(addition(88000).quantity).toBe(0);
    sim.clearRequests();
    expect(await psa.postUsage(posting(ids.kesWorkstation, 40, 0))).toEqual({ id: '88000' });
    expect(writes()).toEqual([]);
  });

  it('a product without an addition gets one: POST with product, quantity, effective date and Billable', async () => {
    const before = sim.state.additions.length;
    const { id } = await psa.postUsage(posting(ids.kesMobile, 0, 7));
    expect(sim.state.additions).toHaveLength(before + 1);
    const created = sim.state.additions.at(-1)!;
    expect(id).toBe(String(created.id));
    expect(writes()[0]!.body).toEqual({ product: { id: ids.kesMobile }, quantity: 7, effectiveDate: `${TODAY}T00:00:00Z`, billCustomer: 'Billable' });
    expect(created).toMatchObject({ agreementId: ids.acmeAgreement, quantity: 7, effectiveDate: `${TODAY}T00:00:00Z`, billCustomer: 'Billable' });
    // The next posting sets that same addition.
    sim.clearRequests();
    expect(await psa.postUsage(posting(ids.kesMobile, 7, 9))).toEqual({ id });
    expect(writes().map((r) => r.method)).toEqual(['PATCH']);
  });

  it('no addition and 0 units: nothing to write', async () => {
    expect(await psa.postUsage(posting(ids.kswsOld, 1, 0))).toEqual({ id: null });
    expect(writes()).toEqual([]);
  });

  it('never touches additions of other products', async () => {
    expect(addition(88001).quantity).toBe(10);
    expect(sim.requests.concat(recorded).some((r) => r.method !== 'GET' && r.path.endsWith('/88001'))).toBe(false);
  });

  it('refuses a delta posting, an addition that starts later, and two live additions — before writing', async () => {
    const delta = await failure(psa.postUsage({ ...posting(ids.kesWorkstation, 0, 3), mode: 'delta' }));
    expect(delta.kind).toBe('internal');
    expect(delta.message).toMatch(/not a change of it/);
    const later = await failure(psa.postUsage(posting(ids.kesbSelect, 0, 3)));
    expect(later.kind).toBe('config');
    expect(later.message).toBe('Agreement 4100 has an addition of product 604 (KESB-SELECT) that takes effect after 2026-03-15');
    expect(later.why).toMatch(/addition 88004 \(quantity 5\) is effective from 2026-04-01/);
    const twice = await failure(psa.postUsage(posting(ids.kesWorkstation, 5, 6, ids.epsilonTwice)));
    expect(twice.kind).toBe('config');
    expect(twice.why).toMatch(/88005.*88006/);
    expect(writes()).toEqual([]);
  });

  it('an agreement that takes no additions answers InvalidObject: a refusal with the field named, outcome known', async () => {
    const error = await failure(psa.postUsage(posting(ids.kesWorkstation, 0, 2, ids.acmeCancelled)));
    expect(error.kind).toBe('vendor');
    expect(error.outcomeUnknown).toBe(false);
    expect(error.code).toBe(400);
    expect(error.message).toBe('ConnectWise refused to add product 600 with quantity 2 to agreement 4101: agreementAddition object is invalid');
    expect(error.why).toBe('InvalidObject: agreementAddition object is invalid; agreementAddition.agreementId: Agreement 4101 is cancelled; it takes no new additions. (InvalidField)');
    expect(error.remedy).toMatch(/^Nothing was changed/);
    expect(writes()).toHaveLength(1);
  });
});

describe('tickets', () => {
  const due = new Date('2026-03-16T10:30:00.123Z');
  const ticket = (over: Partial<NewTicket> = {}): NewTicket => ({
    accountId: String(ids.acme),
    title: 'Malware found on ACME-WS-01',
    description: 'Trojan.Win32.Agent was found and deleted.',
    status: '20',
    dueAt: due,
    fields: { board: '2', priority: '1', type: '201', subType: '301', item: '400', source: '3', newStatus: '20', closedStatus: '21' },
    tag: 'kmsp:acme:malware:1',
    ...over,
  });

  it('creates a ticket with its board, status, fields, due date, tag and description', async () => {
    const created = await psa.createTicket(ticket());
    expect(created).toMatchObject({ accountId: '19300', title: 'Malware found on ACME-WS-01', status: '20', tag: 'kmsp:acme:malware:1', scope: '2', completedAt: null });
    expect(created.number).toBe(created.id);
    expect(created.createdAt).toEqual(new Date('2026-03-15T10:00:00Z'));
    const post = writes()[0]!;
    expect(post.body).toEqual({
      summary: 'Malware found on ACME-WS-01',
      company: { id: ids.acme },
      externalXRef: 'kmsp:acme:malware:1',
      initialDescription: 'Trojan.Win32.Agent was found and deleted.',
      board: { id: 2 },
      priority: { id: 1 },
      type: { id: 201 },
      subType: { id: 301 },
      item: { id: 400 },
      source: { id: 3 },
      status: { id: 20 },
      requiredDate: '2026-03-16T10:30:00Z',
    });
    const stored = sim.state.tickets.find((t) => String(t.id) === created.id)!;
    expect(stored).toMatchObject({ requiredDate: '2026-03-16T10:30:00Z', externalXRef: 'kmsp:acme:malware:1' });
    const note = sim.state.notes.find((n) => String(n.ticketId) === created.id)!;
    expect(note).toMatchObject({ text: 'Trojan.Win32.Agent was found and deleted.', detailDescriptionFlag: true });
  });

  it('leaves out fields set to null and a missing due date; fits a long title', async () => {
    const created = await psa.createTicket(ticket({ title: 'x'.repeat(150), dueAt: null, fields: { board: '1', priority: '3', type: null, subType: null, item: null, source: null }, status: '10', tag: 'kmsp:t2' }));
    const body = writes()[0]!.body as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['board', 'company', 'externalXRef', 'initialDescription', 'priority', 'status', 'summary']);
    expect((body.summary as string).length).toBe(100);
    expect(body.summary).toMatch(/…$/);
    expect(created.scope).toBe('1');
  });

  it('refuses a tag that does not fit and a field the profile does not know, sending nothing', async () => {
    const long = await failure(psa.createTicket(ticket({ tag: 't'.repeat(101) })));
    expect(long.kind).toBe('internal');
    expect(long.why).toBe('the tag has 101 characters; externalXRef holds at most 100');
    const unknown = await failure(psa.createTicket(ticket({ fields: { board: '2', queue: '5' } })));
    expect(unknown.message).toMatch(/"queue"/);
    expect(writes()).toEqual([]);
  });

  it('a status of another board is refused with ConnectWise\'s errors named', async () => {
    const error = await failure(psa.createTicket(ticket({ status: '10', tag: 'kmsp:wrong-board' })));
    expect(error.kind).toBe('vendor');
    expect(error.outcomeUnknown).toBe(false);
    expect(error.message).toBe('ConnectWise refused to create a ticket for company 19300: ticket object is invalid');
    expect(error.why).toMatch(/ticket\.status: Status New \(id 10\) does not belong to board Monitoring Alert\. \(InvalidField\)/);
    expect(await psa.findTicketsByTag('kmsp:wrong-board')).toEqual([]);
  });

  it('reads a ticket, and null for one that does not exist', async () => {
    const t = await psa.getTicket(String(ids.existingTicket));
    expect(t).toEqual({
      id: '250000',
      number: '250000',
      accountId: '19300',
      title: 'Existing alert',
      status: '20',
      tag: 'kmsp:existing',
      createdAt: new Date('2026-03-01T08:00:00Z'),
      completedAt: null,
      scope: '2',
    });
    expect(await psa.getTicket('999999')).toBeNull();
  });

  it('finds tickets by tag exactly (not another case), quotes and backslashes escaped', async () => {
    expect((await psa.findTicketsByTag('kmsp:existing')).map((t) => t.id)).toEqual(['250000']);
    const q = sim.requests.at(-1)!;
    expect(new URLSearchParams(q.query).get('conditions')).toBe('externalXRef="kmsp:existing"');
    const odd = 'kmsp:"quoted"\\path';
    const created = await psa.createTicket(ticket({ tag: odd }));
    expect((await psa.findTicketsByTag(odd)).map((t) => t.id)).toEqual([created.id]);
    expect(new URLSearchParams(sim.requests.at(-1)!.query).get('conditions')).toBe('externalXRef="kmsp:\\"quoted\\"\\\\path"');
    expect(await psa.findTicketsByTag('kmsp:none')).toEqual([]);
  });

  it('closes with a PATCH replacing the status whole; ConnectWise marks it closed', async () => {
    const created = await psa.createTicket(ticket({ tag: 'kmsp:close-me' }));
    sim.clearRequests();
    expect(await psa.closeTicket(created.id, '21')).toEqual({ closed: true });
    expect(writes()[0]!.body).toEqual([{ op: 'replace', path: 'status', value: { id: 21 } }]);
    const read = await psa.getTicket(created.id);
    expect(read!.status).toBe('21');
    expect(read!.completedAt).toEqual(new Date('2026-03-15T10:00:00Z'));
  });

  it('a ticket in use (409) is deferred, not failed', async () => {
    const created = await psa.createTicket(ticket({ tag: 'kmsp:busy' }));
    sim.inject({ endpoint: 'service/tickets', kind: 'error', method: 'PATCH', status: 409, message: 'The record is in use by another member.' });
    const outcome = await psa.closeTicket(created.id, '21');
    expect(outcome).toEqual({ closed: false, deferred: 'ConnectWise answered HTTP 409 (ConnectWiseApi: The record is in use by another member.): the ticket is in use; kmsp tries again on its next pass' });
    expect((await psa.getTicket(created.id))!.completedAt).toBeNull();
  });

  it('a closed status of another board is refused, not reported as closed', async () => {
    const created = await psa.createTicket(ticket({ tag: 'kmsp:other-board-close' }));
    const error = await failure(psa.closeTicket(created.id, '13'));
    expect(error.kind).toBe('vendor');
    expect(error.why).toMatch(/does not belong to board Monitoring Alert/);
  });

  it('adds an internal analysis note: title and description as its text', async () => {
    await psa.addTicketNote(String(ids.existingTicket), { title: 'Still detected', description: 'Seen again at 10:00.' });
    expect(writes()[0]!.body).toEqual({ text: 'Still detected\n\nSeen again at 10:00.', internalAnalysisFlag: true });
    const note = sim.state.notes.at(-1)!;
    expect(note).toMatchObject({ ticketId: ids.existingTicket, text: 'Still detected\n\nSeen again at 10:00.', internalAnalysisFlag: true, detailDescriptionFlag: false });
    // Read back as written: the one text split at its blank line.
    expect((await psa.ticketNotes(String(ids.existingTicket))).at(-1)).toEqual({ title: 'Still detected', description: 'Seen again at 10:00.' });
  });
});

describe('picklists', () => {
  it('boards (project boards left out), every board\'s statuses, types, subtypes and items, priorities and sources', async () => {
    const p = await psa.ticketPicklists();
    expect(Object.keys(p).sort()).toEqual(['boards', 'items', 'priorities', 'sources', 'statuses', 'subtypes', 'types']);
    expect(p.boards!.map((b) => [b.value, b.label, b.active])).toEqual([
      ['1', 'Service Desk', true],
      ['2', 'Monitoring Alert', true],
      ['4', 'Old Board', false],
      ['5', 'Security Operations', true],
    ]);
    expect(p.statuses!.filter((s) => s.parentValue === '1').map((s) => [s.value, s.label, s.closed, s.active, s.isDefault])).toEqual([
      ['10', 'New', false, true, true],
      ['11', 'In Progress', false, true, false],
      ['12', 'Completed', true, true, false],
      ['13', 'Closed', true, true, false],
      ['14', 'Retired', false, false, false],
    ]);
    expect(p.statuses!.some((s) => s.parentValue === '3')).toBe(false);
    expect(p.types!.filter((t) => t.parentValue === '2').map((t) => t.label)).toEqual(['Malware', 'Security Incident']);
    expect(p.subtypes).toEqual([
      { value: '300', label: 'Ransomware', active: true, parentValue: '200', parentValues: ['200', '201'], isDefault: false },
      { value: '301', label: 'Phishing', active: true, parentValue: '201', parentValues: ['201'], isDefault: false },
      { value: '302', label: 'Generic', active: true, parentValue: null, parentValues: [], isDefault: false },
    ]);
    expect(p.items!.map((i) => [i.value, i.parentValue, i.active])).toEqual([
      ['400', '2', true],
      ['401', '2', false],
    ]);
    expect(p.priorities!.map((x) => [x.value, x.label, x.isDefault])).toEqual([
      ['1', 'Critical', false],
      ['2', 'High', false],
      ['3', 'Medium', true],
      ['4', 'Low', false],
    ]);
    expect(p.sources!.find((s) => s.isDefault)!.label).toBe('Monitoring');
  });
});

describe('the rest of the port', () => {
  it('has no request budget to report, and a write-landing window beyond its longest write', async () => {
    expect(await psa.budget()).toBeNull();
    expect(psa.writeLandsWithinMs).toBe(psa.http.longestWriteMs() + 60_000);
  });

  it('checks which areas the API member may read', async () => {
    const checks = await psa.checkPermissions();
    expect(checks.map((c) => [c.area, c.allowed])).toEqual([
      ['companies', true],
      ['agreements', true],
      ['additions', true],
      ['catalog', true],
      ['boards', true],
      ['tickets', true],
    ]);
    expect(sim.requests.every((r) => new URLSearchParams(r.query).get('pageSize') === '1')).toBe(true);
  });
});

describe('the demo story (fixtures/demo/connectwise.json)', () => {
  it('reads every list, every running agreement\'s quantities, and the profile\'s default labels resolve', async () => {
    const demo = await startConnectWiseSimulator({ fixture: fixturesPath('demo', 'connectwise.json'), now: () => NOW });
    const { psa: p } = connect(demo);
    try {
      await p.verify();
      const [accounts, contracts, items, lists] = await Promise.all([p.listAccounts(), p.listContracts(), p.listBillingItems(), p.ticketPicklists()]);
      expect(accounts.length).toBeGreaterThan(20);
      expect(items.some((i) => !i.active)).toBe(true);
      const running = contracts.filter((c) => c.active && c.recurring);
      expect(running.length).toBeGreaterThan(10);
      const quantities = await Promise.all(running.map((c) => p.currentQuantities(c.id, TODAY)));
      expect(quantities.flat().every((q) => Number.isInteger(q.units) && q.units >= 0)).toBe(true);
      const label = (list: string, wanted: string, parent?: string) =>
        lists[list]!.find((v) => v.label === wanted && v.active && (parent === undefined || v.parentValue === parent));
      const { ticketing } = connectwiseProfile;
      const board = label('boards', ticketing.general.find((f) => f.id === 'board')!.defaultLabel!)!;
      expect(board).toBeDefined();
      for (const f of ticketing.perScope!.fields) expect(label(f.list, f.defaultLabel!, board.value), f.id).toBeDefined();
      const priority = ticketing.row.find((f) => f.id === 'priority')!.defaultByLevel!;
      expect(label('priorities', priority.critical)).toBeDefined();
      expect(label('priorities', priority.other)).toBeDefined();
    } finally {
      await p.close();
      await demo.close();
    }
    assertConnectWiseConformance(demo.requests);
  });
});
