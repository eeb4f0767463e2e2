/**
 * The studentized range distribution: the range of k independent standard normal values
 * divided by an independent estimate s of their standard deviation with `df` degrees of
 * freedom (s^2 ~ chi-squared(df) / df). Its upper tail is the p-value of Tukey's HSD and of
 * Games-Howell; its quantile gives their confidence intervals.
 *
 * Method (the double integral of Copenhaver and Holland 1988, which R's ptukey follows):
 * the probability that the range of k normals exceeds w is an integral over the smallest
 * value z,
 *
 *   P(R > w) = k ∫ φ(z) [Q(z)^(k-1) - (Q(z) - Q(z + w))^(k-1)] dz,   Q = normal upper tail,
 *
 * and the studentized range's tail averages it over the distribution of s,
 *
 *   P(Q_{k,df} > q) = ∫ f_df(s) P(R > q s) ds.
 *
 * Unlike ptukey and scipy, which integrate the lower tail and return 1 - cdf (so a p-value
 * below about 1e-10 keeps no correct digit), the upper tail is integrated directly: the
 * bracket is written Q(z)^(k-1) (1 - (1 - r)^(k-1)) with r = Q(z + w) / Q(z), by log1p and
 * expm1, so a p-value of 1e-270 keeps its digits.
 *
 * - The inner integral: composite 16-point Gauss-Legendre on unit panels of z, walked from
 *   z = -w/2 outwards until a panel adds less than 1e-17 of the total.
 * - For a given k, ln P(R > w) + w^2 / 4 (smooth, of size ln w) is tabulated lazily as a
 *   16-term Chebyshev series on each panel of width 1/2 of w in [0, 56), from the inner
 *   integral at the Chebyshev nodes (taken in logarithms with e^(w²/4) folded in, so it
 *   keeps its digits down to the smallest double); beyond w = 56, P(R > w) < k² 1e-343
 *   and counts as 0.
 *   The series' derivative gives R's density, for the quantile's Newton steps.
 * - The outer integral runs over t = ln s: 16-point Gauss-Legendre panels walked from the
 *   integrand's peak outwards until a panel adds less than 1e-17 of the total, each panel
 *   halved until its two halves agree with the whole to 1e-14 of the total.
 *
 * Accuracy (test/analysis/groups/studentized-range.test.ts): within 1.2e-12 relative of an
 * independent double adaptive quadrature of the same upper tail (scipy.integrate.quad in
 * test/fixtures/golden/groups/make_groups.py) at 18 points with 2 <= k <= 100, 1 <= df and
 * p from 0.9 down to 2.5e-273; within 3.1e-8 relative of scipy.stats.studentized_range.sf
 * at 320 grid points where p >= 1e-4 (the difference is scipy's: its sf is 1 - cdf with an
 * absolute error up to about 1e-10, which is also why its smaller p-values are off); the
 * quantile within 2.1e-11 of scipy's ppf. Cost: 0.2 to 0.6 ms a tail and 1 to 4 ms a
 * quantile once a k's table panels exist (about 2 ms each, built on first use).
 *
 * As scipy does, df >= 100,000 uses the infinite-df form P(R > q) (R's ptukey switches at
 * 25,000). The step is small next to sampling error but not nothing: at df = 99,999 against
 * infinite df, p = 0.096 moves by 9e-5 of itself and p = 7e-7 by 3e-3.
 */
import { logGamma, normalUpper } from '#analysis/stats/distributions.ts';

/** Degrees of freedom from which the infinite-df form is used, as in scipy. */
export const INFINITE_DF = 100_000;

/** Gauss-Legendre nodes and weights on [-1, 1] (Newton on the Legendre polynomial). */
function gaussLegendre(n: number): { x: number[]; w: number[] } {
  const x = new Array<number>(n).fill(0);
  const w = new Array<number>(n).fill(0);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let derivative = 1;
    for (let iteration = 0; iteration < 100; iteration++) {
      let p0 = 1;
      let p1 = z;
      for (let j = 2; j <= n; j++) {
        const p2 = ((2 * j - 1) * z * p1 - (j - 1) * p0) / j;
        p0 = p1;
        p1 = p2;
      }
      derivative = (n * (z * p1 - p0)) / (z * z - 1);
      const step = p1 / derivative;
      z -= step;
      if (Math.abs(step) < 1e-16) break;
    }
    x[i] = -z;
    x[n - 1 - i] = z;
    w[i] = w[n - 1 - i] = 2 / ((1 - z * z) * derivative * derivative);
  }
  return { x, w };
}

const GL = gaussLegendre(16);
const NODES = GL.x.length;

/** A panel adds less than this share of the total: the walk in that direction stops. */
const NEGLIGIBLE = 1e-17;
/** A panel is split until its halves agree with it to this share of the total ... */
const PANEL_TOLERANCE = 1e-14;
/** ... at most this many times, and with at most this many rules for one tail. */
const MAX_DEPTH = 12;
const MAX_RULES = 4000;
/** Beyond |z| = 40 the normal density and upper tail underflow: nothing is left to add. */
const Z_LIMIT = 40;
const LOG_PHI_SCALE = -0.5 * Math.log(2 * Math.PI);

/** ln φ(z), Q(z) and ln Q(z) at the nodes of each unit panel [m, m + 1] of z, computed once. */
interface ZPanel {
  z: Float64Array;
  weight: Float64Array;
  logPhi: Float64Array;
  upper: Float64Array;
  logUpper: Float64Array;
}
const zPanels = new Map<number, ZPanel>();

function zPanel(m: number): ZPanel {
  const cached = zPanels.get(m);
  if (cached) return cached;
  const panel: ZPanel = {
    z: new Float64Array(NODES),
    weight: new Float64Array(NODES),
    logPhi: new Float64Array(NODES),
    upper: new Float64Array(NODES),
    logUpper: new Float64Array(NODES),
  };
  for (let i = 0; i < NODES; i++) {
    const z = m + 0.5 + 0.5 * GL.x[i]!;
    const upper = normalUpper(z);
    panel.z[i] = z;
    panel.weight[i] = 0.5 * GL.w[i]!;
    panel.logPhi[i] = LOG_PHI_SCALE - (z * z) / 2;
    panel.upper[i] = upper;
    panel.logUpper[i] = Math.log(upper);
  }
  zPanels.set(m, panel);
  return panel;
}

/**
 * P(R > w) for the range R of k standard normal values, by the integral over the smallest
 * value z (the module's comment). About 50 to 150 microseconds; `rangeTail` is the fast,
 * tabulated form of the same.
 */
export function rangeTailDirect(w: number, k: number): number {
  if (!(k >= 2) || Number.isNaN(w)) return NaN;
  if (!(w > 0)) return 1;
  if (w === Infinity) return 0;
  return Math.min(1, scaledRangeTail(w, k) * Math.exp((-w * w) / 4));
}

/**
 * e^(w²/4) P(R > w), for w > 0: the integrand is taken in logarithms with e^(w²/4) folded
 * in, so the tail keeps its digits where P(R > w) itself is below the smallest double.
 */
function scaledRangeTail(w: number, k: number): number {
  const shift = (w * w) / 4 + Math.log(k);
  const lowest = -Z_LIMIT;
  const highest = Z_LIMIT - 1;
  const start = Math.min(highest, Math.max(lowest, Math.floor(-w / 2)));
  // One panel's contribution, and the integrand at its first and last node.
  const panel = (m: number): [number, number, number] => {
    const p = zPanel(m);
    let sum = 0;
    let first = 0;
    let last = 0;
    for (let i = 0; i < NODES; i++) {
      const upper = p.upper[i]!;
      let value = 0;
      if (upper > 0) {
        // Rounding can put Q(z + w) a hair above Q(z) when w is tiny.
        const r = Math.min(upper, normalUpper(p.z[i]! + w)) / upper;
        // k φ(z) Q(z)^(k-1) (1 - (1 - r)^(k-1)): all others above z, one above z + w.
        value =
          Math.exp(shift + p.logPhi[i]! + (k - 1) * p.logUpper[i]!) *
          -Math.expm1((k - 1) * Math.log1p(-r));
      }
      sum += p.weight[i]! * value;
      if (i === 0) first = value;
      if (i === NODES - 1) last = value;
    }
    return [sum, first, last];
  };
  let total = 0;
  for (let m = start; m >= lowest; m--) {
    const [sum, first, last] = panel(m);
    total += sum;
    if (first <= last && sum <= NEGLIGIBLE * total) break;
  }
  for (let m = start + 1; m <= highest; m++) {
    const [sum, first, last] = panel(m);
    total += sum;
    if (last <= first && sum <= NEGLIGIBLE * total) break;
  }
  return total;
}

/** Chebyshev tables of ln P(R > w) + w^2 / 4 per k, panels of W_PANEL filled on first use. */
const W_PANEL = 0.5;
const W_LIMIT = 56;
const CHEB = 16;
const CHEB_NODES = Array.from({ length: CHEB }, (_, j) => Math.cos((Math.PI * (j + 0.5)) / CHEB));
const MAX_TABLES = 32;
const tables = new Map<number, (Float64Array | undefined)[]>();

function chebyshevPanel(k: number, index: number): Float64Array {
  let table = tables.get(k);
  if (!table) {
    if (tables.size >= MAX_TABLES) tables.clear();
    table = [];
    tables.set(k, table);
  }
  const cached = table[index];
  if (cached) return cached;
  const a = index * W_PANEL;
  const values = CHEB_NODES.map((x) => {
    const w = a + (W_PANEL / 2) * (x + 1);
    return Math.log(scaledRangeTail(w, k));
  });
  const coefficients = new Float64Array(CHEB);
  for (let m = 0; m < CHEB; m++) {
    let sum = 0;
    for (let j = 0; j < CHEB; j++) sum += values[j]! * Math.cos((Math.PI * m * (j + 0.5)) / CHEB);
    coefficients[m] = ((m === 0 ? 1 : 2) * sum) / CHEB;
  }
  table[index] = coefficients;
  return coefficients;
}

/** A tail probability and the density at the same point. */
export interface TailAndDensity {
  sf: number;
  pdf: number;
}

/**
 * P(R > w) for the range R of k standard normal values, and R's density at w: the
 * studentized range with infinite degrees of freedom. Tabulated per k (module comment).
 */
export function rangeTail(w: number, k: number): TailAndDensity {
  if (!(k >= 2) || Number.isNaN(w)) return { sf: NaN, pdf: NaN };
  if (!(w > 0)) return { sf: 1, pdf: 0 };
  if (w >= W_LIMIT) return { sf: 0, pdf: 0 };
  const index = Math.floor(w / W_PANEL);
  const c = chebyshevPanel(k, index);
  const x = (2 * (w - index * W_PANEL)) / W_PANEL - 1;
  // Clenshaw for the series g(x) and its derivative g'(x) together.
  let b1 = 0;
  let b2 = 0;
  let d1 = 0;
  let d2 = 0;
  for (let m = CHEB - 1; m >= 1; m--) {
    const b = 2 * x * b1 - b2 + c[m]!;
    const d = 2 * x * d1 - d2 + 2 * b1;
    b2 = b1;
    b1 = b;
    d2 = d1;
    d1 = d;
  }
  const g = x * b1 - b2 + c[0]!;
  const dg = x * d1 - d2 + b1;
  const sf = Math.min(1, Math.exp(g - (w * w) / 4));
  // d/dw ln P(R > w) = g'(w) - w / 2, with dx/dw = 2 / W_PANEL.
  const pdf = Math.max(0, sf * (w / 2 - (dg * 2) / W_PANEL));
  return { sf, pdf };
}

/**
 * P(Q > q) for the studentized range with k groups and df degrees of freedom (scipy's
 * `studentized_range.sf(q, k, df)`, R's `ptukey(q, k, df, lower.tail = FALSE)`), and its
 * density at q. NaN for k < 2, df <= 0 or q NaN; df >= INFINITE_DF (or Infinity) uses the
 * infinite-df form.
 */
export function studentizedRangeTail(q: number, k: number, df: number): TailAndDensity {
  if (!(k >= 2) || !(df > 0) || Number.isNaN(q)) return { sf: NaN, pdf: NaN };
  if (q <= 0) return { sf: 1, pdf: 0 };
  if (q === Infinity) return { sf: 0, pdf: 0 };
  if (df >= INFINITE_DF) return rangeTail(q, k);

  // The density of t = ln s, where s^2 ~ chi-squared(df) / df:
  // ln(s f(s)) = ln 2 + (df/2) ln(df/2) - ln Γ(df/2) + df t - df e^(2t) / 2.
  const half = df / 2;
  const logConstant = Math.LN2 + half * Math.log(half) - logGamma(half) - half;
  const integrand = (t: number): [number, number] => {
    const density = Math.exp(logConstant - half * (Math.expm1(2 * t) - 2 * t));
    if (density === 0) return [0, 0];
    const s = Math.exp(t);
    const range = rangeTail(q * s, k);
    return [density * range.sf, density * s * range.pdf];
  };
  // One Gauss-Legendre panel: the tail and density contributions, the integrand at its
  // first and last node.
  const rule = (a: number, b: number): [number, number, number, number] => {
    const mid = (a + b) / 2;
    const halfWidth = (b - a) / 2;
    let sf = 0;
    let pdf = 0;
    let first = 0;
    let last = 0;
    for (let i = 0; i < NODES; i++) {
      const [value, density] = integrand(mid + halfWidth * GL.x[i]!);
      sf += GL.w[i]! * value;
      pdf += GL.w[i]! * density;
      if (i === 0) first = value;
      if (i === NODES - 1) last = value;
    }
    return [sf * halfWidth, pdf * halfWidth, first, last];
  };
  let sf = 0;
  let pdf = 0;
  let budget = MAX_RULES;
  // A panel, halved until its halves agree with it (the integrand turns sharply where
  // P(R > q s) starts to fall, more sharply the larger k), at most MAX_DEPTH times and
  // MAX_RULES rules in all: past that the halves stand as they are.
  const adaptive = (
    a: number,
    b: number,
    whole: [number, number],
    depth: number,
  ): [number, number] => {
    const mid = (a + b) / 2;
    const left = rule(a, mid);
    const right = rule(mid, b);
    const halves: [number, number] = [left[0] + right[0], left[1] + right[1]];
    budget -= 2;
    if (
      depth >= MAX_DEPTH ||
      budget <= 0 ||
      !Number.isFinite(halves[0]) ||
      Math.abs(halves[0] - whole[0]) <= PANEL_TOLERANCE * (sf + Math.abs(halves[0]))
    )
      return halves;
    const l = adaptive(a, mid, [left[0], left[1]], depth + 1);
    const r = adaptive(mid, b, [right[0], right[1]], depth + 1);
    return [l[0] + r[0], l[1] + r[1]];
  };
  const panel = (a: number, b: number): [number, number, number, number] => {
    const whole = rule(a, b);
    const [s, d] = adaptive(a, b, [whole[0], whole[1]], 0);
    sf += s;
    pdf += d;
    return [s, d, whole[2], whole[3]];
  };

  // The product's peak: ln P(R > w) falls like -w^2 / 4, so it moves from s = 1 towards
  // s^2 = df / (df + q^2 / 2); its width in t is about 1 / sqrt(2 df) either way.
  // (As -ln hypot(1, q / sqrt(2 df)): q^2 itself overflows beyond 1.3e154.)
  const start = -Math.log(Math.hypot(1, q / Math.sqrt(2 * df)));
  const width = Math.min(0.25, 3 / Math.sqrt(2 * df));
  // On the left the integrand falls only like e^(df t): panels may widen up to 8 / df.
  const widest = Math.max(width, 8 / df);
  let step = width;
  for (let b = start, j = 0; j < 1000; j++) {
    const [s, , first, last] = panel(b - step, b);
    b -= step;
    if (!Number.isFinite(sf) || (first <= last && s <= NEGLIGIBLE * sf)) break;
    step = Math.min(widest, step * 1.5);
  }
  for (let a = start, j = 0; j < 1000; j++) {
    const [s, , first, last] = panel(a, a + width);
    a += width;
    if (!Number.isFinite(sf) || (last <= first && s <= NEGLIGIBLE * sf)) break;
  }
  return { sf: Math.min(1, sf), pdf };
}

/** P(Q > q): the p-value of a studentized range statistic q (see `studentizedRangeTail`). */
export function studentizedRangeSf(q: number, k: number, df: number): number {
  return studentizedRangeTail(q, k, df).sf;
}

/**
 * The studentized range's quantile: q with P(Q <= q) = p (scipy's
 * `studentized_range.ppf(p, k, df)`, R's `qtukey`), by Newton steps on ln P(Q > q), kept
 * inside a bracket that bisection narrows when a step leaves it; to 1e-13 relative.
 */
export function studentizedRangeQuantile(p: number, k: number, df: number): number {
  if (!(k >= 2) || !(df > 0) || !(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return 0;
  if (p === 1) return Infinity;
  const target = Math.log1p(-p);
  let low = 0;
  let high = Infinity;
  let q = 3;
  for (let iteration = 0; iteration < 200; iteration++) {
    const { sf, pdf } = studentizedRangeTail(q, k, df);
    const gap = Math.log(sf) - target;
    if (gap > 0) low = q;
    else high = q;
    // d/dq ln sf = -pdf / sf.
    let next = pdf > 0 && sf > 0 ? q + (gap * sf) / pdf : NaN;
    if (!(next > low && next < high))
      next = high === Infinity ? Math.max(2 * q, q + 1) : (low + high) / 2;
    if (Math.abs(next - q) <= 1e-14 * q) return next;
    q = next;
  }
  return q;
}
