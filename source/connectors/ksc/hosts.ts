// Devices of one virtual server: HostGroup.FindHosts in that server's session
// (README §3.2 option A), paged through ChunkAccessor, plus the
// status condition masks of each group the hosts are in.
import type { Device } from '../../domain/types.js';
import { classifyHost } from './classify.js';
import { KmspError } from '../../domain/errors.js';
import { isKscError, KSC_SERVICE, missingOutParam } from './errors.js';
import { readChunkAccessor } from './iterators.js';
import { read, type KscParams } from './params.js';
import type { KscCall } from './session.js';
import { activeStatuses, healthOf, type GroupStatusMasks } from './status.js';

export const HOST_FIELDS = [
  'KLHST_WKS_HOSTNAME',
  'KLHST_WKS_DN',
  'KLHST_WKS_OS_NAME',
  'KLHST_WKS_CTYPE',
  'KLHST_WKS_STATUS_ID',
  'KLHST_WKS_STATUS_MASK',
  'KLHST_WKS_LAST_VISIBLE',
  'KLHST_WKS_GROUPID',
] as const;

/**
 * Every host of the current virtual server. The grammar has no "match all", and
 * whether an empty filter is accepted is not documented, so the filter is one that
 * every host satisfies: each has a non-empty KLHST_WKS_HOSTNAME (its GUID). Hosts in
 * "Unassigned devices" are included: one may hold a license, and billing must see it.
 */
export const ALL_HOSTS_FILTER = '(KLHST_WKS_HOSTNAME <> "")';

/** FindHosts caps lMaxLifeTime at 7200 s (§3.2). */
export const MAX_ACCESSOR_LIFETIME_SEC = 7200;

export interface HostListOptions {
  chunkSize: number;
  accessorLifetimeSec: number;
}

async function groupMasks(call: KscCall, groupId: number): Promise<GroupStatusMasks | null> {
  try {
    const reply = await call('HostGroup.GetGroupInfoEx', { nGroupId: groupId, pArrAttributes: ['KLSRV_HSTSTAT_CRITICAL', 'KLSRV_HSTSTAT_WARNING'] });
    const info = read.params(reply, 'PxgRetVal') ?? {};
    const critical = read.params(info, 'KLSRV_HSTSTAT_CRITICAL');
    const warning = read.params(info, 'KLSRV_HSTSTAT_WARNING');
    const criticalMask = critical ? read.number(critical, 'KLSRV_HSTSTAT_MASK') : null;
    const warningMask = warning ? read.number(warning, 'KLSRV_HSTSTAT_MASK') : null;
    // Both sets are needed: a bit in neither is dropped (status.ts), so a missing set
    // would hide real reasons. Without both, status.ts falls back to the host's status.
    if (criticalMask === null || warningMask === null) return null;
    return { critical: criticalMask, warning: warningMask };
  } catch (error) {
    // A group whose settings this user may not read (or "Unassigned devices", which
    // has none) falls back to the host's own status (status.ts). Anything else
    // — network, auth, a lost session — is a real failure.
    if (isKscError(error)) return null;
    throw error;
  }
}

export function toDevice(tenantId: string, host: KscParams, masks: GroupStatusMasks | null): Device | null {
  const id = read.string(host, 'KLHST_WKS_HOSTNAME');
  if (!id) return null;
  const osName = read.string(host, 'KLHST_WKS_OS_NAME') ?? '';
  const cls = classifyHost(read.number(host, 'KLHST_WKS_CTYPE'), osName);
  const health = healthOf(read.number(host, 'KLHST_WKS_STATUS_ID'));
  return {
    id,
    tenantId,
    name: read.string(host, 'KLHST_WKS_DN') ?? id,
    category: cls.category,
    osName,
    mobile: cls.mobile,
    health,
    statuses: activeStatuses(read.number(host, 'KLHST_WKS_STATUS_MASK'), health, masks),
    lastSeen: read.date(host, 'KLHST_WKS_LAST_VISIBLE'),
  };
}

/** Every host record of the current virtual server (§3.2 option A), with `fields`. */
export async function findAllHosts(call: KscCall, fields: readonly string[], options: HostListOptions): Promise<KscParams[]> {
  const found = await call('HostGroup.FindHosts', {
    wstrFilter: ALL_HOSTS_FILTER,
    vecFieldsToReturn: [...fields],
    // A stable order keeps chunks consistent if the set is read while hosts change.
    vecFieldsToOrder: [{ Name: 'KLHST_WKS_HOSTNAME', Asc: true }],
    pParams: { KLGRP_FIND_FROM_CUR_VS_ONLY: true },
    lMaxLifeTime: Math.min(Math.max(options.accessorLifetimeSec, 60), MAX_ACCESSOR_LIFETIME_SEC),
  });
  const accessor = read.string(found, 'strAccessor');
  if (!accessor) throw missingOutParam('HostGroup.FindHosts', 'strAccessor');
  // FindHosts answers the count with the accessor (§3.2): no GetItemsCount needed.
  const hosts = await readChunkAccessor(call, accessor, options.chunkSize, 'hosts', read.number(found, 'PxgRetVal'));
  // The filter asks for hosts with an id: one without is a broken answer. Left out, its licence
  // would go unbilled and its alerts unseen, so the tenant's read fails instead.
  const nameless = hosts.findIndex((h) => !read.string(h, 'KLHST_WKS_HOSTNAME'));
  if (nameless >= 0) {
    const dn = read.string(hosts[nameless]!, 'KLHST_WKS_DN');
    throw new KmspError(`${KSC_SERVICE} listed a host without its id (KLHST_WKS_HOSTNAME)${dn ? `: "${dn}"` : ''}`, {
      kind: 'protocol',
      cause: `host ${nameless + 1} of ${hosts.length} answered by HostGroup.FindHosts has no KLHST_WKS_HOSTNAME, though the filter asks for hosts that have one`,
      remedy: 'Nothing was billed or ticketed from this partial list; the next run reads it again. If it keeps happening, report it with the KSC version.',
    });
  }
  return hosts;
}

/** The KLHST_WKS_HOSTNAME (host GUID) of every host record. */
export function hostIdsOf(hosts: readonly KscParams[]): Set<string> {
  const ids = new Set<string>();
  for (const host of hosts) {
    const id = read.string(host, 'KLHST_WKS_HOSTNAME');
    if (id) ids.add(id);
  }
  return ids;
}

/** The KLHST_WKS_HOSTNAME (host GUID) of every host of the current virtual server. */
export async function listHostIds(call: KscCall, options: HostListOptions): Promise<Set<string>> {
  return hostIdsOf(await findAllHosts(call, ['KLHST_WKS_HOSTNAME'], options));
}

/**
 * A group's status masks as last read, for a while: they are the administrator's settings and
 * change seldom, while every ticket poll would ask again for each group with a non-OK host.
 */
export interface GroupMaskCache {
  get(groupId: number): GroupStatusMasks | null | undefined;
  set(groupId: number, masks: GroupStatusMasks | null): void;
}

/** Host records (with HOST_FIELDS) → devices, each group's status masks read once (or taken from `cache`). */
export async function devicesOf(call: KscCall, tenantId: string, hosts: readonly KscParams[], cache?: GroupMaskCache): Promise<Device[]> {
  // One GetGroupInfoEx per group, not per host.
  const masksByGroup = new Map<number, GroupStatusMasks | null>();
  for (const host of hosts) {
    const groupId = read.number(host, 'KLHST_WKS_GROUPID');
    if (groupId === null || masksByGroup.has(groupId)) continue;
    // Only hosts with a status need their group's masks.
    if (healthOf(read.number(host, 'KLHST_WKS_STATUS_ID')) === 'ok') continue;
    const cached = cache?.get(groupId);
    if (cached !== undefined) {
      masksByGroup.set(groupId, cached);
      continue;
    }
    const masks = await groupMasks(call, groupId);
    cache?.set(groupId, masks);
    masksByGroup.set(groupId, masks);
  }
  const devices: Device[] = [];
  for (const host of hosts) {
    const groupId = read.number(host, 'KLHST_WKS_GROUPID');
    const device = toDevice(tenantId, host, groupId === null ? null : (masksByGroup.get(groupId) ?? null));
    if (device) devices.push(device);
  }
  return devices;
}

export async function listHosts(call: KscCall, tenantId: string, options: HostListOptions, cache?: GroupMaskCache): Promise<Device[]> {
  return devicesOf(call, tenantId, await findAllHosts(call, HOST_FIELDS, options), cache);
}
