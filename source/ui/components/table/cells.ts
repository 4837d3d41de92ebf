// Cell text at table speed. A frame draws ~40 rows × 5 cells, and every key
// press draws a frame: measuring each cell with string-width (a grapheme
// segmenter per call) dominated the frame. Printable ASCII — almost every
// cell — is one cell per character, so it is cut and padded by length; other
// text goes through text.ts and the result is kept (cells repeat: "—", "off",
// account names while scrolling back and forth).
import { fit, toSingleLine, truncateMiddle, type Align } from '../../text.js';

const PRINTABLE_ASCII = /^[\u0020-\u007E]*$/;
const ELLIPSIS = '…';

function padTo(text: string, gap: number, align: Align): string {
  if (gap <= 0) return text;
  if (align === 'right') return ' '.repeat(gap) + text;
  if (align === 'center') {
    const left = Math.floor(gap / 2);
    return ' '.repeat(left) + text + ' '.repeat(gap - left);
  }
  return text + ' '.repeat(gap);
}

const CACHE_LIMIT = 4096;
const cache = new Map<string, string>();

/** Same as text.ts `fit` (exactly `width` cells: sanitised, truncated with "…", padded), fast for ASCII. */
export function fitCell(text: string, width: number, align: Align = 'left', ellipsis: 'end' | 'middle' = 'end'): string {
  if (ellipsis === 'middle') return fitCell(truncateMiddle(toSingleLine(text), width), width, align);
  if (PRINTABLE_ASCII.test(text)) {
    if (width <= 0) return padTo('', width, align);
    if (text.length <= width) return padTo(text, width - text.length, align);
    return text.slice(0, width - 1) + ELLIPSIS;
  }
  const key = `${width}\u0000${align}\u0000${text}`;
  let hit = cache.get(key);
  if (hit === undefined) {
    hit = fit(text, width, align);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, hit);
  }
  return hit;
}
