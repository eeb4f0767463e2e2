import { InputRejectedError, NotFoundError } from '#platform/errors.ts';
import { renderReport } from '#report/render.ts';
import { findReport, openLake, readReportModel } from './find-report.ts';
import { writeResult } from './output.ts';
import { consoleProgress, type Progress } from './progress.ts';

import type { ReportFormat } from './choices.ts';
export { REPORT_FORMATS, type ReportFormat } from './choices.ts';

const RENDERED: Record<ReportFormat, 'markdown' | 'html' | 'json'> = {
  md: 'markdown',
  html: 'html',
  json: 'json',
};

export interface ReportCommandOptions {
  lake: string;
  /** The run; default: the newest report of the lake (`storedReports`). */
  run?: string;
  format: ReportFormat;
  /** Write to this file instead of stdout. */
  out?: string;
}

/**
 * `insights report [--lake DIR] [--run ID] [--format md|html|json] [--out FILE]`: the
 * stored report.json of a run rendered again from the model alone (`renderReport`), as the
 * run rendered it: nothing is queried or recomputed. To stdout or `--out`; which run, or why
 * not, on stderr. Exit code 1 when the lake, the run or a readable report is not there.
 */
export async function reportCommand(
  options: ReportCommandOptions,
  io: { stdout: NodeJS.WritableStream; progress: Progress } = {
    stdout: process.stdout,
    progress: consoleProgress(),
  },
): Promise<number> {
  try {
    const report = await findReport(await openLake(options.lake), options.run);
    const text = renderReport(await readReportModel(report))[RENDERED[options.format]];
    const what = `report of run ${report.runId} (${report.paths.json}) as ${options.format}`;
    return (await writeResult(text, options.out, what, io)) ? 0 : 1;
  } catch (error) {
    if (!(error instanceof NotFoundError || error instanceof InputRejectedError)) throw error;
    io.progress.error(error.message);
    return 1;
  }
}
