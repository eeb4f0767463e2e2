import type { QueryEngine } from '#platform/ports.ts';

/**
 * The few functions that DuckDB and Athena (Trino) spell differently. Everything else in
 * our SQL keeps to the dialect both accept, so a query written once runs on either engine.
 */
export type Dialect = QueryEngine['dialect'];

/**
 * The q-th quantile of a numeric expression: exact (linear interpolation) on DuckDB,
 * approximate on Athena. Given several q, the list of them from one pass (one sort on
 * DuckDB, not one per q), indexed `[1]`, `[2]`, ... on either engine; the same call
 * written several times is computed once.
 */
export function quantile(dialect: Dialect, expr: string, q: number | readonly number[]): string {
  const at = typeof q === 'number' ? String(q) : `ARRAY[${q.join(', ')}]`;
  return dialect === 'duckdb'
    ? `quantile_cont(${expr}, ${at})`
    : `approx_percentile(${expr}, ${at})`;
}

/** A DATE or TIMESTAMP as its `YYYY-MM` month. */
export function monthKey(dialect: Dialect, expr: string): string {
  return dialect === 'duckdb' ? `strftime(${expr}, '%Y-%m')` : `date_format(${expr}, '%Y-%m')`;
}

/** A DATE or TIMESTAMP as its `YYYY-MM-DD` day (both engines spell this the same). */
export function dayKey(_dialect: Dialect, expr: string): string {
  return `CAST(CAST(${expr} AS DATE) AS VARCHAR)`;
}
