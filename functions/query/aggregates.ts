import type { ColumnContract, Contract, QueryEngine, Row } from '#platform/ports.ts';
import { ident, literalNumber, nullableNumber, num, table } from '#query/sql.ts';
import { dayKey, monthKey, quantile } from './dialect.ts';

/** Per-column counts and ranges of one dataset, in one scan; `min`/`max` null where not computed. */
export interface ColumnProfile {
  name: string;
  type: ColumnContract['type'];
  role: ColumnContract['role'];
  nonNull: number;
  nulls: number;
  distinct: number;
  min: string | number | null;
  max: string | number | null;
}

export interface DatasetProfile {
  dataset: string;
  rows: number;
  columns: ColumnProfile[];
}

/** Quartiles of each measure, the basis of the IQR rule. */
export interface MeasureQuartiles {
  column: string;
  q1: number;
  median: number;
  q3: number;
  /** The median absolute deviation from the median (unscaled); NaN where not computed. */
  mad: number;
}

/** Types whose smallest and largest values say something (a range); text's do not. */
const RANGED = new Set<ColumnContract['type']>(['integer', 'double', 'date', 'timestamp']);

/**
 * Counts of every column; min and max only of numbers and dates that are not pii. The
 * range of a text or pii column would be two of its values (two names, two emails), so it
 * is never read: what is not computed cannot reach a report.
 */
export async function profileDataset(
  engine: QueryEngine,
  contract: Contract,
): Promise<DatasetProfile> {
  const ranged = contract.columns.map((c) => RANGED.has(c.type) && c.role !== 'pii');
  const selects = contract.columns.flatMap((c, i) => {
    const col = ident(c.name);
    return [
      `count(${col}) AS n${i}`,
      `count(DISTINCT ${col}) AS d${i}`,
      ...(ranged[i] ? [`min(${col}) AS lo${i}`, `max(${col}) AS hi${i}`] : []),
    ];
  });
  const [row] = await engine.query(
    `SELECT count(*) AS total, ${selects.join(', ')} FROM ${table(contract)}`,
  );
  if (!row) throw new Error(`Profile of ${contract.dataset} returned no row`);
  const rows = num(row['total']);
  return {
    dataset: contract.dataset,
    rows,
    columns: contract.columns.map((c, i) => ({
      name: c.name,
      type: c.type,
      role: c.role,
      nonNull: num(row[`n${i}`]),
      nulls: rows - num(row[`n${i}`]),
      distinct: num(row[`d${i}`]),
      min: ranged[i] ? scalarOrNull(row[`lo${i}`]) : null,
      max: ranged[i] ? scalarOrNull(row[`hi${i}`]) : null,
    })),
  };
}

export async function measureQuartiles(
  engine: QueryEngine,
  contract: Contract,
  measures: string[],
): Promise<MeasureQuartiles[]> {
  if (measures.length === 0) return [];
  const selects = measures.flatMap((m, i) => {
    // The three quartiles from one sort of the column (at 10 M rows, 2 s a sort).
    const quartiles = quantile(engine.dialect, `CAST(${ident(m)} AS DOUBLE)`, [0.25, 0.5, 0.75]);
    return [
      `${quartiles}[1] AS q1_${i}`,
      `${quartiles}[2] AS med_${i}`,
      `${quartiles}[3] AS q3_${i}`,
    ];
  });
  const [row] = await engine.query(`SELECT ${selects.join(', ')} FROM ${table(contract)}`);
  const quartiles = measures
    .map((column, i) => ({
      column,
      q1: num(row?.[`q1_${i}`]),
      median: num(row?.[`med_${i}`]),
      q3: num(row?.[`q3_${i}`]),
      mad: NaN,
    }))
    .filter((q) => Number.isFinite(q.q1) && Number.isFinite(q.q3));
  // The MAD needs the median first: a second scan, with each median as a literal.
  if (quartiles.length === 0) return quartiles;
  const deviations = quartiles.map(
    (q, i) =>
      `${quantile(engine.dialect, `abs(CAST(${ident(q.column)} AS DOUBLE) - ${literalNumber(q.median)})`, 0.5)} AS mad_${i}`,
  );
  const [spread] = await engine.query(`SELECT ${deviations.join(', ')} FROM ${table(contract)}`);
  return quartiles.map((q, i) => ({ ...q, mad: num(spread?.[`mad_${i}`]) }));
}

/** Rows of `measure` outside [low, high], most extreme first, with the columns that identify them. */
export async function rowsOutside(
  engine: QueryEngine,
  contract: Contract,
  measure: string,
  fences: { low: number; high: number; center: number },
  keyColumns: string[],
  limit: number,
): Promise<{ total: number; rows: Row[] }> {
  const col = ident(measure);
  const where = `${col} < ${literalNumber(fences.low)} OR ${col} > ${literalNumber(fences.high)}`;
  // Keys come back as text: a 19-digit id would lose its last digits as a JavaScript number.
  const keys = keyColumns.map((k) => `CAST(${ident(k)} AS VARCHAR) AS ${ident(k)}`);
  const [counted] = await engine.query(
    `SELECT count(*) AS n FROM ${table(contract)} WHERE ${where}`,
  );
  const rows = await engine.query(
    `SELECT ${[...keys, `${col} AS value`].join(', ')} FROM ${table(contract)} WHERE ${where} ` +
      `ORDER BY abs(${col} - ${literalNumber(fences.center)}) DESC, ${[...keyColumns.map(ident), col].join(', ')} LIMIT ${Math.floor(limit)}`,
  );
  return { total: num(counted?.['n']), rows };
}

/** The rows of one period, and the sum and mean of each measure over them. */
export interface PeriodTotals {
  rows: number;
  sums: Record<string, number | null>;
  means: Record<string, number | null>;
}

export interface MonthlyPoint extends PeriodTotals {
  month: string;
}

/** One calendar day of a dataset. */
export interface DailyPoint extends PeriodTotals {
  /** `YYYY-MM-DD`. */
  day: string;
}

export async function monthlyTotals(
  engine: QueryEngine,
  contract: Contract,
  timeColumn: string,
  measures: string[],
): Promise<MonthlyPoint[]> {
  const points = await periodTotals(engine, contract, timeColumn, measures, monthKey);
  return points.map(({ period, ...p }) => ({ month: period, ...p }));
}

/**
 * Rows, sums and means of each measure per calendar day of the time column (a timestamp
 * counts on its date), days in order; days with no row are absent. The daily series of
 * event data (revenue per day, events per day) and of time series with several rows per date.
 */
export async function dailyTotals(
  engine: QueryEngine,
  contract: Contract,
  timeColumn: string,
  measures: string[],
): Promise<DailyPoint[]> {
  const points = await periodTotals(engine, contract, timeColumn, measures, dayKey);
  return points.map(({ period, ...p }) => ({ day: period, ...p }));
}

/** One scan grouped by `key` of the time column: rows, sums and means of every measure. */
async function periodTotals(
  engine: QueryEngine,
  contract: Contract,
  timeColumn: string,
  measures: string[],
  key: (dialect: QueryEngine['dialect'], expr: string) => string,
): Promise<(PeriodTotals & { period: string })[]> {
  const time = ident(timeColumn);
  const selects = measures.flatMap((m, i) => [
    `sum(${ident(m)}) AS s${i}`,
    `avg(${ident(m)}) AS a${i}`,
  ]);
  const rows = await engine.query(
    `SELECT ${key(engine.dialect, time)} AS period, count(*) AS n` +
      `${selects.length ? ', ' + selects.join(', ') : ''} FROM ${table(contract)} ` +
      `WHERE ${time} IS NOT NULL GROUP BY 1 ORDER BY 1`,
  );
  return rows.map((r) => ({
    period: String(r['period']),
    rows: num(r['n']),
    sums: Object.fromEntries(measures.map((m, i) => [m, nullableNumber(r[`s${i}`])])),
    means: Object.fromEntries(measures.map((m, i) => [m, nullableNumber(r[`a${i}`])])),
  }));
}

function scalarOrNull(value: unknown): string | number | null {
  return typeof value === 'number' || typeof value === 'string'
    ? value
    : value == null
      ? null
      : String(value);
}

/** The span of a time column and its usual spacing (the median days between distinct dates). */
export interface TimeCoverage {
  /** First and last date, `YYYY-MM-DD`. */
  first: string;
  last: string;
  /** 1 for daily data, 7 for weekly, about 30 for monthly; undefined with a single date. */
  periodDays?: number;
}

export async function timeCoverage(
  engine: QueryEngine,
  contract: Contract,
  timeColumn: string,
): Promise<TimeCoverage | undefined> {
  const day = `CAST(${ident(timeColumn)} AS DATE)`;
  // `first` and `last` are reserved words in Athena's SELECT: never bare aliases.
  const [row] = await engine.query(
    `SELECT min(d) AS first_day, max(d) AS last_day, ${quantile(engine.dialect, 'CAST(gap AS DOUBLE)', 0.5)} AS period ` +
      `FROM (SELECT d, date_diff('day', lag(d) OVER (ORDER BY d), d) AS gap ` +
      `FROM (SELECT DISTINCT ${day} AS d FROM ${table(contract)} WHERE ${ident(timeColumn)} IS NOT NULL) AS days) AS gaps`,
  );
  if (!row || row['first_day'] === null || row['first_day'] === undefined) return undefined;
  const period = nullableNumber(row['period']);
  return {
    first: String(row['first_day']).slice(0, 10),
    last: String(row['last_day']).slice(0, 10),
    ...(period !== null ? { periodDays: period } : {}),
  };
}
