// Hostile config files given to `kmsp config import` (in process, through the command's own
// module, for many runs; the built CLI for a few, in config-import-cli.test.ts): wrong types,
// unknown keys, nulls, duplicate names, tenant ids and mappings, deep nesting, hostile text.
// Each import ends in a clear refusal (the command's own words, nothing thrown past them) or a
// valid config saved; a refused import leaves the current file byte for byte, at mode 0600.
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { register as registerConfig } from '../../source/commands/config.js';
import { validateConfig } from '../../source/domain/validate.js';
import { inspectConfigFile, inspectConfigText, openConfig } from '../../source/store/config.js';
import { resolvePaths } from '../../source/store/paths.js';
import { fileMode, tempDir } from '../store/helpers.js';
import { goodConfig } from './configs.js';
import { hostileText, RUNS } from './hostile.js';

afterEach(() => {
  process.exitCode = undefined;
});

async function runConfig(args: string[]) {
  let out = '';
  let err = '';
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t) };
  const program = new Command('kmsp').option('--config <dir>').exitOverride();
  registerConfig(program, { io, env: {} });
  process.exitCode = undefined;
  await program.parseAsync(['node', 'kmsp', ...args]);
  const code = process.exitCode ?? 0;
  process.exitCode = undefined;
  return { out, err, code };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value of the JSON tree (arrays by index). */
function pathsIn(value: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (at.length >= 12) return out; // below a deep nesting nothing more is worth picking
  if (Array.isArray(value)) value.forEach((v, i) => pathsIn(v, [...at, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsIn(v, [...at, k], out);
  return out;
}

type Mutation =
  | { op: 'replace'; pick: number; value: Json }
  | { op: 'delete'; pick: number }
  | { op: 'unknown-key'; pick: number; key: string; value: Json }
  | { op: 'duplicate'; pick: number }
  | { op: 'deep'; pick: number; depth: number };

const jsonValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  hostileText as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(null, '', 0, -1, 1e308, true, [], {}, '0 4 * * *', 'UTC', 'main', 't1', 'a1'),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('replace' as const), pick: fc.nat(), value: jsonValue }),
  fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('unknown-key' as const), pick: fc.nat(), key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'password', 'apiSecret', 'schemaVersion')), value: jsonValue }),
  fc.record({ op: fc.constant('duplicate' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('deep' as const), pick: fc.nat(), depth: fc.integer({ min: 50, max: 5000 }) }),
);

/** Applies mutations to a copy of the JSON tree: each picks a path of the tree as it is then. */
function mutate(base: Json, mutations: readonly Mutation[]): Json {
  let root = structuredClone(base);
  // A deep nesting goes in last: copying or walking it again is the test's cost, not the product's.
  const ordered = [...mutations.filter((m) => m.op !== 'deep'), ...mutations.filter((m) => m.op === 'deep').slice(0, 1)];
  for (const m of ordered) {
    const paths = pathsIn(root);
    const at = paths[m.pick % paths.length]!;
    if (at.length === 0) {
      if (m.op === 'replace') root = m.value;
      continue;
    }
    const parent = at.slice(0, -1).reduce<Json>((node, k) => (node as Record<string, Json>)[k as string]!, root) as Record<string, Json> | Json[];
    const key = at.at(-1)!;
    const node = (parent as Record<string, Json>)[key as string]!;
    switch (m.op) {
      case 'replace':
        (parent as Record<string, Json>)[key as string] = m.value;
        break;
      case 'delete':
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete parent[key as string];
        break;
      case 'unknown-key':
        if (node !== null && typeof node === 'object' && !Array.isArray(node)) Object.defineProperty(node, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
        break;
      case 'duplicate':
        // An array element twice (integrations, tenants, applications: duplicate names and ids).
        if (Array.isArray(parent)) parent.splice(key as number, 0, structuredClone(node));
        else if (Array.isArray(node) && node.length > 0) node.push(structuredClone(node[0]!));
        break;
      case 'deep':
        // A placeholder, spelled out as nested JSON only in the file's text (configText).
        (parent as Record<string, Json>)[key as string] = `${DEEP}${m.depth}`;
        break;
    }
  }
  return root;
}

const DEEP = '<deep nesting>';

/** The file's text; a deep-nesting placeholder becomes that many nested objects and arrays. */
function configText(raw: Json, indent?: number): string {
  return JSON.stringify(raw, null, indent).replace(/"<deep nesting>(\d+)"/gu, (_, n: string) => {
    const depth = Number(n);
    const open = Array.from({ length: depth }, (_, i) => (i % 2 ? '[' : '{"x":')).join('');
    const close = Array.from({ length: depth }, (_, i) => (i % 2 ? ']' : '}')).reverse().join('');
    return `${open}"bottom"${close}`;
  });
}

const hostileConfig = fc.array(mutation, { minLength: 1, maxLength: 4 }).map((ms) => mutate(goodConfig() as unknown as Json, ms));

/** What a refusal or an import may print: the command's sentences, never a JavaScript error. */
function expectNoCrash(text: string): void {
  expect(text).not.toMatch(/TypeError|RangeError|ReferenceError|SyntaxError: |Cannot read propert|is not a function|is not iterable|undefined is not|Maximum call stack|\n\s+at .+:\d+:\d+\)?/u);
}

describe('config import of hostile files', () => {
  it('reading and checking any mutated config never throws', () => {
    fc.assert(
      fc.property(hostileConfig, (raw) => {
        const state = inspectConfigText(configText(raw));
        if (state.state === 'ok') validateConfig(state.config);
        else if (state.state === 'corrupt' || state.state === 'invalid') expect(state.reason.length).toBeGreaterThan(0);
      }),
      { ...RUNS, numRuns: 300 },
    );
  });

  it('any JSON text at all is judged, never thrown on', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json({ maxDepth: 4 }), fc.string({ unit: 'binary', maxLength: 200 }), hostileText), (text) => {
        const state = inspectConfigText(text);
        expect(['ok', 'corrupt', 'invalid', 'newer']).toContain(state.state);
        if (state.state === 'ok') validateConfig(state.config);
      }),
      { ...RUNS, numRuns: 300 },
    );
  });

  it('kmsp config import: a clear refusal that leaves the current file byte-equal at 0600, or a valid config saved', async () => {
    const dir = path.join(tempDir('kmsp-hostile-'), 'kmsp');
    const paths = resolvePaths({ configDir: dir });
    openConfig({ paths, onNotice: () => undefined }).save(goodConfig(), { actor: 'test' });
    const incoming = path.join(dir, '..', 'incoming.json');
    let imported = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(hostileConfig, async (raw) => {
        const before = fs.readFileSync(paths.configFile);
        fs.writeFileSync(incoming, configText(raw, 2));
        const { out, err, code } = await runConfig(['--config', dir, 'config', 'import', '--offline', incoming]);
        expectNoCrash(out + err);
        expect(fileMode(paths.configFile)).toBe(0o600);
        const after = inspectConfigFile(paths.configFile);
        expect(after.state).toBe('ok');
        if (code === 0) {
          imported++;
          expect(out).toMatch(/Imported|nothing changed/u);
          if (after.state === 'ok') expect(validateConfig(after.config)).toEqual([]);
        } else {
          refused++;
          expect(err).toMatch(/^Not imported: /u);
          expect(err).toMatch(/was left unchanged/u);
          expect(fs.readFileSync(paths.configFile).equals(before)).toBe(true);
        }
        // No temp file or half-written copy is left beside the config.
        expect(fs.readdirSync(dir).filter((n) => /\.tmp|~$/u.test(n))).toEqual([]);
      }),
      { ...RUNS, numRuns: 80 },
    );
    // The mutations must reach both outcomes, or the property says little.
    expect(refused).toBeGreaterThan(10);
    expect(imported).toBeGreaterThan(0);
  });
});
