import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeDemo } from '#demo/generate.ts';
import { localRuntime } from '#platform/local/runtime.ts';
import { ingestFiles } from './ingest-files.ts';
import { consoleProgress } from './progress.ts';
import { runWorkflow } from './run.ts';

export interface DemoCommandOptions {
  out: string;
  seed: number;
  quiet?: boolean;
}

/**
 * The whole pipeline on generated data: `<out>/data` (the files and their ground truth),
 * `<out>/lake` (incoming, curated, quarantine, manifests, reports), `<out>/outbox`.
 * The lake is made anew each time, so a demo run always starts from the same state.
 */
export async function runDemo(options: DemoCommandOptions): Promise<number> {
  const out = resolve(options.out);
  const progress = consoleProgress(process.stderr, options.quiet);
  const demo = await progress.step(
    `generate demo data (seed ${options.seed}) in ${join(out, 'data')}`,
    async () => {
      await rm(join(out, 'data'), { recursive: true, force: true });
      return writeDemo(join(out, 'data'), { seed: options.seed });
    },
  );
  await rm(join(out, 'lake'), { recursive: true, force: true });
  const runtime = await localRuntime({ lake: join(out, 'lake'), outbox: join(out, 'outbox') });
  try {
    const outcomes = await progress.step(`ingest ${demo.files.length} files`, () =>
      ingestFiles(
        runtime,
        demo.files.map((f) => f.path),
        {},
        progress,
      ),
    );
    const failed = outcomes.filter((o) => o.error);
    if (failed.length > 0) {
      progress.warn(
        `${failed.length} demo file(s) could not be ingested; the report covers the rest.`,
      );
    }
    const reportPath = await runWorkflow(runtime, undefined, 'demo', progress);
    process.stdout.write(reportPath + '\n');
    return 0;
  } catch (error) {
    progress.error(error instanceof Error ? error.message : String(error));
    return 1;
  } finally {
    runtime.close();
  }
}
