import { afterEach, describe, expect, it } from 'vitest';
import { FakeStdin, FakeStdout, cleanupUi, press, waitForFrame } from '../helpers/ink.js';
import { isKmspError } from '../../source/domain/errors.js';

afterEach(cleanupUi);

const signalListeners = () => ['SIGTERM', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'exit', 'uncaughtExceptionMonitor'].map((e) => process.listenerCount(e));

describe('runConsole', () => {
  it('is importable lazily and refuses to start without a terminal, saying what to use instead', async () => {
    const { runConsole, NOT_A_TERMINAL_MESSAGE } = await import('../../source/ui/run.js');
    const stdin = new FakeStdin();
    stdin.isTTY = false;
    const stdout = new FakeStdout(100, 30);
    const error = await runConsole({ stdin: stdin as never, stdout: stdout as never }).catch((e: unknown) => e);
    expect(isKmspError(error)).toBe(true);
    expect((error as Error).message).toBe(NOT_A_TERMINAL_MESSAGE);
    expect((error as Error).message).toBe(
      "kmsp's console needs an interactive terminal. From scripts use: kmsp doctor, kmsp config …, kmsp report …, or run the agent: kmsp agent.",
    );
    expect(isKmspError(error) && error.explain()).toContain('Cause: standard input is not a terminal');
    expect(stdout.frames).toEqual([]); // Ink never started, nothing drawn
  });

  it('refuses when only stdout is redirected', async () => {
    const { assertInteractiveTerminal } = await import('../../source/ui/run.js');
    expect(() => assertInteractiveTerminal({ isTTY: true }, { isTTY: false })).toThrow(/needs an interactive terminal/);
    expect(() => assertInteractiveTerminal({ isTTY: true }, { isTTY: true })).not.toThrow();
  });

  it('uses the alternate screen and leaves it when the user quits, removing its handlers', async () => {
    const { runConsole, ENTER_ALTERNATE_SCREEN, LEAVE_ALTERNATE_SCREEN } = await import('../../source/ui/run.js');
    async function session() {
      const stdin = new FakeStdin();
      const stdout = new FakeStdout(80, 24);
      const stderr = new FakeStdout(80, 24);
      const before = signalListeners();
      const running = runConsole({ integrationName: 'demo', stdin: stdin as never, stdout: stdout as never, stderr: stderr as never });
      await waitForFrame({ lastFrame: () => stdout.frames.join('') }, (all) => all.includes('kmsp · demo'));
      expect(stdout.frames[0]).toBe(ENTER_ALTERNATE_SCREEN);
      expect(signalListeners().every((n, i) => n > before[i]!)).toBe(true); // handlers for every exit path
      await press(stdin, 'q');
      await running;
      expect(stdout.frames.at(-1)).toBe(LEAVE_ALTERNATE_SCREEN);
      expect(stdout.frames.filter((f) => f === LEAVE_ALTERNATE_SCREEN)).toHaveLength(1);
      return signalListeners();
    }
    // Ink's cursor helper installs its own signal-exit hooks once; ours must be gone after each run.
    const afterFirst = await session();
    const afterSecond = await session();
    expect(afterSecond).toEqual(afterFirst);
  });

  it('does not use the alternate screen when told not to', async () => {
    const { runConsole, ENTER_ALTERNATE_SCREEN } = await import('../../source/ui/run.js');
    const stdin = new FakeStdin();
    const stdout = new FakeStdout(80, 24);
    const running = runConsole({ stdin: stdin as never, stdout: stdout as never, stderr: stdout as never, alternateScreen: false });
    await waitForFrame({ lastFrame: () => stdout.frames.join('') }, (all) => all.includes('kmsp'));
    await press(stdin, 'q');
    await running;
    expect(stdout.frames.join('')).not.toContain(ENTER_ALTERNATE_SCREEN);
  });
});
