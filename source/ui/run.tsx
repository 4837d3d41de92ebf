// Starts the interactive console. Imported lazily by the CLI (never by the
// agent), so Ink, React and yoga load only for a person at a terminal.
//
// - No TTY (a pipe, a file, a systemd unit): refuse with a KmspError that says
//   what to use instead, before Ink exists (Ink would otherwise crash on raw mode).
// - Alternate screen: entered on start and left on every exit path: normal
//   quit, a render error, an uncaught exception, SIGTERM/SIGHUP/SIGINT/SIGQUIT
//   (an SSH disconnect is a SIGHUP), and process exit.
import type { ReactElement } from 'react';
import { render, type Instance } from 'ink';
import { ConsoleApp, type ConsoleAppProps } from './app.js';
import { keyInput } from './keys/input-filter.js';
import { assertInteractiveTerminal } from './terminal-check.js';

export { assertInteractiveTerminal, notATerminalError, NOT_A_TERMINAL_MESSAGE } from './terminal-check.js';

export const ENTER_ALTERNATE_SCREEN = '\u001B[?1049h';
export const LEAVE_ALTERNATE_SCREEN = '\u001B[?1049l';

export interface RunConsoleOptions extends Omit<ConsoleAppProps, 'onExit'> {
  readonly stdin?: NodeJS.ReadStream;
  readonly stdout?: NodeJS.WriteStream;
  readonly stderr?: NodeJS.WriteStream;
  /** Use the terminal's alternate screen (default true): the shell prompt and scrollback come back untouched on exit. */
  readonly alternateScreen?: boolean;
  /** Render this element (a <ConsoleApp> inside state of the caller's) instead of <ConsoleApp {...props}>. */
  readonly element?: ReactElement;
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT', 'SIGQUIT'];

/**
 * Ink render options of the console.
 *
 * maxFps: Ink throttles frames, 30 a second by default. A key that comes less than
 * 1000/maxFps ms after the last frame (key repeat, fast typing, a key right after a
 * background update) waits for the throttle: at 30 that is up to 33 ms, the whole
 * budget. Measured on the 10,000-row Accounts tab with keys as fast as frames come,
 * key → frame median: 30 fps 40 ms, 60 fps 24 ms, 120 fps 13 ms, unthrottled 10 ms.
 * 120 keeps a burst of updates coalesced (a frame costs a few ms) without the wait.
 *
 * incrementalRendering stays off: Ink 6.8's incremental writer moves the cursor up one
 * line too few when the frame ends in a newline (ours is rows − 1 lines, so it does),
 * and every frame lands a line lower (checked against a headless xterm). The standard
 * writer rewrites the frame whole, inside synchronized-output markers on a terminal.
 */
export const CONSOLE_RENDER_OPTIONS = { maxFps: 120, incrementalRendering: false } as const;

/** Runs the console until the user quits. Rejects with the no-terminal KmspError without a TTY. */
export async function runConsole(options: RunConsoleOptions = {}): Promise<void> {
  const { stdin = process.stdin, stdout = process.stdout, stderr = process.stderr, alternateScreen = true, element, ...appProps } = options;
  assertInteractiveTerminal(stdin, stdout);

  let inAlternate = false;
  const leave = () => {
    if (!inAlternate) return;
    inAlternate = false;
    stdout.write(LEAVE_ALTERNATE_SCREEN);
  };
  if (alternateScreen) {
    stdout.write(ENTER_ALTERNATE_SCREEN);
    inAlternate = true;
  }

  let instance: Instance | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    instance?.unmount();
    leave();
    removeHandlers();
    // Re-raise so the process ends with the signal's usual status (143 for SIGTERM).
    process.kill(process.pid, signal);
  };
  // Runs before Node prints an uncaught exception, so the trace lands on the normal
  // screen (Node 20 also emits 'exit' first; this does not depend on that order).
  const onFatal = () => leave();
  const removeHandlers = () => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
    process.off('exit', leave);
    process.off('uncaughtExceptionMonitor', onFatal);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('exit', leave);
  process.on('uncaughtExceptionMonitor', onFatal);

  try {
    instance = render(element ?? <ConsoleApp {...appProps} />, { stdin: keyInput(stdin), stdout, stderr, exitOnCtrlC: false, patchConsole: false, ...CONSOLE_RENDER_OPTIONS });
    await instance.waitUntilExit();
  } finally {
    instance?.unmount();
    leave();
    removeHandlers();
  }
}
