// The demo fixture's customers mapped as an admin would (tenant → account → its Recurring
// Service contract, billing by category), and the postings that mapping must produce, computed
// from the fixture files themselves (not with the engine). Shared by the CLI and agent tests.
import { readFileSync } from 'node:fs';
import type { BillingSettings, TenantMapping } from '../../source/domain/config.js';
import { fixtureDir } from './helpers.js';

interface KscKey { serial: string; productName: string; type: string; expiry?: string | null; subscription?: { state?: string } | null; current?: string[] }
interface KscVs { uid: string; dn: string; devices: Array<{ hostname: string; ctype: number }>; keys: KscKey[] }
const ksc = JSON.parse(readFileSync(`${fixtureDir('demo')}/ksc.json`, 'utf8')) as { vservers: KscVs[] };
const at = JSON.parse(readFileSync(`${fixtureDir('demo')}/autotask.json`, 'utf8')) as {
  companies: Array<{ id: number; companyName: string; isActive: boolean }>;
  contracts: Array<{ id: number; companyID: number; contractName: string; contractType: number }>;
  contractServices: Array<{ contractID: number; serviceID: number; units: number }>;
};
const customers = (JSON.parse(readFileSync(`${fixtureDir('demo')}/customers.json`, 'utf8')) as { customers: Array<{ tenant: string; account: string }> }).customers;

const ADV = 'Kaspersky Endpoint Security for Business Advanced';
const SEL = 'Kaspersky Endpoint Security for Business Select';
const KSWS = 'Kaspersky Security for Windows Server';
const choice = (value: number, label: string) => ({ value: String(value), label });
export const billing: BillingSettings = {
  byCategory: true,
  applications: [
    { applicationId: ADV, applicationName: ADV, single: null, workstation: choice(29684601, 'KES Advanced – Workstation'), server: choice(29684602, 'KES Advanced – Server'), nonWindows: choice(29684603, 'KES Advanced – Non-Windows') },
    { applicationId: SEL, applicationName: SEL, single: null, workstation: choice(29684604, 'KESB Select – Workstation'), server: choice(29684605, 'KESB Select – Server'), nonWindows: choice(29684606, 'KESB Select – Non-Windows') },
    { applicationId: KSWS, applicationName: KSWS, single: null, workstation: null, server: choice(29684607, 'Kaspersky Security for Windows Server'), nonWindows: null },
  ],
};

// The mappings an admin would accept: each customer's tenant → its account → its Recurring Service contract.
const tenants: TenantMapping[] = [];
for (const c of customers) {
  const vs = ksc.vservers.find((v) => v.dn === c.tenant);
  const company = at.companies.find((a) => a.companyName === c.account && a.isActive);
  const contract = company && at.contracts.find((k) => k.companyID === company.id && k.contractType === 7);
  if (!vs || !company || !contract) continue;
  tenants.push({ tenantId: vs.uid, tenantName: vs.dn, accountId: String(company.id), accountName: company.companyName, billing: true, contractId: String(contract.id), contractName: contract.contractName });
}
export const MAPPED = tenants.slice(0, 12);
MAPPED[MAPPED.length - 1] = { ...MAPPED[MAPPED.length - 1]!, billing: false }; // one with billing off: skipped

/** "now+104d", "now-2h30m" → instant, as the fixture means it (relative to the simulator's start ≈ now). */
function relative(text: string, now: number): Date {
  if (!text.startsWith('now')) return new Date(text);
  let ms = now;
  for (const [, sign, n, unit] of text.slice(3).matchAll(/([+-]?)(\d+)([smhd])/g)) {
    ms += (sign === '-' ? -1 : 1) * Number(n) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[unit as 's']!;
  }
  return new Date(ms);
}

export function expectedPostings(now: number): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  for (const m of MAPPED.filter((t) => t.billing)) {
    const vs = ksc.vservers.find((v) => v.uid === m.tenantId)!;
    const category = new Map(vs.devices.map((d) => [d.hostname, d.ctype & 0x8000 ? 'server' : d.ctype & 0x1000 ? 'workstation' : 'nonWindows'] as const));
    const want = new Map<number, number>();
    for (const app of billing.applications) {
      for (const k of ['workstation', 'server', 'nonWindows'] as const) if (app[k]) want.set(Number(app[k]!.value), 0);
      const used = new Set<string>();
      for (const key of vs.keys.filter((k) => k.productName === app.applicationId)) {
        const typeOk = key.type === 'commercial' ? !key.subscription?.state || key.subscription.state === 'active' : key.type === 'subscription' ? (key.subscription?.state ?? 'active') === 'active' : false;
        // A key whose expiry instant has passed at the time of the run no longer counts.
        const unexpired = !key.expiry || relative(key.expiry, now).getTime() > now;
        if (typeOk && unexpired) for (const h of key.current ?? []) if (category.has(h)) used.add(h);
      }
      for (const h of used) {
        const item = app[category.get(h)!];
        if (item) want.set(Number(item.value), want.get(Number(item.value))! + 1);
      }
    }
    for (const [service, quantity] of want) {
      const held = at.contractServices.find((cs) => cs.contractID === Number(m.contractId) && cs.serviceID === service)?.units ?? 0;
      if (quantity !== held) out.push([Number(m.contractId), service, quantity - held]);
    }
  }
  return out.sort();
}
