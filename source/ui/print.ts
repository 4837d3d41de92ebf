// Printed (non-interactive) tables for commands such as `kmsp report unmapped` and
// `kmsp billing preview`: plain strings, no ink. Every line fits `width` display cells
// (a CJK character takes two): the widest columns give way first and cut text ends with
// "…". Cells are sanitised (no escape sequences, line breaks or tabs), so vendor data
// cannot add lines or drive the terminal. Interactive screens use components/table.
import { displayWidth, fit, toSingleLine, type Align } from './text.js';

type Scalar = string | number | boolean | null | undefined;

/** The width printed output may use: the terminal's when stdout is one, else $COLUMNS, else 120. */
export function outputWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout, env: NodeJS.ProcessEnv = process.env): number {
  if (stream.isTTY && stream.columns && stream.columns > 0) return stream.columns;
  const fromEnv = Number(env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return 120;
}

const NUMERIC = /^[+-]?\d[\d,.]*$/;

/**
 * A boxed table, one line per row, header underlined, at most `width` cells wide
 * (default: outputWidth()). Columns whose values are all numbers are right-aligned.
 * Ends without a newline; '' for no rows.
 */
export function renderTable<T extends Record<string, Scalar>>(
  rows: T[],
  options: {
    columns?: Array<keyof T>;
    width?: number;
    align?: Partial<Record<keyof T, Align>>;
    /** Cells a column keeps when the table is cut to fit (default 1): for the column that says what a row is. */
    minWidth?: Partial<Record<keyof T, number>>;
  } = {},
): string {
  if (rows.length === 0) return '';
  const keys = (options.columns ?? (Object.keys(rows[0]!) as Array<keyof T>)).map(String);
  const text = (v: Scalar) => (v === null || v === undefined ? '' : toSingleLine(String(v)));
  const header = keys.map((k) => toSingleLine(k));
  const body = rows.map((r) => keys.map((k) => text(r[k])));
  const align = keys.map((k, i): Align => {
    const given = options.align?.[k as keyof T];
    if (given) return given;
    const values = rows.map((r) => r[k]).filter((v) => v !== null && v !== undefined && v !== '');
    return values.length > 0 && values.every((v) => typeof v === 'number' || (typeof v === 'string' && NUMERIC.test(v))) && i > 0 ? 'right' : 'left';
  });
  const natural = keys.map((_, i) => body.reduce((max, cells) => Math.max(max, displayWidth(cells[i]!)), displayWidth(header[i]!)));
  const floors = keys.map((k) => options.minWidth?.[k as keyof T] ?? 1);
  const widths = shrink(natural, Math.max(1, options.width ?? outputWidth()) - (3 * keys.length + 1), floors);

  const rule = (left: string, mid: string, right: string) => left + widths.map((w) => '─'.repeat(w + 2)).join(mid) + right;
  const line = (cells: string[]) => '│' + cells.map((c, i) => ` ${fit(c, widths[i]!, align[i])} `).join('│') + '│';
  return [rule('┌', '┬', '┐'), line(header), rule('├', '┼', '┤'), ...body.map(line), rule('└', '┴', '┘')].join('\n');
}

/**
 * Column widths summing to at most `room` (when possible): the widest columns are cut
 * down to a common cap first, so short columns (numbers, yes/no) keep their full width;
 * a column is not cut below its floor (default 1), so a narrow terminal can still overflow.
 */
export function shrink(natural: number[], room: number, floors: number[] = []): number[] {
  const floor = natural.map((w, i) => Math.min(w, Math.max(1, floors[i] ?? 1)));
  const at = (cap: number) => natural.map((w, i) => Math.max(floor[i]!, Math.min(w, cap)));
  const total = (cap: number) => at(cap).reduce((sum, w) => sum + w, 0);
  if (total(Infinity) <= room) return natural;
  let cap = Math.max(...natural);
  while (cap > 1 && total(cap) > room) cap--;
  // Cells the cap left over go to the cut columns, left to right.
  let spare = room - total(cap);
  return at(cap).map((w, i) => (w === cap && natural[i]! > cap && spare-- > 0 ? w + 1 : w));
}
