// Per-customer routing overrides on top of the Ticketing rules (README › Routing overrides):
// for some tenants, one rule row is switched off or sends its tickets elsewhere (another
// queue/board, priority, due time). Which override applies and what the row becomes with it;
// the problems are ticketSchema.ts's (overrideProblems), beside the rules' own.
//
// Decisions:
// - Ordered: for a tenant and a row, the FIRST override listing both applies; later ones are
//   not merged in. One place to read what a customer gets.
// - A tenant is matched by its platform tenant id; the name is kept for display only (and to
//   show an override of a tenant the platform no longer lists).
// - An override can only narrow the base rule: a row switched off in the rules makes no
//   tickets for anyone; an override cannot switch it on for one customer.
// - A field the override leaves blank keeps the rule's value. Where the override sets a field
//   that scopes others (a ConnectWise board scopes its types), those scoped fields come from
//   the override only: a type of the rule's board means nothing on another board.
//
// Pure: no I/O (domain rule).
import type { TicketChoices, TicketingSettings, TicketOverride, TicketRule } from './config.js';
import type { PsaProfile } from './profiles/types.js';

/** The ids of the row fields scoped, directly or not, by `id` (a board: its types, their subtypes, its items). */
export function scopedFieldIds(psa: Pick<PsaProfile, 'ticketing'>, id: string): string[] {
  const out: string[] = [];
  const visit = (parent: string) => {
    for (const s of psa.ticketing.row) {
      if (s.scopedBy === parent && !out.includes(s.id)) {
        out.push(s.id);
        visit(s.id);
      }
    }
  };
  visit(id);
  return out;
}

/** The row fields an override sets: those with a value. */
export function overrideSetFields(override: Pick<TicketOverride, 'fields'>): string[] {
  return Object.entries(override.fields ?? {})
    .filter(([, c]) => c !== null && c !== undefined && (c.value !== '' || c.label !== ''))
    .map(([id]) => id);
}

/**
 * The row fields whose value comes from the override: those it sets, and every field scoped by
 * one of them (blank in the override: the rule's would be of another scope).
 */
export function overrideOwnedFields(override: Pick<TicketOverride, 'fields'>, psa: Pick<PsaProfile, 'ticketing'>): string[] {
  const out = overrideSetFields(override);
  for (const id of [...out]) for (const dep of scopedFieldIds(psa, id)) if (!out.includes(dep)) out.push(dep);
  return out;
}

/** The rule as a tenant of `override` gets it. */
export function applyOverride(rule: TicketRule, override: TicketOverride, psa: Pick<PsaProfile, 'ticketing'>): TicketRule {
  const fields: TicketChoices = { ...rule.fields };
  for (const id of overrideOwnedFields(override, psa)) fields[id] = override.fields[id] ?? null;
  return {
    ...rule,
    enabled: rule.enabled && override.enabled,
    dueHours: override.dueHours ?? rule.dueHours,
    fields,
  };
}

/** The first override of `section`'s row `key` listing `tenantId`, with its index; null when none. */
export function overrideFor(
  ticketing: Pick<TicketingSettings, 'overrides'>,
  section: string,
  key: string,
  tenantId: string,
): { override: TicketOverride; index: number } | null {
  const list = ticketing.overrides ?? [];
  const index = list.findIndex((o) => o.section === section && o.key === key && o.tenants.some((t) => t.tenantId === tenantId));
  return index >= 0 ? { override: list[index]!, index } : null;
}

/** The rule of `section` a tenant's tickets follow: the rule with the first override for that tenant applied. */
export function tenantRule(ticketing: Pick<TicketingSettings, 'overrides'>, section: string, rule: TicketRule, tenantId: string, psa: Pick<PsaProfile, 'ticketing'>): TicketRule {
  const hit = overrideFor(ticketing, section, rule.key, tenantId);
  return hit ? applyOverride(rule, hit.override, psa) : rule;
}

/**
 * Tenants of an override that an earlier override of the same row already takes (first match
 * wins, so this one never applies to them).
 */
export function shadowedTenants(ticketing: Pick<TicketingSettings, 'overrides'>, index: number): string[] {
  const list = ticketing.overrides ?? [];
  const mine = list[index];
  if (!mine) return [];
  const earlier = list.slice(0, index).filter((o) => o.section === mine.section && o.key === mine.key);
  return mine.tenants.filter((t) => earlier.some((o) => o.tenants.some((e) => e.tenantId === t.tenantId))).map((t) => t.tenantId);
}

/** "Contoso", "Contoso and Fabrikam", "Contoso and 2 more": an override's customers in a sentence. */
export function overrideTenantNames(override: Pick<TicketOverride, 'tenants'>): string {
  const names = override.tenants.map((t) => t.tenantName || t.tenantId);
  if (names.length === 0) return '(no customer)';
  if (names.length <= 2) return names.join(' and ');
  return `${names[0]!} and ${names.length - 1} more`;
}
