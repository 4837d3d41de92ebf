// The simulator's query engine: Autotask's QueryModel (connectors/autotask/README.md §2.2) evaluated over
// in-memory records, with the real service's sharp edges (§5 and §7 there):
// - `filter` is mandatory (500 "Value cannot be null. Parameter name: filters");
// - an unknown field is a 500 "Unable to find X in the Y Entity";
// - an unknown operator is silently ignored (the condition matches everything);
// - booleans must be true/false; at most one UDF condition; MaxRecords 1–500.
import { fieldSpec, type EntitySpec, type FieldSpec } from './schema.js';

export type Rec = Record<string, unknown>;

/** A request Autotask would answer with 500 {"errors":[message]}. */
export class AutotaskFault extends Error {
  constructor(
    message: string,
    readonly status = 500,
  ) {
    super(message);
  }
}

const VALUE_OPS = ['eq', 'noteq', 'gt', 'gte', 'lt', 'lte', 'beginswith', 'endswith', 'contains'];
const LIST_OPS = ['in', 'notin'];
const EXIST_OPS = ['exist', 'notexist'];

export interface ParsedQuery {
  predicate: (record: Rec) => boolean;
  maxRecords: number;
  includeFields: string[] | null;
}

/** Reads a key of the QueryModel case-insensitively (clients send "filter", the swagger says "Filter"). */
function key(body: Rec, name: string): unknown {
  const hit = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
  return hit === undefined ? undefined : body[hit];
}

function unableToFind(field: unknown, entity: EntitySpec): AutotaskFault {
  return new AutotaskFault(`Unable to find ${String(field)} in the ${entity.label} Entity`);
}

function timeOf(value: unknown, field: string): number {
  if (typeof value !== 'string' && typeof value !== 'number') throw new AutotaskFault(`Invalid date value for ${field}: ${JSON.stringify(value)}`);
  const text = String(value);
  const withZone = /T/.test(text) && !/([zZ]|[+-]\d\d:?\d\d)$/.test(text) ? `${text}Z` : text;
  const ms = Date.parse(withZone);
  if (Number.isNaN(ms)) throw new AutotaskFault(`Invalid date value for ${field}: ${text}`);
  return ms;
}

function numberOf(value: unknown, field: string): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw new AutotaskFault(`Invalid value for ${field}: ${JSON.stringify(value)}`);
  return n;
}

type Kind = 'number' | 'string' | 'time' | 'bool';

function kindOf(field: FieldSpec | null): Kind {
  if (!field) return 'string'; // UDFs are text
  if (field.type === 'datetime') return 'time';
  if (field.type === 'bool') return 'bool';
  if (field.type === 'string') return 'string';
  return 'number';
}

/** Normalises a filter value to the field's kind; throws the 500 Autotask would send. */
function normalise(value: unknown, kind: Kind, field: string): number | string | boolean {
  if (kind === 'bool') {
    // README §2.2 ([OFF] AT-CALLS): booleans must be true or false; anything else errors.
    if (typeof value !== 'boolean') throw new AutotaskFault(`Invalid boolean value for ${field}: ${JSON.stringify(value)}. Use true or false.`);
    return value;
  }
  if (value === null || value === undefined) throw new AutotaskFault(`Value cannot be null for field ${field}`);
  if (kind === 'number') return numberOf(value, field);
  if (kind === 'time') return timeOf(value, field);
  if (typeof value === 'object') throw new AutotaskFault(`Invalid value for ${field}: ${JSON.stringify(value)}`);
  return String(value).toLowerCase();
}

function recordValue(record: Rec, field: FieldSpec | null, udfName: string | null): unknown {
  if (udfName !== null) {
    const udfs = (record.userDefinedFields as Array<{ name: string; value: unknown }> | undefined) ?? [];
    return udfs.find((u) => u.name.toLowerCase() === udfName.toLowerCase())?.value ?? null;
  }
  return record[field!.name];
}

function recordNormalised(raw: unknown, kind: Kind): number | string | boolean | null {
  if (raw === null || raw === undefined || raw === '') return null;
  if (kind === 'number') return typeof raw === 'number' ? raw : Number(raw);
  if (kind === 'time') return Date.parse(/T/.test(String(raw)) && !/([zZ]|[+-]\d\d:?\d\d)$/.test(String(raw)) ? `${raw}Z` : String(raw));
  if (kind === 'bool') return Boolean(raw);
  return String(raw).toLowerCase();
}

interface Context {
  entity: EntitySpec;
  udfNames: string[];
  udfConditions: number;
  orConditions: number;
}

function compile(item: unknown, ctx: Context): (r: Rec) => boolean {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new AutotaskFault('Invalid filter expression');
  const cond = item as Rec;
  const op = typeof cond.op === 'string' ? cond.op.toLowerCase() : '';
  if (op === 'and' || op === 'or') {
    const items = cond.items;
    if (!Array.isArray(items)) throw new AutotaskFault(`The "${op}" filter needs an items array`);
    const parts = items.map((i) => compile(i, ctx));
    if (op === 'or') ctx.orConditions += parts.length;
    return op === 'and' ? (r) => parts.every((p) => p(r)) : (r) => parts.length === 0 || parts.some((p) => p(r));
  }
  // README §5.1: an invalid operator (e.g. "ne") is silently ignored — the condition matches everything.
  if (![...VALUE_OPS, ...LIST_OPS, ...EXIST_OPS].includes(op)) return () => true;

  const fieldName = cond.field;
  if (typeof fieldName !== 'string' || fieldName === '') throw new AutotaskFault('A filter condition needs a field');
  const isUdf = cond.udf === true;
  let field: FieldSpec | null = null;
  let udfName: string | null = null;
  if (isUdf) {
    ctx.udfConditions++;
    udfName = ctx.udfNames.find((n) => n.toLowerCase() === fieldName.toLowerCase()) ?? null;
    if (udfName === null) throw unableToFind(fieldName, ctx.entity);
  } else {
    field = fieldSpec(ctx.entity, fieldName) ?? null;
    if (!field) throw unableToFind(fieldName, ctx.entity);
    // README §4.5: creatorType and lastActivityPersonType cannot be used in ticket filters.
    if (!field.queryable) throw new AutotaskFault(`The field ${field.name} is not queryable`);
  }
  const kind = kindOf(field);
  const get = (r: Rec) => recordNormalised(recordValue(r, field, udfName), kind);

  if (op === 'exist') return (r) => get(r) !== null;
  if (op === 'notexist') return (r) => get(r) === null;

  if (LIST_OPS.includes(op)) {
    if (!Array.isArray(cond.value)) throw new AutotaskFault(`The ${cond.op} operator needs an array value for ${fieldName}`);
    const values = new Set(cond.value.map((v) => normalise(v, kind, fieldName)));
    return op === 'in' ? (r) => values.has(get(r) as never) : (r) => !values.has(get(r) as never);
  }

  const value = normalise(cond.value, kind, fieldName);
  return (r) => {
    const v = get(r);
    if (op === 'noteq') return v === null || v !== value;
    if (v === null) return false;
    switch (op) {
      case 'eq':
        return v === value;
      case 'gt':
        return v > value;
      case 'gte':
        return v >= value;
      case 'lt':
        return v < value;
      case 'lte':
        return v <= value;
      case 'beginswith':
        return String(v).startsWith(String(value).toLowerCase());
      case 'endswith':
        return String(v).endsWith(String(value).toLowerCase());
      default: // contains
        return String(v).includes(String(value).toLowerCase());
    }
  };
}

/** Parses and validates a QueryModel body for `entity`. */
export function parseQuery(body: unknown, entity: EntitySpec, udfNames: string[]): ParsedQuery {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AutotaskFault('Value cannot be null.\r\nParameter name: queryModel');
  const model = body as Rec;
  const filter = key(model, 'filter');
  // README §5.2 (msp-skills #257): no filter → 500. An empty list is treated the same (UNCONFIRMED).
  if (filter === undefined || filter === null || (Array.isArray(filter) && filter.length === 0)) {
    throw new AutotaskFault('Value cannot be null.\r\nParameter name: filters');
  }
  if (!Array.isArray(filter)) throw new AutotaskFault('Invalid filter: expected an array of conditions');
  const ctx: Context = { entity, udfNames, udfConditions: 0, orConditions: 0 };
  const parts = filter.map((item) => compile(item, ctx));
  // README §2.5: at most one UDF condition per query (message UNCONFIRMED).
  if (ctx.udfConditions > 1) throw new AutotaskFault('Only one user-defined field may be used in a query filter');
  if (ctx.orConditions > 500) throw new AutotaskFault('A query may contain at most 500 OR conditions');

  const max = key(model, 'MaxRecords');
  let maxRecords = 500;
  if (max !== undefined && max !== null) {
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 500) throw new AutotaskFault('MaxRecords must be between 1 and 500');
    maxRecords = max;
  }
  const include = key(model, 'IncludeFields');
  let includeFields: string[] | null = null;
  if (Array.isArray(include) && include.length > 0) {
    includeFields = include.map((name) => {
      if (typeof name === 'string' && name.toLowerCase() === 'userdefinedfields') return 'userDefinedFields';
      const spec = typeof name === 'string' ? fieldSpec(entity, name) : undefined;
      if (!spec) throw unableToFind(name, entity);
      return spec.name;
    });
  }
  return { predicate: (r) => parts.every((p) => p(r)), maxRecords, includeFields };
}

/** A record reduced to IncludeFields (or whole). */
export function project(record: Rec, includeFields: string[] | null): Rec {
  if (!includeFields) return structuredClone(record);
  const out: Rec = {};
  for (const name of includeFields) out[name] = structuredClone(record[name] ?? null);
  return out;
}
