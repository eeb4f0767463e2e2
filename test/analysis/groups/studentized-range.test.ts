import { afterAll, describe, expect, it } from 'vitest';
import {
  INFINITE_DF,
  rangeTail,
  rangeTailDirect,
  studentizedRangeQuantile,
  studentizedRangeSf,
  studentizedRangeTail,
} from '#analysis/groups/studentized-range.ts';
import { close, df, golden, P_REL, STAT_REL, worst } from './golden.ts';

const grid = golden.studentized_range;

/**
 * scipy's sf is 1 - cdf with the cdf integrated to an absolute 1e-11 (nquad), so its small
 * p-values carry an absolute error up to about 1e-10: at (8, 10, 99999) it says 6.91400e-7
 * where the direct upper-tail quadrature says 6.91329e-7, as we do; at p = 5.6e-12 it is
 * 0.5% off. Below p = 1e-4 scipy's values are held to that floor, and every small p-value to
 * 1e-10 relative against the direct upper-tail quadrature instead.
 */
const SCIPY_FLOOR = 1e-10;

describe('studentized range upper tail against scipy.stats.studentized_range.sf', () => {
  it(`agrees within ${P_REL} relative (or scipy's own floor of ${SCIPY_FLOOR}) on ${grid.sf.length} (q, k, df)`, () => {
    for (const [q, k, d, expected] of grid.sf) {
      const what = `sf(${q}, ${k}, ${d})`;
      if (expected >= 1e-4) close(studentizedRangeSf(q, k, df(d)), expected, P_REL, what, 'sf');
      else close(studentizedRangeSf(q, k, df(d)), expected, 0, what, 'sf small', SCIPY_FLOOR);
    }
  });

  it('keeps its digits far into the tail (direct upper-tail quadrature, p down to 1e-270)', () => {
    for (const [q, k, d, expected] of grid.reference)
      close(studentizedRangeSf(q, k, df(d)), expected, 1e-10, `sf(${q}, ${k}, ${d})`, 'reference');
    expect(Math.min(...grid.reference.map((r) => r[3]))).toBeLessThan(1e-250);
  });

  it('inverts to scipy.stats.studentized_range.ppf within 1e-9 relative', () => {
    for (const [p, k, d, expected] of grid.ppf)
      close(
        studentizedRangeQuantile(p, k, df(d)),
        expected,
        STAT_REL,
        `ppf(${p}, ${k}, ${d})`,
        'ppf',
      );
  });

  it('tabulates P(R > w) to 1e-12 of the direct integral, and its density is the slope', () => {
    for (const k of [2, 4, 9, 30])
      for (let w = 0.013; w < 52; w += 0.37) {
        const direct = rangeTailDirect(w, k);
        close(rangeTail(w, k).sf, direct, 1e-12, `P(R > ${w}), k ${k}`, 'table');
        if (direct < 0.99 && direct > 1e-200) {
          const h = 1e-4;
          const slope = (rangeTailDirect(w - h, k) - rangeTailDirect(w + h, k)) / (2 * h);
          expect(Math.abs(rangeTail(w, k).pdf - slope)).toBeLessThanOrEqual(1e-6 * slope);
        }
      }
  });

  it('decides its edges', () => {
    expect(studentizedRangeSf(0, 3, 10)).toBe(1);
    expect(studentizedRangeSf(-1, 3, 10)).toBe(1);
    expect(studentizedRangeSf(Infinity, 3, 10)).toBe(0);
    expect(studentizedRangeSf(1e-12, 3, 10)).toBeCloseTo(1, 12);
    expect(studentizedRangeSf(3, 1, 10)).toBeNaN();
    expect(studentizedRangeSf(3, 3, 0)).toBeNaN();
    expect(studentizedRangeSf(NaN, 3, 10)).toBeNaN();
    // Beyond w = 56 the tail is below k² 1e-343: it underflows to 0, as it must.
    expect(studentizedRangeSf(70, 3, Infinity)).toBe(0);
    expect(studentizedRangeQuantile(0, 3, 10)).toBe(0);
    expect(studentizedRangeQuantile(1, 3, 10)).toBe(Infinity);
    expect(studentizedRangeQuantile(1.5, 3, 10)).toBeNaN();
    // From INFINITE_DF on, the infinite-df form, as scipy.
    expect(studentizedRangeSf(3.5, 5, INFINITE_DF)).toBe(studentizedRangeSf(3.5, 5, Infinity));
    // The density integrates the same way: P(q1 < Q < q2) ~ pdf (q2 - q1).
    const below = studentizedRangeSf(3.4999, 5, 12);
    const above = studentizedRangeSf(3.5001, 5, 12);
    const { pdf } = studentizedRangeTail(3.5, 5, 12);
    expect(Math.abs((below - above) / 2e-4 - pdf)).toBeLessThan(1e-6 * pdf);
  });
});

afterAll(() => {
  console.log('studentized range, worst relative error:', Object.fromEntries(worst));
});
