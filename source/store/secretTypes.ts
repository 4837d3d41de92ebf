// Types shared by the secret store and its backends (kept apart so backends
// do not import the store).

export const SECRET_BACKEND_IDS = ['keyring', 'systemd-credentials', 'environment', 'file'] as const;
export type SecretBackendId = (typeof SECRET_BACKEND_IDS)[number];

export type Availability = { ok: true; detail?: string } | { ok: false; reason: string };

export interface SecretBackend {
  readonly id: SecretBackendId;
  /** Short human name: "OS keyring", "systemd credentials", "environment", "plaintext file". */
  readonly label: string;
  readonly writable: boolean;
  available(): Promise<Availability>;
  /** The stored value or null; throws only for a real problem (e.g. permission denied). */
  get(name: string): Promise<string | null>;
  set?(name: string, value: string): Promise<void>;
  /** True when something was deleted. */
  delete?(name: string): Promise<boolean>;
  /** Names held, where the backend can enumerate them (never values). */
  list?(): Promise<string[]>;
}
