// The HTTP layer over real loopback HTTP: retry policy, Retry-After, per-endpoint
// concurrency, timeouts and redaction.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, parseJson, parseRetryAfter } from '../../source/connectors/http.js';
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

  it('repeats a read after a 500/502/504 or a 2xx body that is not the JSON asked for; never a write, never a refusal the connector recognises', async () => {
    // A chaos run at a 20% fault rate: one such unrepeated hiccup among a tenant's reads failed its billing.
    const answers = [
      { status: 500, body: { error: 'Internal Server Error' } },
      { status: 502, body: '<html>Bad Gateway</html>' },
      { status: 200, headers: { 'Content-Type': 'application/json' }, body: '<html><body>Proxy error</body></html>' },
      { status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"items":[{"id":1},' },
      { status: 200, body: { items: [] } },
    ];
    let n = 0;
    const s = await serve(() => answers[Math.min(n++, answers.length - 1)]!);
    const { c } = client(s.url, { retries: 4 });
    const read = await c.request({ method: 'GET', url: '/x' });
    expect([read.status, JSON.parse(read.text)]).toEqual([200, { items: [] }]);
    expect(c.stats.retries).toBe(4);

    n = 0;
    const write = await c.request({ method: 'POST', url: '/x', body: {} });
    expect([write.status, write.outcomeUnknown]).toEqual([500, true]);
    n = 2;
    const garbledWrite = await c.request({ method: 'POST', url: '/x', body: {} });
    expect(garbledWrite.text).toContain('Proxy error');

    n = 0;
    const refusing = client(s.url, { isRefusal: (r) => r.status === 500 }).c;
    expect((await refusing.request({ method: 'GET', url: '/x' })).status).toBe(500);
    expect(refusing.stats.retries).toBe(0);
    // The vendor's own error format is its answer: not read past either.
    n = 0;
    const answering = client(s.url, { isAnswer: (r) => r.text.includes('Internal Server Error') }).c;
    expect((await answering.request({ method: 'GET', url: '/x' })).status).toBe(500);
    expect(answering.stats.retries).toBe(0);
    // Text asked for: a body that is not JSON is the answer.
    n = 2;
    const text = await c.request({ method: 'GET', url: '/x', headers: { Accept: 'text/html' } });
    expect(text.text).toContain('Proxy error');
  });

  it('a sign-in safe to repeat is not repeated after an answer (retryAfterAnswer: false): its one-time code may be used up', async () => {
    const answers = [
      { status: 503, body: 'down' },
      { status: 500, body: { error: 'Internal Server Error' } },
      { status: 200, body: { access_token: 'x' } },
    ];
    let n = 0;
    const s = await serve(() => answers[Math.min(n++, answers.length - 1)]!);
    const { c } = client(s.url, { retries: 4 });
    const signIn = await c.request({ method: 'POST', url: '/token', body: {}, safeToRetry: true, retryAfterAnswer: false });
    // The 503 (not processed) was repeated; the 500 (maybe processed) was not.
    expect(signIn.status).toBe(500);
    expect(c.stats.retries).toBe(1);
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
    // Each request is held until `target` are in flight (or 500 ms passed): the peak does not
    // depend on how fast a loaded machine happens to schedule the requests.
    let target = 2;
    let waiting: Array<() => void> = [];
    const s = await serve(async (req) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      if (inFlight >= target) {
        for (const release of waiting) release();
        waiting = [];
      } else {
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          setTimeout(resolve, 500);
        });
      }
      inFlight--;
      return { status: 200, body: { path: req.path } };
    });
    const { c } = client(s.url, { maxConcurrentPerEndpoint: 2 });
    await Promise.all(Array.from({ length: 8 }, () => c.request({ method: 'GET', url: '/a' })));
    expect(peak).toBe(2);
    peak = 0;
    target = 4;
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

describe('writes whose outcome is unknown', () => {
  async function failure(p: Promise<unknown>): Promise<KmspError> {
    const outcome = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(outcome).toBeInstanceOf(KmspError);
    return outcome as KmspError;
  }

  /** A raw server that drops the connection once it has read the request (a reset mid-request). */
  async function resettingServer(): Promise<{ url: string; seen: () => number; close: () => Promise<void> }> {
    let seen = 0;
    const srv = http.createServer((req) => {
      req.resume();
      req.on('end', () => {
        seen++;
        req.socket.destroy();
      });
    });
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    return { url, seen: () => seen, close: () => new Promise<void>((resolve) => srv.close(() => resolve())) };
  }

  it('a POST that timed out may have been carried out: outcomeUnknown, not repeated, remedy says to check', async () => {
    let n = 0;
    const s = await serve(() => {
      n++;
      return { status: 200, body: { itemId: 1 }, delayMs: 300 };
    });
    const { c } = client(s.url, { timeoutMs: 50 });
    const error = await failure(c.request({ method: 'POST', url: '/create', body: {} }));
    expect(error.kind).toBe('network');
    expect(error.outcomeUnknown).toBe(true);
    expect(error.message).toMatch(/did not answer in time/);
    expect(error.message).toMatch(/may or may not have been carried out/);
    expect(error.remedy).toMatch(/may or may not have been made/);
    expect(error.remedy).not.toMatch(/retried/);
    expect(n).toBe(1);
  });

  it('a read that timed out is just late: not outcomeUnknown', async () => {
    const s = await serve(() => ({ status: 200, body: {}, delayMs: 300 }));
    const { c } = client(s.url, { timeoutMs: 50, retries: 0 });
    const error = await failure(c.request({ method: 'GET', url: '/slow' }));
    expect(error.outcomeUnknown).toBe(false);
    expect(error.remedy).not.toMatch(/may or may not/);
  });

  it('a connection reset during a POST leaves it unknown; a safe request is repeated instead', async () => {
    const raw = await resettingServer();
    try {
      const { c } = client(raw.url, { retries: 2 });
      const error = await failure(c.request({ method: 'POST', url: '/create', body: { a: 1 } }));
      expect(error.outcomeUnknown).toBe(true);
      expect(error.message).toMatch(/connection to .* failed during a POST request; it may or may not have been carried out/);
      expect(raw.seen()).toBe(1);
      const safe = await failure(c.request({ method: 'POST', url: '/query', body: {}, safeToRetry: true }));
      expect(safe.outcomeUnknown).toBe(false);
      expect(raw.seen()).toBe(4);
    } finally {
      await raw.close();
    }
  });

  it('a refused connection never reached the server: not unknown', async () => {
    const s = await serve(() => ({ status: 200 }));
    const url = s.url;
    await s.close();
    server = undefined;
    const { c } = client(url, { retries: 0 });
    const error = await failure(c.request({ method: 'POST', url: '/x', body: {} }));
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.outcomeUnknown).toBe(false);
  });

  it('marks a 5xx answer to a write as outcomeUnknown unless the connector recognises the refusal', async () => {
    const answers: Record<string, { status: number; body?: unknown }> = {
      '/503': { status: 503, body: { errors: ['Service Unavailable'] } },
      '/502': { status: 502, body: '<html><body>Bad gateway</body></html>' },
      '/refused': { status: 500, body: { errors: ['The value is not valid'] } },
      '/400': { status: 400, body: { errors: ['bad'] } },
      '/429': { status: 429, body: {} },
    };
    const s = await serve((req) => answers[req.path] ?? { status: 404 });
    const { c } = client(s.url, { retries: 1, isRefusal: (r) => r.text.includes('not valid') });
    const post = (path: string) => c.request({ method: 'POST', url: path, body: {} });
    expect((await post('/503')).outcomeUnknown).toBe(true);
    expect((await post('/502')).outcomeUnknown).toBe(true);
    expect((await post('/refused')).outcomeUnknown).toBeUndefined();
    expect((await post('/400')).outcomeUnknown).toBeUndefined();
    // Refused unprocessed (429), even after the retries ran out.
    expect((await post('/429')).outcomeUnknown).toBeUndefined();
    // Reads are never "unknown": repeating them changes nothing.
    expect((await c.request({ method: 'GET', url: '/503' })).outcomeUnknown).toBeUndefined();
    expect((await c.request({ method: 'POST', url: '/503', body: {}, safeToRetry: true })).outcomeUnknown).toBeUndefined();
  });
});

describe('header values HTTP cannot carry', () => {
  it('a secret with "€" is a configuration problem, found before anything is sent', async () => {
    let n = 0;
    const s = await serve(() => {
      n++;
      return { status: 200, body: {} };
    });
    const secret = 'pa€ssword';
    const { c } = client(s.url, { secrets: [secret] });
    const error = (await c.request({ method: 'GET', url: '/x', headers: { Secret: secret } }).catch((e: unknown) => e)) as KmspError;
    expect(error).toBeInstanceOf(KmspError);
    expect(error.kind).toBe('config');
    expect(error.message).toBe('Test service: the secret (password) contains characters that cannot be sent in an HTTP header');
    expect(error.message).not.toMatch(/could not reach/);
    expect(error.remedy).toMatch(/Re-enter the secret/);
    expect(error.outcomeUnknown).toBe(false);
    expect(error.explain()).not.toContain(secret);
    expect(n).toBe(0);
    expect(c.stats.requests).toBe(0);
  });

  it('names the user name and a pasted line break too', async () => {
    const s = await serve(() => ({ status: 200, body: {} }));
    const { c } = client(s.url);
    const error = (await c.request({ method: 'POST', url: '/x', body: {}, headers: { UserName: 'api@msp.example\n' } }).catch((e: unknown) => e)) as KmspError;
    expect(error.kind).toBe('config');
    expect(error.message).toMatch(/the user name contains characters that cannot be sent/);
    // Latin-1 characters such as "é" can be sent.
    expect((await c.request({ method: 'GET', url: '/x', headers: { Secret: 'café' } })).status).toBe(200);
  });

  it('maps Node\'s ERR_INVALID_CHAR to the same explanation', () => {
    const { c } = client('http://127.0.0.1:9');
    const nodeError = Object.assign(new TypeError('Invalid character in header content ["Secret"]'), { code: 'ERR_INVALID_CHAR' });
    const error = c.transportError(nodeError, new URL('http://127.0.0.1:9/x'), { method: 'POST', safe: false });
    expect(error.kind).toBe('config');
    expect(error.message).toMatch(/cannot be sent in an HTTP header/);
    expect(error.outcomeUnknown).toBe(false);
  });
});

describe('HttpClient and redirects', () => {
  it('never follows one (the body would go where it points): the answer is a config error naming the address to set', async () => {
    let elsewhere = 0;
    const other = await startSimServer({ name: 'elsewhere', handle: () => (elsewhere++, { status: 200, body: { ok: true } }) });
    try {
      const s = await serve(() => ({ status: 307, headers: { Location: `${other.url}/api/token` }, body: '' }));
      const { c } = client(s.url);
      const error = await c.request({ method: 'POST', url: `${s.url}/api/token`, body: { password: 'Not-for-elsewhere-1' } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KmspError);
      expect((error as KmspError).message).toBe(`Test service at ${new URL(s.url).protocol}//${new URL(s.url).host} answered with a redirect (307) to ${other.url}/api/token`);
      expect((error as KmspError).kind).toBe('config');
      expect((error as KmspError).remedy).toMatch(/set the URL to it/);
      expect(elsewhere).toBe(0);
    } finally {
      await other.close();
    }
  });
});

describe('parseJson', () => {
  const answer = (text: string) => ({ status: 200, headers: {}, text, url: 'https://x/' });
  it('says an answer cut short as one, and a page in the API\'s place as that', () => {
    const cut = (() => {
      try {
        parseJson(answer('{"items":[{"id":1,"na'), 'Test service');
      } catch (error) {
        return error as KmspError;
      }
    })();
    expect(cut).toMatchObject({ kind: 'protocol', message: 'Test service answered with incomplete JSON (HTTP 200)' });
    expect(cut?.remedy).toMatch(/cut the answer short/);
    expect(() => parseJson(answer('<html>Proxy error</html>'), 'Test service')).toThrow('Test service answered with something that is not JSON (HTTP 200)');
    expect(parseJson(answer('{"ok":true}'), 'Test service')).toEqual({ ok: true });
  });
});
