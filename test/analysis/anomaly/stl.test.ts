import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveStlOptions, stl, type StlOptions } from '#analysis/anomaly/stl.ts';
import { InputRejectedError } from '#platform/errors.ts';

interface GoldenCase {
  name: string;
  period: number;
  options: StlOptions;
  /** R's fit$win, fit$deg, fit$jump (s, t, l), fit$inner, fit$outer. */
  win: number[];
  deg: number[];
  jump: number[];
  inner: number;
  outer: number;
  x: number[];
  seasonal: number[];
  trend: number[];
  remainder: number[];
  weights: number[];
}

/** R 4.2.2's stats::stl: test/fixtures/golden/stl/make_golden.R. */
const golden: { cases: GoldenCase[] } = JSON.parse(
  readFileSync(new URL('../../fixtures/golden/stl/stl-golden.json', import.meta.url), 'utf8'),
);

const maxAbsDiff = (a: readonly number[], b: readonly number[]) => {
  expect(a).toHaveLength(b.length);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
};
const scaleOf = (x: readonly number[]) => Math.max(...x.map(Math.abs));

/**
 * Tolerance: 1e-6 of the series' scale (max |x|). The code replays R's Fortran operation by
 * operation, so the observed differences are rounding only (at most about 1e-11, on co2
 * after 16 robust passes); 1e-6 leaves room for another compiler's or CPU's rounding
 * without letting a real difference (a window, a jump, an end rule) through.
 */
const RELATIVE_TOLERANCE = 1e-6;

describe('stl against R stats::stl', () => {
  it('has the cases the script writes', () => {
    expect(golden.cases.map((c) => c.name)).toEqual([
      'nottem-periodic',
      'nottem-s7',
      'nottem-even-windows',
      'nottem-degrees',
      'co2-s13-robust',
      'UKDriverDeaths-s11',
      'daily210-robust',
      'daily210',
      'daily209-robust',
    ]);
  });

  for (const c of golden.cases) {
    it(`${c.name}: seasonal, trend, remainder and weights match R`, () => {
      const fit = stl(c.x, c.period, c.options);
      const tol = RELATIVE_TOLERANCE * scaleOf(c.x);
      expect(maxAbsDiff(fit.seasonal, c.seasonal)).toBeLessThanOrEqual(tol);
      expect(maxAbsDiff(fit.trend, c.trend)).toBeLessThanOrEqual(tol);
      expect(maxAbsDiff(fit.remainder, c.remainder)).toBeLessThanOrEqual(tol);
      // Weights are in [0, 1] whatever the series' scale.
      expect(maxAbsDiff(fit.weights, c.weights)).toBeLessThanOrEqual(RELATIVE_TOLERANCE);
    });

    it(`${c.name}: defaults resolve to R's windows, degrees and jumps`, () => {
      const p = resolveStlOptions(c.x, c.period, c.options);
      expect([p.sWindow, p.tWindow, p.lWindow]).toEqual(c.win);
      expect([p.sDegree, p.tDegree, p.lDegree]).toEqual(c.deg);
      expect([p.sJump, p.tJump, p.lJump]).toEqual(c.jump);
      expect([p.inner, p.outer]).toEqual([c.inner, c.outer]);
    });

    it(`${c.name}: seasonal + trend + remainder is x`, () => {
      const fit = stl(c.x, c.period, c.options);
      const sum = fit.seasonal.map((s, i) => s + fit.trend[i]! + fit.remainder[i]!);
      expect(maxAbsDiff(sum, c.x)).toBeLessThanOrEqual(1e-9);
    });
  }
});

describe('stl on a noiseless seasonal + linear series', () => {
  const period = 7;
  const pattern = [3, -1, 4, -1, -5, 9, -9]; // sums to 0, so it is all seasonal
  const n = 140;
  const trend = Array.from({ length: n }, (_, i) => 50 + 0.3 * i);
  const seasonal = trend.map((_, i) => pattern[i % period]!);
  const x = trend.map((t, i) => t + seasonal[i]!);

  it('recovers both with local-linear seasonal smoothing (exact up to rounding)', () => {
    const fit = stl(x, period, { sWindow: 13, sDegree: 1 });
    expect(maxAbsDiff(fit.seasonal, seasonal)).toBeLessThanOrEqual(1e-9);
    expect(maxAbsDiff(fit.trend, trend)).toBeLessThanOrEqual(1e-9);
    expect(maxAbsDiff(fit.remainder, Array<number>(n).fill(0))).toBeLessThanOrEqual(1e-9);
  });

  it('recovers both closely with a degree-0 seasonal, and converges with more passes', () => {
    // A local mean of a sloped cycle-subseries is biased at its ends; the inner passes move
    // that slope into the trend, and two passes (R's default) leave about 1% of the pattern.
    const amplitude = Math.max(...pattern.map(Math.abs));
    for (const options of [{ sWindow: 'periodic' }, { sWindow: 7 }] as const) {
      const fit = stl(x, period, options);
      expect(maxAbsDiff(fit.seasonal, seasonal)).toBeLessThanOrEqual(0.015 * amplitude);
      expect(maxAbsDiff(fit.trend, trend)).toBeLessThanOrEqual(0.015 * amplitude);
    }
    const converged = stl(x, period, { sWindow: 'periodic', inner: 10 });
    expect(maxAbsDiff(converged.seasonal, seasonal)).toBeLessThanOrEqual(1e-7);
    expect(maxAbsDiff(converged.trend, trend)).toBeLessThanOrEqual(1e-7);
    const sum = converged.seasonal.map((s, i) => s + converged.trend[i]! + converged.remainder[i]!);
    expect(maxAbsDiff(sum, x)).toBeLessThanOrEqual(1e-9);
  });

  it('gives a periodic seasonal that repeats exactly with "periodic"', () => {
    const fit = stl(x, period, { sWindow: 'periodic' });
    for (let i = period; i < n; i++) expect(fit.seasonal[i]).toBe(fit.seasonal[i - period]);
  });
});

describe('stl options', () => {
  const x = golden.cases[0]!.x;

  it('rounds even windows up to odd, as R does (jumps still come from the given windows)', () => {
    const jumps = { sJump: 1, tJump: 2, lJump: 2 };
    const even = stl(x, 12, { sWindow: 8, tWindow: 20, lWindow: 12, ...jumps });
    const odd = stl(x, 12, { sWindow: 9, tWindow: 21, lWindow: 13, ...jumps });
    expect(even).toEqual(odd);
  });

  it('uses robust only for the defaults of inner and outer', () => {
    expect(stl(x, 12, { sWindow: 7, robust: true })).toEqual(
      stl(x, 12, { sWindow: 7, inner: 1, outer: 15 }),
    );
  });

  it('gives weights of 1 without robustness iterations', () => {
    expect(stl(x, 12, { sWindow: 7 }).weights.every((w) => w === 1)).toBe(true);
  });
});

describe('stl input errors', () => {
  const x = Array.from({ length: 48 }, (_, i) => 10 + Math.sin((2 * Math.PI * i) / 12) + i / 10);
  const rejects = (f: () => unknown, message: RegExp) => {
    expect(f).toThrow(InputRejectedError);
    expect(f).toThrow(message);
  };

  it('rejects a period below 2 or not an integer', () => {
    rejects(() => stl(x, 1, { sWindow: 7 }), /period must be an integer of at least 2, got 1/);
    rejects(() => stl(x, 12.5, { sWindow: 7 }), /period must be an integer/);
  });

  it('rejects a series of two periods or fewer', () => {
    rejects(() => stl(x.slice(0, 24), 12, { sWindow: 7 }), /24 points, need more than two periods/);
    expect(() => stl(x.slice(0, 25), 12, { sWindow: 7 })).not.toThrow();
  });

  it('rejects missing and non-finite values, naming the first', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const y = [...x];
      y[5] = bad;
      rejects(() => stl(y, 12, { sWindow: 7 }), new RegExp(`x\\[5\\] is ${bad}`));
    }
  });

  it('rejects a missing sWindow, unknown options and invalid windows, degrees and counts', () => {
    rejects(() => stl(x, 12), /sWindow is required/);
    rejects(() => stl(x, 12, { sWindow: 7, swindow: 7 } as StlOptions), /unknown option.*swindow/);
    rejects(() => stl(x, 12, { sWindow: 'weekly' as 'periodic' }), /sWindow must be an integer/);
    rejects(() => stl(x, 12, { sWindow: 1 }), /sWindow must be an integer of at least 2, got 1/);
    rejects(() => stl(x, 12, { sWindow: 7, tWindow: 7.5 }), /tWindow must be an integer/);
    rejects(() => stl(x, 12, { sWindow: 7, sDegree: 2 as 1 }), /sDegree must be 0 or 1, got 2/);
    rejects(() => stl(x, 12, { sWindow: 7, lJump: 0 }), /lJump must be an integer of at least 1/);
    rejects(() => stl(x, 12, { sWindow: 7, inner: 0 }), /inner must be an integer of at least 1/);
    rejects(() => stl(x, 12, { sWindow: 7, outer: -1 }), /outer must be an integer of at least 0/);
  });
});
