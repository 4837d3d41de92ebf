// Drives the real binary in a real pseudo-terminal through tmux, and reads the
// screen a user would see (capture-pane). Each helper names its session so
// parallel test files never share one.
import { execFileSync } from 'node:child_process';
import { binPath, repoRoot } from './cli.js';

export function tmuxAvailable(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function tmuxOn(socket: string | undefined, ...args: string[]): string {
  return execFileSync('tmux', [...(socket ? ['-L', socket] : []), ...args], { encoding: 'utf8' });
}

function tmuxWithInput(socket: string | undefined, input: string, ...args: string[]): void {
  execFileSync('tmux', [...(socket ? ['-L', socket] : []), ...args], { input, encoding: 'utf8' });
}

export interface TmuxTerminal {
  name: string;
  /** Plain text of the visible screen. */
  screen(): string;
  /** tmux key names ('Enter', 'Escape', 'Down', 'C-s') or literal text with literal=true. */
  send(keys: string[], literal?: boolean): void;
  waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  resize(columns: number, rows: number): void;
  /** Pastes text as a terminal does: one write of all of it (tmux load-buffer + paste-buffer). */
  paste(text: string): void;
  /** The pane's title: what the program (or an escape sequence it printed) set it to. */
  title(): string;
  /** True while the program is still running in the pane. */
  alive(): boolean;
  kill(): void;
}

export function startInTmux(name: string, args: string[], options: { columns?: number; rows?: number; env?: Record<string, string>; socket?: string } = {}): TmuxTerminal {
  // A tmux server of its own (tmux -L) when asked: sessions of other test runs never meet it.
  const tmux = (...args: string[]) => tmuxOn(options.socket, ...args);
  // CI=false: Ink treats any other CI value (even empty) as "in CI" and then
  // renders only the last frame and ignores resize, unlike a user's terminal.
  const env = Object.entries({ TERM: 'xterm-256color', CI: 'false', CONTINUOUS_INTEGRATION: 'false', ...options.env })
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ');
  // remain-on-exit keeps the pane (and what it printed) after the program ends.
  const command = `cd ${JSON.stringify(repoRoot)} && env ${env} ${JSON.stringify(process.execPath)} ${JSON.stringify(binPath)} ${args.map((a) => JSON.stringify(a)).join(' ')}`;
  try {
    tmux('kill-session', '-t', name);
  } catch {
    // no such session: fine
  }
  tmux('new-session', '-d', '-s', name, '-x', String(options.columns ?? 120), '-y', String(options.rows ?? 36), command);
  tmux('set-option', '-t', name, 'remain-on-exit', 'on');
  const term: TmuxTerminal = {
    name,
    screen: () => tmux('capture-pane', '-p', '-t', name),
    send: (keys, literal = false) => {
      tmux('send-keys', '-t', name, ...(literal ? ['-l'] : []), ...keys);
    },
    waitFor: async (pattern, timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      let last = '';
      while (Date.now() < deadline) {
        last = term.screen();
        if (typeof pattern === 'string' ? last.includes(pattern) : pattern.test(last)) return last;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`Timed out waiting for ${String(pattern)} in the terminal. Screen:\n${last}`);
    },
    resize: (columns, rows) => {
      tmux('resize-window', '-t', name, '-x', String(columns), '-y', String(rows));
    },
    paste: (text) => {
      tmuxWithInput(options.socket, text, 'load-buffer', '-b', name, '-');
      tmux('paste-buffer', '-d', '-b', name, '-t', name);
    },
    title: () => tmux('display-message', '-p', '-t', name, '#{pane_title}').trim(),
    alive: () => tmux('display-message', '-p', '-t', name, '#{pane_dead}').trim() === '0',
    kill: () => {
      try {
        tmux('kill-session', '-t', name);
      } catch {
        // already gone
      }
    },
  };
  return term;
}
