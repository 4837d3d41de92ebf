// The command line: the program's global options, its subcommands and the console. A command
// group's module (source/commands/) is loaded only when the command line can reach it: the named
// command alone, or every group when help, a suggestion for a mistyped command, or the full
// description may be shown. Each group's actions load when they run (commands/actions/).
import { Command } from 'commander';
import { resolvePaths } from './store/paths.js';
import { kmspVersion } from './commands/version.js';

type Register = (program: Command) => void;

/** Every command group: the names it adds to `kmsp`, and its module. In `kmsp --help` order. */
const GROUPS: ReadonlyArray<{ names: readonly string[]; load: () => Promise<Register> }> = [
  { names: ['config'], load: async () => (await import('./commands/config.js')).register },
  { names: ['secrets'], load: async () => (await import('./commands/secrets.js')).register },
  { names: ['doctor'], load: async () => (await import('./commands/doctor.js')).register },
  { names: ['report'], load: async () => (await import('./commands/report.js')).register },
  { names: ['demo'], load: async () => (await import('./commands/demo.js')).register },
  { names: ['agent'], load: async () => (await import('./commands/agent.js')).register },
  { names: ['billing'], load: async () => (await import('./commands/billing.js')).register },
  { names: ['ledger'], load: async () => (await import('./commands/ledger.js')).register },
  { names: ['systemd-unit'], load: async () => (await import('./commands/systemdUnit.js')).register },
  { names: ['status'], load: async () => (await import('./commands/status.js')).register },
  { names: ['pause', 'resume'], load: async () => (await import('./commands/pause.js')).register },
  { names: ['maintenance'], load: async () => (await import('./commands/maintenance.js')).register },
  { names: ['list'], load: async () => (await import('./commands/list.js')).register },
  { names: ['map', 'unmap'], load: async () => (await import('./commands/map.js')).register },
  { names: ['services'], load: async () => (await import('./commands/services.js')).register },
  { names: ['ticketing'], load: async () => (await import('./commands/ticketing.js')).register },
  { names: ['health'], load: async () => (await import('./commands/health.js')).register },
];

/** The program's own options that take a value: the word after them is no command name. */
const VALUE_OPTIONS = new Set(['--config', '-i', '--integration']);

/**
 * Which groups this command line can reach. None for the console (no command named); the one
 * named; every group when help is asked for or the first word is no command (commander then
 * names the nearest one), so what a person reads never depends on what was loaded.
 */
export function groupsFor(args: readonly string[]): typeof GROUPS {
  if (args.some((a) => a === '-h' || a === '--help')) return GROUPS;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      if (VALUE_OPTIONS.has(arg)) i++;
      continue;
    }
    const group = GROUPS.find((g) => g.names.includes(arg));
    return group ? [group] : GROUPS;
  }
  return args.includes('--') ? GROUPS : [];
}

/** The program for these arguments (`process.argv` without node and the script). */
export async function buildProgram(args: readonly string[]): Promise<Command> {
  const groups = groupsFor(args);
  // What this build speaks, from the connectors' registry: only where the description can be shown.
  const description = groups === GROUPS ? await programDescription() : '';
  const program = new Command('kmsp')
    .description(description)
    .version(kmspVersion(), '-V, --version')
    .option('--config <dir>', 'configuration directory (default: $CONFIGURATION_DIRECTORY, else ~/.config/kmsp)')
    .option('--no-color', 'no colour (NO_COLOR is honoured too)')
    .option('-i, --integration <name>', 'open the console on this integration (default: the first)')
    .showHelpAfterError('(run kmsp --help for usage)')
    .showSuggestionAfterError()
    // Before the subcommands are added: they inherit it, so their usage errors reach main() too.
    .exitOverride();
  for (const register of await Promise.all(groups.map((g) => g.load()))) register(program);
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

async function programDescription(): Promise<string> {
  const { supportedNames } = await import('./connectors/registry.js');
  const names = supportedNames();
  return `Connects a Kaspersky security platform (${names.platforms.join(', ')}) to a PSA (${names.psas.join(', ')}): license billing and security tickets.`;
}
