// Per-attempt signing in the HTTP layer, over real loopback HTTP: a request the client repeats
// (after a 503 to a read, a 429 to a write, a timeout) is signed again with a fresh date, and
// every attempt's signature verifies against the date it carries. The clock is injected.
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../source/connectors/http.js';
import { readAuthorization, signRequest, tsiSignature } from '../../source/connectors/tigerpaw/signature.js';
import { startSimServer, type SimHandler, type SimRequest, type SimServer } from '../../source/simulators/server.js';

const KEYS = { publicKey: 'pub-key-1', privateKey: 'private-key-1' };

let server: SimServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Seen {
  date: string;
  verified: boolean;
}

function verify(req: SimRequest): Seen {
  const date = req.headers['x-tsi-date'] ?? '';
  const auth = readAuthorization(req.headers.authorization);
  const verified = auth !== null && auth.publicKey === KEYS.publicKey && auth.signature === tsiSignature(KEYS.privateKey, req.method, req.path, date);
  return { date, verified };
}

async function serve(answers: (n: number) => ReturnType<SimHandler>): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = await startSimServer({
    name: 'signing',
    handle: (req) => {
      seen.push(verify(req));
      return answers(seen.length);
    },
  });
  return { url: server.url, seen };
}

/** A clock a minute further on each time it is read. */
function steppingClock(): () => Date {
  let t = Date.UTC(2026, 0, 5, 9, 0, 0);
  return () => {
    const now = new Date(t);
    t += 60_000;
    return now;
  };
}

function client(baseUrl: string, extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) {
  const now = steppingClock();
  return new HttpClient({
    service: 'Signed service',
    baseUrl,
    sleep: async () => {},
    random: () => 0,
    sign: (method, url) => signRequest(KEYS, method, url, now()),
    ...extra,
  });
}

describe('HttpClient per-attempt signing', () => {
  it('signs a read again after a 503: the retry carries a fresh date and a valid signature', async () => {
    const { url, seen } = await serve((n) => (n === 1 ? { status: 503, body: {} } : { status: 200, body: { ok: true } }));
    const res = await client(url).request({ method: 'GET', url: '/api/accounts/12?activeOnly=false' });
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(2);
    expect(seen[1]!.date).not.toBe(seen[0]!.date);
    expect(seen.every((s) => s.verified)).toBe(true);
  });

  it('signs a write again after a 429 (refused unprocessed, so repeated)', async () => {
    const { url, seen } = await serve((n) => (n === 1 ? { status: 429, headers: { 'Retry-After': '1' }, body: {} } : { status: 200, body: { Success: true } }));
    const res = await client(url).request({ method: 'POST', url: '/api/ServiceOrders', body: { Reference: 'x' } });
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(2);
    expect(seen[1]!.date).not.toBe(seen[0]!.date);
    expect(seen.every((s) => s.verified)).toBe(true);
  });

  it('signs a read again after a timeout', async () => {
    const { url, seen } = await serve((n) => (n === 1 ? { status: 200, body: {}, delayMs: 500 } : { status: 200, body: { ok: true } }));
    const res = await client(url, { timeoutMs: 100 }).request({ method: 'GET', url: '/api/diagnostics/validate/user' });
    expect(res.status).toBe(200);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(new Set(seen.map((s) => s.date)).size).toBe(seen.length);
    expect(seen.every((s) => s.verified)).toBe(true);
  });

  it('the signer overrides a request header of the same name; without a signer nothing is added', async () => {
    const headers: Array<Record<string, string>> = [];
    server = await startSimServer({
      name: 'plain',
      handle: (req) => {
        headers.push(req.headers);
        return { status: 200, body: {} };
      },
    });
    await client(server.url).request({ method: 'GET', url: '/a', headers: { Authorization: 'stale' } });
    await new HttpClient({ service: 'Plain', baseUrl: server.url }).request({ method: 'GET', url: '/b' });
    expect(headers[0]!.authorization).toMatch(/^TSI /);
    expect(headers[1]!['x-tsi-date']).toBeUndefined();
    expect(headers[1]!.authorization).toBeUndefined();
  });

  it('a signer header Node could not send is a configuration error, found before anything is sent', async () => {
    const { url, seen } = await serve(() => ({ status: 200, body: {} }));
    const c = client(url, { sign: () => ({ Authorization: 'TSI a\nb' }) });
    await expect(c.request({ method: 'GET', url: '/x' })).rejects.toMatchObject({ kind: 'config', code: 'ERR_INVALID_CHAR' });
    expect(seen).toHaveLength(0);
  });
});
