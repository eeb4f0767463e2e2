import { fitBgNbd, bgnbdProbabilityAlive, type BgNbdCustomer } from '#analysis/ltv/bgnbd.ts';
import { customerValue, holdoutOfSummaries, type HoldoutCheck } from '#analysis/ltv/clv.ts';
import { fitGammaGamma } from '#analysis/ltv/gamma-gamma.ts';
import { dayOf as dayNumber, isoDay, type TimeUnit } from '#analysis/ltv/rfm.ts';
import type { CustomerActivity } from '#query/customers.ts';
import type { LifetimeValueModel } from '#report/findings.ts';

/**
 * Predicted lifetime value: BG/NBD for how many purchases a customer will make (and whether
 * they are still a customer), Gamma-Gamma for what each will be worth, both fitted by maximum
 * likelihood on the per-customer summary as of the end of the data; the value over the next
 * year is their product. The holdout check refits on the data before a calibration end and
 * compares the purchases it predicts after it with those made.
 */

/** Days of the prediction horizon: a year. */
export const HORIZON_DAYS = 365;

/** The BG/NBD summary of a customer as of `end` (`YYYY-MM-DD`), in `unit`. */
export function summaryOf(
  a: CustomerActivity,
  end: string,
  unit: TimeUnit,
): BgNbdCustomer & {
  monetaryValue: number;
} {
  const perUnit = unit === 'weeks' ? 7 : 1;
  const x = a.days - 1;
  return {
    x,
    tx: (dayNumber(a.last) - dayNumber(a.first)) / perUnit,
    T: (dayNumber(end) - dayNumber(a.first)) / perUnit,
    // Gamma-Gamma describes repeat spend: the mean of the repeat days' totals.
    monetaryValue: x > 0 ? (a.value - a.firstDayValue) / x : 0,
  };
}

/** Weeks when the data spans half a year or more (the models' usual unit), else days. */
export function unitFor(first: string, last: string): TimeUnit {
  return dayNumber(last) - dayNumber(first) >= 182 ? 'weeks' : 'days';
}

export interface PredictedValue {
  model: LifetimeValueModel;
  /** Per customer, in input order. */
  expectedPurchases: number[];
  probabilityAlive: number[];
  expectedSpend: number[];
  value: number[];
}

export function predictLifetimeValue(
  activity: readonly CustomerActivity[],
  end: string,
  unit: TimeUnit,
): PredictedValue {
  const summaries = activity.map((a) => summaryOf(a, end, unit));
  const bgnbd = fitBgNbd(summaries);
  const gammaGamma = fitGammaGamma(summaries);
  const horizon = HORIZON_DAYS / (unit === 'weeks' ? 7 : 1);
  const values = summaries.map((c) =>
    customerValue(bgnbd.params, gammaGamma.params, c, { horizon }),
  );
  return {
    model: {
      unit,
      horizonDays: HORIZON_DAYS,
      customers: summaries.length,
      bgnbd: {
        ...bgnbd.params,
        logLikelihood: bgnbd.logLikelihood,
        converged: bgnbd.converged,
      },
      gammaGamma: {
        ...gammaGamma.params,
        logLikelihood: gammaGamma.logLikelihood,
        customers: gammaGamma.customers,
        frequencySpendCorrelation: gammaGamma.frequencySpend.correlation,
      },
    },
    expectedPurchases: values.map((v) => v.expectedPurchases),
    probabilityAlive: summaries.map((c) => bgnbdProbabilityAlive(bgnbd.params, c)),
    expectedSpend: values.map((v) => v.expectedSpend),
    value: values.map((v) => v.value),
  };
}

/**
 * The calibration end of the holdout check: the last third of the data's span is held out,
 * at most a year, so the models are judged on a stretch as long as the forecasts they make.
 */
export function calibrationEnd(first: string, last: string): string {
  const span = dayNumber(last) - dayNumber(first);
  const holdout = Math.min(HORIZON_DAYS, Math.floor(span / 3));
  return isoDay(dayNumber(last) - holdout);
}

/** The holdout check from the calibration activity and each customer's holdout purchase days. */
export function holdoutFrom(
  calibration: readonly CustomerActivity[],
  holdoutDays: ReadonlyMap<string, { days: number }>,
  calibrationEndDay: string,
  last: string,
  unit: TimeUnit,
): HoldoutCheck {
  const summaries = calibration.map((a) => summaryOf(a, calibrationEndDay, unit));
  const known = new Set(calibration.map((a) => a.customer));
  const newInHoldout = [...holdoutDays.keys()].filter((k) => !known.has(k)).length;
  return holdoutOfSummaries(
    summaries,
    calibration.map((a) => holdoutDays.get(a.customer)?.days ?? 0),
    {
      unit,
      horizon: (dayNumber(last) - dayNumber(calibrationEndDay)) / (unit === 'weeks' ? 7 : 1),
      newInHoldout,
    },
  );
}
