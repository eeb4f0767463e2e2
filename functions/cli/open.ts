import { spawn, type SpawnOptions } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { InputRejectedError, NotFoundError } from '#platform/errors.ts';
import { findReport, openLake } from './find-report.ts';
import { consoleProgress, type Progress } from './progress.ts';

export type OpenFormat = 'html' | 'md';

export interface OpenCommandOptions {
  lake: string;
  /** The run; default: the newest report of the lake (`storedReports`). */
  run?: string;
  format: OpenFormat;
  /** Print the path without opening it. */
  print?: boolean;
}

/** What an opener did: launched a program on the file, or why it could not. */
export type OpenOutcome = { opened: true; program: string } | { opened: false; reason: string };

/** Hands a file to the program that shows it; resolves once launched, not when closed. */
export type Opener = (path: string) => Promise<OpenOutcome>;

/** The command that opens a file with the desktop's default program, or why there is none. */
export function openerCommand(
  path: string,
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv,
): { command: string; args: string[]; options?: SpawnOptions } | { reason: string } {
  if (platform === 'darwin') return { command: 'open', args: [path] };
  if (platform === 'win32')
    // `start` is a cmd built-in; its first quoted argument is the window title, hence "".
    // Verbatim, so that Node does not escape those quotes; the path is quoted for cmd.
    return {
      command: 'cmd',
      args: ['/c', 'start', '""', `"${path}"`],
      options: { windowsVerbatimArguments: true },
    };
  // Linux and the BSDs. Without a display, xdg-open would start a text browser in a
  // terminal whose output nobody sees (over SSH, in a container).
  if (!env['DISPLAY'] && !env['WAYLAND_DISPLAY'])
    return { reason: 'no display (DISPLAY and WAYLAND_DISPLAY are not set)' };
  return { command: 'xdg-open', args: [path] };
}

/**
 * The desktop's opener (`open` on macOS, `cmd /c start` on Windows, `xdg-open` elsewhere),
 * started detached and not waited for; `{ opened: false }` when there is none, or it is
 * not installed. `launch` is for tests that must not start anything.
 */
export function platformOpener(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  launch: typeof spawn = spawn,
): Opener {
  return (path) => {
    const found = openerCommand(path, platform, env);
    if ('reason' in found) return Promise.resolve({ opened: false, reason: found.reason });
    return new Promise((resolve) => {
      const child = launch(found.command, found.args, {
        ...found.options,
        detached: true,
        stdio: 'ignore',
      });
      // 'error' before 'spawn': the program is not there. A later error is the viewer's own.
      child.once('spawn', () => {
        child.unref();
        resolve({ opened: true, program: found.command });
      });
      child.once('error', (error) =>
        resolve({
          opened: false,
          reason: `${found.command} could not be started: ${error.message}`,
        }),
      );
    });
  };
}

/**
 * `insights open [--lake DIR] [--run ID] [--format html|md] [--print]`: opens a run's
 * stored report (default: the newest run's report.html) with the desktop's opener and
 * prints its path on stdout. With `--print`, or when there is no opener, it prints the path
 * only and still exits 0. Exit code 1 when the lake, the run or the file is not there.
 */
export async function openCommand(
  options: OpenCommandOptions,
  io: { stdout: NodeJS.WritableStream; progress: Progress; opener: Opener } = {
    stdout: process.stdout,
    progress: consoleProgress(),
    opener: platformOpener(),
  },
): Promise<number> {
  try {
    const report = await findReport(await openLake(options.lake), options.run);
    const path = report.paths[options.format];
    const exists = await stat(path).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!exists)
      throw new NotFoundError(
        `Run ${report.runId} has no report.${options.format} (${path}); \`insights report --run ${report.runId} --format ${options.format} --out FILE\` renders it from its report.json`,
      );
    if (!options.print) {
      const outcome = await io.opener(path);
      if (outcome.opened) io.progress.info(`opened with ${outcome.program}`);
      else io.progress.info(`not opened: ${outcome.reason}; the path is on stdout`);
    }
    io.stdout.write(path + '\n');
    return 0;
  } catch (error) {
    if (!(error instanceof NotFoundError || error instanceof InputRejectedError)) throw error;
    io.progress.error(error.message);
    return 1;
  }
}
