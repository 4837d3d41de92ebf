// Vendor and typed text through the one place that makes it safe for a terminal
// (domain/terminalText.ts) and the console's cell functions (ui/text.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toSingleLine, toTerminalText } from '../../source/domain/terminalText.js';
import { displayWidth, fit, truncate, truncateMiddle, truncateStart, wrap } from '../../source/ui/text.js';
import { hostileText, hostileTextMaybeHuge, INVISIBLE_OR_BIDI, RUNS } from './hostile.js';

describe('terminal text from hostile input', () => {
  it('toSingleLine leaves no control, escape, line break, bidi or zero-width character, and is idempotent', () => {
    fc.assert(
      fc.property(hostileTextMaybeHuge, (text) => {
        const line = toSingleLine(text);
        expect(line).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]/u);
        expect(line).not.toMatch(INVISIBLE_OR_BIDI);
        expect(line).not.toMatch(/[\p{Cn}\p{Co}\p{Cs}]/u);
        expect(toSingleLine(line)).toBe(line);
      }),
      RUNS,
    );
  });

  it('toTerminalText keeps only LF and TAB of the controls, and no bidi or zero-width character', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const out = toTerminalText(text);
        expect(out).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029]/u);
        expect(out).not.toMatch(INVISIBLE_OR_BIDI);
        expect(toTerminalText(out)).toBe(out);
      }),
      RUNS,
    );
  });

  it('plain printable text is left as it is', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'abcXYZ 0123-_.,/()&é東👍') }), (text) => {
        expect(toSingleLine(text)).toBe(text);
        expect(toTerminalText(text)).toBe(text);
      }),
      RUNS,
    );
  });

  it('removes 8-bit CSI and OSC sequences whole, and bidi overrides and zero-width characters', () => {
    expect(toSingleLine('Acme\u009B2J\u009B31m Ltd\u009D0;owned\u009C')).toBe('Acme Ltd');
    expect(toSingleLine('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(toSingleLine('Con\u200Btoso\uFEFF\u2066 Ltd\u2069\u00AD')).toBe('Contoso Ltd');
    expect(toTerminalText('a\u009B10;10Hb\nc\u202Ed')).toBe('ab\ncd');
    // Unassigned, private-use and lone surrogate code points: one replacement character each.
    expect(toSingleLine('A\u{E0100}\uE000\u{10FFFD}\uD800B')).toBe('A\u{E0100}\uFFFD\uFFFD\uFFFDB');
    // The joiners stay: a family emoji is one grapheme, a Persian name keeps its shape.
    expect(toSingleLine('👨\u200D👩\u200D👧 می\u200Cخواهم')).toBe('👨\u200D👩\u200D👧 می\u200Cخواهم');
  });

  it('a cell is exactly its width, a wrapped line never wider, for any text', () => {
    fc.assert(
      fc.property(hostileTextMaybeHuge, fc.integer({ min: 0, max: 140 }), fc.constantFrom('left', 'right', 'center') as fc.Arbitrary<'left' | 'right' | 'center'>, (text, width, align) => {
        expect(displayWidth(fit(text, width, align))).toBe(width);
        const line = toSingleLine(text);
        expect(displayWidth(truncate(line, width))).toBeLessThanOrEqual(width);
        expect(displayWidth(truncateStart(line, width))).toBeLessThanOrEqual(width);
        expect(displayWidth(truncateMiddle(line, width))).toBeLessThanOrEqual(Math.max(width, 1));
        for (const l of wrap(line, Math.max(4, width))) expect(displayWidth(l)).toBeLessThanOrEqual(Math.max(4, width));
      }),
      RUNS,
    );
  });
});
