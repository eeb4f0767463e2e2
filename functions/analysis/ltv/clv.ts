/**
 * Customer lifetime value over a horizon from the two models (Fader, Hardie and Lee 2005 for
 * purchases, Fader and Hardie 2013 for spend), and the holdout check that says how far to
 * trust it on the data at hand.
 *
 * Value = expected purchases in the horizon (BG/NBD, given the customer's x, t_x, T) times
 * expected spend per purchase (Gamma-Gamma, given x and m_x). Multiplying the two
 * expectations is right only because the Gamma-Gamma model takes spend to be independent of
 * the purchase process: see its frequency-spend correlation before trusting the product.
 * The value is revenue; multiply by a margin for profit.
 */

import {
  bgnbdConditionalExpectedPurchases,
  bgnbdExpectedPurchases,
  fitBgNbd,
  type BgNbdCustomer,
  type BgNbdFit,
  type BgNbdFitOptions,
  type BgNbdParams,
} from './bgnbd.ts';
import { LtvInputError } from './errors.ts';
import { gammaGammaExpectedSpend, type GammaGammaParams } from './gamma-gamma.ts';
import {
  dayOf,
  groupByCustomer,
  rfmSummary,
  unitDays,
  type TimeUnit,
  type Transaction,
} from './rfm.ts';

export interface ClvCustomer extends BgNbdCustomer {
  /** Mean spend of the repeat purchases (rfm.ts); ignored when x = 0. */
  monetaryValue: number;
}

export interface ClvOptions {
  /** Horizon, in the time unit the models were fitted in. */
  horizon: number;
  /**
   * Discounting: the purchases expected in each period of `period` time units (the last
   * one possibly shorter) are discounted by (1 + rate)^(-end of the period / period), i.e.
   * as if made at the period's end, as `lifetimes`' customer_lifetime_value does with
   * monthly periods. Example: { rate: 0.01, period: 30 } for 1% a month with days as the
   * unit. Undiscounted by default.
   */
  discount?: { rate: number; period: number };
}

export interface CustomerValue {
  /** E[purchases in the horizon | x, t_x, T], undiscounted. */
  expectedPurchases: number;
  /** E[spend per purchase | x, m_x]. */
  expectedSpend: number;
  /** Expected purchases (discounted, if asked) times expected spend. */
  value: number;
}

/**
 * The expected value of a customer over the horizon.
 *
 * @example
 * // CDNOW's first customer over a year, the published estimates (weeks):
 * // 1.5586 purchases x $24.66 = $38.44
 * customerValue({ r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4259 },
 *   { p: 6.25, q: 3.74, gamma: 15.44 },
 *   { x: 2, tx: 30.43, T: 38.86, monetaryValue: 22.35 }, { horizon: 52 })
 */
export function customerValue(
  bgnbd: BgNbdParams,
  gammaGamma: GammaGammaParams,
  customer: ClvCustomer,
  options: ClvOptions,
): CustomerValue {
  const { horizon, discount } = options;
  const expectedPurchases = bgnbdConditionalExpectedPurchases(bgnbd, customer, horizon);
  const expectedSpend = gammaGammaExpectedSpend(gammaGamma, customer);
  if (!discount) {
    return { expectedPurchases, expectedSpend, value: expectedPurchases * expectedSpend };
  }
  const { rate, period } = discount;
  if (!(rate > -1 && Number.isFinite(rate) && period > 0 && Number.isFinite(period))) {
    throw new LtvInputError(
      `CLV: the discount needs rate > -1 and period > 0, got rate ${rate}, period ${period}`,
    );
  }
  let discounted = 0;
  let before = 0;
  for (let end = Math.min(period, horizon); ; end = Math.min(end + period, horizon)) {
    const upTo = bgnbdConditionalExpectedPurchases(bgnbd, customer, end);
    discounted += (upTo - before) * (1 + rate) ** (-end / period);
    before = upTo;
    if (end >= horizon) break;
  }
  return { expectedPurchases, expectedSpend, value: discounted * expectedSpend };
}

export interface HoldoutOptions {
  /** Last day of the calibration period: the models see purchases up to it. */
  calibrationEnd: string | Date;
  /** Last day of the holdout period, after calibrationEnd. */
  holdoutEnd: string | Date;
  /** Time unit of the fit. @default 'days' */
  unit?: TimeUnit;
  fit?: BgNbdFitOptions;
}

/** Customers with the same number of calibration repeat purchases (7+ pooled). */
export interface FrequencyGroup {
  /** '0' .. '6', or '7+'. */
  x: string;
  customers: number;
  /** Mean holdout purchases per customer: the model's expectation and what happened. */
  predicted: number;
  actual: number;
}

export interface HoldoutCheck {
  unit: TimeUnit;
  /** Length of the holdout period, in the unit. */
  horizon: number;
  /** Customers with a purchase on or before the calibration end (the ones predicted). */
  customers: number;
  /** Customers whose first purchase falls in the holdout: no history, not predicted. */
  newInHoldout: number;
  fit: BgNbdFit;
  /**
   * Repeat purchases in the calibration period: the sum of E[X(T)] (what the fitted model
   * expects of customers of these ages) and the actual count. A check of the fit itself.
   */
  calibration: { predicted: number; actual: number };
  /** Holdout purchases (distinct purchase days) of all customers: sum of E[Y(t) | ...]. */
  totalPredicted: number;
  totalActual: number;
  /** Mean over customers of |predicted - actual| holdout purchases. */
  meanAbsoluteError: number;
  /**
   * As the BG/NBD paper's figure of conditional expectations: by calibration x, groups with
   * no customer left out.
   */
  byFrequency: FrequencyGroup[];
}

const TOP_GROUP = 7;

/**
 * Fit the BG/NBD on the purchases up to `calibrationEnd` and compare what it expects each
 * customer to buy up to `holdoutEnd` with what they bought: in total, per customer (mean
 * absolute error), and by calibration frequency x = 0, 1, ..., 6, 7+ (FHL 2005, section 4).
 * Holdout purchases are counted as the summary counts them: distinct purchase days.
 */
export function holdoutCheck(
  transactions: readonly Transaction[],
  options: HoldoutOptions,
): HoldoutCheck {
  const unit = options.unit ?? 'days';
  const calibrationEnd = dayOf(options.calibrationEnd);
  const holdoutEnd = dayOf(options.holdoutEnd);
  if (!(holdoutEnd > calibrationEnd)) {
    throw new LtvInputError(
      `holdout check: the holdout end (${String(options.holdoutEnd)}) must come after the ` +
        `calibration end (${String(options.calibrationEnd)})`,
    );
  }
  const horizon = (holdoutEnd - calibrationEnd) / unitDays(unit);
  const summaries: BgNbdCustomer[] = [];
  const actual: number[] = [];
  let newInHoldout = 0;
  for (const purchases of groupByCustomer(transactions).values()) {
    const summary = rfmSummary(purchases, { end: options.calibrationEnd, unit });
    const holdoutDays = new Set<number>();
    for (const p of purchases) {
      const day = dayOf(p.date);
      if (day > calibrationEnd && day <= holdoutEnd) holdoutDays.add(day);
    }
    if (!summary) {
      if (holdoutDays.size > 0) newInHoldout++;
      continue;
    }
    summaries.push(summary);
    actual.push(holdoutDays.size);
  }
  return holdoutOfSummaries(summaries, actual, { unit, horizon, newInHoldout, fit: options.fit });
}

/**
 * The holdout check from per-customer summaries at the calibration end and each customer's
 * actual holdout purchases (distinct days), in the same order: what the pipeline computes in
 * SQL, and `holdoutCheck` from transactions.
 */
export function holdoutOfSummaries(
  summaries: readonly BgNbdCustomer[],
  actual: readonly number[],
  options: { unit: TimeUnit; horizon: number; newInHoldout: number; fit?: BgNbdFitOptions },
): HoldoutCheck {
  const { unit, horizon, newInHoldout } = options;
  if (summaries.length === 0) {
    throw new LtvInputError('holdout check: no customer bought on or before the calibration end');
  }
  const fit = fitBgNbd(summaries, options.fit);
  const groups = Array.from({ length: TOP_GROUP + 1 }, () => ({ n: 0, predicted: 0, actual: 0 }));
  let totalPredicted = 0;
  let totalActual = 0;
  let absoluteError = 0;
  let calibrationPredicted = 0;
  let calibrationActual = 0;
  summaries.forEach((c, i) => {
    const predicted = bgnbdConditionalExpectedPurchases(fit.params, c, horizon);
    const got = actual[i]!;
    totalPredicted += predicted;
    totalActual += got;
    absoluteError += Math.abs(predicted - got);
    calibrationPredicted += bgnbdExpectedPurchases(fit.params, c.T);
    calibrationActual += c.x;
    const group = groups[Math.min(c.x, TOP_GROUP)]!;
    group.n++;
    group.predicted += predicted;
    group.actual += got;
  });
  return {
    unit,
    horizon,
    customers: summaries.length,
    newInHoldout,
    fit,
    calibration: { predicted: calibrationPredicted, actual: calibrationActual },
    totalPredicted,
    totalActual,
    meanAbsoluteError: absoluteError / summaries.length,
    byFrequency: groups.flatMap((g, x) =>
      g.n === 0
        ? []
        : [
            {
              x: x === TOP_GROUP ? `${TOP_GROUP}+` : String(x),
              customers: g.n,
              predicted: g.predicted / g.n,
              actual: g.actual / g.n,
            },
          ],
    ),
  };
}
