import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '#platform/ports.ts';
import { accounting, testLake, type TestLake } from './lake.ts';

/**
 * The bad-input corpus (test/fixtures/bad-input): `good.csv` makes the `orders` contract on
 * first sight; every other file is a later upload of the same dataset, checked against it.
 * Each expectation is the line, the column and the reason a person would act on.
 */

interface Expected {
  file: string;
  /** The file error, when the whole file is refused. */
  fileError?: RegExp;
  rowsRead: number;
  /** Quarantined rows: line -> [column, reason] of each reason. */
  rejected: Record<number, [string, string | RegExp][]>;
}

const CORPUS: Expected[] = [
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
    file: 'bad-date.csv',
    rowsRead: 5,
    rejected: {
      3: [['order_date', 'not a date (YYYY-MM-DD): "2024-13-45"']],
      4: [['order_date', 'not a date (YYYY-MM-DD): "2024-02-30"']],
      5: [['order_date', 'not a date (YYYY-MM-DD): "04/05/2024"']],
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
      9: [['order_date', 'not a date (YYYY-MM-DD): "2024-13-01"']],
    },
  },
  {
    file: 'duplicate-header.csv',
    fileError:
      /^incoming\/orders\/duplicate-header\.csv: header columns 2 \("Order Date"\) and 3 \("order_date"\) both name the column order_date$/,
    rowsRead: 2,
    rejected: {
      2: [['(header)', 'the header does not name the columns']],
      3: [['(header)', 'the header does not name the columns']],
    },
  },
  {
    file: 'bom-crlf.csv',
    rowsRead: 3,
    rejected: { 3: [['amount', 'not a number: "1 000"']] },
  },
  {
    file: 'not-utf8.csv',
    rowsRead: 3,
    rejected: { 3: [['customer_id', 'not UTF-8 text: save the file as UTF-8']] },
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
];

describe('bad inputs', () => {
  let lake: TestLake;
  const manifests = new Map<string, Manifest>();

  beforeAll(async () => {
    lake = await testLake();
    const first = await lake.ingestFixture('orders', 'good.csv');
    expect(first.manifest.rowsCurated).toBe(6);
    for (const { file } of CORPUS) {
      manifests.set(file, (await lake.ingestFixture('orders', file)).manifest);
    }
  });
  afterAll(() => lake.close());

  it.each(CORPUS)('$file: the clear error, with its line and column', async (expected) => {
    const manifest = manifests.get(expected.file)!;
    expect(manifest.sourceKey).toBe(`incoming/orders/${expected.file}`);
    if (expected.fileError) expect(manifest.fileError).toMatch(expected.fileError);
    else expect(manifest.fileError).toBeUndefined();
    expect(manifest.rowsRead).toBe(expected.rowsRead);

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

  it.each(CORPUS)(
    '$file: rows read = curated + quarantined, counted in the lake',
    async ({ file }) => {
      const m = manifests.get(file)!;
      const counts = await accounting(lake, m);
      expect(counts.curated + counts.quarantined).toBe(counts.read);
      expect(counts.curated).toBe(counts.manifestCurated);
      expect(counts.quarantined).toBe(counts.manifestQuarantined);
      const rejections = m.rejections.reduce((sum, r) => sum + r.rows, 0);
      expect(rejections).toBeGreaterThanOrEqual(m.rowsQuarantined);
    },
  );

  it('keeps the values of a rejected row as the file has them', async () => {
    const [row] = await lake.quarantineOf(manifests.get('non-numeric.csv')!);
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
    const [ragged] = await lake.quarantineOf(manifests.get('ragged.csv')!);
    expect(ragged).toMatchObject({ line: 3, values: null, raw: 'O302,2024-04-02,C2,1.00' });
  });

  it('aggregates rejections by column and reason in the manifest', () => {
    expect(manifests.get('non-numeric.csv')!.rejections).toEqual(
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
    const m = manifests.get('quoted-newlines.csv')!;
    expect(m.rowsCurated).toBe(4);
    const rows = await lake.duck.all(
      `SELECT order_id, channel, amount FROM read_parquet('${lake.root}/curated/orders/*/${m.sourceId}.parquet') ORDER BY order_id`,
    );
    expect(rows).toEqual([
      { order_id: 'O501', channel: 'web\nshop', amount: 1 },
      { order_id: 'O503', channel: 'store', amount: 2 },
      { order_id: 'O504', channel: 'a "quoted"\nvalue', amount: 2 },
      { order_id: 'O506', channel: 'web', amount: 3 },
    ]);
  });
});
