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

  it('mixed line ends: a record with a field too many is quarantined, not cut', async () => {
    const csv =
      'id,day,amount\n' +
      ['C1,2024-01-01,1', 'C2,2024-01-02,2,9', '"C3"x,2024-01-03,3'].join('\r\n') +
      '\r\n';
    const { manifest, rejectedSample } = await lake.ingest('incoming/mixed/c.csv', csv);
    expect(manifest).toMatchObject({ rowsRead: 3, rowsCurated: 1, rowsQuarantined: 2 });
    expect(manifest.warnings).toEqual([
      'line ends were mixed (\\n and \\r\\n): read with every \\r\\n as \\n',
    ]);
    expect(rejectedSample.map((r) => [r.line, r.reason.split(':')[0]])).toEqual([
      [3, 'too many fields'],
      [4, 'badly quoted value'],
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

  it('malformed JSON that is not JSON Lines is a file error naming the file', async () => {
    for (const [key, text] of [
      ['incoming/jb/data.json', '[{"id":"A1"},\n{"id":]\n'],
      // Pretty-printed objects, one broken: no line is a record on its own.
      ['incoming/jb/data.jsonl', '{\n  "id": "A1"\n}\n{\n  "id":\n}\n'],
    ]) {
      const { manifest } = await lake.ingest(key!, text!);
      expect(manifest.fileError).toMatch(/^incoming\/jb\/data\.jsonl? is not readable as JSON: /);
      expect(manifest.rowsRead).toBe(0);
      expect(manifest.fileError).not.toContain(lake.workDir);
    }
  });

  it('JSON Lines with broken lines: those quarantined with their text, the others curated', async () => {
    const lines = [
      '{"id":"X1","day":"2024-01-01","amount":1}',
      '{"id":"X2","day":"2024-01-02","amount":2,',
      '',
      '[1, 2]',
      '{"id":"X3","day":"2024-01-03","amount":"oops"}',
      '{"id":"X4","day":"2024-01-04","amount":4}\r',
      ...ROWS.slice(2).map((r) => JSON.stringify(r)),
    ];
    const { manifest, rejectedSample } = await lake.ingest(
      'incoming/jm/data.jsonl',
      lines.join('\n'),
    );
    expect(manifest.fileError).toBeUndefined();
    expect(manifest).toMatchObject({ rowsRead: 63, rowsCurated: 60, rowsQuarantined: 3 });
    expect(rejectedSample).toEqual([
      {
        line: 2,
        column: '(row)',
        value: '{"id":"X2","day":"2024-01-02","amount":2,',
        reason: 'malformed JSON: the line is not one complete JSON object',
      },
      {
        line: 4,
        column: '(row)',
        value: '[1, 2]',
        reason: 'not a JSON object: each line must be one {...} record',
      },
      { line: 5, column: 'amount', value: 'oops', reason: 'not a number: "oops"' },
    ]);
    expect(await lake.curated('jm', 'id, amount', "WHERE id IN ('X1', 'X4') ORDER BY id")).toEqual([
      { id: 'X1', amount: 1 },
      { id: 'X4', amount: 4 },
    ]);
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

describe('delimiters, line ends, and gzip of each format', () => {
  const lake = useTestLake('each');
  const bad = [{ line: 3, column: 'amount', value: 'oops', reason: 'not a number: "oops"' }];

  for (const [name, key, text] of [
    ['tabs in a .txt', 'incoming/d/data.txt', CSV.replaceAll(',', '\t')],
    ['tabs in a .csv', 'incoming/d/data.csv', CSV.replaceAll(',', '\t')],
    ['pipes', 'incoming/d/data.csv', CSV.replaceAll(',', '|')],
    ['semicolons', 'incoming/d/data.csv', CSV.replaceAll(',', ';')],
    ['commas in a .tsv (the header has no tab)', 'incoming/d/data.tsv', CSV],
    ['CRLF', 'incoming/d/data.csv', CSV.replaceAll('\n', '\r\n')],
    ['CR only (old Mac exports)', 'incoming/d/data.csv', CSV.replaceAll('\n', '\r')],
  ] as const) {
    it(`${name}: every row read, the bad one on its line`, async () => {
      const { manifest, rejectedSample } = await lake.ingest(key, text);
      expect(manifest).toMatchObject({ rowsRead: 60, rowsCurated: 59, rowsQuarantined: 1 });
      expect(rejectedSample).toEqual(bad);
      expect(await lake.curated('d', 'id, day, amount', "WHERE id = 'A3'")).toEqual([
        { id: 'A3', day: '2024-03-03', amount: 2.5 },
      ]);
    });
  }

  it('CR only, with a quoted line break: the lines an editor shows', async () => {
    const text = CSV.replace('A1,', '"A\r1",').replaceAll('\n', '\r');
    const { rejectedSample } = await lake.ingest('incoming/cr/data.csv', text);
    expect(rejectedSample).toMatchObject([{ line: 4, column: 'amount', value: 'oops' }]);
  });

  const JSONL = ROWS.map((r) => JSON.stringify(r)).join('\n') + '\n';
  for (const [key, body] of [
    ['incoming/z/data.csv.gz', CSV],
    ['incoming/z/data.tsv.gz', CSV.replaceAll(',', '\t')],
    ['incoming/z/data.jsonl.gz', JSONL],
    ['incoming/z/data.json.gz', JSONL],
    // No .gz in the name: gzip is known by its first bytes.
    ['incoming/z/data.csv', CSV],
    ['incoming/z/data.jsonl', JSONL],
  ] as const) {
    it(`gzip: ${key}`, async () => {
      const { manifest, rejectedSample } = await lake.ingest(key, gzipSync(body));
      expect(manifest).toMatchObject({ rowsRead: 60, rowsCurated: 59, rowsQuarantined: 1 });
      expect(rejectedSample).toMatchObject([
        { line: key.includes('.json') ? 2 : 3, column: 'amount', value: 'oops' },
      ]);
    });
  }

  it('a .gz that is not gzip: a file error naming it', async () => {
    const { manifest } = await lake.ingest('incoming/z/data.csv.gz', CSV);
    expect(manifest).toMatchObject({ rowsRead: 0 });
    expect(manifest.fileError).toBe(
      'incoming/z/data.csv.gz is not a readable gzip file: its name ends in .gz but it is not gzip-compressed',
    );
  });

  it('not text at all: binary data, an Excel workbook (ZIP), an old .xls', async () => {
    const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 167 + 13) % 256));
    const xlsx = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), noise]);
    const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0]), noise]);
    const errors = [];
    for (const [key, body] of [
      ['incoming/x/noise.csv', noise],
      ['incoming/x/book.csv', xlsx],
      ['incoming/x/old.csv.gz', gzipSync(xls)],
    ] as const) {
      const { manifest } = await lake.ingest(key, body);
      expect(manifest).toMatchObject({ rowsRead: 0, rowsCurated: 0 });
      errors.push(manifest.fileError);
    }
    expect(errors).toEqual([
      'incoming/x/noise.csv is not a text file: it holds binary data (control bytes), not CSV text',
      'incoming/x/book.csv is a ZIP archive (an .xlsx workbook is one), not CSV, JSON or Parquet: export the sheet as CSV',
      'incoming/x/old.csv.gz is an old Office document (an .xls workbook?), not CSV, JSON or Parquet: export the sheet as CSV',
    ]);
  });

  it('a truncated gzip: a file error naming it', async () => {
    const gz = gzipSync(CSV);
    const { manifest } = await lake.ingest('incoming/z/cut.csv.gz', gz.subarray(0, 40));
    expect(manifest.fileError).toMatch(/^incoming\/z\/cut\.csv\.gz is not a readable gzip file: /);
  });
});

describe('JSON shapes', () => {
  const lake = useTestLake('each');

  it('an object wrapping the array ({"data": [...]}): its records read, said in a warning', async () => {
    const json = JSON.stringify({ count: ROWS.length, data: ROWS, next: null }, null, 2);
    const { manifest, rejectedSample } = await lake.ingest('incoming/w/export.json', json);
    expect(manifest).toMatchObject({ rowsRead: 60, rowsCurated: 59, rowsQuarantined: 1 });
    expect(manifest.warnings).toEqual([
      'the file is one JSON object: read the 60 records of its array "data"; its other keys (count, next) are ignored',
    ]);
    // Records of an array are numbered as items.
    expect(rejectedSample).toMatchObject([{ line: 2, column: 'amount', value: 'oops' }]);
    expect((await lake.catalog.getContract('w'))?.columns.map((c) => c.name)).toEqual([
      'id',
      'day',
      'amount',
    ]);
  });

  it("a wrapping object over 16 MB (DuckDB's default object limit), gzipped", async () => {
    const records = Array.from({ length: 8_000 }, (_, i) => ({
      id: `R${i}`,
      note: 'x'.repeat(2_100),
      amount: i % 100,
    }));
    const json = JSON.stringify({ records });
    expect(json.length).toBeGreaterThan(16 * 2 ** 20);
    const { manifest } = await lake.ingest('incoming/wb/export.json.gz', gzipSync(json));
    expect(manifest).toMatchObject({ rowsRead: 8_000, rowsCurated: 8_000 });
    expect(manifest.warnings?.[0]).toMatch(/read the 8000 records of its array "records"$/);
  });

  it('a single object without an array of records is one row', async () => {
    const { manifest } = await lake.ingest(
      'incoming/one/a.json',
      JSON.stringify({ id: 'A1', tags: [1, 2], where: { city: 'Lyon' } }),
    );
    expect(manifest).toMatchObject({ rowsRead: 1, rowsCurated: 1 });
    expect(manifest.warnings ?? []).not.toContainEqual(expect.stringMatching(/JSON object/));
    expect(await lake.curated('one', 'tags, "where"')).toEqual([
      { tags: '[1,2]', where: '{"city":"Lyon"}' },
    ]);
  });
});

describe('Parquet from other tools', () => {
  const lake = useTestLake('each');

  const writeParquet = async (select: string, name = 'in.parquet') => {
    const local = join(lake.workDir, name);
    await lake.duck.run(`COPY (${select}) TO '${local}' (FORMAT parquet)`);
    return readFile(local);
  };
  const TYPED = `SELECT 'P' || i AS id, CAST(i * 1.25 AS DECIMAL(18, 2)) AS price,
      TIMESTAMPTZ '2024-03-01 10:30:00+02' + INTERVAL (i) HOUR AS sold_at,
      ['north', 'south', 'east'][1 + i % 3] AS region
    FROM range(30) t(i)`;

  it('DECIMAL, TIMESTAMP WITH TIME ZONE (as UTC), dictionary-encoded strings', async () => {
    const bytes = await writeParquet(TYPED);
    // The fixture is what it claims: region is dictionary-encoded, price a DECIMAL.
    const meta = await lake.duck.all(
      `SELECT path_in_schema AS col, encodings FROM parquet_metadata('${join(lake.workDir, 'in.parquet')}')`,
    );
    expect(meta.find((m) => m['col'] === 'region')?.['encodings']).toMatch(/DICTIONARY/);
    const { manifest } = await lake.ingest('incoming/pq/sales.parquet', bytes);
    expect(manifest).toMatchObject({ rowsRead: 30, rowsCurated: 30 });
    expect((await lake.catalog.getContract('pq'))?.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'string'],
      ['price', 'double'],
      ['sold_at', 'timestamp'],
      ['region', 'string'],
    ]);
    const [row] = await lake.curated(
      'pq',
      "price, strftime(sold_at, '%Y-%m-%d %H:%M') AS sold_at, region",
      "WHERE id = 'P2'",
    );
    expect(row).toEqual({ price: 2.5, sold_at: '2024-03-01 10:30', region: 'east' });
  });

  it('gzipped (.parquet.gz), and known by its magic bytes whatever its name', async () => {
    const bytes = await writeParquet(TYPED);
    const gz = await lake.ingest('incoming/pz/sales.parquet.gz', gzipSync(bytes));
    expect(gz.manifest).toMatchObject({ rowsRead: 30, rowsCurated: 30 });
    const renamed = await lake.ingest('incoming/pn/export.dat', bytes);
    expect(renamed.manifest).toMatchObject({ rowsRead: 30, rowsCurated: 30 });
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
