import { InputRejectedError } from '#platform/errors.ts';

/**
 * Small dense least squares for the ADF and Granger regressions (a few thousand rows, a few
 * dozen columns): a Householder QR of the design, without pivoting, so the factorisation of
 * the first k columns is the leading block of the factorisation of all of them. One
 * factorisation therefore gives the fit of every prefix of the columns (`LeastSquares.fit(k)`,
 * `rss(k)`), which is how nested models (lag 0..p) are compared on one sample: the residual
 * sum of squares of the first k columns is the sum of squares of Q'y from position k on, and
 * the drop between two prefixes is summed directly, without the cancellation of subtracting
 * two RSS. Coefficients and RSS agree with numpy's lstsq, standard errors with statsmodels'
 * OLS, to about 1e-12 on well-conditioned designs (golden tests).
 */

/**
 * A column whose part outside the span of the columns before it is at most this share of
 * its own length is treated as a combination of them (the design is rank-deficient). Scale
 * free: it is the sine of the angle between the column and that span.
 */
export const COLLINEARITY_TOLERANCE = 1e-10;

/** Why a regression whose sums of squares or estimates leave double precision is not computed. */
const OUT_OF_RANGE =
  'least squares: the values are too large or too small for double precision (their squares or the estimates overflow)';

/** The regression cannot be computed: a column is a combination of the others, or no degrees of freedom are left. */
export class NotComputableError extends Error {
  override readonly name = 'NotComputableError';
}

export type InformationCriterion = 'AIC' | 'BIC';

export interface OlsFit {
  coefficients: number[];
  standardErrors: number[];
  /** The estimated covariance of the coefficients, s^2 (X'X)^-1 with s^2 = rss / dfResidual. */
  covariance: number[][];
  /** Residual sum of squares. */
  rss: number;
  /** Rows. */
  n: number;
  /** Columns (coefficients). */
  k: number;
  /** n - k. */
  dfResidual: number;
}

/**
 * The QR factorisation of a design given as columns, with Q'y kept: fits of any prefix of
 * the columns without refactorising. Throws `InputRejectedError` on malformed input (no
 * columns, lengths that differ, non-finite values) and `NotComputableError` when a column
 * is (nearly) a combination of the columns before it, or there are not more rows than columns.
 *
 * @example
 * const ls = new LeastSquares([1, 2, 2, 4], [[1, 1, 1, 1], [0, 1, 2, 3]]);
 * ls.fit().coefficients // [0.9, 0.9]
 * ls.rss(1) // RSS of y on the constant alone: 4.75
 */
export class LeastSquares {
  readonly n: number;
  readonly k: number;
  /** R by columns: r[j][i] for i <= j. */
  private readonly r: Float64Array[];
  /** Q'y. */
  private readonly qty: Float64Array;
  /** tail[j] = the sum of qty[i]^2 for i >= j: the RSS of the first j columns. */
  private readonly tail: Float64Array;

  constructor(y: readonly number[], columns: readonly (readonly number[])[]) {
    const n = y.length;
    const k = columns.length;
    if (k === 0) throw new InputRejectedError('least squares: no columns');
    if (columns.some((c) => c.length !== n))
      throw new InputRejectedError(`least squares: every column needs ${n} values, as y has`);
    if (!y.every(Number.isFinite) || !columns.every((c) => c.every(Number.isFinite)))
      throw new InputRejectedError('least squares: the values must be finite numbers');
    if (n <= k)
      throw new NotComputableError(
        `least squares: ${n} rows for ${k} coefficients, need more rows`,
      );
    this.n = n;
    this.k = k;

    const a = columns.map((c) => Float64Array.from(c));
    const qty = Float64Array.from(y);
    const targets = [...a, qty];
    const r: Float64Array[] = [];
    for (let j = 0; j < k; j++) {
      const col = a[j]!;
      let length2 = 0;
      for (let i = 0; i < j; i++) length2 += col[i]! * col[i]!;
      let below2 = 0;
      for (let i = j + 1; i < n; i++) below2 += col[i]! * col[i]!;
      const head = col[j]!;
      const norm = Math.sqrt(head * head + below2);
      length2 += head * head + below2;
      if (!(norm > COLLINEARITY_TOLERANCE * Math.sqrt(length2)))
        throw new NotComputableError(
          `least squares: column ${j} is (nearly) a combination of the columns before it`,
        );
      // Reflect col[j..] onto alpha e_j, alpha = -sign(head) norm, by H = I - 2 v v' / v'v with
      // v = col[j..] - alpha e_j; the later columns and Q'y get the same reflection.
      const alpha = head >= 0 ? -norm : norm;
      const v0 = head - alpha;
      const scale = 2 / (v0 * v0 + below2);
      col[j] = v0;
      for (let l = j + 1; l <= k; l++) {
        const target = targets[l]!;
        let dot = 0;
        for (let i = j; i < n; i++) dot += col[i]! * target[i]!;
        const s = scale * dot;
        for (let i = j; i < n; i++) target[i]! -= s * col[i]!;
      }
      const rj = new Float64Array(j + 1);
      for (let i = 0; i < j; i++) rj[i] = col[i]!;
      rj[j] = alpha;
      r.push(rj);
    }
    const tail = new Float64Array(n + 1);
    for (let i = n - 1; i >= 0; i--) tail[i] = tail[i + 1]! + qty[i]! * qty[i]!;
    if (!Number.isFinite(tail[0]!) || !r.every((rj) => rj.every(Number.isFinite)))
      throw new NotComputableError(OUT_OF_RANGE);
    this.r = r;
    this.qty = qty;
    this.tail = tail;
  }

  /** The residual sum of squares of y on the first `k` columns (k = 0: the sum of squares of y). */
  rss(k = this.k): number {
    this.check(k, 0);
    return this.tail[k]!;
  }

  /**
   * The sum of products of this fit's residuals and `other`'s on the first `k` columns, where
   * `other` was factorised from the same columns (the same Q): the off-diagonal of a VAR's
   * residual covariance.
   */
  residualCross(other: LeastSquares, k = this.k): number {
    this.check(k, 0);
    if (other.n !== this.n || other.k !== this.k)
      throw new InputRejectedError('least squares: residualCross needs fits of the same design');
    let s = 0;
    for (let i = k; i < this.n; i++) s += this.qty[i]! * other.qty[i]!;
    return s;
  }

  /**
   * RSS(from) - RSS(to) for from <= to: what columns from..to-1 add beyond the first `from`,
   * summed directly.
   */
  rssDrop(from: number, to: number): number {
    this.check(from, 0);
    this.check(to, from);
    let s = 0;
    for (let i = from; i < to; i++) s += this.qty[i]! * this.qty[i]!;
    return s;
  }

  /** The fit of y on the first `k` columns. */
  fit(k = this.k): OlsFit {
    this.check(k, 1);
    const { r, qty } = this;
    const coefficients = new Array<number>(k).fill(0);
    for (let i = k - 1; i >= 0; i--) {
      let s = qty[i]!;
      for (let j = i + 1; j < k; j++) s -= r[j]![i]! * coefficients[j]!;
      coefficients[i] = s / r[i]![i]!;
    }
    // (X'X)^-1 = R^-1 R^-T; inv holds R^-1 by columns (upper triangular).
    const inv: number[][] = [];
    for (let j = 0; j < k; j++) {
      const col = new Array<number>(k).fill(0);
      col[j] = 1 / r[j]![j]!;
      for (let i = j - 1; i >= 0; i--) {
        let s = 0;
        for (let l = i + 1; l <= j; l++) s += r[l]![i]! * col[l]!;
        col[i] = -s / r[i]![i]!;
      }
      inv.push(col);
    }
    const rss = this.tail[k]!;
    const dfResidual = this.n - k;
    const s2 = rss / dfResidual;
    const covariance: number[][] = [];
    for (let i = 0; i < k; i++) {
      const row = new Array<number>(k).fill(0);
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let l = Math.max(i, j); l < k; l++) s += inv[l]![i]! * inv[l]![j]!;
        row[j] = s2 * s;
      }
      covariance.push(row);
    }
    const standardErrors = covariance.map((row, i) => Math.sqrt(row[i]!));
    if (!coefficients.every(Number.isFinite) || !standardErrors.every(Number.isFinite))
      throw new NotComputableError(OUT_OF_RANGE);
    return { coefficients, standardErrors, covariance, rss, n: this.n, k, dfResidual };
  }

  private check(k: number, min: number): void {
    if (!Number.isInteger(k) || k < min || k > this.k)
      throw new RangeError(`least squares: ${k} columns asked of ${this.k}`);
  }
}

/**
 * Ordinary least squares of y on the given columns (include a column of ones for a constant).
 *
 * @example ols([1, 2, 2, 4], [[1, 1, 1, 1], [0, 1, 2, 3]]).coefficients // [0.9, 0.9]
 */
export function ols(y: readonly number[], columns: readonly (readonly number[])[]): OlsFit {
  return new LeastSquares(y, columns).fit();
}

/**
 * AIC or BIC of a Gaussian linear model with `k` coefficients fitted to `n` rows, as
 * statsmodels' OLS computes them: -2 log L + 2k (AIC) or + k ln n (BIC), with
 * log L = -n/2 (ln 2π + ln(rss/n) + 1).
 *
 * @example informationCriterion(10, 100, 3, 'AIC') // 100 (ln 2π + ln 0.1 + 1) + 6
 */
export function informationCriterion(
  rss: number,
  n: number,
  k: number,
  criterion: InformationCriterion,
): number {
  const minus2LogL = n * (Math.log(2 * Math.PI) + Math.log(rss / n) + 1);
  return minus2LogL + (criterion === 'AIC' ? 2 : Math.log(n)) * k;
}
