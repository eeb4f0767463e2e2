/**
 * Classical decomposition as R's `stats::decompose` (moving-average trend, seasonal figure
 * as the mean detrended value per position in the season, normalised), and the seasonality
 * test of `forecast::thetaf`.
 */

/** The centred moving average of order m (2 x m when m is even); NaN where it does not reach. */
export function movingAverageTrend(x: readonly number[], m: number): number[] {
  const weights =
    m % 2 === 0
      ? [0.5, ...Array.from({ length: m - 1 }, () => 1), 0.5].map((w) => w / m)
      : Array.from({ length: m }, () => 1 / m);
  const q = (weights.length - 1) / 2;
  return x.map((_, i) => {
    if (i - q < 0 || i + q >= x.length) return NaN;
    let s = 0;
    for (let j = -q; j <= q; j++) s += weights[j + q]! * x[i + j]!;
    return s;
  });
}

/**
 * The multiplicative seasonal indices of `decompose(x, type = "multiplicative")`, one per
 * position in the season (position 0 is the first value's), averaging to 1.
 */
export function multiplicativeSeasonalFigure(x: readonly number[], m: number): number[] {
  const trend = movingAverageTrend(x, m);
  const sums = new Array<number>(m).fill(0);
  const counts = new Array<number>(m).fill(0);
  x.forEach((v, i) => {
    const ratio = v / trend[i]!;
    if (Number.isNaN(ratio)) return;
    sums[i % m]! += ratio;
    counts[i % m]!++;
  });
  const figure = sums.map((s, i) => s / counts[i]!);
  const mean = figure.reduce((a, b) => a + b, 0) / m;
  return figure.map((f) => f / mean);
}

/** R's `acf` (demeaned, denominator n at every lag) at lags 1..maxLag. */
export function autocorrelations(x: readonly number[], maxLag: number): number[] {
  const n = x.length;
  const mean = x.reduce((a, b) => a + b, 0) / n;
  const d = x.map((v) => v - mean);
  const c0 = d.reduce((s, v) => s + v * v, 0);
  const r: number[] = [];
  for (let k = 1; k <= maxLag; k++) {
    let c = 0;
    for (let t = 0; t + k < n; t++) c += d[t]! * d[t + k]!;
    r.push(c / c0);
  }
  return r;
}

const Z_95_ONE_SIDED = 1.6448536269514722;

/**
 * `thetaf`'s test: seasonal when m > 1, x is not constant, n > 2m, and the lag-m
 * autocorrelation exceeds the 90% (one-sided 95%) limit under Bartlett's formula:
 * |r_m| / sqrt((1 + 2 * sum_{k<m} r_k^2) / n) > qnorm(0.95).
 */
export function seasonalityTest(x: readonly number[], m: number): boolean {
  const n = x.length;
  if (m <= 1 || n <= 2 * m || x.every((v) => v === x[0])) return false;
  const r = autocorrelations(x, m);
  let s = 0;
  for (let k = 0; k < m - 1; k++) s += r[k]! ** 2;
  const stat = Math.sqrt((1 + 2 * s) / n);
  return Math.abs(r[m - 1]!) / stat > Z_95_ONE_SIDED;
}
