import { movingAverageTrend } from '#analysis/forecast/decompose.ts';
import { median, rollingMedian } from './robust.ts';

/**
 * The seasonal baseline a point is judged against: a robust seasonal-median decomposition,
 * x = trend + seasonal + remainder, in the spirit of STL but with medians where STL has
 * loess smoothers, so that the spikes we are looking for cannot pull the baseline towards
 * themselves (STL without its robustness iterations would; with them it needs several
 * passes of loess that medians give in one).
 *
 * 1. A first trend: the centred moving average over one season (2 x m when m is even), as
 *    R's `decompose` (`movingAverageTrend`). A spike moves it for one season, but step 2's
 *    medians shrug that off; a running median here would be worse: over one season of a
 *    strongly seasonal series it picks the same position's single value every time, noise
 *    and all.
 * 2. The seasonal figure: per position in the season, the median of the detrended values,
 *    centred to sum to zero over the season.
 * 3. The trend again, as the running median of the deseasonalised values over 2m + 1
 *    points (about STL's default trend span, 1.5m / (1 - 1.5 / s.window)): a median over
 *    one season only is so noisy that the remainders get heavy tails and ordinary days
 *    cross the threshold. Each point is left out of its own window (leave-one-out), so its
 *    expected value is made from its neighbours only.
 *
 * Within half a window of either end the running median's window is cut short and lags a
 * trend; there the trend is carried on from the first (last) full window with the slope of
 * the full-window trend over the next `span` points.
 *
 * The expected value of a point is trend + seasonal. With m = 1 (no seasonality) it is the
 * running median over `window` points.
 */

export interface Baseline {
  trend: number[];
  seasonal: number[];
  /** trend + seasonal: the value expected at each point. */
  expected: number[];
  /** value - expected. */
  remainder: number[];
  period: number;
}

export interface BaselineOptions {
  /** Running median width when m = 1 (odd); default 7. */
  window?: number;
  /** Width of the final trend's running median (odd); default 2m + 1 (m = 1: `window`). */
  trendWindow?: number;
}

export function seasonalMedianBaseline(
  values: readonly number[],
  m: number,
  options: BaselineOptions = {},
): Baseline {
  const n = values.length;
  let seasonal = new Array<number>(n).fill(0);
  if (m > 1) {
    const first = movingAverageTrend(values, m);
    const figure = Array.from({ length: m }, (_, p) => {
      const d: number[] = [];
      for (let i = p; i < n; i += m) d.push(values[i]! - first[i]!);
      return median(d);
    });
    const mean = figure.reduce((a, b) => a + b, 0) / m;
    seasonal = values.map((_, i) => figure[i % m]! - mean);
  }
  const trendWidth = oddAtLeast3(
    options.trendWindow ?? (m > 1 ? 2 * m + 1 : (options.window ?? 7)),
  );
  const trend = extendEnds(
    rollingMedian(
      values.map((v, i) => v - seasonal[i]!),
      trendWidth,
      true,
    ),
    Math.floor(trendWidth / 2),
    Math.max(m, 3),
  );
  const expected = trend.map((t, i) => t + seasonal[i]!);
  return {
    trend,
    seasonal,
    expected,
    remainder: values.map((v, i) => v - expected[i]!),
    period: m,
  };
}

function oddAtLeast3(w: number): number {
  const k = Math.max(3, Math.floor(w));
  return k % 2 === 0 ? k + 1 : k;
}

/** Replaces the first and last `q` values by a straight line continuing the inner ones. */
function extendEnds(trend: number[], q: number, span: number): number[] {
  const n = trend.length;
  if (n < 2 * q + span + 1) return trend;
  const out = [...trend];
  const headSlope = (trend[q + span]! - trend[q]!) / span;
  for (let i = 0; i < q; i++) out[i] = trend[q]! - (q - i) * headSlope;
  const last = n - 1 - q;
  const tailSlope = (trend[last]! - trend[last - span]!) / span;
  for (let i = last + 1; i < n; i++) out[i] = trend[last]! + (i - last) * tailSlope;
  return out;
}
