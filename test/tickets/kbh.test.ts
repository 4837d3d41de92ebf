// The ticket job over Kaspersky Business Hub with Autotask and with ConnectWise, over the
// simulators (README › Ticket rules). fixtures/tickets-basic/kbh.json (simulators/kbh/FIXTURE.md):
// Alpha Dental has KES Cloud devices in Warning and Critical (4 status reasons), KES Cloud events
// of each severity (one older than the one-day window, one Info), Office 365 events of each type
// and an active "Mailboxes protection is not provided" condition; Beta Builders' PSA account is
// inactive. Every ticket row is on. Alpha's first pass makes 11 tickets: 3 KES Cloud events
// (Critical, Functional failure, Warning), 3 Office 365 detections (malware, phishing,
// attachment), 4 device statuses and 1 condition; the condition's own event, the Info event
// and the Office 365 type without a row make none.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TenantMapping, TicketingSettings } from '../../source/domain/config.js';
import { OFFICE365_SECTION } from '../../source/domain/profiles/kbh.js';
import { psaProfile } from '../../source/domain/profiles/index.js';
import { conditionTicketKey, eventTicketKey, fitTag, statusTicketKey } from '../../source/domain/ticketKeys.js';
import { runTickets, type TicketRunOptions } from '../../source/tickets/run.js';
import type { Ledger } from '../../source/store/ledger.js';
import { KBH_PSAS, startKbhEnv, type KbhEnv, type PsaTicketView } from '../helpers/kbh-env.js';

const ALPHA = 'co-alpha-0001';
const ALPHA_ACCOUNT = '29695001';
const BETA = 'co-beta-0002';
const ALPHA_O365 = 'ws-alpha-o365';
const WS2 = 'c3110000-0000-4000-8000-000000000002';
const WS3 = 'c3110000-0000-4000-8000-000000000003';
const SRV1 = 'c3110000-0000-4000-8000-000000000004';
const MAILBOX = 'mailbox-protection-not-provided';
const LICENSE = 'license-issue';

const tenants: TenantMapping[] = [
  { tenantId: ALPHA, tenantName: 'Alpha Dental', accountId: ALPHA_ACCOUNT, accountName: 'Alpha Dental', billing: false, contractId: null, contractName: null },
  { tenantId: BETA, tenantName: 'Beta Builders', accountId: '29695002', accountName: 'Beta Builders', billing: false, contractId: null, contractName: null },
];

/** Every row of every section on, with the defaults the demo resolved against the PSA's lists. */
const allOn = (t: TicketingSettings): TicketingSettings => ({
  ...t,
  sections: Object.fromEntries(Object.entries(t.sections).map(([id, rules]) => [id, rules.map((r) => ({ ...r, enabled: true }))])),
});

const eventKey = (id: string) => eventTicketKey('demo', ALPHA, id);
const statusKey = (device: string, id: string, severity: 'warning' | 'critical') => statusTicketKey('demo', ALPHA, device, id, severity);
const conditionKey = (id: string) => conditionTicketKey('demo', ALPHA, OFFICE365_SECTION, id);

const KES_EVENTS = { 'ev-alpha-0002': 'critical', 'ev-alpha-0003': 'functional-failure', 'ev-alpha-0004': 'warning' } as const;
const O365_EVENTS = { 'ev-alpha-o365-0003': 'malware-detected', 'ev-alpha-o365-0004': 'phishing-detected', 'ev-alpha-o365-0005': 'attachment-filtered' } as const;
const STATUS_KEYS = [
  statusKey(WS2, 'databases-outdated', 'warning'),
  statusKey(WS3, 'rtp-not-running', 'critical'),
  statusKey(WS3, 'databases-outdated', 'warning'),
  statusKey(SRV1, 'app-not-running', 'critical'),
];

describe.each(KBH_PSAS)('Business Hub tickets in %s', (psaKind) => {
  let env: KbhEnv;
  let ledger: Ledger;
  beforeEach(async () => {
    env = await startKbhEnv(psaKind, 'tickets-basic', { tenants, ticketing: allOn });
    ledger = env.ledger();
  });
  afterEach(async () => env.close());

  async function run(extra: Partial<TicketRunOptions> = {}) {
    const c = await env.connect();
    try {
      return await runTickets({ integration: env.integration, platform: c.platform, psa: c.psa, ledger, now: new Date(), dryRun: false, personCheckMs: 0, ...extra });
    } finally {
      await c.close();
    }
  }
  const tagMax = psaProfile(psaKind).limits.tagMax;
  /** Every ticket the PSA holds with the tag of `key` (or of its n-th occurrence). */
  const withTag = (key: string, occurrence = 1): PsaTicketView[] => {
    const tag = fitTag(occurrence === 1 ? key : `${key}#${occurrence}`, tagMax);
    return env.psa.tickets().filter((t) => t.tag === tag);
  };
  const one = (key: string, occurrence = 1): PsaTicketView => {
    const found = withTag(key, occurrence);
    expect(found, `${key}#${occurrence}`).toHaveLength(1);
    return found[0]!;
  };
  const rowPriority = (section: string, key: string) => env.integration.ticketing.sections[section]!.find((r) => r.key === key)!.fields.priority!.value;
  const noDuplicateTags = () => {
    const tags = env.psa.tickets().map((t) => t.tag);
    expect(new Set(tags).size).toBe(tags.length);
  };

  it('first pass: KES Cloud events by severity, Office 365 detections, device statuses and the condition — 11 tickets; a rerun creates none', async () => {
    const first = await run();
    expect(first.status).toBe('ok');
    expect(first.totals).toMatchObject({ created: 11, reconciled: 0, errors: 0, skippedInactive: 1 });
    expect(env.psa.tickets()).toHaveLength(11);
    expect(env.psa.tickets().every((t) => t.accountId === ALPHA_ACCOUNT && t.open)).toBe(true);

    // KES Cloud events: each severity its own row (Critical's priority differs from the other two).
    expect(rowPriority('events', 'critical')).not.toBe(rowPriority('events', 'warning'));
    for (const [id, severity] of Object.entries(KES_EVENTS)) {
      const t = one(eventKey(id));
      expect(t.priority, id).toBe(rowPriority('events', severity));
      expect(t.title).toMatch(/ on ALPHA-(WS|SRV)-\d+ \(Alpha Dental\) at /);
    }
    // Office 365 detections: their own rows, no device.
    for (const [id, row] of Object.entries(O365_EVENTS)) {
      const t = one(eventKey(id));
      expect(t.priority, id).toBe(rowPriority(OFFICE365_SECTION, row));
      expect(t.title).toMatch(/ in Office 365 \(Alpha Dental\) at /);
      expect(ledger.getTicket(eventKey(id))).toMatchObject({ kind: 'event', deviceId: null, state: 'open' });
    }
    for (const key of STATUS_KEYS) expect(one(key).open).toBe(true);
    const condition = one(conditionKey(MAILBOX));
    expect(condition.title).toMatch(/^Kaspersky Office 365: Mailboxes protection is not provided \(Alpha Dental\) since /);
    expect(condition.priority).toBe(rowPriority(OFFICE365_SECTION, MAILBOX));
    expect(ledger.getTicket(conditionKey(MAILBOX))).toMatchObject({ kind: 'status', deviceId: null, descriptionId: MAILBOX, severity: null, state: 'open' });

    // What made no ticket, and why.
    const outcome = (id: string) => ledger.handledEvent('demo', ALPHA, id);
    expect(outcome('ev-alpha-o365-0002')).toMatchObject({ outcome: 'skipped', detail: 'condition' });
    expect(outcome('ev-alpha-o365-0006')).toMatchObject({ outcome: 'skipped', detail: 'rule-off' });
    expect(outcome('ev-alpha-0005')).toMatchObject({ outcome: 'skipped', detail: 'info-severity' });
    expect(outcome('ev-alpha-0001')).toBeNull(); // three days old: before the first window, never read
    expect(ledger.openTicketsFor({ integration: 'demo', tenantId: BETA })).toEqual([]);

    const again = await run();
    expect(again.totals).toMatchObject({ created: 0, closed: 0, errors: 0 });
    expect(env.psa.tickets()).toHaveLength(11);
  });

  it('KES Cloud status tickets close when the hub clears the reason, the other reason of the device stays; back again, a fresh ticket (key#2)', async () => {
    await run();
    const rtp = statusKey(WS3, 'rtp-not-running', 'critical');
    const db = statusKey(WS3, 'databases-outdated', 'warning');
    env.hub.clearDeviceReason(WS3, 'RealTimeProtectionDisabled');
    const cleared = await run();
    expect(cleared.totals).toMatchObject({ created: 0, closed: 1, errors: 0 });
    expect([one(rtp).open, one(db).open]).toEqual([false, true]);
    expect([ledger.getTicket(rtp)!.state, ledger.getTicket(db)!.state]).toEqual(['closed', 'open']);

    env.hub.setDeviceReasons(WS3, [{ code: 'RealTimeProtectionDisabled', severity: 'Critical' }, { code: 'DatabasesOutdated', severity: 'Warning' }]);
    const back = await run();
    expect(back.totals).toMatchObject({ created: 1, closed: 0, errors: 0 });
    expect([one(rtp).open, one(rtp, 2).open]).toEqual([false, true]);
    expect(ledger.getTicket(`${rtp}#2`)).toMatchObject({ state: 'open', repeatKey: rtp });
    noDuplicateTags();
  });

  it('Office 365 detections stay open through later passes, days later and after the condition cleared: only a person closes them', async () => {
    await run();
    env.hub.clearOffice365Issue(ALPHA_O365, 'MailboxesProtectionNotProvided');
    await run();
    const later = await run({ now: new Date(Date.now() + 3 * 24 * 3600_000) });
    expect(later.totals).toMatchObject({ created: 0, closed: 0, errors: 0 });
    for (const id of Object.keys(O365_EVENTS)) {
      expect(one(eventKey(id)).open, id).toBe(true);
      expect(ledger.getTicket(eventKey(id))!.state).toBe('open');
    }
  });

  it('the two conditions open while active, close when cleared, and come back as a fresh ticket (key#2); their events make no ticket of their own', async () => {
    await run();
    const mailbox = conditionKey(MAILBOX);
    const license = conditionKey(LICENSE);

    const event = env.hub.raiseOffice365Issue(ALPHA_O365, 'LicenseIssue', 'The Office 365 license has expired.');
    expect(event).not.toBeNull();
    const raised = await run();
    expect(raised.totals).toMatchObject({ created: 1, errors: 0 });
    expect(one(license).title).toMatch(/^Kaspersky Office 365: License-related issue occurred \(Alpha Dental\) since /);
    expect(ledger.handledEvent('demo', ALPHA, event!.id)).toMatchObject({ outcome: 'skipped', detail: 'condition' });
    expect(env.psa.tickets()).toHaveLength(12);

    env.hub.clearOffice365Issue(ALPHA_O365, 'MailboxesProtectionNotProvided');
    const mailboxCleared = await run();
    expect(mailboxCleared.totals).toMatchObject({ created: 0, closed: 1, errors: 0 });
    expect([one(mailbox).open, one(license).open]).toEqual([false, true]);
    expect([ledger.getTicket(mailbox)!.state, ledger.getTicket(license)!.state]).toEqual(['closed', 'open']);

    env.hub.clearOffice365Issue(ALPHA_O365, 'LicenseIssue');
    expect((await run()).totals).toMatchObject({ created: 0, closed: 1 });
    expect(one(license).open).toBe(false);

    env.hub.raiseOffice365Issue(ALPHA_O365, 'MailboxesProtectionNotProvided');
    const back = await run();
    expect(back.totals).toMatchObject({ created: 1, closed: 0, errors: 0 });
    expect([one(mailbox).open, one(mailbox, 2).open]).toEqual([false, true]);
    expect(ledger.getTicket(`${mailbox}#2`)).toMatchObject({ state: 'open', repeatKey: mailbox, deviceId: null });
    expect(env.psa.tickets()).toHaveLength(13);

    const again = await run();
    expect(again.totals).toMatchObject({ created: 0, closed: 0, errors: 0 });
    expect(env.psa.tickets()).toHaveLength(13);
    noDuplicateTags();
  });

  it('Office 365 protection unreadable: that pass fails the conditions alone (nothing closes), the device statuses go ahead', async () => {
    await run();
    const mailbox = conditionKey(MAILBOX);
    env.hub.clearOffice365Issue(ALPHA_O365, 'MailboxesProtectionNotProvided');
    env.hub.setDeviceReasons(WS2, []);
    // Every read of the protection fails this pass (the connector retries a 503 on its own).
    env.hub.inject({ endpoint: 'workspaces/*/office365/protection', kind: 'error', status: 500, count: 20 });
    const failed = await run();
    // Both companies' protection reads fail; each is one error of its conditions, nothing else failed.
    expect(failed.totals).toMatchObject({ closed: 1, errors: 2 });
    expect(failed.errors.map((e) => e.message).sort()).toEqual([expect.stringMatching(/conditions of “Alpha Dental” as a whole/), expect.stringMatching(/conditions of “Beta Builders” as a whole/)]);
    expect(one(statusKey(WS2, 'databases-outdated', 'warning')).open).toBe(false);
    expect(one(mailbox).open).toBe(true);
    expect(ledger.getTicket(mailbox)!.state).toBe('open');
  });

  it('a condition ticket closed by a person while the condition is active gets a note, not a second ticket; cleared and back, a fresh one opens', async () => {
    await run();
    const mailbox = conditionKey(MAILBOX);
    env.psa.closeByPerson(one(mailbox).id);
    const r = await run();
    expect(r.totals).toMatchObject({ created: 0, closedByPerson: 1, errors: 0 });
    expect(ledger.getTicket(mailbox)!.state).toBe('closed-by-person');
    expect(env.psa.notes(one(mailbox).id).filter((n) => /still active/.test(n))).toHaveLength(1);
    expect(env.psa.notes(one(mailbox).id).join('\n')).not.toMatch(/on the device/);
    await run();
    expect(withTag(mailbox, 2)).toEqual([]);

    env.hub.clearOffice365Issue(ALPHA_O365, 'MailboxesProtectionNotProvided');
    await run();
    expect(ledger.getTicket(mailbox)!.state).toBe('closed');
    env.hub.raiseOffice365Issue(ALPHA_O365, 'MailboxesProtectionNotProvided');
    expect((await run()).totals.created).toBe(1);
    expect(one(mailbox, 2).open).toBe(true);
  });

  it('a run killed between the PSA create of the condition ticket and the ledger write: the rerun finds it by its tag, one ticket each', async () => {
    const mailbox = conditionKey(MAILBOX);
    await expect(run({ afterCreate: ({ key }) => { if (key === mailbox) throw new Error('killed'); } })).rejects.toThrow('killed');
    expect(env.psa.tickets()).toHaveLength(11);
    expect(ledger.getTicket(mailbox)!.psaTicketId).toBeNull(); // pending
    const rerun = await run();
    expect(rerun.totals).toMatchObject({ created: 1, reconciled: 1, errors: 0 });
    expect(env.psa.tickets()).toHaveLength(11);
    expect(ledger.getTicket(mailbox)!.psaTicketId).toBe(one(mailbox).id);
    noDuplicateTags();
    // And it still closes when the condition clears.
    env.hub.clearOffice365Issue(ALPHA_O365, 'MailboxesProtectionNotProvided');
    expect((await run()).totals.closed).toBe(1);
    expect(one(mailbox).open).toBe(false);
  });

  it('a run killed after its first create (an event ticket): the rerun makes the rest, none twice', async () => {
    let calls = 0;
    await expect(run({ afterCreate: () => { if (++calls === 1) throw new Error('killed'); } })).rejects.toThrow('killed');
    expect(env.psa.tickets().length).toBeGreaterThanOrEqual(1);
    const rerun = await run();
    expect(rerun.totals).toMatchObject({ reconciled: 1, errors: 0 });
    expect(env.psa.tickets()).toHaveLength(11);
    noDuplicateTags();
  });

  // Only ConnectWise puts a close off (a ticket in use answers 409); registered for it alone.
  if (psaKind === 'connectwise') it('a condition ticket whose close the PSA puts off (in use) stays open, is not an error, and is closed on the next pass', async () => {
    await run();
    const mailbox = conditionKey(MAILBOX);
    env.hub.clearOffice365Issue(ALPHA_O365, 'MailboxesProtectionNotProvided');
    env.connectwise!.inject({ endpoint: 'service/tickets', kind: 'error', status: 409, method: 'PATCH', message: 'The record is being edited by Dana Dispatcher.' });
    const deferred = await run();
    expect(deferred).toMatchObject({ status: 'ok', totals: { closed: 0, deferred: 1, errors: 0 } });
    expect(one(mailbox).open).toBe(true);
    expect(ledger.getTicket(mailbox)!.state).toBe('open');
    const next = await run();
    expect(next.totals).toMatchObject({ closed: 1, deferred: 0, errors: 0 });
    expect(one(mailbox).open).toBe(false);
    expect(ledger.getTicket(mailbox)!.state).toBe('closed');
  });
});
