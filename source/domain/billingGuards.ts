// README › Billing approvals: which changes the billing job posts on its own and which it holds
// for a person. Pure: the executor judges each change against the units it read from the PSA
// right before posting; the console and `kmsp billing held` show the reasons it gives.
//
// Decisions:
// - No `approvals` in the configuration (a file written before they existed) is "post
//   everything": an upgrade changes nothing silently. New integrations get "hold risky changes".
// - A tenant whose platform data could not be read completely has every change held whatever
//   the mode: counts that miss a part of the platform would bill a drop that did not happen
//   (README › Billing rules, "Missing data is never billed as zero").
// - "A first posting on a new contract": kmsp has never posted to the contract for this
//   integration (no posting row of it in the ledger that is posted, pending or unknown).
// - A decrease is risky when it is more than maxDecreasePercent of the units held, or more
//   than maxDecreaseUnits units; a drop to 0 from anything is risky on its own.
// - A change of price level alone (units unchanged) is routine except under "hold everything".
import type { ApprovalMode, ApprovalSettings, Integration } from './config.js';
import { KmspError } from './errors.js';

export const DEFAULT_APPROVALS: ApprovalSettings = { mode: 'hold-risky', maxDecreasePercent: 20, maxDecreaseUnits: null };
/** What a configuration without approvals does: what kmsp did before they existed. */
export const LEGACY_APPROVALS: ApprovalSettings = { mode: 'post-all', maxDecreasePercent: 20, maxDecreaseUnits: null };

export function approvalsOf(integration: Pick<Integration, 'approvals'>): ApprovalSettings {
  return integration.approvals ?? LEGACY_APPROVALS;
}

export type HoldReasonCode = 'incomplete' | 'first-posting' | 'to-zero' | 'decrease' | 'hold-all';

export interface HoldReason {
  code: HoldReasonCode;
  text: string;
}

export interface GuardedChange {
  before: number;
  after: number;
  /** kmsp has never posted to the contract for this integration. */
  firstPosting: boolean;
  /** Why the platform data of the contract's tenants is incomplete; null when it was read whole. */
  incomplete: string | null;
}

/** Why the change must wait for a person; empty: it is posted as it is. */
export function holdReasons(change: GuardedChange, settings: ApprovalSettings): HoldReason[] {
  const out: HoldReason[] = [];
  if (change.incomplete !== null) out.push({ code: 'incomplete', text: `platform data incomplete: ${change.incomplete}` });
  if (settings.mode === 'post-all') return out;
  const drop = change.before - change.after;
  if (settings.mode === 'hold-risky') {
    if (change.firstPosting) out.push({ code: 'first-posting', text: 'first posting by kmsp on this contract' });
    if (change.after === 0 && change.before > 0) out.push({ code: 'to-zero', text: `drops to 0 from ${change.before}` });
    else if (drop > 0) {
      const share = (drop / change.before) * 100;
      if (share > settings.maxDecreasePercent) out.push({ code: 'decrease', text: `decrease of ${drop} of ${change.before} units, ${formatShare(share)} (more than ${settings.maxDecreasePercent}%)` });
      else if (settings.maxDecreaseUnits !== null && drop > settings.maxDecreaseUnits) {
        out.push({ code: 'decrease', text: `decrease of ${drop} units (more than ${settings.maxDecreaseUnits})` });
      }
    }
  }
  if (settings.mode === 'hold-all' && out.length === 0) out.push({ code: 'hold-all', text: 'every change waits for approval (hold everything)' });
  return out;
}

/** A decrease or a drop to 0: approving one asks for the tenant's name to be typed. */
export function needsTypedName(change: { beforeUnits: number; afterUnits: number }): boolean {
  return change.afterUnits < change.beforeUnits;
}

/** Two decimals at most, never rounded onto the limit: 20.4 % over a 20 % limit must not read "20 %". */
function formatShare(share: number): string {
  return `${Number(share.toFixed(2))}%`;
}

export const APPROVAL_MODE_LABELS: Record<ApprovalMode, string> = {
  'post-all': 'post everything',
  'hold-risky': 'hold risky changes',
  'hold-all': 'hold everything',
};

/** The settings' problems, for validation (empty: fine). */
export function approvalProblems(settings: ApprovalSettings): string[] {
  const out: string[] = [];
  if (!Number.isFinite(settings.maxDecreasePercent) || settings.maxDecreasePercent < 0 || settings.maxDecreasePercent > 100) {
    out.push(`The largest decrease posted without approval must be 0–100%, got ${settings.maxDecreasePercent}.`);
  }
  if (settings.maxDecreaseUnits !== null && (!Number.isSafeInteger(settings.maxDecreaseUnits) || settings.maxDecreaseUnits < 0)) {
    out.push(`The largest decrease in units posted without approval must be a whole number of at least 0, got ${settings.maxDecreaseUnits}.`);
  }
  return out;
}

/**
 * Approving a decrease asks for the tenant's name: typed exactly (ignoring case and surrounding
 * blanks), or the approval is refused with nothing changed.
 */
export function checkTypedName(expected: string, typed: string): KmspError | null {
  if (typed.trim().toLowerCase() === expected.trim().toLowerCase()) return null;
  return new KmspError(`The name typed does not match “${expected}”`, {
    kind: 'config',
    cause: typed.trim() ? `typed “${typed.trim()}”` : 'nothing was typed',
    remedy: `Nothing was approved. Type the tenant's name exactly as shown (“${expected}”) to approve the decrease.`,
  });
}
