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

/** Only version 1 exists so far: nothing to migrate yet. */
export const CONFIG_MIGRATIONS: readonly ConfigMigration[] = [];

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
