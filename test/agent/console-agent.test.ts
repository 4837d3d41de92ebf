// The console and the agent on one config directory (README › The agent): the agent daemon runs
// ticket passes every second while two consoles — two processes, each a ConsoleSession, the
// console's own save path — save different settings at the same instants, and a third switches a
// ticket rule on. Every save of each console reaches the file (none is undone by the other's, none
// refused as a clash it did not make), the file stays a valid config, the ledger (which both the
// agent and the consoles' audit write) verifies, and the agent applies the switched rule from its
// next pass.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleSession } from '../../source/console/session.js';
import type { Integration } from '../../source/domain/config.js';
import { eventTicketKey } from '../../source/domain/ticketEngine.js';
import { inspectConfigFile, openConfig } from '../../source/store/config.js';
import { runCli, repoRoot } from '../helpers/cli.js';
import { tempDir } from '../store/helpers.js';
import { ALPHA, startTicketEnv, WS1, type TicketEnv } from '../tickets/helpers.js';
import { exitWithin, spawnAgent, statusOf, until, type AgentProcess } from './helpers.js';

const dist = (file: string) => pathToFileURL(path.join(repoRoot, 'dist', file)).href;

// One console as a process: `count` saves of its own section, from `startAt` on. Reports what it
// saved and every refusal.
const CONSOLE = `
import { ConsoleSession } from '${dist('console/session.js')}';
import { resolvePaths } from '${dist('store/paths.js')}';
const [configDir, who, count, startAt] = process.argv.slice(2);
const session = new ConsoleSession({ paths: resolvePaths({ configDir }), secretBackends: ['file'], actor: who + ' (console)' });
const change = {
  exclusions: (k) => (i) => ({ ...i, excludedAccounts: ['x-' + k] }),
  billing: (k) => (i) => ({ ...i, billing: { ...i.billing, byCategory: k % 2 === 1 } }),
}[who];
while (Date.now() < Number(startAt)) await new Promise((r) => setTimeout(r, 2));
let saved = 0;
const refused = [];
for (let k = 0; k < Number(count); k++) {
  try {
    session.updateIntegration('demo', change(k), who);
    saved++;
  } catch (error) {
    refused.push(k + ': ' + error.message + (error.cause ? ' — ' + error.cause : ''));
  }
  await new Promise((r) => setImmediate(r));
}
await session.close();
process.stdout.write(JSON.stringify({ who, saved, refused }) + '\\n');
`;

interface ConsoleReport {
  who: string;
  saved: number;
  refused: string[];
}

function runConsole(script: string, configDir: string, who: string, count: number, startAt: number): Promise<ConsoleReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, configDir, who, String(count), String(startAt)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`console ${who} exited ${code}: ${err}`));
      else resolve(JSON.parse(out) as ConsoleReport);
    });
  });
}

let env: TicketEnv;
let agent: AgentProcess | null = null;
beforeEach(async () => {
  env = await startTicketEnv();
  // The critical-events rule starts off: switched on from a console while the agent runs.
  const events = env.integration.ticketing.sections.events!.map((r) => (r.key === 'critical' ? { ...r, enabled: false } : r));
  const integration: Integration = { ...env.integration, ticketing: { ...env.integration.ticketing, sections: { ...env.integration.ticketing.sections, events } } };
  openConfig({ paths: env.paths }).save({ ...env.config, integrations: [integration] }, { actor: 'test (setup)' });
});
afterEach(async () => {
  if (agent && agent.child.exitCode === null) agent.child.kill('SIGKILL');
  agent = null;
  await env.close();
});

const passes = () => statusOf(env.paths)?.jobs.tickets.passes ?? 0;
const eventTickets = () => env.tickets().filter((t) => String(t.externalID ?? '').includes(':ev:'));

describe('two consoles saving while the agent runs', () => {
  it('keeps every save of both, a valid config and ledger, and the agent applies the rule switched on from its next pass', async () => {
    agent = spawnAgent(env.demo.configDir, ['--job', 'tickets', '--ticket-interval', '1']);
    const diagnostics = () => agent!.output().stdout + agent!.output().stderr;
    await until(() => passes() >= 1, 'a first ticket pass', 30_000, diagnostics);
    env.demo.ksc.addEvent(ALPHA, { id: 8101, severity: 'critical', type: 'GNRL_EV_VIRUS_FOUND', typeName: 'Malicious object detected', description: 'Trojan 8101', host: WS1 } as never);
    const before = passes();
    await until(() => passes() >= before + 2, 'two passes with the rule off', 30_000, diagnostics);
    expect(eventTickets(), 'no ticket while the rule is off').toEqual([]);

    const script = path.join(tempDir('kmsp-consoles-'), 'console.mjs');
    fs.writeFileSync(script, CONSOLE);
    const SAVES = 25;
    const startAt = Date.now() + 1500; // both loaded by then: their saves start at one instant
    const consoles = Promise.all([runConsole(script, env.demo.configDir, 'exclusions', SAVES, startAt), runConsole(script, env.demo.configDir, 'billing', SAVES, startAt)]);

    // The Ticketing tab of a third console switches the rule on while the two save: a save of a
    // section no one else changes, never refused.
    await until(() => Date.now() >= startAt, 'the consoles to start saving');
    const ticketingTab = new ConsoleSession({ paths: env.paths, secretBackends: ['file'], actor: 'carol (console)' });
    try {
      ticketingTab.updateIntegration(
        'demo',
        (i) => ({ ...i, ticketing: { ...i.ticketing, sections: { ...i.ticketing.sections, events: i.ticketing.sections.events!.map((r) => (r.key === 'critical' ? { ...r, enabled: true } : r)) } } }),
        'Ticketing',
      );
    } finally {
      await ticketingTab.close();
    }

    const [exclusions, billing] = await consoles;
    expect(exclusions.refused, 'saves of the exclusions console refused').toEqual([]);
    expect(billing.refused, 'saves of the billing console refused').toEqual([]);
    expect([exclusions.saved, billing.saved]).toEqual([SAVES, SAVES]);

    // The agent reloads the switch (every later save carries it too), then its next passes apply
    // the rule: a new critical event is ticketed.
    await agent.waitForLine(/configuration reloaded: .*events\[key=critical\]\.enabled: false → true/);
    const from = passes();
    env.demo.ksc.addEvent(ALPHA, { id: 8102, severity: 'critical', type: 'GNRL_EV_VIRUS_FOUND', typeName: 'Malicious object detected', description: 'Trojan 8102', host: WS1 } as never);
    const key = eventTicketKey('demo', ALPHA, '8102');
    await until(() => eventTickets().some((t) => t.externalID === key), 'the ticket of the rule switched on', 30_000, diagnostics);
    expect(passes() - from, 'passes between the event and its ticket').toBeLessThanOrEqual(3);

    // Each console's last save is in the file, with the third's switch: nothing undone.
    const state = inspectConfigFile(env.paths.configFile);
    expect(state.state).toBe('ok');
    const demo = state.state === 'ok' ? state.config.integrations.find((i) => i.name === 'demo')! : null;
    expect(demo!.excludedAccounts).toEqual([`x-${SAVES - 1}`]);
    expect(demo!.billing.byCategory).toBe((SAVES - 1) % 2 === 1);
    expect(demo!.ticketing.sections.events!.find((r) => r.key === 'critical')!.enabled).toBe(true);

    // The agent took every reload (no refusal) and still runs; the ledger both wrote verifies.
    expect(statusOf(env.paths)!.configError).toBeNull();
    expect(agent.child.exitCode).toBeNull();
    agent.child.kill('SIGTERM');
    expect(await exitWithin(agent, 15_000)).toBe(0);
    const verify = await runCli(['--config', env.demo.configDir, 'ledger', 'verify'], { env: { NO_COLOR: '1' } });
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  }, 120_000);
});
