// The rows of the Connections screen: each connection setting of the platform and the PSA (read,
// parse and write against a draft) and each secret they need. Derived from the vendor profiles
// (domain/profiles: connection specs and secrets), so a new vendor needs no edit here.
// Pure: the screen draws these and keeps the draft; tests check them directly.
import type { Integration, PlatformConnection, PsaConnection } from '../../../domain/config.js';
import { platformProfile, psaProfile, type ConnectionFieldSpec } from '../../../domain/profiles/index.js';
import { platformSecrets, psaSecrets, type SecretSpec } from '../../../domain/secretNames.js';
import { fieldWhat, parseConnectionField, type CaFileOptions, type Parsed } from './validate.js';

/** What Save writes: the two connection objects of one integration. */
export interface ConnectionDraft {
  readonly platform: PlatformConnection;
  readonly psa: PsaConnection;
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
  /** A long value is cut at its start (a file path: its name matters most). */
  readonly fromEnd: boolean;
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

type Values = Readonly<Record<string, unknown>>;

const valuesOf = (draft: ConnectionDraft, side: Side): Values => draft[side] as unknown as Values;

function withValue(draft: ConnectionDraft, side: Side, key: string, value: unknown): ConnectionDraft {
  return side === 'platform'
    ? { ...draft, platform: { ...draft.platform, [key]: value } as PlatformConnection }
    : { ...draft, psa: { ...draft.psa, [key]: value } as PsaConnection };
}

function sideProfile(integration: Pick<Integration, 'platform' | 'psa'>, side: Side) {
  return side === 'platform' ? platformProfile(integration.platform.kind) : psaProfile(integration.psa.kind);
}

function fieldRow(side: Side, spec: ConnectionFieldSpec, vendorShort: string): TextRow | ToggleRow {
  const id = `${side}.${spec.key}`;
  if (spec.kind === 'toggle') {
    const words = spec.toggle ?? { on: 'on', off: 'off' };
    return {
      id,
      side,
      kind: 'toggle',
      label: spec.label,
      help: spec.help,
      read: (d) => valuesOf(d, side)[spec.key] === true,
      text: (on) => (on ? words.on : words.off),
      write: (d, on) => withValue(d, side, spec.key, on),
    };
  }
  const what = fieldWhat(vendorShort, spec.label);
  return {
    id,
    side,
    kind: 'text',
    label: spec.label,
    help: spec.help,
    emptyText: spec.emptyText ?? '(not set)',
    fromEnd: spec.kind === 'ca-file',
    read: (d) => {
      const value = valuesOf(d, side)[spec.key];
      return typeof value === 'string' ? value : '';
    },
    parse: (raw, options) => parseConnectionField(spec, raw, { what, caFile: options }),
    write: (d, value) => withValue(d, side, spec.key, value),
  };
}

/** A field is shown only while the field it depends on has the value it asks for (profiles: showWhen). */
function shown(spec: ConnectionFieldSpec, values: Values): boolean {
  return !spec.showWhen || values[spec.showWhen.key] === spec.showWhen.equals;
}

function sideRows(integration: Pick<Integration, 'name' | 'platform' | 'psa'>, draft: ConnectionDraft, side: Side): FieldRow[] {
  const profile = sideProfile(draft, side);
  const values = valuesOf(draft, side);
  const rows: FieldRow[] = profile.connection.filter((spec) => shown(spec, values)).map((spec) => fieldRow(side, spec, profile.words.short));
  const secrets = side === 'platform' ? platformSecrets({ name: integration.name, platform: draft.platform }) : psaSecrets({ name: integration.name, psa: draft.psa });
  for (const secret of secrets) rows.push(secretRow(side, secret));
  return rows;
}

/** Rows for the platform side of an integration, hidden rows left out. */
export function platformRows(integration: Pick<Integration, 'name' | 'platform' | 'psa'>, draft: ConnectionDraft = draftOf(integration)): FieldRow[] {
  return sideRows(integration, draft, 'platform');
}

/** Rows for the PSA side of an integration, hidden rows left out. */
export function psaRows(integration: Pick<Integration, 'name' | 'platform' | 'psa'>, draft: ConnectionDraft = draftOf(integration)): FieldRow[] {
  return sideRows(integration, draft, 'psa');
}

function secretRow(side: Side, secret: SecretSpec): SecretRow {
  return {
    id: `secret:${secret.name}`,
    side,
    kind: 'secret',
    label: secret.short,
    secret,
    help: `${secret.optional ? `${secret.optional.help} ` : ''}${secret.label}: stored as ${secret.name} in the secret store, never in the config file. Enter types a new value.`,
  };
}

/** The vendor's name heading a side ("Kaspersky Security Center", "Autotask"). */
export function sideTitle(integration: Pick<Integration, 'platform' | 'psa'>, side: Side): string {
  return sideProfile(integration, side).words.name;
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
