// Text measured in terminal cells, not UTF-16 code units: a CJK character or
// an emoji takes two cells, a combining accent none. Everything that pads,
// truncates or aligns for the console goes through here so columns line up.
import stringWidth from 'string-width';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export const ELLIPSIS = '…';

const PRINTABLE_ASCII = /^[\u0020-\u007E]*$/u;

/** Cells the text occupies on screen. */
export function displayWidth(text: string): number {
  // Printable ASCII is one cell a character; string-width builds its emoji pattern anew for
  // every grapheme, which long names and pasted text pay thousands of times.
  if (PRINTABLE_ASCII.test(text)) return text.length;
  return stringWidth(text);
}

// Vendor data (tenant names, PSA account names, event descriptions) ends up
// in cells. A newline would add a line to the frame and break the height
// budget; an ESC could drive the terminal (escape-sequence injection). The
// commands' output uses the same rules (domain/terminalText.ts).
import { toSingleLine } from '../domain/terminalText.js';

export { toSingleLine };

// Widths are summed grapheme by grapheme (string-width sums them the same way) and a walk stops
// once the answer is known: a pasted or vendor string of 10,000 characters costs about what its
// first cells do, where measuring the whole text again for each piece took seconds to minutes
// (truncateMiddle re-measured every head and tail, wrap every rest of a long word) and froze
// the console.

/** Cut to at most `width` cells, ending with `…` when something was cut. Never splits a grapheme. */
export function truncate(text: string, width: number, ellipsis: string = ELLIPSIS): string {
  if (width <= 0) return '';
  const budget = width - displayWidth(ellipsis);
  // Printable ASCII is a grapheme and a cell a character: no segmenting (every cell of every
  // frame comes through here, and a chooser redraws its page on each key).
  if (PRINTABLE_ASCII.test(text)) {
    if (text.length <= width) return text;
    return budget < 0 ? ellipsis.slice(0, width) : text.slice(0, budget) + ellipsis;
  }
  let used = 0;
  let out = '';
  let cut: string | null = null;
  for (const { segment } of segmenter.segment(text)) {
    const w = displayWidth(segment);
    if (cut === null && used + w > budget) cut = out;
    used += w;
    if (used > width) {
      if (budget < 0) return ellipsis.slice(0, width);
      // A wide character that did not fit may leave one cell free; pad() fills it.
      return (cut ?? out) + ellipsis;
    }
    out += segment;
  }
  return text;
}

/** Keep the last `width` cells (for inputs scrolled to the caret). */
export function truncateStart(text: string, width: number, ellipsis: string = ELLIPSIS): string {
  if (width <= 0) return '';
  // A long text is cut from its end first: graphemes are split from the start, and a field's
  // 10,000 characters were split at every key. The window's first grapheme may be a piece of
  // one; it is never in an answer that had to cut (the walk stops before it).
  const window = Math.max(256, width * 16);
  if (text.length > window) {
    const end = text.slice(-window);
    const cut = truncateStart(end, width, ellipsis);
    if (cut !== end) return cut;
  }
  const budget = width - displayWidth(ellipsis);
  const segments = graphemes(text);
  let used = 0;
  let out = '';
  let cut: string | null = null;
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i]!;
    const w = displayWidth(segment);
    if (cut === null && used + w > budget) cut = out;
    used += w;
    if (used > width) {
      if (budget < 0) return ellipsis.slice(0, width);
      return ellipsis + (cut ?? out);
    }
    out = segment + out;
  }
  return text;
}

/** Whether the text fits in `width` cells, measuring no further than needed. */
function fits(text: string, width: number): boolean {
  if (PRINTABLE_ASCII.test(text)) return text.length <= width;
  let used = 0;
  for (const { segment } of segmenter.segment(text)) {
    used += displayWidth(segment);
    if (used > width) return false;
  }
  return true;
}

/**
 * Cut to at most `width` cells by taking out the middle: names that share a long start
 * ("Endpoint Security for Business Advanced" / "… Select") keep the words that tell them
 * apart. Whole words are kept at both ends when they fit ("Endpoint … Business Advanced",
 * "Real-time … not running": the longest end that leaves room for the first word);
 * otherwise the cut is made within words. Narrow widths fall back to `truncate`.
 */
export function truncateMiddle(text: string, width: number): string {
  if (fits(text, width)) return text;
  if (width < 12) return truncate(text, width);
  const words = text.split(/(?<= )/u); // each word keeps its trailing space
  // Each word measured once; a head or tail is a sum of them.
  const widths = words.map((w) => displayWidth(w));
  const lastTrimmed = displayWidth(words.at(-1)!.trimEnd());
  /** Width of words[i..] with the trailing spaces of the last word trimmed. */
  const tailWidths: number[] = new Array<number>(words.length + 1).fill(0);
  for (let i = words.length - 1; i >= 0; i--) tailWidths[i] = (i === words.length - 1 ? lastTrimmed : widths[i]! + tailWidths[i + 1]!);
  const first = words[0]!;
  const firstWidth = widths[0]!;
  const joint = `${ELLIPSIS} `;
  const jointWidth = displayWidth(joint);
  const headOf = (budget: number) => {
    let head = '';
    let used = 0;
    for (const [i, word] of words.entries()) {
      if (used + widths[i]! > budget) break;
      head += word;
      used += widths[i]!;
    }
    return head;
  };
  const tailFrom = (i: number) => words.slice(i).join('').trimEnd();
  // Whole words at both ends: the longest end (fewest words cut out) that still leaves room
  // for the first word.
  for (let i = 1; i < words.length; i++) {
    const headBudget = width - tailWidths[i]! - jointWidth;
    if (headBudget < firstWidth) continue;
    return truncate(`${headOf(headBudget)}${joint}${tailFrom(i)}`, width);
  }
  // Room kept for the start: the first word (with its space) or a third of the width.
  const headReserve = Math.min(firstWidth, Math.floor(width / 3));
  let from = words.length;
  for (let i = words.length - 1; i > 0; i--) {
    if (tailWidths[i]! > width - headReserve - jointWidth) break;
    from = i;
  }
  const tail = from < words.length ? tailFrom(from) : '';
  if (tail === '') return truncate(text, width);
  const headBudget = width - displayWidth(tail) - jointWidth;
  const head = headOf(headBudget);
  // The first word alone is too long: cut it ("Endpo… Advanced").
  if (head === '') return truncate(`${truncate(first, headBudget, '')}${joint}${tail}`, width);
  return truncate(`${head}${joint}${tail}`, width);
}

export type Align = 'left' | 'right' | 'center';

/** Pad with spaces to exactly `width` cells (text wider than `width` is left as is). */
export function pad(text: string, width: number, align: Align = 'left'): string {
  const gap = width - displayWidth(text);
  if (gap <= 0) return text;
  if (align === 'right') return ' '.repeat(gap) + text;
  if (align === 'center') {
    const left = Math.floor(gap / 2);
    return ' '.repeat(left) + text + ' '.repeat(gap - left);
  }
  return text + ' '.repeat(gap);
}

/** Exactly `width` cells: sanitised, truncated with `…`, padded. */
export function fit(text: string, width: number, align: Align = 'left'): string {
  return pad(truncate(toSingleLine(text), width), width, align);
}

/** Grapheme clusters, for editing text a user typed (backspace removes a whole emoji). */
export function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

const countFormat = new Intl.NumberFormat('en-US');

/** 1234 → "1,234". One format everywhere, independent of the server's locale. */
export function formatCount(value: number): string {
  return countFormat.format(value);
}

/**
 * Word-wrap to `width` cells. Leading spaces of `text` indent the first line;
 * continuation lines get `indent` spaces. Words longer than a line are cut.
 */
export function wrap(text: string, width: number, indent = 0): string[] {
  const room = Math.max(4, width);
  const lead = /^ */u.exec(text)![0].length;
  const out: string[] = [];
  let line = ' '.repeat(Math.min(lead, room - 1));
  let empty = true;
  const push = () => {
    out.push(line);
    line = ' '.repeat(Math.min(indent, room - 1));
    empty = true;
  };
  for (const word of text.slice(lead).split(/ +/u)) {
    if (word === '') continue;
    const sep = empty ? '' : ' ';
    if (fits(word, room - displayWidth(line) - displayWidth(sep))) {
      line += sep + word;
      empty = false;
      continue;
    }
    if (!empty) push();
    // A word longer than the line is cut into pieces, its graphemes measured once.
    let lineWidth = displayWidth(line);
    for (const g of graphemes(word)) {
      const w = displayWidth(g);
      if (lineWidth + w > room && !empty) {
        push();
        lineWidth = displayWidth(line);
      }
      line += g;
      lineWidth += w;
      empty = false;
    }
  }
  if (!empty || out.length === 0) out.push(line);
  return out;
}
