// The KSC search filter (connectors/ksc/README.md §3.2; [D] KSC/16/KSCAPI/a00002.html):
//
//   filter     = "(" filtercomp ")"
//   filtercomp = "&" filter+ / "|" filter+ / "!" filter / item
//   item       = attr ["&" integer] op value        ; attr & n: bit test
//   op         = "=" / "<>" / "<" / ">" / "<=" / ">="
//   value      = integer / "quoted ""string""" (wildcards * ? [a-f] [^a-f] with "=" only)
//              / T"YYYY-MM-DD hh:mm:ss" / CURTIME(±seconds) / 0xHEX / true / false
//
// The practical subset connectors/ksc/README.md §4 calls for; anything else is a PxgError, as a real
// server would refuse a filter it cannot parse.
import { badArgument, type AttrType } from './wire.js';

export type Op = '=' | '<>' | '<' | '>' | '<=' | '>=';

type Literal =
  | { kind: 'int'; value: number }
  | { kind: 'string'; value: string; wildcard: boolean }
  | { kind: 'time'; value: number }
  | { kind: 'bool'; value: boolean };

export type FilterNode =
  | { kind: 'and' | 'or'; items: FilterNode[] }
  | { kind: 'not'; item: FilterNode }
  | { kind: 'cmp'; attr: string; bitmask: number | null; op: Op; value: Literal };

/** What an attribute holds on one host; `groups` is the search-only group-or-descendant set. */
export type FilterValue = { type: AttrType; value: unknown } | { type: 'groups'; value: number[] };

/** Returns the host's value of an attribute, null when the host has none, undefined when the attribute is unknown. */
export type AttributeLookup = (name: string) => FilterValue | null | undefined;

class Parser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly now: number,
  ) {}

  private error(what: string): never {
    throw badArgument(`wstrFilter: ${what} at position ${this.pos} in ${JSON.stringify(this.text)}`);
  }

  private ws(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  private peek(): string {
    return this.text[this.pos] ?? '';
  }

  private expect(ch: string): void {
    this.ws();
    if (this.peek() !== ch) this.error(`"${ch}" expected`);
    this.pos++;
  }

  parse(): FilterNode {
    const node = this.filter();
    this.ws();
    if (this.pos < this.text.length) this.error('unexpected text after the filter');
    return node;
  }

  private filter(): FilterNode {
    this.expect('(');
    this.ws();
    const c = this.peek();
    let node: FilterNode;
    if (c === '&' || c === '|') {
      this.pos++;
      const items: FilterNode[] = [];
      this.ws();
      while (this.peek() === '(') {
        items.push(this.filter());
        this.ws();
      }
      if (items.length === 0) this.error(`"${c}" needs at least one filter`);
      node = { kind: c === '&' ? 'and' : 'or', items };
    } else if (c === '!') {
      this.pos++;
      node = { kind: 'not', item: this.filter() };
    } else {
      node = this.item();
    }
    this.expect(')');
    return node;
  }

  private item(): FilterNode {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    if (!m) this.error('attribute name expected');
    const attr = m[0];
    this.pos += attr.length;
    this.ws();
    let bitmask: number | null = null;
    if (this.peek() === '&') {
      this.pos++;
      this.ws();
      bitmask = this.integer();
      this.ws();
    }
    const op = (['<>', '<=', '>=', '=', '<', '>'] as const).find((o) => this.text.startsWith(o, this.pos));
    if (!op) this.error('operator (=, <>, <, >, <=, >=) expected');
    this.pos += op.length;
    this.ws();
    const value = this.value();
    if (value.kind === 'string' && value.wildcard && op !== '=') this.error('wildcards need the "=" operator');
    return { kind: 'cmp', attr, bitmask, op, value };
  }

  private integer(): number {
    const rest = this.text.slice(this.pos);
    const hex = /^0x([0-9a-fA-F]+)/.exec(rest);
    if (hex) {
      this.pos += hex[0].length;
      return parseInt(hex[1]!, 16);
    }
    const m = /^[+-]?\d+/.exec(rest);
    if (!m) this.error('integer expected');
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private quoted(): string {
    if (this.peek() !== '"') this.error('quoted string expected');
    this.pos++;
    let out = '';
    for (;;) {
      if (this.pos >= this.text.length) this.error('unterminated string');
      const ch = this.text[this.pos]!;
      if (ch === '"') {
        // A quote inside a string is written twice.
        if (this.text[this.pos + 1] === '"') {
          out += '"';
          this.pos += 2;
          continue;
        }
        this.pos++;
        return out;
      }
      out += ch;
      this.pos++;
    }
  }

  private value(): Literal {
    const rest = this.text.slice(this.pos);
    if (rest.startsWith('"')) {
      const value = this.quoted();
      return { kind: 'string', value, wildcard: /[*?[]/.test(value) };
    }
    if (/^T"/.test(rest)) {
      this.pos++;
      const text = this.quoted();
      const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2}):(\d{1,2}):(\d{1,2}))?$/.exec(text.trim());
      if (!m) this.error(`date literal must be T"YYYY-MM-DD hh:mm:ss", not T"${text}"`);
      const [, y, mo, d, h, mi, s] = m;
      return { kind: 'time', value: Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)) };
    }
    const cur = /^CURTIME\(\s*([+-]?\d+)?\s*\)/i.exec(rest);
    if (cur) {
      this.pos += cur[0].length;
      return { kind: 'time', value: Math.floor(this.now / 1000) * 1000 + Number(cur[1] ?? 0) * 1000 };
    }
    const bool = /^(true|false)\b/i.exec(rest);
    if (bool) {
      this.pos += bool[0].length;
      return { kind: 'bool', value: bool[1]!.toLowerCase() === 'true' };
    }
    return { kind: 'int', value: this.integer() };
  }
}

export function parseFilter(text: string, now: number): FilterNode | null {
  if (text.trim() === '') return null;
  return new Parser(text, now).parse();
}

function wildcardRegex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) {
        out += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('^');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = end;
    } else out += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  // KSC compares host names and the like without regard to case.
  return new RegExp(`^${out}$`, 'is');
}

function compare(a: number, b: number, op: Op): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '<>':
      return a !== b;
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    case '>=':
      return a >= b;
  }
}

function boolOf(literal: Literal): boolean | null {
  if (literal.kind === 'bool') return literal.value;
  if (literal.kind === 'int') return literal.value !== 0;
  if (literal.kind === 'string' && /^(true|false|1|0)$/i.test(literal.value)) return /^(true|1)$/i.test(literal.value);
  return null;
}

function numberOf(literal: Literal): number | null {
  if (literal.kind === 'int') return literal.value;
  if (literal.kind === 'bool') return literal.value ? 1 : 0;
  if (literal.kind === 'string' && /^[+-]?\d+$/.test(literal.value.trim())) return Number(literal.value);
  return null;
}

function evaluateCmp(node: Extract<FilterNode, { kind: 'cmp' }>, lookup: AttributeLookup): boolean {
  const attr = lookup(node.attr);
  if (attr === undefined) throw badArgument(`wstrFilter: unknown attribute ${node.attr}`);
  // NULL compares as in SQL: never true.
  if (attr === null || attr.value === null || attr.value === undefined) return false;
  const { op, value: literal } = node;
  const mismatch = (): never => {
    throw badArgument(`wstrFilter: ${node.attr} (${attr.type}) cannot be compared with ${literal.kind === 'string' ? `"${literal.value}"` : literal.kind}`);
  };
  switch (attr.type) {
    case 'groups': {
      const id = numberOf(literal) ?? mismatch();
      const inside = (attr.value as number[]).includes(id);
      if (op === '=') return inside;
      if (op === '<>') return !inside;
      return mismatch();
    }
    case 'int':
    case 'long': {
      let v = Number(attr.value);
      if (node.bitmask !== null) v = Number(BigInt.asUintN(64, BigInt(v)) & BigInt.asUintN(64, BigInt(node.bitmask)));
      return compare(v, numberOf(literal) ?? mismatch(), op);
    }
    case 'bool': {
      const b = boolOf(literal) ?? mismatch();
      if (op === '=') return attr.value === b;
      if (op === '<>') return attr.value !== b;
      return mismatch();
    }
    case 'datetime': {
      if (literal.kind !== 'time') return mismatch();
      return compare(Math.floor((attr.value as Date).getTime() / 1000), Math.floor(literal.value / 1000), op);
    }
    case 'str': {
      const text = String(attr.value);
      if (literal.kind === 'int') return compare(text.localeCompare(String(literal.value)), 0, op);
      if (literal.kind !== 'string') return mismatch();
      if (literal.wildcard) return wildcardRegex(literal.value).test(text);
      const c = text.localeCompare(literal.value, undefined, { sensitivity: 'accent' });
      return compare(c, 0, op);
    }
    default:
      return mismatch();
  }
}

export function evaluate(node: FilterNode | null, lookup: AttributeLookup): boolean {
  if (node === null) return true;
  switch (node.kind) {
    case 'and':
      return node.items.every((n) => evaluate(n, lookup));
    case 'or':
      return node.items.some((n) => evaluate(n, lookup));
    case 'not':
      return !evaluate(node.item, lookup);
    case 'cmp':
      return evaluateCmp(node, lookup);
  }
}

/** Checks every attribute of a filter exists before any host is looked at. */
export function attributesOf(node: FilterNode | null): string[] {
  if (node === null) return [];
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.items.flatMap(attributesOf);
    case 'not':
      return attributesOf(node.item);
    case 'cmp':
      return [node.attr];
  }
}
