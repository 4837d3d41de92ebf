// The KSC simulator's dataset format (documented in FIXTURE.md). Datetimes are ISO
// strings or relative to the simulator's start ("now", "now-2h", "now+300d",
// "now-1d6h"), so a committed demo dataset stays current.
import { readFileSync } from 'node:fs';

/** ISO datetime, or "now" with optional signed offsets in s, m, h, d (e.g. "now-2h", "now+300d"). */
export type FixtureTime = string;

export type FixtureKeyType = 'commercial' | 'beta' | 'trial' | 'test' | 'oem' | 'subscription';
export type FixtureSubscriptionState = 'active' | 'paused' | 'soft-cancelled' | 'hard-cancelled';
/** KLLIC_SUBSCRINFO_ENDDATETYPE: 0 not defined, 1 unlimited, 2 limited, 3 paused ([K] sample). */
export type FixtureEndDateType = 'undefined' | 'unlimited' | 'limited' | 'paused';
export type FixtureSeverity = 'critical' | 'functional-failure' | 'error' | 'warning' | 'info';

/** A KLHST_WKS_STATUS_MASK-style value: a number, or the list of its bit numbers. */
export type FixtureBits = number | number[];

export interface FixtureUser {
  username: string;
  password: string;
  /** KSC internal user (default true); false = Windows account, which must send its domain. */
  internal?: boolean;
  domain?: string;
}

/** A group's KLSRV_HSTSTAT_CRITICAL / _WARNING enabled-bit masks; absent = inherited from the parent. */
export interface FixtureStatusMasks {
  critical?: FixtureBits;
  warning?: FixtureBits;
}

export interface FixtureGroup {
  name: string;
  /** Parent subgroup name; default: the server's "Managed devices" group. */
  parent?: string;
  statusMasks?: FixtureStatusMasks;
}

export interface FixtureDevice {
  /** KLHST_WKS_HOSTNAME: the host GUID. */
  hostname: string;
  /** KLHST_WKS_DN: display name. */
  dn: string;
  osName: string;
  /** KLHST_WKS_CTYPE bits (e.g. 0x1001 workstation, 0x9007 Windows server). */
  ctype: number;
  /** Subgroup name, or "unassigned" for Unassigned devices; default: "Managed devices". */
  group?: string;
  /** Conditions present on the host (KLHST_WKS_STATUS_MASK bits). STATUS_ID follows from the group's masks. */
  statusMask?: FixtureBits;
  /**
   * Conditions of `statusMask` that are past the Warning threshold only, not the Critical
   * one (e.g. databases 4 days old where Warning starts at 3 days and Critical at 7):
   * they count for the group's WARNING set but not for its CRITICAL set.
   */
  belowCritical?: FixtureBits;
  lastVisible?: FixtureTime | null;
  /** Visible in the network now (KLHST_WKS_STATUS bit 0x1); default: last visible within the hour. */
  online?: boolean;
  dnsName?: string;
  dnsDomain?: string;
  ptype?: number;
  rtpState?: number;
  virusCount?: number;
  uncuredCount?: number;
  agentVersion?: string;
  avBasesTime?: FixtureTime | null;
  lastUpdate?: FixtureTime | null;
  lastFullScan?: FixtureTime | null;
  created?: FixtureTime;
  /** Protection product for KLHST_WKS_PRODUCT_NAME / _VERSION searches (e.g. {"name":"KES","version":"11.0.0.0"}). */
  product?: { name: string; version: string };
}

export interface FixtureKey {
  /** KLLIC_SERIAL. */
  serial: string;
  /** KLLIC_PROD_NAME. */
  productName: string;
  type: FixtureKeyType;
  /** KLLIC_LIMIT_DATE; null or absent = none. */
  expiry?: FixtureTime | null;
  created?: FixtureTime;
  /** KLLIC_LIC_COUNT. */
  capacity: number;
  licensePeriodDays?: number;
  appId?: number;
  partNumber?: string;
  /** Stored in the server's key repository (KLLICSRV_KEY_INSTALLED); default true. */
  installed?: boolean;
  /**
   * Subscription details (KLLIC_LICTYPE_IS_SUBSCRIPTION true); any key type may carry
   * them (a trial subscription has type "trial"). `state` absent = KLLIC_SUBSCRINFO_STATE
   * not reported; `endDateType` → KLLIC_SUBSCRINFO_ENDDATETYPE (absent = not reported).
   */
  subscription?: { state?: FixtureSubscriptionState; endDate?: FixtureTime | null; endDateType?: FixtureEndDateType };
  /** Hostnames using the key as the active key. */
  current?: string[];
  /** Hostnames holding it as the reserve key. */
  reserve?: string[];
}

export interface FixtureEvent {
  /** event_db_id; default: next free id. */
  id?: number;
  severity: FixtureSeverity | 1 | 2 | 3 | 4;
  /** event_type, e.g. GNRL_EV_VIRUS_FOUND. */
  type: string;
  /** event_type_display_name. */
  typeName?: string;
  /** GNRL_EA_DESCRIPTION. */
  description?: string;
  /** Hostname (GUID) of the device that raised it. */
  host?: string;
  /** rise_time. */
  raisedAt: FixtureTime;
  /**
   * registration_time; default: raisedAt for events of the fixture, and the moment it is
   * added for events added later (a late event: raisedAt in the past, registered now).
   */
  registeredAt?: FixtureTime;
  /** product_name (≤ 32 chars), e.g. "KES". */
  product?: string;
  productVersion?: string;
  /** task_display_name. */
  task?: string;
}

export interface FixtureServerData {
  /** Masks of the server's "Managed devices" group (default: the simulator's KSC-like defaults). */
  statusMasks?: FixtureStatusMasks;
  groups?: FixtureGroup[];
  devices?: FixtureDevice[];
  keys?: FixtureKey[];
  events?: FixtureEvent[];
}

export interface FixtureVServer extends FixtureServerData {
  /** KLVSRV_UID: globally unique; survives renames. */
  uid: string;
  /** KLVSRV_DN: display name; what X-KSC-VServer carries (base64). */
  dn: string;
  enabled?: boolean;
  created?: FixtureTime;
}

export interface KscFixture {
  description?: string;
  server?: { productName?: string; version?: string; hostname?: string };
  users: FixtureUser[];
  /** The main Administration Server's own devices, keys and events (optional). */
  main?: FixtureServerData;
  vservers: FixtureVServer[];
  options?: {
    /** Sessions idle longer than this end (later calls get 403). Default 1800. */
    sessionIdleSeconds?: number;
    /** HTTP status sent with PxgError replies: 200 (default) or 500. */
    pxgErrorStatus?: number;
    /** Read KLEVP_EVENT_RISE_TIME_LEAST as ">" instead of "≥" (left open, [U] in connectors/ksc/README.md §3.5). */
    riseTimeLeastExclusive?: boolean;
    /**
     * AcquireKeyHosts lists the hosts of every virtual server that holds the same key
     * (serial), not only the session's own ([U]: a key shared across virtual servers).
     */
    keyHostsAcrossVServers?: boolean;
    /**
     * KLHST_WKS_STATUS_MASK reports every condition present on a host, also those its
     * group counts in neither set ([U]); default: only counted conditions.
     */
    statusMaskAllConditions?: boolean;
  };
}

const RELATIVE = /^now((?:\s*[+-]\s*(?:\d+\s*[smhd]\s*)+)*)$/i;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Resolves a fixture datetime against `now`; throws on anything else. */
export function resolveTime(value: FixtureTime, now: number): Date {
  const text = value.trim();
  const rel = RELATIVE.exec(text);
  if (rel) {
    let at = now;
    // "now-1d6h" is one signed offset of several units.
    for (const part of (rel[1] ?? '').matchAll(/([+-])\s*((?:\d+\s*[smhd]\s*)+)/gi)) {
      const sign = part[1] === '-' ? -1 : 1;
      for (const unit of part[2]!.matchAll(/(\d+)\s*([smhd])/gi)) at += sign * Number(unit[1]) * UNIT_MS[unit[2]!.toLowerCase()]!;
    }
    // KSC datetimes have whole seconds.
    return new Date(Math.floor(at / 1000) * 1000);
  }
  const parsed = Date.parse(text);
  if (Number.isNaN(parsed)) throw new Error(`not a fixture datetime: "${value}" (use ISO 8601 or now, now-2h, now+300d)`);
  return new Date(Math.floor(parsed / 1000) * 1000);
}

export function resolveOptionalTime(value: FixtureTime | null | undefined, now: number): Date | null {
  return value === null || value === undefined ? null : resolveTime(value, now);
}

export function bitsOf(value: FixtureBits | undefined): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value >>> 0;
  let mask = 0;
  for (const bit of value) {
    if (!Number.isInteger(bit) || bit < 0 || bit > 31) throw new Error(`status bit must be 0–31, not ${bit}`);
    mask = (mask | (1 << bit)) >>> 0;
  }
  return mask;
}

export function loadFixture(source: string | KscFixture): KscFixture {
  const fixture = typeof source === 'string' ? (JSON.parse(readFileSync(source, 'utf8')) as KscFixture) : source;
  if (!fixture || !Array.isArray(fixture.users) || !Array.isArray(fixture.vservers)) {
    throw new Error(`KSC fixture${typeof source === 'string' ? ` ${source}` : ''} needs "users" and "vservers" arrays`);
  }
  // Deep copy: the simulator mutates its state, never the caller's object.
  return JSON.parse(JSON.stringify(fixture)) as KscFixture;
}
