// The ticket job's outcome as run.ts builds it and the agent command, the status file and the
// benchmark report it.
import type { BillingError } from '../billing/types.js';

export interface TicketTotals {
  /** Tickets opened in the PSA (or, reconciled, found there and recorded). */
  created: number;
  /** Of `created`: found in the PSA by their tag after a crash, recorded instead of created again. */
  reconciled: number;
  /** Status tickets closed (with the closed status of their board, or General's). */
  closed: number;
  /** Closes the PSA put off (a ticket open in its GUI): not errors; the tickets stay open and are closed on a later pass. */
  deferred: number;
  /** Notes added (repeats, closed-by-person, breaker). */
  notes: number;
  /** Mapped tenants whose PSA account is inactive: no ticket for them. */
  skippedInactive: number;
  /** Tickets the per-account breaker held back (retried on later polls). */
  heldBack: number;
  /** Status tickets found closed by a person while their condition is still active. */
  closedByPerson: number;
  /** Tenant or ticket failures, each in `errors`. */
  errors: number;
  /** Dry run / paused: tickets that would be created and closed. */
  wouldCreate: number;
  wouldClose: number;
  /** Events read from the platform this run. */
  events: number;
}

export interface TicketRunError extends BillingError {
  tenantId: string | null;
  tenantName: string | null;
}

/** One close the PSA put off, and its reason as the PSA gave it. */
export interface DeferredClose {
  tenantId: string;
  tenantName: string;
  /** The PSA ticket's number, or its id. */
  ticket: string;
  reason: string;
}

/** A repeat note sent earlier whose write may still land: its events wait, the tenant's event cursor stays. */
export interface PendingNoteNotice {
  tenantId: string;
  tenantName: string;
  /** The PSA ticket's number, or its id. */
  ticket: string;
  /** Until when the PSA may still apply it (ISO): then, not found, it is sent again. */
  until: string;
}

/** What one maintenance window held back in a pass (README › Maintenance windows). */
export interface MaintenanceHold {
  windowId: number;
  tenantId: string;
  tenantName: string;
  /** "Alpha Dental" or "WS-042 of Alpha Dental". */
  target: string;
  /** When the window ends (ISO): conditions still active then get their tickets. */
  until: string;
  reason: string;
  /** Conditions (device statuses, tenant conditions) whose ticket waits for the window's end. */
  conditions: number;
  /** Events raised inside the window: recorded without a ticket. */
  events: number;
}

export function emptyTotals(): TicketTotals {
  return { created: 0, reconciled: 0, closed: 0, deferred: 0, notes: 0, skippedInactive: 0, heldBack: 0, closedByPerson: 0, errors: 0, wouldCreate: 0, wouldClose: 0, events: 0 };
}
