import type { DuckDb } from '#platform/ports.ts';
import { quoteIdent, quoteLiteral } from '#query/sql.ts';
import { assertIdentifier } from '#platform/identifiers.ts';
import type { ColumnContract, ColumnType, Contract } from '#platform/ports.ts';
import { notParsedReason, parseAs } from './column-types.ts';

/**
 * Validation builds one table, `checked`, with a row per source row (same order):
 * `__ord` (the source row), `__problems` (a list of {column, kind}; empty when the row is
 * good) and the contract's columns cast to their types. Rows with no problems are curated,
 * the others quarantined. DuckDB does all of it in one statement.
 */
export interface Checked {
  table: string;
  /** A problem of the whole file (missing required column, unusable header). */
  fileError?: string;
}

/** A problem that applies to every row of the file. */
export interface FileProblem {
  fileError: string;
  column: string;
  kind: string;
}

const SQL_TYPES: Record<ColumnType, string> = {
  integer: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  string: 'VARCHAR',
};

export const REQUIRED_EMPTY = 'required value is empty';
export const MISSING_COLUMN = 'required column is missing from the file';

/**
 * The file-level problem, if any: a contract column that the file lacks. Nullable means a
 * value may be empty, not that the column may be absent: a file without its `amount`
 * column is a wrong export, not a file of empty amounts. (Columns the contract does not
 * know are left out of the curated data and named in the manifest.)
 */
export function missingRequiredColumn(
  key: string,
  contract: Contract,
  names: readonly string[],
): FileProblem | undefined {
  // An inferred contract expects every column it was made from; a contract a person wrote
  // says which columns may be absent (nullable ones).
  const missing = contract.columns.filter(
    (c) => !names.includes(c.name) && (contract.source === 'inferred' || !c.nullable),
  );
  if (missing.length === 0) return undefined;
  const list = missing.map((c) => c.name).join(', ');
  return {
    fileError: `${key}: required column${missing.length > 1 ? 's' : ''} ${list} ${missing.length > 1 ? 'are' : 'is'} missing (the file has: ${names.join(', ')})`,
    column: missing[0]!.name,
    kind: MISSING_COLUMN,
  };
}

/** Every row quarantined with the same reason. */
export async function rejectAll(
  duck: DuckDb,
  source: string,
  checked: string,
  problem: FileProblem,
): Promise<Checked> {
  const struct = `{'column': ${quoteLiteral(problem.column)}, 'kind': ${quoteLiteral(problem.kind)}}`;
  await duck.run(
    `CREATE TABLE ${quoteIdent(checked)} AS SELECT rowid AS __ord, [${struct}] AS __problems FROM ${quoteIdent(source)}`,
  );
  return { table: checked, fileError: problem.fileError };
}

/** Checks and casts every row against the contract. */
export async function validateRows(
  duck: DuckDb,
  source: string,
  names: readonly string[],
  contract: Contract,
  checked: string,
): Promise<Checked> {
  const columns = contract.columns.map((c, j) => {
    assertIdentifier(c.name, 'Column');
    const at = names.indexOf(c.name);
    return {
      contract: c,
      value: `v${j}`,
      typed: `t${j}`,
      source: at < 0 ? undefined : `c${at}`,
      unique: Boolean(c.checks?.unique) || c.name === contract.primaryKey,
    };
  });
  const values = columns.map(({ source: s, value }) =>
    s === undefined
      ? `CAST(NULL AS VARCHAR) AS ${value}`
      : `NULLIF(trim(${quoteIdent(s)}), '') AS ${value}`,
  );
  const typed = columns.map(
    ({ contract: c, value, typed: t }) =>
      `CAST(${parseAs(c.type, value)} AS ${SQL_TYPES[c.type]}) AS ${t}`,
  );
  const duplicates = columns
    .filter((c) => c.unique)
    .map(
      ({ value, typed: t }) =>
        `CASE WHEN ${value} IS NOT NULL THEN row_number() OVER (PARTITION BY ${t} ORDER BY __ord) END AS dup_${value}`,
    );
  // The time column of a month-partitioned dataset names the partition: it cannot be empty.
  const required = (c: ColumnContract) =>
    !c.nullable || (contract.partition === 'month' && c.name === contract.timeColumn);
  const problems = columns.map((c) =>
    problemOf(c.contract, c.value, c.typed, { required: required(c.contract), unique: c.unique }),
  );
  const outputs = columns.map(({ contract: c, typed: t }) => `${t} AS ${quoteIdent(c.name)}`);
  await duck.run(
    `CREATE TABLE ${quoteIdent(checked)} AS
     WITH raw AS (SELECT rowid AS __ord, ${values.join(', ')} FROM ${quoteIdent(source)}),
     cast_values AS (SELECT *, ${typed.join(', ')} FROM raw),
     counted AS (SELECT *${duplicates.map((d) => `, ${d}`).join('')} FROM cast_values)
     SELECT __ord, ${problemList(problems)} AS __problems, ${outputs.join(', ')}
     FROM counted ORDER BY __ord`,
  );
  return { table: checked };
}

/**
 * One column's problem as a {column, kind} struct, or NULL: the first rule that fails.
 * `unique`: a later row repeating a value is rejected (the primary key, `checks.unique`).
 */
function problemOf(
  c: ColumnContract,
  v: string,
  t: string,
  { required, unique }: { required: boolean; unique: boolean },
): string {
  const problem = (kind: string) => `{'column': ${quoteLiteral(c.name)}, 'kind': ${kind}}`;
  const rules: string[] = [];
  rules.push(`WHEN ${v} IS NULL THEN ${required ? problem(quoteLiteral(REQUIRED_EMPTY)) : 'NULL'}`);
  if (c.type !== 'string')
    rules.push(`WHEN ${t} IS NULL THEN ${problem(notParsedReason(c.type, v))}`);
  const checks = c.checks ?? {};
  const numeric = c.type === 'integer' || c.type === 'double';
  if (numeric && checks.min !== undefined && Number.isFinite(checks.min)) {
    rules.push(
      `WHEN ${t} < ${checks.min} THEN ${problem(quoteLiteral(`below the minimum ${checks.min}`))}`,
    );
  }
  if (numeric && checks.max !== undefined && Number.isFinite(checks.max)) {
    rules.push(
      `WHEN ${t} > ${checks.max} THEN ${problem(quoteLiteral(`above the maximum ${checks.max}`))}`,
    );
  }
  if (checks.allowed && checks.allowed.length > 0) {
    const allowed = checks.allowed.map(quoteLiteral).join(', ');
    rules.push(
      `WHEN ${v} NOT IN (${allowed}) THEN ${problem(quoteLiteral(`not one of the allowed values (${checks.allowed.join(', ')})`))}`,
    );
  }
  if (checks.pattern) {
    rules.push(
      `WHEN NOT regexp_full_match(${v}, ${quoteLiteral(checks.pattern)}) THEN ${problem(quoteLiteral(`does not match the pattern ${checks.pattern}`))}`,
    );
  }
  if (unique) {
    rules.push(
      `WHEN dup_${v} > 1 THEN ${problem(quoteLiteral('duplicate value (an earlier row has it)'))}`,
    );
  }
  return `CASE ${rules.join(' ')} END`;
}

/**
 * The row's problems, typed: where no column can fail (one optional text column), the
 * list holds only NULLs and DuckDB would type it INTEGER[], and later reads of
 * `p['column']` could not bind.
 */
function problemList(problems: string[]): string {
  const filtered =
    problems.length > 0 ? `list_filter([${problems.join(', ')}], p -> p IS NOT NULL)` : '[]';
  return `CAST(${filtered} AS STRUCT("column" VARCHAR, "kind" VARCHAR)[])`;
}
