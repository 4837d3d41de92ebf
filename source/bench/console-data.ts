// Generated MSP-size lists for the console bench: tenants, PSA accounts and contracts, licensed
// applications, billing items and ticket picklists, each N long (seeded: every run sees the same
// data), and the console session that serves them. Everything above the session is the real
// console: config store on disk, shell, key router, screens, tables, dialogs.
import type { TenantMapping } from '../domain/config.js';
import type { SecurityPlatform } from '../domain/ports.js';
import type { AccountBillingReadiness, Application, BillingItem, LicenseUnit, PicklistValue, PsaAccount, PsaContract, Tenant, TicketPicklists } from '../domain/types.js';
import { ConsoleSession, type ConsoleSessionOptions } from '../console/session.js';

export interface ConsoleData {
  tenants: Tenant[];
  accounts: PsaAccount[];
  contracts: PsaContract[];
  applications: Application[];
  billingItems: BillingItem[];
  /** The first `mapped` tenants are mapped to the account of the same index; every third bills. */
  saved: TenantMapping[];
}

const WORDS = ['Acme', 'Blue', 'Cedar', 'Delta', 'Echo', 'Fern', 'Granite', 'Harbor', 'Iron', 'Juniper', 'Keystone', 'Lake', 'Maple', 'North', 'Orchard', 'Pine', 'Quartz', 'River', 'Summit', 'Tide'];
const KINDS = ['Dental', 'Legal', 'Logistics', 'Clinic', 'Builders', 'Marine', 'Accounting', 'Hotels', 'Insurance', 'Design'];
const PRODUCTS = ['Endpoint Security', 'Security for Mail Server', 'Security for File Server', 'Security for Mobile', 'Hybrid Cloud Security', 'Endpoint Detection and Response'];
const EDITIONS = ['Select', 'Advanced', 'Total', 'Optimum', 'Expert', 'Standard'];

/** A name of the generated MSP's customer `i` ("Maple Legal 00012"). */
export function customerName(i: number): string {
  return `${WORDS[i % WORDS.length]} ${KINDS[Math.floor(i / WORDS.length) % KINDS.length]} ${String(i).padStart(5, '0')}`;
}

/** A small linear congruential generator: the same seed gives the same lists on every machine. */
function random(seed: number): () => number {
  let state = (seed >>> 0) % 2 ** 31;
  return () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

export function generateConsoleData(options: { rows: number; mapped: number; seed: number }): ConsoleData {
  const { rows, mapped } = options;
  const next = random(options.seed);
  const tenants: Tenant[] = Array.from({ length: rows }, (_, i) => ({ id: `vs-${i}`, name: customerName(i), enabled: next() > 0.02 }));
  // Most accounts carry their tenant's name with a legal suffix (mapping suggestions), some do not.
  const suffixes = [' Ltd', ' Inc.', ' GmbH', '', ' LLC'];
  const accounts: PsaAccount[] = Array.from({ length: rows }, (_, i) => ({
    id: String(30_000_000 + i),
    name: next() < 0.85 ? `${customerName(i)}${suffixes[i % suffixes.length]}` : `Other Company ${i}`,
    active: next() > 0.05,
    type: next() > 0.1 ? 'Customer' : 'Prospect',
    customFields: {},
  }));
  const contracts: PsaContract[] = accounts.flatMap((a, i) => [
    { id: String(40_000_000 + i * 2), accountId: a.id, name: `${a.name} – Managed Security`, recurring: true, typeLabel: 'Recurring Service', active: true, startDate: '2025-01-01', endDate: null },
    { id: String(40_000_001 + i * 2), accountId: a.id, name: `${a.name} – Block Hours`, recurring: false, typeLabel: 'Block Hours', active: true, startDate: '2025-01-01', endDate: null },
  ]);
  const units: LicenseUnit[] = ['device', 'device', 'device', 'user', 'mailbox'];
  const applications: Application[] = Array.from({ length: rows }, (_, i) => ({
    id: `app-${i}`,
    name: `${PRODUCTS[i % PRODUCTS.length]} ${EDITIONS[Math.floor(i / PRODUCTS.length) % EDITIONS.length]} ${String(i).padStart(5, '0')}`,
    unit: units[i % units.length]!,
    ...(i % 7 === 0 ? { categories: ['windows-server' as const] } : {}),
  }));
  const billingItems: BillingItem[] = Array.from({ length: rows }, (_, i) => ({
    id: String(50_000_000 + i),
    name: `${PRODUCTS[i % PRODUCTS.length]} ${EDITIONS[(i >> 2) % EDITIONS.length]} per ${units[i % units.length]} ${String(i).padStart(5, '0')}`,
    active: next() > 0.03,
  }));
  const saved: TenantMapping[] = tenants.map((t, i) =>
    i < mapped
      ? {
          tenantId: t.id,
          tenantName: i % 97 === 0 ? `${t.name} (old name)` : t.name,
          accountId: accounts[i]!.id,
          accountName: accounts[i]!.name,
          billing: i % 3 === 0,
          contractId: i % 3 === 0 ? contracts[i * 2]!.id : null,
          contractName: i % 3 === 0 ? contracts[i * 2]!.name : null,
        }
      : { tenantId: t.id, tenantName: t.name, accountId: null, accountName: null, billing: false, contractId: null, contractName: null },
  );
  return { tenants, accounts, contracts, applications, billingItems, saved };
}

/**
 * Every list of the PSA's own picklists made `rows` long: the real values first, then generated
 * ones that belong to the same parents (a scoped list stays scoped), so every chooser of the
 * Ticketing tab offers thousands of values.
 */
export function padPicklists(lists: TicketPicklists, rows: number): TicketPicklists {
  const out: TicketPicklists = {};
  for (const [key, values] of Object.entries(lists)) {
    const padded: PicklistValue[] = [...values];
    for (let i = values.length; values.length > 0 && i < rows; i++) {
      const like = values[i % values.length]!;
      padded.push({
        value: `bench-${i}`,
        label: `${WORDS[i % WORDS.length]} ${like.label} ${String(i).padStart(5, '0')}`,
        active: true,
        parentValue: like.parentValue,
        ...(like.parentValues ? { parentValues: like.parentValues } : {}),
        ...(like.closed !== undefined ? { closed: like.closed } : {}),
        isDefault: false,
      });
    }
    out[key] = padded;
  }
  return out;
}

/**
 * The real session (config, secrets, ledger, connectors to the simulators the demo started) with
 * the generated lists in place of what the platform and the PSA would return. The PSA's own
 * picklists are read once and padded; the readiness check answers "ready" for every account.
 */
export class GeneratedSession extends ConsoleSession {
  private picklistsOnce: Promise<TicketPicklists> | null = null;

  constructor(
    options: ConsoleSessionOptions,
    private readonly data: ConsoleData,
    private readonly rows: number,
  ) {
    super(options);
  }
  override tenants(): Promise<Tenant[]> {
    return Promise.resolve(this.data.tenants);
  }
  override accounts(): Promise<PsaAccount[]> {
    return Promise.resolve(this.data.accounts);
  }
  override contracts(): Promise<PsaContract[]> {
    return Promise.resolve(this.data.contracts);
  }
  override billingItems(): Promise<BillingItem[]> {
    return Promise.resolve(this.data.billingItems);
  }
  override picklists(name: string): Promise<TicketPicklists> {
    this.picklistsOnce ??= super.picklists(name).then((lists) => padPicklists(lists, this.rows));
    return this.picklistsOnce;
  }
  override async billingReadiness(name: string, accountIds: readonly string[]): Promise<AccountBillingReadiness[] | null> {
    const psa = await this.psa(name);
    if (!psa.billingReadiness) return null;
    return accountIds.map((accountId) => ({ accountId, ready: true, problem: null, remedy: null }));
  }
  /** The real platform connector, but its applications are the generated ones. */
  override async platform(name: string): Promise<SecurityPlatform> {
    const real = await super.platform(name);
    const applications = this.data.applications;
    return new Proxy(real, {
      get(target, property) {
        if (property === 'listApplications') return () => Promise.resolve(applications);
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}
