// A ticket's repeat key under its integration's new name: the rule the ledger applies to every
// ticket row when an integration is renamed (Ledger.renameIntegration). The
// ticket's own key (its tag in the PSA) keeps the old name; its repeat key, which the ticket job
// computes from the integration's name on every pass, follows the new one.
import { conditionSectionsOf } from './profiles/index.js';
import { conditionTicketKey, statusTicketKey } from './ticketKeys.js';

/** What the rule reads of a ticket row. */
export interface RenamedTicket {
  kind: string;
  tenantId: string;
  deviceId: string | null;
  descriptionId: string | null;
  severity: string | null;
  repeatKey: string | null;
}

export function renamedRepeatKey(t: RenamedTicket, from: string, to: string): string | null {
  const { repeatKey, severity, deviceId, descriptionId, tenantId } = t;
  if (repeatKey === null) return null;
  if (t.kind === 'event') return repeatKey.startsWith(`${from}|`) ? `${to}${repeatKey.slice(from.length)}` : repeatKey;
  if (deviceId === null && severity === null && descriptionId !== null) {
    // A tenant condition's key (no device) names its rule section, which the row does not keep.
    const section = conditionSectionsOf(descriptionId).find((id) => repeatKey === conditionTicketKey(from, tenantId, id, descriptionId));
    return section === undefined ? repeatKey : conditionTicketKey(to, tenantId, section, descriptionId);
  }
  if ((severity !== 'warning' && severity !== 'critical') || deviceId === null || descriptionId === null) return repeatKey;
  // Only a key that is this condition's key under the old name follows; anything else is kept as found.
  if (repeatKey !== statusTicketKey(from, tenantId, deviceId, descriptionId, severity)) return repeatKey;
  return statusTicketKey(to, tenantId, deviceId, descriptionId, severity);
}
