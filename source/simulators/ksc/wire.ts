// The simulator's side of the KLOAPI JSON typing (connectors/ksc/README.md §2),
// written independently of the connector's codec so that a codec mistake shows up
// as a protocol failure in tests instead of being mirrored. The simulator is
// strict where the real server is strongly typed: a plain string where a datetime
// wrapper belongs, or an unwrapped container inside an array, is refused.

/** Error codes the simulator uses. KSC documents no code list: every value here is [U]. */
export const PXG = {
  /** Unknown Class.Method. */
  NO_METHOD: 1282,
  /** Argument missing or of the wrong type. */
  BAD_ARGUMENT: 1163,
  /** Unknown or expired accessor / iterator (connectors/ksc/README.md §4: the real code is [U]). */
  NOT_FOUND_ITERATOR: 1169,
  /** Unknown object (virtual server, group, key). */
  NOT_FOUND: 1131,
  /** The call is not allowed in this session. */
  ACCESS_DENIED: 1281,
  /** Injected by the control API. */
  INJECTED: 1950,
} as const;

export class SimPxgError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly module = 'KLSTD',
  ) {
    super(message);
  }

  body(): { PxgError: { code: number; module: string; file: string; line: number; message: string } } {
    return { PxgError: { code: this.code, module: this.module, file: 'ksc-simulator', line: 0, message: this.message } };
  }
}

export function badArgument(message: string): SimPxgError {
  return new SimPxgError(PXG.BAD_ARGUMENT, message);
}

/** "YYYY-MM-DDTHH:MM:SSZ". */
export function wireDateTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export type AttrType = 'str' | 'int' | 'long' | 'bool' | 'datetime' | 'params';

/** One member inside a container: ints, strings and bools plain; long and datetime wrapped. */
export function typedMember(type: AttrType, value: unknown): unknown {
  switch (type) {
    case 'long':
      return { type: 'long', value };
    case 'datetime':
      return { type: 'datetime', value: wireDateTime(value as Date) };
    case 'params':
      return { type: 'params', value };
    default:
      return value;
  }
}

export interface AttrValue {
  type: AttrType;
  value: unknown;
}

/** The body of a params container from attribute values, NULL (null/undefined) fields omitted. */
export function paramsBody(attrs: Record<string, AttrValue | undefined>, fields?: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const names = fields && fields.length > 0 ? fields : Object.keys(attrs);
  for (const name of names) {
    const attr = attrs[name];
    if (!attr || attr.value === null || attr.value === undefined) continue;
    out[name] = typedMember(attr.type, attr.value);
  }
  return out;
}

/** A record as an array element: always a wrapped params container. */
export function wrappedRecord(attrs: Record<string, AttrValue | undefined>, fields?: readonly string[]): unknown {
  return { type: 'params', value: paramsBody(attrs, fields) };
}

// ------------------------------------------------------------------ reading arguments

type Args = Record<string, unknown>;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isWrapper(value: unknown): value is { type: string; value: unknown } {
  return isObject(value) && typeof value.type === 'string' && 'value' in value && Object.keys(value).length === 2;
}

export const arg = {
  string(args: Args, name: string, fallback?: string): string {
    const v = args[name];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'string') throw badArgument(`${name}: string expected`);
    return v;
  },
  /** A top-level int or long: a plain JSON number (a wrapper is wrong at top level). */
  integer(args: Args, name: string, fallback?: number): number {
    const v = args[name];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw badArgument(`${name}: integer expected as a plain JSON number at top level`);
    return v;
  },
  /** A top-level array of strings. */
  strings(args: Args, name: string, optional = false): string[] {
    const v = args[name];
    if (v === undefined && optional) return [];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw badArgument(`${name}: array of strings expected`);
    return v as string[];
  },
  /** A top-level params argument: a bare object (its members typed). */
  params(args: Args, name: string, optional = false): Record<string, unknown> {
    const v = args[name];
    if ((v === undefined || v === null) && optional) return {};
    if (!isObject(v) || isWrapper(v)) throw badArgument(`${name}: params object expected (bare at top level)`);
    return v;
  },
  /** vecFieldsToOrder-style arrays: every element a wrapped params {Name, Asc}. */
  order(args: Args, name: string): Array<{ name: string; asc: boolean }> {
    const v = args[name];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw badArgument(`${name}: array expected`);
    return v.map((element, i) => {
      if (!isWrapper(element) || element.type !== 'params' || !isObject(element.value)) {
        throw badArgument(`${name}[${i}]: containers inside arrays must be {"type":"params","value":{…}}`);
      }
      const inner = element.value;
      if (typeof inner.Name !== 'string') throw badArgument(`${name}[${i}].Name: string expected`);
      if (inner.Asc !== undefined && typeof inner.Asc !== 'boolean') throw badArgument(`${name}[${i}].Asc: bool expected`);
      return { name: inner.Name, asc: inner.Asc !== false };
    });
  },
};

/** Reads a member of a params container strictly by its declared type. */
export const member = {
  datetime(container: Record<string, unknown>, name: string): Date | undefined {
    const v = container[name];
    if (v === undefined) return undefined;
    if (!isWrapper(v) || v.type !== 'datetime' || typeof v.value !== 'string') {
      throw badArgument(`${name}: a datetime inside params must be {"type":"datetime","value":"YYYY-MM-DDTHH:MM:SSZ"}`);
    }
    const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})Z$/.exec(v.value);
    if (!m) throw badArgument(`${name}: datetime value must be "YYYY-MM-DDTHH:MM:SSZ" (no milliseconds), not "${v.value}"`);
    return new Date(`${m[1]}Z`);
  },
  int(container: Record<string, unknown>, name: string): number | undefined {
    const v = container[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw badArgument(`${name}: int expected`);
    return v;
  },
  /** A long member accepts the wrapper (and, leniently, a plain int: int widens). */
  long(container: Record<string, unknown>, name: string): number | undefined {
    const v = container[name];
    if (v === undefined) return undefined;
    if (isWrapper(v) && v.type === 'long' && typeof v.value === 'number') return v.value;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    throw badArgument(`${name}: long expected`);
  },
  string(container: Record<string, unknown>, name: string): string | undefined {
    const v = container[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw badArgument(`${name}: string expected`);
    return v;
  },
  bool(container: Record<string, unknown>, name: string): boolean | undefined {
    const v = container[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') throw badArgument(`${name}: bool expected`);
    return v;
  },
};
