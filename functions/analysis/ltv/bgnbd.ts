/**
 * The BG/NBD model of repeat purchasing (Fader, Hardie and Lee 2005, "Counting Your
 * Customers the Easy Way", Marketing Science 24(2)): while alive, a customer buys as a
 * Poisson process of rate lambda; after each purchase they drop out with probability p.
 * Across customers lambda ~ Gamma(r, alpha) (shape r, rate alpha) and p ~ Beta(a, b).
 *
 * Everything is a function of the per-customer summary (x, t_x, T) of rfm.ts, in one time
 * unit: alpha is in that unit (alpha in days is 7 times alpha in weeks), r, a and b are
 * unitless, and so are the predictions once t is given in the same unit.
 *
 * Numbered equations are the paper's. The fit maximises the sum of per-customer
 * log-likelihoods over log(r, alpha, a, b) (mle.ts: Nelder-Mead from several starts, then
 * restarts).
 */

import { logGamma } from '#analysis/stats/distributions.ts';
import { LtvInputError } from './errors.ts';
import { logHyp2f1 } from './hypergeometric.ts';
import { maximiseLogLikelihood, type MleOptions } from './mle.ts';

export interface BgNbdParams {
  /** Shape of the purchase-rate distribution. */
  r: number;
  /** Rate of the purchase-rate distribution: a time, 7 times larger in days than in weeks. */
  alpha: number;
  /** Beta parameters of the drop-out probability: its mean is a / (a + b). */
  a: number;
  b: number;
}

/** A customer's repeat purchases x, recency t_x and age T (rfm.ts), in one time unit. */
export interface BgNbdCustomer {
  x: number;
  tx: number;
  T: number;
}

export interface BgNbdFitOptions extends MleOptions {
  /** Starting points (default: three, scaled to the data's purchase rate). */
  starts?: BgNbdParams[];
}

export interface BgNbdFit {
  params: BgNbdParams;
  /** Sum of the customers' log-likelihoods at the estimate. */
  logLikelihood: number;
  customers: number;
  /** Objective evaluations over all starts and restarts. */
  evaluations: number;
  /** The last restart converged and no parameter ran off to 0 or infinity. */
  converged: boolean;
  /**
   * Parameters whose logarithm passed +-20 (the search box is +-30): the data do not pin
   * them down. Large r and alpha together mean no heterogeneity in purchase rates (a plain
   * Poisson); large b, almost no drop-out.
   */
  atBoundary: (keyof BgNbdParams)[];
}

const NAMES = ['r', 'alpha', 'a', 'b'] as const;
const SCREEN_SIZE = 10_000;

function checkParams(params: BgNbdParams): void {
  for (const name of NAMES) {
    if (!(params[name] > 0 && Number.isFinite(params[name]))) {
      throw new LtvInputError(`BG/NBD: ${name} must be positive and finite, got ${params[name]}`);
    }
  }
}

function checkCustomer(c: BgNbdCustomer, where = 'customer'): void {
  const ok =
    Number.isInteger(c.x) &&
    c.x >= 0 &&
    Number.isFinite(c.T) &&
    c.tx >= 0 &&
    c.tx <= c.T &&
    (c.x > 0 || c.tx === 0);
  if (!ok) {
    throw new LtvInputError(
      `BG/NBD: ${where} has x = ${c.x}, t_x = ${c.tx}, T = ${c.T}; need x a whole number >= 0, ` +
        `0 <= t_x <= T, and t_x = 0 when x = 0`,
    );
  }
}

/** ln(e^u + e^v) without overflow; v may be -Infinity. */
function logAddExp(u: number, v: number): number {
  if (v === -Infinity) return u;
  return u > v ? u + Math.log1p(Math.exp(v - u)) : v + Math.log1p(Math.exp(u - v));
}

/**
 * The log-likelihood of one customer (eq. 6):
 *
 *   L = B(a, b + x) / B(a, b) * Gamma(r + x) alpha^r / (Gamma(r) (alpha + T)^(r + x))
 *     + [x > 0] B(a + 1, b + x - 1) / B(a, b) * Gamma(r + x) alpha^r
 *                                               / (Gamma(r) (alpha + t_x)^(r + x)).
 *
 * The first term is "still alive at T", the second "dropped out right after the last
 * purchase". Computed as logs and combined by log-sum-exp, so frequent buyers do not
 * overflow.
 *
 * @example bgnbdLogLikelihood({ r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4259 },
 *   { x: 2, tx: 30.43, T: 38.86 }) // -9.4596 (CDNOW's first customer)
 */
export function bgnbdLogLikelihood(params: BgNbdParams, customer: BgNbdCustomer): number {
  checkParams(params);
  checkCustomer(customer);
  const { r, alpha, a, b } = params;
  const { x, tx, T } = customer;
  const common =
    logGamma(r + x) -
    logGamma(r) +
    r * Math.log(alpha) +
    logGamma(a + b) +
    logGamma(b + x) -
    logGamma(b) -
    logGamma(a + b + x);
  const alive = -(r + x) * Math.log(alpha + T);
  if (x === 0) return common + alive;
  // B(a + 1, b + x - 1) / B(a, b + x) = a / (b + x - 1).
  const dropped = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
  return common + logAddExp(alive, dropped);
}

/**
 * The customers in the arrays the fit loops over: identical (x, t_x, T) rows merged with a
 * weight, the terms that depend on x alone computed once per distinct x, and ln(alpha + t)
 * once per distinct time (real data are in whole days, so a few hundred times serve 100,000
 * customers).
 */
interface Prepared {
  x: Float64Array;
  weight: Float64Array;
  /** Index of each row's x in `xValues`, of its T and t_x in `times`. */
  xIndex: Int32Array;
  tIndex: Int32Array;
  txIndex: Int32Array;
  xValues: number[];
  times: Float64Array;
  customers: number;
  /** Repeat purchases and time observed, summed over customers. */
  purchases: number;
  exposure: number;
}

function prepare(customers: readonly BgNbdCustomer[]): Prepared {
  const rows = new Map<string, { c: BgNbdCustomer; w: number }>();
  let purchases = 0;
  let exposure = 0;
  customers.forEach((c, i) => {
    checkCustomer(c, `customer ${i}`);
    purchases += c.x;
    exposure += c.T;
    const key = `${c.x},${c.tx},${c.T}`;
    const row = rows.get(key);
    if (row) row.w += 1;
    else rows.set(key, { c, w: 1 });
  });
  const n = rows.size;
  const xPosition = new Map<number, number>();
  const timePosition = new Map<number, number>();
  const xValues: number[] = [];
  const times: number[] = [];
  const positionOf = (map: Map<number, number>, list: number[], v: number): number => {
    let position = map.get(v);
    if (position === undefined) {
      position = list.length;
      map.set(v, position);
      list.push(v);
    }
    return position;
  };
  const prepared = {
    x: new Float64Array(n),
    weight: new Float64Array(n),
    xIndex: new Int32Array(n),
    tIndex: new Int32Array(n),
    txIndex: new Int32Array(n),
  };
  let i = 0;
  for (const { c, w } of rows.values()) {
    prepared.x[i] = c.x;
    prepared.weight[i] = w;
    prepared.xIndex[i] = positionOf(xPosition, xValues, c.x);
    prepared.tIndex[i] = positionOf(timePosition, times, c.T);
    prepared.txIndex[i] = positionOf(timePosition, times, c.tx);
    i++;
  }
  return {
    ...prepared,
    xValues,
    times: Float64Array.from(times),
    customers: customers.length,
    purchases,
    exposure,
  };
}

function totalLogLikelihood(params: BgNbdParams, data: Prepared): number {
  const { r, alpha, a, b } = params;
  const k = data.xValues.length;
  const common = new Float64Array(k);
  const dropOdds = new Float64Array(k);
  const base = -logGamma(r) + r * Math.log(alpha) + logGamma(a + b) - logGamma(b);
  const logA = Math.log(a);
  for (let j = 0; j < k; j++) {
    const x = data.xValues[j]!;
    common[j] = base + logGamma(r + x) + logGamma(b + x) - logGamma(a + b + x);
    dropOdds[j] = x > 0 ? logA - Math.log(b + x - 1) : -Infinity;
  }
  const { times, x: xs, weight, xIndex, tIndex, txIndex } = data;
  const logTime = new Float64Array(times.length);
  for (let m = 0; m < logTime.length; m++) logTime[m] = Math.log(alpha + times[m]!);
  let total = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    const j = xIndex[i]!;
    const alive = -(r + x) * logTime[tIndex[i]!]!;
    let ll = alive;
    if (x > 0) {
      // ln(e^alive + e^dropped), the larger term taken out. log(1 + e) rather than log1p,
      // which is twice as slow in V8: its absolute error, 1e-16, is negligible beside the
      // larger term it is added to.
      const dropped = dropOdds[j]! - (r + x) * logTime[txIndex[i]!]!;
      ll =
        alive > dropped
          ? alive + Math.log(1 + Math.exp(dropped - alive))
          : dropped + Math.log(1 + Math.exp(alive - dropped));
    }
    total += weight[i]! * (common[j]! + ll);
  }
  return total;
}

/** The sum of the customers' log-likelihoods (eq. 6, summed). */
export function bgnbdTotalLogLikelihood(
  params: BgNbdParams,
  customers: readonly BgNbdCustomer[],
): number {
  checkParams(params);
  return totalLogLikelihood(params, prepare(customers));
}

/**
 * Starting points: purchase-rate distributions of shape 1 and 0.25 with the mean rate the
 * data show (repeat purchases over time observed, which drop-out biases low), and drop-out
 * probabilities averaging 1/4 and 1/10. Different enough that a start in the wrong basin
 * is outvoted; the restarts do the fine work.
 */
function defaultStarts(data: Prepared): BgNbdParams[] {
  const rate = data.purchases / data.exposure;
  return [
    { r: 1, alpha: 1 / rate, a: 1, b: 3 },
    { r: 0.25, alpha: 0.25 / rate, a: 0.5, b: 1.5 },
    { r: 1, alpha: 1 / rate, a: 1, b: 9 },
  ];
}

/**
 * The maximum-likelihood fit of the BG/NBD to customers' (x, t_x, T).
 *
 * Refused (LtvInputError) when there are no customers, when nobody made a repeat purchase
 * (the purchase rate would be estimated as 0: nothing to fit) or when all ages T are 0.
 */
export function fitBgNbd(
  customers: readonly BgNbdCustomer[],
  options: BgNbdFitOptions = {},
): BgNbdFit {
  if (customers.length === 0) throw new LtvInputError('BG/NBD: no customers to fit');
  const data = prepare(customers);
  if (!customers.some((c) => c.x > 0)) {
    throw new LtvInputError(
      `BG/NBD: none of the ${customers.length} customers made a repeat purchase; nothing to fit`,
    );
  }
  if (!customers.some((c) => c.T > 0)) {
    throw new LtvInputError('BG/NBD: every customer was observed for no time (T = 0)');
  }
  const logLikelihood = (d: Prepared) => (theta: number[]) =>
    totalLogLikelihood({ r: theta[0]!, alpha: theta[1]!, a: theta[2]!, b: theta[3]! }, d);
  // Over SCREEN_SIZE customers the starts run on every k-th customer (about SCREEN_SIZE of
  // them): enough to find the basin, the polish is on everybody.
  const k = Math.ceil(customers.length / SCREEN_SIZE);
  const sample = k > 1 ? prepare(customers.filter((_, i) => i % k === 0)) : undefined;
  const result = maximiseLogLikelihood(
    logLikelihood(data),
    (options.starts ?? defaultStarts(data)).map((start) => {
      checkParams(start);
      return NAMES.map((name) => start[name]);
    }),
    options,
    sample && sample.purchases > 0 ? logLikelihood(sample) : undefined,
  );
  const [r, alpha, a, b] = result.params as [number, number, number, number];
  return {
    params: { r, alpha, a, b },
    logLikelihood: result.logLikelihood,
    customers: data.customers,
    evaluations: result.evaluations,
    converged: result.converged,
    atBoundary: result.atBoundary.map((i) => NAMES[i]!),
  };
}

/**
 * The expected number of repeat purchases of a new customer in their first t time units
 * (eq. 9): (a + b - 1) / (a - 1) [1 - (alpha / (alpha + t))^r 2F1(r, b; a + b - 1; t / (alpha
 * + t))]. What a cohort's tracking chart shows.
 */
export function bgnbdExpectedPurchases(params: BgNbdParams, t: number): number {
  return conditionalExpectation(params, { x: 0, tx: 0, T: 0 }, t, false);
}

/**
 * The expected number of purchases in the next t time units of a customer with summary
 * (x, t_x, T) (eq. 10):
 *
 *   E[Y(t) | x, t_x, T] = (a + b + x - 1) / (a - 1)
 *       * [1 - ((alpha + T) / (alpha + T + t))^(r + x)
 *              2F1(r + x, b + x; a + b + x - 1; t / (alpha + T + t))]
 *       / [1 + [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x)].
 *
 * The formula holds for a < 1 too (CDNOW's a is 0.79): both brackets change sign with a - 1.
 * At a = 1 it is 0 / 0; within 1e-4 of it we interpolate linearly between a = 1 -+ 1e-4,
 * which the function's smoothness in a makes accurate to about 1e-8 relative.
 *
 * @example
 * // CDNOW's first customer, the paper's estimates (weeks): 1.2259 purchases in 39 weeks
 * bgnbdConditionalExpectedPurchases({ r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4259 },
 *   { x: 2, tx: 30.43, T: 38.86 }, 39)
 */
export function bgnbdConditionalExpectedPurchases(
  params: BgNbdParams,
  customer: BgNbdCustomer,
  t: number,
): number {
  checkCustomer(customer);
  return conditionalExpectation(params, customer, t, true);
}

const NEAR_ONE = 1e-4;

function conditionalExpectation(
  params: BgNbdParams,
  customer: BgNbdCustomer,
  t: number,
  conditional: boolean,
): number {
  checkParams(params);
  if (!(t >= 0 && Number.isFinite(t))) {
    throw new LtvInputError(`BG/NBD: the horizon must be finite and >= 0, got ${t}`);
  }
  if (t === 0) return 0;
  const { a } = params;
  let expected: number;
  if (Math.abs(a - 1) < NEAR_ONE) {
    const below = aliveExpectation({ ...params, a: 1 - NEAR_ONE }, customer, t);
    const above = aliveExpectation({ ...params, a: 1 + NEAR_ONE }, customer, t);
    const w = (a - (1 - NEAR_ONE)) / (2 * NEAR_ONE);
    expected = (1 - w) * below + w * above;
  } else {
    expected = aliveExpectation(params, customer, t);
  }
  // Far out in the parameters (a fit that ran to the edge of its search), 1 - ratio^k 2F1
  // can lose every digit: a negative or infinite expectation is refused, never reported.
  if (!(expected >= -1e-9 && Number.isFinite(expected))) {
    throw new LtvInputError(
      `BG/NBD: expected purchases cannot be computed accurately at r = ${params.r}, alpha = ${params.alpha}, a = ${a}, b = ${params.b} (the data do not pin the parameters down)`,
    );
  }
  expected = Math.max(0, expected);
  return conditional ? expected * bgnbdProbabilityAlive(params, customer) : expected;
}

/** The numerator of eq. 10: expected purchases in the next t if alive at T (a != 1). */
function aliveExpectation(params: BgNbdParams, customer: BgNbdCustomer, t: number): number {
  const { r, alpha, a, b } = params;
  const { x, T } = customer;
  const k = r + x;
  const logRatio = Math.log(alpha + T) - Math.log(alpha + T + t);
  const z = t / (alpha + T + t);
  const f = logHyp2f1(k, b + x, a + b + x - 1, z);
  // 1 - ratio^k 2F1, as -expm1 of its logarithm: exact when the product is near 1.
  const product = k * logRatio + f.log;
  const bracket = f.sign > 0 ? -Math.expm1(product) : 1 + Math.exp(product);
  return ((a + b + x - 1) / (a - 1)) * bracket;
}

/**
 * The probability that a customer with summary (x, t_x, T) is still alive at T (Fader,
 * Hardie and Lee, "Computing P(alive) Using the BG/NBD Model", 2008 note):
 * 1 / (1 + [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x)). A customer with
 * no repeat purchase is alive for sure: in the BG/NBD drop-out happens only right after a
 * purchase.
 *
 * @example
 * // CDNOW's first customer, the paper's estimates: 0.7266
 * bgnbdProbabilityAlive({ r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4259 },
 *   { x: 2, tx: 30.43, T: 38.86 })
 */
export function bgnbdProbabilityAlive(params: BgNbdParams, customer: BgNbdCustomer): number {
  checkParams(params);
  checkCustomer(customer);
  const { r, alpha, a, b } = params;
  const { x, tx, T } = customer;
  if (x === 0) return 1;
  const logOdds =
    Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return 1 / (1 + Math.exp(logOdds));
}
