// The connection settings of each vendor as the configuration stores them (secrets never: they
// are named by the profile's secrets and kept in the secret store). Each shape matches its
// profile's connection fields; store/configSchema.ts derives the JSON schema from those.

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

export type PsaConnection = AutotaskConnection | ConnectWiseConnection;
