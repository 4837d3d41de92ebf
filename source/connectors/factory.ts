// Builds the connectors of one integration from its configuration and secrets, through the
// registry of this build's connectors (registry.ts), the only place that knows which connector
// serves which kind.
import type { Integration } from '../domain/config.js';
import { isKmspError, KmspError } from '../domain/errors.js';
import type { Psa, SecurityPlatform } from '../domain/ports.js';
import { platformVendor, psaVendor, type HttpOptions, type PlatformConnectOptions, type SecretLookup } from './registry.js';

export type { HandedIn, PlatformConnectOptions, SecretLookup } from './registry.js';

/** The registry's refusal of a kind, said of the integration whose configuration names it. */
function ofIntegration<T>(name: string, pick: () => T): T {
  try {
    return pick();
  } catch (error) {
    if (!isKmspError(error)) throw error;
    throw new KmspError(`Integration "${name}": ${error.message}`, {
      kind: error.kind,
      ...(error.why ? { cause: error.why } : {}),
      ...(error.remedy ? { remedy: error.remedy } : {}),
    });
  }
}

/** `options.handedIn`: what a person typed for this connector alone (a one-time code), never stored. */
export async function createPlatform(integration: Pick<Integration, 'name' | 'platform'>, lookup: SecretLookup, options?: PlatformConnectOptions): Promise<SecurityPlatform> {
  return ofIntegration(integration.name, () => platformVendor(integration.platform.kind)).connect(integration, lookup, options);
}

export async function createPsa(integration: Pick<Integration, 'name' | 'psa'>, lookup: SecretLookup, httpOptions?: HttpOptions): Promise<Psa> {
  return ofIntegration(integration.name, () => psaVendor(integration.psa.kind)).connect(integration, lookup, httpOptions);
}
