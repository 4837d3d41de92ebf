#!/usr/bin/env node
// Compiles source/ to dist/ (tsc -p tsconfig.build.json), from the project directory.
//
// `--if-stale` (the prepare script) compiles only when something tsc reads is newer than the last
// build. prepare runs on `npm ci`, and again whenever npm installs the project as a directory —
// which is what the first `npx kmsp` in a clone does (it installs the clone into npx's cache to
// link its bin). That second build recompiled an unchanged project for 10–20 s under npx's
// wordless spinner before `kmsp demo` could say anything.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = process.cwd();
const STAMP = path.join(root, 'dist', '.build-stamp');
/** What the build reads: the sources (directories too: a deleted file changes its directory), the tsconfigs, the dependencies. */
const INPUTS = ['source', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

/** The newest input and its modification time; null when none exists. */
function newestInput() {
  let newest = null;
  const visit = (file) => {
    let stat;
    try {
      stat = fs.statSync(file);
    } catch {
      return;
    }
    if (!newest || stat.mtimeMs > newest.mtimeMs) newest = { file, mtimeMs: stat.mtimeMs };
    if (stat.isDirectory()) for (const name of fs.readdirSync(file)) visit(path.join(file, name));
  };
  for (const input of INPUTS) visit(path.join(root, input));
  return newest;
}

/** Why dist/ must be built again, or null when it is up to date. */
function staleReason() {
  let built;
  try {
    built = fs.statSync(STAMP).mtimeMs;
  } catch {
    return 'no earlier build recorded';
  }
  if (!fs.existsSync(path.join(root, 'dist', 'cli.js'))) return 'dist/cli.js is missing';
  const newest = newestInput();
  if (newest && newest.mtimeMs > built) return `${path.relative(root, newest.file)} changed since the last build`;
  return null;
}

if (process.argv.includes('--if-stale')) {
  const reason = staleReason();
  if (reason === null) {
    process.stderr.write('kmsp: dist/ is up to date with source/; not rebuilt (npm run build forces it).\n');
    process.exit(0);
  }
  process.stderr.write(`kmsp: building dist/ (${reason})…\n`);
}

// The stamp gets the time the build began: a file saved while tsc runs is newer, so it is built next time.
const began = new Date();
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
// The config validator compiled ahead of time (source/store/precompiledValidator.ts), from the
// schema just built: the console and the commands then start without compiling it.
const precompile = path.join(root, 'dist', 'store', 'precompiledValidator.js');
if (fs.existsSync(precompile)) (await import(pathToFileURL(precompile).href)).writePrecompiledValidator();
fs.writeFileSync(STAMP, `built by scripts/build.mjs at ${began.toISOString()}\n`);
fs.utimesSync(STAMP, began, began);
