// The Ticketing tab's model (source/ui/screens/ticketing/model.ts) built from the profiles alone:
// sections, columns, bulk fields, General rows, options and problems, for KSC/KBH × Autotask/
// ConnectWise, without a PSA. The full screen against the simulators is ticketing.test.tsx.
import { describe, expect, it } from 'vitest';
import type { TicketingSettings } from '../../source/domain/config.js';
import { PSA_KINDS, PSA_PROFILES, platformProfile, psaProfile } from '../../source/domain/profiles/index.js';
import { defaultTicketing } from '../../source/domain/ticketSchema.js';
import type { PicklistValue, TicketPicklists } from '../../source/domain/types.js';
import {
  applyBulk,
  bulkFields,
  bulkOptions,
  bulkValueAfter,
  bulkWords,
  changedIds,
  draftProblems,
  fromDraft,
  generalOptions,
  generalRows,
  joinLabels,
  picklistCounts,
  problemSummary,
  resetSection,
  rowContext,
  rowOptions,
  ruleColumns,
  saveRemedy,
  sectionPane,
  setGeneral,
  setRowFields,
  setRows,
  toDraft,
  type Draft,
  type GeneralRow,
  type RuleRow,
  type TicketingSchema,
} from '../../source/ui/screens/ticketing/model.js';

const v = (value: string, label: string, extra: Partial<PicklistValue> = {}): PicklistValue => ({ value, label, active: true, parentValue: null, isDefault: false, ...extra });

const atLists: TicketPicklists = {
  queues: [v('8', 'Monitoring Alert'), v('5', 'Level I Support'), v('6', 'Legacy Helpdesk', { active: false })],
  priorities: [v('4', 'Critical'), v('1', 'High'), v('2', 'Medium'), v('3', 'Low')],
  statuses: [v('1', 'New'), v('5', 'Complete'), v('8', 'In Progress')],
  sources: [v('2', 'Monitoring Alert')],
  issueTypes: [v('7', 'Security'), v('9', 'Hardware')],
  subIssueTypes: [v('71', 'Malware', { parentValue: '7' }), v('91', 'Disk', { parentValue: '9' })],
  workTypes: [v('30', 'Remote'), v('31', 'Onsite')],
};

// Two boards, statuses per board (closed ones flagged), types and items per board, subtypes per type.
const cwLists: TicketPicklists = {
  boards: [v('10', 'Monitoring Alert'), v('20', 'Security Operations'), v('30', 'Old Board', { active: false })],
  statuses: [
    v('101', 'New', { parentValue: '10' }),
    v('102', 'In Progress', { parentValue: '10' }),
    v('103', 'Closed', { parentValue: '10', closed: true }),
    v('201', 'New', { parentValue: '20' }),
    v('202', 'Waiting', { parentValue: '20' }),
    v('203', 'Resolved', { parentValue: '20', closed: true }),
  ],
  priorities: [v('1', 'Critical'), v('2', 'High'), v('3', 'Medium')],
  sources: [v('5', 'Email'), v('6', 'Monitoring')],
  types: [v('11', 'Malware', { parentValue: '10' }), v('12', 'Outage', { parentValue: '10' }), v('21', 'Incident', { parentValue: '20' })],
  subtypes: [v('111', 'Trojan', { parentValue: '11', parentValues: ['11', '21'] }), v('112', 'Worm', { parentValue: '11' }), v('121', 'Power', { parentValue: '12' })],
  items: [v('13', 'Endpoint', { parentValue: '10' }), v('23', 'Firewall', { parentValue: '20' })],
};

const schema = (platform: string, psa: string): TicketingSchema => ({ platform: platformProfile(platform), psa: psaProfile(psa) });
const KSC_AT = schema('ksc', 'autotask');
const KSC_CW = schema('ksc', 'connectwise');
const KBH_AT = schema('kbh', 'autotask');

function draftOf(s: TicketingSchema, lists: TicketPicklists, edit?: (t: TicketingSettings) => void): Draft {
  const settings = defaultTicketing(s.platform, s.psa, lists);
  edit?.(settings);
  return toDraft(settings, s);
}
const row = (d: Draft, section: string, key: string): RuleRow => d.sections[section]!.find((r) => r.key === key)!;
const fieldRow = (rows: GeneralRow[], id: string) => rows.find((g) => g.id === id) as GeneralRow & { kind: 'field' };
const labels = (values: readonly PicklistValue[]) => values.map((x) => x.label);

describe('the profiles name what the tab shows', () => {
  it.each(PSA_KINDS)('%s: every list a ticket field reads has its words, once', (kind) => {
    const t = PSA_PROFILES[kind].ticketing;
    const named = t.lists.map((l) => l.name);
    expect(new Set(named).size).toBe(named.length);
    const used = [...t.general, ...(t.perScope?.fields ?? []), ...t.row].map((f) => f.list);
    expect(used.filter((l) => !named.includes(l))).toEqual([]);
    for (const l of t.lists) expect(l.plural).toMatch(/^[a-z][a-z ]*s$/);
  });
});

describe('Autotask with KSC: the screen of today, from the profiles', () => {
  it('sections, columns, titles, bulk fields, counts and help words', () => {
    expect(sectionPane(KSC_AT.platform).map((l) => (l.kind === 'group' ? `#${l.title}` : l.entry.title))).toEqual(['General', 'Events', 'Warning status', 'Critical status', 'For customer']);
    const events = KSC_AT.platform.sections.find((s) => s.id === 'events')!;
    const status = KSC_AT.platform.sections.find((s) => s.id === 'warningStatus')!;
    expect(ruleColumns(events, KSC_AT.psa).map((c) => [c.title, c.short])).toEqual([
      ['Create ticket', 'Ticket'],
      ['Lifetime (days)', 'Days'],
      ['Queue', 'Queue'],
      ['Priority', 'Priority'],
      ['Due (hours)', 'Due (h)'],
    ]);
    expect(ruleColumns(status, KSC_AT.psa).map((c) => c.title)).toEqual(['Create ticket', 'Queue', 'Priority', 'Due (hours)']);
    expect(bulkFields(KSC_AT.psa, false).map((c) => c.title)).toEqual(['Create ticket', 'Queue', 'Priority', 'Due (hours)', 'Work type', 'Issue type', 'Issue subtype']);
    expect(bulkWords(KSC_AT)).toBe('on/off, lifetime, queue, priority, due, work type, issue type, subtype');
    expect(picklistCounts(KSC_AT.psa, atLists)).toBe('2 queues · 4 priorities · 3 statuses · 1 sources · 2 issue types · 2 work types');
    expect(joinLabels(['New ticket status', 'Closed ticket status'])).toBe('New and Closed ticket status');
    expect(generalRows(draftOf(KSC_AT, atLists), KSC_AT, atLists).map((g) => g.label)).toEqual(['Ticket source', 'New ticket status', 'Closed ticket status']);
  });

  it('a draft goes back to the same settings; problems say what today says', () => {
    const settings = defaultTicketing(KSC_AT.platform, KSC_AT.psa, atLists);
    const draft = toDraft(settings, KSC_AT);
    expect(fromDraft(draft, KSC_AT, atLists)).toEqual(settings);
    expect(changedIds(draft, toDraft(fromDraft(draft, KSC_AT, atLists), KSC_AT)).size).toBe(0);

    const critical = row(draft, 'events', 'critical');
    const broken = setRows(draft, 'events', new Set([critical.id]), (r) => ({ ...r, enabled: true, lifetime: 'abc', fields: { ...r.fields, queue: { value: '6', label: 'Legacy Helpdesk' } } }));
    const problems = draftProblems(broken, KSC_AT, atLists);
    expect(problems.map((p) => [p.rowId, p.field])).toEqual([
      ['events:critical', 'lifetimeDays'],
      ['events:critical', 'queue'],
    ]);
    expect(problems[0]!.message).toBe('Events › Critical: "abc" is not a number. Lifetime must be a whole number of days from 1 to 365.');
    expect(problems[1]!.message).toBe('Events › Critical: choose a Queue (“Legacy Helpdesk” no longer exists or is inactive in Autotask; required when ticket creation is on).');
    expect(problemSummary(problems, broken, KSC_AT)).toBe('Events › Critical (Lifetime 1–365 days, Queue required)');
    expect(saveRemedy(problems, broken, KSC_AT, atLists)).toBe('Correct the values marked "!" (Enter edits a cell).');
    expect(changedIds(draft, broken)).toEqual(new Set(['events:critical']));
  });

  it('an issue subtype offers the values of its issue type and is cleared when the type changes', () => {
    const draft = draftOf(KSC_AT, atLists);
    const r = row(draft, 'warningStatus', 'rtp-not-running');
    const subtype = KSC_AT.psa.ticketing.row.find((s) => s.id === 'subIssueType')!;
    expect(rowOptions(KSC_AT.psa, subtype, rowContext(r, draft, KSC_AT.psa), atLists)).toEqual([]);
    const typed = setRowFields(r, { issueType: { value: '7', label: 'Security' }, subIssueType: { value: '71', label: 'Malware' } }, draft, KSC_AT.psa);
    expect(labels(rowOptions(KSC_AT.psa, subtype, rowContext(typed, draft, KSC_AT.psa), atLists))).toEqual(['Malware']);
    const retyped = setRowFields(typed, { issueType: { value: '9', label: 'Hardware' } }, draft, KSC_AT.psa);
    expect(retyped.fields.subIssueType).toBeNull();
    expect(setRowFields(typed, { workType: { value: '30', label: 'Remote' } }, draft, KSC_AT.psa).fields.subIssueType).toEqual({ value: '71', label: 'Malware' });
  });
});

describe('Kaspersky Business Hub: sections under their groups', () => {
  it('lists General, then each group heading with its sections; Office 365 events have no lifetime', () => {
    const pane = sectionPane(KBH_AT.platform);
    expect(pane.map((l) => (l.kind === 'group' ? `# ${l.title}` : `${l.indent ? '  ' : ''}${l.entry.title}`))).toEqual([
      'General',
      '# KES Cloud',
      '  Events',
      '  Warning status',
      '  Critical status',
      '# Office 365',
      '  Events',
      'For customer',
    ]);
    const o365 = pane.find((l) => l.kind === 'section' && l.entry.id === 'office365Events');
    expect(o365 && o365.kind === 'section' ? o365.entry.full : '').toBe('Office 365 › Events');
    expect(ruleColumns(KBH_AT.platform.sections.find((s) => s.id === 'office365Events')!, KBH_AT.psa).map((c) => c.title)).toEqual(['Create ticket', 'Queue', 'Priority', 'Due (hours)']);
    const draft = draftOf(KBH_AT, atLists);
    const broken = setRows(draft, 'events', new Set(['events:critical']), (r) => ({ ...r, enabled: true, due: '0' }));
    expect(problemSummary(draftProblems(broken, KBH_AT, atLists), broken, KBH_AT)).toBe('KES Cloud › Events › Critical (Due 1–8760 hours)');
  });
});

describe('ConnectWise Manage with KSC: boards, per-board statuses, scoped options', () => {
  it('columns say Board and Priority; the bulk edit has every row field; counts leave out the per-board lists', () => {
    const events = KSC_CW.platform.sections.find((s) => s.id === 'events')!;
    expect(ruleColumns(events, KSC_CW.psa).map((c) => c.title)).toEqual(['Create ticket', 'Lifetime (days)', 'Board', 'Priority', 'Due (hours)']);
    expect(bulkFields(KSC_CW.psa, true).map((c) => c.title)).toEqual(['Create ticket', 'Lifetime (days)', 'Board', 'Priority', 'Due (hours)', 'Type', 'Subtype', 'Item']);
    expect(bulkWords(KSC_CW)).toBe('on/off, lifetime, board, priority, due, type, subtype, item');
    expect(picklistCounts(KSC_CW.psa, cwLists)).toBe('2 boards · 3 priorities · 2 sources');
  });

  it('General lists every board an enabled row uses, with that board\'s New and Closed status (Closed: closed ones only)', () => {
    let draft = draftOf(KSC_CW, cwLists);
    // Nothing on: only the General fields.
    expect(generalRows(draft, KSC_CW, cwLists).map((g) => g.label)).toEqual(['Default board', 'Ticket source']);
    // Critical events on, on the default board; a warning status row on its own board.
    draft = setRows(draft, 'events', new Set(['events:critical']), (r) => ({ ...r, enabled: true, fields: { ...r.fields, board: null } }));
    draft = setRows(draft, 'warningStatus', new Set(['warningStatus:rtp-not-running']), (r) => setRowFields({ ...r, enabled: true }, { board: { value: '20', label: 'Security Operations' } }, draft, KSC_CW.psa));
    const rows = generalRows(draft, KSC_CW, cwLists);
    expect(rows.map((g) => (g.kind === 'scope' ? `${g.label}: ${g.scope.label} (${g.rows})` : g.label))).toEqual([
      'Default board',
      'Ticket source',
      'Board in use: Monitoring Alert (1)',
      '  New status',
      '  Closed status',
      'Board in use: Security Operations (1)',
      '  New status',
      '  Closed status',
    ]);
    // The default board's statuses are the defaults, resolved among that board's statuses.
    const monitoringNew = fieldRow(rows, 'general:scope:10:newStatus');
    expect(draft.perScope.find((s) => s.scope.value === '10')?.fields).toEqual({ newStatus: { value: '101', label: 'New' }, closedStatus: { value: '103', label: 'Closed' } });
    // New status: that board's open statuses only (a closed one would open tickets closed).
    expect(labels(generalOptions(draft, monitoringNew, KSC_CW, cwLists))).toEqual(['New', 'In Progress']);
    const securityClosed = fieldRow(rows, 'general:scope:20:closedStatus');
    expect(labels(generalOptions(draft, fieldRow(rows, 'general:scope:20:newStatus'), KSC_CW, cwLists))).toEqual(['New', 'Waiting']);
    expect(labels(generalOptions(draft, securityClosed, KSC_CW, cwLists))).toEqual(['Resolved']);

    // The new board has no statuses yet: Save is refused, naming the board, under General.
    let problems = draftProblems(draft, KSC_CW, cwLists);
    expect(problems.map((p) => p.rowId)).toEqual(['general:scope:20:newStatus', 'general:scope:20:closedStatus']);
    expect(problems[1]!.message).toBe('Board “Security Operations” is used by enabled rows but has no Closed status: choose one under General.');
    expect(problemSummary(problems, draft, KSC_CW)).toBe('General (New status of Security Operations required, Closed status of Security Operations required)');

    // Choosing them there clears it, and the choices land in the board's perScope entry.
    draft = setGeneral(draft, fieldRow(rows, 'general:scope:20:newStatus'), { value: '201', label: 'New' }, KSC_CW).draft;
    draft = setGeneral(draft, securityClosed, { value: '203', label: 'Resolved' }, KSC_CW).draft;
    problems = draftProblems(draft, KSC_CW, cwLists);
    expect(problems).toEqual([]);
    expect(fromDraft(draft, KSC_CW, cwLists).perScope.find((s) => s.scope.value === '20')).toEqual({
      scope: { value: '20', label: 'Security Operations' },
      fields: { newStatus: { value: '201', label: 'New' }, closedStatus: { value: '203', label: 'Resolved' } },
    });

    // A status that does not close tickets is refused as Closed status.
    const wrong = setGeneral(draft, securityClosed, { value: '202', label: 'Waiting' }, KSC_CW).draft;
    expect(draftProblems(wrong, KSC_CW, cwLists).map((p) => p.message)).toEqual([
      'Board “Security Operations”: Closed status “Waiting” does not close tickets in ConnectWise Manage: choose a status flagged closed under General.',
    ]);
  });

  it('type and item offer the row\'s board\'s values (the default board where the row has none), subtype the type\'s; a new board clears them', () => {
    const draft = draftOf(KSC_CW, cwLists);
    const spec = (id: string) => KSC_CW.psa.ticketing.row.find((s) => s.id === id)!;
    const plain = row(draft, 'events', 'critical');
    expect(plain.fields.board).toEqual({ value: '10', label: 'Monitoring Alert' });
    const onDefault = { ...plain, fields: { ...plain.fields, board: null } };
    expect(labels(rowOptions(KSC_CW.psa, spec('type'), rowContext(onDefault, draft, KSC_CW.psa), cwLists))).toEqual(['Malware', 'Outage']);
    expect(labels(rowOptions(KSC_CW.psa, spec('item'), rowContext(onDefault, draft, KSC_CW.psa), cwLists))).toEqual(['Endpoint']);

    const security = setRowFields(plain, { board: { value: '20', label: 'Security Operations' } }, draft, KSC_CW.psa);
    expect(labels(rowOptions(KSC_CW.psa, spec('type'), rowContext(security, draft, KSC_CW.psa), cwLists))).toEqual(['Incident']);
    expect(labels(rowOptions(KSC_CW.psa, spec('item'), rowContext(security, draft, KSC_CW.psa), cwLists))).toEqual(['Firewall']);
    const typed = setRowFields(security, { type: { value: '21', label: 'Incident' }, subType: { value: '111', label: 'Trojan' }, item: { value: '23', label: 'Firewall' } }, draft, KSC_CW.psa);
    // A subtype serving several types is offered under each.
    expect(labels(rowOptions(KSC_CW.psa, spec('subType'), rowContext(typed, draft, KSC_CW.psa), cwLists))).toEqual(['Trojan']);
    const moved = setRowFields(typed, { board: { value: '10', label: 'Monitoring Alert' } }, draft, KSC_CW.psa);
    expect([moved.fields.type, moved.fields.subType, moved.fields.item]).toEqual([null, null, null]);
    expect(moved.fields.priority).toEqual(typed.fields.priority);

    // Changing the default board clears the scoped fields of the rows that use it, not of the others.
    const d2 = setRows(draft, 'events', new Set([plain.id, row(draft, 'events', 'warning').id]), (r) =>
      r.key === 'critical'
        ? setRowFields({ ...onDefault }, { type: { value: '11', label: 'Malware' } }, draft, KSC_CW.psa)
        : setRowFields(r, { board: { value: '20', label: 'Security Operations' }, type: { value: '21', label: 'Incident' } }, draft, KSC_CW.psa),
    );
    const { draft: d3, cleared } = setGeneral(d2, fieldRow(generalRows(d2, KSC_CW, cwLists), 'general:board'), { value: '20', label: 'Security Operations' }, KSC_CW);
    expect(cleared).toBe(1);
    expect(row(d3, 'events', 'critical').fields.type).toBeNull();
    expect(row(d3, 'events', 'warning').fields.type).toEqual({ value: '21', label: 'Incident' });
  });

  it('bulk edit: a type offers the board chosen in the same edit, or the rows\' common one; rows on different boards must choose one first', () => {
    let draft = draftOf(KSC_CW, cwLists);
    const spec = (id: string) => KSC_CW.psa.ticketing.row.find((s) => s.id === id)!;
    draft = setRows(draft, 'warningStatus', new Set(['warningStatus:app-not-running']), (r) => setRowFields(r, { board: { value: '20', label: 'Security Operations' } }, draft, KSC_CW.psa));
    const same = [row(draft, 'warningStatus', 'device-unmanaged'), row(draft, 'warningStatus', 'rtp-not-running')];
    const mixed = [...same, row(draft, 'warningStatus', 'app-not-running')];

    const offered = (rows: RuleRow[], id: string, chosen = {}) => {
      const out = bulkOptions(spec(id), rows, chosen, draft, KSC_CW.psa, cwLists);
      return 'values' in out ? labels(out.values) : out.problem;
    };
    expect(offered(same, 'type')).toEqual(['Malware', 'Outage']);
    expect(offered(mixed, 'type')).toBe('The marked rows have different boards: choose one here first.');
    expect(bulkValueAfter('board', mixed, {}, draft, KSC_CW.psa)).toBe('differs');
    expect(offered(mixed, 'type', { board: { value: '20', label: 'Security Operations' } })).toEqual(['Incident']);
    expect(offered(mixed, 'item', { board: { value: '20', label: 'Security Operations' } })).toEqual(['Firewall']);
    expect(offered(same, 'subType')).toBe('Choose a Type first: subtypes belong to one.');
    expect(offered(same, 'subType', { type: { value: '12', label: 'Outage' } })).toEqual(['Power']);
    // Board left to the default (null): the default board's values.
    expect(offered(mixed, 'type', { board: null })).toEqual(['Malware', 'Outage']);

    // Applied: a new board clears the kept type of each row; one chosen with it stays.
    const withType = setRowFields(same[0]!, { type: { value: '11', label: 'Malware' } }, draft, KSC_CW.psa);
    const moved = applyBulk(withType, { fields: { board: { value: '20', label: 'Security Operations' } } }, draft, KSC_CW.psa);
    expect(moved.fields.type).toBeNull();
    const both = applyBulk(withType, { enabled: true, due: '4', fields: { board: { value: '20', label: 'Security Operations' }, type: { value: '21', label: 'Incident' } } }, draft, KSC_CW.psa);
    expect([both.enabled, both.due, both.fields.board?.label, both.fields.type?.label]).toEqual([true, '4', 'Security Operations', 'Incident']);
  });

  it('Reset General gives every board in use its default statuses, where that board has them', () => {
    let draft = draftOf(KSC_CW, cwLists);
    draft = setRows(draft, 'events', new Set(['events:critical']), (r) => setRowFields({ ...r, enabled: true }, { board: { value: '20', label: 'Security Operations' } }, draft, KSC_CW.psa));
    const reset = resetSection(draft, 'general', KSC_CW, cwLists);
    expect(reset.perScope.map((s) => [s.scope.label, s.fields.newStatus?.label ?? null, s.fields.closedStatus?.label ?? null])).toEqual([
      ['Monitoring Alert', 'New', 'Closed'],
      // Security Operations has no status labelled "Closed": blank, and Save says so.
      ['Security Operations', 'New', null],
    ]);
    expect(draftProblems(reset, KSC_CW, cwLists).map((p) => p.rowId)).toEqual(['general:scope:20:closedStatus']);
  });
});
