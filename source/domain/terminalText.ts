// Vendor text (tenant and account names, error messages, ticket titles, event descriptions)
// reaches terminals: the console's cells, the commands' lines, the agent's log. An ESC could drive
// the terminal (escape-sequence injection: colours, cursor moves, a changed window title, a
// hyperlink), a carriage return overwrite what was printed, a newline add a line to a frame.
// Pure string functions, shared by the console (ui/text.ts) and the commands' output writer
// (commands/common.ts), which the agent loads without any UI module.

const ANSI_SEQUENCE = /\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001B]*(?:\u0007|\u001B\\)|[@-Z\\-_])/g;
// The 8-bit forms: U+009B is CSI and U+009D is OSC for a terminal that reads C1 controls (xterm
// with 8-bit controls, some serial consoles). Removing the introducer alone would leave the
// parameters ("31m", "0;title") as litter; the whole sequence goes.
const C1_SEQUENCE = /\u009B[0-?]*[ -/]*[@-~]|\u009D[^\u0007\u001B\u009C]*(?:\u0007|\u001B\\|\u009C)/g;
// Invisible characters a terminal does not draw as string-width counts them, or that reorder
// what follows: bidirectional overrides, embeddings and isolates (U+202E shows "exe.txt" as
// "txt.exe"), marks, the zero-width space, word joiner and invisible operators, the BOM, the
// Mongolian vowel separator and the soft hyphen (zero cells for string-width, one in most
// terminals: a column would shift). The zero-width joiner and non-joiner stay: emoji sequences
// and Persian or Indic names need them, and they take no cell in either count.
const INVISIBLE = /[\u00AD\u061C\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
// Code points with no character yet (unassigned), of private use, or half a surrogate pair:
// string-width counts them one cell, terminals draw them as none, one or two, and the row's
// right border moved (seen in tmux). U+FFFD says "a character was here" in one cell everywhere.
const UNDRAWABLE = /[\p{Cn}\p{Co}\p{Cs}]/gu;
const LINE_BREAKS = /[\r\n\t\v\f\u2028\u2029]+/g;
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g;
/** Every control character but the tab and the line feed, which printed text uses itself. */
const CONTROL_BUT_TAB_AND_LF = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** One printable line: escape sequences and control characters removed, line breaks and tabs as spaces. */
export function toSingleLine(text: string): string {
  return text.replace(ANSI_SEQUENCE, '').replace(C1_SEQUENCE, '').replace(LINE_BREAKS, ' ').replace(CONTROL, '').replace(INVISIBLE, '').replace(UNDRAWABLE, '\uFFFD');
}

/**
 * Printable lines, for what commands write: escape sequences and control characters removed,
 * the line breaks and tabs of the text kept (a CRLF becomes LF; a lone CR, which would overwrite
 * the line, is removed; Unicode line and paragraph separators become spaces).
 */
export function toTerminalText(text: string): string {
  return text
    .replace(ANSI_SEQUENCE, '')
    .replace(C1_SEQUENCE, '')
    .replace(/\r\n/g, '\n')
    .replace(/[\u2028\u2029]/g, ' ')
    .replace(CONTROL_BUT_TAB_AND_LF, '')
    .replace(INVISIBLE, '')
    .replace(UNDRAWABLE, '\uFFFD');
}
