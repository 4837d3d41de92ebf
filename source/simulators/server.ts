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
import { FaultPlanError, faultPlanFromBody, FaultPlanner, truncated, type FaultPlan, type VendorFaults } from './faults.js';

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
  /** 0: the connection was dropped unanswered (a fault). */
  status: number;
  /** The fault injected into this request (faults.ts), if any. */
  fault?: string;
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
  /** Seeded random faults from the start (faults.ts); also set at run time through POST /_sim/faults. */
  faults?: FaultPlan;
  /** The simulator's own fault kinds (an expired session, a record lock), beside the shared ones. */
  vendorFaults?: VendorFaults;
}

export interface SimServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  clearRequests(): void;
  /** The seeded fault plan: set, clear and count (also GET/POST/DELETE /_sim/faults). */
  faults: FaultPlanner;
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
  const faults = new FaultPlanner(options.vendorFaults);
  if (options.faults) faults.set(options.faults);
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
    // A fault of the plan, if this request drew one: some answer instead of processing, some
    // after it (the write applied), some drop the connection.
    const decision = isControl ? { kind: null } : faults.decide(simReq);
    let fault: string | null = null;
    let after: string | null = null;
    let out: SimResponse;
    try {
      if (isControl) {
        out = url.pathname === '/_sim/faults' ? faultControl(faults, simReq) : options.control ? await options.control(simReq) : { status: 404, body: { error: 'no control API' } };
      } else if (invalidJson) {
        out = { status: 400, body: { error: 'request body is not valid JSON' } };
      } else {
        let answer: SimResponse | null = null;
        if (decision.kind !== null) {
          const early = 'vendor' in decision && decision.vendor ? await decision.vendor(simReq) : sharedBefore(decision.kind, faults.current()!);
          if (early === 'not-applicable') faults.notApplied();
          else {
            fault = decision.kind;
            faults.applied(decision.kind);
            if (early === 'reset') {
              req.socket.destroy();
              answer = { status: 0 };
            } else if (early === 'timeout') {
              await new Promise((r) => setTimeout(r, faults.current()?.timeoutMs ?? 35_000));
            } else if (early !== 'process' && early !== 'after') {
              answer = early;
            }
            if (early === 'after') after = decision.kind;
          }
        }
        out = answer ?? (await options.handle(simReq));
      }
    } catch (error) {
      out = { status: 500, body: { error: `simulator failure: ${(error as Error).message}` } };
    }
    if (after) out = sharedAfter(after, out, faults.current());
    if (!isControl) {
      const record: RecordedRequest = {
        at: new Date().toISOString(),
        method: simReq.method,
        path: url.pathname,
        query: redactor.text(url.search),
        body: body === undefined ? null : JSON.parse(redactor.text(JSON.stringify(options.scrub ? options.scrub(body) : body))),
        status: after === 'reset-after' || fault === 'reset-before' ? 0 : out.status,
        ...(fault ? { fault } : {}),
      };
      requests.push(record);
      if (options.recordFile) appendFileSync(options.recordFile, JSON.stringify(record) + '\n');
    }
    if (after === 'reset-after' || out.status === 0) {
      req.socket.destroy();
      return;
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
    faults,
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

/** What a shared fault does before processing: an answer, a dropped connection, a long wait, or nothing yet ('after'). */
function sharedBefore(kind: string, plan: FaultPlan): SimResponse | 'reset' | 'timeout' | 'after' {
  switch (kind) {
    case '5xx':
      return { status: 503, headers: { 'Content-Type': 'text/html' }, body: '<html><body><h1>503 Service Unavailable</h1></body></html>' };
    case '429':
      return { status: 429, headers: { 'Retry-After': String(plan.retryAfterSeconds ?? 1) }, body: { error: 'Too Many Requests' } };
    case 'reset-before':
      return 'reset';
    case 'timeout':
      return 'timeout';
    default:
      return 'after';
  }
}

/** What a shared fault does to the answer of a processed request. */
function sharedAfter(kind: string, out: SimResponse, plan: FaultPlan | null): SimResponse {
  switch (kind) {
    case 'malformed-json':
      return { status: 200, headers: { 'Content-Type': 'application/json' }, body: '<html><body>Proxy error</body></html>' };
    case 'truncated-json': {
      const text = out.body === undefined ? '' : typeof out.body === 'string' ? out.body : JSON.stringify(out.body);
      return { ...out, headers: { ...(out.headers ?? {}), 'Content-Type': 'application/json; charset=utf-8' }, body: truncated(text || '{}') };
    }
    case 'slow':
      return { ...out, delayMs: (out.delayMs ?? 0) + (plan?.slowMs ?? 1500) };
    case 'error-after':
      return { status: 500, body: { error: 'Internal Server Error' } };
    default:
      return out;
  }
}

/** GET /_sim/faults: the plan, the kinds and the counts; POST: set a plan (its counts start at zero); DELETE: no faults. */
function faultControl(faults: FaultPlanner, req: SimRequest): SimResponse {
  try {
    if (req.method === 'GET') return { status: 200, body: { plan: faults.current(), kinds: faults.kinds(), stats: faults.stats() } };
    if (req.method === 'DELETE') {
      faults.set(null);
      return { status: 200, body: { plan: null, stats: faults.stats() } };
    }
    if (req.method === 'POST') {
      faults.set(faultPlanFromBody(req.body));
      return { status: 200, body: { plan: faults.current(), kinds: faults.kinds() } };
    }
    return { status: 405, body: { error: 'GET, POST or DELETE /_sim/faults' } };
  } catch (error) {
    if (error instanceof FaultPlanError) return { status: 400, body: { error: error.message } };
    throw error;
  }
}

/** Headers with secret values masked, for simulator diagnostics. */
export function safeHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = SECRET_HEADERS.has(k) ? '***' : v;
  return out;
}
