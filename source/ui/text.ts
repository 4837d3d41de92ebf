// Text measured in terminal cells, not UTF-16 code units: a CJK character or
// an emoji takes two cells, a combining accent none. Everything that pads,
// truncates or aligns for the console goes through here so columns line up.
import stringWidth from 'string-width';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export const ELLIPSIS = '…';

/** Cells the text occupies on screen. */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

// Vendor data (tenant names, PSA account names, event descriptions) ends up
// in cells. A newline would add a line to the frame and break the height
// budget; an ESC could drive the terminal (escape-sequence injection). The
// commands' output uses the same rules (domain/terminalText.ts).
import { toSingleLine } from '../domain/terminalText.js';

export { toSingleLine };

/** Cut to at most `width` cells, ending with `…` when something was cut. Never splits a grapheme. */
export function truncate(text: string, width: number, ellipsis: string = ELLIPSIS): string {
  if (width <= 0) return '';
  if (displayWidth(text) <= width) return text;
  const budget = width - displayWidth(ellipsis);
  if (budget < 0) return ellipsis.slice(0, width);
  let used = 0;
  let out = '';
  for (const { segment } of segmenter.segment(text)) {
    const w = displayWidth(segment);
    if (used + w > budget) break;
    out += segment;
    used += w;
  }
  // A wide character that did not fit may leave one cell free; pad() fills it.
  return out + ellipsis;
}

/** Keep the last `width` cells (for inputs scrolled to the caret). */
export function truncateStart(text: string, width: number, ellipsis: string = ELLIPSIS): string {
  if (width <= 0) return '';
  if (displayWidth(text) <= width) return text;
  const budget = width - displayWidth(ellipsis);
  if (budget < 0) return ellipsis.slice(0, width);
  const segments = Array.from(segmenter.segment(text), (s) => s.segment);
  let used = 0;
  let out = '';
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i]!;
    const w = displayWidth(segment);
    if (used + w > budget) break;
    out = segment + out;
    used += w;
  }
  return ellipsis + out;
}

/**
 * Cut to at most `width` cells by taking out the middle: names that share a long start
 * ("Endpoint Security for Business Advanced" / "… Select") keep the words that tell them
 * apart. Whole words are kept at both ends when they fit ("Endpoint … Business Advanced",
 * "Real-time … not running": the longest end that leaves room for the first word);
 * otherwise the cut is made within words. Narrow widths fall back to `truncate`.
 */
export function truncateMiddle(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width < 12) return truncate(text, width);
  const words = text.split(/(?<= )/u); // each word keeps its trailing space
  const first = words[0]!;
  const joint = `${ELLIPSIS} `;
  const headOf = (budget: number) => {
    let head = '';
    for (const word of words) {
      if (displayWidth(head + word) > budget) break;
      head += word;
    }
    return head;
  };
  // Whole words at both ends: the longest end (fewest words cut out) that still leaves room
  // for the first word.
  for (let i = 1; i < words.length; i++) {
    const tail = words.slice(i).join('').trimEnd();
    const headBudget = width - displayWidth(tail) - displayWidth(joint);
    if (headBudget < displayWidth(first)) continue;
    return `${headOf(headBudget)}${joint}${tail}`;
  }
  // Room kept for the start: the first word (with its space) or a third of the width.
  const headReserve = Math.min(displayWidth(first), Math.floor(width / 3));
  let tail = '';
  for (let i = words.length - 1; i > 0; i--) {
    const next = words[i] + tail;
    if (displayWidth(next.trimEnd()) > width - headReserve - displayWidth(joint)) break;
    tail = next;
  }
  tail = tail.trimEnd();
  if (tail === '') return truncate(text, width);
  const headBudget = width - displayWidth(tail) - displayWidth(joint);
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
    if (displayWidth(line) + displayWidth(sep) + displayWidth(word) <= room) {
      line += sep + word;
      empty = false;
      continue;
    }
    if (!empty) push();
    let rest = word;
    while (displayWidth(line) + displayWidth(rest) > room) {
      const free = room - displayWidth(line);
      let piece = '';
      for (const g of graphemes(rest)) {
        if (displayWidth(piece + g) > free) break;
        piece += g;
      }
      if (piece === '') break;
      line += piece;
      rest = rest.slice(piece.length);
      empty = false;
      push();
    }
    if (rest) {
      line += rest;
      empty = false;
    }
  }
  if (!empty || out.length === 0) out.push(line);
  return out;
}
