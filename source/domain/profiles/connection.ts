// The connection settings of each vendor as the configuration stores them (secrets never: they
// are named by the profile's secrets and kept in the secret store), and newConnection: a new
// connection object from a profile's connection specs — every field's default, then the values
// given. The new-integration form and the simulators' registry build connections with it, so a
// vendor's defaults live in its profile only. store/configSchema.ts derives the JSON schema
// from the same specs.
import { KmspError } from '../errors.js';
import type { ConnectionFieldSpec } from './types.js';

export interface KscConnection {
  kind: 'ksc';
  /** Base URL of the KSC Open API, e.g. https://ksc.example.local:13299 */
  url: string;
  username: string;
  /** KSC internal user (true) or Windows/AD account (false). */
  internalUser: boolean;
  /** Windows domain for AD accounts; empty for internal users. */
  domain: string;
  /** PEM file with the CA or the server's self-signed certificate (klserver.cer). */
  caFile: string | null;
}

export interface KbhConnection {
  kind: 'kbh';
  url: string;
  email: string;
  caFile: string | null;
}

export type PlatformConnection = KscConnection | KbhConnection;

export interface AutotaskConnection {
  kind: 'autotask';
  /** Where zone discovery is asked (any Autotask zone host works). */
  zoneDiscoveryUrl: string;
  /** Skip discovery and use this zone URL (ends with /atservicesrest/ or similar). */
  apiUrl: string | null;
  username: string;
  impersonationResourceId: string | null;
  /** Company UDF that receives the mapped tenant's name (README › The console, Accounts). */
  tenantNameField: string;
  caFile: string | null;
}

export interface ConnectWiseConnection {
  kind: 'connectwise';
  /** The API host, e.g. https://api-na.myconnectwise.net (codebase discovery is asked there). */
  siteUrl: string;
  companyId: string;
  /** API member public key (the private key is a secret). */
  publicKey: string;
  /** The integrator's clientId GUID, sent on every request. */
  clientId: string;
  /** Skip codebase discovery: e.g. "v4_6_release/"; null: discover. */
  codebase: string | null;
  /** Company custom field (caption) that receives the mapped tenant's name. */
  tenantNameField: string;
  caFile: string | null;
}

export interface TigerpawConnection {
  kind: 'tigerpaw';
  /** Base URL of the MSP's Tigerpaw REST API host, e.g. https://api.yourmsp.com (paths start /api/…). */
  apiUrl: string;
  /** REST public key of the API rep (the private key is a secret). */
  publicKey: string;
  /** The External Product (its name) billed accounts are cross-referenced to. */
  externalProduct: string;
  /** Account custom field that receives the mapped tenant's name. */
  tenantNameField: string;
  caFile: string | null;
}

export type PsaConnection = AutotaskConnection | ConnectWiseConnection | TigerpawConnection;

type AnyConnection = PsaConnection | PlatformConnection;

export type ConnectionOf<K extends AnyConnection['kind']> = Extract<AnyConnection, { kind: K }>;

/**
 * `{ kind, ...defaults, ...values }` with exactly the profile's keys. A field without a default
 * and without a value is refused (the caller asks for it); a value for a key the profile does
 * not have is refused too (it would be written to the configuration and refused there).
 */
export function newConnection<K extends AnyConnection['kind']>(
  profile: { kind: K; words: { name: string }; connection: readonly ConnectionFieldSpec[] },
  values: Readonly<Record<string, unknown>>,
): ConnectionOf<K> {
  const out: Record<string, unknown> = { kind: profile.kind };
  const missing: string[] = [];
  for (const spec of profile.connection) {
    const value = Object.hasOwn(values, spec.key) && values[spec.key] !== undefined ? values[spec.key] : spec.default;
    if (value === undefined) missing.push(spec.label);
    else out[spec.key] = value;
  }
  const unknown = Object.keys(values).filter((key) => !profile.connection.some((spec) => spec.key === key));
  if (missing.length > 0 || unknown.length > 0) {
    throw new KmspError(`The ${profile.words.name} connection is incomplete`, {
      kind: 'internal',
      cause: [missing.length ? `no value for ${missing.join(', ')}` : '', unknown.length ? `no such setting: ${unknown.join(', ')}` : ''].filter(Boolean).join('; '),
      remedy: 'Report this as a bug in kmsp.',
    });
  }
  return out as unknown as ConnectionOf<K>;
}
