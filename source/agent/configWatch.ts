// Notices when the config file changes (the console and `kmsp config import` replace it
// atomically: a rename, so the directory is watched, not the file's inode) and hands the
// daemon the new text. An inotify watch alone can miss events (some network and overlay
// filesystems, a directory replaced under us), so a cheap stat check backs it up.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface ConfigWatcher {
  /** Compares the file with what was seen last; calls onChange when it differs. */
  check(): void;
  close(): void;
}

export interface WatchOptions {
  file: string;
  /** The content hash of the config in force, so the first check does not "change" it. */
  initialHash: string | null;
  /** Called with the new hash (null: the file is gone) after the file settled. */
  onChange: (hash: string | null) => void;
  /** Stat check interval (default 5 s). */
  pollMs?: number;
  /** Quiet time after an inotify event before reading (default 200 ms): a save is several events. */
  debounceMs?: number;
}

export function hashText(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

export function hashFile(file: string): string | null {
  try {
    return hashText(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

export function watchConfig(options: WatchOptions): ConfigWatcher {
  let seen = options.initialHash;
  let timer: NodeJS.Timeout | null = null;
  const check = (): void => {
    const now = hashFile(options.file);
    if (now === seen) return;
    seen = now;
    options.onChange(now);
  };
  const soon = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, options.debounceMs ?? 200);
    timer.unref();
  };
  let watcher: fs.FSWatcher | null = null;
  try {
    const base = path.basename(options.file);
    watcher = fs.watch(path.dirname(options.file), { persistent: false }, (_event, name) => {
      if (name === null || name === base) soon();
    });
    // A watch error (the directory removed) leaves the stat check in charge.
    watcher.on('error', () => watcher?.close());
  } catch {
    watcher = null;
  }
  const poll = setInterval(check, options.pollMs ?? 5_000);
  poll.unref();
  return {
    check,
    close() {
      watcher?.close();
      clearInterval(poll);
      if (timer) clearTimeout(timer);
    },
  };
}
