// Health notifications from the running agent (a child process, as systemd runs it) against the
// KSC and Autotask simulators and a webhook receiver on loopback: a platform password that stops
// working opens one health ticket and one webhook message; polls that keep failing open no
// second; the right password again closes the ticket and sends one more message. No log line
// carries the webhook's token.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { healthTicketFields, webhookSecretName } from '../../source/domain/health.js';
import { psaProfile } from '../../source/domain/profiles/index.js';
import { platformSecrets } from '../../source/domain/secretNames.js';
import { fieldOptions } from '../../source/domain/ticketSchema.js';
import { openConfig } from '../../source/store/config.js';
import { HealthLedger } from '../../source/store/healthLedger.js';
import { openLedger } from '../../source/store/ledger.js';
import { openSecretStore } from '../../source/store/secrets.js';
import { runCli } from '../helpers/cli.js';
import { startTicketEnv, type TicketEnv } from '../tickets/helpers.js';
import { exitWithin, spawnAgent, statusOf, until, type AgentProcess } from './helpers.js';

const TOKEN = '/webhook/H3ALTH-T0KEN';

let env: TicketEnv;
let agent: AgentProcess | null = null;
let server: http.Server | null = null;
const messages: Array<{ path: string; state: string }> = [];

beforeEach(async () => {
  env = await startTicketEnv();
  messages.length = 0;
  server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      messages.push({ path: req.url ?? '', state: (JSON.parse(text) as { kmsp: { state: string } }).kmsp.state });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
});
afterEach(async () => {
  if (agent && agent.child.exitCode === null) agent.child.kill('SIGKILL');
  agent = null;
  await new Promise((resolve) => server?.close(resolve));
  await env.close();
});

const healthTickets = () => env.tickets().filter((t) => String(t.externalID ?? '').includes(':health:'));
const passes = () => statusOf(env.paths)?.jobs.tickets.passes ?? 0;

describe('kmsp agent: health notifications', () => {
  it('opens one health ticket and one webhook message while the platform refuses the password, and closes it once it works again', async () => {
    const c = await env.connect();
    const [accounts, picklists] = await Promise.all([c.psa.listAccounts(), c.psa.ticketPicklists()]);
    await c.close();
    const msp = accounts.find((a) => a.active)!;
    const fields = Object.fromEntries(healthTicketFields(psaProfile('autotask')).map((spec) => {
      const v = fieldOptions(spec, picklists)[0]!;
      return [spec.id, { value: v.value, label: v.label }];
    }));
    const { port } = server!.address() as AddressInfo;
    const integration = { ...env.integration, health: { ticket: true, accountId: msp.id, accountName: msp.name, fields, ticketFailures: 3, webhook: `http://127.0.0.1:${port}` } };
    openConfig({ paths: env.paths }).save({ ...env.config, integrations: [integration] }, { actor: 'health agent test' });
    const secrets = openSecretStore({ paths: env.paths, backends: ['file'] });
    await secrets.set(webhookSecretName(integration.name), TOKEN);
    const password = platformSecrets(integration)[0]!.name;
    const good = (await secrets.get(password))!;
    await secrets.set(password, 'not-the-password');

    agent = spawnAgent(env.demo.configDir, ['--job', 'tickets', '--ticket-interval', '1']);
    const out = () => agent!.output().stdout + agent!.output().stderr;
    await until(() => healthTickets().length === 1 && messages.length === 1, 'the health ticket and the webhook message', 20_000, out);
    const opened = passes();
    await until(() => passes() >= opened + 3, 'three more failing passes', 20_000, out);
    expect(healthTickets()).toHaveLength(1);
    expect(messages).toEqual([{ path: TOKEN, state: 'failing' }]);
    // kmsp status says it, from the status file.
    expect(statusOf(env.paths)!.health?.[integration.name]).toMatchObject({ checks: ['credentials'], ticket: expect.any(String) });
    const status = await runCli(['--config', env.demo.configDir, 'status']);
    expect(status.stdout).toMatch(/Not healthy, demo: since .* — credentials rejected · health ticket \S+/);

    await secrets.set(password, good);
    const ledger = openLedger({ paths: env.paths });
    try {
      await until(() => new HealthLedger(ledger).listIncidents()[0]?.ticketState === 'closed', 'the health ticket closed', 20_000, out);
      expect(new HealthLedger(ledger).listIncidents()).toHaveLength(1);
    } finally {
      ledger.close();
    }
    await until(() => messages.length === 2, 'the recovery message', 5_000, out);
    expect(messages[1]).toEqual({ path: TOKEN, state: 'healthy' });
    expect(healthTickets()).toHaveLength(1);
    await until(() => statusOf(env.paths)?.health?.[integration.name] === undefined, 'the status to say healthy', 5_000);
    expect(out()).toMatch(/health demo: not healthy — credentials rejected/);
    expect(out()).toMatch(/health demo: healthy again/);
    expect(out()).not.toContain('H3ALTH-T0KEN');

    agent.child.kill('SIGTERM');
    expect(await exitWithin(agent, 15_000)).toBe(0);
  });
});
