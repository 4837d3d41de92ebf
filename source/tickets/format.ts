// The ticket job's one-line summary and the ledger's tickets as rows (ledger export, Reports › Agent).
import { formatWindowTime } from '../domain/maintenance.js';
import type { TicketRecord } from '../store/ledger.js';
import type { TicketRunResult } from './run.js';

export function ticketSummaryLine(
  integration: string,
  r: TicketRunResult,
  x: { dryRun: boolean; paused: boolean; requests: { platform: number; psa: number }; ms: number },
): string {
  const t = r.totals;
  const mode = x.dryRun ? ' (dry run: nothing written)' : x.paused ? ' (paused: nothing written)' : '';
  const done = x.dryRun || x.paused ? `${t.wouldCreate} to create, ${t.wouldClose} to close` : `${t.created} created${t.reconciled ? ` (${t.reconciled} reconciled)` : ''}, ${t.closed} closed, ${t.notes} notes${t.deferred ? `, ${t.deferred} close pending (retried next poll)` : ''}`;
  return (
    `tickets ${integration}${mode}: ${done}, ${t.skippedInactive} skipped inactive, ${t.heldBack} held back, ${maintenanceText(r)}${t.closedByPerson} closed by a person, ${t.errors} error${t.errors === 1 ? "" : "s"}; ` +
    `${t.events} events; ${x.requests.platform + x.requests.psa} requests (platform ${x.requests.platform}, PSA ${x.requests.psa}); ${(x.ms / 1000).toFixed(1)} s` +
    (r.runId !== null ? `; run ${r.runId}` : '')
  );
}

/** ", 2 held by maintenance windows" (conditions waiting and events recorded without a ticket); "" when none. */
function maintenanceText(r: TicketRunResult): string {
  const n = r.maintenance.reduce((sum, h) => sum + h.conditions + h.events, 0);
  return n > 0 ? `${n} held by maintenance, ` : '';
}

/** The agent's line for one window that held tickets back: what, until when, why. */
export function maintenanceNotice(h: TicketRunResult['maintenance'][number], words: { ticket: string; tickets: string }, timeZone: string): string {
  const what = [
    h.conditions > 0 && `${h.conditions} condition${h.conditions === 1 ? ' gets' : 's get'} no ${words.tickets} until the window ends (then, if still active, they do)`,
    h.events > 0 && `${h.events} event${h.events === 1 ? '' : 's'} raised inside it recorded without a ${words.ticket}`,
  ].filter(Boolean);
  return `${h.target}: maintenance window ${h.windowId} until ${formatWindowTime(h.until, timeZone)} (${h.reason}): ${what.join('; ')}`;
}

export const TICKET_FIELDS: ReadonlyArray<keyof TicketRecord> = [
  'key', 'createdAt', 'integration', 'tenantId', 'accountId', 'kind', 'title', 'psaTicketId', 'psaTicketNumber', 'state',
  'closedAt', 'repeatCount', 'lastNoteAt', 'deviceId', 'descriptionId', 'severity', 'eventId', 'runId', 'closePending', 'closePendingSince',
];

/** A ticket's state in words: "close pending (locked by Jane Smith)" while the PSA defers its close. */
export function ticketStateText(t: Pick<TicketRecord, 'state' | 'closePending'>): string {
  if (t.state === 'open' && t.closePending) return `close pending (${t.closePending})`;
  return t.state === 'closed-by-person' ? 'closed (person)' : t.state;
}
