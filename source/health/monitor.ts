// Health notifications (README › Health notifications), run by the agent after each pass of an
// integration: the pass's result updates the integration's failing checks in the ledger, and an
// incident opens, is noted or clears.
//
// Decisions:
// - Checks: billing is failing after one pass that failed or ended partial; tickets after
//   `ticketFailures` such passes in a row (default 3); credentials after one pass that failed
//   because the platform or the PSA refused the sign-in or a secret is missing. A pass that
//   another process's lock kept from running, or that was stopped at a safe point, says nothing.
//   A pass that ran (ok or partial) clears credentials; an ok pass of a job clears its check.
// - One incident per integration at a time (the ledger's unique index): it opens when a check
//   is failing and clears when none is. One webhook message when it opens, one when it clears;
//   repeats send none ("one message per incident"). Each is recorded after it was tried; one
//   never tried (a death between recording the incident and the POST) is sent after the next pass.
// - The health ticket opens on the account and queue/board chosen, tagged `kmsp:<integration>:
//   health:<opened, base 36>` (fitted to the PSA's tag field). Its ledger row is written pending
//   before the create; a pending row is settled by the tag (found → adopted; not found while the
//   create may still land → it waits; after that → created). So a crash between create and record
//   never opens a second one. A failing pass after the opening one adds one note, never more,
//   and at most one an hour (HEALTH_NOTE_EVERY_MS).
// - When the PSA is what fails, the create fails too: the webhook has told, and the create is
//   tried again after every pass until the PSA answers. An incident that clears before its ticket
//   could be opened opens none (the webhook and the log carried it). A health ticket whose close
//   failed (or was deferred) is closed after a later pass.
// - Off (neither a ticket nor a webhook): nothing is counted; an incident open when they were
//   switched off still clears (and its ticket closes) on recovery.
// - Pause: no PSA write (no create, note or close) while agent.paused; checks and webhook go on.
import { createPsa } from '../connectors/factory.js';
import type { HttpOptions } from '../connectors/registry.js';
import type { AgentJob, PassOutcome } from '../domain/agentStatus.js';
import type { Integration } from '../domain/config.js';
import { describeErrorLine, isKmspError, KmspError, type ErrorKind } from '../domain/errors.js';
import {
  CHECK_WORDS,
  describeProblems,
  healthOf,
  healthTicketTitle,
  webhookMessage,
  webhookSecretName,
  type HealthCheck,
  type HealthProblemState,
  type HealthSettings,
} from '../domain/health.js';
import type { Psa } from '../domain/ports.js';
import { platformProfile, psaProfile } from '../domain/profiles/index.js';
import { fitTag } from '../domain/ticketKeys.js';
import { newTicketFields, roleChoice, ruleScope, choiceValue } from '../domain/ticketSchema.js';
import type { PsaTicket } from '../domain/types.js';
import { HealthLedger, type HealthIncident } from '../store/healthLedger.js';
import type { Ledger } from '../store/ledger.js';
import { postWebhook, type WebhookOptions } from './webhook.js';

/** What the health check needs of a pass (the agent's IntegrationPass has it). */
export interface PassReport {
  outcome: PassOutcome;
  locked: boolean;
  summary: string;
  errors: readonly string[];
  failure?: { kind: ErrorKind | null; message: string; remedy: string | null } | undefined;
}

export interface HealthLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface HealthOptions {
  ledger: Ledger;
  integration: Integration;
  job: AgentJob;
  pass: PassReport;
  now: Date;
  /** agent.paused: no PSA write. */
  paused: boolean;
  log: HealthLog;
  secrets: (name: string) => Promise<string | null>;
  /** HTTP settings for the PSA connector beyond its own (a harness's short timeouts). */
  http?: HttpOptions;
  webhook?: WebhookOptions;
  /** Test seam: runs after the PSA created the health ticket, before the ledger records it. A throw is the death of the process. */
  afterCreate?: () => void | Promise<void>;
}

export interface HealthResult {
  failing: HealthCheck[];
  opened: boolean;
  cleared: boolean;
  ticket: 'created' | 'adopted' | 'noted' | 'closed' | 'waiting' | 'failed' | null;
  webhook: 'sent' | 'failed' | 'no-secret' | null;
}

/** Due time of a health ticket where the PSA has one. */
export const HEALTH_TICKET_DUE_HOURS = 4;
/**
 * Notes on the health ticket at most this often: a failing pass adds one, but a ticket poll
 * every minute would otherwise write sixty an hour.
 */
export const HEALTH_NOTE_EVERY_MS = 3_600_000;
const CREDENTIAL_KINDS: ReadonlySet<ErrorKind> = new Set(['auth', 'secret']);

export function healthTag(integration: string, openedAt: string, tagMax: number): string {
  return fitTag(`kmsp:${integration}:health:${Date.parse(openedAt).toString(36)}`, tagMax);
}

/** The checks whose count of failing passes makes the integration unhealthy now. */
function failingNow(hl: HealthLedger, integration: string, health: HealthSettings): HealthProblemState[] {
  return hl
    .failingChecks(integration)
    .filter((c) => (c.check === 'tickets' ? c.failures >= health.ticketFailures : c.failures >= 1))
    .map(({ check, since, cause, remedy }) => ({ check, since, cause, remedy }));
}

function record(hl: HealthLedger, name: string, job: AgentJob, pass: PassReport, now: Date): boolean {
  const failed = pass.outcome === 'failed' || pass.outcome === 'partial';
  const f = pass.failure;
  if (f && f.kind && CREDENTIAL_KINDS.has(f.kind)) {
    hl.checkFailed(name, 'credentials', { at: now, cause: f.message, remedy: f.remedy ?? 'Check the credentials on Connections (Test connection).' });
    return true;
  }
  // A pass that ran signed in: the credentials work.
  if (pass.outcome !== 'failed') hl.checkPassed(name, 'credentials');
  if (failed) {
    const cause = f?.message ?? pass.errors[0] ?? pass.summary;
    const more = pass.errors.length > 1 ? ` (and ${pass.errors.length - 1} more error${pass.errors.length === 2 ? '' : 's'})` : '';
    hl.checkFailed(name, job, { at: now, cause: cause + more, remedy: f?.remedy ?? 'The agent log and kmsp status list every error of the pass, each with its remedy.' });
  } else hl.checkPassed(name, job);
  return failed;
}

export async function checkHealth(o: HealthOptions): Promise<HealthResult> {
  const result: HealthResult = { failing: [], opened: false, cleared: false, ticket: null, webhook: null };
  if (o.pass.locked || o.pass.outcome === 'abandoned') return result;
  const name = o.integration.name;
  const health = healthOf(o.integration);
  const hl = new HealthLedger(o.ledger);
  // Off (no ticket, no webhook) and nothing left to settle: nothing is recorded or logged.
  if (!health.ticket && !health.webhook && !hl.openIncident(name) && hl.unclosedTickets(name).length === 0) {
    // Read first: a pass of an integration without notifications writes nothing to the ledger.
    if (hl.failingChecks(name).length > 0) hl.forget(name);
    return result;
  }
  const failedPass = record(hl, name, o.job, o.pass, o.now);
  const problems = failingNow(hl, name, health);
  result.failing = problems.map((p) => p.check);
  const psa = new LazyPsa(o);
  try {
    let incident = hl.openIncident(name);
    if (problems.length > 0) {
      const existed = incident !== null;
      if (!incident) {
        const openedAt = o.now.toISOString();
        incident = hl.openNew(name, { tag: healthTag(name, openedAt, psaProfile(o.integration.psa.kind).limits.tagMax), at: o.now, problems });
        result.opened = true;
        o.log.error(`health ${name}: not healthy — ${problems.map((p) => CHECK_WORDS[p.check]).join(', ')}; ${describeProblems(problems).replace(/\n/g, ' ')}`);
        result.webhook = await sendWebhook(o, hl, incident, 'failing', problems);
      } else {
        hl.setProblems(incident.id, problems);
        // Its opening message was never tried (the process died right after recording the incident, or the webhook was set since).
        if (incident.webhookOpened === null && health.webhook) result.webhook = await sendWebhook(o, hl, incident, 'failing', problems);
      }
      if (health.ticket && !o.paused) {
        const before = incident.ticketState;
        result.ticket = await ensureTicket(o, hl, psa, hl.get(incident.id)!, problems);
        // A later failing pass adds one note to a ticket opened before it.
        const current = hl.get(incident.id)!;
        const lastNote = Date.parse(current.lastNoteAt ?? current.openedAt);
        if (existed && failedPass && before === 'open' && result.ticket === null && o.now.getTime() - lastNote >= HEALTH_NOTE_EVERY_MS) {
          result.ticket = await addNote(o, hl, psa, current, problems);
        }
      }
    } else if (incident) {
      hl.clear(incident.id, o.now);
      result.cleared = true;
      o.log.info(`health ${name}: healthy again (not healthy since ${incident.openedAt})`);
      result.webhook = await sendWebhook(o, hl, incident, 'healthy', incident.problems);
      if (incident.ticketState === 'open' && !o.paused) await healthyNote(o, psa, incident);
    }
    // A clearing whose message was never tried (the process died right after recording it).
    const last = hl.listIncidents({ integration: name, limit: 1 })[0];
    if (!result.cleared && last?.clearedAt && last.webhookOpened !== null && last.webhookCleared === null && health.webhook) {
      result.webhook = await sendWebhook(o, hl, last, 'healthy', last.problems);
    }
    if (!o.paused) {
      for (const done of hl.unclosedTickets(name)) {
        const closed = await closeTicket(o, hl, psa, done);
        if (closed) result.ticket = closed;
      }
    }
  } finally {
    await psa.close();
  }
  return result;
}

/** The integration's PSA, connected on first use and closed after the check. */
class LazyPsa {
  private psa: Promise<Psa> | null = null;
  constructor(private readonly o: HealthOptions) {}
  get(): Promise<Psa> {
    this.psa ??= createPsa(this.o.integration, this.o.secrets, this.o.http);
    return this.psa;
  }
  async close(): Promise<void> {
    if (this.psa) await this.psa.then((p) => p.close(), () => undefined);
  }
}

async function sendWebhook(o: HealthOptions, hl: HealthLedger, incident: HealthIncident, state: 'failing' | 'healthy', problems: readonly HealthProblemState[]): Promise<HealthResult['webhook']> {
  const origin = healthOf(o.integration).webhook;
  if (!origin) return null;
  const which = state === 'failing' ? 'opened' : 'cleared';
  const name = o.integration.name;
  const secret = await o.secrets(webhookSecretName(name)).catch(() => null);
  if (!secret) {
    hl.webhook(incident.id, which, 'no-secret');
    o.log.error(`health ${name}: the webhook to ${origin} was not sent: its secret ${webhookSecretName(name)} is missing; set it on Reports › Agent (h) or with kmsp secrets set ${webhookSecretName(name)}`);
    return 'no-secret';
  }
  const body = webhookMessage({
    integration: name,
    platform: platformProfile(o.integration.platform.kind).words.name,
    psa: psaProfile(o.integration.psa.kind).words.name,
    state,
    since: incident.openedAt,
    at: o.now.toISOString(),
    problems,
  });
  const sent = await postWebhook(origin + secret, body, o.webhook);
  hl.webhook(incident.id, which, sent.ok ? 'sent' : 'failed');
  if (sent.ok) o.log.info(`health ${name}: webhook to ${origin} told that the integration is ${state === 'failing' ? 'not healthy' : 'healthy again'}`);
  else o.log.error(`health ${name}: the webhook to ${origin} was not delivered: ${sent.cause}; it is not sent again for this ${state === 'failing' ? 'incident' : 'recovery'}`);
  return sent.ok ? 'sent' : 'failed';
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** The health ticket's status and fields: the health settings' row fields, General's other fields, the New status of its queue/board. */
function ticketShape(integration: Integration) {
  const profile = psaProfile(integration.psa.kind);
  const health = healthOf(integration);
  const rule = { fields: health.fields };
  const scope = ruleScope(rule, integration.ticketing, profile);
  const status = choiceValue(roleChoice(integration.ticketing, profile, 'new-status', scope));
  if (!status) {
    throw new KmspError(`The health ${profile.words.ticket} has no new status${scope ? ` for ${profile.words.ticketContainer} “${scope.label}”` : ''}`, {
      kind: 'config',
      remedy: `Choose one on the ${profile.words.tabs.ticketing} tab under General${scope ? ` for ${scope.label}` : ''}, or another ${profile.words.ticketContainer} for the health ${profile.words.ticket} (Reports › Agent, h).`,
    });
  }
  return { profile, health, scope, status, fields: newTicketFields(rule, integration.ticketing, profile) };
}

/** Opens the incident's health ticket unless it is open (or may still be opening). */
async function ensureTicket(o: HealthOptions, hl: HealthLedger, lazy: LazyPsa, incident: HealthIncident, problems: readonly HealthProblemState[]): Promise<HealthResult['ticket']> {
  if (incident.ticketState === 'open' || incident.ticketState === 'closed') return null;
  const name = o.integration.name;
  const health = healthOf(o.integration);
  try {
    const psa = await lazy.get();
    const shape = ticketShape(o.integration);
    if (incident.ticketState === 'pending') {
      const found = await findByTag(psa, incident.tag);
      if (found) {
        hl.ticketOpen(incident.id, { psaTicketId: found.id, psaTicketNumber: found.number || null });
        o.log.info(`health ${name}: the health ${shape.profile.words.ticket} ${found.number || found.id} made by an earlier pass was found by its tag`);
        return 'adopted';
      }
      // Real clock, as landsBy was written with it.
      if (incident.landsBy && Date.now() < Date.parse(incident.landsBy)) {
        o.log.warn(`health ${name}: the health ${shape.profile.words.ticket} sent by an earlier pass may still be opened by ${shape.profile.words.name} until ${incident.landsBy}; looked for again after the next pass`);
        return 'waiting';
      }
    }
    const accountId = health.accountId;
    if (!accountId) throw new KmspError(`The health ${shape.profile.words.ticket} has no ${shape.profile.words.account}`, { kind: 'config', remedy: `Choose the MSP's own ${shape.profile.words.account} on Reports › Agent (h).` });
    hl.ticketPending(incident.id, { accountId, landsBy: new Date(Date.now() + psa.writeLandsWithinMs) });
    let created: PsaTicket;
    try {
      created = await psa.createTicket({
        accountId,
        title: clip(healthTicketTitle(name), shape.profile.limits.titleMax),
        description: clip(ticketText(o.integration, incident.openedAt, problems), shape.profile.limits.descriptionMax),
        status: shape.status,
        dueAt: shape.profile.ticketing.hasDue ? new Date(o.now.getTime() + HEALTH_TICKET_DUE_HOURS * 3_600_000) : null,
        fields: shape.fields,
        tag: incident.tag,
      });
    } catch (error) {
      // Refused outright: nothing was made, so the next pass may create it at once.
      if (!(isKmspError(error) && error.outcomeUnknown)) hl.ticketNotCreated(incident.id);
      throw error;
    }
    try {
      await o.afterCreate?.();
    } catch {
      throw new HookDeath();
    }
    hl.ticketOpen(incident.id, { psaTicketId: created.id, psaTicketNumber: created.number || null });
    o.log.info(`health ${name}: opened health ${shape.profile.words.ticket} ${created.number || created.id}`);
    return 'created';
  } catch (error) {
    if (error instanceof HookDeath) throw error;
    o.log.warn(`health ${name}: the health ${psaProfile(o.integration.psa.kind).words.ticket} could not be opened now: ${describeErrorLine(error)}; tried again after the next pass`);
    return 'failed';
  }
}

/** A test hook's throw stands for the death of the process: not caught as a PSA failure. */
export class HookDeath extends Error {}

/** The PSA's ticket carrying exactly this tag (the port's look-up by one tag matches it exactly, as the ticket job relies on). */
async function findByTag(psa: Psa, tag: string): Promise<PsaTicket | null> {
  return (await psa.findTicketsByTag(tag))[0] ?? null;
}

function ticketText(integration: Integration, since: string, problems: readonly HealthProblemState[]): string {
  return [
    `kmsp cannot do its work for the integration “${integration.name}” (${platformProfile(integration.platform.kind).words.name} → ${psaProfile(integration.psa.kind).words.name}) since ${since}:`,
    '',
    describeProblems(problems),
    '',
    'kmsp adds a note while it keeps failing and closes this when the integration is healthy again.',
  ].join('\n');
}

async function addNote(o: HealthOptions, hl: HealthLedger, lazy: LazyPsa, incident: HealthIncident, problems: readonly HealthProblemState[]): Promise<HealthResult['ticket']> {
  try {
    const psa = await lazy.get();
    await psa.addTicketNote(incident.psaTicketId!, { title: 'kmsp: still failing', description: `Still failing at ${o.now.toISOString()}:\n${describeProblems(problems)}` });
    hl.noted(incident.id, o.now);
    return 'noted';
  } catch (error) {
    o.log.warn(`health ${o.integration.name}: no note on the health ${psaProfile(o.integration.psa.kind).words.ticket}: ${describeErrorLine(error)}`);
    return 'failed';
  }
}

/** The one note saying the integration is healthy again, before the close (a closed ticket may take none). */
async function healthyNote(o: HealthOptions, lazy: LazyPsa, incident: HealthIncident): Promise<void> {
  const name = o.integration.name;
  try {
    const psa = await lazy.get();
    await psa.addTicketNote(incident.psaTicketId!, { title: 'kmsp: healthy again', description: `The integration “${name}” is healthy again at ${o.now.toISOString()} (not healthy since ${incident.openedAt}).` });
  } catch (error) {
    o.log.warn(`health ${name}: no note on the health ${psaProfile(o.integration.psa.kind).words.ticket} saying it is healthy again: ${describeErrorLine(error)}`);
  }
}

/** Closes the health ticket of a cleared incident; a pending create is looked for first. */
async function closeTicket(o: HealthOptions, hl: HealthLedger, lazy: LazyPsa, incident: HealthIncident): Promise<HealthResult['ticket']> {
  const name = o.integration.name;
  const profile = psaProfile(o.integration.psa.kind);
  try {
    const psa = await lazy.get();
    let id = incident.psaTicketId;
    let scope: string | null = null;
    if (incident.ticketState === 'pending' || !id) {
      const found = await findByTag(psa, incident.tag);
      if (!found) {
        if (incident.landsBy && Date.now() < Date.parse(incident.landsBy)) return 'waiting';
        hl.ticketNotCreated(incident.id);
        return null;
      }
      hl.ticketOpen(incident.id, { psaTicketId: found.id, psaTicketNumber: found.number || null });
      id = found.id;
      scope = found.scope;
    } else {
      const current = await psa.getTicket(id);
      // Deleted or already completed in the PSA (a person closed it): nothing left to close.
      if (!current || current.completedAt) {
        hl.ticketClosed(incident.id);
        o.log.info(`health ${name}: the health ${profile.words.ticket} ${incident.psaTicketNumber ?? id} is ${current ? 'closed already' : 'gone'} in ${profile.words.name}`);
        return 'closed';
      }
      scope = current.scope;
    }
    const health = healthOf(o.integration);
    const status = choiceValue(roleChoice(o.integration.ticketing, profile, 'closed-status', scope ?? ruleScope({ fields: health.fields }, o.integration.ticketing, profile)));
    if (!status) throw new KmspError(`The health ${profile.words.ticket} cannot be closed: no closed status is chosen`, { kind: 'config', remedy: `Choose one on the ${profile.words.tabs.ticketing} tab under General.` });
    const outcome = await psa.closeTicket(id, status);
    if (!outcome.closed) {
      o.log.warn(`health ${name}: closing the health ${profile.words.ticket} is put off (${outcome.deferred}); tried again after the next pass`);
      return 'waiting';
    }
    hl.ticketClosed(incident.id);
    o.log.info(`health ${name}: closed the health ${profile.words.ticket} ${incident.psaTicketNumber ?? id}`);
    return 'closed';
  } catch (error) {
    o.log.warn(`health ${name}: the health ${profile.words.ticket} could not be closed now: ${describeErrorLine(error)}; tried again after the next pass`);
    return 'failed';
  }
}
