import { qnorm } from '#analysis/stats/distributions.ts';
import type { Baseline } from './baseline.ts';
import { robustScale, sideScales } from './robust.ts';
import type { AnomalyFlag } from './types.ts';

/** Iglewicz and Hoaglin's cut-off for one MAD z-score: the least `thresholdFor` gives. */
export const DEFAULT_THRESHOLD = 3.5;

/** The chance, per series, of any false flag when its noise is normal (`thresholdFor`). */
export const SERIES_FALSE_ALARM = 0.05;

/**
 * The cut-off for a series of `tests` points: the two-sided normal quantile that makes the
 * chance of one false flag or more in the whole series `SERIES_FALSE_ALARM` (Bonferroni, as
 * the generalized ESD test does for one outlier), never below Iglewicz and Hoaglin's 3.5.
 * A fixed 3.5 over 1,000 daily points would flag about one ordinary day in every two series
 * of pure normal noise, and a report reader cannot tell those from real ones; 4.08 there
 * flags one in twenty series. Short series keep 3.5.
 */
export function thresholdFor(tests: number): number {
  if (!(tests >= 1)) return DEFAULT_THRESHOLD;
  return Math.max(DEFAULT_THRESHOLD, qnorm(1 - SERIES_FALSE_ALARM / (2 * tests)));
}

/**
 * Points whose remainder against the baseline is far from the remainders' median:
 * |r - median(r)| / scale > threshold, the scale robust (`robustScale`) and taken per side
 * of the median (`sideScales`: skewed noise gets a wider band on its long side), and never
 * below `minScales` at that point. Only
 * observed points are scored and enter the median and scales (interpolated ones are the
 * model's, not the data's). `scale` returned is the common one.
 */
export function pointAnomalies(
  values: readonly number[],
  dates: readonly string[],
  baseline: Baseline,
  options: {
    threshold?: number;
    observed?: readonly boolean[];
    /** The least noise scale at point i below and above (counts: Poisson's); the robust one where larger. */
    minScales?: (i: number) => { low: number; high: number };
  } = {},
): { flags: AnomalyFlag[]; tests: number; scale: number } {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const observed = (i: number) => options.observed?.[i] ?? true;
  const scored = baseline.remainder.filter((_, i) => observed(i));
  const { center, scale } = robustScale(scored);
  const flags: AnomalyFlag[] = [];
  if (!(scale > 0)) return { flags, tests: scored.length, scale };
  const sides = sideScales(scored, center, scale);
  baseline.remainder.forEach((r, i) => {
    if (!observed(i)) return;
    const least = options.minScales?.(i);
    const low = Math.max(sides.low, least?.low ?? 0);
    const high = Math.max(sides.high, least?.high ?? 0);
    const score = (r - center) / (r >= center ? high : low);
    if (!(Math.abs(score) > threshold)) return;
    const expected = baseline.expected[i]! + center;
    flags.push({
      index: i,
      timestamp: dates[i]!,
      value: values[i]!,
      expected,
      lower: expected - threshold * low,
      upper: expected + threshold * high,
      score,
      direction: score > 0 ? 'high' : 'low',
      method: 'seasonal-mad',
    });
  });
  return { flags, tests: scored.length, scale };
}
