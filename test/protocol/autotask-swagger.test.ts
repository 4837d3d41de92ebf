// The swagger conformance checker (test/helpers/swagger.ts): it accepts what the
// connector sends and refuses wrong paths, methods and field names — a checker
// that cannot fail would prove nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTOTASK_DEFAULTS } from '../../source/domain/defaults.js';
import { createAutotaskPsa } from '../../source/connectors/autotask/index.js';
import { startAutotaskSimulator, type AutotaskSimulator } from '../../source/simulators/autotask/index.js';
import { fixturesPath } from '../../source/simulators/server.js';
import { assertAutotaskConformance, checkAutotaskRequest, loadAutotaskSwagger, parseLenient } from '../helpers/swagger.js';

const base = '/zone3/ATServicesRest/V1.0';
const all = [{ op: 'gte', field: 'id', value: 0 }];

let sim: AutotaskSimulator;

beforeAll(async () => {
  sim = await startAutotaskSimulator({ fixture: fixturesPath('demo', 'autotask.json') });
});

afterAll(async () => {
  await sim.close();
  assertAutotaskConformance(sim.requests);
});

describe('the swagger extract', () => {
  it('loads with its basePath and models; vendor JSON with a BOM and raw control characters parses', () => {
    const spec = loadAutotaskSwagger();
    expect(spec.basePath).toBe('/ATServicesRest');
    expect(Object.keys(spec.paths).length).toBeGreaterThan(1000);
    expect(spec.models.QueryModel).toBeDefined();
    expect(spec.source).toMatchObject({ file: 'autotask-rest-v1.swagger.json', format: 'Swagger 2.0' });
    expect(parseLenient('\uFEFF{"a":"line1\nline2\tx"}')).toEqual({ a: 'line1\nline2\tx' });
  });
});

describe('accepts what Autotask documents', () => {
  const ok = [
    { method: 'GET', path: '/atservicesrest/v1.0/zoneInformation', query: '?user=a%40b.example' },
    { method: 'GET', path: `${base}/ThresholdInformation` },
    { method: 'GET', path: `${base}/Tickets/entityInformation/fields` },
    { method: 'GET', path: `${base}/Companies/entityInformation/userDefinedFields` },
    { method: 'GET', path: `${base}/Tickets/7101` },
    { method: 'POST', path: `${base}/Companies/query`, body: { MaxRecords: 500, IncludeFields: ['id', 'companyName'], filter: all } },
    { method: 'POST', path: `${base}/Companies/query/next`, query: '?paging=q1.500', body: { MaxRecords: 500, filter: all } },
    { method: 'POST', path: `${base}/Companies/query/count`, body: { filter: [{ op: 'or', items: [{ op: 'eq', field: 'isActive', value: true }, { op: 'in', field: 'companyType', value: [1, 3] }] }] } },
    { method: 'POST', path: `${base}/Companies/query`, body: { filter: [{ op: 'eq', field: 'Kaspersky Tenant', udf: true, value: 'x' }] } },
    { method: 'PATCH', path: `${base}/Companies`, body: { id: 1, userDefinedFields: [{ name: 'Kaspersky Tenant', value: null }] } },
    { method: 'POST', path: `${base}/ContractServiceAdjustments`, body: { contractID: 1, serviceID: 2, unitChange: 3, effectiveDate: '2025-01-01T00:00:00' } },
    { method: 'POST', path: `${base}/Tickets/7101/Notes`, body: { ticketID: 7101, title: 't', description: 'd', noteType: 1, publish: 1 } },
    { method: 'POST', path: `${base}/Tickets`, body: { companyID: 1, title: 't', status: 1, priority: 2, externalID: 'x', billingCodeID: 3, dueDateTime: '2025-01-01T00:00:00Z' } },
  ];
  it.each(ok)('$method $path', (req) => {
    expect(checkAutotaskRequest(req)).toEqual([]);
  });
});

describe('refuses what Autotask does not have', () => {
  it('a wrong path', () => {
    expect(checkAutotaskRequest({ method: 'GET', path: `${base}/Accounts/12` })).toEqual([`GET ${base}/Accounts/12: no such path in the swagger`]);
    expect(checkAutotaskRequest({ method: 'POST', path: `${base}/Tickets/7101/Comments`, body: {} })[0]).toMatch(/no such path/);
    expect(checkAutotaskRequest({ method: 'GET', path: '/api/V1.0/Tickets/1' })[0]).toMatch(/not under basePath/);
    // Ids stand only for integer template parameters.
    expect(checkAutotaskRequest({ method: 'GET', path: `${base}/Tickets/abc` })[0]).toMatch(/no such path/);
  });

  it('a wrong method', () => {
    expect(checkAutotaskRequest({ method: 'GET', path: `${base}/ContractServiceAdjustments` })[0]).toMatch(/has no GET/);
    expect(checkAutotaskRequest({ method: 'PATCH', path: `${base}/ContractServiceAdjustments`, body: { id: 1 } })[0]).toMatch(/has no PATCH/);
    expect(checkAutotaskRequest({ method: 'GET', path: `${base}/Companies/query/next`, query: '?paging=x' })[0]).toMatch(/has no GET|must be POSTed/);
  });

  it('a wrong body field name', () => {
    expect(checkAutotaskRequest({ method: 'POST', path: `${base}/ContractServiceAdjustments`, body: { contractID: 1, serviceID: 2, quantity: 3, effectiveDate: 'x' } })).toEqual([
      `POST ${base}/ContractServiceAdjustments: body field "quantity" is not a property of ContractServiceAdjustmentModel`,
    ]);
    expect(checkAutotaskRequest({ method: 'PATCH', path: `${base}/Companies`, body: { id: 1, udfs: [] } })[0]).toMatch(/"udfs" is not a property of CompanyModel/);
    expect(checkAutotaskRequest({ method: 'PATCH', path: `${base}/Companies`, body: { id: 1, userDefinedFields: [{ key: 'a', value: 'b' }] } })[0]).toMatch(/"key" is not a property of UserDefinedField/);
  });

  it('a wrong field in a query filter, in IncludeFields or in the query model', () => {
    expect(checkAutotaskRequest({ method: 'POST', path: `${base}/Tickets/query`, body: { filter: [{ op: 'eq', field: 'externalRef', value: 'x' }] } })[0]).toMatch(
      /filter field "externalRef" is not a property of TicketModel/,
    );
    expect(
      checkAutotaskRequest({ method: 'POST', path: `${base}/Companies/query/count`, body: { filter: [{ op: 'or', items: [{ op: 'eq', field: 'accountName', value: 'x' }] }] } })[0],
    ).toMatch(/"accountName" is not a property of CompanyModel/);
    expect(checkAutotaskRequest({ method: 'POST', path: `${base}/Services/query`, body: { IncludeFields: ['title'], filter: all } })[0]).toMatch(/IncludeFields entry "title"/);
    expect(checkAutotaskRequest({ method: 'POST', path: `${base}/Services/query`, body: { pageSize: 10, filter: all } })[0]).toMatch(/"pageSize" is not a property of QueryModel/);
  });

  it('a body where the operation takes none, and undeclared query parameters', () => {
    expect(checkAutotaskRequest({ method: 'GET', path: `${base}/Tickets/7101`, body: { id: 1 } })[0]).toMatch(/sends a body but GET .* takes none/);
    expect(checkAutotaskRequest({ method: 'GET', path: `${base}/Tickets/7101`, query: '?expand=all' })[0]).toMatch(/query parameter "expand"/);
  });

  it('a string longer than the model allows', () => {
    const spec = loadAutotaskSwagger();
    const limited = { ...spec, models: { ...spec.models, TicketModel: { properties: { ...spec.models.TicketModel!.properties, Title: { type: 'string', maxLength: 255 } } } } };
    const title = 'x'.repeat(256);
    expect(checkAutotaskRequest({ method: 'POST', path: `${base}/Tickets`, body: { companyID: 1, title } }, limited)).toEqual([
      `POST ${base}/Tickets: body field "title" is 256 characters, TicketModel allows 255`,
    ]);
    expect(checkAutotaskRequest({ method: 'POST', path: `${base}/Tickets`, body: { companyID: 1, title: title.slice(1) } }, limited)).toEqual([]);
  });

  it('assertAutotaskConformance fails on bad requests, on an empty log and on an exempt request that conforms', () => {
    expect(() => assertAutotaskConformance([{ method: 'GET', path: `${base}/Accounts/1` }])).toThrow(/no such path/);
    expect(() => assertAutotaskConformance([])).toThrow(/no Autotask requests/);
    expect(() => assertAutotaskConformance([{ method: 'GET', path: `${base}/Tickets/1` }], { exempt: () => true })).toThrow(/passes the check/);
  });
});

describe('every request of every connector method conforms', () => {
  it('records a full tour of the Psa port', async () => {
    const { apiUser } = sim.fixture;
    const psa = createAutotaskPsa({
      connection: { ...AUTOTASK_DEFAULTS, zoneDiscoveryUrl: sim.zoneDiscoveryUrl, username: apiUser.username, impersonationResourceId: '29682886' },
      secret: apiUser.secret,
      integrationCode: apiUser.integrationCode,
    });
    try {
      await psa.verify();
      const [accounts, , contracts, items, picklists] = await Promise.all([psa.listAccounts(), psa.listAccountTypes(), psa.listContracts(), psa.listBillingItems(), psa.ticketPicklists()]);
      await psa.listContracts(accounts[0]!.id);
      const recurring = contracts.find((c) => c.recurring && c.active)!;
      const today = new Date().toISOString().slice(0, 10);
      await psa.currentQuantities(recurring.id, today);
      await psa.postUsage({ contractId: recurring.id, billingItemId: items.find((i) => i.active)!.id, before: 0, after: 2, mode: 'delta', effectiveDate: today });
      const ticket = await psa.createTicket({
        accountId: recurring.accountId,
        title: 'Conformance tour',
        description: 'd',
        status: picklists.statuses![0]!.value,
        dueAt: new Date(),
        fields: {
          priority: picklists.priorities![0]!.value,
          queue: picklists.queues!.find((q) => q.active)!.value,
          source: picklists.sources![0]!.value,
          workType: picklists.workTypes![0]!.value,
          issueType: '10',
          subIssueType: '136',
        },
        tag: 'kmsp:tour',
      });
      await psa.getTicket(ticket.id);
      await psa.findTicketsByTag('kmsp:tour');
      await psa.addTicketNote(ticket.id, { title: 'n', description: 'd' });
      expect(await psa.ticketNotes(ticket.id)).toEqual([{ title: 'n', description: 'd' }]);
      await psa.closeTicket(ticket.id, '5');
      await psa.setAccountField(recurring.accountId, 'Kaspersky Tenant', 'Tour');
      await psa.budget();
    } finally {
      await psa.close();
    }
    const distinct = new Set(sim.requests.map((r) => `${r.method} ${r.path.replace(/\/\d+/g, '/{id}')}`));
    expect(distinct.size).toBeGreaterThanOrEqual(15);
    for (const r of sim.requests) expect(checkAutotaskRequest(r), `${r.method} ${r.path}`).toEqual([]);
  });
});
