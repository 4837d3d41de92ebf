// Stable ticket keys (README › Ticket rules): one key per condition, stored in the ledger and
// written to the PSA ticket as its tag (the PSA's external-id field) so a crash between
// "created" and "recorded" is reconciled, never repeated. Pure computation.
//
// Shape:
//   readable  kmsp:<integration>:<tenant>:ev:<eventId>
//             kmsp:<integration>:<tenant>:st:<device>:<description>:<w|c>
//             kmsp:<integration>:<tenant>:cn:<section>:<condition>   (a condition with no device)
//   hashed    kmsp-ev-<40 hex>   /   kmsp-st-<40 hex>   /   kmsp-cn-<40 hex>
// The readable form is used only when every part is lower-case [a-z0-9._-] (no
// separator, nothing a PSA could re-case or mangle — a PSA whose lookups ignore case must
// never see both "ABC" and "abc" readable) and the
// whole key fits in MAX_TICKET_KEY_LENGTH. Otherwise the key is the first 160 bits
// of sha256 over an unambiguous encoding of the parts. The two forms cannot collide:
// readable keys start "kmsp:", hashed ones "kmsp-".
import { createHash } from 'node:crypto';
import { KmspError } from './errors.js';

/**
 * The longest key made: the shortest tag field of the PSAs kmsp knows (profiles' limits.tagMax).
 * Fixed, not per PSA: a key is an identity in the ledger and must never change with a setting.
 * A longer key (a condition's later occurrence, key#2) is fitted to the PSA's tag with fitTag.
 */
export const MAX_TICKET_KEY_LENGTH = 50;

/** fitTag: hex characters of sha256 kept after the readable prefix (24 hex = 96 bits). */
export const TAG_HASH_CHARS = 24;

const SAFE_PART = /^[a-z0-9._-]+$/;

function key(kind: 'ev' | 'st' | 'cn', parts: string[], readable: string): string {
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

/** A condition of the tenant as a whole (TenantCondition): keyed by its rule section and row, no device. */
export function conditionTicketKey(integration: string, tenantId: string, section: string, conditionId: string): string {
  return key('cn', [integration, tenantId, section, conditionId], `kmsp:${integration}:${tenantId}:cn:${section}:${conditionId}`);
}

/**
 * The tag written to the PSA for `key`, at most `maxLength` characters (the PSA profile's
 * limits.tagMax): the key itself when it fits, else a readable prefix of it, "~" and the first
 * TAG_HASH_CHARS hex digits of its sha256. Deterministic, so the same key always finds the same
 * ticket.
 */
export function fitTag(key: string, maxLength: number): string {
  if (!Number.isInteger(maxLength) || maxLength < 8) {
    throw new KmspError(`A ticket tag cannot be fitted into ${maxLength} characters`, { kind: 'internal', remedy: 'Report this to the kmsp maintainers.' });
  }
  if (key.length <= maxLength) return key;
  const hash = createHash('sha256').update(key, 'utf8').digest('hex');
  const hashChars = Math.min(TAG_HASH_CHARS, maxLength);
  const prefixLength = maxLength - hashChars - 1;
  if (prefixLength <= 0) return hash.slice(0, maxLength);
  let prefix = key.slice(0, prefixLength);
  // Never end on half of a surrogate pair (it would not survive JSON and the PSA intact).
  if (/[\uD800-\uDBFF]$/.test(prefix)) prefix = prefix.slice(0, -1);
  return `${prefix}~${hash.slice(0, hashChars)}`;
}
