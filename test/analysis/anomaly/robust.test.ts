import { describe, expect, it } from 'vitest';
import { mad, median, robustScale, rollingMedian, sideScales } from '#analysis/anomaly/robust.ts';

describe('robust statistics', () => {
  it('median and MAD ignore non-finite values and are not moved by an outlier', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([1, NaN, 3])).toBe(2);
    expect(median([])).toBeNaN();
    expect(mad([1, 2, 3, 4, 1000])).toBe(1);
  });

  it('scale: biweight from the MAD, not moved by outliers; the mean deviation when the MAD is 0', () => {
    const withOutlier = robustScale([1, 2, 3, 4, 5, 1000]);
    expect(withOutlier.center).toBe(3.5);
    expect(withOutlier.scale).toBeLessThan(3);
    // Normal data (its quantiles): about the standard deviation.
    const normal = Array.from({ length: 2001 }, (_, i) => normalQuantile((i + 0.5) / 2001));
    expect(robustScale(normal).scale).toBeCloseTo(1, 1);
    const flat = robustScale([5, 5, 5, 5, 5, 5, 9]);
    expect(flat.center).toBe(5);
    expect(flat.scale).toBeCloseTo((1.2533141373155 * 4) / 7, 12);
    expect(robustScale([2, 2, 2]).scale).toBe(0);
  });

  it('running median over centred windows, truncated at the ends', () => {
    expect(rollingMedian([1, 9, 2, 3, 8, 4], 3)).toEqual([5, 2, 3, 3, 4, 6]);
    // Leave-one-out: no point is its own median, and a step keeps its edge.
    expect(rollingMedian([1, 2, 3, 4, 5], 3, true)).toEqual([1.5, 1, 2, 3, 4.5]);
    expect(rollingMedian([0, 0, 0, 0, 10, 10, 10, 10], 5, true)).toEqual([
      0, 0, 0, 0, 10, 10, 10, 10,
    ]);
  });
});

/** Inverse normal CDF (Abramowitz and Stegun 26.2.23, error below 4.5e-4). */
function normalQuantile(p: number): number {
  const q = p < 0.5 ? p : 1 - p;
  const t = Math.sqrt(-2 * Math.log(q));
  const z =
    t -
    (2.515517 + 0.802853 * t + 0.010328 * t * t) /
      (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t ** 3);
  return p < 0.5 ? -z : z;
}

describe('sideScales (double MAD)', () => {
  it('widens the long side of skewed data and leaves symmetric data alone', () => {
    // Deterministic quantiles of an exponential (skewed right) and of a symmetric triangle.
    const skewed = Array.from({ length: 200 }, (_, i) => -Math.log(1 - (i + 0.5) / 200));
    const { center, scale } = robustScale(skewed);
    const sides = sideScales(skewed, center, scale);
    expect(sides.high).toBeGreaterThan(1.5 * sides.low);
    const symmetric = Array.from({ length: 201 }, (_, i) => i - 100);
    const s = robustScale(symmetric);
    const even = sideScales(symmetric, s.center, s.scale);
    expect(even.high).toBeCloseTo(s.scale, 10);
    expect(even.low).toBeCloseTo(s.scale, 10);
  });

  it('keeps the common scale for a side with too few values', () => {
    expect(sideScales([1, 2, 3, 4, 100], 3, 1)).toEqual({ low: 1, high: 1 });
  });
});
