// Conformance of recorded requests with a vendor's API description extract
// (fixtures/specs/*.extract.json, source/tools/specExtract.ts), for APIs described by their GET
// operations (the ConnectWise Manage extract holds only GETs). Vendor-neutral: the caller
// passes the extract and the options of its API.
//
// A request conforms when:
// - its path, below the base path, matches a path of the extract: literal segments compare
//   case-insensitively, {id}/{parentId} stand for integers, other {params} for any one segment;
//   the most literal match wins;
// - GET: the path has a GET; POST: the path is a list (its GET answers an array) and not a
//   count; PATCH, PUT, DELETE: the path is one record (its GET answers one object, and its last
//   segment is an id);
// - every query parameter is declared for the path; `fields` names and the field paths of
//   `conditions` / `childConditions` are properties of the answer's model (a count's: the
//   model of the list it counts; references and arrays followed into their models);
// - a POST or PUT body is an object of the answer model's properties, a PATCH body a JSON Patch
//   array whose `path`s are top-level properties (never a path into a reference: vendors such
//   as ConnectWise answer that with a false success) and whose values fit the property; nested
//   objects are checked against their models; values must fit `enum`, `maxLength`, the JSON
//   type, and no `readOnly` property may be written;
// - or it is one of `documentedElsewhere` (a path the vendor documents outside the extract),
//   with its reason.
import type { ExtractedModel, ExtractedProperty, SpecExtract } from '../../source/tools/specExtract.js';
import { templates, type Template } from './swagger.js';

export interface RecordedCall {
  method: string;
  path: string;
  /** Query string as recorded ("?a=b" or ""). */
  query?: string;
  body?: unknown;
}

export interface DocumentedElsewhere {
  method: string;
  /** A path template ({param} for one segment), absolute, or below the base path when `belowBasePath`. */
  path: string;
  belowBasePath: boolean;
  /** Why it is allowed although the extract lacks it. */
  reason: string;
}

export interface OpenApiCheckOptions {
  /** Matches the base path at the start of a request path (default: the extract's basePath, case-insensitive). */
  basePath?: RegExp;
  documentedElsewhere?: readonly DocumentedElsewhere[];
  /** Query parameters that are not the API's own (none by default). */
  ignoreQuery?: readonly string[];
}

const isParam = (s: string) => s.startsWith('{') && s.endsWith('}');
const isIdParam = (s: string) => /^\{(id|parentId|grandParentId)\}$/i.test(s);

function segmentMatches(template: string, actual: string): boolean {
  if (isIdParam(template)) return /^\d+$/.test(actual);
  if (isParam(template)) return actual.length > 0;
  return template.toLowerCase() === actual.toLowerCase();
}

function matchTemplate(spec: SpecExtract, segments: string[]): Template | null {
  let best: { t: Template; params: number } | null = null;
  for (const t of templates(spec).get(segments.length) ?? []) {
    if (!t.segments.every((s, i) => segmentMatches(s, segments[i]!))) continue;
    const params = t.segments.filter(isParam).length;
    if (!best || params < best.params) best = { t, params };
  }
  return best?.t ?? null;
}

function matchesPattern(pattern: string, segments: string[]): boolean {
  const want = pattern.split('/').filter(Boolean);
  return want.length === segments.length && want.every((s, i) => segmentMatches(s, segments[i]!));
}

function model(spec: SpecExtract, name: string | undefined): ExtractedModel | null {
  return name ? (spec.models[name] ?? null) : null;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeFits(prop: ExtractedProperty, value: unknown): boolean {
  if (value === null || prop.type === undefined || prop.type === 'object') return true;
  const t = jsonType(value);
  if (prop.type === 'number') return t === 'number' || t === 'integer';
  return t === prop.type;
}

/** Problems with a value written to one property. */
function checkValue(spec: SpecExtract, prop: ExtractedProperty, value: unknown, where: string, problems: string[], depth: number): void {
  if (prop.readOnly) problems.push(`${where} is read-only`);
  if (!typeFits(prop, value) && !(prop.ref && jsonType(value) === 'object')) problems.push(`${where} should be ${prop.type}, got ${jsonType(value)}`);
  if (prop.enum && value !== null && !prop.enum.includes(value)) problems.push(`${where} is ${JSON.stringify(value)}, not one of ${prop.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  if (prop.maxLength !== undefined && typeof value === 'string' && value.length > prop.maxLength) problems.push(`${where} is ${value.length} characters, at most ${prop.maxLength} allowed`);
  if (depth > 4) return;
  if (prop.ref && value !== null) {
    if (jsonType(value) !== 'object') problems.push(`${where} should be a ${prop.ref} object, got ${jsonType(value)}`);
    else checkObject(spec, prop.ref, value as Record<string, unknown>, where, problems, depth + 1);
  }
  if (prop.items && Array.isArray(value)) {
    value.forEach((entry, i) => {
      if (jsonType(entry) === 'object') checkObject(spec, prop.items!, entry as Record<string, unknown>, `${where}[${i}]`, problems, depth + 1);
    });
  }
}

function checkObject(spec: SpecExtract, modelName: string, body: Record<string, unknown>, where: string, problems: string[], depth = 0): void {
  const m = model(spec, modelName);
  if (!m) {
    problems.push(`${where}: model ${modelName} is not in the extract`);
    return;
  }
  for (const [key, value] of Object.entries(body)) {
    const prop = m.properties[key];
    if (!prop) {
      problems.push(`${where}: "${key}" is not a property of ${modelName}`);
      continue;
    }
    checkValue(spec, prop, value, `${where}.${key}`, problems, depth);
  }
}

/** A field path ("company/id", "types/name") of a model; the problem, or null when it exists. */
function fieldPathProblem(spec: SpecExtract, modelName: string, path: string): string | null {
  let current = model(spec, modelName);
  let name = modelName;
  const parts = path.split('/').filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    if (!current) return `"${path}": model ${name} is not in the extract`;
    const prop = current.properties[parts[i]!] ?? Object.entries(current.properties).find(([k]) => k.toLowerCase() === parts[i]!.toLowerCase())?.[1];
    if (!prop) return `"${path}": "${parts[i]}" is not a property of ${name}`;
    if (i < parts.length - 1) {
      const next = prop.ref ?? prop.items;
      if (!next) return `"${path}": ${name}.${parts[i]} has no fields`;
      name = next;
      current = model(spec, next);
    }
  }
  return null;
}

/** The field paths a condition string compares (quoted strings and [datetimes] removed first). */
export function conditionFields(conditions: string): string[] {
  const bare = conditions.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' _v ').replace(/\[[^\]]*\]/g, ' _v ');
  const out: string[] = [];
  const re = /([A-Za-z_][A-Za-z0-9_]*(?:\/[A-Za-z_][A-Za-z0-9_]*)*)\s*(?:!=|<=|>=|=|<|>|\s(?:not\s+)?(?:contains|like|in)\b)/gi;
  for (const m of bare.matchAll(re)) if (m[1] !== '_v') out.push(m[1]!);
  return out;
}

/** Problems with one request; empty when it conforms. */
export function checkOpenApiRequest(req: RecordedCall, spec: SpecExtract, options: OpenApiCheckOptions = {}): string[] {
  const method = req.method.toUpperCase();
  const label = `${method} ${req.path}`;
  const all = req.path.split('/').filter(Boolean);
  const base = options.basePath ?? new RegExp(`^${spec.basePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=/|$)`, 'i');
  const at = base.exec(req.path);
  const segments = at ? req.path.slice(at[0].length).split('/').filter(Boolean) : null;

  const elsewhere = options.documentedElsewhere?.find((d) => d.method.toUpperCase() === method && (d.belowBasePath ? segments !== null && matchesPattern(d.path, segments) : matchesPattern(d.path, all)));
  if (elsewhere) return [];
  if (!segments) return [`${label}: not under the base path ${spec.basePath}`];

  const template = matchTemplate(spec, segments);
  if (!template) return [`${label}: no such path in the extract`];
  const get = template.item.get;
  if (!get) return [`${label}: ${template.path} has no GET in the extract`];
  const problems: string[] = [];
  const last = template.segments.at(-1)!;
  const isList = get.responseIsArray === true;
  const isCount = last.toLowerCase() === 'count';
  if (method === 'POST' && (!isList || isCount)) problems.push(`${label}: POST only on a list path; ${template.path} answers ${isCount ? 'a count' : 'one record'}`);
  if (['PATCH', 'PUT', 'DELETE'].includes(method) && (isList || !isIdParam(last))) problems.push(`${label}: ${method} only on one record's path; ${template.path} is not one`);
  if (!['GET', 'POST', 'PATCH', 'PUT', 'DELETE'].includes(method)) problems.push(`${label}: method ${method} is not one the API uses`);

  // A count answers {count}; its conditions filter the records of the list it counts.
  const filterModel = isCount ? matchTemplate(spec, segments.slice(0, -1))?.item.get?.response : get.response;
  const declared = new Set(get.query.map((q) => q.toLowerCase()));
  const ignored = new Set((options.ignoreQuery ?? []).map((q) => q.toLowerCase()));
  const query = new URLSearchParams(req.query ?? '');
  for (const [name, value] of query) {
    if (ignored.has(name.toLowerCase())) continue;
    if (!declared.has(name.toLowerCase())) {
      problems.push(`${label}: query parameter "${name}" is not declared for ${template.path}`);
      continue;
    }
    if (!filterModel) continue;
    const lower = name.toLowerCase();
    if (lower === 'fields') {
      for (const f of value.split(',').map((s) => s.trim()).filter(Boolean)) {
        const p = fieldPathProblem(spec, get.response ?? filterModel, f);
        if (p) problems.push(`${label}: fields ${p}`);
      }
    }
    if (lower === 'conditions' || lower === 'childconditions') {
      for (const f of conditionFields(value)) {
        const p = fieldPathProblem(spec, filterModel, f);
        if (p) problems.push(`${label}: ${name} ${p}`);
      }
    }
  }

  const body = req.body;
  if (body === undefined || body === null || body === '') {
    if (method === 'POST' || method === 'PATCH' || method === 'PUT') problems.push(`${label}: a ${method} without a body`);
    return problems;
  }
  if (method === 'GET' || method === 'DELETE') {
    problems.push(`${label}: a ${method} with a body`);
    return problems;
  }
  const modelName = get.response;
  if (!modelName) {
    problems.push(`${label}: the extract names no model for ${template.path}`);
    return problems;
  }
  if (method === 'PATCH') {
    if (!Array.isArray(body)) {
      problems.push(`${label}: a PATCH body must be a JSON Patch array`);
      return problems;
    }
    const m = model(spec, modelName);
    body.forEach((raw, i) => {
      const where = `${label} [${i}]`;
      if (jsonType(raw) !== 'object') {
        problems.push(`${where}: not an operation object`);
        return;
      }
      const op = raw as Record<string, unknown>;
      for (const k of Object.keys(op)) if (!['op', 'path', 'value'].includes(k)) problems.push(`${where}: "${k}" is not part of a JSON Patch operation`);
      if (!['add', 'replace', 'remove'].includes(String(op.op))) problems.push(`${where}: op ${JSON.stringify(op.op)} is not add, replace or remove`);
      if (typeof op.path !== 'string') {
        problems.push(`${where}: path is missing`);
        return;
      }
      const path = op.path.replace(/^\//, '');
      if (path.includes('/')) {
        problems.push(`${where}: path "${op.path}" points into a field; references are replaced whole`);
        return;
      }
      const prop = m?.properties[path];
      if (!prop) {
        problems.push(`${where}: path "${op.path}" is not a property of ${modelName}`);
        return;
      }
      if (op.op !== 'remove') checkValue(spec, prop, op.value, `${where} ${path}`, problems, 0);
    });
    return problems;
  }
  if (jsonType(body) !== 'object') {
    problems.push(`${label}: the body is not a JSON object`);
    return problems;
  }
  checkObject(spec, modelName, body as Record<string, unknown>, label, problems);
  return problems;
}

/**
 * Throws listing every non-conforming request. `exempt` names requests a test sent on purpose
 * to be wrong: they must still fail the check, which proves the checker sees them.
 */
export function assertOpenApiConformance(
  requests: readonly RecordedCall[],
  spec: SpecExtract,
  options: OpenApiCheckOptions & { service: string; exempt?: (r: RecordedCall) => boolean },
): void {
  if (requests.length === 0) throw new Error(`no ${options.service} requests were recorded: the conformance check would prove nothing`);
  const problems = new Set<string>();
  for (const r of requests) {
    const found = checkOpenApiRequest(r, spec, options);
    if (options.exempt?.(r)) {
      if (found.length === 0) problems.add(`${r.method} ${r.path}${r.query ?? ''}: marked as deliberately non-conforming but passes the check`);
      continue;
    }
    for (const p of found) problems.add(p);
  }
  if (problems.size) throw new Error(`${options.service} requests that do not match the API description:\n  ${[...problems].join('\n  ')}`);
}
