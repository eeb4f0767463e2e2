/**
 * Quartiles and Tukey fences, as the planted anomalies must beat them: the generator checks
 * that each planted value lies beyond Q1 - 3 IQR or Q3 + 3 IQR of its column.
 */
import { iqrFences } from '#analysis/iqr.ts';

/**
 * The p-quantile of sorted values by linear interpolation between order statistics
 * (Hyndman and Fan type 7: R's default `quantile`, numpy's default `percentile`).
 *
 * @example
 * quantileSorted([1, 2, 3, 4], 0.25); // 1.75, as R 4 quantile(1:4, 0.25)
 */
export function quantileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of an empty column');
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const below = sorted[lo] ?? 0;
  const above = sorted[Math.min(lo + 1, sorted.length - 1)] ?? below;
  return below + (h - lo) * (above - below);
}

export interface Fences {
  q1: number;
  q3: number;
  iqr: number;
  lower: number;
  upper: number;
}

/** Tukey's fences of a column of values (the report's own rule, `#analysis/iqr.ts`). */
export function columnFences(values: readonly number[], k: number): Fences {
  const sorted = [...values].sort((a, b) => a - b);
  const q1 = quantileSorted(sorted, 0.25);
  const q3 = quantileSorted(sorted, 0.75);
  const { low, high, iqr } = iqrFences(q1, q3, k);
  return { q1, q3, iqr, lower: low, upper: high };
}
