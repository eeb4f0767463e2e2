import sqlParser from 'node-sql-parser';
import * as dialectModule from '#query/dialect.ts';
import type { Dialect } from '#query/dialect.ts';

/**
 * A guard, for tests, that our SQL is also Trino SQL (Athena engine version 3), and the
 * means to run Trino-dialect SQL on DuckDB.
 *
 * node-sql-parser's `trino` grammar parses the query: it rejects DuckDB-only clauses such as
 * `QUALIFY` and `SELECT * EXCLUDE`. The grammar derives from its PostgreSQL one and accepts
 * some PostgreSQL syntax that Trino does not (`x::INTEGER`, `ILIKE`, `~`), and it knows no
 * function names, so a walk of its AST checks those: casts, operators, cast types, functions
 * and aliases, each against what Trino has.
 */

const parser = new sqlParser.Parser();

/**
 * Functions both engines have with the same name, arguments and meaning, by their docs
 * (trino.io/docs/current/functions, duckdb.org/docs/sql/functions). A function not listed
 * here and not in `dialect.ts` fails the check: add it only after reading both.
 */
export const COMMON_FUNCTIONS: ReadonlySet<string> = new Set([
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'abs',
  'coalesce',
  'lag',
  'row_number',
  // date_diff('day', a, b): whole days from a to b on both.
  'date_diff',
  'year',
  'quarter',
]);

/** Binary operators Trino has (node-sql-parser also accepts PostgreSQL's `~`, `ILIKE`, `->>`, ...). */
const OPERATORS = new Set([
  'AND',
  'OR',
  '=',
  '<>',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '||',
  'IS',
  'IS NOT',
  'IN',
  'NOT IN',
  'LIKE',
  'NOT LIKE',
  'BETWEEN',
  'NOT BETWEEN',
]);

/** Types a CAST may name: Trino's (DuckDB also has TEXT, STRING, HUGEINT, UBIGINT, FLOAT, ...). */
const CAST_TYPES = new Set([
  'BOOLEAN',
  'TINYINT',
  'SMALLINT',
  'INTEGER',
  'BIGINT',
  'REAL',
  'DOUBLE',
  'DECIMAL',
  'VARCHAR',
  'DATE',
  'TIMESTAMP',
]);

/**
 * Words that must be quoted to serve as an alias: Trino's reserved keywords
 * (trino.io/docs/current/language/reserved.html) and those Athena's guide lists for SELECT
 * statements ("Escape reserved keywords in queries"), which adds FIRST and LAST.
 */
const RESERVED = new Set(
  (
    'ALTER AND AS BETWEEN BY CASE CAST CONSTRAINT CREATE CROSS CUBE CURRENT_CATALOG ' +
    'CURRENT_DATE CURRENT_PATH CURRENT_ROLE CURRENT_SCHEMA CURRENT_TIME CURRENT_TIMESTAMP ' +
    'CURRENT_USER DEALLOCATE DELETE DESCRIBE DISTINCT DROP ELSE END ESCAPE EXCEPT EXECUTE ' +
    'EXISTS EXTRACT FALSE FIRST FOR FROM FULL GROUP GROUPING HAVING IN INNER INSERT INTERSECT ' +
    'INTO IS JOIN JSON_ARRAY JSON_EXISTS JSON_OBJECT JSON_QUERY JSON_TABLE JSON_VALUE LAST LEFT ' +
    'LIKE LISTAGG LOCALTIME LOCALTIMESTAMP NATURAL NORMALIZE NOT NULL ON OR ORDER OUTER PREPARE ' +
    'RECURSIVE RIGHT ROLLUP SELECT SKIP TABLE THEN TRIM TRUE UESCAPE UNION UNNEST USING VALUES ' +
    'WHEN WHERE WITH'
  ).split(' '),
);

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null;

function walk(value: unknown, visit: (node: Node) => void): void {
  if (Array.isArray(value)) value.forEach((v) => walk(v, visit));
  else if (isNode(value)) {
    visit(value);
    Object.values(value).forEach((v) => walk(v, visit));
  }
}

/** The name of a function or aggregate node, lower case; undefined for other nodes. */
function functionName(node: Node): string | undefined {
  if (node['type'] === 'aggr_func' && typeof node['name'] === 'string')
    return node['name'].toLowerCase();
  if (node['type'] !== 'function' || !isNode(node['name'])) return undefined;
  const parts = node['name']['name'];
  return Array.isArray(parts)
    ? parts
        .map((p) => String((p as Node)['value']))
        .join('.')
        .toLowerCase()
    : undefined;
}

/** The SQL with the insides of string literals and quoted identifiers blanked. */
const unquoted = (sql: string) =>
  sql.replace(/'(?:[^']|'')*'/g, "''").replace(/"(?:[^"]|"")*"/g, '""');

function parse(sql: string): unknown {
  return parser.astify(sql, { database: 'trino' });
}

/** The functions a query calls, lower case. Throws where the trino grammar does not parse it. */
export function functionsIn(sql: string): Set<string> {
  const names = new Set<string>();
  walk(parse(sql), (node) => {
    const name = functionName(node);
    if (name) names.add(name);
  });
  return names;
}

/**
 * Why `sql` would not run on Trino (empty when it would, as far as this guard can tell), with
 * `functions` the function names it may call.
 */
export function trinoProblems(sql: string, functions: ReadonlySet<string>): string[] {
  let ast: unknown;
  try {
    ast = parse(sql);
  } catch (error) {
    return [`does not parse as Trino: ${(error as Error).message.slice(0, 200)}`];
  }
  const problems = new Set<string>();
  walk(ast, (node) => {
    const name = functionName(node);
    if (name && !functions.has(name)) problems.add(`function ${name} is not allowed here`);
    if (node['type'] === 'cast') {
      if (node['symbol'] !== 'as') problems.add(`cast with ${String(node['symbol'])}`);
      for (const target of (node['target'] as Node[] | undefined) ?? []) {
        const type = String(target['dataType']).toUpperCase();
        if (!CAST_TYPES.has(type)) problems.add(`cast to ${type}`);
      }
    }
    if (node['type'] === 'binary_expr' && !OPERATORS.has(String(node['operator']).toUpperCase()))
      problems.add(`operator ${String(node['operator'])}`);
    // Table and subquery aliases (never quoted in our SQL) and CTE names.
    if ('table' in node || 'expr' in node) {
      const as = node['as'];
      if (typeof as === 'string' && !('type' in node) && RESERVED.has(as.toUpperCase()))
        problems.add(`reserved word ${as} as a table alias`);
    }
    if (Array.isArray(node['with'])) {
      for (const cte of node['with'] as Node[]) {
        const name = cte['name'] as Node | undefined;
        if (name?.['type'] === 'default' && RESERVED.has(String(name['value']).toUpperCase()))
          problems.add(`reserved word ${String(name['value'])} as a CTE name`);
      }
    }
  });
  // Column aliases: the AST drops their quotes, so they are read from the text.
  for (const [, alias] of unquoted(sql).matchAll(/\bAS\s+([A-Za-z_][A-Za-z0-9_]*)/gi)) {
    if (RESERVED.has(alias!.toUpperCase())) problems.add(`reserved word ${alias} as an alias`);
  }
  return [...problems];
}

/**
 * The functions of each dialect, from `dialect.ts` itself: each of its exports called with
 * both dialects on a placeholder column. `common` are those both spellings call; `only[d]`
 * those only dialect d's does; `twins` maps each DuckDB-only function to the Trino-only one
 * the same export spells instead.
 */
export function dialectFunctions(): {
  exports: string[];
  common: Set<string>;
  only: Record<Dialect, Set<string>>;
  twins: Map<string, string>;
} {
  const probes: Record<string, (d: Dialect) => string> = {
    quantile: (d) => dialectModule.quantile(d, 'x', 0.5),
    monthKey: (d) => dialectModule.monthKey(d, 'x'),
    dayKey: (d) => dialectModule.dayKey(d, 'x'),
  };
  const exports = Object.entries(dialectModule)
    .filter(([, v]) => typeof v === 'function')
    .map(([k]) => k)
    .sort();
  const missing = exports.filter((e) => !(e in probes));
  if (missing.length) throw new Error(`dialect.ts exports without a probe: ${missing.join(', ')}`);
  const common = new Set<string>();
  const only: Record<Dialect, Set<string>> = { duckdb: new Set(), trino: new Set() };
  const twins = new Map<string, string>();
  for (const [name, probe] of Object.entries(probes)) {
    const duck = functionsIn(`SELECT ${probe('duckdb')} AS v FROM t`);
    const trino = functionsIn(`SELECT ${probe('trino')} AS v FROM t`);
    const duckOnly = [...duck].filter((f) => !trino.has(f));
    const trinoOnly = [...trino].filter((f) => !duck.has(f));
    [...duck].filter((f) => trino.has(f)).forEach((f) => common.add(f));
    duckOnly.forEach((f) => only.duckdb.add(f));
    trinoOnly.forEach((f) => only.trino.add(f));
    if (duckOnly.length !== trinoOnly.length || duckOnly.length > 1)
      throw new Error(`${name}: the dialects differ by more than one function's name`);
    if (duckOnly[0] && trinoOnly[0]) twins.set(duckOnly[0], trinoOnly[0]);
  }
  return { exports, common, only, twins };
}

/**
 * Trino's spellings of the dialect functions defined on DuckDB, so that Trino-dialect SQL
 * runs there too and must give the DuckDB spelling's results. The emulation is exact where
 * Athena is not: `approx_percentile` approximates, `quantile_cont` interpolates. Trino's
 * `date_format` takes MySQL specifiers, which agree with strftime's for `%Y`, `%m` and `%d`,
 * the only ones `dialect.ts` uses.
 */
export const TRINO_FUNCTIONS_ON_DUCKDB = [
  'CREATE OR REPLACE MACRO approx_percentile(x, q) AS quantile_cont(x, q)',
  'CREATE OR REPLACE MACRO date_format(t, f) AS strftime(t, f)',
];
