import { readdir } from 'node:fs/promises';
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
 * One COPY with PARTITION_BY, so the engine writes every partition in one parallel pass.
 * The bytes may differ from run to run (threads deliver rows in any order): a re-delivered
 * file is recognised by its manifest and not written again (ingest.ts), so nothing in the
 * lake changes.
 */
export async function writeCurated(
  target: OutputTarget,
  contract: Contract,
  checked: string,
  snapshotDate: string,
): Promise<{ partitions: string[]; rows: number }> {
  const { duck } = target;
  const [{ rows }] = (await duck.all(
    `SELECT count(*) AS "rows" FROM ${quoteIdent(checked)} WHERE len(__problems) = 0`,
  )) as [{ rows: number }];
  if (rows === 0) return { partitions: [], rows: 0 };
  const out = join(target.dir, 'curated');
  await copyPartitioned(duck, `SELECT * FROM ${quoteIdent(checked)}`, contract, snapshotDate, out);
  return { partitions: await uploadPartitions(target, contract, out), rows: Number(rows) };
}

/**
 * The good rows of `select` (the contract's columns, and `good` on each row) as Parquet
 * under `out/__partition=<value>/part0.parquet`, in one parallel pass. With `rejectedTo`,
 * the other rows are written too, under that partition value (to learn whether there were
 * any without a second pass). Returns the number of rows written.
 */
export async function copyPartitioned(
  duck: DuckDb,
  select: string,
  contract: Contract,
  snapshotDate: string,
  out: string,
  options: { good?: string; rejectedTo?: string } = {},
): Promise<number> {
  const { good = 'len(__problems) = 0', rejectedTo } = options;
  const { value } = partitionExpression(contract, snapshotDate);
  const columns = contract.columns.map((c) => quoteIdent(c.name)).join(', ');
  const partition =
    rejectedTo === undefined
      ? `${value} AS __partition FROM (${select}) WHERE ${good}`
      : `CASE WHEN ${good} THEN ${value} ELSE ${quoteLiteral(rejectedTo)} END AS __partition FROM (${select})`;
  const [result] = await duck.all(
    `COPY (SELECT ${columns}, ${partition})
       TO ${quoteLiteral(out)} (FORMAT parquet, PARTITION_BY (__partition), FILENAME_PATTERN 'part', OVERWRITE true)`,
  );
  return Number(Object.values(result ?? {})[0] ?? 0);
}

/** Stores the files copyPartitioned wrote at their lake keys; returns the partitions. */
export async function uploadPartitions(
  target: OutputTarget,
  contract: Contract,
  out: string,
): Promise<string[]> {
  const { store, dataset, sourceId } = target;
  const name = contract.partition === 'snapshot' ? 'snapshot' : 'month';
  const folders = (await readdir(out).catch(() => [] as string[])).sort();
  const partitions = folders.map(
    (folder) => `${name}=${decodeURIComponent(folder.slice(folder.indexOf('=') + 1))}`,
  );
  const upload = async (i: number) => {
    const files = (await readdir(join(out, folders[i]!))).filter((f) => f.endsWith('.parquet'));
    if (files.length !== 1) {
      throw new Error(
        `Expected one Parquet file for ${partitions[i]}, the engine wrote ${files.length}`,
      );
    }
    await store.upload(
      join(out, folders[i]!, files[0]!),
      lakeKeys.curated(dataset, partitions[i]!, sourceId),
      'application/vnd.apache.parquet',
    );
  };
  // A few at a time: to S3 each upload is mostly waiting for the network.
  for (let i = 0; i < folders.length; i += UPLOADS_AT_ONCE) {
    await Promise.all(folders.slice(i, i + UPLOADS_AT_ONCE).map((_, j) => upload(i + j)));
  }
  return partitions;
}

const UPLOADS_AT_ONCE = 8;

function partitionExpression(
  contract: Contract,
  snapshotDate: string,
): { name: string; value: string } {
  if (contract.partition === 'snapshot') {
    return { name: 'snapshot', value: quoteLiteral(snapshotDate) };
  }
  if (!contract.timeColumn || !contract.columns.some((c) => c.name === contract.timeColumn)) {
    throw new ConfigError(
      `The contract of ${contract.dataset} partitions by month but names no time column among its columns`,
    );
  }
  return { name: 'month', value: `strftime(${quoteIdent(contract.timeColumn)}, '%Y-%m')` };
}
