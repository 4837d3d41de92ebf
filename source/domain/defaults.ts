// Every default of README › Defaults that is not a vendor's: agent settings, the ranges of
// the numbers, a new integration and configuration. The ticketing defaults are derived from the
// vendor profiles (domain/ticketSchema.ts defaultTicketing: rows from the platform's sections,
// values by label from the PSA's ticket field schema); connection defaults from the profiles'
// connection fields (connectionDefaults).
import {
  CONFIG_SCHEMA_VERSION,
  type AgentSettings,
  type AutotaskConnection,
  type BillingSettings,
  type Integration,
  type KmspConfig,
  type KscConnection,
} from './config.js';
import { PLATFORM_PROFILES, platformProfile, PSA_PROFILES, psaProfile } from './profiles/index.js';
import type { ConnectionFieldSpec } from './profiles/types.js';
import { defaultTicketing, TICKET_LIMITS } from './ticketSchema.js';

export { defaultTicketing, resolveChoice } from './ticketSchema.js';

export const LIMITS = {
  ...TICKET_LIMITS,
  ticketPollSeconds: { min: 10, max: 3600 },
  ticketsPerAccountPerHour: { min: 1, max: 10000 },
} as const;

export const AGENT_DEFAULTS: AgentSettings = {
  timeZone: 'UTC',
  billingSchedule: '0 4 * * *',
  ticketPollSeconds: 60,
  ticketsPerAccountPerHour: 20,
  paused: false,
};

/** The default of every connection field that has one (the rest are asked for when the integration is created). */
export function connectionDefaults(fields: readonly ConnectionFieldSpec[]): Record<string, string | boolean | null> {
  const out: Record<string, string | boolean | null> = {};
  for (const f of fields) if (f.default !== undefined) out[f.key] = f.default;
  return out;
}

// One connection of each kind the demo and the tests build by hand, from the profiles' defaults.
export const AUTOTASK_DEFAULTS = {
  kind: PSA_PROFILES.autotask.kind,
  ...connectionDefaults(PSA_PROFILES.autotask.connection),
} as Omit<AutotaskConnection, 'username'>;

export const KSC_DEFAULTS = {
  kind: PLATFORM_PROFILES.ksc.kind,
  ...connectionDefaults(PLATFORM_PROFILES.ksc.connection),
} as Omit<KscConnection, 'url' | 'username'>;

export function defaultBilling(): BillingSettings {
  return { byCategory: false, applications: [] };
}

export function newIntegration(name: string, platform: Integration['platform'], psa: Integration['psa']): Integration {
  return {
    name,
    platform,
    psa,
    tenants: [],
    billing: defaultBilling(),
    // Offline: labels kept, resolved against the PSA's lists the first time it answers.
    ticketing: defaultTicketing(platformProfile(platform.kind), psaProfile(psa.kind)),
    excludedAccounts: [],
  };
}

export function defaultConfig(): KmspConfig {
  return { schemaVersion: CONFIG_SCHEMA_VERSION, integrations: [], agent: { ...AGENT_DEFAULTS } };
}
