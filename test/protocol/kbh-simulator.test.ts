// The Business Hub simulator's own protocol behaviour (connectors/kbh/README.md §3), spoken to
// raw over loopback with plain fetch (the connector is its own module): sign-in with and without
// one-time codes, refresh rotation, token expiry by the simulator's clock, the lock after wrong
// passwords, paging, every record endpoint and its scoping, the control methods, injections, and
// a request log without secrets. One test runs over HTTPS with the TEST-ONLY certificate.
import { readFileSync, rmSync } from 'node:fs';
import * as OTPAuth from 'otpauth';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../source/connectors/http.js';
import { startKbhSimulator, type KbhFixture, type KbhSimulator } from '../../source/simulators/kbh/index.js';
import { KBH_DEMO_USER, KBH_TWO_STEP_USER } from '../../source/simulators/kbh/demoFixture.js';
import { platformSimulator } from '../../source/simulators/registry.js';
import { fixturesPath, testTls } from '../../source/simulators/server.js';

// Raw wire JSON: the tests look deep into it.
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const START = Date.parse('2026-12-07T10:00:07Z');
let now = START;
const clock = () => now;

const load = (folder: string): KbhFixture => JSON.parse(readFileSync(fixturesPath(folder, 'kbh.json'), 'utf8')) as KbhFixture;

const TWO_STEP = { email: 'two-step@msp.example', password: 'two-step-pass', authenticatorKey: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' };
const SMS = { email: 'sms@msp.example', password: 'sms-user-pass', smsCode: '424242' };
const SCOPED = { email: 'alpha-only@msp.example', password: 'alpha-only-pass', companyIds: ['co-alpha-0001'] };

/** tickets-basic plus users for 2-step verification and scoping. */
function ticketsFixture(): KbhFixture {
  const f = load('tickets-basic');
  f.users.push(TWO_STEP, SMS, SCOPED);
  return f;
}

let sims: KbhSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
  now = START;
});

async function start(fixture: KbhFixture = ticketsFixture(), extra: Partial<Parameters<typeof startKbhSimulator>[0]> = {}): Promise<KbhSimulator> {
  const sim = await startKbhSimulator({ fixture, tls: false, clock, ...extra });
  sims.push(sim);
  return sim;
}

interface Answer {
  status: number;
  headers: Headers;
  json: Json;
}

async function call(sim: KbhSimulator, method: string, path: string, o: { body?: unknown; token?: string; auth?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (o.token) headers.Authorization = `Bearer ${o.token}`;
  if (o.auth !== undefined) headers.Authorization = o.auth;
  if (o.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${sim.url}${path}`, { method, headers, ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}) });
  const text = await res.text();
  let json: Json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, json };
}

const tokenCall = (sim: KbhSimulator, body: unknown) => call(sim, 'POST', '/api/v1/auth/token', { body });
const signIn = (sim: KbhSimulator, user: { email: string; password: string } = KBH_DEMO_USER, otp?: string) =>
  tokenCall(sim, { grantType: 'password', email: user.email, password: user.password, ...(otp !== undefined ? { otp } : {}) });

async function tokenOf(sim: KbhSimulator, user: { email: string; password: string } = KBH_DEMO_USER): Promise<string> {
  const r = await signIn(sim, user);
  expect(r.status).toBe(200);
  return r.json.accessToken as string;
}

const get = (sim: KbhSimulator, token: string, path: string) => call(sim, 'GET', `/api/v1/${path}`, { token });

/** The test's own code maker (not the simulator's): RFC 6238, SHA-1, 6 digits, 30 s. */
const totp = (key: string, at: number) => OTPAuth.TOTP.generate({ secret: OTPAuth.Secret.fromBase32(key), algorithm: 'SHA1', digits: 6, period: 30, timestamp: at });

const errorOf = (a: Answer) => ({ status: a.status, code: a.json?.error?.code });

/** Reads every page of a list, pageSize at a time. */
async function walk(sim: KbhSimulator, token: string, path: string, pageSize: number): Promise<{ items: Json[]; pages: number }> {
  const items: Json[] = [];
  let pages = 0;
  let next: string | null = null;
  const sep = path.includes('?') ? '&' : '?';
  do {
    const r = await get(sim, token, `${path}${sep}pageSize=${pageSize}${next ? `&pageToken=${encodeURIComponent(next)}` : ''}`);
    expect(r.status).toBe(200);
    expect(r.json.items.length).toBeLessThanOrEqual(pageSize);
    items.push(...r.json.items);
    next = r.json.nextPageToken;
    pages++;
  } while (next !== null);
  return { items, pages };
}

describe('sign-in', () => {
  it('the password grant answers the token pair; the account names the user, the MSP and its 2-step verification', async () => {
    const sim = await start();
    const r = await signIn(sim);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 3600, refreshToken: expect.any(String), refreshExpiresIn: 2592000 });
    expect(r.json.accessToken).not.toBe(r.json.refreshToken);
    const account = await get(sim, r.json.accessToken, 'account');
    expect(account.json).toEqual({ email: KBH_DEMO_USER.email, displayName: 'kmsp demo', mspName: 'Meridian MSP', twoStepVerification: 'off' });
    // The e-mail is not case-sensitive.
    expect((await signIn(sim, { ...KBH_DEMO_USER, email: KBH_DEMO_USER.email.toUpperCase() })).status).toBe(200);
  });

  it('a wrong password or an unknown e-mail is invalid_credentials; a bad body or grant type is invalid_request', async () => {
    const sim = await start();
    expect(errorOf(await signIn(sim, { ...KBH_DEMO_USER, password: 'nope' }))).toEqual({ status: 401, code: 'invalid_credentials' });
    expect(errorOf(await signIn(sim, { email: 'nobody@msp.example', password: 'x' }))).toEqual({ status: 401, code: 'invalid_credentials' });
    expect(errorOf(await tokenCall(sim, { grantType: 'password', email: KBH_DEMO_USER.email }))).toEqual({ status: 400, code: 'invalid_request' });
    expect(errorOf(await tokenCall(sim, { grantType: 'client_credentials' }))).toEqual({ status: 400, code: 'invalid_request' });
    expect(errorOf(await tokenCall(sim, []))).toEqual({ status: 400, code: 'invalid_request' });
    const r = await tokenCall(sim, { grantType: 'password', email: KBH_DEMO_USER.email, password: 'nope' });
    expect(r.json.error.message).toMatch(/wrong/);
  });

  it('an account with an authenticator demands a code: missing, wrong, reused and right', async () => {
    const sim = await start();
    expect(errorOf(await signIn(sim, TWO_STEP))).toEqual({ status: 401, code: 'otp_required' });
    expect(errorOf(await signIn(sim, TWO_STEP, ''))).toEqual({ status: 401, code: 'otp_required' });
    const code = totp(TWO_STEP.authenticatorKey, now);
    const wrong = code === '000000' ? '111111' : '000000';
    expect(errorOf(await signIn(sim, TWO_STEP, wrong))).toEqual({ status: 401, code: 'otp_invalid' });
    expect(errorOf(await signIn(sim, TWO_STEP, 'abcdef'))).toEqual({ status: 401, code: 'otp_invalid' });
    // A wrong password is refused before the code is looked at.
    expect(errorOf(await signIn(sim, { ...TWO_STEP, password: 'x' }, code))).toEqual({ status: 401, code: 'invalid_credentials' });
    const ok = await signIn(sim, TWO_STEP, code);
    expect(ok.status).toBe(200);
    expect((await get(sim, ok.json.accessToken, 'account')).json.twoStepVerification).toBe('authenticator');
    const reused = await signIn(sim, TWO_STEP, code);
    expect(errorOf(reused)).toEqual({ status: 401, code: 'otp_invalid' });
    expect(reused.json.error.message).toMatch(/used already/);
    // The simulator's own code maker agrees with the test's.
    expect(sim.oneTimeCode(TWO_STEP.email)).toBe(code);
  });

  it('accepts the code of one step either side, not two', async () => {
    const sim = await start();
    expect((await signIn(sim, TWO_STEP, totp(TWO_STEP.authenticatorKey, now - 30_000))).status).toBe(200);
    expect((await signIn(sim, TWO_STEP, totp(TWO_STEP.authenticatorKey, now + 30_000))).status).toBe(200);
    expect(errorOf(await signIn(sim, TWO_STEP, totp(TWO_STEP.authenticatorKey, now - 60_000)))).toEqual({ status: 401, code: 'otp_invalid' });
    expect(errorOf(await signIn(sim, TWO_STEP, totp(TWO_STEP.authenticatorKey, now + 60_000)))).toEqual({ status: 401, code: 'otp_invalid' });
    // The clock moves: the next step's code works once.
    now += 30_000;
    expect((await signIn(sim, TWO_STEP, totp(TWO_STEP.authenticatorKey, now))).status).toBe(401); // that step's code was used as "+1" above
    now += 30_000;
    expect((await signIn(sim, TWO_STEP, totp(TWO_STEP.authenticatorKey, now))).status).toBe(200);
  });

  it('an SMS account takes its code; the demo dataset has a second user with an authenticator', async () => {
    const sim = await start();
    expect(errorOf(await signIn(sim, SMS))).toEqual({ status: 401, code: 'otp_required' });
    expect(errorOf(await signIn(sim, SMS, '000000'))).toEqual({ status: 401, code: 'otp_invalid' });
    const ok = await signIn(sim, SMS, SMS.smsCode);
    expect((await get(sim, ok.json.accessToken, 'account')).json.twoStepVerification).toBe('sms');
    const demo = await start(load('demo'));
    expect(errorOf(await signIn(demo, KBH_TWO_STEP_USER))).toEqual({ status: 401, code: 'otp_required' });
    expect((await signIn(demo, KBH_TWO_STEP_USER, totp(KBH_TWO_STEP_USER.authenticatorKey, now))).status).toBe(200);
  });

  it('locks the account after 5 wrong passwords, saying until when; the lock ends with its time', async () => {
    const sim = await start();
    for (let i = 0; i < 4; i++) expect(errorOf(await signIn(sim, { ...KBH_DEMO_USER, password: `wrong-${i}` }))).toEqual({ status: 401, code: 'invalid_credentials' });
    // A right password resets the count.
    expect((await signIn(sim)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect(errorOf(await signIn(sim, { ...KBH_DEMO_USER, password: `wrong-${i}` }))).toEqual({ status: 401, code: 'invalid_credentials' });
    const locked = await signIn(sim);
    expect(errorOf(locked)).toEqual({ status: 403, code: 'account_locked' });
    expect(locked.json.error.message).toContain('2026-12-07T10:30:07Z');
    expect(sim.summary().lockedUsers).toEqual([KBH_DEMO_USER.email]);
    // Another account is not affected.
    expect((await signIn(sim, SCOPED)).status).toBe(200);
    now += 29 * 60_000;
    expect(errorOf(await signIn(sim))).toEqual({ status: 403, code: 'account_locked' });
    now += 60_000;
    expect((await signIn(sim)).status).toBe(200);
  });
});

describe('tokens', () => {
  it('the refresh grant rotates: a new pair, the old refresh token refused, the new one working', async () => {
    const sim = await start();
    const first = (await signIn(sim)).json;
    const second = await tokenCall(sim, { grantType: 'refresh_token', refreshToken: first.refreshToken });
    expect(second.status).toBe(200);
    expect(second.json).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, refreshExpiresIn: 2592000 });
    expect(second.json.refreshToken).not.toBe(first.refreshToken);
    expect(second.json.accessToken).not.toBe(first.accessToken);
    expect(errorOf(await tokenCall(sim, { grantType: 'refresh_token', refreshToken: first.refreshToken }))).toEqual({ status: 401, code: 'invalid_grant' });
    expect((await get(sim, second.json.accessToken, 'account')).status).toBe(200);
    // The access token issued before stays valid until it expires.
    expect((await get(sim, first.accessToken, 'account')).status).toBe(200);
    expect((await tokenCall(sim, { grantType: 'refresh_token', refreshToken: second.json.refreshToken })).status).toBe(200);
    expect(errorOf(await tokenCall(sim, { grantType: 'refresh_token', refreshToken: 'made-up' }))).toEqual({ status: 401, code: 'invalid_grant' });
    expect(errorOf(await tokenCall(sim, { grantType: 'refresh_token' }))).toEqual({ status: 400, code: 'invalid_request' });
  });

  it('access tokens expire by the clock (token_expired), unknown ones are invalid_token; refresh tokens expire too', async () => {
    const sim = await start();
    const pair = (await signIn(sim)).json;
    expect(errorOf(await call(sim, 'GET', '/api/v1/companies'))).toEqual({ status: 401, code: 'invalid_token' });
    expect(errorOf(await call(sim, 'GET', '/api/v1/companies', { auth: 'Basic eDp5' }))).toEqual({ status: 401, code: 'invalid_token' });
    expect(errorOf(await get(sim, 'not-a-token', 'companies'))).toEqual({ status: 401, code: 'invalid_token' });
    now += 3599_000;
    expect((await get(sim, pair.accessToken, 'companies')).status).toBe(200);
    now += 1000;
    expect(errorOf(await get(sim, pair.accessToken, 'companies'))).toEqual({ status: 401, code: 'token_expired' });
    const renewed = await tokenCall(sim, { grantType: 'refresh_token', refreshToken: pair.refreshToken });
    expect((await get(sim, renewed.json.accessToken, 'companies')).status).toBe(200);
    now += 2592000_000;
    expect(errorOf(await tokenCall(sim, { grantType: 'refresh_token', refreshToken: renewed.json.refreshToken }))).toEqual({ status: 401, code: 'invalid_grant' });
  });

  it('lifetimes come from the fixture', async () => {
    const fixture = ticketsFixture();
    fixture.options = { expiresIn: 600, refreshExpiresIn: 7200 };
    const sim = await start(fixture);
    const pair = (await signIn(sim)).json;
    expect(pair).toMatchObject({ expiresIn: 600, refreshExpiresIn: 7200 });
    now += 600_000;
    expect(errorOf(await get(sim, pair.accessToken, 'account'))).toEqual({ status: 401, code: 'token_expired' });
  });

  it('expireAccessTokens and revokeRefreshTokens act on every live token', async () => {
    const sim = await start();
    const a = (await signIn(sim)).json;
    const b = (await signIn(sim, SCOPED)).json;
    expect(sim.summary()).toMatchObject({ activeAccessTokens: 2, activeRefreshTokens: 2 });
    expect(sim.expireAccessTokens()).toBe(2);
    expect(errorOf(await get(sim, a.accessToken, 'account'))).toEqual({ status: 401, code: 'token_expired' });
    expect(errorOf(await get(sim, b.accessToken, 'account'))).toEqual({ status: 401, code: 'token_expired' });
    expect(sim.revokeRefreshTokens()).toBe(2);
    expect(errorOf(await tokenCall(sim, { grantType: 'refresh_token', refreshToken: a.refreshToken }))).toEqual({ status: 401, code: 'invalid_grant' });
    // A full sign-in still works.
    expect((await signIn(sim)).status).toBe(200);
  });
});

describe('paging', () => {
  it('pageSize 2 walks the demo companies in order, every one once, the last page without a token', async () => {
    const sim = await start(load('demo'));
    const token = await tokenOf(sim);
    const { items, pages } = await walk(sim, token, 'companies', 2);
    const names = load('demo').companies.map((c) => c.name);
    expect(items.map((c) => c.name)).toEqual(names);
    expect(pages).toBe(Math.ceil(names.length / 2));
    // Default 100 holds them all; 500 is the most.
    const all = await get(sim, token, 'companies');
    expect(all.json.items).toHaveLength(names.length);
    expect(all.json.nextPageToken).toBeNull();
    expect((await get(sim, token, 'companies?pageSize=500')).status).toBe(200);
    // A large list pages at 100 by default.
    const kes = items.find((c) => c.name === 'Evergreen Schools');
    const ws = (await get(sim, token, `companies/${kes.id}/workspaces`)).json.items.find((w: Json) => w.product === 'KESCloud');
    const events = load('demo').companies.find((c) => c.name === 'Evergreen Schools')!.workspaces!.find((w) => w.product === 'KESCloud')!.events!.length;
    expect(events).toBeGreaterThan(0);
    const first = await get(sim, token, `workspaces/${ws.id}/events`);
    expect(first.json.items).toHaveLength(Math.min(100, events));
    const devices = await walk(sim, token, `workspaces/${ws.id}/devices`, 30);
    expect(devices.items).toHaveLength(74);
    expect(new Set(devices.items.map((d) => d.id)).size).toBe(74);
  });

  it('refuses a pageSize outside 1–500 and a page token it did not give, or gave for another list', async () => {
    const sim = await start();
    const token = await tokenOf(sim);
    for (const size of ['0', '501', '-1', 'x', '2.5']) {
      const r = await get(sim, token, `companies?pageSize=${size}`);
      expect(errorOf(r), size).toEqual({ status: 400, code: 'invalid_request' });
      expect(r.json.error.message).toMatch(/pageSize/);
    }
    expect(errorOf(await get(sim, token, 'companies?pageToken=forged'))).toEqual({ status: 400, code: 'invalid_request' });
    const page = await get(sim, token, 'workspaces/ws-alpha-kes/devices?pageSize=2');
    expect(page.json.nextPageToken).toEqual(expect.any(String));
    expect(errorOf(await get(sim, token, `workspaces/ws-alpha-kes/licenses?pageToken=${page.json.nextPageToken}`))).toEqual({ status: 400, code: 'invalid_request' });
    const events = await get(sim, token, 'workspaces/ws-alpha-kes/events?pageSize=2&afterSequence=0');
    expect(errorOf(await get(sim, token, `workspaces/ws-alpha-kes/events?pageSize=2&afterSequence=1&pageToken=${events.json.nextPageToken}`))).toEqual({ status: 400, code: 'invalid_request' });
    expect((await get(sim, token, `workspaces/ws-alpha-kes/events?pageSize=2&afterSequence=0&pageToken=${events.json.nextPageToken}`)).status).toBe(200);
  });

  it('events registered while a client pages appear on a later page', async () => {
    const sim = await start();
    const token = await tokenOf(sim);
    const first = await get(sim, token, 'workspaces/ws-alpha-kes/events?afterSequence=0&pageSize=4');
    expect(first.json.items.map((e: Json) => e.sequence)).toEqual([1, 2, 3, 4]);
    sim.addEvent('ws-alpha-kes', { severity: 'Critical', type: 'ThreatDetected', title: 'Malware detected', deviceId: 'c3110000-0000-4000-8000-000000000001' });
    const second = await get(sim, token, `workspaces/ws-alpha-kes/events?afterSequence=0&pageSize=4&pageToken=${first.json.nextPageToken}`);
    expect(second.json.items.map((e: Json) => e.sequence)).toEqual([5, 6]);
    expect(second.json.nextPageToken).toBeNull();
  });
});

describe('records', () => {
  it('companies, workspaces and the licensing products', async () => {
    const sim = await start();
    const token = await tokenOf(sim);
    const companies = (await get(sim, token, 'companies')).json.items;
    expect(companies).toEqual([
      { id: 'co-alpha-0001', name: 'Alpha Dental', createdAt: '2025-11-02T10:00:07Z', state: 'active' },
      { id: 'co-beta-0002', name: 'Beta Builders', createdAt: '2025-11-02T10:00:07Z', state: 'active' },
    ]);
    expect((await get(sim, token, 'companies/co-alpha-0001/workspaces')).json).toEqual({
      items: [
        { id: 'ws-alpha-kes', companyId: 'co-alpha-0001', product: 'KESCloud', state: 'active' },
        { id: 'ws-alpha-o365', companyId: 'co-alpha-0001', product: 'KSMO365', state: 'active' },
      ],
      nextPageToken: null,
    });
    expect((await get(sim, token, 'licensing/products')).json.items).toEqual([
      { id: 'kes-cloud', name: 'Kaspersky Endpoint Security Cloud', workspaceProduct: 'KESCloud', unit: 'device' },
      { id: 'kes-cloud-plus', name: 'Kaspersky Endpoint Security Cloud Plus', workspaceProduct: 'KESCloud', unit: 'user' },
      { id: 'kes-cloud-pro', name: 'Kaspersky Endpoint Security Cloud Pro', workspaceProduct: 'KESCloud', unit: 'user' },
      { id: 'ksmo365', name: 'Kaspersky Security for Microsoft Office 365', workspaceProduct: 'KSMO365', unit: 'mailbox' },
    ]);
  });

  it('devices with their status derived from their reasons', async () => {
    const sim = await start();
    const token = await tokenOf(sim);
    const devices = (await get(sim, token, 'workspaces/ws-alpha-kes/devices')).json.items;
    expect(devices.map((d: Json) => [d.name, d.status])).toEqual([
      ['ALPHA-WS-001', 'OK'],
      ['ALPHA-WS-002', 'Warning'],
      ['ALPHA-WS-003', 'Critical'],
      ['ALPHA-SRV-01', 'Critical'],
    ]);
    expect(devices[2]).toEqual({
      id: 'c3110000-0000-4000-8000-000000000003',
      workspaceId: 'ws-alpha-kes',
      name: 'ALPHA-WS-003',
      kind: 'workstation',
      os: 'windows',
      osName: 'Windows 10 Pro',
      status: 'Critical',
      statusReasons: [
        { code: 'RealTimeProtectionDisabled', text: 'Real-time protection is turned off', severity: 'Critical' },
        { code: 'DatabasesOutdated', text: 'Anti-malware databases are out of date', severity: 'Warning' },
      ],
      lastSeen: '2026-12-07T09:30:07Z',
      licenseId: 'lic-alpha-kesc',
    });
  });

  it('licenses with used derived: per device, per user (max of computers and ⌈mobiles/2⌉), per mailbox; subscription fields only on subscriptions', async () => {
    const sim = await start(load('billing-basic'));
    const token = await tokenOf(sim);
    const used = async (ws: string) => Object.fromEntries((await get(sim, token, `workspaces/${ws}/licenses`)).json.items.map((l: Json) => [l.id, l.used]));
    expect(await used('ws-northwind-kes')).toEqual({ 'lic-northwind-plus': 4, 'lic-northwind-kesc': 8, 'lic-northwind-trial': 2, 'lic-northwind-paused': 1, 'lic-northwind-expired': 2 });
    expect(await used('ws-northwind-o365')).toEqual({ 'lic-northwind-m365': 37 });
    expect(await used('ws-southside-kes')).toEqual({ 'lic-southside-pro': 4 });
    expect(await used('ws-southside-o365')).toEqual({ 'lic-southside-m365': 12 });
    const licenses = (await get(sim, token, 'workspaces/ws-northwind-kes/licenses')).json.items;
    expect(licenses[0]).toEqual({ id: 'lic-northwind-plus', workspaceId: 'ws-northwind-kes', productId: 'kes-cloud-plus', type: 'commercial', unit: 'user', capacity: 10, used: 4, expiresAt: '2027-06-25T10:00:07Z' });
    expect(licenses[1]).toEqual({ id: 'lic-northwind-kesc', workspaceId: 'ws-northwind-kes', productId: 'kes-cloud', type: 'subscription', unit: 'device', capacity: 10, used: 8, expiresAt: '2027-01-01T10:00:07Z', subscriptionState: 'active', graceEndsAt: null });
    expect(licenses[3]).toMatchObject({ subscriptionState: 'paused', expiresAt: null });
  });

  it('events by afterSequence or raisedSince, oldest first, with device names and Office 365 details', async () => {
    const sim = await start();
    const token = await tokenOf(sim);
    const all = (await get(sim, token, 'workspaces/ws-alpha-kes/events')).json.items;
    expect(all.map((e: Json) => [e.id, e.sequence, e.severity])).toEqual([
      ['ev-alpha-0001', 1, 'Critical'],
      ['ev-alpha-0002', 2, 'Critical'],
      ['ev-alpha-0003', 3, 'FunctionalFailure'],
      ['ev-alpha-0004', 4, 'Warning'],
      ['ev-alpha-0005', 5, 'Info'],
    ]);
    expect(all[1]).toMatchObject({ workspaceId: 'ws-alpha-kes', deviceId: 'c3110000-0000-4000-8000-000000000001', deviceName: 'ALPHA-WS-001', raisedAt: '2026-12-07T08:00:07Z', type: 'ThreatDetected', title: 'Malware detected' });
    expect((await get(sim, token, 'workspaces/ws-alpha-kes/events?afterSequence=3')).json.items.map((e: Json) => e.sequence)).toEqual([4, 5]);
    expect((await get(sim, token, 'workspaces/ws-alpha-kes/events?afterSequence=5')).json.items).toEqual([]);
    expect((await get(sim, token, 'workspaces/ws-alpha-kes/events?raisedSince=2026-12-07T08:30:07Z')).json.items.map((e: Json) => e.id)).toEqual(['ev-alpha-0003', 'ev-alpha-0004', 'ev-alpha-0005']);
    expect((await get(sim, token, 'workspaces/ws-alpha-kes/events?raisedSince=2026-12-06T10:00:07.000Z')).json.items).toHaveLength(4);
    for (const q of ['afterSequence=1&raisedSince=2026-12-07T00:00:00Z', 'afterSequence=x', 'afterSequence=-1', 'raisedSince=yesterday']) {
      expect(errorOf(await get(sim, token, `workspaces/ws-alpha-kes/events?${q}`)), q).toEqual({ status: 400, code: 'invalid_request' });
    }
    const o365 = (await get(sim, token, 'workspaces/ws-alpha-o365/events')).json.items;
    expect(o365.map((e: Json) => e.type)).toEqual(['LicenseIssue', 'MailboxesProtectionNotProvided', 'MalwareDetected', 'PhishingDetected', 'AttachmentFiltered', 'OneDriveConnectionFailed']);
    expect(o365.every((e: Json) => e.deviceId === null && e.deviceName === null)).toBe(true);
    expect(o365[2].details).toEqual({ sender: 'billing@invoices-secure.example', recipient: 'reception@alpha-dental.example', subject: 'Invoice 2291 overdue', mailbox: 'reception@alpha-dental.example' });
  });

  it('Office 365 protection: mailboxes and the issues active now', async () => {
    const sim = await start();
    const token = await tokenOf(sim);
    expect((await get(sim, token, 'workspaces/ws-alpha-o365/office365/protection')).json).toEqual({
      protectedMailboxes: 8,
      issues: [{ type: 'MailboxesProtectionNotProvided', since: '2026-12-07T07:00:07Z', message: expect.stringContaining('Mailboxes protection is not provided') }],
    });
    expect((await get(sim, token, 'workspaces/ws-beta-o365/office365/protection')).json).toEqual({ protectedMailboxes: 5, issues: [] });
  });

  it('404 not_found for unknown ids, devices of a non-KES workspace, protection of a non-Office 365 one, and unknown paths; 405 for another method', async () => {
    const sim = await start();
    const token = await tokenOf(sim);
    for (const path of [
      'companies/co-nope/workspaces',
      'workspaces/ws-nope/licenses',
      'workspaces/ws-nope/devices',
      'workspaces/ws-nope/events',
      'workspaces/ws-nope/office365/protection',
      'workspaces/ws-alpha-o365/devices',
      'workspaces/ws-alpha-kes/office365/protection',
      'nothing-here',
    ]) {
      expect(errorOf(await get(sim, token, path)), path).toEqual({ status: 404, code: 'not_found' });
    }
    expect(errorOf(await call(sim, 'GET', '/v2/companies', { token }))).toEqual({ status: 404, code: 'not_found' });
    expect(errorOf(await call(sim, 'POST', '/api/v1/companies', { token, body: {} }))).toEqual({ status: 405, code: 'invalid_request' });
    expect(errorOf(await call(sim, 'GET', '/api/v1/auth/token'))).toEqual({ status: 405, code: 'invalid_request' });
    // An unknown id still needs a valid token first.
    expect(errorOf(await get(sim, 'stale', 'companies/co-nope/workspaces'))).toEqual({ status: 401, code: 'invalid_token' });
  });

  it('an account limited to some companies sees only those: the others are not found', async () => {
    const sim = await start();
    const token = await tokenOf(sim, SCOPED);
    expect((await get(sim, token, 'companies')).json.items.map((c: Json) => c.id)).toEqual(['co-alpha-0001']);
    expect((await get(sim, token, 'workspaces/ws-alpha-kes/devices')).status).toBe(200);
    for (const path of ['companies/co-beta-0002/workspaces', 'workspaces/ws-beta-kes/devices', 'workspaces/ws-beta-kes/licenses', 'workspaces/ws-beta-kes/events', 'workspaces/ws-beta-o365/office365/protection']) {
      expect(errorOf(await get(sim, token, path)), path).toEqual({ status: 404, code: 'not_found' });
    }
  });

  it('a company marked for deletion is listed with its state; the demo dataset has one', async () => {
    const sim = await start(load('demo'));
    const token = await tokenOf(sim);
    const companies = (await walk(sim, token, 'companies', 500)).items;
    expect(companies.filter((c) => c.state === 'markedForDeletion').map((c) => c.name)).toEqual(['Copperfield Books']);
  });
});

describe('control methods', () => {
  it('addEvent registers the next sequence (a late event keeps its past raisedAt); afterSequence finds it', async () => {
    const sim = await start();
    const token = await tokenOf(sim);
    now += 60_000;
    const added = sim.addEvent('ws-alpha-kes', { severity: 'Warning', type: 'DatabasesOutdated', title: 'Databases are out of date', deviceId: 'c3110000-0000-4000-8000-000000000002' });
    expect(added).toMatchObject({ id: 'ws-alpha-kes-ev-6', sequence: 6, deviceName: 'ALPHA-WS-002', raisedAt: '2026-12-07T10:01:07Z', severity: 'Warning' });
    const late = sim.addEvent('ws-alpha-kes', { severity: 'Critical', type: 'ThreatDetected', title: 'Malware detected', raisedAt: 'now-2d' });
    expect(late).toMatchObject({ sequence: 7, raisedAt: '2026-12-05T10:01:07Z', deviceId: null });
    expect((await get(sim, token, 'workspaces/ws-alpha-kes/events?afterSequence=5')).json.items.map((e: Json) => e.sequence)).toEqual([6, 7]);
    // Sequences are per workspace.
    expect(sim.addEvent('ws-beta-kes', { severity: 'Info', type: 'UpdateCompleted', title: 'Databases updated' }).sequence).toBe(3);
    expect(() => sim.addEvent('ws-nope', { severity: 'Info', type: 'x', title: 'x' })).toThrow(/ws-nope/);
    expect(() => sim.addEvent('ws-alpha-kes', { severity: 'Bad' as never, type: 'x', title: 'x' })).toThrow(/severity/);
  });

  it('device reasons set and cleared one by one; the status follows', async () => {
    const sim = await start();
    const token = await tokenOf(sim);
    const id = 'c3110000-0000-4000-8000-000000000001';
    const set = sim.setDeviceReasons(id, [
      { code: 'EncryptionInvalid', severity: 'Warning' },
      { code: 'ApplicationNotRunning', severity: 'Critical' },
    ]);
    expect(set.status).toBe('Critical');
    const device = async () => (await get(sim, token, 'workspaces/ws-alpha-kes/devices')).json.items.find((d: Json) => d.id === id);
    expect((await device()).statusReasons.map((r: Json) => r.code)).toEqual(['EncryptionInvalid', 'ApplicationNotRunning']);
    expect(sim.clearDeviceReason(id, 'ApplicationNotRunning').status).toBe('Warning');
    expect((await device()).status).toBe('Warning');
    expect(sim.clearDeviceReason(id, 'EncryptionInvalid').status).toBe('OK');
    expect(() => sim.clearDeviceReason(id, 'EncryptionInvalid')).toThrow(/no status reason/);
    expect(() => sim.setDeviceReasons(id, [{ code: 'Unheard', severity: 'Warning' }])).toThrow(/not one the hub knows/);
    // A code the connector may not know, with its text.
    expect(sim.setDeviceReasons(id, [{ code: 'Unheard', severity: 'Warning', text: 'A new condition' }]).statusReasons).toEqual([{ code: 'Unheard', text: 'A new condition', severity: 'Warning' }]);
  });

  it('raising an Office 365 issue adds its event once; clearing it leaves the event; mailboxes follow into the license', async () => {
    const sim = await start();
    const token = await tokenOf(sim);
    const event = sim.raiseOffice365Issue('ws-beta-o365', 'LicenseIssue');
    expect(event).toMatchObject({ workspaceId: 'ws-beta-o365', sequence: 2, type: 'LicenseIssue', severity: 'Critical', deviceId: null, raisedAt: '2026-12-07T10:00:07Z' });
    expect(sim.raiseOffice365Issue('ws-beta-o365', 'LicenseIssue')).toBeNull();
    const protection = async () => (await get(sim, token, 'workspaces/ws-beta-o365/office365/protection')).json;
    expect((await protection()).issues).toEqual([{ type: 'LicenseIssue', since: '2026-12-07T10:00:07Z', message: expect.any(String) }]);
    expect((await get(sim, token, 'workspaces/ws-beta-o365/events?afterSequence=1')).json.items.map((e: Json) => e.type)).toEqual(['LicenseIssue']);
    sim.clearOffice365Issue('ws-beta-o365', 'LicenseIssue');
    expect((await protection()).issues).toEqual([]);
    expect(sim.state.eventsOf('ws-beta-o365')).toHaveLength(2);
    sim.setProtectedMailboxes('ws-beta-o365', 9);
    expect((await protection()).protectedMailboxes).toBe(9);
    expect((await get(sim, token, 'workspaces/ws-beta-o365/licenses')).json.items[0].used).toBe(9);
    expect(() => sim.raiseOffice365Issue('ws-beta-kes', 'LicenseIssue')).toThrow(/not an Office 365 workspace/);
    expect(() => sim.clearOffice365Issue('ws-beta-o365', 'LicenseIssue')).toThrow(/no active/);
    expect(sim.summary().activeIssues).toEqual([{ workspaceId: 'ws-alpha-o365', type: 'MailboxesProtectionNotProvided' }]);
  });

  it('pause, resume and cancel a subscription; set an expiry and a grace period; add a device', async () => {
    const sim = await start(load('billing-basic'));
    const token = await tokenOf(sim);
    expect(sim.pauseLicense('lic-northwind-kesc')).toMatchObject({ subscriptionState: 'paused' });
    expect(sim.resumeLicense('lic-northwind-kesc')).toMatchObject({ subscriptionState: 'active' });
    expect(sim.cancelLicense('lic-northwind-kesc')).toMatchObject({ subscriptionState: 'softCancelled', expiresAt: '2027-01-01T10:00:07Z' });
    expect(sim.cancelLicense('lic-northwind-kesc', 'hard')).toMatchObject({ subscriptionState: 'hardCancelled', expiresAt: '2026-12-07T10:00:07Z' });
    expect(() => sim.resumeLicense('lic-northwind-kesc')).toThrow(/cancelled/);
    expect(() => sim.pauseLicense('lic-northwind-plus')).toThrow(/not a subscription/);
    expect(sim.setLicenseExpiry('lic-southside-pro', 'now-1d', 'now+29d')).toMatchObject({ expiresAt: '2026-12-06T10:00:07Z', graceEndsAt: '2027-01-05T10:00:07Z' });
    expect(sim.setLicenseExpiry('lic-northwind-plus', null)).toMatchObject({ expiresAt: null });
    expect(() => sim.setLicenseExpiry('lic-northwind-plus', 'now', 'now+1d')).toThrow(/grace/);
    const device = sim.addDevice('ws-southside-kes', { id: 'new-ws-2', name: 'SOUTH-WS-002', kind: 'workstation', os: 'windows', osName: 'Windows 11 Pro', licenseId: 'lic-southside-pro' });
    expect(device).toMatchObject({ status: 'OK', lastSeen: '2026-12-07T10:00:07Z', licenseId: 'lic-southside-pro' });
    // 2 computers, 7 mobiles: still 4 users; a third and a fourth computer make it 4, then 5.
    const used = async () => (await get(sim, token, 'workspaces/ws-southside-kes/licenses')).json.items[0].used;
    expect(await used()).toBe(4);
    sim.addDevice('ws-southside-kes', { id: 'new-ws-3', name: 'SOUTH-WS-003', kind: 'workstation', os: 'windows', osName: 'Windows 11 Pro', licenseId: 'lic-southside-pro' });
    sim.addDevice('ws-southside-kes', { id: 'new-srv-1', name: 'SOUTH-SRV-01', kind: 'server', os: 'linux', osName: 'Ubuntu 22.04 LTS', licenseId: 'lic-southside-pro' });
    sim.addDevice('ws-southside-kes', { id: 'new-mac-1', name: 'SOUTH-MAC-01', kind: 'workstation', os: 'macos', osName: 'macOS 15', licenseId: 'lic-southside-pro' });
    expect(await used()).toBe(5);
    expect(() => sim.addDevice('ws-southside-kes', { id: 'x', name: 'x', kind: 'mobile', os: 'windows', osName: 'x' })).toThrow(/kind\/os/);
    expect(() => sim.addDevice('ws-southside-o365', { id: 'y', name: 'y', kind: 'workstation', os: 'windows', osName: 'x' })).toThrow(/not a KES Cloud workspace/);
    expect(() => sim.addDevice('ws-southside-kes', { id: 'new-ws-2', name: 'x', kind: 'workstation', os: 'windows', osName: 'x' })).toThrow(/exists/);
  });

  it('requireTwoStep turns on codes for an account and returns the key the codes come from', async () => {
    const sim = await start();
    const key = sim.requireTwoStep(KBH_DEMO_USER.email);
    expect(key).toMatch(/^[A-Z2-7]{32}$/);
    expect(errorOf(await signIn(sim))).toEqual({ status: 401, code: 'otp_required' });
    const ok = await signIn(sim, KBH_DEMO_USER, totp(key, now));
    expect(ok.status).toBe(200);
    expect((await get(sim, ok.json.accessToken, 'account')).json.twoStepVerification).toBe('authenticator');
    expect(() => sim.requireTwoStep('nobody@x')).toThrow(/no user/);
  });

  it('renames a company and marks it for deletion', async () => {
    const sim = await start();
    const token = await tokenOf(sim);
    sim.renameCompany('co-beta-0002', 'Beta Builders Ltd');
    sim.setCompanyState('co-beta-0002', 'markedForDeletion');
    expect((await get(sim, token, 'companies')).json.items[1]).toMatchObject({ name: 'Beta Builders Ltd', state: 'markedForDeletion' });
  });

  it('the same commands over /_sim/, with 400 for bad input; summary and state read; reset restores the fixture', async () => {
    const sim = await start();
    const token = await tokenOf(sim);
    const control = async (command: string, body: unknown = {}) => {
      const r = await fetch(`${sim.url}/_sim/${command}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      return { status: r.status, json: (await r.json()) as Json };
    };
    expect((await control('add-event', { workspaceId: 'ws-beta-kes', event: { severity: 'Critical', type: 'ThreatDetected', title: 'Malware detected' } })).json).toMatchObject({ sequence: 3 });
    expect((await control('set-device-reasons', { deviceId: 'c3220000-0000-4000-8000-000000000001', reasons: [] })).json.status).toBe('OK');
    expect((await control('raise-office365-issue', { workspaceId: 'ws-beta-o365', type: 'MailboxesProtectionNotProvided' })).json.event).toMatchObject({ type: 'MailboxesProtectionNotProvided' });
    expect((await control('require-two-step', { email: SCOPED.email })).json.authenticatorKey).toMatch(/^[A-Z2-7]+$/);
    expect((await control('one-time-code', { email: TWO_STEP.email })).json.code).toBe(totp(TWO_STEP.authenticatorKey, now));
    expect((await control('cancel-license', { licenseId: 'lic-beta-kesc' })).status).toBe(400);
    expect((await control('set-license-expiry', { licenseId: 'lic-beta-kesc', expiresAt: 'now-1d' })).json.expiresAt).toBe('2026-12-06T10:00:07Z');
    expect((await control('clear-device-reason', { deviceId: 'nope', code: 'x' })).status).toBe(400);
    expect((await control('set-device-reasons', { deviceId: 'c3220000-0000-4000-8000-000000000001' })).status).toBe(400);
    expect((await control('fly')).status).toBe(400);
    expect((await control('expire-access-tokens')).json).toEqual({ expired: 1 });
    expect((await control('revoke-refresh-tokens')).json).toEqual({ revoked: 1 });
    const summary = (await (await fetch(`${sim.url}/_sim/summary`)).json()) as Json;
    expect(summary).toMatchObject({ companies: 2, workspaces: 4, devices: 6, licenses: 5, events: 16, activeAccessTokens: 0 });
    const state = (await (await fetch(`${sim.url}/_sim/state`)).json()) as Json;
    expect(state.workspaces.find((w: Json) => w.id === 'ws-beta-o365').protection.issues).toHaveLength(1);
    expect((await fetch(`${sim.url}/_sim/reset`)).status).toBe(405);
    expect(errorOf(await get(sim, token, 'account'))).toEqual({ status: 401, code: 'token_expired' });
    expect((await control('reset')).json).toEqual({ ok: true });
    expect(sim.summary()).toMatchObject({ events: 14, activeIssues: [{ workspaceId: 'ws-alpha-o365', type: 'MailboxesProtectionNotProvided' }], activeAccessTokens: 0 });
    // Tokens did not survive the reset; the account's 2-step verification is off again.
    expect(errorOf(await get(sim, token, 'account'))).toEqual({ status: 401, code: 'invalid_token' });
    expect((await signIn(sim, SCOPED)).status).toBe(200);
  });
});

describe('injections', () => {
  it('429 with Retry-After for the next N matching requests, then normal answers', async () => {
    const sim = await start();
    const token = await tokenOf(sim);
    sim.inject({ endpoint: 'companies$', kind: '429', retryAfter: 7, count: 2 });
    for (let i = 0; i < 2; i++) {
      const r = await get(sim, token, 'companies');
      expect(errorOf(r)).toEqual({ status: 429, code: 'rate_limited' });
      expect(r.headers.get('retry-after')).toBe('7');
    }
    // Not matched: a longer path.
    expect((await get(sim, token, 'companies/co-alpha-0001/workspaces')).status).toBe(200);
    expect((await get(sim, token, 'companies')).status).toBe(200);
    expect(sim.summary().pendingInjections).toBe(0);
  });

  it('503 and errors with a code, checked before sign-in; one segment wildcards; by method; an HTML body', async () => {
    const sim = await start();
    sim.inject({ endpoint: 'auth/token', kind: '503' });
    expect(errorOf(await signIn(sim))).toEqual({ status: 503, code: 'unavailable' });
    const token = await tokenOf(sim);
    sim.inject({ endpoint: 'workspaces/*/events', kind: 'error', status: 401, code: 'token_expired' });
    expect(errorOf(await get(sim, token, 'workspaces/ws-beta-kes/events'))).toEqual({ status: 401, code: 'token_expired' });
    expect((await get(sim, token, 'workspaces/ws-beta-kes/events')).status).toBe(200);
    sim.inject({ endpoint: 'licenses', kind: 'error', status: 403 });
    expect(errorOf(await get(sim, token, 'workspaces/ws-beta-kes/licenses'))).toEqual({ status: 403, code: 'forbidden' });
    sim.inject({ endpoint: '*', kind: 'error', method: 'POST' });
    expect((await get(sim, token, 'account')).status).toBe(200);
    expect(errorOf(await signIn(sim))).toEqual({ status: 500, code: 'internal_error' });
    sim.inject({ endpoint: 'account', kind: 'error', status: 502, rawBody: '<html>Bad gateway</html>' });
    const html = await get(sim, token, 'account');
    expect([html.status, html.json]).toEqual([502, '<html>Bad gateway</html>']);
    expect(() => sim.inject({ endpoint: 'x', kind: 'explode' as never })).toThrow(/kind/);
  });

  it('a delay waits the injected sleep, then answers normally', async () => {
    const waited: number[] = [];
    const sim = await start(ticketsFixture(), { sleep: async (ms) => void waited.push(ms) });
    const token = await tokenOf(sim);
    sim.inject({ endpoint: 'devices', kind: 'delay', delayMs: 2500 });
    expect((await get(sim, token, 'workspaces/ws-alpha-kes/devices')).status).toBe(200);
    expect(waited).toEqual([2500]);
  });
});

describe('request log', () => {
  it('records every request with passwords, one-time codes and tokens removed', async () => {
    const file = `${process.env.TMPDIR ?? '/tmp'}/kmsp-kbh-record-${process.pid}.jsonl`;
    rmSync(file, { force: true });
    const sim = await start(ticketsFixture(), { recordFile: file });
    const pair = (await signIn(sim)).json;
    const code = totp(TWO_STEP.authenticatorKey, now);
    await signIn(sim, TWO_STEP, code);
    await signIn(sim, { ...KBH_DEMO_USER, password: 'a-wrong-guess' });
    const renewed = (await tokenCall(sim, { grantType: 'refresh_token', refreshToken: pair.refreshToken })).json;
    await get(sim, renewed.accessToken, 'companies?pageSize=1');
    const log = readFileSync(file, 'utf8');
    const lines = log.trim().split('\n').map((l) => JSON.parse(l) as Json);
    expect(lines.map((l) => [l.method, l.path, l.status])).toEqual([
      ['POST', '/api/v1/auth/token', 200],
      ['POST', '/api/v1/auth/token', 200],
      ['POST', '/api/v1/auth/token', 401],
      ['POST', '/api/v1/auth/token', 200],
      ['GET', '/api/v1/companies', 200],
    ]);
    expect(lines[1].body).toEqual({ grantType: 'password', email: TWO_STEP.email, password: '***', otp: '***' });
    expect(lines[4].query).toBe('?pageSize=1');
    for (const secret of [KBH_DEMO_USER.password, TWO_STEP.password, code, 'a-wrong-guess', pair.accessToken, pair.refreshToken, renewed.accessToken, renewed.refreshToken, 'Bearer']) {
      expect(log, secret).not.toContain(secret);
      expect(JSON.stringify(sim.requests), secret).not.toContain(secret);
    }
    rmSync(file, { force: true });
  });
});

describe('over HTTPS', () => {
  it('serves the TEST-ONLY certificate by default: a client trusting the test CA signs in and reads', async () => {
    const sim = await startKbhSimulator({ fixture: fixturesPath('tickets-basic', 'kbh.json'), clock });
    sims.push(sim);
    expect(sim.url).toMatch(/^https:\/\/localhost:\d+$/);
    const http = new HttpClient({ service: 'test', baseUrl: sim.url, caFile: testTls().ca, retries: 0 });
    try {
      const signed = await http.request({ method: 'POST', url: '/api/v1/auth/token', body: { grantType: 'password', email: KBH_DEMO_USER.email, password: KBH_DEMO_USER.password }, safeToRetry: false });
      expect(signed.status).toBe(200);
      const token = (JSON.parse(signed.text) as Json).accessToken as string;
      const companies = await http.request({ method: 'GET', url: '/api/v1/companies', headers: { Authorization: `Bearer ${token}` } });
      expect((JSON.parse(companies.text) as Json).items.map((c: Json) => c.name)).toEqual(['Alpha Dental', 'Beta Builders']);
    } finally {
      http.close();
    }
  });
});

describe('the registry entry', () => {
  it('points kmsp at the first user with the test CA; gives the authenticator key once the account demands codes; lists the active companies', async () => {
    const entry = platformSimulator('kbh');
    const sim = await entry.start({ fixture: fixturesPath('tickets-basic', 'kbh.json') });
    sims.push(sim);
    const { connection, secrets } = entry.connection(sim);
    expect(connection).toEqual({ kind: 'kbh', url: sim.url, email: KBH_DEMO_USER.email, caFile: testTls().ca });
    expect(secrets).toEqual({ 'kbh.password': KBH_DEMO_USER.password });
    const key = sim.requireTwoStep(KBH_DEMO_USER.email);
    expect(entry.connection(sim).secrets).toEqual({ 'kbh.password': KBH_DEMO_USER.password, 'kbh.authenticator-key': key });
    sim.setCompanyState('co-beta-0002', 'markedForDeletion');
    expect(entry.tenants(sim)).toEqual([{ id: 'co-alpha-0001', name: 'Alpha Dental' }]);
    expect(entry.note).toBe('TEST-ONLY certificate');
  });
});
