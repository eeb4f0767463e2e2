import { estimateCost } from '#report/cost.ts';
import type { ReportModel } from '#report/model.ts';

/** A report model with nothing in it but what a test gives. */
export function reportModel(parts: Partial<ReportModel> = {}): ReportModel {
  return {
    schemaVersion: 1,
    run: {
      runId: 'r',
      trigger: 'test',
      startedAt: 's',
      generatedAt: 'g',
      steps: [],
      cost: estimateCost([]),
    },
    summary: [],
    narratives: [],
    recommendations: [],
    datasets: [],
    skippedDatasets: [],
    findings: [],
    notComputed: [],
    ...parts,
  };
}
