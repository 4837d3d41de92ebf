// Secret redaction for everything that leaves a connector as text: error
// messages, log lines, recorded requests. A secret may travel encoded (KSCBasic
// sends base64 of the password, URLs carry it percent-encoded), so every known
// encoding of each secret is masked.

const MASK = '***';

/** Header names whose values are always secret, whatever they contain. */
export const SECRET_HEADERS = new Set(['authorization', 'secret', 'apiintegrationcode', 'x-ksc-session', 'cookie', 'set-cookie', 'x-xsrf-token']);

function variants(secret: string): string[] {
  const out = new Set<string>([secret]);
  out.add(Buffer.from(secret, 'utf8').toString('base64'));
  out.add(Buffer.from(secret, 'utf8').toString('base64').replace(/=+$/, ''));
  out.add(encodeURIComponent(secret));
  out.add(JSON.stringify(secret).slice(1, -1));
  return [...out].filter((v) => v.length >= 4);
}

export class Redactor {
  private readonly patterns: string[] = [];

  constructor(secrets: Iterable<string | null | undefined> = []) {
    for (const s of secrets) this.add(s);
  }

  add(secret: string | null | undefined): void {
    // Very short values would mask ordinary words; a secret that short is refused elsewhere.
    if (!secret || secret.length < 4) return;
    for (const v of variants(secret)) if (!this.patterns.includes(v)) this.patterns.push(v);
    // Longest first, so a value is not half-masked by one of its own substrings.
    this.patterns.sort((a, b) => b.length - a.length);
  }

  text(input: string): string {
    let out = input;
    // Every request's record and error goes through here: look before building arrays.
    for (const p of this.patterns) if (out.includes(p)) out = out.split(p).join(MASK);
    return out;
  }

  headers(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) out[k] = SECRET_HEADERS.has(k.toLowerCase()) ? MASK : this.text(v);
    return out;
  }
}
