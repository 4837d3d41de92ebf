// An MSP of any size described once, in words of no vendor: its tenants with their devices and new
// security events, its PSA accounts and each billed account's recurring contract. `kmsp demo
// --generate` (demo/generate.ts) builds one from a seed; each simulator's writer (a `generate`
// entry in registry.ts, the writer in the simulator's folder) turns it into that vendor's dataset,
// so every vendor's file of one folder tells the same story.

/** A device's billing category (README › Billing rules, "Categories"). */
export type DeviceCategory = 'workstation' | 'server' | 'nonWindows';

export interface GeneratedDevice {
  /** A GUID: the platform's device id. */
  id: string;
  /** Its name in the console ("T0001-WS-0001"). */
  name: string;
  category: DeviceCategory;
  /** The operating system family: a non-Windows device is a Linux or a Mac. */
  os: 'windows' | 'linux' | 'macos';
  osName: string;
  /** Last seen this many minutes before the simulator starts. */
  seenMinutesAgo: number;
}

/** A new security event (the platforms' most severe kind) on one device of the tenant. */
export interface GeneratedEvent {
  /** Index into the tenant's devices. */
  device: number;
  /** Which of the platform's threat kinds (a writer takes it modulo its own list): the same device and threat is a repeat. */
  threat: number;
  /** Raised this many minutes before the simulator starts (all within the last day). */
  minutesAgo: number;
}

export interface GeneratedTenant {
  /** A GUID: the platform's tenant id. */
  id: string;
  name: string;
  /** Which endpoint edition the tenant runs (a writer takes it modulo its own list of products). */
  edition: number;
  devices: GeneratedDevice[];
  events: GeneratedEvent[];
}

export interface GeneratedAccount {
  /** 1-based, unique: the writers derive the PSA's ids from it. */
  number: number;
  name: string;
  /** The tenant this account is the customer of (its name is what the mapping suggestions match), or null for an unrelated account. */
  tenant: number | null;
  active: boolean;
}

export interface GeneratedContract {
  /** 1-based, unique. */
  number: number;
  /** The account's number. */
  account: number;
  name: string;
  /** Units per service name (demoStory.ts SERVICES) held in every period: what was billed at the last posting. */
  lines: Array<{ service: string; units: number }>;
}

export interface GeneratedMsp {
  seed: number;
  tenants: GeneratedTenant[];
  accounts: GeneratedAccount[];
  contracts: GeneratedContract[];
  /** The PSA's API budget: as the vendor sets it, or lifted so a benchmark measures kmsp rather than the PSA's pacing. */
  apiBudget: 'vendor' | 'lifted';
}

/** A platform's dataset writer: its `<kind>.json` for the MSP, and what each tenant's devices bill on it now. */
export interface PlatformDatasetWriter {
  dataset(msp: GeneratedMsp): unknown;
  /** Units per service name (the simulator's demoServices) the tenant's billable usage comes to. */
  billed(tenant: GeneratedTenant): Record<string, number>;
}

/** A PSA's dataset writer: its `<kind>.json` for the MSP (master tables from the built-in demo's). */
export interface PsaDatasetWriter {
  dataset(msp: GeneratedMsp): unknown;
}

/** Devices per category of a tenant. */
export function countByCategory(tenant: GeneratedTenant): Record<DeviceCategory, number> {
  const out: Record<DeviceCategory, number> = { workstation: 0, server: 0, nonWindows: 0 };
  for (const d of tenant.devices) out[d.category]++;
  return out;
}
