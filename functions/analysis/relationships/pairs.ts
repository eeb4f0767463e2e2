import { InputRejectedError } from '#platform/errors.ts';
import { adfTest, type AdfResult } from './adf.ts';
import { DEFAULT_MAX_LAG, granger, type GrangerResult } from './granger.ts';
import { NotComputableError, type InformationCriterion } from './ols.ts';

/**
 * Predictive relationships among a set of aligned series (issue 5, item 3): a Granger test
 * for every ordered pair, on stationary versions of the series, with Benjamini-Hochberg
 * q-values over all the pairs tested.
 *
 * 1. Stationarity: ADF (constant, lag by AIC, statsmodels' default maxLag) on each series'
 *    levels; when its p-value is above `stationarityAlpha` (0.05) the series is differenced
 *    once, and the ADF of the differences is reported (never differenced twice: a series
 *    still non-stationary after one difference is rare in business data and is shown, not
 *    hidden). A series that is stationary around a trend usually fails the constant-only
 *    ADF and is differenced too, which the tests tolerate. When any series is differenced,
 *    the first point of the others is dropped, so every pair covers the same days.
 * 2. Weekly (or other) seasonality: by default, the lags (up to 14 for daily data) carry
 *    it, as lags 7 and 14 of y absorb a weekly cycle. That is not enough when two series
 *    share a strong calendar pattern: each one's lags then "predict" the other's pattern
 *    (the golden case: footfall and rentals, p = 3e-17 and 0.002 with nothing else in
 *    common). With `seasonalPeriod` (7 for daily data) the mean of each phase (position
 *    modulo the period) is subtracted from every prepared series before testing: a fixed
 *    weekday profile is removed and what is left is tested. The F test's degrees of freedom
 *    do not count those means (6 of several hundred).
 * 3. Each ordered pair: `granger` (lag by AIC up to `maxLag`, statsmodels' F test at it,
 *    direction and partial R²). A pair that cannot be computed (a constant series) is listed
 *    with its reason and not counted.
 * 4. q-values: Benjamini-Hochberg over the p-values of all the pairs tested, so a report can
 *    list those with q < 0.05 and say how many pairs were tested.
 */

export interface NamedSeries {
  name: string;
  /** Oldest first, one value per period, aligned with the other series. */
  values: readonly number[];
}

export interface PairsOptions {
  /** The largest lag tried, lowered when the series are too short for it. @default DEFAULT_MAX_LAG (14) */
  maxLag?: number;
  /** @default 'AIC' */
  criterion?: InformationCriterion;
  /** A series whose levels' ADF p-value is above this is differenced. @default 0.05 */
  stationarityAlpha?: number;
  /** Remove each phase's mean over this period (7 for daily data) before testing. @default none */
  seasonalPeriod?: number;
}

export interface SeriesPreparation {
  name: string;
  /** ADF of the levels; null when not computable (see `note`). */
  adf: AdfResult | null;
  differenced: boolean;
  /** ADF of the differences when differenced (null otherwise or when not computable). */
  adfDifferenced: AdfResult | null;
  /** Why an ADF could not be computed (a constant series). */
  note?: string;
}

export type PairResult =
  | { cause: string; effect: string; tested: true; result: GrangerResult; qValue: number }
  | { cause: string; effect: string; tested: false; reason: string };

export interface PairsResult {
  series: SeriesPreparation[];
  /** Every ordered pair, effect by effect in the input order, then cause in the input order. */
  pairs: PairResult[];
  /** Pairs tested: the number of p-values the q-values are over. */
  tested: number;
  /** Points per prepared series (the rows the tests start from). */
  points: number;
  maxLag: number;
  maxLagRequested: number;
  criterion: InformationCriterion;
  stationarityAlpha: number;
  seasonalPeriod: number | null;
}

/**
 * Granger tests over all ordered pairs of `series`, each made stationary first, with
 * Benjamini-Hochberg q-values over the pairs tested. Throws `InputRejectedError` for fewer
 * than two series, repeated names, different lengths, non-finite values, or series too
 * short for lag 1.
 *
 * @example
 * const r = grangerPairs([{ name: 'temperature', values: t }, { name: 'rentals', values: r }], { seasonalPeriod: 7 });
 * r.pairs.filter((p) => p.tested && p.qValue < 0.05) // the relationships to report, of r.tested
 */
export function grangerPairs(
  series: readonly NamedSeries[],
  options: PairsOptions = {},
): PairsResult {
  const criterion = options.criterion ?? 'AIC';
  const alpha = options.stationarityAlpha ?? 0.05;
  const maxLagRequested = options.maxLag ?? DEFAULT_MAX_LAG;
  const period = options.seasonalPeriod ?? null;
  validate(series, maxLagRequested, period);

  const preparations: SeriesPreparation[] = [];
  const prepared: number[][] = [];
  for (const { name, values } of series) {
    const levels = tryAdf(values);
    const differenced = levels.adf !== null && levels.adf.pValue > alpha;
    const changes = differenced ? values.slice(1).map((v, i) => v - values[i]!) : null;
    const after = changes ? tryAdf(changes) : { adf: null };
    const note = levels.note ?? after.note;
    preparations.push({
      name,
      adf: levels.adf,
      differenced,
      adfDifferenced: after.adf,
      ...(note ? { note } : {}),
    });
    prepared.push(changes ?? [...values]);
  }
  const points = Math.min(...prepared.map((v) => v.length));
  let aligned = prepared.map((v) => v.slice(v.length - points));
  if (period !== null) aligned = aligned.map((v) => removePhaseMeans(v, period));

  const maxLag = Math.min(maxLagRequested, Math.floor((points - 2) / 3));
  if (maxLag < 1)
    throw new InputRejectedError(`relationships: ${points} points are too few for lag 1`);

  const outcomes: { cause: string; effect: string; result?: GrangerResult; reason?: string }[] = [];
  series.forEach((effect, e) => {
    series.forEach((cause, c) => {
      if (c === e) return;
      const names = { cause: cause.name, effect: effect.name };
      try {
        outcomes.push({
          ...names,
          result: granger(aligned[e]!, aligned[c]!, { maxLag, criterion }),
        });
      } catch (error) {
        if (!(error instanceof NotComputableError)) throw error;
        outcomes.push({ ...names, reason: error.message });
      }
    });
  });
  const pValues = outcomes.flatMap((o) => (o.result ? [o.result.pValue] : []));
  const q = benjaminiHochberg(pValues);
  let next = 0;
  const pairs = outcomes.map(({ cause, effect, result, reason }): PairResult =>
    result
      ? { cause, effect, tested: true, result, qValue: q[next++]! }
      : { cause, effect, tested: false, reason: reason! },
  );

  return {
    series: preparations,
    pairs,
    tested: pValues.length,
    points,
    maxLag,
    maxLagRequested,
    criterion,
    stationarityAlpha: alpha,
    seasonalPeriod: period,
  };
}

/**
 * Benjamini-Hochberg q-values (false discovery rate adjusted p-values), in the order given:
 * q_(i) = min over j >= i of p_(j) m / j for the p-values sorted ascending, capped at 1, as
 * statsmodels' `multipletests(p, method='fdr_bh')`. Reject at FDR level α where q <= α.
 *
 * @example benjaminiHochberg([0.01, 0.04, 0.03]) // [0.03, 0.04, 0.04]
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  if (!pValues.every((p) => p >= 0 && p <= 1))
    throw new RangeError('benjaminiHochberg: p-values must be numbers from 0 to 1');
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((a, b) => pValues[a]! - pValues[b]!);
  const q = new Array<number>(m);
  let running = Infinity;
  for (let r = m - 1; r >= 0; r--) {
    const i = order[r]!;
    running = Math.min(running, pValues[i]! / ((r + 1) / m));
    q[i] = Math.min(running, 1);
  }
  return q;
}

function tryAdf(values: readonly number[]): { adf: AdfResult | null; note?: string } {
  try {
    return { adf: adfTest(values) };
  } catch (error) {
    if (!(error instanceof NotComputableError)) throw error;
    return { adf: null, note: error.message };
  }
}

/** v minus the mean of its phase (index modulo `period`). */
function removePhaseMeans(v: readonly number[], period: number): number[] {
  const sums = new Array<number>(period).fill(0);
  const counts = new Array<number>(period).fill(0);
  v.forEach((value, i) => {
    sums[i % period]! += value;
    counts[i % period]! += 1;
  });
  return v.map((value, i) => value - sums[i % period]! / counts[i % period]!);
}

function validate(series: readonly NamedSeries[], maxLag: number, period: number | null): void {
  if (series.length < 2) throw new InputRejectedError('relationships: need at least two series');
  const names = new Set(series.map((s) => s.name));
  if (names.size !== series.length)
    throw new InputRejectedError('relationships: series names must be unique');
  const n = series[0]!.values.length;
  for (const s of series) {
    if (s.values.length !== n)
      throw new InputRejectedError(
        `relationships: '${s.name}' has ${s.values.length} values, '${series[0]!.name}' ${n}; align them first`,
      );
    if (!s.values.every(Number.isFinite))
      throw new InputRejectedError(`relationships: '${s.name}' has missing or non-finite values`);
  }
  if (!Number.isInteger(maxLag) || maxLag < 1)
    throw new InputRejectedError(
      `relationships: maxLag must be a positive integer (got ${maxLag})`,
    );
  if (period !== null && (!Number.isInteger(period) || period < 2 || n < 2 * period + 1))
    throw new InputRejectedError(
      `relationships: seasonalPeriod must be an integer >= 2 with at least two cycles of data (got ${period} for ${n} points)`,
    );
}
