// Which hosts plain http may go to: a rule of the domain (pure), used by the connectors, the
// console's Connections form and the health webhook's checks.

/**
 * 127.0.0.0/8, ::1 and localhost: plain http there never leaves the machine (not *.localhost:
 * a resolver without RFC 6761 handling may ask DNS for it) —
 * the only hosts a connector lets a user choose http for (where the simulators run).
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (host === 'localhost' || host === '::1') return true;
  // WHATWG URL has already normalised IPv4 forms (127.1, 0x7f.1) to dotted quads.
  const quad = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return quad !== null && quad[1] === '127' && quad.slice(2).every((n) => Number(n) <= 255);
}
