import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestFile, ingestFiles } from '#cli/ingest-files.ts';
import { runReportWorkflow, type WorkflowResult } from '#cli/local-workflow.ts';
import { consoleProgress } from '#cli/progress.ts';
import { writeDemo, type DemoManifest } from '#demo/generate.ts';
import { localRuntime } from '#platform/local/runtime.ts';
import type { ReportModel } from '#report/model.ts';

export interface DemoRun {
  /** The folder holding `data/`, `lake/` and `outbox/`. */
  dir: string;
  demo: DemoManifest;
  result: WorkflowResult;
  report: ReportModel;
  markdown: string;
}

/** A demo file uploaded once more, under another name in its dataset's folder. */
export interface ReUpload {
  dataset: string;
  name: string;
}

/**
 * The demo data through ingest and the real workflow JSON, as `insights demo` runs it; then
 * each of `again`, a demo file ingested a second time under another name, before the run.
 */
export async function runDemoPipeline(
  runId: string,
  seed = 42,
  again: ReUpload[] = [],
): Promise<DemoRun> {
  const dir = await mkdtemp(join(tmpdir(), `insights-${runId}-`));
  const demo = await writeDemo(join(dir, 'data'), { seed });
  const runtime = await localRuntime({ lake: join(dir, 'lake'), outbox: join(dir, 'outbox') });
  let result: WorkflowResult;
  try {
    await ingestFiles(
      runtime,
      demo.files.map((f) => f.path),
      {},
      consoleProgress(process.stderr, true),
    );
    for (const { dataset, name } of again) {
      const file = demo.files.find((f) => f.dataset === dataset);
      if (!file) throw new Error(`The demo has no dataset ${dataset}`);
      const outcome = await ingestFile(
        runtime,
        file.path,
        { dataset, name },
        consoleProgress(process.stderr, true),
      );
      if (outcome.error) throw new Error(`Uploading ${name} again failed: ${outcome.error}`);
    }
    result = await runReportWorkflow(runtime, { runId, trigger: 'test' });
  } finally {
    runtime.close();
  }
  const read = (name: string) => readFile(join(dir, 'lake/reports', runId, name), 'utf8');
  return {
    dir,
    demo,
    result,
    report: JSON.parse(await read('report.json')) as ReportModel,
    markdown: await read('report.md'),
  };
}
