// The JSON schema of the persisted KmspConfig (domain/config.ts), structure only:
// types, required keys, no unknown keys. Meaning (limits, one-to-one mapping,
// required PSA values) is domain/validate.ts's job.
//
// Every object has additionalProperties: false, so a secret can never be saved
// into the config file: there is no field for one (README › Where things are kept).
//
// The schema is for the current CONFIG_SCHEMA_VERSION only; older files are
// migrated (store/migrations.ts) before they are checked against it.
//
// The platform and PSA connections are derived from the vendor profiles' connection fields
// (domain/profiles): one schema per kind the registry knows, every field required, its JSON
// type from its kind. A new vendor needs a profile, not an edit here. The Ticketing settings
// are keyed by the profiles' section and field ids; which ids a vendor has is the profiles'
// business (domain/ticketSchema.ts), so here they are any identifier.
//
// Validation uses ajv directly (the same ajv 8 / draft 2020-12 that conf uses)
// because conf only throws one joined string; we need each problem with its path.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { APPROVAL_MODES, CONFIG_SCHEMA_VERSION } from '../domain/config.js';
import { PLATFORM_KINDS, PLATFORM_PROFILES, PSA_KINDS, PSA_PROFILES } from '../domain/profiles/index.js';
import type { ConnectionFieldSpec } from '../domain/profiles/types.js';
import type { Problem } from '../domain/validate.js';

type JsonSchema = Record<string, unknown>;

const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const num = { type: 'number' } as const;
const nullableNum = { type: ['number', 'null'] } as const;
const bool = { type: 'boolean' } as const;

function obj(properties: Record<string, JsonSchema>, extra: JsonSchema = {}): JsonSchema {
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false, ...extra };
}

/** The schema with these properties no longer required. */
const ref = (name: string): JsonSchema => ({ $ref: `#/$defs/${name}` });

/** obj() with the keys `optional` not required. */
function optional(keys: readonly string[], properties: Record<string, JsonSchema>): JsonSchema {
  return obj(properties, { required: Object.keys(properties).filter((k) => !keys.includes(k)) });
}

/** A tenant mapping's required keys. */
const MAPPING_FIELDS = {
  tenantId: str,
  tenantName: str,
  accountId: nullableStr,
  accountName: nullableStr,
  billing: bool,
  contractId: nullableStr,
  contractName: nullableStr,
};

/** A connection field's JSON type, by its kind (profiles/types.ts ConnectionFieldKind). */
function fieldSchema(field: ConnectionFieldSpec): JsonSchema {
  switch (field.kind) {
    case 'text':
    case 'url':
      return str;
    case 'optional-text':
      return field.emptyAs === '' ? str : nullableStr;
    case 'optional-url':
    case 'ca-file':
    case 'optional-id':
      return nullableStr;
    case 'toggle':
      return bool;
  }
}

function connectionSchema(kind: string, fields: readonly ConnectionFieldSpec[]): JsonSchema {
  return obj({ kind: { const: kind }, ...Object.fromEntries(fields.map((f) => [f.key, fieldSchema(f)])) });
}

const platformDef = (kind: string) => `${kind}Platform`;
const psaDef = (kind: string) => `${kind}Psa`;

/** Field and section ids of the profiles: identifiers, so no path or secret-like key slips in. */
const ID_NAMES = { pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$' } as const;
const choices = { type: 'object', propertyNames: ID_NAMES, additionalProperties: ref('choiceOrNull') } as const;

/** The Ticketing settings' required keys. */
const TICKETING_FIELDS = {
  general: choices,
  perScope: { type: 'array', items: ref('scopedGeneral') },
  sections: { type: 'object', propertyNames: ID_NAMES, additionalProperties: { type: 'array', items: ref('ticketRule') } },
};

const defs: Record<string, JsonSchema> = {
  choiceOrNull: {
    type: ['object', 'null'],
    properties: { value: str, label: str },
    required: ['value', 'label'],
    additionalProperties: false,
  },
  choice: obj({ value: str, label: str }),
  ...Object.fromEntries(PLATFORM_KINDS.map((kind) => [platformDef(kind), connectionSchema(kind, PLATFORM_PROFILES[kind].connection)])),
  ...Object.fromEntries(PSA_KINDS.map((kind) => [psaDef(kind), connectionSchema(kind, PSA_PROFILES[kind].connection)])),
  // Only PSAs that price usage by a price level per account (profile posting.priceLevel) keep
  // one: optional keys, so mappings of the others never carry them.
  tenantMapping: { ...obj(MAPPING_FIELDS), properties: { ...MAPPING_FIELDS, priceLevelId: nullableStr, priceLevelName: nullableStr } },
  applicationItems: obj({
    applicationId: str,
    applicationName: str,
    single: ref('choiceOrNull'),
    workstation: ref('choiceOrNull'),
    server: ref('choiceOrNull'),
    nonWindows: ref('choiceOrNull'),
  }),
  ticketRule: obj({ key: str, enabled: bool, lifetimeDays: nullableNum, dueHours: nullableNum, fields: choices }),
  scopedGeneral: obj({ scope: ref('choice'), fields: choices }),
  overrideTenant: obj({ tenantId: str, tenantName: str }),
  // Keyed like the rules: section and field ids are the profiles' (domain/ticketOverrides.ts).
  ticketOverride: obj({
    tenants: { type: 'array', items: ref('overrideTenant') },
    section: { type: 'string', ...ID_NAMES },
    key: str,
    enabled: bool,
    fields: choices,
    dueHours: nullableNum,
  }),
  health: obj({ ticket: bool, accountId: nullableStr, accountName: nullableStr, fields: choices, ticketFailures: num, webhook: nullableStr }),
  // health and approvals are optional: a configuration written before them has neither (an
  // integration without approvals posts every change, as it did).
  integration: optional(['health', 'approvals'], {
    name: str,
    platform: {
      type: 'object',
      discriminator: { propertyName: 'kind' },
      required: ['kind'],
      oneOf: PLATFORM_KINDS.map((kind) => ref(platformDef(kind))),
    },
    psa: {
      type: 'object',
      discriminator: { propertyName: 'kind' },
      required: ['kind'],
      oneOf: PSA_KINDS.map((kind) => ref(psaDef(kind))),
    },
    tenants: { type: 'array', items: ref('tenantMapping') },
    billing: obj({ byCategory: bool, applications: { type: 'array', items: ref('applicationItems') } }),
    // Overrides are optional: a file written before them has none.
    ticketing: { ...obj(TICKETING_FIELDS), properties: { ...TICKETING_FIELDS, overrides: { type: 'array', items: ref('ticketOverride') } } },
    excludedAccounts: { type: 'array', items: str },
    health: ref('health'),
    approvals: obj({ mode: { enum: [...APPROVAL_MODES] }, maxDecreasePercent: num, maxDecreaseUnits: nullableNum }),
  }),
  agent: obj({
    timeZone: str,
    billingSchedule: str,
    ticketPollSeconds: num,
    ticketsPerAccountPerHour: num,
    paused: bool,
  }),
};

/** conf's `schema` option: the root object's properties. */
export const CONFIG_SCHEMA_PROPERTIES: Record<string, JsonSchema> = {
  schemaVersion: { type: 'integer', const: CONFIG_SCHEMA_VERSION },
  integrations: { type: 'array', items: ref('integration') },
  agent: ref('agent'),
};

/** conf's `rootSchema` option: everything of the root but its properties. */
export const CONFIG_ROOT_SCHEMA: JsonSchema = {
  $defs: defs,
  required: Object.keys(CONFIG_SCHEMA_PROPERTIES),
  additionalProperties: false,
};

export const CONFIG_JSON_SCHEMA: JsonSchema = { type: 'object', properties: CONFIG_SCHEMA_PROPERTIES, ...CONFIG_ROOT_SCHEMA };

/** Shared by our validator and conf's, so both read the schema the same way. */
export const CONFIG_AJV_OPTIONS = { allErrors: true, allowUnionTypes: true, discriminator: true } as const;

let validator: ValidateFunction | undefined;

const require = createRequire(import.meta.url);

/**
 * The validator compiled ahead of time, beside this module (scripts/build.mjs writes it after
 * tsc; precompiledValidator.ts): compiling the schema at start costs the console about as much as
 * the rest of its configuration handling. The file names the schema it was compiled from by hash;
 * without it (running from source/) or for another schema (a dist/ built some other way), the
 * schema is compiled here, as before.
 */
export const PRECOMPILED_VALIDATOR_FILE = 'configValidator.cjs';

/** The hash a precompiled validator must carry to stand for CONFIG_JSON_SCHEMA with CONFIG_AJV_OPTIONS. */
export function configSchemaHash(): string {
  return createHash('sha256').update(JSON.stringify([CONFIG_JSON_SCHEMA, CONFIG_AJV_OPTIONS])).digest('hex');
}

function precompiled(): ValidateFunction | null {
  let loaded: { default?: ValidateFunction; schemaHash?: string };
  try {
    loaded = require(`./${PRECOMPILED_VALIDATOR_FILE}`) as typeof loaded;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return null;
    throw error;
  }
  return loaded.schemaHash === configSchemaHash() && typeof loaded.default === 'function' ? loaded.default : null;
}

/** ajv, loaded only when the schema is compiled here (ajv is CommonJS: require keeps compiled() synchronous). */
export function configAjv(extra: Record<string, unknown> = {}): Ajv2020 {
  const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  return new Ajv({ ...CONFIG_AJV_OPTIONS, ...extra });
}

function compiled(): ValidateFunction {
  validator ??= precompiled() ?? configAjv().compile(CONFIG_JSON_SCHEMA);
  return validator;
}

/** "/integrations/0/platform/url" → "integrations[0].platform.url" (the style of domain/validate.ts). */
export function pointerToPath(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(part) ? `[${part}]` : out ? `.${part}` : part;
  }
  return out;
}

function kindList(kinds: readonly string[]): string {
  const quoted = kinds.map((k) => JSON.stringify(k));
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)!}`;
}

function join(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}

function toProblem(error: ErrorObject): Problem {
  const at = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: join(at, String(params.missingProperty)), message: 'is required but missing.' };
    case 'additionalProperties':
      return { path: join(at, String(params.additionalProperty)), message: 'is not a known setting; remove it.' };
    case 'const':
      if (at === 'schemaVersion') {
        return { path: at, message: `must be ${CONFIG_SCHEMA_VERSION} (the config version this kmsp writes).` };
      }
      return { path: at, message: `must be ${JSON.stringify(params.allowedValue)}.` };
    case 'enum':
      return { path: at, message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}.` };
    case 'discriminator':
      return { path: join(at, 'kind'), message: `is missing or not a supported kind (platform: ${kindList(PLATFORM_KINDS)}; PSA: ${kindList(PSA_KINDS)}).` };
    case 'pattern':
      if (error.propertyName !== undefined) return { path: join(at, error.propertyName), message: 'is not a field or section name (letters, digits, "-" or "_"); remove it.' };
      return { path: at, message: `${error.message ?? 'is invalid'}.` };
    default:
      return { path: at || '(root)', message: `${error.message ?? 'is invalid'}.` };
  }
}

/** Every structural problem of `data` as a KmspConfig of the current version; [] when valid. */
export function schemaProblems(data: unknown): Problem[] {
  const validate = compiled();
  if (validate(data)) return [];
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const error of validate.errors ?? []) {
    // Said by the 'pattern' error of the same name, with its path.
    if (error.keyword === 'propertyNames') continue;
    const problem = toProblem(error);
    const key = `${problem.path}\u0000${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(problem);
    }
  }
  return out;
}
