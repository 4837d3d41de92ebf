// README › Billing approvals, as the billing job applies them: one judgement of a change against
// the held changes the ledger keeps for its item. The executor makes it on the units it reads
// right before posting; the preview makes it on the plan's units, to say what the run would hold.
import { holdReasons, type HoldReason } from '../domain/billingGuards.js';
import type { ApprovalSettings } from '../domain/config.js';
import type { HeldChange, Ledger } from '../store/ledger.js';
import type { BillingPlan } from './types.js';

export type Judgement =
  /** Post it: routine, or approved as it is (`approved`: the held change it posts). */
  | { kind: 'post'; approved: HeldChange | null }
  /** A person rejected this very change: neither posted nor held again. */
  | { kind: 'rejected'; held: HeldChange }
  /** Hold it for a person. */
  | { kind: 'hold'; reasons: HoldReason[] };

export interface ChangeToJudge {
  before: number;
  after: number;
  firstPosting: boolean;
  incomplete: string | null;
  /** The item's open (held or approved) change, if any. */
  open: HeldChange | null;
  /** The item's latest change in any state (read only when the change is risky). */
  latest: () => HeldChange | null;
}

/** An approval covers exactly the change a person saw: the same units before and the same target. */
export function judgeChange(change: ChangeToJudge, settings: ApprovalSettings): Judgement {
  const { open } = change;
  if (open?.state === 'approved' && open.beforeUnits === change.before && open.afterUnits === change.after) return { kind: 'post', approved: open };
  const reasons = holdReasons(change, settings);
  if (reasons.length === 0) return { kind: 'post', approved: null };
  const latest = change.latest();
  if (latest?.state === 'rejected' && latest.beforeUnits === change.before && latest.afterUnits === change.after) return { kind: 'rejected', held: latest };
  return { kind: 'hold', reasons };
}

/**
 * What the next billing run would hold of a plan, by contract and billing item ("contractId/itemId"):
 * the reasons, or "rejected". Judged on the plan's units; the run judges again on the units it
 * reads right before posting. Without a ledger (kmsp never ran) every contract is new.
 */
export function expectedHolds(plan: BillingPlan, settings: ApprovalSettings, ledger: Pick<Ledger, 'hasPostedTo' | 'openHeldChange' | 'latestHeldChange'> | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of plan.contracts) {
    if (c.error) continue;
    // No ledger yet: kmsp has posted nothing, so every contract is new.
    const firstPosting = settings.mode === 'hold-risky' && (ledger === null || !ledger.hasPostedTo(plan.integration, c.contractId));
    for (const l of c.lines) {
      if (l.delta === 0 && !l.reprice) continue;
      const judged = judgeChange(
        {
          before: l.before,
          after: l.after,
          firstPosting,
          incomplete: c.incomplete ?? null,
          open: ledger?.openHeldChange(plan.integration, c.contractId, l.billingItemId) ?? null,
          latest: () => ledger?.latestHeldChange(plan.integration, c.contractId, l.billingItemId) ?? null,
        },
        settings,
      );
      if (judged.kind === 'hold') out.set(`${c.contractId}/${l.billingItemId}`, judged.reasons.map((r) => r.text).join('; '));
      else if (judged.kind === 'rejected') out.set(`${c.contractId}/${l.billingItemId}`, `rejected (held change ${judged.held.id}): not posted`);
    }
  }
  return out;
}
