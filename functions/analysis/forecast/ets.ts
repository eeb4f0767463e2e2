/**
 * Exponential smoothing state space models (ETS), after Hyndman, Koehler, Ord & Snyder
 * (2008) and R's `forecast::ets` (version 8.20), which this follows closely so that its
 * fits, model choice and intervals can be checked against R's (test/fixtures/golden/ets):
 *
 * - models ETS(error, trend, season): error A or M, trend N, A or Ad (damped), season N, A
 *   or M with period m (1 for none, at most 24). As `ets()` with its defaults (restrict =
 *   TRUE, no multiplicative trend), additive error with multiplicative season is not fitted,
 *   and multiplicative error or season only for strictly positive data;
 * - initial states from the first seasons (classical decomposition, or a Fourier regression
 *   when there are fewer than three seasons; a regression on the first max(10, 2m)
 *   seasonally adjusted values for level and trend), then optimised with the smoothing
 *   parameters by maximum likelihood (Nelder-Mead, R's algorithm, from R's starting
 *   values), inside the usual region 1e-4 <= beta <= alpha <= 0.9999, gamma <= 1 - alpha,
 *   0.8 <= phi <= 0.98, and the admissible (forecastable) region;
 * - the model chosen by AICc (or AIC, BIC) over the allowed set;
 * - point forecasts and normal prediction intervals from the analytical forecast variances
 *   of Hyndman et al. (2008, ch. 6): classes 1 (additive error), 2 (multiplicative error,
 *   additive components) and 3 (multiplicative season). Every allowed model has one, so no
 *   simulation is needed.
 *
 * The log-likelihood is R's: -0.5 * (n log(SSE) + 2 sum log|yhat|) for multiplicative error,
 * i.e. without the constant terms, so AIC values compare with R's, not with statsmodels'.
 */

import type { NamedForecaster } from './forecaster.ts';
import type { SeriesContext } from './series-context.ts';
import { nelderMead } from './optim-nelder-mead.ts';
import { qnorm } from '#analysis/stats/distributions.ts';

export type EtsError = 'A' | 'M';
export type EtsTrend = 'N' | 'A' | 'Ad';
export type EtsSeason = 'N' | 'A' | 'M';

export interface EtsSpec {
  error: EtsError;
  trend: EtsTrend;
  season: EtsSeason;
}

export interface EtsOptions {
  /** Season length: 7 for daily data with a weekly cycle, 12 monthly, 1 for none. */
  m: number;
  /**
   * Three letters as in R (error, trend, season), Z for "choose": 'ZZZ' (default), 'AAN',
   * 'MAM', 'ANZ'... A damped trend is written 'Ad' ('AAdA') or asked for with `damped`.
   */
  model?: string;
  /** As R's `damped`: true or false fixes it, undefined tries both where the trend is free. */
  damped?: boolean;
  /** Information criterion for the choice (default 'aicc', as `ets()`). */
  ic?: 'aicc' | 'aic' | 'bic';
  /** Maximum objective evaluations per model (R: 2000). */
  maxit?: number;
}

export interface EtsParams {
  alpha: number;
  beta?: number;
  gamma?: number;
  phi?: number;
}

export interface EtsFit {
  /** 'A,Ad,N' style, as R's `fit$components`; `method` is R's 'ETS(A,Ad,N)'. */
  model: string;
  method: string;
  spec: EtsSpec;
  m: number;
  params: EtsParams;
  /** Initial state [l, b?, s_0 .. s_{m-1}] (s_0 the most recent season), as R's initstate. */
  initialState: number[];
  /** State after the last observation: what forecasts start from. */
  lastState: number[];
  sigma2: number;
  loglik: number;
  aic: number;
  aicc: number;
  bic: number;
  /** Number of estimated parameters, the variance included. */
  k: number;
  fitted: number[];
  /** Innovations: y - yhat for additive error, (y - yhat) / yhat for multiplicative. */
  residuals: number[];
  /** Every model tried during selection with its criterion (Infinity when it failed). */
  candidates: { model: string; ic: number }[];
}

export interface EtsForecast {
  mean: number[];
  variance: number[];
  lower: Record<number, number[]>;
  upper: Record<number, number[]>;
}

const LOWER = [1e-4, 1e-4, 1e-4, 0.8];
const UPPER = [0.9999, 0.9999, 0.9999, 0.98];
const TOL = 1e-10;
const HUGEN = 1e10;

export function modelName(spec: EtsSpec): string {
  return `${spec.error},${spec.trend},${spec.season}`;
}

/** Parse 'ZZZ', 'AAdN', 'MAM' (+ damped) into the lists of choices per component. */
function parseModel(model: string, damped: boolean | undefined) {
  const match = /^([AMZ])([NAZ])(d?)([NAMZ])$/.exec(model);
  if (!match) throw new Error(`ets: invalid model '${model}' (expected e.g. 'ZZZ', 'AAN', 'MAdM')`);
  const [, e, t, d, s] = match as unknown as [string, string, string, string, string];
  if (d === 'd' && t !== 'A') throw new Error(`ets: invalid model '${model}'`);
  const dampedChoices = d === 'd' ? [true] : damped === undefined ? [true, false] : [damped];
  return {
    errors: (e === 'Z' ? ['A', 'M'] : [e]) as EtsError[],
    trends: (t === 'Z' ? ['N', 'A'] : [t]) as ('N' | 'A')[],
    seasons: (s === 'Z' ? ['N', 'A', 'M'] : [s]) as EtsSeason[],
    damped: dampedChoices,
  };
}

/**
 * Fit an ETS model, or choose one by AICc when some component is 'Z'. Throws when no model
 * can be fitted (too little data, a multiplicative model asked for data that are not
 * strictly positive).
 */
export function fitEts(y: readonly number[], options: EtsOptions): EtsFit {
  const n = y.length;
  if (y.some((v) => !Number.isFinite(v))) throw new Error('ets: the series has missing values');
  if (n <= 3) throw new Error(`ets: ${n} points, need at least 4`);
  let m = Math.round(options.m);
  if (!(m >= 1)) throw new Error('ets: m must be at least 1');
  const model = options.model ?? 'ZZZ';
  const choice = parseModel(model, options.damped);
  if (m === 1 || m > 24) {
    if (model.endsWith('A') || model.endsWith('M')) {
      throw new Error(m === 1 ? 'ets: nonseasonal data' : 'ets: frequency too high (m > 24)');
    }
    choice.seasons = ['N'];
    m = 1;
  }
  const positive = y.every((v) => v > 0);
  if (!positive && !choice.errors.includes('A')) {
    throw new Error('ets: multiplicative error needs strictly positive data');
  }
  if (!positive && !choice.seasons.some((s) => s !== 'M')) {
    throw new Error('ets: multiplicative seasonality needs strictly positive data');
  }
  const ic = options.ic ?? 'aicc';
  const candidates: { model: string; ic: number }[] = [];
  let best: EtsFit | undefined;
  let lastError: unknown;
  for (const error of choice.errors) {
    for (const trendBase of choice.trends) {
      for (const season of choice.seasons) {
        for (const damped of choice.damped) {
          if (trendBase === 'N' && damped) continue;
          if (error === 'A' && season === 'M') continue; // restrict = TRUE
          if (!positive && (error === 'M' || season === 'M')) continue;
          const spec: EtsSpec = { error, trend: damped ? 'Ad' : trendBase, season };
          let fit: EtsFit | undefined;
          try {
            fit = fitModel(y, spec, season === 'N' ? 1 : m, options.maxit ?? 2000);
          } catch (error) {
            lastError = error;
            fit = undefined;
          }
          const value = fit ? fit[ic] : Infinity;
          candidates.push({ model: modelName(spec), ic: Number.isNaN(value) ? Infinity : value });
          if (fit && value < (best ? best[ic] : Infinity)) best = fit;
        }
      }
    }
  }
  if (!best) {
    const why = lastError instanceof Error ? ` (${lastError.message})` : '';
    throw new Error(`ets: no model could be fitted to ${n} points${why}`);
  }
  return { ...best, candidates };
}

/** The one-step-ahead filter of `forecast`'s etscalc: errors, likelihood, states. */
function filter(
  y: readonly number[],
  spec: EtsSpec,
  m: number,
  x0: readonly number[],
  p: Required<EtsParams>,
  keepStates: boolean,
): { lik: number; e: number[]; state: number[]; fitted: number[] } {
  // The optimiser calls this thousands of times per model: the components become numbers
  // outside the loop, and log|yhat| is summed as the log of running products (flushed
  // before they leave the safe range) instead of one log per step.
  const trended = spec.trend !== 'N';
  const season = spec.season === 'N' ? 0 : spec.season === 'A' ? 1 : 2;
  const multError = spec.error === 'M';
  let l = x0[0]!;
  let b = trended ? x0[1]! : 0;
  // Seasonal states in a ring: ring[(pos + k) % m] is s_{m-1-k}, so the oldest state (the
  // one the next observation uses) is ring[pos], and an update overwrites it in place.
  const ring = new Float64Array(Math.max(m, 1));
  if (season) for (let k = 0; k < m; k++) ring[k] = x0[(trended ? 2 : 1) + m - 1 - k]!;
  let pos = 0;
  const n = y.length;
  const e = keepStates ? new Array<number>(n) : [];
  const fitted = keepStates ? new Array<number>(n) : [];
  let sse = 0;
  let logSum = 0;
  let product = 1;
  const { alpha, gamma } = p;
  const phi = trended ? p.phi : 0;
  const betaOverAlpha = p.beta / alpha;
  for (let i = 0; i < n; i++) {
    const yi = y[i]!;
    const phib = phi * b;
    const q = l + phib;
    const last = season ? ring[pos]! : 0;
    const f = season === 0 ? q : season === 1 ? q + last : q * last;
    const err = multError ? (yi - f) / f : yi - f;
    if (keepStates) {
      e[i] = err;
      fitted[i] = f;
    }
    sse += err * err;
    if (multError) {
      product *= Math.abs(f);
      if (product > 1e150 || product < 1e-150) {
        logSum += Math.log(product);
        product = 1;
      }
    }
    // Update, in the Holt-Winters form R uses for both error types.
    const pp =
      season === 0 ? yi : season === 1 ? yi - last : Math.abs(last) < TOL ? HUGEN : yi / last;
    const newL = q + alpha * (pp - q);
    if (trended) b = phib + betaOverAlpha * (newL - l - phib);
    if (season) {
      const t = season === 1 ? yi - q : Math.abs(q) < TOL ? HUGEN : yi / q;
      ring[pos] = last + gamma * (t - last);
      pos = pos + 1 === m ? 0 : pos + 1;
    }
    l = newL;
  }
  if (multError) logSum += Math.log(product);
  const s: number[] = [];
  if (season) for (let j = 0; j < m; j++) s.push(ring[(pos + m - 1 - j) % m]!);
  let lik = n * Math.log(sse);
  if (multError) lik += 2 * logSum;
  const state = trended ? [l, b, ...s] : [l, ...s];
  return { lik, e, state, fitted };
}

/**
 * The model of `fit` re-estimated on `y`, a longer (or shorter) series that starts where the
 * fitted one started: same form, same initial state, only the smoothing parameters
 * re-optimised, from the fitted ones. A backtest refits a model at many origins of one
 * series; the initial state describes the series' start, which every origin shares, so
 * re-estimating it (and re-choosing the form) at each origin costs the most and changes the
 * least. `candidates` and the information criteria describe the refit alone.
 */
export function refitEts(fit: EtsFit, y: readonly number[], maxit = 2000): EtsFit {
  if (y.some((v) => !Number.isFinite(v))) throw new Error('ets: the series has missing values');
  if ((fit.spec.error === 'M' || fit.spec.season === 'M') && !y.every((v) => v > 0))
    throw new Error('ets: multiplicative components need strictly positive data');
  return fitModel(y, fit.spec, fit.m, maxit, { params: fit.params, x0: fit.initialState });
}

function fitModel(
  y: readonly number[],
  spec: EtsSpec,
  m: number,
  maxit: number,
  fixed?: { params: EtsParams; x0: readonly number[] },
): EtsFit {
  const n = y.length;
  const trended = spec.trend !== 'N';
  const damped = spec.trend === 'Ad';
  const seasonal = spec.season !== 'N';
  if (fixed) return fitSmoothing(y, spec, m, maxit, fixed);
  // Starting values, as forecast's initparam().
  let alpha = LOWER[0]! + (0.2 * (UPPER[0]! - LOWER[0]!)) / m;
  if (alpha > 1 || alpha < 0) alpha = LOWER[0]! + 2e-3;
  const start: number[] = [alpha];
  if (trended) {
    const upper = Math.min(UPPER[1]!, alpha);
    let beta = LOWER[1]! + 0.1 * (upper - LOWER[1]!);
    if (beta < 0 || beta > alpha) beta = alpha - 1e-3;
    start.push(beta);
  }
  if (seasonal) {
    const upper = Math.min(UPPER[2]!, 1 - alpha);
    let gamma = LOWER[2]! + 0.05 * (upper - LOWER[2]!);
    if (gamma < 0 || gamma > 1 - alpha) gamma = 1 - alpha - 1e-3;
    start.push(gamma);
  }
  if (damped) {
    let phi = LOWER[3]! + 0.99 * (UPPER[3]! - LOWER[3]!);
    if (phi < 0 || phi > 1) phi = UPPER[3]! - 1e-3;
    start.push(phi);
  }
  const nParams = start.length;
  const init = initialState(y, spec, m);
  const nState = init.length;
  const par0 = [...start, ...init];
  if (par0.length >= n - 1) throw new Error('ets: not enough data for this model');

  const unpack = (par: readonly number[]) => {
    let k = 0;
    const a = par[k++]!;
    const b = trended ? par[k++]! : 0;
    const g = seasonal ? par[k++]! : 0;
    const ph = damped ? par[k++]! : 1;
    const partial = par.slice(nParams);
    const x0 = [...partial];
    if (seasonal) {
      let sum = 0;
      for (let i = trended ? 2 : 1; i < nState; i++) sum += partial[i]!;
      x0.push((spec.season === 'M' ? m : 0) - sum);
    }
    return { p: { alpha: a, beta: b, gamma: g, phi: ph }, x0 };
  };
  const objective = (par: number[]): number => {
    const { p, x0 } = unpack(par);
    if (!validParams(p, trended, seasonal, damped, m)) return Infinity;
    if (spec.season === 'M') {
      for (let i = trended ? 2 : 1; i < x0.length; i++) if (x0[i]! < 0) return Infinity;
    }
    let { lik } = filter(y, spec, m, x0, p, false);
    if (lik < -1e10) lik = -1e10; // avoid perfect fits
    return Number.isNaN(lik) ? Infinity : lik;
  };
  const opt = nelderMead(objective, par0, { maxit, reltol: Math.sqrt(Number.EPSILON) });
  const { p, x0 } = unpack(opt.x);
  return fitResult(y, spec, m, p, x0, opt.x.length);
}

/** `refitEts`: the smoothing parameters optimised with the form and initial state fixed. */
function fitSmoothing(
  y: readonly number[],
  spec: EtsSpec,
  m: number,
  maxit: number,
  fixed: { params: EtsParams; x0: readonly number[] },
): EtsFit {
  const trended = spec.trend !== 'N';
  const damped = spec.trend === 'Ad';
  const seasonal = spec.season !== 'N';
  const { params, x0 } = fixed;
  const start = [params.alpha];
  if (trended) start.push(params.beta!);
  if (seasonal) start.push(params.gamma!);
  if (damped) start.push(params.phi!);
  const unpack = (par: readonly number[]): Required<EtsParams> => {
    let k = 0;
    const alpha = par[k++]!;
    return {
      alpha,
      beta: trended ? par[k++]! : 0,
      gamma: seasonal ? par[k++]! : 0,
      phi: damped ? par[k++]! : 1,
    };
  };
  const objective = (par: number[]): number => {
    const p = unpack(par);
    if (!validParams(p, trended, seasonal, damped, m)) return Infinity;
    let { lik } = filter(y, spec, m, x0, p, false);
    if (lik < -1e10) lik = -1e10;
    return Number.isNaN(lik) ? Infinity : lik;
  };
  const opt = nelderMead(objective, start, { maxit, reltol: Math.sqrt(Number.EPSILON) });
  return fitResult(
    y,
    spec,
    m,
    unpack(opt.x),
    [...x0],
    start.length + x0.length - (seasonal ? 1 : 0),
  );
}

/** The fit's states, residuals and criteria at the estimated parameters. */
function fitResult(
  y: readonly number[],
  spec: EtsSpec,
  m: number,
  p: Required<EtsParams>,
  x0: number[],
  estimated: number,
): EtsFit {
  const n = y.length;
  const trended = spec.trend !== 'N';
  const damped = spec.trend === 'Ad';
  const seasonal = spec.season !== 'N';
  const run = filter(y, spec, m, x0, p, true);
  const k = estimated + 1;
  const aic = run.lik + 2 * k;
  const bic = run.lik + Math.log(n) * k;
  const aicc = aic + (2 * k * (k + 1)) / (n - k - 1);
  let sse = 0;
  for (const v of run.e) sse += v * v;
  const params: EtsParams = { alpha: p.alpha };
  if (trended) params.beta = p.beta;
  if (seasonal) params.gamma = p.gamma;
  if (damped) params.phi = p.phi;
  return {
    model: modelName(spec),
    method: `ETS(${modelName(spec)})`,
    spec,
    m,
    params,
    initialState: x0,
    lastState: run.state,
    sigma2: sse / (n - estimated),
    loglik: -0.5 * run.lik,
    aic,
    aicc,
    bic,
    k,
    fitted: run.fitted,
    residuals: run.e,
    candidates: [],
  };
}

/** The usual region (forecast's check.param) and the admissible region (its admissible()). */
function validParams(
  p: Required<EtsParams>,
  trended: boolean,
  seasonal: boolean,
  damped: boolean,
  m: number,
): boolean {
  const { alpha, beta, gamma, phi } = p;
  if (alpha < LOWER[0]! || alpha > UPPER[0]!) return false;
  if (trended && (beta < LOWER[1]! || beta > alpha || beta > UPPER[1]!)) return false;
  if (damped && (phi < LOWER[3]! || phi > UPPER[3]!)) return false;
  if (seasonal && (gamma < LOWER[2]! || gamma > 1 - alpha || gamma > UPPER[2]!)) return false;
  return admissible(alpha, trended ? beta : 0, seasonal ? gamma : undefined, phi, m, trended);
}

function admissible(
  alpha: number,
  beta: number,
  gamma: number | undefined,
  phi: number,
  m: number,
  trended: boolean,
): boolean {
  if (phi < 0 || phi > 1 + 1e-8) return false;
  if (gamma === undefined) {
    if (alpha < 1 - 1 / phi || alpha > 1 + 1 / phi) return false;
    if (trended && (beta < alpha * (phi - 1) || beta > (1 + phi) * (2 - alpha))) return false;
    return true;
  }
  if (m <= 1) return true;
  if (gamma < Math.max(1 - 1 / phi - alpha, 0) || gamma > 1 + 1 / phi - alpha) return false;
  if (alpha < 1 - 1 / phi - (gamma * (1 - m + phi + phi * m)) / (2 * phi * m)) return false;
  if (beta < -(1 - phi) * (gamma / m + alpha)) return false;
  // Characteristic equation: all roots inside the unit circle (highest degree first).
  // (forecast's polyroot(P) takes P lowest degree first; these are P reversed.)
  const c = alpha + beta - alpha * phi;
  const coefficients = [1, alpha + beta - phi, ...new Array<number>(m - 2).fill(c)];
  coefficients.push(c + gamma - 1, phi * (1 - alpha - gamma));
  return rootsWithin(coefficients, 1 + 1e-10);
}

/**
 * True when every root of the polynomial (coefficients highest degree first, the first not
 * 0) has modulus at most `radius`: the Schur-Cohn test, by the step-down recursion (each
 * step's reflection coefficient, constant over leading, must be below 1 in size). It
 * decides what R's admissible() decides from polyroot's roots, without finding them: the
 * optimiser asks at every likelihood evaluation. Roots on the circle itself count as outside.
 *
 * @example rootsWithin([1, -3, 2], 1.5) // false: the roots are 1 and 2
 */
export function rootsWithin(coefficients: readonly number[], radius: number): boolean {
  // p(radius z), made monic: its roots are p's divided by radius.
  const d = coefficients.length - 1;
  let a = coefficients.map((c, i) => (c * radius ** (d - i)) / (coefficients[0]! * radius ** d));
  for (let n = d; n >= 1; n--) {
    const k = a[n]!;
    if (!(Math.abs(k) < 1)) return false;
    const scale = 1 - k * k;
    const next = new Array<number>(n);
    for (let j = 0; j < n; j++) next[j] = (a[j]! - k * a[n - j]!) / scale;
    a = next;
  }
  return true;
}

/**
 * forecast's initstate(): [l, b?, s_0 .. s_{m-2}] (the last seasonal state is implied by
 * the seasonal states summing to 0, or to m when multiplicative).
 */
export function initialState(y: readonly number[], spec: EtsSpec, m: number): number[] {
  const n = y.length;
  let seasonalAdjusted: number[] = [...y];
  let initSeason: number[] = [];
  if (spec.season !== 'N') {
    let seasonal: number[];
    if (n < 4) throw new Error('ets: not enough data');
    if (n < 3 * m) {
      // Fourier regression y ~ 1 + t + sin(2 pi t / m) + cos(2 pi t / m).
      const rows = y.map((_, i) => {
        const t = i + 1;
        const row = [1, t];
        if (m > 2) row.push(Math.sin((2 * Math.PI * t) / m));
        row.push(Math.cos((2 * Math.PI * t) / m));
        return row;
      });
      const coef = leastSquares(rows, y);
      const trendLine = y.map((_, i) => coef[0]! + coef[1]! * (i + 1));
      seasonal =
        spec.season === 'A'
          ? y.map((v, i) => v - trendLine[i]!)
          : y.map((v, i) => v / trendLine[i]!);
    } else {
      seasonal = decompose(y, m, spec.season === 'A' ? 'additive' : 'multiplicative');
    }
    initSeason = seasonal.slice(1, m).reverse();
    if (spec.season === 'A') {
      seasonalAdjusted = y.map((v, i) => v - seasonal[i]!);
    } else {
      initSeason = initSeason.map((s) => Math.max(s, 1e-2));
      const total = initSeason.reduce((a, b) => a + b, 0);
      if (total > m) initSeason = initSeason.map((s) => s / (total + 1e-2 * initSeason.length));
      seasonalAdjusted = y.map((v, i) => v / Math.max(seasonal[i]!, 1e-2));
    }
  }
  const maxn = Math.min(Math.max(10, 2 * m), n);
  const head = seasonalAdjusted.slice(0, maxn);
  if (spec.trend === 'N') {
    return [head.reduce((a, b) => a + b, 0) / maxn, ...initSeason];
  }
  const coef = leastSquares(
    head.map((_, i) => [1, i + 1]),
    head,
  );
  let l0 = coef[0]!;
  let b0 = coef[1]!;
  if (Math.abs(l0 + b0) < 1e-8) {
    l0 *= 1 + 1e-3;
    b0 *= 1 + 1e-3;
  }
  return [l0, b0, ...initSeason];
}

/** R's decompose(): the seasonal component (length n) of a classical decomposition. */
export function decompose(
  y: readonly number[],
  m: number,
  type: 'additive' | 'multiplicative',
): number[] {
  const n = y.length;
  if (n < 2 * m) throw new Error('decompose: fewer than 2 periods');
  const weights =
    m % 2 === 0
      ? [0.5, ...new Array<number>(m - 1).fill(1), 0.5].map((w) => w / m)
      : new Array<number>(m).fill(1 / m);
  const half = Math.floor(weights.length / 2);
  const detrended = new Array<number>(n).fill(NaN);
  for (let i = half; i < n - (weights.length - 1 - half); i++) {
    let trend = 0;
    for (let j = 0; j < weights.length; j++) trend += weights[j]! * y[i - half + j]!;
    detrended[i] = type === 'additive' ? y[i]! - trend : y[i]! / trend;
  }
  const figure = new Array<number>(m).fill(0);
  for (let k = 0; k < m; k++) {
    let sum = 0;
    let count = 0;
    for (let i = k; i < n; i += m) {
      if (!Number.isNaN(detrended[i]!)) {
        sum += detrended[i]!;
        count++;
      }
    }
    figure[k] = sum / count;
  }
  const mean = figure.reduce((a, b) => a + b, 0) / m;
  const adjusted = figure.map((f) => (type === 'additive' ? f - mean : f / mean));
  return y.map((_, i) => adjusted[i % m]!);
}

/** Ordinary least squares by the normal equations (small, well-conditioned designs). */
function leastSquares(rows: readonly number[][], y: readonly number[]): number[] {
  const p = rows[0]!.length;
  const a = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  rows.forEach((row, r) => {
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) a[i]![j]! += row[i]! * row[j]!;
      a[i]![p]! += row[i]! * y[r]!;
    }
  });
  for (let c = 0; c < p; c++) {
    let pivot = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[pivot]![c]!)) pivot = r;
    [a[c], a[pivot]] = [a[pivot]!, a[c]!];
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const factor = a[r]![c]! / a[c]![c]!;
      for (let j = c; j <= p; j++) a[r]![j]! -= factor * a[c]![j]!;
    }
  }
  return a.map((row, i) => row[p]! / row[i]!);
}

/**
 * Point forecasts and normal prediction intervals for h steps, with forecast's analytical
 * variances (classes 1-3 of Hyndman et al. 2008, ch. 6).
 */
export function forecastEts(fit: EtsFit, h: number, levels: number[] = [80, 95]): EtsForecast {
  if (!Number.isInteger(h) || h < 1) throw new Error('ets: horizon must be a positive integer');
  const { spec } = fit;
  const { mean, variance } =
    spec.season === 'M' ? class3(fit, h) : spec.error === 'A' ? class1(fit, h) : class2(fit, h);
  const lower: Record<number, number[]> = {};
  const upper: Record<number, number[]> = {};
  for (const level of levels) {
    if (!(level > 0 && level < 100)) throw new Error(`ets: invalid level ${level}`);
    const z = Math.abs(qnorm((100 - level) / 200));
    lower[level] = mean.map((mu, i) => mu - z * Math.sqrt(variance[i]!));
    upper[level] = mean.map((mu, i) => mu + z * Math.sqrt(variance[i]!));
  }
  return { mean, variance, lower, upper };
}

function phiOf(fit: EtsFit): number {
  return fit.params.phi ?? 1;
}

/**
 * Additive error, additive components: mean and variance sigma2 (1 + sum c_j^2), with
 * c_j = H F^(j-1) G. (forecast 8.20's class1() puts gamma in the third row of G even when
 * there is no trend, which shifts the seasonal term of c_j by one step for A,N,A and M,N,A;
 * we keep the textbook G, so those intervals differ from R's by about 1e-4 at h = m, 2m.)
 */
function class1(fit: EtsFit, h: number): { mean: number[]; variance: number[]; c: number[] } {
  const { spec, m, lastState: x, params } = fit;
  const p = x.length;
  const trended = spec.trend !== 'N';
  const seasonal = spec.season !== 'N';
  const phi = phiOf(fit);
  // State transition F, measurement H, persistence G (forecast's class1()).
  const F = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const H = new Array<number>(p).fill(0);
  const G = new Array<number>(p).fill(0);
  F[0]![0] = 1;
  H[0] = 1;
  G[0] = params.alpha;
  if (trended) {
    F[0]![1] = phi;
    F[1]![1] = phi;
    H[1] = phi;
    G[1] = params.beta ?? 0;
  }
  if (seasonal) {
    H[p - 1] = 1;
    F[p - m]![p - 1] = 1;
    for (let i = 1; i < m; i++) F[p - m + i]![p - m + i - 1] = 1;
    G[p - m] = params.gamma ?? 0;
  }
  const mean: number[] = [];
  const c: number[] = [];
  let row = [...H]; // H F^(j-1)
  for (let j = 0; j < h; j++) {
    mean.push(dot(row, x));
    c.push(dot(row, G));
    const next = new Array<number>(p).fill(0);
    for (let a = 0; a < p; a++) {
      if (row[a] === 0) continue;
      for (let b = 0; b < p; b++) next[b]! += row[a]! * F[a]![b]!;
    }
    row = next;
  }
  const variance: number[] = [];
  let cum = 0;
  for (let j = 0; j < h; j++) {
    variance.push(fit.sigma2 * (1 + cum));
    cum += c[j]! ** 2;
  }
  return { mean, variance, c };
}

/** Multiplicative error, additive components. */
function class2(fit: EtsFit, h: number): { mean: number[]; variance: number[] } {
  const { mean, c } = class1(fit, h);
  const s2 = fit.sigma2;
  const theta: number[] = [mean[0]! ** 2];
  for (let j = 1; j < h; j++) {
    let sum = 0;
    for (let i = 0; i < j; i++) sum += c[i]! ** 2 * theta[j - 1 - i]!;
    theta.push(mean[j]! ** 2 + s2 * sum);
  }
  return { mean, variance: theta.map((t, j) => (1 + s2) * t - mean[j]! ** 2) };
}

/**
 * Multiplicative season (error M, trend N/A/Ad): forecast's class3(), including its use of
 * the transition [[1, 1], [0, phi]] for the level-trend block. That makes the point
 * forecasts of M,Ad,M (l + (1 + phi + ... + phi^(h-1)) b) s rather than the model's
 * (l + (phi + ... + phi^h) b) s, a difference of about 1e-4 relative: we keep R's numbers.
 */
function class3(fit: EtsFit, h: number): { mean: number[]; variance: number[] } {
  const { spec, m, lastState: x, params } = fit;
  const s2 = fit.sigma2;
  const q = spec.trend === 'N' ? 1 : 2;
  const alpha = params.alpha;
  const beta = params.beta ?? 0;
  const F1 =
    q === 1
      ? [[1]]
      : [
          [1, 1],
          [0, phiOf(fit)],
        ];
  const G1 =
    q === 1
      ? [[alpha]]
      : [
          [alpha, alpha],
          [beta, beta],
        ];
  const F2 = zeros(m, m);
  F2[0]![m - 1] = 1;
  for (let i = 1; i < m; i++) F2[i]![i - 1] = 1;
  const G2 = zeros(m, m);
  G2[0]![m - 1] = params.gamma ?? 0;
  const H1 = new Array<number>(q).fill(1);
  const H21 = kron([new Array<number>(m - 1).fill(0).concat([1])], [H1])[0]!;
  const F21 = kron(F2, F1);
  const G21 = kron(G2, G1);
  const K = add(kron(G2, F1), kron(F2, G1));
  let Mh = x.slice(0, q).map((a) => x.slice(q, q + m).map((b) => a * b));
  let Vh = zeros(q * m, q * m);
  const mean: number[] = [];
  const variance: number[] = [];
  for (let i = 0; i < h; i++) {
    let mu = 0;
    for (let a = 0; a < q; a++) mu += Mh[a]![m - 1]!;
    mean.push(mu);
    variance.push((1 + s2) * quad(H21, Vh) + s2 * mu * mu);
    // vec(Mh), column-major.
    const v: number[] = [];
    for (let c = 0; c < m; c++) for (let r = 0; r < q; r++) v.push(Mh[r]![c]!);
    const vv = v.map((a) => v.map((b) => a * b));
    const F21t = transpose(F21);
    const G21t = transpose(G21);
    const inner = add(
      add(mul(mul(F21, Vh), G21t), mul(mul(G21, Vh), F21t)),
      add(
        mul(mul(K, add(Vh, vv)), transpose(K)),
        scale(mul(mul(G21, add(scale(Vh, 3), scale(vv, 2))), G21t), s2),
      ),
    );
    Vh = add(mul(mul(F21, Vh), F21t), scale(inner, s2));
    Mh = add(mul(mul(F1, Mh), transpose(F2)), scale(mul(mul(G1, Mh), transpose(G2)), s2));
  }
  return { mean, variance };
}

type Matrix = number[][];
const zeros = (r: number, c: number): Matrix =>
  Array.from({ length: r }, () => new Array<number>(c).fill(0));
const transpose = (a: Matrix): Matrix => a[0]!.map((_, j) => a.map((row) => row[j]!));
const add = (a: Matrix, b: Matrix): Matrix => a.map((row, i) => row.map((v, j) => v + b[i]![j]!));
const scale = (a: Matrix, k: number): Matrix => a.map((row) => row.map((v) => v * k));
function mul(a: Matrix, b: Matrix): Matrix {
  const out = zeros(a.length, b[0]!.length);
  for (let i = 0; i < a.length; i++) {
    const ai = a[i]!;
    const oi = out[i]!;
    for (let k = 0; k < ai.length; k++) {
      const v = ai[k]!;
      if (v === 0) continue;
      const bk = b[k]!;
      for (let j = 0; j < bk.length; j++) oi[j]! += v * bk[j]!;
    }
  }
  return out;
}
function kron(a: Matrix, b: Matrix): Matrix {
  const rb = b.length;
  const cb = b[0]!.length;
  const out = zeros(a.length * rb, a[0]!.length * cb);
  a.forEach((row, i) =>
    row.forEach((v, j) => {
      for (let k = 0; k < rb; k++)
        for (let l = 0; l < cb; l++) out[i * rb + k]![j * cb + l] = v * b[k]![l]!;
    }),
  );
  return out;
}
function quad(h: number[], v: Matrix): number {
  let sum = 0;
  for (let i = 0; i < h.length; i++)
    for (let j = 0; j < h.length; j++) sum += h[i]! * v[i]![j]! * h[j]!;
  return sum;
}
const dot = (a: readonly number[], b: readonly number[]): number =>
  a.reduce((s, v, i) => s + v * b[i]!, 0);

/**
 * ETS chosen by AICc among `ets()`'s default models, as a model of the chooser
 * (models.ts). A series too short for any seasonal model is fitted without seasonality.
 *
 * In a series context (a backtest over many prefixes of one series), the form and initial
 * state are chosen once, by `fitEts` on the last `ETS_WINDOW` points of the context's
 * anchor prefix (the shortest, which ends before every backtest window), and each longer
 * prefix, from the same start, re-estimates only the smoothing parameters (`refitEts`): a
 * full choice costs 15 fits of up to 2000 likelihood evaluations, a refit about one of them.
 * Without a context, every call is `ets()` on the whole series, as R's.
 */
export const etsModel: NamedForecaster = {
  name: 'ets',
  description:
    'exponential smoothing state space model (error, trend, seasonality) chosen by AICc, as R forecast::ets',
  forecast: (train, h, m, context) => {
    const f = forecastEts(etsFitFor(train, m, context), h, [80, 95]);
    return {
      mean: f.mean,
      lower: { 80: f.lower[80]!, 95: f.lower[95]! },
      upper: { 80: f.upper[80]!, 95: f.upper[95]! },
    };
  },
};

/**
 * The most recent points the chooser's ETS is fitted on: a year of daily data. ETS forgets
 * old data within weeks (its states are exponentially weighted), so older history only
 * refines the estimates a year already pins down, at a cost that grows with it: on the
 * benchmark's series the full history and the last year forecast equally well (mean MASE
 * 0.715 and 0.714), and the year costs a third less.
 */
export const ETS_WINDOW = 365;

function etsFitFor(train: readonly number[], m: number, context?: SeriesContext): EtsFit {
  const fresh = (y: readonly number[]) => fitEts(y, { m: y.length >= 2 * m + 2 ? m : 1 });
  if (!context || train.length < context.anchor) return fresh(train);
  const start = Math.max(0, context.anchor - ETS_WINDOW);
  const anchor = context.keep(`ets|${context.anchor}|${m}`, () => {
    try {
      return fresh(context.y.slice(start, context.anchor));
    } catch {
      return undefined;
    }
  });
  if (!anchor) return fresh(train);
  if (train.length === context.anchor) return anchor;
  try {
    return refitEts(anchor, train.slice(start));
  } catch {
    return fresh(train); // e.g. a zero after the anchor under a multiplicative form
  }
}
