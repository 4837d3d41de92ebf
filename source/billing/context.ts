// What the billing commands share: the configured integration(s) and their connectors, with
// every HTTP request counted (for the run summary and the benchmark).
import { createPlatform, createPsa } from '../connectors/factory.js';
import type { PlatformPool } from '../connectors/platformPool.js';
import type { HttpOptions } from '../connectors/registry.js';
import type { Integration, KmspConfig } from '../domain/config.js';
import { KmspError } from '../domain/errors.js';
import { agentBlockingProblems } from '../domain/validate.js';
import type { Psa, SecurityPlatform } from '../domain/ports.js';
import { openConfig } from '../store/config.js';
import type { KmspPaths } from '../store/paths.js';
import { openSecretStore } from '../store/secrets.js';

export interface RequestCounts {
  platform: number;
  psa: number;
}

export interface Connected {
  platform: SecurityPlatform;
  psa: Psa;
  requests: RequestCounts;
  /** `failed`: the pass failed, so a kept platform connector is not kept (nothing of a failed state carries over). */
  close(failed?: boolean): Promise<void>;
}

export function loadIntegrations(paths: KmspPaths, name?: string): { config: KmspConfig; integrations: Integration[] } {
  const config = openConfig({ paths, onInvalid: 'fail' }).load();
  // What the agent refuses to run (two writers of one contract, two integrations claiming one
  // tenant …), --once and the preview refuse too: a pass must never do what the agent would not.
  const blocking = agentBlockingProblems(config);
  if (blocking.length > 0) {
    throw new KmspError(`${paths.configFile} has values the agent will not run with`, {
      kind: 'config',
      cause: blocking.map((p) => `${p.path}: ${p.message}`).join('; '),
      remedy: 'Fix them in the console (kmsp) or in the file; kmsp config validate lists every problem. Nothing was read or written.',
    });
  }
  if (name) {
    const one = config.integrations.find((i) => i.name === name);
    if (!one) {
      throw new KmspError(`No integration named “${name}”`, {
        kind: 'config',
        cause: `configured: ${config.integrations.map((i) => i.name).join(', ') || 'none'}`,
        remedy: 'Pass one of those names, or leave --integration out to use every integration.',
      });
    }
    return { config, integrations: [one] };
  }
  if (config.integrations.length === 0) {
    throw new KmspError(`No integration is configured in ${paths.configFile}`, {
      kind: 'config',
      remedy: 'Set one up in the console (kmsp), or try the demo (kmsp demo).',
    });
  }
  return { config, integrations: config.integrations };
}

function secretLookup(paths: KmspPaths): (name: string) => Promise<string | null> {
  const secrets = openSecretStore({ paths });
  return (n) => secrets.get(n);
}

/** The PSA side alone (the mapping checks of `kmsp config validate --online` and `config import`). */
export function connectPsa(paths: KmspPaths, integration: Integration): Promise<Psa> {
  return createPsa(integration, secretLookup(paths));
}

/**
 * `onWarning`: what the platform's connector leaves out without failing, for the caller's log.
 * `http`: HTTP settings for both connectors beyond their own (a harness's short timeouts); its
 * `onRecord` is told every request as well as the counts.
 */
export async function connect(
  paths: KmspPaths,
  integration: Integration,
  onWarning?: (message: string) => void,
  http?: HttpOptions,
  /** A long-running process's kept platform connectors (the agent), and the job asking. */
  kept?: { pool: PlatformPool; job: string },
): Promise<Connected> {
  const lookup = secretLookup(paths);
  const requests: RequestCounts = { platform: 0, psa: 0 };
  const counted = (side: keyof RequestCounts): HttpOptions => ({
    ...http,
    onRecord: (record) => {
      requests[side]++;
      http?.onRecord?.(record);
    },
  });
  const warnings = onWarning ? { onWarning } : {};
  const taken = kept
    ? await kept.pool.take(kept.job, integration, lookup, { http: counted('platform'), ...warnings })
    : await createPlatform(integration, lookup, { http: counted('platform'), ...warnings }).then((platform) => ({ platform, release: () => platform.close() }));
  const { platform } = taken;
  let psa: Psa;
  try {
    psa = await createPsa(integration, lookup, counted('psa'));
  } catch (error) {
    await taken.release(true);
    throw error;
  }
  return {
    platform,
    psa,
    requests,
    close: async (failed = false) => void (await Promise.all([taken.release(failed), psa.close()])),
  };
}
