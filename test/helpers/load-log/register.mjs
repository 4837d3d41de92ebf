// `node --import <this file>`: records every module the process loads, one URL a line, in the
// file named by KMSP_LOAD_LOG — ES modules as the loader fetches them (hooks.mjs), CommonJS
// modules from require's cache when the process exits. Used by test/e2e/lazy-imports.test.ts.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const log = process.env.KMSP_LOAD_LOG;
if (log) {
  register(new URL('./hooks.mjs', import.meta.url), { data: { log } });
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => {
    const lines = Object.keys(cache).map((file) => `${pathToFileURL(file).href}\n`);
    if (lines.length > 0) appendFileSync(log, lines.join(''));
  });
}
