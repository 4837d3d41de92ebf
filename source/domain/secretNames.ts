// Which secrets an integration needs, and their names in every backend.
// One name serves the keyring (account), systemd credentials (file name),
// the 0600 file (key) and, upper-cased, environment variables.
// What each vendor needs comes from its profile (profiles/*.ts `secrets`): a new vendor adds
// its secrets there, not here.
import type { Integration } from './config.js';
import { WEBHOOK_SECRET_PART } from './health.js';
import { platformProfile, psaProfile, type SecretFieldSpec } from './profiles/index.js';

export interface SecretSpec {
  /** e.g. "main.autotask.secret" */
  name: string;
  /** The part after the integration name, as the profile names it ("autotask.secret"). */
  part: string;
  /** What the admin is asked for. */
  label: string;
  /** Row label under the vendor's heading ("API secret", "Password"). */
  short: string;
  /** Environment variable that may carry it. */
  envVar: string;
  /** The connector works without it (profile SecretFieldSpec.optional): never reported missing. */
  optional?: { emptyText: string; help: string };
}

export function secretEnvVar(name: string): string {
  return 'KMSP_SECRET_' + name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

function spec(integration: string, field: SecretFieldSpec): SecretSpec {
  const name = `${integration}.${field.part}`;
  return { name, part: field.part, label: field.label, short: field.short, envVar: secretEnvVar(name), ...(field.optional ? { optional: field.optional } : {}) };
}

export function platformSecrets(integration: Pick<Integration, 'name' | 'platform'>): SecretSpec[] {
  return platformProfile(integration.platform.kind).secrets.map((field) => spec(integration.name, field));
}

export function psaSecrets(integration: Pick<Integration, 'name' | 'psa'>): SecretSpec[] {
  return psaProfile(integration.psa.kind).secrets.map((field) => spec(integration.name, field));
}

/** The webhook's secret part, when the integration has a webhook (README › Health notifications). */
export function healthSecrets(integration: Pick<Integration, 'name' | 'health'>): SecretSpec[] {
  if (!integration.health?.webhook) return [];
  return [spec(integration.name, { part: WEBHOOK_SECRET_PART, label: 'Health webhook URL path (its token)', short: 'Webhook path' })];
}

export function integrationSecrets(integration: Pick<Integration, 'name' | 'platform' | 'psa' | 'health'>): SecretSpec[] {
  return [...platformSecrets(integration), ...psaSecrets(integration), ...healthSecrets(integration)];
}

export const SECRET_NAME_PATTERN = /^[a-z0-9][a-z0-9-]*\.[a-z0-9.-]+$/;
