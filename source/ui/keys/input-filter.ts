// What reaches Ink from the terminal: key sequences, and nothing else a paste can carry.
//
// Ink 6.8 splits input at ESC and names each sequence (its parse-keypress). A CSI sequence that
// is no key it knows but carries a "modifier" parameter — a colour code such as ESC[31m in
// pasted text, ESC[5;5~ — is named `undefined` with Ctrl set, and its useInput then calls
// `undefined.startsWith` and throws in the stdin handler: the console died on a paste. Other
// unknown sequences (ESC[2J, the bracketed-paste markers ESC[200~ / ESC[201~) reached the
// fields as the text "[2J". So every CSI sequence that is not a key Ink knows is taken out of
// the input before Ink reads it; SS3 keys (ESC O A) and Alt+key are not CSI and pass.
//
// The keys Ink names (parse-keypress keyName, fnKeyRe, the kitty forms), as CSI sequences:
// ESC[A–H, P–S, Z, a–e with an optional "1;mod"; ESC[[A–E, ESC[[5~, ESC[[6~ (Linux console);
// ESC[n~ / n^ / n$ for the numbered keys below, with an optional ";mod"; kitty's ESC[…u and
// ESC[n;m:eX.
// The Linux console's forms come first: `[` is also a CSI final byte, and ESC[[A read as ESC[[
// followed by the text "A" would type a letter for F1.
const CSI = /\u001B{1,2}\[(?:\[[A-E]|\[[56]~|[0-?]*[ -/]*[@-~])/gu;
const KNOWN_NUMBERED = new Set([1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 14, 15, 17, 18, 19, 20, 21, 23, 24]);

function isKnownKey(sequence: string): boolean {
  const body = sequence.replace(/^\u001B+\[/u, '');
  if (/^\[(?:[A-E]|[56]~)$/u.test(body)) return true;
  if (/^(?:1;\d+|\d+)?[A-HP-SZa-e]$/u.test(body)) return true;
  const numbered = /^(\d+)(?:;\d+)?[~^$]$/u.exec(body);
  if (numbered) return KNOWN_NUMBERED.has(Number(numbered[1]));
  return /^\d+(?:;\d+(?::\d+)?(?:;[\d:]+)?)?u$/u.test(body) || /^\d+;\d+:\d+[A-Za-z~]$/u.test(body);
}

// An OSC string (a window title, a hyperlink) is never a key; Ink would hand its text to a field.
const OSC = /\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)/gu;

/** The input with every CSI sequence that is not a key, and every OSC string, removed. */
export function keysOnly(input: string): string {
  return input.replace(OSC, '').replace(CSI, (sequence) => (isKnownKey(sequence) ? sequence : ''));
}

type Readable = { read(...args: unknown[]): unknown };

/**
 * The terminal's input as Ink reads it (its 'readable' handler calls read()), filtered by
 * keysOnly. Everything else — raw mode, listeners, ref/unref — is the stream's own. A sequence
 * split across two reads passes as it is, as before: holding a lone ESC back would delay the
 * Esc key.
 */
export function keyInput<T extends Readable>(stdin: T): T {
  return new Proxy(stdin, {
    get(target, property) {
      if (property === 'read') {
        return (...args: unknown[]) => {
          const chunk = target.read(...args);
          if (typeof chunk === 'string') return keysOnly(chunk);
          if (Buffer.isBuffer(chunk)) return Buffer.from(keysOnly(chunk.toString('utf8')), 'utf8');
          return chunk;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
