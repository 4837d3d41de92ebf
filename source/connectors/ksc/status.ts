// Device health and status descriptions from KLHST_WKS_STATUS_ID and
// KLHST_WKS_STATUS_MASK (README §3.3).
//
// THE place for the [U] "which reason is critical" rule: KSC does not say per host
// whether a reason bit made it Critical or Warning. Each administration group holds
// two condition sets, KLSRV_HSTSTAT_CRITICAL and KLSRV_HSTSTAT_WARNING, each with a
// KLSRV_HSTSTAT_MASK of enabled bits. A bit may be enabled in both (e.g. databases
// out of date: Warning after 3 days, Critical after 7), and the host's mask does not
// say which threshold was passed; the host's STATUS_ID does. So a reason is never
// more severe than its host: see activeStatuses.
import { statusDescriptionForKscBit } from '../../domain/statusDescriptions.js';
import type { ActiveStatusDescription, DeviceHealth } from '../../domain/types.js';

/** KLHST_WKS_STATUS_ID values [D] KSC/14/KSCAPI/a00274.html. */
export const STATUS_ID = { OK: 0, CRITICAL: 1, WARNING: 2 } as const;

/** Enabled-bit masks of a group's two condition sets (HostGroup.GetGroupInfoEx). */
export interface GroupStatusMasks {
  critical: number;
  warning: number;
}

export function healthOf(statusId: number | null): DeviceHealth {
  if (statusId === STATUS_ID.CRITICAL) return 'critical';
  if (statusId === STATUS_ID.WARNING) return 'warning';
  return 'ok';
}

/**
 * The reasons behind a host's status, each labelled critical or warning.
 *
 * - A host whose STATUS_ID is OK has no active descriptions, whatever its mask: the
 *   bits then name conditions the group does not count, and KSC shows no status.
 * - With the group's masks, a bit enabled in neither set is not a reason and is
 *   dropped. On a Warning host every other bit is a warning: the host is not critical,
 *   so no reason of it is (a bit the CRITICAL set also enables is below its Critical
 *   threshold there). On a Critical host a bit in the CRITICAL set is critical, a bit
 *   only in the WARNING set a warning.
 * - Without the masks (GetGroupInfoEx refused or unavailable) every reason takes the
 *   host's own status: on a Critical host all are critical, on a Warning host all
 *   warning. This over-reports criticality on mixed hosts rather than hiding it.
 * - Bits the catalog does not know (newer KSC versions add bits ≥ 20 [U]) are skipped:
 *   no Ticketing row can refer to them.
 */
export function activeStatuses(mask: number | null, health: DeviceHealth, groupMasks: GroupStatusMasks | null): ActiveStatusDescription[] {
  if (health === 'ok' || !mask) return [];
  const out: ActiveStatusDescription[] = [];
  for (let bit = 0; bit < 32; bit++) {
    if (((mask >>> bit) & 1) === 0) continue;
    const description = statusDescriptionForKscBit(bit);
    if (!description) continue;
    let critical = health === 'critical';
    if (groupMasks) {
      const inCritical = ((groupMasks.critical >>> bit) & 1) === 1;
      const inWarning = ((groupMasks.warning >>> bit) & 1) === 1;
      if (!inCritical && !inWarning) continue;
      critical &&= inCritical;
    }
    out.push({ id: description.id, severity: critical ? 'critical' : 'warning' });
  }
  return out;
}
