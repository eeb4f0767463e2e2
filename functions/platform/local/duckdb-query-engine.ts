import { join } from 'node:path';
import { quoteIdent, quoteLiteral } from '#query/sql.ts';
import { assertIdentifier } from '../identifiers.ts';
import type { Catalog, Contract, DuckDb, QueryEngine } from '../ports.ts';

export interface LocalQueryEngine extends QueryEngine {
  /** Makes the views anew from the catalog and the curated files now in the lake. */
  refresh(): Promise<void>;
}

/**
 * Datasets of at most this many rows are read into memory once per run (about 100 bytes a
 * row), so that each of a run's queries skips opening and decoding their Parquet files:
 * on the demo a query then takes a few ms instead of tens. Larger ones are read from their
 * files by each query, as Athena does.
 */
export const IN_MEMORY_ROWS = 2_000_000;

/**
 * Athena's stand-in: each catalogued dataset with curated Parquet becomes a DuckDB view of
 * the same name, so the same SQL runs here and on Athena over Glue tables.
 */
export function duckDbQueryEngine(
  duck: DuckDb,
  lakeRoot: string,
  catalog: Catalog,
  options: { inMemoryRows?: number } = {},
): LocalQueryEngine {
  const inMemoryRows = options.inMemoryRows ?? IN_MEMORY_ROWS;
  let views: Promise<void> | undefined;
  const refresh = async () => {
    for (const dataset of await catalog.listDatasets()) {
      assertIdentifier(dataset, 'Dataset');
      const files = join(lakeRoot, 'curated', dataset, '**', '*.parquet');
      // Curated files are `<partition>/<source-id>.parquet`: how many source files they hold.
      const [found] = await duck.all(
        `SELECT count(*) AS n, count(DISTINCT parse_filename(file, true)) AS sources FROM glob(${quoteLiteral(files)})`,
      );
      const contract = await catalog.getContract(dataset);
      // The rows of a small dataset, read once (a table of this run's rows).
      const rows = quoteIdent(`__rows_${dataset}`);
      if (!contract || !found?.['n']) {
        // A view over no files fails every query that binds it; such a dataset has no view.
        await duck.run(`DROP VIEW IF EXISTS ${quoteIdent(dataset)}`);
        await duck.run(`DROP TABLE IF EXISTS ${rows}`);
        continue;
      }
      const query = viewQuery(contract, files, Number(found['sources']));
      const [size] = await duck.all(
        `SELECT sum(num_rows) AS n FROM parquet_file_metadata(${quoteLiteral(files)})`,
      );
      if (Number(size?.['n'] ?? Infinity) <= inMemoryRows) {
        await duck.run(`CREATE OR REPLACE TABLE ${rows} AS ${query}`);
        await duck.run(`CREATE OR REPLACE VIEW ${quoteIdent(dataset)} AS SELECT * FROM ${rows}`);
        continue;
      }
      await duck.run(`CREATE OR REPLACE VIEW ${quoteIdent(dataset)} AS ${query}`);
      await duck.run(`DROP TABLE IF EXISTS ${rows}`);
    }
  };
  return {
    dialect: 'duckdb',
    refresh: () => (views = refresh()),
    async query(sql) {
      await (views ??= refresh());
      return duck.all(sql);
    },
  };
}

/**
 * The rows of a dataset, each id once. Entities are snapshots: a customer in several
 * exports counts once, as in its latest snapshot. Events and series exported twice (two
 * weekly files that overlap) count once too; which file's copy is kept is arbitrary but
 * fixed (the last source id), as the copies of one event should agree.
 *
 * The rows of one source file already hold each id once (ingest quarantines a repeated
 * key), so a dataset of a single source file is read as it is: the window that keeps one
 * row per id sorts every row, in every query that reads the view (at 10 M rows, seconds
 * each).
 */
function viewQuery(contract: Contract, files: string, sources: number): string {
  const source = `read_parquet(${quoteLiteral(files)}, hive_partitioning = true, union_by_name = true, filename = true)`;
  if (!contract.primaryKey || sources === 1) return `SELECT * EXCLUDE (filename) FROM ${source}`;
  const key = quoteIdent(assertIdentifier(contract.primaryKey, 'Column'));
  const order = contract.kind === 'entities' ? 'snapshot DESC, filename DESC' : 'filename DESC';
  return (
    `SELECT * EXCLUDE (filename, latest) FROM (SELECT *, row_number() OVER ` +
    `(PARTITION BY ${key} ORDER BY ${order}) AS latest FROM ${source}) WHERE latest = 1`
  );
}
