import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testLake, type TestLake } from './lake.ts';

/**
 * A clean CSV goes the fast way (fast-csv.ts: one pass, no table of its text); any doubt
 * sends it the full way (every value loaded as text, every bad row quarantined). Both give
 * the same lake; these tests pin down which way each file went, so that the fast path
 * cannot quietly stop being taken.
 */
describe('the fast path of a clean CSV', () => {
  let lake: TestLake;
  const statements: string[] = [];
  beforeAll(async () => {
    lake = await testLake();
    const run = lake.duck.run.bind(lake.duck);
    lake.duck.run = (sql: string) => {
      statements.push(sql);
      return run(sql);
    };
    await lake.ingest('incoming/orders/a.csv', 'order_id,order_date,amount\nA1,2024-01-02,10.5\n');
  });
  afterAll(() => lake.close());

  const wentFullWay = () => statements.some((s) => /_source" AS SELECT/.test(s));
  const ingest = async (name: string, body: string) => {
    statements.length = 0;
    const result = await lake.ingest(`incoming/orders/${name}`, body);
    return { ...result, full: wentFullWay() };
  };

  it('takes a clean file in one pass', async () => {
    const r = await ingest(
      'b.csv',
      'order_id,order_date,amount\nB1,2024-01-03,11\nB2,2024-02-01,12.25\n',
    );
    expect(r.full).toBe(false);
    expect(r.manifest).toMatchObject({ rowsRead: 2, rowsCurated: 2, rowsQuarantined: 0 });
    expect(r.manifest.partitions).toEqual(['month=2024-01', 'month=2024-02']);
  });

  it('takes quoted line breaks and blank lines in its stride', async () => {
    const r = await ingest(
      'breaks.csv',
      'order_id,order_date,amount\n"F\n1",2024-01-03,1\n\nF2,2024-01-04,2\n',
    );
    expect(r.full).toBe(false);
    expect(r.manifest).toMatchObject({ rowsRead: 2, rowsCurated: 2, rowsQuarantined: 0 });
    expect(await lake.curated('orders', 'order_id', "WHERE order_id LIKE 'F%' ORDER BY 1")).toEqual(
      [{ order_id: 'F\n1' }, { order_id: 'F2' }],
    );
  });

  it.each([
    ['a bad value', 'order_id,order_date,amount\nC1,2024-01-03,x\nC2,2024-01-04,1\n', 1],
    ['a repeated key', 'order_id,order_date,amount\nD1,2024-01-03,1\nD1,2024-01-04,2\n', 1],
    ['a ragged row', 'order_id,order_date,amount\nE1,2024-01-03,1,9\nE2,2024-01-04,2\n', 1],
    ['a missing date', 'order_id,order_date,amount\nG1,,1\nG2,2024-01-04,2\n', 1],
    ['a formatted number', 'order_id,order_date,amount\nH1,2024-01-03,"$1,000"\n', 0],
  ])(
    'gives way to the full path on %s, which quarantines what is wrong',
    async (what, body, bad) => {
      const r = await ingest(`${what.replaceAll(' ', '-')}.csv`, body);
      expect(r.full).toBe(true);
      expect(r.manifest.rowsQuarantined).toBe(bad);
      expect(r.manifest.rowsRead).toBe(r.manifest.rowsCurated + r.manifest.rowsQuarantined);
      // Nothing the fast pass wrote is left behind.
      const curated = await lake.store.list('curated/orders/');
      const sources = new Set(curated.map((o) => o.key.split('/').at(-1)));
      const manifests = await lake.store.list('manifests/orders/');
      expect(sources.size).toBe(
        manifests.filter((m) => !m.key.includes(r.manifest.sourceId)).length +
          (r.manifest.rowsCurated > 0 ? 1 : 0),
      );
    },
  );
});
