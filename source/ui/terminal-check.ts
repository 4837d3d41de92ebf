// Whether the console can open here, said before Ink (or anything large) loads: without a
// terminal (a pipe, a file, a systemd unit) Ink would crash on raw mode, and a person waiting
// for a message should not wait for the UI's modules first.
import { KmspError } from '../domain/errors.js';

export const NOT_A_TERMINAL_MESSAGE =
  "kmsp's console needs an interactive terminal. From scripts use: kmsp doctor, kmsp config …, kmsp report …, or run the agent: kmsp agent.";

export function notATerminalError(streams: { stdin: { isTTY?: boolean }; stdout: { isTTY?: boolean } }): KmspError {
  const which = [!streams.stdin.isTTY && 'standard input', !streams.stdout.isTTY && 'standard output'].filter(Boolean).join(' and ');
  return new KmspError(NOT_A_TERMINAL_MESSAGE, {
    kind: 'config',
    cause: `${which || 'the terminal'} is not a terminal (a pipe, a file, or a service).`,
    remedy: 'Over SSH, ask for a terminal with `ssh -t`. Without one, use the commands above.',
  });
}

/** Throws the no-terminal KmspError unless both stdin and stdout are TTYs. */
export function assertInteractiveTerminal(stdin: { isTTY?: boolean } = process.stdin, stdout: { isTTY?: boolean } = process.stdout): void {
  if (!stdin.isTTY || !stdout.isTTY) throw notATerminalError({ stdin, stdout });
}
