import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { buildSeries, type RegularSeries, type SeriesRow } from '#analysis/forecast/series.ts';
import { parseDouble, parseTimestamp } from '#ingest/column-types.ts';
import { readSource, type Source } from '#ingest/read-source.ts';
import { openDuckDb } from '#platform/duckdb/duckdb.ts';
import { InputRejectedError } from '#platform/errors.ts';
import type { DuckDb } from '#platform/ports.ts';
import { toCsv, type CsvValue } from '#platform/csv-export.ts';
import { quoteIdent } from '#query/sql.ts';

/**
 * What `insights forecast` and `insights detect` share: a file of any format ingest reads,
 * its time, value and (optional) series columns, made into regular series
 * (`buildSeries`). Errors are `InputRejectedError`s naming the file and column.
 */

export interface SeriesColumns {
  time: string;
  value: string;
  series?: string;
}

export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

export const stdio: CommandIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * Reads `file` in a scratch DuckDB (`label` names its temporary directory and tables) and
 * returns its regular series, ids sorted; warnings (file format, a few unreadable rows) go
 * to `io.err`.
 */
export async function readSeriesFile(
  file: string,
  columns: SeriesColumns,
  io: CommandIo,
  label: string,
): Promise<RegularSeries[]> {
  return withSourceFile(file, io, label, async (duck, source) => {
    const rows = await readRows(duck, source, file, columns, io);
    return buildSeries(rows, {
      file,
      timeColumn: columns.time,
      ...(columns.series !== undefined ? { seriesColumn: columns.series } : {}),
    });
  });
}

/**
 * Reads `file` (any format ingest reads) into a table of a scratch DuckDB, every column as
 * text (`c0`, `c1`, ...: `Source`), and runs `use` on it; the DuckDB and its folder (named
 * after `label`) are gone after. Warnings of reading (an encoding) go to `io.err`.
 */
export async function withSourceFile<T>(
  file: string,
  io: CommandIo,
  label: string,
  use: (duck: DuckDb, source: Source) => Promise<T>,
): Promise<T> {
  let work: string | undefined;
  let duck: DuckDb | undefined;
  try {
    work = await mkdtemp(join(tmpdir(), `insights-${label}-`));
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
      `${label}_source`,
      (what) => `${label}_${what}_${n++}`,
    );
    if ('fileError' in read) throw new InputRejectedError(read.fileError, { file });
    const { source } = read;
    if (source.headerError) throw new InputRejectedError(source.headerError, { file });
    for (const warning of source.warnings ?? []) io.err(`warning: ${warning}\n`);
    return await use(duck, source);
  } finally {
    duck?.close();
    if (work) await rm(work, { recursive: true, force: true });
  }
}

/** The rows as typed values: time as a midnight timestamp text, value as a number or null. */
async function readRows(
  duck: DuckDb,
  source: Source,
  file: string,
  options: SeriesColumns,
  io: CommandIo,
): Promise<SeriesRow[]> {
  const column = (name: string, flag: string) =>
    `trim(${quoteIdent(`c${sourceColumn(source, file, name, flag)}`)})`;
  const t = column(options.time, '--time');
  const v = column(options.value, '--value');
  const s = options.series !== undefined ? column(options.series, '--series') : undefined;
  const rows = await duck.all(
    `SELECT ${t} AS t, CAST(${await timestampOf(duck, source, t)} AS VARCHAR) AS ts,
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
  const check = (bad: string[], column: string, what: string, fate: string) =>
    unreadableRows(io, {
      file,
      column,
      rows: rows.length,
      bad: bad.length,
      examples: bad,
      what,
      fate,
    });
  check(badTimes, options.time, 'a date', 'left out');
  check(badValues, options.value, 'a number', 'treated as missing');
  return out;
}

/**
 * Rows of `column` that could not be read: a few are left out and said on `io.err`; more
 * than 5% of the rows means the column is not what was asked for, and it is refused.
 * `examples` are `"text" (row n)`; the first three are shown.
 */
export function unreadableRows(
  io: CommandIo,
  r: {
    file: string;
    column: string;
    rows: number;
    bad: number;
    examples: string[];
    what: string;
    fate: string;
  },
): void {
  if (r.bad === 0) return;
  const examples = `${r.examples.slice(0, 3).join(', ')}${r.bad > 3 ? ', ...' : ''}`;
  if (r.bad > Math.max(1, Math.floor(0.05 * r.rows)))
    throw new InputRejectedError(
      `${r.file}, column ${r.column}: ${r.bad} of ${r.rows} rows are not ${r.what} (${examples})`,
      { file: r.file, column: r.column },
    );
  io.err(
    `warning: ${r.file}, column ${r.column}: ${r.bad} row(s) not ${r.what}, ${r.fate}: ${examples}\n`,
  );
}

/**
 * The index of column `name` in the source table (its text is `c<index>`), found by its name
 * in the file, its identifier form or case aside (`findColumn`); a missing one is refused
 * naming the file, the option (`flag`) and the file's columns.
 */
export function sourceColumn(source: Source, file: string, name: string, flag: string): number {
  const i = findColumn(source, name);
  if (i < 0)
    throw new InputRejectedError(
      `${file} has no column ${JSON.stringify(name)} (${flag}); its columns: ${source.header.join(', ')}`,
      { file, column: name },
    );
  return i;
}

/**
 * The SQL that reads the text `t` of the source table as a TIMESTAMP (NULL when it is not
 * a date), in the day and month order that reads more of its values (ISO reads the same).
 */
export async function timestampOf(duck: DuckDb, source: Source, t: string): Promise<string> {
  const [counts] = await duck.all(
    `SELECT count(${parseTimestamp(t, { decimal: '.', dateOrder: 'MDY' })}) AS mdy,
            count(${parseTimestamp(t, { decimal: '.', dateOrder: 'DMY' })}) AS dmy FROM ${quoteIdent(source.table)}`,
  );
  const dateOrder = Number(counts?.['dmy']) > Number(counts?.['mdy']) ? 'DMY' : 'MDY';
  return parseTimestamp(t, { decimal: '.', dateOrder });
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

/** `--format`: csv (the default) or json. */
export function outputFormat(format: string | undefined): 'csv' | 'json' {
  const f = format ?? 'csv';
  if (f !== 'csv' && f !== 'json')
    throw new InputRejectedError(`--format must be csv or json, not ${JSON.stringify(f)}`);
  return f;
}

/** JSON for output: non-finite numbers as null. */
export function toJson(value: unknown): string {
  return (
    JSON.stringify(
      value,
      (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
      2,
    ) + '\n'
  );
}

/** What a series command does with one series, and how it prints the results. */
export interface PerSeries<R extends { error?: string }> {
  /** The report of one series; `error` when the series cannot be handled. */
  report(series: RegularSeries): R;
  /** What was done with one series, on stderr. */
  describe(report: R): void;
  /** The JSON document of all the reports (each with or without `error`). */
  json(reports: R[]): unknown;
  /** The CSV header and the rows of the reports that have no `error`. */
  csv(done: R[]): { header: string[]; rows: CsvValue[][] };
  /** Said when no series could be handled: `could be forecast`. */
  verb: string;
}

/**
 * The shell of `insights forecast` and `insights detect`: the file made into series, one
 * report per series, JSON or CSV on stdout, and exit code 1 with `error: ...` on stderr
 * when the file, a column or an option is wrong, or when no series could be handled.
 * `prepare` checks the command's own options first (it may throw a plain error).
 */
export async function runSeriesCommand<R extends { error?: string }>(
  file: string,
  options: SeriesColumns & { format?: string },
  io: CommandIo,
  command: string,
  prepare: () => PerSeries<R>,
): Promise<number> {
  try {
    const perSeries = prepare();
    const format = outputFormat(options.format);
    const series = await readSeriesFile(file, options, io, command);
    const reports = series.map((s) => perSeries.report(s));
    for (const report of reports) perSeries.describe(report);
    const done = reports.filter((r) => r.error === undefined);
    if (format === 'json') io.out(toJson(perSeries.json(reports)));
    else {
      const { header, rows } = perSeries.csv(done);
      io.out(toCsv(header, rows));
    }
    if (done.length === 0) {
      io.err(`error: no series of ${file} ${perSeries.verb}\n`);
      return 1;
    }
    return 0;
  } catch (error) {
    io.err(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
