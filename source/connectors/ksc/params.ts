// The KLOAPI "params" JSON typing (README §2).
//
// Typing depends on position:
// - top level (method arguments, PxgRetVal, out-params): plain JSON — a long is a
//   number, a datetime is the string "YYYY-MM-DDTHH:MM:SSZ", binary is base64;
// - inside a params container or an array: strongly typed — long, datetime, date,
//   binary, float, double and nested params travel as {"type":…,"value":…}.
//
// Decoding unwraps those wrappers wherever they appear. Encoding needs to know the
// position, so method arguments go through `encodeArgs`, which treats each argument
// as top level and everything nested in it as typed.

/** Wrapper types the server uses inside containers. */
const WRAPPED_TYPES = new Set(['long', 'datetime', 'date', 'binary', 'float', 'double', 'params']);

/** A KSC long as decoded: a number while it is exact, a bigint beyond 2^53. */
export type KscLong = number | bigint;

/** A decoded params container. */
export interface KscParams {
  [name: string]: KscValue;
}

export type KscValue = null | boolean | number | bigint | string | Date | Uint8Array | KscValue[] | KscParams;

/** JSON as it travels on the wire. */
export type KscWire = null | boolean | number | string | KscWire[] | { [name: string]: KscWire };

/**
 * An explicitly typed value for encoding. Inside containers it becomes
 * {"type":…,"value":…}; at top level it becomes the plain JSON form of its type.
 */
export class KscTyped {
  constructor(
    readonly type: 'long' | 'datetime' | 'date' | 'binary' | 'float' | 'double',
    readonly value: number | string,
  ) {}
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** A 64-bit integer: the server is strongly typed, so int64 members must say so. */
export function kscLong(value: number | bigint): KscTyped {
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      // A JSON tree cannot carry it exactly; kmsp never sends such values.
      throw new RangeError(`KSC long ${value} is beyond what kmsp can encode exactly`);
    }
    return new KscTyped('long', Number(value));
  }
  if (!Number.isSafeInteger(value)) throw new RangeError(`KSC long must be a safe integer, not ${value}`);
  return new KscTyped('long', value);
}

export function kscDateTime(value: Date): KscTyped {
  return new KscTyped('datetime', formatKscDateTime(value));
}

/** A calendar date, "YYYY-MM-DD". */
export function kscDate(value: string): KscTyped {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new RangeError(`KSC date must be YYYY-MM-DD, not "${value}"`);
  return new KscTyped('date', value);
}

export function kscBinary(value: Uint8Array): KscTyped {
  return new KscTyped('binary', Buffer.from(value).toString('base64'));
}

export function kscFloat(value: number): KscTyped {
  return new KscTyped('float', value);
}

export function kscDouble(value: number): KscTyped {
  return new KscTyped('double', value);
}

/** "YYYY-MM-DDTHH:MM:SSZ" in UTC; the protocol carries no milliseconds. */
export function formatKscDateTime(value: Date): string {
  if (Number.isNaN(value.getTime())) throw new RangeError('invalid Date cannot be sent to KSC');
  return value.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Parses a KSC datetime; "" (which KlAkOAPI tolerates) and unparsable text give null. */
export function parseKscDateTime(value: string): Date | null {
  if (value === '') return null;
  // Accept the documented form and tolerate fractions or a missing "Z" (treated as UTC).
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value);
  if (!m) return null;
  const date = new Date(`${m[1]}T${m[2]}${m[3] ?? ''}${m[4] ?? 'Z'}`);
  return Number.isNaN(date.getTime()) ? null : date;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

// ------------------------------------------------------------------ decoding

function decodeLong(value: unknown): KscLong {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) {
    const big = BigInt(value);
    return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(big) : big;
  }
  throw new TypeError(`KSC long wrapper holds ${JSON.stringify(value)}`);
}

/** Decodes any value, unwrapping typed wrappers at every depth. */
export function decodeValue(value: unknown): KscValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(decodeValue);
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 2 && typeof obj.type === 'string' && WRAPPED_TYPES.has(obj.type) && 'value' in obj) {
      const inner = obj.value;
      switch (obj.type) {
        case 'long':
          return decodeLong(inner);
        case 'datetime':
          return typeof inner === 'string' ? parseKscDateTime(inner) : null;
        case 'date':
          return typeof inner === 'string' && inner !== '' ? inner : null;
        case 'binary':
          return typeof inner === 'string' ? new Uint8Array(Buffer.from(inner, 'base64')) : null;
        case 'float':
        case 'double':
          return typeof inner === 'number' ? inner : Number(inner);
        case 'params':
          return decodeParams(inner);
      }
    }
    return decodeParams(obj);
  }
  throw new TypeError(`unexpected JSON value of type ${typeof value}`);
}

/** Decodes a params container (a bare object whose members are typed). */
export function decodeParams(value: unknown): KscParams {
  const out: KscParams = {};
  if (!isPlainObject(value)) return out;
  for (const [k, v] of Object.entries(value)) out[k] = decodeValue(v);
  return out;
}

/**
 * JSON.parse for KSC bodies, keeping int64 wrappers exact: JSON.parse would round a
 * 64-bit event_db_id beyond 2^53, and that id is a ticket's dedupe key. Long values
 * of 16+ digits inside {"type":"long","value":N} are quoted before parsing (a match
 * cannot start inside a JSON string: quotes there are escaped).
 */
export function parseKscJson(text: string): unknown {
  const quoted = text
    .replace(/("type"\s*:\s*"long"\s*,\s*"value"\s*:\s*)(-?\d{16,})(?=\s*})/g, '$1"$2"')
    .replace(/("value"\s*:\s*)(-?\d{16,})(\s*,\s*"type"\s*:\s*"long"\s*})/g, '$1"$2"$3');
  return JSON.parse(quoted);
}

// ------------------------------------------------------------------ encoding

function typedInContainer(t: KscTyped): KscWire {
  return { type: t.type, value: t.value };
}

function typedAtTop(t: KscTyped): KscWire {
  return t.value;
}

/** Encodes a value nested in a container or an array: strongly typed. */
export function encodeInContainer(value: unknown): KscWire | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (value instanceof KscTyped) return typedInContainer(value);
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`cannot send ${value} to KSC`);
    // paramInt is 32-bit: a wider integer can only be a long, a fraction only a double.
    if (!Number.isInteger(value)) return { type: 'double', value };
    if (value < INT32_MIN || value > INT32_MAX) return typedInContainer(kscLong(value));
    return value;
  }
  if (typeof value === 'bigint') return typedInContainer(kscLong(value));
  if (value instanceof Date) return typedInContainer(kscDateTime(value));
  if (value instanceof Uint8Array) return typedInContainer(kscBinary(value));
  if (Array.isArray(value)) return value.map((v) => encodeInContainer(v) ?? null);
  if (isPlainObject(value)) return { type: 'params', value: encodeParamsBody(value) };
  throw new TypeError(`cannot encode ${Object.prototype.toString.call(value)} for KSC`);
}

/** The members of a params container, each strongly typed (the container itself bare). */
export function encodeParamsBody(value: Record<string, unknown>): { [name: string]: KscWire } {
  const out: { [name: string]: KscWire } = {};
  for (const [k, v] of Object.entries(value)) {
    const encoded = encodeInContainer(v);
    if (encoded !== undefined) out[k] = encoded;
  }
  return out;
}

/** Encodes one top-level value (a method argument): plain JSON of its type. */
export function encodeTopLevel(value: unknown): KscWire | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (value instanceof KscTyped) return typedAtTop(value);
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`cannot send ${value} to KSC`);
    return value;
  }
  if (typeof value === 'bigint') return typedAtTop(kscLong(value));
  if (value instanceof Date) return formatKscDateTime(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  // A top-level array is plain, but its elements follow the container rules.
  if (Array.isArray(value)) return value.map((v) => encodeInContainer(v) ?? null);
  // A top-level params argument (pParams, pFilter, pInData…) is a bare object with typed members.
  if (isPlainObject(value)) return encodeParamsBody(value);
  throw new TypeError(`cannot encode ${Object.prototype.toString.call(value)} for KSC`);
}

/** Encodes a method's arguments object: each argument is top level. */
export function encodeArgs(args: Record<string, unknown>): { [name: string]: KscWire } {
  const out: { [name: string]: KscWire } = {};
  for (const [k, v] of Object.entries(args)) {
    const encoded = encodeTopLevel(v);
    if (encoded !== undefined) out[k] = encoded;
  }
  return out;
}

// ------------------------------------------------------------------ reading decoded records

/** Typed accessors for decoded records; missing or mistyped fields read as null. */
export const read = {
  string(p: KscParams, name: string): string | null {
    const v = p[name];
    return typeof v === 'string' ? v : null;
  },
  /** int or long (KSC widens some counters between versions). */
  number(p: KscParams, name: string): number | null {
    const v = p[name];
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    return null;
  },
  /** int or long as an exact decimal string (ids). */
  integerText(p: KscParams, name: string): string | null {
    const v = p[name];
    if (typeof v === 'number' && Number.isInteger(v)) return String(v);
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'string' && /^-?\d+$/.test(v)) return v;
    return null;
  },
  boolean(p: KscParams, name: string): boolean | null {
    const v = p[name];
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v !== 0;
    return null;
  },
  /** A datetime; also accepts the top-level plain-string form. */
  date(p: KscParams, name: string): Date | null {
    const v = p[name];
    if (v instanceof Date) return v;
    if (typeof v === 'string') return parseKscDateTime(v);
    return null;
  },
  params(p: KscParams, name: string): KscParams | null {
    const v = p[name];
    return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array) ? (v as KscParams) : null;
  },
  array(p: KscParams, name: string): KscValue[] {
    const v = p[name];
    return Array.isArray(v) ? v : [];
  },
};

/** The params records of an array (iterator pages), skipping anything that is not one. */
export function paramsList(values: readonly KscValue[]): KscParams[] {
  return values.filter((v): v is KscParams => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array));
}
