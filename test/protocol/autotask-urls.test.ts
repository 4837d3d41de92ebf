// Zone and API URLs over real loopback HTTP: plain http only on loopback (the secret
// travels in a header), a zone URL copied with its /v1.0/ suffix, a wrong URL reported
// as a URL problem (not as a deleted record), and credentials HTTP headers cannot carry.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AutotaskConnection } from '../../source/domain/config.js';
import { AUTOTASK_DEFAULTS } from '../../source/domain/defaults.js';
import { KmspError } from '../../source/domain/errors.js';
import { createAutotaskPsa, type AutotaskPsa } from '../../source/connectors/autotask/index.js';
import { checkUrl } from '../../source/connectors/autotask/zone.js';
import { startAutotaskSimulator, type AutotaskSimulator } from '../../source/simulators/autotask/index.js';
import { fixturesPath, startSimServer } from '../../source/simulators/server.js';
import { assertAutotaskConformance } from '../helpers/swagger.js';

let sim: AutotaskSimulator;
const opened: AutotaskPsa[] = [];

function connect(connection: Partial<AutotaskConnection>, secret?: string): AutotaskPsa {
  const psa = createAutotaskPsa({
    connection: { ...AUTOTASK_DEFAULTS, zoneDiscoveryUrl: sim.zoneDiscoveryUrl, username: sim.fixture.apiUser.username, ...connection },
    secret: secret ?? sim.fixture.apiUser.secret,
    integrationCode: sim.fixture.apiUser.integrationCode,
    httpOptions: { retries: 0, sleep: async () => undefined },
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

beforeAll(async () => {
  sim = await startAutotaskSimulator({ fixture: fixturesPath('demo', 'autotask.json') });
});

let mark = 0;
beforeEach(() => {
  mark = sim.requests.length;
});
/** Requests of the current test. */
const requests = () => sim.requests.slice(mark);

afterAll(async () => {
  for (const p of opened) await p.close();
  await sim.close();
  // The deliberately wrong URLs below are not API routes: exempt from the swagger check.
  assertAutotaskConformance(sim.requests, { exempt: (r) => /\/(NotTheApi|somewhere-else)\//.test(r.path) });
});

describe('plain http', () => {
  it('refuses a non-loopback http zone URL or zone discovery URL before sending anything', async () => {
    const api = await failure(connect({ apiUrl: 'http://webservices3.autotask.net/atservicesrest/' }).verify());
    expect(api.kind).toBe('config');
    expect(api.message).toBe('The Autotask zone URL uses plain http: http://webservices3.autotask.net');
    expect(api.why).toMatch(/clear text/);
    expect(api.remedy).toMatch(/https:\/\//);
    const discovery = await failure(connect({ zoneDiscoveryUrl: 'http://webservices.autotask.net/atservicesrest/' }).verify());
    expect(discovery.kind).toBe('config');
    expect(discovery.message).toMatch(/zone discovery URL uses plain http/);
    expect(requests()).toHaveLength(0);
  });

  it('refuses an http zone URL that discovery hands back for another host', async () => {
    const discovery = await startSimServer({
      name: 'fake-zone-discovery',
      handle: () => ({ status: 200, body: { zoneName: 'Spoofed', url: 'http://webservices9.autotask.net/atservicesrest/', webUrl: 'http://ww9.autotask.net/', ci: 9 } }),
    });
    try {
      const error = await failure(connect({ zoneDiscoveryUrl: `${discovery.url}/atservicesrest/` }).verify());
      expect(error.kind).toBe('protocol');
      expect(error.message).toMatch(/zone URL from discovery uses plain http/);
      expect(discovery.requests).toHaveLength(1);
    } finally {
      await discovery.close();
    }
  });

  it('accepts http on loopback (the simulator) and https anywhere', async () => {
    expect((await connect({}).verify()).kind).toBe('autotask');
    expect(checkUrl('https://webservices3.autotask.net/ATServicesRest', 'zone URL', 'config')).toBe('https://webservices3.autotask.net/ATServicesRest/');
    expect(checkUrl('http://127.0.0.1:8080/atservicesrest/', 'zone URL', 'config')).toBe('http://127.0.0.1:8080/atservicesrest/');
    expect(checkUrl('http://[::1]:8080/atservicesrest/', 'zone URL', 'config')).toBe('http://[::1]:8080/atservicesrest/');
    expect(checkUrl('http://localhost:8080/atservicesrest/', 'zone URL', 'config')).toBe('http://localhost:8080/atservicesrest/');
    expect(() => checkUrl('http://10.0.0.5/atservicesrest/', 'zone URL', 'config')).toThrow(/plain http/);
  });
});

describe('a zone URL with its API version', () => {
  it.each(['V1.0/', 'v1.0/', 'v1.0', 'V1.0'])('works with …/ATServicesRest/%s', async (suffix) => {
    const psa = connect({ apiUrl: `${sim.apiUrl}${suffix}` });
    expect(await psa.listAccountTypes()).toContain('Customer');
    expect(requests().length).toBeGreaterThan(0);
    for (const r of requests()) expect(r.path).not.toMatch(/v1\.0\/v1\.0/i);
    expect(checkUrl(`https://webservices3.autotask.net/ATServicesRest/${suffix}`, 'zone URL', 'config')).toBe('https://webservices3.autotask.net/ATServicesRest/');
  });
});

describe('a wrong zone URL', () => {
  it('a route-level 404 points at the zone URL, not at a deleted record', async () => {
    const psa = connect({ apiUrl: `${sim.url}/zone3/NotTheApi/` });
    const error = await failure(psa.listAccounts());
    expect(error.kind).toBe('config');
    expect(error.message).toMatch(/^Autotask has no API at the address kmsp used to .+ \(HTTP 404\)$/);
    expect(error.remedy).toMatch(/zone URL in the Autotask connection settings/);
    expect(error.remedy).not.toMatch(/deleted/);
  });

  it('reading a ticket through a wrong URL is an error, never "no such ticket"', async () => {
    // A server whose threshold answers, but which knows no Tickets route (framework 404),
    // or answers a record-level 404 (empty, or {"errors":[…]}) for particular ids.
    const fake = await startSimServer({
      name: 'fake-autotask',
      handle: (req) => {
        if (/\/ThresholdInformation$/i.test(req.path)) return { status: 200, body: { externalRequestThreshold: 10_000, requestThresholdTimeframe: 60, currentTimeframeRequestCount: 1 } };
        if (req.path.endsWith('/Tickets/1')) return { status: 404 };
        if (req.path.endsWith('/Tickets/2')) return { status: 404, body: { errors: ['No matching records found.'] } };
        if (req.path.endsWith('/Tickets/3')) return { status: 404, body: '<html><body>404 - File or directory not found.</body></html>' };
        return { status: 404, body: { Message: `No HTTP resource was found that matches the request URI '${req.path}'.` } };
      },
    });
    try {
      const psa = connect({ apiUrl: `${fake.url}/atservicesrest/` });
      const error = await failure(psa.getTicket('7101'));
      expect(error.kind).toBe('config');
      expect(error.message).toBe('Autotask has no API at the address kmsp used to read ticket 7101 (HTTP 404)');
      expect(error.remedy).toMatch(/zone URL/);
      expect(await psa.getTicket('1')).toBeNull();
      expect(await psa.getTicket('2')).toBeNull();
      expect((await failure(psa.getTicket('3'))).kind).toBe('config');
    } finally {
      await fake.close();
    }
    // Through the simulator an unknown id is null ({"item":null}).
    expect(await connect({ apiUrl: sim.apiUrl }).getTicket('999999999')).toBeNull();
  });

  it('a wrong zone discovery URL points at that setting', async () => {
    const error = await failure(connect({ zoneDiscoveryUrl: `${sim.url}/somewhere-else/` }).verify());
    expect(error.kind).toBe('config');
    expect(error.remedy).toMatch(/zone discovery URL/);
  });
});

describe('credentials HTTP headers cannot carry', () => {
  it('a secret with "€" is a configuration problem naming the secret, and nothing is sent', async () => {
    const secret = 'Summer€2025!';
    const error = await failure(connect({ apiUrl: sim.apiUrl }, secret).verify());
    expect(error.kind).toBe('config');
    expect(error.message).toBe('Autotask: the secret (password) contains characters that cannot be sent in an HTTP header');
    expect(error.explain()).not.toMatch(/could not reach/);
    expect(error.explain()).not.toContain(secret);
    expect(requests()).toHaveLength(0);
  });
});
