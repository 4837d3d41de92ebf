// One registry of key commands. It drives three things, so nothing is listed by
// hand twice: input handling (dispatch), the footer hints and the `?` help.
//
// Priority router (after Gemini CLI's KeypressContext): registrations sit in
// layers; a key goes to the highest layer first and stops at the first
// handler that consumes it.
//
//   dialog input   21  a text field inside the top dialog
//   dialog         20  the top dialog's commands
//   dialog barrier 19  swallows whatever the top dialog did not use (modal)
//   screen input   11  a focused text field on the screen (letters go there)
//   screen         10  the active screen's commands (tables, actions)
//   global          0  tabs, help, quit
//
// Within a layer, higher `priority` first, then the most recently mounted.
import { formatKey, matches, parseKeySpec, type KeyPress } from './key-press.js';

export type Layer = 'global' | 'screen' | 'dialog';

export interface Command {
  /** Stable id, e.g. 'table.down', 'accounts.save'. */
  readonly id: string;
  /** Bindings, first is the main one: ['down', 'j'], ['ctrl+c'], ['?']. See parseKeySpec. */
  readonly keys: readonly string[];
  /** What it does, for the `?` help ("Move the cursor down"). */
  readonly description: string;
  /** Heading in the help; defaults to the registration's scope. */
  readonly group?: string;
  /** Short label for the footer ("move"); without one the command is only in the help. */
  readonly hint?: string;
  /** Evaluated when a key arrives and when the footer is drawn; false = command unavailable. */
  readonly when?: () => boolean;
  /** Neither in the footer nor in the help (aliases such as Ctrl-C closing a dialog). */
  readonly hidden?: boolean;
  /** Return false to let the key continue to lower handlers; anything else consumes it. */
  readonly run: (key: KeyPress) => unknown;
}

export type RegistrationKind = 'commands' | 'input' | 'barrier';

export interface Registration {
  readonly serial: number;
  scope: string;
  layer: Layer;
  kind: RegistrationKind;
  priority: number;
  active: boolean;
  commands: readonly Command[];
  /** For 'input' and 'barrier': takes any key; returns true when consumed. */
  capture?: (key: KeyPress) => boolean;
}

const RANK: Record<Layer, Record<RegistrationKind, number>> = {
  global: { commands: 0, input: 1, barrier: 2 },
  screen: { commands: 10, input: 11, barrier: 12 },
  dialog: { commands: 20, input: 21, barrier: 19 },
};

export function rankOf(registration: Pick<Registration, 'layer' | 'kind'>): number {
  return RANK[registration.layer][registration.kind];
}

export interface Hint {
  readonly keys: string;
  readonly label: string;
}

export interface HelpEntry {
  readonly keys: readonly string[];
  readonly description: string;
}

export interface HelpGroup {
  readonly title: string;
  readonly entries: readonly HelpEntry[];
}

export interface DispatchResult {
  readonly consumed: boolean;
  /** 'scope:command-id' or 'scope:input' — useful in tests and for debugging. */
  readonly by?: string;
}

function isAvailable(command: Command): boolean {
  try {
    return command.when ? command.when() : true;
  } catch {
    return false;
  }
}

export class KeyRegistry {
  private readonly registrations = new Set<Registration>();
  private readonly listeners = new Set<() => void>();
  private readonly signatures = new WeakMap<Registration, string>();
  private serial = 0;
  private version = 0;

  /** Called when a command throws: the console shows it instead of crashing. */
  onError: (error: unknown, command: string) => void = (error) => {
    throw error;
  };

  /**
   * Called before each command runs (not for keys typed into a field): the console clears
   * transient notices here, so a message about the previous action does not outlive it.
   */
  onCommand: (command: string) => void = () => {};

  create(init: Omit<Registration, 'serial'>): Registration {
    return { ...init, serial: ++this.serial };
  }

  add(registration: Registration): void {
    this.registrations.add(registration);
    this.signatures.set(registration, signature(registration));
    this.changed();
  }

  remove(registration: Registration): void {
    if (this.registrations.delete(registration)) this.changed();
  }

  /** After a registration's commands, `when` results or `active` may have changed. Cheap when nothing did. */
  refresh(registration: Registration): void {
    if (!this.registrations.has(registration)) return;
    const next = signature(registration);
    if (this.signatures.get(registration) !== next) {
      this.signatures.set(registration, next);
      this.changed();
    }
  }

  /** Active registrations, in the order keys visit them. */
  ordered(): Registration[] {
    return [...this.registrations]
      .filter((r) => r.active)
      .sort((a, b) => rankOf(b) - rankOf(a) || b.priority - a.priority || b.serial - a.serial);
  }

  dispatch(key: KeyPress): DispatchResult {
    for (const registration of this.ordered()) {
      if (registration.kind === 'commands') {
        for (const command of registration.commands) {
          if (!command.keys.some((binding) => matches(binding, key)) || !isAvailable(command)) continue;
          let result: unknown;
          try {
            this.onCommand(command.id);
            result = command.run(key);
          } catch (error) {
            this.onError(error, command.id);
            return { consumed: true, by: `${registration.scope}:${command.id}` };
          }
          if (result !== false) return { consumed: true, by: `${registration.scope}:${command.id}` };
        }
      } else if (registration.capture?.(key)) {
        return { consumed: true, by: `${registration.scope}:${registration.kind}` };
      }
    }
    return { consumed: false };
  }

  /** Whether a modal dialog currently holds the keyboard. */
  hasDialog(): boolean {
    return this.ordered().some((r) => r.layer === 'dialog');
  }

  /**
   * Footer hints for the focused context: the top dialog's commands when one is
   * open, else the screen's and then the global ones. Commands that share a
   * hint are merged: ↑ and ↓ both hinted "move" show as "↑↓ move".
   */
  hints(): { context: Hint[]; global: Hint[] } {
    const ordered = this.ordered();
    const active = ordered.filter((r) => r.kind === 'commands');
    const dialog = active.some((r) => r.layer === 'dialog');
    const layers: Layer[] = dialog ? ['dialog'] : ['screen'];
    // While a field has the keyboard, a letter is typed, not run: advertise only keys that still work.
    const typing = ordered.some((r) => r.kind === 'input' && layers.includes(r.layer));
    const pick = (from: Layer[]) =>
      mergeHints(
        active
          .filter((r) => from.includes(r.layer))
          .flatMap((r) => r.commands)
          .filter((c) => c.hint && !c.hidden && isAvailable(c)),
        typing,
      );
    if (dialog) return { context: pick(['dialog']), global: [] };
    return { context: pick(['screen']), global: pick(['global']) };
  }

  /** Every binding of the current screen and the global ones, grouped; ignores `when` (help says what exists). */
  help(): HelpGroup[] {
    const groups = new Map<string, HelpEntry[]>();
    const registrations = this.ordered().filter((r) => r.kind === 'commands' && r.layer !== 'dialog');
    // Screen groups first, in mount order (outer before inner reads naturally), global last.
    registrations.sort((a, b) => rankOf(b) - rankOf(a) || a.serial - b.serial);
    for (const registration of registrations) {
      for (const command of registration.commands) {
        if (command.hidden) continue;
        const title = command.group ?? registration.scope;
        const entries = groups.get(title) ?? [];
        if (!entries.some((e) => e.description === command.description && e.keys.join() === command.keys.join())) {
          entries.push({ keys: command.keys, description: command.description });
        }
        groups.set(title, entries);
      }
    }
    return [...groups].map(([title, entries]) => ({ title, entries }));
  }

  private hintsCache: { key: string; hints: { context: Hint[]; global: Hint[] } } | null = null;

  /** The footer hints as a string that changes exactly when they do (a useSyncExternalStore snapshot). */
  hintsSnapshot = (): string => {
    const hints = this.hints();
    const key = JSON.stringify(hints);
    if (this.hintsCache?.key !== key) this.hintsCache = { key, hints };
    return key;
  };

  /** The hints of the last snapshot (computed now when there is none). */
  currentHints(): { context: Hint[]; global: Hint[] } {
    if (!this.hintsCache) this.hintsSnapshot();
    return this.hintsCache!.hints;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  private changed(): void {
    this.version++;
    for (const listener of [...this.listeners]) listener();
  }
}

function signature(registration: Registration): string {
  const commands = registration.commands
    .map((c) => `${c.id}=${c.keys.join(',')}|${c.hint ?? ''}|${c.hidden ? 'h' : ''}|${isAvailable(c) ? 1 : 0}|${c.group ?? ''}|${c.description}`)
    .join(';');
  return `${registration.active ? 1 : 0}${registration.kind}${registration.layer}${registration.priority}:${commands}`;
}

/** A binding a focused text field would take as typing. */
function isTypedKey(binding: string): boolean {
  const spec = parseKeySpec(binding);
  return !spec.ctrl && !spec.meta && (spec.name.length === 1 || spec.name === 'space');
}

function mergeHints(commands: Command[], typing: boolean): Hint[] {
  const order: string[] = [];
  const keysByLabel = new Map<string, string[]>();
  for (const command of commands) {
    const label = command.hint!;
    const binding = typing ? command.keys.find((k) => !isTypedKey(k)) : command.keys[0];
    if (binding === undefined) continue;
    const main = formatKey(binding);
    const keys = keysByLabel.get(label);
    if (keys) {
      if (!keys.includes(main)) keys.push(main);
    } else {
      order.push(label);
      keysByLabel.set(label, [main]);
    }
  }
  return order.map((label) => {
    const keys = keysByLabel.get(label)!;
    // Arrow glyphs read well side by side (↑↓); words need a separator (PgUp/PgDn).
    const glue = keys.every((k) => /^[←↑→↓]$/.test(k)) ? '' : '/';
    return { keys: keys.join(glue), label };
  });
}
