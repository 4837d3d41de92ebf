// Connection settings refused before any request: a KSC URL that would send the
// credentials in clear text, and a Windows domain the KSCBasic header cannot carry.
import type { KscConnection } from '../../domain/config.js';
import { KmspError } from '../../domain/errors.js';
import { isLoopbackHost } from '../http.js';
import { KSC_SERVICE } from './errors.js';

export { isLoopbackHost };

function configError(message: string, cause: string, remedy: string): KmspError {
  return new KmspError(message, { kind: 'config', cause, remedy });
}

const HTTPS_REMEDY = 'Use https://<server>:13299, the KSC Open API’s TLS port (with the server’s certificate as the CA file if it is self-signed).';

/**
 * The KSC URL, refused unless it is https — or http on loopback (a local simulator or
 * an SSH tunnel), where nothing travels over a network.
 */
export function checkKscUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw configError(`The ${KSC_SERVICE} URL "${text}" is not a URL`, 'it cannot be parsed as an absolute URL', HTTPS_REMEDY);
  }
  const where = `${url.protocol}//${url.host}`;
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:') {
    if (isLoopbackHost(url.hostname)) return url;
    throw configError(
      `The ${KSC_SERVICE} URL ${where} uses plain http://`,
      'the KSC user name and password, and every session id after them, would travel in clear text over the network',
      `${HTTPS_REMEDY} Plain http:// is accepted only on this machine (127.0.0.1, ::1, localhost).`,
    );
  }
  throw configError(`The ${KSC_SERVICE} URL ${url.host ? where : `"${text}"`} is not an https:// URL`, `kmsp speaks to the KSC Open API over https, not ${url.protocol}`, HTTPS_REMEDY);
}

/** Characters the quoted, unescaped `domain="…"` of KSCBasic cannot carry (§1.2). */
function unsendable(domain: string): string[] {
  const found = new Set<string>();
  for (const ch of domain) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') found.add('a double quote (")');
    else if (ch === '\\') found.add('a backslash (\\)');
    else if (code < 0x20 || code === 0x7f) found.add('a control character');
    else if (code > 0xff) found.add(`"${ch}" (not sendable in an HTTP header)`);
  }
  return [...found];
}

/**
 * The Windows domain of an AD account travels as is, in quotes, inside the
 * Authorization header (KlAkOAPI does not escape or base64 it, §1.2). KSC documents no
 * escaping, so a domain that would break the header is refused rather than escaped on
 * a guess; Windows domain names cannot contain these characters anyway.
 */
export function checkDomain(domain: string): void {
  const bad = unsendable(domain);
  if (bad.length === 0) return;
  throw configError(
    `The Windows domain of the ${KSC_SERVICE} account cannot be sent`,
    `it contains ${bad.join(', ')}, which the KSCBasic sign-in header cannot carry`,
    'Enter the NetBIOS name of the domain (for example CORP) on the Connections tab; Windows domain names cannot contain quotes, backslashes or control characters.',
  );
}

/** Every check on a connection, before the connector sends anything. */
export function checkKscConnection(connection: KscConnection): void {
  checkKscUrl(connection.url);
  if (!connection.internalUser) checkDomain(connection.domain);
}
