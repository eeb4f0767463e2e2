import type { DuckDb } from '#platform/ports.ts';
import { quoteIdent, quoteLiteral } from '#query/sql.ts';
import { assertIdentifier } from '#platform/identifiers.ts';
import type { ColumnContract, ColumnFormat, ColumnType, Contract } from '#platform/ports.ts';
import { notParsedReason, parseAs, type ReadFormat } from './column-types.ts';

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
export const DUPLICATE = 'duplicate value (an earlier row has it)';

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
  // An inferred contract expects every column it was made from, and may lack only those
  // added later; a contract a person wrote says which may be absent (nullable ones).
  const mayBeAbsent = (c: ColumnContract) =>
    c.nullable && (contract.source === 'config' || c.addedInVersion !== undefined);
  const missing = contract.columns.filter((c) => !names.includes(c.name) && !mayBeAbsent(c));
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

/**
 * Checks and casts every row against the contract: one streaming statement for the
 * per-value rules (no sort, so DuckDB keeps the file's order and all its threads), then
 * one window query per unique column whose later repeats, usually none, are marked.
 */
export async function validateRows(
  duck: DuckDb,
  source: string,
  names: readonly string[],
  contract: Contract,
  checked: string,
  formats?: ReadonlyMap<string, ReadFormat>,
): Promise<Checked> {
  const select = validationSelect(quoteIdent(source), names, contract, formats, 'rowid');
  await duck.run(`CREATE TABLE ${quoteIdent(checked)} AS ${select}`);
  for (const c of uniqueColumns(contract)) await markRepeats(duck, checked, c);
  return { table: checked };
}

/**
 * A value without the spaces around it, empty as NULL. trim() copies every string, which
 * cost a quarter of a clean file's ingest; most values have no space to remove.
 */
export function trimmed(c: string): string {
  return `CASE WHEN starts_with(${c}, ' ') OR ends_with(${c}, ' ') THEN NULLIF(trim(${c}), '') ELSE NULLIF(${c}, '') END`;
}

/** Columns whose values may not repeat: the primary key and those with `checks.unique`. */
export function uniqueColumns(contract: Contract): string[] {
  return contract.columns
    .filter((c) => Boolean(c.checks?.unique) || c.name === contract.primaryKey)
    .map((c) => c.name);
}

/**
 * The per-value rules as one SELECT over `from` (text columns `c0`, `c1`, ... named by
 * `names`): `__ord` (the `ordinal` expression), `__problems` (a list of {column, kind},
 * empty when the row is good) and the contract's columns cast to their types. Repeats in
 * unique columns are not judged here: they need every row (validateRows, fast-csv.ts).
 */
export function validationSelect(
  from: string,
  names: readonly string[],
  contract: Contract,
  formats: ReadonlyMap<string, ReadFormat> | undefined,
  ordinal: string,
  options: {
    trimTyped?: boolean;
    /** Columns the reader already types as DOUBLE (fast-csv.ts): only checked here. */
    nativeDoubles?: ReadonlySet<string>;
    /** `__ok` (no problem in the row) instead of the list of problems: cheaper per row. */
    okOnly?: boolean;
  } = {},
): string {
  const { trimTyped = true } = options;
  const native = (c: ColumnContract) => options.nativeDoubles?.has(c.name) === true;
  const columns = contract.columns.map((c, j) => {
    assertIdentifier(c.name, 'Column');
    const at = names.indexOf(c.name);
    return {
      contract: c,
      value: `v${j}`,
      typed: `t${j}`,
      source: at < 0 ? undefined : `c${at}`,
    };
  });
  // Without trimTyped, typed values keep their spaces: DuckDB's casts ignore them, and a
  // value that fails to parse so is a problem of the row (the fast path then gives way to
  // the full one, which trims).
  const values = columns.map(({ source: s, value, contract: c }) =>
    s === undefined
      ? `CAST(NULL AS VARCHAR) AS ${value}`
      : native(c)
        ? `${quoteIdent(s)} AS ${value}`
        : c.type === 'string' || trimTyped
          ? `${trimmed(quoteIdent(s))} AS ${value}`
          : `NULLIF(${quoteIdent(s)}, '') AS ${value}`,
  );
  const typed = columns.map(({ contract: c, value, typed: t }) =>
    native(c)
      ? `${value} AS ${t}`
      : `CAST(${parseAs(c.type, value, formats?.get(c.name) ?? c.format)} AS ${SQL_TYPES[c.type]}) AS ${t}`,
  );
  // The time column of a month-partitioned dataset names the partition: it cannot be empty.
  const required = (c: ColumnContract) =>
    !c.nullable || (contract.partition === 'month' && c.name === contract.timeColumn);
  const problems = columns.map((c) =>
    problemOf(c.contract, c.value, c.typed, {
      required: required(c.contract),
      format: formats?.get(c.contract.name) ?? c.contract.format,
      native: native(c.contract),
    }),
  );
  const outputs = columns.map(({ contract: c, typed: t }) => `${t} AS ${quoteIdent(c.name)}`);
  return `WITH raw AS (SELECT ${ordinal} AS __ord, ${values.join(', ')} FROM ${from}),
     cast_values AS (SELECT *, ${typed.join(', ')} FROM raw),
     judged AS (SELECT *, ${problems.map((p, j) => `${p} AS p${j}`).join(', ')} FROM cast_values)
     SELECT __ord, ${options.okOnly ? `${okFlag(problems.length)} AS __ok` : `${problemList(problems.map((_, j) => `p${j}`))} AS __problems`}, ${outputs.join(', ')}
     FROM judged`;
}

/**
 * A value repeated in a unique column (the primary key, `checks.unique`): among the rows
 * with no other problem, every one after the first with it is rejected (a row quarantined
 * anyway does not keep a later one out of the lake).
 */
async function markRepeats(duck: DuckDb, checked: string, column: string): Promise<void> {
  const col = quoteIdent(column);
  const problem = `{'column': ${quoteLiteral(column)}, 'kind': ${quoteLiteral(DUPLICATE)}}`;
  await duck.run(
    `UPDATE ${quoteIdent(checked)} SET __problems = list_append(__problems, ${problem})
      WHERE __ord IN (
        SELECT __ord FROM (
          SELECT __ord, row_number() OVER (PARTITION BY ${col} ORDER BY __ord) AS n
            FROM ${quoteIdent(checked)} WHERE ${col} IS NOT NULL AND len(__problems) = 0)
         WHERE n > 1)
        AND len(list_filter(__problems, p -> p['column'] = ${quoteLiteral(column)})) = 0`,
  );
}

/** One column's problem as a {column, kind} struct, or NULL: the first rule that fails. */
function problemOf(
  c: ColumnContract,
  v: string,
  t: string,
  {
    required,
    format,
    native,
  }: { required: boolean; format: ColumnFormat | undefined; native: boolean },
): string {
  const problem = (kind: string) => `{'column': ${quoteLiteral(c.name)}, 'kind': ${kind}}`;
  const rules: string[] = [];
  rules.push(`WHEN ${v} IS NULL THEN ${required ? problem(quoteLiteral(REQUIRED_EMPTY)) : 'NULL'}`);
  if (native) rules.push(`WHEN NOT isfinite(${t}) THEN ${problem(`'not a number'`)}`);
  else if (c.type !== 'string')
    rules.push(`WHEN ${t} IS NULL THEN ${problem(notParsedReason(c.type, v, format))}`);
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
  return `CASE ${rules.join(' ')} END`;
}

/** True when none of the row's `p0`, `p1`, ... problems is set. */
function okFlag(problems: number): string {
  return problems === 0
    ? 'true'
    : Array.from({ length: problems }, (_, j) => `p${j} IS NULL`).join(' AND ');
}

/**
 * The row's problems, typed: where no column can fail (one optional text column), the
 * list holds only NULLs and DuckDB would type it INTEGER[], and later reads of
 * `p['column']` could not bind.
 */
function problemList(problems: string[]): string {
  const type = 'STRUCT("column" VARCHAR, "kind" VARCHAR)[]';
  if (problems.length === 0) return `CAST([] AS ${type})`;
  // Most rows are good: they get the empty list without building one to filter.
  const good = problems.map((p) => `${p} IS NULL`).join(' AND ');
  return `CASE WHEN ${good} THEN CAST([] AS ${type}) ELSE CAST(list_filter([${problems.join(', ')}], p -> p IS NOT NULL) AS ${type}) END`;
}
