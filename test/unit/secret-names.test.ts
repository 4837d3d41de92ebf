// Which secrets an integration needs: named by its vendors' profiles, one name for every backend.
import { describe, expect, it } from 'vitest';
import { newIntegration } from '../../source/domain/defaults.js';
import { newConnection, PLATFORM_PROFILES, PSA_PROFILES } from '../../source/domain/profiles/index.js';
import { integrationSecrets, platformSecrets, psaSecrets, SECRET_NAME_PATTERN, secretEnvVar } from '../../source/domain/secretNames.js';

const ksc = newConnection(PLATFORM_PROFILES.ksc, { url: 'https://ksc:13299', username: 'svc' });

describe('secret names', () => {
  it('KSC + Autotask: the platform first, each with its label, short label and variable', () => {
    const integration = newIntegration('main', ksc, newConnection(PSA_PROFILES.autotask, { username: 'api@x' }));
    expect(integrationSecrets(integration)).toEqual([
      { name: 'main.ksc.password', part: 'ksc.password', label: 'KSC password', short: 'Password', envVar: 'KMSP_SECRET_MAIN_KSC_PASSWORD' },
      { name: 'main.autotask.secret', part: 'autotask.secret', label: 'Autotask API user secret (password)', short: 'API secret', envVar: 'KMSP_SECRET_MAIN_AUTOTASK_SECRET' },
      {
        name: 'main.autotask.integration-code',
        part: 'autotask.integration-code',
        label: 'Autotask API tracking identifier (integration code)',
        short: 'Tracking identifier',
        envVar: 'KMSP_SECRET_MAIN_AUTOTASK_INTEGRATION_CODE',
      },
    ]);
  });

  it('KSC + ConnectWise: the private key is the PSA’s one secret', () => {
    const psa = newConnection(PSA_PROFILES.connectwise, { companyId: 'acme', publicKey: 'p', clientId: 'c' });
    const integration = newIntegration('east-1', ksc, psa);
    expect(platformSecrets(integration).map((s) => s.name)).toEqual(['east-1.ksc.password']);
    expect(psaSecrets(integration)).toEqual([
      { name: 'east-1.connectwise.private-key', part: 'connectwise.private-key', label: 'ConnectWise API member private key', short: 'Private key', envVar: 'KMSP_SECRET_EAST_1_CONNECTWISE_PRIVATE_KEY' },
    ]);
  });

  it('every profile’s secret makes a name every backend takes', () => {
    const parts = [...Object.values(PSA_PROFILES), ...Object.values(PLATFORM_PROFILES)].flatMap((p) => p.secrets.map((s) => s.part));
    expect(new Set(parts).size).toBe(parts.length);
    for (const part of parts) expect(`main.${part}`).toMatch(SECRET_NAME_PATTERN);
    expect(secretEnvVar('a-b.c.d')).toBe('KMSP_SECRET_A_B_C_D');
  });
});
