// How the Connections screen speaks about secrets: where each one is held
// (never its value or length), and where a newly typed one was stored.
import type { Notice } from '../../console-context.js';
import type { SecretStatusReport, SetResult } from '../../../store/secrets.js';
import type { Tone } from '../../theme.js';

/** "present in OS keyring" / "missing" — never a value, never a length. */
export function secretState(
  name: string,
  envVar: string,
  status: SecretStatusReport | undefined,
  optional?: { emptyText: string },
): { text: string; tone: Tone } {
  if (!status) return { text: 'checking…', tone: 'muted' };
  const entry = status.secrets.find((s) => s.name === name);
  const label = (id: string) => status.backends.find((b) => b.id === id)?.label ?? id;
  // An optional secret that is not set is a choice, not a fault.
  if (!entry?.heldBy) return optional ? { text: `${optional.emptyText} (Enter sets it)`, tone: 'muted' } : { text: 'missing (Enter sets it)', tone: 'danger' };
  const where = `present in ${label(entry.heldBy)}${entry.heldBy === 'environment' ? ` (${envVar})` : ''}`;
  const shadowed = entry.shadowed.length > 0 ? `; also in ${entry.shadowed.map(label).join(', ')} (not used)` : '';
  return { text: where + shadowed, tone: entry.heldBy === 'file' ? 'warning' : 'success' };
}

export const PLAINTEXT_REMEDY = 'prefer the OS keyring, systemd credentials (LoadCredential=) or KMSP_SECRET_* variables; kmsp secrets status shows what is available.';

/** Where a secret went; a warning when that is the plaintext file or another backend shadows it. */
export function secretStoredNotice(label: string, result: SetResult, secretsFile: string): Notice {
  const others = result.warnings.filter((w) => !w.startsWith('The secret was stored in the plaintext file'));
  if (result.backend === 'file') {
    return {
      kind: 'warning',
      text: `${label} stored in the plaintext file ${secretsFile} (mode 0600), not encrypted.${others.length ? ` ${others.join(' ')}` : ''}`,
      cause: "anyone with root or this user's access can read it.",
      remedy: PLAINTEXT_REMEDY,
    };
  }
  const text = `${label} stored in ${result.label}.`;
  return others.length ? { kind: 'warning', text: `${text} ${others.join(' ')}` } : { kind: 'success', text };
}

