// Configs the property tests start from.
import type { KmspConfig } from '../../source/domain/config.js';
import { AUTOTASK_DEFAULTS, KSC_DEFAULTS, defaultConfig, newIntegration } from '../../source/domain/defaults.js';

/** A config that passes validateConfig, with two mapped tenants. */
export function goodConfig(): KmspConfig {
  const config = defaultConfig();
  const integration = newIntegration('main', { ...KSC_DEFAULTS, url: 'https://ksc.example:13299', username: 'kmsp' }, { ...AUTOTASK_DEFAULTS, username: 'api@x' });
  integration.ticketing.general.newStatus = { value: '1', label: 'New' };
  integration.ticketing.general.closedStatus = { value: '5', label: 'Complete' };
  integration.tenants.push(
    { tenantId: 't1', tenantName: 'Contoso', accountId: 'a1', accountName: 'Contoso Ltd', billing: false, contractId: null, contractName: null },
    { tenantId: 't2', tenantName: 'Fabrikam', accountId: 'a2', accountName: 'Fabrikam Inc', billing: false, contractId: null, contractName: null },
  );
  config.integrations.push(integration);
  return config;
}
