// ConnectWise Manage's list filters, as the simulator parses and evaluates them
// (FIXTURE.md › Lists): `conditions`, `childConditions` and `customFieldConditions`,
// plus `orderBy` and `fields`.
//
// Grammar (case-insensitive keywords):
//   expr       := and (OR and)*
//   and        := unary (AND unary)*
//   unary      := NOT unary | '(' expr ')' | comparison
//   comparison := path [NOT] op value
//   op         := = | != | < | <= | > | >= | contains | like | in
//   value      := "text" | 'text' | number | true | false | null | [datetime] | '(' value, … ')' (in)
//   path       := name ('/' name)*            e.g. company/id, board/name, types/id
//
// Records are evaluated as the API renders them (references expanded), so a path such
// as `company/name` reads the company's current name. Field names match case-insensitively;
// strings compare case-insensitively (a SQL Server collation); `like` takes `*` or `%` as
// wildcards. In `conditions` a path may not pass through an array (that is what
// `childConditions` is for); in `childConditions` it must start at one, and a comparison
// holds when any element satisfies it.

export class ConditionError extends Error {}

type Value = string | number | boolean | null | { date: number } | Value[];

type Node =
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'not'; inner: Node }
  | { kind: 'cmp'; path: string[]; op: string; negate: boolean; value: Value };

interface Token {
  type: 'word' | 'string' | 'number' | 'date' | 'op' | '(' | ')' | ',';
  text: string;
  at: number;
}

const OPS = ['<=', '>=', '!=', '<>', '=', '<', '>'];

function tokenize(input: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let text = '';
      while (j < input.length && input[j] !== c) {
        // A doubled quote or a backslash escapes the next character.
        if ((input[j] === '\\' || (input[j] === c && input[j + 1] === c)) && j + 1 < input.length) j++;
        text += input[j];
        j++;
      }
      if (j >= input.length) throw new ConditionError(`unterminated string starting at position ${i + 1}`);
      out.push({ type: 'string', text, at: i });
      i = j + 1;
      continue;
    }
    if (c === '[') {
      const j = input.indexOf(']', i);
      if (j < 0) throw new ConditionError(`unterminated [datetime] starting at position ${i + 1}`);
      out.push({ type: 'date', text: input.slice(i + 1, j).trim(), at: i });
      i = j + 1;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      out.push({ type: c, text: c, at: i });
      i++;
      continue;
    }
    const op = OPS.find((o) => input.startsWith(o, i));
    if (op) {
      out.push({ type: 'op', text: op === '<>' ? '!=' : op, at: i });
      i += op.length;
      continue;
    }
    const num = /^-?\d+(\.\d+)?(?![\w/])/.exec(input.slice(i));
    if (num) {
      out.push({ type: 'number', text: num[0], at: i });
      i += num[0].length;
      continue;
    }
    const word = /^[A-Za-z_][\w.]*(\/[A-Za-z_][\w.]*)*/.exec(input.slice(i));
    if (word) {
      out.push({ type: 'word', text: word[0], at: i });
      i += word[0].length;
      continue;
    }
    throw new ConditionError(`unexpected character "${c}" at position ${i + 1}`);
  }
  return out;
}

class Parser {
  private i = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly allowIn: boolean,
  ) {}

  parse(): Node {
    if (this.tokens.length === 0) throw new ConditionError('empty condition');
    const node = this.expr();
    const rest = this.tokens[this.i];
    if (rest) throw new ConditionError(`unexpected "${rest.text}" at position ${rest.at + 1}`);
    return node;
  }

  private peekWord(word: string): boolean {
    const t = this.tokens[this.i];
    return t?.type === 'word' && t.text.toLowerCase() === word;
  }

  private expr(): Node {
    let left = this.and();
    while (this.peekWord('or')) {
      this.i++;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Node {
    let left = this.unary();
    while (this.peekWord('and')) {
      this.i++;
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): Node {
    const t = this.tokens[this.i];
    if (!t) throw new ConditionError('the condition ends where a comparison was expected');
    if (this.peekWord('not')) {
      this.i++;
      return { kind: 'not', inner: this.unary() };
    }
    if (t.type === '(') {
      this.i++;
      const inner = this.expr();
      if (this.tokens[this.i]?.type !== ')') throw new ConditionError(`missing ")" for the "(" at position ${t.at + 1}`);
      this.i++;
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Node {
    const field = this.tokens[this.i];
    if (field?.type !== 'word' || ['and', 'or', 'not', 'true', 'false', 'null'].includes(field.text.toLowerCase())) {
      throw new ConditionError(`a field name was expected at position ${(field?.at ?? 0) + 1}${field ? ` (found "${field.text}")` : ''}`);
    }
    this.i++;
    let negate = false;
    if (this.peekWord('not')) {
      negate = true;
      this.i++;
    }
    const opToken = this.tokens[this.i];
    let op: string;
    if (opToken?.type === 'op') op = opToken.text;
    else if (opToken?.type === 'word' && ['contains', 'like', 'in'].includes(opToken.text.toLowerCase())) op = opToken.text.toLowerCase();
    else throw new ConditionError(`an operator was expected after "${field.text}"${opToken ? ` (found "${opToken.text}")` : ''}`);
    if (negate && !['contains', 'like', 'in'].includes(op)) throw new ConditionError(`"not" goes with contains, like or in, not "${op}"`);
    if (op === 'in' && !this.allowIn) throw new ConditionError('"in" is not supported here');
    this.i++;
    const value = op === 'in' ? this.list() : this.value();
    return { kind: 'cmp', path: field.text.split('/'), op, negate, value };
  }

  private list(): Value[] {
    const open = this.tokens[this.i];
    if (open?.type !== '(') throw new ConditionError('"in" takes a list in parentheses: in (1, 2, 3)');
    this.i++;
    const values: Value[] = [this.value()];
    while (this.tokens[this.i]?.type === ',') {
      this.i++;
      values.push(this.value());
    }
    if (this.tokens[this.i]?.type !== ')') throw new ConditionError(`missing ")" closing the list at position ${open.at + 1}`);
    this.i++;
    return values;
  }

  private value(): Value {
    const t = this.tokens[this.i];
    if (!t) throw new ConditionError('the condition ends where a value was expected');
    this.i++;
    switch (t.type) {
      case 'string':
        return t.text;
      case 'number':
        return Number(t.text);
      case 'date': {
        const ms = Date.parse(/([zZ]|[+-]\d\d:?\d\d)$/.test(t.text) || !/T/.test(t.text) ? t.text : `${t.text}Z`);
        if (Number.isNaN(ms)) throw new ConditionError(`[${t.text}] is not a datetime`);
        return { date: ms };
      }
      case 'word': {
        const w = t.text.toLowerCase();
        if (w === 'true') return true;
        if (w === 'false') return false;
        if (w === 'null') return null;
        throw new ConditionError(`a value was expected at position ${t.at + 1} (found "${t.text}"; strings go in quotes)`);
      }
      default:
        throw new ConditionError(`a value was expected at position ${t.at + 1} (found "${t.text}")`);
    }
  }
}

export type Mode = 'conditions' | 'childConditions' | 'customFieldConditions';

export type Predicate = (record: Record<string, unknown>) => boolean;

/** Reads a path on a record; arrays fan out (child mode). `known` is false when a field does not exist. */
function resolve(record: unknown, path: string[]): { values: unknown[]; known: boolean; throughArray: boolean } {
  let current: unknown[] = [record];
  let throughArray = false;
  for (let k = 0; k < path.length; k++) {
    const name = path[k]!.toLowerCase();
    const next: unknown[] = [];
    for (const value of current) {
      if (value === null || value === undefined) {
        next.push(null);
        continue;
      }
      if (typeof value !== 'object') return { values: [], known: false, throughArray };
      const key = Object.keys(value).find((x) => x.toLowerCase() === name);
      // lastUpdated filters on _info.lastUpdated, as the API allows.
      if (key === undefined && k === 0 && name === 'lastupdated' && typeof (value as Record<string, unknown>)._info === 'object') {
        next.push(((value as Record<string, unknown>)._info as Record<string, unknown> | null)?.lastUpdated ?? null);
        continue;
      }
      if (key === undefined) {
        // A reference only has the keys it was given; an unknown key on one reads as null.
        if (k > 0) {
          next.push(null);
          continue;
        }
        return { values: [], known: false, throughArray };
      }
      const v = (value as Record<string, unknown>)[key];
      if (Array.isArray(v) && k < path.length - 1) {
        throughArray = true;
        next.push(...v);
      } else next.push(v);
    }
    current = next;
  }
  return { values: current, known: true, throughArray };
}

function lower(v: unknown): string {
  return String(v).toLowerCase();
}

function likePattern(pattern: string): RegExp {
  const body = pattern
    .split('')
    .map((ch) => (ch === '*' || ch === '%' ? '.*' : ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'is');
}

function asMs(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : ms;
}

function compareOne(actual: unknown, op: string, expected: Value): boolean {
  if (expected === null) {
    const isNull = actual === null || actual === undefined || actual === '';
    if (op === '=') return isNull;
    if (op === '!=') return !isNull;
    throw new ConditionError(`null can only be compared with = or !=`);
  }
  if (actual === null || actual === undefined) return op === '!=';
  if (Array.isArray(expected)) return expected.some((e) => compareOne(actual, '=', e));
  if (op === 'contains') return lower(actual).includes(lower(expected as string | number));
  if (op === 'like') return likePattern(String(expected)).test(String(actual));
  let a: number | string | boolean;
  let b: number | string | boolean;
  if (typeof expected === 'object') {
    const ms = asMs(actual);
    if (ms === null) throw new ConditionError(`a [datetime] is compared with a field that is not a date`);
    a = ms;
    b = expected.date;
  } else if (typeof expected === 'number' && typeof actual === 'number') {
    a = actual;
    b = expected;
  } else if (typeof expected === 'number' && typeof actual === 'string' && actual.trim() !== '' && !Number.isNaN(Number(actual))) {
    a = Number(actual);
    b = expected;
  } else if (typeof expected === 'string' && typeof actual === 'number' && expected.trim() !== '' && !Number.isNaN(Number(expected))) {
    a = actual;
    b = Number(expected);
  } else if (typeof expected === 'boolean' || typeof actual === 'boolean') {
    a = lower(actual);
    b = lower(expected);
  } else {
    a = lower(actual);
    b = lower(expected);
  }
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
  throw new ConditionError(`unknown operator ${op}`);
}

function evaluate(node: Node, record: Record<string, unknown>): boolean {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, record) && evaluate(node.right, record);
    case 'or':
      return evaluate(node.left, record) || evaluate(node.right, record);
    case 'not':
      return !evaluate(node.inner, record);
    case 'cmp': {
      const { values } = resolve(record, node.path);
      // Over list children, "=" holds when some child matches and "!=" when none does.
      const hit = node.op === '!=' ? values.every((v) => compareOne(v, '!=', node.value)) : values.some((v) => compareOne(v, node.op, node.value));
      return hit !== node.negate;
    }
  }
}

/** Field paths of a parsed condition, for validation against the entity. */
function paths(node: Node, out: string[][] = []): string[][] {
  if (node.kind === 'cmp') out.push(node.path);
  else if (node.kind === 'not') paths(node.inner, out);
  else {
    paths(node.left, out);
    paths(node.right, out);
  }
  return out;
}

/**
 * Parses a filter. `sample` is a rendered record of the entity (any record: every field is
 * present, null when unset) used to refuse unknown fields; null when the list is empty.
 */
export function compileConditions(text: string, mode: Mode, sample: Record<string, unknown> | null): Predicate {
  const node = new Parser(tokenize(text), mode !== 'childConditions').parse();
  for (const p of paths(node)) {
    if (mode === 'customFieldConditions') {
      if (p.length !== 1 || !['id', 'caption', 'value', 'type'].includes(p[0]!.toLowerCase())) {
        throw new ConditionError(`customFieldConditions compare caption, value, id or type; "${p.join('/')}" is none of them`);
      }
      continue;
    }
    if (!sample) continue;
    const { known, throughArray } = resolve(sample, p);
    if (!known) throw new ConditionError(`unknown field "${p.join('/')}"`);
    if (mode === 'conditions' && throughArray) throw new ConditionError(`"${p.join('/')}" is a list; filter on it with childConditions`);
    if (mode === 'childConditions') {
      const key = Object.keys(sample).find((k) => k.toLowerCase() === p[0]!.toLowerCase());
      if (!key || !Array.isArray(sample[key]) || p.length < 2) throw new ConditionError(`childConditions filter on a list field such as types/id; "${p.join('/')}" is not one`);
    }
  }
  if (mode === 'customFieldConditions') {
    // A record matches when one of its custom fields satisfies the whole condition.
    return (record) => {
      const fields = record.customFields;
      return Array.isArray(fields) && fields.some((f) => typeof f === 'object' && f !== null && evaluate(node, f as Record<string, unknown>));
    };
  }
  return (record) => evaluate(node, record);
}

/** Reads one path of a rendered record for sorting (first value; arrays not allowed). */
function sortValue(record: Record<string, unknown>, path: string[]): unknown {
  return resolve(record, path).values[0] ?? null;
}

export interface OrderKey {
  path: string[];
  desc: boolean;
}

/** `orderBy=name asc, id desc`. */
export function parseOrderBy(text: string, sample: Record<string, unknown> | null): OrderKey[] {
  const keys: OrderKey[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*([A-Za-z_][\w]*(?:\/[A-Za-z_][\w]*)*)(?:\s+(asc|desc))?\s*$/i.exec(part);
    if (!m) throw new ConditionError(`orderBy: "${part.trim()}" is not "field [asc|desc]"`);
    const path = m[1]!.split('/');
    if (sample) {
      const r = resolve(sample, path);
      if (!r.known || r.throughArray) throw new ConditionError(`orderBy: unknown field "${m[1]}"`);
    }
    keys.push({ path, desc: (m[2] ?? 'asc').toLowerCase() === 'desc' });
  }
  return keys;
}

function compareForSort(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const x = String(a).toLowerCase();
  const y = String(b).toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

export function sortRecords<T extends Record<string, unknown>>(records: T[], keys: OrderKey[]): T[] {
  return [...records].sort((a, b) => {
    for (const k of keys) {
      const c = compareForSort(sortValue(a, k.path), sortValue(b, k.path));
      if (c !== 0) return k.desc ? -c : c;
    }
    return Number(a.id) - Number(b.id);
  });
}

/** `fields=id,name,status/id`: the record with only those fields (nested paths keep their parents). Unknown paths are left out. */
export function projectFields(record: Record<string, unknown>, fields: string[] | null): Record<string, unknown> {
  if (!fields) return record;
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const path = f.split('/').filter(Boolean);
    let src: unknown = record;
    let dst: Record<string, unknown> = out;
    for (let k = 0; k < path.length; k++) {
      if (typeof src !== 'object' || src === null || Array.isArray(src)) break;
      const key = Object.keys(src).find((x) => x.toLowerCase() === path[k]!.toLowerCase());
      if (key === undefined) break;
      const v = (src as Record<string, unknown>)[key];
      if (k === path.length - 1 || v === null || typeof v !== 'object' || Array.isArray(v)) {
        if (k === path.length - 1) dst[key] = v;
        break;
      }
      dst[key] = typeof dst[key] === 'object' && dst[key] !== null ? dst[key] : {};
      dst = dst[key] as Record<string, unknown>;
      src = v;
    }
  }
  return out;
}
