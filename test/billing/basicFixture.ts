// The configuration the Accounts and Services tabs would write for fixtures/billing-basic.
import type { BillingSettings, TenantMapping } from '../../source/domain/config.js';

export const KESB = 'Kaspersky Endpoint Security for Business Select';
export const WS = '29690601';
export const SRV = '29690602';
export const NW = '29690603';
export const CONTRACT = 29690101;

export const basicTenants: TenantMapping[] = [
  { tenantId: 'vs-northwind-0001', tenantName: 'Northwind Traders', accountId: '29690001', accountName: 'Northwind Traders GmbH', billing: true, contractId: String(CONTRACT), contractName: 'Northwind – Managed Security' },
  { tenantId: 'vs-southside-0002', tenantName: 'Southside Bakery', accountId: '29690002', accountName: 'Southside Bakery', billing: false, contractId: '29690102', contractName: 'Southside – Managed Security' },
];
export const basicBilling: BillingSettings = {
  byCategory: true,
  applications: [
    {
      applicationId: KESB,
      applicationName: KESB,
      single: null,
      workstation: { value: WS, label: 'KESB Select – Workstation' },
      server: { value: SRV, label: 'KESB Select – Server' },
      nonWindows: { value: NW, label: 'KESB Select – Non-Windows' },
    },
  ],
};

