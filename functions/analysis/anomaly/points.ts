import type { Baseline } from './baseline.ts';
import { robustScale, sideScales } from './robust.ts';
import type { AnomalyFlag } from './types.ts';

/** Iglewicz and Hoaglin's cut-off for the MAD z-score. */
export const DEFAULT_THRESHOLD = 3.5;

/**
 * Points whose remainder against the baseline is far from the remainders' median:
 * |r - median(r)| / scale > threshold, the scale robust (`robustScale`) and taken per side
 * of the median (`sideScales`: skewed noise gets a wider band on its long side). Only
 * observed points are scored and enter the median and scales (interpolated ones are the
 * model's, not the data's). `scale` returned is the common one.
 */
export function pointAnomalies(
  values: readonly number[],
  dates: readonly string[],
  baseline: Baseline,
  options: { threshold?: number; observed?: readonly boolean[] } = {},
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
    const score = (r - center) / (r >= center ? sides.high : sides.low);
    if (!(Math.abs(score) > threshold)) return;
    const expected = baseline.expected[i]! + center;
    flags.push({
      index: i,
      timestamp: dates[i]!,
      value: values[i]!,
      expected,
      lower: expected - threshold * sides.low,
      upper: expected + threshold * sides.high,
      score,
      direction: score > 0 ? 'high' : 'low',
      method: 'seasonal-mad',
    });
  });
  return { flags, tests: scored.length, scale };
}
