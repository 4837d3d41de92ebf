// kmsp's CSV reader (domain/csv.ts) reads back what its writer writes (toCsv, csvField) and what a
// spreadsheet saves, with the line each record starts on.
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../source/billing/format.js';
import { parseCsv, unprotectCell } from '../../source/domain/csv.js';

describe('parseCsv', () => {
  it('reads back what toCsv writes: commas, quotes, line breaks, formula-protected names', () => {
    const rows = [
      { name: 'Acme, Inc.', note: 'say "hi"', id: 1 },
      { name: 'Two\r\nlines', note: '=SUM(A1)', id: 2 },
      { name: 'Zürich AG', note: '', id: 3 },
    ];
    const parsed = parseCsv('\uFEFF' + toCsv(rows, ['name', 'note', 'id']));
    expect(parsed.unclosedQuoteAt).toBeNull();
    expect(parsed.records.map((r) => r.fields.map(unprotectCell))).toEqual([
      ['name', 'note', 'id'],
      ['Acme, Inc.', 'say "hi"', '1'],
      ['Two\r\nlines', '=SUM(A1)', '2'],
      ['Zürich AG', '', '3'],
    ]);
    // The record after the one with a line break starts two lines further down.
    expect(parsed.records.map((r) => r.line)).toEqual([1, 2, 3, 5]);
  });

  it('skips blank lines, reads LF files, and reports a quote left open with its line', () => {
    expect(parseCsv('a,b\n\n1,2\n').records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['1', '2'] },
    ]);
    expect(parseCsv('a,b\n"open,1\n2,3\n').unclosedQuoteAt).toBe(2);
  });

  it('an apostrophe is taken off only where the writer put it', () => {
    expect(unprotectCell("'-5 Ltd")).toBe('-5 Ltd');
    expect(unprotectCell("O'Brien")).toBe("O'Brien");
    expect(unprotectCell("'quoted'")).toBe("'quoted'");
  });
});
