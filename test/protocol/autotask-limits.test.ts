// Failures and limits of the Autotask connector over real loopback HTTP:
// credentials, {"errors":[…]} answers, 429 with Retry-After, the thread limit
// (Itgenatr005) and the hourly threshold. Waits go through an injected sleep that
// records them, so tests neither wait for real nor assert wall-clock times.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AutotaskConnection } from '../../source/domain/config.js';
import { AUTOTASK_DEFAULTS } from '../../source/domain/defaults.js';
import { KmspError } from '../../source/domain/errors.js';
import type { HttpClientOptions } from '../../source/connectors/http.js';
import { createAutotaskPsa, type AutotaskPsa } from '../../source/connectors/autotask/index.js';
import { startAutotaskSimulator, type AutotaskSimulator } from '../../source/simulators/autotask/index.js';
import { fixturesPath } from '../../source/simulators/server.js';
import { assertAutotaskConformance } from '../helpers/swagger.js';

let sim: AutotaskSimulator;
const opened: AutotaskPsa[] = [];

interface Options {
  connection?: Partial<AutotaskConnection>;
  secret?: string;
  integrationCode?: string;
  http?: Partial<HttpClientOptions>;
  /** Really wait (recording too): needed where retries must outlast a server-side delay. */
  realSleep?: boolean;
}

/** A connector that looks at the usage again at once after a refusal (production waits 30 s). */
function createGuarded(): { psa: AutotaskPsa } {
  const psa = createAutotaskPsa({
    connection: { ...AUTOTASK_DEFAULTS, zoneDiscoveryUrl: sim.zoneDiscoveryUrl, username: sim.fixture.apiUser.username },
    secret: sim.fixture.apiUser.secret,
    integrationCode: sim.fixture.apiUser.integrationCode,
    httpOptions: { backoffBaseMs: 1, backoffMaxMs: 4, sleep: async () => undefined },
    budget: { recheckWhenExhaustedMs: 0 },
  });
  opened.push(psa);
  return { psa };
}

function connect(options: Options = {}): { psa: AutotaskPsa; waits: number[] } {
  const waits: number[] = [];
  const psa = createAutotaskPsa({
    connection: { ...AUTOTASK_DEFAULTS, zoneDiscoveryUrl: sim.zoneDiscoveryUrl, username: sim.fixture.apiUser.username, ...options.connection },
    secret: options.secret ?? sim.fixture.apiUser.secret,
    integrationCode: options.integrationCode ?? sim.fixture.apiUser.integrationCode,
    httpOptions: {
      backoffBaseMs: 1,
      backoffMaxMs: 4,
      sleep: async (ms) => {
        waits.push(ms);
        if (options.realSleep) await new Promise((resolve) => setTimeout(resolve, ms));
      },
      ...options.http,
    },
  });
  opened.push(psa);
  return { psa, waits };
}

async function failure(p: Promise<unknown>): Promise<KmspError> {
  const outcome = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(outcome).toBeInstanceOf(KmspError);
  return outcome as KmspError;
}

/** Everything a user could see of an error. */
function visible(e: KmspError): string {
  return [e.message, e.explain(), e.oneLine(), String(e.detail), String(e.why), String(e.remedy)].join('\n');
}

beforeAll(async () => {
  sim = await startAutotaskSimulator({ fixture: fixturesPath('demo', 'autotask.json') });
});

beforeEach(() => {
  sim.reset();
});

afterAll(async () => {
  for (const p of opened) await p.close();
  await sim.close();
  assertAutotaskConformance(sim.requests);
});

describe('credentials', () => {
  it('a wrong secret is an auth error that never shows the secret', async () => {
    const { psa } = connect({ secret: 'not-the-right-secret' });
    const e = await failure(psa.listAccounts());
    expect(e.kind).toBe('auth');
    expect(e.code).toBe(401);
    expect(e.remedy).toMatch(/API-only/);
    expect(visible(e)).not.toContain('not-the-right-secret');
    expect(visible(e)).not.toContain(sim.fixture.apiUser.integrationCode);
  });

  it('a wrong integration code is an auth error naming the tracking identifier', async () => {
    const { psa } = connect({ integrationCode: 'WRONGTRACKINGCODE999' });
    const e = await failure(psa.verify());
    expect(e.kind).toBe('auth');
    expect(e.message).toMatch(/integration code/);
    expect(e.remedy).toMatch(/tracking identifier/i);
    expect(visible(e)).not.toContain('WRONGTRACKINGCODE999');
    expect(visible(e)).not.toContain(sim.fixture.apiUser.secret);
  });

  it('an unknown username fails zone discovery with an auth error about the username', async () => {
    const { psa } = connect({ connection: { username: 'nobody@elsewhere.example' } });
    const e = await failure(psa.verify());
    expect(e.kind).toBe('auth');
    expect(e.message).toContain('nobody@elsewhere.example');
    expect(e.remedy).toMatch(/username/);
    expect(e.detail).toContain('Zone information could not be determined');
  });

  it('an unreachable host is a network error', async () => {
    const { psa } = connect({ connection: { zoneDiscoveryUrl: 'http://127.0.0.1:1/atservicesrest/' }, http: { retries: 1 } });
    const e = await failure(psa.verify());
    expect(e.kind).toBe('network');
  });
});

describe('error answers', () => {
  it('surfaces {"errors":[…]} with Autotask\'s message, secrets masked', async () => {
    sim.inject({ endpoint: 'Contracts', kind: 'error', message: `Contract lookup failed for key ${sim.fixture.apiUser.secret}` });
    const { psa } = connect();
    const e = await failure(psa.listContracts());
    expect(e.kind).toBe('vendor');
    expect(e.message).toContain('Contract lookup failed');
    expect(e.code).toBe(500);
    expect(visible(e)).not.toContain(sim.fixture.apiUser.secret);
    // A 500 on a query is not retried: it is an answer, not a refusal.
    expect(sim.stats().injected).toBe(1);
  });

  it('maps "adequate permissions" to a permission error', async () => {
    sim.inject({ endpoint: 'Services', kind: 'error', message: 'The logged in Resource does not have the adequate permissions to view this entity.' });
    const e = await failure(connect().psa.listBillingItems());
    expect(e.kind).toBe('permission');
  });

  it('treats a 404 on a ticket read as "no such ticket"', async () => {
    sim.inject({ endpoint: 'Tickets', kind: 'error', status: 404, message: 'Not found' });
    expect(await connect().psa.getTicket('7101')).toBeNull();
    expect(await connect().psa.getTicket('7101')).toMatchObject({ id: '7101' });
  });
});

describe('429 and Retry-After', () => {
  it('waits as long as Retry-After says and succeeds', async () => {
    sim.inject({ endpoint: 'Companies', kind: '429', retryAfter: 2 });
    const { psa, waits } = connect();
    expect(await psa.listAccounts()).toHaveLength(40);
    expect(waits).toContain(2000);
  });

  it('gives up with a rate-limit error when 429s persist, even with budget left', async () => {
    sim.inject({ endpoint: 'Companies', kind: '429', retryAfter: 1, count: 50 });
    const { psa, waits } = connect({ http: { retries: 2 } });
    const e = await failure(psa.listAccounts());
    expect(e.kind).toBe('rate-limit');
    expect(e.code).toBe(429);
    expect(e.why).toMatch(/of 10000 requests per 60 minutes/);
    // Both requests of listAccounts (the query and the companyType picklist) met the 429s.
    expect(waits.filter((w) => w === 1000).length).toBeGreaterThanOrEqual(2);
  });
});

describe('thread limit (Itgenatr005)', () => {
  it('retries a thread-limit rejection in a 500 and succeeds', async () => {
    sim.inject({ endpoint: 'Companies', kind: 'thread-limit', count: 2 });
    const { psa, waits } = connect();
    expect(await psa.listAccounts()).toHaveLength(40);
    expect(sim.stats().injected).toBe(2);
    expect(waits.length).toBe(2);
  });

  it('retries a thread-limit rejection in a 429 too', async () => {
    sim.inject({ endpoint: 'Companies', kind: 'thread-limit', status: 429, count: 1 });
    expect(await connect().psa.listAccounts()).toHaveLength(40);
  });

  it('repeats a refused create (it was not processed) but never one that failed', async () => {
    const { psa } = connect();
    const ticket = {
      accountId: '29683503',
      title: 'Thread limit test',
      description: 'x',
      status: '1',
      dueAt: new Date(),
      fields: { priority: '2', queue: null, source: null, workType: null, issueType: null, subIssueType: null },
      tag: 'kmsp:thread-limit-create',
    };
    sim.inject({ endpoint: 'Tickets', method: 'POST', kind: 'thread-limit', count: 1 });
    const created = await psa.createTicket(ticket);
    expect(sim.state.tickets.filter((t) => t.externalID === ticket.tag)).toHaveLength(1);
    expect(created.tag).toBe(ticket.tag);

    sim.inject({ endpoint: 'Tickets', method: 'POST', kind: 'error', message: 'Transient failure', count: 1 });
    const e = await failure(psa.createTicket({ ...ticket, tag: 'kmsp:failed-create' }));
    expect(e.kind).toBe('vendor');
    expect(sim.stats().injected).toBe(2);
    expect(sim.state.tickets.some((t) => t.externalID === 'kmsp:failed-create')).toBe(false);
  });

  it('reports a persisting thread limit as a rate-limit error', async () => {
    sim.inject({ endpoint: 'Companies', kind: 'thread-limit', count: 50 });
    const e = await failure(connect({ http: { retries: 3 } }).psa.listAccounts());
    expect(e.kind).toBe('rate-limit');
    expect(e.message).toMatch(/thread limit/);
  });

  it('a client allowing more than 3 parallel calls meets Itgenatr005, retries and succeeds', async () => {
    sim.inject({ endpoint: 'Tickets', method: 'GET', kind: 'delay', delayMs: 150, count: 8 });
    const { psa } = connect({ realSleep: true, http: { maxConcurrentPerEndpoint: 10, retries: 30, backoffBaseMs: 20, backoffMaxMs: 60 } });
    await psa.budget(); // zone and usage reading first, so the burst below is only ticket reads
    const tickets = await Promise.all(Array.from({ length: 8 }, () => psa.getTicket('7101')));
    expect(tickets.every((t) => t?.id === '7101')).toBe(true);
    expect(sim.stats().threadRejections).toBeGreaterThan(0);
    expect(sim.stats().maxConcurrent.tickets).toBe(3);
  });

  it('the default connector never exceeds 3 concurrent calls per endpoint', async () => {
    sim.inject({ endpoint: 'Tickets', method: 'GET', kind: 'delay', delayMs: 100, count: 9 });
    const { psa } = connect({ realSleep: true });
    await psa.budget();
    const tickets = await Promise.all(Array.from({ length: 9 }, () => psa.getTicket('7101')));
    expect(tickets.every((t) => t?.id === '7101')).toBe(true);
    expect(sim.stats().threadRejections).toBe(0);
    expect(sim.stats().maxConcurrent.tickets).toBe(3);
  });
});

describe('hourly threshold', () => {
  it('stops before sending when the threshold is used up and says when to retry', async () => {
    sim.setThreshold({ used: 10_000 });
    sim.clearRequests();
    const e = await failure(connect().psa.listAccounts());
    expect(e.kind).toBe('rate-limit');
    expect(e.message).toMatch(/\d+ of 10000 requests used in the current 60-minute window/);
    expect(e.remedy).toMatch(/Retry after \d{4}-\d\d-\d\dT/);
    // Only the zone lookup and the usage check reached Autotask.
    expect(sim.requests.filter((r) => /companies/i.test(r.path))).toHaveLength(0);
  });

  it('turns a 429 from an exhausted threshold into a rate-limit error with Retry-After', async () => {
    const { psa } = connect();
    await psa.listAccountTypes(); // the connector has a reading well below the limit
    sim.setThreshold({ used: 10_000 });
    const e = await failure(psa.listBillingItems());
    expect(e.kind).toBe('rate-limit');
    expect(e.message).toMatch(/of 10000 requests/);
    expect(e.remedy).toMatch(/as Autotask asked/);
    expect(sim.stats().thresholdRejections).toBeGreaterThan(0);
  });

  it('paces itself from 75% of the threshold', async () => {
    sim.setThreshold({ used: 8_000 });
    const { psa, waits } = connect();
    await psa.listAccountTypes();
    await psa.listBillingItems();
    await psa.listContracts();
    // 1,000 requests left below the 90% reserve for 60 minutes: about one request per 3.6 s.
    const paced = waits.filter((w) => w >= 1_000);
    expect(paced.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...paced)).toBeGreaterThanOrEqual(3_500);
  });

  it('leaves the last 10% to other integrations: from 90% it sends nothing but the usage check, and resumes once usage is lower', async () => {
    sim.setThreshold({ used: 9_100 });
    sim.clearRequests();
    const { psa } = createGuarded();
    const e = await failure(psa.listAccounts());
    expect(e.kind).toBe('rate-limit');
    expect(e.message).toMatch(/^kmsp paused its Autotask requests: \d+ of 10000 requests of the 60-minute window are used, and kmsp leaves the last 10% to other integrations$/);
    expect(sim.requests.filter((r) => !/ThresholdInformation|zoneInformation/i.test(r.path))).toEqual([]);
    // Another integration's share of the window has passed: the next look lets kmsp carry on.
    sim.setThreshold({ used: 5_000 });
    expect((await psa.listAccounts()).length).toBeGreaterThan(0);
  });

  it('does not pace below 75%', async () => {
    const { psa, waits } = connect();
    await psa.listAccountTypes();
    await psa.listBillingItems();
    expect(waits).toEqual([]);
  });

  it('budget() reports the limit and what is used', async () => {
    sim.setThreshold({ used: 1234 });
    const budget = await connect().psa.budget();
    expect(budget).toEqual({ limit: 10_000, used: 1235, timeframeMinutes: 60 });
  });
});
