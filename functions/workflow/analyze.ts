import { analyseCustomers } from '#analysis/customers/analysis.ts';
import type { EventsInput } from '#analysis/events-input.ts';
import { computeKpis } from '#analysis/kpis.ts';
import { groupDifferences } from '#analysis/groups/report-run.ts';
import { relationshipFinding } from '#analysis/relationships/report-run.ts';
import { findOutliers } from '#analysis/outliers.ts';
import { forecastFindings, seriesAnomalyFindings } from '#analysis/series-analyses.ts';
import type { SeriesDiscovery } from '#analysis/series-discovery.ts';
import { monthlyTrends } from '#analysis/trends.ts';
import type { BlobStore, QueryEngine } from '#platform/ports.ts';
import { meteredEngine, scopedEngine } from '#platform/metered-engine.ts';
import { explainIncidents } from '#analysis/drivers/attach.ts';
import { monthlyTotals } from '#query/aggregates.ts';
import type { AnalysisOutput, SeriesAnomalyFinding } from '#report/findings.ts';
import { readJson, type RunAggregates } from './aggregate.ts';
import { RUN, type AnalysisTask, type RunPlan } from './plan.ts';
import { runKeys } from './run-keys.ts';

export interface AnalyzeInput {
  runId: string;
  planKey: string;
  aggregatesKey: string;
  analysis: AnalysisTask;
}

export interface AnalyzeOutput {
  analysisId: string;
  status: 'ok' | 'not_computed';
  findingsKey: string;
}

/** One item of the Map state: runs one analysis and stores its findings in the lake. */
export async function runAnalysis(
  given: { store: BlobStore; engine: QueryEngine },
  input: AnalyzeInput,
): Promise<AnalyzeOutput> {
  const metered = meteredEngine(given.engine);
  const [plan, aggregates] = await Promise.all([
    readJson<RunPlan>(given.store, input.planKey),
    readJson<RunAggregates>(given.store, input.aggregatesKey),
  ]);
  const deps = { store: given.store, engine: scopedEngine(metered.engine, plan.dataVersion) };
  const { analysis } = input;
  const output: AnalysisOutput = {
    analysisId: analysis.id,
    kind: analysis.kind,
    dataset: analysis.dataset,
    findings: [],
  };
  if (analysis.dataset === RUN) {
    await runAnalysisOfRun(deps, analysis, plan, aggregates, output);
    return store(deps.store, input.runId, { ...output, usage: metered.usage() });
  }
  const dataset = plan.datasets.find((d) => d.dataset === analysis.dataset);
  const stats = aggregates.datasets[analysis.dataset];
  if (!dataset || !stats)
    throw new Error(`Dataset ${analysis.dataset} is not in the plan of run ${input.runId}`);

  const discovery = stats.seriesKey
    ? await readJson<SeriesDiscovery>(deps.store, stats.seriesKey)
    : undefined;

  switch (analysis.kind) {
    case 'outliers':
      output.findings = await findOutliers(
        deps.engine,
        dataset.contract,
        stats.quartiles,
        stats.profile,
        discovery?.series.filter((d) => d.aggregation === 'value').map((d) => d.column!) ?? [],
      );
      break;
    case 'forecast':
    case 'anomalies': {
      if (!discovery) {
        output.notComputed = 'the dataset has no time column with values';
        break;
      }
      const result =
        analysis.kind === 'forecast'
          ? forecastFindings(discovery, plan.forecast)
          : seriesAnomalyFindings(discovery);
      if (analysis.kind === 'anomalies') {
        const source = {
          engine: deps.engine,
          contract: dataset.contract,
          joins: aggregates.joins ?? [],
          contracts: plan.datasets.map((d) => d.contract),
        };
        for (const f of result.findings as SeriesAnomalyFinding[])
          await explainIncidents(source, f);
      }
      output.findings = result.findings;
      if (result.findings.length === 0)
        output.notComputed =
          result.notComputed.join('; ') || 'no measure of the dataset is a regular time series';
      else if (result.notComputed.length > 0) output.notComputedParts = result.notComputed;
      break;
    }
    case 'kpis':
    case 'customers': {
      if (!dataset.contract.timeColumn || !stats.coverage) {
        output.notComputed = 'the dataset has no time column with values';
        break;
      }
      const events: EventsInput = {
        engine: deps.engine,
        contract: dataset.contract,
        measures: dataset.measures,
        coverage: stats.coverage,
        joins: aggregates.joins ?? [],
        contracts: plan.datasets.map((d) => d.contract),
      };
      if (analysis.kind === 'kpis') {
        output.findings = [await computeKpis(events)];
        break;
      }
      const { finding, notComputed } = await analyseCustomers(events);
      if (finding) output.findings = [finding];
      if (notComputed) output.notComputed = notComputed;
      break;
    }
    case 'monthly_trends': {
      const timeColumn = dataset.contract.timeColumn;
      if (!timeColumn || !stats.coverage) {
        output.notComputed = 'the dataset has no time column with values';
        break;
      }
      const points = await monthlyTotals(
        deps.engine,
        dataset.contract,
        timeColumn,
        dataset.measures,
      );
      output.findings = monthlyTrends(
        analysis.dataset,
        timeColumn,
        dataset.measures,
        points,
        stats.coverage,
      );
      if (output.findings.length === 0) output.notComputed = 'fewer than two full months of data';
      break;
    }
    default:
      throw new Error(`Unknown analysis kind ${JSON.stringify((analysis as AnalysisTask).kind)}`);
  }
  return store(deps.store, input.runId, { ...output, usage: metered.usage() });
}

/** An analysis over every dataset of the run, whose corrections count every test it ran. */
async function runAnalysisOfRun(
  { store, engine }: { store: BlobStore; engine: QueryEngine },
  analysis: AnalysisTask,
  plan: RunPlan,
  aggregates: RunAggregates,
  output: AnalysisOutput,
): Promise<void> {
  switch (analysis.kind) {
    case 'relationships': {
      const discoveries = await Promise.all(
        Object.values(aggregates.datasets)
          .flatMap((d) => (d.seriesKey ? [d.seriesKey] : []))
          .map((key) => readJson<SeriesDiscovery>(store, key)),
      );
      const { finding, notComputed } = relationshipFinding(discoveries);
      if (finding) output.findings = [finding];
      else output.notComputed = notComputed.join('; ') || 'no dataset has two regular series';
      if (finding && notComputed.length > 0) output.notComputedParts = notComputed;
      break;
    }
    case 'group_differences': {
      const { finding, notComputed } = await groupDifferences(
        engine,
        plan.datasets.map((d) => ({ contract: d.contract, measures: d.measures })),
        aggregates.joins ?? [],
      );
      if (finding) output.findings = [finding];
      else
        output.notComputed = notComputed.join('; ') || 'no measure has a dimension worth testing';
      if (finding && notComputed.length > 0) output.notComputedParts = notComputed;
      break;
    }
    default:
      throw new Error(`Analysis ${analysis.kind} does not run over the whole run`);
  }
}

async function store(
  blobs: BlobStore,
  runId: string,
  output: AnalysisOutput,
): Promise<AnalyzeOutput> {
  const findingsKey = runKeys(runId).findings(output.analysisId);
  await blobs.put(findingsKey, JSON.stringify(output, null, 2), 'application/json');
  return {
    analysisId: output.analysisId,
    status: output.notComputed ? 'not_computed' : 'ok',
    findingsKey,
  };
}
