import { stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { datasetFromKey } from '#ingest/ingest.ts';
import { ConfigError } from '#platform/errors.ts';
import type { LocalRuntime } from '#platform/local/runtime.ts';
import { ingestFile } from './ingest-files.ts';
import { consoleProgress, type Progress } from './progress.ts';
import { localOptions, runWorkflow } from './run.ts';
import { placeFile, WatchSchedule, type SeenFile } from './watch-schedule.ts';
import { scanFolder } from './watch-scan.ts';
import { withLocalRuntime } from './with-runtime.ts';

export interface WatchOptions {
  lake: string;
  outbox?: string;
  /** An SMTP URL: the email goes through it instead of the outbox. */
  smtp?: string;
  to: string;
  /** Seconds without new files or ingests before the report run starts. */
  quietPeriod: number;
  /** Seconds a file's size and mtime must stay the same before it is ingested. */
  settle: number;
  /** Seconds between scans of the folder. */
  poll: number;
  /** Process what is in the folder now, report if anything was ingested, and exit. */
  once?: boolean;
}

/**
 * `insights watch DIR`: the local drop folder, as the bucket's `incoming/` is in AWS. Exit
 * code (with --once) 1 when a file could not be ingested or the report run failed; a live
 * watch stopped by SIGINT or SIGTERM exits 0 after the file in progress.
 */
export async function watchCommand(dir: string, options: WatchOptions): Promise<number> {
  const progress = consoleProgress();
  const folder = resolve(dir);
  try {
    await checkFolders(folder, options);
  } catch (error) {
    progress.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
  const local = localOptions(options);
  const stop = new AbortController();
  const onSignal = (signal: string) => {
    progress.info(`${signal}: stopping after the file in progress (again to stop at once)`);
    stop.abort();
  };
  // `once`: a second signal gets Node's default handling, which ends the process at once.
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    return await withLocalRuntime(local, progress, (runtime) =>
      watchFolder(runtime, folder, options, progress, stop.signal),
    );
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
}

/**
 * The loop: scan, ingest what has settled, start the report run when it is due, sleep.
 *
 * Polling rather than fs.watch: fs.watch misses or merges events on network shares, Docker
 * and WSL mounts and some editors' save-by-rename, is not recursive on every platform, and
 * tells nothing about whether a file is still being written, so the sizes and mtimes would
 * have to be polled anyway. A scan of a drop folder every half second costs little.
 */
async function watchFolder(
  runtime: LocalRuntime,
  folder: string,
  options: WatchOptions,
  progress: Progress,
  stop: AbortSignal,
): Promise<number> {
  const clock = () => performance.now();
  const schedule = new WatchSchedule({
    settleMs: options.settle * 1000,
    // --once reports as soon as everything is in: nothing more is coming.
    quietMs: options.once ? 0 : options.quietPeriod * 1000,
  });
  progress.info(
    `${options.once ? 'ingesting' : 'watching'} ${folder}: files in its <dataset>/ folders go to ${runtime.store.url('incoming/')}${options.once ? '' : `; a report run starts once it has been quiet for ${options.quietPeriod} s. Ctrl-C stops`}`,
  );
  let failures = 0;
  let reports = 0;
  let firstScan: Set<string> | undefined;
  while (!stop.aborted) {
    let scan = await scanFolder(folder);
    // --once takes the files there at the start, not a stream of later ones.
    if (options.once) {
      firstScan ??= new Set(scan.map((f) => f.path));
      scan = scan.filter((f) => firstScan!.has(f.path));
    }
    const { ready, misplaced } = schedule.observe(scan, clock());
    for (const path of misplaced) {
      progress.warn(
        `${join(folder, path)} is not in a dataset folder, skipped: move it to ${join(folder, '<dataset>', path)}`,
      );
    }
    for (const file of ready) {
      if (stop.aborted) break;
      const ingested = await ingestDropped(runtime, folder, file, progress);
      if (!ingested.ok) failures++;
      schedule.handled(file, ingested.changedLake, clock());
    }
    if (stop.aborted) break;
    if (schedule.runDue(clock())) {
      schedule.reportStarted();
      reports++;
      if (!(await report(runtime, progress))) failures++;
    }
    if (options.once && schedule.pending === 0 && schedule.unreported === 0) {
      if (reports === 0) progress.info('nothing new was ingested: no report run');
      return failures > 0 ? 1 : 0;
    }
    await sleep(options.poll * 1000, undefined, { signal: stop }).catch(() => undefined);
  }
  if (schedule.unreported > 0) {
    progress.warn(
      `${schedule.unreported} file(s) ingested since the last report: \`insights run --lake ${runtime.store.url('')}\` reports them`,
    );
  }
  return 0;
}

/** A settled file through the same code as `insights ingest`; a changed file replaces its old version. */
async function ingestDropped(
  runtime: LocalRuntime,
  folder: string,
  file: SeenFile,
  progress: Progress,
): Promise<{ ok: boolean; changedLake: boolean }> {
  const placement = placeFile(file.path);
  if (placement.kind !== 'dataset') throw new Error(`Not a dataset file: ${file.path}`);
  // The dataset is the folder's name made an identifier, exactly as for incoming/<folder>/ in the bucket.
  const dataset = datasetFromKey(`incoming/${placement.folder}/${placement.name}`);
  const outcome = await progress.step(`ingest ${file.path}`, () =>
    ingestFile(
      runtime,
      join(folder, file.path),
      { dataset, name: placement.name, replace: true, skipUnchanged: true },
      progress,
    ),
  );
  return {
    ok: !outcome.error && !outcome.result?.manifest.fileError,
    // A file that could not be read still changes the lake: its manifest says why.
    changedLake: outcome.result !== undefined,
  };
}

/** The report run, its path on stdout as `insights run` prints it; false when it failed. */
async function report(runtime: LocalRuntime, progress: Progress): Promise<boolean> {
  try {
    process.stdout.write((await runWorkflow(runtime, undefined, 'watch', progress)) + '\n');
    return true;
  } catch (error) {
    progress.error(error instanceof Error ? error.message : String(error));
    return false;
  }
}

/**
 * The drop folder must exist, and must not hold the lake or the outbox (their own files
 * would be taken for drops) nor lie inside the lake (ingest writes there).
 */
async function checkFolders(folder: string, options: WatchOptions): Promise<void> {
  const s = await stat(folder).catch(() => undefined);
  if (!s?.isDirectory()) throw new ConfigError(`${folder} is not a folder: create it first`);
  const lake = resolve(options.lake);
  const outbox = resolve(options.outbox ?? join(lake, '..', 'outbox'));
  if (within(folder, lake) || within(folder, outbox)) {
    throw new ConfigError(
      `The ${within(folder, lake) ? `lake ${lake}` : `outbox ${outbox}`} is inside the watched folder ${folder}: its files would be taken for new data. Keep them apart`,
    );
  }
  if (within(lake, folder)) {
    throw new ConfigError(
      `The watched folder ${folder} is inside the lake ${lake}: watch a folder of its own`,
    );
  }
}

/** `inner` is `outer` or below it. */
function within(outer: string, inner: string): boolean {
  const path = relative(outer, inner);
  return path === '' || (!isAbsolute(path) && path.split(sep)[0] !== '..');
}
