// SPEC.md §2.3 defaults and the validation rules of the configuration model.
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA_VERSION, type Integration } from '../../source/domain/config.js';
import { addDays, calendarDate } from '../../source/domain/dates.js';
import { AGENT_DEFAULTS, AUTOTASK_DEFAULTS, defaultConfig, defaultTicketing, KSC_DEFAULTS, newIntegration, resolveChoice } from '../../source/domain/defaults.js';
import { integrationSecrets, secretEnvVar } from '../../source/domain/secretNames.js';
import { STATUS_DESCRIPTIONS, statusDescriptionForKscBit } from '../../source/domain/statusDescriptions.js';
import type { PicklistValue, TicketPicklists } from '../../source/domain/types.js';
import { validateConfig } from '../../source/domain/validate.js';

const v = (value: string, label: string, active = true): PicklistValue => ({ value, label, active, parentValue: null, isDefault: false });

const picklists: TicketPicklists = {
  queues: [v('8', 'Monitoring Alert'), v('5', 'Level I Support')],
  priorities: [v('4', 'Critical'), v('1', 'High'), v('2', 'Medium'), v('3', 'Low')],
  statuses: [v('1', 'New'), v('5', 'Complete'), v('8', 'In Progress')],
  sources: [v('2', 'Monitoring Alert')],
  issueTypes: [],
  subIssueTypes: [],
  workTypes: [],
};

function integration(): Integration {
  const i = newIntegration(
    'main',
    { ...KSC_DEFAULTS, url: 'https://ksc:13299', username: 'u' },
    { ...AUTOTASK_DEFAULTS, username: 'api@x' },
  );
  i.ticketing = defaultTicketing(picklists);
  return i;
}

describe('ticketing defaults (SPEC.md §2.3)', () => {
  const t = defaultTicketing(picklists);

  it('General: no source, New and Complete statuses', () => {
    expect(t.general).toEqual({ source: null, newStatus: { value: '1', label: 'New' }, closedStatus: { value: '5', label: 'Complete' } });
  });

  it('Events: one row per severity, creation off, lifetime 1 day, Monitoring Alert, 12 h', () => {
    expect(t.events.map((r) => [r.severity, r.enabled, r.lifetimeDays, r.queue?.label, r.priority?.label, r.dueHours])).toEqual([
      ['critical', false, 1, 'Monitoring Alert', 'Critical', 12],
      ['functional-failure', false, 1, 'Monitoring Alert', 'Medium', 12],
      ['warning', false, 1, 'Monitoring Alert', 'Medium', 12],
    ]);
  });

  it('Warning status: every description, off, Monitoring Alert, Medium, 24 h', () => {
    expect(t.warningStatus).toHaveLength(STATUS_DESCRIPTIONS.length);
    for (const r of t.warningStatus) expect([r.enabled, r.queue?.value, r.priority?.label, r.dueHours]).toEqual([false, '8', 'Medium', 24]);
  });

  it('Critical status: every description, off, Monitoring Alert, Critical, 12 h', () => {
    expect(t.criticalStatus.map((r) => r.descriptionId)).toEqual(STATUS_DESCRIPTIONS.map((d) => d.id));
    for (const r of t.criticalStatus) expect([r.enabled, r.queue?.value, r.priority?.value, r.dueHours]).toEqual([false, '8', '4', 12]);
  });

  it('a default whose PSA value no longer exists (or is inactive) is blank', () => {
    const gone = defaultTicketing({ ...picklists, queues: [v('8', 'Monitoring Alert', false)], priorities: [v('2', 'Medium')] });
    expect(gone.events[0]!.queue).toBeNull();
    expect(gone.events[0]!.priority).toBeNull();
    expect(gone.events[1]!.priority).toEqual({ value: '2', label: 'Medium' });
  });

  it('resolves labels case-insensitively', () => {
    expect(resolveChoice('monitoring alert ', picklists.queues)).toEqual({ value: '8', label: 'Monitoring Alert' });
    expect(resolveChoice(null, picklists.queues)).toBeNull();
  });

  it('without a PSA the labels are kept, unresolved', () => {
    const offline = defaultTicketing();
    expect(offline.events[0]!.queue).toEqual({ value: '', label: 'Monitoring Alert' });
  });
});

describe('agent and connection defaults', () => {
  it('match SPEC.md §3', () => {
    expect(AGENT_DEFAULTS).toEqual({ timeZone: 'UTC', billingSchedule: '0 4 * * *', ticketPollSeconds: 60, ticketsPerAccountPerHour: 20, paused: false });
    expect(AUTOTASK_DEFAULTS.tenantNameField).toBe('Kaspersky Tenant');
    expect(defaultConfig()).toEqual({ schemaVersion: CONFIG_SCHEMA_VERSION, integrations: [], agent: AGENT_DEFAULTS });
  });
});

describe('validateConfig', () => {
  it('accepts a fresh integration with resolved defaults', () => {
    expect(validateConfig({ ...defaultConfig(), integrations: [integration()] })).toEqual([]);
  });

  it('refuses one PSA account mapped to two tenants, naming both', () => {
    const i = integration();
    const base = { accountName: 'Acme Ltd', billing: false, contractId: null, contractName: null };
    i.tenants = [
      { tenantId: 't1', tenantName: 'Acme', accountId: '10', ...base },
      { tenantId: 't2', tenantName: 'Acme 2', accountId: '10', ...base },
    ];
    const problems = validateConfig({ ...defaultConfig(), integrations: [i] });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toContain('"Acme"');
    expect(problems[0]!.message).toContain('"Acme 2"');
  });

  it('refuses billing on without a contract', () => {
    const i = integration();
    i.tenants = [{ tenantId: 't1', tenantName: 'Acme', accountId: '10', accountName: 'Acme', billing: true, contractId: null, contractName: null }];
    expect(validateConfig({ ...defaultConfig(), integrations: [i] }).map((p) => p.path)).toEqual(['integrations[0].tenants[0].contractId']);
  });

  it('checks limits: lifetime 1–365 days, due 1–8760 h, required values on enabled rows', () => {
    const i = integration();
    i.ticketing.events[0] = { ...i.ticketing.events[0]!, enabled: true, lifetimeDays: 366, dueHours: 0, queue: null };
    i.ticketing.warningStatus[0] = { ...i.ticketing.warningStatus[0]!, dueHours: 8761 };
    const paths = validateConfig({ ...defaultConfig(), integrations: [i] }).map((p) => p.path);
    expect(paths).toEqual([
      'integrations[0].ticketing.events[0].dueHours',
      'integrations[0].ticketing.events[0].lifetimeDays',
      'integrations[0].ticketing.events[0].queue',
      'integrations[0].ticketing.warningStatus[0].dueHours',
    ]);
  });

  it('refuses a tenant in two integrations, duplicate names and unknown time zones', () => {
    const a = integration();
    const b = { ...integration(), name: 'main' };
    const t = { tenantId: 't1', tenantName: 'Acme', accountId: null, accountName: null, billing: false, contractId: null, contractName: null };
    a.tenants = [t];
    const c = { ...integration(), name: 'second', tenants: [t] };
    const problems = validateConfig({ ...defaultConfig(), agent: { ...AGENT_DEFAULTS, timeZone: 'Mars/Olympus' }, integrations: [a, b, c] });
    expect(problems.map((p) => p.message).join('\n')).toMatch(/used twice/);
    expect(problems.map((p) => p.message).join('\n')).toMatch(/belongs to integration "main"/);
    expect(problems.map((p) => p.path)).toContain('agent.timeZone');
  });
});

describe('secrets, status catalog, dates', () => {
  it('names every secret an integration needs, with its env var', () => {
    expect(integrationSecrets(integration()).map((s) => s.name)).toEqual(['main.ksc.password', 'main.autotask.secret', 'main.autotask.integration-code']);
    expect(secretEnvVar('main.autotask.integration-code')).toBe('KMSP_SECRET_MAIN_AUTOTASK_INTEGRATION_CODE');
  });

  it('maps KSC status bits to descriptions', () => {
    expect(statusDescriptionForKscBit(7)?.label).toBe('Databases are out of date');
    expect(statusDescriptionForKscBit(1)?.label).toBe('Real-time protection is not running');
    expect(statusDescriptionForKscBit(3)?.label).toBe('Many viruses detected');
    expect(statusDescriptionForKscBit(42)).toBeUndefined();
  });

  it('gives the calendar date in the configured time zone', () => {
    const instant = new Date('2026-11-22T23:30:00Z');
    expect(calendarDate(instant, 'UTC')).toBe('2026-11-22');
    expect(calendarDate(instant, 'Europe/Berlin')).toBe('2026-11-23');
    expect(calendarDate(instant, 'America/New_York')).toBe('2026-11-22');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});
