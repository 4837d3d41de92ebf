// The OpenAPI conformance checker (test/helpers/openapi.ts with the ConnectWise options of
// test/helpers/connectwise-spec.ts): it accepts what the connector sends and refuses wrong
// paths, methods, query parameters, condition fields, body fields, enum values and JSON Patch
// paths — a checker that cannot fail would prove nothing. Then one tour of every connector
// method, every request checked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectWiseSimulator } from '../../source/simulators/connectwise/index.js';
import { assertConnectWiseConformance, checkConnectWiseRequest, CONNECTWISE_CHECK, CONNECTWISE_SPEC } from '../helpers/connectwise-spec.js';
import { checkOpenApiRequest, conditionFields } from '../helpers/openapi.js';
import { loadSpecExtract } from '../helpers/swagger.js';
import { connect, ids, startSim, TODAY } from './connectwise-simulated.js';

const base = '/v4_6_release/apis/3.0';
const q = (params: Record<string, string>) => `?${new URLSearchParams(params).toString()}`;

describe('accepts what ConnectWise documents', () => {
  const ok = [
    { method: 'GET', path: '/login/companyinfo/kmsptest' },
    { method: 'GET', path: `${base}/system/info` },
    { method: 'GET', path: '/v2025_1/apis/3.0/company/companies', query: q({ conditions: 'deletedFlag=false', fields: 'id,name,status,types,customFields', pageSize: '1000', pageId: '19300' }) },
    { method: 'GET', path: `${base}/company/companies/count`, query: q({ conditions: 'deletedFlag=false' }) },
    { method: 'GET', path: `${base}/company/companies`, query: q({ childConditions: 'types/name="Customer"', customFieldConditions: 'caption="Kaspersky Tenant" AND value="x"' }) },
    { method: 'GET', path: `${base}/finance/agreements`, query: q({ conditions: '(company/id=19300) and (cancelledFlag = false) and startDate < [2026-01-01T00:00:00Z]' }) },
    { method: 'GET', path: `${base}/finance/agreements/4100/additions`, query: q({ conditions: 'product/id=600', fields: 'id,product,quantity' }) },
    { method: 'GET', path: `${base}/service/tickets`, query: q({ conditions: 'externalXRef="a = b and status/id=3"' }) },
    { method: 'GET', path: `${base}/service/boards/2/statuses` },
    { method: 'POST', path: `${base}/finance/agreements/4100/additions`, body: { product: { id: 600 }, quantity: 3, effectiveDate: '2026-03-15T00:00:00Z', billCustomer: 'Billable' } },
    { method: 'PATCH', path: `${base}/finance/agreements/4100/additions/88000`, body: [{ op: 'replace', path: 'quantity', value: 40 }] },
    { method: 'PATCH', path: `${base}/company/companies/19300`, body: [{ op: 'replace', path: 'customFields', value: [{ id: 7, caption: 'Kaspersky Tenant', type: 'Text', entryMethod: 'EntryField', numberOfDecimals: 0, value: 'x' }] }] },
    { method: 'POST', path: `${base}/service/tickets`, body: { summary: 's', company: { id: 1 }, board: { id: 2 }, status: { id: 20 }, externalXRef: 'k', requiredDate: '2026-03-16T10:30:00Z', initialDescription: 'd' } },
    { method: 'PATCH', path: `${base}/service/tickets/250000`, body: [{ op: 'replace', path: 'status', value: { id: 21 } }] },
    { method: 'POST', path: `${base}/service/tickets/250000/notes`, body: { text: 't', internalAnalysisFlag: true } },
  ];
  it.each(ok)('$method $path', (req) => {
    expect(checkConnectWiseRequest(req)).toEqual([]);
  });

  it('reads condition fields outside quoted strings and datetimes', () => {
    expect(conditionFields('(company/id=1) and name like "a=b" and x not contains \'y\' and d > [2026-01-01T00:00:00Z] or id in (1,2)')).toEqual(['company/id', 'name', 'x', 'd', 'id']);
  });
});

describe('refuses what ConnectWise does not have', () => {
  it('a wrong path, or one outside the API', () => {
    expect(checkConnectWiseRequest({ method: 'GET', path: `${base}/company/accounts` })).toEqual([`GET ${base}/company/accounts: no such path in the extract`]);
    expect(checkConnectWiseRequest({ method: 'GET', path: `${base}/service/tickets/abc` })[0]).toMatch(/no such path/);
    expect(checkConnectWiseRequest({ method: 'GET', path: '/login/other/kmsptest' })[0]).toMatch(/not under the base path/);
    // Documented elsewhere only for GET.
    expect(checkConnectWiseRequest({ method: 'POST', path: `${base}/system/info`, body: {} })[0]).toMatch(/no such path/);
  });

  it('a write on the wrong kind of path', () => {
    expect(checkConnectWiseRequest({ method: 'POST', path: `${base}/service/tickets/250000`, body: { summary: 'x' } })[0]).toMatch(/POST only on a list path/);
    expect(checkConnectWiseRequest({ method: 'POST', path: `${base}/service/tickets/count`, body: { summary: 'x' } })[0]).toMatch(/POST only on a list path; .* answers a count/);
    expect(checkConnectWiseRequest({ method: 'PATCH', path: `${base}/service/tickets`, body: [] })[0]).toMatch(/PATCH only on one record's path/);
  });

  it('an undeclared query parameter, an unknown condition or fields name', () => {
    expect(checkConnectWiseRequest({ method: 'GET', path: `${base}/service/tickets`, query: '?expand=all' })[0]).toMatch(/query parameter "expand" is not declared/);
    expect(checkConnectWiseRequest({ method: 'GET', path: `${base}/service/tickets`, query: q({ conditions: 'externalRef="x"' }) })[0]).toMatch(/"externalRef" is not a property of Ticket/);
    expect(checkConnectWiseRequest({ method: 'GET', path: `${base}/finance/agreements`, query: q({ conditions: 'company/code=1' }) })[0]).toMatch(/"code" is not a property of CompanyReference/);
    expect(checkConnectWiseRequest({ method: 'GET', path: `${base}/company/companies/count`, query: q({ conditions: 'isDeleted=false' }) })[0]).toMatch(/"isDeleted" is not a property of Company/);
    expect(checkConnectWiseRequest({ method: 'GET', path: `${base}/procurement/catalog`, query: q({ fields: 'id,inactive' }) })[0]).toMatch(/fields "inactive"/);
  });

  it('a body field, a nested reference field or an enum value the model lacks', () => {
    expect(checkConnectWiseRequest({ method: 'POST', path: `${base}/finance/agreements/1/additions`, body: { product: { id: 1 }, units: 3, billCustomer: 'Billable' } })).toEqual([
      `POST ${base}/finance/agreements/1/additions: "units" is not a property of Addition`,
    ]);
    expect(checkConnectWiseRequest({ method: 'POST', path: `${base}/finance/agreements/1/additions`, body: { product: { code: 'X' }, billCustomer: 'Yes' } }).sort()).toEqual([
      `POST ${base}/finance/agreements/1/additions.billCustomer is "Yes", not one of "Billable", "DoNotBill", "NoCharge"`,
      `POST ${base}/finance/agreements/1/additions.product: "code" is not a property of IvItemReference`,
    ]);
    expect(checkConnectWiseRequest({ method: 'POST', path: `${base}/service/tickets`, body: { summary: 's', company: 5 } })[0]).toMatch(/company should be a CompanyReference object, got integer/);
    expect(checkConnectWiseRequest({ method: 'POST', path: `${base}/service/tickets/1/notes`, body: { text: 't', internalAnalysisFlag: 'yes' } })[0]).toMatch(/internalAnalysisFlag should be boolean, got string/);
  });

  it('a PATCH that is not a JSON Patch array, or patches into a reference', () => {
    expect(checkConnectWiseRequest({ method: 'PATCH', path: `${base}/service/tickets/1`, body: { status: { id: 2 } } })[0]).toMatch(/must be a JSON Patch array/);
    expect(checkConnectWiseRequest({ method: 'PATCH', path: `${base}/service/tickets/1`, body: [{ op: 'replace', path: 'status/id', value: 2 }] })[0]).toMatch(/points into a field; references are replaced whole/);
    expect(checkConnectWiseRequest({ method: 'PATCH', path: `${base}/service/tickets/1`, body: [{ op: 'set', path: 'Summary', value: 'x' }] })).toEqual([
      `PATCH ${base}/service/tickets/1 [0]: op "set" is not add, replace or remove`,
      `PATCH ${base}/service/tickets/1 [0]: path "Summary" is not a property of Ticket`,
    ]);
    expect(checkConnectWiseRequest({ method: 'PATCH', path: `${base}/company/companies/1`, body: [{ op: 'replace', path: 'customFields', value: [{ id: 7, label: 'x' }] }] })[0]).toMatch(/customFields\[0\]: "label" is not a property of CustomFieldValue/);
  });

  it('a body on a GET, a write without one, read-only and too-long values (where a newer file declares them)', () => {
    expect(checkConnectWiseRequest({ method: 'GET', path: `${base}/service/tickets/1`, body: { id: 1 } })[0]).toMatch(/a GET with a body/);
    expect(checkConnectWiseRequest({ method: 'POST', path: `${base}/service/tickets` })[0]).toMatch(/a POST without a body/);
    const spec = loadSpecExtract(CONNECTWISE_SPEC);
    const ticket = spec.models.Ticket!;
    const stricter = {
      ...spec,
      models: { ...spec.models, Ticket: { ...ticket, properties: { ...ticket.properties, summary: { type: 'string', maxLength: 100 }, closedFlag: { type: 'boolean', readOnly: true } } } },
    };
    expect(checkOpenApiRequest({ method: 'POST', path: `${base}/service/tickets`, body: { summary: 'x'.repeat(101), closedFlag: true } }, stricter, CONNECTWISE_CHECK)).toEqual([
      `POST ${base}/service/tickets.summary is 101 characters, at most 100 allowed`,
      `POST ${base}/service/tickets.closedFlag is read-only`,
    ]);
  });

  it('the assertion fails on a bad request, on an empty log, and on an "exempt" request that conforms', () => {
    expect(() => assertConnectWiseConformance([{ method: 'GET', path: `${base}/company/accounts` }])).toThrow(/no such path/);
    expect(() => assertConnectWiseConformance([])).toThrow(/no ConnectWise requests/);
    expect(() => assertConnectWiseConformance([{ method: 'GET', path: `${base}/service/tickets` }], () => true)).toThrow(/passes the check/);
  });
});

describe('every request of every connector method conforms', () => {
  let sim: ConnectWiseSimulator;
  beforeAll(async () => {
    sim = await startSim();
  });
  afterAll(async () => {
    await sim.close();
  });

  it('records a full tour of the Psa port', async () => {
    const { psa } = connect(sim);
    try {
      await psa.verify();
      await psa.checkPermissions();
      const [accounts, , , items, picklists] = await Promise.all([psa.listAccounts(), psa.listAccountTypes(), psa.listContracts(), psa.listBillingItems(), psa.ticketPicklists()]);
      await psa.listContracts(accounts[0]!.id);
      await psa.currentQuantities(String(ids.acmeAgreement), TODAY);
      await psa.postUsage({ contractId: String(ids.acmeAgreement), billingItemId: String(ids.kesWorkstation), before: 36, after: 38, mode: 'set', effectiveDate: TODAY });
      await psa.postUsage({ contractId: String(ids.acmeAgreement), billingItemId: items.find((i) => i.name.startsWith('KES-MOB'))!.id, before: 0, after: 2, mode: 'set', effectiveDate: TODAY });
      const board = picklists.boards!.find((b) => b.label === 'Monitoring Alert')!.value;
      const status = picklists.statuses!.find((s) => s.parentValue === board && s.isDefault)!.value;
      const closed = picklists.statuses!.find((s) => s.parentValue === board && s.closed)!.value;
      const ticket = await psa.createTicket({
        accountId: String(ids.acme),
        title: 'Conformance tour',
        description: 'd',
        status,
        dueAt: new Date('2026-03-16T00:00:00Z'),
        fields: { board, priority: picklists.priorities![0]!.value, type: '201', subType: '300', item: '400', source: picklists.sources![0]!.value },
        tag: 'kmsp:tour',
      });
      await psa.getTicket(ticket.id);
      await psa.findTicketsByTag('kmsp:tour');
      await psa.addTicketNote(ticket.id, { title: 'n', description: 'd' });
      expect((await psa.ticketNotes(ticket.id)).at(-1)).toEqual({ title: 'n', description: 'd' });
      await psa.closeTicket(ticket.id, closed);
      await psa.setAccountField(String(ids.acme), 'Kaspersky Tenant', 'Tour');
    } finally {
      await psa.close();
    }
    const distinct = new Set(sim.requests.map((r) => `${r.method} ${r.path.replace(/\/\d+/g, '/{id}')}`));
    expect(distinct.size).toBeGreaterThanOrEqual(25);
    for (const r of sim.requests) expect(checkConnectWiseRequest(r), `${r.method} ${r.path}${r.query}`).toEqual([]);
    assertConnectWiseConformance(sim.requests);
  });
});
