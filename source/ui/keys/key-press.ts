// Keys as the console sees them, independent of Ink's `Key` flags.
//
// Ink 6.8 quirks handled here, in one place (src/parse-keypress.ts at v6.8.0):
// - Backspace (0x7F) arrives as `key.delete`, and the real Delete key too:
//   both become 'backspace'.
// - Esc sets `key.meta`: 'escape' is recognised first and never counts as Alt.
// - Ctrl+letter arrives as input 'c' with `key.ctrl`.
// - Shift-Tab arrives as `key.tab` with `key.shift`.
// - Ink only splits input at escape sequences, so "jjj" typed fast (or over a
//   slow SSH link) arrives as one chunk: we split it into one press per
//   character, as terminals libraries like tcell do. Ink parses such a chunk
//   as one unnamed key, so the control bytes in it (Backspace 0x7F, Ctrl-H,
//   Ctrl+letter, Enter) must be read here too: "\x7f\x7f" is two Backspaces.
import type { Key } from 'ink';

export interface KeyPress {
  /** 'up', 'down', 'left', 'right', 'pageup', 'pagedown', 'home', 'end', 'enter', 'escape', 'tab',
   * 'backspace', 'space', or the character itself ('k', 'G', '/', '?', '1'); '' for keys we do not know. */
  readonly name: string;
  readonly ctrl: boolean;
  readonly shift: boolean;
  /** Alt/Option (never set for a plain Esc). */
  readonly meta: boolean;
  /** Printable text this press would type into a field ('' for special keys). */
  readonly text: string;
}

const NAMED_FLAGS: ReadonlyArray<[keyof Key, string]> = [
  ['upArrow', 'up'],
  ['downArrow', 'down'],
  ['leftArrow', 'left'],
  ['rightArrow', 'right'],
  ['pageUp', 'pageup'],
  ['pageDown', 'pagedown'],
  ['home', 'home'],
  ['end', 'end'],
  ['return', 'enter'],
  ['escape', 'escape'],
  ['tab', 'tab'],
  ['backspace', 'backspace'],
  ['delete', 'backspace'],
];

const NOT_TYPED = /^[\u0080-\u009F\u00AD\u061C\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]$/u;

function press(name: string, text: string, flags: Partial<Pick<KeyPress, 'ctrl' | 'shift' | 'meta'>> = {}): KeyPress {
  return { name, text, ctrl: flags.ctrl ?? false, shift: flags.shift ?? false, meta: flags.meta ?? false };
}

/** Ink's (input, key) as presses, usually one; several when characters arrived in one chunk. */
export function fromInk(input: string, key: Key): KeyPress[] {
  for (const [flag, name] of NAMED_FLAGS) {
    if (key[flag]) {
      // Esc always carries meta in Ink 6.8; Alt+arrow carries it for real.
      return [press(name, '', { ctrl: key.ctrl, shift: key.shift, meta: name === 'escape' ? false : key.meta })];
    }
  }
  if (key.ctrl && input.length === 1) return [press(input.toLowerCase(), '', { ctrl: true })];
  if (input === '') return [press('', '')];
  if (key.meta) {
    // Alt+x: never a command bound to plain 'x', never typed text.
    return [press(input, '', { meta: true })];
  }
  const out: KeyPress[] = [];
  for (const char of input) {
    if (char === '\r' || char === '\n') out.push(press('enter', ''));
    else if (char === ' ') out.push(press('space', ' '));
    else if (char === '\t') out.push(press('tab', ''));
    else if (char === '\u007F' || char === '\b') out.push(press('backspace', ''));
    else if (char >= '\u0001' && char <= '\u001A') out.push(press(String.fromCharCode(char.charCodeAt(0) + 96), '', { ctrl: true }));
    else if (char < ' ') continue; // NUL and 0x1C–0x1F: no key a person means
    // C1 controls (U+009B is an 8-bit CSI), bidi overrides and zero-width characters come in
    // pasted text, not from a key: typed into a field they would reach the screen and the file.
    else if (NOT_TYPED.test(char)) continue;
    else out.push(press(char, char, { shift: char !== char.toLowerCase() }));
  }
  return out;
}

/** A parsed binding such as 'ctrl+u', 'shift+tab', 'G'. */
export interface KeySpec {
  readonly name: string;
  readonly ctrl: boolean;
  readonly shift: boolean;
  readonly meta: boolean;
}

const ALIASES: Record<string, string> = {
  esc: 'escape',
  return: 'enter',
  pgup: 'pageup',
  pgdn: 'pagedown',
  ' ': 'space',
  del: 'backspace',
  delete: 'backspace',
};

const NAMED = new Set(['up', 'down', 'left', 'right', 'pageup', 'pagedown', 'home', 'end', 'enter', 'escape', 'tab', 'backspace', 'space']);

const specCache = new Map<string, KeySpec>();

/** 'ctrl+c' → {name:'c', ctrl:true}; '+' and 'ctrl++' work too. Throws on unknown names so typos fail fast. */
export function parseKeySpec(binding: string): KeySpec {
  const cached = specCache.get(binding);
  if (cached) return cached;
  let rest = binding;
  let ctrl = false;
  let shift = false;
  let meta = false;
  for (;;) {
    const match = /^(ctrl|shift|alt|meta)\+(.+)$/i.exec(rest);
    if (!match) break;
    const modifier = match[1]!.toLowerCase();
    if (modifier === 'ctrl') ctrl = true;
    else if (modifier === 'shift') shift = true;
    else meta = true;
    rest = match[2]!;
  }
  let name = rest.length > 1 ? rest.toLowerCase() : rest;
  name = ALIASES[name] ?? name;
  if (ctrl && name.length === 1) name = name.toLowerCase();
  if (name.length !== 1 && !NAMED.has(name)) throw new Error(`Unknown key "${binding}" in a key binding.`);
  const spec = { name, ctrl, shift, meta };
  specCache.set(binding, spec);
  return spec;
}

/** Whether a press triggers a binding. A character binding ('G', '?') ignores Shift: the character already says it. */
export function matches(binding: string, key: KeyPress): boolean {
  const spec = parseKeySpec(binding);
  if (spec.name !== key.name || spec.ctrl !== key.ctrl || spec.meta !== key.meta) return false;
  if (NAMED.has(spec.name) && spec.name !== 'space') return spec.shift === key.shift;
  return true;
}

const DISPLAY: Record<string, string> = {
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  home: 'Home',
  end: 'End',
  enter: 'Enter',
  escape: 'Esc',
  tab: 'Tab',
  backspace: 'Backspace',
  space: 'Space',
};

/** How a binding is written in the footer and help: 'ctrl+u' → 'Ctrl-U', 'up' → '↑'. */
export function formatKey(binding: string): string {
  const spec = parseKeySpec(binding);
  let text = DISPLAY[spec.name] ?? spec.name;
  if (spec.ctrl) text = `Ctrl-${text.toUpperCase()}`;
  if (spec.shift && NAMED.has(spec.name)) text = `Shift-${text}`;
  if (spec.meta) text = `Alt-${text}`;
  return text;
}

/** All bindings of one command: ['up', 'k'] → '↑/k'. */
export function formatKeys(bindings: readonly string[]): string {
  return bindings.map(formatKey).join('/');
}

/** A press that types text into a field (not a command key). */
export function isTyping(key: KeyPress): boolean {
  return key.text !== '' && !key.ctrl && !key.meta;
}
