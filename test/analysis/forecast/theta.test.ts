import { describe, expect, it } from 'vitest';
import {
  autocorrelations,
  movingAverageTrend,
  seasonalityTest,
} from '#analysis/forecast/decompose.ts';
import { fitSes } from '#analysis/forecast/ses.ts';
import { theta, thetaDetailed } from '#analysis/forecast/theta.ts';
import { golden } from './golden.ts';

/**
 * R fits SES by Nelder-Mead, which stops near the optimum; we find it more exactly (our SSE
 * is never higher). Stated tolerances: forecasts and bounds within a relative 1e-4 (the
 * largest difference on these series is 2.4e-5), alpha within 5e-4 (largest 6e-5).
 */
const REL = 1e-4;

function expectRelClose(actual: number[], expected: number[]) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => {
    const e = expected[i]!;
    expect(Math.abs(v - e)).toBeLessThanOrEqual(REL * Math.max(1, Math.abs(e)));
  });
}

describe('theta matches R forecast::thetaf', () => {
  it.each(golden.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { forecast, details } = thetaDetailed(c.y, c.h, c.m);
    expect(details.alpha).toBeCloseTo(c.thetaf.alpha, 3);
    expect(details.sigma2).toBeLessThanOrEqual(c.thetaf.sigma2 * (1 + 1e-9));
    expectRelClose(forecast.mean, c.thetaf.mean);
    expectRelClose(forecast.lower[80], c.thetaf.lo80);
    expectRelClose(forecast.upper[80], c.thetaf.hi80);
    expectRelClose(forecast.lower[95], c.thetaf.lo95);
    expectRelClose(forecast.upper[95], c.thetaf.hi95);
  });
});

describe('theta building blocks', () => {
  it('SES finds the alpha and initial level R finds', () => {
    // ses(c(1, 3, 2, 5, 4, 8, 7, 9))$model$par: alpha 0.7592099684, l 1.4648218972
    const fit = fitSes([1, 3, 2, 5, 4, 8, 7, 9]);
    expect(fit.alpha).toBeCloseTo(0.7592099684, 5);
    expect(fit.l0).toBeCloseTo(1.4648218972, 2); // R's Nelder-Mead stops 4e-4 short in l0
  });

  it('acf and the moving average follow R', () => {
    // acf(c(1, 3, 2, 5, 4), lag.max = 2, plot = FALSE)$acf: 1, 0.0, 0.1
    const r = autocorrelations([1, 3, 2, 5, 4], 2);
    expect(r[0]).toBeCloseTo(0, 12);
    expect(r[1]).toBeCloseTo(0.1, 12);
    // decompose(ts(c(1, 2, 3, 4, 5, 6, 5, 6), frequency = 2))$trend
    expect(movingAverageTrend([1, 2, 3, 4, 5, 6, 5, 6], 2)).toEqual([
      NaN,
      2,
      3,
      4,
      5,
      5.5,
      5.5,
      NaN,
    ]);
  });

  it('finds seasonality in a strong cycle and none in a line', () => {
    const cycle = Array.from({ length: 42 }, (_, i) => 10 + [0, 5, 2, 8, 1, 3, 9][i % 7]!);
    expect(seasonalityTest(cycle, 7)).toBe(true);
    expect(
      seasonalityTest(
        Array.from({ length: 42 }, (_, i) => i),
        7,
      ),
    ).toBe(false);
    expect(seasonalityTest(cycle.slice(0, 14), 7)).toBe(false); // n must exceed 2m
  });

  it('forecasts a constant series as that constant', () => {
    const f = theta(new Array<number>(30).fill(4), 5, 7);
    f.mean.forEach((v) => expect(v).toBeCloseTo(4, 8));
  });
});
