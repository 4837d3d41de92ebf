// README › Defaults table, cell by cell: the data (the KSC and Autotask profiles) and what
// defaultTicketing() builds from it, offline (labels unresolved) and against live picklists.
import { describe, expect, it } from 'vitest';
import { defaultTicketing } from '../../source/domain/defaults.js';
import { platformProfile, psaProfile } from '../../source/domain/profiles/index.js';
import { STATUS_DESCRIPTIONS } from '../../source/domain/statusDescriptions.js';
import type { PicklistValue, TicketPicklists } from '../../source/domain/types.js';

const ksc = platformProfile('ksc');
const at = psaProfile('autotask');
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

describe('README › Defaults as data (the KSC and Autotask profiles)', () => {
  const general = (id: string) => at.ticketing.general.find((f) => f.id === id)!;
  const row = (id: string) => at.ticketing.row.find((f) => f.id === id)!;
  const section = (id: string) => ksc.sections.find((s) => s.id === id)!;

  it('General: source none, new status New, closed status Complete', () => {
    expect(general('source').defaultLabel).toBeNull();
    expect(general('newStatus').defaultLabel).toBe('New');
    expect(general('closedStatus').defaultLabel).toBe('Complete');
  });

  it('Events rows exist for Critical, Functional failure and Warning only (never Info)', () => {
    expect(section('events').rows.map((r) => r.key)).toEqual(['critical', 'functional-failure', 'warning']);
  });

  it('Queue Monitoring Alert everywhere; Priority Critical for critical rows, Medium for the others', () => {
    expect(row('queue').defaultLabel).toBe('Monitoring Alert');
    expect(row('priority').defaultByLevel).toEqual({ critical: 'Critical', other: 'Medium' });
  });

  it.each([
    ['events', true, 1, 12],
    ['warningStatus', false, undefined, 24],
    ['criticalStatus', false, undefined, 12],
  ] as const)('%s: lifetime column %s (%s day), due %i h', (id, lifetime, days, due) => {
    expect([section(id).lifetime, section(id).lifetimeDays, section(id).dueHours]).toEqual([lifetime, days, due]);
  });
});

describe.each([
  ['offline (labels kept, values unresolved)', undefined],
  ['against live picklists', picklists],
] as const)('defaultTicketing() %s', (_name, lists) => {
  const t = defaultTicketing(ksc, at, lists);
  const choice = (label: keyof typeof IDS) => (lists ? { value: IDS[label], label } : { value: '', label });

  it('General: source none, New, Complete', () => {
    expect(t.general.source).toBeNull();
    expect(t.general.newStatus).toEqual(lists ? { value: '1', label: 'New' } : { value: '', label: 'New' });
    expect(t.general.closedStatus).toEqual(lists ? { value: '5', label: 'Complete' } : { value: '', label: 'Complete' });
  });

  it('Events: one row per severity in order', () => {
    expect(t.sections.events!.map((r) => r.key)).toEqual(EVENTS_TABLE.map((r) => r[0]));
  });

  it.each(EVENTS_TABLE)('Events › %s: off, %s day, %s, %s, %s h, no work/issue type', (severity, enabled, lifetime, queue, priority, due) => {
    const row = t.sections.events!.find((r) => r.key === severity)!;
    expect(row).toEqual({
      key: severity, enabled, lifetimeDays: lifetime, dueHours: due,
      fields: { queue: choice(queue), priority: choice(priority), workType: null, issueType: null, subIssueType: null },
    });
  });

  it.each(STATUS_TABLE)('%s: every status description has a row, in catalog order', (section) => {
    expect(t.sections[section]!.map((r) => r.key)).toEqual(STATUS_DESCRIPTIONS.map((d) => d.id));
  });

  it.each(STATUS_TABLE)('%s: every row off, %s, %s, %s h, no work/issue type', (section, enabled, queue, priority, due) => {
    for (const row of t.sections[section]!) {
      expect(row).toEqual({
        key: row.key, enabled, lifetimeDays: null, dueHours: due,
        fields: { queue: choice(queue), priority: choice(priority), workType: null, issueType: null, subIssueType: null },
      });
    }
  });

  it('the two status sections are independent objects (editing one does not change the other)', () => {
    const fresh = defaultTicketing(ksc, at, lists);
    fresh.sections.warningStatus![0]!.enabled = true;
    fresh.sections.warningStatus![0]!.fields.queue!.label = 'changed';
    expect(fresh.sections.criticalStatus![0]!.enabled).toBe(false);
    expect(fresh.sections.criticalStatus![0]!.fields.queue!.label).toBe('Monitoring Alert');
    expect(fresh.sections.warningStatus![1]!.fields.queue!.label).toBe('Monitoring Alert');
    expect(defaultTicketing(ksc, at, lists).sections.warningStatus![0]!.enabled).toBe(false);
  });
});
