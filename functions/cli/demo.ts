import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeDemo } from '#demo/generate.ts';
import { ConfigError } from '#platform/errors.ts';
import { ingestFiles } from './ingest-files.ts';
import { consoleProgress } from './progress.ts';
import { runWorkflow } from './run.ts';
import { withLocalRuntime } from './with-runtime.ts';

export interface DemoCommandOptions {
  out: string;
  seed: number;
  quiet?: boolean;
  /** An SMTP URL: the email goes through it instead of `<out>/outbox`. */
  smtp?: string;
}

/** Marks a folder as made by `insights demo`, which may then empty it on the next run. */
const MARKER = '.insights-demo';

/**
 * The whole pipeline on generated data: `<out>/data` (the files and their ground truth),
 * `<out>/lake` (incoming, curated, quarantine, manifests, reports), `<out>/outbox`.
 * The data and lake are made anew each time, so a demo always starts from the same state.
 */
export async function runDemo(options: DemoCommandOptions): Promise<number> {
  const out = resolve(options.out);
  const progress = consoleProgress(process.stderr, options.quiet);
  try {
    await claimFolder(out);
  } catch (error) {
    progress.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
  const demo = await progress.step(
    `generate demo data (seed ${options.seed}) in ${join(out, 'data')}`,
    () => writeDemo(join(out, 'data'), { seed: options.seed }),
  );
  const local = {
    lake: join(out, 'lake'),
    outbox: join(out, 'outbox'),
    ...(options.smtp ? { smtp: options.smtp } : {}),
  };
  return withLocalRuntime(local, progress, async (runtime) => {
    const outcomes = await progress.step(`ingest ${demo.files.length} files`, () =>
      ingestFiles(
        runtime,
        demo.files.map((f) => f.path),
        {},
        progress,
      ),
    );
    const failed = outcomes.filter((o) => o.error).length;
    if (failed > 0)
      progress.warn(`${failed} demo file(s) could not be ingested; the report covers the rest.`);
    process.stdout.write((await runWorkflow(runtime, undefined, 'demo', progress)) + '\n');
    return 0;
  });
}

/**
 * Empties the demo's data and lake, but only in a folder that is new, empty or made by an
 * earlier demo: `--out` pointed at a folder of the user's own must not lose anything.
 */
async function claimFolder(out: string): Promise<void> {
  const entries = await readdir(out).catch(() => [] as string[]);
  const ours = await stat(join(out, MARKER)).then(
    () => true,
    () => false,
  );
  if (entries.length > 0 && !ours) {
    throw new ConfigError(
      `${out} already holds files that insights demo did not make; choose an empty or new folder with --out`,
    );
  }
  await rm(join(out, 'data'), { recursive: true, force: true });
  await rm(join(out, 'lake'), { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await writeFile(
    join(out, MARKER),
    'Made by `insights demo`, which empties data/ and lake/ here on each run.\n',
  );
}
