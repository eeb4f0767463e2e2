import { describe, expect, it } from 'vitest';
import { clampIfNonNegative, type Forecast } from '#analysis/forecast/forecaster.ts';
import { naive, seasonalNaive } from '#analysis/forecast/naive.ts';
import { golden, type GoldenForecast } from './golden.ts';

function expectClose(actual: Forecast, expected: GoldenForecast, digits: number) {
  const pairs: [number[], number[]][] = [
    [actual.mean, expected.mean],
    [actual.lower[80], expected.lo80],
    [actual.upper[80], expected.hi80],
    [actual.lower[95], expected.lo95],
    [actual.upper[95], expected.hi95],
  ];
  for (const [a, e] of pairs) {
    expect(a).toHaveLength(e.length);
    a.forEach((v, i) => expect(v).toBeCloseTo(e[i]!, digits));
  }
}

describe('seasonal naive and naive match R forecast::snaive / naive', () => {
  it.each(golden.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expectClose(seasonalNaive(c.y, c.h, c.m), c.snaive, 9);
    expectClose(naive(c.y, c.h), c.naive, 9);
  });
});

describe('seasonal naive', () => {
  it('repeats the last season and widens by sqrt(full seasons ahead + 1)', () => {
    const y = [1, 2, 3, 2, 3, 4, 3, 4, 5];
    const f = seasonalNaive(y, 7, 3);
    expect(f.mean).toEqual([3, 4, 5, 3, 4, 5, 3]);
    // residuals y_t - y_{t-3} are all 1: sigma (root mean square) is 1
    const width = f.upper[80].map((u, i) => u - f.mean[i]!);
    expect(width[0]).toBeCloseTo(1.2815515655446004, 12);
    expect(width[2]).toBeCloseTo(1.2815515655446004, 12);
    expect(width[3]).toBeCloseTo(1.2815515655446004 * Math.SQRT2, 12);
    expect(width[6]).toBeCloseTo(1.2815515655446004 * Math.sqrt(3), 12);
  });

  it('falls back to lag 1 when the series is not longer than a season', () => {
    expect(seasonalNaive([5, 6], 2, 7).mean).toEqual([6, 6]);
  });

  it('never goes below 0 on a non-negative series once clamped', () => {
    const y = [0, 10, 0, 12, 0, 9, 1, 11];
    const f = clampIfNonNegative(y, naive(y, 5));
    for (const xs of [f.mean, f.lower[80], f.lower[95]])
      for (const v of xs) expect(v).toBeGreaterThanOrEqual(0);
    // a series with a negative value is left alone
    const g = clampIfNonNegative([-1, 10, 0, 12], naive([-1, 10, 0, 12], 2));
    expect(g.lower[95][0]).toBeLessThan(0);
  });
});
