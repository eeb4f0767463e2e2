import {
  clampIfNonNegative,
  type Forecast,
  type Level,
  type NamedForecaster,
} from './forecaster.ts';
import { coverageCounts, mase, smape } from './metrics.ts';
import type { SeriesContext } from './series-context.ts';

/** One rolling origin: train on the first `trainEnd` points, forecast the next h. */
export interface OriginResult {
  /** k = 1..K: the test window is points n-hk+1 .. n-hk+h (1-based). */
  k: number;
  /** Number of training points (index of the last training point, 1-based). */
  trainEnd: number;
  forecast: Forecast;
  /** The holdout values (NaN where the data had no value and the series was filled). */
  actual: number[];
  mase: number;
  smape: number;
}

export interface BacktestResult {
  model: string;
  origins: OriginResult[];
  /** Mean over origins (origins where a metric is NaN are left out); NaN when none counts. */
  mase: number;
  smape: number;
  /** Share of scored holdout points inside the 80% and 95% intervals, over all origins. */
  coverage: Record<Level, number>;
}

/**
 * Runs a model and applies the house rule: a non-negative training series never gets a
 * negative forecast or bound (see `clampIfNonNegative`). With a `context` that accepts
 * `train` (a prefix of its series), the model fits each prefix once and may share work
 * across prefixes.
 */
export function runForecaster(
  model: NamedForecaster,
  train: readonly number[],
  h: number,
  m: number,
  context?: SeriesContext,
): Forecast {
  const run = (c?: SeriesContext) => clampIfNonNegative(train, model.forecast(train, h, m, c));
  if (!context?.accepts(train)) return run();
  return context.forecast(`${model.name}|${train.length}|${h}|${m}`, () => run(context));
}

/**
 * The first training length a rolling-origin backtest with K origins of horizon h can
 * use on n points: n - hK (origin k trains on points 1 .. n-hk).
 */
export function firstTrainLength(n: number, h: number, origins: number): number {
  return n - h * origins;
}

/**
 * Rolling-origin backtest (the issue's protocol): for k = 1..K, train on points 1 .. n-hk
 * and forecast points n-hk+1 .. n-hk+h, so the K test windows tile the last hK points
 * without overlap. Origins come back in time order (k = K first). `observed[i]` false marks
 * a point that was filled (not in the data): it is used for training but never scored.
 * MASE is scaled by each origin's own training data (seasonal naive with m).
 */
export function backtest(
  model: NamedForecaster,
  y: readonly number[],
  h: number,
  origins: number,
  m: number,
  observed?: readonly boolean[],
  context?: SeriesContext,
): BacktestResult {
  const n = y.length;
  if (!(h >= 1) || !(origins >= 1))
    throw new Error('backtest needs h >= 1 and at least one origin');
  if (firstTrainLength(n, h, origins) < 1)
    throw new Error(
      `backtest of ${origins} origins of ${h} steps needs more than ${h * origins} points, have ${n}`,
    );
  const results: OriginResult[] = [];
  for (let k = origins; k >= 1; k--) {
    const trainEnd = n - h * k;
    const train = y.slice(0, trainEnd);
    const actual = y
      .slice(trainEnd, trainEnd + h)
      .map((v, j) => (observed && !observed[trainEnd + j] ? NaN : v));
    const forecast = runForecaster(model, train, h, m, context);
    results.push({
      k,
      trainEnd,
      forecast,
      actual,
      mase: mase(actual, forecast.mean, train, m),
      smape: smape(actual, forecast.mean),
    });
  }
  const cover = (level: Level) => {
    let inside = 0;
    let scored = 0;
    for (const r of results) {
      const c = coverageCounts(r.actual, r.forecast, level);
      inside += c.inside;
      scored += c.scored;
    }
    return scored > 0 ? inside / scored : NaN;
  };
  return {
    model: model.name,
    origins: results,
    mase: meanFinite(results.map((r) => r.mase)),
    smape: meanFinite(results.map((r) => r.smape)),
    coverage: { 80: cover(80), 95: cover(95) },
  };
}

export interface Choice {
  model: NamedForecaster;
  /** Every model's backtest, in the order of `models`. */
  backtests: BacktestResult[];
  chosen: BacktestResult;
  /** Why, for a person: `theta: lowest mean backtest MASE (0.81; snaive 1.02, ...)`. */
  reason: string;
}

/**
 * Picks, for one series, the model with the lowest mean backtest MASE. Ties (within 1e-12)
 * go to the lower sMAPE, then to the earlier model in `models` (list the simplest first).
 * A NaN MASE (a constant history) counts as worse than any number; when every model's is
 * NaN, the first model is chosen.
 */
export function chooseModel(
  models: readonly NamedForecaster[],
  y: readonly number[],
  h: number,
  origins: number,
  m: number,
  observed?: readonly boolean[],
  context?: SeriesContext,
): Choice {
  if (models.length === 0) throw new Error('no model to choose from');
  const backtests = models.map((model) => backtest(model, y, h, origins, m, observed, context));
  const key = (x: number) => (Number.isNaN(x) ? Infinity : x);
  let best = 0;
  for (let i = 1; i < backtests.length; i++) {
    const a = backtests[i]!;
    const b = backtests[best]!;
    const d = key(a.mase) - key(b.mase);
    const tie = d === 0 || Math.abs(d) <= 1e-12;
    if (d < -1e-12 || (tie && key(a.smape) < key(b.smape) - 1e-12)) best = i;
  }
  const chosen = backtests[best]!;
  const others = backtests
    .filter((_, i) => i !== best)
    .map((b) => `${b.model} ${fmt(b.mase)}`)
    .join(', ');
  const reason = Number.isNaN(chosen.mase)
    ? `${chosen.model}: MASE undefined (constant history), the simplest model`
    : `${chosen.model}: lowest mean backtest MASE over ${origins} origin(s) (${fmt(chosen.mase)}${others ? `; ${others}` : ''})`;
  return { model: models[best]!, backtests, chosen, reason };
}

function fmt(x: number): string {
  return Number.isNaN(x) ? 'n/a' : x.toFixed(3);
}

function meanFinite(xs: number[]): number {
  const finite = xs.filter((x) => Number.isFinite(x));
  return finite.length > 0 ? finite.reduce((a, b) => a + b, 0) / finite.length : NaN;
}
