/**
 * The Gauss hypergeometric function 2F1(a, b; c; z) for real arguments with |z| < 1, by its
 * power series, as the BG/NBD conditional expectation needs it (Fader, Hardie and Lee 2005,
 * eq. 10: 2F1(r + x, b + x; a + b + x - 1; t / (alpha + T + t)), where every parameter is
 * positive and 0 <= z < 1).
 *
 * Three things make the plain series fail in practice, and each is handled here:
 *
 * - Stopping too early. The usual test "stop when the term is below tol times the sum"
 *   ignores the tail: past the hump the terms shrink by about z per step, so the tail after
 *   term n is about term_n * z / (1 - z), and the result is tol / (1 - z) off instead of tol
 *   (100 times at z = 0.99, 1,000 times at 0.999). We stop only when a bound on the whole
 *   tail, term_n * rho / (1 - rho) with rho the largest ratio of consecutive terms still to
 *   come, is below the tolerance.
 * - z near 1. The series converges like z^n (times a power of n), so the number of terms
 *   grows like log(tol) / log(z): thousands for z = 0.99, tens of thousands for z = 0.999
 *   (21,000 for 2F1(0.5, 1.5; 3; 0.999)), which is still cheap. The cap (`maxTerms`, 10^6 by
 *   default, enough for 1 - z down to about 1e-4) turns anything closer into a named error
 *   rather than a silently truncated sum. In the BG/NBD, 1 - z = (alpha + T) / (alpha + T +
 *   t), so reaching the cap would take a horizon some 10,000 times longer than the
 *   customer's history. z = 1 itself is refused: the series diverges there when
 *   c - a - b <= 0.
 * - Overflow. With large parameters (a customer with 1,500 repeat purchases) the sum can pass
 *   1e308 although the quantity the caller wants, (1 - z)^k 2F1(...), is moderate. The sum is
 *   kept with a separate power-of-two exponent and `logHyp2f1` returns its logarithm.
 *
 * Terms of mixed sign (z < 0, or negative parameters) can cancel; the largest term is
 * compared with the sum, and a result that lost more than 8 of its 16 digits is refused with
 * a `HypergeometricError` rather than returned.
 */

export class HypergeometricError extends Error {
  override readonly name = 'HypergeometricError';
}

export interface Hyp2f1Options {
  /** Relative tolerance on the sum (default 1e-15). */
  tolerance?: number;
  /** Most series terms before giving up (default 1e6). */
  maxTerms?: number;
}

/** The logarithm of |2F1(a, b; c; z)| and its sign (0 when the value is exactly 0). */
export interface LogHyp2f1 {
  log: number;
  sign: -1 | 0 | 1;
  /** Series terms summed. */
  terms: number;
}

const TWO_POW_600 = 2 ** 600;
const LN2 = Math.LN2;
/** Digits we accept to lose to cancellation: the largest term over the sum. */
const MAX_CANCELLATION = 1e8;

function isNonPositiveInteger(v: number): boolean {
  return v <= 0 && Number.isInteger(v);
}

/**
 * ln |2F1(a, b; c; z)| with its sign, for |z| < 1.
 *
 * @example logHyp2f1(1, 1, 2, 0.5).log // ln(2 ln 2) = 0.32663425997828094
 */
export function logHyp2f1(
  a: number,
  b: number,
  c: number,
  z: number,
  options: Hyp2f1Options = {},
): LogHyp2f1 {
  const tolerance = options.tolerance ?? 1e-15;
  const maxTerms = options.maxTerms ?? 1e6;
  if (![a, b, c, z].every(Number.isFinite)) {
    throw new HypergeometricError(`hyp2f1: arguments must be finite (${a}, ${b}, ${c}, ${z})`);
  }
  if (!(Math.abs(z) < 1)) {
    throw new HypergeometricError(`hyp2f1: the series needs |z| < 1, got z = ${z}`);
  }
  // A non-positive integer a or b ends the series (a polynomial); c = 0, -1, ... is a pole
  // unless the series ends before its denominator reaches zero.
  const ends = [a, b].filter(isNonPositiveInteger).map((v) => -v);
  const lastTerm = ends.length > 0 ? Math.min(...ends) : Infinity;
  if (isNonPositiveInteger(c) && !(lastTerm < -c + 1)) {
    throw new HypergeometricError(`hyp2f1: c = ${c} is a non-positive integer (a pole)`);
  }
  if (z === 0) return { log: 0, sign: 1, terms: 1 };

  // The ratio of consecutive terms, (a + n)(b + n) / ((c + n)(n + 1)) z, tends to z as
  // z (1 + (a + b - c - 1) / n + O(1 / n^2)). Beyond n0, past the parameters, it drifts
  // towards z by O(1 / n^2) a step, so rho = max(|z|, |ratio now|) bounds the ratios to come
  // (to within that drift) and term * rho / (1 - rho) bounds the tail.
  // With c > 0 the ratio is z (a + n) / (n + 1) (b + n) / (c + n): each factor is monotone
  // once n passes its own parameters, and (b + n) / (c + n) is close to 1 from the start
  // when b and c are large but close, as in the BG/NBD with a large b (customers who hardly
  // ever drop out: b + x against a + b + x - 1). So the drift is over past whichever pairing
  // has the smaller parameters, not past |a| + |b| + |c|, which can be millions.
  const n0 =
    2 *
      Math.min(
        Math.abs(a) + Math.abs(b) + Math.abs(c),
        ...(c > 0 ? [Math.abs(a) + Math.abs(b - c), Math.abs(b) + Math.abs(a - c)] : []),
      ) +
    10;
  let term = 1;
  let sum = 1;
  let exponent = 0; // the true values are term * 2^exponent and sum * 2^exponent
  let largest = 1; // the largest |term| seen, on the same scale
  let n = 0;
  for (; n < maxTerms; n++) {
    const ratio = (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    term *= ratio;
    sum += term;
    if (term === 0) break; // a polynomial: exact
    const magnitude = Math.abs(term);
    if (magnitude > largest) largest = magnitude;
    if (n >= n0) {
      const rho = Math.max(Math.abs(z), Math.abs(ratio));
      if (rho < 1 && (magnitude * rho) / (1 - rho) <= tolerance * Math.abs(sum)) break;
    }
    if (Math.abs(sum) > TWO_POW_600 || magnitude > TWO_POW_600) {
      sum /= TWO_POW_600;
      term /= TWO_POW_600;
      largest /= TWO_POW_600;
      exponent += 600;
    }
  }
  if (n >= maxTerms) {
    throw new HypergeometricError(
      `hyp2f1: no convergence in ${maxTerms} terms (z = ${z} is too close to 1)`,
    );
  }
  if (sum === 0 && term === 0) return { log: -Infinity, sign: 0, terms: n + 1 };
  if (sum === 0 || largest / Math.abs(sum) > MAX_CANCELLATION) {
    throw new HypergeometricError(
      `hyp2f1(${a}, ${b}; ${c}; ${z}): the series terms cancel (largest term ${largest.toExponential(
        2,
      )} times the sum); too few digits would be left`,
    );
  }
  return { log: Math.log(Math.abs(sum)) + exponent * LN2, sign: sum > 0 ? 1 : -1, terms: n + 1 };
}

/**
 * 2F1(a, b; c; z) for |z| < 1: sum over n of (a)_n (b)_n / (c)_n z^n / n!.
 *
 * @example hyp2f1(1, 1, 2, 0.5) // -ln(1 - 0.5) / 0.5 = 1.3862943611198906
 */
export function hyp2f1(a: number, b: number, c: number, z: number, options?: Hyp2f1Options) {
  const { log, sign } = logHyp2f1(a, b, c, z, options);
  return sign * Math.exp(log);
}
