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

// Relative fixture times are shared by the PSA simulators (../fixtureTime.ts).
export { resolveTime } from '../fixtureTime.js';
