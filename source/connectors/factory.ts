// Builds the connectors of one integration from its configuration and secrets.
// The only place that knows which connector serves which platform/PSA kind.
import type { Integration } from '../domain/config.js';
import { KmspError } from '../domain/errors.js';
import type { Psa, SecurityPlatform } from '../domain/ports.js';
import { platformSecrets, psaSecrets, type SecretSpec } from '../domain/secretNames.js';
import { createAutotaskPsa } from './autotask/index.js';
import type { HttpClientOptions } from './http.js';
import { createKscPlatform } from './ksc/index.js';

export type SecretLookup = (name: string) => Promise<string | null>;

async function need(lookup: SecretLookup, spec: SecretSpec, integration: string): Promise<string> {
  const value = await lookup(spec.name);
  if (!value) {
    throw new KmspError(`Integration "${integration}": the ${spec.label} is missing`, {
      kind: 'secret',
      cause: `no secret named ${spec.name} in the keyring, $CREDENTIALS_DIRECTORY, the environment (${spec.envVar}) or the secrets file`,
      remedy: `Enter it on the Connections tab, or run: kmsp secrets set ${spec.name}`,
    });
  }
  return value;
}

export async function createPlatform(integration: Integration, lookup: SecretLookup, httpOptions?: Partial<HttpClientOptions>): Promise<SecurityPlatform> {
  const [password] = await Promise.all(platformSecrets(integration).map((s) => need(lookup, s, integration.name)));
  const platform = integration.platform;
  if (platform.kind === 'ksc') return createKscPlatform({ connection: platform, password: password!, ...(httpOptions ? { httpOptions } : {}) });
  throw new KmspError(`Integration "${integration.name}": Kaspersky Business Hub is not supported yet`, {
    kind: 'config',
    cause: 'this version of kmsp speaks the KSC Open API only',
    remedy: 'Use a KSC (or KSC Cloud Console) integration for now.',
  });
}

export async function createPsa(integration: Integration, lookup: SecretLookup, httpOptions?: Partial<HttpClientOptions>): Promise<Psa> {
  const [secret, integrationCode] = await Promise.all(psaSecrets(integration).map((s) => need(lookup, s, integration.name)));
  return createAutotaskPsa({ connection: integration.psa, secret: secret!, integrationCode: integrationCode!, ...(httpOptions ? { httpOptions } : {}) });
}
