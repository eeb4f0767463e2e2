import { assertIdentifier } from '#platform/identifiers.ts';
import type { Contract } from '#platform/ports.ts';

/** SQL text helpers shared by every query we build (DuckDB and Athena alike). */

/** Quotes an SQL identifier that has already passed `assertIdentifier`. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for SQL. */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A column name from a contract or a file, checked and quoted. */
export const ident = (name: string): string => quoteIdent(assertIdentifier(name, 'Column'));

/** A dataset's table (a Glue table on Athena, a view over its Parquet on DuckDB), quoted. */
export const table = (contract: Pick<Contract, 'dataset'>): string =>
  quoteIdent(assertIdentifier(contract.dataset, 'Dataset'));

/** A finite number as a DOUBLE literal; anything else is a bug, not data. */
export function literalNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`Cannot put ${value} into SQL`);
  return `CAST(${value} AS DOUBLE)`;
}

/** A value from a result row as a number (engines return BIGINT as bigint or string). */
export const num = (value: unknown): number => (typeof value === 'number' ? value : Number(value));

export function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : num(value);
}
