// Shared plumbing for the vendor simulators: a loopback HTTP or HTTPS server,
// JSON bodies, a request log (memory and optional JSONL file, secrets removed)
// and a control API under /_sim/ that tests use to change state.
//
// Each simulator supplies a `handle` function that speaks its vendor's protocol;
// this module knows nothing about any vendor.
import { appendFileSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redactor, SECRET_HEADERS } from '../connectors/redact.js';

export interface SimRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  /** Parsed JSON body, or undefined when empty; `rawBody` keeps the text. */
  body: unknown;
  rawBody: string;
  /** Identifies the TCP connection (KSC's connection-bound login needs it). */
  connectionId: number;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless it is a string. */
  body?: unknown;
  /** Delay before answering, for latency and timeout scenarios. */
  delayMs?: number;
}

export interface RecordedRequest {
  at: string;
  method: string;
  path: string;
  query: string;
  body: unknown;
  status: number;
}

export type SimHandler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

export interface SimServerOptions {
  name: string;
  handle: SimHandler;
  /** Handles POST/GET /_sim/<command>; tests and `kmsp demo` drive state through it. */
  control?: SimHandler;
  tls?: { key: string | Buffer; cert: string | Buffer };
  host?: string;
  port?: number;
  /** Append every recorded request as one JSON line. */
  recordFile?: string;
  /** Values that must never appear in the request log (passwords, secrets). */
  secrets?: string[];
  /**
   * Removes what a body carries that no list of values can name (a one-time code, a token the
   * simulator issued, a wrong password) before the request is logged.
   */
  scrub?: (body: unknown) => unknown;
}

export interface SimServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  clearRequests(): void;
  close(): Promise<void>;
}

const fixturesDir = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** The TEST-ONLY certificate and key shipped in fixtures/tls (see its README). */
export function testTls(): { key: Buffer; cert: Buffer; ca: string } {
  return {
    key: readFileSync(`${fixturesDir}tls/simulator.key`),
    cert: readFileSync(`${fixturesDir}tls/simulator.pem`),
    ca: `${fixturesDir}tls/test-ca.pem`,
  };
}

export function fixturesPath(...parts: string[]): string {
  return [fixturesDir.replace(/\/$/, ''), ...parts].join('/');
}

function json(res: http.ServerResponse, out: SimResponse): void {
  const body = out.body === undefined ? '' : typeof out.body === 'string' ? out.body : JSON.stringify(out.body);
  const headers: Record<string, string> = { ...(out.headers ?? {}) };
  if (out.body !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = typeof out.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
  }
  res.writeHead(out.status, headers);
  res.end(body);
}

export async function startSimServer(options: SimServerOptions): Promise<SimServer> {
  const redactor = new Redactor(options.secrets ?? []);
  const requests: RecordedRequest[] = [];
  let nextConnection = 1;
  const connectionIds = new WeakMap<object, number>();

  const listener = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://sim');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k.toLowerCase()] = v;
    let body: unknown;
    let invalidJson = false;
    if (rawBody.trim()) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        invalidJson = true;
        body = rawBody;
      }
    }
    let connectionId = connectionIds.get(req.socket);
    if (connectionId === undefined) {
      connectionId = nextConnection++;
      connectionIds.set(req.socket, connectionId);
    }
    const simReq: SimRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, body, rawBody, connectionId };
    const isControl = url.pathname.startsWith('/_sim/');
    let out: SimResponse;
    try {
      if (isControl) {
        out = options.control ? await options.control(simReq) : { status: 404, body: { error: 'no control API' } };
      } else if (invalidJson) {
        out = { status: 400, body: { error: 'request body is not valid JSON' } };
      } else {
        out = await options.handle(simReq);
      }
    } catch (error) {
      out = { status: 500, body: { error: `simulator failure: ${(error as Error).message}` } };
    }
    if (!isControl) {
      const record: RecordedRequest = {
        at: new Date().toISOString(),
        method: simReq.method,
        path: url.pathname,
        query: redactor.text(url.search),
        body: body === undefined ? null : JSON.parse(redactor.text(JSON.stringify(options.scrub ? options.scrub(body) : body))),
        status: out.status,
      };
      requests.push(record);
      if (options.recordFile) appendFileSync(options.recordFile, JSON.stringify(record) + '\n');
    }
    if (out.delayMs) await new Promise((r) => setTimeout(r, out.delayMs));
    if (!res.destroyed) json(res, out);
  };

  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, (q, s) => void listener(q, s))
    : http.createServer((q, s) => void listener(q, s));
  // Keep-alive sockets must not hold close() forever.
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // A client that refuses our test certificate makes the TLS handshake fail; that is expected.
  server.on('tlsClientError', () => undefined);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = options.tls ? 'localhost' : '127.0.0.1';
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${address.port}`,
    port: address.port,
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Headers with secret values masked, for simulator diagnostics. */
export function safeHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = SECRET_HEADERS.has(k) ? '***' : v;
  return out;
}
