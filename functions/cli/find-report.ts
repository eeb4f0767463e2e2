import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputRejectedError, NotFoundError } from '#platform/errors.ts';
import { fsBlobStore } from '#platform/local/fs-blob-store.ts';
import type { BlobStore } from '#platform/ports.ts';
import type { ReportModel } from '#report/model.ts';
import { validateReport } from '#report/report-schema.ts';
import { readLatestReport } from '#workflow/publish.ts';
import { assertRunId, runKeys } from '#workflow/run-keys.ts';

import { DEFAULT_LAKE } from './choices.ts';
export { DEFAULT_LAKE } from './choices.ts';

/** How many run ids an "unknown run" message lists. */
const LISTED_RUNS = 10;

/** A run of the lake that has a `reports/<runId>/report.json`. */
export interface StoredReport {
  runId: string;
  /** Absolute paths of the run's report files; only `json` is known to exist. */
  paths: { json: string; md: string; html: string };
  /**
   * When the report was made: its `run.generatedAt`, or the modification time of a
   * report.json that has none (not JSON, or not a report).
   */
  time: Date;
}

/** A run id that the lake has no report of, with the ids it has (newest first). */
export class UnknownRunError extends NotFoundError {
  constructor(
    message: string,
    readonly runId: string,
    readonly available: string[],
  ) {
    super(message);
  }
}

/** The lake folder as a store; a NotFoundError when there is no folder at `lake`. */
export async function openLake(lake: string): Promise<BlobStore> {
  const path = resolve(lake);
  const isFolder = await stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isFolder)
    throw new NotFoundError(
      `No lake folder at ${path}: give one with --lake DIR (\`insights demo\` makes ${DEFAULT_LAKE})`,
    );
  return fsBlobStore(path);
}

/**
 * The runs of the lake that have a report.json, newest first. Newest is by the report's
 * own `run.generatedAt`, not by run id: generated ids (`newRunId`) sort by time, but
 * `insights run --run-id` takes any id. A report.json without a readable `generatedAt`
 * counts by its file's modification time, so that a damaged newest report is still the
 * one chosen, and its problem reported, rather than an older one silently shown. Equal
 * times: the greater run id first. Every report.json is read; a lake holds a few hundred
 * runs at most, a few milliseconds each.
 */
export async function storedReports(store: BlobStore): Promise<StoredReport[]> {
  const runIds = (await store.listKeys('reports/')).flatMap((key) => {
    const runId = /^reports\/([^/]+)\/report\.json$/.exec(key)?.[1];
    return runId ? [runId] : [];
  });
  const reports = await Promise.all(runIds.map((runId) => storedReport(store, runId)));
  return reports.sort(
    (a, b) =>
      b.time.getTime() - a.time.getTime() || (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0),
  );
}

/**
 * The report of `runId`, or the newest report of the lake when no run is given (the one
 * `reports/latest.json` names, else the newest found). Errors
 * (NotFoundError) say what the lake holds: no report at all, or which runs have one.
 */
export async function findReport(store: BlobStore, runId?: string): Promise<StoredReport> {
  if (runId !== undefined) {
    assertRunId(runId);
    const path = store.url(runKeys(runId).reportJson);
    if (await isFile(path)) return storedReport(store, runId);
  }
  // The pointer publication moves last: one read instead of every report.json of the lake.
  const latest = runId === undefined ? await readLatestReport(store) : undefined;
  if (latest && (await isFile(store.url(latest.jsonKey)))) return storedReport(store, latest.runId);
  const reports = await storedReports(store);
  if (reports.length === 0)
    throw new NotFoundError(
      `The lake ${store.url('')} holds no report yet: \`insights run --lake ${store.url('')}\` makes one`,
    );
  if (runId === undefined) return reports[0]!;
  const listed = reports.slice(0, LISTED_RUNS).map((r) => r.runId);
  const more = reports.length - listed.length;
  const files = (await store.listKeys(`reports/${runId}/`)).length;
  throw new UnknownRunError(
    `The lake ${store.url('')} has no report of run ${runId}${files ? ' (its folder has no report.json)' : ''}; runs with a report, newest first: ${listed.join(', ')}${more ? ` (and ${more} older)` : ''}`,
    runId,
    reports.map((r) => r.runId),
  );
}

/**
 * The model stored in a report.json, checked against the report schema before anything
 * renders it (`validateReport`): an InputRejectedError naming the file when it is not JSON,
 * of another schema version, or not of the shape the renderers expect.
 */
export async function readReportModel(report: StoredReport): Promise<ReportModel> {
  return parseReport(await readFile(report.paths.json, 'utf8'), report.paths.json);
}

/** `text` (the content of the report.json at `path`) as a report model; see readReportModel. */
export function parseReport(text: string, path: string): ReportModel {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputRejectedError(
      `${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      { file: path },
      { cause: error },
    );
  }
  return validateReport(json, path);
}

async function storedReport(store: BlobStore, runId: string): Promise<StoredReport> {
  const keys = runKeys(runId);
  const paths = {
    json: store.url(keys.reportJson),
    md: store.url(keys.reportMarkdown),
    html: store.url(keys.reportHtml),
  };
  return { runId, paths, time: await reportTime(paths.json) };
}

async function reportTime(path: string): Promise<Date> {
  try {
    const generatedAt = (JSON.parse(await readFile(path, 'utf8')) as ReportModel).run.generatedAt;
    const time = new Date(generatedAt);
    if (typeof generatedAt === 'string' && !Number.isNaN(time.getTime())) return time;
  } catch {
    // Not JSON, or not a report: its modification time below.
  }
  return (await stat(path)).mtime;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}
