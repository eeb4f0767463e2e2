import { LEVELS, type Forecast, type Level } from './forecaster.ts';
import type { OriginResult } from './backtest.ts';

/**
 * Prediction intervals calibrated on the backtest. A model's analytical intervals assume its
 * own error model, which real series break both ways (too narrow where the noise is heavier
 * than the model thinks, too wide where the model over-counts uncertainty). The backtest
 * holds honest out-of-sample errors: for each scored holdout point, the ratio of its
 * distance from the forecast to the interval's half-width (1 on the band's edge). Each
 * band's half-widths are scaled by the `level` quantile of those ratios (the ceil(n level)-th
 * smallest of n), so that the band would have covered `level` of the backtest's outcomes;
 * the interval keeps its shape across the horizon.
 *
 * Split conformal prediction takes the ceil((n + 1) level)-th instead, which guarantees at
 * least `level` for exchangeable errors; the benchmark's series are not exchangeable in time
 * and that version over-covered (86% for 80%), so the plain quantile, which aims at the
 * level itself, is used. Fewer than 10 scored points (20 for the 95% band, whose quantile
 * would otherwise be the largest of a handful) leave a band analytical. Bands are taken as
 * symmetric around the mean, as every model here makes them; the half-width is the upper
 * one (a floor at 0 may cut the lower).
 */

export interface Calibration {
  /** Scale applied to each band's half-width (1: analytical intervals kept). */
  factor: Record<Level, number>;
  /** Scored holdout points the factors rest on. */
  points: number;
}

/** Scored points needed before a band is rescaled. */
const MIN_POINTS: Record<Level, number> = { 80: 10, 95: 20 };

export function calibrationFrom(origins: readonly OriginResult[]): Calibration {
  const ratios: Record<Level, number[]> = { 80: [], 95: [] };
  for (const o of origins) {
    o.actual.forEach((y, j) => {
      if (!Number.isFinite(y)) return;
      const mean = o.forecast.mean[j]!;
      for (const level of LEVELS) {
        const half = o.forecast.upper[level][j]! - mean;
        const r = Math.abs(y - mean) / half;
        if (half > 0 && Number.isFinite(r)) ratios[level].push(r);
      }
    });
  }
  const factor = {} as Record<Level, number>;
  for (const level of LEVELS) {
    const enough = ratios[level].length >= MIN_POINTS[level];
    factor[level] = (enough && empiricalQuantile(ratios[level], level / 100)) || 1;
  }
  return { factor, points: ratios[80].length };
}

/** The ceil(n q)-th smallest value (R's quantile type 1); undefined for no values. */
export function empiricalQuantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const rank = Math.min(values.length, Math.max(1, Math.ceil(values.length * q)));
  return [...values].sort((a, b) => a - b)[rank - 1];
}

/** `forecast` with each band's half-width scaled by the calibration's factor. */
export function applyCalibration(forecast: Forecast, calibration: Calibration): Forecast {
  const scaled = (level: Level, sign: 1 | -1) =>
    forecast.mean.map(
      (mean, j) => mean + sign * calibration.factor[level] * (forecast.upper[level][j]! - mean),
    );
  const lower = { 80: scaled(80, -1), 95: scaled(95, -1) };
  const upper = { 80: scaled(80, 1), 95: scaled(95, 1) };
  // Keep the 95% band around the 80% one.
  for (let j = 0; j < forecast.mean.length; j++) {
    lower[95][j] = Math.min(lower[95][j]!, lower[80][j]!);
    upper[95][j] = Math.max(upper[95][j]!, upper[80][j]!);
  }
  return { mean: forecast.mean, lower, upper };
}
