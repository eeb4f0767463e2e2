/**
 * Simple exponential smoothing as R's `forecast::ses` fits it (ETS(A,N,N) with
 * `opt.crit = "mse"`): alpha in [0.0001, 0.9999] and the initial level l0 chosen to minimise
 * the sum of squared one-step errors; sigma^2 = SSE / (n - 2) (two parameters).
 *
 * For a fixed alpha the one-step errors are linear in l0, so the best l0 has a closed form;
 * alpha is found on a grid and refined by golden-section search. R's Nelder-Mead stops near
 * the same optimum (its SSE is never lower than ours by more than its tolerance).
 */

export interface SesFit {
  alpha: number;
  l0: number;
  /** Level after the last value: the flat point forecast. */
  level: number;
  sse: number;
  sigma2: number;
  /** One-step fitted values l_{t-1}. */
  fitted: number[];
}

const ALPHA_MIN = 1e-4;
const ALPHA_MAX = 0.9999;

export function fitSes(y: readonly number[]): SesFit {
  const n = y.length;
  if (n === 0) throw new Error('simple exponential smoothing needs at least one value');
  const profile = (alpha: number) => profiledSse(y, alpha);
  const grid = 100;
  let best = ALPHA_MIN;
  let bestSse = Infinity;
  for (let i = 0; i <= grid; i++) {
    const alpha = ALPHA_MIN + ((ALPHA_MAX - ALPHA_MIN) * i) / grid;
    const sse = profile(alpha).sse;
    if (sse < bestSse) {
      bestSse = sse;
      best = alpha;
    }
  }
  const step = (ALPHA_MAX - ALPHA_MIN) / grid;
  const alpha = goldenSection(
    (a) => profile(a).sse,
    Math.max(ALPHA_MIN, best - step),
    Math.min(ALPHA_MAX, best + step),
  );
  const chosen = profile(alpha).sse <= bestSse ? alpha : best;
  const { l0 } = profile(chosen);
  return sesWith(y, chosen, l0);
}

/** The fit with given alpha and initial level. */
export function sesWith(y: readonly number[], alpha: number, l0: number): SesFit {
  const fitted: number[] = [];
  let level = l0;
  let sse = 0;
  for (const v of y) {
    fitted.push(level);
    const e = v - level;
    sse += e * e;
    level += alpha * e;
  }
  const dof = y.length - 2;
  return { alpha, l0, level, sse, sigma2: dof > 0 ? sse / dof : NaN, fitted };
}

/** For a fixed alpha, the l0 that minimises the SSE, and that SSE. */
function profiledSse(y: readonly number[], alpha: number): { l0: number; sse: number } {
  // l_{t-1} = a_t + b_t * l0, so e_t = (y_t - a_t) - b_t * l0.
  let a = 0;
  let b = 1;
  let sbb = 0;
  let sbr = 0;
  const r: number[] = [];
  const bs: number[] = [];
  for (const v of y) {
    const rt = v - a;
    r.push(rt);
    bs.push(b);
    sbb += b * b;
    sbr += b * rt;
    a = (1 - alpha) * a + alpha * v;
    b = (1 - alpha) * b;
  }
  const l0 = sbr / sbb;
  let sse = 0;
  for (let t = 0; t < r.length; t++) {
    const e = r[t]! - bs[t]! * l0;
    sse += e * e;
  }
  return { l0, sse };
}

function goldenSection(f: (x: number) => number, lo: number, hi: number): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < 60 && b - a > 1e-10; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}
