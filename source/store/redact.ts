// Defence in depth against secrets in places meant for settings (README › Where things are kept):
// the config schema has no secret fields, but a hand-edited or imported file,
// or a future bug, could still carry one. Anything whose key looks secret is
// refused on save and masked on display.

/** Key names that suggest a secret value. Matches e.g. password, apiSecret, accessToken, api_key, privateKey. */
const SECRET_KEY = /pass(word|wd|phrase)|secret|token|api[-_]?key|private[-_]?key|credential/i;

export const REDACTED = '[redacted]';

export function looksLikeSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Paths (in domain/validate.ts style) of every key in `value` that looks like a secret. */
export function secretKeyPaths(value: unknown, at = ''): string[] {
  const out: string[] = [];
  if (Array.isArray(value)) {
    value.forEach((item, i) => out.push(...secretKeyPaths(item, `${at}[${i}]`)));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const path = at ? `${at}.${key}` : key;
      if (looksLikeSecretKey(key)) out.push(path);
      out.push(...secretKeyPaths(inner, path));
    }
  }
  return out;
}

/** A deep copy with every secret-looking key's value replaced by "[redacted]". */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => redactSecrets(item)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = looksLikeSecretKey(key) && inner !== null && inner !== '' ? REDACTED : redactSecrets(inner);
    }
    return out as T;
  }
  return value;
}
