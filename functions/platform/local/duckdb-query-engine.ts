import { join } from 'node:path';
import { quoteIdent, quoteLiteral } from '#query/sql.ts';
import { assertIdentifier } from '../identifiers.ts';
import type { Catalog, Contract, DuckDb, QueryEngine } from '../ports.ts';

export interface LocalQueryEngine extends QueryEngine {
  /** Makes the views anew from the catalog and the curated files now in the lake. */
  refresh(): Promise<void>;
}

/**
 * Athena's stand-in: each catalogued dataset with curated Parquet becomes a DuckDB view of
 * the same name, so the same SQL runs here and on Athena over Glue tables.
 */
export function duckDbQueryEngine(
  duck: DuckDb,
  lakeRoot: string,
  catalog: Catalog,
): LocalQueryEngine {
  let views: Promise<void> | undefined;
  const refresh = async () => {
    for (const dataset of await catalog.listDatasets()) {
      assertIdentifier(dataset, 'Dataset');
      const files = join(lakeRoot, 'curated', dataset, '**', '*.parquet');
      const [found] = await duck.all(`SELECT count(*) AS n FROM glob(${quoteLiteral(files)})`);
      const contract = await catalog.getContract(dataset);
      if (!contract || !found?.['n']) {
        // A view over no files fails every query that binds it; such a dataset has no view.
        await duck.run(`DROP VIEW IF EXISTS ${quoteIdent(dataset)}`);
        continue;
      }
      await duck.run(
        `CREATE OR REPLACE VIEW ${quoteIdent(dataset)} AS ${viewQuery(contract, files)}`,
      );
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
 */
function viewQuery(contract: Contract, files: string): string {
  const source = `read_parquet(${quoteLiteral(files)}, hive_partitioning = true, union_by_name = true, filename = true)`;
  if (!contract.primaryKey) return `SELECT * EXCLUDE (filename) FROM ${source}`;
  const key = quoteIdent(assertIdentifier(contract.primaryKey, 'Column'));
  const order = contract.kind === 'entities' ? 'snapshot DESC, filename DESC' : 'filename DESC';
  return (
    `SELECT * EXCLUDE (filename, latest) FROM (SELECT *, row_number() OVER ` +
    `(PARTITION BY ${key} ORDER BY ${order}) AS latest FROM ${source}) WHERE latest = 1`
  );
}
