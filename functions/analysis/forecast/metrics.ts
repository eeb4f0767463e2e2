import type { Forecast, Level } from './forecaster.ts';

/**
 * The scale of MASE: the in-sample mean absolute error of the seasonal naive forecast,
 * mean |y_t - y_{t-m}| over t = m+1..n (Hyndman & Koehler 2006). Falls back to m = 1 when the
 * training data are not longer than a season. NaN when there is no difference at all (a
 * single value); 0 for a constant series (MASE is then undefined: see `mase`).
 */
export function maseScale(train: readonly number[], m: number): number {
  const lag = m >= 1 && train.length > m ? Math.floor(m) : 1;
  let sum = 0;
  let count = 0;
  for (let t = lag; t < train.length; t++) {
    sum += Math.abs(train[t]! - train[t - lag]!);
    count++;
  }
  return count > 0 ? sum / count : NaN;
}

/**
 * Mean absolute scaled error of `forecast` against `actual`, scaled by `maseScale(train, m)`.
 * Only the points where `actual` is a number count (a holdout point that was missing in the
 * data and filled for the model is passed as NaN: it is not scored). NaN when nothing is
 * scored or the scale is 0 (a constant history: every error is infinitely many scales).
 */
export function mase(
  actual: readonly number[],
  forecast: readonly number[],
  train: readonly number[],
  m: number,
): number {
  const scale = maseScale(train, m);
  const mae = meanOver(actual, (a, i) => Math.abs(a - forecast[i]!));
  return scale > 0 ? mae / scale : NaN;
}

/**
 * Symmetric MAPE in percent (0..200): mean of 200 |y - f| / (|y| + |f|), with 0/0 taken
 * as 0 (a perfect forecast of 0).
 */
export function smape(actual: readonly number[], forecast: readonly number[]): number {
  return meanOver(actual, (a, i) => {
    const f = forecast[i]!;
    const denominator = Math.abs(a) + Math.abs(f);
    return denominator === 0 ? 0 : (200 * Math.abs(a - f)) / denominator;
  });
}

/** Points of `actual` inside the interval [lower, upper] of `level`, and points scored. */
export function coverageCounts(
  actual: readonly number[],
  forecast: Forecast,
  level: Level,
): { inside: number; scored: number } {
  let inside = 0;
  let scored = 0;
  actual.forEach((a, i) => {
    if (Number.isNaN(a)) return;
    scored++;
    if (a >= forecast.lower[level][i]! && a <= forecast.upper[level][i]!) inside++;
  });
  return { inside, scored };
}

/** Share of the scored holdout points inside the interval (NaN when none is scored). */
export function coverage(actual: readonly number[], forecast: Forecast, level: Level): number {
  const { inside, scored } = coverageCounts(actual, forecast, level);
  return scored > 0 ? inside / scored : NaN;
}

function meanOver(actual: readonly number[], term: (a: number, i: number) => number): number {
  let sum = 0;
  let count = 0;
  actual.forEach((a, i) => {
    if (Number.isNaN(a)) return;
    sum += term(a, i);
    count++;
  });
  return count > 0 ? sum / count : NaN;
}
