/**
 * The Gamma-Gamma model of spend per purchase (Fader and Hardie 2013, "The Gamma-Gamma Model
 * of Monetary Value", after Colombo and Jiang 1999): a customer's purchase amounts are
 * Gamma(p, nu) (shape p, rate nu), so their mean spend is p / nu, and across customers
 * nu ~ Gamma(q, gamma). Fitted on customers with at least one repeat purchase, on x (the
 * number of repeat purchases) and m_x (their mean amount): the monetary value of rfm.ts.
 *
 * The model assumes that how much a customer spends does not depend on how often they buy,
 * which is what lets a lifetime value be expected purchases times expected spend (clv.ts).
 * The fit reports the correlation between x and m_x so that a reader can judge it (0.11 on
 * CDNOW, which Fader and Hardie report and go on with); it does not refuse to fit.
 *
 * `gamma` is the parameter lifetimes calls v.
 */

import { logGamma } from '#analysis/stats/distributions.ts';
import { LtvInputError } from './errors.ts';
import { maximiseLogLikelihood, type MleOptions } from './mle.ts';

export interface GammaGammaParams {
  /** Shape of a customer's spend distribution. */
  p: number;
  /** Shape and rate of the spread of the rate nu across customers. */
  q: number;
  gamma: number;
}

/** A customer's repeat purchases x and their mean amount m_x. */
export interface SpendCustomer {
  x: number;
  monetaryValue: number;
}

export interface GammaGammaFitOptions extends MleOptions {
  /** Starting points (default: three, scaled to the mean spend). */
  starts?: GammaGammaParams[];
}

export interface FrequencySpendCheck {
  /** Pearson correlation of x and m_x over the fitted customers; null if not computable. */
  correlation: number | null;
  customers: number;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  /** Customers fitted: x > 0 and m_x > 0. */
  customers: number;
  /** Left out: no repeat purchase (no spend to model), or a mean spend <= 0 (refunds). */
  excluded: { noRepeatPurchase: number; nonPositiveSpend: number };
  evaluations: number;
  converged: boolean;
  /** Parameters whose logarithm passed +-20 (the search box is +-30): not pinned down. */
  atBoundary: (keyof GammaGammaParams)[];
  /** The model's assumption, reported: spend independent of frequency. */
  frequencySpend: FrequencySpendCheck;
}

const NAMES = ['p', 'q', 'gamma'] as const;

function checkParams(params: GammaGammaParams): void {
  for (const name of NAMES) {
    if (!(params[name] > 0 && Number.isFinite(params[name]))) {
      throw new LtvInputError(
        `Gamma-Gamma: ${name} must be positive and finite, got ${params[name]}`,
      );
    }
  }
}

function checkSpender(c: SpendCustomer, where = 'customer'): void {
  if (!(
    Number.isInteger(c.x) &&
    c.x > 0 &&
    c.monetaryValue > 0 &&
    Number.isFinite(c.monetaryValue)
  )) {
    throw new LtvInputError(
      `Gamma-Gamma: ${where} has x = ${c.x}, m_x = ${c.monetaryValue}; need x >= 1 and m_x > 0`,
    );
  }
}

/**
 * The log-likelihood of a customer's mean spend m_x over x purchases (Fader and Hardie 2013,
 * eq. 3): the mean of x Gamma(p, nu) amounts is Gamma(p x, nu x), and integrating nu over
 * Gamma(q, gamma) gives
 *
 *   f(m_x) = Gamma(p x + q) / (Gamma(p x) Gamma(q)) gamma^q m_x^(p x - 1) x^(p x)
 *            / (gamma + m_x x)^(p x + q).
 *
 * @example gammaGammaLogLikelihood({ p: 6.25, q: 3.74, gamma: 15.44 },
 *   { x: 2, monetaryValue: 22.35 }) // -3.5513 (CDNOW's first customer)
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, customer: SpendCustomer): number {
  checkParams(params);
  checkSpender(customer);
  return logLikelihood(params, customer.x, customer.monetaryValue);
}

function logLikelihood({ p, q, gamma }: GammaGammaParams, x: number, m: number): number {
  const px = p * x;
  return (
    logGamma(px + q) -
    logGamma(px) -
    logGamma(q) +
    q * Math.log(gamma) +
    (px - 1) * Math.log(m) +
    px * Math.log(x) -
    (px + q) * Math.log(gamma + m * x)
  );
}

/**
 * A customer's expected spend per purchase given x repeat purchases of mean m_x (Fader and
 * Hardie 2013, eq. 5): (gamma + m_x x) p / (p x + q - 1), a weighted average of the
 * population mean p gamma / (q - 1) and the customer's own m_x, the weight on m_x growing
 * with x. With x = 0, or a mean spend <= 0 (which the model cannot condition on), it is the
 * population mean, which exists only when q > 1 (LtvInputError otherwise).
 *
 * @example gammaGammaExpectedSpend({ p: 6.25, q: 3.74, gamma: 15.44 },
 *   { x: 2, monetaryValue: 22.35 }) // 24.6637
 */
export function gammaGammaExpectedSpend(params: GammaGammaParams, customer: SpendCustomer): number {
  checkParams(params);
  const { p, q, gamma } = params;
  const { x, monetaryValue: m } = customer;
  if (!(Number.isInteger(x) && x >= 0)) {
    throw new LtvInputError(`Gamma-Gamma: x must be a whole number >= 0, got ${x}`);
  }
  if (x === 0 || !(m > 0)) {
    if (!(q > 1)) {
      throw new LtvInputError(
        `Gamma-Gamma: q = ${q} <= 1 makes the population's mean spend infinite; ` +
          'no expected spend for a customer without repeat purchases',
      );
    }
    return (p * gamma) / (q - 1);
  }
  if (!Number.isFinite(m)) throw new LtvInputError(`Gamma-Gamma: m_x = ${m} is not a number`);
  if (!(p * x + q > 1)) {
    throw new LtvInputError(
      `Gamma-Gamma: p x + q = ${p * x + q} <= 1 makes the customer's expected spend infinite`,
    );
  }
  return ((gamma + m * x) * p) / (p * x + q - 1);
}

/**
 * Pearson correlation of frequency and mean spend among customers with x > 0 and m_x > 0:
 * the check of the model's independence assumption. Null when fewer than 3 customers or
 * when x or m_x is constant (not computable).
 */
export function frequencySpendCorrelation(
  customers: readonly SpendCustomer[],
): FrequencySpendCheck {
  const used = customers.filter((c) => c.x > 0 && c.monetaryValue > 0);
  const n = used.length;
  if (n < 3) return { correlation: null, customers: n };
  let mx = 0;
  let mm = 0;
  for (const c of used) {
    mx += c.x / n;
    mm += c.monetaryValue / n;
  }
  let sxx = 0;
  let smm = 0;
  let sxm = 0;
  for (const c of used) {
    sxx += (c.x - mx) ** 2;
    smm += (c.monetaryValue - mm) ** 2;
    sxm += (c.x - mx) * (c.monetaryValue - mm);
  }
  if (sxx === 0 || smm === 0) return { correlation: null, customers: n };
  return { correlation: sxm / Math.sqrt(sxx * smm), customers: n };
}

/**
 * The fitted customers in arrays, with ln m_x and ln x computed once and the gamma-function
 * terms, which depend on x alone, once per distinct x and evaluation: one logarithm per
 * customer and evaluation is left.
 */
interface Prepared {
  x: Float64Array;
  m: Float64Array;
  /** (ln m_x, ln x) per customer, and the index of x in xValues. */
  logM: Float64Array;
  logX: Float64Array;
  xIndex: Int32Array;
  xValues: number[];
  meanSpend: number;
}

function prepare(customers: readonly SpendCustomer[]): Prepared {
  const n = customers.length;
  const xValues: number[] = [];
  const xPosition = new Map<number, number>();
  const xIndex = new Int32Array(n);
  let meanSpend = 0;
  customers.forEach((c, i) => {
    let position = xPosition.get(c.x);
    if (position === undefined) {
      position = xValues.length;
      xPosition.set(c.x, position);
      xValues.push(c.x);
    }
    xIndex[i] = position;
    meanSpend += c.monetaryValue / n;
  });
  return {
    x: Float64Array.from(customers, (c) => c.x),
    m: Float64Array.from(customers, (c) => c.monetaryValue),
    logM: Float64Array.from(customers, (c) => Math.log(c.monetaryValue)),
    logX: Float64Array.from(customers, (c) => Math.log(c.x)),
    xIndex,
    xValues,
    meanSpend,
  };
}

function totalLogLikelihood({ p, q, gamma }: GammaGammaParams, data: Prepared): number {
  const front = new Float64Array(data.xValues.length);
  const base = q * Math.log(gamma) - logGamma(q);
  data.xValues.forEach((x, j) => {
    front[j] = base + logGamma(p * x + q) - logGamma(p * x);
  });
  const { x, m, logM, logX, xIndex } = data;
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    const px = p * x[i]!;
    total +=
      front[xIndex[i]!]! +
      (px - 1) * logM[i]! +
      px * logX[i]! -
      (px + q) * Math.log(gamma + m[i]! * x[i]!);
  }
  return total;
}

/**
 * The maximum-likelihood fit of the Gamma-Gamma model, over log(p, q, gamma) (mle.ts:
 * Nelder-Mead from three starts, then restarts). Customers with x = 0 or m_x <= 0 are left out and counted.
 * Refused (LtvInputError) when no customer is left.
 */
export function fitGammaGamma(
  customers: readonly SpendCustomer[],
  options: GammaGammaFitOptions = {},
): GammaGammaFit {
  let noRepeatPurchase = 0;
  let nonPositiveSpend = 0;
  const used: SpendCustomer[] = [];
  customers.forEach((c, i) => {
    if (!(Number.isInteger(c.x) && c.x >= 0) || Number.isNaN(c.monetaryValue)) {
      throw new LtvInputError(
        `Gamma-Gamma: customer ${i} has x = ${c.x}, m_x = ${c.monetaryValue}`,
      );
    }
    if (c.x === 0) noRepeatPurchase++;
    else if (!(c.monetaryValue > 0)) nonPositiveSpend++;
    else {
      checkSpender(c, `customer ${i}`);
      used.push(c);
    }
  });
  if (used.length === 0) {
    throw new LtvInputError(
      `Gamma-Gamma: no customer with a repeat purchase and a positive spend among ${customers.length}`,
    );
  }
  const data = prepare(used);
  // Spend shapes 1, 4 and 10 (from spread-out to steady spenders), each with the rate
  // spread set so that the population mean p gamma / (q - 1) is the observed mean.
  const meanSpend = data.meanSpend;
  const starts = options.starts ?? [
    { p: 1, q: 2, gamma: meanSpend },
    { p: 4, q: 4, gamma: (meanSpend * 3) / 4 },
    { p: 10, q: 3, gamma: (meanSpend * 2) / 10 },
  ];
  const result = maximiseLogLikelihood(
    ([p, q, gamma]) => totalLogLikelihood({ p: p!, q: q!, gamma: gamma! }, data),
    starts.map((start) => {
      checkParams(start);
      return NAMES.map((name) => start[name]);
    }),
    options,
  );
  const [p, q, gamma] = result.params as [number, number, number];
  return {
    params: { p, q, gamma },
    logLikelihood: result.logLikelihood,
    customers: used.length,
    excluded: { noRepeatPurchase, nonPositiveSpend },
    evaluations: result.evaluations,
    converged: result.converged,
    atBoundary: result.atBoundary.map((i) => NAMES[i]!),
    frequencySpend: frequencySpendCorrelation(used),
  };
}
