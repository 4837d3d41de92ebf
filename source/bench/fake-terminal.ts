// The terminal the console bench renders into: a stdout that keeps every frame with the moment it
// arrived, and a stdin that hands Ink one key at a time. Ink's debug mode writes each frame whole
// and unthrottled, so key → frame is the console's own cost, not the terminal's.
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';

export interface TimedFrame {
  /** performance.now() when the frame was written. */
  at: number;
  /**
   * This process's CPU time (user + system, µs, all its threads: the garbage collector's too)
   * then: on a machine busy with other work, closer to the console's own cost than wall-clock.
   */
  cpu: number;
  text: string;
}

/** CPU time this process has used so far, in microseconds. */
export function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

export class BenchStdout extends EventEmitter {
  readonly frames: TimedFrame[] = [];
  readonly isTTY = true;
  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    super();
  }
  write = (text: string): boolean => {
    this.frames.push({ at: performance.now(), cpu: cpuNow(), text });
    return true;
  };
  lastFrame(): string {
    return this.frames.at(-1)?.text ?? '';
  }
}

/** A terminal's input as Ink reads it; `write` and `read` are bound, so they can be handed on alone. */
export class BenchStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write = (data: string): void => {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  };
  read = (): string | null => {
    const { data } = this;
    this.data = null;
    return data;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

/** The escape sequences a terminal sends for the keys the bench presses. */
export const KEYS = {
  down: '\u001B[B',
  up: '\u001B[A',
  pageDown: '\u001B[6~',
  enter: '\r',
  escape: '\u001B',
  backspace: '\u007F',
} as const;
