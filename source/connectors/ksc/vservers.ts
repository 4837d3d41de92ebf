// Virtual servers of the main Administration Server (README §3.1).
import type { Tenant } from '../../domain/types.js';
import { KSC_SERVICE } from './errors.js';
import { paramsList, read } from './params.js';
import type { KscCall } from './session.js';

export interface VServerInfo {
  /** KLVSRV_ID: numeric id on this server. */
  id: number | null;
  /** KLVSRV_UID: globally unique, survives renames: the tenant id. */
  uid: string;
  /** KLVSRV_DN: display name, what X-KSC-VServer carries. */
  dn: string;
  enabled: boolean;
}

/**
 * The virtual servers. One without a uid or a name cannot be a tenant (nothing to map it by, or
 * to sign in with), and a second one with a uid already read would bill one customer twice: each
 * is left out and told to `onSkip`, never dropped without a word.
 */
export async function getVServers(call: KscCall, onSkip: (message: string) => void = () => undefined): Promise<VServerInfo[]> {
  // -1: from all groups, not only one administration group.
  const reply = await call('VServers.GetVServers', { lParentGroup: -1 });
  const out: VServerInfo[] = [];
  const seen = new Set<string>();
  const rows = read.array(reply, 'PxgRetVal');
  const records = paramsList(rows);
  if (records.length < rows.length) onSkip(`${KSC_SERVICE}: ${rows.length - records.length} of the virtual servers VServers.GetVServers listed are not records kmsp can read; they are left out of the tenants. Report this with the KSC version.`);
  for (const record of records) {
    const uid = read.string(record, 'KLVSRV_UID');
    const dn = read.string(record, 'KLVSRV_DN');
    const id = read.number(record, 'KLVSRV_ID');
    if (!uid || dn === null) {
      const which = dn ? `"${dn}"` : uid ? `with the id ${uid}` : id !== null ? `number ${id}` : 'without an id or a name';
      onSkip(`${KSC_SERVICE}: virtual server ${which} has no ${uid ? 'name (KLVSRV_DN)' : 'id (KLVSRV_UID)'}; it is left out of the tenants until KSC reports one.`);
      continue;
    }
    if (seen.has(uid)) {
      onSkip(`${KSC_SERVICE}: virtual server "${dn}" has the id ${uid} of a virtual server listed before it; only the first is read, so that the tenant is not counted twice.`);
      continue;
    }
    seen.add(uid);
    out.push({ id, uid, dn, enabled: read.boolean(record, 'KLVSRV_ENABLED') ?? true });
  }
  return out;
}

export function toTenant(v: VServerInfo): Tenant {
  return { id: v.uid, name: v.dn, enabled: v.enabled };
}
