// kmsp doctor: checks every integration end to end, then the agent's view of this host
// (state directory, schedules, pause, whether it runs, secrets a service can read).
import type { Command } from 'commander';
import { runAgentChecks } from '../doctor/agentChecks.js';
import { formatDoctorReport, runDoctor } from '../doctor/checks.js';
import { openConfig } from '../store/config.js';
import { pathsOf } from './shared.js';
import { openSecretStore } from '../store/secrets.js';

export function register(program: Command): void {
  program
    .command('doctor')
    .description('check configuration, secrets, reachability, TLS, credentials and permissions of each integration, and the agent\'s view of this host')
    .option('-i, --integration <name>', 'check only this integration')
    .option('--json', 'print the results as JSON')
    .action(async (options: { integration?: string; json?: boolean }, command: Command) => {
      const paths = pathsOf(command);
      const store = openConfig({ paths, onInvalid: 'fail' });
      if (!store.exists()) {
        process.stderr.write(
          `No configuration at ${store.path}.\n  Remedy: set up an integration in the console (kmsp), import one (kmsp config import FILE), or try the demo (kmsp demo).\n`,
        );
        process.exitCode = 1;
        return;
      }
      const config = store.load();
      const secrets = openSecretStore({ paths });
      const results = await runDoctor(config, {
        lookupSecret: (name) => secrets.get(name),
        secretBackend: async (name) => (await secrets.locate(name))?.label ?? null,
        ...(options.integration ? { only: { integration: options.integration } } : {}),
      });
      results.push(...(await runAgentChecks(config, { paths, secrets, ...(options.integration ? { only: { integration: options.integration } } : {}) })));
      process.stdout.write((options.json ? JSON.stringify(results, null, 2) : formatDoctorReport(results)) + '\n');
      if (results.some((r) => r.status === 'fail')) process.exitCode = 1;
    });
}
