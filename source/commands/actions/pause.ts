// The actions of kmsp pause and kmsp resume, loaded when the command runs (commands/pause.ts declares them).
// kmsp pause / kmsp resume [--reason TEXT]: the global pause switch (README › Commands), agent.paused in
// the config file. The running agent hot-reloads that file, so flipping it there is how a pause
// reaches the agent; the change is audited in the ledger like every other config change.
//
// A missing, unusable or newer config file is refused and left exactly as it is: pausing must
// never be the reason an admin's (broken) settings get replaced.
import type { Command } from 'commander';
import { describeError, KmspError } from '../../domain/errors.js';
import type { Liveness } from '../../domain/agentStatus.js';
import { backupRemedy, defaultActor, inspectConfigFile, openConfig } from '../../store/config.js';
import { livenessNow, readAgentStatus, type AgentStatus } from '../../store/agentStatus.js';
import { openLedger, type Ledger } from '../../store/ledger.js';
import type { KmspPaths } from '../../store/paths.js';
import { checkedPathsOf, type CommandIo } from '../common.js';
import { startCommand } from '../status.js';

interface PauseOptions {
  reason?: string;
}

/** What the agent will do about the change, from its status file. */
function agentPickup(paths: KmspPaths, paused: boolean, start: string): string {
  const read = readAgentStatus(paths.statusFile);
  const after = paused ? 'it starts paused' : 'it writes to the PSA again';
  if (read.state === 'missing') return `No agent has run with this state directory yet; when one starts (${start}), ${after}.`;
  if (read.state === 'unreadable') return `The agent's status cannot be read (${read.reason}); an agent that runs picks the change up when it reloads its config. Check with: kmsp status`;
  const status: AgentStatus = read.status;
  const liveness: Liveness = livenessNow(status);
  const who = `pid ${status.pid} on ${status.host}`;
  switch (liveness) {
    case 'running':
      return paused
        ? `The running agent (${who}) reloads its config within seconds: a pass in progress stops at its next safe point, later passes write nothing. Check with: kmsp status (Paused: yes)`
        : `The running agent (${who}) reloads its config within seconds and writes again from its next pass. Check with: kmsp status (Paused: no)`;
    case 'stopping':
      return `The agent (${who}) is stopping; when it starts again, ${after}.`;
    case 'stale':
      return `The agent's status is stale (${who}, no update for a while): if it is alive it picks this up when it reloads its config. Check with: kmsp status`;
    case 'gone':
    case 'stopped':
      return `No agent is running (the last one, ${who}, is ${liveness === 'gone' ? 'gone' : 'stopped'}); when it starts (${start}), ${after}.`;
  }
}

function setPaused(command: Command, io: CommandIo, paused: boolean, options: PauseOptions): void {
  const verb = paused ? 'pause' : 'resume';
  const paths = checkedPathsOf(command, 'config', { refused: `Not ${paused ? 'paused' : 'resumed'}: ` });
  const state = inspectConfigFile(paths.configFile);
  switch (state.state) {
    case 'missing':
      throw new KmspError(`Not ${paused ? 'paused' : 'resumed'}: there is no config file at ${paths.configFile}.`, {
        kind: 'config',
        cause: 'The pause switch lives in the config file, and kmsp has not been set up with this config directory.',
        remedy: 'Set kmsp up first (the console: kmsp, or kmsp config import FILE), or pass the right --config DIR.',
      });
    case 'newer':
    case 'corrupt':
    case 'invalid': {
      const why = state.state === 'newer' ? `it was written by a newer kmsp (config version ${state.version})` : state.reason.replace(/\.$/u, '');
      throw new KmspError(`Not ${paused ? 'paused' : 'resumed'}: the config file ${paths.configFile} cannot be used; it was left unchanged.`, {
        kind: 'config',
        cause: why,
        remedy: state.state === 'newer' ? 'Use the kmsp that wrote it.' : `Run \`kmsp config validate\` to list the problems and fix them, then run kmsp ${verb} again. ${backupRemedy(paths.configFile)}`,
      });
    }
    case 'ok':
      break;
  }
  const config = state.config;
  if (config.agent.paused === paused) {
    io.out(`Already ${paused ? 'paused' : 'running (not paused)'}: agent.paused is ${paused} in ${paths.configFile}; nothing changed.\n`);
    io.out(agentPickup(paths, paused, startCommand(command)) + '\n');
    return;
  }
  // The ledger first: a change that cannot be audited is not made.
  let ledger: Ledger;
  try {
    ledger = openLedger({ paths });
  } catch (error) {
    throw new KmspError(`Not ${paused ? 'paused' : 'resumed'}: the ledger, where config changes are recorded, cannot be opened.`, {
      kind: 'config',
      cause: describeError(error).split('\n')[0],
      remedy: `Fix access to ${paths.ledgerFile} and run kmsp ${verb} again; the config was left unchanged.`,
    });
  }
  try {
    const store = openConfig({ paths, onInvalid: 'fail', audit: ledger, onNotice: (m) => io.err(`kmsp: ${m}\n`) });
    const actor = defaultActor(`kmsp ${verb}`);
    const reason = options.reason?.trim();
    // Re-read under the lock: only agent.paused changes, whatever a console saved since the read above.
    store.exclusive(() => {
      const latest = store.load();
      store.save({ ...latest, agent: { ...latest.agent, paused } }, { actor, ...(reason ? { reason } : {}) });
    });
    io.out(
      paused
        ? `Paused: agent.paused is now true in ${paths.configFile}; the agent makes no PSA writes (no postings, no tickets) until kmsp resume.\n`
        : `Resumed: agent.paused is now false in ${paths.configFile}; the agent writes to the PSA again at its next passes.\n`,
    );
    io.out(`Recorded in the ledger's config audit as ${actor}${reason ? ` (${reason})` : ''}.\n`);
    io.out(agentPickup(paths, paused, startCommand(command)) + '\n');
  } finally {
    ledger.close();
  }
}

export function pauseActions(io: CommandIo) {
  const action = (paused: boolean) => (options: PauseOptions, command: Command) => {
    try {
      setPaused(command, io, paused, options);
    } catch (error) {
      io.err(describeError(error) + '\n');
      process.exitCode = 1;
    }
  };
  return { pause: action(true), resume: action(false) };
}
