// The simulator's in-memory Administration Server: the main server and its virtual
// servers, each with administration groups, hosts, license keys and events.
// Built from a fixture, changed by the control API, read by the protocol handlers.
import {
  bitsOf,
  loadFixture,
  resolveOptionalTime,
  resolveTime,
  type FixtureDevice,
  type FixtureEndDateType,
  type FixtureEvent,
  type FixtureKey,
  type FixtureKeyType,
  type FixtureServerData,
  type FixtureStatusMasks,
  type FixtureSubscriptionState,
  type FixtureUser,
  type KscFixture,
} from './fixture.js';

/** KLLIC_KEY_TYPE. */
export const KEY_TYPE_CODES: Record<FixtureKeyType, number> = { commercial: 1, beta: 2, trial: 3, test: 4, oem: 5, subscription: 6 };
/** KLLIC_SUBSCRINFO_STATE. */
export const SUBSCRIPTION_STATE_CODES: Record<FixtureSubscriptionState, number> = { active: 0, paused: 1, 'soft-cancelled': 2, 'hard-cancelled': 3 };
/** KLLIC_SUBSCRINFO_ENDDATETYPE. */
export const END_DATE_TYPE_CODES: Record<FixtureEndDateType, number> = { undefined: 0, unlimited: 1, limited: 2, paused: 3 };
const SEVERITY_CODES: Record<string, 1 | 2 | 3 | 4> = { info: 1, warning: 2, error: 3, 'functional-failure': 3, critical: 4 };

/**
 * Default condition sets of a "Managed devices" group ([U]: close to KSC's defaults).
 * Critical: RTP not running (1), application not running (2), many viruses (3),
 * application not installed (5), databases out of date (7), license expired (9),
 * active threats (10). Warning: the rest of the catalogued bits, and databases out
 * of date again (KSC has a lower day threshold for Warning).
 */
export const DEFAULT_CRITICAL_MASK = bitsOf([1, 2, 3, 5, 7, 9, 10]);
export const DEFAULT_WARNING_MASK = bitsOf([0, 4, 6, 7, 8, 11, 12, 13, 14, 15, 16, 17, 18, 19]);

export interface SimGroup {
  id: number;
  name: string;
  parentId: number | null;
  /** Own masks; null = inherited from the parent. */
  critical: number | null;
  warning: number | null;
  unassigned: boolean;
}

export interface SimDevice {
  hostname: string;
  dn: string;
  osName: string;
  ctype: number;
  groupId: number;
  /** Conditions present on the host. */
  conditions: number;
  /** Conditions (of `conditions`) past the Warning threshold but not the Critical one. */
  belowCritical: number;
  lastVisible: Date | null;
  online: boolean | null;
  dnsName: string | null;
  dnsDomain: string | null;
  ptype: number | null;
  rtpState: number | null;
  virusCount: number | null;
  uncuredCount: number | null;
  agentVersion: string | null;
  avBasesTime: Date | null;
  lastUpdate: Date | null;
  lastFullScan: Date | null;
  created: Date;
  product: { name: string; version: string } | null;
}

export interface SimKey {
  serial: string;
  productName: string;
  type: number;
  expiry: Date | null;
  created: Date;
  capacity: number;
  licensePeriodDays: number | null;
  appId: number | null;
  partNumber: string | null;
  installed: boolean;
  /** null: not a subscription. state / endDateType null: not reported. */
  subscription: { state: number | null; endDate: Date | null; endDateType: number | null } | null;
  current: string[];
  reserve: string[];
}

export interface SimEvent {
  id: number;
  severity: 1 | 2 | 3 | 4;
  type: string;
  typeName: string;
  description: string;
  host: string | null;
  raisedAt: Date;
  registeredAt: Date;
  product: string | null;
  productVersion: string | null;
  task: string | null;
}

export interface SimServer {
  /** '' for the main server, else the virtual server's uid. */
  key: string;
  /** KLVSRV_ID (0 for the main server). */
  id: number;
  uid: string;
  dn: string;
  enabled: boolean;
  created: Date;
  rootGroupId: number;
  unassignedGroupId: number;
  superGroupId: number;
  groups: Map<number, SimGroup>;
  devices: Map<string, SimDevice>;
  keys: Map<string, SimKey>;
  events: SimEvent[];
}

export interface ServerInfo {
  productName: string;
  version: string;
  hostname: string;
}

/** Thrown for bad fixture or control input; the control API answers 400 with it. */
export class SimInputError extends Error {}

function fail(message: string): never {
  throw new SimInputError(message);
}

export class KscSimModel {
  readonly users: FixtureUser[];
  readonly servers = new Map<string, SimServer>();
  readonly info: ServerInfo;
  readonly sessionIdleSeconds: number;
  pxgErrorStatus: number;
  readonly riseTimeLeastExclusive: boolean;
  keyHostsAcrossVServers: boolean;
  statusMaskAllConditions: boolean;
  /** When the fixture's relative times were resolved. */
  readonly loadedAt: number;
  private nextGroupId = 0;
  private nextVServerId = 1;
  private nextEventId = 1;
  /** Relative fixture times resolve against the load time; later (control) ones against now. */
  private loading = true;

  constructor(
    fixture: KscFixture,
    readonly clock: () => number = Date.now,
  ) {
    const f = loadFixture(fixture);
    this.loadedAt = clock();
    this.users = f.users.map((u) => ({ ...u }));
    if (this.users.length === 0) fail('the fixture needs at least one user');
    this.info = {
      productName: f.server?.productName ?? 'Kaspersky Security Center',
      version: f.server?.version ?? '15.1.0.20748',
      hostname: f.server?.hostname ?? 'KSC-SIM',
    };
    this.sessionIdleSeconds = f.options?.sessionIdleSeconds ?? 1800;
    this.pxgErrorStatus = f.options?.pxgErrorStatus ?? 200;
    this.riseTimeLeastExclusive = f.options?.riseTimeLeastExclusive ?? false;
    this.keyHostsAcrossVServers = f.options?.keyHostsAcrossVServers ?? false;
    this.statusMaskAllConditions = f.options?.statusMaskAllConditions ?? false;
    // Explicit event ids first, so generated ones never collide with them.
    const explicit = [f.main, ...f.vservers].flatMap((s) => (s?.events ?? []).map((e) => e.id ?? 0));
    this.nextEventId = Math.max(0, ...explicit) + 1;
    this.addServer('', 'main', '', true, null, f.main ?? {});
    for (const v of f.vservers) this.addServer(v.uid, v.uid, v.dn, v.enabled ?? true, v.created ?? null, v);
    this.loading = false;
  }

  now(): Date {
    return new Date(this.clock());
  }

  private base(): number {
    return this.loading ? this.loadedAt : this.clock();
  }

  private time(value: string): Date {
    return resolveTime(value, this.base());
  }

  private optionalTime(value: string | null | undefined): Date | null {
    return resolveOptionalTime(value, this.base());
  }

  // ---------------------------------------------------------------- servers

  addServer(key: string, uid: string, dn: string, enabled: boolean, created: string | null, data: FixtureServerData): SimServer {
    if (this.servers.has(key)) fail(`virtual server ${uid} already exists`);
    if (key !== '' && [...this.servers.values()].some((s) => s.key !== '' && s.dn === dn)) fail(`a virtual server is already named "${dn}"`);
    if (key !== '' && dn.trim() === '') fail('a virtual server needs a name (dn)');
    const root = this.nextGroupId++;
    const unassigned = this.nextGroupId++;
    const superGroup = this.nextGroupId++;
    const server: SimServer = {
      key,
      id: key === '' ? 0 : this.nextVServerId++,
      uid,
      dn,
      enabled,
      created: created ? this.time(created) : new Date(this.base() - 400 * 86_400_000),
      rootGroupId: root,
      unassignedGroupId: unassigned,
      superGroupId: superGroup,
      groups: new Map(),
      devices: new Map(),
      keys: new Map(),
      events: [],
    };
    const masks = data.statusMasks ?? {};
    server.groups.set(root, {
      id: root,
      name: 'Managed devices',
      parentId: null,
      critical: masks.critical !== undefined ? bitsOf(masks.critical) : DEFAULT_CRITICAL_MASK,
      warning: masks.warning !== undefined ? bitsOf(masks.warning) : DEFAULT_WARNING_MASK,
      unassigned: false,
    });
    server.groups.set(unassigned, { id: unassigned, name: 'Unassigned devices', parentId: null, critical: null, warning: null, unassigned: true });
    server.groups.set(superGroup, { id: superGroup, name: 'Administration Servers', parentId: root, critical: null, warning: null, unassigned: false });
    for (const g of data.groups ?? []) this.addGroup(server, g.name, g.parent, g.statusMasks);
    this.servers.set(key, server);
    try {
      for (const d of data.devices ?? []) this.addDevice(server, d);
      for (const k of data.keys ?? []) this.addKey(server, k);
      for (const e of data.events ?? []) this.addEvent(server, e);
    } catch (error) {
      this.servers.delete(key);
      throw error;
    }
    return server;
  }

  private addGroup(server: SimServer, name: string, parent: string | undefined, masks: FixtureStatusMasks | undefined): SimGroup {
    if (this.groupByName(server, name)) fail(`group "${name}" already exists in ${server.dn || 'the main server'}`);
    const parentGroup = parent ? this.groupByName(server, parent) : server.groups.get(server.rootGroupId);
    if (!parentGroup) fail(`group "${name}": parent group "${parent}" does not exist (declare parents first)`);
    const group: SimGroup = {
      id: this.nextGroupId++,
      name,
      parentId: parentGroup.id,
      critical: masks?.critical !== undefined ? bitsOf(masks.critical) : null,
      warning: masks?.warning !== undefined ? bitsOf(masks.warning) : null,
      unassigned: parentGroup.unassigned,
    };
    server.groups.set(group.id, group);
    return group;
  }

  groupByName(server: SimServer, name: string): SimGroup | undefined {
    if (name.toLowerCase() === 'unassigned') return server.groups.get(server.unassignedGroupId);
    return [...server.groups.values()].find((g) => g.name === name);
  }

  /** A server by uid or display name; '' (or "main") is the main server. */
  server(ref: string): SimServer {
    if (ref === '' || ref === 'main') return this.servers.get('')!;
    const byUid = this.servers.get(ref);
    if (byUid) return byUid;
    const byDn = [...this.servers.values()].find((s) => s.key !== '' && s.dn === ref);
    return byDn ?? fail(`no virtual server "${ref}"`);
  }

  /** The server X-KSC-VServer names (by display name, connectors/ksc/README.md §1.4), or undefined. */
  serverByDn(dn: string): SimServer | undefined {
    if (dn === '') return this.servers.get('');
    return [...this.servers.values()].find((s) => s.key !== '' && s.dn === dn);
  }

  vservers(): SimServer[] {
    return [...this.servers.values()].filter((s) => s.key !== '');
  }

  renameServer(ref: string, dn: string): SimServer {
    const server = this.server(ref);
    if (server.key === '') fail('the main server cannot be renamed');
    if (dn.trim() === '') fail('a virtual server needs a name');
    if (this.vservers().some((s) => s !== server && s.dn === dn)) fail(`a virtual server is already named "${dn}"`);
    server.dn = dn;
    return server;
  }

  removeServer(ref: string): SimServer {
    const server = this.server(ref);
    if (server.key === '') fail('the main server cannot be removed');
    this.servers.delete(server.key);
    return server;
  }

  // ---------------------------------------------------------------- groups and status

  /** The group's effective masks, inheriting from parents where unset. */
  effectiveMasks(server: SimServer, groupId: number): { critical: number; warning: number } | null {
    let critical: number | null = null;
    let warning: number | null = null;
    for (let g = server.groups.get(groupId); g; g = g.parentId === null ? undefined : server.groups.get(g.parentId)) {
      if (g.unassigned) return null;
      critical ??= g.critical;
      warning ??= g.warning;
    }
    return critical === null && warning === null ? null : { critical: critical ?? 0, warning: warning ?? 0 };
  }

  /** Is `groupId` the group `ancestorId` or below it? */
  inGroup(server: SimServer, groupId: number, ancestorId: number): boolean {
    for (let g = server.groups.get(groupId); g; g = g.parentId === null ? undefined : server.groups.get(g.parentId)) {
      if (g.id === ancestorId) return true;
    }
    return false;
  }

  /**
   * KLHST_WKS_STATUS_ID and _STATUS_MASK the way KSC derives them from the group's two
   * condition sets (written here on its own, not shared with the connector, so the two
   * can disagree in a test):
   * - a condition meets the CRITICAL set when it is enabled there and past the Critical
   *   threshold (not `belowCritical`); it meets the WARNING set when enabled there;
   * - STATUS_ID is Critical (1) if any condition meets the CRITICAL set, else Warning (2)
   *   if any meets the WARNING set, else OK (0);
   * - STATUS_MASK holds the conditions that met either set (every present condition with
   *   options.statusMaskAllConditions [U]).
   * Unassigned hosts have no status settings: OK, empty mask.
   */
  statusOf(server: SimServer, device: SimDevice): { mask: number; id: 0 | 1 | 2 } {
    const masks = this.effectiveMasks(server, device.groupId);
    if (!masks) return { mask: 0, id: 0 };
    const present = device.conditions >>> 0;
    const metCritical = (present & ~device.belowCritical & masks.critical) >>> 0;
    const metWarning = (present & masks.warning) >>> 0;
    const mask = this.statusMaskAllConditions ? present : (metCritical | metWarning) >>> 0;
    const id = metCritical !== 0 ? 1 : metWarning !== 0 ? 2 : 0;
    return { mask, id };
  }

  // ---------------------------------------------------------------- devices

  addDevice(server: SimServer, d: FixtureDevice): SimDevice {
    if (!d.hostname || !d.dn) fail('a device needs hostname and dn');
    for (const s of this.servers.values()) if (s.devices.has(d.hostname)) fail(`device ${d.hostname} already exists`);
    const group = d.group ? this.groupByName(server, d.group) : server.groups.get(server.rootGroupId);
    if (!group) fail(`device ${d.dn}: no group "${d.group}" in ${server.dn || 'the main server'}`);
    const device: SimDevice = {
      hostname: d.hostname,
      dn: d.dn,
      osName: d.osName ?? '',
      ctype: d.ctype ?? 0,
      groupId: group.id,
      conditions: bitsOf(d.statusMask),
      belowCritical: bitsOf(d.belowCritical),
      lastVisible: d.lastVisible === undefined ? new Date(this.base()) : this.optionalTime(d.lastVisible),
      online: d.online ?? null,
      dnsName: d.dnsName ?? null,
      dnsDomain: d.dnsDomain ?? null,
      ptype: d.ptype ?? null,
      rtpState: d.rtpState ?? null,
      virusCount: d.virusCount ?? null,
      uncuredCount: d.uncuredCount ?? null,
      agentVersion: d.agentVersion ?? null,
      avBasesTime: this.optionalTime(d.avBasesTime),
      lastUpdate: this.optionalTime(d.lastUpdate),
      lastFullScan: this.optionalTime(d.lastFullScan),
      created: d.created ? this.time(d.created) : new Date(this.base() - 200 * 86_400_000),
      product: d.product ?? null,
    };
    server.devices.set(device.hostname, device);
    return device;
  }

  device(server: SimServer, hostname: string): SimDevice {
    return server.devices.get(hostname) ?? fail(`no device ${hostname} in ${server.dn || 'the main server'}`);
  }

  setConditions(serverRef: string, hostname: string, mask: number | number[], belowCritical: number | number[] = 0): SimDevice {
    const server = this.server(serverRef);
    const device = this.device(server, hostname);
    device.conditions = bitsOf(mask);
    device.belowCritical = bitsOf(belowCritical);
    return device;
  }

  // ---------------------------------------------------------------- keys

  addKey(server: SimServer, k: FixtureKey): SimKey {
    if (!k.serial || !k.productName) fail('a key needs serial and productName');
    if (server.keys.has(k.serial)) fail(`key ${k.serial} already exists in ${server.dn || 'the main server'}`);
    const type = KEY_TYPE_CODES[k.type] ?? fail(`key ${k.serial}: unknown type "${k.type}"`);
    for (const host of [...(k.current ?? []), ...(k.reserve ?? [])]) this.device(server, host);
    const key: SimKey = {
      serial: k.serial,
      productName: k.productName,
      type,
      expiry: this.optionalTime(k.expiry),
      created: k.created ? this.time(k.created) : new Date(this.base() - 300 * 86_400_000),
      capacity: k.capacity,
      licensePeriodDays: k.licensePeriodDays ?? null,
      appId: k.appId ?? null,
      partNumber: k.partNumber ?? null,
      installed: k.installed ?? true,
      subscription: k.subscription
        ? {
            state:
              k.subscription.state === undefined
                ? null
                : (SUBSCRIPTION_STATE_CODES[k.subscription.state] ?? fail(`key ${k.serial}: unknown subscription state "${k.subscription.state}"`)),
            endDate: this.optionalTime(k.subscription.endDate),
            endDateType:
              k.subscription.endDateType === undefined
                ? null
                : (END_DATE_TYPE_CODES[k.subscription.endDateType] ?? fail(`key ${k.serial}: unknown end date type "${k.subscription.endDateType}"`)),
          }
        : type === KEY_TYPE_CODES.subscription
          ? { state: SUBSCRIPTION_STATE_CODES.active, endDate: null, endDateType: null }
          : null,
      current: [...new Set(k.current ?? [])],
      reserve: [...new Set(k.reserve ?? [])],
    };
    server.keys.set(key.serial, key);
    return key;
  }

  key(server: SimServer, serial: string): SimKey {
    return server.keys.get(serial) ?? fail(`no key ${serial} in ${server.dn || 'the main server'}`);
  }

  changeKey(
    serverRef: string,
    serial: string,
    change: {
      type?: FixtureKeyType;
      expiry?: string | null;
      subscriptionState?: FixtureSubscriptionState;
      capacity?: number;
      productName?: string;
      current?: string[];
      reserve?: string[];
    },
  ): SimKey {
    const server = this.server(serverRef);
    const key = this.key(server, serial);
    if (change.type !== undefined) key.type = KEY_TYPE_CODES[change.type] ?? fail(`unknown key type "${change.type}"`);
    if (change.expiry !== undefined) key.expiry = this.optionalTime(change.expiry);
    if (change.subscriptionState !== undefined) {
      const state = SUBSCRIPTION_STATE_CODES[change.subscriptionState] ?? fail(`unknown subscription state "${change.subscriptionState}"`);
      key.subscription = { state, endDate: key.subscription?.endDate ?? null, endDateType: key.subscription?.endDateType ?? null };
    }
    if (key.type === KEY_TYPE_CODES.subscription && !key.subscription) key.subscription = { state: 0, endDate: null, endDateType: null };
    if (change.capacity !== undefined) key.capacity = change.capacity;
    if (change.productName !== undefined) key.productName = change.productName;
    if (change.current !== undefined) {
      for (const h of change.current) this.device(server, h);
      key.current = [...new Set(change.current)];
    }
    if (change.reserve !== undefined) {
      for (const h of change.reserve) this.device(server, h);
      key.reserve = [...new Set(change.reserve)];
    }
    return key;
  }

  // ---------------------------------------------------------------- events

  addEvent(server: SimServer, e: FixtureEvent): SimEvent {
    const severity = typeof e.severity === 'number' ? e.severity : SEVERITY_CODES[e.severity];
    if (!severity || severity < 1 || severity > 4) fail(`event: unknown severity "${e.severity}"`);
    if (!e.type) fail('event: type is required');
    if (e.host !== undefined) this.device(server, e.host);
    if (e.id !== undefined && [...this.servers.values()].some((s) => s.events.some((x) => x.id === e.id))) fail(`event id ${e.id} is already used`);
    const raisedAt = this.time(e.raisedAt ?? 'now');
    const event: SimEvent = {
      id: e.id ?? this.nextEventId++,
      severity: severity as 1 | 2 | 3 | 4,
      type: e.type,
      typeName: e.typeName ?? e.type,
      description: e.description ?? '',
      host: e.host ?? null,
      raisedAt,
      // An event added after start is registered when it is added, whatever its rise_time.
      registeredAt: e.registeredAt ? this.time(e.registeredAt) : this.loading ? raisedAt : this.time('now'),
      product: e.product ?? null,
      productVersion: e.productVersion ?? null,
      task: e.task ?? null,
    };
    if (e.id !== undefined && e.id >= this.nextEventId) this.nextEventId = e.id + 1;
    server.events.push(event);
    return event;
  }

  // ---------------------------------------------------------------- auth

  findUser(username: string, password: string, internal: boolean | null, domain: string): FixtureUser | undefined {
    return this.users.find((u) => {
      if (u.username.toLowerCase() !== username.toLowerCase() || u.password !== password) return false;
      const isInternal = u.internal ?? true;
      if (internal !== null && internal !== isInternal) return false;
      if (!isInternal && (u.domain ?? '').toLowerCase() !== domain.toLowerCase()) return false;
      return true;
    });
  }

  passwords(): string[] {
    return this.users.map((u) => u.password);
  }
}
