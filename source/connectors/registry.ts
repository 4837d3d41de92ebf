// The connectors of this build by vendor kind: the one place a kind becomes the code that speaks
// to that vendor. Each entry pairs the vendor's profile (domain/profiles) with `connect`, which
// reads the integration's secrets (named by the profile) and opens the connector.
//
// Adding a vendor whose connector exists is one entry below (its `psaVendorEntry` or
// `platformVendorEntry` line, which imports its factory). A kind with a profile but no entry
// is "not supported yet"; the errors name what this build speaks.
//
// Each connector is imported when it is first opened, not with this module: the CLI reads the
// registry for its help text, and a command (or the console's first frame) should not wait for
// every vendor's code to load.
import type { Integration, PlatformConnection, PsaConnection } from '../domain/config.js';
import { KmspError } from '../domain/errors.js';
import type { Psa, SecurityPlatform } from '../domain/ports.js';
import { PLATFORM_KINDS, PLATFORM_PROFILES, PSA_KINDS, PSA_PROFILES, type PlatformProfile, type PsaProfile } from '../domain/profiles/index.js';
import { platformSecrets, psaSecrets, type SecretSpec } from '../domain/secretNames.js';
import type { PlatformKind, PsaKind } from '../domain/types.js';
import type { HttpClientOptions } from './http.js';

/** Finds a secret by its full name ("main.autotask.secret") in the secret store; null when none holds it. */
export type SecretLookup = (name: string) => Promise<string | null>;

export type HttpOptions = Partial<HttpClientOptions>;

/**
 * A secret of the integration by the part its profile names ("autotask.secret"): present,
 * checked before the connector opens. `optional(part)` gives one the profile marks optional, or
 * the platform's one-time code (profile oneTimeCode: handed in by the console for one sign-in,
 * never looked up in the secret store), or null when none is given.
 */
export interface SecretOf {
  (part: string): string;
  optional(part: string): string | null;
}

type PsaConnectionOf<K extends PsaKind> = Extract<PsaConnection, { kind: K }>;
type PlatformConnectionOf<K extends PlatformKind> = Extract<PlatformConnection, { kind: K }>;

export interface PsaVendor<K extends PsaKind = PsaKind> {
  readonly kind: K;
  readonly profile: PsaProfile;
  /** Opens the PSA connector of an integration; a missing secret is a KmspError naming it. */
  connect(integration: Pick<Integration, 'name' | 'psa'>, secrets: SecretLookup, httpOptions?: HttpOptions): Promise<Psa>;
}

/** What a person hands in for one connector, never stored: the one-time code the platform demanded (profile oneTimeCode). */
export interface HandedIn {
  oneTimeCode?: string;
}

/** How a platform connector is opened, beyond its configuration and secrets. */
export interface PlatformConnectOptions {
  http?: HttpOptions;
  /** Told what the connector leaves out without failing (a status code it does not know), for the agent's log. */
  onWarning?: (message: string) => void;
  handedIn?: HandedIn;
}

/** What a platform entry's `open` receives besides the connection and the secrets. */
export interface PlatformOpenOptions {
  http: HttpOptions | undefined;
  onWarning: ((message: string) => void) | undefined;
  /** The integration's name, for remedies that name its secrets. */
  integration: string;
}

export interface PlatformVendor<K extends PlatformKind = PlatformKind> {
  readonly kind: K;
  readonly profile: PlatformProfile;
  /** Opens the platform connector of an integration; a missing secret is a KmspError naming it. */
  connect(integration: Pick<Integration, 'name' | 'platform'>, secrets: SecretLookup, options?: PlatformConnectOptions): Promise<SecurityPlatform>;
}

/** `httpOptions` as an optional property (exactOptionalPropertyTypes: never `httpOptions: undefined`). */
export function withHttp(httpOptions: HttpOptions | undefined): { httpOptions?: HttpOptions } {
  return httpOptions ? { httpOptions } : {};
}

/** `onWarning` as an optional property, for the connectors that tell what they leave out. */
function withWarnings(onWarning: ((message: string) => void) | undefined): { onWarning?: (message: string) => void } {
  return onWarning ? { onWarning } : {};
}

async function need(lookup: SecretLookup, spec: SecretSpec, integration: string): Promise<string> {
  const value = await lookup(spec.name);
  if (!value) {
    throw new KmspError(`Integration "${integration}": the ${spec.label} is missing`, {
      kind: 'secret',
      cause: `no secret named ${spec.name} in the keyring, $CREDENTIALS_DIRECTORY, the environment (${spec.envVar}) or the secrets file`,
      remedy: `Enter it on the Connections tab, or run: kmsp secrets set ${spec.name}`,
    });
  }
  return value;
}

/**
 * Every secret the profile names, looked up at once; the first missing required one is the
 * error. `transient` is a part that is no stored secret (the one-time code) with the value handed
 * in, if any: never looked up, so a code stored by mistake (a secret of that name, an environment
 * variable) never reaches a connector, the agent's least of all.
 */
async function secretsOf(specs: readonly SecretSpec[], lookup: SecretLookup, integration: string, transient?: { part: string; value: string | null }): Promise<SecretOf> {
  const values = new Map<string, string | null>();
  await Promise.all(
    specs.map(async (spec) => values.set(spec.part, spec.optional ? (await lookup(spec.name)) || null : await need(lookup, spec, integration))),
  );
  if (transient) values.set(transient.part, transient.value);
  const get = (part: string): string | null => {
    if (!values.has(part)) {
      // A registry entry asking for a part its profile does not list: a programming error, caught by the registry tests.
      throw new KmspError(`Integration "${integration}": the connector asked for a secret its vendor profile does not name (${part})`, {
        kind: 'internal',
        remedy: 'Report this as a bug in kmsp.',
      });
    }
    return values.get(part) ?? null;
  };
  const required = (part: string): string => {
    const value = get(part);
    if (value === null) {
      throw new KmspError(`Integration "${integration}": the connector asked for the optional secret ${part} as a required one`, {
        kind: 'internal',
        remedy: 'Report this as a bug in kmsp.',
      });
    }
    return value;
  };
  return Object.assign(required, { optional: get });
}

function wrongKind(integration: string, side: string, expected: string, got: string): KmspError {
  return new KmspError(`Integration "${integration}": a ${side} connection of kind "${got}" was given to the "${expected}" connector`, {
    kind: 'internal',
    remedy: 'Report this as a bug in kmsp.',
  });
}

/** A PSA entry: its profile and how its connector opens from the connection and the secrets. */
export function psaVendorEntry<K extends PsaKind>(
  profile: PsaProfile<K>,
  open: (connection: PsaConnectionOf<K>, secret: SecretOf, httpOptions: HttpOptions | undefined) => Psa | Promise<Psa>,
): PsaVendor<K> {
  return {
    kind: profile.kind,
    profile: profile as unknown as PsaProfile,
    async connect(integration, lookup, httpOptions) {
      const connection = integration.psa;
      if (connection.kind !== profile.kind) throw wrongKind(integration.name, 'PSA', profile.kind, connection.kind);
      const secret = await secretsOf(psaSecrets(integration), lookup, integration.name);
      return open(connection as PsaConnectionOf<K>, secret, httpOptions);
    },
  };
}

/** A platform entry: its profile and how its connector opens from the connection and the secrets. */
export function platformVendorEntry<K extends PlatformKind>(
  profile: PlatformProfile<K>,
  open: (connection: PlatformConnectionOf<K>, secret: SecretOf, options: PlatformOpenOptions) => SecurityPlatform | Promise<SecurityPlatform>,
): PlatformVendor<K> {
  return {
    kind: profile.kind,
    profile: profile as unknown as PlatformProfile,
    async connect(integration, lookup, options = {}) {
      const connection = integration.platform;
      if (connection.kind !== profile.kind) throw wrongKind(integration.name, 'platform', profile.kind, connection.kind);
      const code = profile.oneTimeCode;
      const transient = code ? { part: code.part, value: options.handedIn?.oneTimeCode?.trim() || null } : undefined;
      const secret = await secretsOf(platformSecrets(integration), lookup, integration.name, transient);
      return open(connection as PlatformConnectionOf<K>, secret, { http: options.http, onWarning: options.onWarning, integration: integration.name });
    },
  };
}

// ---------------------------------------------------------------- the entries

const PSA_VENDORS = {
  autotask: psaVendorEntry(PSA_PROFILES.autotask, async (connection, secret, httpOptions) => {
    const { createAutotaskPsa } = await import('./autotask/index.js');
    return createAutotaskPsa({ connection, secret: secret('autotask.secret'), integrationCode: secret('autotask.integration-code'), ...withHttp(httpOptions) });
  }),
  connectwise: psaVendorEntry(PSA_PROFILES.connectwise, async (connection, secret, httpOptions) => {
    const { createConnectWisePsa } = await import('./connectwise/index.js');
    return createConnectWisePsa({ connection, privateKey: secret('connectwise.private-key'), ...withHttp(httpOptions) });
  }),
  tigerpaw: psaVendorEntry(PSA_PROFILES.tigerpaw, async (connection, secret, httpOptions) => {
    const { createTigerpawPsa } = await import('./tigerpaw/index.js');
    return createTigerpawPsa({ connection, privateKey: secret('tigerpaw.private-key'), ...withHttp(httpOptions) });
  }),
} as const satisfies { [K in PsaKind]?: PsaVendor<K> };

const PLATFORM_VENDORS = {
  ksc: platformVendorEntry(PLATFORM_PROFILES.ksc, async (connection, secret, o) => {
    const { createKscPlatform } = await import('./ksc/index.js');
    return createKscPlatform({ connection, password: secret('ksc.password'), ...withHttp(o.http), ...withWarnings(o.onWarning) });
  }),
  kbh: platformVendorEntry(PLATFORM_PROFILES.kbh, async (connection, secret, o) => {
    const { createKbhPlatform } = await import('./kbh/index.js');
    return createKbhPlatform({
      connection,
      password: secret('kbh.password'),
      authenticatorKey: secret.optional('kbh.authenticator-key'),
      oneTimeCode: secret.optional('kbh.one-time-code'),
      integration: o.integration,
      ...withHttp(o.http),
      ...withWarnings(o.onWarning),
    });
  }),
} as const satisfies { [K in PlatformKind]?: PlatformVendor<K> };

// ---------------------------------------------------------------- lookups

export type SupportedPsaKind = keyof typeof PSA_VENDORS;
export type SupportedPlatformKind = keyof typeof PLATFORM_VENDORS;

/** In the profiles' order (the order forms offer them). */
export const SUPPORTED_PSA_KINDS: readonly SupportedPsaKind[] = PSA_KINDS.filter((k): k is SupportedPsaKind => Object.hasOwn(PSA_VENDORS, k));
export const SUPPORTED_PLATFORM_KINDS: readonly SupportedPlatformKind[] = PLATFORM_KINDS.filter((k): k is SupportedPlatformKind => Object.hasOwn(PLATFORM_VENDORS, k));

export function isSupportedPsaKind(kind: unknown): kind is SupportedPsaKind {
  return typeof kind === 'string' && Object.hasOwn(PSA_VENDORS, kind);
}

export function isSupportedPlatformKind(kind: unknown): kind is SupportedPlatformKind {
  return typeof kind === 'string' && Object.hasOwn(PLATFORM_VENDORS, kind);
}

/** "KSC", "Autotask, ConnectWise": what this build speaks, in short names. */
function speaks(names: readonly string[]): string {
  return names.length > 0 ? names.join(', ') : 'none';
}

function refusal(side: { word: string; key: string }, kind: string, knownName: string | null, supported: ReadonlyArray<{ kind: string; short: string }>): KmspError {
  const list = speaks(supported.map((s) => s.short));
  const kinds = supported.map((s) => `"${s.kind}" (${s.short})`).join(', ');
  if (knownName) {
    return new KmspError(`${knownName} is not supported yet`, {
      kind: 'config',
      cause: `this build speaks: ${list}`,
      remedy: `Use a ${list} ${side.word} for this integration for now, or a kmsp release that connects to ${knownName}.`,
    });
  }
  return new KmspError(`Unknown ${side.word} kind "${kind}"`, {
    kind: 'config',
    cause: `"${kind}" is not a ${side.word} kmsp knows; this build speaks: ${list}`,
    remedy: `Set ${side.key}.kind to ${supported.length === 1 ? kinds : `one of ${kinds}`}, or run the kmsp release that wrote this configuration.`,
  });
}

const psaSupported = () => SUPPORTED_PSA_KINDS.map((k) => ({ kind: k, short: PSA_VENDORS[k].profile.words.short }));
const platformSupported = () => SUPPORTED_PLATFORM_KINDS.map((k) => ({ kind: k, short: PLATFORM_VENDORS[k].profile.words.short }));

/** The connector entry of a PSA kind; a kind without one is a KmspError naming what this build speaks. */
export function psaVendor<K extends SupportedPsaKind>(kind: K): (typeof PSA_VENDORS)[K];
export function psaVendor(kind: string): PsaVendor;
export function psaVendor(kind: string): PsaVendor {
  if (isSupportedPsaKind(kind)) return PSA_VENDORS[kind] as PsaVendor;
  const known = Object.hasOwn(PSA_PROFILES, kind) ? PSA_PROFILES[kind as keyof typeof PSA_PROFILES].words.name : null;
  throw refusal({ word: 'PSA', key: 'psa' }, kind, known, psaSupported());
}

/** The connector entry of a platform kind; a kind without one is a KmspError naming what this build speaks. */
export function platformVendor<K extends SupportedPlatformKind>(kind: K): (typeof PLATFORM_VENDORS)[K];
export function platformVendor(kind: string): PlatformVendor;
export function platformVendor(kind: string): PlatformVendor {
  if (isSupportedPlatformKind(kind)) return PLATFORM_VENDORS[kind] as PlatformVendor;
  const known = Object.hasOwn(PLATFORM_PROFILES, kind) ? PLATFORM_PROFILES[kind as PlatformKind].words.name : null;
  throw refusal({ word: 'security platform', key: 'platform' }, kind, known, platformSupported());
}

/** Every PSA entry of this build, in the profiles' order. */
export function psaVendors(): PsaVendor[] {
  return SUPPORTED_PSA_KINDS.map((k) => PSA_VENDORS[k] as PsaVendor);
}

/** Every platform entry of this build, in the profiles' order. */
export function platformVendors(): PlatformVendor[] {
  return SUPPORTED_PLATFORM_KINDS.map((k) => PLATFORM_VENDORS[k] as PlatformVendor);
}

/** Short names of what this build speaks ("KSC"; "Autotask"), for help texts. */
export function supportedNames(): { platforms: string[]; psas: string[] } {
  return { platforms: platformSupported().map((s) => s.short), psas: psaSupported().map((s) => s.short) };
}
