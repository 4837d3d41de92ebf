// What every subcommand shares: where output goes, how failures are printed,
// and where the files are (the global --config DIR).
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
