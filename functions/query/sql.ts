/** SQL text helpers shared by every query we build (DuckDB and Athena alike). */

/** Quotes an SQL identifier that has already passed `assertIdentifier`. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for SQL. */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
