import {
  autoForecast,
  autoModel,
  minimumLength,
  type AutoForecast,
} from '#analysis/forecast/auto.ts';
import { backtest, type BacktestResult } from '#analysis/forecast/backtest.ts';
import type { Forecast } from '#analysis/forecast/forecaster.ts';
import { FORECASTERS } from '#analysis/forecast/models.ts';
import { futureDates, SEASONAL_PERIOD, type RegularSeries } from '#analysis/forecast/series.ts';
import { InputRejectedError } from '#platform/errors.ts';
import { runSeriesCommand, stdio, type CommandIo } from '#cli/series-input.ts';

export interface ForecastOptions {
  time: string;
  value: string;
  series?: string;
  /** Steps ahead; default 7. */
  horizon?: number | string;
  /** Rolling-origin backtest with K origins instead of the forecast after the last point. */
  backtest?: number | string;
  format?: 'csv' | 'json' | string;
}

export type ForecastIo = CommandIo;

/** The output's columns, as the issue specifies them. */
export const FORECAST_COLUMNS = [
  'series_id',
  'train_end',
  'ds',
  'yhat',
  'lo80',
  'hi80',
  'lo95',
  'hi95',
] as const;

export interface ForecastRow {
  series_id: string;
  train_end: string;
  ds: string;
  yhat: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
}

interface Metrics {
  mase: number | null;
  smape: number | null;
  coverage80: number | null;
  coverage95: number | null;
}

export interface SeriesReport {
  series_id: string;
  frequency: string;
  /** Seasonal period used (1: none). */
  period: number;
  points: number;
  first: string;
  last: string;
  filled: number;
  notes: string[];
  /** Without --backtest: the model chosen on all the history, and why. */
  model?: string;
  reason?: string;
  /** Each candidate's backtest on the history (the chooser's evidence). */
  candidates?: Record<string, Metrics>;
  /** With --backtest K: the models chosen at each origin, and the error of the whole procedure. */
  backtest?: Metrics & { origins: { train_end: string; model: string }[] };
  error?: string;
  rows: ForecastRow[];
}

/**
 * `insights forecast FILE --time COL --value COL [--series COL] [--horizon 7] [--backtest K]
 * [--format csv|json]`: per series, the model with the lowest backtest MASE among
 * `FORECASTERS` and its forecast with 80% and 95% intervals after the last point; with
 * `--backtest K`, the rolling-origin forecasts for origins k = 1..K (test windows n-hk+1 ..
 * n-hk+h), the model chosen afresh at each origin from its training data only.
 *
 * Rows go to stdout (`series_id,train_end,ds,yhat,lo80,hi80,lo95,hi95`, or JSON with each
 * series' model, reasons, metrics and notes); what was done goes to stderr. Exit code 1 when
 * the file cannot be read, a column is missing, or no series can be forecast (too few points,
 * an irregular time column); a series that cannot be forecast among others is skipped with
 * its reason.
 */
export async function forecastCommand(
  file: string,
  options: ForecastOptions,
  io: ForecastIo = stdio,
): Promise<number> {
  let h = 0;
  let origins: number | undefined;
  return runSeriesCommand(file, options, io, 'forecast', () => {
    h = positiveInt(options.horizon ?? 7, '--horizon');
    origins =
      options.backtest === undefined ? undefined : positiveInt(options.backtest, '--backtest');
    return {
      report: (s) => forecastSeries(s, h, origins, file, options.series !== undefined),
      describe: (r) => describe(r, io, origins),
      json: (reports) => ({
        file,
        time: options.time,
        value: options.value,
        horizon: h,
        backtest: origins ?? null,
        series: reports,
      }),
      csv: (done) => ({
        header: [...FORECAST_COLUMNS],
        rows: done.flatMap((r) => r.rows.map((row) => FORECAST_COLUMNS.map((c) => row[c]))),
      }),
      verb: 'could be forecast',
    };
  });
}

/** The forecast (or backtest) of one series; a series that cannot be forecast gets `error`. */
function forecastSeries(
  s: RegularSeries,
  h: number,
  origins: number | undefined,
  file: string,
  named: boolean,
): SeriesReport {
  const notes = [...s.notes];
  const points = s.values.length;
  // Yearly seasonality of weekly or monthly data needs two years; shorter, forecast without it.
  let m = SEASONAL_PERIOD[s.frequency];
  if (s.frequency !== 'daily' && points < minimumLength(m, h, origins ?? 0)) {
    notes.push(
      `shorter than ${minimumLength(m, h, origins ?? 0)} points: no yearly seasonality modelled`,
    );
    m = 1;
  }
  const report: SeriesReport = {
    series_id: s.id,
    frequency: s.frequency,
    period: m,
    points,
    first: s.dates[0]!,
    last: s.dates[points - 1]!,
    filled: s.filled.length,
    notes,
    rows: [],
  };
  const needed = minimumLength(m, h, origins ?? 0);
  if (points < needed) {
    const what = `${named ? `series ${JSON.stringify(s.id)} of ` : ''}${file}`;
    const fit = needed - h * ((origins ?? 0) + 1);
    const season = m > 1 ? `, more than two seasons of ${m} ${s.frequency} points` : '';
    const windows = origins ? ` and ${origins} backtest window(s) of ${h}` : '';
    report.error = `${what}: ${points} points, need ${needed} (${fit} to fit the models${season}, ${h} to choose among them${windows})`;
    return report;
  }
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
  if (origins === undefined) {
    const auto: AutoForecast = autoForecast(s.values, h, m, { observed: s.observed });
    report.model = auto.model.name;
    report.reason = auto.reason;
    report.candidates = Object.fromEntries(auto.backtests.map((b) => [b.model, metrics(b)]));
    report.rows = rowsOf(auto.forecast, points);
    return report;
  }
  const chosen: string[] = [];
  const result = backtest(
    autoModel({
      observed: s.observed,
      models: FORECASTERS,
      onChoice: (c) => chosen.push(c.model.name),
    }),
    s.values,
    h,
    origins,
    m,
    s.observed,
  );
  report.backtest = {
    ...metrics(result),
    origins: result.origins.map((o, i) => ({
      train_end: s.dates[o.trainEnd - 1]!,
      model: chosen[i]!,
    })),
  };
  report.rows = result.origins.flatMap((o) => rowsOf(o.forecast, o.trainEnd));
  return report;
}

function describe(report: SeriesReport, io: ForecastIo, origins: number | undefined): void {
  const name = report.series_id === '' ? 'series' : `series ${report.series_id}`;
  if (report.error !== undefined) {
    io.err(`error: ${report.error}\n`);
    return;
  }
  const head = `${name}: ${report.points} ${report.frequency} points, ${report.first} .. ${report.last}`;
  if (origins === undefined) io.err(`${head}; model ${report.reason}\n`);
  else {
    const b = report.backtest!;
    io.err(
      `${head}; backtest of ${origins} origin(s): MASE ${fmt(b.mase)}, sMAPE ${fmt(b.smape)}%, 80% interval coverage ${pct(b.coverage80)}, 95% ${pct(b.coverage95)}\n`,
    );
  }
  for (const note of report.notes) io.err(`  note: ${note}\n`);
}

function metrics(b: BacktestResult): Metrics {
  const finite = (x: number) => (Number.isFinite(x) ? round(x) : null);
  return {
    mase: finite(b.mase),
    smape: finite(b.smape),
    coverage80: finite(b.coverage[80]),
    coverage95: finite(b.coverage[95]),
  };
}

function positiveInt(value: number | string, flag: string): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 1 || (typeof value === 'string' && value.trim() === ''))
    throw new InputRejectedError(
      `${flag} must be a whole number of at least 1, not ${JSON.stringify(value)}`,
    );
  return n;
}

const round = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : x);
const fmt = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
const pct = (x: number | null) => (x === null ? 'n/a' : `${Math.round(x * 100)}%`);
