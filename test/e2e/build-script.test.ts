// scripts/build.mjs, the build and prepare script, on a small project of its own: `--if-stale`
// (prepare) compiles only when an input is newer than the last build. The first `npx kmsp` in a
// clone runs prepare again (npx installs the clone into its cache), which recompiled the whole
// unchanged project for 10–20 s before `kmsp demo` could print a word.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

const script = path.join(repoRoot, 'scripts', 'build.mjs');
const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmsp-build-'));
  made.push(dir);
  fs.mkdirSync(path.join(dir, 'source'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'p', type: 'module' }));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, types: [] } }));
  fs.writeFileSync(path.join(dir, 'tsconfig.build.json'), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { rootDir: 'source', outDir: 'dist' }, include: ['source'] }));
  fs.writeFileSync(path.join(dir, 'source', 'cli.ts'), 'export const answer: number = 42;\n');
  return dir;
}

function build(dir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [script, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr, built: fs.existsSync(path.join(dir, 'dist', 'cli.js')) ? fs.statSync(path.join(dir, 'dist', 'cli.js')).mtimeMs : null };
}

/** Sets a file's times `seconds` from now (mtime resolution differs between filesystems). */
function touch(file: string, seconds: number): void {
  const at = new Date(Date.now() + seconds * 1000);
  fs.utimesSync(file, at, at);
}

describe('scripts/build.mjs', () => {
  it('--if-stale builds once, then leaves an up-to-date dist/ alone, and builds again after a change', () => {
    const dir = project();
    const first = build(dir, '--if-stale');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('building dist/ (no earlier build recorded)');
    expect(fs.readFileSync(path.join(dir, 'dist', 'cli.js'), 'utf8')).toContain('answer = 42');
    // What an unchanged clone meets at the first `npx kmsp`: nothing is compiled.
    touch(path.join(dir, 'dist', '.build-stamp'), 5);
    const again = build(dir, '--if-stale');
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('dist/ is up to date with source/; not rebuilt');
    expect(again.built).toBe(first.built);

    fs.writeFileSync(path.join(dir, 'source', 'cli.ts'), 'export const answer: number = 43;\n');
    touch(path.join(dir, 'source', 'cli.ts'), 60);
    const changed = build(dir, '--if-stale');
    expect(changed.code).toBe(0);
    expect(changed.stderr).toContain('building dist/ (source/cli.ts changed since the last build)');
    expect(fs.readFileSync(path.join(dir, 'dist', 'cli.js'), 'utf8')).toContain('answer = 43');
  }, 60_000);

  it('without --if-stale (npm run build) it always compiles; a failed compile records no build', () => {
    const dir = project();
    expect(build(dir).code).toBe(0);
    const stamp = path.join(dir, 'dist', '.build-stamp');
    expect(fs.existsSync(stamp)).toBe(true);
    fs.rmSync(stamp);
    fs.writeFileSync(path.join(dir, 'source', 'cli.ts'), 'export const answer: number = "no";\n');
    const broken = build(dir);
    expect(broken.code).not.toBe(0);
    expect(fs.existsSync(stamp)).toBe(false);
  }, 60_000);
});
