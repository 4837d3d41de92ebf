// Tigerpaw's "TSI" request signature as the simulator checks it (FIXTURE.md › Protocol facts 2):
// Authorization: TSI base64(publicKey + ":" + base64(HMAC-SHA256(privateKey, lower(METHOD|path|date))))
// with the date of X-TSI-Date (else Date). Only the path is signed, never the query or the body.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far the signed date may be from the simulator's clock (UNCONFIRMED: Tigerpaw publishes no tolerance). */
export const MAX_SKEW_MS = 5 * 60_000;

export function tsiSignature(privateKey: string, method: string, path: string, date: string): string {
  const message = `${method}|${path}|${date}`.toLowerCase();
  return createHmac('sha256', Buffer.from(privateKey, 'utf8')).update(Buffer.from(message, 'utf8')).digest('base64');
}

export function tsiAuthorization(publicKey: string, privateKey: string, method: string, path: string, date: string): string {
  return `TSI ${Buffer.from(`${publicKey}:${tsiSignature(privateKey, method, path, date)}`, 'utf8').toString('base64')}`;
}

export type SignatureVerdict = 'ok' | 'missing' | 'malformed' | 'unknown-key' | 'no-date' | 'stale' | 'bad-signature';

export interface SignedRequest {
  method: string;
  /** The path as sent, without the query. */
  path: string;
  headers: Record<string, string>;
}

/** Checks one request against the one key pair the simulator knows. */
export function verifyTsi(req: SignedRequest, keys: { publicKey: string; privateKey: string }, now: Date): SignatureVerdict {
  const header = req.headers.authorization;
  if (!header) return 'missing';
  const m = /^TSI\s+(\S+)$/i.exec(header.trim());
  if (!m) return 'malformed';
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  // The signature is base64 (no colon); the public key is everything before the last colon.
  const colon = decoded.lastIndexOf(':');
  if (colon <= 0) return 'malformed';
  const publicKey = decoded.slice(0, colon);
  const signature = decoded.slice(colon + 1);
  if (publicKey !== keys.publicKey) return 'unknown-key';
  const date = req.headers['x-tsi-date'] ?? req.headers.date;
  if (!date) return 'no-date';
  const at = Date.parse(date);
  if (Number.isNaN(at) || Math.abs(at - now.getTime()) > MAX_SKEW_MS) return 'stale';
  const expected = Buffer.from(tsiSignature(keys.privateKey, req.method, req.path, date), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given) ? 'ok' : 'bad-signature';
}
