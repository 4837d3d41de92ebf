// What every subcommand shares: where output goes, how failures are printed,
// and where the files are (the global --config DIR).
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { describeError, KmspError } from '../domain/errors.js';
import { toTerminalText } from '../domain/terminalText.js';
import { resolvePaths, type KmspPaths } from '../store/paths.js';

export interface CommandIo {
  /** Lines for a person (they may carry vendor text). */
  out(text: string): void;
  err(text: string): void;
  /** Data for files and programs (CSV, JSON): kept as it is, unless it goes to a terminal. Default: out. */
  data?(text: string): void;
}

/**
 * The commands' output writer. Every line a command prints may carry a vendor's text (a tenant's
 * name, an error message, a ticket title): escape sequences and control characters go here, at
 * one place (toTerminalText), whether stdout is a terminal, a pipe or a file — a log or a pager
 * would replay them. Data (`--format csv|json`, `ledger export`) keeps its bytes when it goes to a
 * file or a pipe, and is cleaned the same way when it is shown at a terminal.
 */
export function streamIo(stdout: OutputStream, stderr: OutputStream): CommandIo {
  return {
    out: (text) => void stdout.write(toTerminalText(text)),
    err: (text) => void stderr.write(toTerminalText(text)),
    data: (text) => void stdout.write(stdout.isTTY ? toTerminalText(text) : text),
  };
}

type OutputStream = { isTTY?: boolean; write(text: string): unknown };

export const processIo: CommandIo = streamIo(process.stdout, process.stderr);

/** Writes data (CSV, JSON) through `io.data`, or `io.out` for writers without one. */
export function writeData(io: CommandIo, text: string): void {
  (io.data ?? io.out)(text);
}

export function pathsOf(command: Command, env?: NodeJS.ProcessEnv): KmspPaths {
  const { config } = command.optsWithGlobals<{ config?: string }>();
  return resolvePaths({ configDir: config, ...(env ? { env } : {}) });
}

/** Where the configuration directory came from, as messages name it. */
function configDirOrigin(config: string | undefined, env: NodeJS.ProcessEnv): { explicit: boolean; words: string } {
  if (config) return { explicit: true, words: 'given with --config' };
  if (env.CONFIGURATION_DIRECTORY) return { explicit: false, words: 'from $CONFIGURATION_DIRECTORY' };
  return { explicit: false, words: 'the default' };
}

/**
 * What a command needs of the configuration directory: 'config', a config.json in it (the
 * commands that read the integrations); 'directory', only that a directory given with --config
 * exists (the commands that read the ledger or the status file, which a mistyped --config would
 * otherwise create empty, or report as "not run yet").
 */
export type ConfigDirNeed = 'config' | 'directory';

/** Why the configuration directory does not serve `need`, with cause and remedy; null when it does. */
export function configDirProblem(
  paths: Pick<KmspPaths, 'configDir' | 'configFile'>,
  need: ConfigDirNeed,
  origin: { explicit: boolean; words: string },
  self: string = selfCommand(),
): { what: string; cause: string; remedy: string } | null {
  const dir = paths.configDir;
  const flag = origin.explicit ? ` --config ${shellQuote(dir)}` : '';
  const setUp = `To set kmsp up there: ${self}${flag} (the console) or ${self}${flag} config import FILE; to try it first: ${self} demo.`;
  let stat: ReturnType<typeof statSync> | undefined;
  try {
    stat = statSync(dir);
  } catch {
    stat = undefined;
  }
  if (!stat) {
    if (need === 'directory' && !origin.explicit) return null;
    return {
      what: `The configuration directory ${dir} (${origin.words}) does not exist.`,
      cause: origin.explicit ? 'A mistyped path, or kmsp has not been set up there yet.' : 'kmsp has not been set up on this host (or for this user) yet.',
      remedy: `${origin.explicit ? 'Check the path. ' : ''}${setUp}`,
    };
  }
  if (!stat.isDirectory()) {
    return { what: `${dir} (${origin.words}) is not a directory.`, cause: 'kmsp keeps config.json, the ledger and the secrets file in a directory.', remedy: 'Pass the directory that holds config.json.' };
  }
  if (need === 'config' && !existsSync(paths.configFile)) {
    return {
      what: `The configuration directory ${dir} (${origin.words}) holds no config.json.`,
      cause: 'kmsp has not been set up with this directory: the console or kmsp config import writes config.json.',
      remedy: `${origin.explicit ? 'Check the path. ' : ''}${setUp}`,
    };
  }
  return null;
}

/**
 * The paths of a command that reads the configuration directory, after checking it serves
 * `need` (see ConfigDirNeed); a KmspError naming the directory, where it came from and what to
 * do otherwise. Every command that reads what --config points at goes through here, so each
 * says the same about a wrong or empty directory.
 */
export function checkedPathsOf(command: Command, need: ConfigDirNeed, options: CheckedPathsOptions = {}): KmspPaths {
  return checkedPaths(command.optsWithGlobals<{ config?: string }>().config, need, options);
}

type CheckedPathsOptions = { env?: NodeJS.ProcessEnv | undefined; refused?: string };

/** checkedPathsOf for `--config DIR` as given (undefined without one): for the commands that run without commander. */
export function checkedPaths(config: string | undefined, need: ConfigDirNeed, options: CheckedPathsOptions = {}): KmspPaths {
  const env = options.env ?? process.env;
  const paths = resolvePaths({ configDir: config, env });
  const problem = configDirProblem(paths, need, configDirOrigin(config, env));
  // `refused` says what did not happen ("Not paused: "), for the commands that change something.
  if (problem) {
    const what = options.refused ? `${options.refused}${problem.what[0]!.toLowerCase()}${problem.what.slice(1)}` : problem.what;
    throw new KmspError(what, { kind: 'config', cause: problem.cause, remedy: problem.remedy });
  }
  return paths;
}

/**
 * Whether `--format` names one of `formats`; if not, says which it takes and sets exit code 2 (a
 * usage error, as commander's own), so the command returns without doing anything.
 */
export function knownFormat(io: CommandIo, format: string, formats: readonly string[]): boolean {
  if (formats.includes(format)) return true;
  io.err(`Unknown format “${format}”. Use one of: ${formats.join(', ')}.\n`);
  process.exitCode = 2;
  return false;
}

/** Errors become "what, why, what to do" on stderr and exit code 1, never a stack trace. */
export function guarded<A extends unknown[]>(io: CommandIo, fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (error) {
      io.err(describeError(error) + '\n');
      process.exitCode = 1;
    }
  };
}

/**
 * How to run kmsp again, for messages that suggest a command: `npx kmsp` under npx; `kmsp`
 * when an executable `kmsp` is on the PATH; else the way this process was started, e.g.
 * `node bin/kmsp.js` in a checkout (relative to the working directory when inside it).
 * npm puts node_modules/.bin directories on the PATH of what it runs (npx its own cache's, with
 * this very `kmsp` in it): a `kmsp` found only there is not on the user's PATH, so it is ignored.
 */
export function selfCommand(
  x: { argv?: readonly string[]; env?: NodeJS.ProcessEnv; cwd?: string; isExecutable?: (file: string) => boolean } = {},
): string {
  const env = x.env ?? process.env;
  const isExecutable = x.isExecutable ?? executableFile;
  if (env.npm_command === 'exec') return 'npx kmsp';
  const dirs = (env.PATH ?? '').split(path.delimiter).filter((dir) => dir && !/(^|[\\/])node_modules[\\/]\.bin[\\/]?$/u.test(dir));
  if (dirs.some((dir) => isExecutable(path.join(dir, 'kmsp')))) return 'kmsp';
  const script = (x.argv ?? process.argv)[1];
  if (!script) return 'kmsp';
  const cwd = x.cwd ?? process.cwd();
  const relative = path.relative(cwd, path.resolve(cwd, script));
  const shown = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : path.resolve(cwd, script);
  return `node ${shellQuote(shown)}`;
}

function executableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A word as a POSIX shell reads it back: as is when safe, else in single quotes. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/u.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Any command's action, as commander calls it: its arguments, then options, then the command (each its own types). */
type ActionFn = (...args: any[]) => unknown;

/**
 * A group's actions, loaded when one of them runs. A command module declares its commands, options
 * and help with light imports only and names each action here: `kmsp --version`, `--help`, and every
 * other command never load what this group's actions need (connectors, the ledger, the config store).
 */
export function lazyActions<T extends { [name: string]: ActionFn }>(load: () => Promise<T>): <K extends keyof T>(name: K) => (...args: Parameters<T[K]>) => Promise<void> {
  let loaded: Promise<T> | null = null;
  return (name) =>
    async (...args) => {
      loaded ??= load();
      await (await loaded)[name]!(...args);
    };
}
