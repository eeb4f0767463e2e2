import { FORECASTERS } from '#analysis/forecast/models.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captured, dates, parseCsv } from './series-command.ts';
import { forecastCommand, type ForecastOptions } from '#cli/forecast.ts';

let dir: string;

const run = (file: string, options: ForecastOptions) =>
  captured((io) => forecastCommand(join(dir, file), options, io));

const N = 70;
const days = dates('2024-01-01', N);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'forecast-cli-'));
  const weekly = [0, 6, 3, -4, 8, -2, -11];
  const lines = ['Date,Store,Units Sold'];
  for (const store of ['north', 'south'])
    days.forEach((d, i) => {
      if (store === 'south' && i === 40) return; // a gap: filled for the model and said
      lines.push(`${d},${store},${(store === 'north' ? 40 : 10) + 0.1 * i + weekly[i % 7]!}`);
    });
  await writeFile(join(dir, 'sales.csv'), lines.join('\n') + '\n');
  await writeFile(
    join(dir, 'short.csv'),
    'date,value\n' +
      days
        .slice(0, 12)
        .map((d, i) => `${d},${i}`)
        .join('\n') +
      '\n',
  );
  await writeFile(
    join(dir, 'irregular.csv'),
    'date,value\n2024-01-01,1\n2024-01-04,2\n2024-01-09,3\n2024-01-11,4\n',
  );
  await writeFile(
    join(dir, 'words.csv'),
    'date,value\n' +
      days
        .slice(0, 30)
        .map((d) => `${d},lots`)
        .join('\n') +
      '\n',
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('insights forecast', () => {
  it('prints the forecast after the last point for each series', async () => {
    const { code, out, err } = await run('sales.csv', {
      time: 'Date',
      value: 'Units Sold',
      series: 'Store',
    });
    expect(code).toBe(0);
    expect(out.split('\r\n')[0]).toBe('series_id,train_end,ds,yhat,lo80,hi80,lo95,hi95');
    const rows = parseCsv(out);
    expect(rows).toHaveLength(14);
    expect(rows.map((r) => r['series_id'])).toEqual([
      ...Array(7).fill('north'),
      ...Array(7).fill('south'),
    ]);
    expect(new Set(rows.map((r) => r['train_end']))).toEqual(new Set(['2024-03-10']));
    expect(rows.slice(0, 7).map((r) => r['ds'])).toEqual(dates('2024-03-11', 7));
    for (const r of rows) {
      const [yhat, lo80, hi80, lo95, hi95] = ['yhat', 'lo80', 'hi80', 'lo95', 'hi95'].map((c) =>
        Number(r[c]),
      );
      expect(lo95!).toBeLessThanOrEqual(lo80!);
      expect(lo80!).toBeLessThanOrEqual(yhat!);
      expect(yhat!).toBeLessThanOrEqual(hi80!);
      expect(hi80!).toBeLessThanOrEqual(hi95!);
      expect(lo95!).toBeGreaterThanOrEqual(0); // a non-negative series
    }
    expect(err).toMatch(
      /series north: 70 daily points, 2024-01-01 \.\. 2024-03-10; model \w+: lowest mean backtest MASE over 5 origin/,
    );
    expect(err).toMatch(
      /1 missing daily value\(s\) filled by linear interpolation for the model \(not scored\): 2024-02-10/,
    );
  });

  it('with --backtest K prints the forecasts of origins k = K..1, windows n-hk+1 .. n-hk+h', async () => {
    const { code, out, err } = await run('sales.csv', {
      time: 'date',
      value: 'units_sold',
      series: 'store',
      horizon: '7',
      backtest: '3',
    });
    expect(code).toBe(0);
    const north = parseCsv(out).filter((r) => r['series_id'] === 'north');
    expect(north).toHaveLength(21);
    // n = 70, h = 7: origins train on 1..49, 1..56, 1..63 and test the last 21 days
    expect([...new Set(north.map((r) => r['train_end']))]).toEqual([days[48], days[55], days[62]]);
    expect(north.map((r) => r['ds'])).toEqual(days.slice(49));
    expect(err).toMatch(
      /backtest of 3 origin\(s\): MASE \d+\.\d+, sMAPE \d+\.\d+%, 80% interval coverage \d+%, 95% \d+%/,
    );
  });

  it('writes JSON with the model, the reason, the candidates and the rows', async () => {
    const { code, out } = await run('sales.csv', {
      time: 'Date',
      value: 'Units Sold',
      series: 'Store',
      horizon: 3,
      format: 'json',
    });
    expect(code).toBe(0);
    const json = JSON.parse(out) as {
      horizon: number;
      series: {
        series_id: string;
        model: string;
        reason: string;
        candidates: Record<string, { mase: number }>;
        rows: unknown[];
        filled: number;
        period: number;
      }[];
    };
    expect(json.horizon).toBe(3);
    expect(json.series.map((s) => s.series_id)).toEqual(['north', 'south']);
    const south = json.series[1]!;
    expect(Object.keys(south.candidates)).toEqual(FORECASTERS.map((f) => f.name));
    expect(south.candidates[south.model]!.mase).toBe(
      Math.min(...Object.values(south.candidates).map((c) => c.mase)),
    );
    expect(south.rows).toHaveLength(3);
    expect(south.filled).toBe(1);
    expect(south.period).toBe(7);
  });

  it('names the file and the column that is missing, and lists the columns', async () => {
    const { code, out, err } = await run('sales.csv', { time: 'Date', value: 'revenue' });
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(
      /sales\.csv has no column "revenue" \(--value\); its columns: Date, Store, Units Sold/,
    );
  });

  it('says how many points a short series has and how many it needs', async () => {
    const { code, err } = await run('short.csv', { time: 'date', value: 'value' });
    expect(code).toBe(1);
    expect(err).toContain(
      'short.csv: 12 points, need 22 (15 to fit the models, more than two seasons of 7 daily points, 7 to choose among them)',
    );
    const more = await run('short.csv', { time: 'date', value: 'value', horizon: 1, backtest: 2 });
    expect(more.err).toMatch(/12 points, need 18 .*and 2 backtest window\(s\) of 1/);
  });

  it('forecasts a short weekly series without yearly seasonality, and says so', async () => {
    const weeks = Array.from({ length: 30 }, (_, i) =>
      new Date(Date.UTC(2024, 0, 7 + 7 * i)).toISOString().slice(0, 10),
    );
    await writeFile(
      join(dir, 'weekly.csv'),
      'week,orders\n' + weeks.map((w, i) => `${w},${20 + (i % 3)}`).join('\n') + '\n',
    );
    const { code, out, err } = await run('weekly.csv', {
      time: 'week',
      value: 'orders',
      horizon: 4,
      format: 'json',
    });
    expect(code).toBe(0);
    const [series] = (
      JSON.parse(out) as {
        series: { period: number; frequency: string; notes: string[]; rows: { ds: string }[] }[];
      }
    ).series;
    expect(series!.frequency).toBe('weekly');
    expect(series!.period).toBe(1);
    expect(series!.notes.join('\n')).toMatch(/no yearly seasonality modelled/);
    expect(series!.rows.map((r) => r.ds)).toEqual([
      '2024-08-04',
      '2024-08-11',
      '2024-08-18',
      '2024-08-25',
    ]);
    expect(err).toMatch(/series: 30 weekly points/);
  });

  it('refuses an irregular time column', async () => {
    const { code, err } = await run('irregular.csv', { time: 'date', value: 'value' });
    expect(code).toBe(1);
    expect(err).toMatch(/irregular\.csv, column date: the time column is irregular/);
  });

  it('refuses a value column that is not numbers, and bad options', async () => {
    const words = await run('words.csv', { time: 'date', value: 'value' });
    expect(words.code).toBe(1);
    expect(words.err).toMatch(
      /words\.csv, column value: 30 of 30 rows are not a number \("lots" \(row 1\)/,
    );
    const zero = await run('sales.csv', { time: 'Date', value: 'Units Sold', horizon: '0' });
    expect(zero.err).toMatch(/--horizon must be a whole number of at least 1/);
    const missing = await run('nope.csv', { time: 'Date', value: 'x' });
    expect(missing.err).toMatch(/Cannot read .*nope\.csv: no such file/);
  });
});
