import { describe, expect, it } from 'vitest';
import {
  LeastSquares,
  NotComputableError,
  informationCriterion,
  ols,
} from '#analysis/relationships/ols.ts';
import { InputRejectedError } from '#platform/errors.ts';
import { STAT_REL, close, golden } from './golden.ts';

describe('least squares against numpy lstsq and statsmodels OLS', () => {
  for (const c of golden.ols) {
    it(`${c.name} (condition ${c.condition.toPrecision(3)})`, () => {
      const fit = ols(c.y, c.columns);
      // Coefficients are compared on the scale of the largest one: a coefficient near zero
      // (the design's true 0) has only absolute accuracy.
      const scale = Math.max(...c.coefficients.map(Math.abs));
      c.coefficients.forEach((b, i) =>
        close(fit.coefficients[i]!, b, STAT_REL, `coefficient ${i}`, STAT_REL * scale),
      );
      close(fit.rss, c.rss, STAT_REL, 'rss');
      c.standardErrors.forEach((se, i) =>
        close(fit.standardErrors[i]!, se, STAT_REL, `standard error ${i}`),
      );
      expect(fit.dfResidual).toBe(c.y.length - c.columns.length);
    });
  }

  it('fits every prefix of the columns from one factorisation', () => {
    const c = golden.ols[0]!;
    const ls = new LeastSquares(c.y, c.columns);
    for (let k = 1; k <= c.columns.length; k++) {
      const direct = ols(c.y, c.columns.slice(0, k));
      close(ls.rss(k), direct.rss, 1e-12, `rss of ${k} columns`);
      direct.coefficients.forEach((b, i) =>
        close(ls.fit(k).coefficients[i]!, b, 1e-12, `coefficient ${i} of ${k}`, 1e-14),
      );
      if (k > 1) close(ls.rssDrop(k - 1, k), ls.rss(k - 1) - ls.rss(k), 1e-10, `drop at ${k}`);
    }
    expect(ls.rss(0)).toBeCloseTo(
      c.y.reduce((s, v) => s + v * v, 0),
      8,
    );
  });

  it('the worked example', () => {
    const fit = ols(
      [1, 2, 2, 4],
      [
        [1, 1, 1, 1],
        [0, 1, 2, 3],
      ],
    );
    expect(fit.coefficients[0]).toBeCloseTo(0.9, 14);
    expect(fit.coefficients[1]).toBeCloseTo(0.9, 14);
    expect(new LeastSquares([1, 2, 2, 4], [[1, 1, 1, 1]]).rss()).toBeCloseTo(4.75, 14);
  });

  it('refuses a rank-deficient design, too few rows and malformed input', () => {
    const t = Array.from({ length: 20 }, (_, i) => i);
    const ones = t.map(() => 1);
    const y = t.map((v) => Math.sin(v));
    expect(() => ols(y, [ones, t, t.map((v) => 2 * v + 1)])).toThrow(NotComputableError);
    expect(() => ols(y, [ones, t.map(() => 0)])).toThrow(NotComputableError);
    expect(() =>
      ols(
        [1, 2],
        [
          [1, 1],
          [0, 1],
        ],
      ),
    ).toThrow(NotComputableError);
    expect(() => ols(y, [])).toThrow(InputRejectedError);
    expect(() => ols(y, [ones.slice(1)])).toThrow(InputRejectedError);
    expect(() => ols([...y.slice(1), NaN], [ones])).toThrow(InputRejectedError);
  });

  it('AIC and BIC as statsmodels defines them', () => {
    // statsmodels OLS: llf = -n/2 (ln 2π + ln(rss/n) + 1); aic = -2 llf + 2k; bic = -2 llf + k ln n.
    const minus2LogL = 100 * (Math.log(2 * Math.PI) + Math.log(0.1) + 1);
    expect(informationCriterion(10, 100, 3, 'AIC')).toBeCloseTo(minus2LogL + 6, 12);
    expect(informationCriterion(10, 100, 3, 'BIC')).toBeCloseTo(minus2LogL + 3 * Math.log(100), 12);
  });
});
