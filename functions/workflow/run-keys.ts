import { InputRejectedError } from '#platform/errors.ts';

/** Where a run keeps its working files and its report in the lake. */
export const runKeys = (runId: string) => {
  assertRunId(runId);
  return {
    plan: `runs/${runId}/plan.json`,
    aggregates: `runs/${runId}/aggregates.json`,
    /** The regular series of a dataset (series discovery), shared by its time-series analyses. */
    series: (dataset: string) =>
      `runs/${runId}/series/${dataset.replace(/[^A-Za-z0-9_-]+/g, '-')}.json`,
    findings: (analysisId: string) =>
      `runs/${runId}/findings/${analysisId.replace(/[^A-Za-z0-9_-]+/g, '-')}.json`,
    /** How the run ended (`notify.ts`): written by Notify and NotifyFailure. */
    outcome: `runs/${runId}/outcome.json`,
    /** Where the report's files are written before they are published (`publish.ts`). */
    staging: (name: string) => `runs/${runId}/report/${name}`,
    /** The report's folder: report.md, .json, .html and tables/ (CSV). */
    reportDir: `reports/${runId}`,
    reportMarkdown: `reports/${runId}/report.md`,
    reportJson: `reports/${runId}/report.json`,
    reportHtml: `reports/${runId}/report.html`,
  };
};

/** Step Functions execution names: letters, digits, - and _, at most 80. They become lake keys. */
export function assertRunId(runId: string): void {
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(runId)) {
    throw new InputRejectedError(
      `Run id ${JSON.stringify(runId)} is not valid: use letters, digits, - and _ (at most 80 characters)`,
    );
  }
}

/** A sortable, readable run id for runs started by a person or a schedule. */
export function newRunId(now: Date, trigger: string): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${trigger.replace(/[^A-Za-z0-9_-]+/g, '-')}`.slice(0, 80);
}
