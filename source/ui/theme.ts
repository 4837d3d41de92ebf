// Semantic colour tokens with a colour and a no-colour variant.
//
// Rule for the whole console: colour only decorates. Every state that matters
// (cursor row, marks, changed rows, the active tab, errors) is also written
// with a glyph or a word, and the glyphs are the same in both variants, so a
// NO_COLOR terminal, `TERM=dumb` or a screen reader lose nothing. Chalk level 0
// also drops bold, dim and inverse, which is why they are never the only signal.
import { createContext, useContext } from 'react';

export type Tone = 'normal' | 'accent' | 'muted' | 'danger' | 'warning' | 'success' | 'selection' | 'title';

/** A subset of Ink <Text> props. */
export interface TextStyle {
  readonly color?: string;
  readonly bold?: boolean;
  readonly dimColor?: boolean;
  readonly inverse?: boolean;
  readonly underline?: boolean;
}

export interface Glyphs {
  /** Cursor row marker in tables and lists. */
  readonly cursor: string;
  readonly noCursor: string;
  readonly marked: string;
  readonly unmarked: string;
  /** Changed / unsaved row marker. */
  readonly changed: string;
  readonly ellipsis: string;
  /** Around the active tab: "[2 Accounts]". */
  readonly activeOpen: string;
  readonly activeClose: string;
  readonly separator: string;
  /** Shown for a masked secret character. */
  readonly mask: string;
  /** The caret in a focused text field (a glyph in both variants, coloured where colour exists). */
  readonly caret: string;
  /**
   * In a table header: columns are hidden to the left / right (the columns scroll sideways).
   * Not ‹ ›: "›" is the cursor, and a column title starting with it is the column cursor.
   */
  readonly moreLeft: string;
  readonly moreRight: string;
  /** Marks the one shown in a list of alternatives (the integration the console shows). */
  readonly current: string;
}

export interface Theme {
  readonly name: 'color' | 'mono';
  readonly colored: boolean;
  readonly glyphs: Glyphs;
  style(tone: Tone): TextStyle;
}

const glyphs: Glyphs = {
  cursor: '›',
  noCursor: ' ',
  marked: '[x]',
  unmarked: '[ ]',
  changed: '*',
  ellipsis: '…',
  activeOpen: '[',
  activeClose: ']',
  separator: '·',
  mask: '•',
  caret: '▏',
  moreLeft: '«',
  moreRight: '»',
  current: '•',
};

const colorStyles: Record<Tone, TextStyle> = {
  normal: {},
  accent: { color: 'cyan' },
  muted: { dimColor: true },
  danger: { color: 'red' },
  warning: { color: 'yellow' },
  success: { color: 'green' },
  selection: { inverse: true },
  title: { bold: true },
};

export const colorTheme: Theme = {
  name: 'color',
  colored: true,
  glyphs,
  style: (tone) => colorStyles[tone],
};

export const monoTheme: Theme = {
  name: 'mono',
  colored: false,
  glyphs,
  style: () => ({}),
};

/**
 * Whether colour is wanted, with chalk's own inputs: FORCE_COLOR wins (0/false = none),
 * then NO_COLOR (any non-empty value), TERM=dumb, and whether the stream is a terminal.
 * bin/kmsp.js already turns NO_COLOR, --no-color and TERM=dumb into FORCE_COLOR=0
 * before chalk loads; reading them again here keeps the theme right when the UI is
 * mounted some other way (tests, embedding).
 */
export function wantsColor(env: NodeJS.ProcessEnv = process.env, stream: { isTTY?: boolean } = process.stdout): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return !(force === '0' || force === 'false');
  if ((env['NO_COLOR'] ?? '') !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  return Boolean(stream.isTTY);
}

export function chooseTheme(env: NodeJS.ProcessEnv = process.env, stream: { isTTY?: boolean } = process.stdout): Theme {
  return wantsColor(env, stream) ? colorTheme : monoTheme;
}

export const ThemeContext = createContext<Theme>(monoTheme);

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
