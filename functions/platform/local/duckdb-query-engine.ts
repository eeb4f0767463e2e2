import { join } from 'node:path';
import { quoteIdent, quoteLiteral } from '#query/sql.ts';
import type { DuckDb } from '../ports.ts';
import { assertIdentifier } from '../identifiers.ts';
import type { Catalog, QueryEngine } from '../ports.ts';

/**
 * Athena's stand-in: each catalogued dataset becomes a DuckDB view over its curated
 * Parquet, so the same SQL runs here and on Athena over Glue tables of the same names.
 */
export function duckDbQueryEngine(duck: DuckDb, lakeRoot: string, catalog: Catalog): QueryEngine {
  let viewsReady: Promise<void> | undefined;
  const createViews = async () => {
    for (const dataset of await catalog.listDatasets()) {
      assertIdentifier(dataset, 'Dataset');
      const files = join(lakeRoot, 'curated', dataset, '**', '*.parquet');
      await duck.run(
        `CREATE OR REPLACE VIEW ${quoteIdent(dataset)} AS SELECT * FROM read_parquet(${quoteLiteral(files)}, hive_partitioning = true, union_by_name = true)`,
      );
    }
  };
  return {
    dialect: 'duckdb',
    async query(sql) {
      viewsReady ??= createViews();
      await viewsReady;
      return duck.all(sql);
    },
  };
}
