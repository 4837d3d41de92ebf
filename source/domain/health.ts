// Health notifications (README › Health notifications): what the admin sets for an integration —
// a health ticket on the MSP's own PSA account and queue/board, and an optional webhook — and the
// pure rules of an incident: which pass results make the integration unhealthy, and the words of
// the ticket and the webhook message. No I/O (domain rule): source/health/ carries it out.
import { CHECK_WORDS, type HealthCheck } from './healthChecks.js';
import { isLoopbackHost } from './hosts.js';
import type { PsaChoice, TicketChoices, TicketingSettings } from './config.js';
import type { PsaProfile, TicketFieldSpec } from './profiles/types.js';
import { choiceValue, effectiveField, fieldOptions, liveChoice, roleChoice, roleSpec, scopeFieldSpec } from './ticketSchema.js';
import type { TicketPicklists } from './types.js';

export { CHECK_WORDS, type HealthCheck } from './healthChecks.js';

export interface HealthSettings {
  /** Open a health ticket in the PSA while the integration is failing. */
  ticket: boolean;
  /** The MSP's own PSA account the health ticket is opened on. */
  accountId: string | null;
  accountName: string | null;
  /** The ticket's row fields (queue or board, priority…) by the PSA profile's row field ids. */
  fields: TicketChoices;
  /** Ticket passes failing in a row before an incident opens. */
  ticketFailures: number;
  /**
   * The webhook's origin (scheme, host, port), or null for none. The rest of the URL — where
   * Teams and Slack carry the token — is the secret `<integration>.health.webhook-path`.
   */
  webhook: string | null;
}

export const HEALTH_LIMITS = { ticketFailures: { min: 1, max: 100 } } as const;
export const DEFAULT_TICKET_FAILURES = 3;
/** The secret part of the webhook URL: its path and query, under the integration's name. */
export const WEBHOOK_SECRET_PART = 'health.webhook-path';

/** Failed ticket passes as typed: the number, NaN unless plain digits (healthProblems then says what it takes). */
export function ticketFailuresFrom(text: string): number {
  const t = text.trim();
  return /^\d+$/u.test(t) ? Number(t) : Number.NaN;
}

export function webhookSecretName(integration: string): string {
  return `${integration}.${WEBHOOK_SECRET_PART}`;
}

export function defaultHealth(): HealthSettings {
  return { ticket: false, accountId: null, accountName: null, fields: {}, ticketFailures: DEFAULT_TICKET_FAILURES, webhook: null };
}

/** An integration's health settings, the defaults where it has none. */
export function healthOf(integration: { health?: HealthSettings | undefined }): HealthSettings {
  return integration.health ?? defaultHealth();
}

/**
 * The ticket fields the health form asks for: the rule row's columns (Autotask: queue and
 * priority; ConnectWise: board and priority; Tigerpaw: board, priority and type). Bulk-only and
 * scoped fields stay blank: a health ticket needs a place and a priority, not a sub-issue type.
 */
export function healthTicketFields(psa: PsaProfile): TicketFieldSpec[] {
  return psa.ticketing.row.filter((f) => f.placement === 'column' && !f.scopedBy);
}

export interface HealthProblem {
  /** A HealthSettings key, or `fields.<id>`. */
  field: string;
  message: string;
}

/**
 * What is wrong with the settings. With picklists (the console, the live PSA), a chosen value
 * the PSA no longer has is a problem; without them a stored value counts as chosen.
 */
export function healthProblems(health: HealthSettings, psa: PsaProfile, picklists?: TicketPicklists, ticketing?: TicketingSettings): HealthProblem[] {
  const out: HealthProblem[] = [];
  const n = health.ticketFailures;
  const r = HEALTH_LIMITS.ticketFailures;
  if (!(Number.isInteger(n) && n >= r.min && n <= r.max)) {
    out.push({ field: 'ticketFailures', message: `Failed ticket passes in a row must be a whole number from ${r.min} to ${r.max}.` });
  }
  if (health.ticket) {
    if (!health.accountId) out.push({ field: 'accountId', message: `The health ${psa.words.ticket} needs ${article(psa.words.account)} ${psa.words.account}: choose the MSP's own.` });
    for (const spec of healthTicketFields(psa)) {
      if (!spec.required) continue;
      const stored = health.fields[spec.id] ?? null;
      const live = picklists ? liveChoice(stored, fieldOptions(spec, picklists)) : stored?.value ? stored : null;
      if (live) continue;
      const gone = stored && picklists ? ` (“${stored.label || stored.value}” no longer exists or is inactive in ${psa.words.name})` : '';
      out.push({ field: `fields.${spec.id}`, message: `The health ${psa.words.ticket} needs ${article(spec.label)} ${spec.label.toLowerCase()}${gone}.` });
    }
    // General values required once a ticket is made (Tigerpaw's service order rep) are the health ticket's too.
    for (const spec of psa.ticketing.general) {
      if (!ticketing || !spec.requiredOnceInUse || choiceValue(ticketing.general[spec.id])) continue;
      out.push({ field: 'ticket', message: `The health ${psa.words.ticket} needs ${article(spec.label)} ${spec.label.toLowerCase()}: choose one on the ${psa.words.tabs.ticketing} tab under General.` });
    }
    // Where statuses belong to a board, the health ticket's board needs its New and Closed status under General.
    const scopeSpec = scopeFieldSpec(psa);
    const scope = scopeSpec ? effectiveField({ fields: health.fields }, scopeSpec, ticketing?.general ?? {}) : null;
    if (ticketing && scopeSpec && scope) {
      const missing = (['new-status', 'closed-status'] as const).filter((role) => !choiceValue(roleChoice(ticketing, psa, role, scope))).map((role) => roleSpec(psa, role)?.label ?? role);
      if (missing.length > 0) {
        out.push({
          field: `fields.${scopeSpec.id}`,
          message: `${scopeSpec.label} “${scope.label}” has no ${missing.join(' and ')} under ${psa.words.tabs.ticketing} › General: choose ${missing.length === 1 ? 'it' : 'them'} there, or another ${scopeSpec.label.toLowerCase()}.`,
        });
      }
    }
  }
  if (health.webhook !== null) {
    const problem = originProblem(health.webhook);
    if (problem) out.push({ field: 'webhook', message: problem });
  }
  return out;
}

const article = (word: string): string => (/^[aeiou]/i.test(word) ? 'an' : 'a');

function originProblem(origin: string): string | null {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return `The webhook address “${origin}” is not a URL.`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `The webhook address must be https (it is ${url.protocol}).`;
  // The path carries the receiver's token: plain http only where it never leaves this machine.
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) return `The webhook address must be https (plain http only to this machine; it is ${url.origin}).`;
  if (url.origin !== origin) return `The webhook address keeps only scheme, host and port here (“${url.origin}”); the rest is a secret.`;
  return null;
}

/**
 * A webhook URL as typed, split into the origin kept in the configuration and the path and query
 * kept as a secret (Teams and Slack carry the token there). https only, http on loopback (a test
 * receiver); `isLoopback` is the connectors' rule, passed in (domain does no I/O and imports none).
 */
export function splitWebhookUrl(text: string, isLoopback: (host: string) => boolean): { origin: string; secret: string } | { problem: string } {
  const trimmed = text.trim();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { problem: 'Not a URL: paste the whole webhook address (https://…).' };
  }
  if (url.username || url.password) return { problem: 'A webhook address with a user name or password is not taken: use the token URL the service gives.' };
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    return { problem: `The webhook address must be https (http only on this machine); it is ${url.protocol.replace(/:$/, '')}.` };
  }
  const secret = `${url.pathname}${url.search}`;
  if (secret === '/' || secret === '') return { problem: 'The webhook address has no path: paste the whole address the service gave, token included.' };
  return { origin: url.origin, secret };
}

// ---------------------------------------------------------------- incidents

/** What can make an integration unhealthy. */

export interface HealthProblemState {
  check: HealthCheck;
  /** When this check began to fail (the first failing pass). */
  since: string;
  /** What failed, in one line (the pass's first error). */
  cause: string;
  /** What to do. */
  remedy: string;
}

/** Words of a check, for the ticket, the message and the log. */

export function healthTicketTitle(integration: string): string {
  return `kmsp: integration “${integration}” is not healthy`;
}

/** The text of an incident: one line per failing check, with since, cause and remedy. */
export function describeProblems(problems: readonly HealthProblemState[]): string {
  return problems.map((p) => `- ${CHECK_WORDS[p.check]} (since ${p.since}): ${p.cause}${p.remedy ? ` — what to do: ${p.remedy}` : ''}`).join('\n');
}

export interface WebhookMessage {
  /** Slack reads `text`; Teams' incoming webhook (MessageCard) reads `title`, `summary` and `text`. */
  '@type': 'MessageCard';
  '@context': 'https://schema.org/extensions';
  title: string;
  summary: string;
  text: string;
  themeColor: string;
  kmsp: { integration: string; state: 'failing' | 'healthy'; since: string; problems: HealthProblemState[]; at: string };
}

/** The webhook's JSON body when an incident opens (`failing`) or clears (`healthy`). */
export function webhookMessage(x: { integration: string; platform: string; psa: string; state: 'failing' | 'healthy'; since: string; at: string; problems: readonly HealthProblemState[] }): WebhookMessage {
  const title = x.state === 'failing' ? healthTicketTitle(x.integration) : `kmsp: integration “${x.integration}” is healthy again`;
  const text =
    x.state === 'failing'
      ? `${title} (${x.platform} → ${x.psa}), since ${x.since}:\n${describeProblems(x.problems)}`
      : `${title} (${x.platform} → ${x.psa}) at ${x.at}; it had been failing since ${x.since}.`;
  return {
    '@type': 'MessageCard',
    '@context': 'https://schema.org/extensions',
    title,
    summary: title,
    text,
    themeColor: x.state === 'failing' ? 'C0392B' : '27AE60',
    kmsp: { integration: x.integration, state: x.state, since: x.since, problems: [...x.problems], at: x.at },
  };
}

/** The chosen value of a health ticket field, null where blank. */
export function healthField(health: HealthSettings, id: string): PsaChoice | null {
  return health.fields[id] ?? null;
}
