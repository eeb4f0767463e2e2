/**
 * One measured ingest, in its own process so that its peak RSS is its own:
 * `ingest-child.ts ours|baseline <csv> <work-dir>`. Prints one JSON line:
 * `{ ms, maxRssMb, rows }`. Process start and DuckDB's first open are not timed.
 */
import { join } from 'node:path';
import { ingestObject } from '#ingest/ingest.ts';
import { openDuckDb } from '#platform/duckdb/duckdb.ts';
import { localRuntime } from '#platform/local/runtime.ts';
import { quoteLiteral } from '#query/sql.ts';

const [mode, csv, work] = process.argv.slice(2) as [string, string, string];

async function baseline(): Promise<{ ms: number; rows: number }> {
  const duck = await openDuckDb({ tempDirectory: join(work, 'duckdb') });
  const t = performance.now();
  await duck.run(
    `COPY (SELECT *, strftime(transaction_date, '%Y-%m') AS month FROM read_csv(${quoteLiteral(csv)}))
     TO ${quoteLiteral(join(work, 'out'))} (FORMAT parquet, PARTITION_BY (month))`,
  );
  const ms = performance.now() - t;
  const [{ n }] = (await duck.all(
    `SELECT count(*) AS n FROM read_parquet(${quoteLiteral(join(work, 'out', '**', '*.parquet'))})`,
  )) as [{ n: number }];
  duck.close();
  return { ms, rows: n };
}

async function ours(): Promise<{ ms: number; rows: number }> {
  const lake = join(work, 'lake');
  const key = 'incoming/sales_transactions/transactions.csv';
  // Uploaded untimed, as a file lands in the bucket before ingest starts (the local store
  // computes the object's ETag then, as S3 does on upload).
  const runtime = await localRuntime({ lake });
  try {
    await runtime.store.upload(csv, key);
    const duck = await runtime.duck();
    const t = performance.now();
    const { manifest } = await ingestObject(
      {
        store: runtime.store,
        catalog: runtime.catalog,
        duck,
        clock: runtime.clock,
        workDir: runtime.workDir,
      },
      { key },
    );
    const ms = performance.now() - t;
    if (manifest.fileError || manifest.rowsCurated !== manifest.rowsRead) {
      throw new Error(`ingest did not curate every row: ${JSON.stringify(manifest).slice(0, 400)}`);
    }
    return { ms, rows: manifest.rowsCurated };
  } finally {
    runtime.close();
  }
}

const result = mode === 'baseline' ? await baseline() : await ours();
console.log(
  JSON.stringify({ ...result, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }),
);
