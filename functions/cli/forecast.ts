import {
  evaluateSeries,
  type BacktestMetrics,
  type ForecastRow,
  type SeriesEvaluation,
} from '#analysis/forecast/evaluate.ts';
import type { RegularSeries } from '#analysis/forecast/series.ts';
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

export type { ForecastRow };

/** What the command prints per series: `evaluateSeries`'s result, its forecast or backtest rows as `rows`. */
export interface SeriesReport extends Omit<SeriesEvaluation, 'forecast' | 'backtest'> {
  /** With --backtest K: the models chosen at each origin, and the error of the whole procedure. */
  backtest?: BacktestMetrics & { origins: { train_end: string; model: string }[] };
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

/**
 * The forecast (or backtest) of one series, as `evaluateSeries` computes it, in the shape the
 * command prints; a series that cannot be forecast gets `error`.
 */
function forecastSeries(
  s: RegularSeries,
  h: number,
  origins: number | undefined,
  file: string,
  named: boolean,
): SeriesReport {
  const label = `${named ? `series ${JSON.stringify(s.id)} of ` : ''}${file}`;
  const { forecast, backtest, model, reason, candidates, error, ...head } = evaluateSeries(s, {
    horizon: h,
    ...(origins !== undefined ? { backtest: origins } : {}),
    label,
  });
  // The keys in the order the command has always printed them.
  return {
    ...head,
    rows: forecast ?? backtest?.rows ?? [],
    ...(model !== undefined ? { model, reason: reason! } : {}),
    ...(candidates ? { candidates } : {}),
    ...(backtest
      ? {
          backtest: {
            mase: backtest.mase,
            smape: backtest.smape,
            coverage80: backtest.coverage80,
            coverage95: backtest.coverage95,
            origins: backtest.origins,
          },
        }
      : {}),
    ...(error !== undefined ? { error } : {}),
  };
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

function positiveInt(value: number | string, flag: string): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 1 || (typeof value === 'string' && value.trim() === ''))
    throw new InputRejectedError(
      `${flag} must be a whole number of at least 1, not ${JSON.stringify(value)}`,
    );
  return n;
}

const fmt = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
const pct = (x: number | null) => (x === null ? 'n/a' : `${Math.round(x * 100)}%`);
