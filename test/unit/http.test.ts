// The HTTP layer over real loopback HTTP: retry policy, Retry-After, per-endpoint
// concurrency, timeouts and redaction.
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, parseRetryAfter } from '../../source/connectors/http.js';
import { KmspError } from '../../source/domain/errors.js';
import { startSimServer, type SimHandler, type SimServer } from '../../source/simulators/server.js';

let server: SimServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(handle: SimHandler): Promise<SimServer> {
  server = await startSimServer({ name: 'test', handle });
  return server;
}

function client(baseUrl: string, extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) {
  const waits: number[] = [];
  const c = new HttpClient({
    service: 'Test service',
    baseUrl,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 1,
    ...extra,
  });
  return { c, waits };
}

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter(' 1.5 ')).toBe(1500);
    const now = Date.parse('2026-11-22T10:00:00Z');
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter(undefined)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
  });
});

describe('HttpClient retries', () => {
  it('honours Retry-After on 429, then succeeds', async () => {
    let n = 0;
    const s = await serve(() => (++n < 3 ? { status: 429, headers: { 'Retry-After': '2' }, body: { errors: ['slow down'] } } : { status: 200, body: { ok: true } }));
    const { c, waits } = client(s.url);
    const res = await c.request({ method: 'GET', url: '/x' });
    expect(res.status).toBe(200);
    expect(waits).toEqual([2000, 2000]);
    expect(c.stats.requests).toBe(3);
    expect(c.stats.retries).toBe(2);
  });

  it('retries a 429 even for a non-repeatable POST: the server refused it unprocessed', async () => {
    let n = 0;
    const s = await serve(() => (++n === 1 ? { status: 429, body: {} } : { status: 200, body: { itemId: 1 } }));
    const { c } = client(s.url);
    const res = await c.request({ method: 'POST', url: '/create', body: { a: 1 } });
    expect(res.status).toBe(200);
    expect(n).toBe(2);
  });

  it('does not repeat a non-repeatable POST after a 503 (it may have been processed)', async () => {
    let n = 0;
    const s = await serve(() => {
      n++;
      return { status: 503, body: {} };
    });
    const { c } = client(s.url);
    const res = await c.request({ method: 'POST', url: '/create', body: {} });
    expect(res.status).toBe(503);
    expect(n).toBe(1);
  });

  it('repeats a safe request after a 503 with exponential backoff and gives up after the retry budget', async () => {
    let n = 0;
    const s = await serve(() => {
      n++;
      return { status: 503, body: {} };
    });
    const { c, waits } = client(s.url, { retries: 3, backoffBaseMs: 100, backoffMaxMs: 250 });
    const res = await c.request({ method: 'POST', url: '/query', body: {}, safeToRetry: true });
    expect(res.status).toBe(503);
    expect(n).toBe(4);
    // random() = 1 → the cap itself: 100, 200, then capped at 250.
    expect(waits).toEqual([100, 200, 250]);
  });

  it('returns a 429 whose Retry-After exceeds the patience limit instead of sleeping for an hour', async () => {
    const s = await serve(() => ({ status: 429, headers: { 'Retry-After': '3600' }, body: {} }));
    const { c, waits } = client(s.url, { maxRetryAfterMs: 60_000 });
    const res = await c.request({ method: 'GET', url: '/x' });
    expect(res.status).toBe(429);
    expect(waits).toEqual([]);
  });

  it('retries responses the connector marks as refused (thread limits)', async () => {
    let n = 0;
    const s = await serve(() => (++n === 1 ? { status: 500, body: { errors: ['Itgenatr005 thread threshold exceeded'] } } : { status: 200, body: {} }));
    const { c } = client(s.url, { isRetryable: (r) => r.text.includes('Itgenatr005') });
    const res = await c.request({ method: 'POST', url: '/Tickets', body: {} });
    expect(res.status).toBe(200);
  });

  it('turns a refused connection into a network KmspError with cause and remedy, after retrying', async () => {
    const s = await serve(() => ({ status: 200 }));
    const url = s.url;
    await s.close();
    server = undefined;
    const { c, waits } = client(url, { retries: 2 });
    const error = await c.request({ method: 'POST', url: '/x', body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KmspError);
    const k = error as KmspError;
    expect(k.kind).toBe('network');
    expect(k.message).toMatch(/connection refused/);
    expect(k.remedy).toBeTruthy();
    expect(waits.length).toBe(2);
  });

  it('times out a slow answer and says so', async () => {
    const s = await serve(() => ({ status: 200, body: {}, delayMs: 300 }));
    const { c } = client(s.url, { timeoutMs: 50, retries: 0 });
    const error = (await c.request({ method: 'GET', url: '/slow' }).catch((e: unknown) => e)) as KmspError;
    expect(error).toBeInstanceOf(KmspError);
    expect(error.message).toMatch(/did not answer in time/);
  });
});

describe('HttpClient concurrency and redaction', () => {
  it('never has more than the limit in flight per endpoint, but other endpoints proceed', async () => {
    let inFlight = 0;
    let peak = 0;
    const s = await serve(async (req) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      return { status: 200, body: { path: req.path } };
    });
    const { c } = client(s.url, { maxConcurrentPerEndpoint: 2 });
    await Promise.all(Array.from({ length: 8 }, () => c.request({ method: 'GET', url: '/a' })));
    expect(peak).toBe(2);
    peak = 0;
    await Promise.all([...Array.from({ length: 2 }, () => c.request({ method: 'GET', url: '/a' })), ...Array.from({ length: 2 }, () => c.request({ method: 'GET', url: '/b' }))]);
    expect(peak).toBe(4);
  });

  it('keeps secrets (plain, base64, URL-encoded) out of errors and request records', async () => {
    const secret = 'Sup3r$ecret/Value';
    const s = await serve(() => ({ status: 200, body: 'not json' }));
    const records: string[] = [];
    const { c } = client(s.url, { secrets: [secret], onRecord: (r) => records.push(JSON.stringify(r)) });
    await c.request({ method: 'GET', url: `/x?token=${encodeURIComponent(secret)}` });
    expect(records.join('\n')).not.toContain(encodeURIComponent(secret));
    expect(records.join('\n')).toContain('***');
    expect(c.redactor.text(`pass="${Buffer.from(secret).toString('base64')}" and ${secret}`)).toBe('pass="***" and ***');
    expect(c.redactor.headers({ Secret: 'x', Authorization: 'y', Accept: secret })).toEqual({ Secret: '***', Authorization: '***', Accept: '***' });
  });

  it('refuses a missing CA file with a remedy', () => {
    expect(() => new HttpClient({ service: 'KSC', caFile: '/nonexistent/ca.pem' })).toThrow(/cannot read the CA/);
  });
});
