// The committed Business Hub demo dataset is exactly what its generator produces (no hand edits,
// no drift), it loads, and it covers what the demo and FIXTURE.md promise.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateKbhDemoFixture, KBH_DEMO_USER, KBH_TWO_STEP_USER, readDemoCustomers, summarizeKbhDemoFixture } from '../../source/simulators/kbh/demoFixture.js';
import { checkKbhFixture, DEFAULT_PRODUCTS, REASON_TEXTS, type KbhFixture } from '../../source/simulators/kbh/fixture.js';
import { fixturesPath } from '../../source/simulators/server.js';

const customers = readDemoCustomers();
const committed = JSON.parse(readFileSync(fixturesPath('demo', 'kbh.json'), 'utf8')) as KbhFixture;
const tenants = customers.filter((c) => c.tenant);

describe('Business Hub demo fixture', () => {
  it('is what the generator writes (regenerate: npm run fixtures:demo)', () => {
    expect(committed).toEqual(generateKbhDemoFixture(customers));
  });

  it('is deterministic, seed-dependent, and a dataset the simulator accepts', () => {
    expect(generateKbhDemoFixture(customers)).toEqual(generateKbhDemoFixture(customers));
    expect(generateKbhDemoFixture(customers, 1)).not.toEqual(generateKbhDemoFixture(customers));
    expect(() => checkKbhFixture(committed)).not.toThrow();
  });

  it('has one active company per tenant, named exactly as the tenant, with its device count; one more marked for deletion', () => {
    const active = committed.companies.filter((c) => c.state === 'active');
    expect(active.map((c) => c.name)).toEqual(tenants.map((c) => c.tenant));
    expect(active.map((c) => c.workspaces!.find((w) => w.product === 'KESCloud')!.devices!.length)).toEqual(tenants.map((c) => c.devices));
    expect(committed.companies.filter((c) => c.state === 'markedForDeletion')).toHaveLength(1);
    expect(new Set(committed.companies.map((c) => c.id)).size).toBe(committed.companies.length);
  });

  it('shows the per-user rule both ways: a company with a per-user license whose phones outnumber twice its computers (users = ⌈mobiles / 2⌉)', () => {
    const perUser = new Set(committed.products?.filter((p) => p.unit === 'user').map((p) => p.id) ?? ['kes-cloud-plus', 'kes-cloud-pro']);
    const mobileFirst = committed.companies.filter((c) =>
      c.workspaces?.some((w) => {
        const devices = w.devices ?? [];
        const mobiles = devices.filter((d) => d.kind === 'mobile').length;
        return (w.licenses ?? []).some((l) => perUser.has(l.productId)) && Math.ceil(mobiles / 2) > devices.length - mobiles;
      }),
    );
    expect(mobileFirst.map((c) => c.name)).toEqual(['Yellowstone Outfitters']);
  });

  it('signs the demo in without 2-step verification, and has a second user with an authenticator key', () => {
    expect(committed.users[0]).toEqual(KBH_DEMO_USER);
    expect(committed.users[0]).not.toHaveProperty('authenticatorKey');
    expect(committed.users[1]).toEqual(KBH_TWO_STEP_USER);
  });

  it('covers every device kind, license type and subscription state, reason code, severity and Office 365 event type', () => {
    const s = summarizeKbhDemoFixture(committed);
    for (const kind of ['workstation-windows', 'server-windows', 'workstation-macos', 'workstation-linux', 'server-linux', 'mobile-android', 'mobile-ios', 'unlicensed']) expect(s.devices[kind], kind).toBeGreaterThan(0);
    expect(s.devices['workstation-windows']).toBeGreaterThan(s.devices['server-windows']!);
    for (const p of DEFAULT_PRODUCTS) expect(s.licenses[p.id], p.id).toBeGreaterThan(0);
    for (const t of ['commercial', 'trial', 'subscription-active', 'subscription-paused', 'subscription-softCancelled', 'subscription-hardCancelled', 'in-grace-period', 'expired']) expect(s.licenses[t], t).toBeGreaterThan(0);
    for (const code of Object.keys(REASON_TEXTS)) expect(Object.keys(s.reasons).some((k) => k.startsWith(`${code}/`)), code).toBe(true);
    expect(Object.keys(s.reasons).some((k) => k.endsWith('/Warning'))).toBe(true);
    for (const severity of ['Critical', 'FunctionalFailure', 'Warning', 'Info']) expect(s.events[severity], severity).toBeGreaterThan(0);
    for (const type of ['MailboxesProtectionNotProvided', 'LicenseIssue', 'MalwareDetected', 'PhishingDetected', 'AttachmentFiltered', 'OneDriveConnectionFailed']) expect(s.office365Events[type], type).toBeGreaterThan(0);
    expect(s.issues).toEqual({ MailboxesProtectionNotProvided: 1, LicenseIssue: 1 });
    expect(s.mailboxes).toBeGreaterThan(0);
  });

  it('most companies protect Office 365; detections carry sender, recipient and subject; no Office 365 event names a device', () => {
    const active = committed.companies.filter((c) => c.state === 'active');
    const withO365 = active.filter((c) => c.workspaces!.some((w) => w.product === 'KSMO365'));
    expect(withO365.length).toBeGreaterThan(active.length / 2);
    const events = withO365.flatMap((c) => c.workspaces!.filter((w) => w.product === 'KSMO365').flatMap((w) => w.events ?? []));
    for (const e of events) expect(e.deviceId ?? null).toBeNull();
    for (const e of events.filter((x) => ['MalwareDetected', 'PhishingDetected', 'AttachmentFiltered'].includes(x.type))) {
      expect(e.details).toEqual({ sender: expect.any(String), recipient: expect.any(String), subject: expect.any(String), mailbox: e.details!.recipient });
    }
    // KES Cloud events always name their device.
    for (const c of active) for (const e of c.workspaces!.find((w) => w.product === 'KESCloud')!.events!) expect(e.deviceId).toEqual(expect.any(String));
  });

  it('tells the billing story: the customer who left has its endpoint subscription hard-cancelled; the new one is like the others', () => {
    const endpoint = (name: string) => committed.companies.find((c) => c.name === name)!.workspaces!.find((w) => w.product === 'KESCloud')!.licenses![0]!;
    const left = customers.filter((c) => c.billing === 'left').map((c) => c.tenant!);
    expect(left.length).toBeGreaterThan(0);
    for (const name of left) expect(endpoint(name)).toMatchObject({ type: 'subscription', subscriptionState: 'hardCancelled' });
    for (const name of customers.filter((c) => c.billing === 'new').map((c) => c.tenant!)) expect(endpoint(name).subscriptionState ?? 'active').not.toBe('hardCancelled');
  });

  it('uses only relative times, so the demo stays current', () => {
    expect(JSON.stringify(committed)).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });
});
