import { createHash } from 'node:crypto';
import type { BlobStore, Catalog, Contract, Manifest } from '#platform/ports.ts';
import { lakeKeys } from '#ingest/lake-keys.ts';
import { seriesSpecs } from '#analysis/series-discovery.ts';
import { ConfigError } from '#platform/errors.ts';
import { runKeys } from './run-keys.ts';

export type AnalysisKind =
  | 'outliers'
  | 'monthly_trends'
  | 'forecast'
  | 'anomalies'
  | 'kpis'
  | 'customers'
  | 'relationships'
  | 'group_differences';

export interface AnalysisTask {
  id: string;
  kind: AnalysisKind;
  /** The dataset analysed; `*` for an analysis over the whole run (relationships). */
  dataset: string;
}

/** What each input file contributed, from its latest manifest. */
export interface InputSummary {
  sourceKey: string;
  checksum: string;
  contractVersion: number;
  rowsRead: number;
  rowsCurated: number;
  rowsQuarantined: number;
  rejections: Manifest['rejections'];
  fileError?: string;
  ignoredColumns?: string[];
  /** How the file was read, when a person should know (manifest warnings). */
  warnings?: string[];
  quarantineKey: string;
}

export interface DatasetPlan {
  dataset: string;
  contract: Contract;
  measures: string[];
  inputs: InputSummary[];
}

export interface RunPlan {
  runId: string;
  startedAt: string;
  trigger: string;
  datasets: DatasetPlan[];
  /** Datasets in the lake that cannot be analysed, why, and their files. */
  skipped: { dataset: string; reason: string; inputs: InputSummary[] }[];
  /**
   * SHA-256 of what the run reads: each dataset's contract and its inputs' checksums. Two
   * runs with the same data version see the same data, so their queries may share results.
   */
  dataVersion: string;
  analyses: AnalysisTask[];
  /** How far ahead forecasts go, and the backtest origins of the whole procedure. */
  forecast: ForecastSettings;
}

export interface ForecastSettings {
  /** Steps (days, weeks or months, as the series is spaced) ahead. @default 7 */
  horizon: number;
  /** Rolling origins of the backtest of the whole procedure. @default 5 */
  origins: number;
}

export const DEFAULT_FORECAST: ForecastSettings = { horizon: 7, origins: 5 };

/** The longest forecast horizon a run accepts. */
const MAX_HORIZON = 366;

/** What the Plan state passes: the execution's name and start, and the execution input. */
export interface PlanInput {
  runId: string;
  startedAt: string;
  /**
   * `{ "trigger": "schedule" }` from the scheduler; anything, or nothing, from a manual start.
   * `forecastHorizon` (a whole number of periods, 1 to 366) sets how far forecasts go.
   */
  input?: { trigger?: unknown; forecastHorizon?: unknown };
}

/** The Plan state's output: small, because Step Functions payloads stop at 256 KB. */
export interface PlanOutput {
  runId: string;
  planKey: string;
  analyses: AnalysisTask[];
}

/** Decides which datasets and analyses this run has, from the catalog and the manifests. */
export async function planRun(
  deps: { store: BlobStore; catalog: Catalog },
  input: PlanInput,
): Promise<PlanOutput> {
  const keys = runKeys(input.runId);
  const datasets: DatasetPlan[] = [];
  const skipped: RunPlan['skipped'] = [];
  // Every dataset that has a contract or at least one manifest: a dataset whose files all
  // failed (an empty first upload) has no contract, and the report must still say so.
  for (const dataset of await datasetsInLake(deps)) {
    const contract = await deps.catalog.getContract(dataset);
    const inputs = await latestInputs(deps.store, dataset);
    const curated = inputs.reduce((sum, i) => sum + i.rowsCurated, 0);
    if (!contract || curated === 0) {
      skipped.push({
        dataset,
        reason:
          inputs.length === 0 ? 'no file has been ingested' : 'no valid rows have been ingested',
        inputs,
      });
      continue;
    }
    const measures = contract.columns.filter((c) => c.role === 'measure').map((c) => c.name);
    datasets.push({ dataset, contract, measures, inputs });
  }
  const analyses = [...datasets.flatMap(analysesFor), ...runAnalyses(datasets)];
  const trigger = typeof input.input?.trigger === 'string' ? input.input.trigger : 'manual';
  const plan: RunPlan = {
    runId: input.runId,
    startedAt: input.startedAt,
    trigger,
    datasets,
    skipped,
    dataVersion: dataVersion(datasets),
    analyses,
    forecast: { ...DEFAULT_FORECAST, horizon: forecastHorizon(input.input?.forecastHorizon) },
  };
  await deps.store.put(keys.plan, JSON.stringify(plan, null, 2), 'application/json');
  return { runId: input.runId, planKey: keys.plan, analyses };
}

/** The fingerprint of the data a run reads: contracts (views derive from them) and input checksums. */
export function dataVersion(datasets: readonly DatasetPlan[]): string {
  const hash = createHash('sha256');
  for (const d of datasets) {
    hash.update(JSON.stringify([d.dataset, d.contract]));
    for (const i of d.inputs) hash.update(JSON.stringify([i.sourceKey, i.checksum]));
  }
  return hash.digest('hex');
}

/** Analyses follow from the dataset's kind and roles, never from its name. */
function analysesFor(d: DatasetPlan): AnalysisTask[] {
  const tasks: AnalysisTask[] = [];
  if (d.measures.length > 0) {
    tasks.push({ id: `outliers-${d.dataset}`, kind: 'outliers', dataset: d.dataset });
  }
  if (d.contract.kind !== 'entities' && d.contract.timeColumn && d.measures.length > 0) {
    tasks.push({ id: `monthly-trends-${d.dataset}`, kind: 'monthly_trends', dataset: d.dataset });
  }
  if (d.contract.kind === 'events' && d.contract.timeColumn) {
    tasks.push({ id: `kpis-${d.dataset}`, kind: 'kpis', dataset: d.dataset });
    tasks.push({ id: `customers-${d.dataset}`, kind: 'customers', dataset: d.dataset });
  }
  // Time series and events (their daily aggregates); never entities.
  if (seriesSpecs(d.contract, d.measures).length > 0) {
    tasks.push({ id: `anomalies-${d.dataset}`, kind: 'anomalies', dataset: d.dataset });
    tasks.push({ id: `forecast-${d.dataset}`, kind: 'forecast', dataset: d.dataset });
  }
  return tasks;
}

/**
 * Analyses over the whole run, whose multiple-testing corrections count every test of the
 * run: predictive relationships between the series of any dataset that has two or more,
 * and group differences of measures by dimensions.
 */
function runAnalyses(datasets: DatasetPlan[]): AnalysisTask[] {
  const tasks: AnalysisTask[] = [];
  if (datasets.some((d) => seriesSpecs(d.contract, d.measures).length >= 2))
    tasks.push({ id: 'relationships', kind: 'relationships', dataset: RUN });
  // Measures by dimensions: an entity's own, or an event's value by its and its entities'.
  if (datasets.some((d) => d.measures.length > 0 && d.contract.kind !== 'time_series'))
    tasks.push({ id: 'group-differences', kind: 'group_differences', dataset: RUN });
  return tasks;
}

/** The `dataset` of an analysis over the whole run. */
export const RUN = '*';

/** The run input's `forecastHorizon`, or the default; anything else stops the run with why. */
function forecastHorizon(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_FORECAST.horizon;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_HORIZON)
    throw new ConfigError(
      `forecastHorizon must be a whole number from 1 to ${MAX_HORIZON}, not ${JSON.stringify(value)}`,
    );
  return n;
}

async function datasetsInLake(deps: { store: BlobStore; catalog: Catalog }): Promise<string[]> {
  const fromManifests = (await deps.store.list('manifests/'))
    .map((o) => /^manifests\/([^/]+)\//.exec(o.key)?.[1])
    .filter((d): d is string => d !== undefined);
  return [...new Set([...(await deps.catalog.listDatasets()), ...fromManifests])].sort();
}

/** One manifest per source key: a newer version of a file replaces the older one. */
async function latestInputs(store: BlobStore, dataset: string): Promise<InputSummary[]> {
  const latest = new Map<string, Manifest>();
  for (const object of await store.list(`manifests/${dataset}/`)) {
    if (!object.key.endsWith('.json')) continue;
    const manifest = JSON.parse(await store.getText(object.key)) as Manifest;
    const seen = latest.get(manifest.sourceKey);
    if (!seen || seen.ingestedAt < manifest.ingestedAt) latest.set(manifest.sourceKey, manifest);
  }
  return [...latest.values()]
    .sort((a, b) => a.sourceKey.localeCompare(b.sourceKey))
    .map((m) => ({
      sourceKey: m.sourceKey,
      checksum: m.checksum,
      contractVersion: m.contractVersion,
      rowsRead: m.rowsRead,
      rowsCurated: m.rowsCurated,
      rowsQuarantined: m.rowsQuarantined,
      rejections: m.rejections,
      ...(m.fileError ? { fileError: m.fileError } : {}),
      ...(m.ignoredColumns?.length ? { ignoredColumns: m.ignoredColumns } : {}),
      ...(m.warnings?.length ? { warnings: m.warnings } : {}),
      quarantineKey: lakeKeys.quarantine(dataset, m.sourceId),
    }));
}
