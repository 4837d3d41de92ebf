// The billing plan as the planner builds it and the executor, preview and ledger export use it.
// A plan line has the shape of domain/billingPlan.ts PlanLine (before/after are PSA units).
import type { UnbilledUsage } from '../domain/billingPlan.js';

export interface BillingLine {
  billingItemId: string;
  billingItemName: string;
  /** Units Autotask held for the period containing the plan's date. */
  before: number;
  /** The quantity usage says it should hold. */
  after: number;
  delta: number;
  /** The PSA period `before` belongs to; absent when the PSA holds nothing for the item (or keeps no periods). */
  period?: { start: string; end: string };
  /** Units right, price level not: posted again at the account's level (domain/billingPlan.ts PlanLine.reprice). */
  reprice?: { from: string };
}

/** A failure as the user sees it: what, why, what to do (README › When something fails). */
export interface BillingError {
  message: string;
  cause: string | null;
  remedy: string | null;
  /** True when a write may or may not have happened (see KmspError.outcomeUnknown). */
  outcomeUnknown?: boolean;
}

export interface ContractPlan {
  /** First tenant billed to the contract (usually the only one). */
  tenantId: string;
  tenantName: string;
  /** Every tenant whose usage is summed into this contract (several tenants may share one contract). */
  tenantIds: string[];
  accountId: string;
  accountName: string;
  contractId: string;
  contractName: string;
  /** The account's price level where the PSA prices usage by one (profile posting.priceLevel); else absent. */
  priceLevelId?: string;
  /** Its name as the mapping keeps it. */
  priceLevelName?: string;
  /** Every mapped billing item, also those without a change (delta 0). */
  lines: BillingLine[];
  /** Set when the mapping failed its check against the PSA, or reading usage or PSA units failed: nothing is posted to this contract. */
  error?: BillingError;
  /**
   * Why the platform data of one of the contract's tenants is incomplete (a part of it could not
   * be read): every change of the contract is held for a person, never posted on its own.
   */
  incomplete?: string;
  /** Usage of the contract's tenants that no billing item is chosen for (not posted anywhere). */
  unbilled?: UnbilledUsage[];
}

export interface BillingPlan {
  integration: string;
  /** YYYY-MM-DD in the configured time zone: the period looked at and the effective date of postings. */
  date: string;
  contracts: ContractPlan[];
  /** Mapped tenants not billed, and why (billing off, no contract, no account). */
  skipped: Array<{ tenantId: string; tenantName: string; reason: string }>;
}
