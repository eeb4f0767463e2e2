import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captured, parseCsv } from './series-command.ts';
import { runInsights } from '../helpers/run-cli.ts';
import { explainCommand, type ExplainOptions, type ExplainReport } from '#cli/explain.ts';

let dir: string;

const run = (file: string, options: Partial<ExplainOptions>) =>
  captured((io) =>
    explainCommand(
      join(dir, file),
      { time: 'Order Date', value: 'Amount', dims: 'channel,region,category', ...options },
      io,
    ),
  );

/**
 * Days 1 to 28 of January, February and March 2024; each day one order per channel,
 * region and category (336 a month), 2 units each. Web sells 100 an order, store 60, app 40.
 * Planted in March: web falls to 30 an order in books and to 70 in games (-100 a day and
 * region), store rises to 65 (+10). So February -> March is 22,400 -> 17,360 = -5,040, web
 * carries -5,600 (10/9 of it), store +560 (-1/9), and within web, books 70%.
 */
function orders(): string[] {
  const lines: string[] = [];
  for (const month of ['01', '02', '03'])
    for (let day = 1; day <= 28; day++)
      for (const region of ['north', 'south'])
        for (const channel of ['web', 'store', 'app'])
          for (const category of ['books', 'games']) {
            let amount = { web: 100, store: 60, app: 40 }[channel]!;
            if (month === '03' && channel === 'web') amount = category === 'books' ? 30 : 70;
            if (month === '03' && channel === 'store') amount = 65;
            const date = `2024-${month}-${String(day).padStart(2, '0')}`;
            lines.push(`${date},${channel},${region},${category},${amount},2`);
          }
  return lines;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'explain-cli-'));
  const header = 'Order Date,Channel,Region,Category,Amount,Units';
  // One row with a date that cannot be read: left out with a warning.
  await writeFile(
    join(dir, 'orders.csv'),
    [header, ...orders(), '2024-03-99,web,north,books,1000,2'].join('\n') + '\n',
  );
  const bad = orders().map((l, i) => (i % 10 === 0 ? l.replace(/,\d+,2$/, ',n/a,2') : l));
  await writeFile(join(dir, 'bad-values.csv'), [header, ...bad].join('\n') + '\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('insights explain', () => {
  it('names the planted driver first with its share, and drills into it', async () => {
    const { code, out, err } = await run('orders.csv', {});
    expect(code).toBe(0);
    expect(out.split('\r\n')[0]).toBe(
      'level,dimension,value,rank,reference,target,change,share,mix,rate,driver,explained_share',
    );
    const rows = parseCsv(out);
    expect(rows[0]).toMatchObject({
      level: 'dimension',
      dimension: 'Channel',
      value: 'web',
      rank: '1',
      reference: '11200',
      target: '5600',
      change: '-5600',
      driver: 'true',
    });
    expect(Number(rows[0]!['share'])).toBeCloseTo(10 / 9, 5);
    // volume did not move: all of web's change is rate.
    expect(Number(rows[0]!['mix'])).toBe(0);
    expect(Number(rows[0]!['rate'])).toBe(-5600);
    // Each dimension's shares add up to 1, its changes to the total change.
    for (const dimension of ['Channel', 'Region', 'Category']) {
      const of = rows.filter((r) => r['level'] === 'dimension' && r['dimension'] === dimension);
      expect(of.reduce((n, r) => n + Number(r['share']), 0)).toBeCloseTo(1, 5);
      expect(of.reduce((n, r) => n + Number(r['change']), 0)).toBeCloseTo(-5040, 6);
    }
    // Regions fell alike: neither explains anything.
    expect(
      rows.filter((r) => r['dimension'] === 'Region').every((r) => r['driver'] === 'false'),
    ).toBe(true);
    const drill = rows.filter((r) => r['level'] === 'drill');
    expect(drill[0]).toMatchObject({ dimension: 'Category', value: 'books', driver: 'true' });
    expect(Number(drill[0]!['share'])).toBeCloseTo(0.7, 6);
    expect(drill.map((r) => r['dimension'])).not.toContain('Channel');
    expect(err).toMatch(
      /warning: .*orders\.csv, column Order Date: 1 row\(s\) not a date, left out: "2024-03-99" \(row 1009\)/,
    );
    expect(err).toMatch(
      /Amount: 22,400 in 2024-02, 17,360 in 2024-03, a change of -5,040 \(-22\.5%\) \(1008 of 1009 rows/,
    );
    expect(err).toMatch(/Channel explains it best: web -5,600 \(111% of the change: volume 0/);
    expect(err).toMatch(/Within Channel web, by Category: books -3,920 \(70% of the change/);
  });

  it('writes JSON: the whole explanation, the periods and the file', async () => {
    const { code, out } = await run('orders.csv', { format: 'json', quiet: true });
    expect(code).toBe(0);
    const report = JSON.parse(out) as ExplainReport;
    expect(report).toMatchObject({
      file: join(dir, 'orders.csv'),
      kind: 'sum',
      dimensions: ['Channel', 'Region', 'Category'],
      target: { kind: 'month', label: '2024-03', from: '2024-03-01', to: '2024-04-01' },
      baseline: { label: '2024-02', from: '2024-02-01', to: '2024-03-01' },
      rows: { read: 1009, used: 1008, leftOut: 1 },
    });
    const e = report.explanation;
    expect([e.referenceValue, e.targetValue, e.change]).toEqual([22400, 17360, -5040]);
    expect(e.dimensions[0]).toMatchObject({ dimension: 'Channel', succinct: true });
    expect(e.dimensions[0]!.drivers.map((d) => d.value)).toEqual(['web']);
    expect(e.drill).toMatchObject({ dimension: 'Channel', value: 'web' });
    expect(e.drill!.dimensions[0]!.dimension).toBe('Category');
  });

  it('explains the value per unit with --average --volume, and compares any two periods', async () => {
    const { code, out, err } = await run('orders.csv', {
      format: 'json',
      average: true,
      volume: 'units',
      baseline: '2024-01',
    });
    expect(code).toBe(0);
    const { explanation: e, baseline, kind } = JSON.parse(out) as ExplainReport;
    expect(kind).toBe('average');
    expect(baseline.label).toBe('2024-01');
    // 22,400 over 672 units, then 17,360 over 672.
    expect(e.referenceValue).toBeCloseTo(22400 / 672, 9);
    expect(e.targetValue).toBeCloseTo(17360 / 672, 9);
    for (const d of e.dimensions) {
      expect(d.decomposition.contributions.reduce((n, c) => n + c.change, 0)).toBeCloseTo(
        e.change,
        9,
      );
      for (const c of d.decomposition.contributions) expect(c.mix + c.rate).toBeCloseTo(c.change);
    }
    expect(e.dimensions[0]!.drivers[0]!.value).toBe('web');
    expect(err).toMatch(/Amount per units: 33\.33 in 2024-01, 25\.83 in 2024-03/);
  });

  it('takes a day or a quarter as the target, and says nothing with --quiet', async () => {
    const day = await run('orders.csv', {
      target: '2024-03-01',
      baseline: '2024-02-28',
      quiet: true,
    });
    expect(day.code).toBe(0);
    expect(day.err).toMatch(/^warning: [^\n]*\n$/);
    expect(parseCsv(day.out)[0]).toMatchObject({ value: 'web', reference: '400', target: '200' });
    // The day before 1 March is 29 February, which has no rows here.
    const leap = await run('orders.csv', { target: '2024-03-01' });
    expect(leap.err).toMatch(/--baseline 2024-02-29 \(2024-02-29 to 2024-02-29\) has no rows/);
    const quarter = await run('orders.csv', { target: '2024-Q1', baseline: '2024-03' });
    expect(quarter.code).toBe(1);
    expect(quarter.err).toMatch(
      /error: --baseline 2024-03 and --target 2024-Q1 overlap: compare two periods that share no day/,
    );
  });

  it('says so when no value stands out, and marks no driver', async () => {
    const { code, out, err } = await run('orders.csv', { dims: 'region' });
    expect(code).toBe(0);
    const rows = parseCsv(out);
    expect(rows.map((r) => [r['value'], Number(r['share']), r['driver']])).toEqual([
      ['north', 0.5, 'false'],
      ['south', 0.5, 'false'],
    ]);
    expect(rows.some((r) => r['level'] === 'drill')).toBe(false);
    expect(err).toMatch(/No value of any dimension stands out \(the change is spread\)/);
  });

  it('refuses a missing column, naming it and listing the columns', async () => {
    const { code, out, err } = await run('orders.csv', { dims: 'channel,colour' });
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(
      /orders\.csv has no column "colour" \(--dims\); its columns: Order Date, Channel, Region, Category, Amount, Units/,
    );
    const value = await run('orders.csv', { value: 'revenue' });
    expect(value.err).toMatch(/has no column "revenue" \(--value\)/);
    const twice = await run('orders.csv', { dims: 'channel,Channel' });
    expect(twice.err).toMatch(/--dims names column Channel twice/);
  });

  it('refuses an unreadable file, a bad period, an empty period and unreadable values', async () => {
    const missing = await run('nope.csv', {});
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/Cannot read .*nope\.csv: no such file/);
    const bad = await run('orders.csv', { target: '2024-13' });
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--target "2024-13" is not a period: there is no month 13/);
    const baseline = await run('orders.csv', { baseline: 'last-month' });
    expect(baseline.err).toMatch(
      /--baseline "last-month" is not a period: .*previous or last-year/,
    );
    const empty = await run('orders.csv', { baseline: 'last-year' });
    expect(empty.code).toBe(1);
    expect(empty.err).toMatch(
      /--baseline 2023-03 \(2023-03-01 to 2023-03-31\) has no rows in .*orders\.csv: its dates run from 2024-01-01 to 2024-03-28/,
    );
    const values = await run('bad-values.csv', {});
    expect(values.code).toBe(1);
    expect(values.err).toMatch(
      /bad-values\.csv, column Amount: 101 of 1008 rows are not a number \("n\/a" \(row 1\), "n\/a" \(row 11\), "n\/a" \(row 21\), \.\.\.\)/,
    );
  });

  it('runs as `insights explain` from the command line', async () => {
    const { code, stdout, stderr } = await runInsights([
      'explain',
      join(dir, 'orders.csv'),
      '--time',
      'Order Date',
      '--value',
      'Amount',
      '--dims',
      'channel,region',
      '--target',
      '2024-03',
      '--baseline',
      'previous',
    ]);
    expect(code).toBe(0);
    expect(parseCsv(stdout)[0]).toMatchObject({ dimension: 'Channel', value: 'web' });
    expect(stderr).toMatch(/Channel explains it best: web/);
  }, 60_000);
});
