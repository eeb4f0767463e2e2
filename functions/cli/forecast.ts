import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  autoForecast,
  autoModel,
  minimumLength,
  type AutoForecast,
} from '#analysis/forecast/auto.ts';
import { backtest, type BacktestResult } from '#analysis/forecast/backtest.ts';
import type { Forecast } from '#analysis/forecast/forecaster.ts';
import { FORECASTERS } from '#analysis/forecast/models.ts';
import {
  buildSeries,
  futureDates,
  SEASONAL_PERIOD,
  type RegularSeries,
  type SeriesRow,
} from '#analysis/forecast/series.ts';
import { parseDouble, parseTimestamp } from '#ingest/column-types.ts';
import { readSource, type Source } from '#ingest/read-source.ts';
import { toCsv } from '#platform/csv-export.ts';
import { openDuckDb } from '#platform/duckdb/duckdb.ts';
import { InputRejectedError } from '#platform/errors.ts';
import type { DuckDb } from '#platform/ports.ts';
import { quoteIdent } from '#query/sql.ts';

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

export interface ForecastIo {
  out(text: string): void;
  err(text: string): void;
}

const stdio: ForecastIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

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
  let work: string | undefined;
  let duck: DuckDb | undefined;
  try {
    const h = positiveInt(options.horizon ?? 7, '--horizon');
    const origins =
      options.backtest === undefined ? undefined : positiveInt(options.backtest, '--backtest');
    const format = options.format ?? 'csv';
    if (format !== 'csv' && format !== 'json')
      throw new InputRejectedError(`--format must be csv or json, not ${JSON.stringify(format)}`);

    work = await mkdtemp(join(tmpdir(), 'insights-forecast-'));
    duck = await openDuckDb({ tempDirectory: join(work, 'duckdb'), threads: 1 });
    const raw = join(work, basename(file));
    await copyFile(file, raw).catch((error: NodeJS.ErrnoException) => {
      throw new InputRejectedError(
        `Cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`,
      );
    });
    let n = 0;
    const read = await readSource(
      duck,
      file,
      raw,
      'forecast_source',
      (what) => `forecast_${what}_${n++}`,
    );
    if ('fileError' in read) throw new InputRejectedError(read.fileError, { file });
    const { source } = read;
    if (source.headerError) throw new InputRejectedError(source.headerError, { file });
    for (const warning of source.warnings ?? []) io.err(`warning: ${warning}\n`);

    const rows = await readRows(duck, source, file, options, io);
    const series = buildSeries(rows, {
      file,
      timeColumn: options.time,
      ...(options.series !== undefined ? { seriesColumn: options.series } : {}),
    });
    const reports = series.map((s) =>
      forecastSeries(s, h, origins, file, options.series !== undefined),
    );
    for (const report of reports) describe(report, io, origins);
    const done = reports.filter((r) => r.error === undefined);
    if (format === 'json') {
      io.out(
        JSON.stringify(
          {
            file,
            time: options.time,
            value: options.value,
            horizon: h,
            backtest: origins ?? null,
            series: reports,
          },
          (_key, value: unknown) =>
            typeof value === 'number' && !Number.isFinite(value) ? null : value,
          2,
        ) + '\n',
      );
    } else {
      io.out(
        toCsv(
          [...FORECAST_COLUMNS],
          done.flatMap((r) => r.rows.map((row) => FORECAST_COLUMNS.map((c) => row[c]))),
        ),
      );
    }
    if (done.length === 0) {
      io.err(`error: no series of ${file} could be forecast\n`);
      return 1;
    }
    return 0;
  } catch (error) {
    io.err(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    duck?.close();
    if (work) await rm(work, { recursive: true, force: true });
  }
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

/** The rows as typed values: time as a midnight timestamp text, value as a number or null. */
async function readRows(
  duck: DuckDb,
  source: Source,
  file: string,
  options: ForecastOptions,
  io: ForecastIo,
): Promise<SeriesRow[]> {
  const column = (name: string, flag: string) => {
    const i = findColumn(source, name);
    if (i < 0)
      throw new InputRejectedError(
        `${file} has no column ${JSON.stringify(name)} (${flag}); its columns: ${source.header.join(', ')}`,
        { file, column: name },
      );
    return `trim(${quoteIdent(`c${i}`)})`;
  };
  const t = column(options.time, '--time');
  const v = column(options.value, '--value');
  const s = options.series !== undefined ? column(options.series, '--series') : undefined;
  // Day and month order: whichever reads more of the column's values (ISO reads the same).
  const [counts] = await duck.all(
    `SELECT count(${parseTimestamp(t, { decimal: '.', dateOrder: 'MDY' })}) AS mdy,
            count(${parseTimestamp(t, { decimal: '.', dateOrder: 'DMY' })}) AS dmy FROM ${quoteIdent(source.table)}`,
  );
  const dateOrder = Number(counts?.['dmy']) > Number(counts?.['mdy']) ? 'DMY' : 'MDY';
  const rows = await duck.all(
    `SELECT ${t} AS t, CAST(${parseTimestamp(t, { decimal: '.', dateOrder })} AS VARCHAR) AS ts,
            ${v} AS v, ${parseDouble(v)} AS x${s ? `, coalesce(${s}, '') AS s` : ''}
     FROM ${quoteIdent(source.table)}`,
  );
  // A few unreadable rows (a typo in a date, text in the value column) are left out and said;
  // more than 5% of the rows means the column is not what was asked for: refused.
  const out: SeriesRow[] = [];
  const badTimes: string[] = [];
  const badValues: string[] = [];
  rows.forEach((row, i) => {
    const at = `row ${i + 1}`;
    if (row['ts'] === null) {
      badTimes.push(`${JSON.stringify(row['t'] ?? '')} (${at})`);
      return;
    }
    let value = row['x'] === null ? null : Number(row['x']);
    if (row['v'] !== null && row['v'] !== '' && row['x'] === null) {
      badValues.push(`${JSON.stringify(row['v'])} (${at})`);
      value = null;
    }
    out.push({ time: String(row['ts']), value, ...(s ? { series: String(row['s']) } : {}) });
  });
  const limit = Math.max(1, Math.floor(0.05 * rows.length));
  const check = (bad: string[], columnName: string, what: string, fate: string) => {
    if (bad.length === 0) return;
    const examples = `${bad.slice(0, 3).join(', ')}${bad.length > 3 ? ', ...' : ''}`;
    if (bad.length > limit)
      throw new InputRejectedError(
        `${file}, column ${columnName}: ${bad.length} of ${rows.length} rows are not ${what} (${examples})`,
        { file, column: columnName },
      );
    io.err(
      `warning: ${file}, column ${columnName}: ${bad.length} row(s) not ${what}, ${fate}: ${examples}\n`,
    );
  };
  check(badTimes, options.time, 'a date', 'left out');
  check(badValues, options.value, 'a number', 'treated as missing');
  return out;
}

/** A column by its name in the file, or its identifier form (`Net Amount` or `net_amount`), or case aside. */
function findColumn(source: Source, name: string): number {
  const exact = source.header.indexOf(name);
  if (exact >= 0) return exact;
  const ident = source.names.indexOf(name);
  if (ident >= 0) return ident;
  const lower = name.toLowerCase();
  return source.header.findIndex((h) => h.toLowerCase() === lower);
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
