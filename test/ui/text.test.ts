import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayWidth, fit, formatCount, pad, toSingleLine, truncate, truncateMiddle, truncateStart } from '../../source/ui/text.js';
import { wantsColor } from '../../source/ui/theme.js';

describe('display-width text', () => {
  it('measures CJK and emoji as two cells', () => {
    expect(displayWidth('東京')).toBe(4);
    expect(displayWidth('👍')).toBe(2);
    expect(displayWidth('Café')).toBe(4);
  });

  it('cuts printable ASCII (its fast path) as it cuts any text: the first cells and an ellipsis, only when too long', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...' aZ9~-.'.split('')), maxLength: 40 }), fc.integer({ min: 0, max: 45 }), fc.constantFrom('…', '...', ''), (text, width, ellipsis) => {
        const cut = truncate(text, width, ellipsis);
        // The same text with one non-ASCII letter appended takes the general path: its cut of the
        // ASCII part must read the same whenever that letter was cut away too.
        const general = truncate(`${text}é`, width, ellipsis);
        if (text.length <= width) expect(cut).toBe(text);
        else {
          expect(cut).toBe(width - displayWidth(ellipsis) < 0 ? ellipsis.slice(0, width) : text.slice(0, width - displayWidth(ellipsis)) + ellipsis);
          expect(general).toBe(cut);
        }
        expect(displayWidth(cut)).toBeLessThanOrEqual(width);
      }),
      { seed: 15, numRuns: 500 },
    );
    expect(truncateMiddle('Endpoint Security for Business Advanced', 100)).toBe('Endpoint Security for Business Advanced');
  });

  it('truncates by cells with an ellipsis, never splitting a wide character', () => {
    expect(truncate('Contoso Ltd', 8)).toBe('Contoso…');
    expect(truncate('東京海上日動', 7)).toBe('東京海…'); // 6 cells + … = 7
    expect(truncate('東京海上日動', 6)).toBe('東京…'); // 海 would need cells 5–6 plus the ellipsis
    expect(displayWidth(fit('東京海上日動', 6))).toBe(6); // padded back to the column width
    expect(truncate('👨‍👩‍👧👍x', 4)).toBe('👨‍👩‍👧…'); // a ZWJ family is one grapheme
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('abc', 0)).toBe('');
  });

  it('keeps the end when asked (inputs scrolled to the caret)', () => {
    expect(truncateStart('abcdefgh', 5)).toBe('…efgh');
  });

  it('pads and aligns by cells', () => {
    expect(pad('東', 4, 'right')).toBe('  東');
    expect(fit('42', 5, 'right')).toBe('   42');
  });

  it('turns vendor text into one safe line: no escape sequences, no line breaks', () => {
    expect(toSingleLine('Evil\u001B[2J\u001B]0;title\u0007 name\r\nnext\tcol')).toBe('Evil name next col');
  });

  it('formats counts the same on every server', () => {
    expect(formatCount(1234)).toBe('1,234');
    expect(formatCount(10000)).toBe('10,000');
  });
});

describe('colour choice', () => {
  it('follows FORCE_COLOR first, then NO_COLOR, TERM=dumb and whether output is a terminal', () => {
    expect(wantsColor({ FORCE_COLOR: '0' }, { isTTY: true })).toBe(false);
    expect(wantsColor({ FORCE_COLOR: '1', NO_COLOR: '1' }, { isTTY: false })).toBe(true);
    expect(wantsColor({ NO_COLOR: '1' }, { isTTY: true })).toBe(false);
    expect(wantsColor({ NO_COLOR: '' }, { isTTY: true })).toBe(true);
    expect(wantsColor({ TERM: 'dumb' }, { isTTY: true })).toBe(false);
    expect(wantsColor({}, { isTTY: false })).toBe(false);
  });
});

describe('truncateMiddle', () => {
  it('keeps whole words at both ends, so names that share a start stay apart', () => {
    expect(truncateMiddle('Endpoint Security for Business Advanced', 28)).toBe('Endpoint … Business Advanced');
    expect(truncateMiddle('Endpoint Security for Business Select', 28)).toBe('Endpoint … Business Select');
    expect(truncateMiddle('Endpoint Security for Windows 12.7 (beta)', 30)).toBe('Endpoint … Windows 12.7 (beta)');
    expect(truncateMiddle('Endpoint Security for Linux', 28)).toBe('Endpoint Security for Linux');
    for (const w of [12, 20, 28, 36]) expect(displayWidth(truncateMiddle('Kaspersky Endpoint Detection and Response Optimum', w))).toBeLessThanOrEqual(w);
  });
  it('keeps the first word whole rather than a longer end ("Real-time … not running", not "Real-tim… not running")', () => {
    expect(truncateMiddle('Real-time protection is not running', 25)).toBe('Real-time … not running');
    expect(truncateMiddle('Real-time protection is not running', 21)).toBe('Real-time … running');
    expect(truncateMiddle('Endpoint Security for Windows 12.7 (beta)', 20)).toBe('Endpoint … (beta)');
  });
  it('cuts within a word when no whole word fits, and falls back to truncate when very narrow', () => {
    expect(truncateMiddle('Endpoint Security for Windows 12.7 (beta)', 14)).toBe('Endpoi… (beta)');
    expect(truncateMiddle('Endpoint Security', 8)).toBe(truncate('Endpoint Security', 8));
  });
});
