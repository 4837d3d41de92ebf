// Reports › Agent: the integration's health notifications (README › Health notifications) — the
// line that shows them and the form (`h`) that edits them. The account and the queue/board come
// from the live PSA (the fields are the profile's rule row columns); what is valid and what each
// problem says come from domain/health.ts. A save writes the integration's `health` at once
// through the session (audited), and the webhook URL's secret part to the secret store.
import { isLoopbackHost } from '../../../connectors/loopback.js';
import type { Integration } from '../../../domain/config.js';
import {
  CHECK_WORDS,
  HEALTH_LIMITS,
  healthOf,
  healthProblems,
  healthTicketFields,
  splitWebhookUrl,
  ticketFailuresFrom,
  type HealthSettings,
} from '../../../domain/health.js';
import type { PsaProfile } from '../../../domain/profiles/types.js';
import { fieldOptions, liveChoice } from '../../../domain/ticketSchema.js';
import type { PsaAccount, TicketPicklists } from '../../../domain/types.js';
import type { StatusLine } from '../../../domain/agentStatusText.js';
import type { HealthIncident } from '../../../store/healthLedger.js';
import type { FormField, FormValues } from '../../components/form-dialog.js';

const FIELD = (id: string) => `f.${id}`;

export interface HealthFormContext {
  integration: Integration;
  psa: PsaProfile;
  accounts: readonly PsaAccount[];
  picklists: TicketPicklists;
  /** The webhook's secret part is stored now. */
  secretStored: boolean;
}

export function healthFormFields(x: HealthFormContext): FormField[] {
  const h = healthOf(x.integration);
  const words = x.psa.words;
  const accounts = x.accounts.filter((a) => a.active || a.id === h.accountId);
  return [
    { kind: 'toggle', id: 'ticket', label: `Open a health ${words.ticket}`, initial: h.ticket },
    {
      kind: 'choice',
      id: 'accountId',
      label: `${cap(words.account)} (the MSP's own)`,
      options: accounts.map((a) => ({ value: a.id, label: a.name, ...(a.type ? { detail: a.type } : {}) })),
      initial: h.accountId,
      allowNone: true,
      noun: words.accounts,
    },
    ...healthTicketFields(x.psa).map((spec): FormField => {
      const stored = liveChoice(h.fields[spec.id] ?? null, x.picklists[spec.list]);
      return {
        kind: 'choice',
        id: FIELD(spec.id),
        label: spec.label,
        options: fieldOptions(spec, x.picklists).map((v) => ({ value: v.value, label: v.label })),
        initial: stored?.value ?? null,
        allowNone: true,
        noun: x.psa.ticketing.lists.find((l) => l.name === spec.list)?.plural ?? spec.label.toLowerCase(),
      };
    }),
    { kind: 'text', id: 'ticketFailures', label: 'Failed ticket passes', initial: String(h.ticketFailures) },
    { kind: 'toggle', id: 'webhook', label: 'Webhook', initial: h.webhook !== null },
    {
      kind: 'secret',
      id: 'webhookUrl',
      label: 'Webhook URL',
      placeholder: h.webhook && x.secretStored ? `(stored: ${h.webhook}/…)` : 'https://… (the incoming webhook address)',
    },
  ];
}

/** The settings the form's values make, the secret part of a typed URL, and the problems by field id. */
export function healthFromForm(values: FormValues, x: HealthFormContext): { health: HealthSettings; secret: string | null; problems: Record<string, string | undefined> } {
  const before = healthOf(x.integration);
  const problems: Record<string, string | undefined> = {};
  const fields: HealthSettings['fields'] = {};
  for (const spec of healthTicketFields(x.psa)) {
    const value = values[FIELD(spec.id)];
    const hit = typeof value === 'string' ? fieldOptions(spec, x.picklists).find((v) => v.value === value) : undefined;
    fields[spec.id] = hit ? { value: hit.value, label: hit.label } : null;
  }
  const accountId = typeof values.accountId === 'string' && values.accountId ? values.accountId : null;
  const failures = ticketFailuresFrom(String(values.ticketFailures ?? ''));
  const typed = typeof values.webhookUrl === 'string' ? values.webhookUrl.trim() : '';
  let webhook: string | null = null;
  let secret: string | null = null;
  if (values.webhook === true) {
    if (typed) {
      const split = splitWebhookUrl(typed, isLoopbackHost);
      if ('problem' in split) problems.webhookUrl = split.problem;
      else {
        webhook = split.origin;
        secret = split.secret;
      }
    } else if (before.webhook && x.secretStored) webhook = before.webhook;
    else problems.webhookUrl = 'Paste the webhook address the service gave (https://…), token included.';
  }
  const health: HealthSettings = {
    ticket: values.ticket === true,
    accountId,
    accountName: accountId ? (x.accounts.find((a) => a.id === accountId)?.name ?? (accountId === before.accountId ? before.accountName : null)) : null,
    fields,
    ticketFailures: failures,
    webhook,
  };
  for (const p of healthProblems(health, x.psa, x.picklists, x.integration.ticketing)) {
    const id = p.field.startsWith('fields.') ? FIELD(p.field.slice('fields.'.length)) : p.field === 'webhook' ? 'webhookUrl' : p.field;
    problems[id] ??= p.message;
  }
  if (Number.isNaN(failures)) problems.ticketFailures = `A whole number from ${HEALTH_LIMITS.ticketFailures.min} to ${HEALTH_LIMITS.ticketFailures.max}.`;
  return { health, secret, problems };
}

export const HEALTH_INTRO = (psa: PsaProfile) =>
  `When billing fails or ends partial, ticket passes keep failing, or credentials stop working, the agent opens one health ${psa.words.ticket} and/or posts to a webhook, and closes it when healthy again. Saved at once, audited; the URL's path is kept as a secret.`;

/** The one line of the report: what the integration's health notifications do, or the incident open now. */
export function healthLine(integration: Integration | undefined, psa: PsaProfile | null, incident: HealthIncident | null = null): StatusLine {
  if (!integration || !psa) return { text: 'Health notifications: no integration', level: 'muted' };
  if (incident) {
    const ticket = incident.psaTicketNumber ?? incident.psaTicketId;
    const checks = incident.problems.map((p) => CHECK_WORDS[p.check]).join(', ');
    return { text: `Not healthy since ${incident.openedAt}: ${checks}${ticket ? ` · health ${psa.words.ticket} ${ticket}` : ''}`, level: 'error' };
  }
  const h = healthOf(integration);
  const parts: string[] = [];
  if (h.ticket) parts.push(`${psa.words.ticket} on ${h.accountName ?? h.accountId ?? '?'}${healthTicketFields(psa).map((s) => h.fields[s.id]?.label).filter(Boolean).map((l) => ` · ${l}`).join('')}`);
  if (h.webhook) parts.push(`webhook ${h.webhook}/…`);
  const what = parts.length ? parts.join('; ') : 'off';
  return { text: `Health notifications (h edits): ${what}${parts.length ? ` · after ${h.ticketFailures} failed ticket passes` : ''}`, level: parts.length ? 'normal' : 'muted' };
}

/** What the save changed, for the notice. */
export function healthSavedNotice(health: HealthSettings, psa: PsaProfile, secretSaved: boolean): string {
  const what = [health.ticket ? `a health ${psa.words.ticket}` : null, health.webhook ? 'the webhook' : null].filter(Boolean).join(' and ') || 'nothing (off)';
  return `Saved health notifications: ${what}${secretSaved ? '; the webhook URL path is kept as a secret' : ''}.`;
}

function cap(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
