// Printed tables (kmsp report unmapped, kmsp billing preview): fit the width in display
// cells, one line per row, closed borders, cut text ends with "…", vendor text sanitised.
import { describe, expect, it } from 'vitest';
import { outputWidth, renderTable, shrink } from '../../source/ui/print.js';
import { displayWidth } from '../../source/ui/text.js';

const rows = [
  { Account: 'Bluebird Dental Group', Contract: 'Bluebird Dental Group – Managed Security', 'Billing item': 'Kaspersky Security for Windows Server', Current: 0, New: 5, Delta: '+5' },
  { Account: '株式会社テスト', Contract: 'Short', 'Billing item': 'KES Advanced – Workstation', Current: 40, New: 0, Delta: '-40' },
];

describe('renderTable', () => {
  it('keeps everything when it fits, right-aligns numbers', () => {
    const t = renderTable(rows, { width: 200 }).split('\n');
    expect(t).toHaveLength(6);
    expect(t[0]).toMatch(/^┌─+(┬─+){5}┐$/);
    expect(t[2]).toMatch(/^├─+(┼─+){5}┤$/);
    expect(t[5]).toMatch(/^└─+(┴─+){5}┘$/);
    expect(t[3]).toContain('│ Kaspersky Security for Windows Server │');
    expect(t[4]).toMatch(/│ +40 │ +0 │ +-40 │$/);
    expect(new Set(t.map(displayWidth)).size).toBe(1);
  });

  for (const width of [120, 80, 60]) {
    it(`fits ${width} cells: no line wider, no blank line, cut cells end with …`, () => {
      const t = renderTable(rows, { width, minWidth: { 'Billing item': 26 } }).split('\n');
      expect(t).toHaveLength(6);
      for (const line of t) expect(displayWidth(line)).toBeLessThanOrEqual(width);
      expect(new Set(t.map(displayWidth)).size).toBe(1);
      expect(t.every((l) => l.trim() !== '')).toBe(true);
      if (width < 120) {
        expect(t[3]).toMatch(/│ Bl[^│]*… │/);
        // The floor keeps the billing item readable.
        expect(t[4]).toContain('KES Advanced – Workstation');
      }
    });
  }

  it('the short columns keep their width; the widest give way first', () => {
    expect(shrink([10, 40, 30, 3], 60)).toEqual([10, 24, 23, 3]);
    expect(shrink([10, 40, 30, 3], 100)).toEqual([10, 40, 30, 3]);
    expect(shrink([10, 40, 30, 3], 40, [1, 1, 26, 1])).toEqual([6, 5, 26, 3]);
  });

  it('vendor text cannot add lines or escape sequences', () => {
    const t = renderTable([{ Account: 'Evil\nCorp\u001b[2J', Id: 1 }], { width: 80 });
    expect(t.split('\n')).toHaveLength(5);
    expect(t).not.toContain('\u001b');
    expect(t).toContain('│ Evil Corp │');
  });

  it('no rows: nothing', () => expect(renderTable([])).toBe(''));
});

describe('outputWidth', () => {
  it('the terminal when stdout is one, else $COLUMNS, else 120', () => {
    expect(outputWidth({ isTTY: true, columns: 97 }, { COLUMNS: '80' })).toBe(97);
    expect(outputWidth({ isTTY: false }, { COLUMNS: '80' })).toBe(80);
    expect(outputWidth({}, {})).toBe(120);
    expect(outputWidth({}, { COLUMNS: 'wide' })).toBe(120);
  });
});
