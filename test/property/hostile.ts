// Hostile text for the property tests: what a person can paste into a field, or a vendor can put
// in a name. Pieces a terminal acts on (ESC sequences in 7- and 8-bit form, OSC title and
// hyperlink, CR, BEL, backspace, C1 controls, bidi overrides, zero-width characters,
// bracketed-paste markers), mixed with ordinary and wide text and occasionally very long runs.
import fc from 'fast-check';

/** Fixed seeds and modest run counts: reproducible, and quick enough on two loaded cores. */
export const RUNS = { seed: 20261207, numRuns: 60 } as const;

export const HOSTILE_PIECES = [
  '\u001B[31m', // colour
  '\u001B[0m',
  '\u001B[2J', // clear screen
  '\u001B[H', // cursor home
  '\u001B[10;10H', // cursor move
  '\u001B[5A', // cursor up
  '\u001B]0;owned\u0007', // OSC window title (BEL)
  '\u001B]2;owned\u001B\\', // OSC window title (ST)
  '\u001B]8;;https://evil.example/\u001B\\click\u001B]8;;\u001B\\', // OSC 8 hyperlink
  '\u009B31m', // 8-bit CSI
  '\u009B2J',
  '\u009D0;owned\u009C', // 8-bit OSC
  '\u0085', // NEL
  '\r',
  '\n',
  '\r\n',
  '\t',
  '\u0007', // BEL
  '\b', // backspace
  '\u007F', // DEL
  '\u0000',
  '\u001B', // lone ESC
  '\u001Bc', // full reset
  '\u202E', // right-to-left override
  '\u202D',
  '\u2066',
  '\u2069',
  '\u200B', // zero-width space
  '\u200E',
  '\uFEFF',
  '\u2060',
  '\u00AD',
  '\u2028',
  '\u001B[200~', // bracketed paste start
  '\u001B[201~', // bracketed paste end
  '東京',
  '👍',
  'é',
  'Contoso ',
  '%s%n',
  '"\'`$(rm -rf /)`',
] as const;

/** One hostile piece. */
export const hostilePiece = fc.constantFrom(...HOSTILE_PIECES);

/** A string of hostile pieces and arbitrary characters (any code point, surrogates included). */
export const hostileText = fc
  .array(fc.oneof({ weight: 3, arbitrary: hostilePiece }, { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) }, { weight: 2, arbitrary: fc.string({ maxLength: 12 }) }), {
    maxLength: 24,
  })
  .map((parts) => parts.join(''));

/** Sometimes a 10,000-character string (one piece repeated), usually ordinary hostile text. */
export const hostileTextMaybeHuge = fc.oneof(
  { weight: 5, arbitrary: hostileText },
  { weight: 1, arbitrary: fc.tuple(hostileText, fc.integer({ min: 1, max: 10_000 })).map(([t, n]) => (t.length === 0 ? 'x' : t).repeat(Math.ceil(10_000 / Math.max(1, t.length))).slice(0, 10_000 - (n % 7))) },
);

/** Characters that must never reach a terminal from vendor or typed text. */
export const TERMINAL_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/u;
export const INVISIBLE_OR_BIDI = /[\u00AD\u061C\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/u;

/**
 * What a person pastes into a console field, in one write: hostile text without the keys that
 * leave a field by design (Enter, Tab, a lone Esc, Ctrl+letter: Ctrl-S saves, Ctrl-C quits).
 * Escape sequences stay (ESC [, ESC ], ESC O…), and so do Backspace and DEL.
 */
export const pastedText = hostileTextMaybeHuge.map((text) =>
  text
    .replace(/[\u0001-\u0007\u0009-\u001A\r\n]/gu, '')
    .replace(/\u001B(?=\u001B|$)/gu, '')
    // ESC followed by a letter is Alt+letter, a command key, not typing.
    .replace(/\u001B(?=[^[\]O])/gu, ''),
);

/** Every line of a frame: no control character (but the line feed), no bidi or zero-width character, at most `columns` cells. */
export function frameIsClean(frame: string, columns: number, displayWidth: (s: string) => number): string | null {
  const lines = frame.split('\n');
  for (const [i, line] of lines.entries()) {
    if (TERMINAL_CONTROL.test(line) || /\t/u.test(line)) return `line ${i + 1} holds a control character: ${JSON.stringify(line)}`;
    if (INVISIBLE_OR_BIDI.test(line)) return `line ${i + 1} holds a bidi or zero-width character: ${JSON.stringify(line)}`;
    if (displayWidth(line) > columns) return `line ${i + 1} is ${displayWidth(line)} cells wide (> ${columns}): ${JSON.stringify(line)}`;
  }
  return null;
}

/** One name of each kind, then names fast-check makes from the hostile pieces (fixed seed). */
export const HOSTILE_NAMES: string[] = [
  'Red\u001B[31m Dental\u001B[0m',
  'Cursor\u001B[10;10H\u001B[2J Moves',
  'Title\u001B]0;pwned\u0007 Change',
  'Link\u001B]8;;https://evil.example/\u001B\\Click\u001B]8;;\u001B\\ Here',
  'Carriage\rReturn Bell\u0007 Back\b\bspace',
  'Eight\u009B31mBit\u009B2J CSI\u009D0;t\u009C',
  'Bidi \u202Etxt.exe\u202C Over',
  'Zero\u200Bwidth\uFEFF\u2060 Joiner',
  ...fc.sample(hostileText.filter((t) => t.trim().length > 0), { seed: 20261207, numRuns: 6 }),
];
