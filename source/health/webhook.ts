// The health webhook: one JSON POST (a Teams or Slack incoming webhook takes it) with retries.
// 429, 5xx and network failures are tried again with doubling waits (Retry-After honoured) until a
// bounded time has passed; any other answer is final. The URL's path carries the receiver's token,
// so no error or result names more of it than its origin.
import fetch from 'cross-fetch';
import { setTimeout as delay } from 'node:timers/promises';
import { parseRetryAfter } from '../connectors/http.js';

export interface WebhookOptions {
  /** One attempt's timeout (default 10 s). */
  attemptTimeoutMs?: number;
  /** No attempt begins after this long from the first (default 20 s: within the agent's stop grace, since a pass waits for it). */
  giveUpAfterMs?: number;
  /** First wait between attempts (default 1 s), doubled each time up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  /** Aborted (the agent is stopping): no further attempt. */
  signal?: AbortSignal;
}

export type WebhookResult = { ok: true; attempts: number } | { ok: false; attempts: number; cause: string; retried: boolean };

/**
 * The wait between attempts. Not unref'd: during a pass it may be the only thing the process
 * waits on (the agent's own timers are unref'd, and with one job there may be no other), and an
 * unref'd wait would let the process end mid-pass. The agent's stop ends it at once instead.
 */
const defaultSleep = (ms: number, signal?: AbortSignal) => delay(ms, undefined, signal ? { signal } : {}).catch(() => undefined);

/** POSTs `body` as JSON to `url`; never throws. */
export async function postWebhook(url: string, body: unknown, options: WebhookOptions = {}): Promise<WebhookResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const giveUpAt = now() + (options.giveUpAfterMs ?? 20_000);
  const maxBackoff = options.maxBackoffMs ?? 15_000;
  let backoff = options.backoffMs ?? 1_000;
  const origin = new URL(url).origin;
  const text = JSON.stringify(body);
  for (let attempt = 1; ; attempt++) {
    let cause: string;
    let wait = backoff;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.attemptTimeoutMs ?? 10_000);
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text, signal: controller.signal as never });
      // The receiver's answer body is not read into any message: it may echo the request.
      await response.text().catch(() => '');
      if (response.ok) return { ok: true, attempts: attempt };
      cause = `${origin} answered HTTP ${response.status}`;
      if (response.status !== 429 && response.status < 500) return { ok: false, attempts: attempt, cause: `${cause} (not retried: the receiver refused the message)`, retried: false };
      wait = parseRetryAfter(response.headers.get('retry-after') ?? undefined, now()) ?? backoff;
    } catch (error) {
      const code = (error as { code?: string; type?: string; name?: string }).code ?? (error as { name?: string }).name ?? 'network error';
      cause = `${origin} could not be reached (${code === 'AbortError' ? 'no answer within the timeout' : code})`;
    } finally {
      clearTimeout(timer);
    }
    if (options.signal?.aborted) return { ok: false, attempts: attempt, cause: `${cause}; not tried again: the agent is stopping`, retried: attempt > 1 };
    if (now() + wait > giveUpAt) return { ok: false, attempts: attempt, cause: `${cause}; gave up after ${attempt} attempt${attempt === 1 ? '' : 's'}`, retried: attempt > 1 };
    await sleep(wait, options.signal);
    if (options.signal?.aborted) return { ok: false, attempts: attempt, cause: `${cause}; not tried again: the agent is stopping`, retried: attempt > 1 };
    backoff = Math.min(backoff * 2, maxBackoff);
  }
}
