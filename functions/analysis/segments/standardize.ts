/**
 * Column-wise z-scores before clustering. k-means measures euclidean distance, so a feature
 * in dollars (spread in the thousands) would outvote one in orders (spread of a few) unless
 * every column is put on the same scale first. The population standard deviation (ddof 0)
 * is used, as scikit-learn's StandardScaler does, so the scaled values match it.
 */
import { checkMatrix, type Matrix } from './matrix.ts';

export interface Standardized {
  /** (x - mean) / sd per column; 0 throughout a constant column. */
  scaled: Matrix;
  /** Each column's mean, in the original units. */
  means: number[];
  /** Each column's population standard deviation (ddof 0), in the original units; 0 for a constant column. */
  sds: number[];
  /** true for a column that is constant (up to rounding): it cannot separate customers. */
  constant: boolean[];
}

/**
 * Standardizes each column to mean 0 and population standard deviation 1.
 *
 * The variance is computed in two passes with the compensated form
 * (sum (x - m)^2 - (sum (x - m))^2 / n) / n, which is exact for exact data and, unlike
 * E[x^2] - E[x]^2, does not lose every digit when the mean is large against the spread.
 *
 * A constant column is decided, not divided by zero: when its standard deviation is at most
 * n * eps * |mean| (the rounding error that summing n values of that size can leave, so a
 * spread that small is noise), its scaled values are 0, its sd is reported as 0 and it is
 * flagged `constant`. StandardScaler makes the same call (`_is_constant_feature`) and also
 * yields 0s; it reports a scale of 1 where we report the sd of 0 and the flag.
 *
 * @example
 * const { scaled, means, sds } = standardize(matrixFromRows([[1, 5], [3, 5]]));
 * // scaled.data: [-1, 0, 1, 0]; means: [2, 5]; sds: [1, 0]; constant: [false, true]
 */
export function standardize(x: Matrix): Standardized {
  const { rows: n, cols: d, data } = checkMatrix(x);
  const out = new Float64Array(n * d);
  const means: number[] = [];
  const sds: number[] = [];
  const constant: boolean[] = [];
  for (let j = 0; j < d; j += 1) {
    let sum = 0;
    for (let i = 0; i < n; i += 1) sum += data[i * d + j]!;
    const mean = sum / n;
    let sumSq = 0;
    let sumDev = 0;
    for (let i = 0; i < n; i += 1) {
      const dev = data[i * d + j]! - mean;
      sumDev += dev;
      sumSq += dev * dev;
    }
    const sd = Math.sqrt(Math.max(0, (sumSq - (sumDev * sumDev) / n) / n));
    const isConstant = sd <= n * Number.EPSILON * Math.abs(mean);
    means.push(mean);
    sds.push(isConstant ? 0 : sd);
    constant.push(isConstant);
    if (isConstant) continue; // out is already 0
    for (let i = 0; i < n; i += 1) out[i * d + j] = (data[i * d + j]! - mean) / sd;
  }
  return { scaled: { rows: n, cols: d, data: out }, means, sds, constant };
}

/**
 * Back to the original units: mean + sd * z per column (a constant column gets its value),
 * so cluster centers found on z-scores can be reported as "spend 420, 3 orders".
 *
 * @example
 * const s = standardize(matrixFromRows([[1, 5], [3, 5]]));
 * unstandardize(s.scaled, s).data; // [1, 5, 3, 5]
 */
export function unstandardize(z: Matrix, scale: Pick<Standardized, 'means' | 'sds'>): Matrix {
  const { rows: n, cols: d, data } = z;
  if (scale.means.length !== d || scale.sds.length !== d) {
    throw new RangeError(`unstandardize: ${scale.means.length} columns of scale for ${d}`);
  }
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < d; j += 1) {
      out[i * d + j] = scale.means[j]! + scale.sds[j]! * data[i * d + j]!;
    }
  }
  return { rows: n, cols: d, data: out };
}
