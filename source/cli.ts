// Command-line entry: parses arguments and runs a subcommand (program.ts). Subcommand groups
// live in source/commands/ and load only when the command line names them; the interactive
// console is imported only when it is really used, so the agent and scripts never load the UI.
import { kmspVersion } from './commands/version.js';

/**
 * `kmsp --version` alone: the version, as commander would print it, without loading the command
 * line's parser or any command (scripts and package managers ask for it often).
 */
function versionOnly(args: readonly string[]): boolean {
  return args.length === 1 && (args[0] === '--version' || args[0] === '-V');
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
  const args = argv.slice(2);
  if (versionOnly(args)) {
    process.stdout.write(`${kmspVersion()}\n`);
    return;
  }
  // A plain `kmsp status` (monitoring asks every minute) runs without the command-line parser.
  if (args.includes('status')) {
    const { plainStatusRequest } = await import('./commands/status.js');
    const request = plainStatusRequest(args);
    if (request) {
      const [{ runStatus }, { processIo }, { describeError }] = await Promise.all([import('./commands/actions/status.js'), import('./commands/common.js'), import('./domain/errors.js')]);
      try {
        runStatus(processIo, request);
      } catch (error) {
        // As main() says a command's failure below: what, why, what to do — never a stack trace.
        processIo.err(describeError(error) + '\n');
        process.exitCode = 1;
      }
      return;
    }
  }
  const [{ CommanderError }, { buildProgram }, { processIo }, { describeError }] = await Promise.all([
    import('commander'),
    import('./program.js'),
    import('./commands/common.js'),
    import('./domain/errors.js'),
  ]);
  try {
    const program = await buildProgram(args);
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
