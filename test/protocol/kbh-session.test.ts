// The Business Hub connector's sign-in, tokens and failures against the simulator over loopback
// HTTPS (connectors/kbh/README.md §3, §5, §6): renewal before expiry and after token_expired,
// refresh rotation, one sign-in for concurrent requests, the one-time code (demanded, made from
// the authenticator key, handed in once), 401/403/404, 429 and 503 retried, what is refused
// before anything is sent, and no secret in any error or recording.
import { describe, expect, it } from 'vitest';
import { createKbhPlatform } from '../../source/connectors/kbh/index.js';
import { createPlatform } from '../../source/connectors/factory.js';
import type { Integration } from '../../source/domain/config.js';
import type { KmspError } from '../../source/domain/errors.js';
import { testTls } from '../../source/simulators/server.js';
import { START, USERS, failure, tenant, useSimulatedKbh } from './kbh-simulated.js';

const kbh = useSimulatedKbh();
const ACME = tenant('c-acme');
const MINUTE = 60_000;

describe('tokens', () => {
  it('renews by the refresh token when less than five minutes are left, using the new refresh token each time', async () => {
    const platform = kbh.platform();
    await platform.listTenants();
    kbh.advance(54 * MINUTE);
    await platform.listTenants();
    expect([kbh.grants('password'), kbh.grants('refresh_token')]).toEqual([1, 0]);
    kbh.advance(2 * MINUTE);
    await platform.listTenants();
    expect([kbh.grants('password'), kbh.grants('refresh_token')]).toEqual([1, 1]);
    // The hub rotates refresh tokens (the old one stops working): a second renewal succeeds only with the new one.
    kbh.advance(56 * MINUTE);
    await platform.listTenants();
    expect([kbh.grants('password'), kbh.grants('refresh_token')]).toEqual([1, 2]);
    expect(kbh.sim.summary().activeRefreshTokens).toBe(1);
    expect(kbh.sim.requests.filter((r) => r.status === 401)).toEqual([]);
  });

  it('token_expired: renews once and repeats the read', async () => {
    const platform = kbh.platform();
    await platform.listTenants();
    expect(kbh.sim.expireAccessTokens()).toBe(1);
    const devices = await platform.listDevices(ACME);
    expect(devices).toHaveLength(4);
    expect(kbh.grants('refresh_token')).toBe(1);
    const workspaceReads = kbh.sim.requests.filter((r) => r.path === '/api/v1/companies/c-acme/workspaces');
    expect(workspaceReads.map((r) => r.status)).toEqual([401, 200]);
  });

  it('concurrent requests share one sign-in, and one renewal', async () => {
    const platform = kbh.platform();
    await Promise.all([platform.listTenants(), platform.listApplications(), platform.listDevices(ACME), platform.licenseUsage(ACME), platform.conditions!(ACME)]);
    expect(kbh.grants('password')).toBe(1);
    kbh.sim.expireAccessTokens();
    await Promise.all([platform.listTenants(), platform.listApplications(), platform.listDevices(ACME), platform.licenseUsage(ACME), platform.eventsSince(ACME, null)]);
    expect([kbh.grants('password'), kbh.grants('refresh_token')]).toEqual([1, 1]);
    kbh.advance(58 * MINUTE);
    await Promise.all([platform.listTenants(), platform.listApplications(), platform.listDevices(ACME)]);
    expect([kbh.grants('password'), kbh.grants('refresh_token')]).toEqual([1, 2]);
  });

  it('a refresh token the hub refuses (invalid_grant) leads to a full sign-in', async () => {
    const platform = kbh.platform();
    await platform.listTenants();
    kbh.sim.revokeRefreshTokens();
    kbh.advance(56 * MINUTE);
    await platform.listTenants();
    expect([kbh.grants('password'), kbh.grants('refresh_token')]).toEqual([2, 1]);
  });

  it('a token refused again right after its renewal is an error, not a loop', async () => {
    const platform = kbh.platform();
    await platform.listTenants();
    kbh.sim.inject({ endpoint: 'companies$', kind: 'error', status: 401, code: 'invalid_token', count: 2 });
    const error = await failure(platform.listTenants());
    expect(error).toMatchObject({ kind: 'auth', message: "Kaspersky Business Hub refused kmsp's access token to list the companies, right after renewing it", code: 'invalid_token' });
    expect(kbh.grants('refresh_token')).toBe(1);
  });
});

describe('the one-time code', () => {
  const twoStep = { email: USERS.twoStep.email, password: USERS.twoStep.password };

  it('demanded with neither key nor code: one-time-code-required, with a remedy that needs no one at the keyboard', async () => {
    const integration = { name: 'reg', platform: { kind: 'kbh', url: kbh.sim.url, email: USERS.twoStep.email, caFile: testTls().ca } } as Pick<Integration, 'name' | 'platform'>;
    const platform = await createPlatform(integration, async (name) => (name === 'reg.kbh.password' ? USERS.twoStep.password : null));
    try {
      const error = await failure(platform.verify());
      expect(error).toMatchObject({ kind: 'auth', code: 'one-time-code-required', message: `Kaspersky Business Hub asks for a one-time code to sign in ${USERS.twoStep.email}` });
      expect(error.remedy).toContain('kmsp secrets set reg.kbh.authenticator-key');
      expect(error.remedy).toContain('without 2-step verification');
    } finally {
      await platform.close();
    }
    expect(kbh.grants('password')).toBe(1);
  });

  it('a code is handed in by the console only, never read from the secret store (where the agent would find one stored by mistake)', async () => {
    const integration = { name: 'reg', platform: { kind: 'kbh', url: kbh.sim.url, email: USERS.twoStep.email, caFile: testTls().ca } } as Pick<Integration, 'name' | 'platform'>;
    const asked: string[] = [];
    // A store that holds a current code under the code's name (kmsp secrets set, KMSP_SECRET_… in the unit's environment).
    const store = async (name: string) => {
      asked.push(name);
      return name === 'reg.kbh.password' ? USERS.twoStep.password : name === 'reg.kbh.one-time-code' ? kbh.sim.oneTimeCode(USERS.twoStep.email) : null;
    };
    const agent = await createPlatform(integration, store);
    try {
      expect((await failure(agent.listTenants())).code).toBe('one-time-code-required');
    } finally {
      await agent.close();
    }
    expect(asked).not.toContain('reg.kbh.one-time-code');
    const console = await createPlatform(integration, store, { handedIn: { oneTimeCode: kbh.sim.oneTimeCode(USERS.twoStep.email) } });
    try {
      expect(await console.listTenants()).toHaveLength(8);
    } finally {
      await console.close();
    }
  });

  it('made from the stored authenticator key, at every full sign-in; a second one in the same 30 s waits for the next code', async () => {
    const waits: number[] = [];
    const platform = kbh.platform({
      user: twoStep,
      authenticatorKey: USERS.twoStep.authenticatorKey.toLowerCase().replace(/(.{4})/g, '$1 '),
      httpOptions: {
        sleep: async (ms) => {
          waits.push(ms);
          kbh.advance(ms);
        },
      },
    });
    expect((await platform.verify()).description).toContain(USERS.twoStep.email);
    // Without a code first (the hub says otp_required), then with one.
    expect(kbh.sim.requests.filter((r) => r.path === '/api/v1/auth/token').map((r) => [r.status, (r.body as { otp?: string }).otp ?? null])).toEqual([
      [401, null],
      [200, '***'],
    ]);
    kbh.sim.revokeRefreshTokens();
    kbh.sim.expireAccessTokens();
    await platform.listTenants();
    // The hub takes a code once: kmsp waited for the next 30-second step rather than be refused.
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(0);
    expect(waits[0]).toBeLessThanOrEqual(30_000);
    // From the second sign-in on, the code goes with the first request.
    expect(kbh.grants('password')).toBe(3);
    expect((await platform.checkAccess!()).at(-1)).toMatchObject({ allowed: true, statement: { ok: `kmsp makes ${USERS.twoStep.email}'s one-time codes from the stored authenticator key: the agent signs in unattended` } });
  });

  it('two connectors of one process signing in within one 30 s step (the agent’s billing and ticket passes each open one): the later ones wait for the next codes, none is refused as used', async () => {
    const waits: number[] = [];
    const keyed = () =>
      kbh.platform({
        user: twoStep,
        authenticatorKey: USERS.twoStep.authenticatorKey,
        httpOptions: {
          sleep: async (ms) => {
            waits.push(ms);
            kbh.advance(ms);
          },
        },
      });
    kbh.advance(10 * MINUTE);
    await keyed().listTenants();
    kbh.advance(1_000);
    await keyed().listTenants();
    expect(waits).toHaveLength(1);
    // At once: the second reserves the next step before it waits, so a third takes the one after.
    kbh.advance(5 * MINUTE);
    await Promise.all([keyed().listTenants(), keyed().listTenants(), keyed().listTenants()]);
    expect(waits).toHaveLength(3);
    expect(kbh.sim.requests.filter((r) => r.path === '/api/v1/auth/token' && r.status !== 200 && r.status !== 401)).toEqual([]);
    expect(kbh.sim.requests.filter((r) => r.path === '/api/v1/auth/token' && (r.body as { otp?: string }).otp !== undefined).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
  });

  it('handed in: signs in once; the next full sign-in demands another, and checkAccess says the agent cannot', async () => {
    const platform = kbh.platform({ user: twoStep, oneTimeCode: kbh.sim.oneTimeCode(USERS.twoStep.email) });
    await platform.listTenants();
    expect(kbh.grants('password')).toBe(2);
    const access = (await platform.checkAccess!()).at(-1)!;
    expect(access.allowed).toBe(false);
    expect(access.statement!.fail).toContain('a code typed for this test does not carry over');
    expect(access.statement!.remedy).toContain('kmsp secrets set reg.kbh.authenticator-key');
    // Renewals need no code…
    kbh.advance(56 * MINUTE);
    await platform.listTenants();
    // …a full sign-in does, and the handed-in one is spent.
    kbh.sim.revokeRefreshTokens();
    kbh.sim.expireAccessTokens();
    expect((await failure(platform.listTenants())).code).toBe('one-time-code-required');
  });

  it('a wrong code, and a wrong key: otp_invalid with what to check', async () => {
    const typed = await failure(kbh.platform({ user: twoStep, oneTimeCode: '000000' }).listTenants());
    expect(typed).toMatchObject({ kind: 'auth', code: 'otp_invalid', message: `Kaspersky Business Hub refused the one-time code for ${USERS.twoStep.email}` });
    expect(typed.remedy).toContain('Type the code your authenticator app shows now');
    const keyed = await failure(kbh.platform({ user: twoStep, authenticatorKey: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' }).listTenants());
    expect(keyed.why).toContain('the codes kmsp made from the stored authenticator key, for this step and the next');
    expect(keyed.remedy).toContain("this machine's clock");
    // The key is not used again for a while (every agent pass would send two more wrong codes)…
    // (Waits for a code step pass on the shared clock, as real waits would.)
    const httpOptions = { sleep: async (ms: number) => kbh.advance(ms) };
    const codesSent = () => kbh.sim.requests.filter((r) => r.path === '/api/v1/auth/token' && (r.body as { otp?: string }).otp !== undefined).length;
    const before = codesSent();
    const held = await failure(kbh.platform({ user: twoStep, authenticatorKey: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', httpOptions }).listTenants());
    expect(held.why).toMatch(/makes no code from this key again before/);
    expect(held.remedy).toContain('A corrected key is tried at once.');
    expect(codesSent()).toBe(before);
    // …a corrected key is tried at once, and the wrong one again after the pause.
    await kbh.platform({ user: twoStep, authenticatorKey: USERS.twoStep.authenticatorKey, httpOptions }).listTenants();
    kbh.advance(31 * MINUTE);
    await failure(kbh.platform({ user: twoStep, authenticatorKey: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', httpOptions }).listTenants());
    expect(codesSent()).toBeGreaterThan(before + 1);
    const notBase32 = await failure(Promise.resolve().then(() => kbh.platform({ user: twoStep, authenticatorKey: '123 456' })));
    expect(notBase32).toMatchObject({ kind: 'config', message: 'The Kaspersky Business Hub authenticator key is not a base32 setup key' });
  });

  it("a code another kmsp process sent this step (the hub takes each once): the next step's code is tried, once", async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
      kbh.advance(ms);
    };
    // The same account by another spelling of the address: connectors that share nothing in this
    // process, as the agent and the console (or doctor) share nothing.
    const url = new URL(kbh.sim.url);
    const other = `${url.protocol}//${url.hostname === 'localhost' ? '127.0.0.1' : 'localhost'}:${url.port}`;
    const first = kbh.platform({ user: twoStep, authenticatorKey: USERS.twoStep.authenticatorKey, httpOptions: { sleep } });
    const second = kbh.platform({ user: twoStep, authenticatorKey: USERS.twoStep.authenticatorKey, connection: { url: other }, httpOptions: { sleep } });
    kbh.advance(15 * MINUTE);
    await first.listTenants();
    await second.listTenants();
    const sent = kbh.sim.requests.filter((r) => r.path === '/api/v1/auth/token' && (r.body as { otp?: string }).otp !== undefined).map((r) => r.status);
    expect(sent).toEqual([200, 401, 200]);
    expect(waits).toHaveLength(1);
  });

  it('codes by SMS: checkAccess says kmsp cannot read them', async () => {
    const platform = kbh.platform({ user: { email: USERS.sms.email, password: USERS.sms.password }, oneTimeCode: USERS.sms.smsCode });
    const access = (await platform.checkAccess!()).at(-1)!;
    expect(access).toMatchObject({ allowed: false, detail: 'the account gets its one-time codes by SMS' });
    expect(access.statement!.fail).toContain('by SMS, which kmsp cannot read');
  });
});

describe('failures', () => {
  it('a wrong password names the e-mail and the command, and is not sent again for 30 minutes (the agent opens a connector every poll: the hub would lock the account); another password is tried at once', async () => {
    const wrong = { email: USERS.plain.email, password: 'Not-the-password-1' };
    const error = await failure(kbh.platform({ user: wrong }).verify());
    expect(error).toMatchObject({ kind: 'auth', message: 'Kaspersky Business Hub rejected the e-mail or password', code: 'invalid_credentials' });
    expect(error.remedy).toContain(USERS.plain.email);
    expect(error.remedy).toContain('kmsp secrets set reg.kbh.password');
    // A ticket poll a minute, each with a connector of its own: the refused password stays here.
    for (let i = 0; i < 29; i++) {
      kbh.advance(MINUTE);
      const again = await failure(kbh.platform({ user: wrong }).verify());
      expect(again).toMatchObject({ kind: 'auth', message: 'Kaspersky Business Hub rejected the e-mail or password', code: 'invalid_credentials' });
      expect(again.why).toContain('kmsp does not send it again before 2026-06-15T10:30:00.000Z');
    }
    expect(kbh.grants('password')).toBe(1);
    expect(kbh.sim.summary().lockedUsers).toEqual([]);
    // Another password (the secret was corrected) is sent at once; the refused one again after 30 minutes.
    await kbh.platform().verify();
    expect(kbh.grants('password')).toBe(2);
    kbh.advance(MINUTE);
    await failure(kbh.platform({ user: wrong }).verify());
    expect(kbh.grants('password')).toBe(3);
  });

  it('after five wrong passwords in a row the hub locks the account: the error says until when', async () => {
    const wrong = { email: USERS.plain.email, password: 'Not-the-password-2' };
    for (let i = 0; i < 5; i++) {
      if (i > 0) kbh.advance(30 * MINUTE);
      await failure(kbh.platform({ user: wrong }).verify());
    }
    expect(kbh.grants('password')).toBe(5);
    const locked = await failure(kbh.platform().verify());
    expect(locked).toMatchObject({ kind: 'auth', code: 'account_locked', message: `Kaspersky Business Hub account ${USERS.plain.email} is locked` });
    expect(locked.why).toContain('locked until 2026-06-15T12:30:00Z');
    expect(locked.remedy).toContain('Wait until the lock ends');
  });

  it('403: the account may not, and what it needs', async () => {
    kbh.sim.inject({ endpoint: 'workspaces/*/devices', kind: 'error', status: 403, message: 'The role Read-only may not list devices.' });
    const error = await failure(kbh.platform().listDevices(ACME));
    expect(error).toMatchObject({ kind: 'permission', message: 'Kaspersky Business Hub refused to list the devices of workspace ws-acme-kes: the Business Hub account may not' });
    expect(error.why).toBe('HTTP 403 (forbidden: The role Read-only may not list devices.)');
    expect(error.remedy).toContain('Kaspersky Endpoint Security Cloud workspace');
  });

  it('404 where the API should be: the URL is wrong', async () => {
    const error = await failure(kbh.platform({ connection: { url: `${kbh.sim.url.replace(/\/$/, '')}/hub` } }).verify());
    expect(error).toMatchObject({ kind: 'config' });
    expect(error.message).toContain('does not serve the Business Hub API');
    expect(error.remedy).toContain('https://hub.kaspersky.com');
  });

  it('429 and 503 are retried after Retry-After; when they last, each says so', async () => {
    const waits: number[] = [];
    const platform = kbh.platform({ httpOptions: { sleep: async (ms) => void waits.push(ms), retries: 2 } });
    kbh.sim.inject({ endpoint: 'companies$', kind: '429', retryAfter: 2, count: 2 });
    expect(await platform.listTenants()).toHaveLength(8);
    expect(waits).toEqual([2000, 2000]);
    kbh.sim.inject({ endpoint: 'auth/token', kind: '503', count: 1 });
    kbh.sim.inject({ endpoint: 'licensing/products', kind: '503', count: 1 });
    expect(await kbh.platform().listApplications()).toHaveLength(4);
    kbh.sim.inject({ endpoint: 'companies$', kind: '429', retryAfter: 1, count: 5 });
    const limited = await failure(platform.listTenants());
    expect(limited).toMatchObject({ kind: 'rate-limit', code: 'rate_limited' });
    expect(limited.remedy).toContain('Retry after');
    kbh.sim.clearInjections();
    kbh.sim.inject({ endpoint: 'companies$', kind: '503', count: 5 });
    const down = await failure(platform.listTenants());
    expect(down).toMatchObject({ kind: 'vendor', message: 'Kaspersky Business Hub is unavailable (list the companies)', code: 'unavailable' });
  });

  it('an answer that is not JSON, and a record that fails validation', async () => {
    // Once, a read is asked again (the HTTP layer repeats a safe request whose body is not the JSON asked for); lasting, it is said.
    kbh.sim.inject({ endpoint: 'companies$', kind: 'error', status: 200, rawBody: '<html><body>Sign in to the proxy</body></html>' });
    expect((await kbh.platform({ httpOptions: { sleep: async () => undefined } }).listTenants()).length).toBeGreaterThan(0);
    kbh.sim.inject({ endpoint: 'companies$', kind: 'error', status: 200, rawBody: '<html><body>Sign in to the proxy</body></html>', count: 10 });
    const html = await failure(kbh.platform({ httpOptions: { sleep: async () => undefined } }).listTenants());
    expect(html).toMatchObject({ kind: 'protocol', message: 'Kaspersky Business Hub answered with something that is not JSON (HTTP 200)' });
    const front = kbh.sim.state.devices.find((d) => d.id === 'd-front')!;
    (front as { kind: string }).kind = 'tablet';
    const invalid = await failure(kbh.platform().listDevices(ACME));
    expect(invalid).toMatchObject({ kind: 'protocol', message: 'Kaspersky Business Hub answered device d-front in an unexpected shape' });
    expect(invalid.why).toBe('field kind should be one of workstation, server, mobile, got "tablet"');
  });

  it('plain http off loopback is refused before anything is sent; an untrusted certificate names the CA file', async () => {
    const plain = await failure(Promise.resolve().then(() => kbh.platform({ connection: { url: 'http://hub.example-msp.com' } })));
    expect(plain).toMatchObject({ kind: 'config', message: 'The Kaspersky Business Hub URL uses plain http: http://hub.example-msp.com' });
    expect(kbh.records).toEqual([]);
    const untrusted = await failure(kbh.platform({ connection: { caFile: null } }).verify());
    expect(untrusted.kind).toBe('tls');
    expect(untrusted.remedy).toContain('CA/certificate file');
    expect(kbh.sim.requests).toEqual([]);
  });
});

describe('secrets', () => {
  it('no password, key, one-time code or token in any error, connector record or simulator recording', async () => {
    const errors: KmspError[] = [];
    const keyed = kbh.platform({ user: { email: USERS.twoStep.email, password: USERS.twoStep.password }, authenticatorKey: USERS.twoStep.authenticatorKey, httpOptions: { sleep: async (ms) => kbh.advance(ms) } });
    await keyed.listTenants();
    kbh.sim.expireAccessTokens();
    await keyed.listDevices(ACME);
    kbh.sim.inject({ endpoint: 'companies$', kind: 'error', status: 401, code: 'invalid_token', count: 2 });
    errors.push(await failure(keyed.listTenants()));
    const code = kbh.sim.oneTimeCode(USERS.twoStep.email, START + 10 * MINUTE);
    errors.push(await failure(kbh.platform({ user: { email: USERS.twoStep.email, password: USERS.twoStep.password }, oneTimeCode: code }).listTenants()));
    errors.push(await failure(kbh.platform({ user: { email: USERS.plain.email, password: 'Wrong-password-77' } }).verify()));
    // The keyed connector used this 30 s step's code: the next one for the typed code.
    kbh.advance(30_000);
    const typed = kbh.platform({ user: { email: USERS.twoStep.email, password: USERS.twoStep.password }, oneTimeCode: kbh.sim.oneTimeCode(USERS.twoStep.email) });
    await typed.checkAccess!();
    kbh.sim.inject({ endpoint: 'companies$', kind: 'error', status: 500, rawBody: `echo ${USERS.twoStep.password}`, count: 10 });
    errors.push(await failure(typed.listTenants()));
    const tokens = (kbh.sim.auth as unknown as { access: Map<string, unknown>; refresh: Map<string, unknown> }).access.keys();
    const secrets = [USERS.twoStep.password, USERS.twoStep.authenticatorKey, USERS.plain.password, 'Wrong-password-77', code, ...tokens];
    expect(secrets.length).toBeGreaterThan(5);
    const texts = [...errors.map((e) => `${e.explain()} ${e.code}`), JSON.stringify(kbh.records), JSON.stringify(kbh.sim.requests)];
    for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret);
    // The echoed password was masked, not dropped: the error still shows the rest of the body.
    expect(errors.at(-1)!.explain()).toContain('echo ***');
  });
});

describe('without the shared helper', () => {
  it('createKbhPlatform checks the URL itself', () => {
    expect(() => createKbhPlatform({ connection: { kind: 'kbh', url: 'hub', email: 'a@b', caFile: null }, password: 'pass-word', authenticatorKey: null, oneTimeCode: null })).toThrow('not a URL');
  });
});
