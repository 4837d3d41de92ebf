// What every subcommand shares: where output goes, how failures are printed,
// and where the files are (the global --config DIR).
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { describeError } from '../domain/errors.js';
import { resolvePaths, type KmspPaths } from '../store/paths.js';

export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CommandIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

export function pathsOf(command: Command, env?: NodeJS.ProcessEnv): KmspPaths {
  const { config } = command.optsWithGlobals<{ config?: string }>();
  return resolvePaths({ configDir: config, ...(env ? { env } : {}) });
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
 * How to run kmsp again, for messages that suggest a command: `kmsp` when an executable
 * `kmsp` is on the PATH; `npx kmsp` under npx; else the way this process was started,
 * e.g. `node bin/kmsp.js` in a checkout (relative to the working directory when inside it).
 */
export function selfCommand(
  x: { argv?: readonly string[]; env?: NodeJS.ProcessEnv; cwd?: string; isExecutable?: (file: string) => boolean } = {},
): string {
  const env = x.env ?? process.env;
  const isExecutable = x.isExecutable ?? executableFile;
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  if (dirs.some((dir) => isExecutable(path.join(dir, 'kmsp')))) return 'kmsp';
  if (env.npm_command === 'exec') return 'npx kmsp';
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
