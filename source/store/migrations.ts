// Config migrations, owned by us rather than conf (conf's own migrations are
// documented as buggy and key on the app version, not the data's version).
//
// The file carries `schemaVersion`. On load, every step from the file's version
// up to CONFIG_SCHEMA_VERSION runs in order on the raw JSON, then the result is
// checked against the current schema. A file newer than CONFIG_SCHEMA_VERSION is
// refused and left untouched: a newer kmsp wrote it and we would lose its data.
//
// To change the persisted shape: bump CONFIG_SCHEMA_VERSION in domain/config.ts,
// update store/configSchema.ts, and append a step here { from: N, to: N + 1 }.
import { CONFIG_SCHEMA_VERSION } from '../domain/config.js';

export type RawConfig = Record<string, unknown>;

export interface ConfigMigration {
  from: number;
  to: number;
  /** What changed, for the notice shown after migrating. */
  description: string;
  /** Pure: takes the raw JSON of version `from`, returns version `to` (schemaVersion is set by the runner). */
  migrate(raw: RawConfig): RawConfig;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The ticket fields a version-1 rule held as its own keys; version 2 keeps them under `fields`. */
const V1_RULE_FIELDS = ['queue', 'priority', 'workType', 'issueType', 'subIssueType'] as const;

/**
 * A version-1 rule (an Events row keyed by `severity`, a status row by `descriptionId`) as a
 * version-2 row: `key`, the numbers, and its ticket fields under `fields`. A key this step does
 * not know is left on the row, so the schema check names it instead of it being dropped.
 */
function ruleV1toV2(rule: unknown, keyName: 'severity' | 'descriptionId'): unknown {
  if (!isObj(rule)) return rule;
  const { [keyName]: key, enabled, lifetimeDays, dueHours, ...rest } = rule;
  const fields: Obj = {};
  for (const f of V1_RULE_FIELDS) {
    if (f in rest) {
      fields[f] = rest[f];
      delete rest[f];
    }
  }
  return { key, enabled, lifetimeDays: lifetimeDays ?? null, dueHours, fields, ...rest };
}

/** Version 1's Ticketing settings as version 2's: `general` as it was, rule rows per section, no per-board fields. */
function ticketingV1toV2(ticketing: unknown): unknown {
  if (!isObj(ticketing)) return ticketing;
  const { general, events, warningStatus, criticalStatus, ...rest } = ticketing;
  const rows = (list: unknown, keyName: 'severity' | 'descriptionId') => (Array.isArray(list) ? list.map((r) => ruleV1toV2(r, keyName)) : list);
  return {
    general,
    perScope: [],
    sections: { events: rows(events, 'severity'), warningStatus: rows(warningStatus, 'descriptionId'), criticalStatus: rows(criticalStatus, 'descriptionId') },
    ...rest,
  };
}

export const CONFIG_MIGRATIONS: readonly ConfigMigration[] = [
  {
    from: 1,
    to: 2,
    description:
      'ticket rules are kept per section (Events by severity, Warning and Critical status by description) with their queue, priority, work type and issue types under "fields"; per-board General fields added (none)',
    migrate: (raw) => {
      const integrations = Array.isArray(raw.integrations)
        ? raw.integrations.map((i: unknown) => (isObj(i) && 'ticketing' in i ? { ...i, ticketing: ticketingV1toV2(i.ticketing) } : i))
        : raw.integrations;
      return { ...raw, integrations };
    },
  },
];

export type MigrationOutcome =
  | { kind: 'current'; config: RawConfig }
  | { kind: 'migrated'; config: RawConfig; from: number; steps: ConfigMigration[] }
  /** Written by a newer kmsp: refuse, never rewrite. */
  | { kind: 'newer'; version: number }
  /** Not a version we can bring forward (bad value, gap in the steps, or a step threw). */
  | { kind: 'invalid'; reason: string };

/**
 * The file's version: `schemaVersion`, or 0 when absent (a file written before
 * versioning existed, or by hand). Non-integers are reported as invalid.
 */
export function fileVersion(raw: RawConfig): number | null {
  const v = raw.schemaVersion;
  if (v === undefined) return 0;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null;
}

export function migrateConfig(
  raw: RawConfig,
  migrations: readonly ConfigMigration[] = CONFIG_MIGRATIONS,
  target: number = CONFIG_SCHEMA_VERSION,
): MigrationOutcome {
  const version = fileVersion(raw);
  if (version === null) return { kind: 'invalid', reason: `schemaVersion ${JSON.stringify(raw.schemaVersion)} is not a version number.` };
  if (version > target) return { kind: 'newer', version };
  if (version === target) return { kind: 'current', config: raw };
  let config: RawConfig = structuredClone(raw);
  let at = version;
  const steps: ConfigMigration[] = [];
  while (at < target) {
    const step = migrations.find((m) => m.from === at);
    if (!step || step.to <= at || step.to > target) {
      return {
        kind: 'invalid',
        reason:
          version === 0 && raw.schemaVersion === undefined
            ? `schemaVersion is missing and there is no migration from version 0 to ${target}.`
            : `there is no migration from config version ${at} to ${target}.`,
      };
    }
    try {
      config = { ...step.migrate(config), schemaVersion: step.to };
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return { kind: 'invalid', reason: `migrating from version ${step.from} to ${step.to} failed: ${why}` };
    }
    steps.push(step);
    at = step.to;
  }
  return { kind: 'migrated', config, from: version, steps };
}
