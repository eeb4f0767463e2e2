/** Tukey's fences: values beyond `k` interquartile ranges outside the quartiles are outliers. */
export interface Fences {
  low: number;
  high: number;
  iqr: number;
}

/**
 * @example iqrFences(10, 20) // { low: -5, high: 35, iqr: 10 }
 */
export function iqrFences(q1: number, q3: number, k = 1.5): Fences {
  if (!Number.isFinite(q1) || !Number.isFinite(q3) || q3 < q1) {
    throw new RangeError(`Quartiles must be finite with q1 <= q3 (got ${q1}, ${q3})`);
  }
  const iqr = q3 - q1;
  return { low: q1 - k * iqr, high: q3 + k * iqr, iqr };
}
