import type { BlobStore, QueryEngine } from '#platform/ports.ts';
import { meteredEngine, scopedEngine, type StepUsage } from '#platform/metered-engine.ts';
import { discoverJoins, type JoinKey } from '#query/joins.ts';
import { discoverSeries, seriesSpecs, type SeriesDiscovery } from '#analysis/series-discovery.ts';
import {
  dailyTotals,
  measureQuartiles,
  profileDataset,
  timeCoverage,
  type DatasetProfile,
  type MeasureQuartiles,
  type TimeCoverage,
} from '#query/aggregates.ts';
import type { RunPlan } from './plan.ts';
import { runKeys } from './run-keys.ts';

export interface DatasetAggregates {
  profile: DatasetProfile;
  quartiles: MeasureQuartiles[];
  /** The span and spacing of the time column, where the dataset has one with values. */
  coverage?: TimeCoverage;
  /** Where its regular series are (`SeriesDiscovery`), where it may have any. */
  seriesKey?: string;
}

export interface RunAggregates {
  runId: string;
  datasets: Record<string, DatasetAggregates>;
  /** Which columns of events name which entities (checked by value overlap). */
  joins: JoinKey[];
  /** What the aggregate step used, for the run's record and its cost estimate. */
  usage: StepUsage;
}

/**
 * The shared SQL of a run: one profile scan and one quartile scan per dataset, and for
 * datasets with a time column that are not entities, one scan of daily totals made into
 * regular series (series discovery), stored beside the aggregates for the time-series analyses;
 * and the joins of events to entities, found by names and value overlap.
 */
export async function aggregateRun(
  deps: { store: BlobStore; engine: QueryEngine },
  input: { runId: string; planKey: string },
): Promise<{ aggregatesKey: string }> {
  const metered = meteredEngine(deps.engine);
  const plan = await readJson<RunPlan>(deps.store, input.planKey);
  const engine = scopedEngine(metered.engine, plan.dataVersion);
  const datasets: Record<string, DatasetAggregates> = {};
  for (const d of plan.datasets) {
    const profile = await profileDataset(engine, d.contract);
    const quartiles = await measureQuartiles(engine, d.contract, d.measures);
    const coverage = d.contract.timeColumn
      ? await timeCoverage(engine, d.contract, d.contract.timeColumn)
      : undefined;
    const specs = seriesSpecs(d.contract, d.measures);
    let seriesKey: string | undefined;
    if (specs.length > 0 && coverage && d.contract.timeColumn) {
      const days = await dailyTotals(engine, d.contract, d.contract.timeColumn, d.measures);
      const discovery: SeriesDiscovery = discoverSeries(d.contract, specs, days);
      seriesKey = runKeys(input.runId).series(d.dataset);
      await deps.store.put(seriesKey, JSON.stringify(discovery), 'application/json');
    }
    datasets[d.dataset] = {
      profile,
      quartiles,
      ...(coverage ? { coverage } : {}),
      ...(seriesKey ? { seriesKey } : {}),
    };
  }
  const joins = await discoverJoins(
    engine,
    plan.datasets.map((d) => d.contract),
  );
  const aggregatesKey = runKeys(input.runId).aggregates;
  const aggregates: RunAggregates = {
    runId: input.runId,
    datasets,
    joins,
    usage: metered.usage(),
  };
  await deps.store.put(aggregatesKey, JSON.stringify(aggregates, null, 2), 'application/json');
  return { aggregatesKey };
}

export async function readJson<T>(store: BlobStore, key: string): Promise<T> {
  return JSON.parse(await store.getText(key)) as T;
}
