import { normalIntervals, type NamedForecaster } from './forecaster.ts';

/**
 * An additive regression in the spirit of Prophet (Taylor & Letham 2018): a piecewise-linear
 * trend whose slope may change at evenly spaced candidate changepoints in the first 80% of
 * the history, plus Fourier terms for the weekly cycle (or the series' season) and, for
 * daily series of two years or more, the yearly cycle. Unlike Prophet it is fitted in closed
 * form: a ridge regression (Gaussian priors: slope changes ~ N(0, 0.05^2), Fourier
 * coefficients ~ N(0, 10^2), on the series scaled by its largest absolute value and time
 * scaled to [0, 1]), the noise variance re-estimated a few times, and no sampling. Prophet's
 * Laplace prior on slope changes becomes a Gaussian one of the same scale: the fit is a
 * linear solve of at most ~55 unknowns, a few milliseconds on three years of days.
 *
 * Forecasts extend the last slope. Intervals are normal: the residual variance plus the
 * variance of future slope changes, assumed to arrive at the historical rate (one per
 * candidate changepoint over the history) with the fitted changes' mean size, as Prophet
 * simulates them; the chooser recalibrates them on the backtest anyway.
 */

export interface RegressionOptions {
  /** Candidate changepoints (Prophet: 25), fewer on short series. */
  changepoints?: number;
  /** Share of the history they are spread over (Prophet: 0.8). */
  changepointRange?: number;
  /** Prior scale of a slope change (Prophet: 0.05). */
  changepointPrior?: number;
  /** Prior scale of Fourier coefficients (Prophet: 10). */
  seasonalityPrior?: number;
}

/** Days in a year, the period of yearly seasonality in daily data. */
const YEAR_DAYS = 365.25;

interface Design {
  /** Column builders: value of each feature at time index i (0-based, may be >= n). */
  features: ((i: number) => number)[];
  /** Prior variance of each coefficient (Infinity: unpenalised). */
  priors: number[];
  /** Positions of the slope-change columns among the features. */
  deltaColumns: number[];
  changepointCount: number;
}

function design(n: number, m: number, options: RegressionOptions): Design {
  const span = Math.max(1, n - 1);
  const t = (i: number) => i / span;
  const features: ((i: number) => number)[] = [() => 1, t];
  const priors = [Infinity, Infinity];
  const deltaColumns: number[] = [];
  const range = options.changepointRange ?? 0.8;
  const last = Math.floor(range * (n - 1));
  const count = Math.max(0, Math.min(options.changepoints ?? 25, last - 1));
  const tau = options.changepointPrior ?? 0.05;
  for (let j = 1; j <= count; j++) {
    const c = t(Math.round((j * last) / count));
    deltaColumns.push(features.length);
    features.push((i) => Math.max(0, t(i) - c));
    priors.push(tau * tau);
  }
  const seasonPrior = (options.seasonalityPrior ?? 10) ** 2;
  const fourier = (period: number, order: number) => {
    for (let k = 1; k <= order; k++) {
      const w = (2 * Math.PI * k) / period;
      features.push(
        (i) => Math.sin(w * i),
        (i) => Math.cos(w * i),
      );
      priors.push(seasonPrior, seasonPrior);
    }
  };
  if (m > 1 && n >= 2 * m) fourier(m, Math.min(m === 7 ? 3 : 10, Math.floor(m / 2)));
  if (m === 7 && n >= 2 * YEAR_DAYS) fourier(YEAR_DAYS, 10);
  return { features, priors, deltaColumns, changepointCount: count };
}

export interface RegressionFit {
  coefficients: number[];
  /** Residual variance, on the series' scale. */
  sigma2: number;
  scale: number;
  n: number;
  design: Design;
}

export function fitRegression(
  y: readonly number[],
  m: number,
  options: RegressionOptions = {},
): RegressionFit {
  const n = y.length;
  if (n < 3) throw new Error('the regression needs at least 3 values');
  if (y.some((v) => !Number.isFinite(v))) throw new Error('the series has missing values');
  const d = design(n, m, options);
  const p = d.features.length;
  const scale = Math.max(...y.map(Math.abs)) || 1;
  const ys = y.map((v) => v / scale);
  // X'X and X'y once; each noise-variance update only re-solves.
  const xtx = new Float64Array(p * p);
  const xty = new Float64Array(p);
  const row = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < p; a++) row[a] = d.features[a]!(i);
    for (let a = 0; a < p; a++) {
      const ra = row[a]!;
      if (ra === 0) continue;
      xty[a]! += ra * ys[i]!;
      for (let b = a; b < p; b++) xtx[a * p + b]! += ra * row[b]!;
    }
  }
  const rss = (beta: number[]) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      let f = 0;
      for (let a = 0; a < p; a++) f += beta[a]! * d.features[a]!(i);
      s += (ys[i]! - f) ** 2;
    }
    return s;
  };
  // Start from the variance of the series, then the residuals' (three rounds settle it).
  let sigma2 = Math.max(variance(ys), 1e-12);
  let beta: number[] = [];
  for (let round = 0; round < 3; round++) {
    const penalty = d.priors.map((prior) => (Number.isFinite(prior) ? sigma2 / prior : 1e-9));
    beta = solveRidge(xtx, xty, penalty, p);
    sigma2 = Math.max(rss(beta) / Math.max(1, n - 1), 1e-12);
  }
  return { coefficients: beta, sigma2: sigma2 * scale * scale, scale, n, design: d };
}

export function forecastRegression(fit: RegressionFit, h: number) {
  const { design: d, coefficients: beta, n, scale } = fit;
  const span = Math.max(1, n - 1);
  const mean: number[] = [];
  const se: number[] = [];
  const deltas = d.deltaColumns.map((c) => Math.abs(beta[c]!));
  const meanDelta = deltas.length ? deltas.reduce((a, b) => a + b, 0) / deltas.length : 0;
  // Future slope changes: rate per unit of scaled time, each of mean squared size 2 b^2
  // (Laplace with the fitted changes' mean size); trend variance rate * 2b^2 * dt^3 / 3.
  const rate = d.changepointCount;
  for (let j = 1; j <= h; j++) {
    const i = n - 1 + j;
    let f = 0;
    for (let a = 0; a < beta.length; a++) f += beta[a]! * d.features[a]!(i);
    mean.push(f * scale);
    const dt = j / span;
    const trendVar = (rate * 2 * meanDelta * meanDelta * dt ** 3) / 3;
    se.push(Math.sqrt(fit.sigma2 + trendVar * scale * scale));
  }
  return normalIntervals(mean, se);
}

export const regressionModel: NamedForecaster = {
  name: 'regression',
  description:
    'additive regression: piecewise-linear trend with changepoints, weekly and yearly Fourier terms, ridge-regularised (Prophet-like)',
  forecast: (train, h, m) => forecastRegression(fitRegression(train, m), h),
};

/** Solves (X'X + diag(penalty)) beta = X'y by Cholesky; xtx holds the upper triangle. */
function solveRidge(xtx: Float64Array, xty: Float64Array, penalty: number[], p: number): number[] {
  const a = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) a[i * p + j] = a[j * p + i] = xtx[i * p + j]!;
    a[i * p + i]! += penalty[i]!;
  }
  // a = L L' in place (lower triangle).
  for (let j = 0; j < p; j++) {
    let d = a[j * p + j]!;
    for (let k = 0; k < j; k++) d -= a[j * p + k]! ** 2;
    if (!(d > 0)) throw new Error('the regression is singular');
    const l = Math.sqrt(d);
    a[j * p + j] = l;
    for (let i = j + 1; i < p; i++) {
      let s = a[i * p + j]!;
      for (let k = 0; k < j; k++) s -= a[i * p + k]! * a[j * p + k]!;
      a[i * p + j] = s / l;
    }
  }
  const z = new Array<number>(p);
  for (let i = 0; i < p; i++) {
    let s = xty[i]!;
    for (let k = 0; k < i; k++) s -= a[i * p + k]! * z[k]!;
    z[i] = s / a[i * p + i]!;
  }
  const beta = new Array<number>(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < p; k++) s -= a[k * p + i]! * beta[k]!;
    beta[i] = s / a[i * p + i]!;
  }
  return beta;
}

function variance(xs: readonly number[]): number {
  const mu = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.reduce((a, b) => a + (b - mu) ** 2, 0) / xs.length;
}
