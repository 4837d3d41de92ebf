// The vendor profiles by kind: the one place a kind becomes its profile. An unknown kind (a
// config written by a newer kmsp, a typo in an import) is refused naming the kinds known.
import { KmspError } from '../errors.js';
import type { PlatformKind, PsaKind } from '../types.js';
import { autotaskProfile } from './autotask.js';
import { connectwiseProfile } from './connectwise.js';
import { kbhProfile } from './kbh.js';
import { kscProfile } from './ksc.js';
import { tigerpawProfile } from './tigerpaw.js';
import type { PlatformProfile, PsaProfile } from './types.js';

export type * from './types.js';
export { newConnection, type ConnectionOf } from './connection.js';

/** Every PSA this build knows; adding one is a profile here plus its connector and simulator entries. */
export const PSA_PROFILES = {
  autotask: autotaskProfile,
  connectwise: connectwiseProfile,
  tigerpaw: tigerpawProfile,
} as const satisfies { [K in PsaKind]: PsaProfile<K> };

export const PLATFORM_PROFILES = {
  ksc: kscProfile,
  kbh: kbhProfile,
} as const satisfies { [K in PlatformKind]: PlatformProfile<K> };

export type KnownPsaKind = keyof typeof PSA_PROFILES;

export const PSA_KINDS = Object.keys(PSA_PROFILES) as KnownPsaKind[];
export const PLATFORM_KINDS = Object.keys(PLATFORM_PROFILES) as PlatformKind[];

export function isKnownPsaKind(kind: unknown): kind is KnownPsaKind {
  return typeof kind === 'string' && Object.hasOwn(PSA_PROFILES, kind);
}

export function isPlatformKind(kind: unknown): kind is PlatformKind {
  return typeof kind === 'string' && Object.hasOwn(PLATFORM_PROFILES, kind);
}

export function psaProfile(kind: string): PsaProfile {
  if (isKnownPsaKind(kind)) return PSA_PROFILES[kind] as PsaProfile;
  throw new KmspError(`Unknown PSA kind "${kind}"`, {
    kind: 'config',
    cause: `this version of kmsp knows ${PSA_KINDS.map((k) => `"${k}" (${PSA_PROFILES[k].words.name})`).join(', ')}`,
    remedy: 'Set psa.kind to one of those, or run the kmsp release that wrote this configuration.',
  });
}

/** The words and rule the billing checks speak in, for one PSA. */
export function billingWords(kind: string): { words: PsaProfile['words']; billableRule: string } {
  const profile = psaProfile(kind);
  return { words: profile.words, billableRule: profile.posting.billableRule };
}

/** The name of the account custom field that receives the mapped tenant's name, as the connection sets it. */
export function accountFieldName(connection: { kind: string }): string {
  const value = (connection as unknown as Record<string, unknown>)[psaProfile(connection.kind).accountFieldKey];
  return typeof value === 'string' ? value : '';
}

export function platformProfile(kind: string): PlatformProfile {
  if (isPlatformKind(kind)) return PLATFORM_PROFILES[kind] as PlatformProfile;
  throw new KmspError(`Unknown security platform kind "${kind}"`, {
    kind: 'config',
    cause: `this version of kmsp knows ${PLATFORM_KINDS.map((k) => `"${k}" (${PLATFORM_PROFILES[k].words.name})`).join(', ')}`,
    remedy: 'Set platform.kind to one of those, or run the kmsp release that wrote this configuration.',
  });
}

/** The rule sections, of any platform, that have a condition row keyed `rowKey` (a condition ticket's key names its section). */
export function conditionSectionsOf(rowKey: string): string[] {
  const out = new Set<string>();
  for (const kind of PLATFORM_KINDS) {
    for (const section of PLATFORM_PROFILES[kind].sections) if (section.rows.some((r) => r.condition && r.key === rowKey)) out.add(section.id);
  }
  return [...out];
}
