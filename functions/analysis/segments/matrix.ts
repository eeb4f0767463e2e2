/**
 * The numeric matrix the segment analyses share: rows are customers, columns features,
 * stored row-major in one Float64Array. One flat array instead of an array of arrays keeps
 * 100,000 rows in one allocation and lets the inner loops of k-means and the silhouette
 * index it directly.
 */
import { InputRejectedError } from '#platform/errors.ts';

export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major: the value of row i, column j is data[i * cols + j]. */
  readonly data: Float64Array;
}

/**
 * A matrix from an array of rows. Rejects an empty input, rows of different lengths and
 * values that are not finite numbers: a segment analysis has no rule for a missing value,
 * so the caller decides (drop the customer, or impute) before clustering.
 *
 * @example
 * matrixFromRows([[1, 2], [3, 4]]); // { rows: 2, cols: 2, data: Float64Array [1, 2, 3, 4] }
 */
export function matrixFromRows(rows: readonly (readonly number[])[]): Matrix {
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  if (n === 0 || d === 0) throw new InputRejectedError('segments: no rows or no columns');
  const data = new Float64Array(n * d);
  rows.forEach((row, i) => {
    if (row.length !== d) {
      throw new InputRejectedError(`segments: row ${i} has ${row.length} values, expected ${d}`, {
        row: i,
      });
    }
    row.forEach((v, j) => {
      data[i * d + j] = v;
    });
  });
  return checkMatrix({ rows: n, cols: d, data });
}

/** The matrix as an array of rows (for JSON output and tests). */
export function matrixToRows(m: Matrix): number[][] {
  return Array.from({ length: m.rows }, (_, i) =>
    Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)),
  );
}

/**
 * Checks a matrix built elsewhere: positive dimensions, a data array of rows * cols values,
 * all finite. Returns it unchanged.
 */
export function checkMatrix(m: Matrix): Matrix {
  if (!(Number.isInteger(m.rows) && m.rows > 0 && Number.isInteger(m.cols) && m.cols > 0)) {
    throw new InputRejectedError(`segments: a ${m.rows} x ${m.cols} matrix has no values`);
  }
  if (m.data.length !== m.rows * m.cols) {
    throw new InputRejectedError(
      `segments: ${m.data.length} values for a ${m.rows} x ${m.cols} matrix`,
    );
  }
  for (let p = 0; p < m.data.length; p += 1) {
    if (!Number.isFinite(m.data[p])) {
      const row = Math.floor(p / m.cols);
      throw new InputRejectedError(
        `segments: row ${row}, column ${p % m.cols} is not a finite number`,
        { row },
      );
    }
  }
  return m;
}

/**
 * The number of distinct rows, counted up to `limit` (it stops there): k-means cannot find
 * more clusters than there are distinct points, and callers only need to know whether
 * there are at least k. Rows are compared exactly (-0 equals 0: both print as "0").
 */
export function countDistinctRows(m: Matrix, limit = Infinity): number {
  const seen = new Set<string>();
  for (let i = 0; i < m.rows && seen.size < limit; i += 1) {
    let key = '';
    for (let j = 0; j < m.cols; j += 1) key += `${m.data[i * m.cols + j]!},`;
    seen.add(key);
  }
  return seen.size;
}
