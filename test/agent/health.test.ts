// Health notifications (README › Health notifications) over the demo of two PSAs: the agent's
// ticket passes (runPass) fail on a platform password that is rejected, the health check after
// each pass opens exactly one health ticket in the PSA — on the MSP's own account and the
// queue/board chosen — notes it, and closes it when the password is right again; a webhook
// receiver on loopback gets one message when the incident opens and one when it clears. A crash
// between the create and its ledger record is settled by the ticket's tag, never by a second create.
import { execFile } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runPass } from '../../source/agent/passes.js';
import { createPlatform, createPsa } from '../../source/connectors/factory.js';
import type { Integration, KmspConfig } from '../../source/domain/config.js';
import { healthTicketFields, webhookSecretName, type HealthSettings } from '../../source/domain/health.js';
import { psaProfile } from '../../source/domain/profiles/index.js';
import { platformSecrets, psaSecrets } from '../../source/domain/secretNames.js';
import { fieldOptions } from '../../source/domain/ticketSchema.js';
import { checkHealth, HEALTH_NOTE_EVERY_MS, healthTag, HookDeath, type HealthOptions } from '../../source/health/monitor.js';
import { postWebhook } from '../../source/health/webhook.js';
import { startDemo } from '../../source/demo/environment.js';
import { openConfig } from '../../source/store/config.js';
import { HealthLedger } from '../../source/store/healthLedger.js';
import { openLedger, type Ledger } from '../../source/store/ledger.js';
import { resolvePaths, type KmspPaths } from '../../source/store/paths.js';
import { openSecretStore, type SecretStore } from '../../source/store/secrets.js';

const TOKEN_PATH = '/services/T000/B000/health-T0KEN-do-not-log';

const run = promisify(execFile);

interface Receiver {
  origin: string;
  messages: Array<{ path: string; body: Record<string, unknown> }>;
  /** Answers to give before a 200, in order (a 503, a 429 …). */
  failFirst: number[];
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const r: Omit<Receiver, 'origin' | 'close'> = { messages: [], failFirst: [] };
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      const status = r.failFirst.shift();
      if (status) {
        res.writeHead(status, status === 429 ? { 'retry-after': '0' } : {}).end('busy');
        return;
      }
      r.messages.push({ path: req.url ?? '', body: JSON.parse(text) as Record<string, unknown> });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { ...r, origin: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

interface Env {
  demo: { configDir: string; close(): Promise<void> };
  paths: KmspPaths;
  config: KmspConfig;
  integration: Integration;
  secrets: SecretStore;
  ledger: Ledger;
  receiver: Receiver;
  lines: string[];
  psa: Awaited<ReturnType<typeof createPsa>>;
}

let env: Env | null = null;
afterEach(async () => {
  if (!env) return;
  env.ledger.close();
  await env.psa.close();
  await env.receiver.close();
  await env.demo.close();
  env = null;
});

/** The demo with one tenant mapped (so a ticket pass reads the platform), and health notifications on. */
async function start(psaKind: 'autotask' | 'connectwise' | 'tigerpaw'): Promise<Env> {
  const demo = await startDemo({ psa: psaKind });
  const paths = resolvePaths({ configDir: demo.configDir });
  const store = openConfig({ paths });
  const loaded = store.load();
  const base = loaded.integrations[0]!;
  const secrets = openSecretStore({ paths, backends: ['file'] });
  const lookup = (n: string) => secrets.get(n);
  const [platform, psa] = await Promise.all([createPlatform(base, lookup), createPsa(base, lookup)]);
  const [tenants, accounts, picklists] = await Promise.all([platform.listTenants(), psa.listAccounts(), psa.ticketPicklists()]);
  await platform.close();
  const active = accounts.filter((a) => a.active);
  const msp = active[0]!;
  const customer = active[1]!;
  const profile = psaProfile(psaKind);
  const fields = Object.fromEntries(healthTicketFields(profile).map((spec) => {
    const v = fieldOptions(spec, picklists).find((o) => o.label === 'Monitoring Alert') ?? fieldOptions(spec, picklists)[0]!;
    return [spec.id, { value: v.value, label: v.label }];
  }));
  const receiver = await startReceiver();
  const health: HealthSettings = { ticket: true, accountId: msp.id, accountName: msp.name, fields, ticketFailures: 3, webhook: receiver.origin };
  const tenant = tenants[0]!;
  const integration: Integration = {
    ...base,
    tenants: [{ tenantId: tenant.id, tenantName: tenant.name, accountId: customer.id, accountName: customer.name, billing: false, contractId: null, contractName: null }],
    health,
  };
  const config: KmspConfig = { ...loaded, integrations: [integration] };
  store.save(config, { actor: 'health test' });
  await secrets.set(webhookSecretName(integration.name), TOKEN_PATH);
  return { demo, paths, config, integration, secrets, ledger: openLedger({ paths }), receiver, lines: [], psa };
}

const PLATFORM_PASSWORD = (e: Env) => platformSecrets(e.integration)[0]!.name;

async function passAndCheck(e: Env, at: Date, extra: Partial<HealthOptions> = {}) {
  const r = await runPass('tickets', { paths: e.paths, config: e.config, integrations: e.config.integrations, dryRun: false, now: () => at });
  const pass = r.integrations[0]!;
  const log = (level: string) => (m: string) => void e.lines.push(`${level} ${m}`);
  const health = await checkHealth({
    ledger: e.ledger,
    integration: e.integration,
    job: 'tickets',
    pass,
    now: at,
    paused: false,
    log: { info: log('info'), warn: log('warn'), error: log('error') },
    secrets: (n) => e.secrets.get(n),
    webhook: { sleep: async () => undefined, backoffMs: 1 },
    ...extra,
  });
  return { pass, health };
}

async function healthTickets(e: Env) {
  const incidents = new HealthLedger(e.ledger).listIncidents({ integration: e.integration.name });
  const found = await Promise.all(incidents.map((i) => e.psa.findTicketsByTag(i.tag)));
  return { incidents, tickets: found.flat() };
}

const HOUR = HEALTH_NOTE_EVERY_MS;

describe.each(['autotask', 'connectwise', 'tigerpaw'] as const)('health notifications with %s', (psaKind) => {
  it('a failing integration opens exactly one health ticket, notes repeats, and closes it on recovery; the webhook tells once each way', async () => {
    env = await start(psaKind);
    const e = env;
    const good = (await e.secrets.get(PLATFORM_PASSWORD(e)))!;
    await e.secrets.set(PLATFORM_PASSWORD(e), 'not-the-password');
    const t0 = new Date('2026-12-07T10:00:00Z');

    const first = await passAndCheck(e, t0);
    expect(first.pass.outcome).toBe('failed');
    expect(first.pass.failure?.kind).toBe('auth');
    expect(first.health).toMatchObject({ failing: ['credentials'], opened: true, ticket: 'created', webhook: 'sent' });

    // Failing again: no second ticket; one note per failing pass, at most one an hour.
    const second = await passAndCheck(e, new Date(t0.getTime() + 60_000));
    expect(second.health).toMatchObject({ opened: false, ticket: null, webhook: null });
    const third = await passAndCheck(e, new Date(t0.getTime() + HOUR + 60_000));
    expect(third.health.ticket).toBe('noted');

    let { incidents, tickets } = await healthTickets(e);
    expect(incidents).toHaveLength(1);
    expect(tickets).toHaveLength(1);
    const ticket = tickets[0]!;
    expect(ticket.accountId).toBe(e.integration.health!.accountId);
    expect(ticket.title).toContain(`integration “${e.integration.name}” is not healthy`);
    expect(ticket.completedAt).toBeNull();
    // (A PSA that keeps a ticket's description as its first note lists that too.)
    expect((await e.psa.ticketNotes(ticket.id)).filter((n) => n.title.startsWith('kmsp:')).map((n) => n.title)).toEqual(['kmsp: still failing']);

    // Healthy again: the ticket gets its note and is closed, the webhook tells once.
    await e.secrets.set(PLATFORM_PASSWORD(e), good);
    const healed = await passAndCheck(e, new Date(t0.getTime() + 2 * HOUR));
    expect(healed.pass.outcome).toBe('ok');
    expect(healed.health).toMatchObject({ failing: [], cleared: true, ticket: 'closed', webhook: 'sent' });
    ({ incidents, tickets } = await healthTickets(e));
    expect(tickets).toHaveLength(1);
    const closed = (await e.psa.getTicket(ticket.id))!;
    expect(closed.completedAt ?? closed.status).toBeTruthy();
    expect(closed.status).not.toBe(ticket.status);
    expect(incidents[0]).toMatchObject({ ticketState: 'closed', webhookOpened: 'sent', webhookCleared: 'sent' });

    // A pass after recovery changes nothing.
    const after = await passAndCheck(e, new Date(t0.getTime() + 3 * HOUR));
    expect(after.health).toMatchObject({ opened: false, cleared: false, ticket: null, webhook: null });

    const messages = e.receiver.messages;
    expect(messages.map((m) => (m.body.kmsp as { state: string }).state)).toEqual(['failing', 'healthy']);
    for (const m of messages) {
      expect(m.path).toBe(TOKEN_PATH);
      expect(typeof m.body.text).toBe('string');
      expect(m.body.title).toBeTruthy();
    }
    expect(messages[0]!.body.text).toContain('credentials rejected');
    expect(messages[0]!.body.text).toContain('since 2026-12-07T10:00:00.000Z');
    // The token part of the URL is in no log line.
    for (const line of e.lines) expect(line).not.toContain('T0KEN');
  });

  it('a crash between the create and its ledger record is settled by the tag: one health ticket', async () => {
    env = await start(psaKind);
    const e = env;
    await e.secrets.set(PLATFORM_PASSWORD(e), 'not-the-password');
    const t0 = new Date('2026-12-07T10:00:00Z');
    await expect(passAndCheck(e, t0, { afterCreate: () => { throw new Error('killed'); } })).rejects.toBeInstanceOf(HookDeath);
    expect(new HealthLedger(e.ledger).openIncident(e.integration.name)).toMatchObject({ ticketState: 'pending' });

    const next = await passAndCheck(e, new Date(t0.getTime() + 60_000));
    expect(next.health.ticket).toBe('adopted');
    const { tickets } = await healthTickets(e);
    expect(tickets).toHaveLength(1);
    expect(new HealthLedger(e.ledger).openIncident(e.integration.name)).toMatchObject({ ticketState: 'open', psaTicketId: tickets[0]!.id });
  });

  it('a create whose answer never came and that is not found by its tag waits while it may still land, then is made once', async () => {
    env = await start(psaKind);
    const e = env;
    await e.secrets.set(PLATFORM_PASSWORD(e), 'not-the-password');
    const t0 = new Date('2026-12-07T10:00:00Z');
    const hl = new HealthLedger(e.ledger);
    // An incident whose create was sent by a process that died before any answer, and never landed.
    const incident = hl.openNew(e.integration.name, { tag: healthTag(e.integration.name, t0.toISOString(), psaProfile(psaKind).limits.tagMax), at: t0, problems: [] });
    hl.ticketPending(incident.id, { accountId: e.integration.health!.accountId!, landsBy: new Date(Date.now() + 3_600_000) });
    const waiting = await passAndCheck(e, new Date(t0.getTime() + 60_000));
    expect(waiting.health.ticket).toBe('waiting');
    expect((await healthTickets(e)).tickets).toHaveLength(0);
    expect(e.lines.some((l) => l.includes('may still be opened'))).toBe(true);
    // Past the time it could land: made now, once.
    hl.ticketPending(incident.id, { accountId: e.integration.health!.accountId!, landsBy: new Date(Date.now() - 1) });
    const made = await passAndCheck(e, new Date(t0.getTime() + 120_000));
    expect(made.health.ticket).toBe('created');
    expect((await healthTickets(e)).tickets).toHaveLength(1);
  });

  it('with the PSA refusing kmsp, the webhook still tells; the ticket opens once the PSA answers again', async () => {
    env = await start(psaKind);
    const e = env;
    const psaSecret = psaSecrets(e.integration)[0]!.name;
    const goodPsa = (await e.secrets.get(psaSecret))!;
    await e.secrets.set(psaSecret, 'not-the-secret');
    const t0 = new Date('2026-12-07T10:00:00Z');
    const first = await passAndCheck(e, t0);
    expect(first.pass.outcome).toBe('failed');
    expect(first.health).toMatchObject({ opened: true, webhook: 'sent', ticket: 'failed' });
    expect(e.receiver.messages).toHaveLength(1);
    expect(e.lines.some((l) => l.includes('could not be opened now'))).toBe(true);

    // The PSA answers again but the platform still fails: the ticket opens now.
    await e.secrets.set(psaSecret, goodPsa);
    const platformPassword = PLATFORM_PASSWORD(e);
    const good = (await e.secrets.get(platformPassword))!;
    await e.secrets.set(platformPassword, 'not-the-password');
    const second = await passAndCheck(e, new Date(t0.getTime() + 60_000));
    expect(second.health).toMatchObject({ opened: false, ticket: 'created', webhook: null });
    expect((await healthTickets(e)).tickets).toHaveLength(1);

    await e.secrets.set(platformPassword, good);
    const healed = await passAndCheck(e, new Date(t0.getTime() + 120_000));
    expect(healed.health).toMatchObject({ cleared: true, ticket: 'closed' });
    expect(e.receiver.messages).toHaveLength(2);
  });
});

describe('health notifications: ticket passes', () => {
  it('open an incident only after the configured number of failing passes in a row', async () => {
    env = await start('autotask');
    const e = env;
    await e.secrets.set(PLATFORM_PASSWORD(e), 'not-the-password');
    const fake = { outcome: 'failed' as const, locked: false, summary: 'tickets demo: failed', errors: ['Tenant X: the platform did not answer'] };
    const check = (at: number, pass = fake) =>
      checkHealth({ ledger: e.ledger, integration: e.integration, job: 'tickets', pass, now: new Date(at), paused: false, log: { info() {}, warn() {}, error() {} }, secrets: (n) => e.secrets.get(n), webhook: { sleep: async () => undefined } });
    expect((await check(1)).opened).toBe(false);
    expect((await check(2)).opened).toBe(false);
    // One ok pass in between starts the count again.
    await check(3, { ...fake, outcome: 'ok' as never, errors: [] });
    expect((await check(4)).opened).toBe(false);
    expect((await check(5)).opened).toBe(false);
    const third = await check(6);
    expect(third).toMatchObject({ opened: true, failing: ['tickets'], ticket: 'created' });
    // A pass that another run's lock kept from running says nothing.
    expect(await check(7, { ...fake, locked: true })).toMatchObject({ failing: [], opened: false, ticket: null });
    expect(e.receiver.messages).toHaveLength(1);
  });
});

describe('health webhook', () => {
  const receivers: Receiver[] = [];
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });
  const body = { text: 'x' };

  it('retries 503 and 429 with backoff (Retry-After honoured) and delivers one message', async () => {
    const r = await startReceiver();
    receivers.push(r);
    r.failFirst.push(503, 429);
    const waits: number[] = [];
    const sent = await postWebhook(`${r.origin}/hook/abc`, body, { sleep: async (ms) => void waits.push(ms), backoffMs: 100 });
    expect(sent).toEqual({ ok: true, attempts: 3 });
    // 503: the backoff; 429 with Retry-After: 0 — that.
    expect(waits).toEqual([100, 0]);
    expect(r.messages).toHaveLength(1);
  });

  it('gives up after the bounded time, saying so without the secret path', async () => {
    const r = await startReceiver();
    receivers.push(r);
    r.failFirst.push(503, 503, 503, 503, 503, 503, 503, 503);
    let clock = 0;
    const sent = await postWebhook(`${r.origin}/hook/SECRET`, body, { now: () => clock, sleep: async (ms) => void (clock += ms), backoffMs: 1000, giveUpAfterMs: 5000 });
    expect(sent.ok).toBe(false);
    if (sent.ok) return;
    expect(sent.attempts).toBe(3);
    expect(sent.cause).toContain('gave up after 3 attempts');
    expect(sent.cause).not.toContain('SECRET');
    expect(r.messages).toHaveLength(0);
  });

  it('stops retrying when the agent is stopping', async () => {
    const r = await startReceiver();
    receivers.push(r);
    r.failFirst.push(503, 503, 503);
    const stop = new AbortController();
    const sent = await postWebhook(`${r.origin}/hook/x`, body, { sleep: async () => void stop.abort(), signal: stop.signal });
    // Stopped during the wait after the first attempt: no second one.
    expect(sent).toMatchObject({ ok: false, attempts: 1 });
    if (!sent.ok) expect(sent.cause).toContain('the agent is stopping');
  });

  it('the wait between attempts keeps the process alive: a process with nothing else to wait on retries and delivers', async () => {
    const r = await startReceiver();
    receivers.push(r);
    r.failFirst.push(503);
    // A child whose only pending work is the webhook (as an agent with one job during its pass,
    // whose own timers are unref'd): an unref'd wait would end it mid-retry, exit 13, no output.
    const webhook = pathToFileURL(path.join(process.cwd(), 'dist', 'health', 'webhook.js')).href;
    const script = `const { postWebhook } = await import(${JSON.stringify(webhook)}); process.stdout.write(JSON.stringify(await postWebhook(${JSON.stringify(`${r.origin}/hook/x`)}, { text: 'x' }, { backoffMs: 100 })));`;
    const child = await run(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(child.stdout)).toEqual({ ok: true, attempts: 2 });
    expect(r.messages).toHaveLength(1);
  });

  it('does not retry a refusal (4xx), nor send to a closed port forever', async () => {
    const r = await startReceiver();
    receivers.push(r);
    r.failFirst.push(404);
    const refused = await postWebhook(`${r.origin}/hook/x`, body, { sleep: async () => undefined });
    expect(refused).toMatchObject({ ok: false, attempts: 1, retried: false });
    await r.close();
    receivers.pop();
    let clock = 0;
    const down = await postWebhook(`${r.origin}/hook/x`, body, { now: () => clock, sleep: async (ms) => void (clock += ms), backoffMs: 1000, giveUpAfterMs: 2500 });
    expect(down).toMatchObject({ ok: false, attempts: 2 });
    if (!down.ok) expect(down.cause).toContain('could not be reached');
  });
});

describe('health notifications: off', () => {
  it('counts nothing and opens nothing while neither a ticket nor a webhook is set', async () => {
    env = await start('autotask');
    const e = env;
    const fake = { outcome: 'failed' as const, locked: false, summary: 'billing demo: failed', errors: ['contract 5: no service period'] };
    const off = { ...e.integration, health: { ...e.integration.health!, ticket: false, webhook: null } };
    const r = await checkHealth({ ledger: e.ledger, integration: off, job: 'billing', pass: fake, now: new Date(1), paused: false, log: { info() {}, warn() {}, error() {} }, secrets: (n) => e.secrets.get(n) });
    expect(r).toMatchObject({ failing: [], opened: false });
    expect(new HealthLedger(e.ledger).failingChecks(e.integration.name)).toEqual([]);
    expect(new HealthLedger(e.ledger).listIncidents()).toEqual([]);
    expect(e.receiver.messages).toHaveLength(0);
  });
});

describe('health webhook across a crash', () => {
  it('a message never tried (the process died after recording the incident) is sent after the next pass, once', async () => {
    env = await start('autotask');
    const e = env;
    const hl = new HealthLedger(e.ledger);
    const fake = { outcome: 'failed' as const, locked: false, summary: 'billing demo: failed', errors: ['contract 5: no service period'] };
    const noTicket = { ...e.integration, health: { ...e.integration.health!, ticket: false } };
    const check = (at: number, pass: typeof fake | { outcome: 'ok'; locked: false; summary: string; errors: string[] } = fake) =>
      checkHealth({ ledger: e.ledger, integration: noTicket, job: 'billing', pass, now: new Date(at), paused: false, log: { info() {}, warn() {}, error() {} }, secrets: (n) => e.secrets.get(n), webhook: { sleep: async () => undefined } });
    // As left by a death between the incident's record and its POST.
    hl.checkFailed(noTicket.name, 'billing', { at: new Date(0), cause: 'contract 5: no service period', remedy: 'add one' });
    hl.openNew(noTicket.name, { tag: 'kmsp:demo:health:0', at: new Date(0), problems: [] });
    expect((await check(1)).webhook).toBe('sent');
    expect((await check(2)).webhook).toBeNull();
    // Cleared; then as if the process died before recording the POST: told again after the next pass (at least once, never lost).
    const cleared = await check(3, { outcome: 'ok', locked: false, summary: 'ok', errors: [] });
    expect(cleared).toMatchObject({ cleared: true, webhook: 'sent' });
    e.ledger.db.prepare('UPDATE health_incidents SET webhook_cleared = NULL').run();
    expect((await check(4, { outcome: 'ok', locked: false, summary: 'ok', errors: [] })).webhook).toBe('sent');
    expect((await check(5, { outcome: 'ok', locked: false, summary: 'ok', errors: [] })).webhook).toBeNull();
    expect(e.receiver.messages.map((m) => (m.body.kmsp as { state: string }).state)).toEqual(['failing', 'healthy', 'healthy']);
  });
});
