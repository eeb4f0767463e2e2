import { describe, expect, it } from 'vitest';
import { useTestLake } from './lake.ts';

/** Sales over three months, one bad amount on line 4 (so that a quarantine file exists). */
function salesV1(): string {
  const lines = ['sale_id,sold_on,store_id,amount'];
  for (let i = 0; i < 90; i += 1) {
    const day = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
    lines.push(
      `S${1000 + i},${day},${['A', 'B', 'C'][i % 3]},${i === 2 ? 'lots' : (10 + i).toFixed(2)}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** The corrected file: the same sales with the bad amount fixed, and only Feb-Apr. */
function salesV2(): string {
  const lines = ['sale_id,sold_on,store_id,amount'];
  for (let i = 31; i < 120; i += 1) {
    const day = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
    lines.push(`S${1000 + i},${day},${['A', 'B', 'C'][i % 3]},${(20 + i).toFixed(2)}`);
  }
  return lines.join('\n') + '\n';
}

const KEY = 'incoming/store_sales/sales.csv';

describe('versions of a source file', () => {
  const lake = useTestLake('each');

  it('re-ingesting the same file leaves the lake byte for byte unchanged, even a day later', async () => {
    const first = await lake.ingest(KEY, salesV1());
    expect(first.manifest.rowsQuarantined).toBe(1);
    const before = await lake.snapshot();
    expect(Object.keys(before).filter((k) => k.startsWith('curated/'))).toHaveLength(3);

    const again = await lake.ingest(KEY, salesV1());
    expect(await lake.snapshot()).toEqual(before);
    expect(again.manifest).toEqual(first.manifest);

    lake.clock.set('2025-01-16T08:00:00.000Z');
    await lake.ingest(KEY, salesV1());
    expect(await lake.snapshot()).toEqual(before);
    expect(await lake.curated('store_sales', 'count(*) AS n')).toEqual([{ n: 89 }]);
  });

  it('a new version of the key replaces the rows of the old', async () => {
    const v1 = (await lake.ingest(KEY, salesV1())).manifest;
    lake.clock.set('2025-02-01T00:00:00.000Z');
    const v2 = (await lake.ingest(KEY, salesV2())).manifest;

    expect(v2.sourceId).not.toBe(v1.sourceId);
    expect(v2.ingestedAt).toBe('2025-02-01T00:00:00.000Z');
    const objects = Object.keys(await lake.snapshot());
    expect(objects.filter((k) => k.includes(v1.sourceId))).toEqual([]);
    expect(objects.filter((k) => !k.startsWith('incoming/') && !k.startsWith('catalog/'))).toEqual([
      `curated/store_sales/month=2024-02/${v2.sourceId}.parquet`,
      `curated/store_sales/month=2024-03/${v2.sourceId}.parquet`,
      `curated/store_sales/month=2024-04/${v2.sourceId}.parquet`,
      `manifests/store_sales/${v2.sourceId}.json`,
    ]);
    expect(
      await lake.curated(
        'store_sales',
        'count(*) AS n, min(sale_id) AS first, sum(amount) AS total',
      ),
    ).toEqual([
      {
        n: 89,
        first: 'S1031',
        total: Array.from({ length: 89 }, (_, i) => 51 + i).reduce((a, b) => a + b, 0),
      },
    ]);
  });

  it('another file of the same dataset adds to it and replaces nothing', async () => {
    await lake.ingest(KEY, salesV1());
    await lake.ingest(
      'incoming/store_sales/sales-may.csv',
      'sale_id,sold_on,store_id,amount\nS2000,2024-05-02,A,5.00\n',
    );
    expect(await lake.curated('store_sales', 'count(*) AS n')).toEqual([{ n: 90 }]);
  });

  it('never modifies or deletes raw files', async () => {
    await lake.ingest(KEY, salesV1());
    await lake.ingest('incoming/store_sales/empty.csv', '');
    const raw = await lake.snapshot('incoming/');
    await lake.ingest(KEY, salesV1());
    await lake.ingest('incoming/store_sales/empty.csv', '');
    expect(await lake.snapshot('incoming/')).toEqual(raw);
    expect(await lake.store.getText(KEY)).toBe(salesV1());
  });

  it('names a dataset from its folder as an identifier, refuses a bad name given, and a missing object', async () => {
    const { manifest } = await lake.ingest('incoming/Store Sales/x.csv', 'a\n1\n');
    expect(manifest.dataset).toBe('store_sales');
    await expect(
      lake.ingest('incoming/ok/x.csv', 'a\n1\n', 'x; DROP TABLE y'),
    ).rejects.toMatchObject({ name: 'InputRejectedError' });
    await lake.store.delete('incoming/ok/x.csv');
    const { ingestObject } = await import('#ingest/ingest.ts');
    await expect(
      ingestObject(
        {
          store: lake.store,
          catalog: lake.catalog,
          duck: lake.duck,
          clock: lake.clock,
          workDir: lake.workDir,
        },
        { key: 'incoming/ok/missing.csv' },
      ),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});
