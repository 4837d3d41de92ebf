// Health notifications' pure rules (domain/health.ts): what the settings must hold, how a webhook
// URL is split into the origin kept in config.json and the secret part, the message both chat
// services take, and the webhook's secret among the integration's secrets.
import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../../source/connectors/loopback.js';
import type { Integration } from '../../source/domain/config.js';
import { defaultHealth, healthProblems, healthTicketFields, splitWebhookUrl, ticketFailuresFrom, webhookMessage, type HealthSettings } from '../../source/domain/health.js';
import { PSA_KINDS, psaProfile } from '../../source/domain/profiles/index.js';
import { integrationSecrets } from '../../source/domain/secretNames.js';
import { validateIntegration } from '../../source/domain/validate.js';
import type { TicketPicklists } from '../../source/domain/types.js';

const autotask = psaProfile('autotask');
const on = (x: Partial<HealthSettings> = {}): HealthSettings => ({
  ...defaultHealth(),
  ticket: true,
  accountId: '1',
  accountName: 'Our MSP',
  fields: { queue: { value: '8', label: 'Monitoring Alert' }, priority: { value: '1', label: 'Critical' } },
  ...x,
});

describe('health settings', () => {
  it('the health ticket asks for the rule row columns of every PSA: the queue or board first', () => {
    for (const kind of PSA_KINDS) {
      const fields = healthTicketFields(psaProfile(kind));
      expect(fields.length, kind).toBeGreaterThanOrEqual(2);
      expect(fields.every((f) => f.placement === 'column' && !f.scopedBy)).toBe(true);
    }
    expect(healthTicketFields(autotask).map((f) => f.id)).toEqual(['queue', 'priority']);
  });

  it('off is valid; on needs the account and the required fields; the count is 1–100', () => {
    expect(healthProblems(defaultHealth(), autotask)).toEqual([]);
    expect(healthProblems(on(), autotask)).toEqual([]);
    expect(healthProblems(on({ accountId: null, fields: {} }), autotask).map((p) => p.field)).toEqual(['accountId', 'fields.queue', 'fields.priority']);
    expect(healthProblems(on({ ticketFailures: 0 }), autotask)[0]).toMatchObject({ field: 'ticketFailures', message: expect.stringContaining('from 1 to 100') });
    expect(healthProblems(on({ ticketFailures: 2.5 }), autotask).map((p) => p.field)).toEqual(['ticketFailures']);
  });

  it('with the live lists, a value the PSA no longer has is a problem', () => {
    const picklists = { queues: [{ value: '9', label: 'Other', active: true }], priorities: [{ value: '1', label: 'Critical', active: true }] } as unknown as TicketPicklists;
    const problems = healthProblems(on(), autotask, picklists);
    expect(problems).toEqual([{ field: 'fields.queue', message: 'The health ticket needs a queue (“Monitoring Alert” no longer exists or is inactive in Autotask).' }]);
  });

  it('config.json keeps only the webhook origin', () => {
    expect(healthProblems(on({ webhook: 'https://hooks.example.com' }), autotask)).toEqual([]);
    expect(healthProblems(on({ webhook: 'https://hooks.example.com/services/T/B/secret' }), autotask)[0]!.field).toBe('webhook');
    expect(healthProblems(on({ webhook: 'ftp://x' }), autotask)[0]!.field).toBe('webhook');
    // The path (kept as a secret) carries the token: plain http only where it never leaves this machine.
    expect(healthProblems(on({ webhook: 'http://chat.example.com' }), autotask)[0]!.message).toContain('must be https');
    expect(healthProblems(on({ webhook: 'http://127.0.0.1:9' }), autotask)).toEqual([]);
  });

  it('validateIntegration reports the health settings under their path', () => {
    const integration = { name: 'main', psa: { kind: 'autotask' }, platform: { kind: 'ksc' }, tenants: [], billing: { byCategory: false, applications: [] }, ticketing: { general: {}, perScope: [], sections: {} }, excludedAccounts: [], health: on({ accountId: null }) } as unknown as Integration;
    expect(validateIntegration(integration, 0).filter((p) => p.path.includes('health'))).toEqual([
      { path: 'integrations[0].health.accountId', message: "Health notifications: The health ticket needs an account: choose the MSP's own." },
    ]);
  });
});

describe('webhook URL', () => {
  it('splits into the origin and the secret path and query', () => {
    expect(splitWebhookUrl(' https://hooks.example.com/services/T1/B2/abc?x=1 ', isLoopbackHost)).toEqual({ origin: 'https://hooks.example.com', secret: '/services/T1/B2/abc?x=1' });
    expect(splitWebhookUrl('http://127.0.0.1:8080/hook/abc', isLoopbackHost)).toEqual({ origin: 'http://127.0.0.1:8080', secret: '/hook/abc' });
  });

  it('refuses plain http off this machine, no path, credentials in the URL and what is no URL', () => {
    for (const text of ['http://hooks.example.com/x/y', 'https://hooks.example.com/', 'https://u:p@hooks.example.com/x', 'hooks.example.com/x']) {
      const r = splitWebhookUrl(text, isLoopbackHost);
      expect('problem' in r, text).toBe(true);
      if ('problem' in r) expect(r.problem).not.toContain('/x/y');
    }
  });

  it('the message has Slack’s text and Teams’ title, summary and text, and the facts', () => {
    const problems = [{ check: 'billing' as const, since: '2026-12-07T04:00:00.000Z', cause: 'contract 5: no service period', remedy: 'add one' }];
    const m = webhookMessage({ integration: 'main', platform: 'KSC', psa: 'Autotask', state: 'failing', since: '2026-12-07T04:00:00.000Z', at: '2026-12-07T04:01:00.000Z', problems });
    expect(m.text).toContain('billing run failed or ended partial (since 2026-12-07T04:00:00.000Z): contract 5: no service period — what to do: add one');
    expect(m.title).toBe('kmsp: integration “main” is not healthy');
    expect(m.summary).toBe(m.title);
    expect(m.kmsp).toMatchObject({ integration: 'main', state: 'failing', problems });
    const healed = webhookMessage({ integration: 'main', platform: 'KSC', psa: 'Autotask', state: 'healthy', since: '2026-12-07T04:00:00.000Z', at: '2026-12-07T05:00:00.000Z', problems });
    expect(healed.text).toContain('healthy again');
  });

  it('its secret is one of the integration’s secrets only while a webhook is set', () => {
    const base = { name: 'main', platform: { kind: 'ksc' }, psa: { kind: 'autotask' } } as unknown as Integration;
    expect(integrationSecrets(base).map((s) => s.name)).not.toContain('main.health.webhook-path');
    const withHook = { ...base, health: on({ webhook: 'https://hooks.example.com' }) };
    expect(integrationSecrets(withHook).map((s) => s.name)).toContain('main.health.webhook-path');
    expect(integrationSecrets(withHook).find((s) => s.name === 'main.health.webhook-path')!.envVar).toBe('KMSP_SECRET_MAIN_HEALTH_WEBHOOK_PATH');
  });
});

describe('failed ticket passes as typed (the form and kmsp health set)', () => {
  it('takes plain digits only; anything else is NaN, which healthProblems refuses', () => {
    expect(ticketFailuresFrom(' 5 ')).toBe(5);
    for (const text of ['', 'three', '2.5', '-1', '1e2']) expect(ticketFailuresFrom(text)).toBeNaN();
    expect(healthProblems({ ...defaultHealth(), ticketFailures: ticketFailuresFrom('x') }, psaProfile('autotask')).map((p) => p.field)).toEqual(['ticketFailures']);
  });
});
