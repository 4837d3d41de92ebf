// A real version-1 configuration (fixtures/config/v1-config.json, written by the release before
// config version 2 from two integrations with ticket rules on and their bulk fields set) is
// brought to version 2: it validates, nothing of it is lost, the first save keeps the original
// beside the file, and a version-2 file loads as it is.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA_VERSION, type KmspConfig } from '../../source/domain/config.js';
import { validateConfig } from '../../source/domain/validate.js';
import { inspectConfigFile, openConfig } from '../../source/store/config.js';
import { schemaProblems } from '../../source/store/configSchema.js';
import { migrateConfig } from '../../source/store/migrations.js';
import { repoRoot } from '../helpers/cli.js';
import { fileMode, tempPaths } from '../store/helpers.js';

const FIXTURE = path.join(repoRoot, 'fixtures', 'config', 'v1-config.json');
const text = fs.readFileSync(FIXTURE, 'utf8');

type Obj = Record<string, unknown>;
type V1Rule = Obj & { enabled: boolean; dueHours: number; lifetimeDays?: number; queue: unknown; priority: unknown; workType: unknown; issueType: unknown; subIssueType: unknown };
interface V1Integration extends Obj {
  name: string;
  ticketing: { general: Obj; events: Array<V1Rule & { severity: string }>; warningStatus: Array<V1Rule & { descriptionId: string }>; criticalStatus: Array<V1Rule & { descriptionId: string }> };
}
const v1 = JSON.parse(text) as Obj & { integrations: V1Integration[] };

function migrated(): KmspConfig {
  const out = migrateConfig(structuredClone(v1));
  if (out.kind !== 'migrated') throw new Error(`expected a migration, got ${out.kind}`);
  return out.config as unknown as KmspConfig;
}

/** Every scalar of a JSON value with its count. */
function scalars(value: unknown, out = new Map<string, number>()): Map<string, number> {
  if (Array.isArray(value)) value.forEach((v) => scalars(v, out));
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((v) => scalars(v, out));
  else {
    const key = JSON.stringify(value);
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

describe('the version-1 fixture', () => {
  it('is what the release before wrote: version 1, two integrations, rules on with bulk fields', () => {
    expect(v1.schemaVersion).toBe(1);
    expect(v1.integrations.map((i) => i.name)).toEqual(['demo', 'branch']);
    const on = v1.integrations.flatMap((i) => [...i.ticketing.events, ...i.ticketing.warningStatus, ...i.ticketing.criticalStatus]).filter((r) => r.enabled);
    expect(on.length).toBeGreaterThan(3);
    expect(on.some((r) => r.workType !== null && r.issueType !== null && r.subIssueType !== null)).toBe(true);
  });

  it('migrates to version 2, matches the schema and validates', () => {
    const config = migrated();
    expect(config.schemaVersion).toBe(CONFIG_SCHEMA_VERSION);
    expect(schemaProblems(config)).toEqual([]);
    expect(validateConfig(config)).toEqual([]);
  });

  it('keeps every value: General as it was, each row under its key with its fields, the rest untouched', () => {
    const config = migrated();
    v1.integrations.forEach((old, n) => {
      const now = config.integrations[n]!;
      const { ticketing: oldTicketing, ...oldRest } = old;
      const { ticketing, ...rest } = now;
      expect(rest).toEqual(oldRest);
      expect(ticketing.general).toEqual(oldTicketing.general);
      expect(ticketing.perScope).toEqual([]);
      expect(Object.keys(ticketing.sections)).toEqual(['events', 'warningStatus', 'criticalStatus']);
      const same = (section: string, key: string, rule: V1Rule) => {
        const row = ticketing.sections[section]!.find((r) => r.key === key)!;
        expect(row, `${old.name} ${section} ${key}`).toEqual({
          key,
          enabled: rule.enabled,
          lifetimeDays: rule.lifetimeDays ?? null,
          dueHours: rule.dueHours,
          fields: { queue: rule.queue, priority: rule.priority, workType: rule.workType, issueType: rule.issueType, subIssueType: rule.subIssueType },
        });
      };
      oldTicketing.events.forEach((r) => same('events', r.severity, r));
      oldTicketing.warningStatus.forEach((r) => same('warningStatus', r.descriptionId, r));
      oldTicketing.criticalStatus.forEach((r) => same('criticalStatus', r.descriptionId, r));
      expect(ticketing.sections.events).toHaveLength(oldTicketing.events.length);
      expect(ticketing.sections.warningStatus).toHaveLength(oldTicketing.warningStatus.length);
      expect(ticketing.sections.criticalStatus).toHaveLength(oldTicketing.criticalStatus.length);
    });
    expect(config.agent).toEqual(v1.agent);
    // And, whatever the shape: every value of the old file is in the new one, as often.
    const before = scalars({ ...v1, schemaVersion: null });
    const after = scalars({ ...config, schemaVersion: null });
    for (const [value, count] of before) expect(after.get(value) ?? 0, value).toBeGreaterThanOrEqual(count);
  });

  it('is loaded migrated in memory; the first save keeps the original beside it (0600) and says where; a version-2 file then loads as it is', () => {
    const paths = tempPaths();
    fs.mkdirSync(paths.configDir, { recursive: true });
    fs.writeFileSync(paths.configFile, text, { mode: 0o600 });
    const notices: string[] = [];
    const store = openConfig({ paths, onNotice: (m) => notices.push(m) });
    const loaded = store.loadDetailed();
    expect(loaded.migratedFrom).toBe(1);
    expect(loaded.config).toEqual(migrated());
    expect(loaded.notices[0]).toContain('is version 1; it was migrated in memory to version 2 (v1→v2: ticket rules are kept per section');
    expect(loaded.notices[0]).toContain('keeps the original as config.json.bak-v1-');
    expect(fs.readFileSync(paths.configFile, 'utf8')).toBe(text); // reading never writes

    const saved = store.save(loaded.config);
    const backups = fs.readdirSync(paths.configDir).filter((f) => f.startsWith('config.json.bak-v1-'));
    expect(backups).toHaveLength(1);
    const backup = path.join(paths.configDir, backups[0]!);
    expect(fs.readFileSync(backup, 'utf8')).toBe(text);
    expect(fileMode(backup)).toBe(0o600);
    expect(saved.notices).toContain(`The config file was migrated from version 1 to 2; the original was kept as ${backup}.`);
    expect(inspectConfigFile(backup)).toMatchObject({ state: 'ok', migratedFrom: 1 });

    const v2text = fs.readFileSync(paths.configFile, 'utf8');
    expect(JSON.parse(v2text)).toMatchObject({ schemaVersion: 2 });
    const again = openConfig({ paths, onNotice: (m) => notices.push(m) }).loadDetailed();
    expect(again).toMatchObject({ migratedFrom: null, notices: [], source: 'file' });
    expect(again.config).toEqual(loaded.config);
    openConfig({ paths, onNotice: () => {} }).save(again.config);
    expect(fs.readFileSync(paths.configFile, 'utf8')).toBe(v2text);
    expect(fs.readdirSync(paths.configDir).filter((f) => f.startsWith('config.json.bak-'))).toEqual(backups);
  });
});
