import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb } from '#platform/duckdb/duckdb.ts';
import type { DuckDb } from '#platform/ports.ts';
import { dayKey, monthKey, quantile, type Dialect } from '#query/dialect.ts';
import {
  COMMON_FUNCTIONS,
  TRINO_FUNCTIONS_ON_DUCKDB,
  dialectFunctions,
  trinoProblems,
} from './trino-sql.ts';

/**
 * Each function of `dialect.ts` on both sides: the DuckDB spelling executed by DuckDB with
 * known answers; the Trino spelling as Trino documents the function, passed by the Trino
 * guard, and (through `TRINO_FUNCTIONS_ON_DUCKDB`) giving the same answers, which is what lets
 * the report workflow run in the Trino dialect in `dialects.test.ts`.
 */

let duck: DuckDb;
const functions = dialectFunctions();
const allowed = (d: Dialect) =>
  new Set([...COMMON_FUNCTIONS, ...functions.common, ...functions.only[d]]);

beforeAll(async () => {
  duck = await openDuckDb();
  for (const macro of TRINO_FUNCTIONS_ON_DUCKDB) await duck.run(macro);
  // 1..10, and a date and a timestamp late in their day, month and year.
  await duck.run(`CREATE TABLE t AS SELECT CAST(i AS DOUBLE) AS x, DATE '2024-12-31' AS d,
    TIMESTAMP '2024-12-31 23:59:59' AS ts FROM range(1, 11) r(i)`);
});

afterAll(() => duck?.close());

const value = async (expr: string) =>
  (await duck.all(`SELECT ${expr} AS v FROM t LIMIT 1`))[0]?.['v'];

describe('dialect.ts', () => {
  it('differs by exactly these functions, and spells the rest alike', () => {
    expect(functions.exports).toEqual(['dayKey', 'monthKey', 'quantile']);
    expect(functions.only.duckdb).toEqual(new Set(['quantile_cont', 'strftime']));
    expect(functions.only.trino).toEqual(new Set(['approx_percentile', 'date_format']));
    expect(dayKey('duckdb', 'x')).toBe(dayKey('trino', 'x'));
  });

  it('spells each function as Trino documents it (approx_percentile, date_format, CAST)', () => {
    expect(quantile('trino', 'x', 0.25)).toBe('approx_percentile(x, 0.25)');
    expect(monthKey('trino', 'x')).toBe("date_format(x, '%Y-%m')");
    expect(dayKey('trino', 'x')).toBe('CAST(CAST(x AS DATE) AS VARCHAR)');
  });

  it.each(['duckdb', 'trino'] as const)(
    '%s: each spelling passes the Trino guard with its own dialect functions only',
    (d) => {
      const other: Dialect = d === 'duckdb' ? 'trino' : 'duckdb';
      for (const expr of [quantile(d, 'x', 0.5), monthKey(d, 'ts'), dayKey(d, 'ts')]) {
        expect(trinoProblems(`SELECT ${expr} AS v FROM t`, allowed(d))).toEqual([]);
      }
      // ... and the other dialect's spelling fails it.
      const spelled = quantile(d, 'x', 0.5);
      expect(trinoProblems(`SELECT ${spelled} AS v FROM t`, allowed(other))).toEqual([
        `function ${spelled.slice(0, spelled.indexOf('('))} is not allowed here`,
      ]);
    },
  );

  it.each(['duckdb', 'trino'] as const)(
    '%s: quartiles interpolate linearly (R 4.2 quantile(1:10, c(.25, .5, .75)) = 3.25, 5.5, 7.75)',
    async (d) => {
      const [row] = await duck.all(
        `SELECT ${quantile(d, 'x', 0.25)} AS q1, ${quantile(d, 'x', 0.5)} AS q2, ${quantile(d, 'x', 0.75)} AS q3 FROM t`,
      );
      expect(row).toEqual({ q1: 3.25, q2: 5.5, q3: 7.75 });
    },
  );

  it.each(['duckdb', 'trino'] as const)(
    '%s: a date or timestamp keys its own month and day, whatever the time of day',
    async (d) => {
      expect(await value(monthKey(d, 'd'))).toBe('2024-12');
      expect(await value(monthKey(d, 'ts'))).toBe('2024-12');
      expect(await value(dayKey(d, 'd'))).toBe('2024-12-31');
      expect(await value(dayKey(d, 'ts'))).toBe('2024-12-31');
    },
  );
});
