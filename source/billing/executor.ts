// Carries a billing plan out in the PSA, safe by construction (README › Billing rules, "Safety rules"):
//
// - Right before a contract's postings, its units are read again from the PSA and each change
//   is recomputed as (desired - units now). Where the PSA reads many contracts in one request,
//   that read is made per group of contracts posted together (REREAD_GROUP), just before the
//   group's first posting: every posting of the group is still made against units read after
//   this run began posting them. The plan's own `before` is only advisory: a posting
//   the PSA accepted in a run that crashed before the ledger recorded it is already in the
//   units, so the rerun's delta is 0 and nothing is posted twice. The same holds whether the
//   PSA takes the signed difference (a new adjustment) or the quantity itself (an addition set
//   in place): both are judged by the units before and after.
// - Where the PSA sets quantities (posting mode 'set'), the read before the postings is needed
//   all the same: the plan's read may be minutes old by then (every tenant's platform data is
//   read between the two), and a person may have added a second record of the item or replaced
//   it meanwhile — set on the stale record, the customer would be billed twice. Each posting
//   then writes the record that fresh read found (ItemQuantity.writeRef), so the connector does
//   not read it once more per posting.
// - A ledger row is written `pending` BEFORE the POST and settled (posted / failed / unknown)
//   after it. A POST whose outcome is unknown (timeout, reset, unrecognised 5xx) leaves the row
//   `unknown` and blocks that contract item: later runs settle it from the PSA's units (equal to
//   the row's after → posted; equal to its before → failed) and only then post again. A
//   re-pricing keeps the units, so it is settled by the price level the item is at instead.
// - "Equal to its before" means "not applied" only once the write can no longer land: a slow
//   PSA may still be carrying out the POST of a process that was killed or restarted. The row
//   records that instant (landsBy: recorded just before the send + Psa.writeLandsWithinMs, which
//   covers every attempt timing out); until then the item stays blocked and the run says so —
//   also when this run wants no change to it — so a restart never posts the same change twice.
// - One contract's failure never stops the others; each is reported with its cause.
//
// The caller holds the billing run lock (Ledger.acquireRun), so this process is the only kmsp
// writer to these contracts while it runs.
import pLimit from 'p-limit';
import type { Psa } from '../domain/ports.js';
import { postingsOf } from '../domain/billingPlan.js';
import { LEGACY_APPROVALS } from '../domain/billingGuards.js';
import { judgeChange } from './approvals.js';
import type { ApprovalSettings } from '../domain/config.js';
import type { ItemQuantity, PostingMode } from '../domain/types.js';
import { landingDeadline, type Ledger, type PostingInput, type PostingRecord } from '../store/ledger.js';
import { billingErrorLine, toBillingError } from './errors.js';

import type { BillingError, BillingLine, BillingPlan, ContractPlan } from './types.js';

export type PostingStatusOutcome =
  /** Accepted by the PSA. */
  | 'posted'
  /** Refused by the PSA: nothing changed. */
  | 'failed'
  /** The PSA's answer did not tell whether it was applied; the item is blocked until a later run settles it. */
  | 'unknown'
  /** Not attempted: an earlier posting to this contract item is still unsettled. */
  | 'blocked'
  /** Held for a person (README › Billing approvals): recorded in the ledger's held changes, not posted. */
  | 'held'
  /** A person rejected this very change: not posted, not held again. */
  | 'rejected'
  /** Not needed: the PSA already holds the desired units (e.g. the posting of a crashed run went through). */
  | 'unchanged'
  /** Dry run: would be posted. */
  | 'dry-run'
  /** Writes are paused (agent.paused): would be posted. */
  | 'paused';

export interface PostingOutcome {
  billingItemId: string;
  billingItemName: string;
  before: number;
  after: number;
  delta: number;
  status: PostingStatusOutcome;
  /** Ledger row id (not for dry runs, paused or unchanged lines). */
  ledgerId: number | null;
  psaPostingId: string | null;
  error?: BillingError;
  /** held, rejected, or posted on an approval: the held change's id in the ledger. */
  heldId?: number;
  /** held: why it waits for a person. */
  reasons?: string[];
}

/** An unsettled posting of an earlier run, looked at again. */
export interface SettledPosting {
  ledgerId: number;
  billingItemId: string;
  before: number;
  after: number;
  /** posted/failed: settled now from the units; unknown: still not, the item stays blocked. */
  status: 'posted' | 'failed' | 'unknown';
  units: number;
}

export interface ContractOutcome {
  plan: ContractPlan;
  postings: PostingOutcome[];
  settled: SettledPosting[];
  error?: BillingError;
}

export interface ExecutionTotals {
  contracts: number;
  posted: number;
  failed: number;
  unknown: number;
  blocked: number;
  /** Changes held for a person (not errors: they wait for a decision). */
  held: number;
  /** Contracts with an error (plan or execution) plus failed, unknown and blocked postings. */
  errors: number;
  /** Lines a dry run or a paused run would have posted. */
  wouldPost: number;
}

export interface ExecutionResult {
  dryRun: boolean;
  paused: boolean;
  /**
   * The signal stopped the run at a safe point: contracts not yet begun are left out of
   * `contracts`, and a begun contract posted nothing after the stop (its pending rows are all
   * settled). The next run carries on from the PSA's units.
   */
  abandoned: boolean;
  contracts: ContractOutcome[];
  totals: ExecutionTotals;
}

export interface ExecuteOptions {
  psa: Psa;
  /** Needed unless dryRun or paused (nothing is written then). */
  ledger: Ledger | null;
  runId: number | null;
  dryRun: boolean;
  /** The global pause switch: compute, report, write nothing. */
  paused?: boolean;
  /** How the PSA takes a posting (its profile's posting policy): a signed difference, or the quantity set. */
  mode: PostingMode;
  /** The PSA's words for its contracts and billing items, in messages (default: kmsp's own). */
  words?: { contract: string; billingItem: string };
  /** Contracts worked on at once (the PSA profile's limits.concurrency; default 3). */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
  /** Test seam: runs after the PSA accepted a posting and before the ledger settles it. */
  afterPost?: (posting: { contractId: string; billingItemId: string; ledgerId: number }) => void | Promise<void>;
  /** Aborted (SIGTERM, pause): no new contract begins and no new posting is written; what is in flight is awaited and settled. */
  signal?: AbortSignal;
  /** Clock for landsBy (default: real time). */
  now?: () => Date;
  /** Which changes wait for a person (default: post every change, as before approvals existed). */
  approvals?: ApprovalSettings;
}

const clock = (iso: number): string => new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Lines with a change of units, or of price level (postingsOf). */
const nonZero = (lines: BillingLine[]): BillingLine[] => postingsOf(lines);

/**
 * A hook failure is the simulated death of the process: it must leave the ledger as a crash
 * would (pending row, no settle) and stop the run, not be read as a PSA failure.
 */
class Interrupted extends Error {
  constructor(readonly inner: unknown) {
    super('interrupted');
  }
}

export async function executeBillingPlan(plan: BillingPlan, options: ExecuteOptions): Promise<ExecutionResult> {
  const paused = options.paused ?? false;
  const writes = !options.dryRun && !paused;
  if (writes && !options.ledger) throw new Error('executeBillingPlan needs a ledger unless dryRun or paused');
  const limit = pLimit(Math.max(1, options.concurrency ?? 3));
  const timeNow = options.now ?? (() => new Date());
  // Right before a contract's postings its units are read again: one contract per request, or
  // per group of contracts posted together where the PSA reads many in one request.
  let readUnits: UnitsReader = async (contractId) => {
    const readAt = timeNow();
    return { readAt, units: await options.psa.currentQuantities(contractId, plan.date) };
  };
  if (writes && options.psa.currentQuantitiesMany) {
    const working = plan.contracts.filter(
      (c) =>
        !c.error &&
        (nonZero(c.lines).length > 0 || options.ledger!.unsettledPostings({ integration: plan.integration, contractId: c.contractId }).length > 0),
    );
    readUnits = groupedReader(options.psa, working.map((c) => c.contractId), plan.date, timeNow);
  }
  let done = 0;
  const run = async (contract: ContractPlan, state: RunState): Promise<ContractOutcome & { abandoned?: boolean }> => {
    try {
      if (contract.error) return { plan: contract, postings: [], settled: [], error: contract.error };
      if (!writes) {
        const status = options.dryRun ? 'dry-run' : 'paused';
        return { plan: contract, settled: [], postings: nonZero(contract.lines).map((l) => ({ ...l, status, ledgerId: null, psaPostingId: null })) };
      }
      return await executeContract(plan, contract, options, state, readUnits);
    } finally {
      options.onProgress?.(++done, plan.contracts.length);
    }
  };
  // An interruption (the afterPost seam) stops every contract before its next write, as the
  // end of the process would; the others' in-flight requests are awaited, never left running.
  const state: RunState = { interrupted: false };
  const settled = await Promise.allSettled(
    plan.contracts.map((c) =>
      limit(async () => {
        if (state.interrupted || options.signal?.aborted) throw new Interrupted(null);
        return run(c, state).catch((error: unknown) => {
          if (error instanceof Interrupted) state.interrupted = true;
          throw error;
        });
      }),
    ),
  );
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !(r.reason instanceof Interrupted && r.reason.inner === null));
  if (failure) throw failure.reason instanceof Interrupted ? failure.reason.inner : failure.reason;
  const contracts = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  // A held change of a contract this integration no longer bills (its tenant unmapped, billing
  // turned off, another contract chosen) can never be posted: it is not left waiting for a decision.
  if (writes && !options.signal?.aborted) {
    const planned = new Set(plan.contracts.map((c) => c.contractId));
    for (const h of options.ledger!.listHeldChanges({ integration: plan.integration })) {
      if (!planned.has(h.contractId)) options.ledger!.replaceHeldChange(h.id, `replaced: the ${plan.date} pass no longer bills this contract (its mapping changed)`);
    }
  }
  const abandoned = options.signal?.aborted === true && (contracts.length < plan.contracts.length || contracts.some((c) => c.abandoned));
  return { dryRun: options.dryRun, paused, abandoned, contracts: contracts.map(({ abandoned: _, ...c }) => c), totals: totalsOf(contracts) };
}

interface RunState {
  interrupted: boolean;
}

/** An unsettled posting that blocks its item; inFlightUntil is set while its write may still land. */
interface Blocker {
  row: PostingRecord;
  inFlightUntil: number | null;
}

/** A contract's units and the instant taken just before the read was sent. */
interface UnitsRead {
  readAt: Date;
  units: ItemQuantity[];
}

type UnitsReader = (contractId: string) => Promise<UnitsRead>;

/** Contracts whose units one request reads again before their postings (where the PSA reads many at once). */
export const REREAD_GROUP = 50;

/**
 * The re-read before posting, per group of contracts posted together: the first contract of a
 * group to begin reads the units of the whole group in one request (Psa.currentQuantitiesMany);
 * the others use that read and its instant. The group is posted right after (its contracts come
 * next in the executor's order), so the PSA's units are still read before any posting of them,
 * and the in-flight rule judges every one of them by the instant before that read.
 */
function groupedReader(psa: Psa, contractIds: readonly string[], date: string, now: () => Date, size = REREAD_GROUP): UnitsReader {
  const groupOf = new Map<string, number>();
  const groups: string[][] = [];
  contractIds.forEach((id, i) => {
    if (i % size === 0) groups.push([]);
    groups[groups.length - 1]!.push(id);
    groupOf.set(id, groups.length - 1);
  });
  const reads = new Map<number, Promise<{ readAt: Date; units: Map<string, ItemQuantity[] | Error> }>>();
  const left = groups.map((g) => g.length);
  return async (contractId) => {
    const g = groupOf.get(contractId);
    if (g === undefined) {
      const readAt = now();
      return { readAt, units: await psa.currentQuantities(contractId, date) };
    }
    let read = reads.get(g);
    if (!read) {
      const readAt = now();
      read = psa.currentQuantitiesMany!(groups[g]!, date).then((units) => ({ readAt, units }));
      reads.set(g, read);
    }
    try {
      const { readAt, units } = await read;
      const mine = units.get(contractId);
      if (mine instanceof Error) throw mine;
      if (!mine) throw new Error(`the PSA's answer left out the units of ${contractId}`);
      return { readAt, units: mine };
    } finally {
      // Every contract of the group has its units: the group's answer is no longer held.
      if (--left[g]! === 0) reads.delete(g);
    }
  };
}

async function executeContract(plan: BillingPlan, contract: ContractPlan, options: ExecuteOptions, state: RunState, readUnits: UnitsReader): Promise<ContractOutcome & { abandoned?: boolean }> {
  const ledger = options.ledger!;
  const outcome: ContractOutcome & { abandoned?: boolean } = { plan: contract, postings: [], settled: [] };
  const wanted = nonZero(contract.lines);
  const unsettled = ledger.unsettledPostings({ integration: plan.integration, contractId: contract.contractId });
  // Changes held for this contract by earlier passes: each one is looked at again below, and
  // marked replaced when this pass plans another target for its item or none at all.
  const heldNow = () => new Map(ledger.listHeldChanges({ integration: plan.integration, contractId: contract.contractId }).map((h) => [h.billingItemId, h]));
  let openHeld = heldNow();
  if (wanted.length === 0 && unsettled.length === 0) {
    for (const h of openHeld.values()) ledger.replaceHeldChange(h.id, `replaced: the ${plan.date} pass found no change to make (the ${wordsOf(options).contract} holds what usage says)`);
    return outcome;
  }

  // Re-read the PSA's own units right before writing: the plan may be stale, and a crashed
  // run's accepted posting is already in them.
  // The instant the in-flight rule judges by is taken BEFORE the units are read: a write that
  // lands while a slow read is under way must not be judged by the time its answer came.
  const timeNow = options.now ?? (() => new Date());
  let readAt: Date;
  let units: Map<string, number>;
  const levels = new Map<string, string | null>();
  // The records the postings write, as this read found them (writeRef; header).
  const refs = new Map<string, string>();
  try {
    const read = await readUnits(contract.contractId);
    readAt = read.readAt;
    const current = read.units;
    units = new Map(current.map((q) => [q.billingItemId, q.units]));
    for (const q of current) if (q.priceLevel !== undefined) levels.set(q.billingItemId, q.priceLevel);
    for (const q of current) if (q.writeRef !== undefined) refs.set(q.billingItemId, q.writeRef);
  } catch (error) {
    outcome.error = toBillingError(error, `${capitalise(wordsOf(options).contract)} “${contract.contractName}” (${contract.accountName})`);
    return outcome;
  }
  const unitsOf = (item: string) => units.get(item) ?? 0;

  // Settle what earlier runs left pending or unknown; what cannot be settled blocks its item.
  const blocked = new Map<string, Blocker>();
  for (const row of unsettled) {
    const now = unitsOf(row.billingItemId);
    if (blocked.has(row.billingItemId)) {
      outcome.settled.push({ ledgerId: row.id, billingItemId: row.billingItemId, before: row.beforeUnits, after: row.afterUnits, status: 'unknown', units: now });
      continue;
    }
    let status: SettledPosting['status'] = 'unknown';
    // A re-pricing keeps the units (before = after), so they cannot tell whether it went through:
    // the price level the item is at now does, compared with the one the row priced it at (rows
    // of older ledgers keep none: the account's is taken).
    const level = levels.get(row.billingItemId);
    const target = row.priceLevel ?? contract.priceLevelId;
    const repricing = row.beforeUnits === row.afterUnits && target !== undefined && level !== undefined;
    const applied = now === row.afterUnits && (!repricing || level === target);
    const untouched = now === row.beforeUnits && !applied;
    // Still in flight: the PSA shows what it held before, but the write may yet land.
    const inFlight = untouched && readAt.getTime() < landingDeadline(row);
    if (applied) status = 'posted';
    else if (untouched && !inFlight) status = 'failed';
    if (status === 'unknown') {
      blocked.set(row.billingItemId, { row, inFlightUntil: inFlight ? landingDeadline(row) : null });
      const ended = `run ${row.runId ?? '?'} ended before the PSA's answer was recorded`;
      if (row.status === 'pending') ledger.settlePosting(row.id, { status: 'unknown', error: row.error ?? (inFlight ? `${ended}; the PSA may still apply it until ${clock(landingDeadline(row))}` : ended) });
    } else {
      ledger.settlePosting(row.id, {
        status,
        error:
          status === 'posted'
            ? null
            : `settled by run ${options.runId ?? '?'}: ` +
              (repricing
                ? `${plan.date} units are ${now} at price level ${level ?? 'mixed'}, not ${target} — the re-pricing was not applied`
                : `${plan.date} units are ${now}, the posting's before value — it was not applied`) +
              (row.error ? `; earlier: ${row.error}` : ''),
      });
    }
    outcome.settled.push({ ledgerId: row.id, billingItemId: row.billingItemId, before: row.beforeUnits, after: row.afterUnits, status, units: now });
  }

  // Read again after settling: a failed approved posting was made approved again just now, and
  // is posted (re-judged) by this pass rather than held anew.
  if (unsettled.length > 0) openHeld = heldNow();
  const approvals = options.approvals ?? LEGACY_APPROVALS;
  // Judged once per contract, before this pass posts to it: its own postings do not make the
  // contract's later lines "not new".
  const firstPosting = approvals.mode === 'hold-risky' && !ledger.hasPostedTo(plan.integration, contract.contractId);
  const looked = new Set<string>();
  for (const line of wanted) {
    looked.add(line.billingItemId);
    const before = unitsOf(line.billingItemId);
    const after = line.after;
    const delta = after - before;
    const base = { billingItemId: line.billingItemId, billingItemName: line.billingItemName, before, after, delta };
    const blocker = blocked.get(line.billingItemId);
    if (blocker) {
      outcome.postings.push({ ...base, status: 'blocked', ledgerId: null, psaPostingId: null, error: blockedError(blocker, line.billingItemName, contract, before, plan.date, wordsOf(options)) });
      continue;
    }
    // Units right: posted again only when the PSA prices them at another level than the account's (read just now).
    const held = levels.get(line.billingItemId);
    const repriced = contract.priceLevelId !== undefined && typeof held === 'string' && held !== contract.priceLevelId && after > 0;
    const open = openHeld.get(line.billingItemId);
    if (delta === 0 && !repriced) {
      if (open) ledger.replaceHeldChange(open.id, `replaced: the ${plan.date} pass found ${before} units, what usage says — nothing to post`);
      outcome.postings.push({ ...base, status: 'unchanged', ledgerId: null, psaPostingId: null });
      continue;
    }
    // README › Billing approvals: judged on the units just read, so an approval covers exactly
    // the change a person saw (same units before, same target) and is never posted on stale numbers.
    const judged = judgeChange(
      { before, after, firstPosting, incomplete: contract.incomplete ?? null, open: open ?? null, latest: () => ledger.latestHeldChange(plan.integration, contract.contractId, line.billingItemId) },
      approvals,
    );
    if (judged.kind === 'rejected') {
      outcome.postings.push({ ...base, status: 'rejected', ledgerId: null, psaPostingId: null, heldId: judged.held.id });
      continue;
    }
    const approved = judged.kind === 'post' ? judged.approved : null;
    if (!approved) {
      if (judged.kind === 'hold') {
        const { reasons } = judged;
        const held = ledger.holdChange({
          runId: options.runId,
          integration: plan.integration,
          tenantId: contract.tenantId,
          tenantName: contract.tenantName,
          accountId: contract.accountId,
          accountName: contract.accountName,
          contractId: contract.contractId,
          contractName: contract.contractName,
          billingItemId: line.billingItemId,
          billingItemName: line.billingItemName,
          beforeUnits: before,
          afterUnits: after,
          effectiveDate: plan.date,
          priceLevel: contract.priceLevelId ?? null,
          reasons,
        });
        outcome.postings.push({ ...base, status: 'held', ledgerId: null, psaPostingId: null, heldId: held.id, reasons: reasons.map((r) => r.text) });
        continue;
      }
      // Routine now: a change held earlier for this item is overtaken by this one.
      if (open) ledger.replaceHeldChange(open.id, `replaced: the ${plan.date} pass posts ${before} → ${after}, which needs no approval`);
    }
    if (state.interrupted) throw new Interrupted(null);
    // A safe point: nothing of this line is written yet. The lines left are posted by the next run.
    if (options.signal?.aborted) {
      outcome.abandoned = true;
      return outcome;
    }
    const posting: PostingInput = {
      runId: options.runId,
      integration: plan.integration,
      tenantId: contract.tenantId,
      tenantName: contract.tenantName,
      accountId: contract.accountId,
      contractId: contract.contractId,
      billingItemId: line.billingItemId,
      billingItemName: line.billingItemName,
      applicationId: null,
      category: null,
      beforeUnits: before,
      afterUnits: after,
      effectiveDate: plan.date,
      psaPostingId: null,
      status: 'pending',
      landsBy: new Date(timeNow().getTime() + options.psa.writeLandsWithinMs),
      priceLevel: contract.priceLevelId ?? null,
    };
    // An approved change: its posting row and its link to it are written together (no second posting of it).
    const row = approved ? ledger.postHeldChange(approved.id, posting) : ledger.recordPosting(posting);
    if (!row) {
      outcome.postings.push({ ...base, status: 'held', ledgerId: null, psaPostingId: null, heldId: approved!.id, reasons: ['the approval was withdrawn while this pass ran'] });
      continue;
    }
    const heldRef = approved ? { heldId: approved.id } : {};
    let psaId: string | null;
    try {
      const priced = contract.priceLevelId !== undefined ? { priceLevel: contract.priceLevelId } : {};
      const ref = refs.get(line.billingItemId);
      // Used once: after this posting the record holds something else.
      refs.delete(line.billingItemId);
      psaId = (await options.psa.postUsage({ contractId: contract.contractId, billingItemId: line.billingItemId, before, after, mode: options.mode, effectiveDate: plan.date, ...priced, ...(ref !== undefined ? { writeRef: ref } : {}) })).id;
    } catch (error) {
      const e = toBillingError(error);
      const status = e.outcomeUnknown ? 'unknown' : 'failed';
      ledger.settlePosting(row.id, { status, error: billingErrorLine(e) });
      if (status === 'unknown') blocked.set(line.billingItemId, { row: { ...row, status: 'unknown' }, inFlightUntil: null });
      outcome.postings.push({ ...base, status, ledgerId: row.id, psaPostingId: null, error: e, ...heldRef });
      continue;
    }
    if (options.afterPost) {
      try {
        await options.afterPost({ contractId: contract.contractId, billingItemId: line.billingItemId, ledgerId: row.id });
      } catch (error) {
        throw new Interrupted(error);
      }
    }
    ledger.settlePosting(row.id, { status: 'posted', psaPostingId: psaId });
    units.set(line.billingItemId, after);
    outcome.postings.push({ ...base, status: 'posted', ledgerId: row.id, psaPostingId: psaId, ...heldRef });
  }
  // A held change of an item this pass wants no change to any more is overtaken.
  for (const [itemId, h] of openHeld) {
    if (!looked.has(itemId)) ledger.replaceHeldChange(h.id, `replaced: the ${plan.date} pass found no change to make to it`);
  }
  // An unsettled posting on an item this run wants no change to is reported too: the pass says
  // so, counts it as an error (the agent retries), and settles it once it can.
  for (const [itemId, blocker] of blocked) {
    if (wanted.some((l) => l.billingItemId === itemId)) continue;
    const units = unitsOf(itemId);
    const name = blocker.row.billingItemName ?? itemId;
    outcome.postings.push({
      billingItemId: itemId,
      billingItemName: name,
      before: units,
      after: units,
      delta: 0,
      status: 'blocked',
      ledgerId: null,
      psaPostingId: null,
      error: blockedError(blocker, name, contract, units, plan.date, wordsOf(options)),
    });
  }
  return outcome;
}

/** Why an item is not posted while an earlier posting to it is unsettled (still in flight, or unknown). */
const wordsOf = (options: ExecuteOptions) => options.words ?? { contract: 'contract', billingItem: 'billing item' };
const capitalise = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

function blockedError(blocker: Blocker, itemName: string, contract: ContractPlan, before: number, date: string, words: { contract: string; billingItem: string }): BillingError {
  const holder = blocker.row;
  const what = `ledger posting ${holder.id}: ${signed(holder.delta)} units, ${holder.beforeUnits} → ${holder.afterUnits}, ${holder.effectiveDate}`;
  if (blocker.inFlightUntil !== null) {
    return {
      message: `Not posted yet: an earlier posting to “${itemName}” of ${words.contract} “${contract.contractName}” may still be applied by the PSA (${what})`,
      cause: `its answer never came (the run ended, or the request timed out); a slow PSA may carry it out until ${clock(blocker.inFlightUntil)}, and posting again now could bill it twice`,
      remedy: `Nothing to do: a run after ${clock(blocker.inFlightUntil)} (the agent retries) settles it from the PSA's units and posts what is still missing.`,
    };
  }
  return {
    message: `Not posted: the outcome of an earlier posting to “${itemName}” of ${words.contract} “${contract.contractName}” is unknown (${what})`,
    cause: `the PSA now holds ${before} units for ${date}: neither the posting's before (${holder.beforeUnits}) nor its after (${holder.afterUnits}) value`,
    remedy: `Check the ${words.contract}'s ${words.billingItem} in the PSA, then record what happened: kmsp ledger settle ${holder.id} --as posted|failed. The next run posts the difference.`,
  };
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

export function totalsOf(contracts: ContractOutcome[]): ExecutionTotals {
  const t: ExecutionTotals = { contracts: contracts.length, posted: 0, failed: 0, unknown: 0, blocked: 0, held: 0, errors: 0, wouldPost: 0 };
  for (const c of contracts) {
    if (c.error) t.errors++;
    for (const p of c.postings) {
      if (p.status === 'posted') t.posted++;
      else if (p.status === 'failed') (t.failed++, t.errors++);
      else if (p.status === 'unknown') (t.unknown++, t.errors++);
      else if (p.status === 'blocked') (t.blocked++, t.errors++);
      else if (p.status === 'held') t.held++;
      else if (p.status === 'dry-run' || p.status === 'paused') t.wouldPost++;
    }
  }
  return t;
}
