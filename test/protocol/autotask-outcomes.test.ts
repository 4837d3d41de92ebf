// Writes whose outcome is unknown (KmspError.outcomeUnknown) over real loopback HTTP:
// a usage posting or ticket create that timed out, or got a 5xx that is not a refusal
// Autotask is known to give, may have been carried out. It must never read as "never
// happened" (a repeat could bill twice), and the remedy says what to check in Autotask.
// Refusals before processing (known validation texts, 429, the thread limit) stay plain.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AUTOTASK_DEFAULTS } from '../../source/domain/defaults.js';
import { KmspError } from '../../source/domain/errors.js';
import type { HttpClientOptions } from '../../source/connectors/http.js';
import { createAutotaskPsa, type AutotaskPsa } from '../../source/connectors/autotask/index.js';
import { startAutotaskSimulator, type AutotaskSimulator } from '../../source/simulators/autotask/index.js';
import { fixturesPath } from '../../source/simulators/server.js';
import { assertAutotaskConformance } from '../helpers/swagger.js';

let sim: AutotaskSimulator;
const opened: AutotaskPsa[] = [];

function connect(http: Partial<HttpClientOptions> = {}): AutotaskPsa {
  const psa = createAutotaskPsa({
    connection: { ...AUTOTASK_DEFAULTS, zoneDiscoveryUrl: sim.zoneDiscoveryUrl, username: sim.fixture.apiUser.username },
    secret: sim.fixture.apiUser.secret,
    integrationCode: sim.fixture.apiUser.integrationCode,
    httpOptions: { backoffBaseMs: 1, backoffMaxMs: 4, sleep: async () => undefined, ...http },
  });
  opened.push(psa);
  return psa;
}

async function failure(p: Promise<unknown>): Promise<KmspError> {
  const outcome = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(outcome).toBeInstanceOf(KmspError);
  return outcome as KmspError;
}

const today = new Date().toISOString().slice(0, 10);
const recurring = () => sim.state.contracts.find((c) => c.contractType === 7 && sim.state.companies.find((a) => a.id === c.companyID)?.companyName === 'Acme and Sons Ltd')!;
const workstation = () => sim.state.services.find((s) => s.name === 'KES Advanced – Workstation')!;
const adjustmentPosts = () => sim.requests.filter((r) => r.method === 'POST' && /ContractServiceAdjustments$/i.test(r.path));
const posting = (unitChange = 3) => ({ contractId: String(recurring().id), billingItemId: String(workstation().id), before: 0, after: unitChange, mode: 'delta' as const, effectiveDate: today });

beforeAll(async () => {
  sim = await startAutotaskSimulator({ fixture: fixturesPath('demo', 'autotask.json') });
});

beforeEach(() => {
  sim.clearInjections();
  sim.clearRequests();
});

afterAll(async () => {
  for (const p of opened) await p.close();
  await sim.close();
  assertAutotaskConformance(sim.requests);
});

describe('usage postings', () => {
  it('a posting that timed out is outcome-unknown, sent once, and names the contract and service to check', async () => {
    const psa = connect({ timeoutMs: 150 });
    await psa.listAccountTypes(); // zone and metadata out of the way
    const before = sim.state.adjustments.length;
    sim.inject({ endpoint: 'ContractServiceAdjustments', kind: 'delay', delayMs: 400, method: 'POST' });
    const error = await failure(psa.postUsage(posting()));
    expect(error.outcomeUnknown).toBe(true);
    expect(error.kind).toBe('network');
    expect(error.message).toBe(`It is unknown whether Autotask managed to post +3 units of service ${workstation().id} to contract ${recurring().id}`);
    expect(error.why).toMatch(/did not answer in time/);
    expect(error.remedy).toMatch(/may or may not have been made in Autotask/);
    expect(error.remedy).toMatch(new RegExp(`contract ${recurring().id}, service ${workstation().id}`));
    expect(error.remedy).toMatch(new RegExp(`\\+3 units effective ${today}`));
    expect(error.remedy).not.toMatch(/retried on the next run/);
    // Why "unknown" is the truth: the simulator carries it out after the client gave up.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sim.state.adjustments.length).toBe(before + 1);
    expect(adjustmentPosts()).toHaveLength(1);
  });

  it('a 503 after the posting was applied is outcome-unknown, not "correct what Autotask names"', async () => {
    const psa = connect();
    const before = sim.state.adjustments.length;
    sim.inject({ endpoint: 'ContractServiceAdjustments', kind: 'error-after', status: 503, message: 'Service Unavailable', method: 'POST' });
    const error = await failure(psa.postUsage(posting()));
    expect(error).toMatchObject({ outcomeUnknown: true, kind: 'vendor', code: 503 });
    expect(error.why).toMatch(/HTTP 503 "Service Unavailable", which is not a refusal kmsp recognises/);
    expect(error.remedy).not.toMatch(/Correct what Autotask names/);
    expect(error.remedy).toMatch(/contract \d+, service \d+/);
    expect(sim.state.adjustments.length).toBe(before + 1);
    expect(adjustmentPosts()).toHaveLength(1);
  });

  it('a gateway page (non-JSON 502) on a posting is outcome-unknown, not "retry later"', async () => {
    const psa = connect();
    sim.inject({ endpoint: 'ContractServiceAdjustments', kind: 'error-after', status: 502, rawBody: '<html><body><h1>502 Bad Gateway</h1></body></html>', method: 'POST' });
    const error = await failure(psa.postUsage(posting()));
    expect(error).toMatchObject({ outcomeUnknown: true, code: 502 });
    expect(error.why).toMatch(/without an error message kmsp recognises/);
    expect(error.detail).toMatch(/Bad Gateway/);
    expect(error.remedy).not.toMatch(/retry later/i);
    expect(adjustmentPosts()).toHaveLength(1);
  });

  it('a generic 500 on a posting is outcome-unknown: nothing says it was refused', async () => {
    const psa = connect();
    sim.inject({ endpoint: 'ContractServiceAdjustments', kind: 'error', method: 'POST' });
    const error = await failure(psa.postUsage(posting()));
    expect(error).toMatchObject({ outcomeUnknown: true, code: 500 });
    expect(error.why).toMatch(/An unexpected error occurred on the server/);
  });

  it('a 200 that is not {"itemId":N} is outcome-unknown too', async () => {
    const psa = connect();
    const before = sim.state.adjustments.length;
    sim.inject({ endpoint: 'ContractServiceAdjustments', kind: 'error-after', status: 200, rawBody: 'OK', method: 'POST' });
    const error = await failure(psa.postUsage(posting()));
    expect(error).toMatchObject({ outcomeUnknown: true, kind: 'protocol' });
    expect(sim.state.adjustments.length).toBe(before + 1);
  });

  it('a refusal Autotask is known to give stays a plain vendor error: nothing was applied', async () => {
    const psa = connect();
    const before = sim.state.adjustments.length;
    const error = await failure(psa.postUsage({ ...posting(), effectiveDate: `${new Date().getUTCFullYear() + 1}-02-01` }));
    expect(error).toMatchObject({ outcomeUnknown: false, kind: 'vendor' });
    expect(error.message).toMatch(/outside the contract/);
    expect(error.remedy).toMatch(/Correct what Autotask names/);
    expect(sim.state.adjustments.length).toBe(before);
  });

  it('the thread limit and 429 are refusals before processing: retried, and never unknown', async () => {
    const psa = connect({ retries: 2 });
    const before = sim.state.adjustments.length;
    sim.inject({ endpoint: 'ContractServiceAdjustments', kind: 'thread-limit', count: 5, method: 'POST' });
    const limited = await failure(psa.postUsage(posting()));
    expect(limited).toMatchObject({ kind: 'rate-limit', outcomeUnknown: false });
    expect(sim.state.adjustments.length).toBe(before);
    sim.clearInjections();
    sim.inject({ endpoint: 'ContractServiceAdjustments', kind: '429', count: 1, method: 'POST' });
    await psa.postUsage(posting(1));
    expect(sim.state.adjustments.length).toBe(before + 1);
  });
});

describe('ticket writes', () => {
  const newTicket = (tag: string) => ({
    accountId: String(sim.state.companies.find((c) => c.companyName === 'Carter Logistics Inc.')!.id),
    title: 'Critical: Virus found on WS-042',
    description: 'Kaspersky Security Center reported a virus.',
    status: '1',
    dueAt: new Date(Date.now() + 3600_000),
    fields: { priority: '4', queue: null, source: null, workType: null, issueType: null, subIssueType: null },
    tag,
  });

  it('a ticket create that timed out is outcome-unknown and says to look for its tag', async () => {
    const psa = connect({ timeoutMs: 150 });
    await psa.ticketPicklists();
    sim.inject({ endpoint: 'Tickets', kind: 'delay', delayMs: 400, method: 'POST' });
    const tag = 'kmsp:outcome:timeout';
    const error = await failure(psa.createTicket(newTicket(tag)));
    expect(error.outcomeUnknown).toBe(true);
    expect(error.message).toMatch(/It is unknown whether Autotask managed to create a ticket for company \d+/);
    expect(error.remedy).toContain(`External ID "${tag}"`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // It was created, and the tag finds it: the next cycle does not open a second one.
    expect((await psa.findTicketsByTag(tag)).map((t) => t.tag)).toEqual([tag]);
    expect(sim.requests.filter((r) => r.method === 'POST' && /\/Tickets$/i.test(r.path))).toHaveLength(1);
  });

  it('closing a ticket that got a 503 is outcome-unknown and names the ticket', async () => {
    const psa = connect();
    const t = await psa.createTicket(newTicket('kmsp:outcome:close'));
    sim.inject({ endpoint: 'Tickets', kind: 'error-after', status: 503, method: 'PATCH' });
    const error = await failure(psa.closeTicket(t.id, '5'));
    expect(error.outcomeUnknown).toBe(true);
    expect(error.remedy).toContain(`ticket ${t.id}'s status`);
  });
});
