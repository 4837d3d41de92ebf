// README › Defaults and the validation rules of the configuration model.
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA_VERSION, type Integration } from '../../source/domain/config.js';
import { addDays, calendarDate } from '../../source/domain/dates.js';
import { AGENT_DEFAULTS, AUTOTASK_DEFAULTS, defaultConfig, defaultTicketing, KSC_DEFAULTS, newIntegration, resolveChoice } from '../../source/domain/defaults.js';
import { platformProfile, psaProfile } from '../../source/domain/profiles/index.js';
import { integrationSecrets, secretEnvVar } from '../../source/domain/secretNames.js';
import { STATUS_DESCRIPTIONS, statusDescriptionForKscBit } from '../../source/domain/statusDescriptions.js';
import type { PicklistValue, TicketPicklists } from '../../source/domain/types.js';
import { validateConfig } from '../../source/domain/validate.js';

const v = (value: string, label: string, active = true): PicklistValue => ({ value, label, active, parentValue: null, isDefault: false });

const ksc = platformProfile('ksc');
const autotask = psaProfile('autotask');

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
  i.ticketing = defaultTicketing(ksc, autotask, picklists);
  return i;
}

describe('ticketing defaults (README › Defaults)', () => {
  const t = defaultTicketing(ksc, autotask, picklists);

  it('General: no source, New and Complete statuses', () => {
    expect(t.general).toEqual({ source: null, newStatus: { value: '1', label: 'New' }, closedStatus: { value: '5', label: 'Complete' } });
  });

  it('Events: one row per severity, creation off, lifetime 1 day, Monitoring Alert, 12 h', () => {
    expect(t.sections.events!.map((r) => [r.key, r.enabled, r.lifetimeDays, r.fields.queue?.label, r.fields.priority?.label, r.dueHours])).toEqual([
      ['critical', false, 1, 'Monitoring Alert', 'Critical', 12],
      ['functional-failure', false, 1, 'Monitoring Alert', 'Medium', 12],
      ['warning', false, 1, 'Monitoring Alert', 'Medium', 12],
    ]);
  });

  it('Warning status: every description, off, Monitoring Alert, Medium, 24 h', () => {
    expect(t.sections.warningStatus).toHaveLength(STATUS_DESCRIPTIONS.length);
    for (const r of t.sections.warningStatus!) expect([r.enabled, r.fields.queue?.value, r.fields.priority?.label, r.dueHours]).toEqual([false, '8', 'Medium', 24]);
  });

  it('Critical status: every description, off, Monitoring Alert, Critical, 12 h', () => {
    expect(t.sections.criticalStatus!.map((r) => r.key)).toEqual(STATUS_DESCRIPTIONS.map((d) => d.id));
    for (const r of t.sections.criticalStatus!) expect([r.enabled, r.fields.queue?.value, r.fields.priority?.value, r.dueHours]).toEqual([false, '8', '4', 12]);
  });

  it('a default whose PSA value no longer exists (or is inactive) is blank', () => {
    const gone = defaultTicketing(ksc, autotask, { ...picklists, queues: [v('8', 'Monitoring Alert', false)], priorities: [v('2', 'Medium')] });
    expect(gone.sections.events![0]!.fields.queue).toBeNull();
    expect(gone.sections.events![0]!.fields.priority).toBeNull();
    expect(gone.sections.events![1]!.fields.priority).toEqual({ value: '2', label: 'Medium' });
  });

  it('resolves labels case-insensitively', () => {
    expect(resolveChoice('monitoring alert ', picklists.queues!)).toEqual({ value: '8', label: 'Monitoring Alert' });
    expect(resolveChoice(null, picklists.queues!)).toBeNull();
  });

  it('without a PSA the labels are kept, unresolved', () => {
    const offline = defaultTicketing(ksc, autotask);
    expect(offline.sections.events![0]!.fields.queue).toEqual({ value: '', label: 'Monitoring Alert' });
  });
});

describe('agent and connection defaults', () => {
  it('match README › Ticket rules', () => {
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
    const s = i.ticketing.sections;
    s.events![0] = { ...s.events![0]!, enabled: true, lifetimeDays: 366, dueHours: 0, fields: { ...s.events![0]!.fields, queue: null } };
    s.warningStatus![0] = { ...s.warningStatus![0]!, enabled: true, dueHours: 8761 };
    const paths = validateConfig({ ...defaultConfig(), integrations: [i] }).map((p) => p.path);
    expect(paths).toEqual([
      'integrations[0].ticketing.sections.events[0].dueHours',
      'integrations[0].ticketing.sections.events[0].lifetimeDays',
      'integrations[0].ticketing.sections.events[0].fields.queue',
      'integrations[0].ticketing.sections.warningStatus[0].dueHours',
    ]);
  });

  it('holds a switched-off row only to numbers being numbers: its values are kept unused until it is switched on', () => {
    const i = integration();
    const config = () => ({ ...defaultConfig(), integrations: [i] });
    const s = i.ticketing.sections;
    s.events![2] = { ...s.events![2]!, enabled: false, lifetimeDays: 9999, dueHours: -3, fields: { ...s.events![2]!.fields, queue: null, priority: null } };
    s.warningStatus![0] = { ...s.warningStatus![0]!, enabled: false, dueHours: 8761 };
    expect(validateConfig(config())).toEqual([]);
    s.criticalStatus![0] = { ...s.criticalStatus![0]!, enabled: false, dueHours: Number.NaN };
    expect(validateConfig(config())).toEqual([
      {
        path: 'integrations[0].ticketing.sections.criticalStatus[0].dueHours',
        message: 'Critical status › Device is unmanaged: Due must be a number (kept unused while ticket creation is off; 1–8760 hours to switch it on).',
      },
    ]);
    // Switched on, the same values are refused, each with its row, column and range.
    s.criticalStatus![0] = { ...s.criticalStatus![0]!, dueHours: 12 };
    s.events![2] = { ...s.events![2]!, enabled: true };
    expect(validateConfig(config()).map((p) => p.message)).toEqual([
      'Events › Warning: Due must be a whole number of hours from 1 to 8760.',
      'Events › Warning: Lifetime must be a whole number of days from 1 to 365.',
      'Events › Warning: choose a Queue (required when ticket creation is on).',
      'Events › Warning: choose a Priority (required when ticket creation is on).',
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

// Two mappings that write the same quantity would see-saw every day (M6): each refusal, table-driven.
describe('validateConfig: no two mappings fight over one quantity', () => {
  type TenantRow = Integration['tenants'][number];
  const row = (tenantId: string, tenantName: string, accountId: string | null, contractId: string | null = null): TenantRow => ({
    tenantId,
    tenantName,
    accountId,
    accountName: accountId ? `Account ${accountId}` : null,
    billing: contractId !== null,
    contractId,
    contractName: contractId ? `Contract ${contractId}` : null,
  });
  const item = (value: string, label = `Item ${value}`) => ({ value, label });
  const app = (applicationId: string, applicationName: string, slots: Partial<Record<'single' | 'workstation' | 'server' | 'nonWindows', string>> = {}) => ({
    applicationId,
    applicationName,
    single: slots.single ? item(slots.single) : null,
    workstation: slots.workstation ? item(slots.workstation) : null,
    server: slots.server ? item(slots.server) : null,
    nonWindows: slots.nonWindows ? item(slots.nonWindows) : null,
  });
  /** An integration with a name, a platform URL, a PSA zone and tenants; billing optional. */
  const make = (
    name: string,
    opts: { kscUrl?: string; kind?: 'ksc' | 'kbh'; apiUrl?: string | null; tenants?: TenantRow[]; billing?: Integration['billing'] } = {},
  ): Integration => {
    const i = integration();
    i.name = name;
    if (opts.kind === 'kbh') i.platform = { kind: 'kbh', url: opts.kscUrl ?? 'https://hub.kaspersky.com', email: 'a@b', caFile: null };
    else i.platform = { ...(i.platform as Extract<Integration['platform'], { kind: 'ksc' }>), url: opts.kscUrl ?? 'https://ksc:13299' };
    i.psa = { ...(i.psa as Extract<Integration['psa'], { kind: 'autotask' }>), apiUrl: opts.apiUrl ?? null };
    i.tenants = opts.tenants ?? [];
    if (opts.billing) i.billing = opts.billing;
    return i;
  };
  const check = (...integrations: Integration[]) => validateConfig({ ...defaultConfig(), integrations });

  interface Case {
    what: string;
    integrations: () => Integration[];
    /** Substrings of one problem's message, and its path; null when the config must be accepted. */
    expected: { path: string; message: string[] } | null;
  }

  const cases: Case[] = [
    // (a) one tenant, two integrations on the same platform spelled differently
    {
      what: 'same tenant, KSC URLs differing only in case',
      integrations: () => [make('a', { kscUrl: 'https://KSC.example:13299', tenants: [row('vs-1', 'Acme', null)] }), make('b', { kscUrl: 'https://ksc.example:13299', tenants: [row('vs-1', 'Acme', null)] })],
      expected: { path: 'integrations[1].tenants[0]', message: ['Tenant "Acme"', 'integration "a"'] },
    },
    {
      what: 'same tenant, KSC URLs differing only by a trailing slash',
      integrations: () => [make('a', { kscUrl: 'https://ksc.example:13299/', tenants: [row('vs-1', 'Acme', null)] }), make('b', { kscUrl: 'https://ksc.example:13299', tenants: [row('vs-1', 'Acme', null)] })],
      expected: { path: 'integrations[1].tenants[0]', message: ['Tenant "Acme"', 'integration "a"'] },
    },
    {
      what: 'same tenant id on two different KSC servers is fine',
      integrations: () => [make('a', { kscUrl: 'https://ksc-one:13299', tenants: [row('vs-1', 'Acme', null)] }), make('b', { kscUrl: 'https://ksc-two:13299', tenants: [row('vs-1', 'Acme', null)] })],
      expected: null,
    },
    {
      what: 'same tenant id on KSC and on KBH with the same URL is fine (different platforms)',
      integrations: () => [make('a', { kscUrl: 'https://x.example', tenants: [row('vs-1', 'Acme', null)] }), make('b', { kind: 'kbh', kscUrl: 'https://x.example', tenants: [row('vs-1', 'Acme', null)] })],
      expected: null,
    },
    // (b) one Autotask account in two integrations on the same PSA
    {
      what: 'same Autotask account in two integrations on one PSA',
      integrations: () => [make('a', { kscUrl: 'https://ksc-one', tenants: [row('vs-1', 'Acme', '29683')] }), make('b', { kscUrl: 'https://ksc-two', tenants: [row('vs-9', 'Acme (old server)', '29683')] })],
      expected: { path: 'integrations[1].tenants[0].accountId', message: ['Account 29683', '"Acme (old server)"', '"Acme"', 'integration "a"'] },
    },
    {
      what: 'same account and contract in two integrations: reported once, on the account',
      integrations: () => [make('a', { kscUrl: 'https://ksc-one', tenants: [row('vs-1', 'Acme', '29683', '7')] }), make('b', { kscUrl: 'https://ksc-two', tenants: [row('vs-9', 'Acme (old server)', '29683', '7')] })],
      expected: { path: 'integrations[1].tenants[0].accountId', message: ['Account 29683', 'integration "a"'] },
    },
    {
      what: 'same account and contract in two rows of one integration: reported once, on the account',
      integrations: () => [make('a', { tenants: [row('vs-1', 'Acme', '29683', '7'), row('vs-2', 'Acme 2', '29683', '7')] })],
      expected: { path: 'integrations[0].tenants[1].accountId', message: ['"Acme"', '"Acme 2"'] },
    },
    {
      what: 'same account id on two Autotask instances pinned to different zones is fine',
      integrations: () => [
        make('a', { kscUrl: 'https://ksc-one', apiUrl: 'https://webservices2.autotask.net/atservicesrest/', tenants: [row('vs-1', 'Acme', '29683')] }),
        make('b', { kscUrl: 'https://ksc-two', apiUrl: 'https://webservices5.autotask.net/atservicesrest/', tenants: [row('vs-9', 'Other', '29683')] }),
      ],
      expected: null,
    },
    {
      what: 'different accounts in two integrations on one PSA are fine',
      integrations: () => [make('a', { kscUrl: 'https://ksc-one', tenants: [row('vs-1', 'Acme', '1', '7')] }), make('b', { kscUrl: 'https://ksc-two', tenants: [row('vs-9', 'Other', '2', '8')] })],
      expected: null,
    },
    // one contract billed by two tenants (a hand-edited file: a contract belongs to one account)
    {
      what: 'one contract billed by two tenants of one integration',
      integrations: () => [make('a', { tenants: [row('vs-1', 'Acme', '1', '7'), row('vs-2', 'Beta', '2', '7')] })],
      expected: { path: 'integrations[0].tenants[1].contractId', message: ['Contract 7', '"Acme"', '"Beta"'] },
    },
    {
      what: 'one contract billed by tenants of two integrations on one PSA',
      integrations: () => [make('a', { kscUrl: 'https://ksc-one', tenants: [row('vs-1', 'Acme', '1', '7')] }), make('b', { kscUrl: 'https://ksc-two', tenants: [row('vs-2', 'Beta', '2', '7')] })],
      expected: { path: 'integrations[1].tenants[0].contractId', message: ['Contract 7', '"Acme"', '"Beta"', 'integration "a"'] },
    },
    // (c) one billing item written by two applications (an application's categories may share one)
    {
      what: 'two applications on one billing item (single)',
      integrations: () => [make('a', { billing: { byCategory: false, applications: [app('kes', 'Endpoint Security', { single: '55' }), app('kesm', 'Mail Security', { single: '55' })] } })],
      expected: { path: 'integrations[0].billing.applications[1].single', message: ['Item 55', '"Endpoint Security"', '"Mail Security"'] },
    },
    {
      what: 'two categories of one application may share one billing item (the plan adds their quantities)',
      integrations: () => [make('a', { billing: { byCategory: true, applications: [app('kes', 'Endpoint Security', { workstation: '55', server: '55', nonWindows: '57' })] } })],
      expected: null,
    },
    {
      what: 'all categories of one application and its "single" on one billing item',
      integrations: () => [make('a', { billing: { byCategory: true, applications: [app('kes', 'Endpoint Security', { single: '55', workstation: '55', server: '55', nonWindows: '55' })] } })],
      expected: null,
    },
    {
      what: 'a shared category item of one application is still refused to another application',
      integrations: () => [make('a', { billing: { byCategory: true, applications: [app('kes', 'Endpoint Security', { workstation: '55', server: '55' }), app('ksws', 'Windows Server', { server: '55' })] } })],
      expected: { path: 'integrations[0].billing.applications[1].server', message: ['Item 55', '"Endpoint Security" (workstations)', '"Windows Server" (servers)'] },
    },
    {
      what: 'a category of one application and another application on one billing item',
      integrations: () => [make('a', { billing: { byCategory: true, applications: [app('kes', 'Endpoint Security', { workstation: '55' }), app('kesm', 'Mail Security', { single: '55' })] } })],
      expected: { path: 'integrations[0].billing.applications[1].single', message: ['Item 55', '"Endpoint Security" (workstations)', '"Mail Security"'] },
    },
    {
      what: 'distinct items per application and category are fine',
      integrations: () => [
        make('a', { billing: { byCategory: true, applications: [app('kes', 'Endpoint Security', { single: '54', workstation: '55', server: '56', nonWindows: '57' }), app('kesm', 'Mail Security', { single: '58' })] } }),
      ],
      expected: null,
    },
    {
      what: 'one application may use the same item as "single" and as a category (only one of them is ever billed)',
      integrations: () => [make('a', { billing: { byCategory: true, applications: [app('kes', 'Endpoint Security', { single: '55', workstation: '55' })] } })],
      expected: null,
    },
    {
      what: 'by-category off: category items are not billed, so they cannot collide',
      integrations: () => [make('a', { billing: { byCategory: false, applications: [app('kes', 'Endpoint Security', { single: '54', workstation: '58' }), app('kesm', 'Mail Security', { single: '58' })] } })],
      expected: null,
    },
    {
      what: 'an unresolved item (no value yet) collides with nothing',
      integrations: () => [
        make('a', { billing: { byCategory: false, applications: [{ ...app('kes', 'Endpoint Security'), single: { value: '', label: 'Kaspersky' } }, { ...app('kesm', 'Mail Security'), single: { value: '', label: 'Kaspersky' } }] } }),
      ],
      expected: null,
    },
    {
      what: 'the same billing item in two integrations is fine (they bill different contracts)',
      integrations: () => [
        make('a', { kscUrl: 'https://ksc-one', billing: { byCategory: false, applications: [app('kes', 'Endpoint Security', { single: '55' })] } }),
        make('b', { kscUrl: 'https://ksc-two', billing: { byCategory: false, applications: [app('kes', 'Endpoint Security', { single: '55' })] } }),
      ],
      expected: null,
    },
  ];

  it.each(cases)('$what', ({ integrations, expected }) => {
    const problems = check(...integrations());
    if (expected === null) {
      expect(problems).toEqual([]);
      return;
    }
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe(expected.path);
    for (const part of expected.message) expect(problems[0]!.message).toContain(part);
  });
});
