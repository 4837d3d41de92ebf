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
// Validation uses ajv directly (the same ajv 8 / draft 2020-12 that conf uses)
// because conf only throws one joined string; we need each problem with its path.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { CONFIG_SCHEMA_VERSION } from '../domain/config.js';
import { EVENT_SEVERITIES } from '../domain/types.js';
import type { Problem } from '../domain/validate.js';

type JsonSchema = Record<string, unknown>;

const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const num = { type: 'number' } as const;
const bool = { type: 'boolean' } as const;

function obj(properties: Record<string, JsonSchema>, extra: JsonSchema = {}): JsonSchema {
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false, ...extra };
}

const ref = (name: string): JsonSchema => ({ $ref: `#/$defs/${name}` });

const ticketFields = {
  enabled: bool,
  queue: ref('choiceOrNull'),
  priority: ref('choiceOrNull'),
  dueHours: num,
  workType: ref('choiceOrNull'),
  issueType: ref('choiceOrNull'),
  subIssueType: ref('choiceOrNull'),
};

const defs: Record<string, JsonSchema> = {
  choiceOrNull: {
    type: ['object', 'null'],
    properties: { value: str, label: str },
    required: ['value', 'label'],
    additionalProperties: false,
  },
  kscConnection: obj({
    kind: { const: 'ksc' },
    url: str,
    username: str,
    internalUser: bool,
    domain: str,
    caFile: nullableStr,
  }),
  kbhConnection: obj({ kind: { const: 'kbh' }, url: str, email: str, caFile: nullableStr }),
  autotaskConnection: obj({
    kind: { const: 'autotask' },
    zoneDiscoveryUrl: str,
    apiUrl: nullableStr,
    username: str,
    impersonationResourceId: nullableStr,
    tenantNameField: str,
    caFile: nullableStr,
  }),
  tenantMapping: obj({
    tenantId: str,
    tenantName: str,
    accountId: nullableStr,
    accountName: nullableStr,
    billing: bool,
    contractId: nullableStr,
    contractName: nullableStr,
  }),
  applicationItems: obj({
    applicationId: str,
    applicationName: str,
    single: ref('choiceOrNull'),
    workstation: ref('choiceOrNull'),
    server: ref('choiceOrNull'),
    nonWindows: ref('choiceOrNull'),
  }),
  eventRule: obj({ ...ticketFields, severity: { enum: [...EVENT_SEVERITIES] }, lifetimeDays: num }),
  statusRule: obj({ ...ticketFields, descriptionId: str }),
  integration: obj({
    name: str,
    platform: {
      type: 'object',
      discriminator: { propertyName: 'kind' },
      required: ['kind'],
      oneOf: [ref('kscConnection'), ref('kbhConnection')],
    },
    psa: {
      type: 'object',
      discriminator: { propertyName: 'kind' },
      required: ['kind'],
      oneOf: [ref('autotaskConnection')],
    },
    tenants: { type: 'array', items: ref('tenantMapping') },
    billing: obj({ byCategory: bool, applications: { type: 'array', items: ref('applicationItems') } }),
    ticketing: obj({
      general: obj({ source: ref('choiceOrNull'), newStatus: ref('choiceOrNull'), closedStatus: ref('choiceOrNull') }),
      events: { type: 'array', items: ref('eventRule') },
      warningStatus: { type: 'array', items: ref('statusRule') },
      criticalStatus: { type: 'array', items: ref('statusRule') },
    }),
    excludedAccounts: { type: 'array', items: str },
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

function compiled(): ValidateFunction {
  validator ??= new Ajv2020(CONFIG_AJV_OPTIONS).compile(CONFIG_JSON_SCHEMA);
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
      return { path: join(at, 'kind'), message: 'is missing or not a supported kind (platform: "ksc" or "kbh"; PSA: "autotask").' };
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
    const problem = toProblem(error);
    const key = `${problem.path}\u0000${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(problem);
    }
  }
  return out;
}
