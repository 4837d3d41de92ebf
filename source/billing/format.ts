// The billing plan and the ledger's postings as tables, CSV and JSON (preview, ledger export).
import { unbilledLine } from '../domain/billingPlan.js';
import { csvField } from '../domain/unmapped.js';
import type { HeldChange, PostingRecord } from '../store/ledger.js';
import type { BillingLine, BillingPlan, ContractPlan } from './types.js';

export interface PreviewRow {
  account: string;
  accountId: string;
  contract: string;
  contractId: string;
  tenant: string;
  billingItem: string;
  billingItemId: string;
  current: number | null;
  new: number | null;
  delta: number | null;
  /** Empty when the line is fine. */
  error: string;
  /** Usage no billing item is chosen for ("5 Windows servers on …: no billing item chosen"); such a row has no item or quantities. */
  unbilled: string;
  /** Where the PSA prices usage by a price level per account: the level the units would be set at after a re-pricing; else empty. */
  repricedAt: string;
  /** Why the run would hold the change for a person (README › Billing approvals); empty when it would post it. */
  held: string;
}

export const PREVIEW_FIELDS: ReadonlyArray<keyof PreviewRow> = ['account', 'accountId', 'contract', 'contractId', 'tenant', 'billingItem', 'billingItemId', 'current', 'new', 'delta', 'error', 'unbilled', 'repricedAt', 'held'];

/** The level a plan line is re-priced at, by name where the mapping has it; empty when it is not re-priced. */
export function repricedAt(contract: Pick<ContractPlan, 'priceLevelId' | 'priceLevelName'>, line: Pick<BillingLine, 'reprice'>): string {
  return line.reprice ? (contract.priceLevelName ?? contract.priceLevelId ?? '') : '';
}

/** `holds`: what the run would hold, by "contractId/billingItemId" (billing/approvals.ts expectedHolds). */
export function previewRows(plan: BillingPlan, holds: ReadonlyMap<string, string> = new Map()): PreviewRow[] {
  const rows: PreviewRow[] = [];
  const sorted = [...plan.contracts].sort((a, b) => a.accountName.localeCompare(b.accountName) || a.contractName.localeCompare(b.contractName));
  for (const c of sorted) {
    const base = { account: c.accountName, accountId: c.accountId, contract: c.contractName, contractId: c.contractId, tenant: c.tenantName };
    if (c.error) {
      const why = [c.error.message, c.error.cause && `cause: ${c.error.cause}`, c.error.remedy && `remedy: ${c.error.remedy}`].filter(Boolean).join('; ');
      rows.push({ ...base, billingItem: '', billingItemId: '', current: null, new: null, delta: null, error: why, unbilled: '', repricedAt: '', held: '' });
      continue;
    }
    for (const l of [...c.lines].sort((a, b) => a.billingItemName.localeCompare(b.billingItemName))) {
      rows.push({ ...base, billingItem: l.billingItemName, billingItemId: l.billingItemId, current: l.before, new: l.after, delta: l.delta, error: '', unbilled: '', repricedAt: repricedAt(c, l), held: holds.get(`${c.contractId}/${l.billingItemId}`) ?? '' });
    }
    for (const u of c.unbilled ?? []) {
      rows.push({ ...base, billingItem: '', billingItemId: '', current: null, new: null, delta: null, error: '', unbilled: unbilledLine(u), repricedAt: '', held: '' });
    }
  }
  return rows;
}

export function toCsv<T extends object>(rows: readonly T[], fields: ReadonlyArray<keyof T>): string {
  const cell = (v: unknown) => (v === null || v === undefined ? '' : csvField(v as string | number | boolean));
  const lines = [fields.join(','), ...rows.map((r) => fields.map((f) => cell(r[f])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

export function toJson<T extends object>(rows: readonly T[], fields: ReadonlyArray<keyof T>): string {
  return `${JSON.stringify(rows.map((r) => Object.fromEntries(fields.map((f) => [f, r[f] ?? null]))), null, 2)}\n`;
}

export const signed = (n: number | null): string => (n === null ? '' : n > 0 ? `+${n}` : String(n));

export const POSTING_FIELDS: ReadonlyArray<keyof PostingRecord> = [
  'id', 'createdAt', 'runId', 'integration', 'tenantId', 'tenantName', 'accountId', 'contractId', 'billingItemId', 'billingItemName',
  // New columns go last: scripts reading the CSV by position keep working.
  'beforeUnits', 'afterUnits', 'delta', 'effectiveDate', 'status', 'psaPostingId', 'error', 'settledAt', 'priceLevel',
];

/** A held change as `kmsp billing held` prints it (README › Billing approvals). */
export interface HeldRow {
  id: number;
  integration: string;
  state: string;
  tenant: string;
  account: string;
  contract: string;
  contractId: string;
  billingItem: string;
  billingItemId: string;
  current: number;
  new: number;
  delta: number;
  reasons: string;
  heldAt: string;
  decidedBy: string;
}

export const HELD_FIELDS: ReadonlyArray<keyof HeldRow> = [
  'id', 'integration', 'state', 'tenant', 'account', 'contract', 'contractId', 'billingItem', 'billingItemId', 'current', 'new', 'delta', 'reasons', 'heldAt', 'decidedBy',
];

export function heldRows(changes: readonly HeldChange[]): HeldRow[] {
  return [...changes]
    .sort((a, b) => a.id - b.id)
    .map((h) => ({
      id: h.id,
      integration: h.integration,
      state: h.state,
      tenant: h.tenantName,
      account: h.accountName ?? h.accountId,
      contract: h.contractName ?? h.contractId,
      contractId: h.contractId,
      billingItem: h.billingItemName ?? h.billingItemId,
      billingItemId: h.billingItemId,
      current: h.beforeUnits,
      new: h.afterUnits,
      delta: h.delta,
      reasons: h.reasons.map((r) => r.text).join('; '),
      heldAt: h.createdAt,
      decidedBy: h.decidedBy ?? '',
    }));
}
