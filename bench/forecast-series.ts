/**
 * The series of `npm run bench:forecast`: the demo's daily series (every measure of
 * daily_sales_metrics, and daily net revenue summed from sales_transactions, a day without a
 * transaction counting 0), made regular by the product's own `buildSeries` (values that do
 * not parse are missing: interpolated for the models, never scored), and the real daily
 * series that bench/forecast-data.R exports from the data of installed R packages.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildSeries } from '#analysis/forecast/series.ts';
import { writeDemo } from '#demo/generate.ts';
import { openDuckDb } from '#platform/duckdb/duckdb.ts';
import { quoteLiteral } from '#query/sql.ts';
import { parseCsv } from './forecast-csv.ts';

export interface BenchSeries {
  name: string;
  /** demo | real_weekly | real_daily_no_weekly */
  group: string;
  values: number[];
  /** false where the value was missing and interpolated: used to train, never scored. */
  observed: boolean[];
}

const DAILY_MEASURES = [
  'marketing_spend',
  'customer_traffic',
  'price',
  'quantity',
  'revenue',
  'cost',
  'profit',
];

export async function demoSeries(dir: string): Promise<BenchSeries[]> {
  const demo = await writeDemo(join(dir, 'demo'));
  const file = (dataset: string) => demo.files.find((f) => f.dataset === dataset)!.path;
  const duck = await openDuckDb({ threads: 1 });
  try {
    const out: BenchSeries[] = [];
    const daily = file('daily_sales_metrics');
    for (const measure of DAILY_MEASURES) {
      const rows = await duck.all(
        `SELECT CAST(TRY_CAST("date" AS DATE) AS VARCHAR) AS d, TRY_CAST(${measure} AS DOUBLE) AS v
         FROM read_csv(${quoteLiteral(daily)}, all_varchar = true)
         WHERE TRY_CAST("date" AS DATE) IS NOT NULL`,
      );
      out.push(regular(`daily_sales_metrics.${measure}`, rows, daily));
    }
    const tx = file('sales_transactions');
    const rows = await duck.all(
      `WITH t AS (
         SELECT TRY_CAST(transaction_date AS DATE) AS d, TRY_CAST(net_amount AS DOUBLE) AS v
         FROM read_csv(${quoteLiteral(tx)}, all_varchar = true)),
       days AS (
         SELECT CAST(unnest(generate_series(min(d), max(d), INTERVAL 1 DAY)) AS DATE) AS d
         FROM t WHERE d IS NOT NULL)
       SELECT CAST(days.d AS VARCHAR) AS d, coalesce(sum(t.v), 0) AS v
       FROM days LEFT JOIN t ON t.d = days.d GROUP BY days.d ORDER BY days.d`,
    );
    out.push(regular('sales_transactions.net_amount_per_day', rows, tx));
    return out;
  } finally {
    duck.close();
  }
}

function regular(name: string, rows: Record<string, unknown>[], file: string): BenchSeries {
  // A date written twice (a planted duplicate row) keeps its first parseable value.
  const seen = new Map<string, number | null>();
  for (const r of rows) {
    const d = String(r['d']);
    const v = r['v'] === null ? null : Number(r['v']);
    if (!seen.has(d) || (seen.get(d) === null && v !== null)) seen.set(d, v);
  }
  const [s] = buildSeries(
    [...seen].map(([time, value]) => ({ time, value })),
    { file, timeColumn: 'date' },
  );
  if (!s || s.frequency !== 'daily') throw new Error(`${name}: not a daily series`);
  return { name, group: 'demo', values: s.values, observed: s.observed };
}

const run = promisify(execFile);

/** Real series from R's installed packages (bench/forecast-data.R); [] without Rscript. */
export async function realSeries(dir: string): Promise<BenchSeries[]> {
  const csv = join(dir, 'real.csv');
  await run('Rscript', [new URL('./forecast-data.R', import.meta.url).pathname, csv]);
  const rows = parseCsv(await readFile(csv, 'utf8'));
  const by = new Map<string, BenchSeries>();
  for (const r of rows) {
    let s = by.get(r['series']!);
    if (!s)
      by.set(
        r['series']!,
        (s = { name: r['series']!, group: r['group']!, values: [], observed: [] }),
      );
    const v = Number(r['value']);
    s.values.push(v);
    s.observed.push(Number.isFinite(v));
  }
  for (const s of by.values())
    if (s.observed.some((o) => !o)) throw new Error(`${s.name}: missing values`);
  return [...by.values()];
}
