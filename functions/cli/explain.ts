import type { Contribution, MeasureKind } from '#analysis/drivers/decompose.ts';
import { explainChange, type Explanation } from '#analysis/drivers/explain.ts';
import {
  baselineFor,
  overlaps,
  parsePeriod,
  periodContaining,
  type Period,
} from '#analysis/drivers/periods.ts';
import type { DimensionDrivers } from '#analysis/drivers/rank.ts';
import { parseDouble } from '#ingest/column-types.ts';
import type { Source } from '#ingest/read-source.ts';
import { toCsv, type CsvValue } from '#platform/csv-export.ts';
import { InputRejectedError } from '#platform/errors.ts';
import type { DuckDb } from '#platform/ports.ts';
import { num, quoteIdent, quoteLiteral } from '#query/sql.ts';
import {
  outputFormat,
  sourceColumn,
  stdio,
  timestampOf,
  toJson,
  unreadableRows,
  withSourceFile,
  type CommandIo,
} from '#cli/series-input.ts';

export interface ExplainOptions {
  time: string;
  value: string;
  /** `channel,region`: the columns whose values the change is split across. */
  dims: string | readonly string[];
  /** The units a rate is per (quantity); rows when absent. */
  volume?: string;
  /** Explain the value per unit (sum / volume) instead of its sum. */
  average?: boolean;
  /** A day, month (the default: the month of the latest date), quarter or year. */
  target?: string;
  /** `previous` (the default), `last-year`, or a day, month, quarter or year. */
  baseline?: string;
  format?: 'csv' | 'json' | string;
  /** No summary on stderr. */
  quiet?: boolean;
}

/** The CSV's columns: one row per level, dimension and value. */
export const EXPLAIN_COLUMNS = [
  'level',
  'dimension',
  'value',
  'rank',
  'reference',
  'target',
  'change',
  'share',
  'mix',
  'rate',
  'driver',
  'explained_share',
] as const;

/** What `--format json` prints. */
export interface ExplainReport {
  file: string;
  time: string;
  value: string;
  volume: string | null;
  kind: MeasureKind;
  /** The --dims columns, as the file names them. */
  dimensions: string[];
  target: Period;
  baseline: Period;
  /** Rows read, rows explained (a date and a number), rows left out. */
  rows: { read: number; used: number; leftOut: number };
  /** `explainChange`'s result, dimensions named as the file names them. */
  explanation: Explanation;
}

/**
 * `insights explain FILE --time COL --value COL --dims COL,COL [--volume COL] [--average]
 * [--target PERIOD] [--baseline PERIOD|previous|last-year] [--format csv|json] [--quiet]`:
 * why the value (its sum, or with --average its value per unit) changed from the baseline
 * period to the target, split across the values of each dimension (exact midpoint
 * shift-share: `decompose.ts`), the dimensions ranked by how well few values explain it
 * (`rank.ts`), and one level down when one value carries most of it (`explain.ts`).
 *
 * The file is read as `insights forecast` reads it (any format ingest reads; columns found
 * by name, identifier form or case aside; day and month order from the values). Rows whose
 * date or number cannot be read are left out with a warning, refused beyond 5%. Rows go to
 * stdout (`EXPLAIN_COLUMNS`, or JSON: `ExplainReport`), a summary to stderr. Exit code 1,
 * with `error: ...` on stderr, when the file, a column, a period or an option is wrong.
 */
export async function explainCommand(
  file: string,
  options: ExplainOptions,
  io: CommandIo = stdio,
): Promise<number> {
  try {
    const format = outputFormat(options.format);
    const dims = dimensionList(options.dims);
    // The periods' spelling is checked before the file is read (the baseline's only).
    const target = options.target !== undefined ? parsePeriod(options.target, '--target') : null;
    baselineFor(target ?? parsePeriod('2000'), options.baseline);
    const report = await withSourceFile(file, io, 'explain', (duck, source) =>
      explainSource(duck, source, { file, options, dims, target, io }),
    );
    if (!options.quiet) io.err(summary(report));
    io.out(
      format === 'json' ? toJson(report) : toCsv([...EXPLAIN_COLUMNS], csvRows(report.explanation)),
    );
    return 0;
  } catch (error) {
    io.err(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/** `--dims a,b,c` (or a list): at least one column. */
function dimensionList(dims: string | readonly string[]): string[] {
  const list = (typeof dims === 'string' ? dims.split(',') : dims.flatMap((d) => d.split(',')))
    .map((d) => d.trim())
    .filter((d) => d !== '');
  if (list.length === 0)
    throw new InputRejectedError('--dims needs at least one column: --dims channel,region');
  return list;
}

interface Context {
  file: string;
  options: ExplainOptions;
  dims: string[];
  target: Period | null;
  io: CommandIo;
}

const TYPED = 'explain_typed';
const ROWS = 'explain_rows';

/**
 * The file's rows typed in a table (time as TIMESTAMP, value and volume as DOUBLE,
 * dimensions `d0`, `d1`, ... as trimmed text, empty as NULL), the rows that have a date and a
 * number in a view, the periods checked against them, and `explainChange` over the view.
 */
async function explainSource(duck: DuckDb, source: Source, c: Context): Promise<ExplainReport> {
  const { file, options, io } = c;
  const index = (name: string, flag: string) => sourceColumn(source, file, name, flag);
  const text = (i: number) => `nullif(trim(${quoteIdent(`c${i}`)}), '')`;
  const dimIndex = c.dims.map((d) => index(d, '--dims'));
  dimIndex.forEach((i, k) => {
    if (dimIndex.indexOf(i) !== k)
      throw new InputRejectedError(`--dims names column ${source.header[i]} twice`);
  });
  const [t, v] = [text(index(options.time, '--time')), text(index(options.value, '--value'))];
  const n = options.volume !== undefined ? text(index(options.volume, '--volume')) : null;
  await duck.run(
    `CREATE TABLE ${TYPED} AS SELECT row_number() OVER () AS row_no,
       ${t} AS t_text, ${await timestampOf(duck, source, t)} AS t,
       ${v} AS v_text, ${parseDouble(v)} AS v,
       ${n ? `${n} AS n_text, ${parseDouble(n)} AS n` : 'NULL AS n_text, 1 AS n'},
       ${dimIndex.map((i, k) => `${text(i)} AS d${k}`).join(', ')}
     FROM ${quoteIdent(source.table)}`,
  );
  const badVolume = `n IS NULL OR n < 0`;
  const [counts] = await duck.all(
    `SELECT count(*) AS read_rows,
       count(*) FILTER (WHERE t IS NULL) AS bad_time,
       count(*) FILTER (WHERE t IS NOT NULL AND v IS NULL AND v_text IS NOT NULL) AS bad_value,
       count(*) FILTER (WHERE t IS NOT NULL AND v_text IS NULL) AS no_value,
       count(*) FILTER (WHERE t IS NOT NULL AND v IS NOT NULL AND (${badVolume})) AS bad_volume,
       count(*) FILTER (WHERE t IS NOT NULL AND v IS NOT NULL AND NOT (${badVolume})) AS used,
       CAST(max(t) FILTER (WHERE v IS NOT NULL AND NOT (${badVolume})) AS VARCHAR) AS latest
     FROM ${TYPED}`,
  );
  const count = (k: string) => num(counts?.[k] ?? 0);
  const read = count('read_rows');
  // Each column's unreadable rows: left out and said, or refused beyond 5% of the rows.
  const checks = [
    [count('bad_time'), 't IS NULL', 't_text', options.time, 'a date'],
    [
      count('bad_value'),
      't IS NOT NULL AND v IS NULL AND v_text IS NOT NULL',
      'v_text',
      options.value,
      'a number',
    ],
    ...(options.volume !== undefined
      ? [
          [
            count('bad_volume'),
            `t IS NOT NULL AND v IS NOT NULL AND (${badVolume})`,
            'n_text',
            options.volume,
            'a number of at least 0',
          ] as const,
        ]
      : []),
  ] as const;
  for (const [bad, where, columnText, column, what] of checks) {
    if (bad === 0) continue;
    const examples = await duck.all(
      `SELECT ${columnText} AS x, row_no FROM ${TYPED} WHERE ${where} ORDER BY row_no LIMIT 3`,
    );
    unreadableRows(io, {
      file,
      column,
      rows: read,
      bad,
      examples: examples.map((r) => `${JSON.stringify(r['x'] ?? '')} (row ${num(r['row_no'])})`),
      what,
      fate: 'left out',
    });
  }
  if (count('no_value') > 0)
    io.err(
      `warning: ${file}, column ${options.value}: ${count('no_value')} row(s) without a value, left out\n`,
    );
  const used = count('used');
  if (used === 0 || counts?.['latest'] == null)
    throw new InputRejectedError(`${file} has no row with both a date and a number to explain`, {
      file,
    });
  await duck.run(
    `CREATE VIEW ${ROWS} AS SELECT * FROM ${TYPED} WHERE t IS NOT NULL AND v IS NOT NULL AND NOT (${badVolume})`,
  );

  const target = c.target ?? periodContaining('month', String(counts['latest']));
  const baseline = baselineFor(target, options.baseline);
  if (overlaps(target, baseline))
    throw new InputRejectedError(
      `--baseline ${baseline.label} and --target ${target.label} overlap: compare two periods that share no day`,
    );
  await refuseEmpty(duck, file, { '--target': target, '--baseline': baseline });

  const kind: MeasureKind = options.average ? 'average' : 'sum';
  const explanation = await explainChange(
    { dialect: 'duckdb', query: (sql) => duck.all(sql) },
    {
      from: ROWS,
      time: 't',
      value: 'v',
      ...(n ? { volume: 'n' } : {}),
      dimensions: dimIndex.map((_, k) => `d${k}`),
      reference: { from: baseline.from, to: baseline.to },
      target: { from: target.from, to: target.to },
      kind,
    },
  );
  const names = dimIndex.map((i) => source.header[i]!);
  return {
    file,
    time: options.time,
    value: options.value,
    volume: options.volume ?? null,
    kind,
    dimensions: names,
    target,
    baseline,
    rows: { read, used, leftOut: read - used },
    explanation: named(explanation, names),
  };
}

/** A period with no row to explain is refused, with the dates the file has. */
async function refuseEmpty(duck: DuckDb, file: string, periods: Record<string, Period>) {
  const day = 'CAST(t AS DATE)';
  const inside = (p: Period) =>
    `${day} >= DATE ${quoteLiteral(p.from)} AND ${day} < DATE ${quoteLiteral(p.to)}`;
  const entries = Object.entries(periods);
  const [row] = await duck.all(
    `SELECT CAST(min(${day}) AS VARCHAR) AS first, CAST(max(${day}) AS VARCHAR) AS last,
       ${entries.map(([, p], k) => `count(*) FILTER (WHERE ${inside(p)}) AS p${k}`).join(', ')}
     FROM ${ROWS}`,
  );
  entries.forEach(([flag, p], k) => {
    if (num(row?.[`p${k}`] ?? 0) === 0)
      throw new InputRejectedError(
        `${flag} ${p.label} (${p.from} to ${lastDay(p)}) has no rows in ${file}: its dates run from ${String(row?.['first'])} to ${String(row?.['last'])}`,
        { file },
      );
  });
}

/** The last day of a period (its `to` is the day after). */
function lastDay(p: Period): string {
  const d = new Date(`${p.to}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** The explanation with the view's `d0`, `d1`, ... named as the file names the columns. */
function named(e: Explanation, names: string[]): Explanation {
  const name = (d: string) => names[Number(d.slice(1))] ?? d;
  const rename = (ds: DimensionDrivers[]): DimensionDrivers[] =>
    ds.map((d) => ({
      ...d,
      dimension: name(d.dimension),
      decomposition: { ...d.decomposition, dimension: name(d.decomposition.dimension) },
    }));
  return {
    ...e,
    dimensions: rename(e.dimensions),
    ...(e.drill
      ? {
          drill: {
            ...e.drill,
            dimension: name(e.drill.dimension),
            dimensions: rename(e.drill.dimensions),
          },
        }
      : {}),
  };
}

/**
 * One row per level (`dimension`, then `drill`), dimension (best first) and value. `driver`
 * marks the dimension's drivers (`rank.ts`); where no value stands out, rank.ts names the
 * largest parts instead (not succinct, no surprise), and none of them is marked a driver.
 */
export function csvRows(e: Explanation): CsvValue[][] {
  const rows = (level: string, dims: DimensionDrivers[]) =>
    dims.flatMap((d, i) =>
      d.decomposition.contributions.map((c) => [
        level,
        d.dimension,
        c.value,
        i + 1,
        round(c.reference),
        round(c.target),
        round(c.change),
        round(c.share),
        round(c.mix),
        round(c.rate),
        (d.succinct || d.surprise > 0) && d.drivers.some((x) => x.value === c.value),
        round(d.explainedShare),
      ]),
    );
  return [
    ...rows('dimension', e.dimensions),
    ...(e.drill ? rows('drill', e.drill.dimensions) : []),
  ];
}

/** One paragraph for a person: the change, the best dimension's drivers, the drill. */
export function summary(r: ExplainReport): string {
  const e = r.explanation;
  const per = r.volume ? `per ${r.volume}` : 'per row';
  const measure = r.kind === 'sum' ? `${r.value}` : `${r.value} ${per}`;
  const pct =
    e.referenceValue !== 0 ? ` (${signed((e.change / Math.abs(e.referenceValue)) * 100, 1)}%)` : '';
  const parts = [
    `${measure}: ${amount(e.referenceValue)} in ${r.baseline.label}, ${amount(e.targetValue)} in ${r.target.label}, a change of ${signed(e.change)}${pct}` +
      ` (${r.rows.used} of ${r.rows.read} rows of ${r.file}).`,
  ];
  const best = e.dimensions[0];
  if (e.change === 0) parts.push('It did not change.');
  else if (best) {
    const what = r.kind === 'sum' ? 'volume' : 'mix';
    const value = (c: Contribution) =>
      `${c.value ?? '(empty)'} ${signed(c.change)} (${Math.round((c.share ?? 0) * 100)}% of the change: ${what} ${signed(c.mix)}, rate ${signed(c.rate)})`;
    const drivers = (d: DimensionDrivers) => d.drivers.map(value).join(', ');
    const together = `together ${Math.round(best.explainedShare * 100)}%`;
    parts.push(
      best.succinct
        ? `${best.dimension} explains it best: ${drivers(best)}; ${together}.`
        : best.surprise > 0
          ? `No dimension explains two thirds of it with a few values; the closest, ${best.dimension}: ${drivers(best)}; ${together}.`
          : `No value of any dimension stands out (the change is spread); the largest parts, by ${best.dimension}: ${drivers(best)}.`,
    );
    const inner = e.drill?.dimensions[0];
    if (e.drill && inner && inner.drivers.length > 0)
      parts.push(
        `Within ${e.drill.dimension} ${e.drill.value ?? '(empty)'}, by ${inner.dimension}: ${drivers(inner)}${inner.succinct ? '' : ' (no few values explain it)'}.`,
      );
  }
  return parts.join(' ') + '\n';
}

const round = (x: number | null) =>
  x === null || !Number.isFinite(x) ? x : Math.round(x * 1e6) / 1e6;

function amount(x: number): string {
  return x.toLocaleString('en-US', { maximumFractionDigits: Math.abs(x) >= 100 ? 0 : 2 });
}

function signed(x: number, digits?: number): string {
  const text =
    digits === undefined
      ? amount(x)
      : x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return x > 0 ? `+${text}` : text;
}
