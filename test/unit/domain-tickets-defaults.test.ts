// README › Defaults table, cell by cell: the data (TICKETING_DEFAULTS) and what
// defaultTicketing() builds from it, offline (labels unresolved) and against live picklists.
import { describe, expect, it } from 'vitest';
import { defaultTicketing, EVENT_RULE_SEVERITIES, TICKETING_DEFAULTS } from '../../source/domain/defaults.js';
import { STATUS_DESCRIPTIONS } from '../../source/domain/statusDescriptions.js';
import type { PicklistValue, TicketPicklists } from '../../source/domain/types.js';

const v = (value: string, label: string): PicklistValue => ({ value, label, active: true, parentValue: null, isDefault: false });
const picklists: TicketPicklists = {
  queues: [v('8', 'Monitoring Alert'), v('5', 'Level I Support')],
  priorities: [v('4', 'Critical'), v('1', 'High'), v('2', 'Medium')],
  statuses: [v('1', 'New'), v('5', 'Complete')],
  sources: [v('2', 'Monitoring Alert')],
  issueTypes: [v('7', 'Security')],
  subIssueTypes: [],
  workTypes: [v('30', 'Remote')],
};

// [severity, Create ticket, Lifetime (days), Queue, Priority, Due (h)]
const EVENTS_TABLE = [
  ['critical', false, 1, 'Monitoring Alert', 'Critical', 12],
  ['functional-failure', false, 1, 'Monitoring Alert', 'Medium', 12],
  ['warning', false, 1, 'Monitoring Alert', 'Medium', 12],
] as const;
// [section, Create ticket, Queue, Priority, Due (h)]
const STATUS_TABLE = [
  ['warningStatus', false, 'Monitoring Alert', 'Medium', 24],
  ['criticalStatus', false, 'Monitoring Alert', 'Critical', 12],
] as const;
const IDS = { 'Monitoring Alert': '8', Critical: '4', Medium: '2' } as const;

describe('README › Defaults as data (TICKETING_DEFAULTS)', () => {
  it('General: source none, new status New, closed status Complete', () => {
    expect(TICKETING_DEFAULTS.general.source).toBeNull();
    expect(TICKETING_DEFAULTS.general.newStatus).toBe('New');
    expect(TICKETING_DEFAULTS.general.closedStatus).toBe('Complete');
  });

  it('Events rows exist for Critical, Functional failure and Warning only (never Info)', () => {
    expect([...EVENT_RULE_SEVERITIES]).toEqual(['critical', 'functional-failure', 'warning']);
    expect(Object.keys(TICKETING_DEFAULTS.events).sort()).toEqual(['critical', 'functional-failure', 'warning']);
  });

  describe.each(EVENTS_TABLE)('Events › %s', (severity, enabled, lifetime, queue, priority, due) => {
    const row = TICKETING_DEFAULTS.events[severity];
    it(`Create ticket ${enabled ? 'on' : 'off'}`, () => expect(row.enabled).toBe(enabled));
    it(`Lifetime ${lifetime} day`, () => expect(row.lifetimeDays).toBe(lifetime));
    it(`Queue ${queue}`, () => expect(row.queue).toBe(queue));
    it(`Priority ${priority}`, () => expect(row.priority).toBe(priority));
    it(`Due ${due} h`, () => expect(row.dueHours).toBe(due));
  });

  describe.each(STATUS_TABLE)('%s', (section, enabled, queue, priority, due) => {
    const row = TICKETING_DEFAULTS[section];
    it(`Create ticket ${enabled ? 'on' : 'off'}`, () => expect(row.enabled).toBe(enabled));
    it('no Lifetime column', () => expect(row.lifetimeDays).toBeNull());
    it(`Queue ${queue}`, () => expect(row.queue).toBe(queue));
    it(`Priority ${priority}`, () => expect(row.priority).toBe(priority));
    it(`Due ${due} h`, () => expect(row.dueHours).toBe(due));
  });
});

describe.each([
  ['offline (labels kept, values unresolved)', undefined],
  ['against live picklists', picklists],
] as const)('defaultTicketing() %s', (_name, lists) => {
  const t = defaultTicketing(lists);
  const choice = (label: keyof typeof IDS) => (lists ? { value: IDS[label], label } : { value: '', label });

  it('General: source none, New, Complete', () => {
    expect(t.general.source).toBeNull();
    expect(t.general.newStatus).toEqual(lists ? { value: '1', label: 'New' } : { value: '', label: 'New' });
    expect(t.general.closedStatus).toEqual(lists ? { value: '5', label: 'Complete' } : { value: '', label: 'Complete' });
  });

  it('Events: one row per severity in order', () => {
    expect(t.events.map((r) => r.severity)).toEqual(EVENTS_TABLE.map((r) => r[0]));
  });

  it.each(EVENTS_TABLE)('Events › %s: off, %s day, %s, %s, %s h, no work/issue type', (severity, enabled, lifetime, queue, priority, due) => {
    const row = t.events.find((r) => r.severity === severity)!;
    expect(row).toEqual({
      severity, enabled, lifetimeDays: lifetime, queue: choice(queue), priority: choice(priority), dueHours: due,
      workType: null, issueType: null, subIssueType: null,
    });
  });

  it.each(STATUS_TABLE)('%s: every status description has a row, in catalog order', (section) => {
    expect(t[section].map((r) => r.descriptionId)).toEqual(STATUS_DESCRIPTIONS.map((d) => d.id));
  });

  it.each(STATUS_TABLE)('%s: every row off, %s, %s, %s h, no work/issue type', (section, enabled, queue, priority, due) => {
    for (const row of t[section]) {
      expect(row).toEqual({
        descriptionId: row.descriptionId, enabled, queue: choice(queue), priority: choice(priority), dueHours: due,
        workType: null, issueType: null, subIssueType: null,
      });
      expect(row).not.toHaveProperty('lifetimeDays');
    }
  });

  it('the two status sections are independent objects (editing one does not change the other)', () => {
    const fresh = defaultTicketing(lists);
    fresh.warningStatus[0]!.enabled = true;
    fresh.warningStatus[0]!.queue!.label = 'changed';
    expect(fresh.criticalStatus[0]!.enabled).toBe(false);
    expect(fresh.criticalStatus[0]!.queue!.label).toBe('Monitoring Alert');
    expect(defaultTicketing(lists).warningStatus[0]!.enabled).toBe(false);
  });
});
