// A new connection object from a profile's connection specs: every field's default, then the
// values given. What the new-integration form and the simulators' registry build connections with,
// so a vendor's defaults live in its profile only.
import { KmspError } from '../errors.js';
import type { PlatformConnection, PsaConnection } from '../config.js';
import type { ConnectionFieldSpec } from './types.js';

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
