// Autotask's wire shapes (camelCase JSON, README §2.1) and the small decoders that
// turn untrusted JSON into them. Only the fields kmsp reads are typed; a record
// that lacks a field we need is a protocol error, not a silent default.
import { KmspError } from '../../domain/errors.js';

export interface WireUdf {
  name: string;
  value: string | null;
}

export interface WirePicklistValue {
  value: string;
  label: string;
  isDefaultValue?: boolean;
  sortOrder?: number;
  parentValue?: string | null;
  isActive?: boolean;
  isSystem?: boolean;
}

export interface WireFieldInfo {
  name: string;
  dataType?: string;
  length?: number;
  isRequired?: boolean;
  isReadOnly?: boolean;
  isQueryable?: boolean;
  isPickList?: boolean;
  picklistValues?: WirePicklistValue[] | null;
  picklistParentValueField?: string | null;
}

export interface WireUdfDefinition {
  name: string;
  label?: string;
  type?: string;
  length?: number;
}

export interface WireZone {
  zoneName: string;
  url: string;
  webUrl?: string;
  ci?: number;
}

export interface WireThreshold {
  externalRequestThreshold: number;
  requestThresholdTimeframe: number;
  currentTimeframeRequestCount: number;
}

export interface PageDetails {
  count?: number;
  requestCount?: number;
  prevPageUrl?: string | null;
  nextPageUrl?: string | null;
}

export type WireRecord = Record<string, unknown>;

function protocol(what: string, detail: string): KmspError {
  return new KmspError(`Autotask answered ${what} in an unexpected shape`, {
    kind: 'protocol',
    cause: detail,
    remedy: 'Check that the zone URL points at the Autotask REST API (…/atservicesrest/); if it does, report this to the kmsp maintainers with the detail.',
  });
}

export function asRecord(value: unknown, what: string): WireRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw protocol(what, `expected an object, got ${JSON.stringify(value)?.slice(0, 80)}`);
  return value as WireRecord;
}

export function field<T>(record: WireRecord, name: string, what: string, check: (v: unknown) => v is T, kind: string): T {
  const value = record[name];
  if (!check(value)) throw protocol(what, `field ${name} should be ${kind}, got ${JSON.stringify(value)?.slice(0, 80)}`);
  return value;
}

export const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isString = (v: unknown): v is string => typeof v === 'string';
export const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
export const isOptNumber = (v: unknown): v is number | null | undefined => v === null || v === undefined || isNumber(v);
export const isOptString = (v: unknown): v is string | null | undefined => v === null || v === undefined || isString(v);

export function num(record: WireRecord, name: string, what: string): number {
  return field(record, name, what, isNumber, 'a number');
}

export function optNum(record: WireRecord, name: string, what: string): number | null {
  return field(record, name, what, isOptNumber, 'a number or null') ?? null;
}

export function str(record: WireRecord, name: string, what: string): string {
  return field(record, name, what, isString, 'a string');
}

export function optStr(record: WireRecord, name: string, what: string): string | null {
  return field(record, name, what, isOptString, 'a string or null') ?? null;
}

/** Booleans that a tenant may leave empty count as false (e.g. isActive on old records). */
export function bool(record: WireRecord, name: string, what: string): boolean {
  const value = record[name];
  if (value === null || value === undefined) return false;
  if (!isBool(value)) throw protocol(what, `field ${name} should be true or false, got ${JSON.stringify(value)}`);
  return value;
}

export function udfs(record: WireRecord, what: string): WireUdf[] {
  const raw = record.userDefinedFields;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw protocol(what, 'userDefinedFields should be an array');
  return raw.map((u) => {
    const r = asRecord(u, what);
    const value = r.value;
    return { name: str(r, 'name', what), value: value === null || value === undefined ? null : String(value) };
  });
}

/**
 * An Autotask datetime ("2019-08-18T01:00:00.000Z"; README §2.6: UTC in and out) as a Date.
 * A value without a zone designator is UTC too.
 */
export function parseUtc(value: string | null): Date | null {
  if (!value) return null;
  const withZone = /([zZ]|[+-]\d\d:?\d\d)$/.test(value) ? value : `${value}Z`;
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** The calendar date of a date-only field (README §2.6: kept as sent, midnight). */
export function calendarPart(value: string | null): string | null {
  if (!value) return null;
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(value);
  return m ? m[1]! : null;
}

export function items(body: unknown, what: string): { items: WireRecord[]; pageDetails: PageDetails | null } {
  const r = asRecord(body, what);
  if (!Array.isArray(r.items)) throw protocol(what, 'the answer has no items array');
  const details = r.pageDetails === undefined || r.pageDetails === null ? null : (asRecord(r.pageDetails, what) as PageDetails);
  return { items: r.items.map((i) => asRecord(i, what)), pageDetails: details };
}

export function item(body: unknown, what: string): WireRecord | null {
  const r = asRecord(body, what);
  if (!('item' in r)) throw protocol(what, 'the answer has no item');
  return r.item === null ? null : asRecord(r.item, what);
}

export function itemId(body: unknown, what: string): number {
  const r = asRecord(body, what);
  return num(r, 'itemId', what);
}

/** The array under `key` (e.g. entityInformation's {"fields":[…]}), each entry an object. */
export function list(body: unknown, key: string, what: string): WireRecord[] {
  const r = asRecord(body, what);
  const value = r[key];
  if (!Array.isArray(value)) throw protocol(what, `the answer has no ${key} array`);
  return value.map((v) => asRecord(v, what));
}
