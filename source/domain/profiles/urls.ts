// URL comparison for the profiles' same-instance rules: two spellings of one server address
// (case, a default port, a trailing slash) are the same server.

/** Scheme, host, port (a default one dropped) and path, lower-cased, without trailing slashes; text that is no URL is compared as typed, trimmed. */
export function normaliseUrl(url: unknown): string {
  if (typeof url !== 'string') return '';
  try {
    const u = new URL(url.trim());
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/u, '')}`.toLowerCase();
  } catch {
    return url.trim().replace(/\/+$/u, '').toLowerCase();
  }
}
