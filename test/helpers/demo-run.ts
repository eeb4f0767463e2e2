import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestFiles } from '#cli/ingest-files.ts';
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

/** The demo data through ingest and the real workflow JSON, as `insights demo` runs it. */
export async function runDemoPipeline(runId: string, seed = 42): Promise<DemoRun> {
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
