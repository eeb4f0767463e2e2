import { writeFile } from 'node:fs/promises';
import { InputRejectedError, NotFoundError } from '#platform/errors.ts';
import { renderReport } from '#report/render.ts';
import { findReport, openLake, readReportModel } from './find-report.ts';
import { consoleProgress, type Progress } from './progress.ts';

export const REPORT_FORMATS = ['md', 'html', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

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
    if (options.out !== undefined) {
      try {
        await writeFile(options.out, text);
      } catch (error) {
        io.progress.error(`Cannot write ${options.out}: ${(error as Error).message}`);
        return 1;
      }
      io.progress.info(`${what}: written to ${options.out}`);
    } else {
      io.stdout.write(text);
      io.progress.info(what);
    }
    return 0;
  } catch (error) {
    if (!(error instanceof NotFoundError || error instanceof InputRejectedError)) throw error;
    io.progress.error(error.message);
    return 1;
  }
}
