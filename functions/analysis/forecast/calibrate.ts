import { LEVELS, type Forecast, type Level } from './forecaster.ts';
import type { OriginResult } from './backtest.ts';

/**
 * Prediction intervals calibrated on the backtest (split conformal scaling). A model's
 * analytical intervals assume its own error model, which real series break both ways
 * (too narrow where the noise is heavier than the model thinks, too wide where the model
 * over-counts uncertainty). The backtest holds honest out-of-sample errors: for each scored
 * holdout point, the ratio of its distance from the forecast to the interval's half-width
 * (1 on the band's edge). Scaling every half-width by the conformal quantile of those
 * ratios (the ceil((n + 1) level)-th smallest of n) makes the band cover at least `level`
 * of exchangeable future errors, and at most 1 / (n + 1) more. Each band is scaled by its
 * own factor; the interval keeps its shape across the horizon.
 *
 * Too few scored points for a level (fewer than level / (1 - level) - 1: 4 for 80%, 19 for
 * 95%) leave that band analytical. Bands are taken as symmetric around the mean, as every
 * model here makes them; the half-width is the upper one (a floor at 0 may cut the lower).
 */

export interface Calibration {
  /** Scale applied to each band's half-width (1: analytical intervals kept). */
  factor: Record<Level, number>;
  /** Scored holdout points the factors rest on. */
  points: number;
}

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
  for (const level of LEVELS) factor[level] = conformalQuantile(ratios[level], level / 100) ?? 1;
  return { factor, points: ratios[80].length };
}

/** The ceil((n + 1) q)-th smallest value; undefined when n is too small for it to exist. */
export function conformalQuantile(values: readonly number[], q: number): number | undefined {
  const rank = Math.ceil((values.length + 1) * q);
  if (rank > values.length || values.length === 0) return undefined;
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
