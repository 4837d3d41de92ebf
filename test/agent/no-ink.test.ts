// "The agent never loads Ink" (source/README.md › Layout): every module `kmsp agent` loads,
// followed from the built entry (bin/kmsp.js → dist/cli.js) through the compiled import
// statements, plus the dynamic import()s it runs: the command line (program.js), the agent's
// command and action (commands/agent.js, commands/actions/agent.js) and the connectors the
// registry opens. The console is reached only through a dynamic import()
// that the agent never runs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

const UI_PACKAGES = /^(ink|ink-[\w-]+|@inkjs\/[\w-]+|@alcalzone\/ink-table|react|react-dom|react-reconciler)(\/|$)/;

/** import('…') specifiers of a compiled module. */
function dynamicImports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
}

/** Static import/export-from specifiers of a compiled module (not import()). */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) out.push(m[1]!);
  return out;
}

function staticGraph(...entries: string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec));
      else if (!spec.startsWith('node:')) packages.add(spec);
    }
  };
  for (const entry of entries) visit(entry);
  return { files, packages };
}

describe('the agent never loads Ink', () => {
  it('no UI package and no ui/ module is reachable from dist/cli.js, the agent’s command and the connectors', () => {
    const dist = path.join(repoRoot, 'dist');
    const registry = path.join(dist, 'connectors', 'registry.js');
    const connectors = dynamicImports(registry).map((spec) => path.resolve(path.dirname(registry), spec));
    expect(connectors.length).toBeGreaterThan(0);
    const roots = ['cli.js', 'program.js', path.join('commands', 'agent.js'), path.join('commands', 'actions', 'agent.js')].map((f) => path.join(dist, f));
    const { files, packages } = staticGraph(...roots, ...connectors);
    expect(files.size).toBeGreaterThan(20);
    expect([...files].filter((f) => f.includes(`${path.sep}dist${path.sep}ui${path.sep}`))).toEqual([]);
    expect([...packages].filter((p) => UI_PACKAGES.test(p))).toEqual([]);
    // The walk does see the agent and its scheduler (so an empty graph cannot pass).
    expect([...files].some((f) => f.endsWith(path.join('agent', 'daemon.js')))).toBe(true);
    expect(packages.has('node-schedule')).toBe(true);
  });

  it('the console itself does reach Ink (the check can fail)', () => {
    const { packages } = staticGraph(path.join(repoRoot, 'dist', 'ui', 'console-main.js'));
    expect([...packages].some((p) => UI_PACKAGES.test(p))).toBe(true);
  });
});
