/**
 * STL: Seasonal-Trend decomposition by Loess (Cleveland, Cleveland, McRae and Terpenning,
 * "STL: A Seasonal-Trend Decomposition Procedure Based on Loess", J. Official Statistics
 * 6(1), 1990), written to give the numbers of R's `stats::stl` (which runs the authors'
 * Fortran): the same defaults, window rounding, jumps, end extrapolation, robustness
 * weights and the "periodic" special case. Golden test: test/analysis/anomaly/stl.test.ts.
 *
 * Positions inside the smoothers are 1-based, as in the paper: the loess abscissa of the
 * i-th value is i, and arrays hold that value at index i - 1.
 */
import { InputRejectedError } from '#platform/errors.ts';

export interface StlOptions {
  /** Seasonal smoothing span (odd, in cycles), or 'periodic' for a fixed seasonal pattern. */
  sWindow?: number | 'periodic';
  /** Degree of the seasonal loess ('periodic' forces 0). @default 0 */
  sDegree?: 0 | 1;
  /** @default nextodd(ceiling(1.5 * period / (1 - 1.5 / sWindow))) */
  tWindow?: number;
  /** @default 1 */
  tDegree?: 0 | 1;
  /** Span of the low-pass filter's loess. @default nextodd(period) */
  lWindow?: number;
  /** @default tDegree */
  lDegree?: 0 | 1;
  /** Loess is evaluated every sJump points and interpolated between. @default ceil(sWindow / 10) */
  sJump?: number;
  /** @default ceil(tWindow / 10) */
  tJump?: number;
  /** @default ceil(lWindow / 10) */
  lJump?: number;
  /**
   * Only changes the defaults of `inner` and `outer`. The weights scale with the residuals,
   * so on a series the fit matches exactly they follow rounding noise (in R as well).
   * @default false
   */
  robust?: boolean;
  /** Passes of the inner loop. @default robust ? 1 : 2 */
  inner?: number;
  /** Robustness iterations (0: none, every weight 1). @default robust ? 15 : 0 */
  outer?: number;
}

/** The parameters as R's `stl` object reports them (`win`, `deg`, `jump`, `inner`, `outer`). */
export interface StlParameters {
  periodic: boolean;
  sWindow: number;
  sDegree: 0 | 1;
  tWindow: number;
  tDegree: 0 | 1;
  lWindow: number;
  lDegree: 0 | 1;
  sJump: number;
  tJump: number;
  lJump: number;
  inner: number;
  outer: number;
}

export interface StlResult {
  seasonal: number[];
  trend: number[];
  /** x - seasonal - trend. */
  remainder: number[];
  /** Robustness weights of the last pass, in [0, 1]; all 1 when `outer` is 0. */
  weights: number[];
}

const OPTION_KEYS = new Set<string>([
  'sWindow',
  'sDegree',
  'tWindow',
  'tDegree',
  'lWindow',
  'lDegree',
  'sJump',
  'tJump',
  'lJump',
  'robust',
  'inner',
  'outer',
]);

/**
 * Decompose `x` into seasonal + trend + remainder with a seasonal cycle of `period` points.
 * Matches R's `stl(ts(x, frequency = period), ...)` with the same arguments.
 *
 * @example
 * const { seasonal, trend, remainder } = stl(monthly, 12, { sWindow: 'periodic' });
 */
export function stl(x: readonly number[], period: number, options: StlOptions = {}): StlResult {
  const p = resolveStlOptions(x, period, options);
  const { seasonal, trend, weights } = stlCore(x, period, p);
  const finalSeasonal = p.periodic ? cycleMeans(seasonal, period) : seasonal;
  return {
    seasonal: Array.from(finalSeasonal),
    trend: Array.from(trend),
    remainder: x.map((v, i) => v - finalSeasonal[i]! - trend[i]!),
    weights: Array.from(weights),
  };
}

/** Check the series and options, and fill in R's defaults (reported as R reports them). */
export function resolveStlOptions(
  x: readonly number[],
  period: number,
  options: StlOptions = {},
): StlParameters {
  const unknown = Object.keys(options).filter((k) => !OPTION_KEYS.has(k));
  if (unknown.length > 0) reject(`unknown option(s) ${unknown.join(', ')}`);
  if (!Number.isInteger(period) || period < 2) {
    reject(`period must be an integer of at least 2, got ${period}`);
  }
  const n = x.length;
  if (n <= 2 * period) {
    reject(`${n} points, need more than two periods (more than ${2 * period})`);
  }
  const bad = x.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) reject(`x[${bad}] is ${x[bad]}: missing or non-finite values are not allowed`);

  const { sWindow: sw, robust = false } = options;
  if (sw === undefined) reject("sWindow is required (a window or 'periodic')");
  if (typeof robust !== 'boolean') reject('robust must be true or false');
  // As R: 'periodic' is a window far wider than the series, of degree 0.
  const periodic = sw === 'periodic';
  const sWindow = periodic ? 10 * n + 1 : window('sWindow', sw);
  const sDegree = periodic ? 0 : degree('sDegree', options.sDegree ?? 0);
  const tWindow =
    options.tWindow === undefined
      ? nextOdd(Math.ceil((1.5 * period) / (1 - 1.5 / sWindow)))
      : window('tWindow', options.tWindow);
  const tDegree = degree('tDegree', options.tDegree ?? 1);
  const lWindow =
    options.lWindow === undefined ? nextOdd(period) : window('lWindow', options.lWindow);
  const lDegree = degree('lDegree', options.lDegree ?? tDegree);
  return {
    periodic,
    sWindow,
    sDegree,
    tWindow,
    tDegree,
    lWindow,
    lDegree,
    // R takes the jumps from the windows as given, before they are rounded up to odd.
    sJump: count('sJump', options.sJump ?? Math.ceil(sWindow / 10), 1),
    tJump: count('tJump', options.tJump ?? Math.ceil(tWindow / 10), 1),
    lJump: count('lJump', options.lJump ?? Math.ceil(lWindow / 10), 1),
    inner: count('inner', options.inner ?? (robust ? 1 : 2), 1),
    outer: count('outer', options.outer ?? (robust ? 15 : 0), 0),
  };
}

function reject(message: string): never {
  throw new InputRejectedError(`stl: ${message}`);
}

function window(name: string, value: unknown): number {
  // R accepts 1 too, but then its default tWindow goes negative; 2 is rounded up to 3.
  return count(name, value, 2);
}

function count(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    reject(`${name} must be an integer of at least ${min}, got ${String(value)}`);
  }
  return value;
}

function degree(name: string, value: unknown): 0 | 1 {
  if (value !== 0 && value !== 1) reject(`${name} must be 0 or 1, got ${String(value)}`);
  return value;
}

/** R's nextodd: an even window becomes the next odd one. */
function nextOdd(v: number): number {
  const r = Math.round(v);
  return r % 2 === 0 ? r + 1 : r;
}

/** The Fortran's spans: at least 3, and odd (an even span is rounded up). */
function span(window: number): number {
  const w = Math.max(3, window);
  return w % 2 === 0 ? w + 1 : w;
}

interface Spans {
  period: number;
  ns: number;
  nt: number;
  nl: number;
}

/** The outer loop (stl.f's stl): inner passes, then robustness weights from the fit, repeated. */
function stlCore(
  x: readonly number[],
  period: number,
  p: StlParameters,
): { seasonal: Float64Array; trend: Float64Array; weights: Float64Array } {
  const n = x.length;
  const y = Float64Array.from(x);
  const spans = { period, ns: span(p.sWindow), nt: span(p.tWindow), nl: span(p.lWindow) };
  const seasonal = new Float64Array(n);
  const trend = new Float64Array(n);
  let weights: Float64Array | undefined;
  for (let k = 0; ; k++) {
    innerLoop(y, spans, p, weights, seasonal, trend);
    if (k >= p.outer) break;
    weights = robustnessWeights(y, seasonal, trend);
  }
  return { seasonal, trend, weights: weights ?? new Float64Array(n).fill(1) };
}

/** The inner loop (stlstp): updates `seasonal` and `trend` in place. */
function innerLoop(
  y: Float64Array,
  s: Spans,
  p: StlParameters,
  rw: Float64Array | undefined,
  seasonal: Float64Array,
  trend: Float64Array,
): void {
  const n = y.length;
  const np = s.period;
  for (let pass = 0; pass < p.inner; pass++) {
    const detrended = y.map((v, i) => v - trend[i]!);
    // Cycle-subseries smoothing, extended one period at each end (length n + 2 np).
    const c = cycleSubseriesSmooth(detrended, np, s.ns, p.sDegree, p.sJump, rw);
    // The low-pass filter removes what the subseries smoothing left of the trend.
    const lowPass = loess(lowPassFilter(c, np), s.nl, p.lDegree, p.lJump, undefined);
    for (let i = 0; i < n; i++) seasonal[i] = c[np + i]! - lowPass[i]!;
    const deseasonalized = y.map((v, i) => v - seasonal[i]!);
    trend.set(loess(deseasonalized, s.nt, p.tDegree, p.tJump, rw));
  }
}

/**
 * stlss: smooth each cycle-subseries (every np-th value) with loess, and extrapolate it
 * one cycle before the start and one after the end. Returns length n + 2 np.
 */
function cycleSubseriesSmooth(
  y: Float64Array,
  np: number,
  ns: number,
  deg: 0 | 1,
  jump: number,
  rw: Float64Array | undefined,
): Float64Array {
  const n = y.length;
  const out = new Float64Array(n + 2 * np);
  for (let j = 0; j < np; j++) {
    const k = Math.floor((n - 1 - j) / np) + 1;
    const sub = new Float64Array(k);
    const subRw = rw && new Float64Array(k);
    for (let i = 0; i < k; i++) {
      sub[i] = y[i * np + j]!;
      if (subRw) subRw[i] = rw[i * np + j]!;
    }
    const smooth = loess(sub, ns, deg, jump, subRw);
    const scratch = new Float64Array(k);
    // Positions 0 and k + 1: the loess line continued past each end.
    const first = loessPoint(sub, ns, deg, 0, 1, Math.min(ns, k), scratch, subRw);
    const last = loessPoint(sub, ns, deg, k + 1, Math.max(1, k - ns + 1), k, scratch, subRw);
    out[j] = first ?? smooth[0]!;
    for (let i = 0; i < k; i++) out[(i + 1) * np + j] = smooth[i]!;
    out[(k + 1) * np + j] = last ?? smooth[k - 1]!;
  }
  return out;
}

/** stlfts: moving averages of lengths np, np and 3; the result is 2 np shorter than `x`. */
function lowPassFilter(x: Float64Array, np: number): Float64Array {
  return movingAverage(movingAverage(movingAverage(x, np), np), 3);
}

/** stlma: the running mean of `len` values, updated by adding and dropping one value. */
function movingAverage(x: Float64Array, len: number): Float64Array {
  const out = new Float64Array(x.length - len + 1);
  let sum = 0;
  for (let i = 0; i < len; i++) sum += x[i]!;
  out[0] = sum / len;
  for (let j = 1; j < out.length; j++) {
    sum = sum - x[j - 1]! + x[j + len - 1]!;
    out[j] = sum / len;
  }
  return out;
}

/**
 * stless: loess of span `len` (odd) and degree `deg` at every position, computed every
 * `jump` points (and at the last point) and linearly interpolated between them.
 */
function loess(
  y: Float64Array,
  len: number,
  deg: 0 | 1,
  jump: number,
  rw: Float64Array | undefined,
): Float64Array {
  const n = y.length;
  const ys = new Float64Array(n);
  if (n < 2) {
    ys[0] = y[0]!;
    return ys;
  }
  const step = Math.min(jump, n - 1);
  const half = (len + 1) >> 1;
  const w = new Float64Array(n);
  const fit = (i: number, nleft: number, nright: number) => {
    ys[i - 1] = loessPoint(y, len, deg, i, nleft, nright, w, rw) ?? y[i - 1]!;
  };
  // The window of the last point fitted, reused for the last point when jumping.
  let nleft = 1;
  let nright = Math.min(len, n);
  if (len >= n) {
    nright = n;
    for (let i = 1; i <= n; i += step) fit(i, nleft, nright);
  } else if (step === 1) {
    for (let i = 1; i <= n; i++) {
      // Slide the window while the point is past its middle and the end is not reached.
      if (i > half && nright !== n) {
        nleft++;
        nright++;
      }
      fit(i, nleft, nright);
    }
  } else {
    for (let i = 1; i <= n; i += step) {
      if (i < half) [nleft, nright] = [1, len];
      else if (i >= n - half + 1) [nleft, nright] = [n - len + 1, n];
      else [nleft, nright] = [i - half + 1, len + i - half];
      fit(i, nleft, nright);
    }
  }
  if (step === 1) return ys;
  for (let i = 1; i <= n - step; i += step) interpolate(ys, i, i + step);
  const lastFitted = Math.floor((n - 1) / step) * step + 1;
  if (lastFitted !== n) {
    fit(n, nleft, nright);
    if (lastFitted !== n - 1) interpolate(ys, lastFitted, n);
  }
  return ys;
}

/** Straight line between the fitted 1-based positions `a` and `b`. */
function interpolate(ys: Float64Array, a: number, b: number): void {
  const delta = (ys[b - 1]! - ys[a - 1]!) / (b - a);
  for (let j = a + 1; j < b; j++) ys[j - 1] = ys[a - 1]! + (j - a) * delta;
}

/**
 * stlest: the loess fit at abscissa `xs` from the points nleft..nright (1-based), with
 * tricube distance weights times the robustness weights. Undefined when all weights are 0.
 * `w` is scratch space of at least nright values.
 */
function loessPoint(
  y: Float64Array,
  len: number,
  deg: 0 | 1,
  xs: number,
  nleft: number,
  nright: number,
  w: Float64Array,
  rw: Float64Array | undefined,
): number | undefined {
  const n = y.length;
  const range = n - 1;
  let h = Math.max(xs - nleft, nright - xs);
  // A span longer than the series widens the bandwidth, as if the series were padded.
  if (len > n) h += Math.floor((len - n) / 2);
  const h9 = 0.999 * h;
  const h1 = 0.001 * h;
  let a = 0;
  for (let j = nleft; j <= nright; j++) {
    const r = Math.abs(j - xs);
    let wj = 0;
    if (r <= h9) {
      wj = r <= h1 ? 1 : tricube(r / h);
      if (rw) wj *= rw[j - 1]!;
      a += wj;
    }
    w[j - 1] = wj;
  }
  if (a <= 0) return undefined;
  for (let j = nleft; j <= nright; j++) w[j - 1]! /= a;
  if (h > 0 && deg > 0) tiltForSlope(w, xs, nleft, nright, range);
  let ys = 0;
  for (let j = nleft; j <= nright; j++) ys += w[j - 1]! * y[j - 1]!;
  return ys;
}

/** (1 - u^3)^3, with the powers as products (as the Fortran's **3 compiles). */
function tricube(u: number): number {
  const v = 1 - u * u * u;
  return v * v * v;
}

/**
 * Turn the normalized weights of a local mean into those of a local line (degree 1),
 * unless the points are too close together (weighted spread <= 0.001 of the range).
 */
function tiltForSlope(
  w: Float64Array,
  xs: number,
  nleft: number,
  nright: number,
  range: number,
): void {
  let center = 0;
  for (let j = nleft; j <= nright; j++) center += w[j - 1]! * j;
  let b = xs - center;
  let c = 0;
  for (let j = nleft; j <= nright; j++) c += w[j - 1]! * (j - center) * (j - center);
  if (Math.sqrt(c) <= 0.001 * range) return;
  b /= c;
  for (let j = nleft; j <= nright; j++) w[j - 1]! *= b * (j - center) + 1;
}

/**
 * stlrwt: bisquare weights of the residuals y - (seasonal + trend), scaled by six times
 * their "median" absolute value; residuals beyond it get weight 0.
 */
function robustnessWeights(
  y: Float64Array,
  seasonal: Float64Array,
  trend: Float64Array,
): Float64Array {
  const n = y.length;
  const r = y.map((v, i) => Math.abs(v - (trend[i]! + seasonal[i]!)));
  // R's Fortran asks its partial sort for the two middle positions in descending order,
  // which that sort does not expect: for even n one of the two values it reads may not be
  // the order statistic. Replaying the same partial sort gives R's scale, not the median's.
  const mid1 = (n >> 1) + 1;
  const mid2 = n - mid1 + 1;
  const partial = partialSortLikeStl(Float64Array.from(r), [mid1, mid2]);
  const cmad = 3 * (partial[mid1 - 1]! + partial[mid2 - 1]!);
  const c9 = 0.999 * cmad;
  const c1 = 0.001 * cmad;
  return r.map((ri) => {
    if (ri <= c1) return 1;
    if (ri > c9) return 0;
    const u = ri / cmad;
    const v = 1 - u * u;
    return v * v;
  });
}

/**
 * stl.f's psort: Singleton's quicksort (CACM Algorithm 347: median-of-three pivot,
 * insertion sort below 11 values) that only descends into the parts holding the wanted
 * 1-based positions `ind`, assumed ascending. Sorts `a` in place (partially) and returns it.
 */
function partialSortLikeStl(a: Float64Array, ind: readonly number[]): Float64Array {
  const n = a.length;
  if (n < 2 || ind.length === 0) return a;
  // 1-based access, as the positions are.
  const at = (k: number) => a[k - 1]!;
  const put = (k: number, v: number) => {
    a[k - 1] = v;
  };
  // Pending segments [i, j] with the range [jl, ju] of `ind` entries that fall in them.
  const stack: { i: number; j: number; jl: number; ju: number }[] = [];
  let i = 1;
  let j = n;
  let jl = 1;
  let ju = ind.length;
  for (;;) {
    if (jl <= ju && i < j) {
      // Segments of 11 or more values, and any segment starting at 1 (insertion sort
      // needs a smaller value to its left to stop on), are partitioned.
      if (j - i > 10 || i === 1) {
        const [l, k] = partition(at, put, i, j);
        // Keep the smaller part, push the larger with the wanted positions it holds.
        if (l - i <= j - k) {
          const pushed = { i: k, j, jl, ju };
          j = l;
          while (jl <= ju && ind[ju - 1]! > j) ju--;
          pushed.jl = ju + 1;
          stack.push(pushed);
        } else {
          const pushed = { i, j: l, jl, ju };
          i = k;
          while (jl <= ju && ind[jl - 1]! < i) jl++;
          pushed.ju = jl - 1;
          stack.push(pushed);
        }
        continue;
      }
      insertionSort(at, put, i, j);
    }
    const next = stack.pop();
    if (!next) return a;
    ({ i, j, jl, ju } = next);
  }
}

/**
 * Singleton's partition of [i, j] around the median of a(i), a(middle), a(j): afterwards
 * a(i..l) <= t <= a(k..j). Returns [l, k].
 */
function partition(
  at: (k: number) => number,
  put: (k: number, v: number) => void,
  i: number,
  j: number,
): [number, number] {
  const ij = (i + j) >> 1;
  let t = at(ij);
  if (at(i) > t) {
    put(ij, at(i));
    put(i, t);
    t = at(ij);
  }
  if (at(j) < t) {
    put(ij, at(j));
    put(j, t);
    t = at(ij);
    if (at(i) > t) {
      put(ij, at(i));
      put(i, t);
      t = at(ij);
    }
  }
  let k = i;
  let l = j;
  for (;;) {
    do l--;
    while (at(l) > t);
    const tt = at(l);
    do k++;
    while (at(k) < t);
    if (k > l) return [l, k];
    put(l, at(k));
    put(k, tt);
  }
}

/** Straight insertion sort of [i, j]; a(i - 1) <= every value, so the scan stops there. */
function insertionSort(
  at: (k: number) => number,
  put: (k: number, v: number) => void,
  i: number,
  j: number,
): void {
  for (let m = i; m < j; m++) {
    const t = at(m + 1);
    if (at(m) <= t) continue;
    let k = m;
    do {
      put(k + 1, at(k));
      k--;
    } while (t < at(k));
    put(k + 1, t);
  }
}

/** R's "periodic" finish: each value of the seasonal becomes the mean of its cycle position. */
function cycleMeans(seasonal: Float64Array, period: number): Float64Array {
  const means = Array.from({ length: period }, (_, j) => {
    const values = seasonal.filter((_, i) => i % period === j);
    return meanLikeR(values);
  });
  return seasonal.map((_, i) => means[i % period]!);
}

/** The mean with R's correction pass (R sums in long double, then adds the mean residual). */
function meanLikeR(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  const m = sum / values.length;
  let residual = 0;
  for (const v of values) residual += v - m;
  return m + residual / values.length;
}
