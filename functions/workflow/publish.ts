import type { BlobStore } from '#platform/ports.ts';
import { runKeys } from './run-keys.ts';

/** One file of a report, named relative to its folder: `report.html`, `tables/kpis.csv`. */
export interface ReportFile {
  name: string;
  body: string;
  contentType: string;
}

/** The newest published report, written after it: what `insights open` opens by default. */
export const LATEST_REPORT_KEY = 'reports/latest.json';

export interface LatestReport {
  runId: string;
  generatedAt: string;
  /** The report people open (`report.html`) and the one programs read (`report.json`). */
  reportKey: string;
  jsonKey: string;
}

/** The file whose presence says that a report is complete; every reader looks for it. */
const MARKER = 'report.json';

/**
 * Makes a report visible only once it is whole. Every file is first written under the
 * run's staging folder (a failure there leaves `reports/` untouched, and a retry writes
 * it all again); then each is copied into `reports/<run>/`, `report.json` last, so that
 * a reader that finds it finds every file; then the `latest` pointer moves to this run.
 */
export async function publishReport(
  store: BlobStore,
  runId: string,
  generatedAt: string,
  files: readonly ReportFile[],
): Promise<LatestReport> {
  const keys = runKeys(runId);
  if (!files.some((f) => f.name === MARKER))
    throw new Error(`A report of run ${runId} must have a ${MARKER}`);
  for (const f of files) await store.put(keys.staging(f.name), f.body, f.contentType);
  const markerLast = [...files].sort(
    (a, b) => Number(a.name === MARKER) - Number(b.name === MARKER),
  );
  for (const f of markerLast) await store.copy(keys.staging(f.name), `${keys.reportDir}/${f.name}`);
  const latest: LatestReport = {
    runId,
    generatedAt,
    reportKey: keys.reportHtml,
    jsonKey: keys.reportJson,
  };
  await pointLatestAt(store, latest);
  return latest;
}

/**
 * Moves the pointer forward only: a run that finishes after a newer one (a retried run,
 * or two at once) leaves it on the newer report.
 */
async function pointLatestAt(store: BlobStore, latest: LatestReport): Promise<void> {
  const current = await readLatestReport(store);
  if (current && current.generatedAt > latest.generatedAt) return;
  await store.put(LATEST_REPORT_KEY, JSON.stringify(latest, null, 2), 'application/json');
}

/** The pointer, or undefined when there is none or it is not one (a person's edit). */
export async function readLatestReport(store: BlobStore): Promise<LatestReport | undefined> {
  if (!(await store.head(LATEST_REPORT_KEY))) return undefined;
  try {
    const value = JSON.parse(await store.getText(LATEST_REPORT_KEY)) as Partial<LatestReport>;
    if (typeof value.runId !== 'string' || typeof value.generatedAt !== 'string') return undefined;
    // Only a pointer publishReport could have written: its keys are the run's own.
    const keys = runKeys(value.runId);
    return value.reportKey === keys.reportHtml && value.jsonKey === keys.reportJson
      ? (value as LatestReport)
      : undefined;
  } catch {
    return undefined;
  }
}
