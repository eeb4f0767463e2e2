/**
 * The contract every forecast model meets, so that backtests and the model chooser are
 * generic over models: a model takes the training values (regular, no gaps: see
 * `series.ts`), the horizon and the seasonal period, and returns point forecasts with
 * prediction intervals at 80% and 95%.
 */

import type { SeriesContext } from './series-context.ts';

export const LEVELS = [80, 95] as const;
export type Level = (typeof LEVELS)[number];

export interface Forecast {
  /** Point forecasts for steps 1..h. */
  mean: number[];
  lower: Record<Level, number[]>;
  upper: Record<Level, number[]>;
}

/**
 * `m` is the seasonal period (7 for daily data, 12 for monthly, 1 for none). `context`, when
 * given, holds the series `train` is a prefix of and the work shared across its prefixes
 * (`series-context.ts`); a model may use it to fit faster, never to look past `train`.
 */
export type Forecaster = (
  train: readonly number[],
  h: number,
  m: number,
  context?: SeriesContext,
) => Forecast;

export interface NamedForecaster {
  /** Short, stable, shown in reports and output: `snaive`, `theta`. */
  name: string;
  /** One line for a person: what the model does. */
  description: string;
  forecast: Forecaster;
}

/** Standard normal quantiles for the two-sided intervals: qnorm(0.9), qnorm(0.975). */
export const Z: Record<Level, number> = { 80: 1.2815515655446004, 95: 1.959963984540054 };

/** Symmetric normal intervals around `mean` with standard errors `se`. */
export function normalIntervals(mean: number[], se: number[]): Forecast {
  const band = (level: Level, sign: 1 | -1) => mean.map((f, i) => f + sign * Z[level] * se[i]!);
  return {
    mean,
    lower: { 80: band(80, -1), 95: band(95, -1) },
    upper: { 80: band(80, 1), 95: band(95, 1) },
  };
}

/**
 * Non-negative series (counts, money: every training value >= 0) never get a negative
 * forecast or bound: the model's normal intervals know nothing of the floor, so the mean and
 * both bounds are clamped at 0. A clamped lower bound of 0 keeps the interval's coverage (no
 * outcome can fall below 0); the clamped mean is the better point forecast under any loss
 * that knows the outcome cannot be negative.
 */
export function clampIfNonNegative(train: readonly number[], forecast: Forecast): Forecast {
  if (!train.every((v) => v >= 0)) return forecast;
  const floor = (xs: number[]) => xs.map((x) => Math.max(0, x));
  return {
    mean: floor(forecast.mean),
    lower: { 80: floor(forecast.lower[80]), 95: floor(forecast.lower[95]) },
    upper: { 80: floor(forecast.upper[80]), 95: floor(forecast.upper[95]) },
  };
}
