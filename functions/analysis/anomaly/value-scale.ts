import { mad, median } from './robust.ts';

/**
 * The scale a series is judged on. Many business volumes (sales, traffic, spend) vary by
 * multiples: their swings grow with their level and are skewed upwards (a busy day can be
 * twice the usual, a quiet one never below zero), so on their own scale ordinary busy days
 * look odd and real drops look small. On the log scale such a series has noise of one size
 * and shape, and a point is judged by its ratio to the expected value. Whether a series is
 * of that kind is decided as Guerrero's method decides a Box-Cox transform (`guerreroSpread`,
 * after R's `forecast::BoxCox.lambda`), between its two ends: the log (lambda 0) when the spread
 * of each season's values is more nearly proportional to their mean than constant (lambda
 * 1). Series that take non-positive values as a matter of course (temperatures, net flows,
 * zero-heavy counts) keep their own scale.
 *
 * The log scale here is the inverse hyperbolic sine, asinh(x / c) with c 1% of the series'
 * median: for values well above c it is the log (plus a constant), so differences are log
 * ratios; below, it continues smoothly through zero. A few values at or below zero in an
 * otherwise positive series (a loss-making day of profit, a closed day) are what is odd
 * about it, and are scored far from a positive expected value rather than left off the scale.
 */

export type ValueScale = 'log' | 'linear';

/** Share of observed values that must be positive for the log scale. */
const POSITIVE_SHARE = 0.99;

/** Where the log scale's asinh bends into a straight line: this share of the median. */
const LOG_KNEE = 0.01;

/** The largest value over the knee for the log scale: beyond, its inverse overflows. */
const MAX_RANGE = 1e100;

export interface ScaledValues {
  scale: ValueScale;
  /** The values on that scale. */
  values: number[];
  /** From the series' own units, and back. */
  forward: (x: number) => number;
  invert: (x: number) => number;
  /** Said to the reader: non-positive values on the log scale. */
  notes: string[];
}

/** The scale for a series with seasonal period `period` (1: none). */
export function toJudgedScale(
  values: readonly number[],
  observed: readonly boolean[],
  dates: readonly string[],
  period: number,
): ScaledValues {
  const identity = (x: number) => x;
  const linear: ScaledValues = {
    scale: 'linear',
    values: [...values],
    forward: identity,
    invert: identity,
    notes: [],
  };
  const seen = values.filter((v, i) => observed[i] !== false && Number.isFinite(v));
  const positive = seen.filter((v) => v > 0);
  if (seen.length === 0 || positive.length < POSITIVE_SHARE * seen.length) return linear;
  // Guerrero's blocks need positive means: a rare non-positive value counts as the smallest positive one there.
  const floor = positive.reduce((a, v) => Math.min(a, v), Infinity);
  const floored = values.map((v) => (v > 0 ? v : floor));
  if (!(guerreroSpread(0, floored, period) < guerreroSpread(1, floored, period))) return linear;
  const c = LOG_KNEE * median(positive);
  // Values spanning more than 100 orders of magnitude (5e-324 beside 1e132): the transform
  // and its inverse overflow; judged on their own scale.
  if (!(floored.reduce((a, v) => Math.max(a, v), 0) / c <= MAX_RANGE)) return linear;
  const below = dates.filter((_, i) => observed[i] !== false && !(values[i]! > 0));
  const forward = (x: number) => Math.asinh(x / c);
  return {
    scale: 'log',
    values: values.map(forward),
    forward,
    invert: (x) => c * Math.sinh(x),
    notes: below.length
      ? [
          `judged on the log scale, which continues through zero (asinh): ${below.length === 1 ? 'a value' : `${below.length} values`} at or below zero (${below.slice(0, 5).join(', ')}${below.length > 5 ? ', ...' : ''})`,
        ]
      : [],
  };
}

/**
 * Guerrero's (1993) ratios for a Box-Cox lambda, as R's `forecast:::guer.cv` makes them: the
 * last whole seasons of `x` (of `period` points, at least 2) as blocks, and per block
 * sd_i / mean_i^(1 - lambda). The lambda whose ratios vary least makes the spread
 * independent of the level; R measures their variation by sd / mean.
 */
export function guerreroRatios(lambda: number, x: readonly number[], period: number): number[] {
  const p = Math.round(Math.max(2, period));
  const blocks = Math.floor(x.length / p);
  const start = x.length - blocks * p;
  const ratios: number[] = [];
  for (let b = 0; b < blocks; b++) {
    const block = x.slice(start + b * p, start + (b + 1) * p);
    const mean = block.reduce((a, v) => a + v, 0) / p;
    const sd = Math.sqrt(block.reduce((a, v) => a + (v - mean) ** 2, 0) / (p - 1));
    ratios.push(sd / mean ** (1 - lambda));
  }
  return ratios;
}

/**
 * How much Guerrero's ratios vary, robustly: MAD / median, where R takes sd / mean. The
 * blocks that hold the anomalies we look for have outlying ratios, which would otherwise
 * decide the scale they are then judged on. NaN with fewer than two blocks.
 */
export function guerreroSpread(lambda: number, x: readonly number[], period: number): number {
  const ratios = guerreroRatios(lambda, x, period);
  if (ratios.length < 2) return NaN;
  const center = median(ratios);
  return mad(ratios, center) / center;
}
