import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testLake, type TestLake } from './lake.ts';

describe('a later upload with a column the contract lacks', () => {
  let lake: TestLake;
  beforeAll(async () => {
    lake = await testLake();
    await lake.ingest(
      'incoming/orders/a.csv',
      'order_id,order_date,amount\nA1,2024-01-02,10\nA2,2024-01-03,12\n',
    );
  });
  afterAll(() => lake.close());

  it('curates the known columns and records the new one in the manifest', async () => {
    const { manifest } = await lake.ingest(
      'incoming/orders/b.csv',
      'order_id,order_date,amount,coupon\nB1,2024-01-04,11,SPRING\n',
    );
    expect(manifest).toMatchObject({
      rowsRead: 1,
      rowsCurated: 1,
      rowsQuarantined: 0,
      ignoredColumns: ['coupon'],
    });
    const rows = await lake.curated('orders', '*', "WHERE order_id = 'B1'");
    expect(Object.keys(rows[0]!)).not.toContain('coupon');
  });

  it('says nothing when the file matches its contract', async () => {
    const { manifest } = await lake.ingest(
      'incoming/orders/c.csv',
      'order_id,order_date,amount\nC1,2024-01-05,9\n',
    );
    expect(manifest.ignoredColumns).toBeUndefined();
  });
});
