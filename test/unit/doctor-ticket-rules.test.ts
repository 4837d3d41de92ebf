// kmsp doctor's ticket-rule check (doctor/checks.ts ticketRuleCheck): the Ticketing settings
// against the PSA's live lists, reporting only what the live lists show (the configuration check
// reports the rest), in the PSA profile's words.
import { describe, expect, it } from 'vitest';
import { KSC_DEFAULTS, newIntegration } from '../../source/domain/defaults.js';
import type { Integration } from '../../source/domain/config.js';
import { platformProfile, psaProfile } from '../../source/domain/profiles/index.js';
import { defaultTicketing } from '../../source/domain/ticketSchema.js';
import type { PicklistValue, TicketPicklists } from '../../source/domain/types.js';
import { ticketRuleCheck } from '../../source/doctor/checks.js';

const v = (value: string, label: string, extra: Partial<PicklistValue> = {}): PicklistValue => ({ value, label, active: true, parentValue: null, isDefault: false, ...extra });

const lists: TicketPicklists = {
  boards: [v('2', 'Monitoring Alert'), v('3', 'Security Operations')],
  statuses: [
    v('201', 'New', { parentValue: '2' }),
    v('202', 'In Progress', { parentValue: '2' }),
    v('205', 'Closed', { parentValue: '2', closed: true }),
    v('301', 'New', { parentValue: '3' }),
    v('305', 'Closed', { parentValue: '3', closed: true }),
  ],
  priorities: [v('5', 'Critical'), v('6', 'Medium')],
  sources: [],
  types: [],
  subtypes: [],
  items: [],
};

function integration(edit?: (i: Integration) => void): Integration {
  const i = newIntegration('main', { ...KSC_DEFAULTS, url: 'https://ksc:13299', username: 'u' }, {
    kind: 'connectwise', siteUrl: 'https://cw.example', companyId: 'msp', publicKey: 'pk', clientId: 'c', codebase: null, tenantNameField: 'Kaspersky Tenant', caFile: null,
  });
  i.ticketing = defaultTicketing(platformProfile('ksc'), psaProfile('connectwise'), lists);
  for (const r of i.ticketing.sections.events!) r.enabled = true;
  edit?.(i);
  return i;
}

describe('doctor: ticket rules against the live PSA lists', () => {
  it('all values hold: ok, counting the enabled rules and their boards', () => {
    expect(ticketRuleCheck(integration(), lists)).toEqual({
      integration: 'main',
      area: 'psa',
      status: 'ok',
      summary: 'Ticket rules: every value of 3 enabled rules on 1 board and of General exists in ConnectWise Manage',
    });
  });

  it('a value the PSA dropped and a Closed status that does not close: a warning naming each, with cause and remedy', () => {
    const i = integration((i) => {
      i.ticketing.sections.events![0]!.fields.priority = { value: '9', label: 'Urgent' };
      i.ticketing.perScope[0]!.fields.closedStatus = { value: '202', label: 'In Progress' };
    });
    const r = ticketRuleCheck(i, lists);
    expect(r.status).toBe('warn');
    expect(r.summary).toBe('Ticket rules: 2 values of 3 enabled rules on 1 board or General do not hold in ConnectWise Manage');
    expect(r.detail).toContain('  Board “Monitoring Alert”: Closed status “In Progress” does not close tickets in ConnectWise Manage: choose a status flagged closed under General.');
    expect(r.detail).toContain('  Events › Critical: choose a Priority (“Urgent” no longer exists or is inactive in ConnectWise Manage; required when ticket creation is on).');
    expect(r.detail).toContain('Remedy: choose the values again on the Ticketing tab');
  });

  it('what the configuration shows by itself (a blank required value) is left to the configuration check', () => {
    const i = integration((i) => {
      i.ticketing.sections.events![0]!.fields.priority = null;
    });
    expect(ticketRuleCheck(i, lists).status).toBe('ok');
  });
});
