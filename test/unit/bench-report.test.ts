// The benchmark report's arithmetic and layout: medians, nearest-rank percentiles, aims relative to
// a floor, and a row that misses its aim named at the end. The figures here are made up; no
// benchmark runs in npm test.
import { describe, expect, it } from 'vitest';
import { bound, median, met, percentile } from '../../source/bench/measure.js';
import { formatReport, formatValue, reportJson, type Machine } from '../../source/bench/report.js';
import type { Figure } from '../../source/bench/types.js';

const where: Machine = { cpu: 'Test CPU', cores: 2, memoryGiB: 8, node: 'v20.0.0', platform: 'Linux', commit: 'abc1234', date: '2026-12-07T20:00:00.000Z' };
const options = { runs: 3, soakPasses: 100, seed: 7 };

function figure(over: Partial<Figure>): Figure {
  return { group: 'Startup', name: 'kmsp --version', subject: '', value: 0.06, unit: 's', samples: [0.05, 0.06, 0.07], aim: null, ...over };
}

describe('bench measure', () => {
  it('takes the median and nearest-rank percentiles', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([], 50)).toBeNaN();
  });

  it('holds a figure to an absolute aim or to a multiple of its floor', () => {
    const absolute = figure({ value: 5, unit: 'per tenant', aim: { max: 6, text: '≤ 6 per tenant' } });
    expect(bound(absolute)).toBe(6);
    expect(met(absolute)).toBe(true);
    const relative = figure({ value: 0.09, aim: { max: 1.5, timesFloor: true, text: '≤ 1.5 × bare node' }, floor: { name: 'node -e 0', value: 0.05, unit: 's' } });
    expect(bound(relative)).toBeCloseTo(0.075);
    expect(met(relative)).toBe(false);
    expect(met(figure({}))).toBeNull();
    // A relative aim whose floor could not be measured is not silently met.
    expect(bound(figure({ aim: { max: 1.2, timesFloor: true, text: '≤ 1.2 ×' } }))).toBeNull();
    expect(met(figure({ value: Number.NaN, aim: { max: 1, text: '≤ 1' } }))).toBe(false);
  });
});

describe('bench report', () => {
  it('prints each group as a table with aim, floor and verdict, and names the aims not met', () => {
    const text = formatReport(
      [
        figure({ aim: { max: 1.5, timesFloor: true, text: '≤ 1.5 × bare node' }, floor: { name: 'node -e 0', value: 0.05, unit: 's' } }),
        figure({ group: 'Billing', name: 'PSA requests', subject: 'KSC × Autotask', value: 3_100, unit: 'requests', samples: [3_100], aim: { max: 1.1, timesFloor: true, text: '≤ 1.1 × minimum' }, floor: { name: 'minimum C + P', value: 2_959, unit: 'requests' } }),
      ],
      options,
      where,
    );
    expect(text).toContain('machine: Test CPU, 2 cores, 8 GiB, Node v20.0.0');
    expect(text).toContain('commit abc1234');
    expect(text).toMatch(/kmsp --version\s+0\.06 s\s+≤ 1\.5 × bare node = 0\.08 s\s+0\.05 s node -e 0\s+met/);
    expect(text).toMatch(/PSA requests\s+KSC × Autotask\s+3,100 requests\s+≤ 1\.1 × minimum = 3,255 requests\s+2,959 requests minimum C \+ P\s+met/);
    expect(text).toContain('Every aim met (2 figures with an aim).');
    const missed = formatReport([figure({ value: 0.2, aim: { max: 0.1, text: '≤ 0.1 s' } })], options, where);
    expect(missed).toContain('NOT MET');
    expect(missed).toContain('1 of 1 aims not met: Startup › kmsp --version.');
  });

  it('gives JSON with the bound and the verdict of every figure', () => {
    const json = JSON.parse(reportJson([figure({ aim: { max: 0.1, text: '≤ 0.1 s' } })], options, where)) as { figures: Array<{ bound: number; met: boolean }>; machine: Machine };
    expect(json.figures[0]).toMatchObject({ bound: 0.1, met: true });
    expect(json.machine.commit).toBe('abc1234');
  });

  it('formats values in their unit', () => {
    expect(formatValue(1234.5, 'requests')).toBe('1,235 requests');
    expect(formatValue(1.234, '×')).toBe('1.23 ×');
    expect(formatValue(Number.NaN, 'ms')).toBe('—');
  });
});
