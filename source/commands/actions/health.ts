// The actions of kmsp health show|set|webhook off (commands/health.ts declares them): the health
// notifications Reports › Agent edits (`h`), from the command line. The rules and their messages
// are the domain's (domain/health.ts: healthProblems, splitWebhookUrl), the account and the
// ticket's fields come from the live PSA as the form offers them, and a save goes through the
// session (audited with the actor), the webhook URL's path and query to the secret store first —
// never printed back, as the form keeps it.
import type { Command } from 'commander';
import { isLoopbackHost } from '../../connectors/loopback.js';
import type { PsaChoice } from '../../domain/config.js';
import { KmspError } from '../../domain/errors.js';
import {
  HEALTH_LIMITS,
  healthOf,
  healthProblems,
  healthTicketFields,
  splitWebhookUrl,
  ticketFailuresFrom,
  webhookSecretName,
  type HealthSettings,
} from '../../domain/health.js';
import { psaProfile } from '../../domain/profiles/index.js';
import type { PsaProfile } from '../../domain/profiles/types.js';
import { resolveRef } from '../../domain/resolveRef.js';
import { fieldOptions } from '../../domain/ticketSchema.js';
import { guarded, type CommandIo } from '../common.js';
import { withEditSession, type EditContext } from './editSession.js';
import { onOff } from './mapping.js';
import type { SecretInput } from '../secrets.js';
import { readSecretValue } from './secrets.js';
import { assignment, fieldSpec, NONE, pickValue } from './ticketing.js';

interface HealthOptions {
  integration?: string;
  reason?: string;
  json?: boolean;
}

export interface HealthDeps {
  io: CommandIo;
  /** Where `webhook=-` reads the URL from (standard input). */
  stdin?: SecretInput;
}

const FAILURE_KEYS = ['failures', 'ticket-failures', 'ticketfailures'];
const REASON = 'health notifications';

const cap = (word: string) => `${word.charAt(0).toUpperCase()}${word.slice(1)}`;

function storedSecret(ctx: EditContext): Promise<boolean> {
  return ctx.session.secrets
    .get(webhookSecretName(ctx.integration.name))
    .then((v) => v !== null && v !== undefined && v !== '')
    .catch(() => false);
}

/** What the settings say, one line each; the webhook by its origin only. */
function describeHealth(h: HealthSettings, psa: PsaProfile, secretStored: boolean, name: string): string {
  const words = psa.words;
  const lines = [
    `Health notifications of “${name}” (the agent opens them when billing fails or ends partial, ticket passes keep failing, or credentials are rejected):`,
    `  Health ${words.ticket}: ${h.ticket ? 'on' : 'off'}`,
    `  ${cap(words.account)} (the MSP's own): ${h.accountId ? `${h.accountName ?? '?'} (id ${h.accountId})` : 'none'}`,
    ...healthTicketFields(psa).map((s) => `  ${s.label}: ${h.fields[s.id]?.label || h.fields[s.id]?.value || 'none'}`),
    `  Failed ticket passes in a row before an incident: ${h.ticketFailures}`,
    `  Webhook: ${h.webhook ? `${h.webhook}/… (the rest of the URL is a secret: ${secretStored ? 'stored' : 'NOT stored, give kmsp health set webhook=URL again'})` : 'off'}`,
  ];
  return `${lines.join('\n')}\n`;
}

async function show(io: CommandIo, command: Command, options: HealthOptions): Promise<void> {
  await withEditSession(command, 'health show', {}, async (ctx) => {
    const psa = psaProfile(ctx.integration.psa.kind);
    const h = healthOf(ctx.integration);
    const stored = await storedSecret(ctx);
    if (options.json) {
      io.out(`${JSON.stringify({ integration: ctx.integration.name, ...h, webhookSecretStored: h.webhook ? stored : false }, null, 2)}\n`);
      return;
    }
    io.out(describeHealth(h, psa, stored, ctx.integration.name));
  });
}

/** The keys `kmsp health set` takes, for a refusal. */
function keyList(psa: PsaProfile): string {
  return ['ticket', 'account', ...healthTicketFields(psa).map((s) => `${s.id} (${s.label})`), 'failures', 'webhook'].join(', ');
}

/** The settings with the KEY=VALUE changes applied, and the secret part of a webhook URL given. */
async function applyPairs(
  deps: HealthDeps,
  ctx: EditContext,
  psa: PsaProfile,
  words: readonly string[],
): Promise<{ health: HealthSettings; secret: string | null }> {
  const pairs = words.map(assignment);
  const session = ctx.session;
  const name = ctx.integration.name;
  const before = healthOf(ctx.integration);
  let health: HealthSettings = { ...before, fields: { ...before.fields } };
  let secret: string | null = null;
  // A URL refused is said with the other problems, as the form shows them all.
  let webhookProblem: string | null = null;
  const picklists = await session.picklists(name);
  for (const { key, value } of pairs) {
    const lower = key.toLowerCase();
    const none = NONE.has(value.trim().toLowerCase());
    if (lower === 'ticket') health = { ...health, ticket: onOff(value, 'ticket=') };
    else if (lower === 'account') {
      if (none) health = { ...health, accountId: null, accountName: null };
      else {
        const accounts = (await session.accounts(name)).filter((a) => a.active || a.id === before.accountId);
        const found = resolveRef(value, accounts, { what: `${psa.words.name} ${psa.words.account}`, listCommand: 'kmsp list accounts' });
        health = { ...health, accountId: found.id, accountName: found.name };
      }
    } else if (FAILURE_KEYS.includes(lower)) health = { ...health, ticketFailures: ticketFailuresFrom(value) };
    else if (lower === 'webhook') {
      // Here "-" is standard input (below), not "none" as for the fields.
      if (value.trim() !== '-' && (none || value.trim().toLowerCase() === 'off')) {
        health = { ...health, webhook: null };
        secret = null;
        webhookProblem = null;
        continue;
      }
      // "-": the URL from standard input (hidden at a terminal), so its token stays out of the shell's history.
      const typed = value.trim() === '-' ? await readSecretValue(deps.stdin ?? process.stdin, deps.io, 'the webhook URL') : value;
      const split = splitWebhookUrl(typed, isLoopbackHost);
      if ('problem' in split) webhookProblem = split.problem;
      else {
        health = { ...health, webhook: split.origin };
        secret = split.secret;
        webhookProblem = null;
      }
    } else {
      let spec;
      try {
        spec = fieldSpec(healthTicketFields(psa), key, `The health ${psa.words.ticket}`);
      } catch {
        throw new KmspError(`Unknown key “${key}”`, {
          kind: 'config',
          cause: `kmsp health set takes the keys ${keyList(psa)}.`,
          remedy: 'Use one of those keys (or its label) before the "="; kmsp list ticket-fields lists the values of each field.',
        });
      }
      const chosen: PsaChoice | null = none ? null : pickValue(spec, value, fieldOptions(spec, picklists));
      health = { ...health, fields: { ...health.fields, [spec.id]: chosen } };
    }
  }
  const problems = healthProblems(health, psa, picklists, ctx.integration.ticketing).map((p) => p.message);
  if (Number.isNaN(health.ticketFailures)) problems.push(`Failed ticket passes (failures=) takes a whole number from ${HEALTH_LIMITS.ticketFailures.min} to ${HEALTH_LIMITS.ticketFailures.max}.`);
  // As the form: a webhook kept on needs its secret part stored, or given now.
  if (webhookProblem) problems.push(webhookProblem);
  else if (health.webhook !== null && secret === null && !(await storedSecret(ctx))) problems.push("The webhook URL's secret part is not stored: give webhook=URL again (the whole address the service gave, token included).");
  if (problems.length > 0) {
    throw new KmspError(`Not set: ${problems.length === 1 ? 'one problem' : `${problems.length} problems`} to fix first`, {
      kind: 'config',
      cause: [...new Set(problems)].join(' '),
      remedy: 'Nothing was saved. Give the values the message names in the same command (e.g. ticket=off, account=NAME, or a value kmsp list ticket-fields lists), then run it again.',
    });
  }
  return { health, secret };
}

async function save(deps: HealthDeps, ctx: EditContext, psa: PsaProfile, health: HealthSettings, secret: string | null, reason: string | undefined): Promise<void> {
  const { io } = deps;
  const { session } = ctx;
  const before = healthOf(ctx.integration);
  if (secret === null && JSON.stringify(before) === JSON.stringify(health) && ctx.integration.health !== undefined) {
    io.out(`Nothing changed: ${ctx.paths.configFile} already says so.\n`);
    return;
  }
  const result = await session.saveHealth(ctx.integration.name, health, secret, reason?.trim() || REASON);
  const what = [health.ticket ? `a health ${psa.words.ticket}` : null, health.webhook ? `the webhook ${health.webhook}/…` : null].filter(Boolean).join(' and ') || 'nothing (off)';
  io.out(
    `Health notifications: ${what}${secret !== null ? "; the webhook URL's path is kept as a secret" : ''}.\nSaved in ${ctx.paths.configFile}: ${result.summary}\nRecorded in the ledger's config audit as ${ctx.actor}.\n`,
  );
}

async function set(deps: HealthDeps, command: Command, words: string[], options: HealthOptions): Promise<void> {
  await withEditSession(command, 'health set', { refused: 'Not set: ' }, async (ctx) => {
    const psa = psaProfile(ctx.integration.psa.kind);
    const { health, secret } = await applyPairs(deps, ctx, psa, words);
    await save(deps, ctx, psa, health, secret, options.reason);
  });
}

async function webhook(deps: HealthDeps, command: Command, state: string, options: HealthOptions): Promise<void> {
  if (state.trim().toLowerCase() !== 'off') {
    throw new KmspError(`kmsp health webhook takes off, not “${state}”`, { kind: 'config', remedy: 'To set a webhook: kmsp health set webhook=URL (or webhook=- to paste it on standard input).' });
  }
  await withEditSession(command, 'health webhook', { refused: 'Not set: ' }, async (ctx) => {
    const psa = psaProfile(ctx.integration.psa.kind);
    const before = healthOf(ctx.integration);
    if (before.webhook === null) {
      deps.io.out(`Nothing changed: ${ctx.paths.configFile} has no webhook.\n`);
      return;
    }
    await save(deps, ctx, psa, { ...before, webhook: null }, null, options.reason);
  });
}

export function healthActions(deps: HealthDeps) {
  // Failures are said as every command says them: what, why, what to do; exit 1.
  const guard = <A extends unknown[]>(fn: (...args: A) => Promise<void>) => guarded(deps.io, fn);
  return {
    show: guard((options: HealthOptions, command: Command) => show(deps.io, command, options)),
    set: guard((assignments: string[], options: HealthOptions, command: Command) => set(deps, command, assignments, options)),
    webhook: guard((state: string, options: HealthOptions, command: Command) => webhook(deps, command, state, options)),
  };
}
