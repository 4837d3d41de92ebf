// The Autotask connector's Psa methods against the Autotask simulator over real
// loopback HTTP, seeded with the demo fixture. Every recorded request is checked
// against the vendor swagger after the file (afterAll).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AutotaskConnection } from '../../source/domain/config.js';
import { AUTOTASK_DEFAULTS } from '../../source/domain/defaults.js';
import { KmspError } from '../../source/domain/errors.js';
import { psaProfile } from '../../source/domain/profiles/index.js';
import type { NewTicket, PicklistValue } from '../../source/domain/types.js';
import { createAutotaskPsa, type AutotaskPsa } from '../../source/connectors/autotask/index.js';
import { startAutotaskSimulator, type AutotaskSimulator } from '../../source/simulators/autotask/index.js';
import { fixturesPath } from '../../source/simulators/server.js';
import { assertAutotaskConformance } from '../helpers/swagger.js';

let sim: AutotaskSimulator;
let psa: AutotaskPsa;
const opened: AutotaskPsa[] = [];

function connect(connection: Partial<AutotaskConnection> = {}): AutotaskPsa {
  const p = createAutotaskPsa({
    connection: { ...AUTOTASK_DEFAULTS, zoneDiscoveryUrl: sim.zoneDiscoveryUrl, username: sim.fixture.apiUser.username, ...connection },
    secret: sim.fixture.apiUser.secret,
    integrationCode: sim.fixture.apiUser.integrationCode,
    httpOptions: { backoffBaseMs: 1, backoffMaxMs: 5 },
  });
  opened.push(p);
  return p;
}

const year = new Date().getUTCFullYear();
const today = new Date().toISOString().slice(0, 10);
const companyId = (name: string) => String(sim.state.companies.find((c) => c.companyName === name)!.id);
const contractsOf = (name: string) => sim.state.contracts.filter((c) => String(c.companyID) === companyId(name));

beforeAll(async () => {
  sim = await startAutotaskSimulator({ fixture: fixturesPath('demo', 'autotask.json') });
  psa = connect();
});

afterAll(async () => {
  for (const p of opened) await p.close();
  await sim.close();
  assertAutotaskConformance(sim.requests);
});

describe('verify and zone discovery', () => {
  it('discovers the zone once and describes what it reached', async () => {
    const p = connect();
    const identity = await p.verify();
    expect(identity.kind).toBe('autotask');
    expect(identity.description).toContain('America East 3 (simulated)');
    expect(identity.description).toContain(sim.apiUrl);
    expect(identity.description).toContain(sim.fixture.apiUser.username);
    expect(identity.description).not.toContain(sim.fixture.apiUser.secret);
    await p.listAccountTypes();
    await p.verify();
    const lookups = sim.requests.filter((r) => /zoneinformation/i.test(r.path) && r.query.includes(encodeURIComponent(sim.fixture.apiUser.username)));
    expect(lookups.length).toBeGreaterThanOrEqual(1);
  });

  it('asks for the zone only once per connector', async () => {
    sim.clearRequests();
    const p = connect();
    await p.verify();
    await p.listAccountTypes();
    await p.budget();
    expect(sim.requests.filter((r) => /zoneinformation/i.test(r.path))).toHaveLength(1);
  });

  it('skips discovery with a configured zone URL', async () => {
    sim.clearRequests();
    const p = connect({ apiUrl: sim.apiUrl, zoneDiscoveryUrl: 'http://127.0.0.1:9/never/' });
    const identity = await p.verify();
    expect(identity.description).toContain('configured');
    expect(sim.requests.some((r) => /zoneinformation/i.test(r.path))).toBe(false);
  });
});

describe('accounts', () => {
  it('lists every company with its type label, active flag and UDFs', async () => {
    const accounts = await psa.listAccounts();
    expect(accounts).toHaveLength(40);
    const acme = accounts.find((a) => a.name === 'Acme and Sons Ltd')!;
    expect(acme).toMatchObject({ type: 'Customer', active: true, customFields: { 'Kaspersky Tenant': null, 'Customer Tier': 'Gold' } });
    expect(accounts.find((a) => a.name === 'Juniper Hotels')).toMatchObject({ active: false, type: 'Customer' });
    expect(accounts.find((a) => a.name === 'Helix Hardware Supply')!.type).toBe('Vendor');
    expect(accounts.find((a) => a.name === 'Initech')!.type).toBe('Lead');
    expect(new Set(accounts.map((a) => a.id)).size).toBe(40);
  });

  it('lists the active account types in Autotask order', async () => {
    expect(await psa.listAccountTypes()).toEqual(['Customer', 'Lead', 'Prospect', 'Dead', 'Cancellation', 'Vendor', 'Partner']);
  });

  it('writes, clears and reports a missing company UDF', async () => {
    const id = companyId('Bluebird Dental Group');
    expect(await psa.setAccountField(id, 'Kaspersky Tenant', 'Bluebird Dental')).toBe('written');
    const udfs = () => sim.state.companies.find((c) => String(c.id) === id)!.userDefinedFields as Array<{ name: string; value: unknown }>;
    expect(udfs().find((u) => u.name === 'Kaspersky Tenant')!.value).toBe('Bluebird Dental');
    // PATCH changes only the listed UDF.
    expect(udfs().find((u) => u.name === 'Customer Tier')!.value).toBe('Silver');
    expect((await psa.listAccounts()).find((a) => a.id === id)!.customFields['Kaspersky Tenant']).toBe('Bluebird Dental');

    expect(await psa.setAccountField(id, 'Kaspersky Tenant', null)).toBe('written');
    expect(udfs().find((u) => u.name === 'Kaspersky Tenant')!.value).toBeNull();

    sim.clearRequests();
    expect(await psa.setAccountField(id, 'No Such Field', 'x')).toBe('field-missing');
    expect(sim.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
  });

  it('reports field-missing when the tenant has not defined the UDF', async () => {
    sim.removeUdfDefinition('Companies', 'Kaspersky Tenant');
    try {
      const fresh = connect();
      expect(await fresh.setAccountField(companyId('Acme and Sons Ltd'), 'Kaspersky Tenant', 'Acme & Sons')).toBe('field-missing');
    } finally {
      sim.addUdfDefinition('Companies', { name: 'Kaspersky Tenant', length: 100 });
    }
  });
});

describe('contracts, services and usage', () => {
  it('lists contracts with type labels, recurring and active flags', async () => {
    const contracts = await psa.listContracts();
    expect(contracts).toHaveLength(sim.state.contracts.length);
    const acme = contracts.filter((c) => c.accountId === companyId('Acme and Sons Ltd'));
    expect(acme.map((c) => [c.typeLabel, c.recurring, c.active])).toEqual([
      ['Recurring Service', true, true],
      ['Block Hours', false, true],
    ]);
    expect(acme[0]!.startDate).toBe(`${year}-01-01`);
    expect(acme[0]!.endDate).toBe(`${year}-12-31`);
    const juniper = contracts.find((c) => c.accountId === companyId('Juniper Hotels'))!;
    expect(juniper).toMatchObject({ recurring: true, active: false, startDate: `${year - 1}-01-01` });
    expect(contracts.filter((c) => c.recurring).length).toBe(23);
  });

  it('lists the contracts of one account', async () => {
    const evergreen = await psa.listContracts(companyId('Evergreen Schools'));
    expect(evergreen).toHaveLength(2);
    expect(evergreen.every((c) => c.recurring)).toBe(true);
    expect(await psa.listContracts(companyId('Initech'))).toEqual([]);
  });

  it('lists services with their active flag', async () => {
    const items = await psa.listBillingItems();
    expect(items).toHaveLength(11);
    expect(items.filter((i) => i.active)).toHaveLength(10);
    expect(items.find((i) => i.name === 'KES Advanced – Workstation')!.active).toBe(true);
    expect(items.find((i) => i.name.includes('legacy'))!.active).toBe(false);
  });

  it('reads current units per service and posts adjustments that change them', async () => {
    const contract = contractsOf('Acme and Sons Ltd').find((c) => c.contractType === 7)!;
    const id = (name: string) => String(sim.state.services.find((s) => s.name === name)!.id);
    const ws = id('KESB Select – Workstation');
    // Acme's last posting (fixtures/demo: 36 Windows workstations, 5 non-Windows on KESB Select, 5 servers on KSWS; billed 4 and 7 then).
    const before = await psa.currentQuantities(String(contract.id), today);
    expect(before.map((q) => [q.billingItemId, q.units]).sort()).toEqual([
      [id('Kaspersky Security for Windows Server'), 4],
      [ws, 36],
      [id('KESB Select – Non-Windows'), 7],
    ].sort());
    const period = before[0]!;
    expect(period.periodStart).toBe(`${today.slice(0, 7)}-01`);
    expect(period.periodEnd! >= today).toBe(true);

    const posted = await psa.postUsage({ contractId: String(contract.id), billingItemId: ws, before: 0, after: 5, mode: 'delta', effectiveDate: today });
    expect(posted.id).toMatch(/^\d+$/);
    const adjustment = sim.state.adjustments.at(-1)!;
    expect(adjustment).toMatchObject({ contractID: contract.id, serviceID: Number(ws), unitChange: 5, effectiveDate: `${today}T00:00:00.000Z` });

    const after = await psa.currentQuantities(String(contract.id), today);
    expect(after.find((q) => q.billingItemId === ws)!.units).toBe(41);
    // Earlier periods keep their units; the last period of the year got the change too.
    const units = sim.state.units.filter((u) => u.contractID === contract.id && u.serviceID === Number(ws));
    expect(units.at(-1)!.units).toBe(41);
    if (units.length > 1 && String(units[0]!.endDate).slice(0, 10) < today) expect(units[0]!.units).toBe(36);
  });

  it('creates the contract service on the first posting for a new item', async () => {
    const contract = contractsOf('Granite Builders Ltd').find((c) => c.contractType === 7)!;
    const o365 = String(sim.state.services.find((s) => s.name === 'Kaspersky Security for Microsoft Office 365 per mailbox')!.id);
    expect(await psa.currentQuantities(String(contract.id), today)).toEqual([]);
    await psa.postUsage({ contractId: String(contract.id), billingItemId: o365, before: 0, after: 12, mode: 'delta', effectiveDate: today });
    const now = await psa.currentQuantities(String(contract.id), today);
    expect(now).toEqual([expect.objectContaining({ billingItemId: o365, units: 12 })]);
    expect(sim.state.contractServices.some((cs) => cs.contractID === contract.id && cs.serviceID === Number(o365))).toBe(true);
  });

  it('surfaces Autotask refusals of a posting as vendor errors and changes nothing', async () => {
    const blockHours = contractsOf('Acme and Sons Ltd').find((c) => c.contractType === 4)!;
    const recurring = contractsOf('Acme and Sons Ltd').find((c) => c.contractType === 7)!;
    const ws = String(sim.state.services.find((s) => s.name === 'KES Advanced – Workstation')!.id);
    const count = sim.state.adjustments.length;
    const refusal = async (p: Promise<unknown>) => {
      const error = await p.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(KmspError);
      return error as KmspError;
    };
    const notRecurring = await refusal(psa.postUsage({ contractId: String(blockHours.id), billingItemId: ws, before: 0, after: 1, mode: 'delta', effectiveDate: today }));
    expect(notRecurring.kind).toBe('vendor');
    expect(notRecurring.message).toMatch(/Recurring Service/);
    const outside = await refusal(psa.postUsage({ contractId: String(recurring.id), billingItemId: ws, before: 0, after: 1, mode: 'delta', effectiveDate: `${year + 1}-02-01` }));
    expect(outside.message).toMatch(/outside the contract/);
    const negative = await refusal(psa.postUsage({ contractId: String(recurring.id), billingItemId: ws, before: 0, after: -1000, mode: 'delta', effectiveDate: today }));
    expect(negative.kind).toBe('vendor');
    expect(sim.state.adjustments.length).toBe(count);
  });

  it('never sends a zero or fractional unit change', async () => {
    sim.clearRequests();
    await expect(psa.postUsage({ contractId: '1', billingItemId: '2', before: 0, after: 0, mode: 'delta', effectiveDate: today })).rejects.toMatchObject({ kind: 'internal' });
    await expect(psa.postUsage({ contractId: '1', billingItemId: '2', before: 0, after: 1.5, mode: 'delta', effectiveDate: today })).rejects.toMatchObject({ kind: 'internal' });
    await expect(psa.postUsage({ contractId: 'abc', billingItemId: '2', before: 0, after: 1, mode: 'delta', effectiveDate: today })).rejects.toMatchObject({ kind: 'config' });
    expect(sim.requests.filter((r) => r.method === 'POST' && /Adjustments/i.test(r.path))).toHaveLength(0);
  });
});

describe('tickets', () => {
  const newTicket = (tag: string, overrides: Partial<NewTicket> = {}, fields: NewTicket['fields'] = {}): NewTicket => ({
    accountId: companyId('Carter Logistics Inc.'),
    title: 'Critical: Virus found on WS-042',
    description: 'Kaspersky Security Center reported GNRL_EV_VIRUS_FOUND on WS-042 (Carter Logistics).',
    status: '1',
    dueAt: new Date(Date.now() + 12 * 3600_000),
    fields: { priority: '4', queue: '29683360', source: '8', workType: '29682804', issueType: '10', subIssueType: '137', ...fields },
    tag,
    ...overrides,
  });

  it('reads the ticket picklists with string values, inactive values and parents, keyed by the lists of the Autotask profile', async () => {
    const p = (await psa.ticketPicklists()) as Required<Record<'queues' | 'priorities' | 'statuses' | 'sources' | 'issueTypes' | 'subIssueTypes' | 'workTypes', PicklistValue[]>>;
    const t = psaProfile('autotask').ticketing;
    expect(Object.keys(p).sort()).toEqual([...new Set([...t.general, ...t.row].map((f) => f.list))].sort());
    expect(p.queues.find((q) => q.label === 'Monitoring Alert')).toMatchObject({ value: '29683360', active: true });
    expect(p.queues.find((q) => q.label === 'Legacy Helpdesk')!.active).toBe(false);
    expect(p.priorities.map((v) => v.label)).toEqual(['Critical', 'High', 'Medium', 'Low']);
    expect(p.statuses.find((s) => s.value === '1')!.label).toBe('New');
    expect(p.statuses.find((s) => s.value === '5')!.label).toBe('Complete');
    expect(p.sources.find((s) => s.label === 'Monitoring Alert')!.value).toBe('8');
    expect(p.subIssueTypes.find((s) => s.label === 'Firewall')).toMatchObject({ value: '136', parentValue: '10' });
    expect(p.issueTypes.every((i) => i.parentValue === null)).toBe(true);
    expect(p.workTypes.map((w) => w.label)).toEqual(['After Hours Support', 'Monitoring Alert Triage', 'Onsite Support', 'Remote Support', 'Security Incident Response']);
    expect(p.workTypes.every((w) => typeof w.value === 'string' && w.active)).toBe(true);
  });

  it('creates a tagged ticket, finds it by tag, adds a note and closes it', async () => {
    const tag = 'kmsp:main:vs-carter:event:90001';
    const created = await psa.createTicket(newTicket(tag));
    // The create answers with the id alone: number and creation time come from a read.
    expect(created).toMatchObject({ accountId: companyId('Carter Logistics Inc.'), status: '1', tag, number: '', createdAt: null, completedAt: null });
    const read = (await psa.getTicket(created.id))!;
    expect(read.number).toMatch(/^T\d{8}\.\d{4}$/);
    expect(read.createdAt).toBeInstanceOf(Date);
    const stored = sim.state.tickets.find((t) => String(t.id) === created.id)!;
    expect(stored).toMatchObject({ queueID: 29683360, priority: 4, source: 8, billingCodeID: 29682804, issueType: 10, subIssueType: 137, externalID: tag });
    expect(Math.abs(Date.parse(String(stored.dueDateTime)) - Date.now() - 12 * 3600_000)).toBeLessThan(60_000);

    await psa.createTicket(newTicket(`${tag}0`));
    const found = await psa.findTicketsByTag(tag);
    expect(found.map((t) => t.id)).toEqual([created.id]);
    expect(await psa.findTicketsByTag('kmsp:never-used')).toEqual([]);

    await psa.addTicketNote(created.id, { title: 'Seen again', description: 'The same virus was detected again on WS-042.' });
    const note = sim.state.notes.find((n) => String(n.ticketID) === created.id)!;
    expect(note).toMatchObject({ title: 'Seen again', noteType: 1, publish: 1 });
    expect(await psa.ticketNotes(created.id)).toEqual([{ title: 'Seen again', description: 'The same virus was detected again on WS-042.' }]);

    expect(await psa.closeTicket(created.id, '5')).toEqual({ closed: true });
    const closed = await psa.getTicket(created.id);
    expect(closed).toMatchObject({ status: '5', scope: null });
    expect(closed!.completedAt).toBeInstanceOf(Date);
  });

  it('returns null for a ticket that does not exist', async () => {
    expect(await psa.getTicket('999999999')).toBeNull();
  });

  it('sees a ticket closed by a person', async () => {
    const t = await psa.createTicket(newTicket('kmsp:main:vs-carter:status:dev-1:db-outdated'));
    sim.closeTicket(Number(t.id));
    expect((await psa.getTicket(t.id))!.status).toBe('5');
  });

  it('surfaces picklist refusals with Autotask\'s message', async () => {
    const error = await psa.createTicket(newTicket('kmsp:bad-queue', {}, { queue: '12345' })).catch((e: unknown) => e as KmspError);
    expect(error).toBeInstanceOf(KmspError);
    expect((error as KmspError).kind).toBe('vendor');
    expect((error as KmspError).message).toMatch(/12345/);
    const inactive = await psa.createTicket(newTicket('kmsp:inactive', { accountId: companyId('Juniper Hotels') })).catch((e: unknown) => e as KmspError);
    expect((inactive as KmspError).kind).toBe('vendor');
    expect(sim.state.tickets.some((t) => t.externalID === 'kmsp:bad-queue' || t.externalID === 'kmsp:inactive')).toBe(false);
  });

  it('cuts over-long titles and descriptions to Autotask\'s field lengths', async () => {
    const t = await psa.createTicket(newTicket('kmsp:long', { title: 'x'.repeat(400), description: 'y'.repeat(9000) }, { workType: null, issueType: null, subIssueType: null, queue: null, source: null }));
    expect(t.title).toHaveLength(255);
    expect(t.title.endsWith('…')).toBe(true);
    const stored = sim.state.tickets.find((s) => String(s.id) === t.id)!;
    expect(String(stored.description)).toHaveLength(8000);
    expect(stored.queueID).toBeNull();
  });

  it('impersonates a resource on writes only', async () => {
    const p = connect({ impersonationResourceId: '29682886' });
    const t = await p.createTicket(newTicket('kmsp:impersonated'));
    expect(sim.state.tickets.find((s) => String(s.id) === t.id)!.creatorResourceID).toBe(29682886);
    const bad = connect({ impersonationResourceId: '29682887' });
    // Reads do not carry the header, so they work...
    expect(await bad.listAccountTypes()).toContain('Customer');
    // ...writes fail with a permission error.
    await expect(bad.createTicket(newTicket('kmsp:not-allowed'))).rejects.toMatchObject({ kind: 'permission' });
  });
});

describe('budget', () => {
  it('reads the hourly threshold', async () => {
    const budget = await psa.budget();
    expect(budget).toMatchObject({ limit: 10_000, timeframeMinutes: 60 });
    expect(budget!.used).toBeGreaterThan(850);
    expect(budget!.used).toBe(sim.stats().used);
  });
});
