import { detectAnomalies, MIN_POINTS, type SeriesAnomalies } from '#analysis/anomaly/detect.ts';
import type { RegularSeries } from '#analysis/forecast/series.ts';
import { runSeriesCommand, stdio, type CommandIo, type SeriesColumns } from '#cli/series-input.ts';

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
 * series, the points far from a robust seasonal baseline (a robust z-score beyond 3.5, or
 * more for long series: `thresholdFor`; positive series on the log scale; method
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
  return runSeriesCommand(file, options, io, 'detect', () => ({
    report: (s) => detectSeries(s, file, options.series !== undefined),
    describe: (r) => describe(r, io),
    json: (reports) => ({
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
    csv: (done) => ({
      header: [...DETECT_COLUMNS],
      rows: done.flatMap((r) =>
        r.flags!.map((f) => [
          r.series_id,
          f.timestamp,
          round(f.value),
          round(f.expected),
          round(f.score),
          f.method,
        ]),
      ),
    }),
    verb: 'could be checked',
  }));
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
    `${name}: ${report.points} ${report.frequency} points, ${report.tests} tests (seasonal period ${report.period}; ${report.valueScale} scale; robust z-score beyond ${report.threshold!.toFixed(2)}); ${report.flags!.length - shifts} odd point(s), ${shifts} level shift(s), ${report.incidents!.length} incident(s)\n`,
  );
  for (const note of report.notes ?? []) io.err(`  note: ${note}\n`);
}

const round = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : x);

function roundAll<T extends object>(o: T): T {
  return Object.fromEntries(
    Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v]),
  ) as T;
}
