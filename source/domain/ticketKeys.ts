// Stable ticket keys (README › Ticket rules): one key per condition, stored in the ledger and
// written to the PSA ticket (Autotask externalID) so a crash between "created" and
// "recorded" is reconciled, never repeated. Pure computation.
//
// Shape:
//   readable  kmsp:<integration>:<tenant>:ev:<eventId>
//             kmsp:<integration>:<tenant>:st:<device>:<description>:<w|c>
//   hashed    kmsp-ev-<40 hex>   /   kmsp-st-<40 hex>
// The readable form is used only when every part is lower-case [a-z0-9._-] (no
// separator, nothing a PSA could re-case or mangle — Autotask lookups are
// case-insensitive, so "ABC" and "abc" must never both appear readable) and the
// whole key fits in MAX_TICKET_KEY_LENGTH. Otherwise the key is the first 160 bits
// of sha256 over an unambiguous encoding of the parts. The two forms cannot collide:
// readable keys start "kmsp:", hashed ones "kmsp-".
import { createHash } from 'node:crypto';

/** Autotask Tickets.externalID holds 50 characters. */
export const MAX_TICKET_KEY_LENGTH = 50;

const SAFE_PART = /^[a-z0-9._-]+$/;

function key(kind: 'ev' | 'st', parts: string[], readable: string): string {
  if (parts.every((p) => SAFE_PART.test(p)) && readable.length <= MAX_TICKET_KEY_LENGTH) return readable;
  const digest = createHash('sha256').update(JSON.stringify([kind, ...parts]), 'utf8').digest('hex');
  return `kmsp-${kind}-${digest.slice(0, 40)}`;
}

export function eventTicketKey(integration: string, tenantId: string, eventId: string): string {
  return key('ev', [integration, tenantId, eventId], `kmsp:${integration}:${tenantId}:ev:${eventId}`);
}

export function statusTicketKey(
  integration: string,
  tenantId: string,
  deviceId: string,
  descriptionId: string,
  severity: 'warning' | 'critical',
): string {
  const sev = severity === 'warning' ? 'w' : 'c';
  return key('st', [integration, tenantId, deviceId, descriptionId, sev], `kmsp:${integration}:${tenantId}:st:${deviceId}:${descriptionId}:${sev}`);
}
