import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDb } from '#platform/duckdb/duckdb.ts';
import { quoteLiteral } from '#query/sql.ts';
import { lakeCatalog } from '#platform/lake-catalog.ts';
import { fsBlobStore } from '#platform/local/fs-blob-store.ts';
import type { Manifest } from '#platform/ports.ts';
import { ORDERS } from './contracts.ts';

/**
 * A lake with one small events dataset written directly (not through ingest), so the
 * workflow can be tested on its own: 65 daily orders from 2024-01-01 to 2024-03-05 with one huge order.
 */
export async function smallLake(): Promise<{ root: string; hugeOrderId: string }> {
  const root = await mkdtemp(join(tmpdir(), 'insights-lake-'));
  const store = fsBlobStore(root);
  const contract = ORDERS;
  await lakeCatalog(store).putContract(contract);
  const duck = await openDuckDb();
  const out = join(root, 'curated', 'orders');
  await mkdir(out, { recursive: true });
  await duck.run(
    `COPY (SELECT printf('O%03d', i) AS order_id, DATE '2024-01-01' + CAST(i AS INTEGER) AS order_date,
       CASE WHEN i = 17 THEN 5000.0 ELSE 100.0 + (i % 7) END AS amount,
       strftime(DATE '2024-01-01' + CAST(i AS INTEGER), '%Y-%m') AS month
     FROM range(0, 65) t(i))
     TO ${quoteLiteral(out)} (FORMAT parquet, PARTITION_BY (month), FILENAME_PATTERN 'src')`,
  );
  duck.close();
  const manifest: Manifest = {
    dataset: 'orders',
    sourceId: 'src',
    sourceKey: 'incoming/orders/orders.csv',
    sourceEtag: 'e',
    checksum: 'c',
    contractVersion: 1,
    rowsRead: 66,
    rowsCurated: 65,
    rowsQuarantined: 1,
    rejections: [{ column: 'amount', reason: 'not a number', rows: 1 }],
    partitions: ['month=2024-01', 'month=2024-02', 'month=2024-03'],
    ingestedAt: '2024-03-01T00:00:00.000Z',
  };
  await store.put('manifests/orders/src.json', JSON.stringify(manifest));
  await store.put(
    'quarantine/orders/src.jsonl',
    JSON.stringify({
      line: 9,
      values: { order_id: 'O999', order_date: '2024-01-08', amount: 'lots' },
      reasons: [{ column: 'amount', reason: 'not a number: "lots"' }],
    }) + '\n',
  );
  return { root, hugeOrderId: 'O017' };
}
