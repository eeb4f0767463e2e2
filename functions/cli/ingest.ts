import { ingestFiles } from './ingest-files.ts';
import { consoleProgress } from './progress.ts';
import { withLocalRuntime } from './with-runtime.ts';

/** Exit code 1 when a file could not be ingested at all; quarantined rows alone are not a failure. */
export async function ingestCommand(
  files: string[],
  options: { lake: string; dataset?: string; replace?: boolean },
): Promise<number> {
  const progress = consoleProgress();
  return withLocalRuntime({ lake: options.lake }, progress, async (runtime) => {
    const outcomes = await progress.step(
      `ingest ${files.length} file(s) into ${runtime.store.url('')}`,
      () => ingestFiles(runtime, files, options, progress),
    );
    return outcomes.some((o) => o.error || o.result?.manifest.fileError) ? 1 : 0;
  });
}
