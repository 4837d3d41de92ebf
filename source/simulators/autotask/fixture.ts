// The Autotask simulator's dataset (autotask.json). See FIXTURE.md for the format.
// Records are written in Autotask's wire form (camelCase field names, integer ids
// and picklist values); datetimes may be ISO strings or relative to the moment the
// simulator starts (resolveTime).
import { readFileSync } from 'node:fs';

export interface FixturePicklistValue {
  value: string | number;
  label: string;
  isActive?: boolean;
  isDefaultValue?: boolean;
  sortOrder?: number;
  /** Value of the parent field's picklist (subIssueType → issueType). */
  parentValue?: string | number;
  isSystem?: boolean;
}

export interface FixtureUdfDefinition {
  name: string;
  label?: string;
  /** Autotask UDF data type name; only "string" (text) is modelled. */
  type?: string;
  length?: number;
  isRequired?: boolean;
}

export interface FixtureApiUser {
  username: string;
  secret: string;
  integrationCode: string;
  /** The API user's own resource id. */
  resourceId?: number;
  /** Resource ids the API user may impersonate (ImpersonationResourceId header). */
  canImpersonate?: number[];
}

export interface FixtureZone {
  zoneName: string;
  /** Zone number: the API answers under /zone{ci}/ATServicesRest/. */
  ci: number;
}

export interface FixtureThreshold {
  /** externalRequestThreshold (default 10,000). */
  limit?: number;
  /** requestThresholdTimeframe in minutes (default 60). */
  timeframeMinutes?: number;
  /** Requests already counted in the current window when the simulator starts. */
  used?: number;
}

/** A contract service with its units in every period (units may differ from the first period on). */
export interface FixtureContractService {
  contractID: number;
  serviceID: number;
  /** Units held in every monthly period of the contract (default 0). */
  units?: number;
  unitPrice?: number;
  unitCost?: number;
}

export type FixtureRecord = Record<string, unknown> & { id?: number };

/** See periods.ts: how ContractServiceUnits store endDate. */
export type FixturePeriodEnds = 'last-day' | 'next-start';

export interface AutotaskFixture {
  description?: string;
  apiUser: FixtureApiUser;
  zone?: FixtureZone;
  threshold?: FixtureThreshold;
  /** Picklists per entity and field: {"Tickets": {"queueID": [{value, label, isActive}]}}. */
  picklists: Record<string, Record<string, FixturePicklistValue[]>>;
  /** UDF definitions per entity: {"Companies": [{"name": "Kaspersky Tenant"}]}. */
  userDefinedFields?: Record<string, FixtureUdfDefinition[]>;
  resources?: FixtureRecord[];
  companies?: FixtureRecord[];
  contracts?: FixtureRecord[];
  services?: FixtureRecord[];
  contractServices?: FixtureContractService[];
  billingCodes?: FixtureRecord[];
  tickets?: FixtureRecord[];
  ticketNotes?: FixtureRecord[];
  /**
   * How ContractServiceUnits rows store endDate: "last-day" (default) or "next-start"
   * (each period's endDate is the next period's startDate). UNCONFIRMED which Autotask uses.
   */
  periodEnds?: FixturePeriodEnds;
  /**
   * String field lengths per entity, overriding the simulator's (schema.ts), e.g.
   * {"Tickets": {"externalID": 30}}; served in entityInformation/fields and enforced on writes.
   */
  fieldLengths?: Record<string, Record<string, number>>;
  /**
   * What a write with an over-long string gets: "refuse" (default, 500 "exceeds the maximum
   * length") or "truncate" (stored cut to the length, silently). UNCONFIRMED which Autotask does.
   */
  overlongStrings?: 'refuse' | 'truncate';
}

export function loadFixture(path: string): AutotaskFixture {
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  const fixture = JSON.parse(text) as AutotaskFixture;
  if (!fixture.apiUser?.username || !fixture.apiUser.secret || !fixture.apiUser.integrationCode) {
    throw new Error(`${path}: apiUser needs username, secret and integrationCode`);
  }
  return fixture;
}

const UNIT: Record<string, (d: Date, n: number) => void> = {
  m: (d, n) => d.setUTCMinutes(d.getUTCMinutes() + n),
  h: (d, n) => d.setUTCHours(d.getUTCHours() + n),
  d: (d, n) => d.setUTCDate(d.getUTCDate() + n),
  mo: (d, n) => d.setUTCMonth(d.getUTCMonth() + n),
  y: (d, n) => d.setUTCFullYear(d.getUTCFullYear() + n),
};

const ANCHOR: Record<string, (now: Date) => Date> = {
  now: (now) => new Date(now),
  today: (now) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())),
  startofmonth: (now) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
  startofyear: (now) => new Date(Date.UTC(now.getUTCFullYear(), 0, 1)),
};

/**
 * A fixture time: an ISO string, or an anchor (now, today, startOfMonth, startOfYear; UTC)
 * followed by offsets such as "-2d", "+1y-1d", "+90m" (units m, h, d, mo, y).
 * Returns null for strings that are neither.
 */
export function resolveTime(value: string, now: Date): Date | null {
  const m = /^(now|today|startOfMonth|startOfYear)((?:\s*[+-]\s*\d+\s*(?:mo|m|h|d|y))*)$/i.exec(value.trim());
  if (m) {
    const d = ANCHOR[m[1]!.toLowerCase()]!(now);
    for (const step of m[2]!.matchAll(/([+-])\s*(\d+)\s*(mo|m|h|d|y)/gi)) UNIT[step[3]!.toLowerCase()]!(d, (step[1] === '-' ? -1 : 1) * Number(step[2]));
    return d;
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const withZone = /T/.test(value) && !/([zZ]|[+-]\d\d:?\d\d)$/.test(value) ? `${value}Z` : value;
    const ms = Date.parse(withZone);
    return Number.isNaN(ms) ? null : new Date(ms);
  }
  return null;
}
