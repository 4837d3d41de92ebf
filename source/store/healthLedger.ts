// The ledger's memory of health notifications (README › Health notifications): the checks of an
// integration failing now, and its incidents with their health ticket and webhook messages.
// Tables from ledgerSchema.ts (health_checks, health_incidents); the Ledger's connection.
import type { HealthCheck, HealthProblemState } from '../domain/health.js';
import type { Ledger } from './ledger.js';

export interface FailingCheck extends HealthProblemState {
  integration: string;
  /** Failing passes in a row. */
  failures: number;
}

export type HealthTicketState = 'none' | 'pending' | 'open' | 'closed';
export type WebhookOutcome = 'sent' | 'failed' | 'no-secret';

export interface HealthIncident {
  id: number;
  integration: string;
  /** Written into the health ticket's tag field: how a create whose answer never came is found. */
  tag: string;
  openedAt: string;
  clearedAt: string | null;
  problems: HealthProblemState[];
  ticketState: HealthTicketState;
  accountId: string | null;
  psaTicketId: string | null;
  psaTicketNumber: string | null;
  /** A pending create may still be applied by the PSA until then. */
  landsBy: string | null;
  notes: number;
  lastNoteAt: string | null;
  webhookOpened: WebhookOutcome | null;
  webhookCleared: WebhookOutcome | null;
}

type Row = Record<string, unknown>;
const s = (v: unknown): string => String(v);
const sn = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function toIncident(r: Row): HealthIncident {
  return {
    id: Number(r.id),
    integration: s(r.integration),
    tag: s(r.tag),
    openedAt: s(r.opened_at),
    clearedAt: sn(r.cleared_at),
    problems: JSON.parse(s(r.problems)) as HealthProblemState[],
    ticketState: s(r.ticket_state) as HealthTicketState,
    accountId: sn(r.account_id),
    psaTicketId: sn(r.psa_ticket_id),
    psaTicketNumber: sn(r.psa_ticket_number),
    landsBy: sn(r.lands_by),
    notes: Number(r.notes),
    lastNoteAt: sn(r.last_note_at),
    webhookOpened: sn(r.webhook_opened) as WebhookOutcome | null,
    webhookCleared: sn(r.webhook_cleared) as WebhookOutcome | null,
  };
}

export class HealthLedger {
  constructor(private readonly ledger: Ledger) {}

  private get db() {
    return this.ledger.db;
  }

  failingChecks(integration: string): FailingCheck[] {
    const rows = this.db.prepare('SELECT * FROM health_checks WHERE integration = ? ORDER BY since, check_name').all(integration) as Row[];
    return rows.map((r) => ({ integration: s(r.integration), check: s(r.check_name) as HealthCheck, failures: Number(r.failures), since: s(r.since), cause: s(r.cause), remedy: sn(r.remedy) ?? '' }));
  }

  /** One more failing pass of `check`: counted, its since kept from the first, its cause the latest. */
  checkFailed(integration: string, check: HealthCheck, x: { at: Date; cause: string; remedy: string }): void {
    this.db
      .prepare(
        `INSERT INTO health_checks (integration, check_name, failures, since, cause, remedy) VALUES (?, ?, 1, ?, ?, ?)
         ON CONFLICT (integration, check_name) DO UPDATE SET failures = failures + 1, cause = excluded.cause, remedy = excluded.remedy`,
      )
      .run(integration, check, x.at.toISOString(), x.cause, x.remedy);
  }

  checkPassed(integration: string, check: HealthCheck): void {
    this.db.prepare('DELETE FROM health_checks WHERE integration = ? AND check_name = ?').run(integration, check);
  }

  /** Drops the integration's counts (notifications switched off: a later switch-on counts afresh). */
  forget(integration: string): void {
    this.db.prepare('DELETE FROM health_checks WHERE integration = ?').run(integration);
  }

  /** The integration's incident not cleared yet, or null. */
  openIncident(integration: string): HealthIncident | null {
    const row = this.db.prepare('SELECT * FROM health_incidents WHERE integration = ? AND cleared_at IS NULL').get(integration) as Row | undefined;
    return row ? toIncident(row) : null;
  }

  /** Cleared incidents whose health ticket is not known closed in the PSA (a close that failed, a create not settled). */
  unclosedTickets(integration: string): HealthIncident[] {
    const rows = this.db
      .prepare("SELECT * FROM health_incidents WHERE integration = ? AND cleared_at IS NOT NULL AND ticket_state IN ('open', 'pending') ORDER BY id")
      .all(integration) as Row[];
    return rows.map(toIncident);
  }

  listIncidents(filter: { integration?: string; limit?: number } = {}): HealthIncident[] {
    const rows = (
      filter.integration
        ? this.db.prepare('SELECT * FROM health_incidents WHERE integration = ? ORDER BY id DESC LIMIT ?').all(filter.integration, filter.limit ?? 50)
        : this.db.prepare('SELECT * FROM health_incidents ORDER BY id DESC LIMIT ?').all(filter.limit ?? 50)
    ) as Row[];
    return rows.map(toIncident);
  }

  openNew(integration: string, x: { tag: string; at: Date; problems: readonly HealthProblemState[] }): HealthIncident {
    const result = this.db
      .prepare('INSERT INTO health_incidents (integration, tag, opened_at, problems) VALUES (?, ?, ?, ?)')
      .run(integration, x.tag, x.at.toISOString(), JSON.stringify(x.problems));
    return this.get(Number(result.lastInsertRowid))!;
  }

  get(id: number): HealthIncident | null {
    const row = this.db.prepare('SELECT * FROM health_incidents WHERE id = ?').get(id) as Row | undefined;
    return row ? toIncident(row) : null;
  }

  setProblems(id: number, problems: readonly HealthProblemState[]): void {
    this.db.prepare('UPDATE health_incidents SET problems = ? WHERE id = ?').run(JSON.stringify(problems), id);
  }

  clear(id: number, at: Date): void {
    this.db.prepare('UPDATE health_incidents SET cleared_at = ? WHERE id = ?').run(at.toISOString(), id);
  }

  /** Recorded before the create is sent (durable first): a crash after it leaves a row the next pass settles by the tag. */
  ticketPending(id: number, x: { accountId: string; landsBy: Date }): void {
    this.db.prepare("UPDATE health_incidents SET ticket_state = 'pending', account_id = ?, lands_by = ? WHERE id = ?").run(x.accountId, x.landsBy.toISOString(), id);
  }

  /** The create was refused outright (it cannot land): the next pass may create it at once. */
  ticketNotCreated(id: number): void {
    this.db.prepare("UPDATE health_incidents SET ticket_state = 'none', lands_by = NULL WHERE id = ?").run(id);
  }

  ticketOpen(id: number, x: { psaTicketId: string; psaTicketNumber: string | null }): void {
    this.db.prepare("UPDATE health_incidents SET ticket_state = 'open', psa_ticket_id = ?, psa_ticket_number = ? WHERE id = ?").run(x.psaTicketId, x.psaTicketNumber, id);
  }

  ticketClosed(id: number): void {
    this.db.prepare("UPDATE health_incidents SET ticket_state = 'closed' WHERE id = ?").run(id);
  }

  noted(id: number, at: Date): void {
    this.db.prepare('UPDATE health_incidents SET notes = notes + 1, last_note_at = ? WHERE id = ?').run(at.toISOString(), id);
  }

  webhook(id: number, which: 'opened' | 'cleared', outcome: WebhookOutcome): void {
    this.db.prepare(`UPDATE health_incidents SET webhook_${which === 'opened' ? 'opened' : 'cleared'} = ? WHERE id = ?`).run(outcome, id);
  }
}
