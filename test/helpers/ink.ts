// Rendering the console in tests. Like ink-testing-library's render (debug
// mode: every frame written whole, no throttling; exitOnCtrlC and patchConsole
// off), but with a fake terminal whose size we choose and can resize:
// ink-testing-library's stdout is fixed at 100 columns and has no rows, and the
// frame-height rule (frame < rows) needs rows to test.
import type { Key } from 'ink';
import { EventEmitter } from 'node:events';
import { render as inkRender, type Instance } from 'ink';
import type { ReactElement } from 'react';
import { keyInput } from '../../source/ui/keys/input-filter.js';
import { BenchStdin } from '../../source/bench/fake-terminal.js';

export const keys = {
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  home: '\u001B[H',
  end: '\u001B[F',
  enter: '\r',
  escape: '\u001B',
  tab: '\t',
  shiftTab: '\u001B[Z',
  backspace: '\u007F',
  space: ' ',
  ctrlC: '\u0003',
  ctrlD: '\u0004',
  ctrlU: '\u0015',
} as const;

export class FakeStdout extends EventEmitter {
  readonly frames: string[] = [];
  isTTY = true;
  constructor(
    public columns: number,
    public rows: number | undefined,
  ) {
    super();
  }
  write = (frame: string): boolean => {
    this.frames.push(frame);
    return true;
  };
  lastFrame = (): string => this.frames.at(-1) ?? '';
  /** Change the size and tell Ink and the console, as a terminal does on SIGWINCH. */
  resize(columns: number, rows: number | undefined): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

export class FakeStdin extends BenchStdin {
  /** Set by renderUi: resolves once the app stopped drawing (see press). */
  settle?: () => Promise<void>;
}

export interface RenderedUi {
  readonly stdin: FakeStdin;
  readonly stdout: FakeStdout;
  readonly stderr: FakeStdout;
  readonly instance: Instance;
  lastFrame(): string;
  rerender(tree: ReactElement): void;
  unmount(): void;
}

const mounted: Instance[] = [];

/** Render with a terminal of `columns`×`rows` (rows undefined = like ink-testing-library: none). */
export function renderUi(tree: ReactElement, size: { columns?: number; rows?: number } = {}): RenderedUi {
  const stdout = new FakeStdout(size.columns ?? 100, 'rows' in size ? size.rows : 30);
  const stderr = new FakeStdout(size.columns ?? 100, size.rows);
  const stdin = new FakeStdin();
  const instance = inkRender(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    // As the console does (ui/run.tsx): Ink reads the terminal through the key filter.
    stdin: keyInput(stdin) as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  mounted.push(instance);
  // A key is routed only after React committed the previous one, so its frame can land some
  // ticks after the write — more of them on a loaded CI machine. Settled = no new frame for three
  // ticks in a row (at most 300 ms): what a person sees once the screen stops changing.
  stdin.settle = async () => {
    const deadline = Date.now() + 300;
    let quiet = 0;
    let seen = stdout.frames.length;
    while (quiet < 3 && Date.now() < deadline) {
      await tick();
      if (stdout.frames.length === seen) quiet++;
      else {
        seen = stdout.frames.length;
        quiet = 0;
      }
    }
  };
  return {
    stdin,
    stdout,
    stderr,
    instance,
    lastFrame: stdout.lastFrame,
    rerender: (next) => instance.rerender(next),
    unmount: () => instance.unmount(),
  };
}

/** Unmount everything renderUi mounted (call in afterEach). */
export function cleanupUi(): void {
  for (const instance of mounted.splice(0)) {
    instance.unmount();
    instance.cleanup();
  }
}

/**
 * Let React 19 and Ink finish: a setImmediate (Ink flushes a lone Esc and the
 * console routes chunked keys on it) then a timer turn (renders and effects).
 */
export async function tick(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => setTimeout(resolve, 0));
}

/** Write keys one at a time, waiting after each; the first wait lets useInput subscribe. */
export async function press(stdin: { write(data: string): void; settle?: () => Promise<void> }, ...sequence: string[]): Promise<void> {
  await tick();
  for (const key of sequence) {
    stdin.write(key);
    await tick();
    await stdin.settle?.();
  }
}

/** Type text one character per key press. */
export async function type(stdin: { write(data: string): void }, text: string): Promise<void> {
  await press(stdin, ...Array.from(text));
}

/** Poll until a frame satisfies the predicate; fails with the last frame shown. */
export async function waitForFrame(ui: Pick<RenderedUi, 'lastFrame'>, predicate: (frame: string) => boolean, timeoutMs = 2000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = ui.lastFrame();
    if (predicate(frame)) return frame;
    if (Date.now() > deadline) throw new Error(`No matching frame within ${timeoutMs} ms. Last frame:\n${frame}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Lines of a frame (Ink frames have no trailing newline in debug mode). */
export function frameLines(frame: string): string[] {
  return frame.split('\n');
}

const ANSI = /\u001B\[[0-9;]*m/g;
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** Ink's key flags for a parsed key, all off unless given (what useInput hands a handler). */
export function inkKey(flags: Partial<Key> = {}): Key {
  return {
    upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
    return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
    super: false, hyper: false, capsLock: false, numLock: false,
    ...flags,
  } as Key;
}
