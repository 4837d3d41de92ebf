// The config validator the build compiles ahead of time (store/precompiledValidator.ts) judges
// every config as the one compiled at run time does: same verdict, same errors, for good configs
// and broken ones of each kind; and one compiled from another schema is never used.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { AUTOTASK_DEFAULTS, KSC_DEFAULTS, defaultConfig, newIntegration } from '../../source/domain/defaults.js';
import { CONFIG_JSON_SCHEMA, configAjv, configSchemaHash } from '../../source/store/configSchema.js';
import { precompiledValidatorSource } from '../../source/store/precompiledValidator.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmsp-validator-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };

function loadPrecompiled(): Validate & { schemaHash?: string } {
  const file = path.join(dir, 'configValidator.cjs');
  fs.writeFileSync(file, precompiledValidatorSource());
  const loaded = createRequire(import.meta.url)(file) as { default: Validate; schemaHash: string };
  return Object.assign(loaded.default, { schemaHash: loaded.schemaHash });
}

function sample(): Record<string, unknown> {
  const config = defaultConfig();
  config.integrations.push(newIntegration('main', { ...KSC_DEFAULTS, url: 'https://ksc.example:13299', username: 'kmsp' }, { ...AUTOTASK_DEFAULTS, username: 'api@x' }));
  return JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
}

/** What a validator says of `data`: its verdict and its errors (their path, keyword and message). */
function verdict(validate: Validate, data: unknown): unknown {
  const ok = validate(data);
  return { ok, errors: (validate.errors ?? []).map((e) => JSON.stringify(e)) };
}

describe('the precompiled config validator', () => {
  const precompiled = loadPrecompiled();
  const runtime = configAjv().compile(CONFIG_JSON_SCHEMA) as Validate;

  it('carries the hash of the schema it was compiled from', () => {
    expect(precompiled.schemaHash).toBe(configSchemaHash());
  });

  it('accepts a good config and rejects broken ones exactly as the run-time one does', () => {
    const good = sample();
    const cases: unknown[] = [
      good,
      {},
      null,
      { ...good, schemaVersion: 99 },
      { ...good, stray: true },
      { ...good, integrations: [{ ...(good.integrations as object[])[0], psa: { kind: 'nonesuch' } }] },
      { ...good, integrations: [{ ...(good.integrations as Array<Record<string, unknown>>)[0], psa: { ...((good.integrations as Array<Record<string, unknown>>)[0]!.psa as object), password: 'x' } }] },
      { ...good, agent: { ...(good.agent as object), ticketPollSeconds: '60' } },
    ];
    expect(verdict(precompiled, good)).toEqual({ ok: true, errors: [] });
    for (const data of cases) expect(verdict(precompiled, data)).toEqual(verdict(runtime, data));
  });

  it('agrees with the run-time one on any JSON put where a config value goes', () => {
    const keys = ['schemaVersion', 'integrations', 'agent', 'extra'];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue(), (key, value) => {
        const data = { ...sample(), [key]: value };
        expect(verdict(precompiled, data)).toEqual(verdict(runtime, data));
      }),
      { numRuns: 200 },
    );
  });
});
