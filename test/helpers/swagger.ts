// Conformance of recorded Autotask requests with the vendor's Swagger 2.0 file, as
// extracted into fixtures/specs/autotask-rest-v1.extract.json (see fixtures/specs/README.md).
//
// For each request: the path (below basePath /ATServicesRest, ids standing for
// {id}/{parentId}) must exist with that method, compared case-insensitively; the
// body's top-level fields must be properties of the operation's body model
// (PascalCase in the file, camelCase on the wire: compared case-insensitively);
// for query bodies (QueryModel) the filter's fields and IncludeFields must be
// properties of the queried entity's model; string fields must fit the model's
// maxLength when it declares one. Paging links (`…/query/next?paging=`) are not in
// the file: they replay the query, so they are checked as POST …/query with the same body.
import { readFileSync } from 'node:fs';
import type { ExtractedOperation, SpecExtract } from '../../source/tools/specExtract.js';

export { parseVendorJson as parseLenient } from '../../source/tools/specExtract.js';

export type Swagger = SpecExtract;

export interface CheckedRequest {
  method: string;
  path: string;
  /** Query string as recorded ("?user=…" or ""). */
  query?: string;
  body?: unknown;
}

const loaded = new Map<string, SpecExtract>();

/** A vendor spec extract shipped under fixtures/specs/ (e.g. "autotask-rest-v1", "connectwise-manage-get-subset"). */
export function loadSpecExtract(name: string): SpecExtract {
  let spec = loaded.get(name);
  if (!spec) {
    spec = JSON.parse(readFileSync(new URL(`../../fixtures/specs/${name}.extract.json`, import.meta.url), 'utf8')) as SpecExtract;
    loaded.set(name, spec);
  }
  return spec;
}

export function loadAutotaskSwagger(): SpecExtract {
  return loadSpecExtract('autotask-rest-v1');
}

export interface Template {
  path: string;
  segments: string[];
  item: Record<string, ExtractedOperation>;
}

const templateCache = new WeakMap<Swagger, Map<number, Template[]>>();

/** A spec's path templates by their number of segments (cached per spec): what request paths are matched against. */
export function templates(spec: Swagger): Map<number, Template[]> {
  let byLength = templateCache.get(spec);
  if (!byLength) {
    byLength = new Map();
    for (const [path, item] of Object.entries(spec.paths)) {
      const segments = path.split('/').filter(Boolean);
      const list = byLength.get(segments.length) ?? [];
      list.push({ path, segments, item });
      byLength.set(segments.length, list);
    }
    templateCache.set(spec, byLength);
  }
  return byLength;
}

/** The swagger template for concrete segments: literals match case-insensitively, {params} match integer ids. Literal matches win. */
function matchTemplate(spec: Swagger, segments: string[]): Template | null {
  let best: { t: Template; params: number } | null = null;
  for (const t of templates(spec).get(segments.length) ?? []) {
    let params = 0;
    const ok = t.segments.every((s, i) => {
      if (s.startsWith('{') && s.endsWith('}')) {
        params++;
        return /^\d+$/.test(segments[i]!);
      }
      return s.toLowerCase() === segments[i]!.toLowerCase();
    });
    if (ok && (!best || params < best.params)) best = { t, params };
  }
  return best?.t ?? null;
}

function propertySet(spec: Swagger, definition: string): Set<string> {
  return new Set(Object.keys(spec.models[definition]?.properties ?? {}).map((k) => k.toLowerCase()));
}

/** String fields longer than the model's maxLength (the vendor truncates or refuses them). */
function lengthProblems(spec: SpecExtract, definition: string, body: Record<string, unknown>, label: string): string[] {
  const problems: string[] = [];
  const byName = new Map(Object.entries(spec.models[definition]?.properties ?? {}).map(([name, p]) => [name.toLowerCase(), p]));
  for (const [k, v] of Object.entries(body)) {
    const max = byName.get(k.toLowerCase())?.maxLength;
    if (typeof v === 'string' && max !== undefined && v.length > max) problems.push(`${label}: body field "${k}" is ${v.length} characters, ${definition} allows ${max}`);
  }
  return problems;
}

function checkFilter(items: unknown, filterProps: Set<string>, entityProps: Set<string>, entityName: string, label: string, problems: string[]): void {
  if (!Array.isArray(items)) {
    problems.push(`${label}: filter is not an array`);
    return;
  }
  for (const item of items) {
    if (typeof item !== 'object' || item === null) {
      problems.push(`${label}: filter entry ${JSON.stringify(item)} is not an object`);
      continue;
    }
    const cond = item as Record<string, unknown>;
    for (const k of Object.keys(cond)) if (!filterProps.has(k.toLowerCase())) problems.push(`${label}: filter key "${k}" is not a property of Filter`);
    if (Array.isArray(cond.items)) checkFilter(cond.items, filterProps, entityProps, entityName, label, problems);
    // UDF names are tenant-defined: they cannot be in the file.
    if (typeof cond.field === 'string' && cond.udf !== true && !entityProps.has(cond.field.toLowerCase())) {
      problems.push(`${label}: filter field "${cond.field}" is not a property of ${entityName}`);
    }
  }
}

/** Problems with one request; empty when it conforms. */
export function checkAutotaskRequest(req: CheckedRequest, spec: Swagger = loadAutotaskSwagger()): string[] {
  const problems: string[] = [];
  const label = `${req.method} ${req.path}`;
  const base = spec.basePath.toLowerCase();
  const at = req.path.toLowerCase().indexOf(`${base}/`);
  if (at < 0) return [`${label}: not under basePath ${spec.basePath}`];
  let segments = req.path.slice(at + base.length).split('/').filter(Boolean);
  const isNext = segments.length >= 2 && segments.at(-1)!.toLowerCase() === 'next' && segments.at(-2)!.toLowerCase() === 'query';
  if (isNext) segments = segments.slice(0, -1);
  const template = matchTemplate(spec, segments);
  if (!template) return [`${label}: no such path in the swagger`];
  const method = req.method.toLowerCase();
  const op = template.item[method];
  if (!op) return [`${label}: ${template.path} has no ${req.method} (has ${Object.keys(template.item).join(', ')})`];
  if (isNext && method !== 'post') problems.push(`${label}: paging links must be POSTed`);

  if (!isNext && req.query) {
    const declared = new Set(op.query.map((name) => name.toLowerCase()));
    for (const name of new URLSearchParams(req.query).keys()) {
      if (!declared.has(name.toLowerCase())) problems.push(`${label}: query parameter "${name}" is not declared for ${template.path}`);
    }
  }

  const body = req.body;
  // A next page may be POSTed without a body (GO does); kmsp re-sends the query.
  const emptyObject = typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0;
  if (body === undefined || body === null || (isNext && emptyObject)) return problems;
  const definition = op.body;
  if (!definition) {
    problems.push(`${label}: sends a body but ${req.method} ${template.path} takes none`);
    return problems;
  }
  if (typeof body !== 'object' || Array.isArray(body)) {
    problems.push(`${label}: body is not a JSON object`);
    return problems;
  }
  const props = propertySet(spec, definition);
  for (const k of Object.keys(body)) if (!props.has(k.toLowerCase())) problems.push(`${label}: body field "${k}" is not a property of ${definition}`);
  problems.push(...lengthProblems(spec, definition, body as Record<string, unknown>, label));

  const record = body as Record<string, unknown>;
  if (definition === 'QueryModel') {
    // The queried entity's model: what POST …/{E}/query answers.
    const queryIndex = segments.findIndex((s) => s.toLowerCase() === 'query');
    const queryTemplate = matchTemplate(spec, segments.slice(0, queryIndex + 1));
    const entity = queryTemplate?.item.post?.response;
    if (!entity) {
      problems.push(`${label}: cannot tell which entity is queried`);
      return problems;
    }
    const entityProps = propertySet(spec, entity);
    const filterKey = Object.keys(record).find((k) => k.toLowerCase() === 'filter');
    if (filterKey) checkFilter(record[filterKey], propertySet(spec, 'Filter'), entityProps, entity, label, problems);
    const includeKey = Object.keys(record).find((k) => k.toLowerCase() === 'includefields');
    if (includeKey && Array.isArray(record[includeKey])) {
      for (const f of record[includeKey] as unknown[]) {
        if (typeof f !== 'string' || !entityProps.has(f.toLowerCase())) problems.push(`${label}: IncludeFields entry "${String(f)}" is not a property of ${entity}`);
      }
    }
    return problems;
  }
  const udfKey = Object.keys(record).find((k) => k.toLowerCase() === 'userdefinedfields');
  if (udfKey && Array.isArray(record[udfKey])) {
    const udfProps = propertySet(spec, 'UserDefinedField');
    for (const u of record[udfKey] as unknown[]) {
      if (typeof u !== 'object' || u === null) continue;
      for (const k of Object.keys(u)) if (!udfProps.has(k.toLowerCase())) problems.push(`${label}: userDefinedFields entry key "${k}" is not a property of UserDefinedField`);
    }
  }
  return problems;
}

/**
 * Throws listing every non-conforming request. `exempt` names requests a test sent
 * on purpose to provoke an error (they are still required to fail the check, which
 * proves the checker sees them).
 */
export function assertAutotaskConformance(requests: readonly CheckedRequest[], options: { exempt?: (r: CheckedRequest) => boolean } = {}): void {
  if (requests.length === 0) throw new Error('no Autotask requests were recorded: the conformance check would prove nothing');
  const spec = loadAutotaskSwagger();
  const problems = new Set<string>();
  for (const r of requests) {
    const found = checkAutotaskRequest(r, spec);
    if (options.exempt?.(r)) {
      if (found.length === 0) problems.add(`${r.method} ${r.path}${r.query ?? ''}: marked as deliberately non-conforming but passes the check`);
      continue;
    }
    for (const p of found) problems.add(p);
  }
  if (problems.size) throw new Error(`Autotask requests that do not match the swagger:\n  ${[...problems].join('\n  ')}`);
}
