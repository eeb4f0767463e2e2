import {
  reconcileLake,
  SOURCE_OUTCOMES,
  type LakeReconciliation,
  type SourceStatus,
} from '#ingest/reconcile.ts';
import { InputRejectedError, NotFoundError } from '#platform/errors.ts';
import type { BlobStore } from '#platform/ports.ts';
import { openLake } from './find-report.ts';
import { CHECK_EXIT, type CheckFormat } from './choices.ts';
import { writeResult } from './output.ts';
import { consoleProgress, type Progress } from './progress.ts';

export { CHECK_EXIT, CHECK_FORMATS, type CheckFormat } from './choices.ts';

export interface CheckCommandOptions {
  lake: string;
  format: CheckFormat;
  /** Write the result to this file instead of stdout. */
  out?: string;
}

/** The JSON output (`--format json`). */
export interface CheckJson extends LakeReconciliation {
  lake: string;
}

/**
 * `insights check --lake DIR [--format text|json] [--out FILE]`: reconciles the lake
 * (`reconcileLake`): one line per raw object version with its outcome and row counts, the
 * orphan outputs, and a summary, to stdout or FILE; progress on stderr. Exit code 0 when
 * all is well, 1 when there are problems, 2 when the check could not be made (CHECK_EXIT).
 */
export async function checkCommand(
  options: CheckCommandOptions,
  io: { stdout: NodeJS.WritableStream; progress: Progress } = {
    stdout: process.stdout,
    progress: consoleProgress(),
  },
): Promise<number> {
  let store: BlobStore;
  try {
    store = await openLake(options.lake);
  } catch (error) {
    if (!(error instanceof NotFoundError || error instanceof InputRejectedError)) throw error;
    io.progress.error(error.message);
    return CHECK_EXIT.trouble;
  }
  let result: LakeReconciliation;
  try {
    result = await io.progress.step(`check the lake ${store.url('')}`, () =>
      reconcileLake(store, { onProgress: (message) => io.progress.info(message) }),
    );
  } catch (error) {
    // Not exit code 1, which says the lake has problems: the check itself failed.
    io.progress.error(`the check could not be made: ${(error as Error).message}`);
    return CHECK_EXIT.trouble;
  }
  const text =
    options.format === 'json'
      ? `${JSON.stringify({ lake: store.url(''), ...result } satisfies CheckJson, null, 2)}\n`
      : checkText(result);
  if (!(await writeResult(text, options.out, summaryOf(result), io))) return CHECK_EXIT.trouble;
  return result.ok ? CHECK_EXIT.ok : CHECK_EXIT.problems;
}

/**
 * The text output: a table of the versions (outcome, dataset, key, version, rows read,
 * curated, quarantined), each followed by its file error or problems, indented; then the
 * orphan outputs with their reason; then the summary and the verdict.
 */
export function checkText(result: LakeReconciliation): string {
  const lines: string[] = [];
  if (result.sources.length === 0) {
    lines.push('No raw objects under incoming/ and no manifests.');
  } else {
    const header = ['OUTCOME', 'DATASET', 'KEY', 'VERSION', 'READ', 'CURATED', 'QUARANTINED'];
    const rows = result.sources.map((s) => [
      s.outcome,
      s.dataset,
      s.key,
      short(s.versionId ?? s.etag),
      count(s.rowsRead),
      count(s.rowsCurated),
      count(s.rowsQuarantined),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) =>
      cells
        .map((c, i) => (i >= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd();
    lines.push(line(header));
    result.sources.forEach((s, i) => {
      lines.push(line(rows[i]!));
      for (const note of notesOf(s)) lines.push(`    ${note}`);
    });
  }
  if (result.orphans.length > 0) {
    lines.push('', `Orphan outputs (no manifest names them): ${result.orphans.length}`);
    for (const o of result.orphans) lines.push(`  ${o.key}`, `    ${o.reason}`);
  }
  lines.push('', summaryOf(result), verdictOf(result));
  return `${lines.join('\n')}\n`;
}

/** `12 object version(s): 9 ingested, 1 rejected, ...; 1 orphan output(s)`. */
export function summaryOf(result: LakeReconciliation): string {
  const outcomes = SOURCE_OUTCOMES.map((o) => `${result.counts[o]} ${o}`).join(', ');
  return `${result.sources.length} object version(s): ${outcomes}; ${result.counts.orphans} orphan output(s)`;
}

function verdictOf(result: LakeReconciliation): string {
  if (result.ok) {
    return 'OK: every raw object version has a terminal outcome (ingested, rejected or replaced) and every output has its manifest.';
  }
  const { pending, broken, orphans } = result.counts;
  const problems = [
    ...(pending ? [`${pending} pending`] : []),
    ...(broken ? [`${broken} broken`] : []),
    ...(orphans ? [`${orphans} orphan output(s)`] : []),
  ];
  return `PROBLEMS: ${problems.join(', ')}: see the lines above.`;
}

function notesOf(s: SourceStatus): string[] {
  return [...(s.fileError !== undefined ? [`file error: ${s.fileError}`] : []), ...s.problems];
}

/** Enough of an ETag or version id to tell versions apart. */
function short(version: string): string {
  return version === '' ? '-' : version.slice(0, 12);
}

function count(n: number | undefined): string {
  return n === undefined ? '-' : String(n);
}
