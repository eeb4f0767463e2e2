import type { BlobStore, Clock } from '#platform/ports.ts';
import { NotFoundError } from '#platform/errors.ts';
import type { AnalysisOutput, Finding } from '#report/findings.ts';
import { renderReport } from '#report/render.ts';
import { estimateCost, type StepRecord } from '#report/cost.ts';
import {
  type DatasetSection,
  type NotComputed,
  type QuarantineSample,
  type ReportModel,
} from '#report/model.ts';
import { redactModel } from '#report/redact.ts';
import { coverageLine, executiveSummary } from '#report/summary.ts';
import { firstActionOn, headlines } from '#report/narrative/markdown.ts';
import { narrate } from '#report/narrative/rank.ts';
import { scrubNarration } from '#report/narrative/scrub.ts';
import { readJson, type RunAggregates } from './aggregate.ts';
import type { DatasetPlan, InputSummary, RunPlan } from './plan.ts';
import { describeFailure, type Highlight } from './notify.ts';
import { publishReport } from './publish.ts';
import { runKeys } from './run-keys.ts';

/** How many quarantined rows per dataset the report lists (all are in quarantine/). */
const QUARANTINE_SAMPLES = 10;

/** What the Map state returns per analysis: a findings pointer, or the error it caught. */
export type AnalysisResult =
  | { analysisId: string; status: 'ok' | 'not_computed'; findingsKey: string }
  | { analysisId: string; status: 'failed'; error: { Error?: string; Cause?: string } };

export interface AssembleInput {
  runId: string;
  planKey: string;
  aggregatesKey: string;
  results: AnalysisResult[];
}

/**
 * Collects the findings of a run, tells them as ranked narratives, and writes the report:
 * `report.json`, `report.md`, `report.html` and its tables as CSV. Returns what the email says.
 */
export async function assembleReport(
  deps: { store: BlobStore; clock: Clock },
  input: AssembleInput,
): Promise<{ reportKey: string; coverage: string; highlights: Highlight[] }> {
  const started = performance.now();
  const keys = runKeys(input.runId);
  const [plan, aggregates] = await Promise.all([
    readJson<RunPlan>(deps.store, input.planKey),
    readJson<RunAggregates>(deps.store, input.aggregatesKey),
  ]);
  const findings: Finding[] = [];
  const notComputed: NotComputed[] = [];
  const steps: StepRecord[] = aggregates.usage ? [{ step: 'aggregate', ...aggregates.usage }] : [];
  for (const result of input.results) {
    const task = plan.analyses.find((a) => a.id === result.analysisId);
    const dataset = task?.dataset ?? '';
    if (result.status === 'failed') {
      notComputed.push({
        analysisId: result.analysisId,
        dataset,
        reason: failureReason(result.error),
      });
      continue;
    }
    const output = await readJson<AnalysisOutput>(deps.store, result.findingsKey);
    findings.push(...output.findings);
    if (output.usage)
      steps.push({ step: 'analyze', analysisId: result.analysisId, ...output.usage });
    if (output.notComputed)
      notComputed.push({ analysisId: result.analysisId, dataset, reason: output.notComputed });
    for (const reason of output.notComputedParts ?? [])
      notComputed.push({ analysisId: result.analysisId, dataset, reason });
  }

  const datasets = await Promise.all(
    plan.datasets.map((d) => datasetSection(deps.store, d, aggregates)),
  );
  const built: ReportModel = {
    schemaVersion: 1,
    run: {
      runId: plan.runId,
      trigger: plan.trigger,
      startedAt: plan.startedAt,
      generatedAt: deps.clock.now().toISOString(),
      steps: [],
      cost: estimateCost([]),
    },
    summary: [],
    narratives: [],
    recommendations: [],
    datasets,
    skippedDatasets: plan.skipped.map((s) => {
      const fileWarnings = s.inputs.flatMap((i) => {
        const list = warningsOf(i);
        return list ? [{ sourceKey: i.sourceKey, warnings: list }] : [];
      });
      return {
        dataset: s.dataset,
        reason: s.reason,
        fileErrors: s.inputs.flatMap((i) =>
          i.fileError ? [{ sourceKey: i.sourceKey, error: i.fileError }] : [],
        ),
        ...(fileWarnings.length ? { fileWarnings } : {}),
      };
    }),
    findings,
    notComputed,
  };
  // Masked before anything is stored or rendered, and before the summary quotes row ids.
  const masked = redactModel(
    built,
    plan.datasets.map((d) => d.contract),
  );
  const told = scrubNarration(narrate(masked));
  const model: ReportModel = {
    ...masked,
    ...told,
    summary: executiveSummary({ datasets: masked.datasets, narratives: told.narratives }),
  };

  // Assemble's own time, up to its writes: the last step the report can record.
  steps.push({
    step: 'assemble',
    ms: Math.round(performance.now() - started),
    queries: 0,
    bytesScanned: 0,
  });
  model.run = { ...model.run, steps, cost: estimateCost(steps) };
  const rendered = renderReport(model);
  await publishReport(deps.store, input.runId, model.run.generatedAt, [
    ...rendered.tables.map((t) => ({
      name: t.key,
      body: t.csv,
      contentType: 'text/csv; charset=utf-8',
    })),
    { name: 'report.md', body: rendered.markdown, contentType: 'text/markdown; charset=utf-8' },
    { name: 'report.html', body: rendered.html, contentType: 'text/html; charset=utf-8' },
    { name: 'report.json', body: rendered.json, contentType: 'application/json' },
  ]);
  return {
    reportKey: keys.reportHtml,
    coverage: coverageLine(model.datasets),
    highlights: headlines(model.narratives).map((n) => {
      const action = firstActionOn(model.recommendations, n);
      return {
        priority: n.priority,
        title: n.title,
        summary: n.summary,
        ...(action ? { action: action.title } : {}),
      };
    }),
  };
}

async function datasetSection(
  store: BlobStore,
  d: DatasetPlan,
  aggregates: RunAggregates,
): Promise<DatasetSection> {
  const stats = aggregates.datasets[d.dataset];
  const rejections = new Map<string, { column: string; reason: string; rows: number }>();
  for (const r of d.inputs.flatMap((i) => i.rejections)) {
    const key = `${r.column}\u0000${r.reason}`;
    const seen = rejections.get(key);
    rejections.set(key, { ...r, rows: (seen?.rows ?? 0) + r.rows });
  }
  const samples: QuarantineSample[] = [];
  for (const input of d.inputs) {
    if (input.rowsQuarantined === 0 || samples.length >= QUARANTINE_SAMPLES) continue;
    samples.push(
      ...(await quarantineSamples(
        store,
        input.quarantineKey,
        input.sourceKey,
        QUARANTINE_SAMPLES - samples.length,
      )),
    );
  }
  return {
    dataset: d.dataset,
    kind: d.contract.kind,
    contractVersion: d.contract.version,
    ...(d.contract.timeColumn ? { timeColumn: d.contract.timeColumn } : {}),
    ...(stats?.coverage
      ? { coverage: { first: stats.coverage.first, last: stats.coverage.last } }
      : {}),
    files: d.inputs.map((i) => {
      const warnings = warningsOf(i);
      return {
        sourceKey: i.sourceKey,
        checksum: i.checksum,
        rowsRead: i.rowsRead,
        rowsCurated: i.rowsCurated,
        rowsQuarantined: i.rowsQuarantined,
        ...(i.fileError ? { fileError: i.fileError } : {}),
        ...(i.ignoredColumns ? { ignoredColumns: i.ignoredColumns } : {}),
        ...(warnings ? { warnings } : {}),
      };
    }),
    rowsRead: sum(d.inputs.map((i) => i.rowsRead)),
    rowsCurated: sum(d.inputs.map((i) => i.rowsCurated)),
    rowsQuarantined: sum(d.inputs.map((i) => i.rowsQuarantined)),
    rowsAnalyzed: stats?.profile.rows ?? 0,
    rejections: [...rejections.values()].sort(
      (a, b) => b.rows - a.rows || a.column.localeCompare(b.column),
    ),
    quarantineSamples: samples,
    columns: stats?.profile.columns ?? [],
  };
}

async function quarantineSamples(
  store: BlobStore,
  key: string,
  sourceKey: string,
  limit: number,
): Promise<QuarantineSample[]> {
  let text: string;
  try {
    text = await store.getText(key);
  } catch (error) {
    if (error instanceof NotFoundError) return [];
    throw error;
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(0, limit)
    .map((line) => {
      const row = JSON.parse(line) as {
        line: number;
        reasons: { column: string; reason: string }[];
      };
      return { sourceKey, line: row.line, reasons: row.reasons };
    });
}

/**
 * The manifest's warnings, as the plan carries them. Plan copies them from the manifest
 * into `InputSummary.warnings`; the intersection keeps this compiling until it declares it.
 */
function warningsOf(input: InputSummary): string[] | undefined {
  return input.warnings?.length ? input.warnings : undefined;
}

function failureReason(error: { Error?: string; Cause?: string }): string {
  return `the analysis failed (${describeFailure(error)})`;
}

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
