import { join } from 'node:path';
import type { DuckDb } from '#platform/ports.ts';
import { quoteIdent, quoteLiteral } from '#query/sql.ts';
import { ConfigError } from '#platform/errors.ts';
import type { BlobStore, Contract } from '#platform/ports.ts';
import { lakeKeys } from './lake-keys.ts';

export interface OutputTarget {
  duck: DuckDb;
  store: BlobStore;
  dataset: string;
  sourceId: string;
  /** Local folder for the files before they are uploaded. */
  dir: string;
}

/**
 * The good rows as Parquet, one file per partition: `month=YYYY-MM` of the time column
 * (events, time series) or `snapshot=YYYY-MM-DD` of the ingest date (entities). The
 * partition value lives only in the folder name, so `read_parquet(..., hive_partitioning =
 * true)` sees each column once.
 *
 * One COPY per partition, rows in file order, rather than one COPY with PARTITION_BY:
 * PARTITION_BY writes rows in whatever order its threads deliver them, so the same input
 * gave different bytes from run to run (4 different outputs in 6 runs, 300k rows), and a
 * re-delivered file must rewrite identical objects.
 */
export async function writeCurated(
  target: OutputTarget,
  contract: Contract,
  checked: string,
  curatedTable: string,
  snapshotDate: string,
): Promise<{ partitions: string[]; rows: number }> {
  const { duck, store, dataset, sourceId, dir } = target;
  const partition = partitionExpression(contract, snapshotDate);
  const columns = contract.columns.map((c) => quoteIdent(c.name)).join(', ');
  await duck.run(
    `CREATE TABLE ${quoteIdent(curatedTable)} AS
     SELECT ${partition} AS __partition, __ord, ${columns} FROM ${quoteIdent(checked)}
     WHERE len(__problems) = 0 ORDER BY __partition, __ord`,
  );
  const parts = await duck.all(
    `SELECT __partition AS p, count(*) AS n FROM ${quoteIdent(curatedTable)} GROUP BY ALL ORDER BY p`,
  );
  const partitions: string[] = [];
  let rows = 0;
  for (const [i, part] of parts.entries()) {
    const name = String(part['p']);
    const local = join(dir, `curated-${i}.parquet`);
    await duck.run(
      `COPY (SELECT ${columns} FROM ${quoteIdent(curatedTable)} WHERE __partition = ${quoteLiteral(name)} ORDER BY __ord)
       TO ${quoteLiteral(local)} (FORMAT parquet)`,
    );
    await store.upload(
      local,
      lakeKeys.curated(dataset, name, sourceId),
      'application/vnd.apache.parquet',
    );
    partitions.push(name);
    rows += Number(part['n']);
  }
  return { partitions, rows };
}

function partitionExpression(contract: Contract, snapshotDate: string): string {
  if (contract.partition === 'snapshot') return quoteLiteral(`snapshot=${snapshotDate}`);
  if (!contract.timeColumn || !contract.columns.some((c) => c.name === contract.timeColumn)) {
    throw new ConfigError(
      `The contract of ${contract.dataset} partitions by month but names no time column among its columns`,
    );
  }
  return `'month=' || strftime(${quoteIdent(contract.timeColumn)}, '%Y-%m')`;
}
