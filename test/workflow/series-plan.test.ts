import { afterEach, describe, expect, it } from 'vitest';
import { ingestObject } from '#ingest/ingest.ts';
import type { LocalQueryEngine } from '#platform/local/duckdb-query-engine.ts';
import { localRuntime, type LocalRuntime } from '#platform/local/runtime.ts';
import type {
  AnalysisOutput,
  ForecastFinding,
  OutlierFinding,
  SeriesAnomalyFinding,
} from '#report/findings.ts';
import { aggregateRun, readJson, type RunAggregates } from '#workflow/aggregate.ts';
import { runAnalysis } from '#workflow/analyze.ts';
import { planRun, type RunPlan } from '#workflow/plan.ts';
import { smallLake } from '../helpers/small-lake.ts';

/** Plan, Aggregate and Analyze of the time-series analyses, step by step on a small lake. */

let runtime: LocalRuntime | undefined;
afterEach(() => runtime?.close());

/** The small lake (65 days of orders, one huge) and a customers dataset (entities) with dates. */
async function lake(): Promise<LocalRuntime> {
  const { root } = await smallLake();
  runtime = await localRuntime({ lake: root });
  const key = 'incoming/customers/customers.csv';
  const rows = Array.from(
    { length: 60 },
    (_, i) => `C${100 + i},2024-01-${String((i % 28) + 1).padStart(2, '0')},${100 + i}`,
  );
  await runtime.store.put(key, `customer_id,signup_date,spend\n${rows.join('\n')}\n`);
  await ingestObject(
    {
      store: runtime.store,
      catalog: runtime.catalog,
      duck: await runtime.duck(),
      clock: runtime.clock,
      workDir: runtime.workDir,
    },
    { key },
  );
  // DuckDB's views are made from the lake as it is when the run starts, as runReportWorkflow does.
  await (runtime.engine as Partial<LocalQueryEngine>).refresh?.();
  return runtime;
}

async function steps(rt: LocalRuntime, input: Record<string, unknown> = {}) {
  const deps = { store: rt.store, engine: rt.engine };
  const { planKey, analyses } = await planRun(
    { store: rt.store, catalog: rt.catalog },
    { runId: 'r1', startedAt: '2024-03-06T00:00:00Z', input },
  );
  const { aggregatesKey } = await aggregateRun(deps, { runId: 'r1', planKey });
  const run = async (id: string) => {
    const analysis = analyses.find((a) => a.id === id)!;
    const out = await runAnalysis(deps, { runId: 'r1', planKey, aggregatesKey, analysis });
    return readJson<AnalysisOutput>(rt.store, out.findingsKey);
  };
  return { planKey, aggregatesKey, analyses, run };
}

describe('the time-series analyses in the workflow', () => {
  it('plans forecasts and anomalies for events and time series, never for entities', async () => {
    const rt = await lake();
    const { analyses, aggregatesKey } = await steps(rt);
    const customers = await rt.catalog.getContract('customers');
    expect(customers?.kind).toBe('entities');
    expect(analyses.map((a) => a.id).sort()).toEqual([
      'anomalies-orders',
      'customers-orders',
      'forecast-orders',
      'group-differences',
      'kpis-orders',
      'monthly-trends-orders',
      'outliers-customers',
      'outliers-orders',
      'relationships',
    ]);
    const aggregates = await readJson<RunAggregates>(rt.store, aggregatesKey);
    expect(aggregates.datasets['orders']?.seriesKey).toBe('runs/r1/series/orders.json');
    expect(aggregates.datasets['customers']?.seriesKey).toBeUndefined();
  });

  it('forecasts the daily aggregates of events at the horizon of the run input', async () => {
    const rt = await lake();
    const { run, planKey } = await steps(rt, { forecastHorizon: 3 });
    expect((await readJson<RunPlan>(rt.store, planKey)).forecast).toEqual({
      horizon: 3,
      origins: 5,
    });
    const output = await run('forecast-orders');
    const findings = output.findings as ForecastFinding[];
    expect(findings.map((f) => [f.series, f.aggregation])).toEqual([
      ['events per day', 'count'],
      ['amount (sum per day)', 'sum'],
    ]);
    for (const f of findings) {
      expect(f.points).toBe(65);
      expect(f.forecast.map((r) => r.ds)).toEqual(['2024-03-06', '2024-03-07', '2024-03-08']);
      expect(f.backtest).toMatchObject({ origins: 5, scored: 15 });
    }
  });

  it('finds the huge order on its date in the daily sums, as the IQR rule finds its row', async () => {
    const rt = await lake();
    const { run } = await steps(rt);
    const anomalies = (await run('anomalies-orders')).findings as SeriesAnomalyFinding[];
    const amount = anomalies.find((f) => f.series === 'amount (sum per day)')!;
    expect(amount.anomalies.find((a) => a.date === '2024-01-18')).toMatchObject({
      value: 5000,
      direction: 'high',
    });
    expect(amount.tests).toBeGreaterThan(0);
    const outliers = (await run('outliers-orders')).findings as OutlierFinding[];
    expect(outliers[0]?.examples[0]).toMatchObject({ id: 'O017', value: 5000 });
  });

  it('refuses a forecast horizon that is not a whole number of periods', async () => {
    const rt = await lake();
    await expect(steps(rt, { forecastHorizon: 0 })).rejects.toThrow(
      /forecastHorizon must be a whole number from 1 to 366, not 0/,
    );
    await expect(steps(rt, { forecastHorizon: '2.5' })).rejects.toThrow(/not "2.5"/);
  });
});
