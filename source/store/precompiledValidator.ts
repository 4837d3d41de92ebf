// Writes the config validator compiled ahead of time (configSchema.ts, PRECOMPILED_VALIDATOR_FILE)
// into the built store/ folder: scripts/build.mjs runs it after tsc, so every build carries the
// validator of its own schema, named by the schema's hash.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_JSON_SCHEMA, configAjv, configSchemaHash, PRECOMPILED_VALIDATOR_FILE } from './configSchema.js';

/** The validator's CommonJS source: ajv's standalone code, plus the hash of the schema it checks. */
export function precompiledValidatorSource(): string {
  // ajv's standalone module is CommonJS whose export is the function itself.
  const standaloneCode = createRequire(import.meta.url)('ajv/dist/standalone/index.js') as typeof import('ajv/dist/standalone/index.js').default;
  const ajv = configAjv({ code: { source: true } });
  const code = standaloneCode(ajv, ajv.compile(CONFIG_JSON_SCHEMA));
  return `${code}\nmodule.exports.schemaHash = ${JSON.stringify(configSchemaHash())};\n`;
}

/** Writes it beside the built configSchema.js; returns the file. */
export function writePrecompiledValidator(dir = path.dirname(fileURLToPath(import.meta.url))): string {
  const file = path.join(dir, PRECOMPILED_VALIDATOR_FILE);
  fs.writeFileSync(file, precompiledValidatorSource());
  return file;
}
