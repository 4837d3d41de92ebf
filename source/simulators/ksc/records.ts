// Attribute views of the model's objects, with their KLOAPI types: what FindHosts,
// EnumKeys, AcquireKeyHosts, GetVServers and the event iterators return, and what
// filters and sort orders read.
import type { FilterValue } from './filter.js';
import type { KscSimModel, SimDevice, SimEvent, SimKey, SimServer } from './model.js';
import type { AttrValue } from './wire.js';

type Attrs = Record<string, AttrValue | undefined>;

const str = (value: string | null | undefined): AttrValue => ({ type: 'str', value: value ?? null });
const int = (value: number | null | undefined): AttrValue => ({ type: 'int', value: value ?? null });
const long = (value: number | null | undefined): AttrValue => ({ type: 'long', value: value ?? null });
const bool = (value: boolean | null | undefined): AttrValue => ({ type: 'bool', value: value ?? null });
const time = (value: Date | null | undefined): AttrValue => ({ type: 'datetime', value: value ?? null });

/** KLHST_WKS_STATUS bits (connectors/ksc/README.md §3.3): 0x1 visible, 0x2 in a group, 0x4 agent installed, 0x8 agent alive, 0x10 RTP installed. */
function hostStateBits(model: KscSimModel, server: SimServer, device: SimDevice): number {
  const online = device.online ?? (device.lastVisible !== null && model.clock() - device.lastVisible.getTime() < 3_600_000);
  const inGroup = !model.inGroup(server, device.groupId, server.unassignedGroupId);
  let bits = 0;
  if (online) bits |= 0x1;
  if (inGroup) bits |= 0x2;
  if (device.agentVersion) bits |= 0x4;
  if (device.agentVersion && online) bits |= 0x8;
  if (device.product) bits |= 0x10;
  return bits;
}

/** Returnable host attributes. */
export function hostAttributes(model: KscSimModel, server: SimServer, device: SimDevice): Attrs {
  const status = model.statusOf(server, device);
  const group = server.groups.get(device.groupId);
  const fqdn = device.dnsName ? (device.dnsDomain ? `${device.dnsName}.${device.dnsDomain}` : device.dnsName) : null;
  return {
    KLHST_WKS_HOSTNAME: str(device.hostname),
    KLHST_WKS_DN: str(device.dn),
    KLHST_WKS_DNSNAME: str(device.dnsName),
    KLHST_WKS_DNSDOMAIN: str(device.dnsDomain),
    KLHST_WKS_FQDN: str(fqdn),
    KLHST_WKS_WINHOSTNAME: str(device.osName.toLowerCase().includes('windows') ? device.dn.toUpperCase().slice(0, 15) : null),
    KLHST_WKS_GROUPID: int(device.groupId),
    KLHST_WKS_FROM_UNASSIGNED: bool(group ? model.inGroup(server, group.id, server.unassignedGroupId) : false),
    KLHST_WKS_OS_NAME: str(device.osName),
    KLHST_WKS_CTYPE: int(device.ctype),
    KLHST_WKS_PTYPE: int(device.ptype),
    KLHST_WKS_STATUS: int(hostStateBits(model, server, device)),
    KLHST_WKS_STATUS_ID: int(status.id),
    KLHST_WKS_STATUS_MASK: int(status.mask | 0),
    KLHST_WKS_LAST_VISIBLE: time(device.lastVisible),
    KLHST_WKS_LAST_INFOUDATE: time(device.lastVisible),
    KLHST_WKS_LAST_NAGENT_CONNECTED: time(device.agentVersion ? device.lastVisible : null),
    KLHST_WKS_LAST_UPDATE: time(device.lastUpdate),
    KLHST_WKS_LAST_FULLSCAN: time(device.lastFullScan),
    KLHST_WKS_CREATED: time(device.created),
    KLHST_WKS_RTP_AV_VERSION: str(device.product?.version),
    KLHST_WKS_RTP_AV_BASES_TIME: time(device.avBasesTime),
    KLHST_WKS_RTP_STATE: int(device.rtpState),
    KLHST_WKS_VIRUS_COUNT: long(device.virusCount),
    KLHST_WKS_UNCURED_COUNT: long(device.uncuredCount),
    KLHST_WKS_NAG_VERSION: str(device.agentVersion),
    KLHST_WKS_RBT_REQUIRED: bool(((device.conditions >>> 11) & 1) === 1),
  };
}

/** Attributes filters may use besides the returnable ones (search-only, connectors/ksc/README.md §3.3). */
export function hostSearchAttribute(model: KscSimModel, server: SimServer, device: SimDevice, name: string): FilterValue | null | undefined {
  if (name === 'KLHST_WKS_GROUPID_GP') {
    const chain: number[] = [];
    for (let g = server.groups.get(device.groupId); g; g = g.parentId === null ? undefined : server.groups.get(g.parentId)) chain.push(g.id);
    return { type: 'groups', value: chain };
  }
  const bit = /^KLHST_WKS_STATUS_MASK_(\d+)$/.exec(name);
  if (bit) return { type: 'int', value: (model.statusOf(server, device).mask >>> Number(bit[1])) & 1 };
  if (name === 'KLHST_WKS_PRODUCT_NAME') return { type: 'str', value: device.product?.name ?? null };
  if (name === 'KLHST_WKS_PRODUCT_VERSION') return { type: 'str', value: device.product?.version ?? null };
  if (name === 'KLHST_WKS_AV_BASES_DATE') return { type: 'datetime', value: device.avBasesTime };
  return undefined;
}

export function vserverAttributes(server: SimServer, devices: number): Attrs {
  return {
    KLVSRV_ID: int(server.id),
    KLVSRV_DN: str(server.dn),
    KLVSRV_UID: str(server.uid),
    KLVSRV_GRP: int(0),
    KLVSRV_GROUPS: int(server.rootGroupId),
    KLVSRV_UNASSIGNED: int(server.unassignedGroupId),
    KLVSRV_SUPER: int(server.superGroupId),
    KLVSRV_HST_UID: str(`vs-${server.uid}`),
    KLVSRV_ENABLED: bool(server.enabled),
    KLVSRV_CREATED: time(server.created),
    KLVSRV_LIC_ENABLED: bool(true),
    KLVSRV_NEW_HOSTS_PROHIBITED: bool(false),
    KLVSRV_TOO_MUCH_HOSTS: bool(devices > 10_000),
  };
}

export function keyAttributes(key: SimKey): Attrs {
  const subscription = key.subscription;
  return {
    KLLIC_SERIAL: str(key.serial),
    KLLIC_PROD_NAME: str(key.productName),
    KLLIC_APP_ID: int(key.appId),
    KLLIC_KEY_TYPE: int(key.type),
    KLLIC_CREATION_DATE: time(key.created),
    KLLIC_LIMIT_DATE: time(key.expiry),
    KLLIC_LICENSE_PERIOD: int(key.licensePeriodDays),
    // [U] long: some KSC versions widen counters; the connector must read both.
    KLLIC_LIC_COUNT: long(key.capacity),
    KLLIC_NHOSTS_ASCURRENT: int(key.current.length),
    KLLIC_NHOSTS_ASNEXT: int(key.reserve.length),
    KLLIC_PART_NUMBER: str(key.partNumber),
    KLLICSRV_KEY_INSTALLED: bool(key.installed),
    KLLIC_LICTYPE_IS_SUBSCRIPTION: bool(subscription !== null),
    KLLIC_SUBSCRINFO_STATE: int(subscription?.state),
    KLLIC_SUBSCRINFO_ENDDATE: time(subscription?.endDate),
    KLLIC_SUBSCRINFO_ENDDATETYPE: int(subscription?.endDateType),
  };
}

export function keyHostAttributes(server: SimServer, device: SimDevice, key: SimKey, current: boolean): Attrs {
  const group = server.groups.get(device.groupId);
  return {
    KLLICSRV_HOSTNAME: str(device.hostname),
    KLLICSRV_HOSTDN: str(device.dn),
    KLLICSRV_HOST_GRPID: int(device.groupId),
    KLLICSRV_HOST_GRPNAME: str(group?.name),
    KLLICSRV_HOST_CURRENT: bool(current),
    KLLICSRV_EXPIRATION_TIME: time(key.expiry),
    KLLICSRV_INSTALL_TIME: time(key.created),
    KLLICSRV_PRODUCT: str(device.product?.name),
    KLLICSRV_VERSION: str(device.product?.version),
  };
}

export function eventAttributes(server: SimServer, event: SimEvent): Attrs {
  const device = event.host ? server.devices.get(event.host) : undefined;
  const group = device ? server.groups.get(device.groupId) : undefined;
  return {
    event_db_id: long(event.id),
    event_id: int(event.id % 2_000_000_000),
    event_type: str(event.type),
    event_type_display_name: str(event.typeName),
    GNRL_EA_DESCRIPTION: str(event.description),
    GNRL_EA_SEVERITY: int(event.severity),
    rise_time: time(event.raisedAt),
    registration_time: time(event.registeredAt),
    hostname: str(event.host),
    hostdn: str(device?.dn),
    domain_name: str(device?.dnsDomain),
    group_id: int(device?.groupId),
    group_name: str(group?.name),
    product_name: str(event.product),
    product_version: str(event.productVersion),
    product_displ_version: str(event.productVersion),
    task_display_name: str(event.task),
  };
}

/** Sort comparator over attribute values for vecFieldsToOrder. */
export function compareAttrs(a: Attrs, b: Attrs, order: ReadonlyArray<{ name: string; asc: boolean }>): number {
  for (const { name, asc } of order) {
    const x = a[name]?.value;
    const y = b[name]?.value;
    let c = 0;
    if (x === y) c = 0;
    else if (x === null || x === undefined) c = -1;
    else if (y === null || y === undefined) c = 1;
    else if (x instanceof Date && y instanceof Date) c = x.getTime() - y.getTime();
    else if (typeof x === 'number' && typeof y === 'number') c = x - y;
    else if (typeof x === 'boolean' && typeof y === 'boolean') c = Number(x) - Number(y);
    else c = String(x).localeCompare(String(y));
    if (c !== 0) return asc ? c : -c;
  }
  return 0;
}
