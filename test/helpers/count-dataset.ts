// A KSC + Autotask dataset for request-count tests: T virtual servers of N hosts each (the first
// `servers` of them servers), every host on the tenant's one license key, and an Autotask contract
// per tenant holding the workstation and server services with the units the test chooses. Small and
// exact, so the requests a run makes can be counted and asserted.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BillingSettings, TenantMapping } from '../../source/domain/config.js';
import { fixturesPath } from '../../source/simulators/server.js';

export const COUNT_APP = 'Kaspersky Endpoint Security for Business Select';
export const COUNT_WS = 29690601;
export const COUNT_SRV = 29690602;

export interface CountDataset {
  tenants: number;
  devices: number;
  servers: number;
  keyCapacity: number;
  /** The units each tenant's contract holds before the run. */
  units(tenant: number): { workstations: number; servers: number };
}

/** The services billed: the application's workstations and servers. */
export const countBilling: BillingSettings = {
  byCategory: true,
  applications: [{ applicationId: COUNT_APP, applicationName: COUNT_APP, single: null, workstation: { value: String(COUNT_WS), label: 'WS' }, server: { value: String(COUNT_SRV), label: 'SRV' }, nonWindows: null }],
};

/** Writes ksc.json and autotask.json into `dir`; returns each tenant mapped to its account and contract. */
export function writeCountDataset(dir: string, spec: CountDataset): TenantMapping[] {
  const autotask = JSON.parse(readFileSync(path.join(fixturesPath('demo'), 'autotask.json'), 'utf8')) as Record<string, unknown>;
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
  const vservers = [];
  const companies = [];
  const contracts = [];
  const contractServices = [];
  const tenants: TenantMapping[] = [];
  for (let t = 0; t < spec.tenants; t++) {
    const devices = Array.from({ length: spec.devices }, (_, d) => ({
      hostname: `${hex(t, 8)}-0000-4000-8000-${hex(d, 12)}`,
      dn: `T${t}-D${d}`,
      osName: d < spec.servers ? 'Microsoft Windows Server 2022' : 'Microsoft Windows 11 Pro',
      ctype: d < spec.servers ? 36871 : 4097,
    }));
    vservers.push({
      uid: `vs-count-${t}`,
      dn: `Count Tenant ${t}`,
      enabled: true,
      devices,
      keys: [{ serial: `COUNT-${t}`, productName: COUNT_APP, type: 'commercial', capacity: spec.keyCapacity, expiry: 'now+200d', current: devices.map((d) => d.hostname) }],
    });
    const companyId = 40_000_000 + t;
    const contractId = 41_000_000 + t;
    companies.push({ id: companyId, companyName: `Count Account ${t}`, companyType: 1, isActive: true });
    contracts.push({ id: contractId, companyID: companyId, contractName: `Count ${t}`, contractType: 7, status: 1, startDate: 'startOfYear', endDate: 'startOfYear+1y-1d' });
    const units = spec.units(t);
    contractServices.push({ contractID: contractId, serviceID: COUNT_WS, units: units.workstations }, { contractID: contractId, serviceID: COUNT_SRV, units: units.servers });
    tenants.push({ tenantId: `vs-count-${t}`, tenantName: `Count Tenant ${t}`, accountId: String(companyId), accountName: `Count Account ${t}`, billing: true, contractId: String(contractId), contractName: `Count ${t}` });
  }
  writeFileSync(path.join(dir, 'ksc.json'), JSON.stringify({ users: [{ username: 'kmsp-demo', password: 'demo-ksc-password', internal: true }], vservers }));
  writeFileSync(
    path.join(dir, 'autotask.json'),
    JSON.stringify({
      ...autotask,
      companies,
      contracts,
      services: [
        { id: COUNT_WS, name: 'Select – Workstation', unitPrice: 3, unitCost: 1, periodType: 1, billingCodeID: 29682810, isActive: true },
        { id: COUNT_SRV, name: 'Select – Server', unitPrice: 7, unitCost: 3, periodType: 1, billingCodeID: 29682810, isActive: true },
      ],
      contractServices,
      tickets: [],
      ticketNotes: [],
    }),
  );
  return tenants;
}
