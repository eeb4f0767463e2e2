import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testLake, type TestLake } from './lake.ts';

describe('schema evolution of an inferred contract', () => {
  let lake: TestLake;
  beforeAll(async () => {
    lake = await testLake();
    await lake.ingest(
      'incoming/orders/a.csv',
      'order_id,order_date,amount\nA1,2024-01-02,10\nA2,2024-01-03,12\n',
    );
  });
  afterAll(() => lake.close());

  it('a new column is added to the contract as optional, and curated', async () => {
    const { manifest } = await lake.ingest(
      'incoming/orders/b.csv',
      'order_id,order_date,amount,coupon\nB1,2024-01-04,11,SPRING\n',
    );
    expect(manifest).toMatchObject({ rowsRead: 1, rowsCurated: 1, contractVersion: 2 });
    expect(manifest.ignoredColumns).toBeUndefined();
    expect(manifest.warnings).toEqual([
      'contract version 2: new column coupon (string, optional) added',
    ]);
    const contract = await lake.catalog.getContract('orders');
    expect(contract?.version).toBe(2);
    expect(contract?.columns.find((c) => c.name === 'coupon')).toMatchObject({
      type: 'string',
      nullable: true,
    });
    const rows = await lake.curated('orders', 'order_id, coupon', 'ORDER BY order_id');
    expect(rows).toEqual([
      { order_id: 'A1', coupon: null },
      { order_id: 'A2', coupon: null },
      { order_id: 'B1', coupon: 'SPRING' },
    ]);
  });

  it('a file without the new optional column is still accepted', async () => {
    const { manifest } = await lake.ingest(
      'incoming/orders/c.csv',
      'order_id,order_date,amount\nC1,2024-01-05,9\n',
    );
    expect(manifest).toMatchObject({ rowsCurated: 1, contractVersion: 2 });
    expect(manifest.warnings).toBeUndefined();
  });

  it('a missing required column quarantines the whole file with one clear error', async () => {
    const { manifest } = await lake.ingest(
      'incoming/orders/d.csv',
      'order_id,order_date\nD1,2024-01-06\nD2,2024-01-06\n',
    );
    expect(manifest.fileError).toBe(
      'incoming/orders/d.csv: required column amount is missing (the file has: order_id, order_date)',
    );
    expect(manifest).toMatchObject({ rowsRead: 2, rowsCurated: 0, rowsQuarantined: 2 });
  });

  it('a type change rejects the rows that do not fit, and only those', async () => {
    const { manifest, rejectedSample } = await lake.ingest(
      'incoming/orders/e.csv',
      'order_id,order_date,amount\nE1,2024-01-07,8\nE2,2024-01-07,eight\n',
    );
    expect(manifest).toMatchObject({ rowsCurated: 1, rowsQuarantined: 1, contractVersion: 2 });
    expect(rejectedSample).toEqual([
      { line: 3, column: 'amount', value: 'eight', reason: 'not a number: "eight"' },
    ]);
  });
});
