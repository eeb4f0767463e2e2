import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testLake, type TestLake } from './lake.ts';

/**
 * Numbers and dates as people write them: decided per file and column, said in the manifest
 * when a person should know, and never guessed silently.
 */
describe('numbers and dates as people write them', () => {
  let lake: TestLake;
  beforeAll(async () => {
    lake = await testLake();
  });
  afterAll(() => lake.close());

  it('reads thousands separators, currency and accounting negatives', async () => {
    const { manifest } = await lake.ingest(
      'incoming/money/a.csv',
      'id,amount,fee\nA1,"1,234.50",$12.00\nA2,(45.10),"$1,000"\nA3,7,($3.25)\nA4,USD 5,€ 2.5\n',
    );
    expect(manifest).toMatchObject({ rowsCurated: 4, rowsQuarantined: 0 });
    expect(manifest.warnings).toBeUndefined();
    const contract = await lake.catalog.getContract('money');
    expect(contract?.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'string'],
      ['amount', 'double'],
      ['fee', 'double'],
    ]);
    expect(await lake.curated('money', 'id, amount, fee', 'ORDER BY id')).toEqual([
      { id: 'A1', amount: 1234.5, fee: 12 },
      { id: 'A2', amount: -45.1, fee: 1000 },
      { id: 'A3', amount: 7, fee: -3.25 },
      { id: 'A4', amount: 5, fee: 2.5 },
    ]);
  });

  it('reads a decimal comma file (1.234,50) and says so', async () => {
    const { manifest } = await lake.ingest(
      'incoming/euro/a.csv',
      'id;betrag;menge\nE1;1.234,50;3\nE2;12,5;1\nE3;0,99;2\n',
    );
    expect(manifest).toMatchObject({ rowsCurated: 3, rowsQuarantined: 0 });
    expect(manifest.warnings).toEqual([
      'betrag: numbers read with a decimal comma (the file has "0,99")',
    ]);
    expect(await lake.curated('euro', 'id, betrag', 'ORDER BY id')).toEqual([
      { id: 'E1', betrag: 1234.5 },
      { id: 'E2', betrag: 12.5 },
      { id: 'E3', betrag: 0.99 },
    ]);
  });

  it('one comma value among point decimals is a bad value, not a decimal comma file', async () => {
    await lake.ingest('incoming/points/first.csv', 'id,price\nP0,1.00\n');
    const { manifest, rejectedSample } = await lake.ingest(
      'incoming/points/a.csv',
      'id,price\nP1,1.50\nP2,2.25\nP3,"2,50"\nP4,3.00\n',
    );
    expect(manifest).toMatchObject({ rowsCurated: 3, rowsQuarantined: 1 });
    expect(rejectedSample).toEqual([
      { line: 4, column: 'price', value: '2,50', reason: 'not a number: "2,50"' },
    ]);
  });

  it('a day above 12 settles day/month order for the file, and the contract learns it', async () => {
    const { manifest } = await lake.ingest(
      'incoming/visits/a.csv',
      'visit_id,visit_date,count\nV1,03/04/2024,5\nV2,25/04/2024,7\nV3,01/05/2024,2\n',
    );
    expect(manifest).toMatchObject({ rowsCurated: 3, rowsQuarantined: 0 });
    expect(manifest.warnings).toEqual([
      'visit_date: dates like "01/05/2024" read as day/month/year (the file has "25/04/2024")',
    ]);
    expect(
      await lake.curated(
        'visits',
        'visit_id, CAST(visit_date AS VARCHAR) AS d',
        'ORDER BY visit_id',
      ),
    ).toEqual([
      { visit_id: 'V1', d: '2024-04-03' },
      { visit_id: 'V2', d: '2024-04-25' },
      { visit_id: 'V3', d: '2024-05-01' },
    ]);
    const contract = await lake.catalog.getContract('visits');
    expect(contract?.columns.find((c) => c.name === 'visit_date')?.format).toEqual({
      dateOrder: 'DMY',
    });

    // A later file whose dates are all ambiguous is read in the order the dataset uses.
    const later = await lake.ingest(
      'incoming/visits/b.csv',
      'visit_id,visit_date,count\nV4,02/06/2024,1\n',
    );
    expect(later.manifest.warnings).toBeUndefined();
    expect(
      await lake.curated('visits', 'CAST(visit_date AS VARCHAR) AS d', "WHERE visit_id = 'V4'"),
    ).toEqual([{ d: '2024-06-02' }]);
  });

  it('both orders in one file: the majority wins, the others are quarantined, and it is said', async () => {
    await lake.ingest('incoming/mixed/first.csv', 'id,day\nM0,2024-01-12\n');
    const { manifest, rejectedSample } = await lake.ingest(
      'incoming/mixed/a.csv',
      'id,day\nM1,13/01/2024\nM2,14/01/2024\nM3,01/15/2024\nM4,2024-01-16\n',
    );
    expect(manifest).toMatchObject({ rowsCurated: 3, rowsQuarantined: 1 });
    expect(manifest.warnings).toEqual([
      'day: 2 dates are day first ("13/01/2024") and 1 month first ("01/15/2024"); read as day/month/year, the 1 others are quarantined (2 agree)',
    ]);
    expect(rejectedSample).toEqual([
      {
        line: 4,
        column: 'day',
        value: '01/15/2024',
        reason: 'not a date (YYYY-MM-DD, DD/MM/YYYY or 7 Jan 2024): "01/15/2024"',
      },
    ]);
  });

  it('NaN, Infinity and numbers too large for a double are refused, not stored', async () => {
    const nines = '9'.repeat(400);
    await lake.ingest('incoming/sizes/first.csv', 'id,size\nS0,0.5\n');
    const { manifest } = await lake.ingest(
      'incoming/sizes/a.csv',
      `id,size\nS1,1.5\nS2,2\nS3,NaN\nS4,Infinity\nS5,${nines}\nS6,"1,${nines.slice(0, 3)}"\n`,
    );
    expect(manifest).toMatchObject({ rowsCurated: 3, rowsQuarantined: 3 });
    const rows = await lake.curated('sizes', 'id, size', "WHERE id <> 'S0' ORDER BY id");
    expect(rows).toEqual([
      { id: 'S1', size: 1.5 },
      { id: 'S2', size: 2 },
      { id: 'S6', size: 1999 },
    ]);
  });

  it('US dates with a time of day, and dotted European dates', async () => {
    const { manifest } = await lake.ingest(
      'incoming/stamps/a.csv',
      'id,at,booked\nT1,01/02/2024 2:05 PM,31.01.2024\nT2,01/03/2024 09:30,01.02.2024\n',
    );
    expect(manifest).toMatchObject({ rowsCurated: 2, rowsQuarantined: 0 });
    expect(
      await lake.curated(
        'stamps',
        'id, CAST("at" AS VARCHAR) AS t, CAST(booked AS VARCHAR) AS b',
        'ORDER BY id',
      ),
    ).toEqual([
      { id: 'T1', t: '2024-01-02 14:05:00', b: '2024-01-31' },
      { id: 'T2', t: '2024-01-03 09:30:00', b: '2024-02-01' },
    ]);
  });

  it('the fast path and the full path agree: spaces, formats and refusals', async () => {
    await lake.ingest('incoming/agree/a.csv', 'id,qty,price,channel\nA1,1,2.50,web\n');
    // Spaces around values, a formatted price (the reader cannot type it: the full path),
    // `nan` and a whole number with a fraction: refused in either path.
    const { manifest, rejectedSample } = await lake.ingest(
      'incoming/agree/b.csv',
      'id,qty,price,channel\nB1, 7 , 3.25 , store \nB2,2,"$1,000.00",web\nB3,3,nan,web\nB4,1.5,1,web\nB5,1_000,1_000.5,web\n',
    );
    expect(manifest).toMatchObject({ rowsRead: 5, rowsCurated: 3, rowsQuarantined: 2 });
    expect(rejectedSample.map((r) => [r.line, r.column, r.reason])).toEqual([
      [4, 'price', 'not a number: "nan"'],
      [5, 'qty', 'not a whole number: "1.5"'],
    ]);
    expect(
      await lake.curated('agree', 'id, qty, price, channel', "WHERE id LIKE 'B%' ORDER BY id"),
    ).toEqual([
      { id: 'B1', qty: 7, price: 3.25, channel: 'store' },
      { id: 'B2', qty: 2, price: 1000, channel: 'web' },
      { id: 'B5', qty: 1000, price: 1000.5, channel: 'web' },
    ]);
    // A clean file with the same kinds of values takes the fast path, and reads them alike.
    await lake.ingest(
      'incoming/agree/c.csv',
      'id,qty,price,channel\nC1, 7 , 3.25 , store \nC2,1_000,1_000.5,web\n',
    );
    expect(
      await lake.curated('agree', 'id, qty, price, channel', "WHERE id LIKE 'C%' ORDER BY id"),
    ).toEqual([
      { id: 'C1', qty: 7, price: 3.25, channel: 'store' },
      { id: 'C2', qty: 1000, price: 1000.5, channel: 'web' },
    ]);
  });

  it('a dataset that wrote decimal commas can later send decimal points', async () => {
    await lake.ingest('incoming/eu/a.csv', 'id;amount\nE1;12,50\nE2;3,25\n');
    expect(
      (await lake.catalog.getContract('eu'))?.columns.find((c) => c.name === 'amount')?.format,
    ).toEqual({ decimal: ',' });
    const { manifest } = await lake.ingest(
      'incoming/eu/b.csv',
      'id,amount\nU1,12.50\nU2,1.500\nU3,0.125\n',
    );
    expect(manifest).toMatchObject({ rowsCurated: 3, rowsQuarantined: 0 });
    expect(manifest.warnings).toEqual([
      'amount: numbers read with a decimal point (the file has "12.50"), although earlier files wrote a decimal comma',
    ]);
    expect(await lake.curated('eu', 'id, amount', "WHERE id LIKE 'U%' ORDER BY id")).toEqual([
      { id: 'U1', amount: 12.5 },
      { id: 'U2', amount: 1.5 },
      { id: 'U3', amount: 0.125 },
    ]);
  });

  it('two-digit years are this century or the last, never the year 24', async () => {
    const { manifest } = await lake.ingest(
      'incoming/short_years/a.csv',
      'id,day\nY1,03/04/24\nY2,12/31/99\nY3,7 Jan 24\n',
    );
    expect(manifest).toMatchObject({ rowsCurated: 3, rowsQuarantined: 0 });
    expect(
      await lake.curated('short_years', 'id, CAST(day AS VARCHAR) AS d', 'ORDER BY id'),
    ).toEqual([
      { id: 'Y1', d: '2024-03-04' },
      { id: 'Y2', d: '1999-12-31' },
      { id: 'Y3', d: '2024-01-07' },
    ]);
  });
});
