import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb } from '#platform/duckdb/duckdb.ts';
import type { DuckDb } from '#platform/ports.ts';
import { quoteLiteral } from '#query/sql.ts';
import { reportTables, tableCsv, type ReportTable } from '#report/csv-tables.ts';
import type { CustomerFinding, ForecastFinding, KpiFinding } from '#report/findings.ts';
import {
  customerFindings,
  forecastFindings,
  groupDifferenceFindings,
  kpiFindings,
  outlierFindings,
  relationshipFindings,
  seriesAnomalyFindings,
  trendFindings,
  type DatasetSection,
  type ReportModel,
} from '#report/model.ts';
import { runDemoPipeline, type DemoRun } from '../helpers/demo-run.ts';
import { reportModel } from '../helpers/report-model.ts';

/** The report's tables as CSV: raw numbers, one table per kind of finding, formulas neutralised. */

const HYPERLINK = '=HYPERLINK("http://x")';

const forecast: ForecastFinding = {
  id: 'forecast:shop:revenue',
  kind: 'forecast',
  dataset: 'shop',
  column: 'revenue',
  aggregation: 'value',
  series: 'revenue',
  timeColumn: 'day',
  frequency: 'daily',
  period: 7,
  points: 730,
  first: '2023-01-01',
  last: '2024-12-30',
  filled: 0,
  notes: [],
  horizon: 2,
  model: 'theta',
  reason: 'theta: lowest mean backtest MASE',
  candidates: [
    { model: 'snaive', mase: 0.954, smape: 9.1, coverage80: 0.8, coverage95: 0.95 },
    { model: 'theta', mase: 0.712, smape: 7.3, coverage80: 0.77, coverage95: 0.94 },
  ],
  forecast: [
    { ds: '2024-12-31', yhat: 1523.4, lo80: 1400.2, hi80: 1650.9, lo95: 1333.3, hi95: 1712 },
    { ds: '2025-01-01', yhat: -12.5, lo80: -40, hi80: 15, lo95: -55.25, hi95: 30 },
  ],
  recent: [],
};

/** Revenue by a dimension whose values a hostile file chose. */
const kpis: KpiFinding = {
  id: 'kpis:shop',
  kind: 'kpis',
  dataset: 'shop',
  timeColumn: 'day',
  first: '2024-01-01',
  last: '2024-12-31',
  valueColumn: 'amount',
  transactions: 6,
  revenue: 1369833.21,
  averageTransactionValue: 228305.535,
  averageItemsPerTransaction: null,
  customers: null,
  repeatCustomers: null,
  repeatPurchaseRate: null,
  retention: [],
  byDimension: [
    {
      column: 'channel',
      values: [
        { value: HYPERLINK, rows: 1, total: 1369845.71, share: 1.0000091 },
        { value: '+1', rows: 1, total: -12.5, share: -0.0000091, change: Infinity },
        { value: '-2+3', rows: 1, total: 0, share: 0 },
        { value: '@SUM(A1)', rows: 1, total: 0, share: 0 },
        { value: '\tcmd', rows: 1, total: 0, share: 0 },
        { value: null, rows: 1, total: 0, share: 0 },
      ],
    },
  ],
};

/** A top customer whose company name and one of whose trait columns are formulas. */
const customers: CustomerFinding = {
  id: 'customers:shop',
  kind: 'customers',
  dataset: 'shop',
  customerColumn: 'customer_id',
  first: '2024-01-01',
  last: '2024-12-31',
  customers: 1,
  historical: { total: 10, median: 10, mean: 10, top10Share: 1 },
  segments: [],
  segmentChoice: { k: 1, reason: '', candidates: [], silhouetteRows: 1, constantFeatures: [] },
  drivers: [],
  notes: [],
  top: [
    {
      customer: 'C1',
      value: 10,
      purchaseDays: 2,
      lastPurchase: '2024-12-01',
      segment: 'Loyal',
      predictedValue: null,
      probabilityAlive: null,
      traits: { company_name: HYPERLINK, '@SUM(A1)': '-12.5', value: 'x' },
    },
  ],
};

const shop: DatasetSection = {
  dataset: 'shop',
  kind: 'events',
  contractVersion: 1,
  files: [
    {
      sourceKey: 'incoming/shop/a.csv',
      checksum: 'abc123',
      rowsRead: 10,
      rowsCurated: 8,
      rowsQuarantined: 2,
      warnings: ['read as Windows-1252', 'dates read as day first'],
    },
  ],
  rowsRead: 10,
  rowsCurated: 8,
  rowsQuarantined: 2,
  rowsAnalyzed: 8,
  rejections: [{ column: 'amount', reason: 'not a number', rows: 2 }],
  quarantineSamples: [],
  columns: [],
};

const model = (findings: ReportModel['findings'], extra: Partial<ReportModel> = {}): ReportModel =>
  reportModel({ findings, ...extra });

const named = (tables: ReportTable[], name: string) => {
  const table = tables.find((t) => t.name === name);
  expect(table, name).toBeDefined();
  return table!;
};
const lines = (...records: string[]) => records.map((r) => `${r}\r\n`).join('');

describe('reportTables on a model made by hand', () => {
  it('gives only the tables that have rows', () => {
    expect(reportTables(model([]))).toEqual([]);
    expect(reportTables(model([forecast])).map((t) => t.name)).toEqual([
      'forecasts',
      'forecast-accuracy',
      'forecast-candidates',
    ]);
  });

  it('writes the forecasts in long format with raw numbers, after a byte order mark', () => {
    const table = named(reportTables(model([forecast])), 'forecasts');
    expect(tableCsv(table)).toBe(
      '\uFEFF' +
        lines(
          'dataset,series,date,forecast,lo80,hi80,lo95,hi95',
          'shop,revenue,2024-12-31,1523.4,1400.2,1650.9,1333.3,1712',
          'shop,revenue,2025-01-01,-12.5,-40,15,-55.25,30',
        ),
    );
    expect(tableCsv(table, { bom: false })).not.toMatch(/^\uFEFF/);
  });

  it('neutralises formulas in values a file chose, keeps numbers, and empties non-finite ones', () => {
    const tables = reportTables(model([kpis]));
    expect(tables.map((t) => t.name)).toEqual(['kpis', 'kpi-by-dimension']);
    expect(tableCsv(named(tables, 'kpi-by-dimension'), { bom: false })).toBe(
      lines(
        'dataset,dimension,entity,value,rows,revenue,share,recent revenue,prior revenue,change,recent from,recent to (exclusive),prior from',
        `shop,channel,,"'=HYPERLINK(""http://x"")",1,1369845.71,1.0000091,,,,,,`,
        // `+1` stays: csv-export leaves a plain number as it is (a spreadsheet reads 1, runs nothing).
        'shop,channel,,+1,1,-12.5,-0.0000091,,,,,,',
        "shop,channel,,'-2+3,1,0,0,,,,,,",
        "shop,channel,,'@SUM(A1),1,0,0,,,,,,",
        "shop,channel,,'\tcmd,1,0,0,,,,,,",
        'shop,channel,,,1,0,0,,,,,,',
      ),
    );
    expect(tableCsv(named(tables, 'kpis'), { bom: false })).toBe(
      lines(
        'dataset,from,to,kpi,value,definition',
        'shop,2024-01-01,2024-12-31,Revenue,1369833.21,sum of amount',
        'shop,2024-01-01,2024-12-31,Transactions,6,rows of the dataset',
        'shop,2024-01-01,2024-12-31,Average transaction value,228305.535,revenue / transactions',
      ),
    );
  });

  it('neutralises a column name used as a header, and a company name among the traits', () => {
    const table = named(reportTables(model([customers])), 'top-customers');
    const [header, row] = tableCsv(table, { bom: false }).split('\r\n');
    expect(header).toBe(
      "dataset,customer,value,purchase days,last purchase,segment,predicted value,probability active,company_name,'@SUM(A1),value (trait)",
    );
    expect(row).toBe(`shop,C1,10,2,2024-12-01,Loyal,,,"'=HYPERLINK(""http://x"")",-12.5,x`);
  });

  it("lists every file, a skipped dataset's too, with its checksum, rows and problems", () => {
    const m = model([], {
      datasets: [shop],
      skippedDatasets: [
        {
          dataset: 'returns',
          reason: 'no file could be ingested',
          fileErrors: [{ sourceKey: 'incoming/returns/r.csv', error: 'the file is empty' }],
          fileWarnings: [{ sourceKey: 'incoming/returns/r.csv', warnings: ['read as UTF-16'] }],
        },
      ],
    });
    const tables = reportTables(m);
    expect(tables.map((t) => t.name)).toEqual([
      'datasets',
      'data-quality',
      'quarantine-reasons',
      'skipped-datasets',
    ]);
    expect(tableCsv(named(tables, 'data-quality'), { bom: false })).toBe(
      lines(
        'dataset,file,checksum,rows read,rows curated,rows quarantined,file error,warnings,ignored columns',
        'shop,incoming/shop/a.csv,abc123,10,8,2,,read as Windows-1252; dates read as day first,',
        'returns,incoming/returns/r.csv,,,,,the file is empty,read as UTF-16,',
      ),
    );
  });
});

describe("reportTables on the demo run's report.json", () => {
  let run: DemoRun;
  let tables: ReportTable[];
  let duck: DuckDb;
  const rows = (name: string) => named(tables, name).rows.length;
  const sum = <T>(items: T[], count: (item: T) => number) =>
    items.reduce((n, item) => n + count(item), 0);

  beforeAll(async () => {
    run = await runDemoPipeline('csv-tables');
    tables = reportTables(run.report);
    duck = await openDuckDb();
  });
  afterAll(async () => {
    duck?.close();
    if (run) await rm(run.dir, { recursive: true, force: true });
  });

  it('has every kind of table, each with a unique file name', () => {
    const names = tables.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(names).toEqual(
      expect.arrayContaining([
        'kpis',
        'kpi-growth',
        'retention',
        'kpi-by-dimension',
        'customer-value',
        'segments',
        'lifetime-value-holdout',
        'value-drivers',
        'top-customers',
        'forecasts',
        'forecast-accuracy',
        'anomalies',
        'outliers',
        'monthly-trends',
        'relationships',
        'group-differences',
        'datasets',
        'columns',
        'data-quality',
        'quarantine-reasons',
      ]),
    );
  });

  it('gives every row its columns, and no NaN, Infinity or undefined', () => {
    for (const t of tables) {
      expect(t.rows.length, t.name).toBeGreaterThan(0);
      expect(new Set(t.columns).size, t.name).toBe(t.columns.length);
      for (const row of t.rows) expect(row, t.name).toHaveLength(t.columns.length);
      expect(tableCsv(t), t.name).not.toMatch(/NaN|Infinity|undefined|\[object Object\]/);
    }
  });

  it('has as many rows as the model has instances', () => {
    const r = run.report;
    expect(rows('forecasts')).toBe(sum(forecastFindings(r), (f) => f.forecast.length));
    expect(rows('forecast-accuracy')).toBe(forecastFindings(r).length);
    expect(rows('anomalies')).toBe(sum(seriesAnomalyFindings(r), (f) => f.anomalies.length));
    expect(rows('outliers')).toBe(sum(outlierFindings(r), (f) => f.examples.length));
    expect(rows('monthly-trends')).toBe(
      sum(trendFindings(r), (f) => f.months.length + f.missingMonths.length),
    );
    expect(rows('kpi-by-dimension')).toBe(
      sum(kpiFindings(r), (f) => sum(f.byDimension, (d) => d.values.length)),
    );
    expect(rows('segments')).toBe(sum(customerFindings(r), (f) => f.segments.length));
    expect(rows('top-customers')).toBe(sum(customerFindings(r), (f) => f.top.length));
    expect(rows('relationships')).toBe(sum(relationshipFindings(r), (f) => f.pairs.length));
    expect(rows('group-differences')).toBe(sum(groupDifferenceFindings(r), (f) => f.tests.length));
    expect(rows('data-quality')).toBe(sum(r.datasets, (d) => d.files.length));
    expect(rows('quarantine-reasons')).toBe(sum(r.datasets, (d) => d.rejections.length));
  });

  it("keeps the model's numbers as they are, not as the Markdown formats them", () => {
    const kpi = kpiFindings(run.report)[0]!;
    expect(tableCsv(named(tables, 'kpis'))).toContain(
      `\r\n${kpi.dataset},${kpi.first},${kpi.last},Revenue,${kpi.revenue},sum of ${kpi.valueColumn}\r\n`,
    );
    const step = forecastFindings(run.report)[0]!.forecast[0]!;
    expect(named(tables, 'forecasts').rows[0]!.slice(2)).toEqual([
      step.ds,
      step.yhat,
      step.lo80,
      step.hi80,
      step.lo95,
      step.hi95,
    ]);
  });

  it('reads back with a CSV reader: the header as written, a record per row', async () => {
    for (const t of tables) {
      const path = join(run.dir, `${t.name}.csv`);
      await writeFile(path, tableCsv(t));
      const back = await duck.all(
        `SELECT * FROM read_csv(${quoteLiteral(path)}, header = true, all_varchar = true,
           delim = ',', quote = '"', escape = '"')`,
      );
      expect(back, t.name).toHaveLength(t.rows.length);
      expect(Object.keys(back[0]!), t.name).toEqual(t.columns);
    }
  });
});
