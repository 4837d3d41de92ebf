// ConnectWise Manage's wire shapes (camelCase JSON, README §2) and the small decoders that
// turn untrusted JSON into what kmsp reads. A record that lacks a field kmsp needs is a
// protocol error, never a silent default.
import { KmspError } from '../../domain/errors.js';

export type WireRecord = Record<string, unknown>;

/** A reference to another record as ConnectWise nests it: {id, name, …, _info}. */
export interface WireReference {
  id: number;
  name: string | null;
}

export interface WireCustomField {
  id: number;
  caption: string;
  value: unknown;
  /** Every property as read, so a PATCH of the whole array sends each entry back unchanged. */
  raw: WireRecord;
}

function protocol(what: string, detail: string): KmspError {
  return new KmspError(`ConnectWise answered ${what} in an unexpected shape`, {
    kind: 'protocol',
    cause: detail,
    remedy: 'Check that the site URL points at the ConnectWise Manage API host (cloud: https://api-na.myconnectwise.net or your region); if it does, report this to the kmsp maintainers with the detail.',
  });
}

const show = (v: unknown): string => (JSON.stringify(v) ?? String(v)).slice(0, 80);

export function asRecord(value: unknown, what: string): WireRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw protocol(what, `expected an object, got ${show(value)}`);
  return value as WireRecord;
}

export function asArray(value: unknown, what: string): WireRecord[] {
  if (!Array.isArray(value)) throw protocol(what, `expected a list, got ${show(value)}`);
  return value.map((v) => asRecord(v, what));
}

export function num(r: WireRecord, name: string, what: string): number {
  const v = r[name];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw protocol(what, `field ${name} should be a number, got ${show(v)}`);
  return v;
}

export function optNum(r: WireRecord, name: string, what: string): number | null {
  const v = r[name];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw protocol(what, `field ${name} should be a number, got ${show(v)}`);
  return v;
}

export function str(r: WireRecord, name: string, what: string): string {
  const v = r[name];
  if (typeof v !== 'string') throw protocol(what, `field ${name} should be text, got ${show(v)}`);
  return v;
}

export function optStr(r: WireRecord, name: string, what: string): string | null {
  const v = r[name];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw protocol(what, `field ${name} should be text, got ${show(v)}`);
  return v;
}

/** Flags ConnectWise leaves out when false read as false. */
export function flag(r: WireRecord, name: string, what: string): boolean {
  const v = r[name];
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw protocol(what, `field ${name} should be true or false, got ${show(v)}`);
  return v;
}

export function optRef(r: WireRecord, name: string, what: string): WireReference | null {
  const v = r[name];
  if (v === undefined || v === null) return null;
  const ref = asRecord(v, `${what} (${name})`);
  return { id: num(ref, 'id', `${what} (${name})`), name: optStr(ref, 'name', `${what} (${name})`) };
}

export function ref(r: WireRecord, name: string, what: string): WireReference {
  const v = optRef(r, name, what);
  if (!v) throw protocol(what, `field ${name} is missing`);
  return v;
}

export function refList(r: WireRecord, name: string, what: string): WireReference[] {
  const v = r[name];
  if (v === undefined || v === null) return [];
  return asArray(v, `${what} (${name})`).map((e) => ({ id: num(e, 'id', `${what} (${name})`), name: optStr(e, 'name', `${what} (${name})`) }));
}

export function numList(r: WireRecord, name: string, what: string): number[] {
  const v = r[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((e) => typeof e !== 'number')) throw protocol(what, `field ${name} should be a list of numbers, got ${show(v)}`);
  return v as number[];
}

export function customFields(r: WireRecord, what: string): WireCustomField[] {
  const v = r.customFields;
  if (v === undefined || v === null) return [];
  return asArray(v, `${what} (customFields)`).map((e) => ({
    id: num(e, 'id', `${what} (customFields)`),
    caption: str(e, 'caption', `${what} (customFields)`),
    value: e.value,
    raw: e,
  }));
}

/** A custom field's value as kmsp shows it: text, or null when empty. */
export function customFieldText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** `_info` entries (lastUpdated, dateEntered, …) as text. */
export function info(r: WireRecord, name: string): string | null {
  const i = r._info;
  if (typeof i !== 'object' || i === null) return null;
  const v = (i as WireRecord)[name];
  return typeof v === 'string' ? v : null;
}

const CALENDAR = /^(\d{4}-\d{2}-\d{2})/;

/** The calendar date of a ConnectWise date or datetime ("2025-01-01T00:00:00Z" → "2025-01-01"). */
export function calendarPart(value: string | null): string | null {
  if (!value) return null;
  const m = CALENDAR.exec(value);
  return m ? m[1]! : null;
}

/** A ConnectWise datetime (UTC, README §2.5) as a Date; null for missing or unreadable. */
export function parseUtc(value: string | null): Date | null {
  if (!value) return null;
  const withZone = /[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`;
  const t = Date.parse(withZone);
  return Number.isNaN(t) ? null : new Date(t);
}

/** A Date in ConnectWise's datetime form: UTC, whole seconds, "Z" (README §2.5). */
export function toUtc(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** A calendar date (YYYY-MM-DD) as the midnight datetime ConnectWise stores date-only values as (README §2.5). */
export function dateOnly(date: string): string {
  return `${date}T00:00:00Z`;
}
