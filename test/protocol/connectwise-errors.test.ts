// ConnectWise's failure answers through the connector, over loopback HTTP: bad keys, a refused
// clientId, a security role without a permission, validation errors, 429 with Retry-After,
// writes whose outcome is unknown — and lists longer than one page. No secret reaches an error.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectWiseSimulator } from '../../source/simulators/connectwise/index.js';
import type { KmspError } from '../../source/domain/errors.js';
import { assertConnectWiseConformance } from '../helpers/connectwise-spec.js';
import { connect, failure, fixture, ids, PRIVATE_KEY, startSim, TODAY, type Connected } from './connectwise-simulated.js';

let sim: ConnectWiseSimulator;
const opened: Connected[] = [];
const recorded: ConnectWiseSimulator['requests'] = [];

function open(options: Parameters<typeof connect>[1] = {}): Connected {
  const c = connect(sim, options);
  opened.push(c);
  return c;
}

beforeAll(async () => {
  sim = await startSim();
});

beforeEach(() => {
  recorded.push(...sim.requests);
  sim.clearRequests();
  sim.clearInjections();
});

afterAll(async () => {
  for (const c of opened) await c.psa.close();
  await sim.close();
  recorded.push(...sim.requests);
  assertConnectWiseConformance(recorded);
});

/** Everything a user or a log could see of an error. */
const visible = (e: KmspError) => `${e.explain()}\n${e.oneLine()}\n${e.stack ?? ''}`;
const credential = Buffer.from(`kmsptest+pubKey4711:${PRIVATE_KEY}`).toString('base64');
const posting = (after: number, billingItemId: number = ids.kesWorkstation) => ({
  contractId: String(ids.acmeAgreement),
  billingItemId: String(billingItemId),
  before: 36,
  after,
  mode: 'set' as const,
  effectiveDate: TODAY,
});
const additionPosts = () => sim.requests.filter((r) => r.method === 'POST' && /\/additions$/.test(r.path));

describe('credentials and clientId', () => {
  it('a wrong private key is an auth error naming company id, public and private key — and never showing the key', async () => {
    const wrongKey = 'wrong-Priv-Key-0000';
    const { psa } = open({ privateKey: wrongKey });
    const error = await failure(psa.verify());
    expect(error.kind).toBe('auth');
    expect(error.code).toBe(401);
    expect(error.message).toBe('ConnectWise refused to read the system information: the API member\'s keys were rejected');
    expect(error.remedy).toMatch(/company id, the public key and the private key/);
    expect(visible(error)).not.toContain(wrongKey);
    expect(visible(error)).not.toContain(Buffer.from(`kmsptest+pubKey4711:${wrongKey}`).toString('base64'));
  });

  it('a 404 on a list (cloud answers bad keys so) points at the credentials and the site', async () => {
    const { psa } = open();
    sim.inject({ endpoint: 'company/companies', kind: 'error', status: 404, message: 'Not Found', method: 'GET' });
    const error = await failure(psa.listAccounts());
    expect(error.kind).toBe('auth');
    expect(error.remedy).toMatch(/company id, the public key and the private key/);
    expect(error.remedy).toMatch(/site URL/);
  });

  it('an unregistered clientId is a config error about the clientId', async () => {
    const { psa } = open({ connection: { clientId: '11111111-2222-3333-4444-555555555555' } });
    const error = await failure(psa.listAccountTypes());
    expect(error.kind).toBe('config');
    expect(error.message).toBe('ConnectWise refused to list company types: the clientId was refused');
    expect(error.remedy).toMatch(/clientId GUID your organisation registered/);
  });
});

describe('a security role without a permission', () => {
  let limited: ConnectWiseSimulator;
  beforeAll(async () => {
    const f = fixture();
    f.apiMember.permissions = { companies: 'read', agreements: 'none', additions: 'read', catalog: 'read', boards: 'read', tickets: 'write' };
    limited = await startSim(f);
  });
  afterAll(async () => {
    await limited.close();
    assertConnectWiseConformance(limited.requests);
  });

  it('a refused read is a permission error naming what the role lacks', async () => {
    const { psa } = connect(limited);
    try {
      const error = await failure(psa.listContracts());
      expect(error.kind).toBe('permission');
      expect(error.code).toBe(403);
      expect(error.why).toBe('HTTP 403: Forbidden: The API member\'s security role does not allow reading agreements.');
      expect(error.remedy).toMatch(/^The API member's security role lacks Finance › Agreements \(Inquire\)\./);
    } finally {
      await psa.close();
    }
  });

  it('a refused write names the additions permission', async () => {
    const { psa } = connect(limited);
    try {
      const error = await failure(psa.postUsage(posting(40)));
      expect(error.kind).toBe('permission');
      expect(error.outcomeUnknown).toBe(false);
      expect(error.remedy).toMatch(/lacks Finance › Agreements \(Inquire, Add and Edit/);
    } finally {
      await psa.close();
    }
  });

  it('checkPermissions reports each area, refused ones with ConnectWise\'s words, and throws nothing for a 403', async () => {
    const { psa } = connect(limited);
    try {
      const checks = await psa.checkPermissions();
      expect(checks.map((c) => [c.area, c.allowed])).toEqual([
        ['companies', true],
        ['agreements', false],
        ['catalog', true],
        ['boards', true],
        ['tickets', true],
      ]);
      const agreements = checks.find((c) => c.area === 'agreements')!;
      expect(agreements.permission).toBe('Finance › Agreements (Inquire)');
      expect(agreements.detail).toBe('Forbidden: The API member\'s security role does not allow reading agreements.');
    } finally {
      await psa.close();
    }
  });

  it('with bad keys checkPermissions throws the auth error (a permission list would mislead)', async () => {
    const { psa } = connect(limited, { privateKey: 'not-the-key-1234' });
    try {
      expect((await failure(psa.checkPermissions())).kind).toBe('auth');
    } finally {
      await psa.close();
    }
  });
});

describe('rate limits', () => {
  it('429 with Retry-After: waits as told, then succeeds', async () => {
    const { psa, sleeps } = open();
    await psa.listAccountTypes();
    sim.clearRequests();
    sim.inject({ endpoint: 'company/companies', kind: '429', retryAfter: 7, method: 'GET' });
    const accounts = await psa.listAccounts();
    expect(accounts).toHaveLength(4);
    expect(sleeps).toEqual([7000]);
    expect(sim.requests.filter((r) => /company\/companies$/.test(r.path)).map((r) => r.status)).toEqual([429, 200]);
  });

  it('a 429 to a write was not processed: it is sent again, once applied', async () => {
    const { psa, sleeps } = open();
    sim.inject({ endpoint: 'additions', kind: '429', retryAfter: 2, method: 'POST' });
    const before = sim.state.additions.length;
    const { id } = await psa.postUsage({ ...posting(3, ids.kesMobile), before: 0 });
    expect(sleeps).toContain(2000);
    expect(additionPosts().map((r) => r.status)).toEqual([429, 201]);
    expect(sim.state.additions).toHaveLength(before + 1);
    expect(String(sim.state.additions.at(-1)!.id)).toBe(id);
  });

  it('429s beyond the retries: a rate-limit error with ConnectWise\'s own message', async () => {
    const { psa } = open({ http: { retries: 2 } });
    sim.inject({ endpoint: 'procurement/catalog', kind: '429', retryAfter: 1, count: 5 });
    const error = await failure(psa.listBillingItems());
    expect(error.kind).toBe('rate-limit');
    expect(error.message).toBe('ConnectWise kept answering "429 Too Many Requests" to list catalog products');
    expect(error.why).toBe('ConnectWiseAPI: Too many requests. Please try again in 1 seconds.');
  });
});

describe('writes whose outcome is unknown', () => {
  it('an error after the addition was created: outcome unknown, sent once, the addition exists — and the next posting does not add a second', async () => {
    sim.reset();
    const { psa } = open();
    const mobile = () => sim.state.additions.filter((a) => (a.product as { id: number }).id === ids.kesMobile);
    expect(mobile()).toEqual([]);
    sim.inject({ endpoint: 'finance/agreements/*/additions', kind: 'error-after', method: 'POST', status: 502, message: 'Bad gateway' });
    const error = await failure(psa.postUsage({ ...posting(5, ids.kesMobile), before: 0 }));
    expect(error.outcomeUnknown).toBe(true);
    expect(error.message).toBe(`It is unknown whether ConnectWise managed to add product ${ids.kesMobile} with quantity 5 to agreement ${ids.acmeAgreement}`);
    expect(error.why).toMatch(/HTTP 502/);
    expect(error.remedy).toMatch(/may or may not have been made in ConnectWise/);
    expect(error.remedy).toMatch(new RegExp(`agreement ${ids.acmeAgreement}'s additions in ConnectWise for product ${ids.kesMobile} with quantity 5 effective ${TODAY}`));
    expect(additionPosts()).toHaveLength(1);
    expect(mobile()).toHaveLength(1);
    // The posting repeated by a later run finds it and writes nothing.
    sim.clearRequests();
    expect(await psa.postUsage({ ...posting(5, ids.kesMobile), before: 0 })).toEqual({ id: String(mobile()[0]!.id) });
    expect(sim.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('a 500 to a quantity change is outcome unknown too; a 500 to a read is retried', async () => {
    const { psa } = open();
    sim.inject({ endpoint: 'additions', kind: 'error-after', method: 'PATCH', status: 500 });
    const error = await failure(psa.postUsage(posting(44)));
    expect(error.outcomeUnknown).toBe(true);
    expect(error.remedy).toMatch(/addition 88000 of agreement 4100 in ConnectWise: if its quantity is 44/);
    expect(sim.state.additions.find((a) => a.id === 88000)!.quantity).toBe(44);
    sim.inject({ endpoint: 'service/boards', kind: 'error', method: 'GET', status: 503 });
    expect((await psa.ticketPicklists()).boards).toHaveLength(4);
  });

  it('a ticket create that times out is outcome unknown and says to look for its tag', async () => {
    const { psa } = open({ http: { timeoutMs: 100 } });
    await psa.listAccountTypes();
    sim.inject({ endpoint: 'service/tickets', kind: 'hold', method: 'POST' });
    const error = await failure(
      psa.createTicket({ accountId: String(ids.acme), title: 't', description: 'd', status: '20', dueAt: null, fields: { board: '2', priority: '1' }, tag: 'kmsp:held' }),
    );
    expect(error.outcomeUnknown).toBe(true);
    expect(error.kind).toBe('network');
    expect(error.remedy).toMatch(/external reference "kmsp:held"/);
    sim.releaseHeld();
    // The simulator carries it out after the client gave up: "unknown" was the truth.
    await expect.poll(async () => (await psa.findTicketsByTag('kmsp:held')).length).toBe(1);
  });
});

describe('lists longer than a page', () => {
  it('reads 1,000+ companies forward-only by pageId, each once', async () => {
    const { psa } = open();
    for (let i = 0; i < 1105; i++) sim.insertRecord('companies', { name: `Bulk ${String(i).padStart(4, '0')}`, status: { id: 1 }, types: [{ id: 1 }], deletedFlag: i % 100 === 0 });
    try {
      const accounts = await psa.listAccounts();
      expect(accounts).toHaveLength(4 + 1105 - 12);
      expect(new Set(accounts.map((a) => a.id)).size).toBe(accounts.length);
      const pages = sim.requests.filter((r) => /company\/companies$/.test(r.path)).map((r) => new URLSearchParams(r.query));
      expect(pages).toHaveLength(2);
      expect(pages[0]!.get('pageId')).toBeNull();
      expect(pages.map((p) => p.get('pageSize'))).toEqual(['1000', '1000']);
      // The second page starts after the last id of the first.
      const firstPageLast = accounts[999]!.id;
      expect(pages[1]!.get('pageId')).toBe(firstPageLast);
    } finally {
      sim.reset();
    }
  });
});

describe('secrets', () => {
  it('no request the simulator recorded and no error text holds the private key or the Basic credential', async () => {
    const all = [...recorded, ...sim.requests].map((r) => JSON.stringify(r)).join('\n');
    expect(all).not.toContain(PRIVATE_KEY);
    expect(all).not.toContain(credential);
    const { psa } = open({ http: { retries: 0 } });
    sim.inject({ endpoint: '*', kind: 'error', status: 500, message: `echo ${PRIVATE_KEY} ${credential}` });
    const error = await failure(psa.listAccountTypes());
    expect(visible(error)).not.toContain(PRIVATE_KEY);
    expect(visible(error)).not.toContain(credential);
    expect(error.why).toMatch(/echo \*\*\* \*\*\*/);
    sim.inject({ endpoint: '*', kind: 'error', status: 400, message: `bad ${PRIVATE_KEY}` });
    const refused = await failure(psa.listAccountTypes());
    expect(refused.message).toBe('ConnectWise refused to list company types: bad ***');
    expect(visible(refused)).not.toContain(PRIVATE_KEY);
  });
});
