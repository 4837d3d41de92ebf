// Extracts from a vendor's API description (Swagger 2.0 or OpenAPI 3) the facts the
// conformance tests check recorded requests against: each path and method, its query
// parameters, its body and response models, and each model's property names with the
// constraints a request can break (maxLength, enum, readOnly, required). Vendor files
// are megabytes of descriptions and examples that a clone does not need; the extract
// is what ships under fixtures/specs/, regenerated with `npm run specs:extract -- FILE`.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ExtractedOperation {
  /** Names of the query parameters the operation declares. */
  query: string[];
  /** Model of the request body, when it takes one. */
  body?: string;
  /** Model of the 200 answer (the item model for an array answer). */
  response?: string;
  /** True when the 200 answer is an array of `response`. */
  responseIsArray?: boolean;
}

export interface ExtractedProperty {
  type?: string;
  ref?: string;
  items?: string;
  maxLength?: number;
  enum?: unknown[];
  readOnly?: boolean;
}

export interface ExtractedModel {
  properties: Record<string, ExtractedProperty>;
  required?: string[];
}

export interface SpecExtract {
  source: { file: string; format: string; title: string; version: string; sha256: string };
  basePath: string;
  paths: Record<string, Record<string, ExtractedOperation>>;
  models: Record<string, ExtractedModel>;
}

type Json = Record<string, unknown>;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** JSON.parse after removing a BOM; vendor files carry raw control characters inside strings, which strict JSON refuses. */
export function parseVendorJson(text: string): unknown {
  const clean = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(clean);
  } catch (first) {
    let out = '';
    let inString = false;
    for (let i = 0; i < clean.length; i++) {
      const ch = clean[i]!;
      if (inString) {
        if (ch === '\\') {
          out += ch + (clean[i + 1] ?? '');
          i++;
          continue;
        }
        if (ch === '"') inString = false;
        const code = ch.charCodeAt(0);
        out += code < 0x20 ? `\\u${code.toString(16).padStart(4, '0')}` : ch;
      } else {
        if (ch === '"') inString = true;
        out += ch;
      }
    }
    try {
      return JSON.parse(out);
    } catch {
      throw first;
    }
  }
}

function asObject(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function refName(ref: unknown): string | undefined {
  if (typeof ref !== 'string') return undefined;
  const at = ref.lastIndexOf('/');
  return at >= 0 ? ref.slice(at + 1) : undefined;
}

/** The model a schema names, directly or as the items of an array. */
function schemaModel(schema: unknown): { model?: string; array: boolean } {
  const s = asObject(schema);
  if (s.$ref) return { model: refName(s.$ref), array: false };
  if (s.type === 'array') return { model: refName(asObject(s.items).$ref), array: true };
  return { array: false };
}

/** OpenAPI 3 puts schemas under content by media type; any JSON one will do (they are the same model). */
function contentSchema(holder: unknown): unknown {
  const content = asObject(asObject(holder).content);
  const first = Object.values(content)[0];
  return first === undefined ? undefined : asObject(first).schema;
}

function property(raw: unknown): ExtractedProperty {
  const p = asObject(raw);
  const out: ExtractedProperty = {};
  const ref = refName(p.$ref) ?? refName(asObject((p.allOf as unknown[] | undefined)?.[0]).$ref);
  if (ref) out.ref = ref;
  if (typeof p.type === 'string') out.type = p.type;
  const items = refName(asObject(p.items).$ref);
  if (items) out.items = items;
  if (typeof p.maxLength === 'number') out.maxLength = p.maxLength;
  if (Array.isArray(p.enum)) out.enum = p.enum;
  if (p.readOnly === true) out.readOnly = true;
  return out;
}

export function extractSpec(document: unknown, file: string, sourceText: string): SpecExtract {
  const doc = asObject(document);
  const isSwagger2 = typeof doc.swagger === 'string';
  const isOpenApi3 = typeof doc.openapi === 'string';
  if (!isSwagger2 && !isOpenApi3) throw new Error(`${file}: neither a Swagger 2.0 nor an OpenAPI 3 document (no "swagger" or "openapi" field)`);
  const info = asObject(doc.info);
  let basePath = '';
  if (isSwagger2) basePath = typeof doc.basePath === 'string' ? doc.basePath : '';
  else {
    const url = asObject((doc.servers as unknown[] | undefined)?.[0]).url;
    if (typeof url === 'string') basePath = new URL(url, 'http://host').pathname.replace(/\/$/, '');
  }

  const paths: SpecExtract['paths'] = {};
  for (const [path, rawItem] of Object.entries(asObject(doc.paths))) {
    const item = asObject(rawItem);
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of METHODS) {
      if (!(method in item)) continue;
      const op = asObject(item[method]);
      const params = [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])].map(asObject);
      const extracted: ExtractedOperation = { query: params.filter((p) => p.in === 'query').map((p) => String(p.name)) };
      const bodySchema = isSwagger2 ? params.find((p) => p.in === 'body')?.schema : contentSchema(op.requestBody);
      const body = schemaModel(bodySchema).model;
      if (body) extracted.body = body;
      const ok = asObject(asObject(op.responses)['200']);
      const response = schemaModel(isSwagger2 ? ok.schema : contentSchema(ok));
      if (response.model) {
        extracted.response = response.model;
        if (response.array) extracted.responseIsArray = true;
      }
      (paths[path] ??= {})[method] = extracted;
    }
  }

  const models: SpecExtract['models'] = {};
  const rawModels = asObject(isSwagger2 ? doc.definitions : asObject(doc.components).schemas);
  for (const name of Object.keys(rawModels).sort()) {
    const m = asObject(rawModels[name]);
    const properties: Record<string, ExtractedProperty> = {};
    for (const [prop, raw] of Object.entries(asObject(m.properties))) properties[prop] = property(raw);
    const model: ExtractedModel = { properties };
    if (Array.isArray(m.required) && m.required.length) model.required = m.required.map(String);
    models[name] = model;
  }

  return {
    source: {
      file,
      format: isSwagger2 ? `Swagger ${String(doc.swagger)}` : `OpenAPI ${String(doc.openapi)}`,
      title: String(info.title ?? ''),
      version: String(info.version ?? ''),
      sha256: createHash('sha256').update(sourceText).digest('hex'),
    },
    basePath,
    paths,
    models,
  };
}

/** The extract's file name: the vendor file's name with `.extract.json` for its extension. */
export function extractFileName(file: string): string {
  return `${basename(file).replace(/\.(json|ya?ml)$/i, '').replace(/\.(swagger|openapi)$/i, '')}.extract.json`;
}

/** One model or operation a line: small diffs when a vendor file is updated. */
export function formatExtract(extract: SpecExtract): string {
  const block = (record: Record<string, unknown>): string =>
    Object.keys(record)
      .sort()
      .map((k) => `    ${JSON.stringify(k)}: ${JSON.stringify(record[k])}`)
      .join(',\n');
  return `{\n  "source": ${JSON.stringify(extract.source)},\n  "basePath": ${JSON.stringify(extract.basePath)},\n  "paths": {\n${block(extract.paths)}\n  },\n  "models": {\n${block(extract.models)}\n  }\n}\n`;
}

function main(argv: string[]): number {
  const files = argv.filter((a) => !a.startsWith('--'));
  const outArg = argv.find((a) => a.startsWith('--out='));
  if (files.length === 0) {
    process.stderr.write('usage: npm run specs:extract -- VENDOR-SPEC.json [...] [--out=DIR]\n  writes DIR/<name>.extract.json (DIR defaults to fixtures/specs)\n');
    return 2;
  }
  const outDir = outArg ? outArg.slice('--out='.length) : fileURLToPath(new URL('../../fixtures/specs/', import.meta.url));
  mkdirSync(outDir, { recursive: true });
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const extract = extractSpec(parseVendorJson(text), basename(file), text);
    const target = join(outDir, extractFileName(file));
    writeFileSync(target, formatExtract(extract));
    process.stdout.write(`${target}: ${Object.keys(extract.paths).length} paths, ${Object.keys(extract.models).length} models from ${extract.source.format} "${extract.source.title}" ${extract.source.version}\n`);
  }
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
