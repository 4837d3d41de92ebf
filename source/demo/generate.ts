// MSP-size datasets for every simulator: `kmsp demo --generate tenants=N,devices=M,events=E,accounts=A
// --seed S`. One description of the MSP in words of no vendor (simulators/generatedMsp.ts) is built
// from the seed; each simulator's writer in the registry turns it into its `<kind>.json`. The same
// spec and seed give byte-identical files.
//
// The story: N tenants with M devices each (mostly Windows workstations, about a tenth servers and
// a few Linux boxes and Macs), E new critical security events spread over the tenants (about a
// third repeat an earlier device and threat, so the ticket job adds notes), A PSA accounts — one per
// tenant, named so the mapping suggestions match it (the tenant's name, half of them with a legal
// suffix), the rest unrelated — and each tenant's account a recurring contract holding what every
// simulated platform bills for the tenant, about half of the lines a few units off (so a billing
// run posts changes).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KmspError } from '../domain/errors.js';
import { Dice, prng } from '../simulators/dice.js';
import type { DeviceCategory, GeneratedAccount, GeneratedContract, GeneratedDevice, GeneratedEvent, GeneratedMsp, GeneratedTenant } from '../simulators/generatedMsp.js';
import { platformSimulator, psaSimulator, SIMULATED_PLATFORM_KINDS, SIMULATED_PSA_KINDS } from '../simulators/registry.js';

export interface GenerateSpec {
  tenants: number;
  /** Devices per tenant. */
  devices: number;
  /** New security events in all. */
  events: number;
  /** PSA accounts in all (at least one per tenant). */
  accounts: number;
}

/** Bounds of each key: big enough for the benchmarks, small enough for the simulators' memory. */
export const SPEC_LIMITS: Readonly<Record<keyof GenerateSpec, { min: number; max: number }>> = {
  tenants: { min: 1, max: 10_000 },
  devices: { min: 1, max: 2_000 },
  events: { min: 0, max: 1_000_000 },
  accounts: { min: 1, max: 50_000 },
};

/** Devices of all tenants together. */
export const MAX_TOTAL_DEVICES = 1_000_000;
export const MAX_SEED = 2 ** 32 - 1;

const KEYS = Object.keys(SPEC_LIMITS) as Array<keyof GenerateSpec>;
const EXAMPLE = 'tenants=500,devices=100,events=10000,accounts=600';

function specError(message: string, cause?: string): KmspError {
  return new KmspError(message, {
    kind: 'config',
    ...(cause ? { cause } : {}),
    remedy: `Give --generate key=value pairs separated by commas, e.g. ${EXAMPLE} (keys: ${KEYS.join(', ')}; tenants is needed, the others have defaults).`,
  });
}

/** Defaults for what the spec leaves out: 50 devices a tenant, 5 events a tenant, a tenth more accounts than tenants. */
function withDefaults(given: Partial<GenerateSpec> & { tenants: number }): GenerateSpec {
  return {
    tenants: given.tenants,
    devices: given.devices ?? 50,
    events: given.events ?? given.tenants * 5,
    accounts: given.accounts ?? given.tenants + Math.max(1, Math.round(given.tenants / 10)),
  };
}

/** Parses "tenants=N,devices=M,events=E,accounts=A"; every problem is a KmspError saying which key and why. */
export function parseGenerateSpec(text: string): GenerateSpec {
  const given: Partial<GenerateSpec> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim();
    const value = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (!(KEYS as string[]).includes(key)) throw specError(`--generate: unknown key "${key}"`, `known keys: ${KEYS.join(', ')}`);
    if (eq < 0 || value === '') throw specError(`--generate: ${key} has no value`);
    const k = key as keyof GenerateSpec;
    if (given[k] !== undefined) throw specError(`--generate: ${key} is given twice`);
    if (!/^\d+$/u.test(value.replace(/_/gu, ''))) throw specError(`--generate: ${key}=${value} is not a whole number`);
    const n = Number(value.replace(/_/gu, ''));
    const { min, max } = SPEC_LIMITS[k];
    if (n < min) throw specError(`--generate: ${key}=${value} is too small`, `${key} is at least ${min}`);
    if (n > max) throw specError(`--generate: ${key}=${value} is too big`, `${key} is at most ${max.toLocaleString('en-US')}`);
    given[k] = n;
  }
  if (given.tenants === undefined) throw specError('--generate: tenants is missing');
  const spec = withDefaults({ ...given, tenants: given.tenants });
  checkSpec(spec);
  return spec;
}

/** What no single key's bounds catch: fewer accounts than tenants, too many devices in all. */
export function checkSpec(spec: GenerateSpec): void {
  for (const k of KEYS) {
    const { min, max } = SPEC_LIMITS[k];
    if (!Number.isInteger(spec[k]) || spec[k] < min || spec[k] > max) throw specError(`--generate: ${k}=${spec[k]} is out of bounds`, `${k} is a whole number from ${min} to ${max.toLocaleString('en-US')}`);
  }
  if (spec.accounts < spec.tenants) throw specError(`--generate: accounts=${spec.accounts} is fewer than tenants=${spec.tenants}`, 'every tenant has an account of its own');
  if (spec.tenants * spec.devices > MAX_TOTAL_DEVICES) {
    throw specError(`--generate: ${(spec.tenants * spec.devices).toLocaleString('en-US')} devices in all is too big`, `tenants × devices is at most ${MAX_TOTAL_DEVICES.toLocaleString('en-US')}`);
  }
}

/** Parses --seed: a whole number from 0 to 2³²−1. */
export function parseSeed(text: string): number {
  const n = /^\d+$/u.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n) || n > MAX_SEED) {
    throw new KmspError(`--seed ${text} is not a seed`, { kind: 'config', cause: `a seed is a whole number from 0 to ${MAX_SEED}`, remedy: 'Give --seed a whole number, e.g. --seed 7; the same seed gives the same dataset.' });
  }
  return n;
}

// ---------------------------------------------------------------- the description

const FIRST = ['Acme', 'Harbor', 'Summit', 'Cedar', 'Northgate', 'Bluewater', 'Redwood', 'Silverline', 'Granite', 'Maple', 'Oakridge', 'Pioneer', 'Riverbend', 'Sterling', 'Westfield', 'Beacon', 'Crescent', 'Evergreen', 'Falcon', 'Juniper'];
const SECOND = ['Logistics', 'Dental', 'Legal', 'Builders', 'Accounting', 'Foods', 'Clinic', 'Engineering', 'Hotels', 'Realty', 'Consulting', 'Motors', 'Pharmacy', 'Insurance', 'Studios', 'Farms', 'Labs', 'Freight', 'Schools', 'Outfitters'];
const UNRELATED = ['Prospect', 'Vendor', 'Supplier', 'Lead', 'Partner', 'Reseller'];
const SUFFIXES = ['Ltd', 'Inc.', 'LLC', 'GmbH', 'Pty Ltd'];
const OS: Record<DeviceCategory, ReadonlyArray<{ os: GeneratedDevice['os']; name: string }>> = {
  workstation: [{ os: 'windows', name: 'Microsoft Windows 11 Pro' }, { os: 'windows', name: 'Microsoft Windows 10 Pro' }, { os: 'windows', name: 'Microsoft Windows 11 Enterprise' }],
  server: [{ os: 'windows', name: 'Microsoft Windows Server 2022 Standard' }, { os: 'windows', name: 'Microsoft Windows Server 2019 Standard' }],
  nonWindows: [{ os: 'linux', name: 'Ubuntu 22.04 LTS' }, { os: 'macos', name: 'macOS 14 Sonoma' }, { os: 'linux', name: 'Red Hat Enterprise Linux 9' }],
};
const PART: Record<DeviceCategory, string> = { workstation: 'WS', server: 'SRV', nonWindows: 'NW' };
/** Threat kinds a writer knows at least this many of. */
const THREATS = 3;
/** Share of a tenant's events that repeat an earlier device and threat. */
const REPEAT_SHARE = 1 / 3;

/** About a tenth servers and a twelfth non-Windows, at least one server from four devices. */
function categories(dice: Dice, m: number): DeviceCategory[] {
  const servers = m >= 4 ? Math.max(1, Math.round(m * (0.07 + dice.float() * 0.06))) : 0;
  const nonWindows = m >= 8 ? Math.max(1, Math.round(m * (0.05 + dice.float() * 0.06))) : 0;
  const workstations = m - servers - nonWindows;
  return [...Array<DeviceCategory>(workstations).fill('workstation'), ...Array<DeviceCategory>(servers).fill('server'), ...Array<DeviceCategory>(nonWindows).fill('nonWindows')];
}

function tenantName(index: number): string {
  return `${FIRST[index % FIRST.length]} ${SECOND[Math.floor(index / FIRST.length) % SECOND.length]} ${String(index + 1).padStart(4, '0')}`;
}

function events(dice: Dice, count: number, devices: number): GeneratedEvent[] {
  const out: GeneratedEvent[] = [];
  for (let e = 0; e < count; e++) {
    const minutesAgo = dice.int(1, 600);
    if (out.length > 0 && dice.chance(REPEAT_SHARE)) {
      const earlier = out[dice.int(0, out.length - 1)]!;
      out.push({ device: earlier.device, threat: earlier.threat, minutesAgo });
    } else {
      out.push({ device: dice.int(0, devices - 1), threat: dice.int(0, THREATS - 1), minutesAgo });
    }
  }
  return out;
}

/** The MSP of a spec and seed, in words of no vendor. */
export function describeMsp(spec: GenerateSpec, seed: number, apiBudget: GeneratedMsp['apiBudget'] = 'vendor'): GeneratedMsp {
  checkSpec(spec);
  const dice = new Dice(prng(seed));
  const tenants: GeneratedTenant[] = [];
  for (let t = 0; t < spec.tenants; t++) {
    const name = tenantName(t);
    const prefix = `T${String(t + 1).padStart(4, '0')}`;
    const counters: Record<DeviceCategory, number> = { workstation: 0, server: 0, nonWindows: 0 };
    const devices: GeneratedDevice[] = categories(dice, spec.devices).map((category) => {
      const os = dice.pick(OS[category]);
      return { id: dice.guid(), name: `${prefix}-${PART[category]}-${String(++counters[category]).padStart(4, '0')}`, category, os: os.os, osName: os.name, seenMinutesAgo: dice.int(1, 480) };
    });
    const share = Math.floor(spec.events / spec.tenants) + (t < spec.events % spec.tenants ? 1 : 0);
    tenants.push({ id: dice.guid(), name, edition: dice.int(0, 1), devices, events: events(dice, share, devices.length) });
  }

  // One account per tenant, then the unrelated ones; shuffled so the PSA's lists interleave them.
  const drafts: Array<Omit<GeneratedAccount, 'number'>> = tenants.map((t, i) => ({ name: i % 2 === 0 ? t.name : `${t.name} ${dice.pick(SUFFIXES)}`, tenant: i, active: true }));
  for (let u = 0; u < spec.accounts - spec.tenants; u++) {
    drafts.push({ name: `${dice.pick(UNRELATED)} ${dice.pick(SECOND)} Group ${String(u + 1).padStart(5, '0')}`, tenant: null, active: !dice.chance(0.1) });
  }
  for (let i = drafts.length - 1; i > 0; i--) {
    const j = dice.int(0, i);
    [drafts[i], drafts[j]] = [drafts[j]!, drafts[i]!];
  }
  const accounts: GeneratedAccount[] = drafts.map((a, i) => ({ ...a, number: i + 1 }));

  // What each tenant bills on every simulated platform: a folder's PSA files fit any platform of it.
  const writers = SIMULATED_PLATFORM_KINDS.map((k) => platformSimulator(k).generate);
  const contracts: GeneratedContract[] = [];
  for (const account of accounts) {
    if (account.tenant === null) continue;
    const tenant = tenants[account.tenant]!;
    const lines: GeneratedContract['lines'] = [];
    for (const writer of writers) {
      for (const [service, units] of Object.entries(writer.billed(tenant))) {
        // About half the lines hold what the platform reports; the others are a few units off.
        const off = dice.chance(0.5) ? 0 : dice.pick([-3, -2, -1, 1, 2, 3]);
        lines.push({ service, units: units - off >= 0 ? units - off : units + Math.abs(off) });
      }
    }
    contracts.push({ number: contracts.length + 1, account: account.number, name: `${account.name} – Managed Security`, lines });
  }
  return { seed, tenants, accounts, contracts, apiBudget };
}

// ---------------------------------------------------------------- the files

export interface GenerateOptions {
  spec: GenerateSpec;
  seed: number;
  /** Folder the `<kind>.json` files go to (made when missing). */
  dir: string;
  /** Only these simulators' files (default: every simulated platform and PSA). */
  kinds?: readonly string[];
  /** The PSA's API budget: the vendor's (default), or lifted for a benchmark. */
  apiBudget?: GeneratedMsp['apiBudget'];
}

/** Writes each simulator's dataset to `dir`; returns the files written by kind. */
export function writeGeneratedDataset(options: GenerateOptions): Record<string, string> {
  const msp = describeMsp(options.spec, options.seed, options.apiBudget ?? 'vendor');
  mkdirSync(options.dir, { recursive: true });
  const entries = [...SIMULATED_PLATFORM_KINDS.map((k) => platformSimulator(k)), ...SIMULATED_PSA_KINDS.map((k) => psaSimulator(k))];
  const written: Record<string, string> = {};
  for (const entry of entries) {
    if (options.kinds && !options.kinds.includes(entry.kind)) continue;
    const file = path.join(options.dir, entry.fixtureFile);
    writeFileSync(file, `${JSON.stringify(entry.generate.dataset(msp))}\n`);
    written[entry.kind] = file;
  }
  return written;
}
