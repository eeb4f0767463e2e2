import type { LocalRuntime } from '#platform/local/runtime.ts';
import { ConfigError } from '#platform/errors.ts';
import { newRunId } from '#workflow/run-keys.ts';
import { runReportWorkflow } from './local-workflow.ts';
import { consoleProgress, type Progress } from './progress.ts';
import { withLocalRuntime } from './with-runtime.ts';

export async function runCommand(options: {
  lake: string;
  runId?: string;
  outbox?: string;
  smtp?: string;
  to: string;
}): Promise<number> {
  const progress = consoleProgress();
  return withLocalRuntime(localOptions(options), progress, async (runtime) => {
    if ((await runtime.catalog.listDatasets()).length === 0) {
      progress.error(
        `The lake ${runtime.store.url('')} holds no dataset yet: run \`insights ingest FILE... --lake ${options.lake}\` first.`,
      );
      return 1;
    }
    process.stdout.write((await runWorkflow(runtime, options.runId, 'cli', progress)) + '\n');
    return 0;
  });
}

/** The local runtime for `--lake`, `--outbox`, `--smtp` and the comma-separated `--to`. */
export function localOptions(options: {
  lake: string;
  outbox?: string;
  smtp?: string;
  to: string;
}) {
  const recipients = options.to
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    lake: options.lake,
    recipients,
    ...(options.outbox ? { outbox: options.outbox } : {}),
    ...(options.smtp ? { smtp: options.smtp } : {}),
  };
}

/** Runs the workflow with progress, and returns the path of the report it wrote. */
export async function runWorkflow(
  runtime: LocalRuntime,
  runId: string | undefined,
  trigger: string,
  progress: Progress,
): Promise<string> {
  const id = await unusedRunId(runtime, runId ?? newRunId(runtime.clock.now(), trigger), !runId);
  const result = await progress.step(`report run ${id}`, () =>
    runReportWorkflow(runtime, { runId: id, trigger, onProgress: (m) => progress.info(m) }),
  );
  progress.info(`email: ${result.messageId}`);
  return runtime.store.url(result.reportKey);
}

/**
 * A run never overwrites another's report, as an execution name is never reused in AWS. A
 * generated id (to the second) gets a suffix when a run of the same second exists; an id
 * the user chose is refused.
 */
async function unusedRunId(runtime: LocalRuntime, id: string, generated: boolean): Promise<string> {
  const taken = async (candidate: string) =>
    (await runtime.store.list(`runs/${candidate}/`)).length > 0;
  if (!(await taken(id))) return id;
  if (!generated)
    throw new ConfigError(
      `Run id ${id} was used before (${runtime.store.url(`runs/${id}/`)}); choose another`,
    );
  for (let n = 2; ; n++) if (!(await taken(`${id}-${n}`))) return `${id}-${n}`;
}
