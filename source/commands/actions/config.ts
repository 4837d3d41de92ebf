// The actions of kmsp config (commands/config.ts declares them).
// Reading commands never move or rewrite a bad file (onInvalid 'fail'); import
// refuses anything `validate` would reject and keeps a backup of what it replaces.
// set changes one agent setting with the rules and words of the console's form
// (domain/agentSettings.ts), audited in the ledger like import; an unusable file is refused
// and left exactly as it is.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CONFIG_SCHEMA_VERSION, type KmspConfig } from '../../domain/config.js';
import { AGENT_SETTINGS, agentSettingByPath, EDITABLE_AGENT_KEYS, parseAgentSettings, previewSchedule, type AgentSettingInfo } from '../../domain/agentSettings.js';
import { defaultConfig } from '../../domain/defaults.js';
import { describeError, KmspError } from '../../domain/errors.js';
import { validateConfig, type Problem } from '../../domain/validate.js';
import { backupRemedy, CONFIG_FILE_MODE, defaultActor, inspectConfigFile, openConfig, type ConfigFileState } from '../../store/config.js';
import { diffConfig } from '../../store/configDiff.js';
import { livenessNow, readAgentStatus } from '../../store/agentStatus.js';
import { openLedger, type Ledger } from '../../store/ledger.js';
import type { KmspPaths } from '../../store/paths.js';
import { redactSecrets, secretKeyPaths } from '../../store/redact.js';
import { checkedPathsOf, guarded, pathsOf, processIo, writeData, type CommandIo } from '../common.js';
import { checkMappings, placeProblems, readBillingFacts } from '../../billing/mappingCheck.js';
import { connectPsa } from '../../billing/context.js';
import { skipReason } from '../../domain/billingChecks.js';
import { calendarDate } from '../../domain/dates.js';
import type { Psa } from '../../domain/ports.js';
import type { ConfigCommandDeps } from '../config.js';
import { startCommand } from '../status.js';

function listProblems(io: CommandIo, problems: readonly Problem[]): void {
  for (const p of problems) io.err(`  ${p.path}: ${p.message}\n`);
}

/** Every problem of a file as validate and import see it: schema, secrets, then meaning. */
function problemsOf(file: string, state: ConfigFileState): { config: KmspConfig | null; headline: string | null; problems: Problem[] } {
  switch (state.state) {
    case 'missing':
      return { config: null, headline: `${file} does not exist.`, problems: [] };
    case 'corrupt':
      return { config: null, headline: `${file} cannot be read as a config: ${state.reason}`, problems: [] };
    case 'newer':
      return { config: null, headline: `${file} was written by a newer kmsp (config version ${state.version}); upgrade kmsp to use it.`, problems: [] };
    case 'invalid':
      return { config: null, headline: `${file} does not match the config schema:`, problems: state.problems };
    case 'ok': {
      const secrets = secretKeyPaths(state.config).map((p) => ({ path: p, message: 'looks like a secret; secrets belong in `kmsp secrets set`, never in the config.' }));
      const problems = [...secrets, ...validateConfig(state.config)];
      return { config: state.config, headline: problems.length ? `${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:` : null, problems };
    }
  }
}

/**
 * The billing mappings of `config` checked against each integration's live PSA
 * (billing/mappingCheck.ts): the same rules a billing run applies before it posts. A PSA that
 * cannot be reached is a problem too: the file was not checked.
 */
async function onlineProblems(paths: KmspPaths, config: KmspConfig): Promise<Problem[]> {
  const today = calendarDate(new Date(), config.agent.timeZone);
  const problems: Problem[] = [];
  for (const [index, integration] of config.integrations.entries()) {
    if (!integration.tenants.some((m) => skipReason(m) === null)) continue;
    let psa: Psa | null = null;
    try {
      psa = await connectPsa(paths, integration);
      problems.push(...placeProblems(integration, index, await checkMappings(integration, await readBillingFacts(psa, integration), today)));
    } catch (error) {
      problems.push({ path: `integrations[${index}].psa`, message: `could not be checked against the PSA: ${describeError(error).split('\n').join(' ')}` });
    } finally {
      await psa?.close().catch(() => undefined);
    }
  }
  return problems;
}

/** Exit code of a key `set`/`get` do not know: wrong usage, as elsewhere in kmsp. */
const EXIT_USAGE = 2;

/** The keys `set` takes, one a line, with what each is and (when known) its value now. */
function settableList(current: KmspConfig | null): string {
  const width = Math.max(...EDITABLE_AGENT_KEYS.map((k) => AGENT_SETTINGS[k].path.length));
  const lines = EDITABLE_AGENT_KEYS.map((k) => {
    const info = AGENT_SETTINGS[k];
    const now = current ? ` (now: ${String(current.agent[k])})` : '';
    return `  ${info.path.padEnd(width)}  ${info.about}${now}`;
  });
  return `${lines.join('\n')}\nagent.paused is the pause switch: kmsp pause / kmsp resume.\n`;
}

/** Refuses a key set/get do not know; returns the setting otherwise. */
function knownKey(io: CommandIo, key: string, current: KmspConfig | null, verb: 'set' | 'get'): AgentSettingInfo | 'paused' | null {
  if (verb === 'get' && (key === 'agent.paused' || key === 'paused')) return 'paused';
  const info = agentSettingByPath(key);
  if (info) return info;
  io.err(
    key === 'agent.paused' || key === 'paused'
      ? 'agent.paused is not set with kmsp config set: it is the pause switch. Use kmsp pause [--reason TEXT] or kmsp resume.\n'
      : `Unknown setting "${key}". kmsp config ${verb} takes:\n${settableList(current)}`,
  );
  process.exitCode = EXIT_USAGE;
  return null;
}

/** What a running agent will do about a settings change, from its status file. */
function agentPickup(paths: KmspPaths, command: Command): string {
  const read = readAgentStatus(paths.statusFile);
  if (read.state === 'ok') {
    const liveness = livenessNow(read.status);
    const who = `pid ${read.status.pid} on ${read.status.host}`;
    if (liveness === 'running') return `The running agent (${who}) reloads its config within seconds and reschedules. Check with: kmsp status`;
    if (liveness === 'stale') return `The agent's status is stale (${who}); if it is alive it picks the change up when it reloads its config. Check with: kmsp status`;
  }
  return `No agent is running with this state directory; it uses the new value when it starts (${startCommand(command)}).`;
}

function setAgentSetting(command: Command, io: CommandIo, env: NodeJS.ProcessEnv | undefined, key: string, value: string, options: { reason?: string }): void {
  const paths = pathsOf(command, env);
  const state = inspectConfigFile(paths.configFile);
  const info = knownKey(io, key, state.state === 'ok' ? state.config : null, 'set');
  if (info === null || info === 'paused') return;
  checkedPathsOf(command, 'config', { env, refused: 'Not set: ' });
  switch (state.state) {
    case 'missing':
      throw new KmspError(`Not set: there is no config file at ${paths.configFile}.`, {
        kind: 'config',
        cause: 'The agent settings live in the config file, and kmsp has not been set up with this config directory.',
        remedy: 'Set kmsp up first (the console: kmsp, or kmsp config import FILE), or pass the right --config DIR.',
      });
    case 'newer':
    case 'corrupt':
    case 'invalid': {
      const why = state.state === 'newer' ? `it was written by a newer kmsp (config version ${state.version})` : state.reason.replace(/\.$/u, '');
      throw new KmspError(`Not set: the config file ${paths.configFile} cannot be used; it was left unchanged.`, {
        kind: 'config',
        cause: why,
        remedy: state.state === 'newer' ? 'Use the kmsp that wrote it.' : `Run \`kmsp config validate\` to list the problems and fix them, then set the value again. ${backupRemedy(paths.configFile)}`,
      });
    }
    case 'ok':
      break;
  }
  const config = state.config;
  const { values, problems } = parseAgentSettings({ [info.key]: value }, config.agent);
  const problem = problems[info.key];
  if (problem) {
    // Unquoted, a shell splits a schedule into words and expands its "*" into file names.
    const quoting = info.key === 'billingSchedule' ? ` Quote the schedule: kmsp config set ${info.path} '${AGENT_SETTINGS.billingSchedule.example}'.` : '';
    throw new KmspError(`Not set: ${info.path} was left unchanged.`, { kind: 'config', cause: problem.message, remedy: problem.remedy + quoting });
  }
  const after = values[info.key];
  if (after === config.agent[info.key]) {
    io.out(`${info.path} is already ${String(after)} in ${paths.configFile}; nothing changed.\n`);
    return;
  }
  // The ledger first: a change that cannot be audited is not made.
  let ledger: Ledger;
  try {
    ledger = openLedger({ paths });
  } catch (error) {
    throw new KmspError('Not set: the ledger, where config changes are recorded, cannot be opened.', {
      kind: 'config',
      cause: describeError(error).split('\n')[0],
      remedy: `Fix access to ${paths.ledgerFile} and set the value again; the config was left unchanged.`,
    });
  }
  try {
    const store = openConfig({ paths, onInvalid: 'fail', audit: ledger, onNotice: (m) => io.err(`kmsp: ${m}\n`) });
    const actor = defaultActor('kmsp config set');
    const reason = options.reason?.trim();
    // Re-read under the lock: only this key changes, whatever a console saved since the read above.
    store.exclusive(() => {
      const latest = store.load();
      store.save({ ...latest, agent: { ...latest.agent, [info.key]: after } }, { actor, ...(reason ? { reason } : {}) });
    });
    const shown = (v: unknown) => (typeof v === 'string' ? `“${v}”` : String(v));
    io.out(`Set ${info.path}: ${shown(config.agent[info.key])} → ${shown(after)} in ${paths.configFile}.\n`);
    if (info.key === 'billingSchedule' || info.key === 'timeZone') {
      const preview = previewSchedule(values.billingSchedule, values.timeZone, { now: new Date(), count: 3 });
      if (preview) {
        const then = preview.next.slice(1).map((r) => r.replace(` ${values.timeZone}`, ''));
        io.out(`Next billing run: ${preview.next[0]}${then.length ? ` (then ${then.join(', ')})` : ''}.\n`);
        for (const warning of preview.warnings) io.err(`Warning: ${warning}\n`);
      }
    }
    io.out(`Recorded in the ledger's config audit as ${actor}${reason ? ` (${reason})` : ''}.\n`);
    io.out(agentPickup(paths, command) + '\n');
  } finally {
    ledger.close();
  }
}

export function configActions(deps: ConfigCommandDeps) {
  const io = deps.io ?? processIo;
  return {
    path: guarded(io, (options: { all?: boolean }, command: Command) => {
      const paths = pathsOf(command, deps.env);
      if (!options.all) return io.out(`${paths.configFile}\n`);
      for (const [label, value] of Object.entries(paths)) io.out(`${label.padEnd(11)} ${value}\n`);
    }),
    show: guarded(io, (_options: unknown, command: Command) => {
      const store = openConfig({ paths: checkedPathsOf(command, 'directory', { env: deps.env }), onInvalid: 'fail', onNotice: (m) => io.err(`kmsp: ${m}\n`) });
      if (!store.exists()) io.err(`No config file at ${store.path} yet; showing the defaults.\n`);
      // No secret can be in a valid config; redaction is the second lock on that door.
      writeData(io, JSON.stringify(redactSecrets(store.load()), null, 2) + '\n');
    }),
    validate: guarded(io, async (file: string | undefined, options: { online?: boolean }, command: Command) => {
      const paths = file ? pathsOf(command, deps.env) : checkedPathsOf(command, 'directory', { env: deps.env });
      const target = file ? path.resolve(file) : paths.configFile;
      const state = inspectConfigFile(target);
      if (state.state === 'missing' && !file) {
        io.out(`No config file at ${target}; the defaults apply and are valid.\n`);
        return;
      }
      const { config: checked, headline, problems } = problemsOf(target, state);
      if (headline) {
        io.err(headline + '\n');
        listProblems(io, problems);
        process.exitCode = 1;
        return;
      }
      if (options.online && checked) {
        const online = await onlineProblems(paths, checked);
        if (online.length) {
          io.err(`${target} is valid, but ${online.length} billing mapping problem${online.length === 1 ? '' : 's'} against the PSA:\n`);
          listProblems(io, online);
          process.exitCode = 1;
          return;
        }
        io.out(`Billing mappings checked against the PSA: contracts and billing items hold.\n`);
      }
      const migrated = state.state === 'ok' && state.migratedFrom !== null ? ` (config version ${state.migratedFrom}; read as version ${CONFIG_SCHEMA_VERSION} in memory; the file is rewritten, with a backup, at the next save)` : '';
      io.out(`${target} is valid${migrated}.\n`);
    }),
    export: guarded(io, async (file: string | undefined, options: { mappings?: boolean }, command: Command) => {
      if (options.mappings) return (await import('./mappingsCsv.js')).exportMappings(io, command, file);
      const store = openConfig({ paths: checkedPathsOf(command, 'directory', { env: deps.env }), onInvalid: 'fail', onNotice: (m) => io.err(`kmsp: ${m}\n`) });
      if (!store.exists()) io.err(`No config file at ${store.path} yet; exporting the defaults.\n`);
      const text = JSON.stringify(redactSecrets(store.load()), null, 2) + '\n';
      if (!file) return writeData(io, text);
      const dest = path.resolve(file);
      fs.writeFileSync(dest, text, { mode: CONFIG_FILE_MODE });
      fs.chmodSync(dest, CONFIG_FILE_MODE);
      io.err(`Exported the configuration to ${dest}.\n`);
    }),
    import: guarded(io, async (file: string, options: { offline?: boolean; mappings?: boolean; online?: boolean }, command: Command) => {
      if (options.mappings) return (await import('./mappingsCsv.js')).importMappings(io, command, file, options);
      if (options.online) {
        io.err('--online goes with --mappings (a configuration file is checked against the PSA unless --offline).\n');
        process.exitCode = 2;
        return;
      }
      const source = path.resolve(file);
      const paths = pathsOf(command, deps.env);
      const state = inspectConfigFile(source);
      const { config: incoming, headline, problems } = problemsOf(source, state);
      if (!incoming || headline) {
        io.err(`Not imported: ${headline ?? `${source} cannot be used.`}\n`);
        listProblems(io, problems);
        io.err(`The current configuration (${paths.configFile}) was left unchanged.\n`);
        process.exitCode = 1;
        return;
      }
      if (!options.offline) {
        const online = await onlineProblems(paths, incoming);
        if (online.length) {
          io.err(`Not imported: ${source} has ${online.length} billing mapping problem${online.length === 1 ? '' : 's'} against the PSA:\n`);
          listProblems(io, online);
          io.err(`The current configuration (${paths.configFile}) was left unchanged. Fix the file, or import with --offline when the PSA cannot be reached.\n`);
          process.exitCode = 1;
          return;
        }
      }
      // The ledger first: if the change cannot be audited, nothing is changed.
      let ledger: Ledger;
      try {
        ledger = openLedger({ paths });
      } catch (error) {
        throw new KmspError('Not imported: the ledger, where config changes are recorded, cannot be opened.', {
          kind: 'config',
          cause: describeError(error).split('\n')[0],
          remedy: `Fix access to ${paths.ledgerFile} and import again; the current configuration was left unchanged.`,
        });
      }
      try {
        const store = openConfig({ paths, onInvalid: 'fail', audit: ledger, onNotice: (m) => io.err(`kmsp: ${m}\n`) });
        const current = inspectConfigFile(store.path);
        if (current.state === 'ok' && diffConfig(current.config, incoming).length === 0) {
          io.out(`${source} is the same as the current configuration; nothing changed.\n`);
          return;
        }
        // A backup of a usable file only: a broken one is kept by the save as config.json.corrupt-<time>.
        const backup = current.state === 'ok' ? store.backup() : null;
        const result = store.save(incoming, { actor: defaultActor('kmsp config import'), reason: `import from ${source}` });
        io.out(`Imported ${source} into ${store.path}.\n`);
        if (backup) io.out(`The previous configuration was kept as ${backup}.\n`);
        io.out(`Changes: ${result.summary}\n`);
      } finally {
        ledger.close();
      }
    }),
    get: guarded(io, (key: string, _options: unknown, command: Command) => {
      const store = openConfig({ paths: checkedPathsOf(command, 'directory', { env: deps.env }), onInvalid: 'fail', onNotice: (m) => io.err(`kmsp: ${m}\n`) });
      const exists = store.exists();
      const current = exists ? store.load() : defaultConfig();
      const info = knownKey(io, key, current, 'get');
      if (info === null) return;
      if (!exists) io.err(`No config file at ${store.path} yet; this is the default.\n`);
      io.out(`${String(current.agent[info === 'paused' ? 'paused' : info.key])}\n`);
    }),
    set: guarded(io, (key: string, value: string[], options: { reason?: string }, command: Command) => {
      // Several words are one value (a schedule passed unquoted with escaped stars).
      setAgentSetting(command, io, deps.env, key, value.join(' '), options);
    }),
  };
}
