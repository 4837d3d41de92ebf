// Tigerpaw's wire shapes (PascalCase JSON, every field nullable: README §2) and the small decoders
// that turn untrusted JSON into what kmsp reads. A record that lacks a field kmsp needs is a
// protocol error, never a silent default.
import { KmspError } from '../../domain/errors.js';
import { DATETIME_WITHOUT_OFFSET_IS_UTC } from './assumptions.js';

export type WireRecord = Record<string, unknown>;

export function protocolError(what: string, detail: string): KmspError {
  return new KmspError(`Tigerpaw answered ${what} in an unexpected shape`, {
    kind: 'protocol',
    cause: detail,
    remedy: 'Check that the REST API URL points at the Tigerpaw REST host (the site that serves /api/… and /docs/index); if it does, report this to the kmsp maintainers with the detail.',
  });
}

const show = (v: unknown): string => (JSON.stringify(v) ?? String(v)).slice(0, 80);

export function asRecord(value: unknown, what: string): WireRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw protocolError(what, `expected an object, got ${show(value)}`);
  return value as WireRecord;
}

export function asArray(value: unknown, what: string): WireRecord[] {
  if (!Array.isArray(value)) throw protocolError(what, `expected a list, got ${show(value)}`);
  return value.map((v) => asRecord(v, what));
}

/** A list that may be absent (null or missing: empty). */
export function optArray(r: WireRecord, name: string, what: string): WireRecord[] {
  const v = r[name];
  if (v === undefined || v === null) return [];
  return asArray(v, `${what} (${name})`);
}

export function num(r: WireRecord, name: string, what: string): number {
  const v = r[name];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw protocolError(what, `field ${name} should be a number, got ${show(v)}`);
  return v;
}

export function optNum(r: WireRecord, name: string, what: string): number | null {
  const v = r[name];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw protocolError(what, `field ${name} should be a number, got ${show(v)}`);
  return v;
}

export function str(r: WireRecord, name: string, what: string): string {
  const v = r[name];
  if (typeof v !== 'string') throw protocolError(what, `field ${name} should be text, got ${show(v)}`);
  return v;
}

export function optStr(r: WireRecord, name: string, what: string): string | null {
  const v = r[name];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw protocolError(what, `field ${name} should be text, got ${show(v)}`);
  return v;
}

/** A nested object that may be absent. */
export function optRecord(r: WireRecord, name: string, what: string): WireRecord | null {
  const v = r[name];
  if (v === undefined || v === null) return null;
  return asRecord(v, `${what} (${name})`);
}

export function record(r: WireRecord, name: string, what: string): WireRecord {
  const v = optRecord(r, name, what);
  if (!v) throw protocolError(what, `field ${name} is missing`);
  return v;
}

/** Flags Tigerpaw leaves null when false read as false. */
export function flag(r: WireRecord, name: string, what: string): boolean {
  const v = r[name];
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw protocolError(what, `field ${name} should be true or false, got ${show(v)}`);
  return v;
}

const CALENDAR = /^(\d{4}-\d{2}-\d{2})/;

/** The calendar date of a Tigerpaw date or datetime ("2026-01-01T00:00:00" → "2026-01-01"). */
export function calendarPart(value: string | null): string | null {
  if (!value) return null;
  const m = CALENDAR.exec(value);
  return m ? m[1]! : null;
}

/** A Tigerpaw datetime as a Date (README §2.4); null for missing or unreadable. */
export function parseDateTime(value: string | null): Date | null {
  if (!value) return null;
  const hasZone = /[zZ]$|[+-]\d{2}:?\d{2}$/.test(value);
  const text = hasZone || !DATETIME_WITHOUT_OFFSET_IS_UTC ? value : `${value}Z`;
  const t = Date.parse(text);
  return Number.isNaN(t) ? null : new Date(t);
}

/** A Date as kmsp sends it: UTC, whole seconds, "Z" (README §2.4). */
export function toDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** The OptionalDateTime wrapper of create/update models: {DateTime: "…"} (README §2.4). */
export function optionalDateTime(date: Date): { DateTime: string } {
  return { DateTime: toDateTime(date) };
}
