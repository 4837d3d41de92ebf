// Command-line entry: parses arguments and runs a subcommand. Subcommand groups
// live in source/commands/; the interactive console is imported only when it is
// really used, so the agent and scripts never load the UI.
import { Command, CommanderError } from 'commander';
import { supportedNames } from './connectors/registry.js';
import { describeError } from './domain/errors.js';
import { resolvePaths } from './store/paths.js';
import { processIo } from './commands/shared.js';
import { register as registerAgent } from './commands/agent.js';
import { register as registerBilling } from './commands/billing.js';
import { register as registerConfig } from './commands/config.js';
import { register as registerDemo } from './commands/demo.js';
import { register as registerDoctor } from './commands/doctor.js';
import { register as registerLedger } from './commands/ledger.js';
import { register as registerReport } from './commands/report.js';
import { register as registerSecrets } from './commands/secrets.js';
import { kmspVersion } from './commands/version.js';
import { register as registerSystemdUnit } from './commands/systemdUnit.js';
import { register as registerStatus } from './commands/status.js';
import { register as registerPause } from './commands/pause.js';

export function buildProgram(): Command {
  // What this build speaks, from the connectors' registry.
  const names = supportedNames();
  const program = new Command('kmsp')
    .description(`Connects a Kaspersky security platform (${names.platforms.join(', ')}) to a PSA (${names.psas.join(', ')}): license billing and security tickets.`)
    .version(kmspVersion(), '-V, --version')
    .option('--config <dir>', 'configuration directory (default: $CONFIGURATION_DIRECTORY, else ~/.config/kmsp)')
    .option('--no-color', 'no colour (NO_COLOR is honoured too)')
    .option('-i, --integration <name>', 'open the console on this integration (default: the first)')
    .showHelpAfterError('(run kmsp --help for usage)')
    .showSuggestionAfterError()
    // Before the subcommands are added: they inherit it, so their usage errors reach main() too.
    .exitOverride();
  registerConfig(program);
  registerSecrets(program);
  registerDoctor(program);
  registerReport(program);
  registerDemo(program);
  registerAgent(program);
  registerBilling(program);
  registerLedger(program);
  registerSystemdUnit(program);
  registerStatus(program);
  registerPause(program);
  // The console takes no arguments, so a word left over is a mistyped command: commander's
  // unknownCommand says so and suggests the nearest one (`kmsp bilings` → billing), where its
  // excess-arguments check would only say "too many arguments". Set after the subcommands were
  // added, so they keep refusing excess arguments themselves.
  program.allowExcessArguments();
  program.action(async (options: { config?: string; integration?: string }, command: Command) => {
    // unknownCommand is commander's own (marked private in its typings; test/e2e/cli-usage.test.ts pins it).
    if (command.args.length > 0) (command as Command & { unknownCommand(): never }).unknownCommand();
    // The console: the UI module is loaded only here, for a person at a terminal.
    const { startConsole } = await import('./ui/start.js');
    await startConsole({ paths: resolvePaths({ configDir: options.config }), ...(options.integration ? { integrationName: options.integration } : {}) });
  });
  return program;
}

/**
 * `kmsp ledger export | head`: the reader closes the pipe early and the next write fails with
 * EPIPE. That is the reader's choice, not a failure: end quietly with the exit code so far,
 * instead of an uncaught exception and a stack trace.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
}

export async function main(argv: string[]): Promise<void> {
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed help/version or the usage error. A usage error exits 2 (as the
      // commands' own usage checks do), so scripts can tell "wrong command line" from "failed".
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    processIo.err(describeError(error) + '\n');
    process.exitCode = 1;
  }
}
