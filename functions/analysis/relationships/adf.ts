import { InputRejectedError } from '#platform/errors.ts';
import { normalCdf } from '#analysis/stats/distributions.ts';
import {
  LeastSquares,
  NotComputableError,
  informationCriterion,
  type InformationCriterion,
} from './ols.ts';

/**
 * The augmented Dickey-Fuller test of a unit root, computed as statsmodels 0.13's
 * `adfuller` computes it (golden-tested against it):
 *
 *   Δx_t = γ x_{t-1} + Σ_{j=1..p} δ_j Δx_{t-j} + c (+ β t) + e_t,
 *
 * the statistic is γ's t ratio and the null is a unit root (γ = 0); a small p-value says the
 * series is stationary (around a constant, or around a line with 'ct').
 *
 * The lag p is chosen, by default, by AIC among 0..maxLag, with every candidate fitted on the
 * same rows (the ones the largest lag leaves, so the criteria are comparable); the test is
 * then re-run with the chosen p on all the rows that lag allows. The default maxLag is
 * Schwert's ceil(12 (n/100)^(1/4)), capped at n/2 - terms - 1.
 *
 * The p-value is MacKinnon's (1994) response-surface approximation and the critical values
 * MacKinnon's (2010) finite-sample response surfaces, for one series (N = 1).
 */

/** Deterministic terms in the regression: a constant, or a constant and a linear trend. */
export type AdfRegression = 'c' | 'ct';

export interface AdfOptions {
  /** @default 'c' */
  regression?: AdfRegression;
  /** The largest lag of Δx tried (or used, with `autolag: null`). @default ceil(12 (n/100)^(1/4)), capped as statsmodels caps it */
  maxLag?: number;
  /** How the lag is chosen among 0..maxLag; null uses maxLag. @default 'AIC' */
  autolag?: InformationCriterion | null;
}

export interface AdfCriticalValues {
  '1%': number;
  '5%': number;
  '10%': number;
}

export interface AdfResult {
  /** The t ratio of x_{t-1}'s coefficient. */
  statistic: number;
  /** MacKinnon's approximate p-value (0 and 1 beyond the range of his surface). */
  pValue: number;
  /** Lags of Δx in the test regression. */
  usedLag: number;
  /** Rows of the test regression (the critical values are for this sample size). */
  nobs: number;
  criticalValues: AdfCriticalValues;
  /** The chosen lag's AIC or BIC on the common rows of the search (null without autolag). */
  icBest: number | null;
  maxLag: number;
  regression: AdfRegression;
  autolag: InformationCriterion | null;
}

/**
 * The ADF test of `x` (oldest first). Throws `InputRejectedError` when the series is too
 * short for the regression or maxLag is out of range, `NotComputableError` when the test
 * regression is degenerate (a constant series, or one that is exactly a line).
 *
 * @example adfTest(randomWalk).pValue // large: a unit root is not rejected
 */
export function adfTest(x: readonly number[], options: AdfOptions = {}): AdfResult {
  const regression = options.regression ?? 'c';
  const autolag = options.autolag === undefined ? 'AIC' : options.autolag;
  const n = x.length;
  if (!x.every(Number.isFinite)) throw new InputRejectedError('ADF: the values must be finite');
  const terms = regression === 'c' ? 1 : 2;
  const largest = Math.floor(n / 2) - terms - 1;
  let maxLag: number;
  if (options.maxLag === undefined) {
    maxLag = Math.min(largest, Math.ceil(12 * Math.pow(n / 100, 1 / 4)));
    if (maxLag < 0)
      throw new InputRejectedError(`ADF: ${n} points are too few for regression '${regression}'`);
  } else {
    maxLag = options.maxLag;
    if (!Number.isInteger(maxLag) || maxLag < 0 || maxLag > largest)
      throw new InputRejectedError(
        `ADF: maxLag must be an integer from 0 to ${largest} (n/2 - 1 - terms) for ${n} points`,
      );
  }
  const dx = x.slice(1).map((v, i) => v - x[i]!);

  let usedLag = maxLag;
  let icBest: number | null = null;
  if (autolag !== null) {
    // Deterministic terms first, then the level, then Δx lags 1..maxLag: each candidate lag is
    // a prefix of these columns, fitted on the rows the largest lag leaves.
    const rows = dx.length - maxLag;
    const ls = new LeastSquares(dx.slice(maxLag), [
      ...deterministic(rows, regression),
      ...adfColumns(x, dx, maxLag),
    ]);
    for (let p = 0; p <= maxLag; p++) {
      const k = terms + 1 + p;
      const ic = informationCriterion(ls.rss(k), rows, k, autolag);
      if (icBest === null || ic < icBest) {
        icBest = ic;
        usedLag = p;
      }
    }
  }

  const nobs = dx.length - usedLag;
  const y = dx.slice(usedLag);
  const ls = new LeastSquares(y, [
    ...adfColumns(x, dx, usedLag),
    ...deterministic(nobs, regression),
  ]);
  const fit = ls.fit();
  // Exact up to rounding too, as in Granger: a residual of 1e-300 is no spread to test against.
  if (!(fit.rss > 0) || fit.rss / ls.rss(0) < Number.EPSILON)
    throw new NotComputableError('ADF: the test regression fits exactly (is the series a line?)');
  const statistic = fit.coefficients[0]! / fit.standardErrors[0]!;
  const pValue = mackinnonP(statistic, regression);
  if (!Number.isFinite(statistic) || Number.isNaN(pValue))
    throw new NotComputableError(
      'ADF: the values are too large or too small for double precision to test',
    );
  return {
    statistic,
    pValue,
    usedLag,
    nobs,
    criticalValues: mackinnonCritical(nobs, regression),
    icBest,
    maxLag,
    regression,
    autolag,
  };
}

/** A constant (and a trend 1..rows) for the test regression. */
function deterministic(rows: number, regression: AdfRegression): number[][] {
  const ones = new Array<number>(rows).fill(1);
  return regression === 'c' ? [ones] : [ones, Array.from({ length: rows }, (_, i) => i + 1)];
}

/**
 * The regressors of the rows dx[lags..] (dx[i] = x[i+1] - x[i]): the level before the change,
 * x[i], and the `lags` changes before it, dx[i-1..i-lags].
 */
function adfColumns(x: readonly number[], dx: readonly number[], lags: number): number[][] {
  const rows = dx.length - lags;
  const columns = [Array.from({ length: rows }, (_, r) => x[lags + r]!)];
  for (let j = 1; j <= lags; j++)
    columns.push(Array.from({ length: rows }, (_, r) => dx[lags + r - j]!));
  return columns;
}

/*
 * MacKinnon, J. G. (1994). Approximate asymptotic distribution functions for unit-root and
 * cointegration tests. Journal of Business & Economic Statistics 12(2), 167-176: the
 * response surfaces of the τ statistic for one series (N = 1), with a constant (τ_c) and with
 * a constant and trend (τ_ct). p = Φ(γ0 + γ1 τ + γ2 τ²) for τ <= τ* (the "small p"
 * surface), p = Φ(γ0 + γ1 τ + γ2 τ² + γ3 τ³) above it; outside [τ_min, τ_max] the surface is
 * not used and p is 0 or 1. The coefficients are the published ones, with the paper's
 * scaling (γ2 × 10⁻² for small p; γ1, γ2 × 10⁻¹ and γ3 × 10⁻² for large p) applied.
 */
const TAU = {
  c: {
    star: -1.61,
    min: -18.83,
    max: 2.74,
    smallP: [2.1659, 1.4412, 3.8269e-2],
    largeP: [1.7339, 9.3202e-1, -1.2745e-1, -1.0368e-2],
  },
  ct: {
    star: -2.89,
    min: -16.18,
    max: 0.7,
    smallP: [3.2512, 1.6047, 4.9588e-2],
    largeP: [2.5261, 6.1654e-1, -3.7956e-1, -6.0285e-2],
  },
} as const;

/*
 * MacKinnon, J. G. (2010). Critical values for cointegration tests. Queen's Economics
 * Department Working Paper 1227 (the 1990 paper reissued with new response surfaces): for
 * N = 1, τ_c and τ_ct, the critical value at sample size T is β∞ + β1/T + β2/T² + β3/T³,
 * at 1%, 5% and 10%.
 */
const CRITICAL = {
  c: [
    [-3.43035, -6.5393, -16.786, -79.433],
    [-2.86154, -2.8903, -4.234, -40.04],
    [-2.56677, -1.5384, -2.809, 0],
  ],
  ct: [
    [-3.95877, -9.0531, -28.428, -134.155],
    [-3.41049, -4.3904, -9.036, -45.374],
    [-3.12705, -2.5856, -3.925, -22.38],
  ],
} as const;

/** Polynomial with coefficients lowest degree first, by Horner's rule. */
function poly(c: readonly number[], x: number): number {
  let v = 0;
  for (let i = c.length - 1; i >= 0; i--) v = v * x + c[i]!;
  return v;
}

/**
 * MacKinnon's (1994) approximate p-value of an ADF statistic (one series), as statsmodels'
 * `mackinnonp(stat, regression, N=1)`.
 *
 * @example mackinnonP(-2.86, 'c') // about 0.05
 */
export function mackinnonP(statistic: number, regression: AdfRegression = 'c'): number {
  if (Number.isNaN(statistic)) return NaN;
  const tau = TAU[regression];
  if (statistic > tau.max) return 1;
  if (statistic < tau.min) return 0;
  return normalCdf(poly(statistic <= tau.star ? tau.smallP : tau.largeP, statistic));
}

/**
 * MacKinnon's (2010) critical values of the ADF statistic for `nobs` rows (one series), as
 * statsmodels' `mackinnoncrit(N=1, regression, nobs)`.
 *
 * @example mackinnonCritical(Infinity, 'c')['5%'] // -2.86154
 */
export function mackinnonCritical(
  nobs: number,
  regression: AdfRegression = 'c',
): AdfCriticalValues {
  const [one, five, ten] = CRITICAL[regression].map((b) => poly(b, 1 / nobs));
  return { '1%': one!, '5%': five!, '10%': ten! };
}
