// Vendor text (tenant and account names, error messages, ticket titles, event descriptions)
// reaches terminals: the console's cells, the commands' lines, the agent's log. An ESC could drive
// the terminal (escape-sequence injection: colours, cursor moves, a changed window title, a
// hyperlink), a carriage return overwrite what was printed, a newline add a line to a frame.
// Pure string functions, shared by the console (ui/text.ts) and the commands' output writer
// (commands/shared.ts), which the agent loads without any UI module.

const ANSI_SEQUENCE = /\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001B]*(?:\u0007|\u001B\\)|[@-Z\\-_])/g;
const LINE_BREAKS = /[\r\n\t\v\f\u2028\u2029]+/g;
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g;
/** Every control character but the tab and the line feed, which printed text uses itself. */
const CONTROL_BUT_TAB_AND_LF = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** One printable line: escape sequences and control characters removed, line breaks and tabs as spaces. */
export function toSingleLine(text: string): string {
  return text.replace(ANSI_SEQUENCE, '').replace(LINE_BREAKS, ' ').replace(CONTROL, '');
}

/**
 * Printable lines, for what commands write: escape sequences and control characters removed,
 * the line breaks and tabs of the text kept (a CRLF becomes LF; a lone CR, which would overwrite
 * the line, is removed; Unicode line and paragraph separators become spaces).
 */
export function toTerminalText(text: string): string {
  return text
    .replace(ANSI_SEQUENCE, '')
    .replace(/\r\n/g, '\n')
    .replace(/[\u2028\u2029]/g, ' ')
    .replace(CONTROL_BUT_TAB_AND_LF, '');
}
