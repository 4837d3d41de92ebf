// Per-customer routing overrides (domain/ticketOverrides.ts, their problems in ticketSchema.ts,
// the Ticketing tab's draft of them in ui/screens/ticketing/model.ts, the config schema): which
// override applies, what the row becomes, what Save refuses. End to end over the simulators:
// test/tickets/routing-overrides.test.ts.
import { describe, expect, it } from 'vitest';
import type { TicketingSettings, TicketOverride } from '../../source/domain/config.js';
import { defaultConfig, KSC_DEFAULTS, AUTOTASK_DEFAULTS, newIntegration } from '../../source/domain/defaults.js';
import { platformProfile, psaProfile } from '../../source/domain/profiles/index.js';
import { decideStatusTickets } from '../../source/domain/ticketEngine.js';
import { applyOverride, overrideFor, shadowedTenants, tenantRule } from '../../source/domain/ticketOverrides.js';
import { defaultTicketing, resolveTicketing, scopesInUse, ticketingProblems } from '../../source/domain/ticketSchema.js';
import type { PicklistValue, TicketPicklists } from '../../source/domain/types.js';
import { schemaProblems } from '../../source/store/configSchema.js';
import { addOverride, changedIds, fromDraft, moveOverride, rebaseDraft, removeOverride, setOverride, setOverrideField, toDraft } from '../../source/ui/screens/ticketing/model.js';

const ksc = platformProfile('ksc');
const at = psaProfile('autotask');
const cw = psaProfile('connectwise');
const v = (value: string, label: string, extra: Partial<PicklistValue> = {}): PicklistValue => ({ value, label, active: true, parentValue: null, isDefault: false, ...extra });

const atLists: TicketPicklists = {
  queues: [v('8', 'Monitoring Alert'), v('5', 'Security Operations'), v('6', 'Retired', { active: false })],
  priorities: [v('4', 'Critical'), v('2', 'Medium')],
  statuses: [v('1', 'New'), v('5', 'Complete')],
  sources: [v('2', 'Monitoring Alert')],
  issueTypes: [],
  subIssueTypes: [],
  workTypes: [],
};
const cwLists: TicketPicklists = {
  boards: [v('10', 'Monitoring Alert'), v('20', 'Security Operations')],
  statuses: [v('101', 'New', { parentValue: '10' }), v('103', 'Closed', { parentValue: '10', closed: true }), v('201', 'New', { parentValue: '20' }), v('203', 'Resolved', { parentValue: '20', closed: true })],
  priorities: [v('1', 'Critical'), v('3', 'Medium')],
  sources: [],
  types: [v('11', 'Malware', { parentValue: '10' }), v('21', 'Incident', { parentValue: '20' })],
  subtypes: [],
  items: [],
};

const ALPHA = { tenantId: 'vs-alpha', tenantName: 'Alpha Dental' };
const BETA = { tenantId: 'vs-beta', tenantName: 'Beta Builders' };
const ov = (o: Partial<TicketOverride>): TicketOverride => ({ tenants: [BETA], section: 'criticalStatus', key: 'databases-outdated', enabled: true, fields: {}, dueHours: null, ...o });

function atTicketing(overrides: TicketOverride[]): TicketingSettings {
  const t = defaultTicketing(ksc, at, atLists);
  t.sections.criticalStatus = t.sections.criticalStatus!.map((r) => (r.key === 'databases-outdated' ? { ...r, enabled: true } : r));
  return { ...t, overrides };
}

describe('which override applies, and what the row becomes', () => {
  it('the first override of the row listing the tenant; another tenant or row gets the rule', () => {
    const t = atTicketing([
      ov({ key: 'rtp-not-running', fields: { queue: { value: '6', label: 'Retired' } } }),
      ov({ tenants: [ALPHA, BETA], fields: { queue: { value: '5', label: 'Security Operations' } } }),
      ov({ enabled: false }),
    ]);
    expect(overrideFor(t, 'criticalStatus', 'databases-outdated', BETA.tenantId)?.index).toBe(1);
    expect(overrideFor(t, 'criticalStatus', 'databases-outdated', 'vs-other')).toBeNull();
    expect(overrideFor(t, 'warningStatus', 'databases-outdated', BETA.tenantId)).toBeNull();
    expect(shadowedTenants(t, 2)).toEqual([BETA.tenantId]);
    expect(shadowedTenants(t, 1)).toEqual([]);
    const rule = t.sections.criticalStatus!.find((r) => r.key === 'databases-outdated')!;
    const beta = tenantRule(t, 'criticalStatus', rule, BETA.tenantId, at);
    expect([beta.enabled, beta.fields.queue?.label, beta.fields.priority?.label, beta.dueHours]).toEqual([true, 'Security Operations', rule.fields.priority?.label, rule.dueHours]);
    expect(tenantRule(t, 'criticalStatus', rule, 'vs-other', at)).toBe(rule);
  });

  it('never switches a row on; a due time of its own replaces the rule\'s', () => {
    const t = atTicketing([]);
    const off = t.sections.criticalStatus!.find((r) => r.key === 'rtp-not-running')!;
    expect(applyOverride(off, ov({ key: off.key, dueHours: 2 }), at)).toMatchObject({ enabled: false, dueHours: 2 });
  });

  it("a board of its own takes the board's type from the override only (blank unless it sets one)", () => {
    const t = defaultTicketing(ksc, cw, cwLists);
    const rule = { ...t.sections.criticalStatus![0]!, enabled: true, fields: { ...t.sections.criticalStatus![0]!.fields, board: { value: '10', label: 'Monitoring Alert' }, type: { value: '11', label: 'Malware' } } };
    expect(applyOverride(rule, ov({ fields: { board: { value: '20', label: 'Security Operations' } } }), cw).fields).toMatchObject({ board: { value: '20' }, type: null });
    expect(applyOverride(rule, ov({ fields: { priority: { value: '3', label: 'Medium' } } }), cw).fields).toMatchObject({ board: { value: '10' }, type: { value: '11' } });
  });

  it('the engine: a status ticket of the overridden tenant carries the override\'s queue; switched off, none', () => {
    const i = newIntegration('demo', { ...KSC_DEFAULTS, url: 'https://ksc.example:13299', username: 'k' }, { ...AUTOTASK_DEFAULTS, username: 'api@x' });
    i.ticketing = atTicketing([ov({ fields: { queue: { value: '5', label: 'Security Operations' } } }), ov({ tenants: [ALPHA], enabled: false })]);
    const now = new Date('2026-12-07T10:00:00Z');
    const decide = (tenant: typeof ALPHA) =>
      decideStatusTickets({
        integration: i,
        mapping: { ...tenant, accountId: '1', accountName: 'x', billing: false, contractId: null, contractName: null },
        account: { id: '1', name: 'x', active: true } as never,
        devices: [{ id: 'd1', name: 'WS', tenantId: tenant.tenantId, statuses: [{ id: 'databases-outdated', severity: 'critical' }] } as never],
        open: [],
        now,
      });
    expect(decide(BETA).create.map((d) => d.fields.queue)).toEqual(['5']);
    expect(decide(ALPHA)).toMatchObject({ create: [], skipped: [{ reason: 'rule-off' }] });
  });
});

describe('what Save refuses', () => {
  it('no customer, a row the platform does not have, a due time out of range, a queue the PSA no longer has', () => {
    const t = atTicketing([
      ov({ tenants: [] }),
      ov({ key: 'no-such-row' }),
      ov({ dueHours: 0 }),
      ov({ fields: { queue: { value: '6', label: 'Retired' } } }),
    ]);
    expect(ticketingProblems(t, ksc, at, atLists).map((p) => [p.path, p.short])).toEqual([
      ['overrides[0].tenants', 'a customer required'],
      ['overrides[1].key', 'not a rule row'],
      ['overrides[2].dueHours', 'Due 1–8760 hours'],
      ['overrides[3].fields.queue', 'Queue required'],
    ]);
    expect(ticketingProblems(t, ksc, at, atLists)[3]!.message).toBe(
      'Override 4 (for Beta Builders), Critical status › Databases are out of date: choose a Queue (“Retired” no longer exists or is inactive in Autotask; required when ticket creation is on).',
    );
  });

  it('an override of a row that is off, or that switches it off, is not held to its values', () => {
    const t = atTicketing([ov({ enabled: false, fields: { queue: { value: '6', label: 'Retired' } } }), ov({ key: 'rtp-not-running', fields: { queue: { value: '6', label: 'Retired' } } })]);
    expect(ticketingProblems(t, ksc, at, atLists)).toEqual([]);
  });

  it("a board an override sends tickets to is in use: its statuses are required", () => {
    const t = defaultTicketing(ksc, cw, cwLists);
    t.sections.criticalStatus = t.sections.criticalStatus!.map((r) => (r.key === 'databases-outdated' ? { ...r, enabled: true } : r));
    t.overrides = [ov({ fields: { board: { value: '20', label: 'Security Operations' } } })];
    expect(scopesInUse(t, cw, cwLists).map((s) => s.label)).toEqual(['Monitoring Alert', 'Security Operations']);
    expect(ticketingProblems(t, ksc, cw, cwLists).map((p) => p.short)).toEqual(['New status of Security Operations required', 'Closed status of Security Operations required']);
  });

  it('labels chosen before the PSA answered are resolved, and the overrides kept', () => {
    const t = atTicketing([ov({ fields: { queue: { value: '', label: 'security operations' } } })]);
    expect(resolveTicketing(t, at, atLists).overrides).toEqual([ov({ fields: { queue: { value: '5', label: 'Security Operations' } } })]);
  });
});

describe('the configuration file', () => {
  it('takes overrides (optional), refuses an unknown key in one', () => {
    const config = defaultConfig();
    const i = newIntegration('main', { ...KSC_DEFAULTS, url: 'https://ksc.example:13299', username: 'k' }, { ...AUTOTASK_DEFAULTS, username: 'api@x' });
    config.integrations.push(i);
    expect(schemaProblems(JSON.parse(JSON.stringify(config)))).toEqual([]);
    i.ticketing.overrides = [ov({ fields: { queue: { value: '5', label: 'Security Operations' } }, dueHours: 4 })];
    expect(schemaProblems(JSON.parse(JSON.stringify(config)))).toEqual([]);
    (i.ticketing.overrides[0] as unknown as Record<string, unknown>).password = 'x';
    expect(schemaProblems(JSON.parse(JSON.stringify(config)))).toEqual([{ path: 'integrations[0].ticketing.overrides[0].password', message: 'is not a known setting; remove it.' }]);
  });
});

describe('the Ticketing tab draft of the overrides', () => {
  const schema = { platform: ksc, psa: cw };
  it('round-trips, adds, moves, removes; changes are marked; a new board clears the type', () => {
    const t = defaultTicketing(ksc, cw, cwLists);
    t.overrides = [ov({ fields: { board: { value: '20', label: 'Security Operations' }, type: { value: '21', label: 'Incident' } }, dueHours: 4 }), ov({ tenants: [ALPHA], enabled: false })];
    const saved = toDraft(t, schema);
    expect(fromDraft(saved, schema, undefined).overrides).toEqual(t.overrides);
    expect(fromDraft(toDraft(defaultTicketing(ksc, cw, cwLists), schema), schema, undefined)).not.toHaveProperty('overrides');

    const added = addOverride(saved, { section: 'events', key: 'critical' }, [ALPHA]);
    expect(added.draft.overrides.map((o) => o.id)).toEqual(['overrides:1', 'overrides:2', added.id]);
    expect(moveOverride(added.draft, added.id, -1).overrides.map((o) => o.id)).toEqual(['overrides:1', added.id, 'overrides:2']);
    expect([...changedIds(saved, moveOverride(added.draft, added.id, -1))]).toEqual([added.id, 'overrides:2']);
    expect([...changedIds(saved, removeOverride(saved, 'overrides:2'))]).toEqual(['overrides:removed']);

    const rebased = setOverride(saved, 'overrides:1', (o) => setOverrideField(o, 'board', { value: '10', label: 'Monitoring Alert' }, cw));
    expect(rebased.overrides[0]!.fields).toMatchObject({ board: { value: '10' }, type: null });
  });

  it('reload: edits of the overrides are kept over a file that did not change them; where both changed, the file wins and says so', () => {
    const t = defaultTicketing(ksc, cw, cwLists);
    t.overrides = [ov({}), ov({ tenants: [ALPHA], enabled: false })];
    const base = toDraft(t, schema);
    const mine = moveOverride(base, 'overrides:2', -1);
    expect(rebaseDraft(base, mine, toDraft(t, schema), schema)).toMatchObject({ replaced: [] });
    expect(rebaseDraft(base, mine, toDraft(t, schema), schema).draft.overrides.map((o) => o.enabled)).toEqual([false, true]);
    const theirs = removeOverride(base, 'overrides:1');
    const out = rebaseDraft(base, mine, theirs, schema);
    expect(out.replaced).toEqual(['Routing overrides']);
    expect(out.draft.overrides.map((o) => o.id)).toEqual(['overrides:2']);
  });
});
