// Drives a console rendered into the bench terminal: mount a screen, wait for a frame, time a
// key to the frame it causes. Ink runs in debug mode (each frame written whole, no frame
// throttle), as the UI tests render it, so a sample is the console's own cost of a key.
import { performance } from 'node:perf_hooks';
import { createElement, type ReactElement } from 'react';
import { render, type Instance } from 'ink';
import { keyInput } from '../ui/keys/input-filter.js';
import { BenchStdin, BenchStdout, cpuNow, type TimedFrame } from './fake-terminal.js';

export interface Mounted {
  stdout: BenchStdout;
  stdin: BenchStdin;
  instance: Instance;
  /** The last frame without colour codes. */
  text(): string;
  unmount(): void;
}

const ANSI = /\u001B\[[0-9;?]*[A-Za-z]/g;
export const plain = (frame: string): string => frame.replace(ANSI, '');

export function mount(tree: ReactElement, size = { columns: 120, rows: 40 }): Mounted {
  const stdout = new BenchStdout(size.columns, size.rows);
  const stderr = new BenchStdout(size.columns, size.rows);
  const stdin = new BenchStdin();
  const instance = render(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    // As the console reads the terminal (ui/run.tsx): through the key filter.
    stdin: keyInput(stdin as unknown as NodeJS.ReadStream) as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return {
    stdout,
    stdin,
    instance,
    text: () => plain(stdout.lastFrame()),
    unmount: () => {
      instance.unmount();
      instance.cleanup();
    },
  };
}

export { createElement };

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const timer = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The first frame from index `from` on whose text (colour removed) satisfies the predicate, waiting for it. */
export async function until(m: Mounted, predicate: (text: string) => boolean, what: string, from = 0, timeoutMs = 120_000): Promise<TimedFrame> {
  const deadline = performance.now() + timeoutMs;
  let checked = from;
  for (;;) {
    const frames = m.stdout.frames;
    for (; checked < frames.length; checked++) if (predicate(plain(frames[checked]!.text))) return frames[checked]!;
    if (performance.now() > deadline) throw new Error(`the console never showed ${what}; its last frame:\n${m.text()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** One key's cost: wall-clock and this process's CPU time from the key to its frame, in ms. */
export interface KeySample {
  wall: number;
  cpu: number;
}

/**
 * From writing `key` to the next frame. The console is let settle first (the previous key's
 * effects and timers), so each sample is one key's cost.
 */
export async function keyToFrame(m: Mounted, key: string): Promise<KeySample> {
  await turn();
  await timer();
  const frames = m.stdout.frames;
  const before = frames.length;
  const cpu = cpuNow();
  const start = performance.now();
  m.stdin.write(key);
  while (frames.length === before) {
    if (performance.now() - start > 20_000) throw new Error(`no frame after the key ${JSON.stringify(key)}; last frame:\n${m.text()}`);
    await turn();
  }
  const frame = frames[before]!;
  return { wall: frame.at - start, cpu: (frame.cpu - cpu) / 1000 };
}

/** Presses the keys and returns each one's key → frame cost. */
export async function timeKeys(m: Mounted, keys: readonly string[]): Promise<KeySample[]> {
  const out: KeySample[] = [];
  for (const key of keys) out.push(await keyToFrame(m, key));
  return out;
}

/** Presses the keys without timing them (getting somewhere). */
export async function press(m: Mounted, ...keys: string[]): Promise<void> {
  for (const key of keys) await keyToFrame(m, key);
}
