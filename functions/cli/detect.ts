import { detectAnomalies, MIN_POINTS, type SeriesAnomalies } from '#analysis/anomaly/detect.ts';
import type { RegularSeries } from '#analysis/forecast/series.ts';
import { toCsv } from '#platform/csv-export.ts';
import {
  outputFormat,
  readSeriesFile,
  stdio,
  toJson,
  type CommandIo,
  type SeriesColumns,
} from '#cli/series-input.ts';

export interface DetectOptions extends SeriesColumns {
  format?: 'csv' | 'json' | string;
}

/** The output's columns, as the issue specifies them. */
export const DETECT_COLUMNS = [
  'series_id',
  'timestamp',
  'value',
  'expected',
  'score',
  'method',
] as const;

export interface DetectSeriesReport extends Partial<SeriesAnomalies> {
  series_id: string;
  error?: string;
}

/**
 * `insights detect FILE --time COL --value COL [--series COL] [--format csv|json]`: per
 * series, the points far from a robust seasonal baseline (MAD z-score above 3.5, method
 * `seasonal-mad`) and the starts of lasting level shifts (`level-shift`).
 *
 * Rows go to stdout (`series_id,timestamp,value,expected,score,method`, one per flagged
 * point; or JSON with each series' flags, expected ranges, directions, incidents and the
 * number of tests); what was done goes to stderr. The file is read and made into series as
 * `insights forecast` does (same errors: file unreadable, column missing, irregular time
 * column: exit code 1). A series too short to judge among others is skipped with its reason;
 * exit code 1 when no series can be.
 */
export async function detectCommand(
  file: string,
  options: DetectOptions,
  io: CommandIo = stdio,
): Promise<number> {
  try {
    const format = outputFormat(options.format);
    const series = await readSeriesFile(file, options, io, 'detect');
    const reports = series.map((s) => detectSeries(s, file, options.series !== undefined));
    for (const report of reports) describe(report, io);
    const done = reports.filter((r) => r.error === undefined);
    if (format === 'json') {
      io.out(
        toJson({
          file,
          time: options.time,
          value: options.value,
          series: reports.map((r) => ({
            ...r,
            flags: r.flags?.map(({ index: _index, ...f }) => roundAll(f)),
            incidents: r.incidents?.map(({ peak: { index: _index, ...peak }, ...i }) => ({
              ...i,
              peak: roundAll(peak),
            })),
          })),
        }),
      );
    } else {
      io.out(
        toCsv(
          [...DETECT_COLUMNS],
          done.flatMap((r) =>
            r.flags!.map((f) => [
              r.series_id,
              f.timestamp,
              round(f.value),
              round(f.expected),
              round(f.score),
              f.method,
            ]),
          ),
        ),
      );
    }
    if (done.length === 0) {
      io.err(`error: no series of ${file} could be checked\n`);
      return 1;
    }
    return 0;
  } catch (error) {
    io.err(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

function detectSeries(s: RegularSeries, file: string, named: boolean): DetectSeriesReport {
  const points = s.values.length;
  if (points < MIN_POINTS) {
    const what = `${named ? `series ${JSON.stringify(s.id)} of ` : ''}${file}`;
    return {
      series_id: s.id,
      error: `${what}: ${points} points, need ${MIN_POINTS} to tell odd values from usual ones`,
    };
  }
  const result = detectAnomalies(s);
  return { ...result, notes: [...s.notes, ...result.notes] };
}

function describe(report: DetectSeriesReport, io: CommandIo): void {
  if (report.error !== undefined) {
    io.err(`error: ${report.error}\n`);
    return;
  }
  const name = report.series_id === '' ? 'series' : `series ${report.series_id}`;
  const shifts = report.flags!.filter((f) => f.method === 'level-shift').length;
  io.err(
    `${name}: ${report.points} ${report.frequency} points, ${report.tests} tests (seasonal period ${report.period}); ${report.flags!.length - shifts} odd point(s), ${shifts} level shift(s), ${report.incidents!.length} incident(s)\n`,
  );
  for (const note of report.notes ?? []) io.err(`  note: ${note}\n`);
}

const round = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : x);

function roundAll<T extends object>(o: T): T {
  return Object.fromEntries(
    Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v]),
  ) as T;
}
