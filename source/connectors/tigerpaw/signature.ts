// Tigerpaw's "TSI" request signature (README §1.2): every request is signed on its own over its
// method, its path and the time it is sent; there are no sessions or tokens to keep.
import { createHmac } from 'node:crypto';

export interface TsiKeys {
  publicKey: string;
  privateKey: string;
}

/** The date as Tigerpaw reads it: RFC 1123 in UTC ("Thu, 18 Jun 2015 08:33:51 GMT"). */
export function tsiDate(now: Date): string {
  return now.toUTCString();
}

/** lower(METHOD|path|date): the path without scheme, host or query, as it is sent. */
export function stringToSign(method: string, path: string, date: string): string {
  return `${method}|${path}|${date}`.toLowerCase();
}

/** base64(HMAC-SHA256(key = the private key, message = the string to sign)), both UTF-8. */
export function tsiSignature(privateKey: string, method: string, path: string, date: string): string {
  return createHmac('sha256', Buffer.from(privateKey, 'utf8')).update(Buffer.from(stringToSign(method, path, date), 'utf8')).digest('base64');
}

/** The Authorization token: base64(publicKey + ":" + signature). */
export function tsiToken(publicKey: string, signature: string): string {
  return Buffer.from(`${publicKey}:${signature}`, 'utf8').toString('base64');
}

/** The two headers of one signed request. */
export function signRequest(keys: TsiKeys, method: string, url: URL, now: Date): Record<string, string> {
  const date = tsiDate(now);
  return {
    Authorization: `TSI ${tsiToken(keys.publicKey, tsiSignature(keys.privateKey, method, url.pathname, date))}`,
    'X-TSI-Date': date,
  };
}

/** The public key and signature an Authorization header carries; null when it is not a TSI one. */
export function readAuthorization(header: string | undefined): { publicKey: string; signature: string } | null {
  const m = /^TSI\s+(\S+)$/i.exec(header?.trim() ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.lastIndexOf(':');
  if (colon <= 0) return null;
  return { publicKey: decoded.slice(0, colon), signature: decoded.slice(colon + 1) };
}
