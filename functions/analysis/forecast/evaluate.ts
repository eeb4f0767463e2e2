import { anchorLength, autoForecast, autoModel, minimumLength, minimumTrain } from './auto.ts';
import { backtest, type BacktestResult } from './backtest.ts';
import type { Forecast } from './forecaster.ts';
import { FORECASTERS } from './models.ts';
import { seasonalNaiveModel } from './naive.ts';
import { SeriesContext } from './series-context.ts';
import { futureDates, SEASONAL_PERIOD, type RegularSeries } from './series.ts';

/**
 * What the `forecast` command and the report's forecast analysis compute for one regular
 * series (see `series.ts`): the model chosen by backtest and its forecast after the last
 * point, and the rolling-origin backtest of that whole procedure (nested: at each outer
 * origin the model is chosen afresh from that origin's training data only), beside seasonal
 * naive on the same origins. Pure: numbers in, numbers out, rounded to 1e-6 (more digits than
 * business data carry) so that JSON and CSV print them the same.
 */

/** One forecast step: the date, the point forecast and the 80% and 95% intervals. */
export interface ForecastRow {
  series_id: string;
  /** The last training date. */
  train_end: string;
  ds: string;
  yhat: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
}

/** Backtest errors; null where not computable (a constant history, nothing scored). */
export interface BacktestMetrics {
  mase: number | null;
  smape: number | null;
  coverage80: number | null;
  coverage95: number | null;
}

export interface ProcedureBacktest extends BacktestMetrics {
  /** Outer origins, in time order: the last training date and the model chosen there. */
  origins: { train_end: string; model: string }[];
  /** Holdout points scored (points filled for the model are not). */
  scored: number;
  /** Each origin's forecasts of its test window. */
  rows: ForecastRow[];
  /** Seasonal naive (`snaive`, with the same period) on the same origins, when asked for. */
  baseline?: BacktestMetrics & { model: string };
}

export interface SeriesEvaluation {
  series_id: string;
  frequency: string;
  /** Seasonal period used (1: none). */
  period: number;
  points: number;
  first: string;
  last: string;
  filled: number;
  notes: string[];
  /** The model chosen on all the history, and why (with `forecast`). */
  model?: string;
  reason?: string;
  /** Each candidate's backtest on the history (the chooser's evidence). */
  candidates?: Record<string, BacktestMetrics>;
  /** The forecast after the last point (with `forecast`). */
  forecast?: ForecastRow[];
  /** The backtest of the whole procedure (with `backtest`). */
  backtest?: ProcedureBacktest;
  /** Why nothing could be computed: `<label>: 30 points, need 57 (...)`. */
  error?: string;
}

export interface EvaluateOptions {
  /** Steps ahead. */
  horizon: number;
  /** Outer backtest origins of the whole procedure; none when omitted. */
  backtest?: number;
  /**
   * With `backtest`: when the history is too short for that many origins, use as many as it
   * allows (at least one) and say so, instead of refusing. A history too short for any origin
   * still gets the forecast, with a note.
   */
  fewerOrigins?: boolean;
  /** The forecast after the last point; default: only when no backtest is asked for. */
  forecast?: boolean;
  /** With `backtest`: seasonal naive on the same origins, for comparison. */
  baseline?: boolean;
  /** Names the series in `error`: a file, `dataset.column`. */
  label: string;
}

/**
 * Forecast and/or backtest one series. A series too short for what is asked gets `error`
 * ("N points, need M", with what the points are for) and nothing else.
 */
export function evaluateSeries(s: RegularSeries, options: EvaluateOptions): SeriesEvaluation {
  const h = options.horizon;
  const requested = options.backtest ?? 0;
  const wantForecast = options.forecast ?? options.backtest === undefined;
  const notes = [...s.notes];
  const points = s.values.length;
  // Yearly seasonality of weekly or monthly data needs two years; shorter, forecast without it.
  let m = SEASONAL_PERIOD[s.frequency];
  if (s.frequency !== 'daily' && points < minimumLength(m, h, requested)) {
    notes.push(
      `shorter than ${minimumLength(m, h, requested)} points: no yearly seasonality modelled`,
    );
    m = 1;
  }
  const report: SeriesEvaluation = {
    series_id: s.id,
    frequency: s.frequency,
    period: m,
    points,
    first: s.dates[0]!,
    last: s.dates[points - 1]!,
    filled: s.filled.length,
    notes,
  };
  // Outer origins the history allows: each needs h more points than a plain forecast.
  const fit = Math.max(0, Math.floor((points - minimumLength(m, h)) / h));
  const origins = options.fewerOrigins ? Math.min(requested, fit) : requested;
  const needed = minimumLength(m, h, origins);
  if (points < needed || (!wantForecast && origins < 1)) {
    report.error = `${options.label}: ${tooShort(points, m, h, origins, s.frequency)}`;
    return report;
  }
  const largest = s.values.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
  if (largest > MAX_MAGNITUDE) {
    report.error = `${options.label}: values up to ${largest.toPrecision(3)} are too large to model (more than ${MAX_MAGNITUDE}: the models' squared errors overflow)`;
    return report;
  }
  if (origins < requested)
    notes.push(
      origins === 0
        ? `no backtest of the whole procedure: ${tooShort(points, m, h, 1, s.frequency)}`
        : `backtest over ${origins} origin(s), not ${requested}: ${tooShort(points, m, h, requested, s.frequency)}`,
    );

  const rowsOf = (forecast: Forecast, trainEnd: number): ForecastRow[] => {
    const ds = futureDates(s, forecast.mean.length, s.dates[trainEnd - 1]);
    return forecast.mean.map((yhat, j) => ({
      series_id: s.id,
      train_end: s.dates[trainEnd - 1]!,
      ds: ds[j]!,
      yhat: round(yhat),
      lo80: round(forecast.lower[80][j]!),
      hi80: round(forecast.upper[80][j]!),
      lo95: round(forecast.lower[95][j]!),
      hi95: round(forecast.upper[95][j]!),
    }));
  };
  // One context for the forecast and the backtest: both fit the same prefixes of the series
  // (the forecast's choice backtests the last 5 horizons, which the outer origins train on),
  // and both make ETS's one-off choices on the same anchor, so each fit is made once.
  const context = new SeriesContext(s.values, anchorLength(points, h, m));
  if (wantForecast) {
    const auto = autoForecast(s.values, h, m, { observed: s.observed, context });
    report.model = auto.model.name;
    report.reason = auto.reason;
    report.candidates = Object.fromEntries(auto.backtests.map((b) => [b.model, metrics(b)]));
    report.forecast = rowsOf(auto.forecast, points);
  }
  if (origins >= 1) {
    const chosen: string[] = [];
    const result = backtest(
      autoModel({
        observed: s.observed,
        models: FORECASTERS,
        onChoice: (c) => chosen.push(c.model.name),
        context,
      }),
      s.values,
      h,
      origins,
      m,
      s.observed,
    );
    const baseline = options.baseline
      ? backtest(seasonalNaiveModel, s.values, h, origins, m, s.observed, context)
      : undefined;
    report.backtest = {
      ...metrics(result),
      origins: result.origins.map((o, i) => ({
        train_end: s.dates[o.trainEnd - 1]!,
        model: chosen[i]!,
      })),
      scored: result.origins.reduce(
        (n, o) => n + o.actual.filter((a) => !Number.isNaN(a)).length,
        0,
      ),
      rows: result.origins.flatMap((o) => rowsOf(o.forecast, o.trainEnd)),
      ...(baseline ? { baseline: { model: baseline.model, ...metrics(baseline) } } : {}),
    };
  }
  // Values spanning hundreds of orders of magnitude: errors and intervals overflow.
  const rows = [...(report.forecast ?? []), ...(report.backtest?.rows ?? [])];
  if (rows.some((r) => ![r.yhat, r.lo80, r.hi80, r.lo95, r.hi95].every(Number.isFinite))) {
    for (const k of ['model', 'reason', 'candidates', 'forecast', 'backtest'] as const)
      delete report[k];
    report.error = `${options.label}: the forecast intervals overflow double precision (values from ${Math.min(...s.values).toPrecision(3)} to ${Math.max(...s.values).toPrecision(3)})`;
  }
  return report;
}

/** `30 points, need 57 (15 to fit the models, ..., 7 to choose among them and 5 backtest window(s) of 7)`. */
function tooShort(
  points: number,
  m: number,
  h: number,
  origins: number,
  frequency: string,
): string {
  const needed = minimumLength(m, h, origins);
  const season = m > 1 ? `, more than two seasons of ${m} ${frequency} points` : '';
  const windows = origins ? ` and ${origins} backtest window(s) of ${h}` : '';
  return `${points} points, need ${needed} (${minimumTrain(m)} to fit the models${season}, ${h} to choose among them${windows})`;
}

function metrics(b: BacktestResult): BacktestMetrics {
  const finite = (x: number) => (Number.isFinite(x) ? round(x) : null);
  return {
    mase: finite(b.mase),
    smape: finite(b.smape),
    coverage80: finite(b.coverage[80]),
    coverage95: finite(b.coverage[95]),
  };
}

/** Values beyond this are refused: squares beyond 1e154 overflow, and the models square errors. */
const MAX_MAGNITUDE = 1e150;

const round = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : x);
