import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quarantineCommand, quarantineCsv } from '#cli/quarantine.ts';
import {
  csvCell,
  csvRecord,
  neutraliseFormula,
  toCsv,
  type CsvValue,
} from '#platform/csv-export.ts';
import { openDuckDb } from '#platform/duckdb/duckdb.ts';
import type { DuckDb } from '#platform/ports.ts';
import { quoteLiteral } from '#query/sql.ts';
import { useTestLake } from '../ingest/lake.ts';
import { captureIo } from '../helpers/capture-io.ts';

/** Reads a CSV file back with DuckDB's reader (RFC 4180 quoting), every value as text. */
async function readBack(duck: DuckDb, path: string) {
  return duck.all(
    `SELECT * FROM read_csv(${quoteLiteral(path)}, header = true, all_varchar = true,
       delim = ',', quote = '"', escape = '"')`,
  );
}

describe('csv-export', () => {
  let duck: DuckDb;
  let dir: string;
  beforeAll(async () => {
    duck = await openDuckDb();
    dir = await mkdtemp(join(tmpdir(), 'csv-export-'));
  });
  afterAll(async () => {
    duck.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('quotes as RFC 4180 has it, and ends records with CRLF', () => {
    expect(csvRecord(['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\rhere', ''])).toBe(
      'plain,"a,b","say ""hi""","two\nlines","cr\rhere",\r\n',
    );
    expect(csvRecord([null, undefined, true, false, 12n, new Date('2024-01-02T03:04:05Z')])).toBe(
      ',,true,false,12,2024-01-02T03:04:05.000Z\r\n',
    );
    expect(
      toCsv(
        ['a', 'b'],
        [
          [1, 'x'],
          [2, null],
        ],
      ),
    ).toBe('a,b\r\n1,x\r\n2,\r\n');
    expect(toCsv(['a'], [], { bom: true })).toBe('\uFEFFa\r\n');
  });

  it.each([
    ['=1+1', "'=1+1"],
    [
      '=HYPERLINK("http://evil.example","click")',
      `"'=HYPERLINK(""http://evil.example"",""click"")"`,
    ],
    ["+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"],
    ["-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"],
    ['@SUM(1+1)', "'@SUM(1+1)"],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', `"'\r=1+1"`],
    ['-', "'-"],
    ['-inf', "'-inf"],
    ['-1,5', `"'-1,5"`],
    ['-1 000', "'-1 000"],
    ['--1', "'--1"],
    ['-0x10', "'-0x10"],
  ])('neutralises the string %j as %s', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it.each([
    ['-12.50', '-12.50'],
    ['+3', '+3'],
    ['-1e5', '-1e5'],
    ['-.5', '-.5'],
    ['12', '12'],
    ['a=b', 'a=b'],
    [' =1+1', ' =1+1'],
    ['O-1', 'O-1'],
    ['me@example.com', 'me@example.com'],
  ])('leaves the string %j as %s', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('writes numbers as numbers, negative ones too; only non-finite ones are text', () => {
    expect([-5, -0.25, 0, 1e21, -3n].map(csvCell)).toEqual(['-5', '-0.25', '0', '1e+21', '-3']);
    expect([NaN, Infinity, -Infinity].map(csvCell)).toEqual(['NaN', 'Infinity', "'-Infinity"]);
  });

  it('round-trips through a CSV reader: every value back, formulas with their quote', async () => {
    const values = [
      'plain',
      'Acme, Inc.',
      '27" screen',
      'line one\r\nline two',
      'only\nLF',
      'Café ✓ 東京',
      '=1+1',
      '+cmd|x',
      '-2+3',
      '@x',
      '\ttabbed',
      '-12.50',
      "x'; DROP TABLE y; --",
      '',
    ];
    const rows: CsvValue[][] = values.map((v, i) => [i, v]);
    const path = join(dir, 'round-trip.csv');
    await writeFile(path, toCsv(['n', 'value'], rows));
    const back = await readBack(duck, path);
    expect(back.map((r) => r['value'] ?? '')).toEqual(values.map(neutraliseFormula));
    expect(back.map((r) => r['n'])).toEqual(values.map((_, i) => String(i)));
  });
});

describe('insights quarantine', () => {
  const lake = useTestLake();
  let dir: string;

  const GOOD = [
    'order_id,order_date,customer_id,amount,quantity,channel',
    'A1,2024-01-05,C1,10.50,1,web',
    'A2,2024-01-20,C2,20.00,2,store',
    'A3,2024-02-03,C1,5.25,1,web',
    'A4,2024-02-14,C3,99.99,3,web',
    'A5,2024-03-01,C2,12.00,1,store',
    'A6,2024-03-15,C1,7.75,2,web',
  ];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quarantine-cli-'));
    await lake.ingest('incoming/orders/a.csv', GOOD.join('\n') + '\n');
    const bad = [
      'order_id,order_date,customer_id,amount,quantity,channel',
      'B1,2024-04-01,C1,n/a,1,web',
      'B2,2024-04-02,=HYPERLINK("http://evil.example"),-3.00,x,web',
      'B3,2024-04-03,C3,1.00',
      ',,C4,-4.00,1,store',
      'B5,2024-04-05,C5,5.00,1,"a, b"',
    ];
    const b = await lake.ingest('incoming/orders/b.csv', bad.join('\n') + '\n');
    expect(b.manifest.rowsQuarantined).toBe(4);
    const c = await lake.ingest(
      'incoming/orders/c.csv',
      'order_id,order_date,customer_id,quantity,channel\nC1,2024-05-01,C1,1,@web\n',
    );
    expect(c.manifest.fileError).toBeDefined();
    await lake.ingest('incoming/clean/x.csv', 'id,day,v\n1,2024-01-01,1\n2,2024-01-02,2\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const EXPECTED = [
    'File,Line,Column,Reason,order_id,order_date,customer_id,amount,quantity,channel,Raw record,File problem',
    'incoming/orders/b.csv,2,amount,"not a number: ""n/a""",B1,2024-04-01,C1,n/a,1,web,,',
    `incoming/orders/b.csv,3,quantity,"not a number: ""x""",B2,2024-04-02,"'=HYPERLINK(""http://evil.example"")",-3.00,x,web,,`,
    'incoming/orders/b.csv,4,quantity,"too few fields: expected 6, found 4",,,,,,,"B3,2024-04-03,C3,1.00",',
    'incoming/orders/b.csv,5,order_id; order_date,required value is empty; required value is empty,,,C4,-4.00,1,store,,',
    `incoming/orders/c.csv,2,amount,required column is missing from the file,C1,2024-05-01,C1,,1,'@web,,"incoming/orders/c.csv: required column amount is missing (the file has: order_id, order_date, customer_id, quantity, channel)"`,
  ];

  it("exports a dataset's quarantined rows, a record per row, neutralised", async () => {
    const exported = await quarantineCsv(lake.store, 'orders');
    expect(exported.csv).toBe(EXPECTED.map((line) => `${line}\r\n`).join(''));
    expect(exported).toMatchObject({ rows: 5, files: 2 });
  });

  it('exports as many records as the manifests quarantined, each readable back', async () => {
    const path = join(dir, 'orders.csv');
    await writeFile(path, (await quarantineCsv(lake.store, 'orders')).csv);
    const back = await readBack(lake.duck, path);
    const manifests = await lake.store.list('manifests/orders/');
    let quarantined = 0;
    for (const m of manifests) {
      quarantined += (JSON.parse(await lake.store.getText(m.key)) as { rowsQuarantined: number })
        .rowsQuarantined;
    }
    expect(back).toHaveLength(quarantined);
    expect(back[1]).toMatchObject({
      File: 'incoming/orders/b.csv',
      Line: '3',
      customer_id: `'=HYPERLINK("http://evil.example")`,
      amount: '-3.00',
    });
  });

  it('writes the CSV to --out with a byte order mark, and says what it wrote', async () => {
    const out = join(dir, 'out.csv');
    const { io, stdout, stderr } = capture();
    const code = await quarantineCommand({ lake: lake.root, dataset: 'orders', out }, io);
    expect(code).toBe(0);
    expect(stdout()).toBe('');
    expect(stderr()).toBe(`  5 quarantined row(s) of orders from 2 file(s): written to ${out}\n`);
    expect(await readFile(out, 'utf8')).toBe(
      '\uFEFF' + EXPECTED.map((line) => `${line}\r\n`).join(''),
    );
  });

  it('writes the CSV to stdout without a byte order mark', async () => {
    const { io, stdout, stderr } = capture();
    expect(await quarantineCommand({ lake: lake.root, dataset: 'orders' }, io)).toBe(0);
    expect(stdout()).toBe(EXPECTED.map((line) => `${line}\r\n`).join(''));
    expect(stderr()).toBe('  5 quarantined row(s) of orders from 2 file(s)\n');
  });

  it('writes only the header for a dataset with nothing quarantined', async () => {
    const { io, stdout, stderr } = capture();
    expect(await quarantineCommand({ lake: lake.root, dataset: 'clean' }, io)).toBe(0);
    expect(stdout()).toBe('File,Line,Column,Reason,Raw record,File problem\r\n');
    expect(stderr()).toBe('  clean has no quarantined rows\n');
  });

  it('exits 1 with a clear error for an unknown dataset, a bad name, no lake or an --out it cannot write', async () => {
    const cases: [{ lake: string; dataset: string; out?: string }, string][] = [
      [
        { lake: lake.root, dataset: 'order' },
        `error: The lake ${lake.root} has no dataset order (datasets: clean, orders)\n`,
      ],
      [
        { lake: lake.root, dataset: "orders'; --" },
        `error: Dataset "orders'; --" is not a valid name: use lower-case letters, digits and _, starting with a letter or _ (at most 63 characters)\n`,
      ],
      [
        { lake: lake.root, dataset: '../orders' },
        `error: Dataset "../orders" is not a valid name: use lower-case letters, digits and _, starting with a letter or _ (at most 63 characters)\n`,
      ],
      [
        { lake: join(dir, 'nowhere'), dataset: 'orders' },
        `error: No lake folder at ${join(dir, 'nowhere')}\n`,
      ],
    ];
    const folderless = join(dir, 'no-such-folder', 'orders.csv');
    cases.push([
      { lake: lake.root, dataset: 'orders', out: folderless },
      `error: Cannot write ${folderless}: ENOENT: no such file or directory, open '${folderless}'\n`,
    ]);
    for (const [options, message] of cases) {
      const { io, stdout, stderr } = capture();
      expect(await quarantineCommand(options, io)).toBe(1);
      expect(stdout()).toBe('');
      expect(stderr()).toBe(message);
    }
  });
});

const capture = captureIo;
