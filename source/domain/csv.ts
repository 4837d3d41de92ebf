// Reading CSV (RFC 4180) — what kmsp writes with csvField/toCsv (domain/unmapped.ts,
// billing/format.ts) read back, and what a spreadsheet saves: a UTF-8 byte order mark, CRLF or LF
// line ends, quoted fields holding commas, quotes ("") and line breaks. kmsp has no CSV
// dependency: its writer is those few lines, and this is their reader. Pure.

export interface CsvRecord {
  /** The line of the file the record starts on (1-based), for messages. */
  line: number;
  fields: string[];
}

export interface CsvParse {
  records: CsvRecord[];
  /** A quote left open at the end of the file: the line it opened on. */
  unclosedQuoteAt: number | null;
}

/** Every record of `text`; blank lines are skipped. */
export function parseCsv(text: string): CsvParse {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let quoteOpenedAt = 0;
  let any = false;
  const endRecord = () => {
    fields.push(field);
    if (any || fields.length > 1 || field !== '') records.push({ line: start, fields });
    fields = [];
    field = '';
    any = false;
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      any = true;
      quoteOpenedAt = line;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      any = true;
    } else if (c === '\r' && src[i + 1] === '\n') {
      continue;
    } else if (c === '\n') {
      endRecord();
      line++;
      start = line;
    } else field += c;
  }
  if (quoted) return { records, unclosedQuoteAt: quoteOpenedAt };
  endRecord();
  return { records, unclosedQuoteAt: null };
}

/**
 * A cell as kmsp's writer protected it from spreadsheet formulas (csvField: an apostrophe before
 * a leading = + - @ tab or CR) read back as the text it was.
 */
export function unprotectCell(cell: string): string {
  return /^'[=+\-@\t\r]/u.test(cell) ? cell.slice(1) : cell;
}
