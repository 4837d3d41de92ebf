// The Ticketing settings derived from the vendor profiles (domain/ticketSchema.ts): the profiles'
// own consistency, the defaults of every platform × PSA, the values a field offers, the scopes
// in use and the problems Save refuses — for Autotask word for word as before, for ConnectWise
// per board.
import { describe, expect, it } from 'vitest';
import type { TicketingSettings } from '../../source/domain/config.js';
import { PLATFORM_KINDS, PLATFORM_PROFILES, platformProfile, PSA_KINDS, PSA_PROFILES, psaProfile } from '../../source/domain/profiles/index.js';
import { STATUS_DESCRIPTIONS } from '../../source/domain/statusDescriptions.js';
import {
  defaultTicketing,
  effectiveField,
  fieldOptions,
  liveChoice,
  newTicketFields,
  resolveTicketing,
  roleChoice,
  scopesInUse,
  ticketingProblems,
} from '../../source/domain/ticketSchema.js';
import type { PicklistValue, TicketPicklists } from '../../source/domain/types.js';

const ksc = platformProfile('ksc');
const kbh = platformProfile('kbh');
const at = psaProfile('autotask');
const cw = psaProfile('connectwise');

const v = (value: string, label: string, extra: Partial<PicklistValue> = {}): PicklistValue => ({ value, label, active: true, parentValue: null, isDefault: false, ...extra });

const atLists: TicketPicklists = {
  queues: [v('8', 'Monitoring Alert'), v('5', 'Level I Support')],
  priorities: [v('4', 'Critical'), v('1', 'High'), v('2', 'Medium'), v('3', 'Low')],
  statuses: [v('1', 'New'), v('5', 'Complete'), v('8', 'In Progress')],
  sources: [v('2', 'Monitoring Alert')],
  issueTypes: [v('7', 'Security'), v('9', 'Hardware')],
  subIssueTypes: [v('71', 'Malware', { parentValue: '7' }), v('91', 'Disk', { parentValue: '9' })],
  workTypes: [v('30', 'Remote')],
};

// Two boards; statuses, types and items belong to a board; a subtype may serve several types.
const cwLists: TicketPicklists = {
  boards: [v('10', 'Monitoring Alert'), v('20', 'Security Operations'), v('30', 'Old Board', { active: false })],
  statuses: [
    v('101', 'New', { parentValue: '10' }),
    v('102', 'In Progress', { parentValue: '10' }),
    v('103', 'Closed', { parentValue: '10', closed: true }),
    v('201', 'New', { parentValue: '20' }),
    v('203', 'Resolved', { parentValue: '20', closed: true }),
  ],
  priorities: [v('1', 'Critical'), v('3', 'Medium')],
  sources: [v('5', 'Email')],
  types: [v('11', 'Malware', { parentValue: '10' }), v('21', 'Incident', { parentValue: '20' })],
  subtypes: [v('111', 'Trojan', { parentValue: '11', parentValues: ['11', '21'] }), v('112', 'Worm', { parentValue: '11' })],
  items: [v('12', 'Endpoint', { parentValue: '10' })],
};

describe('the profiles describe fields consistently', () => {
  it.each(PSA_KINDS)('%s: scopedBy, fallback, perScope and roles name fields that exist', (kind) => {
    const t = PSA_PROFILES[kind].ticketing;
    const rowIds = t.row.map((f) => f.id);
    const generalIds = t.general.map((f) => f.id);
    expect(new Set(rowIds).size).toBe(rowIds.length);
    expect(new Set(generalIds).size).toBe(generalIds.length);
    for (const f of [...t.row, ...t.general, ...(t.perScope?.fields ?? [])]) {
      expect(f.list, `${f.id}.list`).toMatch(/^\w+$/);
      expect(f.label.length, `${f.id}.label`).toBeGreaterThan(0);
    }
    for (const f of t.row) {
      if (f.scopedBy) expect(rowIds, `${f.id}.scopedBy`).toContain(f.scopedBy);
      if (f.fallback) {
        expect(generalIds, `${f.id}.fallback`).toContain(f.fallback);
        // A row falling back to a General field takes its values from the same list.
        expect(t.general.find((g) => g.id === f.fallback)!.list).toBe(f.list);
      }
      expect(f.role, `${f.id}: rows have no role`).toBeUndefined();
    }
    for (const f of t.general) expect(f.scopedBy, `${f.id}: General fields are not scoped`).toBeUndefined();
    if (t.perScope) {
      expect(rowIds).toContain(t.perScope.field);
      for (const f of t.perScope.fields) expect(f.scopedBy, `${f.id}.scopedBy`).toBe(t.perScope.field);
    }
    // Exactly one new status and one closed status, per scope or in General.
    const all = [...t.general, ...(t.perScope?.fields ?? [])];
    expect(all.filter((f) => f.role === 'new-status')).toHaveLength(1);
    expect(all.filter((f) => f.role === 'closed-status')).toHaveLength(1);
  });

  it.each(PLATFORM_KINDS)('%s: sections have unique ids and row keys; one severity section; status sections say their severity', (kind) => {
    const p = PLATFORM_PROFILES[kind];
    expect(new Set(p.sections.map((s) => s.id)).size).toBe(p.sections.length);
    expect(p.sections.filter((s) => s.rowKind === 'severity')).toHaveLength(1);
    for (const s of p.sections) {
      expect(new Set(s.rows.map((r) => r.key)).size).toBe(s.rows.length);
      if (s.rowKind === 'status') expect(['warning', 'critical']).toContain(s.severity);
      if (s.lifetime) expect(s.lifetimeDays).toBeGreaterThan(0);
    }
  });
});

describe('defaultTicketing', () => {
  it('KSC × Autotask, live lists: README › Defaults', () => {
    const t = defaultTicketing(ksc, at, atLists);
    expect(t.general).toEqual({ source: null, newStatus: { value: '1', label: 'New' }, closedStatus: { value: '5', label: 'Complete' } });
    expect(t.perScope).toEqual([]);
    expect(Object.keys(t.sections)).toEqual(['events', 'warningStatus', 'criticalStatus']);
    expect(t.sections.events!.map((r) => [r.key, r.enabled, r.lifetimeDays, r.dueHours, r.fields.queue?.label, r.fields.priority?.label])).toEqual([
      ['critical', false, 1, 12, 'Monitoring Alert', 'Critical'],
      ['functional-failure', false, 1, 12, 'Monitoring Alert', 'Medium'],
      ['warning', false, 1, 12, 'Monitoring Alert', 'Medium'],
    ]);
    expect(t.sections.warningStatus!.map((r) => r.key)).toEqual(STATUS_DESCRIPTIONS.map((d) => d.id));
    for (const r of t.sections.warningStatus!) {
      expect(r).toEqual({ key: r.key, enabled: false, lifetimeDays: null, dueHours: 24, fields: { queue: { value: '8', label: 'Monitoring Alert' }, priority: { value: '2', label: 'Medium' }, workType: null, issueType: null, subIssueType: null } });
    }
    for (const r of t.sections.criticalStatus!) expect([r.dueHours, r.fields.priority]).toEqual([12, { value: '4', label: 'Critical' }]);
  });

  it('offline: labels kept, values unresolved', () => {
    const t = defaultTicketing(ksc, at);
    expect(t.general.newStatus).toEqual({ value: '', label: 'New' });
    expect(t.sections.events![0]!.fields.queue).toEqual({ value: '', label: 'Monitoring Alert' });
    expect(t.sections.events![0]!.fields.workType).toBeNull();
  });

  it('KBH: the Office 365 event types default to off, no lifetime, Critical, 12 h', () => {
    const t = defaultTicketing(kbh, at, atLists);
    expect(Object.keys(t.sections)).toEqual(['events', 'warningStatus', 'criticalStatus', 'office365Events']);
    for (const r of t.sections.office365Events!) expect([r.enabled, r.lifetimeDays, r.dueHours, r.fields.queue?.label, r.fields.priority?.label]).toEqual([false, null, 12, 'Monitoring Alert', 'Critical']);
  });

  it('KSC × ConnectWise: the default board and its New and Closed status; statuses resolved among that board\'s own', () => {
    const t = defaultTicketing(ksc, cw, cwLists);
    expect(t.general).toEqual({ board: { value: '10', label: 'Monitoring Alert' }, source: null });
    expect(t.perScope).toEqual([{ scope: { value: '10', label: 'Monitoring Alert' }, fields: { newStatus: { value: '101', label: 'New' }, closedStatus: { value: '103', label: 'Closed' } } }]);
    expect(t.sections.events![0]!.fields).toEqual({ board: { value: '10', label: 'Monitoring Alert' }, priority: { value: '1', label: 'Critical' }, type: null, subType: null, item: null });
    expect(ticketingProblems(t, ksc, cw, cwLists)).toEqual([]);
    const offline = defaultTicketing(ksc, cw);
    expect(offline.perScope).toEqual([{ scope: { value: '', label: 'Monitoring Alert' }, fields: { newStatus: { value: '', label: 'New' }, closedStatus: { value: '', label: 'Closed' } } }]);
    // Resolved later against the live lists: the same as defaults made online.
    expect(resolveTicketing(offline, cw, cwLists)).toEqual(t);
  });

  it('a default label the PSA lacks is blank', () => {
    const t = defaultTicketing(ksc, cw, { ...cwLists, boards: [v('20', 'Security Operations')] });
    expect(t.general.board).toBeNull();
    expect(t.sections.events![0]!.fields.board).toBeNull();
    expect(t.perScope).toEqual([]);
  });
});

describe('fieldOptions', () => {
  const spec = (id: string) => [...cw.ticketing.row, ...cw.ticketing.perScope!.fields].find((f) => f.id === id)!;

  it('offers active values; a scoped field only those of its scope, and nothing without one', () => {
    expect(fieldOptions(spec('board'), cwLists).map((x) => x.label)).toEqual(['Monitoring Alert', 'Security Operations']);
    expect(fieldOptions(spec('type'), cwLists, { board: { value: '20', label: 'Security Operations' } }).map((x) => x.value)).toEqual(['21']);
    expect(fieldOptions(spec('type'), cwLists, { board: null })).toEqual([]);
    // A subtype serving several types is offered under each.
    expect(fieldOptions(spec('subType'), cwLists, { type: '21' }).map((x) => x.value)).toEqual(['111']);
    expect(fieldOptions(spec('subType'), cwLists, { type: '11' }).map((x) => x.value)).toEqual(['111', '112']);
    // Closed status: only the closed ones of the board.
    expect(fieldOptions(spec('closedStatus'), cwLists, { board: '10' }).map((x) => x.label)).toEqual(['Closed']);
    // New status: only the open ones (a closed one would open tickets closed).
    expect(fieldOptions(spec('newStatus'), cwLists, { board: '20' }).map((x) => x.label)).toEqual(['New']);
    const sub = at.ticketing.row.find((f) => f.id === 'subIssueType')!;
    expect(fieldOptions(sub, atLists, { issueType: { value: '9', label: 'Hardware' } }).map((x) => x.label)).toEqual(['Disk']);
  });

  it('liveChoice: a stored value the PSA deactivated is blank; an unresolved one resolves by label', () => {
    expect(liveChoice({ value: '30', label: 'Old Board' }, cwLists.boards)).toBeNull();
    expect(liveChoice({ value: '', label: 'security operations' }, cwLists.boards)).toEqual({ value: '20', label: 'Security Operations' });
  });
});

/** KSC × ConnectWise defaults with the Critical event row on. */
function cwTicketing(edit?: (t: TicketingSettings) => void): TicketingSettings {
  const t = defaultTicketing(ksc, cw, cwLists);
  t.sections.events![0]!.enabled = true;
  edit?.(t);
  return t;
}

describe('scopes in use and what a ticket carries (ConnectWise)', () => {
  it('the distinct effective boards of enabled rows; a row without a board uses the default board', () => {
    const t = cwTicketing((t) => {
      t.sections.events![1]!.enabled = true;
      t.sections.events![1]!.fields.board = null;
      t.sections.warningStatus![0]!.enabled = true;
      t.sections.warningStatus![0]!.fields.board = { value: '20', label: 'Security Operations' };
      t.sections.warningStatus![1]!.fields.board = { value: '30', label: 'Old Board' }; // off: not in use
    });
    expect(scopesInUse(t, cw)).toEqual([{ value: '10', label: 'Monitoring Alert' }, { value: '20', label: 'Security Operations' }]);
    expect(effectiveField(t.sections.events![1]!, cw.ticketing.row[0]!, t.general)).toEqual({ value: '10', label: 'Monitoring Alert' });
    expect(scopesInUse(defaultTicketing(ksc, at, atLists), at)).toEqual([]);
  });

  it('NewTicket.fields: the effective row fields and the General fields without a role; the status per board', () => {
    const t = cwTicketing((t) => {
      t.general.source = { value: '5', label: 'Email' };
      t.sections.events![0]!.fields.board = null;
      t.sections.events![0]!.fields.type = { value: '11', label: 'Malware' };
    });
    expect(newTicketFields(t.sections.events![0]!, t, cw)).toEqual({ board: '10', source: '5', priority: '1', type: '11', subType: null, item: null });
    expect(roleChoice(t, cw, 'closed-status', '10')).toEqual({ value: '103', label: 'Closed' });
    expect(roleChoice(t, cw, 'closed-status', '20')).toBeNull();
    const a = defaultTicketing(ksc, at, atLists);
    expect(roleChoice(a, at, 'closed-status', null)).toEqual({ value: '5', label: 'Complete' });
    expect(newTicketFields(a.sections.events![0]!, a, at)).toEqual({ source: null, queue: '8', priority: '4', workType: null, issueType: null, subIssueType: null });
  });
});

describe('ticketingProblems', () => {
  it('ConnectWise: an enabled row\'s board without New or Closed status is named, with the remedy', () => {
    const t = cwTicketing((t) => {
      t.sections.events![0]!.fields.board = { value: '20', label: 'Security Operations' };
    });
    expect(ticketingProblems(t, ksc, cw, cwLists).map((p) => [p.path, p.message])).toEqual([
      ['perScope', 'Board “Security Operations” is used by enabled rows but has no New status: choose one under General.'],
      ['perScope', 'Board “Security Operations” is used by enabled rows but has no Closed status: choose one under General.'],
    ]);
    // The same offline (no lists): the stored values decide.
    expect(ticketingProblems(t, ksc, cw).map((p) => p.message)).toHaveLength(2);
    t.perScope.push({ scope: { value: '20', label: 'Security Operations' }, fields: { newStatus: { value: '201', label: 'New' }, closedStatus: null } });
    expect(ticketingProblems(t, ksc, cw, cwLists).map((p) => [p.path, p.message])).toEqual([
      ['perScope[1].fields.closedStatus', 'Board “Security Operations” is used by enabled rows but has no Closed status: choose one under General.'],
    ]);
  });

  it('ConnectWise: a status that does not close, or of another board, is refused as Closed status', () => {
    const notClosed = cwTicketing((t) => {
      t.perScope[0]!.fields.closedStatus = { value: '102', label: 'In Progress' };
    });
    expect(ticketingProblems(notClosed, ksc, cw, cwLists).map((p) => [p.path, p.message])).toEqual([
      ['perScope[0].fields.closedStatus', 'Board “Monitoring Alert”: Closed status “In Progress” does not close tickets in ConnectWise Manage: choose a status flagged closed under General.'],
    ]);
    const otherBoard = cwTicketing((t) => {
      t.perScope[0]!.fields.closedStatus = { value: '203', label: 'Resolved' };
    });
    expect(ticketingProblems(otherBoard, ksc, cw, cwLists).map((p) => p.message)).toEqual([
      'Board “Monitoring Alert”: Closed status “Resolved” is not a status of that board: choose one under General.',
    ]);
  });

  it('ConnectWise: a closed status chosen as New status is refused (tickets would be opened closed)', () => {
    const t = cwTicketing((t) => {
      t.perScope[0]!.fields.newStatus = { value: '103', label: 'Closed' };
    });
    expect(ticketingProblems(t, ksc, cw, cwLists).map((p) => [p.path, p.message])).toEqual([
      ['perScope[0].fields.newStatus', 'Board “Monitoring Alert”: New status “Closed” is a closed status in ConnectWise Manage, so tickets would be opened closed: choose an open status under General.'],
    ]);
  });

  it('ConnectWise: a board with no closed status in the PSA is named with what to do there', () => {
    const lists = { ...cwLists, statuses: cwLists.statuses!.filter((s) => !(s.parentValue === '20' && s.closed)) };
    const t = cwTicketing((t) => {
      t.sections.events![0]!.fields.board = { value: '20', label: 'Security Operations' };
      t.perScope.push({ scope: { value: '20', label: 'Security Operations' }, fields: { newStatus: { value: '201', label: 'New' }, closedStatus: null } });
    });
    expect(ticketingProblems(t, ksc, cw, lists).map((p) => p.message)).toEqual([
      'Board “Security Operations” is used by enabled rows but has no closed status in ConnectWise Manage: add one to the board there, or send those rows to another board.',
    ]);
  });

  it('ConnectWise: a subtype without its type, and a type of another board', () => {
    const t = cwTicketing((t) => {
      t.sections.events![0]!.fields.subType = { value: '111', label: 'Trojan' };
      t.sections.events![1]!.fields.type = { value: '21', label: 'Incident' }; // of board 20, row on board 10
      t.sections.events![1]!.enabled = true;
    });
    expect(ticketingProblems(t, ksc, cw, cwLists).map((p) => [p.path, p.message])).toEqual([
      ['sections.events[0].fields.subType', 'Events › Critical: a Subtype needs its Type.'],
      ['sections.events[1].fields.type', 'Events › Functional failure: Type “Incident” does not belong to Board “Monitoring Alert”; choose one of its type values.'],
    ]);
  });

  it('ConnectWise: a board is required on an enabled row, met by the default board', () => {
    const t = cwTicketing((t) => {
      t.sections.events![0]!.fields.board = null;
    });
    expect(ticketingProblems(t, ksc, cw, cwLists)).toEqual([]);
    t.general.board = null;
    expect(ticketingProblems(t, ksc, cw, cwLists).map((p) => p.message)).toEqual(['Events › Critical: choose a Board, or a Default board under General (required when ticket creation is on).']);
  });

  it('Autotask: today\'s words, with the labels of the profile', () => {
    const t = defaultTicketing(ksc, at, atLists);
    t.general.closedStatus = { value: '99', label: 'Done' };
    const events = t.sections.events!;
    events[0] = { ...events[0]!, enabled: true, lifetimeDays: 366, dueHours: 0, fields: { ...events[0]!.fields, queue: null, subIssueType: { value: '71', label: 'Malware' } } };
    events[1] = { ...events[1]!, enabled: true, fields: { ...events[1]!.fields, priority: { value: '77', label: 'Urgent' } } };
    expect(ticketingProblems(t, ksc, at, atLists).map((p) => [p.path, p.message, p.short])).toEqual([
      ['general.closedStatus', 'General: Closed ticket status is required (“Done” no longer exists or is inactive in Autotask).', 'Closed ticket status required'],
      ['sections.events[0].dueHours', 'Events › Critical: Due must be a whole number of hours from 1 to 8760.', 'Due 1–8760 hours'],
      ['sections.events[0].lifetimeDays', 'Events › Critical: Lifetime must be a whole number of days from 1 to 365.', 'Lifetime 1–365 days'],
      ['sections.events[0].fields.queue', 'Events › Critical: choose a Queue (required when ticket creation is on).', 'Queue required'],
      ['sections.events[0].fields.subIssueType', 'Events › Critical: an Issue subtype needs its Issue type.', 'Issue subtype needs its Issue type'],
      ['sections.events[1].fields.priority', 'Events › Functional failure: choose a Priority (“Urgent” no longer exists or is inactive in Autotask; required when ticket creation is on).', 'Priority required'],
    ]);
  });

  it('a switched-off row is held only to numbers being numbers', () => {
    const t = defaultTicketing(ksc, at, atLists);
    t.sections.criticalStatus![0] = { ...t.sections.criticalStatus![0]!, dueHours: Number.NaN, fields: {} };
    expect(ticketingProblems(t, ksc, at, atLists).map((p) => p.message)).toEqual([
      'Critical status › Device is unmanaged: Due must be a number (kept unused while ticket creation is off; 1–8760 hours to switch it on).',
    ]);
  });

  it('Tigerpaw: the service order rep (no default the PSA offers) is required once a row is on, not before', () => {
    const tp = psaProfile('tigerpaw');
    const tpLists: TicketPicklists = {
      boards: [v('3', 'Monitoring Alert')],
      priorities: [v('Critical', 'Critical'), v('Medium', 'Medium')],
      types: [v('Security', 'Security')],
      statuses: [v('New', 'New'), v('Closed', 'Closed', { closed: true })],
      reps: [v('7', 'Jane Smith')],
    };
    const t = defaultTicketing(ksc, tp, tpLists);
    expect(t.general).toEqual({ rep: null, newStatus: { value: 'New', label: 'New' }, closedStatus: { value: 'Closed', label: 'Closed' } });
    expect(ticketingProblems(t, ksc, tp, tpLists)).toEqual([]);
    expect(ticketingProblems(t, ksc, tp)).toEqual([]);
    t.sections.events![0] = { ...t.sections.events![0]!, enabled: true };
    expect(ticketingProblems(t, ksc, tp, tpLists).map((p) => p.message)).toEqual(['General: Service order rep is required once a row creates service orders.']);
    t.general.rep = { value: '7', label: 'Jane Smith' };
    expect(ticketingProblems(t, ksc, tp, tpLists)).toEqual([]);
    // No due time on service orders: the rows keep none.
    expect(t.sections.events![0]!.dueHours).toBeNull();
  });

  it('Tigerpaw offline: statuses, priorities and types are taken by name, so the defaults are values before Tigerpaw answers, and a new integration is valid', () => {
    const tp = psaProfile('tigerpaw');
    const t = defaultTicketing(ksc, tp);
    expect(t.general).toEqual({ rep: null, newStatus: { value: 'New', label: 'New' }, closedStatus: { value: 'Closed', label: 'Closed' } });
    // Boards are numbers: the label waits for Tigerpaw; the priority is a name.
    expect(t.sections.events![0]!.fields).toEqual({ board: { value: '', label: 'Monitoring Alert' }, priority: { value: 'Critical', label: 'Critical' }, type: null });
    expect(ticketingProblems(t, ksc, tp)).toEqual([]);
  });
});
