import { readFileSync } from 'node:fs';
import { qnorm } from '#analysis/stats/distributions.ts';
import { describe, expect, it } from 'vitest';
import {
  decompose,
  fitEts,
  forecastEts,
  rootsWithin,
  type EtsFit,
} from '#analysis/forecast/ets.ts';
import { nelderMead } from '#analysis/forecast/optim-nelder-mead.ts';

interface GoldenFit {
  series: string;
  model?: string;
  damped?: boolean;
  method: string;
  par: Record<string, number>;
  initstate: number[];
  laststate: number[];
  sigma2: number;
  loglik: number;
  aic: number;
  aicc: number;
  bic: number;
  fitted: number[];
  residuals: number[];
  h: number;
  mean: number[];
  lower80: number[];
  upper80: number[];
  lower95: number[];
  upper95: number[];
}
interface GoldenSelection {
  name: string;
  m: number;
  y: number[];
  method: string;
  aicc: number;
  mean: number[];
  lower95: number[];
  upper95: number[];
}
interface Golden {
  series: { name: string; m: number; y: number[] }[];
  selected: GoldenFit[];
  fixed: GoldenFit[];
  selection: GoldenSelection[];
}

/** R's forecast 8.20: test/fixtures/golden/ets/make_golden.R. */
const golden: Golden = JSON.parse(
  readFileSync(new URL('../../fixtures/golden/ets/ets-golden.json', import.meta.url), 'utf8'),
);
const seriesOf = (name: string) => golden.series.find((s) => s.name === name)!;

/** Largest relative difference, |a - b| / max(|b|, floor). */
function maxRelDiff(a: readonly number[], b: readonly number[], floor = 1e-8): number {
  expect(a).toHaveLength(b.length);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]!) / Math.max(Math.abs(b[i]!), floor)));
}

/*
 * Tolerances. The optimiser is a port of R's Nelder-Mead started where forecast starts it,
 * so fits follow the same path and agree with R to about 1e-9; the tolerances below leave
 * room for floating-point differences only: parameters 1e-6 absolute, log-likelihood, AICc
 * and sigma2 1e-6 relative, states, fitted values, forecasts and interval bounds 1e-6
 * relative (tight enough to tell R's class-3 mean for damped multiplicative-season models,
 * which we reproduce, from the textbook one: they differ by about 1e-4). Within these, the
 * selected model is R's on every series.
 */
function expectLikeR(fit: EtsFit, g: GoldenFit, y: readonly number[]) {
  expect(fit.method).toBe(g.method);
  for (const name of ['alpha', 'beta', 'gamma', 'phi'] as const) {
    if (g.par[name] !== undefined) expect(fit.params[name]).toBeCloseTo(g.par[name]!, 6);
    else expect(fit.params[name]).toBeUndefined();
  }
  expect(Math.abs(fit.loglik - g.loglik) / Math.abs(g.loglik)).toBeLessThan(1e-6);
  expect(Math.abs(fit.aicc - g.aicc) / Math.abs(g.aicc)).toBeLessThan(1e-6);
  expect(Math.abs(fit.aic - g.aic) / Math.abs(g.aic)).toBeLessThan(1e-6);
  expect(Math.abs(fit.bic - g.bic) / Math.abs(g.bic)).toBeLessThan(1e-6);
  expect(Math.abs(fit.sigma2 - g.sigma2) / g.sigma2).toBeLessThan(1e-6);
  const scale = Math.max(...y.map(Math.abs));
  expect(maxRelDiff(fit.initialState, g.initstate, 1e-3 * scale)).toBeLessThan(1e-6);
  expect(maxRelDiff(fit.lastState, g.laststate, 1e-3 * scale)).toBeLessThan(1e-6);
  expect(maxRelDiff(fit.fitted, g.fitted)).toBeLessThan(1e-6);
  const fc = forecastEts(fit, g.h);
  expect(maxRelDiff(fc.mean, g.mean)).toBeLessThan(1e-6);
  // forecast 8.20's class1() puts gamma in row 3 of G whatever the trend, so for models with
  // additive season and no trend (A,N,A and, through class2, M,N,A) R's variances are off at
  // horizons m, 2m...: we keep the textbook G (Hyndman et al. 2008, ch. 6) and allow 1e-3.
  const tol = fit.spec.trend === 'N' && fit.spec.season === 'A' ? 1e-3 : 1e-6;
  expect(maxRelDiff(fc.lower[80]!, g.lower80, scale)).toBeLessThan(tol);
  expect(maxRelDiff(fc.upper[80]!, g.upper80, scale)).toBeLessThan(tol);
  expect(maxRelDiff(fc.lower[95]!, g.lower95, scale)).toBeLessThan(tol);
  expect(maxRelDiff(fc.upper[95]!, g.upper95, scale)).toBeLessThan(tol);
}

describe('nelderMead (port of R optim "Nelder-Mead")', () => {
  const rosenbrock = (x: number[]) => 100 * (x[1]! - x[0]! * x[0]!) ** 2 + (1 - x[0]!) ** 2;

  it('follows R step by step on Rosenbrock from (-1.2, 1)', () => {
    // R: optim(c(-1.2, 1), fr) -> par 1.0002601387256695 1.0005059993037650,
    // value 8.8252410967227472e-08, 195 function evaluations.
    const r = nelderMead(rosenbrock, [-1.2, 1]);
    expect(r.x[0]).toBeCloseTo(1.0002601387256695, 10);
    expect(r.x[1]).toBeCloseTo(1.000505999303765, 10);
    expect(r.value).toBeCloseTo(8.8252410967227472e-8, 14);
    expect(r.evaluations).toBe(195);
    expect(r.convergence).toBe(0);
  });

  it('matches R on a 3-d quadratic', () => {
    // R: optim(c(1, 2, 3), function(x) sum((x - c(0.5, -1, 2))^2) + x[1] * x[2])
    const f = (x: number[]) =>
      (x[0]! - 0.5) ** 2 + (x[1]! + 1) ** 2 + (x[2]! - 2) ** 2 + x[0]! * x[1]!;
    const r = nelderMead(f, [1, 2, 3]);
    expect(r.x[0]).toBeCloseTo(1.3334823463832908, 8);
    expect(r.x[1]).toBeCloseTo(-1.6670844664284212, 8);
    expect(r.x[2]).toBeCloseTo(1.9998711827751097, 8);
    expect(r.evaluations).toBe(98);
  });

  it('finds the exact minimum of a quadratic with more evaluations allowed', () => {
    const r = nelderMead((x) => (x[0]! - 3) ** 2 + 2 * (x[1]! + 1) ** 2, [0, 0], {
      maxit: 2000,
      reltol: 1e-14,
    });
    expect(r.x[0]).toBeCloseTo(3, 5);
    expect(r.x[1]).toBeCloseTo(-1, 5);
  });

  it('treats Infinity as a wall (bounded minimisation) and stops at maxit', () => {
    const bounded = (x: number[]) => (x[0]! < 0.5 ? Infinity : (x[0]! - 0.2) ** 2);
    const r = nelderMead(bounded, [0.9], { maxit: 2000 });
    expect(r.x[0]).toBeGreaterThanOrEqual(0.5);
    expect(r.x[0]).toBeCloseTo(0.5, 4);
    const limited = nelderMead(rosenbrock, [-1.2, 1], { maxit: 20 });
    expect(limited.convergence).toBe(1);
  });

  it('refuses a start where the function is not finite', () => {
    expect(() => nelderMead(() => NaN, [1])).toThrow(/initial parameters/);
  });
});

describe('numerical helpers', () => {
  it('qnorm matches R', () => {
    expect(qnorm(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(qnorm(0.9)).toBeCloseTo(1.2815515655446004, 13);
    expect(qnorm(0.5)).toBe(0);
    expect(qnorm(1e-10)).toBeCloseTo(-6.361340902404056, 10);
  });

  it('rootsWithin tells whether every root lies within a radius (Schur-Cohn)', () => {
    expect(rootsWithin([1, -3, 2], 2.01)).toBe(true); // (z - 1)(z - 2)
    expect(rootsWithin([1, -3, 2], 1.99)).toBe(false);
    expect(rootsWithin([1, 0, 1], 1 + 1e-9)).toBe(true); // +-i
    expect(rootsWithin([1, 0, 1], 1 - 1e-9)).toBe(false);
    expect(rootsWithin([1, ...new Array<number>(12).fill(0), -(0.5 ** 13)], 0.5001)).toBe(true);
    expect(rootsWithin([1, ...new Array<number>(12).fill(0), -(0.5 ** 13)], 0.4999)).toBe(false);
    // A leading coefficient other than 1: 2(z - 0.5)(z + 0.8) = 2z^2 + 0.6z - 0.8.
    expect(rootsWithin([2, 0.6, -0.8], 0.81)).toBe(true);
    expect(rootsWithin([2, 0.6, -0.8], 0.79)).toBe(false);
    // Complex pair 0.9 e^(+-i): z^2 - 1.8 cos(1) z + 0.81.
    expect(rootsWithin([1, -1.8 * Math.cos(1), 0.81], 0.91)).toBe(true);
    expect(rootsWithin([1, -1.8 * Math.cos(1), 0.81], 0.89)).toBe(false);
  });

  it('decompose gives seasonal indices that average to 0 (additive) or 1', () => {
    const y = Array.from({ length: 28 }, (_, i) => 10 + i + [3, -1, -2, 0][i % 4]!);
    const add = decompose(y, 4, 'additive');
    expect(add.slice(0, 4).map((v) => Number(v.toFixed(10)))).toEqual([3, -1, -2, 0]);
    const mult = decompose(
      y.map((v) => v + 100),
      4,
      'multiplicative',
    );
    expect(mult.slice(0, 4).reduce((a, b) => a + b, 0) / 4).toBeCloseTo(1, 12);
  });
});

describe('fitEts / forecastEts against R forecast::ets', () => {
  for (const g of golden.selected) {
    it(`selects and fits like ets() on ${g.series}: ${g.method}`, () => {
      const { y, m } = seriesOf(g.series);
      const fit = fitEts(y, { m });
      expectLikeR(fit, g, y);
      expect(fit.candidates.length).toBeGreaterThan(1);
    });
  }

  for (const g of golden.fixed) {
    it(`fits ${g.method} on ${g.series} like ets(model = '${g.model}', damped = ${g.damped})`, () => {
      const { y, m } = seriesOf(g.series);
      const fit = fitEts(y, { m, model: g.model!, damped: g.damped! });
      expectLikeR(fit, g, y);
      expect(fit.candidates).toHaveLength(1);
    });
  }

  // 12 simulated daily series (30 to 730 days; additive, multiplicative, counts) and six R
  // datasets: the same model as ets(), AICc to 1e-6, 7-step forecasts to 1e-6 relative, 95%
  // bounds to 1e-6 (1e-3 for A,N,A and M,N,A: see the class1 note above).
  for (const g of golden.selection) {
    it(`chooses ${g.method} on ${g.name} (n = ${g.y.length}, m = ${g.m}) as ets() does`, () => {
      const fit = fitEts(g.y, { m: g.m });
      expect(fit.method).toBe(g.method);
      expect(Math.abs(fit.aicc - g.aicc) / Math.abs(g.aicc)).toBeLessThan(1e-6);
      const fc = forecastEts(fit, 7);
      const scale = Math.max(...g.y.map(Math.abs));
      const tol = fit.spec.trend === 'N' && fit.spec.season === 'A' ? 1e-3 : 1e-6;
      expect(maxRelDiff(fc.mean, g.mean)).toBeLessThan(1e-6);
      expect(maxRelDiff(fc.lower[95]!, g.lower95, scale)).toBeLessThan(tol);
      expect(maxRelDiff(fc.upper[95]!, g.upper95, scale)).toBeLessThan(tol);
    });
  }

  it("accepts the damped trend in the model string ('MAdM')", () => {
    const { y, m } = seriesOf('USAccDeaths');
    const fit = fitEts(y, { m, model: 'MAdM' });
    expect(fit.model).toBe('M,Ad,M');
  });
});

describe('fitEts behaviour', () => {
  const { y: air } = seriesOf('AirPassengers');

  it('never tries multiplicative models on data that are not strictly positive', () => {
    const { y, m } = seriesOf('signed60');
    const fit = fitEts(y, { m });
    expect(fit.candidates.every((c) => c.model.startsWith('A,'))).toBe(true);
    expect(() => fitEts(y, { m: 1, model: 'MNN' })).toThrow(/strictly positive/);
  });

  it('skips additive error with multiplicative season, as ets(restrict = TRUE)', () => {
    const fit = fitEts(air, { m: 12 });
    expect(fit.candidates.map((c) => c.model)).not.toContain('A,N,M');
    expect(fit.candidates).toHaveLength(15);
  });

  it('drops seasonality for m = 1 and refuses a seasonal model there', () => {
    const { y } = seriesOf('WWWusage');
    expect(fitEts(y, { m: 1 }).spec.season).toBe('N');
    expect(() => fitEts(y, { m: 1, model: 'AAA' })).toThrow(/nonseasonal/);
  });

  it('refuses bad input clearly', () => {
    expect(() => fitEts([1, 2, 3], { m: 1 })).toThrow(/need at least 4/);
    expect(() => fitEts([5, 6, 7, 8, 9, 10], { m: 1, model: 'AAN', damped: true })).toThrow(
      /no model could be fitted to 6 points \(ets: not enough data for this model\)/,
    );
    expect(() => fitEts([1, 2, NaN, 4, 5], { m: 1 })).toThrow(/missing/);
    expect(() => fitEts(air, { m: 12, model: 'XYZ' })).toThrow(/invalid model/);
    expect(() => forecastEts(fitEts(air, { m: 12, model: 'ANN' }), 0)).toThrow(/horizon/);
  });

  it('gives intervals that widen with the horizon and nest by level', () => {
    const fit = fitEts(air, { m: 12, model: 'MAM' });
    const fc = forecastEts(fit, 24, [50, 80, 95]);
    for (let i = 0; i < 24; i++) {
      expect(fc.lower[95]![i]!).toBeLessThan(fc.lower[80]![i]!);
      expect(fc.lower[80]![i]!).toBeLessThan(fc.lower[50]![i]!);
      expect(fc.upper[50]![i]!).toBeLessThan(fc.upper[80]![i]!);
      expect(fc.upper[80]![i]!).toBeLessThan(fc.upper[95]![i]!);
    }
    const width = (i: number) => fc.upper[95]![i]! - fc.lower[95]![i]!;
    expect(width(23)).toBeGreaterThan(width(11));
  });
});
