// Semantic validation of a configuration: what JSON schema cannot say
// (one-to-one mapping, billing needs a contract, limits, unique names).
// Returns every problem with a path, so the console can show each inline.
import { INTEGRATION_NAME_PATTERN, type Integration, type KmspConfig, type TicketFields } from './config.js';
import { LIMITS } from './defaults.js';
import { statusDescription } from './statusDescriptions.js';
import { EVENT_SEVERITY_LABELS } from './types.js';

export interface Problem {
  path: string;
  message: string;
}

function inRange(n: number, r: { min: number; max: number }): boolean {
  return Number.isInteger(n) && n >= r.min && n <= r.max;
}

export function validateTicketFields(path: string, what: string, rule: TicketFields & { lifetimeDays?: number }): Problem[] {
  const out: Problem[] = [];
  if (!inRange(rule.dueHours, LIMITS.dueHours)) {
    out.push({ path: `${path}.dueHours`, message: `${what}: Due must be a whole number of hours from ${LIMITS.dueHours.min} to ${LIMITS.dueHours.max}.` });
  }
  if (rule.lifetimeDays !== undefined && !inRange(rule.lifetimeDays, LIMITS.lifetimeDays)) {
    out.push({
      path: `${path}.lifetimeDays`,
      message: `${what}: Lifetime must be a whole number of days from ${LIMITS.lifetimeDays.min} to ${LIMITS.lifetimeDays.max}.`,
    });
  }
  if (rule.enabled) {
    if (!rule.queue?.value) out.push({ path: `${path}.queue`, message: `${what}: choose a Queue (required when ticket creation is on).` });
    if (!rule.priority?.value) out.push({ path: `${path}.priority`, message: `${what}: choose a Priority (required when ticket creation is on).` });
  }
  if (rule.subIssueType && !rule.issueType) {
    out.push({ path: `${path}.subIssueType`, message: `${what}: an Issue subtype needs its Issue type.` });
  }
  return out;
}

export function validateIntegration(integration: Integration, index: number): Problem[] {
  const p = `integrations[${index}]`;
  const out: Problem[] = [];
  if (!INTEGRATION_NAME_PATTERN.test(integration.name)) {
    out.push({ path: `${p}.name`, message: `Integration name "${integration.name}" must be 1–40 lower-case letters, digits or dashes.` });
  }
  const byAccount = new Map<string, string>();
  const seenTenants = new Set<string>();
  integration.tenants.forEach((t, i) => {
    const tp = `${p}.tenants[${i}]`;
    if (seenTenants.has(t.tenantId)) out.push({ path: tp, message: `Tenant "${t.tenantName}" is listed twice.` });
    seenTenants.add(t.tenantId);
    if (t.accountId) {
      const other = byAccount.get(t.accountId);
      if (other) {
        out.push({
          path: `${tp}.accountId`,
          message: `PSA account "${t.accountName ?? t.accountId}" is mapped to both "${other}" and "${t.tenantName}"; an account maps to one tenant only.`,
        });
      } else byAccount.set(t.accountId, t.tenantName);
    }
    if (t.billing && !t.accountId) out.push({ path: `${tp}.billing`, message: `"${t.tenantName}": billing is on but no PSA account is mapped.` });
    if (t.billing && !t.contractId) out.push({ path: `${tp}.contractId`, message: `"${t.tenantName}": billing is on but no contract is chosen.` });
  });
  const t = integration.ticketing;
  if (!t.general.newStatus?.value) out.push({ path: `${p}.ticketing.general.newStatus`, message: 'General: New ticket status is required.' });
  if (!t.general.closedStatus?.value) out.push({ path: `${p}.ticketing.general.closedStatus`, message: 'General: Closed ticket status is required.' });
  t.events.forEach((r, i) => out.push(...validateTicketFields(`${p}.ticketing.events[${i}]`, `Events › ${EVENT_SEVERITY_LABELS[r.severity]}`, r)));
  const statusWhat = (section: string, id: string) => `${section} › ${statusDescription(id)?.label ?? id}`;
  t.warningStatus.forEach((r, i) =>
    out.push(...validateTicketFields(`${p}.ticketing.warningStatus[${i}]`, statusWhat('Warning status', r.descriptionId), r)),
  );
  t.criticalStatus.forEach((r, i) =>
    out.push(...validateTicketFields(`${p}.ticketing.criticalStatus[${i}]`, statusWhat('Critical status', r.descriptionId), r)),
  );
  return out;
}

/**
 * Problems that make a configuration unusable anywhere. Unresolved defaults
 * (a required PSA value not chosen yet) only matter for enabled rules and for
 * ticket creation, so they are reported by validateIntegration but
 * `blocking` filters them for load-time checks.
 */
export function validateConfig(config: KmspConfig): Problem[] {
  const out: Problem[] = [];
  const names = new Set<string>();
  const tenantOwner = new Map<string, string>();
  config.integrations.forEach((integration, i) => {
    if (names.has(integration.name)) out.push({ path: `integrations[${i}].name`, message: `Integration name "${integration.name}" is used twice.` });
    names.add(integration.name);
    for (const t of integration.tenants) {
      const key = `${integration.platform.kind}:${integration.platform.url}:${t.tenantId}`;
      const owner = tenantOwner.get(key);
      if (owner && owner !== integration.name) {
        out.push({ path: `integrations[${i}].tenants`, message: `Tenant "${t.tenantName}" belongs to integration "${owner}" already; a tenant belongs to one integration.` });
      }
      tenantOwner.set(key, integration.name);
    }
    out.push(...validateIntegration(integration, i));
  });
  const a = config.agent;
  if (!inRange(a.ticketPollSeconds, LIMITS.ticketPollSeconds)) {
    out.push({ path: 'agent.ticketPollSeconds', message: `Ticket poll interval must be ${LIMITS.ticketPollSeconds.min}–${LIMITS.ticketPollSeconds.max} seconds.` });
  }
  if (!inRange(a.ticketsPerAccountPerHour, LIMITS.ticketsPerAccountPerHour)) {
    out.push({ path: 'agent.ticketsPerAccountPerHour', message: `Tickets per account per hour must be ${LIMITS.ticketsPerAccountPerHour.min}–${LIMITS.ticketsPerAccountPerHour.max}.` });
  }
  if (!isValidTimeZone(a.timeZone)) out.push({ path: 'agent.timeZone', message: `Time zone "${a.timeZone}" is not a known IANA time zone (e.g. Europe/London).` });
  return out;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
