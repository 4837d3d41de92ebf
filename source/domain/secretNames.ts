// Which secrets an integration needs, and their names in every backend.
// One name serves the keyring (account), systemd credentials (file name),
// the 0600 file (key) and, upper-cased, environment variables.
import type { Integration } from './config.js';

export interface SecretSpec {
  /** e.g. "main.autotask.secret" */
  name: string;
  /** What the admin is asked for. */
  label: string;
  /** Environment variable that may carry it. */
  envVar: string;
}

export function secretEnvVar(name: string): string {
  return 'KMSP_SECRET_' + name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

function spec(integration: string, part: string, label: string): SecretSpec {
  const name = `${integration}.${part}`;
  return { name, label, envVar: secretEnvVar(name) };
}

export function platformSecrets(integration: Integration): SecretSpec[] {
  if (integration.platform.kind === 'ksc') return [spec(integration.name, 'ksc.password', 'KSC password')];
  return [spec(integration.name, 'kbh.password', 'Kaspersky Business Hub password')];
}

export function psaSecrets(integration: Integration): SecretSpec[] {
  return [
    spec(integration.name, 'autotask.secret', 'Autotask API user secret (password)'),
    spec(integration.name, 'autotask.integration-code', 'Autotask API tracking identifier (integration code)'),
  ];
}

export function integrationSecrets(integration: Integration): SecretSpec[] {
  return [...platformSecrets(integration), ...psaSecrets(integration)];
}

export const SECRET_NAME_PATTERN = /^[a-z0-9][a-z0-9-]*\.[a-z0-9.-]+$/;
