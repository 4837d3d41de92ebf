// The action of kmsp doctor, loaded when the command runs (commands/doctor.ts declares it).
// kmsp doctor: checks every integration end to end, then the agent's view of this host
// (state directory, schedules, pause, whether it runs, secrets a service can read).
import type { Command } from 'commander';
import { runAgentChecks } from '../../doctor/agentChecks.js';
import { formatDoctorReport, runDoctor } from '../../doctor/checks.js';
import { openConfig } from '../../store/config.js';
import { describeError } from '../../domain/errors.js';
import type { KmspPaths } from '../../store/paths.js';
import { DEFAULT_CREDENTIALS_DIR, DEFAULT_SERVICE_USER } from '../../agent/systemdUnit.js';
import { checkedPathsOf, selfCommand, shellQuote, writeData, type CommandIo } from '../common.js';
import { openSecretStore } from '../../store/secrets.js';


export function doctorActions(io: CommandIo) {
  return {
    doctor: async (options: { integration?: string; json?: boolean }, command: Command) => {
      let paths: KmspPaths;
      try {
        paths = checkedPathsOf(command, 'config');
      } catch (error) {
        io.err(describeError(error) + '\n');
        process.exitCode = 1;
        return;
      }
      const store = openConfig({ paths, onInvalid: 'fail' });
      const config = store.load();
      const secrets = openSecretStore({ paths });
      const results = await runDoctor(config, {
        lookupSecret: (name) => secrets.get(name),
        secretBackend: (name) => secrets.locate(name),
        secretsFile: paths.secretsFile,
        kmspCommand: selfCommand() + (command.optsWithGlobals<{ config?: string }>().config ? ` --config ${shellQuote(paths.configDir)}` : ''),
        credentials: { dir: DEFAULT_CREDENTIALS_DIR, group: DEFAULT_SERVICE_USER },
        ...(options.integration ? { only: { integration: options.integration } } : {}),
      });
      results.push(...(await runAgentChecks(config, { paths, secrets, ...(options.integration ? { only: { integration: options.integration } } : {}) })));
      if (options.json) writeData(io, JSON.stringify(results, null, 2) + '\n');
      else io.out(formatDoctorReport(results) + '\n');
      if (results.some((r) => r.status === 'fail')) process.exitCode = 1;
    },
  };
}
