// Virtual servers of the main Administration Server (README §3.1).
import type { Tenant } from '../../domain/types.js';
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

export async function getVServers(call: KscCall): Promise<VServerInfo[]> {
  // -1: from all groups, not only one administration group.
  const reply = await call('VServers.GetVServers', { lParentGroup: -1 });
  const out: VServerInfo[] = [];
  for (const record of paramsList(read.array(reply, 'PxgRetVal'))) {
    const uid = read.string(record, 'KLVSRV_UID');
    const dn = read.string(record, 'KLVSRV_DN');
    if (!uid || dn === null) continue;
    out.push({ id: read.number(record, 'KLVSRV_ID'), uid, dn, enabled: read.boolean(record, 'KLVSRV_ENABLED') ?? true });
  }
  return out;
}

export function toTenant(v: VServerInfo): Tenant {
  return { id: v.uid, name: v.dn, enabled: v.enabled };
}
