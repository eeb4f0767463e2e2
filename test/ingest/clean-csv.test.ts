import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contract } from '#platform/ports.ts';
import type { IngestResult } from '#ingest/ingest.ts';
import { testLake, useTestLake, type TestLake } from './lake.ts';

/** 40 web orders with one column of each type and role; every value is valid. */
function webOrdersCsv(): string {
  const lines = [
    'Order ID,Ordered At,Customer Email,Phone,Amount ($),Units,Is Gift,Region,Note,Zip,Month',
  ];
  const regions = ['north', 'south', 'east', 'west'];
  for (let i = 1; i <= 40; i += 1) {
    const month = 1 + (i % 3);
    const day = String(1 + (i % 27)).padStart(2, '0');
    lines.push(
      [
        `W${String(i).padStart(3, '0')}`,
        `2024-0${month}-${day}T${String(i % 24).padStart(2, '0')}:15:00`,
        `buyer${i}@example.com`,
        `+1 555-010-${String(1000 + i)}`,
        (i * 3.25).toFixed(2),
        String(1 + (i % 5)),
        i % 4 === 0 ? 'yes' : 'no',
        regions[i % 4],
        i % 5 === 0 ? '' : `"note, number ${i}"`,
        `0${2100 + i}`,
        `2024-0${month}`,
      ].join(','),
    );
  }
  // The offset is converted: 23:30 at UTC-2 on 31 January is 01:30 UTC on 1 February.
  lines.push(
    'W041,2024-01-31T23:30:00-02:00,late@example.com,+1 555-010-2041,10.00,1,no,north,,02141,2024-01',
  );
  return lines.join('\n') + '\n';
}

describe('a clean CSV on first sight', () => {
  let lake: TestLake;
  let result: IngestResult;
  let contract: Contract | undefined;

  beforeAll(async () => {
    lake = await testLake();
    result = await lake.ingest('incoming/web_orders/2024-q1.csv', webOrdersCsv());
    contract = await lake.catalog.getContract('web_orders');
  });
  afterAll(() => lake.close());

  it('infers and keeps the contract: types, roles, nullability', () => {
    expect(contract).toEqual({
      dataset: 'web_orders',
      version: 1,
      kind: 'events',
      columns: [
        { name: 'order_id', type: 'string', role: 'id', nullable: false },
        { name: 'ordered_at', type: 'timestamp', role: 'time', nullable: false },
        { name: 'customer_email', type: 'string', role: 'pii', nullable: true },
        { name: 'phone', type: 'string', role: 'pii', nullable: true },
        { name: 'amount', type: 'double', role: 'measure', nullable: true },
        // A count, never negative here: a minimum of 0 from now on.
        { name: 'units', type: 'integer', role: 'measure', nullable: true, checks: { min: 0 } },
        { name: 'is_gift', type: 'boolean', role: 'dimension', nullable: true },
        { name: 'region', type: 'string', role: 'dimension', nullable: true },
        { name: 'note', type: 'string', role: 'text', nullable: true },
        // Leading zeros: a code, not a number.
        { name: 'zip', type: 'string', role: 'text', nullable: true },
        // `Month` would be shadowed by the partition folder `month=`: renamed.
        { name: 'month_value', type: 'date', role: 'time', nullable: false },
      ],
      primaryKey: 'order_id',
      timeColumn: 'ordered_at',
      partition: 'month',
      source: 'inferred',
    });
  });

  it('curates every row, nothing quarantined', () => {
    expect(result.manifest).toMatchObject({
      dataset: 'web_orders',
      sourceKey: 'incoming/web_orders/2024-q1.csv',
      contractVersion: 1,
      rowsRead: 41,
      rowsCurated: 41,
      rowsQuarantined: 0,
      rejections: [],
      partitions: ['month=2024-01', 'month=2024-02', 'month=2024-03'],
      ingestedAt: '2025-01-15T10:00:00.000Z',
    });
    expect(result.manifest.sourceId).toMatch(/^[0-9a-f]{16}$/);
    expect(result.manifest.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(result.manifest.fileError).toBeUndefined();
    expect(result.rejectedSample).toEqual([]);
  });

  it('writes Parquet that the lake glob reads with hive partitioning, each column once', async () => {
    const described = await lake.duck.all(
      `DESCRIBE SELECT * FROM read_parquet('${lake.root}/curated/web_orders/**/*.parquet', hive_partitioning = true)`,
    );
    expect(described.map((d) => [d['column_name'], d['column_type']])).toEqual([
      ['order_id', 'VARCHAR'],
      ['ordered_at', 'TIMESTAMP'],
      ['customer_email', 'VARCHAR'],
      ['phone', 'VARCHAR'],
      ['amount', 'DOUBLE'],
      ['units', 'BIGINT'],
      ['is_gift', 'BOOLEAN'],
      ['region', 'VARCHAR'],
      ['note', 'VARCHAR'],
      ['zip', 'VARCHAR'],
      ['month_value', 'DATE'],
      ['month', 'VARCHAR'],
    ]);
    const byMonth = await lake.curated(
      'web_orders',
      `month, count(*) AS n, bool_and(strftime(ordered_at, '%Y-%m') = month) AS consistent`,
      'GROUP BY month',
    );
    expect(byMonth.sort((a, b) => String(a['month']).localeCompare(String(b['month'])))).toEqual([
      { month: '2024-01', n: 13, consistent: true },
      { month: '2024-02', n: 15, consistent: true },
      { month: '2024-03', n: 13, consistent: true },
    ]);
  });

  it('casts values: UTC timestamps, decimals, booleans, empty text as null, codes kept as text', async () => {
    const [late] = await lake.curated(
      'web_orders',
      'ordered_at, month, zip, note, is_gift, amount',
      "WHERE order_id = 'W041'",
    );
    expect(late).toEqual({
      ordered_at: '2024-02-01T01:30:00',
      month: '2024-02',
      zip: '02141',
      note: null,
      is_gift: false,
      amount: 10,
    });
    const [fourth] = await lake.curated('web_orders', '*', "WHERE order_id = 'W004'");
    expect(fourth).toMatchObject({
      amount: 13,
      units: 5,
      is_gift: true,
      note: 'note, number 4',
      month_value: '2024-02-01',
      month: '2024-02',
    });
  });

  it('keeps rows in file order inside each partition file', async () => {
    const m = result.manifest;
    const rows = await lake.duck.all(
      `SELECT order_id FROM read_parquet('${lake.root}/curated/web_orders/month=2024-03/${m.sourceId}.parquet')`,
    );
    const ids = rows.map((r) => String(r['order_id']));
    expect(ids).toEqual([...ids].sort());
    expect(ids).toHaveLength(13);
  });

  it('leaves the raw file as it was', async () => {
    expect(await lake.store.getText('incoming/web_orders/2024-q1.csv')).toBe(webOrdersCsv());
  });
});

describe('kinds and partitions of the demo shapes', () => {
  const lake = useTestLake();

  it('entities get a snapshot partition named by the clock date', async () => {
    const csv =
      'customer_id,company_name,industry,signup_date,lifetime_value\n' +
      Array.from(
        { length: 30 },
        (_, i) =>
          `C${100 + i},Company ${i},${['retail', 'tech', 'health'][i % 3]},2023-0${1 + (i % 9)}-01,${1000 + i * 10}.5`,
      ).join('\n') +
      '\n';
    const { manifest } = await lake.ingest('incoming/customer_profiles/customers.csv', csv);
    const contract = await lake.catalog.getContract('customer_profiles');
    expect(contract).toMatchObject({
      kind: 'entities',
      partition: 'snapshot',
      primaryKey: 'customer_id',
      timeColumn: 'signup_date',
    });
    expect(manifest.partitions).toEqual(['snapshot=2025-01-15']);
    const rows = await lake.curated('customer_profiles', 'count(*) AS n, min(snapshot) AS s');
    expect(rows).toEqual([{ n: 30, s: '2025-01-15' }]);
  });

  it('one row per date is a time series', async () => {
    const csv =
      'date,revenue,visitors\n' +
      Array.from({ length: 70 }, (_, i) => {
        const d = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
        return `${d},${(100 + i).toFixed(2)},${10 + i}`;
      }).join('\n');
    const { manifest } = await lake.ingest('incoming/daily_metrics/daily.csv', csv);
    expect(await lake.catalog.getContract('daily_metrics')).toMatchObject({
      kind: 'time_series',
      partition: 'month',
      timeColumn: 'date',
    });
    expect(manifest.partitions).toEqual(['month=2024-01', 'month=2024-02', 'month=2024-03']);
  });

  it('a table without a time column is entities', async () => {
    await lake.ingest(
      'incoming/product_information/products.csv',
      'product_id,name,price\nP1,Chair,10.5\nP2,Desk,99\nP3,Lamp,12.25\n',
    );
    expect(await lake.catalog.getContract('product_information')).toMatchObject({
      kind: 'entities',
      partition: 'snapshot',
      primaryKey: 'product_id',
    });
  });
});
