import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlParser from 'node-sql-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFiles } from '#cli/ingest-files.ts';
import { runReportWorkflow } from '#cli/local-workflow.ts';
import { consoleProgress } from '#cli/progress.ts';
import { writeDemo } from '#demo/generate.ts';
import type { LocalQueryEngine } from '#platform/local/duckdb-query-engine.ts';
import { localRuntime, type LocalRuntime } from '#platform/local/runtime.ts';
import type { Dialect } from '#query/dialect.ts';
import type { ReportModel } from '#report/model.ts';
import {
  COMMON_FUNCTIONS,
  TRINO_FUNCTIONS_ON_DUCKDB,
  dialectFunctions,
  trinoProblems,
} from './trino-sql.ts';

/**
 * The SQL runs unchanged on DuckDB and Athena (Trino) but for `dialect.ts`. The demo data is
 * ingested once, then the real report workflow runs twice on it, the engine recording every
 * query: once in the DuckDB dialect and once in the Trino dialect. Both runs execute on
 * DuckDB, the Trino one with Trino's spellings of the dialect functions defined there as
 * macros (`TRINO_FUNCTIONS_ON_DUCKDB`). Then every query of either run must pass the Trino
 * guard (node-sql-parser's trino grammar and the AST checks of `trino-sql.ts`) with its own
 * dialect's functions, the two runs must issue the same queries but for those functions, and
 * give the same report.
 */

interface Capture {
  /** Every query, in the order issued (the Map state interleaves analyses). */
  queries: string[];
  failures: { sql: string; error: string }[];
  report: ReportModel;
}

let dir: string;
let runtime: LocalRuntime;
const runs = {} as Record<Dialect, Capture>;
const functions = dialectFunctions();
const allowed = (d: Dialect) =>
  new Set([...COMMON_FUNCTIONS, ...functions.common, ...functions.only[d]]);
const distinct = (d: Dialect) => [...new Set(runs[d].queries)].sort();

async function captureRun(dialect: Dialect): Promise<Capture> {
  const base = runtime.engine as LocalQueryEngine;
  const capture: Omit<Capture, 'report'> = { queries: [], failures: [] };
  const engine: LocalQueryEngine = {
    dialect,
    refresh: () => base.refresh(),
    async query(sql) {
      capture.queries.push(sql);
      try {
        return await base.query(sql);
      } catch (error) {
        // A failed analysis becomes a "not computed" section and the run goes on: record it.
        capture.failures.push({ sql, error: (error as Error).message });
        throw error;
      }
    },
  };
  const runId = `dialect-${dialect}`;
  await runReportWorkflow({ ...runtime, engine }, { runId, trigger: 'test' });
  const report = JSON.parse(
    await readFile(join(dir, 'lake/reports', runId, 'report.json'), 'utf8'),
  ) as ReportModel;
  return { ...capture, report };
}

describe('the SQL of a report run, in both dialects', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'insights-dialects-'));
    const demo = await writeDemo(join(dir, 'data'), { seed: 42 });
    runtime = await localRuntime({ lake: join(dir, 'lake'), outbox: join(dir, 'outbox') });
    await ingestFiles(
      runtime,
      demo.files.map((f) => f.path),
      {},
      consoleProgress(process.stderr, true),
    );
    // runtime.duck() is the DuckDB the query engine runs on: the Trino run finds the macros.
    const duck = await runtime.duck();
    for (const macro of TRINO_FUNCTIONS_ON_DUCKDB) await duck.run(macro);
    runs.duckdb = await captureRun('duckdb');
    runs.trino = await captureRun('trino');
  });

  afterAll(() => runtime?.close());

  it.each(['duckdb', 'trino'] as const)('%s: DuckDB executes every query of the run', (d) => {
    expect(runs[d].failures).toEqual([]);
    // The demo's run: profiles, quartiles, joins, outliers, series, KPIs, customers, groups.
    expect(distinct(d).length).toBeGreaterThan(60);
  });

  it.each(['duckdb', 'trino'] as const)(
    '%s: every query is Trino SQL, calling only common functions and its own dialect ones',
    (d) => {
      const problems = distinct(d).flatMap((sql) =>
        trinoProblems(sql, allowed(d)).map((p) => `${p}: ${sql.slice(0, 120)}`),
      );
      expect(problems).toEqual([]);
    },
  );

  it('the two dialects issue the same queries but for the functions dialect.ts spells', () => {
    const translated = distinct('duckdb').map((sql) =>
      [...functions.twins].reduce(
        (text, [duck, trino]) => text.replace(new RegExp(`\\b${duck}\\(`, 'g'), `${trino}(`),
        sql,
      ),
    );
    expect(new Set(translated)).toEqual(new Set(distinct('trino')));
    expect(distinct('trino')).toHaveLength(distinct('duckdb').length);
    // The dialect-specific paths were taken: each DuckDB-only function appears, and only there.
    for (const [duck, trino] of functions.twins) {
      expect(distinct('duckdb').some((sql) => sql.includes(`${duck}(`))).toBe(true);
      expect(distinct('trino').some((sql) => sql.includes(`${duck}(`))).toBe(false);
      expect(distinct('trino').some((sql) => sql.includes(`${trino}(`))).toBe(true);
    }
  });

  it('the same report from either dialect', () => {
    // The run's own record (id, times, steps, cost) differs by nature; the rest must not.
    const withoutRun = (r: ReportModel) => ({ ...r, run: undefined });
    const [duck, trino] = [withoutRun(runs.duckdb.report), withoutRun(runs.trino.report)];
    // DuckDB sums doubles in parallel, so totals may differ in their last bits between runs.
    expect(differences(trino, duck, '')).toEqual([]);
    expect(duck.notComputed).toEqual([]);
  });
});

describe('the Trino guard', () => {
  const duckdbFunctions = allowed('duckdb');
  it('rejects DuckDB-only syntax: `::` casts, QUALIFY, SELECT * EXCLUDE', () => {
    expect(trinoProblems('SELECT x::INTEGER FROM t', duckdbFunctions)).toEqual(['cast with ::']);
    expect(
      trinoProblems('SELECT x FROM t QUALIFY row_number() OVER (ORDER BY x) = 1', duckdbFunctions),
    ).toEqual([expect.stringMatching(/^does not parse as Trino/)]);
    expect(trinoProblems('SELECT * EXCLUDE (x) FROM t', duckdbFunctions)).toEqual([
      expect.stringMatching(/^does not parse as Trino/),
    ]);
  });

  it('needs its AST checks: node-sql-parser 5.4 trino parses `::` and ILIKE by itself', () => {
    // Its trino grammar derives from the PostgreSQL one. Should this start failing, the
    // parser rejects these itself and the AST rules for them can go.
    const parser = new sqlParser.Parser();
    expect(() => parser.astify('SELECT x::INTEGER FROM t', { database: 'trino' })).not.toThrow();
    expect(() =>
      parser.astify("SELECT x FROM t WHERE x ILIKE 'a'", { database: 'trino' }),
    ).not.toThrow();
  });

  it('rejects what Trino lacks: ILIKE, TEXT, unknown functions, reserved words as aliases', () => {
    expect(trinoProblems("SELECT x FROM t WHERE x ILIKE 'a'", duckdbFunctions)).toEqual([
      'operator ILIKE',
    ]);
    expect(trinoProblems('SELECT CAST(x AS TEXT) AS y FROM t', duckdbFunctions)).toEqual([
      'cast to TEXT',
    ]);
    expect(trinoProblems('SELECT median(x) AS m FROM t', duckdbFunctions)).toEqual([
      'function median is not allowed here',
    ]);
    expect(
      trinoProblems('SELECT min(x) AS first, max(x) AS "last" FROM t', duckdbFunctions),
    ).toEqual(['reserved word first as an alias']);
    expect(
      trinoProblems('WITH last AS (SELECT 1 AS x) SELECT x FROM last', duckdbFunctions),
    ).toEqual(['reserved word last as a CTE name']);
  });

  it('accepts the common dialect', () => {
    expect(
      trinoProblems(
        `SELECT CAST(d AS VARCHAR) AS k, count(DISTINCT x) AS n, date_diff('day', lag(d) OVER (ORDER BY d), d) AS gap ` +
          `FROM "t" e LEFT JOIN "u" j0 ON e."k" = j0."k" WHERE d >= DATE '2024-01-01' GROUP BY 1 ORDER BY 2 DESC LIMIT 10`,
        duckdbFunctions,
      ),
    ).toEqual([]);
  });
});

/** Where `a` and `b` differ, by path; numbers within a relative 1e-9 of each other agree. */
function differences(a: unknown, b: unknown, path: string): string[] {
  if (typeof a === 'number' && typeof b === 'number') {
    const close = a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
    return close ? [] : [`${path}: ${a} != ${b}`];
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${path}: ${a.length} items != ${b.length}`];
    return a.flatMap((v, i) => differences(v, b[i], `${path}[${i}]`));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) =>
      differences(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${path}.${k}`,
      ),
    );
  }
  return Object.is(a, b) ? [] : [`${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`];
}
