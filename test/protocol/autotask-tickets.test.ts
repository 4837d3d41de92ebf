// Ticket creation and its idempotency tag (externalID) over real loopback HTTP: a create is
// one request (the id alone; no read-back), tags of many tickets are found with one query, a tag
// Autotask altered is not found by it, and tags longer than the externalID field (from the field metadata, else
// 50 characters — assumptions.ts) are refused before anything is sent.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AUTOTASK_DEFAULTS } from '../../source/domain/defaults.js';
import { KmspError } from '../../source/domain/errors.js';
import type { NewTicket } from '../../source/domain/types.js';
import { IN_LIST_MAX } from '../../source/connectors/autotask/assumptions.js';
import { createAutotaskPsa, TICKET_TAG_MAX_FALLBACK, type AutotaskPsa } from '../../source/connectors/autotask/index.js';
import { psaProfile } from '../../source/domain/profiles/index.js';
import { fitTag } from '../../source/domain/ticketKeys.js';
import { loadFixture } from '../../source/simulators/autotask/fixture.js';
import { startAutotaskSimulator, type AutotaskFixture, type AutotaskSimulator } from '../../source/simulators/autotask/index.js';
import { fixturesPath } from '../../source/simulators/server.js';
import { assertAutotaskConformance } from '../helpers/swagger.js';

const running: Array<{ sim: AutotaskSimulator; psa: AutotaskPsa[] }> = [];

async function start(change: (f: AutotaskFixture) => void = () => undefined): Promise<AutotaskSimulator> {
  const fixture = loadFixture(fixturesPath('demo', 'autotask.json'));
  change(fixture);
  const sim = await startAutotaskSimulator({ fixture });
  running.push({ sim, psa: [] });
  return sim;
}

function connect(sim: AutotaskSimulator): AutotaskPsa {
  const psa = createAutotaskPsa({
    connection: { ...AUTOTASK_DEFAULTS, zoneDiscoveryUrl: sim.zoneDiscoveryUrl, username: sim.fixture.apiUser.username },
    secret: sim.fixture.apiUser.secret,
    integrationCode: sim.fixture.apiUser.integrationCode,
    httpOptions: { backoffBaseMs: 1, backoffMaxMs: 4, sleep: async () => undefined },
  });
  running.find((r) => r.sim === sim)!.psa.push(psa);
  return psa;
}

afterEach(async () => {
  for (const { sim, psa } of running.splice(0)) {
    for (const p of psa) await p.close();
    await sim.close();
    assertAutotaskConformance(sim.requests);
  }
});

afterAll(() => expect(running).toEqual([]));

async function failure(p: Promise<unknown>): Promise<KmspError> {
  const outcome = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(outcome).toBeInstanceOf(KmspError);
  return outcome as KmspError;
}

function newTicket(sim: AutotaskSimulator, tag: string): NewTicket {
  return {
    accountId: String(sim.state.companies.find((c) => c.companyName === 'Carter Logistics Inc.')!.id),
    title: 'Critical: Virus found on WS-042',
    description: 'Kaspersky Security Center reported a virus on WS-042.',
    status: '1',
    dueAt: new Date(Date.now() + 3600_000),
    fields: { priority: '4', queue: '29683360', source: null, workType: null, issueType: null, subIssueType: null },
    tag,
  };
}

const ticketPosts = (sim: AutotaskSimulator) => sim.requests.filter((r) => r.method === 'POST' && /\/Tickets$/i.test(r.path));

describe('the create answers with the id alone', () => {
  it('one request: the ticket is built from the create and what was sent; a later read fills in the number', async () => {
    const sim = await start();
    const psa = connect(sim);
    await psa.ticketPicklists(); // the Tickets field list is cached
    sim.clearRequests();
    const tag = 'kmsp:tickets:readback';
    const ticket = await psa.createTicket(newTicket(sim, tag));
    const stored = sim.state.tickets.find((t) => t.externalID === tag)!;
    expect(stored).toBeDefined();
    expect(ticket).toEqual({
      id: String(stored.id),
      number: '',
      accountId: String(stored.companyID),
      title: 'Critical: Virus found on WS-042',
      status: '1',
      tag,
      createdAt: null,
      completedAt: null,
      scope: null,
    });
    // No read-back per ticket: the ticket job reads a pass's new tickets back by their tags, many per query.
    expect(sim.requests.filter((r) => !/ThresholdInformation/i.test(r.path)).map((r) => r.method)).toEqual(['POST']);
    expect((await psa.findTicketsByTags([tag, 'kmsp:tickets:none'])).map((t) => [t.id, t.number])).toEqual([[String(stored.id), stored.ticketNumber]]);
  });
});

describe('tags of many tickets in one query', () => {
  it('findTicketsByTags asks with an `in` filter on externalID, IN_LIST_MAX tags per query, and keeps exact matches only', async () => {
    const sim = await start();
    const psa = connect(sim);
    const tags = Array.from({ length: 5 }, (_, i) => `kmsp:many:${i}`);
    const created = [];
    for (const tag of tags.slice(0, 3)) created.push(await psa.createTicket(newTicket(sim, tag)));
    // Autotask compares strings without case: a tag differing only in case is not kmsp's.
    await psa.createTicket(newTicket(sim, 'KMSP:MANY:0'));
    sim.clearRequests();
    const found = await psa.findTicketsByTags(tags);
    expect(found.map((t) => t.tag).sort()).toEqual(tags.slice(0, 3));
    expect(found.map((t) => t.id).sort()).toEqual(created.map((t) => t.id).sort());
    const queries = sim.requests.filter((r) => /\/Tickets\/query$/i.test(r.path));
    expect(queries).toHaveLength(1);
    expect((queries[0]!.body as { filter: unknown }).filter).toEqual([{ op: 'in', field: 'externalID', value: tags }]);
    // More tags than one list holds: one query per IN_LIST_MAX.
    sim.clearRequests();
    await psa.findTicketsByTags(Array.from({ length: IN_LIST_MAX + 1 }, (_, i) => `kmsp:lots:${i}`));
    expect(sim.requests.filter((r) => /\/Tickets\/query$/i.test(r.path))).toHaveLength(2);
  });
});

describe('tag length', () => {
  it('the simulator enforces externalID\'s length from its field metadata', async () => {
    const sim = await start();
    const fields = (await (
      await fetch(`${sim.apiUrl}V1.0/Tickets/entityInformation/fields`, {
        headers: { ApiIntegrationCode: sim.fixture.apiUser.integrationCode, UserName: sim.fixture.apiUser.username, Secret: sim.fixture.apiUser.secret },
      })
    ).json()) as { fields: Array<{ name: string; length: number }> };
    expect(fields.fields.find((f) => f.name === 'externalID')!.length).toBe(50);
    const post = await fetch(`${sim.apiUrl}V1.0/Tickets`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ApiIntegrationCode: sim.fixture.apiUser.integrationCode, UserName: sim.fixture.apiUser.username, Secret: sim.fixture.apiUser.secret },
      body: JSON.stringify({ companyID: sim.state.companies[0]!.id, title: 't', status: 1, priority: 4, externalID: 'x'.repeat(51) }),
    });
    expect(post.status).toBe(500);
    expect(await post.json()).toEqual({ errors: ['The value for field externalID exceeds the maximum length of 50 characters'] });
  });

  it('refuses a tag longer than the field before sending anything; a tag of exactly the length works', async () => {
    const sim = await start();
    const psa = connect(sim);
    const error = await failure(psa.createTicket(newTicket(sim, `kmsp:${'x'.repeat(46)}`)));
    expect(error.kind).toBe('internal');
    expect(error.why).toBe('the tag has 51 characters; externalID holds at most 50');
    expect(error.remedy).toMatch(/No ticket was created/);
    expect(ticketPosts(sim)).toHaveLength(0);
    const exact = `kmsp:${'y'.repeat(45)}`;
    expect((await psa.createTicket(newTicket(sim, exact))).tag).toBe(exact);
  });

  it('reads the length from Tickets/entityInformation/fields', async () => {
    const sim = await start((f) => {
      f.fieldLengths = { Tickets: { externalID: 30 } };
    });
    const psa = connect(sim);
    const error = await failure(psa.createTicket(newTicket(sim, `kmsp:${'z'.repeat(26)}`)));
    expect(error.why).toBe('the tag has 31 characters; externalID holds at most 30');
    expect(ticketPosts(sim)).toHaveLength(0);
    const fitted = fitTag(`kmsp:main:vs-carter:status:dev-1:${'long-detail-'.repeat(5)}`, 30);
    expect(fitted).toHaveLength(30);
    const created = await psa.createTicket(newTicket(sim, fitted));
    expect(created.tag).toBe(fitted);
    expect((await psa.findTicketsByTag(fitted)).map((t) => t.id)).toEqual([created.id]);
  });

  it('a tag Autotask altered (cut) is not found by its tag: the ticket job reads its new tickets back by tag and says so', async () => {
    // A tenant that cuts over-long strings silently, and whose field list could not be read (so 50 is assumed).
    const sim = await start((f) => {
      f.fieldLengths = { Tickets: { externalID: 30 } };
      f.overlongStrings = 'truncate';
    });
    const psa = connect(sim);
    sim.inject({ endpoint: 'Tickets', kind: 'error', method: 'GET', message: 'An unexpected error occurred on the server.' });
    const tag = `kmsp:cut:${'c'.repeat(31)}`; // 40 characters
    const ticket = await psa.createTicket(newTicket(sim, tag));
    const stored = sim.state.tickets.find((t) => String(t.externalID) === tag.slice(0, 30))!;
    expect(stored).toBeDefined();
    expect(ticket.id).toBe(String(stored.id));
    expect(await psa.findTicketsByTags([tag])).toEqual([]);
    expect((await psa.getTicket(ticket.id))!.tag).toBe(tag.slice(0, 30));
  });
});

describe('fitTag (domain/ticketKeys.ts) with the Autotask profile\'s tag length', () => {
  const TAG_MAX = psaProfile('autotask').limits.tagMax;
  it('keeps short keys, and hashes long ones deterministically within the limit', () => {
    expect(fitTag('kmsp:short', TAG_MAX)).toBe('kmsp:short');
    // The profile's length is the connector's fallback for externalID (assumptions.ts): one number.
    expect(TICKET_TAG_MAX_FALLBACK).toBe(50);
    expect(TAG_MAX).toBe(TICKET_TAG_MAX_FALLBACK);
    const key = `kmsp:main:vs-carter:event:${'9'.repeat(60)}`;
    const a = fitTag(key, TAG_MAX);
    expect(a).toHaveLength(50);
    expect(a).toBe(fitTag(key, TAG_MAX));
    expect(a.startsWith('kmsp:main:vs-carter:event')).toBe(true);
    expect(a).toMatch(/~[0-9a-f]{24}$/);
    expect(fitTag(`${key}0`, TAG_MAX)).not.toBe(a);
    expect(fitTag(key, 20)).toHaveLength(20);
    expect(fitTag(key, 24)).toMatch(/^[0-9a-f]{24}$/);
    // Never half a surrogate pair.
    const emoji = fitTag(`${'a'.repeat(24)}😀${'b'.repeat(40)}`, 50);
    expect(emoji.length).toBeLessThanOrEqual(50);
    expect(emoji).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(() => fitTag(key, 4)).toThrow(KmspError);
  });
});
