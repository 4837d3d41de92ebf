// The rows of the Connections screen: each connection setting of the platform
// and the PSA (read, parse and write against a draft) and each secret they need.
// Pure: the screen draws these and keeps the draft; tests check them directly.
import type { AutotaskConnection, Integration, PlatformConnection } from '../../../domain/config.js';
import { platformLabel, psaLabel } from '../../../domain/config.js';
import { platformSecrets, psaSecrets, type SecretSpec } from '../../../domain/secretNames.js';
import { parseCaFile, parseOptionalText, parseRequired, parseResourceId, parseUrl, type CaFileOptions, type Parsed } from './validate.js';

/** What Save writes: the two connection objects of one integration. */
export interface ConnectionDraft {
  readonly platform: PlatformConnection;
  readonly psa: AutotaskConnection;
}

export type Side = 'platform' | 'psa';

interface RowBase {
  /** Stable id, e.g. 'platform.url', 'secret:demo.ksc.password'. */
  readonly id: string;
  readonly side: Side;
  readonly label: string;
  /** One line under the rows while the cursor is on this one. */
  readonly help: string;
}

export interface TextRow extends RowBase {
  readonly kind: 'text';
  /** The text the editor starts with ('' for an unset optional value). */
  readonly read: (draft: ConnectionDraft) => string;
  /** Shown instead of an empty value. */
  readonly emptyText: string;
  readonly parse: (raw: string, options: CaFileOptions) => Parsed<string | null>;
  readonly write: (draft: ConnectionDraft, value: string | null) => ConnectionDraft;
}

export interface ToggleRow extends RowBase {
  readonly kind: 'toggle';
  readonly read: (draft: ConnectionDraft) => boolean;
  readonly text: (on: boolean) => string;
  readonly write: (draft: ConnectionDraft, on: boolean) => ConnectionDraft;
}

export interface SecretRow extends RowBase {
  readonly kind: 'secret';
  readonly secret: SecretSpec;
}

export type FieldRow = TextRow | ToggleRow | SecretRow;

const platformOf = (d: ConnectionDraft) => d.platform;
const withPlatform = (d: ConnectionDraft, patch: Partial<PlatformConnection>): ConnectionDraft => ({ ...d, platform: { ...d.platform, ...patch } as PlatformConnection });
const withPsa = (d: ConnectionDraft, patch: Partial<AutotaskConnection>): ConnectionDraft => ({ ...d, psa: { ...d.psa, ...patch } });

function caRow(side: Side, example: string): TextRow {
  return {
    id: `${side}.caFile`,
    side,
    kind: 'text',
    label: 'CA/certificate file',
    help: `PEM file with ${example}. Blank: the system CAs. kmsp never turns certificate checks off.`,
    emptyText: '(none: system CAs)',
    read: (d) => (side === 'platform' ? d.platform.caFile : d.psa.caFile) ?? '',
    parse: (raw, options) => parseCaFile(raw, options),
    write: (d, value) => (side === 'platform' ? withPlatform(d, { caFile: value }) : withPsa(d, { caFile: value })),
  };
}

/** Rows for the platform side (KSC or KBH) of an integration, hidden rows left out. */
export function platformRows(integration: Pick<Integration, 'name' | 'platform'>, draft: ConnectionDraft): FieldRow[] {
  const rows: FieldRow[] = [];
  const p = draft.platform;
  if (p.kind === 'ksc') {
    rows.push(
      {
        id: 'platform.url',
        side: 'platform',
        kind: 'text',
        label: 'URL',
        help: 'Address of the KSC Open API on the Administration Server, usually port 13299.',
        emptyText: '(not set)',
        read: (d) => platformOf(d).url,
        parse: (raw) => parseUrl(raw, { what: 'The KSC URL', example: 'https://ksc.example.local:13299' }),
        write: (d, value) => withPlatform(d, { url: value ?? '' }),
      },
      {
        id: 'platform.username',
        side: 'platform',
        kind: 'text',
        label: 'User name',
        help: 'The KSC account kmsp signs in with (read access to virtual servers, devices, licenses, events).',
        emptyText: '(not set)',
        read: (d) => (d.platform.kind === 'ksc' ? d.platform.username : ''),
        parse: (raw) => parseRequired(raw, 'The KSC user name'),
        write: (d, value) => withPlatform(d, { username: value ?? '' }),
      },
      {
        id: 'platform.internalUser',
        side: 'platform',
        kind: 'toggle',
        label: 'User type',
        help: 'Enter or Space switches between a KSC internal user and a Windows/Active Directory account.',
        read: (d) => (d.platform.kind === 'ksc' ? d.platform.internalUser : true),
        text: (on) => (on ? 'KSC internal user' : 'Windows/Active Directory account'),
        write: (d, on) => withPlatform(d, { internalUser: on }),
      },
    );
    if (!p.internalUser) {
      rows.push({
        id: 'platform.domain',
        side: 'platform',
        kind: 'text',
        label: 'Domain',
        help: 'Windows domain of the account (e.g. CORP). Blank when the user name already says it.',
        emptyText: '(none)',
        read: (d) => (d.platform.kind === 'ksc' ? d.platform.domain : ''),
        parse: (raw) => parseOptionalText(raw),
        write: (d, value) => withPlatform(d, { domain: value ?? '' }),
      });
    }
    rows.push(caRow('platform', "the Administration Server's certificate (klserver.cer) or its CA"));
  } else {
    rows.push(
      {
        id: 'platform.url',
        side: 'platform',
        kind: 'text',
        label: 'URL',
        help: 'Address of Kaspersky Business Hub.',
        emptyText: '(not set)',
        read: (d) => platformOf(d).url,
        parse: (raw) => parseUrl(raw, { what: 'The Business Hub URL', example: 'https://hub.kaspersky.com' }),
        write: (d, value) => withPlatform(d, { url: value ?? '' }),
      },
      {
        id: 'platform.email',
        side: 'platform',
        kind: 'text',
        label: 'E-mail',
        help: 'The Business Hub account kmsp signs in with.',
        emptyText: '(not set)',
        read: (d) => (d.platform.kind === 'kbh' ? d.platform.email : ''),
        parse: (raw) => parseRequired(raw, 'The e-mail address'),
        write: (d, value) => withPlatform(d, { email: value ?? '' }),
      },
      caRow('platform', 'the CA of the server certificate'),
    );
  }
  for (const secret of platformSecrets(integration as Integration)) rows.push(secretRow('platform', secret, shortSecretLabel(secret)));
  return rows;
}

export function psaRows(integration: Pick<Integration, 'name' | 'psa' | 'platform'>): FieldRow[] {
  const rows: FieldRow[] = [
    {
      id: 'psa.zoneDiscoveryUrl',
      side: 'psa',
      kind: 'text',
      label: 'Zone discovery URL',
      help: 'Any Autotask zone answers which zone the API user lives in; the default works everywhere.',
      emptyText: '(not set)',
      read: (d) => d.psa.zoneDiscoveryUrl,
      parse: (raw) => parseUrl(raw, { what: 'The zone discovery URL', example: 'https://webservices.autotask.net/atservicesrest/' }),
      write: (d, value) => withPsa(d, { zoneDiscoveryUrl: value ?? '' }),
    },
    {
      id: 'psa.apiUrl',
      side: 'psa',
      kind: 'text',
      label: 'API URL override',
      help: 'Only to skip zone discovery: the zone URL, e.g. https://webservices5.autotask.net/atservicesrest/. Blank: discover.',
      emptyText: '(none: found by zone discovery)',
      read: (d) => d.psa.apiUrl ?? '',
      parse: (raw) => parseUrl(raw, { what: 'The API URL', example: 'https://webservices5.autotask.net/atservicesrest/', optional: true }),
      write: (d, value) => withPsa(d, { apiUrl: value }),
    },
    {
      id: 'psa.username',
      side: 'psa',
      kind: 'text',
      label: 'API user name',
      help: 'The API-only user (Admin › Resources, security level "API User"), e.g. api@yourcompany.com.',
      emptyText: '(not set)',
      read: (d) => d.psa.username,
      parse: (raw) => parseRequired(raw, 'The Autotask API user name'),
      write: (d, value) => withPsa(d, { username: value ?? '' }),
    },
    {
      id: 'psa.impersonationResourceId',
      side: 'psa',
      kind: 'text',
      label: 'Impersonation resource',
      help: 'Resource id tickets and notes are created as (needs "impersonate" permission). Blank: the API user.',
      emptyText: '(none: the API user)',
      read: (d) => d.psa.impersonationResourceId ?? '',
      parse: (raw) => parseResourceId(raw),
      write: (d, value) => withPsa(d, { impersonationResourceId: value }),
    },
    {
      id: 'psa.tenantNameField',
      side: 'psa',
      kind: 'text',
      label: 'Tenant-name field',
      help: 'Company user-defined field that receives the mapped tenant name (for unmapped-account reports in Autotask).',
      emptyText: '(not set)',
      read: (d) => d.psa.tenantNameField,
      parse: (raw) => parseRequired(raw, 'The tenant-name account field'),
      write: (d, value) => withPsa(d, { tenantNameField: value ?? '' }),
    },
    caRow('psa', 'the CA of a TLS-inspecting proxy, if one sits in front of Autotask'),
  ];
  for (const secret of psaSecrets(integration as Integration)) rows.push(secretRow('psa', secret, shortSecretLabel(secret)));
  return rows;
}

function secretRow(side: Side, secret: SecretSpec, label: string): SecretRow {
  return {
    id: `secret:${secret.name}`,
    side,
    kind: 'secret',
    label,
    secret,
    help: `${secret.label}: stored as ${secret.name} in the secret store, never in the config file. Enter types a new value.`,
  };
}

function shortSecretLabel(secret: SecretSpec): string {
  if (secret.name.endsWith('.autotask.secret')) return 'API secret';
  if (secret.name.endsWith('.autotask.integration-code')) return 'Tracking identifier';
  return 'Password';
}

export function sideTitle(integration: Pick<Integration, 'platform' | 'psa'>, side: Side): string {
  return side === 'platform' ? platformLabel(integration.platform.kind) : psaLabel(integration.psa.kind);
}

export function draftOf(integration: Pick<Integration, 'platform' | 'psa'>): ConnectionDraft {
  return { platform: integration.platform, psa: integration.psa };
}

/** Compares settings by value (key order of a loaded file may differ from the draft's). */
export function sameSettings(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameSettings((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Ids of the text/toggle rows whose draft value differs from the saved one. */
export function changedRowIds(rows: readonly FieldRow[], saved: ConnectionDraft, draft: ConnectionDraft): Set<string> {
  const out = new Set<string>();
  for (const row of rows) {
    if (row.kind === 'secret') continue;
    if (row.read(saved) !== row.read(draft)) out.add(row.id);
  }
  return out;
}
