import { gzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetFromKey } from '#ingest/ingest.ts';
import { useTestLake } from './lake.ts';

/** 60 rows, the second (line 3) with a bad amount: 1 in 60 keeps `amount` a number. */
const ROWS = Array.from({ length: 60 }, (_, i) => ({
  id: `A${i + 1}`,
  day: `2024-0${1 + (i % 3)}-${String(1 + (i % 28)).padStart(2, '0')}`,
  amount: i === 1 ? 'oops' : i + 0.5,
}));
const CSV = `id,day,amount\n${ROWS.map((r) => `${r.id},${r.day},${r.amount}`).join('\n')}\n`;

describe('file formats', () => {
  const lake = useTestLake('each');

  it('gzip CSV: read through, checksum of the raw (compressed) bytes', async () => {
    const gz = gzipSync(CSV);
    const { manifest, rejectedSample } = await lake.ingest('incoming/g/data.csv.gz', gz);
    expect(manifest).toMatchObject({ rowsRead: 60, rowsCurated: 59, rowsQuarantined: 1 });
    expect(rejectedSample).toEqual([
      { line: 3, column: 'amount', value: 'oops', reason: 'not a number: "oops"' },
    ]);
    const { createHash } = await import('node:crypto');
    expect(manifest.checksum).toBe(createHash('sha256').update(gz).digest('hex'));
  });

  it('TSV', async () => {
    const { manifest, rejectedSample } = await lake.ingest(
      'incoming/t/data.tsv',
      CSV.replaceAll(',', '\t'),
    );
    expect(manifest).toMatchObject({ rowsRead: 60, rowsCurated: 59 });
    expect(rejectedSample[0]).toMatchObject({ line: 3, column: 'amount' });
  });

  it('CSV with mixed line ends (a \\n header above \\r\\n rows, as after concatenating)', async () => {
    const csv =
      'id,day,amount\n' +
      ['B1,2024-01-01,1.5', 'B2,2024-01-02,x', 'B3,2024-01-03,2'].join('\r\n') +
      '\r\n';
    await lake.ingest(
      'incoming/mixed/a.csv',
      'id,day,amount\nA1,2023-12-31,3.25\nA2,2023-12-30,4\n',
    );
    const { manifest, rejectedSample } = await lake.ingest('incoming/mixed/m.csv', csv);
    expect(manifest).toMatchObject({ rowsRead: 3, rowsCurated: 2, rowsQuarantined: 1 });
    expect(rejectedSample).toMatchObject([{ line: 3, column: 'amount', value: 'x' }]);
    expect(await lake.curated('mixed', 'id, amount', "WHERE id LIKE 'B%' ORDER BY id")).toEqual([
      { id: 'B1', amount: 1.5 },
      { id: 'B3', amount: 2 },
    ]);
  });

  it('JSON Lines: the line a bad record stands on, blank lines counted', async () => {
    const jsonl = ['', '{"k":"A1","v":1}', '', '{"k":"A2","v":"x"}', '{"k":"A3","v":3}', ''].join(
      '\n',
    );
    const first = await lake.ingest('incoming/jl/a.jsonl', '{"k":"A0","v":1}\n{"k":"A9","v":2}\n');
    expect(first.manifest.rowsCurated).toBe(2);
    const { manifest, rejectedSample } = await lake.ingest('incoming/jl/b.jsonl', jsonl);
    expect(manifest).toMatchObject({ rowsRead: 3, rowsCurated: 2, rowsQuarantined: 1 });
    expect(rejectedSample).toMatchObject([{ line: 4, column: 'v' }]);
  });

  it('JSON Lines: values as text, each record on its line', async () => {
    const jsonl =
      ROWS.map((r, i) => JSON.stringify(i === 0 ? { ...r, tags: { a: 1 } } : r)).join('\n') + '\n';
    const { manifest, rejectedSample } = await lake.ingest('incoming/j/data.jsonl', jsonl);
    expect(manifest).toMatchObject({ rowsRead: 60, rowsCurated: 59, rowsQuarantined: 1 });
    expect(rejectedSample).toEqual([
      { line: 2, column: 'amount', value: 'oops', reason: 'not a number: "oops"' },
    ]);
    const contract = await lake.catalog.getContract('j');
    expect(contract?.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'string'],
      ['day', 'date'],
      ['amount', 'double'],
      ['tags', 'string'],
    ]);
    expect(await lake.curated('j', 'id, tags', "WHERE id IN ('A1', 'A3') ORDER BY id")).toEqual([
      { id: 'A1', tags: '{"a":1}' },
      { id: 'A3', tags: null },
    ]);
  });

  it('a JSON array of objects, gzipped', async () => {
    const json = JSON.stringify([
      { id: 'A1', day: '2024-01-01', amount: 1 },
      { id: 'A2', day: '2024-01-05', amount: 2.5 },
    ]);
    const { manifest } = await lake.ingest('incoming/ja/data.json.gz', gzipSync(json));
    expect(manifest).toMatchObject({ rowsRead: 2, rowsCurated: 2, partitions: expect.any(Array) });
  });

  it('malformed JSON is a file error naming the file', async () => {
    const { manifest } = await lake.ingest('incoming/jb/data.jsonl', '{"id":"A1"}\n{"id":\n');
    expect(manifest.fileError).toMatch(/^incoming\/jb\/data\.jsonl is not readable as JSON: /);
    expect(manifest.rowsRead).toBe(0);
    expect(manifest.fileError).not.toContain(lake.workDir);
  });

  it('Parquet in, values as text, then typed by the contract', async () => {
    const local = join(lake.workDir, 'in.parquet');
    await lake.duck.run(
      `COPY (SELECT 'P' || i AS product_id, i * 1.25 AS price, DATE '2024-01-01' + CAST(i AS INT) AS launched FROM range(5) t(i)) TO '${local}' (FORMAT parquet)`,
    );
    const { manifest } = await lake.ingest('incoming/p/products.parquet', await readFile(local));
    expect(manifest).toMatchObject({ rowsRead: 5, rowsCurated: 5 });
    expect(
      (await lake.catalog.getContract('p'))?.columns.map((c) => [c.name, c.type, c.role]),
    ).toEqual([
      ['product_id', 'string', 'id'],
      ['price', 'double', 'measure'],
      ['launched', 'date', 'time'],
    ]);
  });
});

describe('datasetFromKey', () => {
  it('takes the folder below incoming/, else the file name', () => {
    expect(datasetFromKey('incoming/sales_transactions/sales.csv')).toBe('sales_transactions');
    expect(datasetFromKey('incoming/sales/2024/01.csv')).toBe('sales');
    expect(datasetFromKey('exports/Daily Sales Metrics.csv.gz')).toBe('daily_sales_metrics');
    expect(datasetFromKey('2024 Orders.csv')).toBe('_2024_orders');
    expect(datasetFromKey('incoming/My Sales/x.csv')).toBe('my_sales');
    expect(datasetFromKey('/home/me/My Sales/2024/01.csv')).toBe('my_sales');
    expect(datasetFromKey('/data/sales/2024-01.csv')).toBe('sales');
  });
});

describe('SQL hygiene', () => {
  const lake = useTestLake('each');

  it('headers and values with quotes, semicolons and SQL in them are data, not SQL', async () => {
    const csv =
      `"id","Name""; DROP TABLE x; --","it's","amount"\n` +
      `a1,"Robert'); DROP TABLE students;--","o'clock",1\n` +
      `a2,"x","y",'2'\n`;
    const { manifest, rejectedSample } = await lake.ingest("incoming/o_brien/it's.csv", csv);
    expect(manifest.rowsRead).toBe(2);
    const contract = await lake.catalog.getContract('o_brien');
    expect(contract?.columns.map((c) => c.name)).toEqual([
      'id',
      'name_drop_table_x',
      'it_s',
      'amount',
    ]);
    const rows = await lake.curated('o_brien', 'name_drop_table_x, it_s', 'ORDER BY id');
    expect(rows[0]).toEqual({
      name_drop_table_x: "Robert'); DROP TABLE students;--",
      it_s: "o'clock",
    });
    // '2' with quotes is not a number: one bad value out of two keeps `amount` text, so no rejection.
    expect(rejectedSample).toEqual([]);
  });
});
